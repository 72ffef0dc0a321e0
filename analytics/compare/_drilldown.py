"""Drill-down of a department-year's spending by classification: 类 → 款 → 项, each with its change.

The figures are those :func:`~analytics.compare.components` (and so the structure and the peers) take: the 合计
column of one table of one document per department-year (:func:`~analytics.compare._analysis.one_source` over
``CLASSIFIED_TABLES``), of the phase asked for. The year before is taken the same way from its own source, and a
code is compared with itself only: a code whose meaning changed between the two years (the national catalogue's
verdict, :func:`~analytics.reference.classification.changed_codes`, or the department's own printing of it under an
unrelated name, the crosswalk's ``code_reused``) is not compared.

Each row also says whether the table adds up at that 科目: its printed amount against the sum of its children
(类 = Σ 款, 款 = Σ 项), with the difference.
"""

from __future__ import annotations

from typing import Literal

import polars as pl

from analytics import schema as s
from analytics.compare import _columns as c
from analytics.compare._analysis import CLASSIFIED_TABLES, one_source
from analytics.compare._crosswalk import MATCH, TO_CODE, crosswalk_codes
from analytics.errors import QueryError
from analytics.reference.classification import changed_codes
from analytics.store import Dataset

__all__ = ["COMPARISONS", "DRILLDOWN_SCHEMA", "IDENTITIES", "drilldown", "drilldown_years"]

# Column names of the frame returned here (an analysis output, not a stored table).
PREVIOUS_YEAR = "previous_year"
PREVIOUS_YUAN = "previous_yuan"
HAS_CHILDREN = "has_children"
CHILDREN_SUM_YUAN = "children_sum_yuan"
IDENTITY_DIFFERENCE_YUAN = "identity_difference_yuan"
IDENTITY = "identity"
COMPARISON = "comparison"
CODE_CHANGE = "code_change"

#: Whether a 科目's printed amount is the sum of its children's: ``holds``, ``broken`` (the difference is
#: ``identity_difference_yuan``, printed less the sum), or ``no_children`` (a leaf: nothing to add up).
IDENTITIES = ("holds", "broken", "no_children")
#: How a 科目 compares with the year before: ``compared`` (the same code, the same meaning), ``code_changed`` (its
#: meaning changed between the years, see ``code_change``: not compared), ``new`` (not printed the year before),
#: ``no_prior_year`` (the department has no figures of the classification for the year before).
COMPARISONS = ("compared", "code_changed", "new", "no_prior_year")

#: Columns and types of a drill-down, in order.
DRILLDOWN_SCHEMA = pl.Schema(
    {
        s.DEPARTMENT_ID: pl.String,
        s.FISCAL_YEAR: pl.Int32,
        s.PHASE: pl.String,
        s.CLASSIFICATION: pl.String,
        s.CODE: pl.String,
        s.NAME: pl.String,
        s.LEVEL: pl.Int8,
        s.PARENT_CODE: pl.String,
        s.AMOUNT_YUAN: s.MONEY,
        PREVIOUS_YEAR: pl.Int32,
        PREVIOUS_YUAN: s.MONEY,
        c.CHANGE_YUAN: s.MONEY,
        c.CHANGE_PCT: pl.Float64,
        c.SHARE: pl.Float64,
        HAS_CHILDREN: pl.Boolean,
        CHILDREN_SUM_YUAN: s.MONEY,
        IDENTITY_DIFFERENCE_YUAN: s.MONEY,
        IDENTITY: pl.String,
        COMPARISON: pl.String,
        CODE_CHANGE: pl.String,
        s.DOC_ID: pl.String,
        s.SOURCE_NAME: pl.String,
        s.TABLE: pl.String,
        s.PAGE: pl.Int32,
        s.LINE: pl.Int32,
    }
)

_LEVEL_BY_LENGTH = {3: 1, 5: 2, 7: 3}
_PARENT = "_parent"
_TOTAL = "_total"


def _level(code: pl.Expr) -> pl.Expr:
    """The level of a code from its length (类 3, 款 5, 项 7 digits)."""
    return code.str.len_chars().replace_strict(_LEVEL_BY_LENGTH, default=None, return_dtype=pl.Int8)


def _figures(ds: Dataset, department_id: str, classification: str, phase: str) -> pl.LazyFrame:
    """Every coded figure of the department's chosen source of each year: one row per (year, code), with its level
    and parent (from the code where the table leaves them out), and the source's printed 合计 (``_total``)."""
    tables = CLASSIFIED_TABLES[classification]
    rank = pl.col(s.TABLE).replace_strict({t: i for i, t in enumerate(tables)}, return_dtype=pl.Int32)
    printed = (
        ds.lines.lazy()
        .filter(
            (pl.col(s.DEPARTMENT_ID) == department_id)
            & (pl.col(s.PHASE) == phase)
            & pl.col(s.TABLE).is_in(tables)
            & (pl.col(s.COLUMN) == "total")
        )
        .with_columns(rank.alias("_rank"))
    )
    coded = printed.filter((pl.col(s.CLASSIFICATION) == classification) & pl.col(s.CODE).is_not_null())
    # The source is chosen on the 类 rows, as ``components`` chooses it, so the two always show the same figures.
    sources = one_source(coded.filter(_level(pl.col(s.CODE)) == 1), ds.documents)
    keys = [s.DEPARTMENT_ID, s.FISCAL_YEAR, s.DOC_ID, "_rank"]
    totals = (
        printed.filter(pl.col(s.CLASSIFICATION) == "total")
        .join(sources, on=keys)
        .sort(s.PAGE, s.LINE, nulls_last=True)
        .group_by(s.FISCAL_YEAR)
        .agg(pl.col(s.AMOUNT_YUAN).first().alias(_TOTAL))
    )
    code = pl.col(s.CODE)
    level = pl.coalesce(pl.col(s.LEVEL), _level(code))
    from_code = code.str.slice(0, 2 * level.cast(pl.Int32) - 1)  # a 项's first 5 digits, a 款's first 3
    parent = pl.when(level > 1).then(pl.coalesce(pl.col(s.PARENT_CODE), from_code))
    return (
        coded.join(sources, on=keys)
        .with_columns(level.alias(s.LEVEL), parent.alias(_PARENT))
        # A code printed twice in one table (a row repeated across a page break) is one figure: the first printed.
        .sort(s.FISCAL_YEAR, code, s.PAGE, s.LINE, nulls_last=True)
        .group_by(s.FISCAL_YEAR, s.CODE, maintain_order=True)
        .first()
        .join(totals, on=s.FISCAL_YEAR, how="left")
        .join(ds.documents.lazy().select(s.DOC_ID, s.SOURCE_NAME), on=s.DOC_ID, how="left")
    )


def _changed(lines: pl.LazyFrame, classification: str, year: int) -> pl.LazyFrame:
    """``code, code_change``: the codes that mean something else in ``year`` than the year before, nationally (the
    catalogue's change) or as the department printed them (``code_reused``)."""
    national = changed_codes(classification, year - 1, year).lazy().select(s.CODE, pl.col("change").alias(CODE_CHANGE))
    printed = (
        crosswalk_codes(lines.collect(), year - 1, year, kind=classification)
        .lazy()
        .filter(pl.col(MATCH) == "code_reused")
        .select(pl.col(TO_CODE).alias(s.CODE), pl.lit("code_reused").alias(CODE_CHANGE))
    )
    # The catalogue's reason first: it says what changed, the department's printing only that something did.
    return pl.concat([national, printed]).group_by(s.CODE, maintain_order=True).first()


def _checked(ds: Dataset, department_id: str, classification: str, phase: str, parent: str | None) -> int:
    """The level of ``parent`` (0 for None) once the arguments of :func:`drilldown` are known to make sense."""
    if classification not in CLASSIFIED_TABLES:
        raise QueryError(f"unknown classification {classification!r}; expected one of {', '.join(CLASSIFIED_TABLES)}")
    if phase not in s.PHASES:
        raise QueryError(f"unknown phase {phase!r}; expected one of {', '.join(s.PHASES)}")
    if ds.documents.filter(pl.col(s.DEPARTMENT_ID) == department_id).is_empty():
        known = ds.documents.get_column(s.DEPARTMENT_ID).unique().sort().to_list()
        raise QueryError(f"no document of department {department_id!r} in the dataset; it has {', '.join(known)}")
    if parent is None:
        return 0
    if not (parent.isascii() and parent.isdigit() and len(parent) in {3, 5}):
        raise QueryError(f"parent {parent!r} is not a 类 (3 digits) or 款 (5 digits) code")
    return _LEVEL_BY_LENGTH[len(parent)]


def drilldown(
    ds: Dataset,
    department_id: str,
    *,
    classification: Literal["function", "economic"] = "function",
    phase: str = "budget",
    year: int | None = None,
    parent: str | None = None,
) -> pl.DataFrame:
    """The 科目 one level below ``parent`` (the 类 when None) of a department-year, with the year before.

    Parameters
    ----------
    ds
        The dataset.
    department_id
        The department.
    classification
        ``"function"`` (支出功能分类: 类 → 款 → 项) or ``"economic"`` (支出经济分类: 类 → 款).
    phase
        ``"budget"`` (the budget's figures) or ``"final"`` (a final account's 决算数).
    year
        The fiscal year; None for the latest the department has figures of the classification for.
    parent
        The code drilled into (a 类 such as ``"201"``, a 款 such as ``"20101"``); None for the 类.

    Returns
    -------
    pl.DataFrame
        One row per 科目, by code (columns of ``DRILLDOWN_SCHEMA``): ``code, name, level, parent_code``, its
        ``amount_yuan`` and, the year before (``previous_year``), ``previous_yuan``, ``change_yuan`` (Decimal 元)
        and ``change_pct`` (Float64 %) where the two are comparable (``comparison``, one of ``COMPARISONS``; a code
        whose meaning changed says how in ``code_change`` and is not compared); ``share`` of the parent's printed
        amount (of the table's 合计 for a 类; Float64, 0–1); ``has_children``; the identity of the row with its
        children (``children_sum_yuan``, ``identity_difference_yuan`` = printed − sum, ``identity``, one of
        ``IDENTITIES``); and where it was printed (``doc_id, source_name, table, page, line``). Empty when the
        department has no such figures for the year, or ``parent`` has no children.

    Raises
    ------
    QueryError
        An unknown classification, phase or department, a ``parent`` that is not a 类 or 款 code, or one the
        department-year does not print.

    Examples
    --------
    >>> import analytics
    >>> ds = analytics.open_dataset()
    >>> classes = drilldown(ds, "江苏省人民检察院", year=2018)
    >>> classes.select("code", "name", "amount_yuan", "identity").row(0)
    ('204', '公共安全支出', Decimal('164443600.00'), 'holds')
    >>> items = drilldown(ds, "江苏省人民检察院", year=2018, parent="20404")
    >>> items.select("code", "comparison", "code_change").rows()[-1]
    ('2040405', 'code_changed', 'widened')
    """
    parent_level = _checked(ds, department_id, classification, phase, parent)
    figures = _figures(ds, department_id, classification, phase).collect()
    empty = pl.DataFrame(schema=DRILLDOWN_SCHEMA)
    if figures.is_empty():
        return empty
    years = figures.get_column(s.FISCAL_YEAR)
    year = int(years.max()) if year is None else year  # type: ignore[arg-type]
    this = figures.filter(pl.col(s.FISCAL_YEAR) == year)
    if this.is_empty():
        return empty
    before = figures.filter(pl.col(s.FISCAL_YEAR) == year - 1)

    if parent is None:
        parent_amount = this.get_column(_TOTAL).first()
        rows = this.filter(pl.col(s.LEVEL) == 1)
        if parent_amount is None:  # no 合计 printed: the 类 are the whole
            parent_amount = rows.get_column(s.AMOUNT_YUAN).sum()
    else:
        parent_row = this.filter(pl.col(s.CODE) == parent)
        if parent_row.is_empty():
            printed = this.filter(pl.col(s.LEVEL) == parent_level).get_column(s.CODE).to_list()
            raise QueryError(
                f"department {department_id!r} prints no {classification} code {parent} in {year} ({phase}); "
                f"its codes at that level are {', '.join(printed) or 'none'}"
            )
        parent_amount = parent_row.get_column(s.AMOUNT_YUAN).item()
        rows = this.filter((pl.col(s.LEVEL) == parent_level + 1) & (pl.col(_PARENT) == parent))
    if rows.is_empty():
        return empty

    children = (
        this.filter(pl.col(_PARENT).is_not_null())
        .group_by(_PARENT)
        .agg(pl.col(s.AMOUNT_YUAN).sum().cast(s.MONEY).alias(CHILDREN_SUM_YUAN))
        .rename({_PARENT: s.CODE})
    )
    if before.is_empty():
        changed = pl.DataFrame(schema={s.CODE: pl.String, CODE_CHANGE: pl.String})
    else:
        compared_lines = pl.concat([this, before], how="diagonal_relaxed").select(
            s.DEPARTMENT_ID, s.FISCAL_YEAR, s.AS_OF_YEAR, s.CLASSIFICATION, s.CODE, s.NAME
        )
        changed = _changed(compared_lines.lazy(), classification, year).collect()
    previous = before.select(s.CODE, pl.col(s.AMOUNT_YUAN).alias(PREVIOUS_YUAN))

    amount = pl.col(s.AMOUNT_YUAN)
    comparison = (
        pl.when(pl.lit(before.is_empty()))
        .then(pl.lit("no_prior_year"))
        .when(pl.col(CODE_CHANGE).is_not_null())
        .then(pl.lit("code_changed"))
        .when(pl.col(PREVIOUS_YUAN).is_null())
        .then(pl.lit("new"))
        .otherwise(pl.lit("compared"))
    )
    compared = pl.col(COMPARISON) == "compared"
    previous_amount = pl.when(compared).then(pl.col(PREVIOUS_YUAN))
    sum_of_children = pl.col(CHILDREN_SUM_YUAN)
    has_children = sum_of_children.is_not_null()
    whole = float(parent_amount) if parent_amount else None
    out = (
        rows.lazy()
        .join(children.lazy(), on=s.CODE, how="left")
        .join(previous.lazy(), on=s.CODE, how="left")
        .join(changed.lazy(), on=s.CODE, how="left")
        .with_columns(comparison.alias(COMPARISON))
        .with_columns(
            pl.lit(phase).alias(s.PHASE),
            pl.lit(classification).alias(s.CLASSIFICATION),
            pl.when(pl.lit(not before.is_empty())).then(pl.lit(year - 1)).alias(PREVIOUS_YEAR),
            previous_amount.alias(PREVIOUS_YUAN),
            (amount - previous_amount).alias(c.CHANGE_YUAN),
            pl.when(compared & (pl.col(PREVIOUS_YUAN) != 0))
            .then((amount.cast(pl.Float64) / pl.col(PREVIOUS_YUAN).cast(pl.Float64) - 1) * 100)
            .alias(c.CHANGE_PCT),
            (amount.cast(pl.Float64) / whole if whole else pl.lit(None, pl.Float64)).alias(c.SHARE),
            pl.col(_PARENT).alias(s.PARENT_CODE),
            has_children.alias(HAS_CHILDREN),
            (amount - sum_of_children).alias(IDENTITY_DIFFERENCE_YUAN),
            pl.when(~has_children)
            .then(pl.lit("no_children"))
            .when(amount == sum_of_children)
            .then(pl.lit("holds"))
            .otherwise(pl.lit("broken"))
            .alias(IDENTITY),
        )
        .select(DRILLDOWN_SCHEMA.names())
        .cast(dict(DRILLDOWN_SCHEMA))
        .sort(s.CODE)
    )
    return out.collect()


def drilldown_years(ds: Dataset, *, classification: str = "function", phase: str = "budget") -> pl.DataFrame:
    """``department_id, fiscal_year``: the department-years :func:`drilldown` has 类 figures for, by department and
    year.

    Examples
    --------
    >>> from analytics.store import Dataset
    >>> drilldown_years(Dataset.empty()).columns
    ['department_id', 'fiscal_year']
    """
    if classification not in CLASSIFIED_TABLES:
        raise QueryError(f"unknown classification {classification!r}; expected one of {', '.join(CLASSIFIED_TABLES)}")
    tables = CLASSIFIED_TABLES[classification]
    return (
        ds.lines.lazy()
        .filter(
            (pl.col(s.PHASE) == phase)
            & pl.col(s.TABLE).is_in(tables)
            & (pl.col(s.COLUMN) == "total")
            & (pl.col(s.CLASSIFICATION) == classification)
            & (_level(pl.col(s.CODE)) == 1)
        )
        .select(s.DEPARTMENT_ID, s.FISCAL_YEAR)
        .unique()
        .sort(s.DEPARTMENT_ID, s.FISCAL_YEAR)
        .collect()
    )
