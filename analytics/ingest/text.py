"""Reader for text disclosures: text extracted from a published PDF, or a portal page's text.

``read_text_disclosure`` checks the bytes (empty, binary, undecodable), finds what the document is, runs every
extractor and returns a ``Dataset`` holding this one document, validated against the data contract. It never
writes anything: storing is ``analytics.store.update_dataset``'s job, so a file that fails leaves no trace.

Three layouts are read: the 汉阳区 seed's (tables lost, the 绩效目标申报表 kept), page texts separated by form feeds
with the standard tables printed as lines of space-separated cells (``_text_tables``), and a narrative alone (a
portal page whose tables were images). ``line`` is the line number in the file and, for a text with form feeds,
``page`` the page it is on.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
from decimal import Decimal
from pathlib import Path

from analytics import schema as s
from analytics.errors import ReaderError
from analytics.ingest import facts
from analytics.ingest._frames import degraded, document_row, rows_to_dataset, text_rows
from analytics.ingest._source import SourceDocument, SourceLine
from analytics.ingest._text_tables import extract_text_tables, paged_document
from analytics.ingest._verify import step_of, verify_rows
from analytics.ingest.lexicon import alternation
from analytics.ingest.narrative import extract_statements
from analytics.ingest.numbers import normalize_text
from analytics.ingest.tables import EMPTY_TABLE, drop_listed_only, printed_unit, table_steps
from analytics.ingest.targets import extract_indicators
from analytics.reference import table_key
from analytics.store import Dataset
from analytics.units import CENT

__all__ = ["PARSER_VERSION", "decode_text", "doc_id_of", "read_text_disclosure"]

#: Bumped whenever a reader's output changes for the same input, so stored rows say which reader made them.
PARSER_VERSION = "text-2"
_MIN_LINES = 20
_NARRATIVE_HEADING = re.compile(alternation("narrative_heading"))


def doc_id_of(data: bytes) -> str:
    """The document id: the first 16 hex digits of the SHA-256 of the source bytes.

    Examples
    --------
    >>> doc_id_of(b"abc")
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(data).hexdigest()[:16]


def _byte_place(data: bytes, offset: int) -> str:
    """Where a bad byte is, for an error: its offset and the line it is on ("byte 15000 (line 412)")."""
    line = data.count(b"\n", 0, offset) + 1
    return f"byte {offset} (line {line})"


def decode_text(name: str, data: bytes) -> str:
    """Decode the bytes of a text disclosure (UTF-8, UTF-8 with BOM, UTF-16 with BOM or GB18030).

    Raises
    ------
    ReaderError
        For an empty file, a binary file, or bytes that are no known Chinese text encoding.
    """
    if not data.strip():
        raise ReaderError(name, "", "the file is empty; expected the text of a budget disclosure")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            # An odd number of bytes, or half of a surrogate pair: the file was cut or damaged.
            raise ReaderError(
                name,
                _byte_place(data, exc.start),
                f"the UTF-16 text is damaged ({exc.reason}); "
                "expected whole UTF-16 characters after its byte-order mark",
            ) from None
    elif b"\x00" in data[:4096] or data.startswith((b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ReaderError(name, "", "this is a binary file, not text; expected a UTF-8 or GB18030 text disclosure")
    else:
        errors: dict[str, UnicodeDecodeError] = {}
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError as exc:
                errors[encoding] = exc
        else:
            # The encoding that read furthest is the file's, most likely: its first bad byte is the place to look.
            encoding, error = max(errors.items(), key=lambda item: item[1].start)
            readable = "UTF-8" if encoding == "utf-8-sig" else "GB18030"
            raise ReaderError(
                name,
                _byte_place(data, error.start),
                f"the bytes are neither UTF-8 nor GB18030 text (read as {readable}, byte {error.start} "
                f"is 0x{data[error.start]:02x}); expected a text disclosure",
            )
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\r\n\t\f")
    if controls > 8:
        raise ReaderError(name, "", "the file holds control characters, so it is binary, not a text disclosure")
    return text


_TABLE_NUMBER = re.compile(r"^表\s*\d+\s*[.．、]?")


def _listed_tables(doc: SourceDocument) -> list[dict[str, object]]:
    """The standard tables a text disclosure names ("表 1. XX 2023 年部门收支总表"), with what follows them.

    Text extracted from a PDF often keeps the titles and loses the tables: they are recorded as ``no_rows`` (or
    ``empty`` when the document says there is nothing to show), so that an auditor sees what was published but
    could not be read.
    """
    lines = doc.nonblank()
    found: dict[str, dict[str, object]] = {}
    for index, line in enumerate(lines):
        if not _TABLE_NUMBER.match(line.text):
            continue
        title = normalize_text(line.text)
        if not title.endswith("表") and index + 1 < len(lines):
            title += normalize_text(lines[index + 1].text)  # a title wrapped onto the next line
        key = table_key(title)
        if key is None or key in found:
            continue
        following = list(itertools.takewhile(lambda ln: not _TABLE_NUMBER.match(ln.text), lines[index + 1 : index + 4]))
        empty = any(EMPTY_TABLE.search(normalize_text(ln.text)) for ln in following)
        found[key] = {
            s.TABLE: key,
            s.TITLE: title,
            s.UNIT_PRINTED: None,
            s.PAGE_FROM: None,
            s.PAGE_TO: None,
            s.STATUS: "empty" if empty else "no_rows",
            s.ROW_COUNT: 0,
            s.SOURCE_TEXT: line.text.strip(),
        }
    return list(found.values())


def _document_tables(read: list[dict[str, object]], listed: list[dict[str, object]]) -> list[dict[str, object]]:
    """One ``document_tables`` row per table and place: the tables read, then the titles only listed ("表 1. …").

    A table known twice at one place (a dump without pages has none) keeps what says most: data over empty over
    a title with no rows.
    """
    rank = {"data": 0, "empty": 1, "unreadable": 2, "no_rows": 3}
    best: dict[tuple[object, object], dict[str, object]] = {}
    for row in [*read, *listed]:
        key = (row[s.TABLE], row[s.PAGE_FROM])
        if key not in best or rank[str(row[s.STATUS])] < rank[str(best[key][s.STATUS])]:
            best[key] = row
    return drop_listed_only(list(best.values()))


def _check_units(
    doc: SourceDocument,
    identity: facts.DocumentIdentity,
    composition: list[dict[str, object]],
    statements: list[dict[str, object]],
    unit: tuple[str, SourceLine] | None,
) -> None:
    """Refuse a table whose printed unit is off by 10 000 against the narrative (元 printed for 万元 or back).

    The narrative states its figures with their unit ("收入预算 1370.19 万元"), so it is the independent witness:
    when the table's current-year total matches no stated figure as printed but matches one scaled by 10 000, the
    unit line is wrong and every amount would be stored 10 000 times off.
    """
    if unit is None:
        return
    totals = [
        r[s.AMOUNT_YUAN]
        for r in composition
        if r[s.FISCAL_YEAR] == identity.fiscal_year and r[s.CLASSIFICATION] == "total" and r[s.SIDE] == "income"
    ]
    stated = {r[s.AMOUNT_YUAN] for r in statements if r[s.FISCAL_YEAR] == identity.fiscal_year}
    if not totals or not stated or totals[0] in stated:
        return
    total = totals[0]
    for factor, meant in ((Decimal(10_000), "万元"), (Decimal("0.0001"), "元")):
        if (total * factor).quantize(CENT) in stated and meant != unit[0]:
            raise ReaderError(
                doc.name,
                f"line {unit[1].number}",
                f"the tables say '单位：{unit[0]}', but their total agrees with the narrative only if read in "
                f"{meant}; expected the unit the figures are printed in",
            )


def read_text_disclosure(path: str | os.PathLike[str], *, name: str | None = None) -> Dataset:
    """Read one text disclosure into a ``Dataset`` of that document alone.

    Parameters
    ----------
    path
        The text file.
    name
        The name to record as ``source_name`` and to use in errors (default: the file name).

    Raises
    ------
    ReaderError
        Naming the file, the line and what was expected: empty, binary or undecodable file, no disclosure title,
        a table with no unit, a truncated document (a table or the narrative cut off).

    Examples
    --------
    >>> from analytics.store import DEFAULT_DATASET
    >>> seed = DEFAULT_DATASET.parent / "raw" / "hanyang_bigdata_2023_dept_budget.txt"
    >>> read_text_disclosure(seed).documents.get_column("fiscal_year").to_list()
    [2023]
    """
    source = Path(path)
    name = name or source.name
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise ReaderError(name, "", f"cannot read the file ({exc.strerror or exc})") from None
    doc = paged_document(name, decode_text(name, data))
    if len(doc.nonblank()) < _MIN_LINES:
        raise ReaderError(
            name,
            f"line {len(doc.lines)}",
            f"the text ends after {len(doc.nonblank())} lines; a disclosure has an overview, tables and a narrative",
        )
    identity = facts.identify_document(doc)
    doc_id = doc_id_of(data)
    department = facts.extract_department(doc, identity)
    unread: list[dict[str, object]] = []
    page_of = {line.number: line.page for line in doc.lines}.get
    composition = degraded(unread, "fund_composition", lambda: facts.extract_fund_composition(doc, identity),
                           page_of=page_of)  # fmt: skip
    projects = degraded(unread, "projects", lambda: facts.extract_projects(doc, identity), page_of=page_of)
    indicators = degraded(
        unread, "indicators", lambda: extract_indicators(doc, year=identity.fiscal_year), page_of=page_of
    )
    statements = extract_statements(doc, year=identity.fiscal_year)
    tables = extract_text_tables(doc, fiscal_year=identity.fiscal_year, phase=identity.phase)
    if not (composition or projects or indicators or statements or tables.lines):
        raise ReaderError(
            name,
            f"line {identity.line.number}",
            "found the title but no table, target or narrative figure after it; the document looks truncated"
            + "".join(f"; {finding[s.MESSAGE_EN]}" for finding in unread),
        )
    if not any(_NARRATIVE_HEADING.search(line.text) for line in doc.lines):
        last = doc.nonblank()[-1]
        raise ReaderError(
            name,
            f"line {last.number}",
            "the text ends before the narrative (预算情况说明 / 编制说明); the document looks truncated",
        )
    unit = facts.find_unit(doc)
    _check_units(doc, identity, composition, statements, unit)
    unit_printed = printed_unit(tables.tables) or (unit[0] if unit else None)
    lines = [*composition, *tables.lines]
    for row in lines:
        row.setdefault(s.AMOUNT_BASIS, s.default_basis(identity.phase))
    steps = {**table_steps(tables.tables), facts.FUND_COMPOSITION_TABLE: step_of(unit[0] if unit else None)}
    findings = unread + [p.as_finding() for p in tables.problems] + verify_rows(lines, steps)
    document = document_row(
        sha256=hashlib.sha256(data).hexdigest(),
        name=name,
        source_format="text",
        identity=identity,
        fiscal_year=identity.fiscal_year,
        unit_printed=unit_printed,
        parser_version=PARSER_VERSION,
        page_count=None,
    )
    return rows_to_dataset(
        {
            s.DOCUMENTS: [document],
            s.DEPARTMENTS: [department],
            s.LINES: lines,
            s.STATEMENTS: statements,
            s.INDICATORS: indicators,
            s.PROJECTS: projects,
            s.DOCUMENT_TABLES: _document_tables(tables.tables, _listed_tables(doc)),
            s.READING_FINDINGS: findings,
            s.DOCUMENT_TEXT: text_rows((line.page, line.number, line.text) for line in doc.lines),
        },
        doc_id,
        identity.department_id,
    )
