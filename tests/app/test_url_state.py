"""Shareable views (app_pages/_url.py): the widgets start from the URL's query parameters, write their value back,
and ignore (with a notice) a value that is not an option; the language is kept across pages; every page has its
address, and the sidebar shows the link to the view."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

import analytics
from analytics.pipeline import all_flags
from analytics.store import Dataset, save_dataset
from tests.app.conftest import ARCHIVES
from tests.synthetic import SyntheticDisclosure

ROOT = Path(__file__).resolve().parents[2]
#: A department whose id is not its name: the id shortens 委员会 to 委 (facts.DocumentIdentity.department_id).
RENEWAL = SyntheticDisclosure(region="长沙市岳麓区", short_name="岳麓区城市更新委员会")
RENEWAL_NAME, RENEWAL_ID = "长沙市岳麓区城市更新委员会", "长沙市岳麓区城市更新委"
ARCHIVES_NAME = ARCHIVES_ID = "南京市鼓楼区档案馆"


@pytest.fixture(autouse=True)
def dataset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Dataset:
    """Two years of the renewal committee (2023, 2024) and one of the archives (2024), read and flagged."""
    read = None
    for n, disclosure in enumerate((replace(RENEWAL, year=2023), RENEWAL, ARCHIVES)):
        path = tmp_path / f"disclosure_{n}.txt"
        path.write_text(disclosure.text(), encoding="utf-8")
        one = analytics.read_disclosure(path)
        read = one if read is None else read.replace_documents(one)
    assert read is not None
    stored = save_dataset(all_flags(read), tmp_path / "ds")
    monkeypatch.setenv("ANALYTICS_DATASET", str(stored.path))
    return stored


def _open(page: str | None = None, **params: str | list[str]) -> AppTest:
    """The app opened at ``page`` (``app_pages/….py``; the root when ``None``) with the query ``params``."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    if page is not None:
        at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def _notices(at: AppTest) -> list[str]:
    return [toast.value for toast in at.toast]


def test_the_root_opens_the_overview_and_keeps_the_query() -> None:
    at = _open(lang="en")
    assert at.title[0].value == "Departments and totals"
    assert at.toggle(key="lang_en").value is True
    assert at.query_params == {"lang": "en"}


def test_every_page_opens_in_english_from_the_link() -> None:
    titles = {"overview": "Departments and totals", "department": "Department profile", "compare": "Compare",
              "flags": "Findings", "explore": "Explore and search", "data": "Data", "brief": "Brief"}  # fmt: skip
    for page, title in titles.items():
        at = _open(f"app_pages/{page}.py", lang="en")
        assert at.title[0].value == title, page
        assert at.query_params.get("lang") == "en", page


def test_the_department_comes_from_the_link_by_its_id() -> None:
    at = _open("app_pages/department.py", dept=RENEWAL_ID, lang="en")
    assert at.selectbox(key="department_pick").value == RENEWAL_NAME
    assert at.title[0].value == "Department profile"
    assert not _notices(at)
    assert at.query_params.get("dept") in {RENEWAL_ID, None}  # absent when it is the page's default anyway


def test_a_department_by_its_name_or_unknown_is_ignored_with_a_notice() -> None:
    plain = _open("app_pages/department.py").selectbox(key="department_pick").value
    for wrong in (RENEWAL_NAME, "不存在的部门"):  # the name is not the link's code: the id is
        at = _open("app_pages/department.py", dept=wrong)
        assert at.selectbox(key="department_pick").value == plain
        assert _notices(at) == [f"链接中的“选择部门”无效，已忽略：{wrong}"]
        assert "dept" not in at.query_params  # the bad value leaves the URL


def test_picking_a_department_writes_its_id_and_the_default_writes_nothing() -> None:
    at = _open("app_pages/department.py")
    plain = at.selectbox(key="department_pick").value
    other, other_id = (ARCHIVES_NAME, ARCHIVES_ID) if plain == RENEWAL_NAME else (RENEWAL_NAME, RENEWAL_ID)
    at.selectbox(key="department_pick").select(other).run()
    assert at.query_params["dept"] == other_id
    at.selectbox(key="department_pick").select(plain).run()
    assert "dept" not in at.query_params


def test_the_flag_filters_come_from_the_link_and_go_back_to_it() -> None:
    at = _open("app_pages/flags.py", source="document", severity="warning,error", year=["2024", "1899"])
    assert at.radio(key="flags_source").value == "document"
    assert set(at.multiselect(key="flags_severity").value) == {"warning", "error"}
    assert at.multiselect(key="flags_year").value == [2024]
    assert _notices(at) == ["链接中的“年度”无效，已忽略：1899"]
    assert at.query_params["year"] == "2024"
    # Every severity unticked is a choice of its own: an empty value, not the default.
    at.multiselect(key="flags_severity").set_value([]).run()
    assert at.query_params["severity"] == ""
    at.multiselect(key="flags_severity").set_value(["error", "warning", "info"]).run()
    assert "severity" not in at.query_params
    at.multiselect(key="flags_year").set_value([])
    at.radio(key="flags_source").set_value("all").run()
    assert "year" not in at.query_params and "source" not in at.query_params
    at.selectbox(key="flags_department").select(RENEWAL_NAME).run()
    assert at.query_params["dept"] == RENEWAL_ID
    assert not at.exception


def test_an_empty_severity_in_the_link_is_an_empty_choice() -> None:
    at = _open("app_pages/flags.py", severity="")
    assert at.multiselect(key="flags_severity").value == []
    assert not _notices(at)


def test_the_comparison_comes_from_the_link() -> None:
    at = _open("app_pages/compare.py", dept=f"{RENEWAL_ID},{ARCHIVES_ID}", measure="expenditure_total",
               peers="unit_type")  # fmt: skip
    assert set(at.multiselect(key="compare_departments").value) == {RENEWAL_NAME, ARCHIVES_NAME}
    assert at.selectbox(key="compare_measure").value == "expenditure_total"
    assert at.radio(key="compare_peer_basis").value == "unit_type"
    at.multiselect(key="compare_departments").set_value([ARCHIVES_NAME]).run()
    assert at.query_params["dept"] == ARCHIVES_ID


def test_the_brief_comes_from_the_link_and_a_bad_year_is_ignored() -> None:
    at = _open("app_pages/brief.py", dept=RENEWAL_ID, year="2023")
    assert at.selectbox(key="brief_department").value == RENEWAL_NAME
    assert at.selectbox(key="brief_year").value == 2023
    at = _open("app_pages/brief.py", dept=RENEWAL_ID, year="二〇二三")
    assert at.selectbox(key="brief_year").value == 2024  # the latest year, as without a link
    assert _notices(at) == ["链接中的“年度”无效，已忽略：二〇二三"]


def test_the_language_is_kept_across_pages() -> None:
    at = _open("app_pages/overview.py")
    assert "lang" not in at.query_params
    at.toggle(key="lang_en").set_value(True).run()
    assert at.query_params["lang"] == "en"
    at.switch_page("app_pages/flags.py").run()
    assert at.title[0].value == "Findings"
    assert at.query_params["lang"] == "en"
    at.toggle(key="lang_en").set_value(False).run()
    assert at.title[0].value == "疑点" and "lang" not in at.query_params


def test_the_sidebar_shows_the_link_to_the_view() -> None:
    at = _open("app_pages/flags.py", severity="warning", lang="en")
    at.selectbox(key="flags_department").select(RENEWAL_NAME).run()
    link = at.sidebar.code[0].value
    parts = urlsplit(link)
    assert parts.path == "/flags"
    assert parse_qs(parts.query, keep_blank_values=True) == {
        "lang": ["en"],
        "severity": ["warning"],
        "dept": [RENEWAL_ID],
    }
    assert RENEWAL_ID in link  # readable: the Chinese is not percent-encoded
