"""Altair chart builders: each takes a frame from ``analytics.compare`` and returns an ``alt.Chart``.

Amounts are cast to Float64 万元 here, at the display boundary; encodings always carry explicit types, titles are
Chinese, tooltips show 万元 with two decimals.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from analytics import schema as s
from analytics.units import wan_yuan

__all__ = ["SIDE_LABELS", "totals_chart"]

SIDE_LABELS = {"income": "收入", "expenditure": "支出"}


def totals_chart(totals: pl.DataFrame, *, title: str = "收支总额（万元）") -> alt.Chart:
    """Line chart of income and expenditure totals by year, one line per department and side.

    Parameters
    ----------
    totals
        The frame of ``analytics.compare.yearly_totals`` (with ``name`` when departments were joined).

    Examples
    --------
    >>> from analytics.compare import yearly_totals
    >>> from analytics.schema import empty_frame
    >>> spec = totals_chart(yearly_totals(empty_frame("lines"))).to_dict(validate=True)
    >>> spec["mark"]["type"]
    'line'
    """
    label = pl.col(s.NAME) if s.NAME in totals.columns else pl.col(s.DEPARTMENT_ID)
    data = _records(totals, label)
    return (
        alt.Chart(alt.Data(values=data), title=title)
        .mark_line(point=True)
        .encode(
            x=alt.X("年度:O", title="年度"),
            y=alt.Y("金额:Q", title="金额（万元）", axis=alt.Axis(format=",.2f")),
            color=alt.Color("系列:N", title="部门 · 口径"),
            tooltip=[
                alt.Tooltip("部门:N"),
                alt.Tooltip("口径:N"),
                alt.Tooltip("年度:O"),
                alt.Tooltip("金额:Q", title="金额（万元）", format=",.2f"),
            ],
        )
    )


def _records(totals: pl.DataFrame, label: pl.Expr) -> list[dict[str, object]]:
    frame = totals.select(
        label.alias("部门"),
        pl.col(s.FISCAL_YEAR).alias("年度"),
        pl.col(s.SIDE).replace_strict(SIDE_LABELS, default=pl.col(s.SIDE)).alias("口径"),
        wan_yuan(s.AMOUNT_YUAN).alias("金额"),
    ).with_columns(pl.concat_str([pl.col("部门"), pl.col("口径")], separator=" · ").alias("系列"))
    return frame.to_dicts()
