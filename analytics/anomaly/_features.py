"""What the detectors look at: year-on-year changes of lines, and department-year profiles.

Both are built from the data contract with Polars and keep what the flags need: the department's name, its peer
group, and where each figure was published.
"""

from __future__ import annotations

import polars as pl

from analytics import compare
from analytics import schema as s
from analytics.compare import _columns as c
from analytics.compare import crosswalk_codes
from analytics.reference.classification import KINDS, changed_codes
from analytics.store import Dataset

__all__ = ["PROFILE_FEATURES", "line_growth", "profiles"]

#: Columns a line carries into a growth row, and the previous year's copies (prefixed ``previous_``).
_WHERE = (s.DOC_ID, s.TABLE, s.PAGE, s.LINE, s.SOURCE_TEXT)
_PAIR_KEY = (s.DEPARTMENT_ID, s.TABLE, s.CLASSIFICATION, s.CODE, s.COLUMN)
_CLASSIFICATIONS = ("function", "economic", "source", "project")

#: Features of a department-year profile, with their Chinese and English labels.
PROFILE_FEATURES: dict[str, tuple[str, str]] = {
    "project_share": ("项目支出占比", "project share of spending"),
    "personnel_share": ("人员经费占基本支出比重", "personnel share of basic spending"),
    "expenditure_log_change": ("支出总额同比增幅", "change of total spending"),
    "income_log_change": ("收入总额同比增幅", "change of total income"),
}


def _names(ds: Dataset) -> pl.LazyFrame:
    return ds.departments.lazy().group_by(s.DEPARTMENT_ID).agg(pl.col(s.NAME).last().alias("department_name"))


def line_growth(ds: Dataset, *, peer_basis: str = "region", min_amount_yuan: int = 0) -> pl.DataFrame:
    """Year-on-year change of every coded budget line that a department published in two consecutive years.

    A line of year Y (as printed in the year-Y budget) is paired with the same table, classification, code and
    column of year Y-1 (as printed in the year-Y-1 budget). A figure printed in several tables (a function class in
    the 收支总表 and in the 一般公共预算支出表) gives one row, not several. Lines below ``min_amount_yuan`` in both
    years and lines zero in either year (a log change is undefined) are left out.

    A line whose code changed its meaning between the two years is no comparison and is left out too: the
    classification reference says so (``analytics.reference.classification.changed_codes``: a new national name,
    a code in force in one year only, a recorded widening), or the department itself printed the code under an
    unrelated name in the two years (the crosswalk's ``code_reused``, ``analytics.compare.crosswalk_codes``).

    Returns
    -------
    pl.DataFrame
        ``department_id, department_name, fiscal_year, classification, code, name, level, column, amount_yuan,
        previous_yuan, log_change, change_pct, peer_group`` and the provenance of both figures (``doc_id, table,
        page, line, source_text`` and the same prefixed ``previous_``).

    Examples
    --------
    >>> from analytics.store import Dataset
    >>> line_growth(Dataset.empty()).height
    0
    """
    own = (
        ds.lines.lazy()
        .filter(
            (pl.col(s.PHASE) == "budget")
            & (pl.col(s.FISCAL_YEAR) == pl.col(s.AS_OF_YEAR))
            & pl.col(s.CODE).is_not_null()
            & pl.col(s.CLASSIFICATION).is_in(_CLASSIFICATIONS)
            & (pl.col(s.AMOUNT_YUAN) > 0)
        )
        .select(*_PAIR_KEY, s.FISCAL_YEAR, s.NAME, s.LEVEL, s.AMOUNT_YUAN, *[w for w in _WHERE if w != s.TABLE])
    )
    previous = own.select(
        *_PAIR_KEY,
        (pl.col(s.FISCAL_YEAR) + 1).alias(s.FISCAL_YEAR),
        pl.col(s.AMOUNT_YUAN).alias("previous_yuan"),
        *[pl.col(w).alias(f"previous_{w}") for w in _WHERE if w != s.TABLE],
    )
    amount = pl.col(s.AMOUNT_YUAN).cast(pl.Float64)
    before = pl.col("previous_yuan").cast(pl.Float64)
    groups = compare.peer_groups(ds, peer_basis).lazy()  # type: ignore[arg-type]
    pairs = (
        own.join(previous, on=[*_PAIR_KEY, s.FISCAL_YEAR], how="inner")
        .filter((pl.col(s.AMOUNT_YUAN) >= min_amount_yuan) | (pl.col("previous_yuan") >= min_amount_yuan))
        .with_columns(
            (amount / before).log().alias("log_change"),
            ((amount / before - 1) * 100).alias(c.CHANGE_PCT),
            pl.col(s.TABLE).alias(f"previous_{s.TABLE}"),
        )
        # One row per figure: the same pair printed by several tables is one finding.
        .sort([s.DEPARTMENT_ID, s.FISCAL_YEAR, s.CLASSIFICATION, s.CODE, s.COLUMN, s.TABLE])
        .unique(
            [s.DEPARTMENT_ID, s.FISCAL_YEAR, s.CLASSIFICATION, s.CODE, s.COLUMN, s.AMOUNT_YUAN, "previous_yuan"],
            keep="first",
            maintain_order=True,
        )
        .join(groups, on=[s.DEPARTMENT_ID, s.FISCAL_YEAR], how="left")
        .with_columns(pl.col(c.PEER_GROUP).fill_null("未分组"))
        .join(_names(ds), on=s.DEPARTMENT_ID, how="left")
    ).collect()
    return pairs.join(_changed_meanings(ds, pairs), on=_CHANGED_KEY, how="anti")


_CHANGED_KEY = [s.DEPARTMENT_ID, s.FISCAL_YEAR, s.CLASSIFICATION, s.CODE]


def _changed_meanings(ds: Dataset, pairs: pl.DataFrame) -> pl.DataFrame:
    """(department, year, classification, code) of the pairs whose code means something else than the year before."""
    found = [pl.DataFrame(schema={k: pairs.schema[k] for k in _CHANGED_KEY})]
    years = pairs.filter(pl.col(s.CLASSIFICATION).is_in(KINDS)).select(s.CLASSIFICATION, s.FISCAL_YEAR).unique()
    for kind, year in years.sort(s.CLASSIFICATION, s.FISCAL_YEAR).iter_rows():
        departments = pairs.filter(pl.col(s.FISCAL_YEAR) == year).select(s.DEPARTMENT_ID).unique()
        national = changed_codes(kind, year - 1, year).select(s.CODE)
        printed = (
            crosswalk_codes(ds.lines.join(departments, on=s.DEPARTMENT_ID, how="semi"), year - 1, year, kind=kind)
            .filter(pl.col("match") == "code_reused")
            .select(s.DEPARTMENT_ID, pl.col("to_code").alias(s.CODE))
        )
        found.append(
            pl.concat([departments.join(national, how="cross"), printed])
            .unique()
            .select(
                s.DEPARTMENT_ID,
                pl.lit(year, pl.Int32).alias(s.FISCAL_YEAR),
                pl.lit(kind).alias(s.CLASSIFICATION),
                s.CODE,
            )
            .cast({k: pairs.schema[k] for k in _CHANGED_KEY})
        )
    return pl.concat(found)


def profiles(ds: Dataset) -> pl.DataFrame:
    """One row per department-year budget: the shares and growth the profile detectors compare.

    ``project_share`` is 项目支出 over 基本 + 项目支出; ``personnel_share`` 人员经费 over 人员 + 公用经费;
    the log changes compare with the year before where the dataset has it (null otherwise). A department-year
    missing a figure has a null feature; the detectors fill it with the feature's median (documented in their
    flags).

    Examples
    --------
    >>> from analytics.store import Dataset
    >>> profiles(Dataset.empty()).columns[:3]
    ['department_id', 'fiscal_year', 'department_name']
    """
    wide = (
        compare.measures(ds)  # budgets only
        .pivot(on=c.MEASURE, index=[s.DEPARTMENT_ID, s.FISCAL_YEAR], values=s.AMOUNT_YUAN, aggregate_function="first")
        .lazy()
    )
    wanted = ["basic", "project", "personnel", "public", "expenditure_total", "income_total"]
    present = wide.collect_schema().names()
    wide = wide.with_columns(pl.lit(None, s.MONEY).alias(m) for m in wanted if m not in present)
    as_float = {m: pl.col(m).cast(pl.Float64) for m in wanted}

    def ratio(part: str, other: str) -> pl.Expr:
        whole = as_float[part] + as_float[other]
        return pl.when(whole > 0).then(as_float[part] / whole).otherwise(None)

    def log_change(measure: str) -> pl.Expr:
        value = as_float[measure]
        before = value.shift(1).over(s.DEPARTMENT_ID, order_by=s.FISCAL_YEAR)
        year_before = pl.col(s.FISCAL_YEAR).shift(1).over(s.DEPARTMENT_ID, order_by=s.FISCAL_YEAR)
        usable = (before > 0) & (value > 0) & (year_before == pl.col(s.FISCAL_YEAR) - 1)
        return pl.when(usable).then((value / before).log()).otherwise(None)

    out = (
        wide.sort(s.DEPARTMENT_ID, s.FISCAL_YEAR)
        .with_columns(
            ratio("project", "basic").alias("project_share"),
            ratio("personnel", "public").alias("personnel_share"),
            log_change("expenditure_total").alias("expenditure_log_change"),
            log_change("income_total").alias("income_log_change"),
        )
        .join(_names(ds), on=s.DEPARTMENT_ID, how="left")
        .select(s.DEPARTMENT_ID, s.FISCAL_YEAR, "department_name", *PROFILE_FEATURES)
    )
    return out.collect()
