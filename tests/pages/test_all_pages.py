"""Every page that exists (found through ui.lessons, so new pages are covered without
editing this file): renders in both languages, survives hostile URL values, and every
widget at its extremes."""

import json
import re

import pytest
import streamlit
from altair.vegalite.v6.schema.core import Root
from apptest_utils import (
    assert_clean,
    charts,
    learner_text,
    open_code,
    open_page,
    widget_extremes,
)
from text_checks import concept_ids, e_notation, hangul, split_particles

from ui.controls import CODE_KEY, OPTIONS_PREFIX, VIEWS_PREFIX
from ui.lessons import available

HANGUL = re.compile(r"[\uac00-\ud7a3]")
PAGES = [None] + [lesson.file for lesson in available()]
LESSON_FILES = [lesson.file for lesson in available()]
GARBAGE = ["abc", "1e308", "-5", "nan", "x" * 300, "", "0x10", "[1, 2]", "<script>"]


def _ids(file):
    return "home" if file is None else file.split("/")[-1].removesuffix(".py")


@pytest.mark.parametrize("file", PAGES, ids=_ids)
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_renders_in_both_languages(file, lang):
    at = open_page(file, lang=lang)
    assert_clean(at)
    if file is None:
        return
    specs = [chart.proto.spec for chart in charts(at)]
    assert specs, "a lesson draws at least one chart"
    for spec in specs:
        assert "NaN" not in spec and "Infinity" not in spec
        # the app skips Altair's validation when it draws (ui.chart_view): it is checked here
        Root.validate(json.loads(spec))
    # what learners read: numbers in their style, no concept IDs, no Hangul in English and
    # no Korean particle split from its number
    text = learner_text(at)
    assert not e_notation(text) and not concept_ids(text), (e_notation(text), concept_ids(text))
    assert not (split_particles(text) if lang == "ko" else hangul(text))
    if lang == "ko":
        text = " ".join(m.value for m in at.markdown)
        assert HANGUL.search(text)
        assert "(으)로" not in text, "a Korean particle left unresolved"
        decoded = [json.dumps(json.loads(spec), ensure_ascii=False) for spec in specs]
        assert any(HANGUL.search(spec) for spec in decoded), "chart titles are translated too"


@pytest.mark.parametrize("file", LESSON_FILES, ids=_ids)
def test_code_is_built_when_its_expander_opens(file):
    """Every lesson that trains or races offers its Keras code behind a closed expander
    (built only while open, to keep page loads light); opened, it shows the program."""
    at = open_page(file, lang="ko")
    if not any(e.key == CODE_KEY for e in at.expander):
        assert file < "pages/07", "lessons from the race on show their Keras code"
        return
    code = open_code(at)
    assert "keras" in code or "model.fit" in code


@pytest.mark.parametrize("file", LESSON_FILES, ids=_ids)
def test_every_download_makes_its_csv_on_a_click(file, monkeypatch):
    """Every lesson offers its numbers as CSV, made only when a visitor clicks (the button
    gets a function, ``ui.download.csv_button``): made here, each file has a header and
    rows, and a Korean page writes the same columns as an English one."""
    made = []
    real = streamlit.download_button

    def record(label, data, *args, **kwargs):
        made.append((kwargs["file_name"], data))
        return real(label, data, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", record)
    assert_clean(open_page(file))
    assert made, "a lesson offers its numbers as CSV"
    headers = {}
    for name, data in made:
        assert callable(data), f"{name}: made on every run instead of on a click"
        header, *rows = data().decode().splitlines()
        assert name.endswith(".csv") and "," in header and rows, name
        headers[name] = header
    made.clear()
    assert_clean(open_page(file, lang="ko"))
    assert {name: data().decode().splitlines()[0] for name, data in made} == headers


def url_bound_keys(at) -> list[str]:
    """Keys of the widgets whose values live in the URL."""
    keys = []
    for kind in ("slider", "number_input", "toggle"):
        for widget in getattr(at, kind):
            if getattr(widget.proto, "query_param_key", ""):
                keys.append(widget.proto.query_param_key)
    keys += [
        k.removeprefix(OPTIONS_PREFIX)
        for k in at.session_state
        if str(k).startswith(OPTIONS_PREFIX)
    ]
    return sorted(set(keys))


def widget_values(at) -> dict:
    values = {}
    for kind in ("slider", "number_input", "toggle", "select_slider", "selectbox", "radio"):
        for widget in getattr(at, kind):
            if widget.key is not None:
                values[widget.key] = widget.value
    return values


def views(file) -> list[dict]:
    """URL parameters that open each view of a page: ``{}`` for the default, and one per
    other tab of its lazy tabs (``ui.controls.lazy_tabs``, whose hidden tabs are not built)."""
    at = open_page(file)
    found = [{}]
    for name in at.session_state:
        if str(name).startswith(VIEWS_PREFIX):
            key, tabs = name.removeprefix(VIEWS_PREFIX), at.session_state[name]
            found += [{key: view} for view, label in tabs.items() if label != at.session_state[key]]
    return found


@pytest.mark.parametrize("file", LESSON_FILES, ids=_ids)
def test_hostile_url_values_fall_back_to_defaults(file):
    for view in views(file):
        hostile_url_values_fall_back(file, view)


def hostile_url_values_fall_back(file, view: dict):
    baseline = open_page(file, params=view)
    keys = url_bound_keys(baseline)
    assert keys, "lesson controls are bound to the URL"
    defaults = widget_values(baseline)
    if not view:  # garbage in a tab's parameter opens the default view, this one
        keys += [
            str(name).removeprefix(VIEWS_PREFIX)
            for name in baseline.session_state
            if str(name).startswith(VIEWS_PREFIX)
        ]
    for garbage in GARBAGE:
        params = dict.fromkeys(keys, garbage) | {"unknown_key": garbage} | view
        at = open_page(file, params=params)
        assert_clean(at)
        assert charts(at)
        values = widget_values(at)
        for key in keys:
            if key in defaults and key in values and garbage in ("abc", "1e308", "x" * 300):
                assert values[key] == defaults[key], (key, garbage)
        if garbage in ("abc", "1e308"):
            notices = " ".join(i.value for i in at.info)
            assert garbage in notices, "a rejected URL value is named in a notice"


@pytest.mark.parametrize("file", LESSON_FILES, ids=_ids)
def test_every_widget_at_its_extremes(file):
    for view in views(file):
        every_widget_at_its_extremes(file, view)


def every_widget_at_its_extremes(file, view: dict):
    at = open_page(file, params=view)
    for widget, value in list(widget_extremes(at)):
        widget.set_value(value).run()
        assert_clean(at)
        assert charts(at)
