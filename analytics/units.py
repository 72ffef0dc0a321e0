"""Money units: exact conversion between 元, 万元 and 亿元, and Chinese display formats.

Storage is always exact 元 with two decimals (``Decimal``); 万元 exists only at the display boundary.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import polars as pl

__all__ = [
    "CENT",
    "UNIT_FACTORS",
    "format_wan",
    "to_yuan",
    "wan_yuan",
    "yuan_to_wan",
]

#: Factor from a printed unit to 元.
UNIT_FACTORS: dict[str, Decimal] = {
    "元": Decimal(1),
    "万元": Decimal(10_000),
    "万": Decimal(10_000),
    "亿元": Decimal(100_000_000),
    "亿": Decimal(100_000_000),
}
CENT = Decimal("0.01")
_WAN = Decimal(10_000)


def to_yuan(value: Decimal, unit: str) -> Decimal:
    """Convert an amount printed in ``unit`` to exact 元 with two decimals.

    Examples
    --------
    >>> to_yuan(Decimal("1370.19"), "万元")
    Decimal('13701900.00')
    """
    try:
        factor = UNIT_FACTORS[unit]
    except KeyError:
        known = ", ".join(UNIT_FACTORS)
        raise ValueError(f"unknown money unit {unit!r}; expected one of {known}") from None
    return (value * factor).quantize(CENT, rounding=ROUND_HALF_UP)


def yuan_to_wan(amount_yuan: Decimal, places: int = 2) -> Decimal:
    """Convert exact 元 to 万元, rounded half-up to ``places`` decimals (display only).

    Examples
    --------
    >>> yuan_to_wan(Decimal("13701900.00"))
    Decimal('1370.19')
    """
    return (amount_yuan / _WAN).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def wan_yuan(column: str | pl.Expr, places: int = 2) -> pl.Expr:
    """Polars expression: a Decimal 元 column as Float64 万元, for charts and tables at the display boundary.

    Examples
    --------
    >>> df = pl.DataFrame({"amount_yuan": [Decimal("13701900.00")]}, schema={"amount_yuan": pl.Decimal(18, 2)})
    >>> df.select(wan_yuan("amount_yuan")).item()
    1370.19
    """
    expr = pl.col(column) if isinstance(column, str) else column
    return (expr.cast(pl.Decimal(38, 6)) / 10_000).cast(pl.Float64).round(places)


#: How an amount's 万元 reads in each language (``format_wan``): English names the unit "10k yuan", as the charts'
#: and the brief's headings do.
WAN_UNIT = {"zh": " 万元", "en": " × 10k yuan"}


def format_wan(amount_yuan: Decimal | None, places: int = 2, unit: bool = True, *, lang: str = "zh") -> str:
    """Format exact 元 as 万元 with thousands separators, the way Chinese disclosures print it.

    ``None`` (not disclosed) prints as an em dash, never as zero. ``lang="en"`` writes the unit in English.

    Examples
    --------
    >>> format_wan(Decimal("23302800.00"))
    '2,330.28 万元'
    >>> format_wan(Decimal("23302800.00"), lang="en")
    '2,330.28 × 10k yuan'
    >>> format_wan(None)
    '—'
    """
    if amount_yuan is None:
        return "—"
    text = f"{yuan_to_wan(amount_yuan, places):,.{places}f}"
    return f"{text}{WAN_UNIT[lang]}" if unit else text
