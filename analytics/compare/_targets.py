"""How performance targets moved: each indicator with the earlier years' targets its form prints."""

from __future__ import annotations

import polars as pl

from analytics import schema as s
from analytics.store import Dataset

__all__ = ["PRIOR_TEXT", "TARGET_CHANGED", "target_history"]

#: ``target_history`` column: the earlier years' targets as printed, ``2022：≥3000条；2021：无``.
PRIOR_TEXT = "prior_text"
#: ``target_history`` column: the target differs from the latest earlier year that stated one.
TARGET_CHANGED = "changed"
#: Texts a 绩效目标表 prints in a prior-year column that state no target.
_NO_TARGET = ("", "无", "-", "—", "/", "／", "不适用")


def target_history(ds: Dataset) -> pl.DataFrame:
    """Every indicator with ``prior_text`` and ``changed``.

    A target changed when the latest earlier year that states one (a placeholder such as 无 does not) has another
    value or comparator, or, where either has no number, another text.

    Examples
    --------
    >>> rows = [
    ...     {s.DOC_ID: "d", s.SEQ: 1, s.DEPARTMENT_ID: "甲局", s.FISCAL_YEAR: 2023, s.GOAL_SCOPE: "annual",
    ...      s.LEVEL1: "产出指标", s.LEVEL3: "发布信息数", s.TARGET_TEXT: "≥3300条", s.COMPARATOR: "≥",
    ...      s.TARGET_VALUE: 3300,
    ...      s.PRIOR_VALUES: [{s.FISCAL_YEAR: 2022, s.TARGET_TEXT: "≥3000条", s.COMPARATOR: "≥",
    ...                        s.TARGET_VALUE: 3000}]},
    ...     {s.DOC_ID: "d", s.SEQ: 2, s.DEPARTMENT_ID: "甲局", s.FISCAL_YEAR: 2023, s.GOAL_SCOPE: "annual",
    ...      s.LEVEL1: "产出指标", s.LEVEL3: "响应时间", s.TARGET_TEXT: "30分钟", s.TARGET_VALUE: 30,
    ...      s.PRIOR_VALUES: [{s.FISCAL_YEAR: 2022, s.TARGET_TEXT: "无"}]},
    ... ]
    >>> ds = Dataset.from_tables({s.INDICATORS: pl.from_dicts(rows, schema=s.TABLES[s.INDICATORS].schema)})
    >>> target_history(ds).select(s.LEVEL3, PRIOR_TEXT, TARGET_CHANGED).rows()
    [('发布信息数', '2022：≥3000条', True), ('响应时间', '2022：无', False)]
    """
    item = pl.element().struct
    prior = (
        pl.col(s.PRIOR_VALUES)
        .list.eval(
            pl.concat_str(
                [item.field(s.FISCAL_YEAR).cast(pl.String), pl.lit("："), item.field(s.TARGET_TEXT).fill_null("—")]
            )
        )
        .list.join("；")
    )
    stated = pl.col(s.PRIOR_VALUES).list.eval(
        pl.element().filter(
            item.field(s.TARGET_VALUE).is_not_null()
            | ~item.field(s.TARGET_TEXT).fill_null("").str.strip_chars().is_in(_NO_TARGET)
        )
    )
    last = stated.list.last().struct
    differs = (
        pl.when(last.field(s.TARGET_VALUE).is_not_null() & pl.col(s.TARGET_VALUE).is_not_null())
        .then(
            (last.field(s.TARGET_VALUE) != pl.col(s.TARGET_VALUE))
            | (last.field(s.COMPARATOR).fill_null("") != pl.col(s.COMPARATOR).fill_null(""))
        )
        .otherwise(last.field(s.TARGET_TEXT) != pl.col(s.TARGET_TEXT))
    )
    return ds.indicators.with_columns(
        prior.alias(PRIOR_TEXT), (stated.list.len() > 0).and_(differs).fill_null(False).alias(TARGET_CHANGED)
    )
