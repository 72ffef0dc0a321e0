from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from analytics.ingest.numbers import normalize_text, parse_amount, parse_decimal, parse_percent
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


@pytest.mark.parametrize(
    "bad", ["abc", "12a", "1.2.3", "万元", "#REF!", "NaN", "nan", "?", "？", "12a.4x", "Infinity", "1e5"]
)
def test_not_a_number(bad: str) -> None:
    with pytest.raises(ValueError, match=r"not an? "):
        parse_amount(bad, "万元")
    with pytest.raises(ValueError, match=r"not a number"):
        parse_decimal(bad)


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("(5)", "-5"),
        ("（5）", "-5"),
        ("(1,234.50)", "-1234.50"),
        ("-5", "-5"),
        ("5", "5"),
        ("1,234", "1234"),
        ("12,345.67", "12345.67"),
        ("1,234,567", "1234567"),
        ("１２，３４５．６７", "12345.67"),
    ],
)
def test_parse_decimal_signs_and_separators(printed: str, value: str) -> None:
    assert parse_decimal(printed) == Decimal(value)


@pytest.mark.parametrize("unclosed", ["(5", "5)", "（5", "5）", "(5)(", "-(5)", "(12.5万元", "12.5)万元"])
def test_unclosed_parenthesis_is_an_error_never_a_positive(unclosed: str) -> None:
    # The message quotes the cell as printed, so that a reader's error names the damaged text.
    with pytest.raises(ValueError, match="unbalanced parenthesis") as raised:
        parse_amount(unclosed, "万元")
    assert repr(unclosed) in str(raised.value)


@pytest.mark.parametrize("unclosed", ["(5", "5)", "（5", "5）"])
def test_parse_decimal_refuses_an_unclosed_parenthesis(unclosed: str) -> None:
    with pytest.raises(ValueError, match=r"unbalanced parenthesis"):
        parse_decimal(unclosed)


@pytest.mark.parametrize("printed", ["(-5)", "（－5）"])
def test_sign_inside_parentheses_is_ambiguous(printed: str) -> None:
    with pytest.raises(ValueError, match="sign inside parentheses"):
        parse_decimal(printed)


@pytest.mark.parametrize(
    ("printed", "unit", "yuan"),
    [
        ("(5)万元", "元", "-50000.00"),
        ("（5万元）", "元", "-50000.00"),
        ("(5)", "元", "-5.00"),
        ("(0.01)", "万元", "-100.00"),
    ],
)
def test_parenthesized_amounts_with_units(printed: str, unit: str, yuan: str) -> None:
    assert parse_amount(printed, unit) == Decimal(yuan)


@pytest.mark.parametrize("malformed", ["1,0", "12,34", "1,2345", "1234,567", "1,234,56", ",123", "123,", "1,,234"])
def test_malformed_thousands_separators(malformed: str) -> None:
    # Today's "1,0" would read as 10: a separator must close a group of three digits.
    with pytest.raises(ValueError, match="groups of three"):
        parse_amount(malformed, "万元")
    with pytest.raises(ValueError, match="groups of three"):
        parse_decimal(malformed)


@pytest.mark.parametrize(
    ("printed", "unit", "yuan"),
    [
        # 16 digits of 元 before the point is the most Decimal(18, 2) holds.
        ("9999999999999999.99", "元", "9999999999999999.99"),
        ("999999999999.99", "万元", "9999999999999900.00"),
        ("99999999.99", "亿元", "9999999999000000.00"),
        ("-9999999999999999", "元", "-9999999999999999.00"),
    ],
)
def test_largest_amounts_fit(printed: str, unit: str, yuan: str) -> None:
    assert parse_amount(printed, unit) == Decimal(yuan)


@pytest.mark.parametrize(
    ("printed", "unit"),
    [
        ("10000000000000000", "元"),
        ("1000000000000", "万元"),
        ("1,000,000,000,000.00", "万元"),
        ("100000000", "亿元"),
        ("(1000000000000)", "万元"),
        ("1,000,000,000亿元", "元"),
        ("1" * 40, "元"),
        ("1" * 40, "亿元"),
    ],
)
def test_amount_too_large_for_the_money_type(printed: str, unit: str) -> None:
    with pytest.raises(ValueError, match=r"amount too large for the money type: .*Decimal\(18, 2\)"):
        parse_amount(printed, unit)


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


@pytest.mark.parametrize(
    ("printed", "normalized"),
    [
        ("１，３７０．１９ 万元", "1,370.19万元"),
        ("（１２）", "(12)"),
        ("99.64％", "99.64%"),
        ("a\u00a8", "a\u0308"),
        ("", ""),
    ],
)
def test_normalize_text(printed: str, normalized: str) -> None:
    import unicodedata

    assert normalize_text(printed) == unicodedata.normalize("NFC", normalized)


@given(st.text())
@example("a\u00a8")  # U+00A8 folds to a space and a combining mark, which composes once the space is dropped
@example("１\u3000２")
def test_normalize_text_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert not any(char.isspace() for char in once)


@given(st.text(alphabet=st.sampled_from("0123456789,.()（）-－ 万元亿%０１２，．")))
def test_parsers_either_parse_or_raise_value_error(text: str) -> None:
    # Whatever a damaged cell holds, the parser answers with a value, None or a ValueError, never another error;
    # and what it accepts fits the money type and has its parentheses closed.
    try:
        value = parse_amount(text, "万元")
    except ValueError:
        return
    if value is not None:
        assert value.copy_abs() < Decimal(10) ** 16
        cell = normalize_text(text)
        assert cell.count("(") == cell.count(")") <= 1


def test_format_wan() -> None:
    assert format_wan(Decimal("23302800.00")) == "2,330.28 万元"
    assert format_wan(Decimal("50.00"), unit=False) == "0.01"
    assert format_wan(None) == "—"
