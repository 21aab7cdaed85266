"""Class: a teacher starts a class and watches every student's run; a student sees their class (and, when the
teacher shares them, the gallery and the leaderboard)."""
import streamlit as st

from app.shell import require_shell

require_shell(__file__)  # a deep link (the teacher link) opens inside the app shell

from app import class_gallery, class_join, class_state, class_teacher
from app.class_text import TEXT
from app.i18n import t

class_state.claim_from_link()  # a teacher link opened here
teaching = class_state.taught_class()
shown = class_gallery.showing()

if teaching and shown and shown[0] == teaching:
    class_gallery.draw_show(*shown)  # one run on the projector
elif teaching:  # no title: the join code heads the page, so the gallery starts on the first screen
    class_teacher.draw_header(teaching)
    gallery_tab, challenge_tab, board_tab = st.tabs([t(TEXT, "gallery"), t(TEXT, "challenge"), t(TEXT, "leaderboard")])
    with gallery_tab:
        class_gallery.draw_gallery(teaching, teacher=True)
    with challenge_tab:
        class_teacher.draw_challenge(teaching)
    with board_tab:
        class_gallery.draw_leaderboard(teaching)
else:
    st.title(t(TEXT, "title"), anchor=False)
    found = class_state.membership()
    if found:
        code, member = found
        info = class_state.class_store().get(code)
        st.subheader(t(TEXT, "student_view"), anchor=False)
        st.markdown(class_state.challenge_text(info.challenge_obj if info else None))
        if info and info.show_leaderboard:
            st.subheader(t(TEXT, "leaderboard"), anchor=False)
            class_gallery.draw_leaderboard(code, teacher=False)
        if info and info.show_gallery:
            st.subheader(t(TEXT, "gallery"), anchor=False)
            class_gallery.draw_gallery(code, teacher=False)
        elif info:
            st.caption(t(TEXT, "student_gallery_off"))
    elif (ended := class_join.class_ended()) or class_state.came_to_join():
        # a student whose class just ended, or who came by a join link: joining first, and no red button that
        # makes them a teacher (a helper's walk-through saw "Start a class" as the student's most prominent control)
        if ended:
            st.info(t(TEXT, "ended"), icon=":material/door_open:")
        # a join link puts the form at the top of the page (not in the sidebar, as "not_in_class" says)
        st.markdown(t(TEXT, "join_above" if class_state.came_to_join() else "not_in_class"))
        st.caption(t(TEXT, "intro"))
        class_teacher.draw_start(primary=False)
    else:
        st.caption(t(TEXT, "intro"))
        class_teacher.draw_start()
        st.caption(t(TEXT, "not_in_class"))
