"""Standard tables printed in text dumps (analytics.ingest._text_tables): dumps written here, other departments and
figures than the corpus, blank cells in different columns; the expected placements are worked out by hand below
each table."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import schema as s
from analytics.ingest._source import SourceDocument
from analytics.ingest._text_header import header_of
from analytics.ingest._text_tables import ReadingProblem, TextTables, extract_text_tables, paged_document

YEAR = 2025


def _read(*pages: list[str]) -> TextTables:
    text = "\f".join("\n".join(lines) for lines in pages)
    return extract_text_tables(paged_document("dump.txt", text), fiscal_year=YEAR, phase="budget")


def _placed(rows: list[dict[str, object]], table: str) -> dict[tuple[object, ...], Decimal]:
    return {
        (r[s.CODE] or r[s.NAME], r[s.SIDE], r[s.COLUMN]): r[s.AMOUNT_YUAN]  # type: ignore[misc]
        for r in rows
        if r[s.TABLE] == table
    }


def _y(text: str) -> Decimal:
    return Decimal(text.replace(",", "")).quantize(Decimal("0.01"))


# --- a 支出总表 over two pages, blank 基本 / 项目 cells ------------------------------------------------------------

EXPENDITURE_PAGE_1 = [
    "2025年部门支出预算总表",
    "编制部门：杭州市西湖区体育局 单位：元",
    "项目 支出预算",
    "功能分类科目编码",
    "功能分类科目名称 合计 基本支出 项目支出",
    "类 款 项",
    "207 文化旅游体育与传媒支出 1,500,000 700,000 800,000",
    "207 03 体育 1,500,000 700,000 800,000",
    "207 03 01 行政运行 600,000 600,000",
    "207 03 03 机关服务 100,000 100,000",
    "207 03 08 群众体育 800,000 800,000",
]
EXPENDITURE_PAGE_2 = [
    "项目 支出预算",
    "功能分类科目编码",
    "功能分类科目名称 合计 基本支出 项目支出",
    "类 款 项",
    "208 社会保障和就业支出 250,000 250,000",
    "208 05 行政事业单位养老支出 250,000 250,000",
    "208 05 05 机关事业单位基本养老保险缴费支出 250,000 250,000",
    "合计 1,750,000 950,000 800,000",
]


def test_blank_cells_are_placed_by_the_parents_sums() -> None:
    # 20703's 基本支出 700,000 is 行政运行 600,000 + 机关服务 100,000, so 群众体育 is 项目支出; the 合计 row's 基本支出
    # 950,000 = 700,000 + 250,000 makes 类 208 (and its 款 and 项) 基本支出.
    read = _read(EXPENDITURE_PAGE_1, EXPENDITURE_PAGE_2)
    placed = _placed(read.lines, "expenditure_summary")
    exp = "expenditure"
    assert placed[("2070301", exp, "basic")] == _y("600,000")
    assert placed[("2070303", exp, "basic")] == _y("100,000")
    assert placed[("2070308", exp, "project")] == _y("800,000")
    assert placed[("208", exp, "basic")] == _y("250,000")
    assert placed[("2080505", exp, "basic")] == _y("250,000")
    assert placed[("合计", exp, "project")] == _y("800,000")
    assert ("2070308", exp, "basic") not in placed
    assert ("2080505", exp, "project") not in placed
    # every printed figure is read: 3+3+2+2+2 on page 1, 2+2+2+3 on page 2, nothing left unplaced
    assert len(read.lines) == 21
    assert read.problems == []


def test_rows_keep_page_and_file_line() -> None:
    read = _read(EXPENDITURE_PAGE_1, EXPENDITURE_PAGE_2)
    row = next(r for r in read.lines if r[s.CODE] == "2080505")
    # page 2 starts on line 11 (the form feed sits inside it); 2080505 is its 7th line: line 17
    assert (row[s.PAGE], row[s.LINE]) == (2, 17)
    assert row[s.SOURCE_TEXT] == "208 05 05 机关事业单位基本养老保险缴费支出 250,000 250,000"
    assert (row[s.LEVEL], row[s.PARENT_CODE], row[s.CLASSIFICATION]) == (3, "20805", "function")
    table = next(t for t in read.tables if t[s.TABLE] == "expenditure_summary")
    assert (table[s.PAGE_FROM], table[s.PAGE_TO], table[s.UNIT_PRINTED], table[s.STATUS]) == (1, 2, "元", "data")


def test_without_a_deciding_identity_only_the_total_is_kept() -> None:
    # No 合计 row and no parent: 208's single figure besides its total may be 基本支出 or 项目支出.
    read = _read(
        [
            "2025年部门支出预算总表",
            "编制部门：成都市青羊区档案馆 单位：元",
            "功能分类科目名称 合计 基本支出 项目支出",
            "208 社会保障和就业支出 320,000 320,000",
        ]
    )
    assert [(r[s.COLUMN], r[s.AMOUNT_YUAN]) for r in read.lines] == [("total", _y("320,000"))]
    assert len(read.problems) == 1
    problem = read.problems[0]
    assert isinstance(problem, ReadingProblem)
    # a dump without form feeds has no pages: the line in the file says where
    assert (problem.kind, problem.table, problem.page, problem.line, problem.cell_text) == (
        "unplaced_amount",
        "expenditure_summary",
        None,
        4,
        "320,000",
    )
    finding = problem.as_finding()
    assert finding[s.KIND] in s.READING_KINDS
    assert "320,000" in str(finding[s.MESSAGE_EN]) and "社会保障和就业支出" in str(finding[s.MESSAGE_ZH])


# --- 收入总表 bound by the 收支总表; a wrapped 事业单位经营收入 header -------------------------------------------

SUMMARY = [
    "2025年部门财务收支预算总表",
    "编制部门：南京市鼓楼区城市管理局 单位：元",
    "本年收入 本年支出",
    "项目 预算数 项目 预算数",
    "一、财政拨款收入 900,000 一、城乡社区支出 1,000,000",
    "1. 一般公共预算 900,000",
    "2. 政府性基金预算",
    "二、事业收入 100,000",
    "三、事业单位经营收入",
    "四、其他收入",
    "收入总计 1,000,000 支出总计 1,000,000",
]
INCOME = [
    "2025年部门收入预算总表",
    "编制部门：南京市鼓楼区城市管理局 单位：元",
    "项目 收入预算",
    "功能分类科目编码",
    "事业单位",
    "功能分类科目名称 合计 财政拨款收入 事业收入 其他收入",
    "经营收入",
    "类 款 项",
    "212 城乡社区支出 1,000,000 900,000 100,000",
    "212 01 城乡社区管理事务 700,000 700,000",
    "212 01 01 行政运行 700,000 700,000",
    "212 05 城乡社区环境卫生 300,000 200,000 100,000",
    "合计 1,000,000 900,000 100,000",
]


def test_two_sided_summary_pairs_labels_and_figures_in_order() -> None:
    read = _read(SUMMARY)
    placed = _placed(read.lines, "income_expenditure_summary")
    assert placed == {
        ("财政拨款收入", "income", "total"): _y("900,000"),
        ("一般公共预算", "income", "total"): _y("900,000"),
        ("事业收入", "income", "total"): _y("100,000"),
        ("城乡社区支出", "expenditure", "total"): _y("1,000,000"),
        ("收入总计", "income", "total"): _y("1,000,000"),
        ("支出总计", "expenditure", "total"): _y("1,000,000"),
    }
    classes = {r[s.NAME]: r[s.CLASSIFICATION] for r in read.lines}
    assert classes["事业收入"] == "source"
    assert classes["城乡社区支出"] == "function"
    assert classes["收入总计"] == "total"


def test_income_summary_is_placed_with_the_sources_of_the_summary() -> None:
    # 21201's second figure could be any source; the 合计 row's 财政拨款收入 900,000 = 212's, so 212's second figure
    # is 财政拨款收入 and its 100,000 事业收入 (the summary prints 事业收入 100,000); 21201 (700,000 of 212's
    # 900,000 财政拨款) then 21205 200,000 财政拨款 + 100,000 事业收入.
    read = _read(SUMMARY, INCOME)
    placed = _placed(read.lines, "income_summary")
    inc = "income"
    assert placed[("21201", inc, "fiscal_appropriation")] == _y("700,000")
    assert placed[("2120101", inc, "fiscal_appropriation")] == _y("700,000")
    assert placed[("21205", inc, "fiscal_appropriation")] == _y("200,000")
    assert placed[("21205", inc, "business_income")] == _y("100,000")
    assert placed[("合计", inc, "business_income")] == _y("100,000")
    assert not any(c == "operating_income" for _, _, c in placed)
    assert read.problems == []


def test_income_rows_with_one_source_need_the_summary() -> None:
    # Every row prints its total twice: the source can only be told from the 收支总表 (财政拨款 900,000 + 事业 0).
    rows = [
        "2025年部门收入预算总表",
        "编制部门：南京市鼓楼区城市管理局 单位：元",
        "功能分类科目名称 合计 财政拨款收入 事业收入 其他收入",
        "212 城乡社区支出 900,000 900,000",
        "212 01 城乡社区管理事务 900,000 900,000",
        "合计 900,000 900,000",
    ]
    alone = _read(rows)
    assert {r[s.COLUMN] for r in alone.lines} == {"total"}
    assert len(alone.problems) == 3
    summary = [line.replace("二、事业收入 100,000", "二、事业收入") for line in SUMMARY]
    summary = [line.replace("1,000,000", "900,000") for line in summary]
    bound = _read(summary, rows)
    placed = _placed(bound.lines, "income_summary")
    assert placed[("21201", "income", "fiscal_appropriation")] == _y("900,000")
    assert bound.problems == []


def test_header_wrapped_around_its_line_is_one_column() -> None:
    header = header_of(INCOME[2:8], "income_summary", "income", 3)
    assert [c.key for c in header.columns] == [
        "total",
        "fiscal_appropriation",
        "business_income",
        "other_income",
        "operating_income",
    ]
    # the wrapped header's place is not printed: only the form's rule (合计 left of its parts) orders it
    assert (0, 4) in header.before
    assert not any(4 in pair and 0 not in pair for pair in header.before)


# --- 财政拨款收支总表: funds told apart by the income side ---------------------------------------------------------


def test_fund_columns_follow_the_income_side() -> None:
    # 政府性基金 income 200,000: only 城乡社区支出 (200,000) can fill that column, so it is the 政府性基金 row.
    read = _read(
        [
            "2025年部门财政拨款收支预算总表",
            "编制部门：广州市越秀区住房和建设局 单位：元",
            "财政拨款收入 财政拨款支出",
            "项目 预算数 项目 合计 一般公共预算 政府性基金预算 国有资本经营预算",
            "一、一般公共预算 800,000 一、一般公共服务支出 500,000 500,000",
            "二、政府性基金预算 200,000 二、城乡社区支出 200,000 200,000",
            "三、国有资本经营预算 三、社会保障和就业支出 300,000 300,000",
            "收入总计 1,000,000 支出总计 1,000,000 800,000 200,000",
        ]
    )
    placed = _placed(read.lines, "fiscal_appropriation_summary")
    exp = "expenditure"
    assert placed[("城乡社区支出", exp, "gov_fund")] == _y("200,000")
    assert placed[("一般公共服务支出", exp, "general_budget")] == _y("500,000")
    assert placed[("社会保障和就业支出", exp, "general_budget")] == _y("300,000")
    assert placed[("支出总计", exp, "gov_fund")] == _y("200,000")
    assert placed[("一般公共预算", "income", "total")] == _y("800,000")
    assert ("国有资本经营预算", "income", "total") not in placed  # printed blank: not disclosed, never 0
    assert read.problems == []


# --- 三公 table: columns on two header lines, a wrapped unit ----------------------------------------------------------

THREE_PUBLIC = [
    "2025年部门“三公”经费和机关运行经费预算表",
    "编制部门：苏州市姑苏区教育局 单位：万",
    "元",
    "“三公”经费预算数",
    "机关运行经费预算",
    "公务用车购置及运行费",
    "数",
    "合计 因公出国(境)费 公务接待费",
    "小计 购置费 运行费",
]


def test_three_public_row_with_a_wrapped_unit() -> None:
    # 合计 30.50 = 出国 5.00 + 接待 3.50 + 公务用车 22.00, 公务用车 22.00 = 购置 0 + 运行 22.00; 机关运行经费 120.40.
    read = _read([*THREE_PUBLIC, "30.50 5.00 3.50 22.00 0 22.00 120.40"])
    placed = {r[s.COLUMN]: r[s.AMOUNT_YUAN] for r in read.lines}
    assert placed == {
        "total": _y("305000"),
        "overseas_travel": _y("50000"),
        "reception": _y("35000"),
        "vehicles": _y("220000"),
        "vehicle_purchase": _y("0"),
        "vehicle_operation": _y("220000"),
        "operating_costs": _y("1204000"),
    }
    assert next(t for t in read.tables)[s.UNIT_PRINTED] == "万元"


def test_three_public_blank_cell_that_no_identity_places_is_reported() -> None:
    # With 购置费 blank, 22.00 may be 购置费 or 运行费: both add up to the 小计. The others are certain.
    read = _read([*THREE_PUBLIC, "30.50 5.00 3.50 22.00 22.00 120.40"])
    placed = {r[s.COLUMN]: r[s.AMOUNT_YUAN] for r in read.lines}
    assert placed == {
        "total": _y("305000"),
        "overseas_travel": _y("50000"),
        "reception": _y("35000"),
        "vehicles": _y("220000"),
        "operating_costs": _y("1204000"),
    }
    assert [(p.cell_text, p.line) for p in read.problems] == [("22.00", 10)]


# --- economic classes: a subset of the 类 rows makes up the 人员经费 total --------------------------------------------


def test_economic_classes_are_placed_by_the_total_row() -> None:
    read = _read(
        [
            "2025年部门一般公共预算基本支出部门预算经济分类预算表",
            "编制部门：武汉市江岸区司法局 单位：元",
            "项目 一般公共预算基本支出",
            "部门预算经济分类科目",
            "编码",
            "经济分类科目名称 合计 人员经费 公用经费",
            "类 款",
            "301 工资福利支出 400,000 400,000",
            "301 01 基本工资 250,000 250,000",
            "301 02 津贴补贴 150,000 150,000",
            "302 商品和服务支出 90,000 90,000",
            "302 01 办公费 60,000 60,000",
            "302 11 差旅费 30,000 30,000",
            "303 对个人和家庭的补助 35,000 30,000 5,000",
            "303 02 退休费 30,000 30,000",
            "303 99 其他对个人和家庭的补助 5,000 5,000",
            "合计 525,000 430,000 95,000",
        ]
    )
    placed = _placed(read.lines, "general_budget_basic_economic")
    exp = "expenditure"
    # 人员经费 430,000 = 301 400,000 + 303's 30,000: 301 and its 款 are 人员经费, 302 and its 款 公用经费.
    assert placed[("30101", exp, "personnel")] == _y("250,000")
    assert placed[("30211", exp, "public")] == _y("30,000")
    assert placed[("30302", exp, "personnel")] == _y("30,000")
    assert placed[("30399", exp, "public")] == _y("5,000")
    assert read.problems == []
    assert {r[s.CLASSIFICATION] for r in read.lines if r[s.CODE]} == {"economic"}


# --- layout variants --------------------------------------------------------------------------------------------------


def test_name_wrapped_onto_the_next_line_joins_its_row() -> None:
    read = _read(
        [
            "2025年部门支出预算总表",
            "编制部门：西安市碑林区卫生健康委员会 单位：元",
            "功能分类科目名称 合计 基本支出 项目支出",
            "210 卫生健康支出 90,000 60,000 30,000",
            "210 11 行政事业单位医疗 90,000 60,000 30,000",
            "210 11 01 行政单位医疗 60,000 60,000",
            "210 11 99 其他行政事业单位医疗支",
            "出 30,000 30,000",
            "合计 90,000 60,000 30,000",
        ]
    )
    row = next(r for r in read.lines if r[s.CODE] == "2101199" and r[s.COLUMN] == "project")
    assert row[s.NAME] == "其他行政事业单位医疗支出"
    assert row[s.AMOUNT_YUAN] == _y("30,000")


def test_table_disclosed_empty() -> None:
    read = _read(
        [
            "2025年部门政府性基金预算支出功能分类预算表",
            "编制部门：西安市碑林区卫生健康委员会 单位：元",
            "功能分类科目名称 合计 基本支出 项目支出",
            "合计",
            "注:本部门2025年无政府性基金预算财政拨款安排的预算，故本表为空表。",
        ]
    )
    assert read.lines == []
    assert [(t[s.TABLE], t[s.STATUS]) for t in read.tables] == [("government_fund", "empty")]


def test_table_without_unit_takes_the_documents_unit() -> None:
    no_unit = [line for line in EXPENDITURE_PAGE_1 if "单位" not in line]
    read = _read(SUMMARY, no_unit)
    table = next(t for t in read.tables if t[s.TABLE] == "expenditure_summary")
    assert table[s.UNIT_PRINTED] == "元"
    assert any(p.kind == "unit_inferred" and p.table == "expenditure_summary" for p in read.problems)
    alone = _read(no_unit)
    assert [(t[s.STATUS], t[s.ROW_COUNT]) for t in alone.tables] == [("unreadable", 0)]
    assert alone.tables[0][s.REASON] and "no unit" in str(alone.tables[0][s.REASON])
    assert [p.kind for p in alone.problems] == ["unreadable_table"]


def test_titles_of_lost_tables_read_no_rows() -> None:
    # A dump that lost its tables prints their titles one after another, then the narrative.
    text = "\n".join(
        [
            "表 1. 某某中心 2025 年部门收支总表",
            "表 2. 某某中心 2025 年部门收入总表",
            "2025 年部门收入预算 1370.19 万元，比上年减少 282.43 万元。",
        ]
    )
    read = extract_text_tables(SourceDocument.from_text("lost.txt", text), fiscal_year=YEAR, phase="budget")
    assert read.lines == []
    assert {t[s.STATUS] for t in read.tables} == {"no_rows"}
    assert {t[s.PAGE_FROM] for t in read.tables} == {None}


def test_paged_document_numbers_lines_as_in_the_file() -> None:
    doc = paged_document("a.txt", "封面\f\f目录\n一、概况\f表\r\n末行")
    assert [(ln.number, ln.page, ln.text) for ln in doc.lines] == [
        (1, 1, "封面"),
        (1, 2, ""),
        (1, 3, "目录"),
        (2, 3, "一、概况"),
        (2, 4, "表"),
        (3, 4, "末行"),
    ]


# --- soundness: a figure is placed in its true column or reported, never misplaced ------------------------------


@st.composite
def _spending_tables(draw: st.DrawFn) -> tuple[list[str], dict[tuple[str, str], int]]:
    """A 支出总表 with 2 classes of 1–2 款 of 1–3 项; each 项 has 基本 and / or 项目 (a zero is printed blank)."""
    lines = ["2025年部门支出预算总表", "编制部门：测试局 单位：元", "功能分类科目名称 合计 基本支出 项目支出"]
    truth: dict[tuple[str, str], int] = {}
    body: list[str] = []
    grand = [0, 0]
    for c, klass in enumerate(("201", "208")):
        class_rows: list[str] = []
        class_sum = [0, 0]
        for k in range(draw(st.integers(1, 2))):
            kuan = f"{klass}{k + 1:02d}"
            item_rows: list[str] = []
            kuan_sum = [0, 0]
            for i in range(draw(st.integers(1, 3))):
                basic = draw(st.sampled_from([0, 100, 250, 400, 1000]))
                project = draw(st.sampled_from([0, 50, 300, 700])) if basic else draw(st.sampled_from([50, 300]))
                code = f"{kuan}{i + 1:02d}"
                item_rows.append(_row(code, f"项{c}{k}{i}", basic, project))
                _truth(truth, code, basic, project)
                kuan_sum = [kuan_sum[0] + basic, kuan_sum[1] + project]
            class_rows.append(_row(kuan, f"款{c}{k}", *kuan_sum))
            _truth(truth, kuan, *kuan_sum)
            class_rows += item_rows
            class_sum = [class_sum[0] + kuan_sum[0], class_sum[1] + kuan_sum[1]]
        body.append(_row(klass, f"类{c}", *class_sum))
        _truth(truth, klass, *class_sum)
        body += class_rows
        grand = [grand[0] + class_sum[0], grand[1] + class_sum[1]]
    body.append(_row("", "合计", *grand))
    _truth(truth, "合计", *grand)
    return lines + body, truth


def _row(code: str, name: str, basic: int, project: int) -> str:
    cells = [" ".join([code[:3], code[3:5], code[5:]]).strip(), name, f"{basic + project:,}"]
    cells += [f"{v:,}" for v in (basic, project) if v]
    return " ".join(c for c in cells if c)


def _truth(truth: dict[tuple[str, str], int], code: str, basic: int, project: int) -> None:
    truth[(code, "total")] = basic + project
    for column, value in (("basic", basic), ("project", project)):
        if value:
            truth[(code, column)] = value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_spending_tables())
def test_figures_are_placed_right_or_reported(table: tuple[list[str], dict[tuple[str, str], int]]) -> None:
    lines, truth = table
    read = _read(lines)
    for row in read.lines:
        key = (row[s.CODE] or row[s.NAME], row[s.COLUMN])
        assert key in truth, (key, row[s.SOURCE_TEXT])
        assert row[s.AMOUNT_YUAN] == Decimal(truth[key]), (key, row[s.SOURCE_TEXT])
    assert len(read.lines) + len(read.problems) == len(truth)


@pytest.mark.parametrize("phase", ["budget", "final"])
def test_rows_carry_the_phase_and_basis(phase: str) -> None:
    text = "\f".join("\n".join(p) for p in (EXPENDITURE_PAGE_1, EXPENDITURE_PAGE_2))
    read = extract_text_tables(paged_document("dump.txt", text), fiscal_year=YEAR, phase=phase)
    assert {r[s.PHASE] for r in read.lines} == {phase}
    assert {r[s.AMOUNT_BASIS] for r in read.lines} == {s.default_basis(phase)}
    assert {r[s.FISCAL_YEAR] for r in read.lines} == {YEAR}
