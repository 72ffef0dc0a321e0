"""Narrative rules on statements the tests build: percentages judged exactly as printed (narrative.change_pct,
narrative.share), and breakdowns whose items add up or were not found (narrative.items_sum)."""

from __future__ import annotations

from typing import Any

import pytest

from analytics import schema as s
from tests.test_checks import D, check, dataset, evidence_of, mentions, only_flag, places, statement, values

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
