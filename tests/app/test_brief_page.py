"""简报 page: pick a department and year, see its brief, download it as HTML and PDF."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.shipped import shipped_dataset_untouched

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _shipped_dataset_is_read_only() -> Iterator[None]:
    """No test of the brief writes into ``datasets/normalized`` (it reads it, or a copy in ``tmp_path``)."""
    with shipped_dataset_untouched():
        yield


def _brief_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("app_pages/brief.py").run()
    assert not at.exception
    return at


def _html_of(at: AppTest) -> str:
    frames = [e for e in at.get("iframe") if getattr(e.proto, "srcdoc", "")]
    assert frames, "the brief is shown in the page"
    return frames[0].proto.srcdoc


def test_brief_page_shows_the_chosen_department() -> None:
    at = _brief_page()
    assert at.title[0].value == "简报"
    at.selectbox(key="brief_department").select("武汉市汉阳区大数据中心").run()
    assert not at.exception
    assert at.selectbox(key="brief_year").options == ["2023"]
    html = _html_of(at)
    # The seed's income over the three years its 2023 budget states, in 万元.
    assert "2,330.28 → 1,652.62 → 1,370.19" in html
    assert "建议质询问题" in html
    labels = [button.proto.label for button in at.get("download_button")]
    assert "下载 PDF（打印用）" in labels and "下载 HTML" in labels


def test_brief_page_follows_the_english_switch() -> None:
    at = _brief_page()
    at.sidebar.toggle[0].set_value(True).run()
    assert not at.exception
    at.selectbox(key="brief_department").select("江苏省人民检察院").run()
    html = _html_of(at)
    assert "Questions to ask" in html and "江苏省人民检察院" in html


def test_brief_page_groups_peers_as_chosen() -> None:
    at = _brief_page()
    at.selectbox(key="brief_department").select("江苏省人民检察院").run()
    assert "在“江苏省”5个部门中排第" in _html_of(at)
    at.radio(key="brief_peer_basis").set_value("function").run()
    assert not at.exception
    html = _html_of(at)
    assert "在“江苏省”" not in html and "204 公共安全支出" in html


def test_the_brief_says_what_the_page_says_of_the_departments_documents() -> None:
    """The inventory caption of the page and the brief's header are one sentence (analytics.inventory, the same
    words): 1 年有文件 and 3 years of totals, two of them printed by the 2023 budget."""
    at = _brief_page()
    at.selectbox(key="brief_department").select("武汉市汉阳区大数据中心").run()
    caption = next(c.value for c in at.caption if "年有文件" in c.value)
    assert caption == (
        "1 年有文件（预算 1 份）：2023 年预算。"
        "预算收支合计读出 3 年：2021、2022、2023（2021、2022 年为之后年度文件所列的往年数）。"
    )
    assert f'<div class="meta holdings">数据集所收文件：{caption}</div>' in _html_of(at)
