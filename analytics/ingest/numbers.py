"""Chinese number forms: full-width digits and punctuation, thousands separators, units, percentages, 无.

Parsers return ``None`` for a cell that discloses nothing (blank, 无, -, —), so that "not disclosed" never turns
into zero.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

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
_AMOUNT_RE = re.compile(r"^\(?(?P<num>[-−－]?[\d,]+(?:\.\d+)?)\)?\s*(?P<unit>亿元|万元|元|亿|万)?$")


def normalize_text(text: str) -> str:
    """Fold full-width forms to ASCII (digits, ％, ，, （）, ＞ …) and drop spaces inside the text.

    Examples
    --------
    >>> normalize_text("１，３７０．１９ 万元")
    '1,370.19万元'
    """
    if text.isascii():
        # NFKC leaves ASCII alone: only the spaces go (the common case of figures and codes).
        return text if " " not in text and text.isprintable() else "".join(text.split())
    folded = unicodedata.normalize("NFKC", text)
    return "".join(folded.split())


def parse_decimal(text: str) -> Decimal | None:
    """Parse one printed number exactly; parentheses or a minus sign make it negative.

    Examples
    --------
    >>> parse_decimal("1,062.29")
    Decimal('1062.29')
    >>> parse_decimal("（12.5）")
    Decimal('-12.5')
    >>> parse_decimal("无") is None
    True
    """
    cell = normalize_text(text)
    if cell in EMPTY_CELLS:
        return None
    negative = False
    if cell.startswith("(") and cell.endswith(")"):
        negative, cell = True, cell[1:-1]
    if cell and cell[0] in _MINUS:
        negative, cell = not negative, cell[1:]
    cell = cell.replace(",", "")
    if not re.fullmatch(r"\d+(?:\.\d+)?", cell):
        raise ValueError(f"not a number: {text!r}")
    try:
        value = Decimal(cell)
    except InvalidOperation:  # pragma: no cover - the regex above admits only valid literals
        raise ValueError(f"not a number: {text!r}") from None
    return -value if negative else value


def parse_amount(text: str, default_unit: str) -> Decimal | None:
    """Parse a money cell into exact 元; a unit printed in the cell wins over ``default_unit``.

    Examples
    --------
    >>> parse_amount("1,370.19", "万元")
    Decimal('13701900.00')
    >>> parse_amount("15万元", "元")
    Decimal('150000.00')
    >>> parse_amount("", "万元") is None
    True
    """
    cell = normalize_text(text)
    if cell in EMPTY_CELLS:
        return None
    match = _AMOUNT_RE.match(cell)
    if match is None:
        raise ValueError(f"not an amount: {text!r}")
    value = parse_decimal(match["num"])
    if value is None:  # pragma: no cover - the regex needs at least one digit
        return None
    if cell.startswith("(") and cell.endswith(")"):
        value = -value
    return to_yuan(value, match["unit"] or default_unit)


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
