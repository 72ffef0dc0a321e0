"""Decomposition of changes, structure and its shift, per-staff figures, peers, budget execution."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import polars as pl

from analytics import schema as s
from analytics.compare import _columns as c
from analytics.compare._common import latest_names, prefer, scopes
from analytics.compare._measures import PHASE_BASES, measures, measures_by_basis
from analytics.store import Dataset

__all__ = [
    "ADJUSTED_BUDGET_YUAN",
    "BUDGET_DOC_ID",
    "CLASSIFIED_TABLES",
    "DIMENSIONS",
    "FINAL_DOC_ID",
    "MIN_PEER_GROUP",
    "components",
    "composition_shift",
    "decompose_change",
    "execution_rates",
    "latest_peer_group",
    "one_source",
    "peer_groups",
    "peer_stats",
    "per_staff",
    "structure",
]

#: The fewest departments a peer group needs for a rank or a percentile to mean something: in a group of two,
#: "first" says little more than "larger than the other one". Below it, ``peer_stats`` leaves rank and percentile
#: empty (the median and quartiles stay), and the charts and briefs say why there is no rank.
MIN_PEER_GROUP = 5

Dimension = Literal["category", "function", "economic", "project", "source"]
#: What a change or a structure can be broken down by, with the Chinese label.
DIMENSIONS: dict[str, str] = {
    "category": "支出构成（基本 / 项目）",
    "function": "支出功能分类（类）",
    "economic": "支出经济分类（类）",
    "project": "项目",
    "source": "收入来源",
}
_COMPOSITION = "performance_fund_composition"
_UNLISTED = "未列明部分"


#: The tables that print the 科目 of each classification, most authoritative first: the figures of a department-year's
#: 类 (and their 款 and 项) are those of one of them, see :func:`one_source`.
CLASSIFIED_TABLES: dict[str, tuple[str, ...]] = {
    "function": ("expenditure_summary", "general_budget_function"),
    "economic": ("general_budget_basic_economic", "fiscal_appropriation_basic_economic"),
}


def one_source(picked: pl.LazyFrame, documents: pl.DataFrame) -> pl.LazyFrame:
    """``department_id, fiscal_year, doc_id, _rank``: the one document and table (``_rank``) each department-year's
    components are taken from, as :func:`~analytics.compare._common.prefer` picks it among those of ``picked``
    (which carries ``department_id, fiscal_year, as_of_year, doc_id, _rank``). One source, because components from
    different tables or documents need not add up."""
    base = [s.DEPARTMENT_ID, s.FISCAL_YEAR, s.AS_OF_YEAR, s.DOC_ID, "_rank"]
    sources = picked.select(base).unique().join(scopes(documents), on=s.DOC_ID, how="inner")
    return prefer(sources, [s.DEPARTMENT_ID, s.FISCAL_YEAR]).select(s.DEPARTMENT_ID, s.FISCAL_YEAR, s.DOC_ID, "_rank")


def components(ds: Dataset, dimension: Dimension, *, phase: str = "budget") -> pl.DataFrame:
    """The components of a department's spending (or income, for ``source``) per year, one figure each.

    ``category``: 人员类 / 运转类 / 特定目标类 of the 绩效目标申报表, else 基本支出 / 项目支出 of the 支出总表;
    ``function`` and ``economic``: the 类 rows of the 支出总表 / 一般公共预算 tables; ``project``: the project list;
    ``source``: income sources.

    Returns
    -------
    pl.DataFrame
        ``department_id, fiscal_year, component, amount_yuan``.
    """
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}; expected one of {', '.join(DIMENSIONS)}")
    lines = ds.lines.lazy().filter(pl.col(s.PHASE) == phase)
    base = [s.DEPARTMENT_ID, s.FISCAL_YEAR, s.AS_OF_YEAR, s.DOC_ID]
    spending = pl.col(s.SIDE) == "expenditure"
    if dimension == "project":
        picked = ds.projects.lazy().select(
            s.DEPARTMENT_ID,
            s.FISCAL_YEAR,
            pl.col(s.FISCAL_YEAR).alias(s.AS_OF_YEAR),
            s.DOC_ID,
            pl.col(s.NAME).alias(c.COMPONENT),
            pl.col(s.YEAR_BUDGET_YUAN).alias(s.AMOUNT_YUAN),
            pl.lit(0).alias("_rank"),
        )
    elif dimension in {"category", "source"}:
        # The composition table first; else the 支出总表's 基本 / 项目 columns, or the 收支总表's income sources.
        side = spending if dimension == "category" else pl.col(s.SIDE) == "income"
        composition = lines.filter(
            (pl.col(s.TABLE) == _COMPOSITION) & side & (pl.col(s.CLASSIFICATION) == dimension)
        ).select(*base, pl.col(s.NAME).alias(c.COMPONENT), s.AMOUNT_YUAN, pl.lit(0).alias("_rank"))
        if dimension == "category":
            fallback = lines.filter(
                (pl.col(s.TABLE) == "expenditure_summary")
                & (pl.col(s.CLASSIFICATION) == "total")
                & pl.col(s.COLUMN).is_in(["basic", "project", "reserve"])
            ).select(*base, pl.col(s.COLUMN).alias(c.COMPONENT), s.AMOUNT_YUAN, pl.lit(1).alias("_rank"))
        else:
            fallback = lines.filter(
                (pl.col(s.TABLE) == "income_expenditure_summary") & (pl.col(s.CLASSIFICATION) == "source") & side
            ).select(*base, pl.col(s.NAME).alias(c.COMPONENT), s.AMOUNT_YUAN, pl.lit(1).alias("_rank"))
        picked = pl.concat([composition, fallback])
    else:
        tables = list(CLASSIFIED_TABLES[dimension])
        picked = lines.filter(
            pl.col(s.TABLE).is_in(tables)
            & (pl.col(s.CLASSIFICATION) == dimension)
            & (pl.col(s.LEVEL) == 1)
            & (pl.col(s.COLUMN) == "total")
        ).select(
            *base,
            (pl.col(s.CODE) + " " + pl.col(s.NAME)).alias(c.COMPONENT),
            s.AMOUNT_YUAN,
            pl.col(s.TABLE).replace_strict({t: i for i, t in enumerate(tables)}, return_dtype=pl.Int32).alias("_rank"),
        )
    return (
        picked.join(one_source(picked, ds.documents), on=[s.DEPARTMENT_ID, s.FISCAL_YEAR, s.DOC_ID, "_rank"])
        .group_by(s.DEPARTMENT_ID, s.FISCAL_YEAR, c.COMPONENT)
        .agg(pl.col(s.AMOUNT_YUAN).sum().cast(s.MONEY))
        .sort(s.DEPARTMENT_ID, s.FISCAL_YEAR, c.COMPONENT)
        .collect()
    )


def decompose_change(
    ds: Dataset,
    department_id: str,
    from_year: int,
    to_year: int,
    dimension: Dimension = "category",
    *,
    measure: str = "expenditure_total",
) -> pl.DataFrame:
    """Which components drove a department's change between two years; contributions add up exactly to the change
    of ``measure`` (a part no component explains is its own row, 未列明部分).

    Returns
    -------
    pl.DataFrame
        ``department_id, dimension, component, from_year, to_year, amount_from, amount_to, contribution_yuan``
        (Decimal) and ``contribution_share`` (Float64, of the total change).
    """
    parts = components(ds, dimension).filter(
        (pl.col(s.DEPARTMENT_ID) == department_id) & pl.col(s.FISCAL_YEAR).is_in([from_year, to_year])
    )
    wide = (
        parts.pivot(on=s.FISCAL_YEAR, index=c.COMPONENT, values=s.AMOUNT_YUAN)
        if not parts.is_empty()
        else pl.DataFrame(schema={c.COMPONENT: pl.String})
    )
    for year in (from_year, to_year):
        if str(year) not in wide.columns:
            wide = wide.with_columns(pl.lit(None, s.MONEY).alias(str(year)))
    table = wide.select(
        c.COMPONENT,
        pl.col(str(from_year)).fill_null(0).cast(s.MONEY).alias(c.AMOUNT_FROM),
        pl.col(str(to_year)).fill_null(0).cast(s.MONEY).alias(c.AMOUNT_TO),
    )
    totals = measures(ds).filter((pl.col(s.DEPARTMENT_ID) == department_id) & (pl.col(c.MEASURE) == measure))
    total = {row[s.FISCAL_YEAR]: row[s.AMOUNT_YUAN] for row in totals.iter_rows(named=True)}
    if from_year in total and to_year in total:
        listed_from, listed_to = table.get_column(c.AMOUNT_FROM).sum(), table.get_column(c.AMOUNT_TO).sum()
        rest = pl.DataFrame(
            {
                c.COMPONENT: [_UNLISTED],
                c.AMOUNT_FROM: [total[from_year] - listed_from],
                c.AMOUNT_TO: [total[to_year] - listed_to],
            },
            schema={c.COMPONENT: pl.String, c.AMOUNT_FROM: s.MONEY, c.AMOUNT_TO: s.MONEY},
        ).filter((pl.col(c.AMOUNT_FROM) != 0) | (pl.col(c.AMOUNT_TO) != 0))
        table = pl.concat([table, rest])
    change = (pl.col(c.AMOUNT_TO) - pl.col(c.AMOUNT_FROM)).cast(s.MONEY)
    result = table.with_columns(change.alias(c.CONTRIBUTION_YUAN))
    total_change = result.get_column(c.CONTRIBUTION_YUAN).sum()
    return (
        result.with_columns(
            pl.lit(department_id).alias(s.DEPARTMENT_ID),
            pl.lit(dimension).alias(c.DIMENSION),
            pl.lit(from_year, pl.Int32).alias(c.FROM_YEAR),
            pl.lit(to_year, pl.Int32).alias(c.TO_YEAR),
            (
                pl.col(c.CONTRIBUTION_YUAN).cast(pl.Float64) / float(total_change)
                if total_change
                else pl.lit(None, pl.Float64)
            ).alias(c.CONTRIBUTION_SHARE),
        )
        .select(
            s.DEPARTMENT_ID,
            c.DIMENSION,
            c.COMPONENT,
            c.FROM_YEAR,
            c.TO_YEAR,
            c.AMOUNT_FROM,
            c.AMOUNT_TO,
            c.CONTRIBUTION_YUAN,
            c.CONTRIBUTION_SHARE,
        )
        .sort(pl.col(c.CONTRIBUTION_YUAN).abs(), descending=True)
    )


def structure(ds: Dataset, dimension: Dimension = "category", *, phase: str = "budget") -> pl.DataFrame:
    """Shares of each component in a department-year (shares sum to 1), of budgets or (``phase="final"``) finals.

    Returns
    -------
    pl.DataFrame
        ``department_id, name, fiscal_year, dimension, component, amount_yuan, share``.
    """
    parts = components(ds, dimension, phase=phase).lazy()
    total = pl.col(s.AMOUNT_YUAN).cast(pl.Float64).sum().over(s.DEPARTMENT_ID, s.FISCAL_YEAR)
    return (
        parts.join(latest_names(ds.departments), on=s.DEPARTMENT_ID, how="left")
        .with_columns(
            pl.lit(dimension).alias(c.DIMENSION),
            pl.when(total != 0).then(pl.col(s.AMOUNT_YUAN).cast(pl.Float64) / total).otherwise(None).alias(c.SHARE),
            pl.coalesce(pl.col(s.NAME), pl.col(s.DEPARTMENT_ID)).alias(s.NAME),
        )
        .select(s.DEPARTMENT_ID, s.NAME, s.FISCAL_YEAR, c.DIMENSION, c.COMPONENT, s.AMOUNT_YUAN, c.SHARE)
        .sort(s.DEPARTMENT_ID, s.FISCAL_YEAR, c.COMPONENT)
        .collect()
    )


def composition_shift(frame: pl.DataFrame, from_year: int, to_year: int) -> pl.DataFrame:
    """PEFA PI-2-style composition variance between two years, after removing the aggregate change.

    For each component, the expected amount is its first-year amount scaled by the change of the total; the
    variance is the sum of absolute deviations from it over the scaled total, in percent.

    Parameters
    ----------
    frame
        A ``structure`` frame (``department_id, fiscal_year, component, amount_yuan``).

    Returns
    -------
    pl.DataFrame
        ``department_id, from_year, to_year, shift_pct``.
    """
    amounts = frame.lazy().filter(pl.col(s.FISCAL_YEAR).is_in([from_year, to_year]))
    wide = (
        amounts.with_columns(pl.col(s.AMOUNT_YUAN).cast(pl.Float64))
        .group_by(s.DEPARTMENT_ID, c.COMPONENT)
        .agg(
            pl.col(s.AMOUNT_YUAN).filter(pl.col(s.FISCAL_YEAR) == from_year).sum().alias("_from"),
            pl.col(s.AMOUNT_YUAN).filter(pl.col(s.FISCAL_YEAR) == to_year).sum().alias("_to"),
        )
    )
    scale = pl.col("_to").sum().over(s.DEPARTMENT_ID) / pl.col("_from").sum().over(s.DEPARTMENT_ID)
    return (
        wide.with_columns((pl.col("_from") * scale).alias("_expected"))
        .group_by(s.DEPARTMENT_ID)
        .agg(
            pl.when(pl.col("_expected").sum() > 0)
            .then((pl.col("_to") - pl.col("_expected")).abs().sum() / pl.col("_expected").sum() * 100)
            .otherwise(None)
            .alias(c.SHIFT_PCT)
        )
        .with_columns(pl.lit(from_year, pl.Int32).alias(c.FROM_YEAR), pl.lit(to_year, pl.Int32).alias(c.TO_YEAR))
        .select(s.DEPARTMENT_ID, c.FROM_YEAR, c.TO_YEAR, c.SHIFT_PCT)
        .sort(s.DEPARTMENT_ID)
        .collect()
    )


def per_staff(ds: Dataset, *, measures_frame: pl.DataFrame | None = None) -> pl.DataFrame:
    """Measures per member of staff: per 编制 (``authorized``) and per 实有人数 (``actual``), same year only.

    Returns
    -------
    pl.DataFrame
        ``department_id, name, fiscal_year, measure, staff_basis, staff, per_staff_yuan`` (Decimal 元), and the
        ``stated_in``, ``verification`` and ``verified_by`` of the measure's figure (where the measures have them).
    """
    frame = measures_frame if measures_frame is not None else measures(ds)
    origin = [column for column in (c.STATED_IN, s.VERIFICATION, s.VERIFIED_BY) if column in frame.columns]
    staff = (
        ds.departments.lazy()
        .unpivot(
            index=[s.DEPARTMENT_ID, s.FISCAL_YEAR],
            on=[s.STAFF_AUTHORIZED, s.STAFF_ACTUAL],
            variable_name=c.STAFF_BASIS,
            value_name="staff",
        )
        .with_columns(
            pl.col(c.STAFF_BASIS).replace_strict({s.STAFF_AUTHORIZED: "authorized", s.STAFF_ACTUAL: "actual"}),
            pl.col("staff").cast(pl.Int32),
        )
    )
    return (
        frame.lazy()
        .join(staff, on=[s.DEPARTMENT_ID, s.FISCAL_YEAR], how="inner")
        .filter(pl.col("staff") > 0)
        .with_columns((pl.col(s.AMOUNT_YUAN) / pl.col("staff")).round(2).cast(s.MONEY).alias(c.PER_STAFF_YUAN))
        .select(s.DEPARTMENT_ID, s.NAME, s.FISCAL_YEAR, c.MEASURE, c.STAFF_BASIS, "staff", c.PER_STAFF_YUAN, *origin)
        .sort(s.DEPARTMENT_ID, s.FISCAL_YEAR, c.MEASURE, c.STAFF_BASIS)
        .collect()
    )


def peer_groups(ds: Dataset, by: Literal["unit_type", "region", "function"] = "region") -> pl.DataFrame:
    """A peer group per department and year: its unit type, its region, or its largest function class.

    Returns
    -------
    pl.DataFrame
        ``department_id, fiscal_year, peer_group``.
    """
    if by == "function":
        largest = (
            components(ds, "function")
            .sort(s.AMOUNT_YUAN, descending=True)
            .group_by(s.DEPARTMENT_ID, s.FISCAL_YEAR, maintain_order=True)
            .first()
        )
        return largest.select(s.DEPARTMENT_ID, s.FISCAL_YEAR, pl.col(c.COMPONENT).alias(c.PEER_GROUP))
    column = s.UNIT_TYPE if by == "unit_type" else s.REGION
    return ds.departments.select(s.DEPARTMENT_ID, s.FISCAL_YEAR, pl.col(column).fill_null("未知").alias(c.PEER_GROUP))


def peer_stats(values: pl.DataFrame, groups: pl.DataFrame, *, min_group: int = MIN_PEER_GROUP) -> pl.DataFrame:
    """Rank, percentile, median and IQR of a value among a department's peers (same group, year and measure).

    Parameters
    ----------
    values
        ``department_id, name, fiscal_year, measure, value`` (Float64; e.g. ``amount_yuan`` cast, or a ratio).
    groups
        ``peer_groups(...)``.
    min_group
        The fewest members a group needs for a rank and a percentile (``MIN_PEER_GROUP`` by default); a smaller
        group's are null.

    Returns
    -------
    pl.DataFrame
        ``values``' columns plus ``peer_group, rank`` (1 = highest), ``percentile`` (0–100, share of peers at or
        below), ``peer_count, median, q1, q3``.

    Examples
    --------
    >>> values = pl.DataFrame({"department_id": ["a", "b"], "name": ["甲", "乙"], "fiscal_year": [2024, 2024],
    ...                        "measure": ["income_total"] * 2, "value": [1.0, 2.0]})
    >>> groups = pl.DataFrame({"department_id": ["a", "b"], "fiscal_year": [2024, 2024], "peer_group": ["区"] * 2})
    >>> peer_stats(values, groups).select("name", "rank", "peer_count", "median").rows()
    [('乙', None, 2, 1.5), ('甲', None, 2, 1.5)]
    >>> peer_stats(values, groups, min_group=2).get_column("rank").to_list()
    [1, 2]
    """
    keys = [c.PEER_GROUP, s.FISCAL_YEAR, c.MEASURE]
    value = pl.col(c.VALUE)
    large_enough = pl.len().over(keys) >= min_group
    return (
        values.lazy()
        .join(groups.lazy(), on=[s.DEPARTMENT_ID, s.FISCAL_YEAR], how="inner")
        .filter(value.is_not_null())
        .with_columns(
            pl.when(large_enough).then(value.rank("min", descending=True).over(keys)).cast(pl.Int32).alias(c.RANK),
            pl.when(large_enough).then(value.rank("max").over(keys) / pl.len().over(keys) * 100).alias(c.PERCENTILE),
            pl.len().over(keys).cast(pl.Int32).alias(c.PEER_COUNT),
            value.median().over(keys).alias(c.MEDIAN),
            value.quantile(0.25, "linear").over(keys).alias(c.Q1),
            value.quantile(0.75, "linear").over(keys).alias(c.Q3),
        )
        .sort([*keys, c.VALUE], descending=[False, False, False, True])
        .collect()
    )


#: Columns of ``execution_rates`` beyond ``analytics.compare._columns``: the 调整预算 a final account prints, and the
#: documents the budget figure and the 决算数 were read from.
ADJUSTED_BUDGET_YUAN = "adjusted_budget_yuan"
BUDGET_DOC_ID = "budget_doc_id"
FINAL_DOC_ID = "final_doc_id"


def execution_rates(ds: Dataset) -> pl.DataFrame:
    """Budget execution of every final-account figure: its 决算数 over the 年初预算.

    The 年初预算 is the one the final account prints beside its 决算数 (``measures(..., basis="initial_budget")``
    of the same document) where it prints one, else the figure of the year's own budget document; the 调整预算 is
    the final account's own where it prints one. A budget column is never taken for the 决算数.

    Returns
    -------
    pl.DataFrame
        ``department_id, name, fiscal_year, measure, budget_yuan`` (the 年初预算), ``adjusted_budget_yuan``,
        ``final_yuan`` (the 决算数; money is Decimal), ``execution_pct`` (Float64, 决算数 ÷ 年初预算 × 100),
        ``budget_doc_id`` (where the 年初预算 was read: the final account itself or the budget) and
        ``final_doc_id``; then, for each of the three figures, where it was stated and how far its reading is
        confirmed (``budget_stated_in, budget_verification, budget_verified_by``, ``adjusted_budget_…``,
        ``final_…``: the ``stated_in``, ``verification`` and ``verified_by`` of ``measures``). One row per measure
        of a final account; the budget columns are null where no document states them, and the rate where the
        年初预算 is missing or zero.

    Examples
    --------
    >>> from analytics.store import Dataset
    >>> execution_rates(Dataset.empty()).columns[4:10]
    ['budget_yuan', 'adjusted_budget_yuan', 'final_yuan', 'execution_pct', 'budget_doc_id', 'final_doc_id']
    >>> execution_rates(Dataset.empty()).columns[-3:]
    ['final_stated_in', 'final_verification', 'final_verified_by']
    """
    keys = [s.DEPARTMENT_ID, s.FISCAL_YEAR, c.MEASURE]
    printed = measures_by_basis(ds, "final", PHASE_BASES["final"]).collect()

    origin = (c.STATED_IN, s.VERIFICATION, s.VERIFIED_BY)

    def renamed(names: Sequence[str]) -> list[pl.Expr]:
        """The ``origin`` columns of a figure, as ``names``."""
        return [pl.col(column).alias(name) for column, name in zip(origin, names, strict=True)]

    def of_basis(basis: str, alias: str, names: Sequence[str], *extra: str) -> pl.DataFrame:
        """The final accounts' ``basis`` figures as ``alias``, with the document that prints them and their
        ``origin`` as ``names``."""
        return printed.filter(pl.col(s.AMOUNT_BASIS) == basis).select(
            *keys, *extra, pl.col(s.AMOUNT_YUAN).alias(alias), pl.col(s.DOC_ID).alias(FINAL_DOC_ID), *renamed(names)
        )

    budget_origin = (c.BUDGET_STATED_IN, c.BUDGET_VERIFICATION, c.BUDGET_VERIFIED_BY)
    final = of_basis("actual", c.FINAL_YUAN, (c.FINAL_STATED_IN, c.FINAL_VERIFICATION, c.FINAL_VERIFIED_BY), s.NAME)
    # The final account's own budget figures count only from the document that prints the 决算数.
    initial = of_basis("initial_budget", "_initial", [f"_initial_{name}" for name in budget_origin])
    adjusted = of_basis(
        "adjusted_budget", ADJUSTED_BUDGET_YUAN, (c.ADJUSTED_STATED_IN, c.ADJUSTED_VERIFICATION, c.ADJUSTED_VERIFIED_BY)
    )
    # The budget of the year itself, not a later budget's restatement of it.
    own_year = ds.documents.select(s.DOC_ID, pl.col(s.FISCAL_YEAR).alias("_document_year"))
    budget = (
        measures(ds, phase="budget")
        .join(own_year, on=s.DOC_ID, how="inner")
        .filter(pl.col("_document_year") == pl.col(s.FISCAL_YEAR))
        .select(
            *keys,
            pl.col(s.AMOUNT_YUAN).alias("_budget"),
            pl.col(s.DOC_ID).alias("_budget_doc"),
            *renamed([f"_budget_{name}" for name in budget_origin]),
        )
    )
    printed_initial = pl.col("_initial")
    rate = pl.col(c.FINAL_YUAN).cast(pl.Float64) / pl.col(c.BUDGET_YUAN).cast(pl.Float64) * 100
    return (
        final.join(initial, on=[*keys, FINAL_DOC_ID], how="left")
        .join(adjusted, on=[*keys, FINAL_DOC_ID], how="left")
        .join(budget, on=keys, how="left")
        .with_columns(
            pl.coalesce(printed_initial, pl.col("_budget")).alias(c.BUDGET_YUAN),
            pl.when(printed_initial.is_not_null())
            .then(pl.col(FINAL_DOC_ID))
            .otherwise(pl.col("_budget_doc"))
            .alias(BUDGET_DOC_ID),
            *(
                pl.when(printed_initial.is_not_null())
                .then(pl.col(f"_initial_{name}"))
                .otherwise(pl.col(f"_budget_{name}"))
                .alias(name)
                for name in budget_origin
            ),
        )
        .with_columns(pl.when(pl.col(c.BUDGET_YUAN) != 0).then(rate).alias(c.EXECUTION_PCT))
        .select(
            *keys[:1],
            s.NAME,
            *keys[1:],
            c.BUDGET_YUAN,
            ADJUSTED_BUDGET_YUAN,
            c.FINAL_YUAN,
            c.EXECUTION_PCT,
            BUDGET_DOC_ID,
            FINAL_DOC_ID,
            *budget_origin,
            c.ADJUSTED_STATED_IN,
            c.ADJUSTED_VERIFICATION,
            c.ADJUSTED_VERIFIED_BY,
            c.FINAL_STATED_IN,
            c.FINAL_VERIFICATION,
            c.FINAL_VERIFIED_BY,
        )
        .sort(keys)
    )


def latest_peer_group(peers: pl.DataFrame, department_id: str) -> pl.DataFrame:
    """The rows of ``peer_stats`` for a department's peer group in the latest year it has one.

    Empty (with the same columns) when the department is in no group; a group of one is returned as it is, so the
    caller can tell "no peers" from "no data".

    Examples
    --------
    >>> peers = pl.DataFrame({"department_id": ["a", "b", "a", "c"], "fiscal_year": [2023, 2023, 2024, 2024],
    ...                       "peer_group": ["区", "区", "区", "区"]})
    >>> latest_peer_group(peers, "a").get_column("department_id").to_list()
    ['a', 'c']
    >>> latest_peer_group(peers, "z").height
    0
    """
    latest = (
        peers.lazy()
        .filter(pl.col(s.DEPARTMENT_ID) == department_id)
        .sort(s.FISCAL_YEAR)
        .select(c.PEER_GROUP, s.FISCAL_YEAR)
        .tail(1)
    )
    return peers.lazy().join(latest, on=[c.PEER_GROUP, s.FISCAL_YEAR], how="semi").collect()
