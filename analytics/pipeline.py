"""The whole ingest flow, shared by the command line and the app: read files, refresh every flag, store atomically.

A batch with any unreadable file stores nothing: the dataset stays as it was and every reader error is returned.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from analytics import schema as s
from analytics.checks import with_flags
from analytics.errors import ReaderError
from analytics.ingest import read_batch
from analytics.store import Dataset, update_dataset

__all__ = ["IngestOutcome", "all_flags", "ingest_files", "read_summary"]


def all_flags(ds: Dataset) -> Dataset:
    """``ds`` with its flags recomputed: every rule, then every anomaly model."""
    from analytics.anomaly import with_anomaly_flags  # scikit-learn loads only when flags are computed

    return with_anomaly_flags(with_flags(ds))


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
) -> IngestOutcome:
    """Read ``paths`` and add them to ``dataset`` (replacing documents read before), all or nothing.

    Examples
    --------
    >>> outcome = ingest_files([])
    >>> outcome.stored is None, outcome.errors
    (True, [])
    """
    if not paths:
        return IngestOutcome(stored=None)
    batch = read_batch(paths, progress=progress, workers=workers)
    if batch.errors:
        return IngestOutcome(stored=None, read=list(batch.read), errors=list(batch.errors))
    stored = update_dataset(batch.merged(), dataset, refresh=all_flags)
    return IngestOutcome(stored=stored, read=list(batch.read))


def read_summary(read: Sequence[tuple[Path, Dataset]]) -> pl.DataFrame:
    """One row per file read: file, department, year, phase and the rows of each table."""
    rows = []
    for path, ds in read:
        document = ds.documents.row(0, named=True)
        rows.append(
            {"file": path.name, "department": document[s.DEPARTMENT], "year": document[s.FISCAL_YEAR],
             "phase": document[s.PHASE], **{name: frame.height for name, frame in ds.tables.items()}}
        )  # fmt: skip
    schema = {"file": pl.String, "department": pl.String, "year": pl.Int32, "phase": pl.String}
    return pl.DataFrame(rows, schema={**schema, **dict.fromkeys(s.TABLES, pl.Int64)})
