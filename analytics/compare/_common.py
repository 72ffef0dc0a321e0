"""Pieces every comparison shares: which printed figure wins, and a department's latest name."""

from __future__ import annotations

import polars as pl

from analytics import schema as s


def scopes(documents: pl.DataFrame | pl.LazyFrame, *columns: str) -> pl.LazyFrame:
    """``doc_id`` (and ``columns``) of each document with ``_not_department``: a 单位 rather than a 部门 disclosure."""
    return documents.lazy().select(s.DOC_ID, *columns, (pl.col(s.SCOPE) != "department").alias("_not_department"))


def prefer(frame: pl.LazyFrame, keys: list[str]) -> pl.LazyFrame:
    """One row per ``keys``: the year's own document first, then a department's disclosure, then the most recent
    document, then the lowest ``_rank`` (the most authoritative table).

    ``frame`` carries ``fiscal_year``, ``as_of_year``, ``_not_department`` (see :func:`scopes`) and ``_rank``.
    """
    return (
        frame.with_columns((pl.col(s.AS_OF_YEAR) != pl.col(s.FISCAL_YEAR)).alias("_not_own_year"))
        .sort(["_not_own_year", "_not_department", s.AS_OF_YEAR, "_rank"], descending=[False, False, True, False])
        .group_by(keys, maintain_order=True)
        .first()
    )


def latest_names(departments: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """``department_id, name``: each department's name in its latest year."""
    return departments.lazy().sort(s.FISCAL_YEAR).group_by(s.DEPARTMENT_ID).agg(pl.col(s.NAME).last())
