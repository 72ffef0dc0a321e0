"""Reader for Excel (.xlsx) disclosures: one sheet per standard table, read by the PDF reader's table extractor.

A budget workbook publishes each standard table on a sheet of its own: a title row ("2026年部门收入预算总表"), a
"编制部门：… 单位：元" row, header rows with merged cells, then data rows (codes split into 类 / 款 / 项 cells or
joined in one, a name cell, amount cells as numbers or as text like "1,234.00"). There is no second table parser
here: each sheet is rendered into the layout form the PDF reader produces (``PageLine`` of positioned ``Word``)
and goes through ``analytics.ingest.tables.extract_tables``.

The rendering keeps what the extractor relies on:

* one sheet is one page (page = sheet index + 1, hidden sheets counted), one row one line (line = Excel row);
* every column has the same width, so a cell's x-range is its column's range, and a merged cell spans its columns;
* numbers (and text that is a number) stand right-aligned at their column's right edge, so amounts cluster by
  right edge; text follows the cell's alignment, and a merged cell without one is centred over its columns;
* a number is printed exactly as Excel shows it: the stored value (``Decimal(repr(float))``, never float
  arithmetic) at the decimals of the cell's number format; a ``General`` cell keeps the stored digits (15
  significant, which removes binary noise such as 0.30000000000000004);
* a cell that discloses nothing (blank, "-", "—", "无") is left out: not disclosed is never zero;
* a sheet without a title row whose name is a table title ("部门收入预算总表") takes its name as its title;
* each table sheet goes through the extractor on its own, so nothing of one sheet runs into the next sheet's table.

The document's identity (department, year, phase) comes from ``facts.identify_document`` on the lines of every
sheet and the workbook's title property; a year printed only in a sheet name or a table title is used when no
title like "2026年部门预算" is found. Department facts, narrative statements and performance targets are read
from the sheets that hold no standard table (a cover or 说明 sheet), never from table rows.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from analytics import schema as s
from analytics.errors import ReaderError
from analytics.ingest import facts
from analytics.ingest._frames import document_row, rows_to_dataset, text_rows
from analytics.ingest._pdf_layout import PageLine, Word
from analytics.ingest._source import SourceDocument, SourceLine
from analytics.ingest._verify import verify_rows
from analytics.ingest.narrative import extract_statements
from analytics.ingest.numbers import EMPTY_CELLS, normalize_text, parse_decimal
from analytics.ingest.tables import (
    dedupe_lines,
    drop_listed_only,
    extract_tables,
    find_blocks,
    printed_unit,
    table_steps,
)
from analytics.ingest.targets import extract_indicators
from analytics.store import Dataset

__all__ = ["PARSER_VERSION", "format_cell_number", "read_excel_disclosure"]

#: Bumped whenever the reader's output changes for the same input.
PARSER_VERSION = "excel-1"

#: Width of every column in points; a column spans [pitch * (c - 1), pitch * c - gap].
_COLUMN_PITCH = 100.0
_COLUMN_GAP = 10.0
#: Row pitch and text height in points (rows are evenly spaced, so no line is taken for a wrapped name's part).
_ROW_PITCH = 20.0
_TEXT_HEIGHT = 10.0
#: Estimated advance of a wide (CJK, full-width) and of a narrow character.
_WIDE = 10.0
_NARROW = 5.0
_YEAR = re.compile(r"((?:19|20)\d{2})年")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: The stream an encrypted OOXML file (a password-protected .xlsx) holds inside its OLE container.
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
_CENTRED = frozenset({"center", "centerContinuous", "distributed"})
#: Decimals of a number format: the digit placeholders after its decimal point.
_FORMAT_DECIMALS = re.compile(r"\.([0#?]+)")
_FORMAT_NOISE = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
_SIGNIFICANT = 15


@dataclass(frozen=True)
class _Cell:
    """A non-empty cell as displayed: its row, first and last column (a merged range), text and alignment."""

    row: int
    first: int
    last: int
    text: str
    numeric: bool
    align: str


@dataclass(frozen=True)
class _Sheet:
    """One worksheet rendered as positioned lines, with the titles of the standard tables it holds."""

    title: str
    page: int
    lines: tuple[PageLine, ...]
    errors: tuple[tuple[str, str], ...]
    table_titles: tuple[str, ...]


# --- opening ----------------------------------------------------------------------------------------------------


#: What a budget workbook never needs, checked before openpyxl builds anything: its parts inflated (a published
#: workbook is a few MB), its cells, the cells its merged ranges cover (openpyxl makes an object per cell:
#: A100:XFD1048576 is 17 billion) and the characters of one text (Excel's own limit for a cell). A cell costs the
#: reader about 0.75 KB (999,999 took it past 900 MB): 300,000 cells read in about 5 s and 300 MB, a hundred times
#: a budget workbook's few thousand.
MAX_INFLATED_BYTES = 100 * 1024 * 1024
MAX_CELLS = 300_000
MAX_MERGED_CELLS = 300_000
MAX_TEXT_CHARS = 32_767
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"')
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
_TEXT_RUN = re.compile(rb"<(?:\w+:)?t(?:\s[^>]*)?>([^<]*)<")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _check_limits(name: str, archive: zipfile.ZipFile) -> None:
    """Refuse a workbook whose size or shape no budget has (a zip bomb, a sheet-wide merged range, millions of
    cells, one huge string) before it is inflated into memory."""
    inflated = sum(info.file_size for info in archive.infolist())
    if inflated > MAX_INFLATED_BYTES:
        raise ReaderError(
            name,
            "",
            f"the workbook inflates to {inflated / 1024 / 1024:.0f} MB; a budget workbook is read up to "
            f"{MAX_INFLATED_BYTES // (1024 * 1024)} MB inflated",
        )
    cells = merged = 0
    for info in archive.infolist():
        part = info.filename.lower()
        if not part.endswith(".xml") or not ("worksheets/" in part or part.endswith("sharedstrings.xml")):
            continue
        xml = archive.read(info)  # bounded by MAX_INFLATED_BYTES
        for match in _TEXT_RUN.finditer(xml):
            if len(match.group(1)) > MAX_TEXT_CHARS * 4:  # bytes: up to 4 per character in UTF-8
                raise ReaderError(
                    name, info.filename, f"a text of over {MAX_TEXT_CHARS:,} characters; a cell holds at most that"
                )
        if "worksheets/" not in part:
            continue
        cells += len(_CELL_TAG.findall(xml))
        if cells > MAX_CELLS:
            raise ReaderError(
                name, info.filename, f"{cells:,} cells by this sheet; a budget workbook is read up to {MAX_CELLS:,}"
            )
        for first_col, first_row, last_col, last_row in _MERGE_REF.findall(xml):
            if not last_col:
                continue
            width = abs(_column_number(last_col) - _column_number(first_col)) + 1
            height = abs(int(last_row) - int(first_row)) + 1
            merged += width * height
            if merged > MAX_MERGED_CELLS:
                ref = f"{first_col.decode()}{int(first_row)}:{last_col.decode()}{int(last_row)}"
                raise ReaderError(
                    name,
                    info.filename,
                    f"merged ranges cover over {MAX_MERGED_CELLS:,} cells (e.g. {ref}); a budget table merges a "
                    "few header cells",
                )


def _check_container(name: str, data: bytes) -> None:
    """Refuse what is no .xlsx before openpyxl sees it: empty, an old .xls, an encrypted workbook, not a zip."""
    if not data.strip():
        raise ReaderError(name, "", "the file is empty; expected an Excel (.xlsx) budget workbook")
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTION_STREAM in data:
            raise ReaderError(
                name,
                "",
                "the workbook is encrypted (password protected); expected an unprotected .xlsx workbook — open it "
                "with its password and save it without one",
            )
        raise ReaderError(
            name,
            "",
            "this is an old binary Excel file (.xls, Excel 97-2003), not .xlsx; expected an .xlsx workbook — "
            "save it as 'Excel Workbook (.xlsx)' first",
        )
    if not data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        kind = "a PDF" if data.lstrip()[:5] == b"%PDF-" else "a text or other file renamed to .xlsx?"
        raise ReaderError(
            name, "", f"not an .xlsx workbook: the file is not a zip archive ({kind}); expected an Excel .xlsx file"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            # Sizes first: testzip and openpyxl would inflate whatever the archive claims.
            _check_limits(name, archive)
            broken = archive.testzip()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise ReaderError(
            name,
            "",
            f"the workbook is damaged: its zip archive is truncated or corrupt ({exc}); expected a complete .xlsx file",
        ) from None
    if broken is not None:
        raise ReaderError(
            name,
            "",
            f"the workbook is damaged: part {broken!r} of its zip archive is corrupt; expected a complete .xlsx file",
        )
    if not any(n.lower().endswith("workbook.xml") for n in names):
        raise ReaderError(
            name,
            "",
            "a zip archive but not an Excel workbook (it has no workbook.xml: a .docx, .ods or plain .zip?); "
            "expected an .xlsx workbook",
        )


def _load(name: str, data: bytes, *, data_only: bool, read_only: bool = False) -> openpyxl.Workbook:
    try:
        with warnings.catch_warnings():
            # Workbooks from WPS or budget systems trigger openpyxl's notices (no default style, unsupported
            # extensions); they say nothing about the figures.
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(io.BytesIO(data), data_only=data_only, read_only=read_only)
    except Exception as exc:  # openpyxl raises whatever its XML parser or zip reader raises on a damaged part
        raise ReaderError(
            name,
            "",
            f"the workbook is damaged and cannot be opened ({type(exc).__name__}: {exc}); expected an .xlsx workbook "
            "saved by Excel or WPS",
        ) from None


# --- cells ------------------------------------------------------------------------------------------------------


def format_cell_number(value: int | float | Decimal, number_format: str = "General") -> str:
    """A numeric cell as Excel displays it, as a plain number string (no thousands separators, no exponent).

    The value is taken exactly (a float through its shortest ``repr``) and rounded half-up to the decimals of the
    number format; a ``General`` (or text) format keeps the stored digits, rounded to 15 significant digits, which
    removes binary noise. A percent format prints the value times 100 with "%".

    Examples
    --------
    >>> format_cell_number(1234.5, "#,##0.00")
    '1234.50'
    >>> format_cell_number(0.1 + 0.2, "General"), format_cell_number(0.30000000000000004, "0.00")
    ('0.3', '0.30')
    >>> format_cell_number(2932700), format_cell_number(-1200, "#,##0;(#,##0)")
    ('2932700', '-1200')
    >>> format_cell_number(0.1725, "0.00%")
    '17.25%'
    """
    amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    section = _FORMAT_NOISE.sub("", _first_section(number_format or "General"))
    percent = "%" in section
    with localcontext() as context:
        context.prec = 80  # exact arithmetic for any value a cell can hold (a double has at most 17 digits)
        if percent:
            amount = amount * 100
        if section.strip().lower() in {"general", "@", ""} or not re.search(r"[0#?]", section):
            if isinstance(value, float) and amount:
                step = Decimal(1).scaleb(amount.adjusted() - _SIGNIFICANT + 1)
                amount = amount.quantize(step, rounding=ROUND_HALF_UP).normalize()
        else:
            match = _FORMAT_DECIMALS.search(section)
            amount = amount.quantize(Decimal(1).scaleb(-len(match[1]) if match else 0), rounding=ROUND_HALF_UP)
    text = format(amount, "f")
    if re.fullmatch(r"-0(\.0+)?", text):
        text = text[1:]
    return f"{text}%" if percent else text


def _first_section(number_format: str) -> str:
    """The part of a number format for positive numbers (before the first ";" outside quotes)."""
    quoted = False
    for index, char in enumerate(number_format):
        if char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            return number_format[:index]
    return number_format


def _display(value: object, number_format: str) -> tuple[str, bool] | None:
    """The text a cell shows and whether it is a number; ``None`` for a cell that shows nothing disclosed."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return format_cell_number(value, number_format), True
    text = " ".join(part.strip() for part in str(value).splitlines() if part.strip())
    if normalize_text(text) in EMPTY_CELLS:
        return None
    try:
        numeric = parse_decimal(text) is not None
    except ValueError:
        numeric = False
    return text, numeric


def _align(horizontal: str | None, *, numeric: bool, merged: bool) -> str:
    if numeric:
        return "right"
    if horizontal in _CENTRED or (merged and horizontal in (None, "general")):
        return "center"
    return "right" if horizontal == "right" else "left"


def _sheet_cells(sheet: Worksheet) -> tuple[list[_Cell], list[tuple[str, str]]]:
    """The cells that show something, and the cells that show an Excel error (#REF!, #DIV/0! …)."""
    spans = {(r.min_row, r.min_col): r.max_col for r in sheet.merged_cells.ranges}
    cells: list[_Cell] = []
    errors: list[tuple[str, str]] = []
    # Only the cells the file holds: ``iter_rows`` would create every cell of the sheet's dimension, and a sheet
    # converted from .xls often claims 65 536 rows by 256 columns.
    for (row, column), cell in sorted(sheet._cells.items()):
        if cell.value is None:
            continue
        if cell.data_type == "e":
            errors.append((cell.coordinate, str(cell.value)))
            continue
        shown = _display(cell.value, cell.number_format)
        if shown is None:
            continue
        text, numeric = shown
        last = spans.get((row, column), column)
        align = _align(cell.alignment.horizontal, numeric=numeric, merged=last > column)
        cells.append(_Cell(row, column, last, text, numeric, align))
    return cells, errors


# --- layout -----------------------------------------------------------------------------------------------------


def _text_width(text: str) -> float:
    return sum(_WIDE if unicodedata.east_asian_width(ch) in "WF" else _NARROW for ch in text)


def _word(text: str, first: int, last: int, align: str, row: int) -> Word:
    left = (first - 1) * _COLUMN_PITCH
    right = last * _COLUMN_PITCH - _COLUMN_GAP
    width = min(_text_width(text), right - left)
    if align == "right":
        x0 = right - width
    elif align == "center":
        x0 = (left + right - width) / 2
    else:
        x0 = left
    top = (row - 1) * _ROW_PITCH
    return Word(text, x0, x0 + width, top, top + _TEXT_HEIGHT)


def _render(cells: Iterable[_Cell], page: int) -> tuple[PageLine, ...]:
    """The cells as positioned lines, one per row (see the module docstring for the geometry)."""
    rows: dict[int, list[Word]] = {}
    for cell in cells:
        rows.setdefault(cell.row, []).append(_word(cell.text, cell.first, cell.last, cell.align, cell.row))
    return tuple(
        PageLine(tuple(sorted(words, key=lambda w: (w.x0, w.x1))), page, row) for row, words in sorted(rows.items())
    )


def _render_sheet(sheet: Worksheet, page: int) -> _Sheet:
    cells, errors = _sheet_cells(sheet)
    lines = _render(cells, page)
    blocks = find_blocks(lines)
    if not blocks:
        # A sheet without a title row may be named after its table ("部门收入预算总表"): the name is its title.
        named = PageLine((Word(sheet.title, 0.0, _text_width(sheet.title), -_ROW_PITCH, -_ROW_PITCH + 10),), page, 0)
        if find_blocks([named]):
            lines = (named, *lines)
            blocks = find_blocks(lines)
    return _Sheet(sheet.title, page, lines, tuple(errors), tuple(block.title for block in blocks))


# --- errors with their place ------------------------------------------------------------------------------------

_PAGE_WHERE = re.compile(r"^page (\d+)(?:, line (\d+))?$")
_LINE_WHERE = re.compile(r"^line (\d+)$")


def _sheet_where(sheet: str, row: int | None) -> str:
    return f"sheet {sheet}" + (f", row {row}" if row else "")


def _at_sheet(error: ReaderError, sheets: dict[int, str]) -> ReaderError:
    """The extractor's "page N, line M" as "sheet <name>, row M"."""
    match = _PAGE_WHERE.match(error.where)
    if match is None or int(match[1]) not in sheets:
        return error
    row = int(match[2]) if match[2] else None
    return ReaderError(error.source, _sheet_where(sheets[int(match[1])], row), error.problem)


@dataclass(frozen=True)
class _Document:
    """Lines of several sheets as one ``SourceDocument``; ``places`` maps its line numbers to (sheet, row)."""

    document: SourceDocument
    places: dict[int, tuple[str, int] | None]

    @classmethod
    def of(cls, name: str, heading: str | None, sheets: Sequence[_Sheet]) -> _Document:
        lines: list[SourceLine] = []
        places: dict[int, tuple[str, int] | None] = {}
        if heading:
            lines.append(SourceLine(1, heading, None))
            places[1] = None
        for sheet in sheets:
            for line in sheet.lines:
                number = len(lines) + 1
                lines.append(SourceLine(number, line.text, sheet.page))
                places[number] = (sheet.title, line.number)
        return cls(SourceDocument(name, tuple(lines)), places)

    def where(self, error: ReaderError) -> ReaderError:
        """The error with its "line N" given as "sheet <name>, row R" (or the workbook's properties)."""
        match = _LINE_WHERE.match(error.where)
        if match is None or int(match[1]) not in self.places:
            return error
        place = self.places[int(match[1])]
        where = "workbook properties (title)" if place is None else _sheet_where(*place)
        return ReaderError(error.source, where, error.problem)

    def provenance(self, rows: Iterable[dict[str, object]]) -> None:
        """Give rows found by the line extractors their sheet's page and their Excel row as line."""
        for row in rows:
            number = row.get(s.LINE)
            if isinstance(number, int) and number in self.places:
                place = self.places[number]
                row[s.LINE] = place[1] if place else None
                row[s.PAGE] = self.document.lines[number - 1].page


# --- the reader -------------------------------------------------------------------------------------------------


def _formula_check(name: str, data: bytes, workbook: openpyxl.Workbook, table_sheets: Sequence[_Sheet]) -> None:
    """Refuse a workbook whose formulas were never calculated: their cells would read as blank.

    Excel and WPS save every formula's result with it; a workbook written by a program (a script, an export) may
    hold formulas only. When no formula of the table sheets has a saved result in ``workbook`` (loaded with
    ``data_only=True``), the figures are not in the file.
    """
    titles = {sheet.title for sheet in table_sheets}
    formulas_only = _load(name, data, data_only=False, read_only=True)
    formulas: list[tuple[str, str]] = []
    try:
        for sheet in formulas_only.worksheets:
            if sheet.title in titles:
                formulas.extend(
                    (sheet.title, cell.coordinate)
                    for row in sheet.iter_rows()
                    for cell in row
                    if getattr(cell, "data_type", None) == "f"
                )
    finally:
        formulas_only.close()
    if formulas and all(workbook[title][coordinate].value is None for title, coordinate in formulas):
        title, coordinate = formulas[0]
        raise ReaderError(
            name,
            f"sheet {title}, cell {coordinate}",
            f"the workbook's {len(formulas)} formula(s) have no saved results (it was written by a program that does "
            "not calculate); expected the figures as values — open the workbook in Excel or WPS and save it again",
        )


def _year_and_phase(
    identity: facts.DocumentIdentity, titles: Sequence[str], sheet_names: Sequence[str]
) -> tuple[int | None, str]:
    """The fiscal year from the disclosure title, else from a table title or sheet name ("2026年…")."""
    phase = identity.phase
    if identity.fiscal_year is not None:
        return identity.fiscal_year, phase
    if any("决算" in title for title in titles):
        phase = "final"
    for text in (*titles, *sheet_names):
        match = _YEAR.search(normalize_text(text))
        if match:
            return int(match[1]), phase
    return None, phase


@dataclass(frozen=True)
class _Workbook:
    """An opened workbook: its sheet names (every sheet, in order), its visible sheets rendered, its title."""

    name: str
    sheet_names: tuple[str, ...]
    sheets: tuple[_Sheet, ...]
    heading: str | None

    @property
    def table_sheets(self) -> list[_Sheet]:
        return [sheet for sheet in self.sheets if sheet.table_titles]

    @property
    def other_sheets(self) -> list[_Sheet]:
        return [sheet for sheet in self.sheets if not sheet.table_titles]


def _open_workbook(name: str, data: bytes) -> _Workbook:
    """Open, render and check a workbook: it must hold a table sheet, whose cells show figures, not errors."""
    _check_container(name, data)
    workbook = _load(name, data, data_only=True)
    sheet_names = tuple(workbook.sheetnames)
    book = _Workbook(
        name,
        sheet_names,
        tuple(
            _render_sheet(sheet, sheet_names.index(sheet.title) + 1)
            for sheet in workbook.worksheets
            if sheet.sheet_state == "visible"
        ),
        (workbook.properties.title or "").strip() or None,
    )
    table_sheets = book.table_sheets
    if not table_sheets:
        raise ReaderError(
            name,
            "",
            f"no sheet holds a standard budget table (sheets: {'、'.join(sheet_names)}); expected one sheet per table "
            "with a title like '2026年部门收入预算总表' (the catalog is analytics/reference/tables.csv)",
        )
    for sheet in table_sheets:
        if sheet.errors:
            coordinate, shown = sheet.errors[0]
            raise ReaderError(
                name,
                f"sheet {sheet.title}, cell {coordinate}",
                f"the cell shows the Excel error {shown}; expected a figure — correct the formula and save again",
            )
    _formula_check(name, data, workbook, table_sheets)
    return book


def _identify(book: _Workbook) -> facts.DocumentIdentity:
    """Department, year and phase from every sheet's lines; a year printed only in a table title or a sheet name
    ("2026年…") completes an identity whose title prints none."""
    whole = _Document.of(book.name, book.heading, book.sheets)
    try:
        identity = facts.identify_document(whole.document, require_year=False)
    except ReaderError as error:
        raise whole.where(error) from None
    titles = [title for sheet in book.table_sheets for title in sheet.table_titles]
    year, phase = _year_and_phase(identity, titles, book.sheet_names)
    if year is None:
        raise ReaderError(
            book.name,
            "",
            "no fiscal year: neither a title like '2026年部门预算' nor a table title or sheet name prints one "
            "('YYYY年'); expected the disclosure's year in its titles",
        )
    return replace(identity, fiscal_year=year, phase=phase)


def _standard_tables(
    book: _Workbook, year: int, phase: str, reading: list[dict[str, object]]
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """The ``lines`` and ``document_tables`` rows of every table sheet, each sheet read on its own and all of them
    verified together (the identities between tables span sheets); what the reader doubts goes to ``reading``."""
    table_rows: list[dict[str, object]] = []
    found: list[dict[str, object]] = []
    for sheet in book.table_sheets:
        try:
            rows, tables = extract_tables(
                list(sheet.lines), doc_name=book.name, fiscal_year=year, phase=phase, findings=reading, verify=False
            )
        except ReaderError as error:
            raise _at_sheet(error, {sheet.page: sheet.title}) from None
        table_rows.extend(rows)
        found.extend(tables)
    # As within one document: a title without a table ("no_rows") counts only when no sheet has that table, and
    # the same table printed on two sheets gives its rows once.
    rows = dedupe_lines(table_rows)
    reading.extend(verify_rows(rows, table_steps(found)))
    return rows, drop_listed_only(found)


def read_excel_disclosure(path: str | os.PathLike[str], *, name: str | None = None) -> Dataset:
    """Read one .xlsx budget workbook (one sheet per standard table) into a ``Dataset`` of that document alone.

    Parameters
    ----------
    path
        The workbook.
    name
        The name to record as ``source_name`` and to use in errors (default: the file name).

    Returns
    -------
    Dataset
        The ``documents`` row (``source_format`` "excel", ``page_count`` the number of sheets), its department,
        the ``lines`` of every standard table (``page`` = sheet index + 1, ``line`` = Excel row), one
        ``document_tables`` row per table, and the statements and targets of the sheets that hold no table.
        Hidden sheets are not read (they are counted in ``page_count``).

    Raises
    ------
    ReaderError
        Naming the file, the sheet ("sheet <name>") where one is at fault, and what was expected: an empty file,
        an old .xls, a password-protected, damaged or non-Excel file, a workbook with no sheet holding a standard
        table, a table sheet without a unit, cells showing Excel errors, uncalculated formulas, no department or
        no fiscal year.
    """
    source = Path(path)
    name = name or source.name
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise ReaderError(name, "", f"cannot read the file ({exc.strerror or exc})") from None
    book = _open_workbook(name, data)
    identity = _identify(book)
    year = identity.fiscal_year
    if year is None:  # pragma: no cover - _identify always dates the identity
        raise ReaderError(name, "", "no fiscal year")
    reading: list[dict[str, object]] = []
    table_rows, found = _standard_tables(book, year, identity.phase, reading)
    narrative = _Document.of(name, book.heading, book.other_sheets)
    try:
        department = facts.extract_department(narrative.document, identity)
        statements = extract_statements(narrative.document, year=year)
        indicators = extract_indicators(narrative.document, year=year)
    except ReaderError as error:
        raise narrative.where(error) from None
    narrative.provenance([department, *statements, *indicators])

    sha256 = hashlib.sha256(data).hexdigest()
    doc_id = sha256[:16]
    document = document_row(
        sha256=sha256,
        name=name,
        source_format="excel",
        identity=identity,
        fiscal_year=year,
        unit_printed=printed_unit(found),
        parser_version=PARSER_VERSION,
        page_count=len(book.sheet_names),
    )
    rows = {
        s.DOCUMENTS: [document],
        s.DEPARTMENTS: [department],
        s.LINES: table_rows,
        s.STATEMENTS: statements,
        s.INDICATORS: indicators,
        s.DOCUMENT_TABLES: found,
        s.READING_FINDINGS: reading,
        s.DOCUMENT_TEXT: text_rows(
            (line.page, (place[1] if (place := narrative.places.get(line.number)) else None), line.text)
            for line in narrative.document.lines
        ),
    }
    return rows_to_dataset(rows, doc_id, identity.department_id)
