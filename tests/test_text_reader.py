from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from analytics import schema as s
from analytics.errors import ReaderError
from analytics.ingest import read_disclosure
from analytics.ingest.text import doc_id_of
from analytics.reference.classification import code_name, unknown_codes
from tests.conftest import SEED
from tests.synthetic import SyntheticDisclosure


def _wan(text: str) -> Decimal:
    return (Decimal(text) * 10000).quantize(Decimal("0.01"))


@pytest.fixture(scope="module")
def seed() -> object:
    return read_disclosure(SEED)


def test_seed_document_row(seed: object) -> None:
    document = seed.documents.row(0, named=True)
    assert document[s.DOC_ID] == doc_id_of(SEED.read_bytes())
    assert document[s.DEPARTMENT] == "武汉市汉阳区大数据中心"
    assert document[s.REGION] == "武汉市汉阳区"
    assert (document[s.FISCAL_YEAR], document[s.PHASE], document[s.SCOPE]) == (2023, "budget", "department")
    assert document[s.UNIT_PRINTED] == "万元"
    assert document[s.SOURCE_FORMAT] == "text"


def test_seed_every_row_has_provenance(seed: object) -> None:
    for name, frame in seed.tables.items():
        if name in {s.DOCUMENTS, s.DOCUMENT_TABLES, s.READING_FINDINGS, s.FLAGS}:
            continue
        assert frame.height > 0, name
        assert frame.get_column(s.DOC_ID).n_unique() == 1, name
        assert frame.get_column(s.LINE).null_count() == 0, name
        assert frame.get_column(s.SOURCE_TEXT).null_count() == 0, name


def test_seed_totals_by_year(seed: object) -> None:
    totals = (
        seed.lines.filter((pl.col(s.CLASSIFICATION) == "total") & (pl.col(s.SIDE) == "income"))
        .sort(s.FISCAL_YEAR)
        .select(s.FISCAL_YEAR, s.AMOUNT_YUAN)
        .rows()
    )
    assert totals == [(2021, _wan("2330.28")), (2022, _wan("1652.62")), (2023, _wan("1370.19"))]
    assert seed.lines.filter(pl.col(s.FISCAL_YEAR) != pl.col(s.AS_OF_YEAR)).height == 16


def test_seed_basic_and_project_spending(seed: object) -> None:
    current = seed.lines.filter((pl.col(s.FISCAL_YEAR) == 2023) & (pl.col(s.SIDE) == "expenditure"))
    by_name = dict(current.select(s.NAME, s.AMOUNT_YUAN).rows())
    assert by_name["人员类项目支出"] + by_name["运转类项目支出"] == _wan("291.4")
    assert by_name["特定目标类项目支出"] == _wan("1078.79")
    stated = dict(seed.statements.select(s.SUBJECT, s.AMOUNT_YUAN).rows())
    assert stated["基本支出"] == _wan("291.4")
    assert stated["人员经费"] == _wan("278.47")
    assert stated["公用经费"] == _wan("12.93")
    assert stated["人员经费"] + stated["公用经费"] == stated["基本支出"]


def test_seed_staff(seed: object) -> None:
    row = seed.departments.row(0, named=True)
    assert (row[s.STAFF_AUTHORIZED], row[s.STAFF_ACTUAL]) == (21, 12)


def test_seed_goals(seed: object) -> None:
    goals = seed.indicators.select(s.GOAL_SCOPE, s.GOAL_NO).unique().sort(s.GOAL_SCOPE, s.GOAL_NO).rows()
    assert goals == [("annual", 1), ("annual", 2), ("annual", 3), ("long_term", 1), ("long_term", 2), ("long_term", 3)]


def test_gb18030_text_reads_the_same(tmp_path: Path, seed: object) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes(SEED.read_text(encoding="utf-8").encode("gb18030"))
    other = read_disclosure(path)
    assert other.lines.drop(s.DOC_ID).equals(seed.lines.drop(s.DOC_ID))
    assert other.documents.get_column(s.DOC_ID).item() != seed.documents.get_column(s.DOC_ID).item()


def test_synthetic_disclosure(tmp_path: Path) -> None:
    disclosure = SyntheticDisclosure(region="成都市武侯区", short_name="武侯区政务服务中心", year=2025)
    path = tmp_path / "wuhou.txt"
    path.write_text(disclosure.text(), encoding="utf-8")
    ds = read_disclosure(path)
    assert ds.documents.get_column(s.DEPARTMENT).item() == "成都市武侯区政务服务中心"
    assert ds.documents.get_column(s.FISCAL_YEAR).item() == 2025
    totals = dict(
        ds.lines.filter((pl.col(s.CLASSIFICATION) == "total") & (pl.col(s.SIDE) == "expenditure"))
        .select(s.FISCAL_YEAR, s.AMOUNT_YUAN)
        .rows()
    )
    assert totals == {2025: _wan("2500"), 2024: _wan("2300"), 2023: _wan("2000")}
    assert ds.projects.height == 2
    assert ds.indicators.height == 2
    income = ds.statements.filter(pl.col(s.AMOUNT_YUAN) == _wan("2500"))
    assert income.get_column(s.DIRECTION).to_list() == ["增加"]
    assert income.get_column(s.STATED_CHANGE_YUAN).to_list() == [_wan("200")]


# --- bad input ---------------------------------------------------------------------------------------------------


def _cut_before(marker: str) -> str:
    text = SEED.read_text(encoding="utf-8")
    return text[: text.index(marker)]


BAD_INPUTS = {
    "empty": (b"", r"empty\.txt: the file is empty"),
    "blank": (b"  \n\n \n", r"blank\.txt: the file is empty"),
    "binary": (bytes(range(256)) * 8, r"binary\.txt: this is a binary file"),
    "pdf_renamed": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", r"pdf_renamed\.txt: this is a binary file"),
    "latin1": (
        "prix: 12 €, café ".encode("cp1252") * 3 + b"\x81\x81",
        r"latin1\.txt, byte \d+ \(line \d+\): the bytes are neither",
    ),
    "not_disclosure": (
        ("今天天气很好，我们去公园散步。\n\n" * 40).encode(),
        r"not_disclosure\.txt: not a budget disclosure",
    ),
    "short": ("某局 2024 年部门预算\n\n".encode(), r"short\.txt, line \d+: the text ends after 1 lines"),
    "truncated_table": (
        _cut_before("支出\n\n构成").encode(),
        r"truncated_table\.txt, line \d+: .*truncated; the 总体资金情况 table could not be read.*no 支出 合计 row",
    ),
    "truncated_narrative": (
        _cut_before(" 第三部分").encode(),
        r"truncated_narrative\.txt, line \d+: the text ends before the narrative",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_gets_a_clear_error(tmp_path: Path, case: str) -> None:
    data, message = BAD_INPUTS[case]
    path = tmp_path / f"{case}.txt"
    path.write_bytes(data)
    with pytest.raises(ReaderError, match=message):
        read_disclosure(path)


def test_wrong_file_type(tmp_path: Path) -> None:
    path = tmp_path / "table.docx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(ReaderError, match=r"table\.docx: unsupported file type '\.docx'; expected one of \.pdf, \.txt"):
        read_disclosure(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ReaderError, match=r"gone\.txt: cannot read the file"):
        read_disclosure(tmp_path / "gone.txt")


def test_wrong_units_are_refused(tmp_path: Path) -> None:
    # The figures are in 万元 (the narrative says so) but the form's header claims 元.
    path = tmp_path / "units.txt"
    path.write_text(SyntheticDisclosure(unit_line="单位：元").text(), encoding="utf-8")
    with pytest.raises(ReaderError, match=r"units\.txt, line \d+: the tables say '单位：元', but .* read in 万元"):
        read_disclosure(path)


def test_tables_named_but_lost_are_recorded(seed: object) -> None:
    statuses = dict(seed.document_tables.select(s.TABLE, s.STATUS).rows())  # type: ignore[attr-defined]
    # The seed names its ten standard tables; the text keeps their titles, not their rows. Its 表 8 says the
    # department had no government-fund spending.
    assert len(statuses) == 10
    assert statuses["government_fund"] == "empty"
    assert statuses["income_expenditure_summary"] == "no_rows"


# --- page texts with the tables printed as text (another department than the corpus) ------------------------------

PAGED_DUMP = [
    ["杭州市西湖区2025年区级部门预算", "预算主管部门：杭州市西湖区体育局"],
    [
        "杭州市西湖区体育局主要职能",
        "杭州市西湖区体育局是区政府主管全区体育事业的工作部门。",
        "本部门中，行政单位1家，事业单位1家，下属1家预算单位。",
    ],
    [
        "2025年部门预算编制说明",
        "2025年，杭州市西湖区体育局收入预算175.00万元，其中：财政拨款收入175.00万元，比2024年预算增加15.00万",
        "元。",
        "支出预算175.00万元，其中：基本支出95.00万元，项目支出80.00万元。",
    ],
    [
        "2025年部门财务收支预算总表",
        "编制部门：杭州市西湖区体育局 单位：元",
        "本年收入 本年支出",
        "项目 预算数 项目 预算数",
        "一、财政拨款收入 1,750,000 一、文化旅游体育与传媒支出 1,500,000",
        "1. 一般公共预算 1,750,000 二、社会保障和就业支出 250,000",
        "2. 政府性基金预算",
        "二、事业收入",
        "收入总计 1,750,000 支出总计 1,750,000",
    ],
    [
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
    ],
    [
        "项目 支出预算",
        "功能分类科目编码",
        "功能分类科目名称 合计 基本支出 项目支出",
        "类 款 项",
        "208 社会保障和就业支出 250,000 250,000",
        "208 05 行政事业单位养老支出 250,000 250,000",
        "208 05 05 机关事业单位基本养老保险缴费支出 250,000 250,000",
        "合计 1,750,000 950,000 800,000",
    ],
    [
        "2025年部门“三公”经费和机关运行经费预算表",
        "编制部门：杭州市西湖区体育局 单位:万元",
        "“三公”经费预算数",
        "机关运行经费预算",
        "公务用车购置及运行费",
        "数",
        "合计 因公出国(境)费 公务接待费",
        "小计 购置费 运行费",
        "6.40 1.20 5.20 5.20 38.00",
    ],
    ["其他相关情况说明", "一、2025年“三公”经费预算情况说明", "2025年“三公”经费预算数为6.40万元。"],
]


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> object:
    path = tmp_path_factory.mktemp("paged") / "xihu_sports_2025.txt"
    path.write_text("\f".join("\n".join(page) for page in PAGED_DUMP), encoding="utf-8")
    return read_disclosure(path)


def test_paged_dump_document_and_tables(paged: object) -> None:
    document = paged.documents.row(0, named=True)  # type: ignore[attr-defined]
    assert document[s.DEPARTMENT] == "杭州市西湖区体育局"
    assert (document[s.FISCAL_YEAR], document[s.UNIT_PRINTED]) == (2025, "元")
    tables = dict(paged.document_tables.select(s.TABLE, s.STATUS).rows())  # type: ignore[attr-defined]
    assert tables == {
        "income_expenditure_summary": "data",
        "expenditure_summary": "data",
        "three_public_and_operation": "data",
    }
    spans = dict(paged.document_tables.select(s.TABLE, s.PAGE_FROM).rows())  # type: ignore[attr-defined]
    assert spans["expenditure_summary"] == 5


def test_paged_dump_lines_are_placed_and_traceable(paged: object) -> None:
    lines = paged.lines  # type: ignore[attr-defined]
    spending = lines.filter(pl.col(s.TABLE) == "expenditure_summary")
    # 群众体育's one figure besides its total is 项目支出: 20703's 基本支出 700,000 is used up by its other rows.
    row = spending.filter((pl.col(s.CODE) == "2070308") & (pl.col(s.COLUMN) == "project")).row(0, named=True)
    assert row[s.AMOUNT_YUAN] == Decimal("800000.00")
    # a page starts on the line that holds its form feed: page 2 on line 2, page 3 on line 4, page 4 on line 7,
    # page 5 on line 15; 群众体育 is page 5's 11th line
    assert (row[s.PAGE], row[s.LINE]) == (5, 25)
    assert row[s.VERIFICATION] == "verified"
    total = spending.filter((pl.col(s.CLASSIFICATION) == "total") & (pl.col(s.COLUMN) == "basic"))
    assert total.get_column(s.AMOUNT_YUAN).to_list() == [Decimal("950000.00")]
    three = dict(lines.filter(pl.col(s.TABLE) == "three_public_and_operation").select(s.COLUMN, s.AMOUNT_YUAN).rows())
    # 6.40 = 1.20 + 5.20 (公务用车 小计) with one of 出国 / 接待 blank: 1.20 may be either; the second 5.20 may be
    # 购置费 or 运行费. Only the figures every reading agrees on are stored.
    assert three == {
        "total": Decimal("64000.00"),
        "vehicles": Decimal("52000.00"),
        "operating_costs": Decimal("380000.00"),
    }


def test_paged_dump_records_what_it_could_not_place(paged: object) -> None:
    findings = paged.reading_findings  # type: ignore[attr-defined]
    unplaced = findings.filter(pl.col(s.KIND) == "unplaced_amount")
    # page 6 starts on line 25 and page 7 on line 32; the 三公 row is page 7's 9th line
    assert unplaced.select(s.TABLE, s.CELL_TEXT, s.PAGE, s.LINE).rows() == [
        ("three_public_and_operation", "1.20", 7, 40),
        ("three_public_and_operation", "5.20", 7, 40),
    ]
    assert set(unplaced.get_column(s.SOURCE_TEXT).to_list()) == {"6.40 1.20 5.20 5.20 38.00"}


def test_statements_keep_the_file_line_and_page(paged: object) -> None:
    statements = paged.statements  # type: ignore[attr-defined]
    income = statements.filter(pl.col(s.SUBJECT).str.ends_with("收入预算")).row(0, named=True)
    assert income[s.AMOUNT_YUAN] == Decimal("1750000.00")
    assert (income[s.PAGE], income[s.LINE]) == (3, 5)  # page 3 starts on line 4


# --- a narrative alone (the tables were images) --------------------------------------------------------------------

NARRATIVE_ONLY = """成都市水务局2021年部门预算情况说明
更新时间：2021-02-20

    一、单位基本情况
    成都市水务局是负责全市水行政管理的市政府工作部门。
    （一）职能职责。
    １、负责保障水资源的合理开发利用。
    ２、负责生活、生产经营和生态环境用水的统筹和保障。
    ３、负责水资源保护工作。
    （二）单位构成。
    纳入成都市水务局部门预算的单位主要是成都市水务局机关本级及下属的5个二级事业单位组成，具体明细如下:
    成都市水务局机关
    成都市河湖管理保护中心
    成都市水文水资源监测中心
    二、部门预算情况说明
    2021年一般公共预算财政拨款收入52310.45万元，一般公共预算财政拨款支出52310.45万元，比2020年增加1200.5万元。其中：基本支出8120.3万元，比2020年减少80.2万元，主要原因是人员调出,主要用于保障在职人员工资福利;项目支出44190.15万元，比2020年增加1280.7万元，主要原因是河道整治项目增加,主要用于水利工程建设。
    2021年政府性基金预算收入2000万元，政府性基金预算支出2000万元，与2020年一致。
    三、“三公”经费情况说明
    2021年“三公”经费预算320.5万元,比2020年减少12.3万元。其中:因公出国(境)费用20万元,比2020年减少5万元;公务接待费45.5万元，比2020年减少7.3万元;公务用车运行维护费255万元,与2020年一致;公务用车购置费0万元,与2020年一致。
    四、其他重要事项的情况说明
    １.机关运行经费情况。2021年一般公共预算财政拨款运行经费1530.8万元，比上年增加20.6万元。
    五、专业性名词解释
    （一）财政拨款收入：指本年度从本级财政部门取得的财政拨款。
"""


@pytest.fixture(scope="module")
def narrative_only(tmp_path_factory: pytest.TempPathFactory) -> object:
    path = tmp_path_factory.mktemp("narrative") / "chengdu_water_2021.txt"
    path.write_text(NARRATIVE_ONLY, encoding="utf-8")
    return read_disclosure(path)


def test_narrative_only_document_is_read(narrative_only: object) -> None:
    document = narrative_only.documents.row(0, named=True)  # type: ignore[attr-defined]
    assert (document[s.DEPARTMENT], document[s.REGION], document[s.FISCAL_YEAR]) == ("成都市水务局", "成都市", 2021)
    assert narrative_only.lines.is_empty()  # type: ignore[attr-defined]
    department = narrative_only.departments.row(0, named=True)  # type: ignore[attr-defined]
    assert (department[s.NAME], department[s.SUBORDINATE_UNITS]) == ("成都市水务局", 5)


def _stated(ds: object) -> dict[str, dict[str, object]]:
    return {row[s.SUBJECT]: row for row in ds.statements.iter_rows(named=True)}  # type: ignore[attr-defined]


def test_narrative_only_main_figures(narrative_only: object) -> None:
    stated = _stated(narrative_only)
    spending = stated["一般公共预算财政拨款支出"]
    assert (spending[s.AMOUNT_YUAN], spending[s.STATED_CHANGE_YUAN], spending[s.DIRECTION]) == (
        Decimal("523104500.00"),
        Decimal("12005000.00"),
        "增加",
    )
    assert stated["一般公共预算财政拨款收入"][s.AMOUNT_YUAN] == Decimal("523104500.00")
    # 基本支出 and 项目支出 are both items of the 其中, though a 主要用于 clause stands between them
    basic, project = stated["基本支出"], stated["项目支出"]
    assert (basic[s.AMOUNT_YUAN], basic[s.DIRECTION], basic[s.PARENT_SUBJECT]) == (
        Decimal("81203000.00"),
        "减少",
        "一般公共预算财政拨款支出",
    )
    assert (project[s.AMOUNT_YUAN], project[s.STATED_CHANGE_YUAN], project[s.PARENT_SUBJECT]) == (
        Decimal("441901500.00"),
        Decimal("12807000.00"),
        "一般公共预算财政拨款支出",
    )
    fund = stated["政府性基金预算支出"]
    assert (fund[s.AMOUNT_YUAN], fund[s.COMPARE_YEAR], fund[s.DIRECTION]) == (Decimal("20000000.00"), 2020, "持平")


def test_narrative_only_three_public_and_operating_costs(narrative_only: object) -> None:
    stated = _stated(narrative_only)
    assert stated["“三公”经费预算"][s.AMOUNT_YUAN] == Decimal("3205000.00")
    parts = {
        subject: (row[s.AMOUNT_YUAN], row[s.DIRECTION])
        for subject, row in stated.items()
        if row[s.PARENT_SUBJECT] == "“三公”经费预算"
    }
    assert parts == {
        "因公出国(境)费用": (Decimal("200000.00"), "减少"),
        "公务接待费": (Decimal("455000.00"), "减少"),
        "公务用车运行维护费": (Decimal("2550000.00"), "持平"),
        "公务用车购置费": (Decimal("0.00"), "持平"),
    }
    assert sum(amount for amount, _ in parts.values()) == Decimal("3205000.00")
    running = stated["一般公共预算财政拨款运行经费"]
    assert (running[s.AMOUNT_YUAN], running[s.COMPARE_YEAR], running[s.LINE]) == (Decimal("15308000.00"), 2020, 21)


# --- the corpus documents of these layouts --------------------------------------------------------------------------

WENLV = SEED.parent / "putuo_wenlv_2026_dept_budget.txt"
JTW = SEED.parent / "chongqing_jtw_2018_dept_budget_narrative.txt"


@pytest.fixture(scope="module")
def wenlv() -> object:
    return read_disclosure(WENLV)


def test_wenlv_reads_every_table_figure(wenlv: object) -> None:
    counts = dict(
        wenlv.document_tables.select(s.TABLE, s.ROW_COUNT).rows()  # type: ignore[attr-defined]
    )
    # figures printed per table, counted on the pages: 收支总表 9 (page 9), 收入总表 35 rows × 2, 支出总表 and the
    # 一般公共预算 table 8 rows × 3 + 27 × 2, 财政拨款收支总表 14, 经济分类 3 × 3 + 35 × 2, 三公 7; 政府性基金 and
    # 国有资本经营 are printed empty
    assert counts == {
        "income_expenditure_summary": 9,
        "income_summary": 70,
        "expenditure_summary": 78,
        "fiscal_appropriation_summary": 14,
        "general_budget_function": 78,
        "government_fund": 0,
        "state_capital": 0,
        "general_budget_basic_economic": 79,
        "three_public_and_operation": 7,
    }
    assert wenlv.lines.height == 335  # type: ignore[attr-defined]
    assert wenlv.reading_findings.filter(pl.col(s.KIND) == "unplaced_amount").is_empty()  # type: ignore[attr-defined]


def _figure(ds: object, table: str, code: str, column: str) -> tuple[Decimal, int, int]:
    """The figure of the row with ``code`` (or, for a row without one, that name) in ``column``."""
    frame = ds.lines.filter(  # type: ignore[attr-defined]
        (pl.col(s.TABLE) == table)
        & (pl.col(s.COLUMN) == column)
        & ((pl.col(s.CODE) == code) | (pl.col(s.CODE).is_null() & (pl.col(s.NAME) == code)))
    )
    row = frame.row(0, named=True)
    assert frame.height == 1
    return row[s.AMOUNT_YUAN], row[s.PAGE], row[s.LINE]


@pytest.mark.parametrize(
    ("table", "code", "column", "expected"),
    [
        # page 13 line 161: "207 01 05 文化展示及纪念机构 60,517,640 60,517,640" — project (its 款 20701's 基本支出
        # 73,767,848 is the sum of the five rows that print three figures)
        ("expenditure_summary", "2070105", "project", ("60517640", 13, 161)),
        # page 14 line 183: 215 is 项目支出 (基本支出 102,306,237 − 73,767,848 = 16,682,825 + 5,238,443 + 6,617,121)
        ("expenditure_summary", "215", "project", ("50200000", 14, 183)),
        ("expenditure_summary", "208", "basic", ("16682825", 14, 172)),
        # page 19 line 244: the 合计 row of the 一般公共预算 table
        ("general_budget_function", "合计", "project", ("175769864", 19, 244)),
        # page 23 line 295: "303 对个人和家庭的补助 3,712,280 3,259,560 452,720"
        ("general_budget_basic_economic", "303", "personnel", ("3259560", 23, 295)),
        ("general_budget_basic_economic", "30399", "public", ("147520", 24, 296)),
        ("general_budget_basic_economic", "30231", "public", ("93750", 23, 292)),
        # page 10 line 123, 收入总表: every source is 财政拨款收入 (the 收支总表 prints no other income)
        ("income_summary", "2070105", "fiscal_appropriation", ("60517640", 10, 123)),
        # page 16 line 198: 财政拨款收支总表 支出总计 by fund, all 一般公共预算 (the income side's only fund)
        ("fiscal_appropriation_summary", "支出总计", "general_budget", ("278076101", 16, 198)),
        # page 25 line 308 (万元): "11.49 0 2.11 9.38 0 9.38 182.65" — 公务接待费 is the third figure
        ("three_public_and_operation", "合计", "reception", ("21100", 25, 308)),
        ("three_public_and_operation", "合计", "vehicle_operation", ("93800", 25, 308)),
        ("three_public_and_operation", "合计", "operating_costs", ("1826500", 25, 308)),
    ],
)
def test_wenlv_figures_read_from_the_page(
    wenlv: object, table: str, code: str, column: str, expected: tuple[str, int, int]
) -> None:
    amount, page, line = expected
    assert _figure(wenlv, table, code, column) == (Decimal(amount).quantize(Decimal("0.01")), page, line)


def test_wenlv_narrative_keeps_its_place(wenlv: object) -> None:
    stated = _stated(wenlv)
    income = stated["上海市普陀区文化和旅游局收入预算"]
    # page 7, line 57: "2026年，上海市普陀区文化和旅游局收入预算27,807.61万元"
    assert (income[s.AMOUNT_YUAN], income[s.PAGE], income[s.LINE]) == (Decimal("278076100.00"), 7, 57)
    assert stated["公务接待费"][s.AMOUNT_YUAN] == Decimal("21100.00")


def test_jtw_narrative_only_main_figures() -> None:
    ds = read_disclosure(JTW)
    assert ds.lines.is_empty()
    assert ds.departments.get_column(s.SUBORDINATE_UNITS).to_list() == [8]  # "下属的8个二级事业单位" (line 21)
    stated = _stated(ds)
    # line 32
    assert stated["一般公共预算财政拨款支出"][s.AMOUNT_YUAN] == Decimal("3249703200.00")
    assert stated["基本支出"][s.AMOUNT_YUAN] + stated["项目支出"][s.AMOUNT_YUAN] == Decimal("3249703200.00")
    assert stated["项目支出"][s.PARENT_SUBJECT] == "一般公共预算财政拨款支出"
    # line 35: the text lost the 公务接待费 label ("…严控290.5万元"): its figure is still read, under the 三公 total
    parts = [r for r in ds.statements.iter_rows(named=True) if r[s.PARENT_SUBJECT] == "“三公”经费预算"]
    assert sum(r[s.AMOUNT_YUAN] for r in parts) == stated["“三公”经费预算"][s.AMOUNT_YUAN] == Decimal("28006800.00")
    assert stated["公务用车购置费"][s.DIRECTION] == "持平"  # "公务用车购置费0万元,与2017年一致"
    # line 37: 机关运行经费
    running = stated["一般公共预算财政拨款运行经费"]
    assert (running[s.AMOUNT_YUAN], running[s.STATED_CHANGE_YUAN]) == (Decimal("162521100.00"), Decimal("6549400.00"))


def test_wenlv_codes_are_in_the_reference(wenlv: object) -> None:
    # 20701 文化和旅游 and its 项 (2019 catalogue), 20799 / 2079903 / 2079999: every code the tables print is known
    lines = wenlv.lines  # type: ignore[attr-defined]
    for kind in ("function", "economic"):
        assert unknown_codes(lines.filter(pl.col(s.CLASSIFICATION) == kind), kind).is_empty(), kind
    assert code_name("function", "2070114", 2026) == "文化和旅游管理事务"


def test_a_part_that_cannot_be_read_is_a_finding_and_the_rest_is_stored(tmp_path: Path) -> None:
    """Degrade, never refuse: an indicator row that lost its name costs the indicators, not the disclosure."""
    disclosure = SyntheticDisclosure(region="南宁市青秀区", short_name="青秀区档案馆", year=2026)
    lines = [line for line in disclosure.lines() if line != "改造小区数"]  # the 三级指标 of its only row lost
    path = tmp_path / "lost_name.txt"
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    ds = read_disclosure(path)
    assert ds.documents.height == 1 and ds.indicators.is_empty()
    assert not ds.statements.is_empty() and not ds.lines.is_empty()  # the narrative and the tables are stored
    assert ds.departments.get_column(s.STAFF_AUTHORIZED).to_list() == [35]
    (finding,) = ds.reading_findings.filter(pl.col(s.KIND) == "unreadable_table").rows(named=True)
    assert finding[s.MESSAGE_ZH].startswith("绩效目标表无法读取，其余内容照常读入")
    assert "产出 指标 数量指标 ≥40个" in finding[s.MESSAGE_ZH]
    printed = path.read_text(encoding="utf-8").splitlines()
    assert printed[finding[s.LINE] - 1].startswith("产出")
