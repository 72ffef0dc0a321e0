"""Altair chart builders: each takes a frame from ``analytics.compare`` and returns an Altair chart.

Amounts are cast to Float64 万元 here, at the display boundary; encodings always carry explicit types, titles are
Chinese, tooltips and labels show 万元 with two decimals and thousands separators.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from analytics import schema as s
from analytics.units import wan_yuan

__all__ = ["SIDE_LABELS", "totals_chart"]

SIDE_LABELS = {"income": "收入", "expenditure": "支出"}
_WAN_FORMAT = ",.2f"


def totals_chart(totals: pl.DataFrame, *, title: str = "年度收支总额（万元）") -> alt.FacetChart:
    """Income and expenditure totals by year: one panel per side, one labelled line per department.

    Parameters
    ----------
    totals
        The frame of ``analytics.compare.yearly_totals`` (with ``name`` when departments were joined).
    title
        Chart title.

    Examples
    --------
    >>> from analytics.compare import yearly_totals
    >>> from analytics.schema import empty_frame
    >>> spec = totals_chart(yearly_totals(empty_frame("lines"))).to_dict(validate=True)
    >>> spec["spec"]["layer"][0]["mark"]["type"], spec["facet"]["column"]["field"]
    ('line', '口径')
    """
    label = pl.col(s.NAME) if s.NAME in totals.columns else pl.col(s.DEPARTMENT_ID)
    records = totals.select(
        label.alias("部门"),
        pl.col(s.FISCAL_YEAR).alias("年度"),
        pl.col(s.SIDE).replace_strict(SIDE_LABELS, default=pl.col(s.SIDE)).alias("口径"),
        wan_yuan(s.AMOUNT_YUAN).alias("金额"),
    ).to_dicts()
    base = alt.Chart().encode(
        x=alt.X("年度:O", title="年度", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("金额:Q", title="金额（万元）", axis=alt.Axis(format=_WAN_FORMAT)),
        color=alt.Color("部门:N", title="部门"),
        tooltip=[
            alt.Tooltip("部门:N", title="部门"),
            alt.Tooltip("口径:N", title="口径"),
            alt.Tooltip("年度:O", title="年度"),
            alt.Tooltip("金额:Q", title="金额（万元）", format=_WAN_FORMAT),
        ],
    )
    lines = base.mark_line(point=alt.OverlayMarkDef(size=60))
    labels = base.mark_text(dy=-10, fontSize=11).encode(text=alt.Text("金额:Q", format=_WAN_FORMAT))
    return (
        alt.layer(lines, labels, data=alt.Data(values=records))
        .properties(width=320, height=260)
        .facet(column=alt.Column("口径:N", title=None, sort=list(SIDE_LABELS.values())))
        .properties(title=title)
    )
