"""The published page behind a figure: the page image with the cited line highlighted, the text lines around it."""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import polars as pl
import pytest
from PIL import Image

from analytics import evidence
from analytics import schema as s
from analytics.errors import DatasetError
from analytics.evidence import NOT_FOUND, OFF_PAGE, SourceMissingError, page_image, render_page, text_context
from analytics.pipeline import ingest_files, remove_files
from analytics.store import DEFAULT_DATASET, SOURCES_DIR, Dataset, open_dataset
from tests.layout_pdf import build, cover, narrative, summary_page

RAW = DEFAULT_DATASET.parent / "raw"
SCALE = 2.0
#: The wrapped sentence the synthetic narrative page prints on two lines, baselines 256 and 274 points
#: from the top (the narrative's lines are 18 points apart from 220).
SENTENCE = ("本部门收入预算876.50万元，比上年增加", "12.00万元，主要是绿化养护经费增加。")


def _pdf(tmp_path: Path) -> Path:
    front = cover() + narrative(["一、部门预算情况说明", "本部门收支预算见下表。", *SENTENCE], top=220)
    return build(tmp_path / "garden.pdf", [front, summary_page("2027年部门收支预算总表", "876.50", "876.50")])


@pytest.fixture
def ingested(tmp_path: Path) -> tuple[Dataset, Path]:
    (tmp_path / "upload").mkdir()
    pdf = _pdf(tmp_path / "upload")
    outcome = ingest_files([pdf], tmp_path / "ds", workers=1)
    assert not outcome.errors and outcome.stored is not None
    return outcome.stored, pdf


def _pixel(image: Image.Image, x_points: float, y_points: float, scale: float = SCALE) -> tuple[int, int, int]:
    return image.getpixel((int(x_points * scale), int(y_points * scale)))  # type: ignore[return-value]


def _is_highlighted(rgb: tuple[int, int, int]) -> bool:
    red, green, blue = rgb
    return red > 200 and green > 150 and blue < 200


def _is_blank(rgb: tuple[int, int, int]) -> bool:
    return min(rgb) > 245


def test_ingest_keeps_the_source_file_and_removing_the_document_drops_it(ingested: tuple[Dataset, Path]) -> None:
    stored, pdf = ingested
    sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
    kept = stored.path / SOURCES_DIR / f"{sha}.pdf"  # type: ignore[operator]
    assert kept.read_bytes() == pdf.read_bytes()
    # Found there even when the uploaded file is gone.
    pdf.unlink()
    assert evidence.find_source(stored, stored.documents.item(0, s.DOC_ID)) == kept.resolve()
    remove_files([stored.documents.item(0, s.DOC_ID)], stored.path)
    assert list((stored.path / SOURCES_DIR).iterdir()) == []  # type: ignore[operator]


def test_highlight_lies_over_the_drawn_table_row(ingested: tuple[Dataset, Path]) -> None:
    stored, _ = ingested
    row = stored.lines.filter(pl.col(s.SOURCE_TEXT).str.contains("收入总计")).row(0, named=True)
    shown = page_image(stored, row[s.DOC_ID], row[s.PAGE], line=row[s.LINE], source_text=row[s.SOURCE_TEXT])
    assert (shown.page, shown.page_count, shown.note) == (2, 2, None)
    # The row is drawn with its baseline 160 points from the top in 9-point type, from x = 60 to x = 660.
    left, top, right, bottom = (v / SCALE for v in shown.box)  # type: ignore[union-attr]
    assert 148 <= top <= 154 and 160 <= bottom <= 166
    assert left <= 60 and right >= 655
    image = Image.open(io.BytesIO(shown.png)).convert("RGB")
    assert _is_highlighted(_pixel(image, 350, 157))  # between the row's words, inside the box
    assert _is_blank(_pixel(image, 350, 147))  # between this row and the one above (135)
    assert _is_blank(_pixel(image, 350, 170))
    assert _is_blank(_pixel(image, 350, 132))  # the row above is not highlighted


def test_text_stored_differently_is_found_on_its_line(ingested: tuple[Dataset, Path]) -> None:
    _, pdf = ingested
    # Full-width digits, no spaces, no line number: still the 收入总计 row.
    shown = render_page(pdf, 2, source_text="收入总计８７６．５０支出总计８７６．５０", scale=1.0)
    assert shown.box is not None and 148 <= shown.box[1] <= 154
    # A sentence wrapped over two lines highlights both, and not the line above them.
    wrapped = render_page(pdf, 1, source_text="".join(SENTENCE), scale=1.0)
    assert wrapped.box is not None
    # 9-point type: from about 8 points above the first baseline to just below the second; the line above
    # (baseline 238) stays out.
    assert 242 <= wrapped.box[1] <= 250 and 274 <= wrapped.box[3] <= 280
    assert len(wrapped.lines) == 2


def test_text_found_nowhere_shows_the_page_without_a_highlight(ingested: tuple[Dataset, Path]) -> None:
    _, pdf = ingested
    shown = render_page(pdf, 2, line=99, source_text="完全无关的一句话 123.45", scale=1.0)
    assert (shown.box, shown.lines, shown.note) == (None, (), NOT_FOUND)
    image = Image.open(io.BytesIO(shown.png)).convert("RGB")
    # Landscape A4 (841.9 x 595.3 points) at one pixel per point.
    assert abs(image.width - 842) <= 1 and abs(image.height - 595) <= 1
    assert not any(_is_highlighted(_pixel(image, x, 157, 1.0)) for x in range(60, 660, 10))


@pytest.mark.parametrize("page", [0, 3, 10_000, -1])
def test_a_page_the_file_does_not_have_is_refused(ingested: tuple[Dataset, Path], page: int) -> None:
    stored, pdf = ingested
    with pytest.raises(DatasetError, match=rf"garden\.pdf: there is no page {page}; expected a page from 1 to 2"):
        page_image(stored, stored.documents.item(0, s.DOC_ID), page, line=1)
    with pytest.raises(DatasetError, match=rf"no page {page}"):
        render_page(pdf, page)
    with pytest.raises(DatasetError, match="scale 50 is out of range"):
        render_page(pdf, 1, scale=50)


def test_a_source_file_found_nowhere_is_a_clear_state(
    ingested: tuple[Dataset, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored, pdf = ingested
    doc_id = stored.documents.item(0, s.DOC_ID)
    shutil.rmtree(stored.path / SOURCES_DIR)  # type: ignore[operator]
    # A file of the same name and other content is not the source.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "garden.pdf").write_bytes(pdf.read_bytes() + b"\n% edited\n")
    monkeypatch.setenv(evidence.SOURCES_ENV, str(elsewhere))
    with pytest.raises(SourceMissingError, match=r"garden\.pdf: the source file is not kept with the dataset"):
        page_image(stored, doc_id, 2, line=1)
    # Under another name, the same bytes are found by their hash.
    shutil.copy(pdf, elsewhere / "renamed.pdf")
    assert evidence.find_source(stored, doc_id) == (elsewhere / "renamed.pdf").resolve()


def test_corpus_table_row_is_highlighted_where_it_is_printed() -> None:
    ds = open_dataset(DEFAULT_DATASET)
    doc_id = ds.documents.filter(pl.col(s.SOURCE_NAME) == "putuo_commerce_2025_dept_budget.pdf").item(0, s.DOC_ID)
    row = ds.lines.filter(
        (pl.col(s.DOC_ID) == doc_id) & (pl.col(s.PAGE) == 9) & pl.col(s.SOURCE_TEXT).str.starts_with("收入总计")
    ).row(0, named=True)
    shown = page_image(ds, doc_id, 9, line=row[s.LINE], source_text=row[s.SOURCE_TEXT])
    assert shown.source == (RAW / "putuo_commerce_2025_dept_budget.pdf").resolve()
    # pdftotext -bbox-layout -f 9 -l 9: “收入总计 371,514,655.00 支出总计 371,514,655.00” is printed from
    # y = 466.8 to 478.9 points, 收入总计 starting at x = 141.5; the row above (四、其他收入) is 150 points higher.
    left, top, right, bottom = (v / shown.scale for v in shown.box)  # type: ignore[union-attr]
    assert 460 <= top <= 468 and 477 <= bottom <= 486
    assert 130 <= left <= 142 and right >= 700


def test_corpus_wrapped_sentence_is_highlighted_on_both_lines() -> None:
    ds = open_dataset(DEFAULT_DATASET)
    doc_id = ds.documents.filter(pl.col(s.SOURCE_NAME) == "putuo_commerce_2025_dept_budget.pdf").item(0, s.DOC_ID)
    row = ds.statements.filter(
        (pl.col(s.DOC_ID) == doc_id) & (pl.col(s.PAGE) == 8) & pl.col(s.SOURCE_TEXT).str.starts_with("13.")
    ).row(0, named=True)
    shown = page_image(ds, doc_id, 8, line=row[s.LINE], source_text=row[s.SOURCE_TEXT], scale=1.5)
    # pdftotext -bbox-layout -f 8 -l 8: item 13 runs from “13. “资源勘探…29,381.00万” (y 207.2-219.2) to
    # “元，主要用于支持中小企业发展和管理，产业扶持政策支出。” (y 221.7-233.7, from x = 58.4).
    left, top, right, bottom = (v / shown.scale for v in shown.box)  # type: ignore[union-attr]
    assert 200 <= top <= 209 and 232 <= bottom <= 238
    assert left <= 60 and right >= 760
    assert len(shown.lines) == 2


def test_corpus_line_drawn_beyond_the_page_edge_is_said_so() -> None:
    # js_npc_2017 page 11 holds text below its bottom edge (y > 842): pdftotext -layout prints none of it.
    ds = open_dataset(DEFAULT_DATASET)
    doc_id = ds.documents.filter(pl.col(s.SOURCE_NAME) == "js_npc_2017_dept_budget.pdf").item(0, s.DOC_ID)
    shown = page_image(ds, doc_id, 11, source_text="30228 工会经费 21.00", scale=0.5)
    assert (shown.box, shown.note) == (None, OFF_PAGE)


def test_text_document_context_marks_the_cited_line() -> None:
    ds = open_dataset(DEFAULT_DATASET)
    name = "hanyang_bigdata_2023_dept_budget.txt"
    doc_id = ds.documents.filter(pl.col(s.SOURCE_NAME) == name).item(0, s.DOC_ID)
    printed = (RAW / name).read_text(encoding="utf-8").splitlines()
    context = text_context(ds, doc_id, None, 131, source_text="合 计 1370.19 100%", around=2)
    cited = context.filter(pl.col(evidence.CITED))
    assert cited.get_column(s.LINE).to_list() == [131]
    assert cited.item(0, s.SOURCE_TEXT) == printed[130].strip() == "合 计 1370.19 100% 1652.62 2330.28"
    # Two non-blank lines either side (the blank lines of the file are not lines of the text).
    assert context.get_column(s.LINE).to_list() == [127, 129, 131, 133, 135]
    assert context.item(1, s.SOURCE_TEXT) == printed[128].strip()


def _text_dataset() -> Dataset:
    documents = pl.DataFrame(
        [{s.DOC_ID: "t1", s.SOURCE_NAME: "t1.txt", s.SOURCE_FORMAT: "text", s.DEPARTMENT_ID: "甲局",
          s.FISCAL_YEAR: 2027, s.PHASE: "budget", s.SCOPE: "department", s.DISCLOSURE_ID: "t1"}],
        schema=s.TABLES[s.DOCUMENTS].schema, orient="row",
    )  # fmt: skip
    texts = ["一、收入预算", "本局收入预算100.00万元，比上年", "增加5.00万元。", "二、支出预算", "支出预算100.00万元。"]
    text = pl.DataFrame(
        [{s.DOC_ID: "t1", s.SEQ: i, s.LINE: 2 * i, s.SOURCE_TEXT: t} for i, t in enumerate(texts, start=1)],
        schema=s.TABLES[s.DOCUMENT_TEXT].schema, orient="row",
    )  # fmt: skip
    return Dataset.from_tables({s.DOCUMENTS: documents, s.DOCUMENT_TEXT: text})


def test_text_context_marks_a_wrapped_sentence_and_refuses_a_line_not_printed() -> None:
    ds = _text_dataset()
    context = text_context(ds, "t1", None, 4, source_text="本局收入预算100.00万元，比上年增加5.00万元。", around=1)
    assert context.get_column(s.LINE).to_list() == [2, 4, 6, 8]
    assert context.get_column(evidence.CITED).to_list() == [False, True, True, False]
    with pytest.raises(DatasetError, match=r"t1\.txt: the document has no line 5"):
        text_context(ds, "t1", None, 5)
    with pytest.raises(DatasetError, match=r"a text document has no pages to render"):
        page_image(ds, "t1", 1, line=2)


def test_the_command_line_ingest_keeps_the_source_file_too(tmp_path: Path) -> None:
    from analytics.cli import main

    pdf = _pdf(tmp_path)
    assert main(["ingest", str(pdf), "--dataset", str(tmp_path / "ds")]) == 0
    sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert [p.name for p in (tmp_path / "ds" / SOURCES_DIR).iterdir()] == [f"{sha}.pdf"]


def test_a_key_figure_is_found_where_its_document_prints_it() -> None:
    from decimal import Decimal

    ds = open_dataset(DEFAULT_DATASET)
    doc_id = ds.documents.filter(pl.col(s.SOURCE_NAME) == "putuo_commerce_2025_dept_budget.pdf").item(0, s.DOC_ID)
    # pdftotext -layout: 基本支出 19,830,655.00 元 is printed in the 合计 rows of the 支出总表 (page 13) and of the
    # 一般公共预算支出表 (page 16), and heads the 基本支出 economic table (page 20).
    places = evidence.figure_sources(ds, doc_id, Decimal("19830655.00"), fiscal_year=2025)
    assert places.get_column(s.PAGE).to_list() == [13, 16, 20]
    assert places.get_column(s.SOURCE_TEXT).str.starts_with("合计").all()
    assert evidence.figure_sources(ds, doc_id, Decimal("19830655.00"), fiscal_year=2024).is_empty()
    assert evidence.figure_sources(ds, doc_id, None).is_empty()
