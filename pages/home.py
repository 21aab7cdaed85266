"""Home: what Latent Lab teaches, one-click experiments, and the models available right now."""
import streamlit as st

from app.shell import require_shell

require_shell(__file__)  # a deep link opens inside the app shell

from app.home_text import TEXT
from app import presenter, url_state, warmup
from app.i18n import t
from app.shell import HOME_REQUEST_KEY, PAGES
from app.shell_text import TEXT as SHELL_TEXT

# (preset, text key, icon): the four experiments a teacher reaches for first
ONE_CLICK = (("ring8-vanilla", "card_collapse", ":material/trending_down:"),
             ("ring8-fixed", "card_fix", ":material/build:"),
             ("digits-gan", "card_digits_gan", ":material/draw:"),
             ("digits-vae", "card_digits_vae", ":material/map:"))

st.title(f":material/science: {t(TEXT, 'title')}")
st.markdown(f"##### {t(TEXT, 'tagline')}")

st.subheader(t(TEXT, "presets_title"))
st.caption(t(TEXT, "presets_caption"))
# presenter mode: the descriptions move into the buttons' tooltips, so the buttons sit on a projector's first screen
# (at 1.25x type the longest description pushed them below 720 px, and a click scrolled Home on to Train)
short = presenter.presenting()
for column, (preset, key, icon) in zip(st.columns(len(ONE_CLICK), gap="medium"), ONE_CLICK):
    with column, st.container(border=True, height="stretch", vertical_alignment="distribute"):
        with st.container(gap="small"):
            st.markdown(f"**{icon} {t(TEXT, key + '_title')}**")
            if not short:
                st.caption(t(TEXT, key + "_text"))
        if st.button(t(TEXT, "open"), key=f"home_preset_{preset}", type="primary", width="stretch",
                     icon=":material/play_arrow:", help=t(TEXT, key + "_text") if short else None):
            st.session_state[HOME_REQUEST_KEY] = {"preset": preset, "autostart": True}
            st.switch_page("pages/train.py")

learn_col, pages_col = st.columns([2.2, 1], gap="large")
with learn_col:
    st.subheader(t(TEXT, "what_title"))
    for key in ("what_gan", "what_vae", "what_collapse", "what_conditional", "what_latent", "what_family",
                "what_style_transfer"):
        st.markdown(t(TEXT, key))
with pages_col:
    st.subheader(t(TEXT, "pages_title"))
    for script, key, icon in PAGES:  # every page of the sidebar, with its icon there
        # the language in the link's address too, so one opened in a new tab opens in it
        with st.container(gap=None):  # the note right under its link
            st.page_link(script, label=t(SHELL_TEXT, key), icon=icon,
                         query_params=url_state.view_params())  # a new tab keeps both
            st.caption(t(TEXT, f"page_{key}_note"))

st.subheader(t(TEXT, "checkpoints_title"))
st.caption(t(TEXT, "checkpoints_caption"))
warmup.wait()  # the table below imports torch: it waits for the one thread that imports it, after the text painted
from app.home_checkpoints import checkpoint_rows  # noqa: E402

good, broken = checkpoint_rows()
if good:
    source = {"demo": t(TEXT, "source_demo"), "saved": t(TEXT, "source_saved")}
    st.dataframe(
        [{t(TEXT, "col_name"): stored.name, t(TEXT, "col_source"): source[stored.source],
          t(TEXT, "col_dataset"): facts["dataset"], t(TEXT, "col_model"): facts["model"],
          t(TEXT, "col_loss"): facts["loss"], t(TEXT, "col_steps"): facts["steps"]} for stored, facts in good],
        hide_index=True, width="stretch", key="home_checkpoints",
        column_config={t(TEXT, "col_steps"): st.column_config.NumberColumn(format="localized")})  # 1,500 as elsewhere
elif not broken:
    st.info(t(TEXT, "checkpoints_empty"), icon=":material/info:")
for stored, message in broken:
    st.caption(f":material/warning: {t(TEXT, 'broken', name=stored.name, message=message)}")
