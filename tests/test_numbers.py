from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.ingest.numbers import parse_amount, parse_decimal, parse_percent
from analytics.units import format_wan, to_yuan, yuan_to_wan

_FULLWIDTH = str.maketrans("0123456789.,%", "０１２３４５６７８９．，％")


@pytest.mark.parametrize(
    ("printed", "unit", "yuan"),
    [
        ("1370.19", "万元", "13701900.00"),
        ("１３７０．１９", "万元", "13701900.00"),
        ("1,062.29", "万元", "10622900.00"),
        ("１，０６２．２９", "万元", "10622900.00"),
        ("12,345,678.9", "元", "12345678.90"),
        ("(12.5)", "万元", "-125000.00"),
        ("（12.5）", "万元", "-125000.00"),
        ("-3", "万元", "-30000.00"),
        ("－3", "万元", "-30000.00"),
        ("2.5亿元", "万元", "250000000.00"),
        ("15万元", "元", "150000.00"),
        ("88元", "万元", "88.00"),
        ("0", "万元", "0.00"),
        ("0.005", "万元", "50.00"),
    ],
)
def test_parse_amount(printed: str, unit: str, yuan: str) -> None:
    assert parse_amount(printed, unit) == Decimal(yuan)


@pytest.mark.parametrize("blank", ["", " ", "无", "-", "—", "——"])
def test_blank_cells_are_not_zero(blank: str) -> None:
    assert parse_amount(blank, "万元") is None
    assert parse_decimal(blank) is None


@pytest.mark.parametrize("bad", ["abc", "12a", "1.2.3", "万元"])
def test_not_a_number(bad: str) -> None:
    with pytest.raises(ValueError, match=r"not an? "):
        parse_amount(bad, "万元")


@pytest.mark.parametrize(("printed", "pct"), [("99.64%", "99.64"), ("９９．６４％", "99.64"), ("100%", "100")])
def test_parse_percent(printed: str, pct: str) -> None:
    assert parse_percent(printed) == Decimal(pct)


def test_unknown_unit() -> None:
    with pytest.raises(ValueError, match="unknown money unit '美元'"):
        to_yuan(Decimal(1), "美元")


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_wan_round_trip_is_exact(amount: Decimal) -> None:
    printed = f"{amount:,.2f}".translate(_FULLWIDTH)
    yuan = parse_amount(printed, "万元")
    assert yuan == amount * 10000
    assert yuan_to_wan(yuan) == amount


def test_format_wan() -> None:
    assert format_wan(Decimal("23302800.00")) == "2,330.28 万元"
    assert format_wan(Decimal("50.00"), unit=False) == "0.01"
    assert format_wan(None) == "—"
