"""Reader for PDF disclosures: text layer → positioned lines → the shared extractors.

The standard tables come from ``analytics.ingest.tables`` (positions); the department facts, narrative statements
and performance targets go through the same extractors as the text reader, on the PDF's lines. ``line`` in the
stored rows is the line number on its ``page``.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from analytics import schema as s
from analytics.errors import ReaderError
from analytics.ingest import facts
from analytics.ingest._pdf_layout import PageLine, read_pdf_pages
from analytics.ingest._source import SourceDocument, SourceLine
from analytics.ingest.narrative import extract_statements
from analytics.ingest.tables import extract_tables
from analytics.ingest.targets import extract_indicators

__all__ = ["PARSER_VERSION", "PdfPart", "read_pdf_part"]

PARSER_VERSION = "pdf-1"


@dataclass(frozen=True)
class PdfPart:
    """What one PDF file holds; a disclosure may be split over several files (narrative + tables)."""

    name: str
    sha256: str
    identity: facts.DocumentIdentity
    lines: tuple[PageLine, ...]
    document: SourceDocument
    page_count: int


def read_pdf_part(path: str | os.PathLike[str], *, name: str | None = None) -> PdfPart:
    """Open a PDF and find whose disclosure it is; extraction happens once the parts of a disclosure are known.

    Raises
    ------
    ReaderError
        For an empty, non-PDF, encrypted, damaged or scanned file, or a PDF that is not a budget disclosure.
    """
    source = Path(path)
    name = name or source.name
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise ReaderError(name, "", f"cannot read the file ({exc.strerror or exc})") from None
    pages = read_pdf_pages(source, name)
    lines = tuple(line for page in pages for line in page.lines)
    document = SourceDocument(name, tuple(SourceLine(i, line.text, line.page) for i, line in enumerate(lines, start=1)))
    identity = facts.identify_document(document, require_year=False)
    if identity.fiscal_year is None:
        # A rotated cover page scrambles positions but not the content order: look there for the title.
        raw = SourceDocument.from_text(name, "\n".join(page.raw_text for page in pages[:2]))
        try:
            dated = facts.identify_document(raw)
        except ReaderError:
            dated = None
        if dated is not None and dated.department_id == identity.department_id:
            identity = dated
    return PdfPart(name, hashlib.sha256(data).hexdigest(), identity, lines, document, len(pages))


def group_parts(parts: list[PdfPart]) -> list[list[PdfPart]]:
    """Group the files of one disclosure: same department, phase and scope, and the same year.

    A part that prints no year (the tables PDF of a split disclosure) joins the dated group of its department;
    it is refused when there is no such group, or more than one.
    """
    groups: dict[tuple[object, ...], list[PdfPart]] = {}
    undated: list[PdfPart] = []
    for part in parts:
        identity = part.identity
        if identity.fiscal_year is None:
            undated.append(part)
            continue
        key = (identity.department_id, identity.fiscal_year, identity.phase, identity.scope)
        groups.setdefault(key, []).append(part)
    for part in undated:
        matches = [key for key in groups if key[0] == part.identity.department_id and key[2] == part.identity.phase]
        if len(matches) > 1:
            matches = _agreeing_groups(part, {key: groups[key] for key in matches})
        if len(matches) != 1:
            problem = "no other file of this batch" if not matches else f"{len(matches)} disclosures of this batch"
            raise ReaderError(
                part.name,
                "",
                f"no fiscal year is printed and {problem} fit it ({part.identity.department}); ingest a tables-only "
                "PDF together with the narrative PDF of the same year",
            )
        groups[matches[0]].append(part)
    return list(groups.values())


def _agreeing_groups(part: PdfPart, candidates: dict[tuple[object, ...], list[PdfPart]]) -> list[tuple[object, ...]]:
    """The candidate disclosures whose narrative states the totals that this tables-only part prints.

    Two years of one department both fit an undated tables PDF; the figures decide: the narrative of its own year
    states the totals of its 收支总表 (收入预算 X 万元 …).
    """
    rows, _ = extract_tables(list(part.lines), doc_name=part.name, fiscal_year=0, phase=part.identity.phase)
    totals = {r[s.AMOUNT_YUAN] for r in rows if r[s.CLASSIFICATION] == "total"}
    scores: dict[tuple[object, ...], int] = {}
    for key, members in candidates.items():
        stated = {
            r[s.AMOUNT_YUAN] for member in members for r in extract_statements(member.document, year=int(str(key[1])))
        }
        scores[key] = len(totals & stated)
    best = max(scores.values(), default=0)
    return [key for key, score in scores.items() if score == best and best > 0]


def extract_part(part: PdfPart, identity: facts.DocumentIdentity, disclosure_id: str) -> dict[str, object]:
    """Rows of every table of the contract that one PDF file holds, under its disclosure's identity."""
    year = identity.fiscal_year
    if year is None:  # pragma: no cover - group_parts gives every group a dated identity
        raise ReaderError(part.name, "", "no fiscal year")
    table_rows, found = extract_tables(list(part.lines), doc_name=part.name, fiscal_year=year, phase=identity.phase)
    department = facts.extract_department(part.document, identity)
    statements = extract_statements(part.document, year=year)
    indicators = extract_indicators(part.document, year=year)
    by_number = {i: line for i, line in enumerate(part.lines, start=1)}
    for row in (department, *statements, *indicators):
        number = row.get(s.LINE)
        if isinstance(number, int) and number in by_number:
            row[s.PAGE] = by_number[number].page
            row[s.LINE] = by_number[number].number
    units = [f[s.UNIT_PRINTED] for f in found if f[s.UNIT_PRINTED]]
    document = {
        s.DOC_ID: part.sha256[:16],
        s.SOURCE_NAME: part.name,
        s.SOURCE_FORMAT: "pdf",
        s.SOURCE_SHA256: part.sha256,
        s.REGION: identity.region,
        s.DEPARTMENT: identity.department,
        s.DEPARTMENT_ID: identity.department_id,
        s.FISCAL_YEAR: year,
        s.PHASE: identity.phase,
        s.SCOPE: identity.scope,
        s.UNIT_PRINTED: max(set(units), key=units.count) if units else None,
        s.PARSER_VERSION: PARSER_VERSION,
        s.DISCLOSURE_ID: disclosure_id,
        s.PAGE_COUNT: part.page_count,
    }
    return {
        s.DOCUMENTS: [document],
        s.DEPARTMENTS: [department],
        s.LINES: table_rows,
        s.STATEMENTS: statements,
        s.INDICATORS: indicators,
        s.DOCUMENT_TABLES: found,
    }
