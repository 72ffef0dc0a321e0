"""Narrative rules on statements the tests build: percentages judged exactly as printed (narrative.change_pct,
narrative.share), and breakdowns whose items add up or were not found (narrative.items_sum)."""

from __future__ import annotations

from typing import Any

import pytest

from analytics import schema as s
from tests.test_checks import (
    D,
    check,
    dataset,
    document,
    evidence_of,
    line,
    mentions,
    only_flag,
    places,
    statement,
    values,
)

# --- percentages: rounded half up or truncated to the printed decimals, nothing else -------------------------------

ITEM = "城市绿化养护经费"


def _growth(previous: str, change: str, printed: str, *, direction: str = "增加") -> dict[str, Any]:
    """``ITEM`` changed by ``change`` from ``previous`` (元); the sentence prints the % as ``printed`` ("30%")."""
    amount = D(previous) + (D(change) if direction == "增加" else -D(change))
    word = "增长" if direction == "增加" else "下降"
    value = printed.rstrip("%％")
    text = f"{ITEM} {amount / 10000} 万元，比上年{direction} {D(change) / 10000} 万元，{word} {printed}。"
    return statement(
        4, ITEM, str(amount), change=change, direction=direction, change_pct=value, text=text, fiscal_year=2023
    )


@pytest.mark.parametrize(
    ("previous", "change", "printed"),
    [
        ("2_000_000", "583_000", "29%"),  # 29.15 %, no decimals printed: rounded and truncated are both 29
        ("2_000_000", "583_000", "29.2%"),  # one decimal, rounded
        ("2_000_000", "583_000", "29.1%"),  # one decimal, truncated
        ("3_000_000", "514_380", "17.15%"),  # 17.146 %: rounded
        ("3_000_000", "514_380", "17.14%"),  # 17.146 %: truncated
        ("800_000", "100_000", "12.5%"),  # exactly 12.5 %
        ("800_000", "100_000", "13%"),  # 12.5 % rounded half up (not to even)
        ("800_000", "100_000", "12%"),  # 12.5 % truncated
        ("2_000_000", "583_000", "29.15％"),  # a full-width % sign
    ],
)
def test_change_pct_accepts_the_rounded_or_truncated_printing(previous: str, change: str, printed: str) -> None:
    assert check(dataset(statements=[_growth(previous, change, printed)]), "narrative.change_pct") == []


@pytest.mark.parametrize(
    ("previous", "change", "printed", "direction", "accepted"),
    [
        ("2_000_000", "583_000", "30%", "增加", "29%"),  # 29.15 % printed as 30 %
        ("2_000_000", "583_000", "29.3%", "增加", "29.2% 或 29.1%"),
        ("3_000_000", "514_380", "17.16%", "增加", "17.15% 或 17.14%"),
        # "17.10%" is 17.1 as a value, but printed with two decimals it had to be 17.15 or 17.14.
        ("3_000_000", "514_380", "17.10%", "增加", "17.15% 或 17.14%"),
        ("3_000_000", "514_380", "17.13%", "减少", "17.15% 或 17.14%"),
        ("800_000", "100_000", "14%", "增加", "13% 或 12%"),
    ],
    ids=["thirty_for_29.15", "one_decimal", "two_decimals", "trailing_zero", "decrease", "half"],
)
def test_change_pct_flags_any_other_printing(
    previous: str, change: str, printed: str, direction: str, accepted: str
) -> None:
    row = _growth(previous, change, printed, direction=direction)
    flag = only_flag(dataset(statements=[row]), "narrative.change_pct")
    exact = D(change) * 100 / D(previous)
    assert flag[s.MEASURE] == "percent"
    assert values(flag) == (row[s.STATED_CHANGE_PCT], exact.quantize(D("0.0001")), row[s.STATED_CHANGE_PCT] - exact)
    assert flag[s.THRESHOLD] == D(1).scaleb(-len(printed.rstrip("%").partition(".")[2]))  # one printed step
    assert places(flag) == evidence_of([row], "narrative")
    assert f"应印为 {accepted}" in flag[s.MESSAGE_ZH]
    assert accepted.replace("或", "or") in flag[s.MESSAGE_EN]
    mentions(flag, printed.replace("％", "%"), f"{exact.quantize(D('0.01'))}%")


def _structure(share_text: str, share: str) -> list[dict[str, Any]]:
    """A 决算 of 4,588.00 万元 of which 文化旅游体育与传媒支出 2,100.37 万元 (45.7796 %), its share printed as given."""
    parent = "一般公共预算财政拨款支出决算"
    text = f"{parent} 4588.00 万元，其中：文化旅游体育与传媒支出 2100.37 万元，占 {share_text}。"
    return [
        statement(7, parent, "45_880_000", text=text, fiscal_year=2022),
        statement(8, "文化旅游体育与传媒支出", "21_003_700", parent=parent, share=share, text=text, fiscal_year=2022),
    ]


@pytest.mark.parametrize(
    ("share_text", "share"), [("45.78%", "45.78"), ("45.77%", "45.77"), ("45.8%", "45.8"), ("46%", "46")]
)
def test_share_accepts_the_rounded_or_truncated_printing(share_text: str, share: str) -> None:
    assert check(dataset(statements=_structure(share_text, share)), "narrative.share") == []


@pytest.mark.parametrize(
    ("share_text", "share", "accepted"),
    [("45.79%", "45.79", "45.78% 或 45.77%"), ("45.70%", "45.7", "45.78% 或 45.77%"), ("44%", "44", "46% 或 45%")],
)
def test_share_flags_any_other_printing(share_text: str, share: str, accepted: str) -> None:
    rows = _structure(share_text, share)
    flag = only_flag(dataset(statements=rows), "narrative.share")
    assert values(flag)[:2] == (D(share), D("45.7796"))
    assert places(flag) == evidence_of([rows[1]], "narrative")
    assert f"应印为 {accepted}" in flag[s.MESSAGE_ZH]
    mentions(flag, share_text, "45.78%", "2,100.37 万元", "4,588.00 万元")


# --- narrative.items_sum: no finding from items not found, one finding per breakdown ------------------------------

TOTAL = "区图书馆收入预算"


def _income(appropriation: str, *others: str, seq: int = 20) -> list[dict[str, Any]]:
    """``TOTAL`` of 2,350.40 万元, its 其中 in one sentence: 财政拨款收入 ``appropriation``, then ``others``."""
    names = ["事业收入", "事业单位经营收入", "其他收入"]
    text = f"{TOTAL} 2350.40 万元，其中：财政拨款收入 {appropriation} 元；…"
    items = [statement(seq + 1, "财政拨款收入", appropriation, parent=TOTAL, text=text, fiscal_year=2022)]
    items += [
        statement(seq + 2 + i, names[i], amount, parent=TOTAL, text=text, fiscal_year=2022)
        for i, amount in enumerate(others)
    ]
    return [statement(seq, TOTAL, "23_504_000", text=text, fiscal_year=2022), *items]


@pytest.mark.parametrize(
    "rows",
    [
        _income("23_504_000", "0", "0", "0"),  # the whole is 财政拨款; the other sources print 0
        _income("23_504_000", "0"),
        _income("0", "0", "0"),  # nothing found to add up
        # 收支总预算 listed as both sides: 本年收入 + 上年结转, then 本年支出 + 结转下年, each the total.
        [
            statement(1, "收支总预算", "9_000_000"),
            statement(2, "本年收入预算", "7_000_000", parent="收支总预算"),
            statement(3, "上年结转", "2_000_000", parent="收支总预算"),
            statement(4, "本年支出预算", "8_500_000", parent="收支总预算"),
            statement(5, "结转下年", "500_000", parent="收支总预算"),
        ],
        # A total of 0 explains nothing: a list read under it belongs to another heading.
        [
            statement(1, "政府性基金拨款支出预算", "0"),
            statement(2, "文物保护（项）", "1_200_000", parent="政府性基金拨款支出预算"),
            statement(3, "博物馆（项）", "800_000", parent="政府性基金拨款支出预算"),
        ],
    ],
    ids=["whole_then_zeros", "whole_then_one_zero", "all_zero", "both_sides", "zero_total"],
)
def test_items_sum_passes_on_items_not_found_or_adding_up(rows: list[dict[str, Any]]) -> None:
    assert check(dataset(statements=rows), "narrative.items_sum") == []


@pytest.mark.parametrize(
    ("rows", "items"),
    [
        (_income("20_000_000", "0", "0"), D("20_000_000")),  # 财政拨款 short of the total, the rest 0
        (_income("20_000_000", "3_000_000"), D("23_000_000")),
        (
            [
                statement(1, "收支总预算", "9_000_000"),
                statement(2, "本年收入预算", "7_000_000", parent="收支总预算"),
                statement(3, "上年结转", "2_000_000", parent="收支总预算"),
                statement(4, "本年支出预算", "8_000_000", parent="收支总预算"),
                statement(5, "结转下年", "500_000", parent="收支总预算"),
            ],
            D("17_500_000"),  # the expenditure side misses 50 万元
        ),
    ],
    ids=["short_with_zeros", "short", "one_side_short"],
)
def test_items_sum_still_flags_items_that_do_not_add_up(rows: list[dict[str, Any]], items: Any) -> None:
    flag = only_flag(dataset(statements=rows), "narrative.items_sum")
    assert values(flag)[:2] == (items, rows[0][s.AMOUNT_YUAN])
    assert places(flag) == evidence_of(rows, "narrative")


def test_items_sum_merges_a_breakdown_read_twice() -> None:
    once = _income("20_000_000", "1_000_000")
    twice = once + _income("20_000_000", "1_000_000", seq=40)
    (flag,) = check(dataset(statements=twice), "narrative.items_sum")
    assert values(flag)[:2] == (D("21_000_000"), D("23_504_000"))
    assert places(flag) == evidence_of(once, "narrative")
    assert flag[s.FLAG_ID] == only_flag(dataset(statements=once), "narrative.items_sum")[s.FLAG_ID]


# --- narrative.vs_tables: each figure against the cell it speaks of, both places named ---------------------------

RECEPTION = "公务接待费预算支出"


def _reception(table_amount: str, *, stated: str = "186_500", parent: str | None = None) -> Any:
    """A 三公 table whose 公务接待费 cell prints ``table_amount`` 元; the narrative states ``stated``."""
    cell = line("合计", table_amount, table="three_public_and_operation", column="reception", classification="total",
                page=9, row=4)  # fmt: skip
    text = f"{RECEPTION} {D(stated) / 10000} 万元。"
    return dataset(lines=[cell], statements=[statement(3, RECEPTION, stated, parent=parent, text=text)]), cell


@pytest.mark.parametrize("table_amount", ["186_500", "186_540"])  # equal, or within the 0.01 万元 it was printed to
def test_vs_tables_passes_a_figure_the_table_prints(table_amount: str) -> None:
    ds, _ = _reception(table_amount)
    assert check(ds, "narrative.vs_tables") == []


def test_vs_tables_names_both_places_and_figures() -> None:
    ds, cell = _reception("196_500")
    flag = only_flag(ds, "narrative.vs_tables")
    assert values(flag)[:3] == (D("186_500"), D("196_500"), D("-10_000"))
    assert places(flag) == sorted([*evidence_of([ds.statements.row(0, named=True)], "narrative"), *evidence_of([cell])])
    mentions(flag, "18.65 万元", "19.65 万元", "第 2 页第 13 行", "第 9 页第 4 行")


def test_vs_tables_leaves_an_item_of_another_scope_alone() -> None:
    """基本支出 of the 财政拨款 is not the 支出总表's 基本支出."""
    cell = line("合计", "9_000_000", table="expenditure_summary", column="basic", classification="total")
    rows = [
        statement(1, "财政拨款支出总计", "6_000_000"),
        statement(2, "基本支出", "4_000_000", parent="财政拨款支出总计"),
    ]
    assert check(dataset(lines=[cell], statements=rows), "narrative.vs_tables") == []
    flag = only_flag(dataset(lines=[cell], statements=[statement(2, "基本支出", "4_000_000")]), "narrative.vs_tables")
    assert values(flag)[:2] == (D("4_000_000"), D("9_000_000"))


def test_vs_tables_compares_a_final_accounts_budget_with_its_budget_only() -> None:
    """A 决算's 年初预算 is not its 决算数."""
    cell = line("合计", "500_000", table="three_public_and_operation", column="reception", classification="total",
                phase="final")  # fmt: skip
    ds = dataset(
        documents=[document(phase="final")],
        lines=[cell],
        statements=[statement(1, "公务接待费年初预算", "700_000"), statement(2, "公务接待费支出决算", "500_000")],
    )
    assert check(ds, "narrative.vs_tables") == []


@pytest.mark.parametrize(
    ("subject", "column"),
    [
        ("一般公共预算拨款安排的培训费预算支出", "training"),
        ("会议费预算支出", "meetings"),
        ("一般公共预算拨款安排的“三公”经费预算支出", "three_public_total"),
    ],
)
@pytest.mark.parametrize(("stated", "flagged"), [("243_000", False), ("324_000", True)])
def test_vs_tables_reads_the_provincial_wording_of_the_three_public_table(
    subject: str, column: str, stated: str, flagged: bool
) -> None:
    cell = line("合计", "243_000", table="three_public_and_operation", column=column, classification="total")
    ds = dataset(lines=[cell], statements=[statement(4, subject, stated)])
    flags = check(ds, "narrative.vs_tables")
    assert bool(flags) is flagged, flags
    if flagged:
        mentions(flags[0], "32.40 万元", "24.30 万元")


# --- narrative.change_recomputed: the change and % of the two amounts a sentence states ----------------------------

SUBSIDY = "困难群众救助补助"


def _two_years(prior_amount: str, current: str, *, pct: str | None, direction: str, change: str | None = None) -> Any:
    text = f"2023 年执行数为 {D(prior_amount) / 10000} 万元，2024 年预算安排 {D(current) / 10000} 万元，"
    text += f"比 2023 年{direction}"
    text += f" {pct}%。" if pct else "。"
    return [
        statement(1, "执行数", prior_amount, fiscal_year=2023, text=text, parent=SUBSIDY),
        statement(2, "预算安排", current, compare_year=2023, change=change, change_pct=pct, direction=direction,
                  text=text, parent=SUBSIDY),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("prior_amount", "current", "pct", "direction", "change"),
    [
        ("1_200_000", "1_260_000", "5", "增加", None),
        ("1_200_000", "1_260_000", "5.00", "增加", "60_000"),
        ("1_200_000", "1_140_000", "5", "减少", None),
        ("1_200_000", "1_200_000", None, "持平", None),
    ],
)
def test_change_recomputed_passes_what_the_amounts_give(
    prior_amount: str, current: str, pct: str | None, direction: str, change: str | None
) -> None:
    rows = _two_years(prior_amount, current, pct=pct, direction=direction, change=change)
    assert check(dataset(statements=rows), "narrative.change_recomputed") == []


def test_change_recomputed_flags_a_percentage_the_amounts_do_not_give() -> None:
    rows = _two_years("1_200_000", "1_260_000", pct="6", direction="增加")
    flag = only_flag(dataset(statements=rows), "narrative.change_recomputed")
    assert values(flag)[:2] == (D("6"), D("5.0000"))
    mentions(flag, "120.00 万元", "126.00 万元", "6%")


@pytest.mark.parametrize(
    ("current", "direction"), [("1_140_000", "增加"), ("1_260_000", "减少"), ("1_260_000", "持平")]
)
def test_change_recomputed_flags_a_direction_against_the_numbers(current: str, direction: str) -> None:
    rows = _two_years("1_200_000", current, pct=None, direction=direction)
    flag = only_flag(dataset(statements=rows), "narrative.change_recomputed")
    assert flag[s.OBSERVED] == D(current) - D("1_200_000")
    assert f"“{direction}”" in flag[s.MESSAGE_ZH]


def test_change_recomputed_flags_a_stated_change_amount_that_disagrees() -> None:
    rows = _two_years("1_200_000", "1_260_000", pct=None, direction="增加", change="80_000")
    flag = only_flag(dataset(statements=rows), "narrative.change_recomputed")
    assert values(flag)[:2] == (D("80_000"), D("60_000"))


# --- narrative.rates: a rate names its base, never one of 0; a share carries its % --------------------------------


def _text(*lines: str) -> list[dict[str, Any]]:
    return [
        {s.DOC_ID: "doc-2024", s.SEQ: i, s.PAGE: 4, s.LINE: i, s.SOURCE_TEXT: text} for i, text in enumerate(lines, 1)
    ]


@pytest.mark.parametrize(
    "lines",
    [
        ("会议费支出年初预算为 12.5 万元，支出决算为 10 万元，完成年初预算的 80%。",),
        ("一般公共预算财政拨款支出决算 880 万元，完成调整", "预算的 97.5%。"),  # broken across two lines
        ("占本年支出合计的比重为 35.6%。",),
        ("项目完成率 100%",),  # a target's indicator, not a budget rate
    ],
)
def test_rates_pass_a_rate_with_its_base_and_a_share_with_its_percent(lines: tuple[str, ...]) -> None:
    assert check(dataset(document_text=_text(*lines)), "narrative.rates") == []


@pytest.mark.parametrize(
    ("lines", "said"),
    [
        (("培训费支出决算 8 万元，决算完成率 96%。",), "未写明基数"),
        (("公务接待费年初预算为 0 万元，支出决算 0.6 万元，完成年初预算的 100%。",), "年初预算为 0"),
        (("基本支出占本年支出合计的比重为 35.6。",), "未带 %"),
    ],
    ids=["no_base", "zero_base", "bare_share"],
)
def test_rates_flag_a_rate_without_base_or_of_zero_and_a_bare_share(lines: tuple[str, ...], said: str) -> None:
    flag = only_flag(dataset(document_text=_text(*lines)), "narrative.rates")
    assert said in flag[s.MESSAGE_ZH]
    assert places(flag) == [("doc-2024", "narrative", 4, 1, lines[0])]


def test_a_subject_named_without_its_trailing_zhichu_is_the_tables_name() -> None:
    """机关事业单位职业年金缴费（项） is the table's 机关事业单位职业年金缴费支出; 其它 is 其他; a wrong name stays a
    finding."""
    from tests.test_checks import check, dataset, line, statement

    lines = [
        line("机关事业单位职业年金缴费支出", "310_000", code="2080506", level=3, parent="20805"),
        line("其他行政事业单位养老支出", "20_000", code="2080599", level=3, parent="20805", row=2),
    ]
    named = [
        statement(1, "行政事业单位养老支出（款）机关事业单位职业年金缴费（项）支出", "310_000"),
        statement(2, "行政事业单位养老支出（款）其它行政事业单位养老支出（项）", "20_000"),
    ]
    assert check(dataset(lines=lines, statements=named), "narrative.subject_naming") == []
    wrong = [statement(1, "行政事业单位养老支出（款）机关事业单位年金缴费（项）支出", "310_000")]
    assert len(check(dataset(lines=lines, statements=wrong), "narrative.subject_naming")) == 1
