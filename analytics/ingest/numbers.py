"""Chinese number forms: full-width digits and punctuation, thousands separators, units, percentages, 无.

Parsers return ``None`` for a cell that discloses nothing (blank, 无, -, —), so that "not disclosed" never turns
into zero.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from analytics.units import to_yuan

__all__ = [
    "EMPTY_CELLS",
    "NUMBER_RE",
    "normalize_text",
    "parse_amount",
    "parse_decimal",
    "parse_percent",
]

#: Cells that mean "nothing disclosed here".
EMPTY_CELLS = frozenset({"", "无", "-", "—", "——", "/", "／", "－", "0.00—", "空"})

_MINUS = "-−－—–"
#: A number as printed: optional sign, digits with thousands separators, optional decimals.
NUMBER_RE = re.compile(r"[-−－]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-−－]?\d+(?:\.\d+)?")
#: The digits of a number once its sign is off: thousands separators only between complete groups of three.
_DIGITS_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
#: A money cell: the printed number, then the unit when the cell prints one.
_AMOUNT_RE = re.compile(r"(?P<num>.*?)(?P<unit>亿元|万元|元|亿|万)?")
#: ``amount_yuan`` is Decimal(18, 2): at most 16 digits before the decimal point.
_MONEY_INTEGER_DIGITS = 16
_MONEY_LIMIT = Decimal(10) ** _MONEY_INTEGER_DIGITS


def normalize_text(text: str) -> str:
    """Fold full-width forms to ASCII (digits, ％, ，, （）, ＞ …) and drop spaces inside the text.

    Idempotent: normalizing twice gives what normalizing once gave.

    Examples
    --------
    >>> normalize_text("１，３７０．１９ 万元")
    '1,370.19万元'
    """
    if text.isascii():
        # NFKC leaves ASCII alone: only the spaces go (the common case of figures and codes).
        return text if " " not in text and text.isprintable() else "".join(text.split())
    folded = "".join(unicodedata.normalize("NFKC", text).split())
    # Some forms fold to a space and a combining mark (U+00A8 "¨" is U+0020 U+0308): once the space is gone the
    # mark meets the letter before it and composes with it, so fold again until nothing changes.
    while not unicodedata.is_normalized("NFKC", folded):
        folded = "".join(unicodedata.normalize("NFKC", folded).split())
    return folded


def _number(cell: str, printed: str, what: str) -> Decimal:
    """The value of a normalized, non-empty ``cell``; ``printed`` (the text as printed) names it in errors."""
    negative = False
    if cell.startswith("(") and cell.endswith(")"):
        negative, cell = True, cell[1:-1]
    if ("(" in cell or ")" in cell) and _DIGITS_RE.fullmatch(cell.replace("(", "").replace(")", "").lstrip(_MINUS)):
        # An unclosed parenthesis is a damaged cell, not a sign: reading "(5" as 5 would flip a negative figure.
        raise ValueError(f"not {what}: {printed!r} has an unbalanced parenthesis; a negative prints as (5) or -5")
    if cell and cell[0] in _MINUS:
        if negative:
            raise ValueError(f"not {what}: {printed!r} has a sign inside parentheses; expected (5) or -5")
        negative, cell = True, cell[1:]
    if not _DIGITS_RE.fullmatch(cell):
        raise ValueError(
            f"not {what}: {printed!r}; expected digits with an optional decimal part and thousands separators "
            "between groups of three (1,234.56)"
        )
    value = Decimal(cell.replace(",", ""))
    return -value if negative else value


def parse_decimal(text: str) -> Decimal | None:
    """Parse one printed number exactly; closed parentheses or a minus sign make it negative.

    Raises
    ------
    ValueError
        For anything but a number: letters, a second decimal point, a thousands separator that does not close
        a group of three ("1,0"), an unclosed parenthesis ("(5" or "5)").

    Examples
    --------
    >>> parse_decimal("1,062.29")
    Decimal('1062.29')
    >>> parse_decimal("（12.5）")
    Decimal('-12.5')
    >>> parse_decimal("无") is None
    True
    >>> parse_decimal("(5")
    Traceback (most recent call last):
    ...
    ValueError: not a number: '(5' has an unbalanced parenthesis; a negative prints as (5) or -5
    """
    cell = normalize_text(text)
    if cell in EMPTY_CELLS:
        return None
    return _number(cell, text, "a number")


def parse_amount(text: str, default_unit: str) -> Decimal | None:
    """Parse a money cell into exact 元; a unit printed in the cell wins over ``default_unit``.

    Raises
    ------
    ValueError
        For a cell that is not a number (see :func:`parse_decimal`) or an amount too large for ``amount_yuan``
        (Decimal(18, 2): at most 16 digits of 元 before the decimal point).

    Examples
    --------
    >>> parse_amount("1,370.19", "万元")
    Decimal('13701900.00')
    >>> parse_amount("15万元", "元")
    Decimal('150000.00')
    >>> parse_amount("(5)万元", "元")
    Decimal('-50000.00')
    >>> parse_amount("", "万元") is None
    True
    """
    cell = normalize_text(text)
    if cell in EMPTY_CELLS:
        return None
    negative = False
    if cell.startswith("(") and cell.endswith(")") and cell[1:-1].endswith(("元", "亿", "万")):
        # "(5万元)": the parentheses close around number and unit.
        negative, cell = True, cell[1:-1]
    match = _AMOUNT_RE.fullmatch(cell)
    assert match is not None  # every part of the pattern is optional
    if not match["num"]:
        raise ValueError(f"not an amount: {text!r} prints no number")
    if negative and ("(" in match["num"] or ")" in match["num"]):
        raise ValueError(f"not an amount: {text!r} has an unbalanced parenthesis; a negative prints as (5) or -5")
    value = _number(match["num"], text, "an amount")
    unit = match["unit"] or default_unit
    # Checked before the conversion too: a figure of 30 digits would overflow the decimal context in to_yuan.
    if value.copy_abs() >= _MONEY_LIMIT or (yuan := to_yuan(value, unit)).copy_abs() >= _MONEY_LIMIT:
        raise ValueError(
            f"amount too large for the money type: {text!r} in {unit} has more than {_MONEY_INTEGER_DIGITS} digits "
            "of 元 before the decimal point (amount_yuan is Decimal(18, 2))"
        )
    return -yuan if negative else yuan


def parse_percent(text: str) -> Decimal | None:
    """Parse a percentage ("99.64%", "９９．６４％") into its number of percent.

    Examples
    --------
    >>> parse_percent("99.64%")
    Decimal('99.64')
    >>> parse_percent("无") is None
    True
    """
    cell = normalize_text(text)
    if cell in EMPTY_CELLS:
        return None
    if not cell.endswith("%"):
        raise ValueError(f"not a percentage: {text!r}")
    return parse_decimal(cell[:-1])
