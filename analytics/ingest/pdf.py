"""Reader for PDF disclosures: text layer → positioned lines → the shared extractors.

The standard tables come from ``analytics.ingest.tables`` (positions); the department facts, narrative statements
and performance targets go through the same extractors as the text reader, on the PDF's lines. ``line`` in the
stored rows is the line number on its ``page``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from analytics import schema as s
from analytics.errors import ReaderError
from analytics.ingest import facts
from analytics.ingest._frames import degraded, document_row, rows_to_dataset, text_rows
from analytics.ingest._pdf_layout import PageLine, read_pdf_pages
from analytics.ingest._source import SourceDocument, SourceLine
from analytics.ingest.narrative import extract_statements
from analytics.ingest.tables import extract_tables, printed_unit
from analytics.ingest.targets import extract_indicators
from analytics.store import Dataset

__all__ = ["PARSER_VERSION", "PdfPart", "PdfRead", "assemble_disclosures", "read_pdf_file", "read_pdf_part"]

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
    pages = read_pdf_pages(data, name)
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


@dataclass(frozen=True)
class PdfRead:
    """What a worker returns for one PDF: its identity and, when the file dates itself, its rows already read.

    A file that prints no year keeps its lines (``part``) until the batch tells which disclosure it belongs to.
    """

    name: str
    sha256: str
    identity: facts.DocumentIdentity
    dataset: Dataset | None
    part: PdfPart | None


def read_pdf_file(path: str | os.PathLike[str], *, name: str | None = None) -> PdfRead:
    """Open, identify and (when the file states its year) extract one PDF: the per-file work of a batch."""
    part = read_pdf_part(path, name=name)
    if part.identity.fiscal_year is None:
        return PdfRead(part.name, part.sha256, part.identity, None, part)
    dataset = rows_to_dataset(
        extract_part(part, part.identity, part.sha256[:16]), part.sha256[:16], part.identity.department_id
    )
    return PdfRead(part.name, part.sha256, part.identity, dataset, None)


def assemble_disclosures(reads: list[PdfRead]) -> list[tuple[PdfRead, Dataset]]:
    """Pair the files of each disclosure and give them one ``disclosure_id`` and one department row.

    Files of one disclosure share department, phase, scope and year. A file that prints no year (the tables PDF
    of a split disclosure) joins the disclosure of its department; when several years fit, the one whose narrative
    states its 收支总表 totals. It is refused when none fits, or more than one.
    """
    groups: dict[tuple[object, ...], list[PdfRead]] = {}
    for read in reads:
        identity = read.identity
        if identity.fiscal_year is not None:
            key = (identity.department_id, identity.fiscal_year, identity.phase, identity.scope)
            groups.setdefault(key, []).append(read)
    out: list[tuple[PdfRead, Dataset]] = []
    for read in reads:
        if read.part is None:
            continue
        matches = [key for key in groups if key[0] == read.identity.department_id and key[2] == read.identity.phase]
        if len(matches) > 1:
            matches = _agreeing_groups(read.part, {key: groups[key] for key in matches})
        if len(matches) != 1:
            problem = "no other file of this batch" if not matches else f"{len(matches)} disclosures of this batch"
            raise ReaderError(
                read.name,
                "",
                f"no fiscal year is printed and {problem} fit it ({read.identity.department}); ingest a tables-only "
                "PDF together with the narrative PDF of the same year",
            )
        identity = next(r.identity for r in groups[matches[0]] if r.dataset is not None)
        dataset = rows_to_dataset(extract_part(read.part, identity, ""), read.sha256[:16], identity.department_id)
        groups[matches[0]].append(PdfRead(read.name, read.sha256, identity, dataset, None))
    for members in groups.values():
        disclosure_id = hashlib.sha256("".join(sorted(m.sha256 for m in members)).encode()).hexdigest()[:16]
        # One department row per disclosure: the file that states the most facts (the narrative, usually).
        best = max(members, key=lambda m: _fact_count(m.dataset))
        for member in members:
            dataset = member.dataset
            assert dataset is not None  # every member was extracted above
            documents = dataset.documents.with_columns(pl.lit(disclosure_id).alias(s.DISCLOSURE_ID))
            departments = dataset.departments if member is best else dataset.departments.clear()
            # Validated in the worker; only a constant column and a dropped row change here.
            out.append((member, dataclasses.replace(dataset, documents=documents, departments=departments)))
    return out


def _fact_count(dataset: Dataset | None) -> int:
    if dataset is None or dataset.departments.is_empty():
        return -1
    facts_columns = [s.UNIT_TYPE, s.STAFF_AUTHORIZED, s.STAFF_ACTUAL, s.SUBORDINATE_UNITS]
    return int(dataset.departments.select(pl.sum_horizontal(pl.col(facts_columns).is_not_null())).item())


def _agreeing_groups(part: PdfPart, candidates: dict[tuple[object, ...], list[PdfRead]]) -> list[tuple[object, ...]]:
    """The candidate disclosures whose narrative states the totals that this tables-only part prints.

    Two years of one department both fit an undated tables PDF; the figures decide: the narrative of its own year
    states the totals of its 收支总表 (收入预算 X 万元 …).
    """
    rows, _ = extract_tables(list(part.lines), doc_name=part.name, fiscal_year=0, phase=part.identity.phase)
    totals = {r[s.AMOUNT_YUAN] for r in rows if r[s.CLASSIFICATION] == "total"}
    scores: dict[tuple[object, ...], int] = {}
    for key, members in candidates.items():
        stated = {
            amount
            for member in members
            if member.dataset is not None
            for amount in member.dataset.statements.get_column(s.AMOUNT_YUAN).to_list()
        }
        scores[key] = len(totals & stated)
    best = max(scores.values(), default=0)
    return [key for key, score in scores.items() if score == best and best > 0]


def extract_part(part: PdfPart, identity: facts.DocumentIdentity, disclosure_id: str) -> dict[str, object]:
    """Rows of every table of the contract that one PDF file holds, under its disclosure's identity."""
    year = identity.fiscal_year
    if year is None:  # pragma: no cover - group_parts gives every group a dated identity
        raise ReaderError(part.name, "", "no fiscal year")
    reading: list[dict[str, object]] = []
    table_rows, found = extract_tables(
        list(part.lines), doc_name=part.name, fiscal_year=year, phase=identity.phase, findings=reading
    )
    department = facts.extract_department(part.document, identity)
    statements = extract_statements(part.document, year=year)
    by_number = {i: line for i, line in enumerate(part.lines, start=1)}
    indicators = degraded(
        reading,
        "indicators",
        lambda: extract_indicators(part.document, year=year),
        page_of=lambda n: by_number[n].page if n in by_number else None,
    )
    for row in (department, *statements, *indicators):
        number = row.get(s.LINE)
        if isinstance(number, int) and number in by_number:
            row[s.PAGE] = by_number[number].page
            row[s.LINE] = by_number[number].number
    document = document_row(
        sha256=part.sha256,
        name=part.name,
        source_format="pdf",
        identity=identity,
        fiscal_year=year,
        unit_printed=printed_unit(found),
        parser_version=PARSER_VERSION,
        page_count=part.page_count,
        disclosure_id=disclosure_id,
    )
    return {
        s.DOCUMENTS: [document],
        s.DEPARTMENTS: [department],
        s.LINES: table_rows,
        s.STATEMENTS: statements,
        s.INDICATORS: indicators,
        s.DOCUMENT_TABLES: found,
        s.READING_FINDINGS: reading,
        s.DOCUMENT_TEXT: text_rows((line.page, line.number, line.text) for line in part.lines),
    }
