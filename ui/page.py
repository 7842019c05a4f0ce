"""What every page calls first and last: page config, language, title and a notice area
first, the sidebar last.

In pages-directory mode a lesson runs without ``app.py`` (a deep link goes straight to it),
so everything shared lives here: each page starts with ``page = setup("gd")`` and ends with
``page.finish()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import streamlit as st
from streamlit.elements.widgets.button import ButtonMixin

from charts import numbers
from lessons.notices import Listing, Notice, Number, PowerOfTen
from ui.lessons import GROUPS, available
from ui.text import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, Translator

LANG_PARAM = "lang"
# a local file: a Material icon as page icon would be fetched from a font server
FAVICON = str(Path(__file__).with_name("favicon.png"))
_SWITCH_KEY = "_lang_switch"
# Every chart takes its width from its column (charts.layout), so on a phone it fits. A
# chart that cannot (a multi-panel Vega-Lite concat has a fixed number of columns) scrolls
# sideways inside its own box instead of being cut off or pushing the page wider than the
# window; tests/browser/test_every_page.py counts such charts.
NARROW_CSS = """<style>
[data-testid="stElementContainer"]:has([data-testid="stVegaLiteChart"]) {
  max-width: 100%; overflow-x: auto; overflow-y: hidden;
}
</style>"""


@dataclass
class Page:
    """A page's context: its translator and the area where notices appear."""

    key: str
    t: Translator
    notices: st.delta_generator.DeltaGenerator
    shown: set[str] = field(default_factory=set)

    @property
    def lang(self) -> str:
        return self.t.lang

    def notice(self, text: str, icon: str = ":material/info:") -> None:
        """Say something about the input (a URL value replaced, a run capped) once per run."""
        if text not in self.shown:
            self.shown.add(text)
            self.notices.info(text, icon=icon)

    def warn(self, text: str) -> None:
        if text not in self.shown:
            self.shown.add(text)
            self.notices.warning(text, icon=":material/warning:")

    def finish(self) -> None:
        """Draw the sidebar (language switch and lesson links) after the page's own content.

        The browser draws elements in the order the script sends them, and a lesson's first
        chart waits for everything sent before it, so the sidebar's two dozen links come
        last (``python -m bench.browser`` measures the first chart)."""
        _sidebar(self.t, self.key)

    def stop(self) -> NoReturn:
        """End the page early (``st.stop``), with its sidebar."""
        self.finish()
        st.stop()


def _browser_language() -> str:
    try:
        locale = (st.context.locale or "").lower()
    except Exception:  # no browser behind this run (e.g. bare script mode)
        locale = ""
    return "ko" if locale.startswith("ko") else DEFAULT_LANGUAGE


def current_language() -> tuple[str, str | None]:
    """The language from ``?lang=``; else the browser's locale; else English.

    Returns the language and the rejected URL value, if the URL held an unknown one.
    """
    raw = st.query_params.get(LANG_PARAM)
    if raw in LANGUAGES:
        return raw, None
    return _browser_language(), raw


def _switch_language() -> None:
    st.query_params[LANG_PARAM] = st.session_state[_SWITCH_KEY]


def _sidebar(t: Translator, current_key: str) -> None:
    with st.sidebar:
        st.markdown(f"### {t('common.app_name')}")
        st.session_state[_SWITCH_KEY] = t.lang
        st.segmented_control(
            t("common.language"),
            options=list(LANGUAGES),
            format_func=LANGUAGE_NAMES.get,
            key=_SWITCH_KEY,
            required=True,
            on_change=_switch_language,
        )
        link_params = {LANG_PARAM: t.lang}
        _home_link(t("home.nav"), link_params)
        lessons = available()
        for group in GROUPS:
            members = [lesson for lesson in lessons if lesson.group == group]
            if not members:
                continue
            st.caption(t(f"common.group_{group}"))
            for lesson in members:
                st.page_link(
                    lesson.file,
                    label=t(f"{lesson.key}.title"),
                    icon=lesson.icon,
                    query_params=link_params,
                )


def home_path() -> str:
    """The home page's URL path: the server's root, under its base path if it has one
    (``server.baseUrlPath = "lab"`` -> ``/lab/``)."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/" if base else "/"


class _HomeHref:
    """Stands in for the sidebar while ``st.page_link`` builds the Home link, and sends the
    link with the home page's path as its href.

    ``st.page_link("app.py")`` writes the main page's href as its URL path, which is empty,
    followed by the query: ``?lang=en``. A browser resolves that against the current page,
    so opening Home in a new tab (or copying its address) gave the current lesson. A click
    is unchanged: the front end navigates by the page's script hash, not by the href.
    """

    def __init__(self, target: st.delta_generator.DeltaGenerator, href: str):
        self.dg = self  # st.page_link's implementation sends its element through ``self.dg``
        self._target = target
        self._href = href

    def _enqueue(self, delta_type: str, element_proto, **kwargs):
        if delta_type == "page_link" and not element_proto.external:
            element_proto.page = self._href
        return self._target._enqueue(delta_type, element_proto, **kwargs)


def _home_link(label: str, query_params: dict[str, str]) -> None:
    """The sidebar's Home link: in-app navigation on a click, ``/?lang=..`` as its href."""
    kwargs = dict(label=label, icon=":material/home:", query_params=query_params)
    try:
        build = ButtonMixin._page_link  # Streamlit's own validation, label and icon
    except AttributeError:  # a Streamlit without it: a working link with the old href
        st.page_link("app.py", **kwargs)
        return
    build(_HomeHref(st.sidebar, home_path()), "app.py", **kwargs)


def setup(key: str) -> Page:
    """Configure the page ``key`` (``"home"`` or a lesson key) and draw its title and notice
    area; the page ends with ``page.finish()``, which draws the sidebar."""
    lang, rejected = current_language()
    t = Translator(lang)
    st.set_page_config(
        page_title=f"{t(f'{key}.title')} · {t('common.app_name')}",
        page_icon=FAVICON,
        layout="wide",
    )
    if st.query_params.get(LANG_PARAM) != lang:
        st.query_params[LANG_PARAM] = lang  # keep it in the URL so a shared link keeps it
    st.html(NARROW_CSS)
    if key != "home":
        st.title(t(f"{key}.title"))
    notices = st.container()
    page = Page(key, t, notices)
    if rejected is not None:
        page.notice(t("common.bad_language", value=str(rejected)[:40]))
    return page


def words(t: Translator, item) -> str:
    """A lesson's ``Notice`` in ``t``'s language: its template with every ``Number`` (and
    ``PowerOfTen``) written for learners (``charts.numbers``), and every nested ``Notice``
    and ``Listing`` put into words first. Plain text passes through."""
    if isinstance(item, Number):
        return numbers.plain(item.value, item.digits)
    if isinstance(item, PowerOfTen):
        return numbers.power_of_ten(item.exponent)
    if isinstance(item, Listing):
        parts = [words(t, part) for part in item.items]
        if item.style == "bullets":
            return "\n".join(f"- {part}" for part in parts)
        return ", ".join(parts)
    if not isinstance(item, Notice):
        return item
    written = (Number, PowerOfTen, Listing, Notice)
    values = {
        name: words(t, value) if isinstance(value, written) else value
        for name, value in item.values.items()
    }
    return t(item.key, **values)


def notice_box(page: Page, lines) -> None:
    """The bordered "what to notice" box: a title and one paragraph per line (a lesson's
    ``Notice`` or text)."""
    with st.container(border=True):
        st.markdown(f"**{page.t('common.notice_title')}**")
        for line in lines:
            st.markdown(words(page.t, line))
