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
