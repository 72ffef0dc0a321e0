"""Narrative statements: the seed's 预算情况说明 read by hand, synthetic narratives and small cases.

Every expected value below was read off the documents by a person, not copied from the extractor's output.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.ingest._source import SourceDocument
from analytics.ingest.narrative import extract_statements
from analytics.schema import (
    AMOUNT_YUAN,
    COMPARE_YEAR,
    DIRECTION,
    FISCAL_YEAR,
    LINE,
    PAGE,
    PARENT_SUBJECT,
    SOURCE_TEXT,
    STATED_CHANGE_PCT,
    STATED_CHANGE_YUAN,
    STATED_SHARE_PCT,
    SUBJECT,
)
from analytics.units import to_yuan

ROOT = Path(__file__).resolve().parent.parent
SEED_NAME = "hanyang_bigdata_2023_dept_budget.txt"
SEED_PATHS = (ROOT / "datasets" / "raw" / SEED_NAME, Path("/work/shared/corpus/hanyang") / SEED_NAME)
KEYS = [
    SUBJECT,
    FISCAL_YEAR,
    AMOUNT_YUAN,
    COMPARE_YEAR,
    STATED_CHANGE_YUAN,
    STATED_CHANGE_PCT,
    STATED_SHARE_PCT,
    DIRECTION,
    PARENT_SUBJECT,
    PAGE,
    LINE,
    SOURCE_TEXT,
]
WAN = Decimal(10_000)

OTHER_EXPENSES = "其他政府办公厅（室）及相关机构事务支出"
HOTLINE = "汉阳区市民热线工作服务平台及区人大履职系统运行经费"
UPGRADE = "汉阳区市民热线指挥平台升级改造"
LINKS = "通信链路租赁费"
MAINTENANCE = "政务网络与应用系统维护保障外包服务"
GOVERNANCE = "数据治理服务"
SECURITY = "政务网络安全保障经费"
PURCHASE = "部门政府采购预算支出合计"

# (subject, 万元 as printed, line of the number, parent subject) for every money figure in 第三部分, in order.
SEED_STATEMENTS: list[tuple[str, str, int, str | None]] = [
    ("部门收入预算", "1370.19", 659, None),
    ("一般公共预算财政拨款收入", "1365.19", 663, "部门收入预算"),
    ("其他收入", "5", 663, "部门收入预算"),
    ("部门支出预算", "1370.19", 669, None),
    ("基本支出", "291.4", 673, "部门支出预算"),
    ("项目支出", "1078.79", 673, "部门支出预算"),
    ("财政拨款收支总预算", "1365.19", 677, None),
    # "收入包括：…" / "支出包括：…": the items belong to the noun the sentence names before 包括.
    ("一般公共预算财政拨款本年收入", "1365.19", 681, "收入"),
    ("基本支出", "291.4", 683, "支出"),
    ("项目支出", "1073.79", 683, "支出"),
    ("一般公共预算支出预算", "1365.19", 686, None),
    ("本年预算", "1365.19", 688, "一般公共预算支出预算"),
    ("基本支出", "291.4", 692, None),
    ("项目支出", "1073.79", 696, None),
    (OTHER_EXPENSES, "1070.79", 698, "项目支出"),
    (HOTLINE, "275", 704, OTHER_EXPENSES),
    ("区人大每年", "10", 708, HOTLINE),
    ("申请经费", "265", 716, HOTLINE),
    (UPGRADE, "90", 718, OTHER_EXPENSES),
    ("市区两级系统平台需同步升级改造", "45", 726, UPGRADE),
    (LINKS, "339.54", 739, OTHER_EXPENSES),
    ("政务网点位及大带宽租赁", "280.54", 741, LINKS),
    ("互联网2GWifi专线", "46", 743, LINKS),
    ("无线5G政务网设备", "13", 745, LINKS),
    (MAINTENANCE, "122.75", 747, OTHER_EXPENSES),
    ("申请维护保障经费", "122.75", 759, MAINTENANCE),
    (GOVERNANCE, "80", 761, OTHER_EXPENSES),
    ("费用", "80", 770, GOVERNANCE),
    (SECURITY, "50", 774, OTHER_EXPENSES),
    ("安全服务", "50", 778, SECURITY),
    ("其他巩固脱贫攻坚成果衔接乡村振兴支出", "3", 780, "项目支出"),
    ("一般公共预算基本支出", "291.4", 786, None),
    ("人员经费", "278.47", 790, "一般公共预算基本支出"),
    ("工资福利支出", "278.47", 792, "人员经费"),
    ("公用经费", "12.93", 800, "一般公共预算基本支出"),
    (PURCHASE, "1062.29", 823, None),
    ("货物类", "15", 827, PURCHASE),
    ("服务类", "1047.29", 827, PURCHASE),
    ("乡村振兴专项经费", "5", 841, None),
]


def wan(text: str) -> Decimal:
    return to_yuan(Decimal(text), "万元")


def doc_of(lines: list[str], name: str = "synthetic.txt") -> SourceDocument:
    """A document in the seed's layout: a blank line between the lines."""
    return SourceDocument.from_text(name, "\n\n".join(lines) + "\n")


def by_subject(rows: list[dict[str, object]], subject: str) -> dict[str, object]:
    matches = [row for row in rows if row[SUBJECT] == subject]
    assert len(matches) == 1, (subject, [row[SUBJECT] for row in rows])
    return matches[0]


def printed(amount: object) -> str:
    """The 万元 figure as the narrative prints it (no trailing zeros)."""
    assert isinstance(amount, Decimal)
    return format((amount / WAN).normalize(), "f")


# --- the seed -----------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seed_rows() -> list[dict[str, object]]:
    path = next((p for p in SEED_PATHS if p.is_file()), None)
    if path is None:
        pytest.skip(f"seed document {SEED_NAME} is not available")
    doc = SourceDocument.from_text(path.name, path.read_text(encoding="utf-8"))
    return extract_statements(doc, year=2023)


def test_seed_has_every_figure_in_order(seed_rows: list[dict[str, object]]) -> None:
    assert len(seed_rows) == 39
    got = [(row[SUBJECT], row[AMOUNT_YUAN], row[LINE], row[PARENT_SUBJECT]) for row in seed_rows]
    want = [(subject, wan(amount), line, parent) for subject, amount, line, parent in SEED_STATEMENTS]
    for (subject, amount, line, parent), (got_subject, got_amount, got_line, got_parent) in zip(want, got, strict=True):
        assert subject in str(got_subject)
        assert (got_amount, got_line, got_parent) == (amount, line, parent), subject


def test_seed_rows_are_complete(seed_rows: list[dict[str, object]]) -> None:
    for row in seed_rows:
        assert list(row) == KEYS
        assert isinstance(row[AMOUNT_YUAN], Decimal)
        assert row[AMOUNT_YUAN].as_tuple().exponent == -2
        assert isinstance(row[LINE], int)
        assert row[PAGE] is None
        assert row[FISCAL_YEAR] == 2023
        source = str(row[SOURCE_TEXT])
        assert "\n" not in source
        assert printed(row[AMOUNT_YUAN]) in source.replace(" ", "")
        assert not any(isinstance(value, float) for value in row.values())


def test_seed_income_statement(seed_rows: list[dict[str, object]]) -> None:
    income = seed_rows[0]
    assert income[SUBJECT] == "部门收入预算"
    assert income[AMOUNT_YUAN] == Decimal("13701900.00")
    assert income[COMPARE_YEAR] == 2022
    assert income[STATED_CHANGE_YUAN] == Decimal("2824300.00")
    assert income[STATED_CHANGE_PCT] == Decimal("17.09")
    assert income[STATED_SHARE_PCT] is None
    assert income[DIRECTION] == "减少"
    # "减少" and "282.43" are on different lines; the sentence is re-joined without the break.
    assert income[SOURCE_TEXT] == (
        "2023 年部门收入预算 1370.19 万元，比 2022 年预算减少282.43 万元，下降 17.09%，主要是压减了项目预算。"
    )
    appropriation, other = seed_rows[1], seed_rows[2]
    assert appropriation[STATED_SHARE_PCT] == Decimal("99.64")
    assert other[STATED_SHARE_PCT] == Decimal("0.36")
    assert appropriation[STATED_CHANGE_YUAN] is None and appropriation[DIRECTION] is None
    assert other[SOURCE_TEXT] == "其中：一般公共预算财政拨款收入 1365.19 万元，占 99.64%；其他收入 5万元，占 0.36%。"


def test_seed_expenditure_shares(seed_rows: list[dict[str, object]]) -> None:
    basic, project = seed_rows[4], seed_rows[5]
    assert (basic[SUBJECT], basic[AMOUNT_YUAN], basic[STATED_SHARE_PCT]) == ("基本支出", wan("291.4"), Decimal("21.27"))
    assert (project[SUBJECT], project[AMOUNT_YUAN], project[STATED_SHARE_PCT]) == (
        "项目支出",
        wan("1078.79"),
        Decimal("78.73"),
    )


@pytest.mark.parametrize(
    ("index", "subject", "figures"),
    [
        (0, "部门收入预算", ("1370.19", "282.43", "17.09")),
        (3, "部门支出预算", ("1370.19", "282.43", "17.09")),
        (6, "财政拨款收支总预算", ("1365.19", "282.43", "17.09")),
        (11, "本年预算", ("1365.19", "282.43", "17.09")),
        (31, "一般公共预算基本支出", ("291.4", "30.11", "9.37")),
        (35, PURCHASE, ("1062.29", "142.82", "11.85")),
    ],
)
def test_seed_changes(
    seed_rows: list[dict[str, object]], index: int, subject: str, figures: tuple[str, str, str]
) -> None:
    amount, change, pct = figures
    row = seed_rows[index]
    assert row[SUBJECT] == subject
    assert row[AMOUNT_YUAN] == wan(amount)
    assert row[COMPARE_YEAR] == 2022
    assert row[STATED_CHANGE_YUAN] == wan(change)
    assert row[STATED_CHANGE_PCT] == Decimal(pct)
    assert row[DIRECTION] == "减少"


def test_seed_figures_without_comparison_have_none(seed_rows: list[dict[str, object]]) -> None:
    compared = {0, 3, 6, 11, 31, 35}
    for index, row in enumerate(seed_rows):
        if index not in compared:
            assert (row[COMPARE_YEAR], row[STATED_CHANGE_YUAN], row[STATED_CHANGE_PCT], row[DIRECTION]) == (
                (None,) * 4
            ), row[SUBJECT]


def test_seed_numbered_items(seed_rows: list[dict[str, object]]) -> None:
    items = [row for row in seed_rows if row[PARENT_SUBJECT] == OTHER_EXPENSES]
    assert [row[SUBJECT] for row in items] == [HOTLINE, UPGRADE, LINKS, MAINTENANCE, GOVERNANCE, SECURITY]
    assert [row[AMOUNT_YUAN] for row in items] == [wan(a) for a in ("275", "90", "339.54", "122.75", "80", "50")]
    assert [row[LINE] for row in items] == [704, 718, 739, 747, 761, 774]


def test_seed_breakdowns(seed_rows: list[dict[str, object]]) -> None:
    assert {row[SUBJECT] for row in seed_rows if row[PARENT_SUBJECT] == "一般公共预算基本支出"} == {
        "人员经费",
        "公用经费",
    }
    assert by_subject(seed_rows, "工资福利支出")[PARENT_SUBJECT] == "人员经费"
    assert [row[SUBJECT] for row in seed_rows if row[PARENT_SUBJECT] == PURCHASE] == ["货物类", "服务类"]
    assert [row[AMOUNT_YUAN] for row in seed_rows if row[PARENT_SUBJECT] == LINKS] == [
        wan("280.54"),
        wan("46"),
        wan("13"),
    ]
    rural = by_subject(seed_rows, "乡村振兴专项经费")
    assert (rural[AMOUNT_YUAN], rural[LINE], rural[PARENT_SUBJECT]) == (wan("5"), 841, None)
    # "13 万件" (a count of cases) is not money; "13 万左右" is.
    assert sum(1 for row in seed_rows if row[AMOUNT_YUAN] == wan("13")) == 1


def test_seed_glossary_and_tables_are_not_read(seed_rows: list[dict[str, object]]) -> None:
    assert all(643 < int(str(row[LINE])) < 846 for row in seed_rows)


# --- synthetic narratives -----------------------------------------------------------------------------------------
QINGSHAN = [
    "武汉市青山区文化和旅游局 2024 年部门预算公开",
    "目 录",
    "第一部分 青山区文化和旅游局概况 .................. 1",
    "第三部分 青山区文化和旅游局 2024 年部门预算情况说明 ...... 9",
    " 第一部分 青山区文化和旅游局概况",
    "本局内设机构 6 个，在职实有人数 45 人，本年安排培训经费",
    "10 万元。",
    " 第三部分 青山区文化和旅游局 2024 年部门预算情况说明",
    "一、收支预算总体安排及增减变化情况",
    "2024 年部门收入预算 1.25 亿元，比 2023 年预算增加 1,234.56",
    "万元，增长 10.96%，主要是新增了文旅融合发展项目。其中：一般",
    "公共预算财政拨款收入 １２，３４５．６７万元，占 98.77%；政府",
    "性基金预算财政拨款收入 154.33 万元，占 1.23%。",
    "二、一般公共预算支出安排及增减变化情况",
    "2024 年一般公共预算支出预算 12,345.67 万元，比 2023 年预算",
    "- 12 -",
    "增长 5.5%，主要是文旅融合发展项目支出有所增加。其中：",
    "(一)基本支出 2,345.67 万元。包括：",
    "人员经费 2,000 万元，主要用于在职人员工资福利支出；公用经费",
    "345.67 万元，主要用于办公费、印刷费、差旅费、会议费等支出。",
    "(二)项目支出 10,000 万元。其中：",
    "1. 文化惠民演出经费 6,000 万元：全年组织惠民演出 120 场，预",
    "计观众 3 万人次，其中场地租赁费用 800 万元。",
    "2. 旅游宣传推广经费 4,000 万元。",
    "三、一般公共预算“三公”经费支出安排及增减变化情况",
    "2024 年一般公共预算“三公”经费支出预算 12 万元，与 2023 年",
    "预算持平。其中：公务接待费 30,000 元。",
    "四、政府性基金预算支出安排及增减变化情况",
    "2024 年本部门没有使用政府性基金预算安排的支出。",
    " 第四部分 名词解释",
    "（一）基本支出：指为保障机构正常运转而发生的支出，如 100 万元。",
]
GENERAL_EXPENDITURE = "一般公共预算支出预算"
QINGSHAN_EXPECTED: list[tuple[str, Decimal, str | None]] = [
    ("部门收入预算", Decimal("125000000.00"), None),
    ("一般公共预算财政拨款收入", Decimal("123456700.00"), "部门收入预算"),
    ("政府性基金预算财政拨款收入", Decimal("1543300.00"), "部门收入预算"),
    (GENERAL_EXPENDITURE, Decimal("123456700.00"), None),
    ("基本支出", Decimal("23456700.00"), GENERAL_EXPENDITURE),
    ("人员经费", Decimal("20000000.00"), "基本支出"),
    ("公用经费", Decimal("3456700.00"), "基本支出"),
    ("项目支出", Decimal("100000000.00"), GENERAL_EXPENDITURE),
    ("文化惠民演出经费", Decimal("60000000.00"), "项目支出"),
    ("场地租赁费用", Decimal("8000000.00"), "文化惠民演出经费"),
    ("旅游宣传推广经费", Decimal("40000000.00"), "项目支出"),
    ("一般公共预算“三公”经费支出预算", Decimal("120000.00"), None),
    ("公务接待费", Decimal("30000.00"), "一般公共预算“三公”经费支出预算"),
]


def line_of(lines: list[str], fragment: str) -> int:
    """The 1-based number of the line that starts with ``fragment`` in a ``doc_of`` document (blank lines count)."""
    index = next(i for i, text in enumerate(lines) if text.startswith(fragment))
    return 2 * index + 1


def test_synthetic_narrative_with_contents_page() -> None:
    rows = extract_statements(doc_of(QINGSHAN), year=2024)
    assert [(row[SUBJECT], row[AMOUNT_YUAN], row[PARENT_SUBJECT]) for row in rows] == QINGSHAN_EXPECTED
    assert all(row[FISCAL_YEAR] == 2024 for row in rows)

    income = rows[0]
    assert income[COMPARE_YEAR] == 2023
    assert income[STATED_CHANGE_YUAN] == Decimal("12345600.00")  # the unit is on the next line
    assert income[STATED_CHANGE_PCT] == Decimal("10.96")
    assert income[DIRECTION] == "增加"
    assert income[LINE] == line_of(QINGSHAN, "2024 年部门收入预算 1.25 亿元")
    assert rows[1][STATED_SHARE_PCT] == Decimal("98.77")
    assert rows[2][STATED_SHARE_PCT] == Decimal("1.23")
    assert rows[2][LINE] == line_of(QINGSHAN, "性基金预算财政拨款收入 154.33")

    # A page number sits inside this sentence: it is dropped, and the percentage after it still attaches.
    general = rows[3]
    assert (general[COMPARE_YEAR], general[STATED_CHANGE_YUAN], general[STATED_CHANGE_PCT], general[DIRECTION]) == (
        2023,
        None,
        Decimal("5.5"),
        "增加",
    )
    assert "- 12 -" not in str(general[SOURCE_TEXT])
    assert str(general[SOURCE_TEXT]).endswith("比 2023 年预算增长 5.5%，主要是文旅融合发展项目支出有所增加。")

    assert rows[6][LINE] == line_of(QINGSHAN, "345.67 万元")
    flat = rows[11]
    assert (flat[COMPARE_YEAR], flat[DIRECTION], flat[STATED_CHANGE_YUAN]) == (2023, "持平", None)


def test_synthetic_narrative_keeps_original_characters() -> None:
    rows = extract_statements(doc_of(QINGSHAN), year=2024)
    assert "１２，３４５．６７万元" in str(rows[1][SOURCE_TEXT])
    assert str(rows[2][SOURCE_TEXT]).endswith("政府性基金预算财政拨款收入 154.33 万元，占 1.23%。")


JIANGAN = [
    "武汉市江岸区退役军人事务局 2025 年部门预算",
    "一、部门基本情况",
    "本局内设机构 5 个，在编人数 18 人，实有人数 16 人，主要",
    "负责全区退役军人服务保障工作。",
    "二、预算收支情况",
    "2025 年部门预算收入 8,765,432.10 元，较上年减少 123,456.78 元，降",
    "幅 1.39%。其中：财政拨款收入 8,000,000 元，占 91.27%；其他收入",
    "765,432.10 元，占 8.73%。",
    "部门整体支出绩效目标申报表",
    "成本指标 经济成本指标 ≤50万元",
    "产出指标 数量指标 ≥30 个",
    "三、其他重要事项的情况说明",
    "2025 年政府采购预算 100 万元，与上年持平；会议费预算 2 万元，比上",
    "年下降 20%。",
]


def test_synthetic_document_without_narrative_heading() -> None:
    rows = extract_statements(doc_of(JIANGAN), year=2025)
    assert [(row[SUBJECT], row[AMOUNT_YUAN], row[PARENT_SUBJECT]) for row in rows] == [
        ("部门预算收入", Decimal("8765432.10"), None),
        ("财政拨款收入", Decimal("8000000.00"), "部门预算收入"),
        ("其他收入", Decimal("765432.10"), "部门预算收入"),
        ("政府采购预算", Decimal("1000000.00"), None),
        ("会议费预算", Decimal("20000.00"), None),
    ]
    income, appropriation, other, purchase, meetings = rows
    assert (income[COMPARE_YEAR], income[STATED_CHANGE_YUAN], income[STATED_CHANGE_PCT], income[DIRECTION]) == (
        2024,
        Decimal("123456.78"),
        Decimal("1.39"),  # "降幅" is broken across two lines
        "减少",
    )
    assert (appropriation[STATED_SHARE_PCT], other[STATED_SHARE_PCT]) == (Decimal("91.27"), Decimal("8.73"))
    assert other[LINE] == line_of(JIANGAN, "765,432.10 元")
    assert (purchase[COMPARE_YEAR], purchase[DIRECTION]) == (2024, "持平")
    assert (meetings[COMPARE_YEAR], meetings[STATED_CHANGE_PCT], meetings[DIRECTION]) == (2024, Decimal("20"), "减少")
    assert all(row[AMOUNT_YUAN] != Decimal("500000.00") for row in rows)  # the target table's ≤50万元


def test_empty_document() -> None:
    assert extract_statements(SourceDocument("empty.txt", ()), year=2024) == []


# --- small cases --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2024 年部门支出预算 500 万元，比 2023 年预算增加 50 万元，增长 11.11%。",
            {SUBJECT: "部门支出预算", AMOUNT_YUAN: "5000000.00", STATED_CHANGE_YUAN: "500000.00"}
            | {STATED_CHANGE_PCT: "11.11", DIRECTION: "增加", COMPARE_YEAR: 2023},
        ),
        (
            "2024 年“三公”经费预算 3.5 万元，与上年持平。",
            {SUBJECT: "“三公”经费预算", AMOUNT_YUAN: "35000.00", DIRECTION: "持平", COMPARE_YEAR: 2023},
        ),
        (
            "2024 年会议费 5 万元，比上年压减 1 万元，下降 16.67%。",
            {SUBJECT: "会议费", STATED_CHANGE_YUAN: "10000.00", STATED_CHANGE_PCT: "16.67", DIRECTION: "减少"},
        ),
        (
            "2024 年培训费 2 万元，同比降低 20%。",
            {SUBJECT: "培训费", STATED_CHANGE_PCT: "20", DIRECTION: "减少", COMPARE_YEAR: 2023},
        ),
        ("购置设备 1.2 亿元。", {SUBJECT: "购置设备", AMOUNT_YUAN: "120000000.00", FISCAL_YEAR: 2024}),
        ("公务接待费 3,500 元。", {SUBJECT: "公务接待费", AMOUNT_YUAN: "3500.00"}),
        ("项目经费１２３．４５万元。", {SUBJECT: "项目经费", AMOUNT_YUAN: "1234500.00"}),
        ("设备租赁预计在 45 万左右。", {SUBJECT: "设备租赁", AMOUNT_YUAN: "450000.00"}),
        ("2022 年结转资金 8 万元。", {SUBJECT: "结转资金", FISCAL_YEAR: 2022}),
        ("购置 5 台电脑 3 万元。", {SUBJECT: "电脑", AMOUNT_YUAN: "30000.00"}),
        ("(三)培训费 6 万元，比上年有所增加。", {SUBJECT: "培训费", DIRECTION: "增加", COMPARE_YEAR: 2023}),
    ],
)
def test_single_statement(text: str, expected: dict[str, object]) -> None:
    rows = extract_statements(SourceDocument.from_text("one.txt", text), year=2024)
    assert len(rows) == 1
    row = rows[0]
    for key, value in expected.items():
        want = Decimal(value) if key in (AMOUNT_YUAN, STATED_CHANGE_YUAN, STATED_CHANGE_PCT) else value
        assert row[key] == want, key
    assert row[LINE] == 1
    assert row[SOURCE_TEXT] == text


@pytest.mark.parametrize(
    "text",
    [
        "全年受理群众诉求 13 万件，办结率 99%。",
        "2024 年本部门没有使用政府性基金预算安排的支出。",
        "2024 年一般公共预算未安排“三公”经费支出预算。",
        "截至 2023 年 12 月 31 日，本部门共有车辆 2 台。",
        "比上年减少 5 万元，下降 3%。",  # a change with no figure it belongs to
    ],
)
def test_sentences_without_money_figure(text: str) -> None:
    assert extract_statements(SourceDocument.from_text("none.txt", text), year=2024) == []


@pytest.mark.parametrize(
    ("text", "subjects", "shares"),
    [
        ("基本支出 100 万元，占 20%；项目支出 400 万元，占 80%。", ["基本支出", "项目支出"], ["20", "80"]),
        ("其中：工资 60 万元、津贴 40 万元。", ["工资", "津贴"], [None, None]),
    ],
)
def test_several_figures_in_one_sentence(text: str, subjects: list[str], shares: list[str | None]) -> None:
    rows = extract_statements(SourceDocument.from_text("many.txt", text), year=2024)
    assert [row[SUBJECT] for row in rows] == subjects
    assert [row[STATED_SHARE_PCT] for row in rows] == [None if s is None else Decimal(s) for s in shares]


def test_usage_clause_does_not_swallow_the_next_item() -> None:
    text = "人员经费 20 万元，主要用于工资福利支出；公用经费 5 万元。"
    rows = extract_statements(SourceDocument.from_text("use.txt", text), year=2024)
    assert [(row[SUBJECT], row[PARENT_SUBJECT]) for row in rows] == [("人员经费", None), ("公用经费", None)]


@given(
    amount=st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2, allow_nan=False, allow_infinity=False),
    style=st.sampled_from(["plain", "thousands", "wide"]),
)
def test_any_wan_amount_round_trips(amount: Decimal, style: str) -> None:
    number = f"{amount:,.2f}" if style == "thousands" else f"{amount:.2f}"
    if style == "wide":
        number = number.translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
    text = f"2024 年测试经费 {number} 万元。"
    rows = extract_statements(SourceDocument.from_text("h.txt", text), year=2024)
    assert [row[AMOUNT_YUAN] for row in rows] == [to_yuan(amount, "万元")]
    assert re.sub(r"\s", "", str(rows[0][SUBJECT])) == "测试经费"


# --- the artefacts behind narrative.items_sum (issue 13, item 3f), on narratives written here ---------------------


def _read(*paragraphs: str, year: int = 2021) -> list[dict[str, object]]:
    return extract_statements(SourceDocument.from_text("t.txt", "\n\n".join(paragraphs)), year=year)


def _parents(rows: list[dict[str, object]]) -> list[tuple[object, object, object]]:
    return [(row[SUBJECT], row[AMOUNT_YUAN], row[PARENT_SUBJECT]) for row in rows]


def test_a_list_announced_after_siblings_belongs_to_none_of_them() -> None:
    rows = _read(
        "一、“三公”经费说明",
        "“三公”经费预算支出中，因公出国（境）费支出 12.5 万元；公务接待费支出 3.4 万元。具体情况如下：",
        "1．因公出国（境）费预算支出 12.5 万元，与上年持平。",
        "2．公务接待费预算支出 3.4 万元，本年数小于上年预算数 0.6 万元。",
    )
    assert [parent for _, _, parent in _parents(rows)] == [None] * 4
    assert (rows[3][STATED_CHANGE_YUAN], rows[3][DIRECTION], rows[3][COMPARE_YEAR]) == (
        to_yuan(Decimal("0.6"), "万元"),
        "减少",
        2020,
    )
    assert rows[2][DIRECTION] == "持平"


def test_a_list_announced_after_a_whole_and_its_items_is_the_wholes() -> None:
    rows = _read(
        "一、财政拨款支出",
        "2021 年度财政拨款支出总计为 900 万元，其中基本支出 600 万元；项目支出 300 万元。具体包括：",
        "1.行政运行，2021 年度决算数为 500 万元。",
        "2.一般行政管理事务，2021 年度决算数为 400 万元。",
    )
    assert [parent for _, _, parent in _parents(rows)][-2:] == ["财政拨款支出总计", "财政拨款支出总计"]


def test_a_change_is_not_an_item_and_a_change_word_in_a_name_is_the_name() -> None:
    rows = _read(
        "一、收支预算总体情况",
        "收支预算总计 800 万元，与上年相比增加 40 万元。主要原因是人员调资，增加基本支出 40 万元。其中：",
        "（一）收入预算总计 800 万元。",
        "二、项目",
        "项目总预算 90 万，其中支持外贸发展 60 万，支持消费稳增长 30 万，合计 90 万。",
    )
    amounts = [(row[SUBJECT], row[AMOUNT_YUAN] / WAN, row[PARENT_SUBJECT]) for row in rows]
    assert ("收入预算总计", 800, "收支预算总计") in amounts
    assert all(subject != "增加基本支出" for subject, _, _ in amounts)
    assert [amount for _, amount, parent in amounts if parent == "项目总预算"] == [60, 30, 90]


def test_a_reason_or_a_dated_topic_run_into_an_item_is_not_its_part() -> None:
    rows = _read(
        "一、支出说明",
        "1.其他事务支出 50 万元，增加 30 万元。主要原因是新增设备经费 20 万元，改造经费 10 万元。",
        "2.会务支出 8 万元，与上年持平。本单位 2021 年度培训费预算支出 6 万元。",
        "3.住房公积金 5 万元。2020 年执行数为 4.5 万元，2021 年预算安排 5 万元。",
    )
    assert [row[PARENT_SUBJECT] for row in rows if row[AMOUNT_YUAN] in (20 * WAN, 10 * WAN)] == [None, None]
    assert next(row[PARENT_SUBJECT] for row in rows if row[AMOUNT_YUAN] == 6 * WAN) is None
    assert next(row[PARENT_SUBJECT] for row in rows if row[AMOUNT_YUAN] == Decimal("4.5") * WAN) == "住房公积金"
