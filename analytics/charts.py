"""Altair chart builders: each takes a frame from ``analytics.compare`` and returns an Altair chart.

Amounts are cast to Float64 万元 here, at the display boundary; encodings always carry explicit types, tooltips and
labels show 万元 with two decimals and thousands separators. Every builder accepts an empty frame (even one without
columns) and returns an empty but valid chart, so that the app can show an empty state.

Every builder takes ``lang``: ``"zh"`` (default) titles, axes, legends, tooltips and the field names of the chart
data in Chinese, ``"en"`` in English (万元 reads "10k yuan", i.e. 10,000 yuan). Department names and components
printed in a document are data and show as they are. All texts come from one table of (Chinese, English) pairs.

Charts do not mislead by their form: amounts sit on zero-based axes (axis ticks without decimals, which belong in
labels and tooltips); legends show full department names; more than ``MAX_SERIES_COLORS`` departments are never told
apart by colour, one is highlighted against grey peers instead; a slope chart names the departments it cannot draw;
a peer chart names every dot and ranks only in a group of at least ``analytics.compare.MIN_PEER_GROUP``.

``render_png`` and ``render_svg`` turn a chart into an image through ``vl_convert``. It ships no CJK font: a font
found on the system (``fc-list :lang=zh``, e.g. Debian's ``fonts-noto-cjk``) is registered before the first render.
Without one, images are still rendered, but Chinese text shows as empty boxes (tofu). Every chart's config names
``CHART_FONT`` (Noto Sans CJK SC) first: the first face of the Noto CJK collection is the Japanese one, whose 骨, 直
and 过 are not the Simplified Chinese glyphs.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import TypeVar

import altair as alt
import polars as pl

from analytics import compare, labels
from analytics import schema as s
from analytics.checks import FAMILIES
from analytics.compare import _columns as c
from analytics.errors import AnalyticsError, SchemaError
from analytics.units import UNIT_FACTORS, wan_yuan

__all__ = [
    "CHART_FONT",
    "DIMENSION_LABELS",
    "LANGUAGES",
    "MAX_SERIES_COLORS",
    "MEASURE_LABELS",
    "SERIES_COLORS",
    "SEVERITY_LABELS",
    "SIDE_LABELS",
    "cjk_font_directories",
    "composition_chart",
    "flags_heatmap",
    "peer_strip_chart",
    "render_png",
    "render_svg",
    "slope_chart",
    "slope_chart_gaps",
    "small_multiples_chart",
    "totals_chart",
    "totals_multiples_chart",
    "trend_chart",
    "waterfall_chart",
]

ChartT = TypeVar("ChartT", bound=alt.TopLevelMixin)

#: The languages of a chart's texts, in the order of the (Chinese, English) label pairs.
LANGUAGES = ("zh", "en")

# Keys of the fields of the chart data. A field's name is its label, what a reader sees in legends and default
# tooltips, so that an English chart's data is keyed in English.
_DEPT = "department"
_MEASURE = "measure"
_YEAR = "year"
_AMOUNT = "amount"
_CHANGE = "change"
_CHANGE_PCT = "change_pct"
_INDEX = "index"
_CAGR = "cagr"
_SIDE = "side"
_STEP = "step"
_KIND = "kind"
_START = "start"
_END = "end"
_LABEL_AT = "label_at"
_LABEL = "label"
_AMOUNT_FROM = "amount_from"
_AMOUNT_TO = "amount_to"
_SHARE = "share"
_COMPONENT = "component"
_ORDER = "order"
_GROUP = "group"
_VALUE = "value"
_ROLE = "role"
_RANK = "rank"
_PERCENTILE = "percentile"
_MEDIAN = "median"
_Q1 = "q1"
_Q3 = "q3"
_FAMILY = "family"
_COUNT = "count"
_SERIES = "series"
_DOT_LABEL = "dot_label"
_KEY = "key"

# (Chinese, English) of every text the charts show: the module's one table of labels. "group:key" entries label the
# values of a group (sides, dimensions, severities, waterfall kinds, peer roles, units); templates take
# ``str.format`` arguments. Measures, keyed components and rule families keep their pairs where they are defined
# (``analytics.compare.MEASURE_LABELS``, ``COMPONENT_LABELS``, ``analytics.checks.FAMILIES``).
_LABELS: dict[str, tuple[str, str]] = {
    # Field names (no dots, brackets or quotes: Vega-Lite reads them in field strings and expressions).
    _DEPT: ("部门", "Department"),
    _MEASURE: ("指标", "Measure"),
    _YEAR: ("年度", "Year"),
    _AMOUNT: ("金额", "Amount"),
    _CHANGE: ("增减", "Change"),
    _CHANGE_PCT: ("增减率", "Change rate"),
    _INDEX: ("指数", "Index"),
    _CAGR: ("年均增长率", "Annual growth rate"),
    _SIDE: ("口径", "Side"),
    _STEP: ("项目", "Item"),
    _KIND: ("类型", "Kind"),
    _START: ("起点", "Start"),
    _END: ("终点", "End"),
    _LABEL_AT: ("标签位置", "Label position"),
    _LABEL: ("标签", "Label"),
    _AMOUNT_FROM: ("基期金额", "Base-year amount"),
    _AMOUNT_TO: ("报告期金额", "Report-year amount"),
    _SHARE: ("占比", "Share"),
    _COMPONENT: ("构成", "Component"),
    _ORDER: ("顺序", "Order"),
    _GROUP: ("同组", "Peer group"),
    _VALUE: ("数值", "Value"),
    _ROLE: ("角色", "Role"),
    _RANK: ("排名", "Rank"),
    _PERCENTILE: ("百分位", "Percentile"),
    _MEDIAN: ("中位数", "Median"),
    _Q1: ("下四分位数", "Lower quartile"),
    _Q3: ("上四分位数", "Upper quartile"),
    _FAMILY: ("规则类别", "Rule family"),
    _COUNT: ("发现数", "Findings"),
    _SERIES: ("图例", "Legend"),
    _DOT_LABEL: ("数值标签", "Value label"),
    _KEY: ("图例", "Key"),
    # Values.
    # Codes of the dataset, by their labels in analytics.labels.
    **{f"side:{side}": pair for side, pair in labels.SIDES.items()},
    **{
        f"dimension:{dimension}": labels.CLASSIFICATIONS[dimension]
        for dimension in ("category", "function", "economic", "source", "project")
    },
    **{f"severity:{severity}": pair for severity, pair in labels.SEVERITIES.items()},
    "kind:total": ("合计", "Total"),
    "kind:increase": ("增加", "Increase"),
    "kind:decrease": ("减少", "Decrease"),
    "kind:flat": ("持平", "No change"),
    "role:focus": ("本部门", "This department"),
    "role:peer": ("同组部门", "Peer department"),
    "unit:元": ("元", "yuan"),
    "unit:万元": ("万元", "10k yuan"),
    "unit:万": ("万", "10k"),
    "unit:亿元": ("亿元", "100m yuan"),
    "unit:亿": ("亿", "100m"),
    "unit:元/人": ("元/人", "yuan per person"),
    "unit:万元/人": ("万元/人", "10k yuan per person"),
    "no_department": ("（未指明部门）", "(no department)"),
    "other_departments": ("其他{n}个部门（灰色）", "{n} other departments (grey)"),
    "other_components": ("其他", "Other"),
    "no_rank": ("不排名（同组少于{minimum}个部门）", "no rank (fewer than {minimum} in the group)"),
    "no_rank_note": (
        "同组仅{count}个部门（少于{minimum}个），不排名",
        "Only {count} in the peer group (fewer than {minimum}): no rank",
    ),
    "missing_years": ("缺少{years}数据：{names}", "No figure for {years}: {names}"),
    "two_years": ("{start}年和{end}年", "{start} and {end}"),
    # Words and templates of titles.
    "with_unit": ("{label}（{unit}）", "{label} ({unit})"),
    "year_of": ("{year}年", "{year}"),
    "name_prefix": ("{name}：", "{name}: "),
    "list_separator": ("、", ", "),
    "and": ("与", " and "),
    "lines_coincide": ("{measures}各年相同，两条线重合", "{measures} are the same every year: their lines coincide"),
    "context_separator": ("，", ", "),
    "all_measures": ("各项指标", "All measures"),
    "change_on_year": ("比上年增减", "Change on the year before"),
    "index_title": ("指数（首年=100）", "Index (first year = 100)"),
    "change_between": ("{start}—{end}年增减", "Change {start}–{end}"),
    "amount_or_change": ("金额或增减", "Amount or change"),
    "share_of_change": ("占总增减比重", "Share of the total change"),
    "share_unit": ("占比", "share"),
    "rank_title": ("排名（由高到低）", "Rank (highest first)"),
    "peer_median": ("同组中位数", "Peer median"),
    "peer_band": ("同组四分位区间（25%至75%分位）", "Peer interquartile range (25th to 75th percentile)"),
    "peer_legend": ("同组：{group}（{count}个部门，含本部门）", "Peer group: {group} ({count}, this one included)"),
    "peer_legend_groups": ("同组（各组分别计算）", "Peer groups (each on its own)"),
    "totals_title": ("年度收支总额（万元）", "Income and expenditure by year (10k yuan)"),
    "totals_index_title": (
        "年度收支总额指数（各部门首年=100）",
        "Income and expenditure as an index (each department's first year = 100)",
    ),
    "totals_coincide": (
        "{n}个部门的收入与支出各年相同，两条线重合：粗实线为{first}，细虚线为{second}",
        "Income equals expenditure every year for {n} departments: wide solid line {first}, thin dashed {second}",
    ),
    "totals_multiples_title": (
        "年度收支总额：各部门分图（纵轴各自从0起，万元）",
        "Income and expenditure by department (each axis from zero, 10k yuan)",
    ),
    "trend_title": ("{subject}变化趋势（万元）", "{subject}: trend (10k yuan)"),
    "multiples_title": ("{measure}：各部门变化趋势（万元）", "{measure}: trend by department (10k yuan)"),
    "slope_title": ("{measure}：{start}年与{end}年对比（万元）", "{measure}: {start} and {end} compared (10k yuan)"),
    "waterfall_empty_title": ("变化分解（万元）", "Change decomposition (10k yuan)"),
    "waterfall_title": (
        "{prefix}{start}年至{end}年变化分解：按{dimension}（万元）",
        "{prefix}Change from {start} to {end} by {dimension} (10k yuan)",
    ),
    "composition_title": (
        "{prefix}支出构成：按{dimension}（{unit}）",
        "{prefix}Spending composition by {dimension} ({unit})",
    ),
    "peer_title": ("{measure}：同组比较", "{measure} among peers"),
    "flags_title": ("核查发现分布（部门 × 规则类别）", "Findings by department and rule family"),
}


def _language(lang: str) -> int:
    """The index of ``lang`` in a (Chinese, English) pair."""
    try:
        return LANGUAGES.index(lang)
    except ValueError:
        raise AnalyticsError(
            f"unknown chart language {lang!r}; expected one of {', '.join(map(repr, LANGUAGES))}"
        ) from None


def _words(lang: str) -> dict[str, str]:
    """Every label of the table in ``lang``."""
    index = _language(lang)
    return {key: pair[index] for key, pair in _LABELS.items()}


def _group(group: str, lang: str) -> dict[str, str]:
    """The labels of a group's values in ``lang``, keyed by value, in the table's order."""
    index = _language(lang)
    prefix = f"{group}:"
    return {key.removeprefix(prefix): pair[index] for key, pair in _LABELS.items() if key.startswith(prefix)}


def _translated(pairs: Mapping[str, tuple[str, str]], lang: str) -> dict[str, str]:
    """A (Chinese, English) table of another module (measures, components, rule families) in ``lang``."""
    index = _language(lang)
    return {key: pair[index] for key, pair in pairs.items()}


#: Chinese labels of the income and expenditure sides.
SIDE_LABELS = _group("side", "zh")
#: Chinese labels of the measures of the trends and peer frames (an unknown measure shows its key).
MEASURE_LABELS = _translated(compare.MEASURE_LABELS, "zh")
#: Chinese labels of the dimensions of the decomposition and structure frames (an unknown one shows its key).
DIMENSION_LABELS = _group("dimension", "zh")
#: Chinese labels of the flag severities, most severe first.
SEVERITY_LABELS = _group("severity", "zh")

#: The font of every chart text: the Simplified Chinese face first (a CJK collection's first face is Japanese).
CHART_FONT = "Noto Sans CJK SC"
_FONT_STACK = f"{CHART_FONT}, Source Han Sans SC, Microsoft YaHei, sans-serif"
#: The most departments a chart tells apart by colour; beyond it one is highlighted and the others are grey.
MAX_SERIES_COLORS = 8
# Wide enough for the longest department names (上海市普陀区人民政府万里街道办事处 is 17 characters, ~200 px).
_LEGEND_LABEL_LIMIT = 360
_AXIS_LABEL_LIMIT = 280
_SLOPE_WIDTH = 620
# A column of the findings heat map, and the widest line of its heading (five Chinese characters at 12 px).
_HEATMAP_STEP = 72
_HEATMAP_LINE = 62
_HEATMAP_LABEL_SIZE = 12

_WAN_FORMAT = ",.2f"
# Axis ticks: thousands separators, decimals only where a tick has them (30,000 not 30,000.00; 0.5 stays 0.5).
_AXIS_WAN_FORMAT = ",.2~f"
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
_PEER_LINE_COLOR = _NEUTRAL_COLOR  # peers behind a highlighted department: the lightest a line may be on white
_FOCUS_COLOR = "#D55E00"
_BAND_COLOR = "#CCE9F8"  # sky blue #56B4E9 at 30 % on white: the legend's swatch is the band's colour
_EMPTY_CELL_COLOR = "#F2F2F2"

#: The colours of departments (and components) told apart, in order: each a contrast of at least 3:1 on white, as a
#: line needs (the default scheme's pale pink and yellow have less): Okabe–Ito's blue, vermillion and bluish green,
#: then darker purple, indigo, olive, wine and brown.
SERIES_COLORS = ("#0072B2", "#D55E00", "#009E73", "#AA4499", "#332288", "#7A7A00", "#882255", "#8C510A")

_KIND_COLORS = {"total": _TOTAL_COLOR, "increase": _INCREASE_COLOR, "decrease": _DECREASE_COLOR, "flat": _NEUTRAL_COLOR}

# Columns each builder reads: (required, optional). Optional columns missing from a frame are added as nulls.
_TRENDS_REQUIRED = {
    s.DEPARTMENT_ID: pl.String,
    c.MEASURE: pl.String,
    s.FISCAL_YEAR: pl.Int32,
    s.AMOUNT_YUAN: s.MONEY,
}
_TRENDS_OPTIONAL = {
    s.NAME: pl.String,
    c.CHANGE_YUAN: s.MONEY,
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
    c.AMOUNT_FROM: s.MONEY,
    c.AMOUNT_TO: s.MONEY,
    c.CONTRIBUTION_YUAN: s.MONEY,
}
_DECOMPOSITION_OPTIONAL = {s.NAME: pl.String, c.CONTRIBUTION_SHARE: pl.Float64}
_STRUCTURE_REQUIRED = {
    s.DEPARTMENT_ID: pl.String,
    s.FISCAL_YEAR: pl.Int32,
    c.DIMENSION: pl.String,
    c.COMPONENT: pl.String,
    s.AMOUNT_YUAN: s.MONEY,
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


def _measure_label(measure: str, lang: str) -> str:
    return _translated(compare.MEASURE_LABELS, lang).get(measure, measure)


def _label_expr(column: str, pairs: Mapping[str, tuple[str, str]], lang: str) -> pl.Expr:
    """``column``'s keys labelled from a (Chinese, English) table in ``lang``; other values show as they are."""
    return pl.col(column).replace_strict(_translated(pairs, lang), default=pl.col(column), return_dtype=pl.String)


def _dimension_label(dimension: str, lang: str) -> str:
    return _group("dimension", lang).get(dimension, dimension)


def _in_sentence(label: str, lang: str) -> str:
    """A label inside an English title starts in lower case ("by spending category")."""
    return label[:1].lower() + label[1:] if lang == "en" else label


def _with_unit(words: Mapping[str, str], label: str, unit: str) -> str:
    """``label`` with its unit in brackets, e.g. ``金额（万元）`` or ``Amount (10k yuan)``."""
    return words["with_unit"].format(label=label, unit=unit)


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


def _wan_title(words: Mapping[str, str], label: str) -> str:
    """``label`` in 万元, e.g. ``金额（万元）`` or ``Amount (10k yuan)``."""
    return _with_unit(words, label, words["unit:万元"])


def _wan_y(field: str, title: str | None, *, grid: bool = True, **options: object) -> alt.Y:
    """A quantitative y of 万元 on a zero-based scale, thousands separators and no needless decimals on the axis."""
    options.setdefault("scale", alt.Scale(zero=True))
    return alt.Y(f"{field}:Q", title=title, axis=alt.Axis(format=_AXIS_WAN_FORMAT, grid=grid), **options)


def _axis_format(value_format: str) -> str:
    """The axis form of a d3 format of labels: trailing zeros trimmed (``,.2f`` → ``,.2~f``)."""
    return value_format if "~" in value_format else re.sub(r"(\.\d+)([a-z%])$", r"\1~\2", value_format)


def _finish(chart: ChartT) -> ChartT:
    """``chart`` with the config every chart shares: the Simplified Chinese font for every text, legends and axis
    labels wide enough for full department names, few and non-overlapping ticks, and padding so titles are not cut.
    """
    return (
        chart.configure(font=_FONT_STACK, padding={"left": 8, "top": 8, "right": 16, "bottom": 8})
        .configure_axis(
            labelFont=_FONT_STACK,
            titleFont=_FONT_STACK,
            labelOverlap="greedy",
            labelLimit=_AXIS_LABEL_LIMIT,
            titlePadding=8,
        )
        .configure_axisQuantitative(tickCount=5)
        .configure_legend(
            labelFont=_FONT_STACK, titleFont=_FONT_STACK, labelLimit=_LEGEND_LABEL_LIMIT, titleLimit=_LEGEND_LABEL_LIMIT
        )
        .configure_header(labelFont=_FONT_STACK, titleFont=_FONT_STACK)
        .configure_title(font=_FONT_STACK, subtitleFont=_FONT_STACK, anchor="start", offset=10)
        .configure_text(font=_FONT_STACK)
    )


def _highlight_label(frame: pl.DataFrame, highlight: str | None) -> str | None:
    """The label (name, else id) of the department ``highlight`` names by id or name, or ``None``."""
    if highlight is None or frame.is_empty():
        return None
    hits = frame.filter(
        (pl.col(s.DEPARTMENT_ID) == highlight) | (pl.col(s.NAME) == highlight if s.NAME in frame.columns else False)
    )
    return None if hits.is_empty() else hits.select(_department_label(hits)).item(0, 0)


def _series_colors(
    records: pl.DataFrame,
    dept: str,
    amount: str,
    highlight: str | None,
    words: Mapping[str, str],
    *,
    named: bool = False,
) -> tuple[pl.DataFrame, dict[str, object], str | None]:
    """How departments are told apart: one colour each up to ``MAX_SERIES_COLORS`` (no legend for a single one),
    else one department highlighted against grey peers (``highlight``, by default the largest amount).

    Returns the records (when highlighting, with a ``series`` field and the highlighted department last, drawn on
    top), the
    encodings (``color`` and, when highlighting, ``detail``) and the highlighted label or ``None``. ``named``: the
    chart writes each department's name beside its line, so the colours need no legend.
    """
    names = records.get_column(dept).drop_nulls().unique(maintain_order=True)
    if highlight is None and len(names) <= MAX_SERIES_COLORS:
        legend = None if len(names) <= 1 or named else alt.Legend(labelLimit=_LEGEND_LABEL_LIMIT)
        color = alt.Color(
            f"{dept}:N", title=dept, legend=legend, sort=names.to_list(), scale=alt.Scale(range=list(SERIES_COLORS))
        )
        return records, {"color": color}, None
    if highlight is None:
        largest = records.filter(pl.col(amount).is_not_null()).sort(amount, descending=True, maintain_order=True)
        highlight = largest.item(0, dept) if largest.height else names[0]
    other = words["other_departments"].format(n=len(names) - 1)
    series = words[_SERIES]
    records = records.with_columns(
        pl.when(pl.col(dept) == highlight).then(pl.lit(highlight)).otherwise(pl.lit(other)).alias(series)
    ).sort(pl.col(dept) == highlight, maintain_order=True)
    color = alt.Color(
        f"{series}:N",
        title=dept,
        scale=alt.Scale(domain=[highlight, other], range=[_FOCUS_COLOR, _PEER_LINE_COLOR]),
        legend=alt.Legend(labelLimit=_LEGEND_LABEL_LIMIT),
    )
    return records, {"color": color, "detail": alt.Detail(f"{dept}:N")}, highlight


def _amount_labels(
    base: alt.Chart, field: str, year: str, *, only: tuple[str, str] | None = None, value_format: str = _WAN_FORMAT
) -> alt.Chart:
    """Each point of ``base`` labelled with its amount in 万元, or its ``value_format`` (``only``: where a field has
    a value).

    Labels of even years sit above their point, of odd years below it, so that neighbours on a narrow axis do not
    run into each other ("16,497.8615,621.11").
    """
    if only is not None:
        base = base.transform_filter(alt.datum[only[0]] == only[1])
    return base.mark_text(dy=alt.expr(f"datum['{year}'] % 2 ? 16 : -10"), fontSize=11).encode(
        text=alt.Text(f"{field}:Q", format=value_format)
    )


def _year_x(field: str, **options: object) -> alt.X:
    """An ordinal x of years, labels upright."""
    options.setdefault("title", field)
    return alt.X(f"{field}:O", axis=alt.Axis(labelAngle=0), **options)


# --- totals -------------------------------------------------------------------------------------------------------
def totals_chart(
    totals: pl.DataFrame,
    *,
    highlight: str | None = None,
    indexed: bool = False,
    title: str | None = None,
    lang: str = "zh",
) -> alt.FacetChart:
    """Income and expenditure totals by year: one panel per side, one labelled line per department.

    Up to ``MAX_SERIES_COLORS`` departments each have a colour; with more (or with ``highlight``), one department
    is drawn and labelled in colour and the others are grey lines, named in the tooltip. Amounts are on a
    zero-based axis. One very large department flattens every other line on a shared axis: ``indexed`` draws each
    line as an index of its first year (= 100), titled so, on an axis from zero, the amounts in the tooltip; see
    also ``totals_multiples_chart``.

    Parameters
    ----------
    totals
        The frame of ``analytics.compare.yearly_totals`` (with ``name`` when departments were joined).
    highlight
        The department (id or name) to highlight; by default none up to ``MAX_SERIES_COLORS`` departments, the
        one with the largest amount beyond.
    indexed
        Draw each department's and side's amounts as an index, its first year's amount = 100 (none where that
        amount is zero).
    title
        Chart title; by default ``年度收支总额（万元）`` (in English ``Income and expenditure by year (10k yuan)``),
        indexed ``年度收支总额指数（各部门首年=100）`` (``Income and expenditure as an index (each department's first
        year = 100)``).
    lang
        Language of the chart's texts: ``"zh"`` (default) or ``"en"``; department names show as they are.

    Raises
    ------
    AnalyticsError
        When ``lang`` is neither ``"zh"`` nor ``"en"``.

    Examples
    --------
    >>> from analytics.compare import yearly_totals
    >>> from analytics.schema import empty_frame
    >>> spec = totals_chart(yearly_totals(empty_frame("lines"))).to_dict(validate=True)
    >>> spec["spec"]["layer"][0]["mark"]["type"], spec["facet"]["column"]["field"]
    ('line', '口径')
    >>> totals_chart(yearly_totals(empty_frame("lines")), lang="en").to_dict(validate=True)["title"]
    'Income and expenditure by year (10k yuan)'
    >>> spec = totals_chart(yearly_totals(empty_frame("lines")), indexed=True).to_dict(validate=True)
    >>> spec["title"], spec["spec"]["layer"][0]["encoding"]["y"]["title"]
    ('年度收支总额指数（各部门首年=100）', '指数（首年=100）')
    """
    words = _words(lang)
    dept, year, side, amount, index = (words[key] for key in (_DEPT, _YEAR, _SIDE, _AMOUNT, _INDEX))
    frame = _totals_frame(totals, lang)
    shown = index if indexed else amount
    frame, series, focus = _series_colors(frame, dept, amount, _highlight_label(totals, highlight), words)
    amount_title = _wan_title(words, amount)
    if indexed:
        y = alt.Y(f"{index}:Q", title=words["index_title"], scale=alt.Scale(zero=True), axis=alt.Axis(format=",.1~f"))
    else:
        y = _wan_y(amount, amount_title)
    base = alt.Chart().encode(
        x=_year_x(year),
        y=y,
        **series,
        tooltip=[
            alt.Tooltip(f"{dept}:N", title=dept),
            alt.Tooltip(f"{side}:N", title=side),
            alt.Tooltip(f"{year}:O", title=year),
            _wan_tooltip(amount, amount_title),
            *([alt.Tooltip(f"{index}:Q", title=words["index_title"], format=_INDEX_FORMAT)] if indexed else []),
        ],
    )
    lines = base.mark_line(point=alt.OverlayMarkDef(size=60))
    labels = _amount_labels(
        base,
        shown,
        year,
        only=None if focus is None else (dept, focus),
        value_format=_INDEX_FORMAT if indexed else _WAN_FORMAT,
    )
    if title is None:
        title = words["totals_index_title" if indexed else "totals_title"]
    return _finish(
        alt.layer(lines, labels, data=alt.Data(values=_records(frame)))
        .properties(width=320, height=260)
        .facet(column=alt.Column(f"{side}:N", title=None, sort=list(_group("side", lang).values())))
        .properties(title=title)
    )


def _totals_frame(totals: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The records of a totals chart: department, year, side, amount in 万元 and the index of the department's and
    side's first year (= 100; none where that year's amount is zero)."""
    words = _words(lang)
    dept, year, side, amount, index = (words[key] for key in (_DEPT, _YEAR, _SIDE, _AMOUNT, _INDEX))
    frame = totals.select(
        _department_label(totals).alias(dept),
        pl.col(s.FISCAL_YEAR).alias(year),
        pl.col(s.SIDE).replace_strict(_group("side", lang), default=pl.col(s.SIDE)).alias(side),
        wan_yuan(s.AMOUNT_YUAN).alias(amount),
    )
    first = pl.col(amount).sort_by(year).first().over(dept, side)
    return frame.with_columns(pl.when(first != 0).then(pl.col(amount) / first * 100).alias(index))


def totals_multiples_chart(
    totals: pl.DataFrame, *, columns: int = 4, title: str | None = None, lang: str = "zh"
) -> alt.FacetChart:
    """Income and expenditure totals by year, one small panel per department, each with its own y scale from zero.

    A very large department (a university's 50 亿) no longer flattens the others: each panel's scale fits its
    department and starts at zero, so its changes look their size; the axis labels show that scales differ.
    Panels are ordered by the department's largest amount, largest first. In a panel, income and expenditure each
    have a colour, dash, width and point shape, so that the two lines of a balanced budget, one on the other, both
    show.

    Parameters
    ----------
    totals
        The frame of ``analytics.compare.yearly_totals`` (with ``name`` when departments were joined).
    columns
        Panels per row.
    title
        Chart title; by default ``年度收支总额：各部门分图（纵轴各自从0起，万元）`` (in English
        ``Income and expenditure by department (each axis from zero, 10k yuan)``).
    lang
        Language of the chart's texts: ``"zh"`` (default) or ``"en"``; department names show as they are.

    Raises
    ------
    AnalyticsError
        When ``lang`` is neither ``"zh"`` nor ``"en"``.

    Examples
    --------
    >>> from analytics.compare import yearly_totals
    >>> from analytics.schema import empty_frame
    >>> spec = totals_multiples_chart(yearly_totals(empty_frame("lines"))).to_dict(validate=True)
    >>> spec["title"], spec["resolve"]["scale"]["y"], spec["columns"]
    ('年度收支总额：各部门分图（纵轴各自从0起，万元）', 'independent', 4)
    """
    words = _words(lang)
    dept, year, side, amount = (words[key] for key in (_DEPT, _YEAR, _SIDE, _AMOUNT))
    frame = _totals_frame(totals, lang)
    departments = (
        frame.group_by(dept)
        .agg(pl.col(amount).max())
        .sort([amount, dept], descending=[True, False], nulls_last=True)
        .get_column(dept)
        .to_list()
    )
    sides = list(_group("side", lang).values())
    amount_title = _wan_title(words, amount)
    # One legend for every channel of the sides (a legend turned off on one turns off the merged one): the first
    # side drawn wide and solid with a large point, the second thin and dashed with a small one, on top of it.
    legend = alt.Legend(title=side, orient="bottom", direction="horizontal", symbolStrokeWidth=2.5)

    def by(channel: type[alt.FieldChannelMixin], **options: object) -> alt.FieldChannelMixin:
        return channel(f"{side}:N", title=side, sort=sides, legend=legend, **options)

    # No axis titles: the chart's title says what and in which unit, the panels' headers whose.
    base = alt.Chart().encode(
        x=_year_x(year, title=None),
        # Few ticks: a small panel's labels must not crowd out each other (a dropped one leaves a gap).
        y=alt.Y(
            f"{amount}:Q", title=None, scale=alt.Scale(zero=True), axis=alt.Axis(format=_AXIS_WAN_FORMAT, tickCount=3)
        ),
        color=by(alt.Color, scale=alt.Scale(domain=sides, range=list(SERIES_COLORS[:2]))),
        tooltip=[
            alt.Tooltip(f"{dept}:N", title=dept),
            alt.Tooltip(f"{side}:N", title=side),
            alt.Tooltip(f"{year}:O", title=year),
            _wan_tooltip(amount, amount_title),
        ],
    )
    lines = base.mark_line().encode(
        strokeDash=by(alt.StrokeDash), strokeWidth=by(alt.StrokeWidth, scale=alt.Scale(domain=sides, range=[4, 1.8]))
    )
    points = base.mark_point(filled=True, opacity=1).encode(
        shape=by(alt.Shape), size=by(alt.Size, scale=alt.Scale(domain=sides, range=[80, 25]))
    )
    order = {name: i for i, name in enumerate(sides)}
    records = frame.sort(pl.col(side).replace_strict(order, default=len(order)), year, maintain_order=True)
    balanced = (
        frame.group_by(dept, year)
        .agg(((pl.col(side).n_unique() == len(sides)) & (pl.col(amount).n_unique() == 1)).alias("_same"))
        .group_by(dept)
        .agg(pl.col("_same").all())
        .get_column("_same")
        .sum()
    )
    first, second = (_in_sentence(name, lang) for name in sides)
    notes = [words["totals_coincide"].format(n=balanced, first=first, second=second)] if balanced else []
    if title is None:
        title = words["totals_multiples_title"]
    return _finish(
        alt.layer(lines, points, data=alt.Data(values=_records(records)))
        .properties(width=150, height=130)
        .facet(
            facet=alt.Facet(f"{dept}:N", title=None, sort=departments, header=alt.Header(labelLimit=230)),
            columns=columns,
            spacing={"row": 30, "column": 24},
        )
        .resolve_scale(x="independent", y="independent")
        .properties(title=alt.TitleParams(title, subtitle=notes) if notes else title)
    )


# --- trends -------------------------------------------------------------------------------------------------------
def _trend_frame(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    words = _words(lang)
    return frame.sort(c.MEASURE, s.DEPARTMENT_ID, s.FISCAL_YEAR).select(
        _department_label(frame).alias(words[_DEPT]),
        _label_expr(c.MEASURE, compare.MEASURE_LABELS, lang).alias(words[_MEASURE]),
        pl.col(s.FISCAL_YEAR).alias(words[_YEAR]),
        wan_yuan(s.AMOUNT_YUAN).alias(words[_AMOUNT]),
        wan_yuan(c.CHANGE_YUAN).alias(words[_CHANGE]),
        pl.col(c.CHANGE_PCT).cast(pl.Float64).alias(words[_CHANGE_PCT]),
        pl.col(c.INDEX).cast(pl.Float64).alias(words[_INDEX]),
        pl.col(c.CAGR_PCT).cast(pl.Float64).alias(words[_CAGR]),
    )


def _trend_tooltip(lang: str) -> list[alt.Tooltip]:
    words = _words(lang)
    return [
        alt.Tooltip(f"{words[_DEPT]}:N", title=words[_DEPT]),
        alt.Tooltip(f"{words[_MEASURE]}:N", title=words[_MEASURE]),
        alt.Tooltip(f"{words[_YEAR]}:O", title=words[_YEAR]),
        _wan_tooltip(words[_AMOUNT], _wan_title(words, words[_AMOUNT])),
        _wan_tooltip(words[_CHANGE], _wan_title(words, words["change_on_year"]), signed=True),
        alt.Tooltip(
            f"{words[_CHANGE_PCT]}:Q", title=_with_unit(words, words["change_on_year"], "%"), format=_PCT_FORMAT
        ),
        alt.Tooltip(f"{words[_INDEX]}:Q", title=words["index_title"], format=_INDEX_FORMAT),
        alt.Tooltip(f"{words[_CAGR]}:Q", title=_with_unit(words, words[_CAGR], "%"), format=_PCT_FORMAT),
    ]


def trend_chart(
    trends: pl.DataFrame,
    *,
    measure: str | Sequence[str] | None = None,
    highlight: str | None = None,
    title: str | None = None,
    lang: str = "zh",
) -> alt.LayerChart:
    """Amounts by year: one line per department (colour) and, with several measures, per measure (dash).

    Points are labelled with their amount in 万元, on a zero-based axis; the tooltip adds the change on the year
    before (万元 and %), the index (first year = 100) and the compound annual growth rate. Beyond
    ``MAX_SERIES_COLORS`` departments (or with ``highlight``) one department is coloured and labelled, the others
    are grey; a single department has no colour legend.

    A single department's several measures are told apart by colour as well as by dash, line width, point shape and
    size, so that lines on top of each other (收入 = 支出 in a balanced budget) still show both; the subtitle then
    says they coincide (``收入合计与支出合计各年相同，两条线重合``).

    Parameters
    ----------
    trends
        The trends frame of ``analytics.compare`` (``department_id, measure, fiscal_year, amount_yuan`` and,
        when present, ``name, change_yuan, change_pct, index, cagr_pct``; percentages in percent, e.g. 12.5).
    measure
        One measure or several to draw; ``None`` draws every measure of the frame.
    highlight
        The department (id or name) to highlight against grey peers.
    title
        Chart title; by default the measures' names (up to three), e.g. ``收入合计变化趋势（万元）`` (in English
        ``Income: trend (10k yuan)``).
    lang
        Language of the chart's texts: ``"zh"`` (default) or ``"en"``; department names show as they are.

    Raises
    ------
    AnalyticsError
        When ``lang`` is neither ``"zh"`` nor ``"en"``.

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
    >>> spec = trend_chart(trends, lang="en").to_dict(validate=True)
    >>> spec["title"], spec["layer"][0]["encoding"]["y"]["title"], [row["Amount"] for row in spec["data"]["values"]]
    ('Income: trend (10k yuan)', 'Amount (10k yuan)', [100.0, 125.0])
    """
    words = _words(lang)
    frame = _conform(trends, _TRENDS_REQUIRED, _TRENDS_OPTIONAL, "trend_chart")
    wanted = _as_list(measure)
    if wanted is not None:
        frame = frame.filter(pl.col(c.MEASURE).is_in(wanted))
    shown = wanted if wanted is not None else frame.get_column(c.MEASURE).unique(maintain_order=True).to_list()
    if title is None:
        names = [_measure_label(name, lang) for name in shown]
        subject = words["list_separator"].join(names) if 0 < len(shown) <= 3 else words["all_measures"]
        title = words["trend_title"].format(subject=subject)
    records, series, focus = _series_colors(
        _trend_frame(frame, lang),
        words[_DEPT],
        words[_AMOUNT],
        _highlight_label(frame, highlight),
        words,
    )
    measures = frame.get_column(c.MEASURE).n_unique()
    measure_field, measure_order = words[_MEASURE], [_measure_label(name, lang) for name in shown]
    by_measure = measures > 1 and frame.get_column(s.DEPARTMENT_ID).n_unique() == 1
    # Every channel of the measures shares one legend (a legend turned off on one channel turns off the merged one).
    legend = alt.Legend(title=measure_field, labelLimit=_LEGEND_LABEL_LIMIT, symbolStrokeWidth=2.5)

    def by(channel: type[alt.FieldChannelMixin], **options: object) -> alt.FieldChannelMixin:
        return channel(f"{measure_field}:N", title=measure_field, sort=measure_order, legend=legend, **options)

    if by_measure:
        # One department's measures (收入 and 支出): each its own colour as well as its dash, width and point shape
        # and size, so that two lines on top of each other (a balanced budget) still show both: a thin dashed line
        # on a wide solid one, a small square in a large circle. Later measures are drawn on top.
        series = {"color": by(alt.Color, scale=alt.Scale(range=list(SERIES_COLORS)))}
        order = {name: i for i, name in enumerate(measure_order)}
        records = records.sort(pl.col(measure_field).replace_strict(order, default=len(order)), maintain_order=True)
    base = alt.Chart().encode(
        x=_year_x(words[_YEAR]),
        y=_wan_y(words[_AMOUNT], _wan_title(words, words[_AMOUNT])),
        **series,
        tooltip=_trend_tooltip(lang),
    )
    lines = base.mark_line()
    points = base.mark_point(filled=True, size=50, opacity=1)
    if measures > 1:
        lines = lines.encode(strokeDash=by(alt.StrokeDash))
        points = points.encode(shape=by(alt.Shape))
    if by_measure:
        rest = len(measure_order) - 2
        lines = lines.encode(strokeWidth=by(alt.StrokeWidth, scale=alt.Scale(range=[4.5, 2, *[2] * rest])))
        points = points.encode(size=by(alt.Size, scale=alt.Scale(range=[110, 35, *[35] * rest])))
    labels = _amount_labels(base, words[_AMOUNT], words[_YEAR], only=None if focus is None else (words[_DEPT], focus))
    notes = _coinciding(frame, shown, lang)
    return _finish(
        alt.layer(lines, points, labels, data=alt.Data(values=_records(records))).properties(
            title=alt.TitleParams(title, subtitle=notes) if notes else title, width=480, height=300
        )
    )


def _coinciding(frame: pl.DataFrame, shown: Sequence[str], lang: str) -> list[str]:
    """Notes on measures whose lines lie on top of each other: equal in every year a department has them all (收入
    and 支出 of a balanced budget), e.g. ``收入合计与支出合计各年相同，两条线重合``."""
    if len(shown) < 2 or frame.is_empty():
        return []
    words = _words(lang)
    years = (
        frame.filter(pl.col(c.MEASURE).is_in(list(shown)))
        .group_by(s.DEPARTMENT_ID, s.FISCAL_YEAR)
        .agg(
            (pl.col(c.MEASURE).n_unique() == len(shown)).alias("_all"),
            (pl.col(s.AMOUNT_YUAN).n_unique() == 1).alias("_equal"),
        )
        .filter(pl.col("_all"))
        .group_by(s.DEPARTMENT_ID)
        .agg(pl.col("_equal").all())
    )
    same = years.filter(pl.col("_equal")).get_column(s.DEPARTMENT_ID)
    if same.is_empty():
        return []
    labels = [_measure_label(name, lang) for name in shown]
    names = words["and"].join([labels[0], *(_in_sentence(label, lang) for label in labels[1:])])
    note = words["lines_coincide"].format(measures=names)
    if frame.get_column(s.DEPARTMENT_ID).n_unique() == 1:
        return [note]
    named = frame.filter(pl.col(s.DEPARTMENT_ID).is_in(same.implode())).select(_department_label(frame))
    departments = words["list_separator"].join(named.to_series().unique(maintain_order=True))
    return [words["name_prefix"].format(name=departments) + note]


def small_multiples_chart(
    trends: pl.DataFrame, *, measure: str, columns: int = 3, title: str | None = None, lang: str = "zh"
) -> alt.FacetChart:
    """One small trend panel per department (wrapped in ``columns`` columns), each with its own y scale.

    Each panel's scale starts at zero, so a change of 0.7 % looks like one; the scales differ between panels (a
    small department's line is not flattened by a large one's), which the axis labels show.

    Parameters
    ----------
    trends
        The trends frame of ``analytics.compare``.
    measure
        The measure to draw, e.g. ``"expenditure_total"``.
    columns
        Panels per row.
    title
        Chart title; by default ``<measure>：各部门变化趋势（万元）`` (in English
        ``<measure>: trend by department (10k yuan)``).
    lang
        Language of the chart's texts: ``"zh"`` (default) or ``"en"``; department names show as they are.

    Raises
    ------
    AnalyticsError
        When ``lang`` is neither ``"zh"`` nor ``"en"``.

    Examples
    --------
    >>> spec = small_multiples_chart(pl.DataFrame(), measure="basic", columns=2).to_dict(validate=True)
    >>> spec["title"], spec["columns"], spec["resolve"]["scale"]["y"]
    ('基本支出：各部门变化趋势（万元）', 2, 'independent')
    >>> small_multiples_chart(pl.DataFrame(), measure="basic", lang="en").to_dict(validate=True)["title"]
    'Basic spending: trend by department (10k yuan)'
    """
    words = _words(lang)
    frame = _conform(trends, _TRENDS_REQUIRED, _TRENDS_OPTIONAL, "small_multiples_chart")
    frame = frame.filter(pl.col(c.MEASURE) == measure)
    chart = (
        alt.Chart(alt.Data(values=_records(_trend_frame(frame, lang))))
        .mark_line(point=alt.OverlayMarkDef(size=30))
        .encode(
            x=_year_x(words[_YEAR]),
            y=_wan_y(words[_AMOUNT], _wan_title(words, words[_AMOUNT])),
            tooltip=_trend_tooltip(lang),
        )
        .properties(width=180, height=120)
    )
    return _finish(
        chart.facet(
            facet=alt.Facet(f"{words[_DEPT]}:N", title=None, header=alt.Header(labelLimit=220)),
            columns=columns,
            spacing={"row": 36, "column": 24},
        )
        .resolve_scale(x="independent", y="independent")
        .properties(title=title or words["multiples_title"].format(measure=_measure_label(measure, lang)))
    )


def slope_chart(
    trends: pl.DataFrame,
    from_year: int,
    to_year: int,
    *,
    measure: str,
    highlight: str | None = None,
    title: str | None = None,
    lang: str = "zh",
) -> alt.LayerChart:
    """Each department's amount in two years, joined by a line; both ends labelled in 万元, names on the right.

    Amounts are on a zero-based axis. A department without a figure in both years cannot be drawn: the subtitle
    names it (``缺少2023年数据：…``, the notes of ``slope_chart_gaps``), so no department is left out silently.
    Beyond ``MAX_SERIES_COLORS`` departments (or with ``highlight``) one is coloured and the others are grey.

    Parameters
    ----------
    trends
        The trends frame of ``analytics.compare``.
    from_year, to_year
        The two years compared.
    measure
        The measure to compare, e.g. ``"income_total"``.
    highlight
        The department (id or name) to highlight against grey peers.
    title
        Chart title; by default ``<measure>：<from_year>年与<to_year>年对比（万元）`` (in English
        ``<measure>: <from_year> and <to_year> compared (10k yuan)``).
    lang
        Language of the chart's texts: ``"zh"`` (default) or ``"en"``; department names show as they are.

    Raises
    ------
    AnalyticsError
        When ``lang`` is neither ``"zh"`` nor ``"en"``.

    Examples
    --------
    >>> spec = slope_chart(pl.DataFrame(), 2022, 2024, measure="project").to_dict(validate=True)
    >>> spec["title"], spec["layer"][0]["mark"]["type"]
    ('项目支出：2022年与2024年对比（万元）', 'line')
    >>> slope_chart(pl.DataFrame(), 2022, 2024, measure="project", lang="en").to_dict(validate=True)["title"]
    'Project spending: 2022 and 2024 compared (10k yuan)'
    """
    words = _words(lang)
    dept, year, amount, change, change_pct, label = (
        words[key] for key in (_DEPT, _YEAR, _AMOUNT, _CHANGE, _CHANGE_PCT, _LABEL)
    )
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
    drawn = ends.select(
        _department_label(ends).alias(dept),
        pl.col(s.FISCAL_YEAR).alias(year),
        wan_yuan(s.AMOUNT_YUAN).alias(amount),
        wan_yuan("_change").alias(change),
        pl.when(base_amount != 0).then(pl.col("_change").cast(pl.Float64) / base_amount * 100).alias(change_pct),
    )
    drawn, series, _ = _series_colors(drawn, dept, amount, _highlight_label(ends, highlight), words, named=True)
    records = _records(drawn)
    between = words["change_between"].format(start=from_year, end=to_year)
    base = alt.Chart().encode(
        # The two years at fixed positions: room on the left for the base-year amounts, on the right for the
        # department names and report-year amounts (17-character names fit), whatever width the page gives it.
        x=alt.X(
            f"{year}:O",
            title=year,
            scale=alt.Scale(domain=[from_year, to_year], range=[alt.expr("width * 0.15"), alt.expr("width * 0.55")]),
            axis=alt.Axis(labelAngle=0, domain=False, ticks=False),
        ),
        # No grid: it would end where the years' range ends, short of the names on the right.
        y=_wan_y(amount, _wan_title(words, amount), grid=False),
        **series,
        tooltip=[
            alt.Tooltip(f"{dept}:N", title=dept),
            alt.Tooltip(f"{year}:O", title=year),
            _wan_tooltip(amount, _wan_title(words, amount)),
            _wan_tooltip(change, _wan_title(words, between), signed=True),
            alt.Tooltip(f"{change_pct}:Q", title=_with_unit(words, between, "%"), format=_PCT_FORMAT),
        ],
    )
    lines = base.mark_line(point=alt.OverlayMarkDef(size=60))
    formatted = f"format(datum['{amount}'], '{_WAN_FORMAT}')"
    left = (
        base.transform_filter(alt.datum[year] == from_year)
        .transform_calculate(as_=label, calculate=formatted)
        .mark_text(align="right", dx=-8, fontSize=11)
        .encode(text=alt.Text(f"{label}:N"))
    )
    right = (
        base.transform_filter(alt.datum[year] == to_year)
        .transform_calculate(as_=label, calculate=f"datum['{dept}'] + '  ' + {formatted}")
        .mark_text(align="left", dx=8, fontSize=11)
        .encode(text=alt.Text(f"{label}:N"))
    )
    default_title = words["slope_title"].format(measure=_measure_label(measure, lang), start=from_year, end=to_year)
    gaps = [
        line
        for note in slope_chart_gaps(frame, from_year, to_year, measure=measure, lang=lang)
        for line in _wrapped(note, words["list_separator"])
    ]
    return _finish(
        alt.layer(lines, left, right, data=alt.Data(values=records)).properties(
            title=alt.TitleParams(title or default_title, subtitle=gaps) if gaps else title or default_title,
            width=_SLOPE_WIDTH,
            height=320,
        )
    )


def slope_chart_gaps(
    trends: pl.DataFrame, from_year: int, to_year: int, *, measure: str, lang: str = "zh"
) -> list[str]:
    """The departments of ``trends`` a slope chart of ``measure`` cannot draw, one note per missing year (or pair).

    A department has a slope only with a figure in both years; every other department of the frame that has the
    measure in some year is named, so a page can say why a chosen department is not in the chart.

    Parameters
    ----------
    trends
        The trends frame of ``analytics.compare`` (the rows of the departments chosen).
    from_year, to_year
        The two years compared.
    measure
        The measure compared.
    lang
        Language of the notes: ``"zh"`` (default) or ``"en"``; department names show as they are.

    Returns
    -------
    list[str]
        E.g. ``["缺少2023年数据：测试区乙局、测试区丙局"]``; empty when every department has both years.

    Examples
    --------
    >>> trends = pl.DataFrame(
    ...     {
    ...         s.DEPARTMENT_ID: ["a", "a", "b"],
    ...         s.NAME: ["测试区甲局", "测试区甲局", "测试区乙局"],
    ...         c.MEASURE: ["income_total"] * 3,
    ...         s.FISCAL_YEAR: [2023, 2024, 2024],
    ...         s.AMOUNT_YUAN: [Decimal("1.00"), Decimal("2.00"), Decimal("3.00")],
    ...     }
    ... )
    >>> slope_chart_gaps(trends, 2023, 2024, measure="income_total")
    ['缺少2023年数据：测试区乙局']
    >>> slope_chart_gaps(trends, 2023, 2024, measure="income_total", lang="en")
    ['No figure for 2023: 测试区乙局']
    """
    words = _words(lang)
    frame = _conform(trends, _TRENDS_REQUIRED, _TRENDS_OPTIONAL, "slope_chart_gaps")
    frame = frame.filter((pl.col(c.MEASURE) == measure) & pl.col(s.AMOUNT_YUAN).is_not_null())
    has = frame.group_by(s.DEPARTMENT_ID, maintain_order=True).agg(
        _department_label(frame).first().alias(_DEPT),
        (pl.col(s.FISCAL_YEAR) == from_year).any().alias("_from"),
        (pl.col(s.FISCAL_YEAR) == to_year).any().alias("_to"),
    )
    notes = []
    for missing_from, missing_to, years in (
        (True, False, words["year_of"].format(year=from_year)),
        (False, True, words["year_of"].format(year=to_year)),
        (True, True, words["two_years"].format(start=from_year, end=to_year)),
    ):
        names = has.filter((pl.col("_from") != missing_from) & (pl.col("_to") != missing_to)).get_column(_DEPT)
        if len(names):
            notes.append(words["missing_years"].format(years=years, names=words["list_separator"].join(names)))
    return notes


def _wrapped(note: str, separator: str, width: int = 60) -> list[str]:
    """``note`` in lines of about ``width`` characters, broken after a list separator (a subtitle does not wrap)."""
    lines: list[str] = []
    for part in note.split(separator):
        if lines and len(lines[-1]) + len(separator) + len(part) <= width:
            lines[-1] += separator + part
        else:
            if lines:
                lines[-1] += separator.rstrip()
            lines.append(part)
    return lines


def _amount_in_year(year: int) -> pl.Expr:
    return pl.col(s.AMOUNT_YUAN).filter(pl.col(s.FISCAL_YEAR) == year).first().over(s.DEPARTMENT_ID)


# --- decomposition ------------------------------------------------------------------------------------------------
def _waterfall_steps(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Bars of a waterfall, in 元: the from-year total, each component's contribution, the to-year total.

    Each contribution starts where the one before ended; the to-year total is the from-year total plus every
    contribution, so the bars meet exactly (the decomposition's contributions add up to the total change).
    """
    words = _words(lang)
    kinds = _group("kind", lang)
    step, kind, start, end, amount, amount_from, amount_to, share = (
        words[key] for key in (_STEP, _KIND, _START, _END, _AMOUNT, _AMOUNT_FROM, _AMOUNT_TO, _SHARE)
    )
    opening = pl.col(c.AMOUNT_FROM).sum()
    reached = opening + pl.col(c.CONTRIBUTION_YUAN).cum_sum()
    contribution = pl.col(c.CONTRIBUTION_YUAN)
    components = frame.lazy().select(
        _label_expr(c.COMPONENT, compare.COMPONENT_LABELS, lang).alias(step),
        pl.when(contribution > 0)
        .then(pl.lit(kinds["increase"]))
        .when(contribution < 0)
        .then(pl.lit(kinds["decrease"]))
        .otherwise(pl.lit(kinds["flat"]))
        .alias(kind),
        (reached - contribution).alias(start),
        reached.alias(end),
        contribution.alias(amount),
        pl.col(c.AMOUNT_FROM).alias(amount_from),
        pl.col(c.AMOUNT_TO).alias(amount_to),
        pl.col(c.CONTRIBUTION_SHARE).cast(pl.Float64).alias(share),
    )
    totals = frame.lazy().select(
        pl.col(c.FROM_YEAR).first(),
        pl.col(c.TO_YEAR).first(),
        opening.alias("_opening"),
        (opening + contribution.sum()).alias("_closing"),
    )
    year_of = words["year_of"].format(year="{}")  # a pl.format template: "{}年" or "{}"
    none = pl.lit(None, pl.Decimal(38, 2))

    def total_bar(year: str, total: str, *, opening: bool) -> pl.LazyFrame:
        """A year's total, from zero: the base-year amount (``opening``) or the report-year one."""
        return totals.select(
            pl.format(year_of, year).alias(step),
            pl.lit(kinds["total"]).alias(kind),
            pl.lit(Decimal(0), dtype=pl.Decimal(38, 2)).alias(start),
            pl.col(total).alias(end),
            pl.col(total).alias(amount),
            (pl.col(total) if opening else none).alias(amount_from),
            (none if opening else pl.col(total)).alias(amount_to),
            pl.lit(None, pl.Float64).alias(share),
        )

    opening_bar = total_bar(c.FROM_YEAR, "_opening", opening=True)
    closing_bar = total_bar(c.TO_YEAR, "_closing", opening=False)
    return pl.concat([opening_bar, components, closing_bar], how="vertical_relaxed").collect()


def waterfall_chart(decomposition: pl.DataFrame, *, title: str | None = None, lang: str = "zh") -> alt.LayerChart:
    """Where a change came from: the from-year total, one floating bar per component, the to-year total.

    Increases are bluish green, decreases vermillion (an Okabe–Ito pair, told apart with colour-vision
    deficiencies), totals blue; each bar is labelled in 万元 (contributions with their sign). Components keep the
    frame's order.

    Parameters
    ----------
    decomposition
        The decomposition frame of ``analytics.compare`` for one department, dimension and pair of years.
    title
        Chart title; by default ``<from>年至<to>年变化分解：按<dimension>（万元）`` (in English
        ``Change from <from> to <to> by <dimension> (10k yuan)``).
    lang
        Language of the chart's texts: ``"zh"`` (default) or ``"en"``; department names and printed component
        names show as they are.

    Raises
    ------
    AnalyticsError
        When the frame holds more than one department, dimension or pair of years, or ``lang`` is neither
        ``"zh"`` nor ``"en"``.

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
    >>> waterfall_chart(decomposition, lang="en").to_dict(validate=True)["title"]
    'Change from 2023 to 2024 by spending category (10k yuan)'
    """
    words = _words(lang)
    step, kind, start, end, amount, label_at, share = (
        words[key] for key in (_STEP, _KIND, _START, _END, _AMOUNT, _LABEL_AT, _SHARE)
    )
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
            schema={step: pl.String, kind: pl.String, **dict.fromkeys((start, end, amount), pl.Float64)}
        )
    else:
        in_wan = (start, end, amount, words[_AMOUNT_FROM], words[_AMOUNT_TO])
        steps = _waterfall_steps(frame, lang).with_columns(wan_yuan(pl.col(name)).alias(name) for name in in_wan)
    steps = steps.with_columns(pl.max_horizontal(start, end).alias(label_at))
    if title is None:
        if keys.is_empty():
            title = words["waterfall_empty_title"]
        else:
            key = keys.row(0, named=True)
            names = frame.get_column(s.NAME).drop_nulls()
            title = words["waterfall_title"].format(
                prefix=words["name_prefix"].format(name=names[0]) if len(names) else "",
                start=key[c.FROM_YEAR],
                end=key[c.TO_YEAR],
                dimension=_in_sentence(_dimension_label(key[c.DIMENSION], lang), lang),
            )
    kinds = _group("kind", lang)
    x = alt.X(f"{step}:N", title=None, sort=steps.get_column(step).to_list(), axis=alt.Axis(labelAngle=-30))
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=x,
            y=_wan_y(start, _wan_title(words, amount)),
            y2=alt.Y2(f"{end}:Q"),
            color=alt.Color(
                f"{kind}:N",
                title=kind,
                scale=alt.Scale(domain=[kinds[name] for name in _KIND_COLORS], range=list(_KIND_COLORS.values())),
            ),
            tooltip=[
                alt.Tooltip(f"{step}:N", title=step),
                alt.Tooltip(f"{kind}:N", title=kind),
                _wan_tooltip(amount, _wan_title(words, words["amount_or_change"])),
                _wan_tooltip(words[_AMOUNT_FROM], _wan_title(words, words[_AMOUNT_FROM])),
                _wan_tooltip(words[_AMOUNT_TO], _wan_title(words, words[_AMOUNT_TO])),
                alt.Tooltip(f"{share}:Q", title=words["share_of_change"], format=_SHARE_FORMAT),
                _wan_tooltip(start, _wan_title(words, start)),
                _wan_tooltip(end, _wan_title(words, end)),
            ],
        )
    )
    label = alt.Chart().mark_text(dy=-6, fontSize=11).encode(x=x, y=alt.Y(f"{label_at}:Q"))
    total_labels = label.transform_filter(alt.datum[kind] == kinds["total"]).encode(
        text=alt.Text(f"{amount}:Q", format=_WAN_FORMAT)
    )
    change_labels = label.transform_filter(alt.datum[kind] != kinds["total"]).encode(
        text=alt.Text(f"{amount}:Q", format=_SIGNED_WAN_FORMAT)
    )
    return _finish(
        alt.layer(bars, total_labels, change_labels, data=alt.Data(values=_records(steps))).properties(
            title=title, width=max(240, 70 * steps.height), height=320
        )
    )


# --- structure ----------------------------------------------------------------------------------------------------
def composition_chart(
    structure: pl.DataFrame,
    *,
    dimension: str,
    normalize: bool = True,
    columns: int = 3,
    title: str | None = None,
    lang: str = "zh",
) -> alt.Chart | alt.FacetChart:
    """Stacked bars of a dimension's components per year: shares (``normalize``) or amounts in 万元.

    With more than one department, one panel per department (wrapped in ``columns`` columns). Components are
    stacked and coloured by their total amount, largest first, at the bottom; beyond ``MAX_SERIES_COLORS``
    components, the smallest are added up as one ``其他`` (Other), so no two colours are hard to tell apart.

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
        Chart title; by default ``支出构成：按<dimension>（占比）`` or ``（万元）`` (in English
        ``Spending composition by <dimension> (share)`` or ``(10k yuan)``).
    lang
        Language of the chart's texts: ``"zh"`` (default) or ``"en"``; department names and printed component
        names show as they are.

    Raises
    ------
    AnalyticsError
        When ``lang`` is neither ``"zh"`` nor ``"en"``.

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
    >>> composition_chart(structure.clear(), dimension="category", lang="en").to_dict(validate=True)["title"]
    'Spending composition by spending category (share)'
    """
    words = _words(lang)
    dept, year, component, amount, share, order_field = (
        words[key] for key in (_DEPT, _YEAR, _COMPONENT, _AMOUNT, _SHARE, _ORDER)
    )
    frame = _conform(structure, _STRUCTURE_REQUIRED, {s.NAME: pl.String}, "composition_chart")
    frame = frame.filter(pl.col(c.DIMENSION) == dimension).with_columns(
        _label_expr(c.COMPONENT, compare.COMPONENT_LABELS, lang)
    )
    other = words["other_components"]
    frame = _top_components(frame, other)
    # Largest first, and "其他" (the smallest added up) last whatever its size.
    weight = pl.when(pl.col(c.COMPONENT) == other).then(-1.0).otherwise(pl.col(s.AMOUNT_YUAN).cast(pl.Float64))
    ordered = frame.with_columns(weight.sum().over(c.COMPONENT).alias("_weight")).sort(
        ["_weight", c.COMPONENT, s.DEPARTMENT_ID, s.FISCAL_YEAR], descending=[True, False, False, False]
    )
    order = ordered.get_column(c.COMPONENT).unique(maintain_order=True).to_list()
    records = _records(
        ordered.select(
            _department_label(ordered).alias(dept),
            pl.col(s.FISCAL_YEAR).alias(year),
            pl.col(c.COMPONENT).alias(component),
            wan_yuan(s.AMOUNT_YUAN).alias(amount),
            pl.col(c.SHARE).cast(pl.Float64).alias(share),
            pl.col("_weight").rank("dense", descending=True).cast(pl.Int32).alias(order_field),
        )
    )
    if normalize:
        y = alt.Y(f"{share}:Q", title=share, stack="zero", axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, 1]))
    else:
        y = _wan_y(amount, _wan_title(words, amount), stack="zero")
    dimension_name = _dimension_label(dimension, lang)
    chart = (
        alt.Chart(alt.Data(values=records))
        .mark_bar()
        .encode(
            x=_year_x(year),
            y=y,
            color=alt.Color(
                f"{component}:N", title=dimension_name, sort=order, scale=alt.Scale(range=list(SERIES_COLORS))
            ),
            order=alt.Order(f"{order_field}:Q", sort="ascending"),
            tooltip=[
                alt.Tooltip(f"{dept}:N", title=dept),
                alt.Tooltip(f"{year}:O", title=year),
                alt.Tooltip(f"{component}:N", title=dimension_name),
                _wan_tooltip(amount, _wan_title(words, amount)),
                alt.Tooltip(f"{share}:Q", title=share, format=_SHARE_FORMAT),
            ],
        )
    )
    departments = ordered.get_column(s.DEPARTMENT_ID).unique()
    names = ordered.select(_department_label(ordered)).to_series().unique()
    if title is None:
        title = words["composition_title"].format(
            prefix=words["name_prefix"].format(name=names[0]) if len(departments) == 1 else "",
            dimension=_in_sentence(dimension_name, lang),
            unit=words["share_unit"] if normalize else words["unit:万元"],
        )
    if len(departments) > 1:
        chart = chart.properties(width=200, height=220).facet(facet=alt.Facet(f"{dept}:N", title=None), columns=columns)
    else:
        chart = chart.properties(width=320, height=280)
    return _finish(chart.properties(title=title))


def _top_components(frame: pl.DataFrame, other: str) -> pl.DataFrame:
    """``frame`` with at most ``MAX_SERIES_COLORS`` components: the largest overall, the rest summed as ``other``
    in each department and year (amounts stay exact; shares add up)."""
    if frame.get_column(c.COMPONENT).n_unique() <= MAX_SERIES_COLORS:
        return frame
    kept = (
        frame.group_by(c.COMPONENT)
        .agg(pl.col(s.AMOUNT_YUAN).sum())
        .sort([s.AMOUNT_YUAN, c.COMPONENT], descending=[True, False])
        .head(MAX_SERIES_COLORS - 1)
        .get_column(c.COMPONENT)
    )
    keys = [s.DEPARTMENT_ID, s.FISCAL_YEAR, c.DIMENSION, c.COMPONENT]
    return (
        frame.with_columns(
            pl.when(pl.col(c.COMPONENT).is_in(kept.implode())).then(pl.col(c.COMPONENT)).otherwise(pl.lit(other))
        )
        .group_by(keys, maintain_order=True)
        .agg(pl.col(s.NAME).first(), pl.col(s.AMOUNT_YUAN).sum(), pl.col(c.SHARE).sum())
        .select(frame.columns)
    )


def _peer_key(dots: pl.DataFrame, words: Mapping[str, str], roles: Mapping[str, str]) -> tuple[str, alt.Color]:
    """The field naming the band's and the median's marks, and the dots' colour with the one legend of every mark.

    The legend names the dots (this department, its peers), the band (the group's quartiles, as
    ``analytics.compare.peer_stats`` computes them: the 25th to 75th percentile of every member's value, this one's
    included) and the median's line; its title names the group and how many are in it.
    """
    band_name, median_name, group = words["peer_band"], words["peer_median"], words[_GROUP]
    group_names = dots.get_column(group).drop_nulls().unique(maintain_order=True)
    title = (
        words["peer_legend"].format(group=group_names[0], count=dots.height)
        if len(group_names) == 1
        else words["peer_legend_groups"]
    )
    shapes = json.dumps({band_name: "square", median_name: "M-0.15,-1H0.15V1H-0.15Z"}, ensure_ascii=False)
    color = alt.Color(
        f"{words[_ROLE]}:N",
        scale=alt.Scale(
            domain=[roles["focus"], roles["peer"], band_name, median_name],
            range=[_FOCUS_COLOR, _NEUTRAL_COLOR, _BAND_COLOR, "#000000"],
        ),
        legend=alt.Legend(
            title=title,
            orient="bottom",
            direction="vertical",
            symbolOpacity=1,
            symbolType=alt.ExprRef(f"{shapes}[datum.label] || 'circle'"),
        ),
    )
    return words[_KEY], color


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
    lang: str = "zh",
) -> alt.LayerChart:
    """A department among its peers: one named row per department, largest first, the focus highlighted.

    Each row is a dot at the department's value, labelled with it; behind the dots, the peer group's band from the
    first to the third quartile (the 25th to 75th percentile of every member's value, the focus department's
    included) and its median (a tick per row, so the ticks form a line). A legend below names each: this
    department, its peers, the band and the median; its title names the group and how many it has. The department names
    are the y axis, so every dot is named; the tooltip adds the rank among the peers, given only in a group of at
    least ``analytics.compare.MIN_PEER_GROUP`` departments (a smaller group's subtitle says why there is none).
    Only the focus department's peer group is drawn (every group when the focus is not in the frame). The value
    axis starts at zero.

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
        ``""``) shows values as they are. Always given in Chinese; an English chart shows it in English (万元 as
        ``10k yuan``), an unknown unit as it is.
    value_format
        d3 format of values in labels and tooltips, e.g. ``",.2f"`` or ``".1%"`` for a ratio (the axis trims its
        trailing zeros).
    fiscal_year
        The year to draw; by default the focus department's latest year (the frame's latest without the focus).
    title
        Chart title; by default ``<measure>：同组比较（<year>年，<unit>）`` (in English
        ``<measure> among peers (<year>, <unit>)``).
    lang
        Language of the chart's texts: ``"zh"`` (default) or ``"en"``; department and peer group names show as
        they are.

    Raises
    ------
    AnalyticsError
        When ``lang`` is neither ``"zh"`` nor ``"en"``.

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
    ...         c.PEER_COUNT: [3] * 3,
    ...     }
    ... )
    >>> spec = peer_strip_chart(peers, focus_department_id="b", measure="personnel").to_dict(validate=True)
    >>> spec["title"]["text"], spec["title"]["subtitle"]
    ('人员经费：同组比较（2024年，万元）', ['同组仅3个部门（少于5个），不排名'])
    >>> [(row["部门"], row["角色"]) for row in spec["data"]["values"]]
    [('测试区丙局', '同组部门'), ('测试区乙局', '本部门'), ('测试区甲局', '同组部门')]
    >>> key = spec["layer"][2]["encoding"]["color"]
    >>> key["legend"]["title"], key["scale"]["domain"]
    ('同组：区级部门（3个部门，含本部门）', ['本部门', '同组部门', '同组四分位区间（25%至75%分位）', '同组中位数'])
    >>> peer_strip_chart(peers, focus_department_id="b", measure="personnel", lang="en").to_dict()["title"]["text"]
    'Personnel costs among peers (2024, 10k yuan)'
    """
    words = _words(lang)
    dept, group, value, role, rank, percentile, median_field, q1, q3, dot_label = (
        words[key] for key in (_DEPT, _GROUP, _VALUE, _ROLE, _RANK, _PERCENTILE, _MEDIAN, _Q1, _Q3, _DOT_LABEL)
    )
    roles = _group("role", lang)
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
    # The group's size: the frame's own count, else the rows it has (a frame built by hand may lack it).
    size = pl.coalesce(pl.col(c.PEER_COUNT), pl.len().over(c.PEER_GROUP).cast(pl.Int32))
    frame = (
        frame.with_columns(scaled)
        .with_columns(size.alias(c.PEER_COUNT))
        .sort([c.PEER_GROUP, c.VALUE], descending=[False, True])
    )
    minimum = compare.MIN_PEER_GROUP
    no_rank = words["no_rank"].format(minimum=minimum)
    label = _department_label(frame)
    dots = frame.select(
        label.alias(dept),
        pl.col(c.PEER_GROUP).alias(group),
        pl.col(c.VALUE).alias(value),
        pl.when(is_focus).then(pl.lit(roles["focus"])).otherwise(pl.lit(roles["peer"])).alias(role),
        # A rank only where the group is large enough for one (``analytics.compare.peer_stats`` leaves it null).
        pl.when(pl.col(c.RANK).is_not_null() & (pl.col(c.PEER_COUNT) >= minimum))
        .then(pl.format("{}/{}", c.RANK, c.PEER_COUNT))
        .otherwise(pl.lit(no_rank))
        .alias(rank),
        pl.when(pl.col(c.PEER_COUNT) >= minimum).then(pl.col(c.PERCENTILE)).alias(percentile),
        pl.col(c.MEDIAN).alias(median_field),
        pl.col(c.Q1).alias(q1),
        pl.col(c.Q3).alias(q3),
    )
    order = dots.get_column(dept).to_list()
    small = frame.filter(pl.col(c.PEER_COUNT) < minimum).get_column(c.PEER_COUNT).unique().sort()
    notes = [words["no_rank_note"].format(count=count, minimum=minimum) for count in small]
    focus_name = dots.filter(pl.col(role) == roles["focus"]).get_column(dept)
    unit_name = _group("unit", lang).get(unit, unit)
    suffix = _with_unit(words, "", unit_name) if unit else ""
    measure_name = _measure_label(measure, lang)
    value_title = f"{measure_name}{suffix}"
    # Names on the axis; the focus department's in bold and in its colour.
    emphasis = f"datum.value === {json.dumps(focus_name[0], ensure_ascii=False)}" if len(focus_name) else "false"
    y = alt.Y(
        f"{dept}:N",
        title=None,
        sort=order,
        axis=alt.Axis(
            labelLimit=_AXIS_LABEL_LIMIT,
            labelFontWeight=alt.ExprRef(f"{emphasis} ? 'bold' : 'normal'"),
            labelColor=alt.ExprRef(f"{emphasis} ? '{_FOCUS_COLOR}' : '#333333'"),
        ),
    )
    x_scale = alt.Scale(zero=True)
    spread_tooltip = [
        alt.Tooltip(f"{group}:N", title=group),
        alt.Tooltip(f"{q1}:Q", title=f"{q1}{suffix}", format=value_format),
        alt.Tooltip(f"{median_field}:Q", title=f"{median_field}{suffix}", format=value_format),
        alt.Tooltip(f"{q3}:Q", title=f"{q3}{suffix}", format=value_format),
    ]
    key_field, key = _peer_key(dots, words, roles)
    base = alt.Chart()
    band = (
        base.transform_calculate(as_=key_field, calculate=json.dumps(words["peer_band"], ensure_ascii=False))
        .mark_bar(height={"band": 1})
        .encode(
            x=alt.X(f"{q1}:Q", title=value_title, axis=alt.Axis(format=_axis_format(value_format)), scale=x_scale),
            x2=alt.X2(f"{q3}:Q"),
            y=y,
            color=alt.Color(f"{key_field}:N"),
            tooltip=spread_tooltip,
        )
    )
    median = (
        base.transform_calculate(as_=key_field, calculate=json.dumps(words["peer_median"], ensure_ascii=False))
        .mark_tick(thickness=2, bandSize=1, opacity=0.8)
        .encode(x=alt.X(f"{median_field}:Q"), y=y, color=alt.Color(f"{key_field}:N"), tooltip=spread_tooltip)
    )
    role_domain = [roles["focus"], roles["peer"]]
    points = base.mark_circle(opacity=0.9).encode(
        x=alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(format=_axis_format(value_format)), scale=x_scale),
        y=y,
        color=key,
        size=alt.Size(f"{role}:N", legend=None, scale=alt.Scale(domain=role_domain, range=[180, 70])),
        tooltip=[
            alt.Tooltip(f"{dept}:N", title=dept),
            alt.Tooltip(f"{group}:N", title=group),
            alt.Tooltip(f"{value}:Q", title=value_title, format=value_format),
            alt.Tooltip(f"{rank}:N", title=words["rank_title"]),
            alt.Tooltip(f"{percentile}:Q", title=percentile, format=".1f"),
            alt.Tooltip(f"{median_field}:Q", title=f"{words['peer_median']}{suffix}", format=value_format),
        ],
    )
    values_text = (
        base.transform_calculate(as_=dot_label, calculate=f"format(datum['{value}'], '{value_format}')")
        .mark_text(align="left", dx=10, fontSize=11)
        .encode(
            x=alt.X(f"{value}:Q"),
            y=y,
            text=alt.Text(f"{dot_label}:N"),
            color=alt.condition(alt.datum[role] == roles["focus"], alt.value(_FOCUS_COLOR), alt.value("#333333")),
        )
    )
    year_name = words["year_of"].format(year=fiscal_year) if fiscal_year is not None else ""
    context = words["context_separator"].join(part for part in (year_name, unit_name) if part)
    default_title = words["peer_title"].format(measure=measure_name)
    if context:
        default_title = _with_unit(words, default_title, context)
    layered = alt.layer(band, median, points, values_text, data=alt.Data(values=_records(dots)))
    return _finish(
        layered.properties(
            title=alt.TitleParams(title or default_title, subtitle=notes) if notes else title or default_title,
            width=420,
            height=alt.Step(24),
        )
    )


# --- flags --------------------------------------------------------------------------------------------------------
def flags_heatmap(
    flags: pl.DataFrame, *, departments: pl.DataFrame | None = None, title: str | None = None, lang: str = "zh"
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
        Chart title; by default ``核查发现分布（部门 × 规则类别）`` (in English
        ``Findings by department and rule family``).
    lang
        Language of the chart's texts: ``"zh"`` (default) or ``"en"``; department names show as they are.

    Raises
    ------
    AnalyticsError
        When ``lang`` is neither ``"zh"`` nor ``"en"``.

    Examples
    --------
    >>> flags = pl.DataFrame({s.DEPARTMENT_ID: ["a", "a"], s.FAMILY: ["table", "table"], s.SEVERITY: ["error", "info"]})
    >>> spec = flags_heatmap(flags).to_dict(validate=True)
    >>> cell = next(row for row in spec["data"]["values"] if row["规则类别"] == "表内勾稽")
    >>> cell["发现数"], cell["错误"], cell["提示"]
    (2, 1, 1)
    >>> spec = flags_heatmap(flags, lang="en").to_dict(validate=True)
    >>> spec["title"]
    'Findings by department and rule family'
    >>> next(row for row in spec["data"]["values"] if row["Rule family"] == "Inside a table")
    {'Department': 'a', 'Rule family': 'Inside a table', 'Findings': 2, 'Error': 1, 'Warning': 0, 'Info': 1}
    """
    words = _words(lang)
    dept, family, count = words[_DEPT], words[_FAMILY], words[_COUNT]
    severities = _group("severity", lang)
    frame = _conform(flags, _FLAGS_REQUIRED, {}, "flags_heatmap")
    key = pl.col(s.DEPARTMENT_ID).fill_null("")
    counts = frame.group_by(key.alias(s.DEPARTMENT_ID), s.FAMILY).agg(
        pl.len().cast(pl.Int64).alias(count),
        *((pl.col(s.SEVERITY) == severity).sum().cast(pl.Int64).alias(label) for severity, label in severities.items()),
    )
    families = [*FAMILIES, *sorted(set(counts.get_column(s.FAMILY).drop_nulls()) - set(FAMILIES))]
    known = _translated(FAMILIES, lang)
    family_labels = {name: known.get(name, name) for name in families}
    grid = (
        counts.select(s.DEPARTMENT_ID)
        .unique()
        .join(pl.DataFrame({s.FAMILY: families}, schema={s.FAMILY: pl.String}), how="cross")
        .join(counts, on=[s.DEPARTMENT_ID, s.FAMILY], how="left")
        .with_columns(pl.col(count, *severities.values()).fill_null(0))
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
        label.fill_null(pl.lit(words["no_department"])).alias(dept),
        pl.col(count).sum().over(s.DEPARTMENT_ID).alias("_total"),
    ).sort(["_total", dept, s.FAMILY], descending=[True, False, False])
    rows = grid.get_column(dept).unique(maintain_order=True).to_list()
    records = _records(
        grid.select(
            dept,
            pl.col(s.FAMILY).replace_strict(family_labels, return_dtype=pl.String).alias(family),
            count,
            *severities.values(),
        )
    )
    headings = list(family_labels.values())
    # Every heading shown: no label is dropped for overlapping its neighbour (the axes' default). A Chinese heading
    # is broken into lines as wide as a column (文字说明 / 与数字); English ones, whose words are long, are slanted.
    english = lang == "en"
    lines = {heading: [heading] if english else _heading_lines(heading, _HEATMAP_LINE) for heading in headings}
    step = _HEATMAP_STEP
    x = alt.X(
        f"{family}:N",
        title=family,
        scale=alt.Scale(domain=headings),
        axis=alt.Axis(
            labelAngle=-35 if english else 0,
            labelAlign="left" if english else "center",
            orient="top",
            labelOverlap=False,
            labelFontSize=_HEATMAP_LABEL_SIZE,
            # Lines of a label run downwards from its first: the first is raised by the lines below it.
            labelPadding=4 + round(1.25 * _HEATMAP_LABEL_SIZE) * (max(map(len, lines.values()), default=1) - 1),
            labelLimit=240 if english else step,
            labelExpr=f"{json.dumps(lines, ensure_ascii=False)}[datum.value] || datum.label",
        ),
    )
    y = alt.Y(f"{dept}:N", title=dept, sort=rows)
    cells = (
        alt.Chart()
        .mark_rect(stroke="#ffffff", strokeWidth=1)
        .encode(
            x=x,
            y=y,
            # A cell without findings stays grey, so that "none" never reads as "few".
            color=alt.condition(
                alt.datum[count] > 0,
                alt.Color(f"{count}:Q", title=count, scale=alt.Scale(scheme="oranges", domainMin=0)),
                alt.value(_EMPTY_CELL_COLOR),
            ),
            tooltip=[
                alt.Tooltip(f"{dept}:N", title=dept),
                alt.Tooltip(f"{family}:N", title=family),
                alt.Tooltip(f"{count}:Q", title=count, format=_COUNT_FORMAT),
                *(alt.Tooltip(f"{name}:Q", title=name, format=_COUNT_FORMAT) for name in severities.values()),
            ],
        )
    )
    counts_text = (
        alt.Chart()
        .transform_filter(alt.datum[count] > 0)
        .mark_text(fontSize=12)
        .encode(x=x, y=y, text=alt.Text(f"{count}:Q", format=_COUNT_FORMAT))
    )
    return _finish(
        alt.layer(cells, counts_text, data=alt.Data(values=records)).properties(
            title=title if title is not None else words["flags_title"], width=alt.Step(step), height=alt.Step(28)
        )
    )


def _text_width(text: str, size: int) -> int:
    """About how wide ``text`` is at font ``size`` in pixels: a CJK character a full em, any other character 0.6 em."""
    return round(sum(size if ord(char) > 0x2E7F else 0.6 * size for char in text))


def _heading_lines(heading: str, width: int) -> list[str]:
    """A Chinese column heading in lines of at most ``width`` pixels (at ``_HEATMAP_LABEL_SIZE``), of as even a
    length as can be: ``文字说明与数字`` is ``文字说明`` and ``与数字``."""
    count = -(-_text_width(heading, _HEATMAP_LABEL_SIZE) // width)
    per = -(-len(heading) // max(count, 1))
    return [heading[start : start + per] for start in range(0, len(heading), per)] or [heading]


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
