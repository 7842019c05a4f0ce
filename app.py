"""Descent Lab -- home page: what the app teaches and the map of lessons.

Streamlit's pages-directory mode: this file is the home page and every file in ``pages/``
is a lesson, so a deep link to a lesson works on a freshly started server.
"""

import streamlit as st

from ui.lessons import GROUPS, available
from ui.page import LANG_PARAM, setup

page = setup("home")
t = page.t

st.title(t("home.title"))
st.markdown(f"##### {t('home.tagline')}")
st.markdown(t("home.intro"))

with st.container(border=True):
    st.markdown(f"**{t('home.analogy_title')}**")
    st.markdown(t("home.analogy"))

st.header(t("home.map_title"))
lessons = available()
for group in GROUPS:
    members = [lesson for lesson in lessons if lesson.group == group]
    if not members:
        continue
    st.subheader(t(f"common.group_{group}"))
    cols = st.columns(2)
    for i, lesson in enumerate(members):
        with cols[i % 2].container(border=True):
            st.page_link(
                lesson.file,
                label=t(f"{lesson.key}.title"),
                icon=lesson.icon,
                query_params={LANG_PARAM: page.lang},
            )
            st.caption(t(f"{lesson.key}.summary"))
page.finish()
