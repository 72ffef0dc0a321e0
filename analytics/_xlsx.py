"""Excel writing shared by the exports and the auditors' workbook: typed cells, and text that never runs.

Every text cell is written as a string cell: never parsed into a formula, a number or a link. Text that a spreadsheet
treats as a formula once the cell is edited or the sheet is re-saved as CSV (it starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return, the prefixes OWASP lists for formula injection) also gets Excel's quote prefix: the
cell shows the text and nothing executes, while the stored value stays the text unchanged (no apostrophe is added).

Examples
--------
>>> import io
>>> buffer = io.BytesIO()
>>> with SafeWorkbook(buffer) as book:
...     _ = book.write_table("data", pl.DataFrame({"name": ["=1+1"], "n": [3]}))
>>> buffer.getvalue()[:2]
b'PK'
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import IO, Self

import polars as pl
import polars.selectors as cs
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from analytics import schema as s
from analytics.errors import AnalyticsError

__all__ = ["YUAN_FORMAT", "SafeWorkbook", "formula_like"]

#: Money: thousands separators and cents (元 and 万元 alike).
YUAN_FORMAT = "#,##0.00"
# Exact non-money decimals (percentages, targets, a flag's measure): at least two places, up to the stored four.
_DECIMAL_FORMAT = "#,##0.00##"
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
_DATE_FORMAT = "yyyy-mm-dd"
#: First characters that make a text a formula to a spreadsheet (OWASP's list for formula injection).
_FORMULA_PREFIXES = "=+-@\t\r"
_FORMULA_START = "^[" + "".join(f"\\x{ord(c):02x}" for c in _FORMULA_PREFIXES) + "]"
_OPTIONS = {
    # Text stays text: xlsxwriter would otherwise turn "=…" into a formula, "http…" into a link, "12" into a number.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    # A NaN score becomes Excel's #NUM! rather than an exception halfway through a workbook.
    "nan_inf_to_errors": True,
}
_HEADER = {"bold": True, "bg_color": "#DDEBF7", "bottom": 1}
_MIN_WIDTH, _MAX_WIDTH = 8, 60
# Characters that take two columns on screen (CJK, full-width forms).
_WIDE = r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]"


def formula_like(column: str | pl.Expr) -> pl.Expr:
    """Polars expression: whether a text starts the way a formula does (``= + - @``, a tab or a carriage return).

    Examples
    --------
    >>> pl.DataFrame({"t": ["=1+1", "-2", "@cmd", "\\tx", "a=b", None]}).select(formula_like("t")).to_series().to_list()
    [True, True, True, True, False, None]
    """
    expr = pl.col(column) if isinstance(column, str) else column
    return expr.str.contains(_FORMULA_START)


class SafeWorkbook:
    """An xlsxwriter workbook whose every text cell is a string cell, quote-prefixed when it looks like a formula.

    Use it as a context manager; the file is written when the block ends.

    Parameters
    ----------
    target
        A path or a binary stream (``io.BytesIO`` for a download).
    """

    def __init__(self, target: str | os.PathLike[str] | IO[bytes]) -> None:
        self.workbook = xlsxwriter.Workbook(target, _OPTIONS)
        self._formats: dict[tuple[tuple[str, object], ...], Format] = {}

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.workbook.close()

    def style(self, **properties: object) -> Format | None:
        """The workbook's cell format with ``properties`` (one per distinct set); ``None`` for no properties."""
        if not properties:
            return None
        key = tuple(sorted(properties.items()))
        if key not in self._formats:
            self._formats[key] = self.workbook.add_format(dict(properties))
        return self._formats[key]

    def write_text(self, sheet: Worksheet, row: int, col: int, value: str, **properties: object) -> None:
        """Write ``value`` as a string cell, with the quote prefix when it starts like a formula."""
        if value and value[0] in _FORMULA_PREFIXES:
            properties["quote_prefix"] = True
        sheet.write_string(row, col, value, self.style(**properties))

    def write_table(
        self,
        name: str,
        frame: pl.DataFrame,
        *,
        number_formats: Mapping[str, str] | None = None,
        notes: Mapping[str, str] | None = None,
    ) -> Worksheet:
        """A new sheet ``name`` holding ``frame``: a frozen header row with an autofilter, then one row per row.

        Cells keep their type: text as strings, numbers as numbers (``MONEY`` in ``#,##0.00``, other decimals with
        two to four places, integers as they are), dates as dates; a null stays an empty cell.

        Parameters
        ----------
        name
            The sheet name (at most 31 characters, Excel's limit).
        frame
            Flat columns only: nested columns must become text first (``analytics.export.flat``).
        number_formats
            Excel number formats by column, overriding the type's default.
        notes
            A note (an Excel comment) on the header cell, by column.

        Raises
        ------
        AnalyticsError
            When ``frame`` has a nested column.
        """
        nested = [c for c, dtype in frame.schema.items() if dtype.is_nested()]
        if nested:
            raise AnalyticsError(
                f"sheet {name!r}: nested column(s) {', '.join(nested)} cannot go in a cell; flatten them first"
            )
        sheet = self.workbook.add_worksheet(name)
        for col, column in enumerate(frame.columns):
            self.write_text(sheet, 0, col, column, **_HEADER)
            if notes and column in notes:
                sheet.write_comment(0, col, notes[column])
        cells = _cells(frame)
        overrides = number_formats or {}
        for col, column in enumerate(frame.columns):
            values = cells.get_column(column)
            if values.dtype == pl.String:
                quoted = self.style(quote_prefix=True)
                risky = cells.select(formula_like(column).fill_null(value=False)).to_series()
                for row, (value, is_risky) in enumerate(zip(values, risky, strict=True), start=1):
                    if value is not None:
                        sheet.write_string(row, col, value, quoted if is_risky else None)
                continue
            number_format = overrides.get(column) or _number_format(frame.schema[column])
            cell_format = self.style(num_format=number_format) if number_format else None
            write = _writer(sheet, values.dtype)
            for row, value in enumerate(values, start=1):
                if value is not None:
                    write(row, col, value, cell_format)
        for col, width in enumerate(_widths(frame)):
            sheet.set_column(col, col, width)
        sheet.freeze_panes(1, 0)
        # Codes such as 2010301 are text on purpose (leading zeros, no arithmetic): no "number stored as text" marks.
        sheet.ignore_errors({"number_stored_as_text": "A1:XFD1048576"})
        if frame.width:
            sheet.autofilter(0, 0, frame.height, frame.width - 1)
        return sheet


def _cells(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with values xlsxwriter writes: decimals as floats, zoned times in naive UTC, the rest as text.

    An Excel cell holds a double. 元 with cents up to 1e13 have at most 15 significant digits, which a double holds
    exactly enough that the cell reads back as the same Decimal; storage and checks never see these floats.
    """
    return frame.with_columns(
        cs.decimal().cast(pl.Float64),
        cs.datetime(time_zone="*").dt.convert_time_zone("UTC").dt.replace_time_zone(None),
        (~(cs.numeric() | cs.boolean() | cs.date() | cs.datetime() | cs.string())).cast(pl.String),
    )


def _number_format(dtype: pl.DataType) -> str | None:
    if dtype == s.MONEY:
        return YUAN_FORMAT
    if dtype.is_decimal():
        return _DECIMAL_FORMAT
    if dtype == pl.Date:
        return _DATE_FORMAT
    if dtype.is_temporal():
        return _DATETIME_FORMAT
    # Integers (years, counts) and floats (scores) in Excel's General format: no thousands separators on a year.
    return None


def _writer(sheet: Worksheet, dtype: pl.DataType) -> Callable[..., object]:
    if dtype == pl.Boolean:
        return sheet.write_boolean
    if dtype.is_temporal():
        return sheet.write_datetime
    return sheet.write_number


def _widths(frame: pl.DataFrame) -> list[int]:
    """A column width per column (in characters): the widest of header and values, wide characters counted twice."""
    if not frame.width:
        return []
    text = frame.select(pl.all().cast(pl.String))
    shown = text.select(
        (pl.col(c).str.len_chars() + pl.col(c).str.count_matches(_WIDE)).max().fill_null(0) for c in text.columns
    ).row(0)
    widths = []
    for column, value in zip(frame.columns, shown, strict=True):
        # Thousands separators widen a number by a third.
        content = value + value // 3 if frame.schema[column].is_numeric() else value
        header = len(column) + len(re.findall(_WIDE, column))
        widths.append(max(_MIN_WIDTH, min(max(header, content) + 2, _MAX_WIDTH)))
    return widths
