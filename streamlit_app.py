"""Latent Lab: entry point. Declares the pages and draws what every page shares: the sidebar, and above the page the
join form a class's join link asks for; nothing else."""
import streamlit as st

from app import presenter, warmup
from app.browser import remember_browser
from app.class_link import read_class_link
from app.i18n import start_language, t
from app.shell_text import TEXT
from app.shell import PAGES, follow_deep_link, mark_shell_ready

st.set_page_config(page_title="Latent Lab", page_icon=":material/science:", layout="wide")
start_language()  # the session's language (from the URL on a first visit), kept in the address bar
remember_browser()  # the owner of this browser's runs, in a cookie before the heavy imports (app/browser.py)

presenter.init_from_url()
presenter.style()
warmup.start()  # torch, pandas and plotly load in the background while Home's text paints
home = st.Page("pages/home.py", title=t(TEXT, "home"), icon=":material/home:", default=True)
pages = [home] + [st.Page(script, title=t(TEXT, key), icon=icon) for script, key, icon in PAGES]
page = st.navigation(pages)
read_class_link(page.url_path)  # ?class=CODE and ?teach=TOKEN leave the address bar at once (it may be on the projector)
mark_shell_ready()
follow_deep_link()


def _wait_for_imports() -> None:
    """Every page but Home's light part needs the heavy libraries: wait until the one thread importing them is done."""
    if not warmup.ready():
        with st.spinner(t(TEXT, "starting")):
            warmup.wait()


join_prompt = st.container()  # above the page: filled in after it, once the class store has loaded


try:
    if page is not home:
        _wait_for_imports()
    page.run()
finally:
    # The sidebar imports torch (device, jobs); drawn after the page so a cold start paints the page first.
    _wait_for_imports()
    from app.class_join import draw_join_prompt
    from app.sidebar import draw_sidebar

    with join_prompt:
        draw_join_prompt()  # a class's join link: the name box at the top of the page, not in the sidebar
    draw_sidebar()
