"""The published page behind a finding's evidence (疑点) and a key figure (部门画像): the page image, or the text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import schema as s
from analytics.evidence import SOURCES_ENV
from analytics.store import DEFAULT_DATASET, SOURCES_DIR, Dataset, open_dataset
from tests.app.conftest import page, table, tables


def _captions(at: AppTest) -> list[str]:
    return [img.caption for element in at.get("image") for img in element.proto.imgs]


def _flag_citing(dataset: Dataset, source_format: str) -> tuple[str, list[dict]]:
    """A flag whose evidence cites a page or line of a document of ``source_format``, and its evidence."""
    formats = dict(dataset.documents.select(s.DOC_ID, s.SOURCE_FORMAT).rows())
    for flag_id, items in dataset.flags.select(s.FLAG_ID, s.EVIDENCE).iter_rows():
        cited = [i for i in items or [] if i[s.DOC_ID] and formats.get(i[s.DOC_ID]) == source_format and i[s.LINE]]
        if cited and (source_format != "pdf" or all(i[s.PAGE] for i in cited)):
            return flag_id, items
    raise AssertionError(f"no flag cites a {source_format} document")


def _names(dataset: Dataset) -> dict[str, str]:
    return dict(dataset.documents.select(s.DOC_ID, s.SOURCE_NAME).rows())


def test_a_findings_evidence_is_shown_on_its_pdf_page() -> None:
    shipped = open_dataset(DEFAULT_DATASET)
    flag_id, items = _flag_citing(shipped, "pdf")
    at = page("app_pages/flags.py")
    at.selectbox(key="flags_pick").set_value(flag_id).run()
    assert not at.exception
    first = items[0]
    expected = f"{_names(shipped)[first[s.DOC_ID]]} · 第{first[s.PAGE]}页 · 第{first[s.LINE]}行"
    assert _captions(at) == [expected]
    if len(items) > 1:
        # Another evidence item: its own page.
        at.selectbox(key=f"flags_evidence_pick_{flag_id}_zh").set_value(1).run()
        second = items[1]
        assert _captions(at) == [f"{_names(shipped)[second[s.DOC_ID]]} · 第{second[s.PAGE]}页 · 第{second[s.LINE]}行"]
    # The whole page on demand.
    at.toggle(key=f"flags_evidence_pick_{flag_id}_shown_whole").set_value(True).run()
    assert not at.exception and len(_captions(at)) == 1


def test_a_text_documents_evidence_is_shown_as_its_lines() -> None:
    shipped = open_dataset(DEFAULT_DATASET)
    flag_id, items = _flag_citing(shipped, "text")
    at = page("app_pages/flags.py")
    at.selectbox(key="flags_pick").set_value(flag_id).run()
    chosen = next(i for i, item in enumerate(items) if item[s.DOC_ID] and item[s.LINE])
    at.selectbox(key=f"flags_evidence_pick_{flag_id}_zh").set_value(chosen).run()
    assert not at.exception and not _captions(at)
    # The evidence table: a text document has no page, shown as a dash and never as "None".
    (listed,) = tables(at, "文件", "页码", "行号")
    text_rows = listed[listed["文件"] == _names(shipped)[items[chosen][s.DOC_ID]]]
    assert set(text_rows["页码"]) == {"—"}
    assert "None" not in listed.astype(str).to_numpy().ravel().tolist()
    (lines,) = tables(at, "所引", "行号", "原文")
    cited = lines[lines["所引"] == "▶"]
    assert items[chosen][s.LINE] in cited["行号"].to_list()
    assert len(lines) > len(cited)  # the lines around it too


@pytest.fixture
def unkept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, doubtful_dataset: Dataset) -> Path:
    """The doubtful dataset, read from files in ``tmp_path`` that no folder searched holds."""
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    shutil.move(tmp_path / "doubtful.pdf", moved / "doubtful.pdf")
    assert not (doubtful_dataset.path / SOURCES_DIR).exists()  # type: ignore[operator]
    return moved


def test_a_source_file_not_at_hand_says_so_and_shows_the_text(
    unkept: Path, doubtful_dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    flag_id, _ = _flag_citing(doubtful_dataset, "pdf")
    at = page("app_pages/flags.py")
    at.selectbox(key="flags_pick").set_value(flag_id).run()
    assert not at.exception and not _captions(at)
    assert any("原文件不在数据集中" in w.value for w in at.warning)
    assert len(table(at, "所引", "行号", "原文")) > 0
    # Its folder named in ANALYTICS_SOURCES: the page is found by the file's hash.
    monkeypatch.setenv(SOURCES_ENV, str(unkept))
    again = page("app_pages/flags.py")
    again.selectbox(key="flags_pick").set_value(flag_id).run()
    assert not again.exception
    assert len(_captions(again)) == 1 and _captions(again)[0].startswith("doubtful.pdf · 第")


def test_a_key_figure_is_shown_where_its_document_prints_it() -> None:
    at = page("app_pages/department.py")
    at.selectbox(key="department_pick").select("上海市普陀区商务委员会").run()
    assert not at.exception
    documents = open_dataset(DEFAULT_DATASET).documents
    commerce = documents.filter(documents[s.SOURCE_NAME] == "putuo_commerce_2025_dept_budget.pdf")
    figure = at.selectbox(key=f"figure_source_{commerce.item(0, s.DEPARTMENT_ID)}_zh")
    index = next(i for i, label in enumerate(figure.options) if label.startswith("基本支出 · 2025"))
    figure.select_index(index).run()
    assert not at.exception
    # pdftotext -layout -f 13 -l 13: the 部门支出预算总表 prints 基本支出 19,830,655.00 元 in its 合计 row.
    captions = _captions(at)
    assert len(captions) == 1 and captions[0].startswith("putuo_commerce_2025_dept_budget.pdf · 第13页 · 第")
