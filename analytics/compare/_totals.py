"""Income and expenditure totals per department and year, as a 收支总表 states them."""

from __future__ import annotations

import polars as pl

from analytics import schema as s
from analytics.compare._common import latest_names, prefer, scopes

__all__ = ["TOTAL_SOURCES", "yearly_totals"]

#: Tables that state a department's income and expenditure totals, most authoritative first.
TOTAL_SOURCES = ("income_expenditure_summary", "performance_fund_composition")


def yearly_totals(
    lines: pl.DataFrame, departments: pl.DataFrame | None = None, documents: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Income and expenditure totals per department and year, one figure per (department, year, side).

    Where several documents state the same year (a 2023 budget also prints 2022 and 2021), the figure of that
    year's own document wins, then (given ``documents``) a 部门 disclosure over a 单位 one of the same department,
    then the most recent document, then the most authoritative table.

    Parameters
    ----------
    lines
        The ``lines`` table.
    departments
        The ``departments`` table; when given, the department name is joined on.
    documents
        The ``documents`` table; when given, a department's own disclosure (scope ``department``) is preferred.

    Returns
    -------
    pl.DataFrame
        Columns ``department_id, fiscal_year, side, amount_yuan, as_of_year, doc_id, table, verification,
        verified_by`` (how far the reading of the line is confirmed, and by what) and, given ``departments``,
        ``name``.

    Examples
    --------
    >>> from decimal import Decimal
    >>> from analytics.schema import empty_frame
    >>> yearly_totals(empty_frame("lines")).columns[-4:]
    ['doc_id', 'table', 'verification', 'verified_by']
    """
    rank = pl.col(s.TABLE).replace_strict(
        {name: i for i, name in enumerate(TOTAL_SOURCES)}, default=len(TOTAL_SOURCES), return_dtype=pl.Int32
    )
    scoped = lines.lazy()
    if documents is not None:
        scoped = scoped.join(scopes(documents), on=s.DOC_ID, how="left")
    else:
        scoped = scoped.with_columns(pl.lit(False).alias("_not_department"))
    stated = scoped.filter(
        (pl.col(s.CLASSIFICATION) == "total") & (pl.col(s.COLUMN) == "total") & pl.col(s.TABLE).is_in(TOTAL_SOURCES)
    ).with_columns(rank.alias("_rank"))
    totals = prefer(stated, [s.DEPARTMENT_ID, s.FISCAL_YEAR, s.SIDE]).select(
        s.DEPARTMENT_ID,
        s.FISCAL_YEAR,
        s.SIDE,
        s.AMOUNT_YUAN,
        s.AS_OF_YEAR,
        s.DOC_ID,
        s.TABLE,
        s.VERIFICATION,
        s.VERIFIED_BY,
    )
    if departments is not None:
        totals = totals.join(latest_names(departments), on=s.DEPARTMENT_ID, how="left")
    # Income before expenditure, years ascending: the order a reader of a 收支总表 expects.
    side_order = pl.col(s.SIDE).replace_strict({"income": 0, "expenditure": 1}, default=2, return_dtype=pl.Int8)
    return totals.sort([pl.col(s.DEPARTMENT_ID), side_order, pl.col(s.FISCAL_YEAR)]).collect()
