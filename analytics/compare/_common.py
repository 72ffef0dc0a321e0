"""Pieces every comparison shares: which printed figure wins, and a department's latest name."""

from __future__ import annotations

import polars as pl

from analytics import schema as s


def scopes(documents: pl.DataFrame | pl.LazyFrame, *columns: str) -> pl.LazyFrame:
    """``doc_id`` (and ``columns``) of each document with ``_not_department``: a 单位 rather than a 部门 disclosure."""
    return documents.lazy().select(s.DOC_ID, *columns, (pl.col(s.SCOPE) != "department").alias("_not_department"))


def prefer(frame: pl.LazyFrame, keys: list[str]) -> pl.LazyFrame:
    """One row per ``keys``: the figure every comparison takes when several documents or tables print it.

    In order: the year's own document first, then a department's disclosure (over a unit's), then a budget (over a
    final account, which only matters when ``frame`` mixes phases: callers that compare one phase filter on it
    first), then the most recent document, then the lowest ``_rank`` (the most authoritative table), then the
    lowest ``doc_id`` and, as the last resort, the lowest amount. The last two make the pick the same whatever the
    order of the rows: rows that tie on every one of these are the same figure of the same document. The rows come
    out in the order of ``keys``.

    ``frame`` carries ``fiscal_year``, ``as_of_year``, ``_not_department`` (see :func:`scopes`) and ``_rank``; the
    ``phase``, ``doc_id`` and ``amount_yuan`` keys are used when it has those columns.

    Examples
    --------
    >>> frame = pl.LazyFrame(
    ...     {
    ...         "department_id": ["甲局"] * 3,
    ...         "fiscal_year": [2024] * 3,
    ...         "as_of_year": [2024] * 3,
    ...         "_not_department": [False] * 3,
    ...         "_rank": [0] * 3,
    ...         "doc_id": ["b", "a", "a"],
    ...         "amount_yuan": [1, 3, 2],
    ...     }
    ... )
    >>> prefer(frame, ["department_id", "fiscal_year"]).collect().select("doc_id", "amount_yuan").row(0)
    ('a', 2)
    """
    columns = frame.collect_schema().names()
    order: list[tuple[pl.Expr, bool]] = [
        ((pl.col(s.AS_OF_YEAR) != pl.col(s.FISCAL_YEAR)).alias("_not_own_year"), False),
        (pl.col("_not_department"), False),
    ]
    if s.PHASE in columns:
        order.append(((pl.col(s.PHASE) != "budget").alias("_not_budget"), False))
    order += [(pl.col(s.AS_OF_YEAR), True), (pl.col("_rank"), False)]
    order += [(pl.col(column), False) for column in (s.DOC_ID, s.AMOUNT_YUAN) if column in columns]
    return (
        frame.sort(
            [expr for expr, _ in order],
            descending=[descending for _, descending in order],
            nulls_last=True,
            maintain_order=True,
        )
        .group_by(keys, maintain_order=True)
        .first()
        # Groups whose best rows tie would come out in the order of the input: by their keys, they never move.
        .sort(keys, nulls_last=True)
    )


def latest_names(departments: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """``department_id, name``: each department's name in its latest year."""
    return departments.lazy().sort(s.FISCAL_YEAR).group_by(s.DEPARTMENT_ID).agg(pl.col(s.NAME).last())
