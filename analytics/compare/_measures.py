"""Headline measures per department and year, from whichever table states them, and their trends.

A measure (收入合计, 基本支出, 人员经费 …) may be printed by several tables and several documents (a 2023 budget
prints 2022 and 2021 as well): the figure of the year's own document wins, then a department's own disclosure over
a unit's, then the most recent document, then the most authoritative table.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from analytics import schema as s
from analytics.compare import _columns as c
from analytics.compare._common import latest_names, prefer, scopes
from analytics.store import Dataset

__all__ = ["COMPONENT_LABELS", "MEASURE_LABELS", "measures", "trends"]

MEASURE_LABELS = {
    "income_total": ("收入合计", "Income"),
    "expenditure_total": ("支出合计", "Expenditure"),
    "basic": ("基本支出", "Basic spending"),
    "project": ("项目支出", "Project spending"),
    "personnel": ("人员经费", "Personnel costs"),
    "public": ("公用经费", "Public (office) costs"),
    "three_public": ("三公经费", "Three public expenses"),
}
#: Chinese and English labels of the keyed components of the ``category`` dimension (other components are printed
#: names and show as they are).
COMPONENT_LABELS = {
    "basic": MEASURE_LABELS["basic"],
    "project": MEASURE_LABELS["project"],
    "reserve": ("预备费", "Reserve fund"),
}

_COMPOSITION = "performance_fund_composition"


def _candidates(lines: pl.LazyFrame) -> pl.LazyFrame:
    """Every printed figure that states a measure, with the rank of its source table (lower wins)."""
    total_rows = pl.col(s.CLASSIFICATION) == "total"
    figure = [s.DEPARTMENT_ID, s.FISCAL_YEAR, s.AS_OF_YEAR, s.DOC_ID]

    def stated(frame: pl.LazyFrame, measure: str, rank: int) -> pl.LazyFrame:
        return frame.select(*figure, s.AMOUNT_YUAN, pl.lit(measure).alias(c.MEASURE), pl.lit(rank).alias("_rank"))

    def pick(measure: str, rank: int, condition: pl.Expr) -> pl.LazyFrame:
        return stated(lines.filter(condition), measure, rank)

    def summed(condition: pl.Expr) -> pl.LazyFrame:
        """The sum of the rows of each figure (department, year, document) that meet ``condition``, and their count."""
        return lines.filter(condition).group_by(figure).agg(pl.col(s.AMOUNT_YUAN).sum(), pl.len().alias("_n"))

    table = pl.col(s.TABLE)
    column = pl.col(s.COLUMN)
    name = pl.col(s.NAME)
    composition_part = (table == _COMPOSITION) & (pl.col(s.SIDE) == "expenditure")
    parts = [
        # A 收支总表 may split its expenditure total by column (基本 / 项目 …): only the 合计 column is the total.
        pick(
            "income_total",
            0,
            (table == "income_expenditure_summary") & total_rows & (pl.col(s.SIDE) == "income") & (column == "total"),
        ),
        pick("income_total", 1, (table == _COMPOSITION) & total_rows & (pl.col(s.SIDE) == "income")),
        pick(
            "expenditure_total",
            0,
            (table == "income_expenditure_summary")
            & total_rows
            & (pl.col(s.SIDE) == "expenditure")
            & (column == "total"),
        ),
        pick("expenditure_total", 1, composition_part & total_rows),
        pick("basic", 0, (table == "expenditure_summary") & total_rows & (column == "basic")),
        pick("project", 0, (table == "expenditure_summary") & total_rows & (column == "project")),
        pick("project", 1, composition_part & name.str.contains("特定目标")),
        pick("personnel", 0, (table == "general_budget_basic_economic") & total_rows & (column == "personnel")),
        pick("personnel", 1, composition_part & name.str.contains("人员类")),
        pick("public", 0, (table == "general_budget_basic_economic") & total_rows & (column == "public")),
        pick("public", 1, composition_part & name.str.contains("运转类")),
    ]
    # 基本支出 of a composition table is 人员类 + 运转类 (人员经费 + 公用经费).
    basic_parts = summed(composition_part & (name.str.contains("人员类") | name.str.contains("运转类")))
    three_public_columns = column.is_in(["overseas_travel", "vehicles", "reception"])
    three_public = summed((table == "three_public_and_operation") & total_rows & three_public_columns)
    return pl.concat(
        [*parts, stated(basic_parts.filter(pl.col("_n") == 2), "basic", 1), stated(three_public, "three_public", 0)],
        how="vertical",
    )


def measures(ds: Dataset, *, phase: str = "budget") -> pl.DataFrame:
    """One figure per department, year and measure (long form), with the department's name.

    Parameters
    ----------
    ds
        The dataset.
    phase
        ``"budget"`` (预算) or ``"final"`` (决算): the two are never mixed in one series.

    Returns
    -------
    pl.DataFrame
        ``department_id, name, fiscal_year, measure, amount_yuan, doc_id``.

    Examples
    --------
    >>> from analytics.store import Dataset
    >>> measures(Dataset.empty()).columns
    ['department_id', 'name', 'fiscal_year', 'measure', 'amount_yuan', 'doc_id']
    """
    candidates = (
        _candidates(ds.lines.lazy())
        .join(scopes(ds.documents, s.PHASE), on=s.DOC_ID, how="inner")
        .filter(pl.col(s.PHASE) == phase)
    )
    picked = (
        prefer(candidates, [s.DEPARTMENT_ID, s.FISCAL_YEAR, c.MEASURE])
        .join(latest_names(ds.departments), on=s.DEPARTMENT_ID, how="left")
        .select(
            s.DEPARTMENT_ID,
            pl.coalesce(pl.col(s.NAME), pl.col(s.DEPARTMENT_ID)).alias(s.NAME),
            s.FISCAL_YEAR,
            c.MEASURE,
            pl.col(s.AMOUNT_YUAN).cast(s.MONEY),
            s.DOC_ID,
        )
        .sort(s.DEPARTMENT_ID, c.MEASURE, s.FISCAL_YEAR)
    )
    return picked.collect()


def trends(frame: pl.DataFrame, *, cpi: pl.DataFrame | None = None, base_year: int | None = None) -> pl.DataFrame:
    """Year-on-year change, index (first year = 100) and CAGR per department and measure.

    Parameters
    ----------
    frame
        The long frame of ``measures`` (``department_id, name, fiscal_year, measure, amount_yuan``).
    cpi
        Optional price index (``fiscal_year, cpi``; any base), to add ``deflated_yuan`` in prices of ``base_year``
        (default: the latest year of the index).

    Returns
    -------
    pl.DataFrame
        The input columns plus ``change_yuan`` (Decimal), ``change_pct``, ``index``, ``cagr_pct`` (Float64; CAGR over
        the department-measure's first and last year, on every row) and, with ``cpi``, ``deflated_yuan``.

    Examples
    --------
    >>> from decimal import Decimal
    >>> frame = pl.DataFrame(
    ...     {"department_id": ["d"] * 3, "name": ["某局"] * 3, "fiscal_year": [2021, 2022, 2023],
    ...      "measure": ["income_total"] * 3,
    ...      "amount_yuan": [Decimal("23302800"), Decimal("16526200"), Decimal("13701900")]},
    ...     schema_overrides={"fiscal_year": pl.Int32, "amount_yuan": pl.Decimal(18, 2)},
    ... )
    >>> trends(frame).select("change_pct", "cagr_pct").with_columns(pl.all().round(1)).rows()
    [(None, -23.3), (-29.1, -23.3), (-17.1, -23.3)]
    """
    keys = [s.DEPARTMENT_ID, c.MEASURE]
    amount = pl.col(s.AMOUNT_YUAN)
    as_float = amount.cast(pl.Float64)
    first_year = pl.col(s.FISCAL_YEAR).first().over(keys)
    span = (pl.col(s.FISCAL_YEAR).last().over(keys) - first_year).cast(pl.Float64)
    first = as_float.first().over(keys)
    last = as_float.last().over(keys)
    out = (
        frame.lazy()
        .sort([*keys, s.FISCAL_YEAR])
        .with_columns(
            (amount - amount.shift(1).over(keys)).cast(s.MONEY).alias(c.CHANGE_YUAN),
            ((as_float / as_float.shift(1).over(keys) - 1) * 100).alias(c.CHANGE_PCT),
            (as_float / first * 100).alias(c.INDEX),
            pl.when((span > 0) & (first > 0) & (last > 0))
            .then(((last / first) ** (1 / span) - 1) * 100)
            .otherwise(None)
            .alias(c.CAGR_PCT),
        )
    )
    if cpi is not None:
        base = cpi.sort(s.FISCAL_YEAR).filter(
            pl.col(s.FISCAL_YEAR) == (base_year if base_year is not None else cpi.get_column(s.FISCAL_YEAR).max())
        )
        if base.is_empty():
            raise ValueError(f"no CPI for the base year {base_year}")
        base_value = Decimal(str(base.get_column("cpi").item()))
        factors = cpi.lazy().select(
            s.FISCAL_YEAR, (pl.lit(base_value) / pl.col("cpi").cast(pl.Decimal(20, 6))).alias("_factor")
        )
        out = (
            out.join(factors, on=s.FISCAL_YEAR, how="left")
            .with_columns((amount * pl.col("_factor")).round(2).cast(s.MONEY).alias(c.DEFLATED_YUAN))
            .drop("_factor")
        )
    return out.collect()
