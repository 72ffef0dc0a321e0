"""Hearing briefs: figures from documents the tests write, escaping, PDF pages, batch mode and the CLI."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import polars as pl
import pypdfium2
import pytest
from pypdf import PdfReader

import analytics
from analytics import inventory
from analytics import schema as s
from analytics.cli import main
from analytics.compare import _columns as c
from analytics.inventory import department_inventory, department_years
from analytics.pipeline import all_flags
from analytics.reading import reading_report
from analytics.report.brief import (
    BriefError,
    brief_file_name,
    build_brief,
    render_html,
    render_pdf,
    write_briefs,
)
from analytics.store import Dataset, open_dataset, save_dataset
from analytics.triage import open_triage
from tests.app.doubtful import DoubtfulDisclosure
from tests.shipped import shipped_dataset_untouched
from tests.synthetic import Composition, SyntheticDisclosure
from tests.system import needs_pdf_printing

REGION = "南京市鼓楼区"
MARKUP = '<img src=x onerror="alert(1)">'


@pytest.fixture(autouse=True)
def _shipped_dataset_is_read_only() -> Iterator[None]:
    """No test of the brief writes into ``datasets/normalized`` (it reads it, or a copy in ``tmp_path``)."""
    with shipped_dataset_untouched():
        yield


def _read(tmp_path: Path, *documents: SyntheticDisclosure) -> Dataset:
    read = []
    for number, document in enumerate(documents):
        path = tmp_path / f"doc{number}.txt"
        path.write_text(document.text(), encoding="utf-8")
        read.append(analytics.read_disclosure(path))
    merged = read[0]
    for more in read[1:]:
        merged = merged.replace_documents(more)
    return all_flags(merged)


def _wan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


@pytest.fixture
def archives() -> SyntheticDisclosure:
    return SyntheticDisclosure(region=REGION, short_name="鼓楼区档案馆")


@pytest.fixture
def three(tmp_path: Path, archives: SyntheticDisclosure) -> Dataset:
    """Three departments of one region whose spending differs only in 项目支出 (万元, this year first)."""
    library = SyntheticDisclosure(
        region=REGION,
        short_name="鼓楼区图书馆",
        composition=Composition(specific=("3100", "2000", "1800"), appropriation=("4010.5", "2840", "2680.25")),
    )
    museum = SyntheticDisclosure(
        region=REGION,
        short_name="鼓楼区博物馆",
        composition=Composition(specific=("700", "650", "600"), appropriation=("1610.5", "1490", "1480.25")),
    )
    return _read(tmp_path, archives, library, museum)


def test_key_figures_are_the_documents_own(tmp_path: Path, archives: SyntheticDisclosure) -> None:
    ds = _read(tmp_path, archives)
    brief = build_brief(ds, archives.full_name)
    assert brief.fiscal_year == archives.year
    html = render_html(brief)
    composition = archives.composition
    # The budget states this year and the two before it: oldest first, in 万元.
    income = " → ".join(_wan(composition.income_total(i)) for i in (2, 1, 0))
    assert income in html
    # Per staff: this year's spending over the actual staff, in 万元 (half-up to cents).
    per_staff = (composition.expenditure_total(0) / archives.staff_actual).quantize(Decimal("0.01"))
    assert _wan(per_staff) in html
    assert "<svg" in html  # the trend chart, inline
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")


def test_every_text_from_a_document_is_escaped(tmp_path: Path, archives: SyntheticDisclosure) -> None:
    ds = _read(tmp_path, archives)
    department_id = ds.departments.get_column(s.DEPARTMENT_ID).first()
    marked = f"{REGION}{MARKUP}档案馆"
    item = pl.element().struct
    ds = Dataset.from_tables(
        {
            **ds.tables,
            s.DEPARTMENTS: ds.departments.with_columns(pl.lit(marked).alias(s.NAME)),
            s.DOCUMENTS: ds.documents.with_columns(pl.lit("<b>x</b>.txt").alias(s.SOURCE_NAME)),
            s.INDICATORS: ds.indicators.with_columns(pl.lit("<i>≥5</i>").alias(s.TARGET_TEXT)),
            s.FLAGS: ds.flags.with_columns(
                pl.col(s.EVIDENCE).list.eval(item.with_fields(pl.lit("<script>x()</script>").alias(s.SOURCE_TEXT)))
            ),
        }
    )
    html = render_html(build_brief(ds, department_id))
    for raw in (MARKUP, "<b>x</b>", "<i>≥5</i>", "<script>"):
        assert raw not in html
    assert "&lt;img src=x onerror=" in html
    assert "&lt;script&gt;x()&lt;/script&gt;" in html
    assert "&lt;i&gt;≥5&lt;/i&gt;" in html


@needs_pdf_printing
def test_pdf_pages_are_a4_not_blank_and_carry_the_chinese_text(tmp_path: Path, archives: SyntheticDisclosure) -> None:
    pdf = render_pdf(build_brief(_read(tmp_path, archives), archives.full_name))
    document = pypdfium2.PdfDocument(pdf)
    try:
        assert 1 <= len(document) <= 2
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            assert (round(width), round(height)) == (595, 842)  # A4 in points
            image = page.render(scale=1).to_pil().convert("L")
            dark = sum(image.histogram()[:200])
            assert dark > 0.005 * image.width * image.height, f"page {index + 1} is blank"
        text = document[0].get_textpage().get_text_range()
    finally:
        document.close()
    assert archives.full_name in text and "主要数字" in text
    # The CJK font is embedded, so the brief prints the same anywhere.
    fonts = [
        font.get_object() for page in PdfReader(io.BytesIO(pdf)).pages for font in page["/Resources"]["/Font"].values()
    ]
    assert any("CJK" in str(font.get("/BaseFont")) for font in fonts)


def test_peers_rank_and_questions_with_evidence(three: Dataset, archives: SyntheticDisclosure) -> None:
    brief = build_brief(three, archives.full_name)
    spending = brief.peers.filter(pl.col("measure") == "expenditure_total").row(0, named=True)
    # Three peers are fewer than analytics.compare.MIN_PEER_GROUP (5): no rank (it was "排第2位" of three), the
    # sentence says why, and the peer chart ranks no one either.
    assert (spending["rank"], spending["peer_count"]) == (None, 3)
    html = render_html(brief)
    assert f"“{REGION}”仅3个部门，少于5个，不排名" in html
    assert "排第" not in html
    assert "同组仅3个部门（少于5个），不排名" in html
    # In a group of five the rank is given: 图书馆 spends more and 博物馆 less than the archives, second.
    five = brief.peers.with_columns(pl.lit(2, pl.Int32).alias(c.RANK), pl.lit(5, pl.Int32).alias(c.PEER_COUNT))
    assert f"在“{REGION}”5个部门中排第2位" in render_html(replace(brief, peers=five), charts_svg=False)
    assert not brief.questions.is_empty()
    first = brief.questions.row(0, named=True)
    assert first["evidence"], "each question carries where its figures were published"
    assert first["evidence"][0]["document"] == "doc0.txt"
    assert "建议质询问题" in html and first["question_zh"][:20] in html


def test_false_positives_leave_the_questions(tmp_path: Path, three: Dataset, archives: SyntheticDisclosure) -> None:
    triage = open_triage(tmp_path / "triage.sqlite")
    before = build_brief(three, archives.full_name, triage=triage)
    dropped = before.questions.row(0, named=True)
    triage.record(dropped["flag_id"], "误报", note="口径不同", author="审计组")
    other = before.questions.row(1, named=True)["flag_id"] if before.questions.height > 1 else None
    if other is not None:
        triage.record(other, "移交", author="审计组")
    after = build_brief(three, archives.full_name, triage=triage)
    assert dropped["flag_id"] not in after.questions.get_column("flag_id").to_list()
    assert after.settled == 1
    assert "1 条疑点经审核标为误报" in render_html(after)
    if other is not None:
        assert after.questions.filter(pl.col("flag_id") == other).get_column("status").item() == "移交"


def test_english_brief(tmp_path: Path, archives: SyntheticDisclosure) -> None:
    html = render_html(build_brief(_read(tmp_path, archives), archives.full_name), lang="en", charts_svg=False)
    assert "Key figures" in html and "Questions to ask" in html and 'lang="en"' in html
    with pytest.raises(BriefError, match="expected zh or en"):
        render_html(build_brief(_read(tmp_path, archives), archives.full_name), lang="fr")


def _svgs(html: str) -> list[str]:
    return re.findall(r"<svg.*?</svg>", html, flags=re.DOTALL)


def test_english_brief_has_english_charts(three: Dataset, archives: SyntheticDisclosure) -> None:
    brief = build_brief(three, archives.full_name)
    english = _svgs(render_html(brief, lang="en"))
    # Both charts: the trend (three years) and the peer strip (three departments).
    assert len(english) == 2
    for svg in english:
        assert [word for word in ("年度", "金额", "万元") if word in svg] == []
    assert "10k yuan" in english[0] and "Year" in english[0]
    # The Chinese brief's charts do carry these words, so the check above can fail.
    assert all("万元" in svg for svg in _svgs(render_html(brief)))


def test_clear_errors(tmp_path: Path, archives: SyntheticDisclosure) -> None:
    ds = _read(tmp_path, archives)
    with pytest.raises(BriefError, match=r"no department '不存在局'.*南京市鼓楼区档案馆"):
        build_brief(ds, "不存在局")
    with pytest.raises(BriefError, match=f"no disclosure for 1999; it has {archives.year}"):
        build_brief(ds, archives.full_name, 1999)
    occupied = tmp_path / "occupied"
    occupied.write_text("x")
    with pytest.raises(BriefError, match="is a file"):
        write_briefs(ds, occupied)
    with pytest.raises(BriefError, match="no department of region '上海市'"):
        write_briefs(ds, tmp_path / "out", region="上海市")
    with pytest.raises(BriefError, match="unsupported brief format"):
        write_briefs(ds, tmp_path / "out", formats=("docx",))


def test_batch_writes_one_brief_per_department(tmp_path: Path, three: Dataset) -> None:
    seen: list[tuple[str, int, int]] = []
    written = write_briefs(
        three, tmp_path / "briefs", region=REGION, formats=("html",), progress=lambda *a: seen.append(a)
    )
    names = sorted(three.departments.get_column(s.NAME).to_list())
    assert sorted(p.name for p in written) == sorted(brief_file_name(n, 2024, "html") for n in names)
    assert [done for _, done, _ in seen] == [1, 2, 3] and {total for *_, total in seen} == {3}
    assert not list((tmp_path / "briefs").glob(".*.tmp"))
    for path in written:
        assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_file_names_are_safe() -> None:
    assert brief_file_name("../甲局/乙", 2024, "pdf") == "2024____甲局_乙.pdf"  # ".." and "/" each become "_"
    assert "/" not in brief_file_name("a/b\\c:d", 2024, "html")


@needs_pdf_printing
def test_cli_writes_every_department_of_the_default_dataset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ds = open_dataset()
    out = tmp_path / "briefs"
    triage = tmp_path / "t.sqlite"
    assert main(["brief", "--all", "--format", "pdf", "--out", str(out), "--triage", str(triage)]) == 0
    departments = ds.departments.get_column(s.DEPARTMENT_ID).n_unique()
    pdfs = sorted(out.glob("*.pdf"))
    assert len(pdfs) == departments
    for path in pdfs:
        document = pypdfium2.PdfDocument(path)
        try:
            assert 1 <= len(document) <= 2, path.name
        finally:
            document.close()
    assert f"{departments} file(s)" in capsys.readouterr().out


def test_cli_brief_errors_and_help(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["brief", "--out", str(tmp_path)]) == 1
    assert "name a department, or use --all or --region" in capsys.readouterr().out
    assert main(["brief", "不存在局", "--out", str(tmp_path)]) == 1
    assert "no department '不存在局'" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["brief", "--help"])
    assert "analytics brief --all --out briefs" in capsys.readouterr().out


def test_cli_brief_of_a_saved_dataset(tmp_path: Path, archives: SyntheticDisclosure) -> None:
    dataset = tmp_path / "ds"
    save_dataset(_read(tmp_path, replace(archives, year=2025)), dataset)
    out = tmp_path / "b"
    code = main(["brief", archives.full_name, "--dataset", str(dataset), "--format", "html", "--out", str(out)])
    assert code == 0
    assert [p.name for p in out.iterdir()] == [brief_file_name(archives.full_name, 2025, "html")]


def _with_final(ds: Dataset, factor: str, *, initial: str | None = None) -> Dataset:
    """``ds`` plus a 决算 of the same year: the budget's own-year lines scaled by ``factor`` as its 决算数, under
    another doc_id; with ``initial``, the 决算 also prints them scaled by ``initial`` as its 年初预算 column."""
    budget = ds.documents.row(0, named=True)
    final_id = "f" + budget[s.DOC_ID][1:]
    own_year = (pl.col(s.AS_OF_YEAR) == pl.col(s.FISCAL_YEAR)) & (pl.col(s.DOC_ID) == budget[s.DOC_ID])
    final_lines = ds.lines.filter(own_year).with_columns(
        pl.lit(final_id).alias(s.DOC_ID),
        pl.lit("final").alias(s.PHASE),
        pl.lit("actual").alias(s.AMOUNT_BASIS),
        (pl.col(s.AMOUNT_YUAN) * Decimal(factor)).round(2).cast(s.MONEY).alias(s.AMOUNT_YUAN),
    )
    documents = pl.concat(
        [
            ds.documents,
            ds.documents.head(1).with_columns(
                pl.lit(final_id).alias(s.DOC_ID),
                pl.lit("final").alias(s.PHASE),
                pl.lit("final.txt").alias(s.SOURCE_NAME),
                pl.lit(final_id).alias(s.DISCLOSURE_ID),
            ),
        ]
    )
    if initial is not None:
        final_lines = pl.concat(
            [
                final_lines,
                ds.lines.filter(own_year).with_columns(
                    pl.lit(final_id).alias(s.DOC_ID),
                    pl.lit("final").alias(s.PHASE),
                    pl.lit("initial_budget").alias(s.AMOUNT_BASIS),
                    (pl.col(s.AMOUNT_YUAN) * Decimal(initial)).round(2).cast(s.MONEY).alias(s.AMOUNT_YUAN),
                ),
            ]
        )
    return Dataset.from_tables({**ds.tables, s.DOCUMENTS: documents, s.LINES: pl.concat([ds.lines, final_lines])})


def test_a_final_account_brief_has_its_own_figures_and_the_execution_rate(
    tmp_path: Path, archives: SyntheticDisclosure
) -> None:
    ds = _with_final(_read(tmp_path, archives), "0.9")
    budget = build_brief(ds, archives.full_name)
    assert budget.phase == "budget"  # the budget by default when a year has both
    final = build_brief(ds, archives.full_name, phase="final")
    spent = final.figures.filter(pl.col("measure") == "expenditure_total").get_column(s.AMOUNT_YUAN).to_list()
    assert spent == [archives.composition.expenditure_total(0) * 10_000 * Decimal("0.9")]
    rate = final.execution.filter(pl.col("measure") == "expenditure_total").get_column("execution_pct").item()
    assert rate == pytest.approx(90.0)
    html = render_html(final, charts_svg=False)
    assert "部门决算审查简报" in html and "执行率" in html and "90.0%" in html
    assert "final.txt" in html and "doc0.txt" not in html.split("</header>")[0]
    with pytest.raises(BriefError, match="has no final disclosure for 2024; it has budget"):
        build_brief(_read(tmp_path, archives), archives.full_name, phase="final")


def _section(html: str, heading: str) -> str:
    """The HTML from the heading ``heading`` to the next heading."""
    start = html.index(heading)
    return html[start : html.index("<h", start + len(heading))]


def test_a_final_account_that_prints_its_budget_is_measured_against_it(
    tmp_path: Path, archives: SyntheticDisclosure
) -> None:
    """The 决算 prints a 年初预算 column (1.1 × the budget document's figures) beside its 决算数 (0.9 ×): the key
    figures are the 决算数, and the execution is against the 决算's own 年初预算, not the budget document's."""
    ds = _with_final(_read(tmp_path, archives), "0.9", initial="1.1")
    final = build_brief(ds, archives.full_name, phase="final")
    budget = archives.composition.expenditure_total(0) * 10_000
    spent = final.figures.filter(pl.col("measure") == "expenditure_total").get_column(s.AMOUNT_YUAN).to_list()
    assert spent == [budget * Decimal("0.9")]
    row = final.execution.filter(pl.col("measure") == "expenditure_total").row(0, named=True)
    assert (row["budget_yuan"], row["final_yuan"]) == (budget * Decimal("1.1"), budget * Decimal("0.9"))
    assert row["execution_pct"] == pytest.approx(0.9 / 1.1 * 100)
    html = render_html(final, charts_svg=False)
    key_figures = _section(html, "一、主要数字（决算数，万元）")
    assert _wan(budget * Decimal("0.9") / 10_000) in key_figures
    assert _wan(budget * Decimal("1.1") / 10_000) not in key_figures  # a budget column is never shown as spent
    execution = _section(html, "预算执行")
    for label in ("年初预算", "决算数", "执行率", "本决算", "81.8%"):
        assert label in execution
    assert "调整预算" not in execution  # the 决算 prints none: no empty column
    english = render_html(final, lang="en", charts_svg=False)
    assert "Key figures (actual, 10k yuan)" in english
    assert all(label in english for label in ("Initial budget", "Actual", "Execution rate", "this final account"))


def test_a_final_account_without_budget_columns_is_measured_against_the_years_budget(
    tmp_path: Path, archives: SyntheticDisclosure
) -> None:
    ds = _with_final(_read(tmp_path, archives), "0.9")
    final = build_brief(ds, archives.full_name, phase="final")
    assert set(final.execution.get_column("budget_document")) == {"doc0.txt"}
    assert "doc0.txt" in _section(render_html(final, charts_svg=False), "预算执行")


def test_brief_of_the_planning_final_account_shows_the_actual_three_public() -> None:
    """普陀区规划和自然资源局 2024 决算, p. 17, read from the page (万元): “三公”经费合计 预算数 2.85, 决算数 0.39."""
    ds = analytics.read_disclosure(Path(__file__).parent.parent / "datasets/raw/putuo_planning_2024_dept_final.pdf")
    brief = build_brief(ds, ds.departments.get_column(s.DEPARTMENT_ID).item(), 2024, phase="final")
    three_public = brief.figures.filter(pl.col("measure") == "three_public")
    assert three_public.get_column(s.AMOUNT_YUAN).to_list() == [Decimal("3900.00")]
    row = brief.execution.filter(pl.col("measure") == "three_public").row(0, named=True)
    assert (row["budget_yuan"], row["final_yuan"]) == (Decimal("28500.00"), Decimal("3900.00"))
    html = render_html(brief, charts_svg=False)
    key_figures = _section(html, "一、主要数字（决算数，万元）")
    assert "三公经费" in key_figures and "0.39" in key_figures and "2.85" not in key_figures
    execution = _section(html, "预算执行")
    assert re.search(r"三公经费</td><td[^>]*>2\.85</td><td[^>]*>0\.39</td><td[^>]*>13\.7%</td>", execution)


def test_a_final_only_department_of_the_default_dataset_has_figures() -> None:
    ds = open_dataset()
    finals = ds.documents.filter(pl.col(s.PHASE) == "final")
    only_final = finals.join(
        ds.documents.filter(pl.col(s.PHASE) == "budget"), on=[s.DEPARTMENT_ID, s.FISCAL_YEAR], how="anti"
    )
    assert not only_final.is_empty()
    for department_id, year in only_final.select(s.DEPARTMENT_ID, s.FISCAL_YEAR).rows():
        brief = build_brief(ds, department_id, year)
        assert brief.phase == "final"
        assert not brief.figures.is_empty() and not brief.composition.is_empty()


def test_batch_of_final_accounts_skips_departments_without_one(tmp_path: Path, three: Dataset) -> None:
    ds = _with_final(three, "0.95")  # a 决算 for the first document's department only
    final_of = ds.documents.filter(pl.col(s.PHASE) == "final").get_column(s.DEPARTMENT_ID).item()
    written = write_briefs(ds, tmp_path / "finals", phase="final", formats=("html",))
    assert [p.name for p in written] == [brief_file_name(final_of, 2024, "html", "final")]
    everything = write_briefs(ds, tmp_path / "all", formats=("html",))
    assert len(everything) == 3 and all("决算" not in p.name for p in everything)


def test_peers_by_unit_type(three: Dataset, archives: SyntheticDisclosure) -> None:
    unit_types = three.departments.get_column(s.UNIT_TYPE).unique().to_list()
    assert len(unit_types) == 1 and unit_types[0] is not None  # all three say the same sentence
    brief = build_brief(three, archives.full_name, peer_by="unit_type")
    spending = brief.peers.filter(pl.col("measure") == "expenditure_total").row(0, named=True)
    # Three peers: fewer than analytics.compare.MIN_PEER_GROUP, so no rank (it was 2 of 3).
    assert (spending["peer_group"], spending["rank"], spending["peer_count"]) == (unit_types[0], None, 3)
    with pytest.raises(BriefError, match="unknown peer grouping 'size'"):
        build_brief(three, archives.full_name, peer_by="size")


# --- the readers' doubts ----------------------------------------------------------------------------------------------


def test_a_readers_doubt_is_no_question_but_a_line_that_points_to_the_reading_report(tmp_path: Path) -> None:
    doubtful = DoubtfulDisclosure()
    ds = all_flags(analytics.read_disclosure(doubtful.write(tmp_path / "doubtful.pdf")))
    doubts = ds.flags.filter(pl.col(s.SOURCE) == "reader")
    assert doubts.height == ds.reading_findings.height == 1  # the 三公 row no reading reconciles
    brief = build_brief(ds, doubtful.department)
    assert brief.reading_doubts == 1
    assert not set(doubts.get_column(s.FLAG_ID)) & set(brief.questions.get_column("flag_id"))
    assert "reading" not in brief.questions.get_column("family").to_list()
    html = render_html(brief, charts_svg=False)
    assert "读数存疑 1 处（见数据页读数报告）" in _section(html, "一、主要数字")
    # The doubt's own text (the identity that fails) is not put to the department as a question.
    questions = html[html.index("六、建议质询问题") :]
    assert "<li>" in questions  # the document's own findings are still asked about
    assert "读数未能核实" not in questions
    english = render_html(brief, lang="en", charts_svg=False)
    assert "Reading doubts: 1 (see the reading report on the Data page)" in english


def test_a_brief_without_doubts_says_nothing_of_them(tmp_path: Path, archives: SyntheticDisclosure) -> None:
    brief = build_brief(_read(tmp_path, archives), archives.full_name)
    assert brief.reading_doubts == 0
    html = render_html(brief, charts_svg=False)
    assert "读数存疑" not in html and "见数据页读数报告" not in html


def test_briefs_of_the_default_dataset_count_the_doubts_of_their_own_phase() -> None:
    ds = open_dataset()
    report = reading_report(ds)
    per_phase = report.group_by(s.DEPARTMENT_ID, s.FISCAL_YEAR, s.PHASE).agg(pl.col(s.READING_FINDINGS).sum())
    doubtful = per_phase.filter(pl.col(s.READING_FINDINGS) > 0)
    assert not doubtful.is_empty()
    # The department-years with doubts, and one phase of theirs without when there is one (a 决算 beside a 预算).
    chosen = per_phase.join(doubtful.select(s.DEPARTMENT_ID, s.FISCAL_YEAR), on=[s.DEPARTMENT_ID, s.FISCAL_YEAR])
    for department_id, year, phase, expected in chosen.rows():
        brief = build_brief(ds, department_id, year, phase=phase)
        assert brief.reading_doubts == expected, (department_id, year, phase)
        assert "reading" not in brief.questions.get_column("family").to_list()
        html = render_html(brief, charts_svg=False)
        assert (f"读数存疑 {expected} 处" in html) == (expected > 0)


# --- figures no table prints, and readings in doubt -------------------------------------------------------------------

MARKED = "测试区辛局"


def _marked_dataset() -> Dataset:
    """测试区辛局 2031: a 收支总表 (its 支出总计 contradicted), a 支出总表's 基本支出, and a narrative stating the
    项目支出 and the three parts of the 三公经费 (the 三公经费 itself derived from them)."""

    def line(  # noqa: PLR0917 - a table cell, column by column
        side: str, name: str, column: str, amount: str, verification: str, why: str | None
    ) -> dict[str, object]:
        table = "income_expenditure_summary" if column == "total" else "expenditure_summary"
        return {
            s.DOC_ID: "x", s.DEPARTMENT_ID: MARKED, s.FISCAL_YEAR: 2031, s.AS_OF_YEAR: 2031, s.PHASE: "budget",
            s.TABLE: table, s.SIDE: side, s.CLASSIFICATION: "total", s.NAME: name, s.COLUMN: column,
            s.AMOUNT_BASIS: "budget", s.AMOUNT_YUAN: Decimal(amount), s.VERIFICATION: verification,
            s.VERIFIED_BY: why, s.PAGE: 2, s.LINE: 5, s.SOURCE_TEXT: f"{name} {amount}",
        }  # fmt: skip

    def statement(seq: int, subject: str, amount: str) -> dict[str, object]:
        return {
            s.DOC_ID: "x", s.SEQ: seq, s.DEPARTMENT_ID: MARKED, s.FISCAL_YEAR: 2031, s.SUBJECT: subject,
            s.AMOUNT_YUAN: Decimal(amount), s.LINE: seq, s.SOURCE_TEXT: f"{subject}{amount}元。",
        }  # fmt: skip

    rows = {
        s.LINES: [
            line("income", "收入总计", "total", "4870000", "verified", "收入总计 = 支出总计"),
            line("expenditure", "支出总计", "total", "4780000", "contradicted", "不符：另表同数：income_summary"),
            line("expenditure", "合计", "basic", "3900000", "unverified", None),
        ],
        s.STATEMENTS: [
            statement(1, "项目支出", "880000"),
            statement(2, "因公出国(境)费", "12000"),
            statement(3, "公务用车购置及运行费", "45000"),
            statement(4, "公务接待费", "8000"),
        ],
        s.DOCUMENTS: [{
            s.DOC_ID: "x", s.SOURCE_NAME: "xinju_2031.pdf", s.SOURCE_FORMAT: "pdf", s.DEPARTMENT_ID: MARKED,
            s.DEPARTMENT: MARKED, s.FISCAL_YEAR: 2031, s.PHASE: "budget", s.SCOPE: "department", s.DISCLOSURE_ID: "x",
        }],
        s.DEPARTMENTS: [{s.DEPARTMENT_ID: MARKED, s.FISCAL_YEAR: 2031, s.NAME: MARKED, s.DOC_ID: "x"}],
    }  # fmt: skip
    return Dataset.from_tables(
        {name: pl.DataFrame(frame, schema=s.TABLES[name].schema, orient="row") for name, frame in rows.items()}
    )


def _cells(html: str, measure: str) -> str:
    """The amounts of the key-figure row of ``measure``, each with its marks (``88.00*``, ``478.00⚠``)."""
    row = re.search(rf"<tr><td>{measure}<br>.*?</tr>", html)
    assert row is not None, measure
    marks = re.sub(r'<sup class="mark[^"]*">([^<]*)</sup>', r"\1", row.group(0))
    return re.sub(r"<[^>]+>", " ", marks)


def test_key_figures_mark_the_narratives_the_derived_and_the_doubted() -> None:
    brief = build_brief(_marked_dataset(), MARKED)
    assert dict(brief.figures.select(c.MEASURE, c.STATED_IN).rows()) == {
        "income_total": "table",
        "expenditure_total": "table",
        "basic": "table",
        "project": "narrative",
        "three_public": "derived",
    }
    html = render_html(brief, charts_svg=False)
    key_figures = _section(html, "一、主要数字")
    assert "487.00 " in _cells(key_figures, "收入合计")  # a table's figure nothing doubts: no mark
    assert "478.00⚠" in _cells(key_figures, "支出合计")
    assert "88.00*" in _cells(key_figures, "项目支出")
    assert "6.50†" in _cells(key_figures, "三公经费")  # 1.2 + 4.5 + 0.8
    assert "390.00 " in _cells(key_figures, "基本支出")
    legend = re.search(r'<p class="legend">(.*?)</p>', key_figures, re.S)
    assert legend is not None
    lines = legend.group(1).split("<br>")
    assert lines[0] == "* 据文字说明：表中未列，取自文件的文字说明"
    assert lines[1].startswith("† 按勾稽关系推算")
    # The doubt names the figure, its year and the identity that fails, its tables by their names.
    assert lines[2] == "⚠ 读数存疑，引用前请核对原文：支出合计（2031年）不符：另表同数：收入总表"
    english = _section(render_html(brief, lang="en", charts_svg=False), "1. Key figures")
    assert "* from the narrative" in english and "† derived from the form" in english
    # What fails, in English too (``verified_by`` is written in Chinese), the table by its English name.
    assert "⚠ reading doubt: check the page before quoting: Expenditure (2031): fails: same figure in Income" in english
    assert "不符" not in english and "另表同数" not in english


def test_a_brief_whose_figures_are_all_a_tables_has_no_legend(tmp_path: Path, archives: SyntheticDisclosure) -> None:
    html = render_html(build_brief(_read(tmp_path, archives), archives.full_name), charts_svg=False)
    assert 'class="legend"' not in html and "据文字说明" not in html and "⚠" not in html


def test_the_execution_table_marks_a_budget_figure_in_doubt(tmp_path: Path, archives: SyntheticDisclosure) -> None:
    ds = _with_final(_read(tmp_path, archives), "0.9", initial="1.1")
    initial_total = (
        (pl.col(s.PHASE) == "final")
        & (pl.col(s.AMOUNT_BASIS) == "initial_budget")
        & (pl.col(s.TABLE) == "performance_fund_composition")
        & (pl.col(s.SIDE) == "expenditure")
        & (pl.col(s.CLASSIFICATION) == "total")
    )
    assert ds.lines.filter(initial_total).height == 1
    lines = ds.lines.with_columns(
        pl.when(initial_total).then(pl.lit("contradicted")).otherwise(pl.col(s.VERIFICATION)).alias(s.VERIFICATION),
        pl.when(initial_total)
        .then(pl.lit("不符：合计 = 各类科目之和"))
        .otherwise(pl.col(s.VERIFIED_BY))
        .alias(s.VERIFIED_BY),
    )
    final = build_brief(Dataset.from_tables({**ds.tables, s.LINES: lines}), archives.full_name, phase="final")
    html = render_html(final, charts_svg=False)
    execution = _section(html, "预算执行")
    row = re.search(r"<tr><td>支出合计</td>.*?</tr>", execution)
    assert row is not None
    budget = _wan(archives.composition.expenditure_total(0) * Decimal("1.1"))
    assert f'{budget}<sup class="mark doubt">⚠</sup>' in row.group(0)
    spent = _wan(archives.composition.expenditure_total(0) * Decimal("0.9"))
    assert f'<td class="num">{spent}</td>' in row.group(0)  # the 决算数 itself is not in doubt
    assert "支出合计（年初预算）不符：合计 = 各类科目之和" in html


def _with_profile_findings(ds: Dataset, department: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Dataset, str]:
    """``ds`` with, as its only flags, the profile models' findings on a test frame whose odd department-year is
    ``department``'s latest (so that the brief has room for them), and the Chinese sentence they found it with."""
    import analytics.anomaly._flags as flags_module
    from analytics.anomaly import flag_anomalies
    from tests.test_anomaly_flags import _profile_frame

    row = ds.departments.filter(pl.col(s.NAME) == department).sort(s.FISCAL_YEAR).row(-1, named=True)
    frame = _profile_frame().with_columns(
        pl.when(pl.col(s.DEPARTMENT_ID) == "午办")
        .then(pl.lit(row[s.DEPARTMENT_ID]))
        .otherwise(pl.col(s.DEPARTMENT_ID))
        .alias(s.DEPARTMENT_ID),
        pl.lit(row[s.FISCAL_YEAR], pl.Int32).alias(s.FISCAL_YEAR),
    )
    monkeypatch.setattr(flags_module, "profiles", lambda _: frame)
    found = flag_anomalies(ds).filter(
        pl.col(s.RULE_ID).is_in(["anomaly.profile_isolation_forest", "anomaly.profile_lof"])
        & (pl.col(s.DEPARTMENT_ID) == row[s.DEPARTMENT_ID])
    )
    assert found.height == 2, "both whole-profile models find the odd department-year"
    return replace(ds, flags=found), found.get_column(s.MESSAGE_ZH).first()


def test_two_profile_models_on_one_department_year_are_one_question(
    three: Dataset, archives: SyntheticDisclosure, monkeypatch: pytest.MonkeyPatch
) -> None:
    ds, sentence = _with_profile_findings(three, archives.full_name, monkeypatch)
    brief = build_brief(ds, archives.full_name)
    profile = brief.questions.filter(pl.col("question_zh").str.contains("部门结构整体异常", literal=True))
    assert profile.height == 1
    question = profile.get_column("question_zh").item()
    # The sentence once, its own question once: the brief adds no second one.
    assert sentence in question and question.count("请说明") == 1
    assert profile.get_column("question_en").item().count("Ask ") == 1
    html = render_html(brief, charts_svg=False)
    assert html.count("部门结构整体异常") == 1
    assert not [word for word in ("孤立森林", "局部离群因子", "z 值", "n=") if word in html]


@needs_pdf_printing
def test_the_printed_brief_carries_the_hearing_sentence(
    three: Dataset, archives: SyntheticDisclosure, monkeypatch: pytest.MonkeyPatch
) -> None:
    ds, sentence = _with_profile_findings(three, archives.full_name, monkeypatch)
    pdf = render_pdf(build_brief(ds, archives.full_name), charts_svg=False)
    document = pypdfium2.PdfDocument(pdf)
    try:
        text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()
    printed = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", sentence) in printed
    assert "孤立森林" not in printed and "n=" not in printed


def test_a_final_account_brief_lists_the_lines_furthest_from_their_budget() -> None:
    """普陀区财政局 2024 决算, p. 22 (万元): 行政运行（项）年初预算 1560.05, 支出决算 1511.89; 行政单位医疗 62.29,
    60.99; p. 21: 一般公共预算财政拨款支出年初预算 2993.92, 支出决算 2940.05, 完成年初预算的 98.20%."""
    ds = open_dataset()
    brief = build_brief(ds, "上海市普陀区财政局", 2024, phase="final")
    lines = brief.execution_lines
    assert lines is not None
    first = lines.row(0, named=True)
    assert (first[s.CODE], first[c.BUDGET_YUAN], first[c.FINAL_YUAN]) == (
        "2010601", Decimal("15600500.00"), Decimal("15118900.00"),
    )  # fmt: skip
    assert lines.get_column(s.CODE).to_list()[1] == "2101101"  # the next largest difference: 1.30
    total = brief.execution.filter(pl.col("measure") == "general_budget_total").row(0, named=True)
    assert (total["budget_yuan"], total["final_yuan"]) == (Decimal("29939200.00"), Decimal("29400500.00"))
    html = render_html(brief, charts_svg=False)
    section = _section(html, "偏离年初预算最多的科目")
    assert re.search(
        r"2010601</td><td>行政运行</td><td[^>]*>1,560\.05</td><td[^>]*>1,511\.89</td><td[^>]*>-48\.16</td>", section
    )
    assert "本决算文字说明 第22页" in section
    # A budget brief has no such table.
    budget = build_brief(ds, "上海市普陀区财政局", 2025)
    assert budget.execution_lines is None
    assert "偏离年初预算最多的科目" not in render_html(budget, charts_svg=False)


#: 西南大学 2023, read from the pages (``pdftotext -layout -f N -l N``, 万元): the 2023 budget p. 7 收支总表 收入总计
#: = 支出总计 557,259.13, 本年收入合计 403,484.64, 本年支出合计 468,779.07; p. 9 支出总表 基本支出 376,019.88, 项目
#: 支出 92,759.19, 2050205 高等教育 396,393.59, 2050204 高中教育 26,098.58. The 2023 决算 p. 9 收支决算总表 合计
#: 569,496.54, 本年收入合计 430,725.03, 本年支出合计 457,676.75; p. 12 支出决算表 高等教育 389,606.87, 高中教育
#: 24,239.28; p. 13 合计 457,676.75 = 基本支出 359,781.59 + 项目支出 97,895.15.
SWU_EXECUTION = {
    "收入合计": ("557,259.13", "569,496.54", "102.2%"),
    "本年收入合计": ("403,484.64", "430,725.03", "106.8%"),
    "支出合计": ("557,259.13", "569,496.54", "102.2%"),
    "本年支出合计": ("468,779.07", "457,676.75", "97.6%"),
    "基本支出": ("376,019.88", "359,781.59", "95.7%"),
    "项目支出": ("92,759.19", "97,895.15", "105.5%"),
}
SWU_LINES = {
    "2050205": ("高等教育", "396,393.59", "389,606.87", "-6,786.72", "98.3%"),
    "2050204": ("高中教育", "26,098.58", "24,239.28", "-1,859.30", "92.9%"),
}


def test_the_final_account_of_swu_is_measured_against_its_budget_by_total_and_by_line() -> None:
    """The 决算's brief shows each total's 年初预算 (from the year's budget: this 决算 prints no budget column, nor an
    调整预算), its 决算数 and the rate; the year's own totals beside the grand totals, which hold the carry-overs
    (the 总计's 102.2% counts the 年末结转和结余 left unspent; the year spent 97.6% of its budget)."""
    brief = build_brief(open_dataset(), "西南大学", 2023, phase="final")
    html = render_html(brief, charts_svg=False)
    execution = _section(html, "预算执行")
    assert "调整预算" not in execution
    for measure, (budget, final, rate) in SWU_EXECUTION.items():
        cells = rf"<tr><td>{measure}</td><td[^>]*>{budget}</td><td[^>]*>{final}</td><td[^>]*>{rate}</td>"
        assert re.search(cells, execution), measure
    assert "含上年结转和年末结转结余" in html
    lines = _section(html, "偏离年初预算最多的科目")
    for code, (name, budget, final, difference, rate) in SWU_LINES.items():
        cells = rf"{code}</td><td>{name}</td><td[^>]*>{budget}</td><td[^>]*>{final}</td><td[^>]*>{difference}</td>"
        assert re.search(cells + rf"<td[^>]*>{rate}</td><td[^>]*>当年预算 第9页</td>", lines), code
    english = render_html(brief, lang="en", charts_svg=False)
    assert 'Expenditure of the year</td><td class="num">468,779.07</td>' in english
    assert "carry-overs from the year before and to the next included" in english


def test_the_guard_of_the_shipped_dataset_names_what_a_test_wrote(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")
    with (
        pytest.raises(AssertionError, match=r"wrote into the shipped dataset .*: \.lock, manifest\.json"),
        shipped_dataset_untouched(tmp_path),
    ):
        (tmp_path / "manifest.json").write_text('{"tables": {}}', encoding="utf-8")
        (tmp_path / ".lock").touch()


def test_a_brief_asks_only_about_the_documents_of_its_phase() -> None:
    """西南大学 2023 has a budget (one narrative finding: 上年结转's share) and a 决算 (findings on its text): each
    brief asks about its own document, none about the other phase's."""
    ds = open_dataset()
    for phase, own, other in (
        ("final", "chongqing_swu_2023_dept_final.pdf", "chongqing_swu_2023_dept_budget.pdf"),
        ("budget", "chongqing_swu_2023_dept_budget.pdf", "chongqing_swu_2023_dept_final.pdf"),
    ):
        brief = build_brief(ds, "西南大学", 2023, phase=phase)
        assert not brief.questions.is_empty(), phase
        questions = render_html(brief, charts_svg=False).split("六、建议质询问题")[1]
        assert own in questions and other not in questions, phase


def test_the_brief_counts_years_and_documents_as_analytics_inventory() -> None:
    """One source of truth: every brief of the shipped dataset has the years, phases and documents of
    ``analytics.inventory`` (as every page of the app), and says them in its header."""
    ds = open_dataset()
    years = department_years(ds)
    for row in department_inventory(ds, years=years).filter(pl.col(inventory.DOCUMENTS) > 0).iter_rows(named=True):
        brief = build_brief(ds, row[s.DEPARTMENT_ID], years=years)
        assert brief.fiscal_year == max(row[inventory.YEARS])
        holdings = brief.holdings
        assert holdings is not None
        for phase, column in inventory.PHASE_DOCUMENTS.items():
            documented = holdings.filter(pl.col(column) > 0).get_column(s.FISCAL_YEAR).sort().to_list()
            assert documented == row[inventory.PHASE_YEARS[phase]], (brief.name, phase)
            assert holdings.get_column(column).sum() == row[column], (brief.name, phase)
            read = holdings.filter(pl.col(inventory.PHASE_TOTALS[phase])).get_column(s.FISCAL_YEAR).sort().to_list()
            assert read == row[inventory.PHASE_TOTAL_YEARS[phase]], (brief.name, phase)
        # A department-year's phase is chosen among those it has documents for (the budget when both).
        phases = [p for p in s.PHASES if brief.fiscal_year in row[inventory.PHASE_YEARS[p]]]
        assert brief.phase == phases[0]
        assert f"数据集所收文件：{len(row[inventory.YEARS])} 年有文件" in render_html(brief, charts_svg=False)
