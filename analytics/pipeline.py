"""The whole ingest flow, shared by the command line and the app: read files, refresh every flag, store atomically.

A batch with any unreadable file stores nothing: the dataset stays as it was and every reader error is returned.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from analytics import schema as s
from analytics.checks import with_flags
from analytics.errors import ReaderError
from analytics.ingest import read_batch
from analytics.store import Dataset, remove_documents, update_dataset

__all__ = ["SUMMARY_COLUMNS", "IngestOutcome", "all_flags", "ingest_files", "read_summary"]


class _AllFlags:
    """The store's refresh of every flag: ``all_flags(ds)`` runs every rule, then every anomaly model.

    ``since`` does the same after a change to a few departments (an ingest, a removal): the rules run on those
    departments only, the others' rule flags are kept (``analytics.checks.checks_since``); the anomaly models,
    which compare departments with their peers, run on the whole dataset. ``fingerprint`` names the code the flags
    come from, so that flags derived by another version are derived again in full.
    """

    def __call__(self, ds: Dataset) -> Dataset:
        from analytics.anomaly import with_anomaly_flags  # scikit-learn loads only when flags are computed

        return with_anomaly_flags(with_flags(ds))

    def since(self, ds: Dataset, flags: pl.DataFrame, departments: frozenset[str]) -> Dataset:
        from analytics.anomaly import with_anomaly_flags
        from analytics.checks import checks_since

        return with_anomaly_flags(dataclasses.replace(ds, flags=checks_since(ds, flags, departments)))

    def fingerprint(self) -> str:
        return code_fingerprint()


#: ``all_flags(ds)``: ``ds`` with its flags recomputed, every rule then every anomaly model (see ``_AllFlags``).
all_flags = _AllFlags()


@functools.cache
def code_fingerprint() -> str:
    """A hash of the library's code, settings and reference tables: what flags depend on besides the data."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in {".py", ".toml", ".csv"} and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class IngestOutcome:
    """What an ingest did: the stored dataset (``None`` when nothing was stored), what was read, what failed."""

    stored: Dataset | None
    read: list[tuple[Path, Dataset]] = field(default_factory=list)
    errors: list[ReaderError] = field(default_factory=list)


def ingest_files(
    paths: Sequence[str | os.PathLike[str]],
    dataset: str | os.PathLike[str] | None = None,
    *,
    progress: Callable[[Path], None] | None = None,
    workers: int | None = None,
    names: Sequence[str] | None = None,
) -> IngestOutcome:
    """Read ``paths`` and add them to ``dataset`` (replacing documents read before), all or nothing; ``names``
    are the files' ``source_name`` when not their file names (``analytics.ingest.read_batch``).

    Examples
    --------
    >>> outcome = ingest_files([])
    >>> outcome.stored is None, outcome.errors
    (True, [])
    """
    if not paths:
        return IngestOutcome(stored=None)
    batch = read_batch(paths, progress=progress, workers=workers, names=names)
    if batch.errors:
        return IngestOutcome(stored=None, read=list(batch.read), errors=list(batch.errors))
    # The files themselves are kept with the dataset, so that any figure can be shown on its page.
    stored = update_dataset(batch.merged(), dataset, refresh=all_flags, sources=paths)
    return IngestOutcome(stored=stored, read=list(batch.read))


def remove_files(names: Sequence[str], dataset: str | os.PathLike[str] | None = None) -> tuple[Dataset, list[str]]:
    """Remove the documents ``names`` (file names or doc_ids) from ``dataset`` and derive the flags again; returns
    the stored dataset and the removed doc_ids. Nothing is written when a name is not held (``DatasetError``)."""
    return remove_documents(names, dataset, refresh=all_flags)


#: Columns of ``read_summary``: the file and its disclosure, what was read, and its disclosure's reading report.
SUMMARY_COLUMNS = (
    "file",
    "department",
    "year",
    "phase",
    s.SCOPE,
    s.LINES,
    s.STATEMENTS,
    s.INDICATORS,
    "tables_expected",
    "tables_found",
    "tables_missing",
    "tables_unreadable",
    "share_verified",
    s.READING_FINDINGS,
    "reading_pages",
)


def read_summary(read: Sequence[tuple[Path, Dataset]], dataset: Dataset | None = None) -> pl.DataFrame:
    """One row per file read: file, department, year, phase and scope, the rows of lines, statements and
    indicators it gave, and the reading report of its disclosure (``analytics.reading.reading_report``).

    The reading report is taken from ``dataset`` when given (the dataset the files were stored in: a disclosure
    whose other file was stored before counts whole), else from the files read. ``tables_missing`` and
    ``tables_unreadable`` list table keys, ``share_verified`` is a fraction (``None`` without table figures) and
    ``reading_pages`` the pages the reading findings point to.

    Examples
    --------
    >>> read_summary([]).columns[:4]
    ['file', 'department', 'year', 'phase']
    """
    from analytics.reading import reading_report

    merged = Dataset.empty()
    rows = []
    for path, ds in read:
        merged = merged.replace_documents(ds)
        document = ds.documents.row(0, named=True)
        rows.append(
            {"file": path.name, "department": document[s.DEPARTMENT], "year": document[s.FISCAL_YEAR],
             "phase": document[s.PHASE], s.SCOPE: document[s.SCOPE], s.DISCLOSURE_ID: document[s.DISCLOSURE_ID],
             s.LINES: ds.lines.height, s.STATEMENTS: ds.statements.height, s.INDICATORS: ds.indicators.height}
        )  # fmt: skip
    schema = {"file": pl.String, "department": pl.String, "year": pl.Int32, "phase": pl.String, s.SCOPE: pl.String}
    counts = dict.fromkeys((s.LINES, s.STATEMENTS, s.INDICATORS), pl.Int64)
    files = pl.DataFrame(rows, schema={**schema, s.DISCLOSURE_ID: pl.String, **counts}, orient="row")
    source = dataset if dataset is not None else merged
    findings = source.reading_findings.join(source.documents.select(s.DOC_ID, s.DISCLOSURE_ID), on=s.DOC_ID)
    where = findings.group_by(s.DISCLOSURE_ID).agg(pl.col(s.PAGE).drop_nulls().unique().sort().alias("reading_pages"))
    report = reading_report(source).select(
        s.DISCLOSURE_ID,
        "tables_expected",
        "tables_found",
        "tables_missing",
        "tables_unreadable",
        "share_verified",
        s.READING_FINDINGS,
    )
    return (
        files.join(report, on=s.DISCLOSURE_ID, how="left")
        .join(where, on=s.DISCLOSURE_ID, how="left")
        .with_columns(pl.col("reading_pages").fill_null(pl.lit([], pl.List(pl.Int32))))
        .select(SUMMARY_COLUMNS)
    )
