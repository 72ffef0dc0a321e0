"""Altair chart builders: each takes a frame from ``analytics.compare`` and returns an Altair chart.

Amounts are cast to Float64 万元 here, at the display boundary; encodings always carry explicit types, titles are
Chinese, tooltips and labels show 万元 with two decimals and thousands separators. Every builder accepts an empty
frame (even one without columns) and returns an empty but valid chart, so that the app can show an empty state.

``render_png`` and ``render_svg`` turn a chart into an image through ``vl_convert``. It ships no CJK font: a font
found on the system (``fc-list :lang=zh``, e.g. Debian's ``fonts-noto-cjk``) is registered before the first render.
Without one, images are still rendered, but Chinese text shows as empty boxes (tofu).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import altair as alt
import polars as pl

from analytics import compare
from analytics import schema as s
from analytics.checks import FAMILIES
from analytics.compare import _columns as c
from analytics.errors import AnalyticsError, SchemaError
from analytics.units import UNIT_FACTORS, wan_yuan

__all__ = [
    "DIMENSION_LABELS",
    "MEASURE_LABELS",
    "SEVERITY_LABELS",
    "SIDE_LABELS",
    "cjk_font_directories",
    "composition_chart",
    "flags_heatmap",
    "peer_strip_chart",
    "render_png",
    "render_svg",
    "slope_chart",
    "small_multiples_chart",
    "totals_chart",
    "trend_chart",
    "waterfall_chart",
]

SIDE_LABELS = {"income": "收入", "expenditure": "支出"}
#: Chinese labels of the measures of the trends and peer frames (an unknown measure shows its key).
MEASURE_LABELS = {key: names[0] for key, names in compare.MEASURE_LABELS.items()}
#: Chinese labels of keyed components (基本 / 项目支出, 预备费); printed component names show as they are.
COMPONENT_LABELS = {key: names[0] for key, names in compare.COMPONENT_LABELS.items()}
#: Chinese labels of the dimensions of the decomposition and structure frames (an unknown one shows its key).
DIMENSION_LABELS = {
    "category": "支出类别",
    "function": "功能分类",
    "economic": "经济分类",
    "source": "资金来源",
    "project": "项目",
}
#: Chinese labels of the flag severities, most severe first.
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}

_WAN_FORMAT = ",.2f"
_SIGNED_WAN_FORMAT = "+,.2f"
_PCT_FORMAT = "+,.2f"
_SHARE_FORMAT = ".2%"
_INDEX_FORMAT = ",.1f"
_COUNT_FORMAT = "d"

# Okabe–Ito colours: told apart with every common colour-vision deficiency.
_INCREASE_COLOR = "#009E73"  # bluish green
_DECREASE_COLOR = "#D55E00"  # vermillion
_TOTAL_COLOR = "#0072B2"  # blue
_NEUTRAL_COLOR = "#999999"  # grey
_FOCUS_COLOR = "#D55E00"
_BAND_COLOR = "#56B4E9"  # sky blue
_EMPTY_CELL_COLOR = "#F2F2F2"

# Field names of the chart data: what a reader sees in legends and default tooltips.
_DEPT = "部门"
_MEASURE = "指标"
_YEAR = "年度"
_AMOUNT = "金额"
_CHANGE = "增减"
_CHANGE_PCT = "增减率"
_INDEX = "指数"
_CAGR = "年均增长率"
_STEP = "项目"
_KIND = "类型"
_START = "起点"
_END = "终点"
_LABEL_AT = "标签位置"
_LABEL = "标签"
_AMOUNT_FROM = "基期金额"
_AMOUNT_TO = "报告期金额"
_SHARE = "占比"
_COMPONENT = "构成"
_ORDER = "顺序"
_GROUP = "同组"
_VALUE = "数值"
_ROLE = "角色"
_RANK = "排名"
_PERCENTILE = "百分位"
_MEDIAN = "中位数"
_Q1 = "下四分位数"
_Q3 = "上四分位数"
_FAMILY = "规则类别"
_COUNT = "发现数"

_TOTAL_KIND = "合计"
_KINDS = {_TOTAL_KIND: _TOTAL_COLOR, "增加": _INCREASE_COLOR, "减少": _DECREASE_COLOR, "持平": _NEUTRAL_COLOR}
_FOCUS_ROLE = "本部门"
_PEER_ROLE = "同组部门"
_NO_DEPARTMENT = "（未指明部门）"

_MONEY = s.MONEY
# Columns each builder reads: (required, optional). Optional columns missing from a frame are added as nulls.
_TRENDS_REQUIRED = {
    s.DEPARTMENT_ID: pl.String,
    c.MEASURE: pl.String,
    s.FISCAL_YEAR: pl.Int32,
    s.AMOUNT_YUAN: _MONEY,
}
_TRENDS_OPTIONAL = {
    s.NAME: pl.String,
    c.CHANGE_YUAN: _MONEY,
    c.CHANGE_PCT: pl.Float64,
    c.INDEX: pl.Float64,
    c.CAGR_PCT: pl.Float64,
}
_DECOMPOSITION_REQUIRED = {
    s.DEPARTMENT_ID: pl.String,
    c.DIMENSION: pl.String,
    c.COMPONENT: pl.String,
    c.FROM_YEAR: pl.Int32,
    c.TO_YEAR: pl.Int32,
    c.AMOUNT_FROM: _MONEY,
    c.AMOUNT_TO: _MONEY,
    c.CONTRIBUTION_YUAN: _MONEY,
}
_DECOMPOSITION_OPTIONAL = {s.NAME: pl.String, c.CONTRIBUTION_SHARE: pl.Float64}
_STRUCTURE_REQUIRED = {
    s.DEPARTMENT_ID: pl.String,
    s.FISCAL_YEAR: pl.Int32,
    c.DIMENSION: pl.String,
    c.COMPONENT: pl.String,
    s.AMOUNT_YUAN: _MONEY,
    c.SHARE: pl.Float64,
}
_PEERS_REQUIRED = {
    s.DEPARTMENT_ID: pl.String,
    c.PEER_GROUP: pl.String,
    s.FISCAL_YEAR: pl.Int32,
    c.MEASURE: pl.String,
    c.VALUE: pl.Float64,
}
_PEERS_OPTIONAL = {
    s.NAME: pl.String,
    c.RANK: pl.Int32,
    c.PERCENTILE: pl.Float64,
    c.PEER_COUNT: pl.Int32,
    c.MEDIAN: pl.Float64,
    c.Q1: pl.Float64,
    c.Q3: pl.Float64,
}
_FLAGS_REQUIRED = {s.DEPARTMENT_ID: pl.String, s.FAMILY: pl.String, s.SEVERITY: pl.String}


# --- helpers ------------------------------------------------------------------------------------------------------
def _conform(
    frame: pl.DataFrame,
    required: Mapping[str, pl.DataType],
    optional: Mapping[str, pl.DataType],
    builder: str,
) -> pl.DataFrame:
    """``frame`` with every column a builder reads: an empty frame may lack any, a non-empty one only optional ones."""
    missing = [column for column in required if column not in frame.columns]
    if missing and frame.is_empty():
        return pl.DataFrame(schema={**required, **optional})
    if missing:
        raise SchemaError(
            f"{builder}: the frame lacks column(s) {', '.join(map(repr, missing))}; "
            f"it has {', '.join(map(repr, frame.columns)) or 'no columns'}"
        )
    absent = [pl.lit(None, dtype).alias(column) for column, dtype in optional.items() if column not in frame.columns]
    return frame.with_columns(absent) if absent else frame


def _department_label(frame: pl.DataFrame) -> pl.Expr:
    """The department's name where the frame has one, else its id."""
    if s.NAME in frame.columns:
        return pl.coalesce(pl.col(s.NAME), pl.col(s.DEPARTMENT_ID))
    return pl.col(s.DEPARTMENT_ID)


def _measure_label(measure: str) -> str:
    return MEASURE_LABELS.get(measure, measure)


def _component_label_expr() -> pl.Expr:
    return pl.col(c.COMPONENT).replace_strict(COMPONENT_LABELS, default=pl.col(c.COMPONENT), return_dtype=pl.String)


def _measure_label_expr(column: str) -> pl.Expr:
    return pl.col(column).replace_strict(MEASURE_LABELS, default=pl.col(column), return_dtype=pl.String)


def _dimension_label(dimension: str) -> str:
    return DIMENSION_LABELS.get(dimension, dimension)


def _as_list(value: str | Sequence[str] | None) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


def _records(frame: pl.DataFrame) -> list[dict[str, object]]:
    """Rows for an inline Vega-Lite dataset; NaN and infinities (JSON has none) become nulls."""
    finite = [
        pl.when(pl.col(name).is_finite()).then(pl.col(name)).alias(name)
        for name, dtype in frame.schema.items()
        if dtype.is_float()
    ]
    return (frame.with_columns(finite) if finite else frame).to_dicts()


def _wan_tooltip(field: str, title: str, *, signed: bool = False) -> alt.Tooltip:
    return alt.Tooltip(f"{field}:Q", title=title, format=_SIGNED_WAN_FORMAT if signed else _WAN_FORMAT)


def _wan_axis() -> alt.Axis:
    return alt.Axis(format=_WAN_FORMAT)


def _year_axis() -> alt.Axis:
    return alt.Axis(labelAngle=0)


# --- totals -------------------------------------------------------------------------------------------------------
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


# --- trends -------------------------------------------------------------------------------------------------------
def _trend_records(frame: pl.DataFrame) -> list[dict[str, object]]:
    return _records(
        frame.sort(c.MEASURE, s.DEPARTMENT_ID, s.FISCAL_YEAR).select(
            _department_label(frame).alias(_DEPT),
            _measure_label_expr(c.MEASURE).alias(_MEASURE),
            pl.col(s.FISCAL_YEAR).alias(_YEAR),
            wan_yuan(s.AMOUNT_YUAN).alias(_AMOUNT),
            wan_yuan(c.CHANGE_YUAN).alias(_CHANGE),
            pl.col(c.CHANGE_PCT).cast(pl.Float64).alias(_CHANGE_PCT),
            pl.col(c.INDEX).cast(pl.Float64).alias(_INDEX),
            pl.col(c.CAGR_PCT).cast(pl.Float64).alias(_CAGR),
        )
    )


def _trend_tooltip() -> list[alt.Tooltip]:
    return [
        alt.Tooltip(f"{_DEPT}:N", title="部门"),
        alt.Tooltip(f"{_MEASURE}:N", title="指标"),
        alt.Tooltip(f"{_YEAR}:O", title="年度"),
        _wan_tooltip(_AMOUNT, "金额（万元）"),
        _wan_tooltip(_CHANGE, "比上年增减（万元）", signed=True),
        alt.Tooltip(f"{_CHANGE_PCT}:Q", title="比上年增减（%）", format=_PCT_FORMAT),
        alt.Tooltip(f"{_INDEX}:Q", title="指数（首年=100）", format=_INDEX_FORMAT),
        alt.Tooltip(f"{_CAGR}:Q", title="年均增长率（%）", format=_PCT_FORMAT),
    ]


def trend_chart(
    trends: pl.DataFrame, *, measure: str | Sequence[str] | None = None, title: str | None = None
) -> alt.LayerChart:
    """Amounts by year: one line per department (colour) and, with several measures, per measure (dash).

    Points are labelled with their amount in 万元; the tooltip adds the change on the year before (万元 and %),
    the index (first year = 100) and the compound annual growth rate.

    Parameters
    ----------
    trends
        The trends frame of ``analytics.compare`` (``department_id, measure, fiscal_year, amount_yuan`` and,
        when present, ``name, change_yuan, change_pct, index, cagr_pct``; percentages in percent, e.g. 12.5).
    measure
        One measure or several to draw; ``None`` draws every measure of the frame.
    title
        Chart title; by default the measures' names (up to three), e.g. ``收入合计变化趋势（万元）``.

    Examples
    --------
    >>> trends = pl.DataFrame(
    ...     {
    ...         s.DEPARTMENT_ID: ["a", "a"],
    ...         s.NAME: ["测试区甲局", "测试区甲局"],
    ...         c.MEASURE: ["income_total", "income_total"],
    ...         s.FISCAL_YEAR: [2023, 2024],
    ...         s.AMOUNT_YUAN: [Decimal("1000000.00"), Decimal("1250000.00")],
    ...     }
    ... )
    >>> spec = trend_chart(trends).to_dict(validate=True)
    >>> spec["title"], [row["金额"] for row in spec["data"]["values"]]
    ('收入合计变化趋势（万元）', [100.0, 125.0])
    """
    frame = _conform(trends, _TRENDS_REQUIRED, _TRENDS_OPTIONAL, "trend_chart")
    wanted = _as_list(measure)
    if wanted is not None:
        frame = frame.filter(pl.col(c.MEASURE).is_in(wanted))
    shown = wanted if wanted is not None else frame.get_column(c.MEASURE).unique(maintain_order=True).to_list()
    if title is None:
        subject = "、".join(map(_measure_label, shown)) if 0 < len(shown) <= 3 else "各项指标"
        title = f"{subject}变化趋势（万元）"
    base = alt.Chart().encode(
        x=alt.X(f"{_YEAR}:O", title="年度", axis=_year_axis()),
        y=alt.Y(f"{_AMOUNT}:Q", title="金额（万元）", axis=_wan_axis()),
        color=alt.Color(f"{_DEPT}:N", title="部门"),
        tooltip=_trend_tooltip(),
    )
    lines = base.mark_line()
    if frame.get_column(c.MEASURE).n_unique() > 1:
        # On the line layer only: a legend of the line mark shows dashes, one merged with points would not.
        lines = lines.encode(
            strokeDash=alt.StrokeDash(f"{_MEASURE}:N", title="指标", sort=[_measure_label(name) for name in shown])
        )
    points = base.mark_point(filled=True, size=50, opacity=1)
    labels = base.mark_text(dy=-10, fontSize=11).encode(text=alt.Text(f"{_AMOUNT}:Q", format=_WAN_FORMAT))
    return alt.layer(lines, points, labels, data=alt.Data(values=_trend_records(frame))).properties(
        title=title, width=480, height=300
    )


def small_multiples_chart(
    trends: pl.DataFrame, *, measure: str, columns: int = 3, title: str | None = None
) -> alt.FacetChart:
    """One small trend panel per department (wrapped in ``columns`` columns), each with its own y scale.

    Parameters
    ----------
    trends
        The trends frame of ``analytics.compare``.
    measure
        The measure to draw, e.g. ``"expenditure_total"``.
    columns
        Panels per row.
    title
        Chart title; by default ``<measure>：各部门变化趋势（万元）``.

    Examples
    --------
    >>> spec = small_multiples_chart(pl.DataFrame(), measure="basic", columns=2).to_dict(validate=True)
    >>> spec["title"], spec["columns"], spec["resolve"]["scale"]["y"]
    ('基本支出：各部门变化趋势（万元）', 2, 'independent')
    """
    frame = _conform(trends, _TRENDS_REQUIRED, _TRENDS_OPTIONAL, "small_multiples_chart")
    frame = frame.filter(pl.col(c.MEASURE) == measure)
    chart = (
        alt.Chart(alt.Data(values=_trend_records(frame)))
        .mark_line(point=alt.OverlayMarkDef(size=30))
        .encode(
            x=alt.X(f"{_YEAR}:O", title="年度", axis=_year_axis()),
            y=alt.Y(f"{_AMOUNT}:Q", title="金额（万元）", axis=_wan_axis(), scale=alt.Scale(zero=False)),
            tooltip=_trend_tooltip(),
        )
        .properties(width=180, height=120)
    )
    return (
        chart.facet(
            facet=alt.Facet(f"{_DEPT}:N", title=None, header=alt.Header(labelLimit=220)),
            columns=columns,
            spacing={"row": 36, "column": 24},
        )
        .resolve_scale(x="independent", y="independent")
        .properties(title=title or f"{_measure_label(measure)}：各部门变化趋势（万元）")
    )


def slope_chart(
    trends: pl.DataFrame, from_year: int, to_year: int, *, measure: str, title: str | None = None
) -> alt.LayerChart:
    """Each department's amount in two years, joined by a line; both ends labelled in 万元, names on the right.

    Departments without a figure in both years are left out.

    Parameters
    ----------
    trends
        The trends frame of ``analytics.compare``.
    from_year, to_year
        The two years compared.
    measure
        The measure to compare, e.g. ``"income_total"``.
    title
        Chart title; by default ``<measure>：<from_year>年与<to_year>年对比（万元）``.

    Examples
    --------
    >>> spec = slope_chart(pl.DataFrame(), 2022, 2024, measure="project").to_dict(validate=True)
    >>> spec["title"], spec["layer"][0]["mark"]["type"]
    ('项目支出：2022年与2024年对比（万元）', 'line')
    """
    frame = _conform(trends, _TRENDS_REQUIRED, _TRENDS_OPTIONAL, "slope_chart")
    ends = (
        frame.filter((pl.col(c.MEASURE) == measure) & pl.col(s.FISCAL_YEAR).is_in([from_year, to_year]))
        .filter(pl.col(s.FISCAL_YEAR).n_unique().over(s.DEPARTMENT_ID) == 2)
        .with_columns(
            (_amount_in_year(to_year) - _amount_in_year(from_year)).alias("_change"),
            _amount_in_year(from_year).alias("_base"),
        )
        .sort(s.DEPARTMENT_ID, s.FISCAL_YEAR)
    )
    base_amount = pl.col("_base").cast(pl.Float64)
    records = _records(
        ends.select(
            _department_label(ends).alias(_DEPT),
            pl.col(s.FISCAL_YEAR).alias(_YEAR),
            wan_yuan(s.AMOUNT_YUAN).alias(_AMOUNT),
            wan_yuan("_change").alias(_CHANGE),
            pl.when(base_amount != 0).then(pl.col("_change").cast(pl.Float64) / base_amount * 100).alias(_CHANGE_PCT),
        )
    )
    base = alt.Chart().encode(
        x=alt.X(
            f"{_YEAR}:O",
            title="年度",
            axis=_year_axis(),
            scale=alt.Scale(domain=[from_year, to_year], padding=0.8),
        ),
        y=alt.Y(f"{_AMOUNT}:Q", title="金额（万元）", axis=_wan_axis(), scale=alt.Scale(zero=False)),
        color=alt.Color(f"{_DEPT}:N", title="部门"),
        tooltip=[
            alt.Tooltip(f"{_DEPT}:N", title="部门"),
            alt.Tooltip(f"{_YEAR}:O", title="年度"),
            _wan_tooltip(_AMOUNT, "金额（万元）"),
            _wan_tooltip(_CHANGE, f"{from_year}—{to_year}年增减（万元）", signed=True),
            alt.Tooltip(f"{_CHANGE_PCT}:Q", title=f"{from_year}—{to_year}年增减（%）", format=_PCT_FORMAT),
        ],
    )
    lines = base.mark_line(point=alt.OverlayMarkDef(size=60))
    amount = f"format(datum['{_AMOUNT}'], '{_WAN_FORMAT}')"
    left = (
        base.transform_filter(alt.datum[_YEAR] == from_year)
        .transform_calculate(as_=_LABEL, calculate=amount)
        .mark_text(align="right", dx=-8, fontSize=11)
        .encode(text=alt.Text(f"{_LABEL}:N"))
    )
    right = (
        base.transform_filter(alt.datum[_YEAR] == to_year)
        .transform_calculate(as_=_LABEL, calculate=f"datum['{_DEPT}'] + '  ' + {amount}")
        .mark_text(align="left", dx=8, fontSize=11)
        .encode(text=alt.Text(f"{_LABEL}:N"))
    )
    return alt.layer(lines, left, right, data=alt.Data(values=records)).properties(
        title=title or f"{_measure_label(measure)}：{from_year}年与{to_year}年对比（万元）", width=420, height=320
    )


def _amount_in_year(year: int) -> pl.Expr:
    return pl.col(s.AMOUNT_YUAN).filter(pl.col(s.FISCAL_YEAR) == year).first().over(s.DEPARTMENT_ID)


# --- decomposition ------------------------------------------------------------------------------------------------
def _waterfall_steps(frame: pl.DataFrame) -> pl.DataFrame:
    """Bars of a waterfall, in 元: the from-year total, each component's contribution, the to-year total.

    Each contribution starts where the one before ended; the to-year total is the from-year total plus every
    contribution, so the bars meet exactly (the decomposition's contributions add up to the total change).
    """
    opening = pl.col(c.AMOUNT_FROM).sum()
    reached = opening + pl.col(c.CONTRIBUTION_YUAN).cum_sum()
    contribution = pl.col(c.CONTRIBUTION_YUAN)
    components = frame.lazy().select(
        _component_label_expr().alias(_STEP),
        pl.when(contribution > 0)
        .then(pl.lit("增加"))
        .when(contribution < 0)
        .then(pl.lit("减少"))
        .otherwise(pl.lit("持平"))
        .alias(_KIND),
        (reached - contribution).alias(_START),
        reached.alias(_END),
        contribution.alias(_AMOUNT),
        pl.col(c.AMOUNT_FROM).alias(_AMOUNT_FROM),
        pl.col(c.AMOUNT_TO).alias(_AMOUNT_TO),
        pl.col(c.CONTRIBUTION_SHARE).cast(pl.Float64).alias(_SHARE),
    )
    totals = frame.lazy().select(
        pl.col(c.FROM_YEAR).first(),
        pl.col(c.TO_YEAR).first(),
        opening.alias("_opening"),
        (opening + contribution.sum()).alias("_closing"),
    )
    zero = pl.lit(Decimal(0), dtype=pl.Decimal(38, 2))
    bars = [
        totals.select(
            pl.format("{}年", c.FROM_YEAR).alias(_STEP),
            pl.lit(_TOTAL_KIND).alias(_KIND),
            zero.alias(_START),
            pl.col("_opening").alias(_END),
            pl.col("_opening").alias(_AMOUNT),
            pl.col("_opening").alias(_AMOUNT_FROM),
            pl.lit(None, pl.Decimal(38, 2)).alias(_AMOUNT_TO),
            pl.lit(None, pl.Float64).alias(_SHARE),
        ),
        components,
        totals.select(
            pl.format("{}年", c.TO_YEAR).alias(_STEP),
            pl.lit(_TOTAL_KIND).alias(_KIND),
            zero.alias(_START),
            pl.col("_closing").alias(_END),
            pl.col("_closing").alias(_AMOUNT),
            pl.lit(None, pl.Decimal(38, 2)).alias(_AMOUNT_FROM),
            pl.col("_closing").alias(_AMOUNT_TO),
            pl.lit(None, pl.Float64).alias(_SHARE),
        ),
    ]
    return pl.concat(bars, how="vertical_relaxed").collect()


def waterfall_chart(decomposition: pl.DataFrame, *, title: str | None = None) -> alt.LayerChart:
    """Where a change came from: the from-year total, one floating bar per component, the to-year total.

    Increases are bluish green, decreases vermillion (an Okabe–Ito pair, told apart with colour-vision
    deficiencies), totals blue; each bar is labelled in 万元 (contributions with their sign). Components keep the
    frame's order.

    Parameters
    ----------
    decomposition
        The decomposition frame of ``analytics.compare`` for one department, dimension and pair of years.
    title
        Chart title; by default ``<from>年至<to>年变化分解：按<dimension>（万元）``.

    Raises
    ------
    AnalyticsError
        When the frame holds more than one department, dimension or pair of years.

    Examples
    --------
    >>> decomposition = pl.DataFrame(
    ...     {
    ...         s.DEPARTMENT_ID: ["a", "a"],
    ...         c.DIMENSION: ["category", "category"],
    ...         c.COMPONENT: ["人员类项目支出", "运转类项目支出"],
    ...         c.FROM_YEAR: [2023, 2023],
    ...         c.TO_YEAR: [2024, 2024],
    ...         c.AMOUNT_FROM: [Decimal("100000.00"), Decimal("50000.00")],
    ...         c.AMOUNT_TO: [Decimal("130000.00"), Decimal("40000.00")],
    ...         c.CONTRIBUTION_YUAN: [Decimal("30000.00"), Decimal("-10000.00")],
    ...     }
    ... )
    >>> spec = waterfall_chart(decomposition).to_dict(validate=True)
    >>> [(row["项目"], row["起点"], row["终点"]) for row in spec["data"]["values"]]
    [('2023年', 0.0, 15.0), ('人员类项目支出', 15.0, 18.0), ('运转类项目支出', 18.0, 17.0), ('2024年', 0.0, 17.0)]
    """
    frame = _conform(decomposition, _DECOMPOSITION_REQUIRED, _DECOMPOSITION_OPTIONAL, "waterfall_chart")
    keys = frame.select(s.DEPARTMENT_ID, c.DIMENSION, c.FROM_YEAR, c.TO_YEAR).unique(maintain_order=True)
    if keys.height > 1:
        examples = "; ".join(str(row) for row in keys.head(3).iter_rows(named=True))
        raise AnalyticsError(
            f"waterfall_chart draws one department, dimension and pair of years; the frame holds {keys.height} "
            f"({examples}{' …' if keys.height > 3 else ''}): filter it to one first"
        )
    if frame.is_empty():
        steps = pl.DataFrame(
            schema={_STEP: pl.String, _KIND: pl.String, **dict.fromkeys((_START, _END, _AMOUNT), pl.Float64)}
        )
    else:
        steps = _waterfall_steps(frame).with_columns(
            wan_yuan(pl.col(name)).alias(name) for name in (_START, _END, _AMOUNT, _AMOUNT_FROM, _AMOUNT_TO)
        )
    steps = steps.with_columns(pl.max_horizontal(_START, _END).alias(_LABEL_AT))
    if title is None:
        if keys.is_empty():
            title = "变化分解（万元）"
        else:
            key = keys.row(0, named=True)
            names = frame.get_column(s.NAME).drop_nulls()
            prefix = f"{names[0]}：" if len(names) else ""
            title = (
                f"{prefix}{key[c.FROM_YEAR]}年至{key[c.TO_YEAR]}年变化分解："
                f"按{_dimension_label(key[c.DIMENSION])}（万元）"
            )
    x = alt.X(f"{_STEP}:N", title=None, sort=steps.get_column(_STEP).to_list(), axis=alt.Axis(labelAngle=-30))
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y(f"{_START}:Q", title="金额（万元）", axis=_wan_axis()),
            y2=alt.Y2(f"{_END}:Q"),
            color=alt.Color(
                f"{_KIND}:N",
                title="类型",
                scale=alt.Scale(domain=list(_KINDS), range=list(_KINDS.values())),
            ),
            tooltip=[
                alt.Tooltip(f"{_STEP}:N", title="项目"),
                alt.Tooltip(f"{_KIND}:N", title="类型"),
                _wan_tooltip(_AMOUNT, "金额或增减（万元）"),
                _wan_tooltip(_AMOUNT_FROM, "基期金额（万元）"),
                _wan_tooltip(_AMOUNT_TO, "报告期金额（万元）"),
                alt.Tooltip(f"{_SHARE}:Q", title="占总增减比重", format=_SHARE_FORMAT),
                _wan_tooltip(_START, "起点（万元）"),
                _wan_tooltip(_END, "终点（万元）"),
            ],
        )
    )
    label = alt.Chart().mark_text(dy=-6, fontSize=11).encode(x=x, y=alt.Y(f"{_LABEL_AT}:Q"))
    total_labels = label.transform_filter(alt.datum[_KIND] == _TOTAL_KIND).encode(
        text=alt.Text(f"{_AMOUNT}:Q", format=_WAN_FORMAT)
    )
    change_labels = label.transform_filter(alt.datum[_KIND] != _TOTAL_KIND).encode(
        text=alt.Text(f"{_AMOUNT}:Q", format=_SIGNED_WAN_FORMAT)
    )
    return alt.layer(bars, total_labels, change_labels, data=alt.Data(values=_records(steps))).properties(
        title=title, width=max(240, 70 * steps.height), height=320
    )


# --- structure ----------------------------------------------------------------------------------------------------
def composition_chart(
    structure: pl.DataFrame,
    *,
    dimension: str,
    normalize: bool = True,
    columns: int = 3,
    title: str | None = None,
) -> alt.Chart | alt.FacetChart:
    """Stacked bars of a dimension's components per year: shares (``normalize``) or amounts in 万元.

    With more than one department, one panel per department (wrapped in ``columns`` columns). Components are
    stacked and coloured by their total amount, largest first, at the bottom.

    Parameters
    ----------
    structure
        The structure frame of ``analytics.compare`` (shares 0..1 of each department-year-dimension).
    dimension
        The dimension to draw, e.g. ``"economic"``.
    normalize
        Shares (stacks reach 100 %) when true, amounts in 万元 otherwise.
    columns
        Panels per row when faceted by department.
    title
        Chart title; by default ``支出构成：按<dimension>（占比）`` or ``（万元）``.

    Examples
    --------
    >>> structure = pl.DataFrame(
    ...     {
    ...         s.DEPARTMENT_ID: ["a", "a"],
    ...         s.NAME: ["测试区甲局", "测试区甲局"],
    ...         s.FISCAL_YEAR: [2024, 2024],
    ...         c.DIMENSION: ["category", "category"],
    ...         c.COMPONENT: ["基本支出", "项目支出"],
    ...         s.AMOUNT_YUAN: [Decimal("300000.00"), Decimal("100000.00")],
    ...         c.SHARE: [0.75, 0.25],
    ...     }
    ... )
    >>> spec = composition_chart(structure, dimension="category").to_dict(validate=True)
    >>> spec["mark"]["type"], spec["encoding"]["y"]["field"], spec["encoding"]["color"]["sort"]
    ('bar', '占比', ['基本支出', '项目支出'])
    """
    frame = _conform(structure, _STRUCTURE_REQUIRED, {s.NAME: pl.String}, "composition_chart")
    frame = frame.filter(pl.col(c.DIMENSION) == dimension).with_columns(_component_label_expr())
    weight = pl.col(s.AMOUNT_YUAN).cast(pl.Float64).sum().over(c.COMPONENT)
    ordered = frame.with_columns(weight.alias("_weight")).sort(
        ["_weight", c.COMPONENT, s.DEPARTMENT_ID, s.FISCAL_YEAR], descending=[True, False, False, False]
    )
    order = ordered.get_column(c.COMPONENT).unique(maintain_order=True).to_list()
    records = _records(
        ordered.select(
            _department_label(ordered).alias(_DEPT),
            pl.col(s.FISCAL_YEAR).alias(_YEAR),
            pl.col(c.COMPONENT).alias(_COMPONENT),
            wan_yuan(s.AMOUNT_YUAN).alias(_AMOUNT),
            pl.col(c.SHARE).cast(pl.Float64).alias(_SHARE),
            pl.col("_weight").rank("dense", descending=True).cast(pl.Int32).alias(_ORDER),
        )
    )
    if normalize:
        y = alt.Y(
            f"{_SHARE}:Q", title="占比", stack="zero", axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, 1])
        )
    else:
        y = alt.Y(f"{_AMOUNT}:Q", title="金额（万元）", stack="zero", axis=_wan_axis())
    chart = (
        alt.Chart(alt.Data(values=records))
        .mark_bar()
        .encode(
            x=alt.X(f"{_YEAR}:O", title="年度", axis=_year_axis()),
            y=y,
            color=alt.Color(f"{_COMPONENT}:N", title=_dimension_label(dimension), sort=order),
            order=alt.Order(f"{_ORDER}:Q", sort="ascending"),
            tooltip=[
                alt.Tooltip(f"{_DEPT}:N", title="部门"),
                alt.Tooltip(f"{_YEAR}:O", title="年度"),
                alt.Tooltip(f"{_COMPONENT}:N", title=_dimension_label(dimension)),
                _wan_tooltip(_AMOUNT, "金额（万元）"),
                alt.Tooltip(f"{_SHARE}:Q", title="占比", format=_SHARE_FORMAT),
            ],
        )
    )
    departments = ordered.get_column(s.DEPARTMENT_ID).unique()
    names = ordered.select(_department_label(ordered)).to_series().unique()
    if title is None:
        prefix = f"{names[0]}：" if len(departments) == 1 else ""
        title = f"{prefix}支出构成：按{_dimension_label(dimension)}（{'占比' if normalize else '万元'}）"
    if len(departments) > 1:
        chart = chart.properties(width=200, height=220).facet(
            facet=alt.Facet(f"{_DEPT}:N", title=None), columns=columns
        )
    else:
        chart = chart.properties(width=320, height=280)
    return chart.properties(title=title)


# --- peers --------------------------------------------------------------------------------------------------------
def peer_strip_chart(
    peers: pl.DataFrame,
    *,
    focus_department_id: str,
    measure: str,
    unit: str = "万元",
    value_format: str = _WAN_FORMAT,
    fiscal_year: int | None = None,
    title: str | None = None,
) -> alt.LayerChart:
    """A department among its peers: one dot per department, the focus highlighted and named, median and IQR.

    The band spans the first to the third quartile, the tick marks the median. Only the focus department's peer
    group(s) are drawn (every group when the focus is not in the frame), one row per group.

    Parameters
    ----------
    peers
        The peer frame of ``analytics.compare``; ``value``, ``median``, ``q1`` and ``q3`` are in the measure's own
        unit (元 for money).
    focus_department_id
        The department to highlight.
    measure
        The measure to draw.
    unit
        The display unit. A money unit (元, 万元, 亿元) converts values from 元; any other unit (``"%"``, ``"元/人"``,
        ``""``) shows values as they are.
    value_format
        d3 format of values in the axis and tooltips, e.g. ``",.2f"`` or ``".1%"`` for a ratio.
    fiscal_year
        The year to draw; by default the focus department's latest year (the frame's latest without the focus).
    title
        Chart title; by default ``<measure>：同组比较（<year>年，<unit>）``.

    Examples
    --------
    >>> peers = pl.DataFrame(
    ...     {
    ...         s.DEPARTMENT_ID: ["a", "b", "c"],
    ...         s.NAME: ["测试区甲局", "测试区乙局", "测试区丙局"],
    ...         c.PEER_GROUP: ["区级部门"] * 3,
    ...         s.FISCAL_YEAR: [2024] * 3,
    ...         c.MEASURE: ["personnel"] * 3,
    ...         c.VALUE: [2_000_000.0, 3_000_000.0, 5_000_000.0],
    ...     }
    ... )
    >>> spec = peer_strip_chart(peers, focus_department_id="b", measure="personnel").to_dict(validate=True)
    >>> spec["title"], [row["部门"] for row in spec["layer"][2]["data"]["values"] if row["角色"] == "本部门"]
    ('人员经费：同组比较（2024年，万元）', ['测试区乙局'])
    """
    frame = _conform(peers, _PEERS_REQUIRED, _PEERS_OPTIONAL, "peer_strip_chart")
    frame = frame.filter(pl.col(c.MEASURE) == measure)
    is_focus = pl.col(s.DEPARTMENT_ID) == focus_department_id
    if fiscal_year is None:
        focus_year = frame.filter(is_focus).get_column(s.FISCAL_YEAR).max()
        fiscal_year = focus_year if focus_year is not None else frame.get_column(s.FISCAL_YEAR).max()
    frame = frame.filter(pl.col(s.FISCAL_YEAR).eq_missing(fiscal_year))
    groups = frame.filter(is_focus).get_column(c.PEER_GROUP).unique()
    if len(groups):
        frame = frame.filter(pl.col(c.PEER_GROUP).is_in(groups.to_list()))
    factor = UNIT_FACTORS.get(unit)
    scaled = [
        (pl.col(name).cast(pl.Float64) / float(factor) if factor is not None else pl.col(name).cast(pl.Float64))
        for name in (c.VALUE, c.MEDIAN, c.Q1, c.Q3)
    ]
    frame = frame.with_columns(scaled).sort(c.PEER_GROUP, c.VALUE)
    dots = _records(
        frame.select(
            _department_label(frame).alias(_DEPT),
            pl.col(c.PEER_GROUP).alias(_GROUP),
            pl.col(c.VALUE).alias(_VALUE),
            pl.when(is_focus).then(pl.lit(_FOCUS_ROLE)).otherwise(pl.lit(_PEER_ROLE)).alias(_ROLE),
            pl.format("{}/{}", c.RANK, c.PEER_COUNT).alias(_RANK),
            pl.col(c.PERCENTILE).alias(_PERCENTILE),
            pl.col(c.MEDIAN).alias(_MEDIAN),
        )
    )
    spread = _records(
        frame.group_by(c.PEER_GROUP, maintain_order=True)
        .agg(pl.col(c.Q1).first(), pl.col(c.MEDIAN).first(), pl.col(c.Q3).first(), pl.len().alias("_size"))
        .select(
            pl.col(c.PEER_GROUP).alias(_GROUP),
            pl.col(c.Q1).alias(_Q1),
            pl.col(c.MEDIAN).alias(_MEDIAN),
            pl.col(c.Q3).alias(_Q3),
        )
    )
    suffix = f"（{unit}）" if unit else ""
    measure_name = _measure_label(measure)
    y = alt.Y(f"{_GROUP}:N", title="同组")
    value_title = f"{measure_name}{suffix}"
    spread_tooltip = [
        alt.Tooltip(f"{_GROUP}:N", title="同组"),
        alt.Tooltip(f"{_Q1}:Q", title=f"下四分位数{suffix}", format=value_format),
        alt.Tooltip(f"{_MEDIAN}:Q", title=f"中位数{suffix}", format=value_format),
        alt.Tooltip(f"{_Q3}:Q", title=f"上四分位数{suffix}", format=value_format),
    ]
    band = (
        alt.Chart(alt.Data(values=spread))
        .mark_bar(color=_BAND_COLOR, opacity=0.3)
        .encode(
            x=alt.X(f"{_Q1}:Q", title=value_title, axis=alt.Axis(format=value_format)),
            x2=alt.X2(f"{_Q3}:Q"),
            y=y,
            tooltip=spread_tooltip,
        )
    )
    median = (
        alt.Chart(alt.Data(values=spread))
        .mark_tick(color="#000000", thickness=2)
        .encode(x=alt.X(f"{_MEDIAN}:Q"), y=y, tooltip=spread_tooltip)
    )
    points = (
        alt.Chart(alt.Data(values=dots))
        .mark_circle(opacity=0.85)
        .encode(
            x=alt.X(f"{_VALUE}:Q", title=value_title, axis=alt.Axis(format=value_format)),
            y=y,
            color=alt.Color(
                f"{_ROLE}:N",
                title=None,
                scale=alt.Scale(domain=[_FOCUS_ROLE, _PEER_ROLE], range=[_FOCUS_COLOR, _NEUTRAL_COLOR]),
            ),
            size=alt.Size(
                f"{_ROLE}:N", legend=None, scale=alt.Scale(domain=[_FOCUS_ROLE, _PEER_ROLE], range=[200, 70])
            ),
            tooltip=[
                alt.Tooltip(f"{_DEPT}:N", title="部门"),
                alt.Tooltip(f"{_VALUE}:Q", title=value_title, format=value_format),
                alt.Tooltip(f"{_RANK}:N", title="排名（由高到低）"),
                alt.Tooltip(f"{_PERCENTILE}:Q", title="百分位", format=".1f"),
                alt.Tooltip(f"{_MEDIAN}:Q", title=f"同组中位数{suffix}", format=value_format),
            ],
        )
    )
    label = (
        alt.Chart(alt.Data(values=dots))
        .transform_filter(alt.datum[_ROLE] == _FOCUS_ROLE)
        .mark_text(dy=-16, fontSize=12, fontWeight="bold", color=_FOCUS_COLOR)
        .encode(x=alt.X(f"{_VALUE}:Q"), y=y, text=alt.Text(f"{_DEPT}:N"))
    )
    context = "，".join(part for part in (f"{fiscal_year}年" if fiscal_year is not None else "", unit) if part)
    default_title = f"{measure_name}：同组比较" + (f"（{context}）" if context else "")
    return alt.layer(band, median, points, label).properties(
        title=title or default_title, width=480, height=alt.Step(70)
    )


# --- flags --------------------------------------------------------------------------------------------------------
def flags_heatmap(
    flags: pl.DataFrame, *, departments: pl.DataFrame | None = None, title: str = "核查发现分布（部门 × 规则类别）"
) -> alt.LayerChart:
    """Flags per department (rows) and rule family (columns): colour and label by count, severities in the tooltip.

    Every family of the rule catalogue gets a column, so an empty column reads "no finding".

    Parameters
    ----------
    flags
        The ``flags`` table of the data contract.
    departments
        A frame with ``department_id`` and ``name`` (e.g. the ``departments`` table); rows are then named, else
        they show the department id.
    title
        Chart title.

    Examples
    --------
    >>> flags = pl.DataFrame({s.DEPARTMENT_ID: ["a", "a"], s.FAMILY: ["table", "table"], s.SEVERITY: ["error", "info"]})
    >>> spec = flags_heatmap(flags).to_dict(validate=True)
    >>> cell = next(row for row in spec["data"]["values"] if row["规则类别"] == "表内勾稽")
    >>> cell["发现数"], cell["错误"], cell["提示"]
    (2, 1, 1)
    """
    frame = _conform(flags, _FLAGS_REQUIRED, {}, "flags_heatmap")
    key = pl.col(s.DEPARTMENT_ID).fill_null("")
    counts = frame.group_by(key.alias(s.DEPARTMENT_ID), s.FAMILY).agg(
        pl.len().cast(pl.Int64).alias(_COUNT),
        *(
            (pl.col(s.SEVERITY) == severity).sum().cast(pl.Int64).alias(label)
            for severity, label in SEVERITY_LABELS.items()
        ),
    )
    families = [*FAMILIES, *sorted(set(counts.get_column(s.FAMILY).drop_nulls()) - set(FAMILIES))]
    family_labels = {family: FAMILIES[family][0] if family in FAMILIES else family for family in families}
    grid = (
        counts.select(s.DEPARTMENT_ID)
        .unique()
        .join(pl.DataFrame({s.FAMILY: families}, schema={s.FAMILY: pl.String}), how="cross")
        .join(counts, on=[s.DEPARTMENT_ID, s.FAMILY], how="left")
        .with_columns(pl.col(_COUNT, *SEVERITY_LABELS.values()).fill_null(0))
    )
    if departments is not None:
        departments = _conform(departments, {s.DEPARTMENT_ID: pl.String, s.NAME: pl.String}, {}, "flags_heatmap")
        latest = departments.sort(s.FISCAL_YEAR) if s.FISCAL_YEAR in departments.columns else departments
        names = latest.group_by(s.DEPARTMENT_ID, maintain_order=True).agg(pl.col(s.NAME).drop_nulls().last())
        grid = grid.join(names, on=s.DEPARTMENT_ID, how="left")
    else:
        grid = grid.with_columns(pl.lit(None, pl.String).alias(s.NAME))
    label = pl.coalesce(pl.col(s.NAME), pl.when(pl.col(s.DEPARTMENT_ID) != "").then(pl.col(s.DEPARTMENT_ID)))
    grid = grid.with_columns(
        label.fill_null(pl.lit(_NO_DEPARTMENT)).alias(_DEPT),
        pl.col(_COUNT).sum().over(s.DEPARTMENT_ID).alias("_total"),
    ).sort(["_total", _DEPT, s.FAMILY], descending=[True, False, False])
    rows = grid.get_column(_DEPT).unique(maintain_order=True).to_list()
    records = _records(
        grid.select(
            _DEPT,
            pl.col(s.FAMILY).replace_strict(family_labels, return_dtype=pl.String).alias(_FAMILY),
            _COUNT,
            *SEVERITY_LABELS.values(),
        )
    )
    x = alt.X(
        f"{_FAMILY}:N",
        title="规则类别",
        scale=alt.Scale(domain=list(family_labels.values())),
        axis=alt.Axis(labelAngle=0, orient="top"),
    )
    y = alt.Y(f"{_DEPT}:N", title="部门", sort=rows)
    cells = (
        alt.Chart()
        .mark_rect(stroke="#ffffff", strokeWidth=1)
        .encode(
            x=x,
            y=y,
            # A cell without findings stays grey, so that "none" never reads as "few".
            color=alt.condition(
                alt.datum[_COUNT] > 0,
                alt.Color(f"{_COUNT}:Q", title="发现数", scale=alt.Scale(scheme="oranges", domainMin=0)),
                alt.value(_EMPTY_CELL_COLOR),
            ),
            tooltip=[
                alt.Tooltip(f"{_DEPT}:N", title="部门"),
                alt.Tooltip(f"{_FAMILY}:N", title="规则类别"),
                alt.Tooltip(f"{_COUNT}:Q", title="发现数", format=_COUNT_FORMAT),
                *(alt.Tooltip(f"{label}:Q", title=label, format=_COUNT_FORMAT) for label in SEVERITY_LABELS.values()),
            ],
        )
    )
    counts_text = (
        alt.Chart()
        .transform_filter(alt.datum[_COUNT] > 0)
        .mark_text(fontSize=12)
        .encode(x=x, y=y, text=alt.Text(f"{_COUNT}:Q", format=_COUNT_FORMAT))
    )
    return alt.layer(cells, counts_text, data=alt.Data(values=records)).properties(
        title=title, width=alt.Step(90), height=alt.Step(28)
    )


# --- images -------------------------------------------------------------------------------------------------------
@functools.cache
def cjk_font_directories() -> tuple[str, ...]:
    """Directories of the system's CJK fonts (``fc-list :lang=zh``), registered with ``vl_convert`` to render.

    Empty when ``fc-list`` is missing or finds no font with Chinese glyphs: images then still render, but Chinese
    text shows as boxes. Install a CJK font (Debian: ``apt-get install fonts-noto-cjk``) to render it.

    Examples
    --------
    >>> all(isinstance(directory, str) for directory in cjk_font_directories())
    True
    """
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ()
    try:
        listed = subprocess.run(
            [fc_list, "--format", "%{file}\\n", ":lang=zh"], capture_output=True, text=True, check=True, timeout=60
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    return tuple(sorted({str(Path(line).parent) for line in listed.splitlines() if line.strip()}))


@functools.cache
def _vl_convert() -> ModuleType:
    # Imported late: ``import analytics`` stays cheap and works without the renderer.
    try:
        import vl_convert
    except ImportError:
        raise AnalyticsError("rendering a chart to an image needs the package vl-convert-python") from None
    for directory in cjk_font_directories():
        vl_convert.register_font_directory(directory)
    return vl_convert


def render_png(chart: alt.TopLevelMixin, *, scale: float = 2) -> bytes:
    """Render a chart to PNG through ``vl_convert`` (Chinese text needs a CJK font, see ``cjk_font_directories``).

    Parameters
    ----------
    chart
        Any Altair chart.
    scale
        Pixel density factor (2 for sharp images on high-density screens and in print).

    Examples
    --------
    >>> render_png(trend_chart(pl.DataFrame()), scale=1)[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    return _vl_convert().vegalite_to_png(chart.to_json(), scale=scale)


def render_svg(chart: alt.TopLevelMixin) -> str:
    """Render a chart to SVG through ``vl_convert``; text stays text, so the reader's fonts draw it.

    Examples
    --------
    >>> render_svg(trend_chart(pl.DataFrame())).startswith("<svg")
    True
    """
    return _vl_convert().vegalite_to_svg(chart.to_json())
