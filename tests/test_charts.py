from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import altair as alt
import polars as pl
import pytest

from analytics import charts
from analytics import schema as s
from analytics.checks import FAMILIES
from analytics.compare import _columns as c
from analytics.errors import AnalyticsError, SchemaError

JIA, YI, BING = "测试区甲局", "测试区乙局", "测试区丙局"
WAN = ",.2f"
# Axis ticks trim needless decimals (30,000 not 30,000.00); labels and tooltips keep two.
AXIS_WAN = ",.2~f"


def _money(*values: str | None) -> list[Decimal | None]:
    return [None if v is None else Decimal(v) for v in values]


# --- frames -------------------------------------------------------------------------------------------------------
@pytest.fixture
def trends() -> pl.DataFrame:
    return pl.DataFrame(
        {
            s.DEPARTMENT_ID: ["jia"] * 3 + ["yi"] * 3 + ["jia"] * 3,
            s.NAME: [JIA] * 3 + [YI] * 3 + [JIA] * 3,
            c.MEASURE: ["income_total"] * 6 + ["expenditure_total"] * 3,
            s.FISCAL_YEAR: [2022, 2023, 2024] * 3,
            s.AMOUNT_YUAN: _money(
                "23302800.00", "16526200.00", "13701900.00",
                "5000000.00", "5500000.00", "6050000.00",
                "22000000.00", "16000000.00", "14000000.00",
            ),
            c.CHANGE_YUAN: _money(
                None, "-6776600.00", "-2824300.00", None, "500000.00", "550000.00", None, "-6000000.00", "-2000000.00"
            ),
            c.CHANGE_PCT: [None, -29.08, -17.09, None, 10.0, 10.0, None, -27.27, -12.5],
            c.INDEX: [100.0, 70.92, 58.8, 100.0, 110.0, 121.0, 100.0, 72.73, 63.64],
            c.CAGR_PCT: [-23.32] * 3 + [10.0] * 3 + [-20.23] * 3,
        },
        schema_overrides={s.FISCAL_YEAR: pl.Int32, s.AMOUNT_YUAN: s.MONEY, c.CHANGE_YUAN: s.MONEY},
    )  # fmt: skip


@pytest.fixture
def decomposition() -> pl.DataFrame:
    return pl.DataFrame(
        {
            s.DEPARTMENT_ID: ["jia"] * 3,
            c.DIMENSION: ["category"] * 3,
            c.COMPONENT: ["人员类项目支出", "运转类项目支出", "特定目标类项目支出"],
            c.FROM_YEAR: [2023] * 3,
            c.TO_YEAR: [2024] * 3,
            c.AMOUNT_FROM: _money("8000000.00", "3000000.00", "5526200.00"),
            c.AMOUNT_TO: _money("8500000.00", "2500000.00", "2701900.00"),
            c.CONTRIBUTION_YUAN: _money("500000.00", "-500000.00", "-2824300.00"),
            c.CONTRIBUTION_SHARE: [-0.177, 0.177, 1.0],
        },
        schema_overrides={
            c.FROM_YEAR: pl.Int32,
            c.TO_YEAR: pl.Int32,
            c.AMOUNT_FROM: s.MONEY,
            c.AMOUNT_TO: s.MONEY,
            c.CONTRIBUTION_YUAN: s.MONEY,
        },
    )


@pytest.fixture
def structure() -> pl.DataFrame:
    return pl.DataFrame(
        {
            s.DEPARTMENT_ID: ["jia"] * 4 + ["yi"] * 4 + ["jia"],
            s.NAME: [JIA] * 4 + [YI] * 4 + [JIA],
            s.FISCAL_YEAR: [2023, 2023, 2024, 2024] * 2 + [2024],
            c.DIMENSION: ["category"] * 8 + ["economic"],
            c.COMPONENT: ["项目支出", "基本支出"] * 4 + ["工资福利支出"],
            s.AMOUNT_YUAN: _money(
                "1000000.00", "3000000.00", "800000.00", "3200000.00",
                "1000000.00", "1000000.00", "500000.00", "1500000.00", "900000.00",
            ),
            c.SHARE: [0.25, 0.75, 0.2, 0.8, 0.5, 0.5, 0.25, 0.75, 1.0],
        },
        schema_overrides={s.FISCAL_YEAR: pl.Int32, s.AMOUNT_YUAN: s.MONEY},
    )  # fmt: skip


@pytest.fixture
def peers() -> pl.DataFrame:
    return pl.DataFrame(
        {
            s.DEPARTMENT_ID: ["jia", "yi", "bing", "ding", "wu", "yi", "ji"],
            s.NAME: [JIA, YI, BING, "测试区丁局", "测试区戊局", YI, "测试区己局"],
            c.PEER_GROUP: ["区级行政单位"] * 5 + ["区级行政单位", "区级事业单位"],
            s.FISCAL_YEAR: [2024] * 5 + [2023, 2024],
            c.MEASURE: ["personnel"] * 7,
            c.VALUE: [2e6, 3e6, 5e6, 4e6, 8e6, 1e6, 9e6],
            c.RANK: [5, 4, 2, 3, 1, 1, 1],
            c.PERCENTILE: [0.0, 25.0, 75.0, 50.0, 100.0, 100.0, 100.0],
            c.PEER_COUNT: [5] * 5 + [1, 1],
            c.MEDIAN: [4e6] * 5 + [1e6, 9e6],
            c.Q1: [3e6] * 5 + [1e6, 9e6],
            c.Q3: [5e6] * 5 + [1e6, 9e6],
        },
        schema_overrides={s.FISCAL_YEAR: pl.Int32, c.RANK: pl.Int32, c.PEER_COUNT: pl.Int32},
    )


@pytest.fixture
def flags() -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            s.FLAG_ID: [f"f{i}" for i in range(6)],
            s.DEPARTMENT_ID: ["jia", "jia", "yi", "yi", "yi", None],
            s.FAMILY: ["table", "cross", "table", "table", "narrative", "completeness"],
            s.SEVERITY: ["error", "info", "warning", "error", "info", "warning"],
        }
    )
    template = s.empty_frame(s.FLAGS)
    return template.vstack(
        frame.select(
            [
                pl.col(name) if name in frame.columns else pl.lit(None, dtype).alias(name)
                for name, dtype in template.schema.items()
            ]
        ).cast(template.schema)
    )


@pytest.fixture
def departments() -> pl.DataFrame:
    return pl.DataFrame(
        {s.DEPARTMENT_ID: ["jia", "jia", "yi"], s.FISCAL_YEAR: [2023, 2024, 2024], s.NAME: ["测试区甲旧局", JIA, YI]},
        schema_overrides={s.FISCAL_YEAR: pl.Int32},
    )


# --- spec helpers -------------------------------------------------------------------------------------------------
def _spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The validated spec; the chart must also survive ``to_json`` as strict JSON (no NaN or Infinity)."""
    spec = chart.to_dict(validate=True)

    def reject(constant: str) -> None:
        raise AssertionError(f"non-JSON constant {constant} in the spec")

    assert json.loads(chart.to_json(), parse_constant=reject) == json.loads(json.dumps(spec))
    return spec


def _units(spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every unit spec (with a mark) inside layers and facets."""
    if "mark" in spec:
        yield spec
    for layer in spec.get("layer", []):
        yield from _units(layer)
    if "spec" in spec:
        yield from _units(spec["spec"])


def _marks(spec: dict[str, Any]) -> list[str]:
    return [unit["mark"]["type"] if isinstance(unit["mark"], dict) else unit["mark"] for unit in _units(spec)]


def _values(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return spec["data"]["values"]


def _tooltips(unit: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {tip["field"]: tip for tip in unit["encoding"]["tooltip"]}


def _channel(unit: dict[str, Any], name: str) -> tuple[str, str]:
    encoding = unit["encoding"][name]
    return encoding["field"], encoding["type"]


# --- totals -------------------------------------------------------------------------------------------------------
def test_totals_chart_keeps_working() -> None:
    totals = pl.DataFrame(
        {
            s.DEPARTMENT_ID: ["jia"] * 2,
            s.FISCAL_YEAR: [2024, 2024],
            s.SIDE: ["income", "expenditure"],
            s.AMOUNT_YUAN: _money("13701900.00", "13600000.00"),
            s.NAME: [JIA] * 2,
        },
        schema_overrides={s.FISCAL_YEAR: pl.Int32, s.AMOUNT_YUAN: s.MONEY},
    )
    spec = _spec(charts.totals_chart(totals))
    assert spec["title"] == "年度收支总额（万元）"
    assert spec["facet"]["column"]["field"] == "口径"
    assert _marks(spec) == ["line", "text"]
    assert [(row["口径"], row["金额"]) for row in _values(spec)] == [("收入", 1370.19), ("支出", 1360.0)]


def _university_and_bureau() -> pl.DataFrame:
    """A university of about 50亿 beside a bureau of 1,000 万元, two years each, income equal to expenditure."""
    rows = [
        (department, name, year, side, amount)
        for department, name, amounts in (
            ("uni", "测试大学", ("5000000000.00", "5570000000.00")),
            ("jia", JIA, ("10000000.00", "9000000.00")),
        )
        for year, amount in zip((2023, 2024), amounts, strict=True)
        for side in ("income", "expenditure")
    ]
    return pl.DataFrame(
        rows, schema=[s.DEPARTMENT_ID, s.NAME, s.FISCAL_YEAR, s.SIDE, s.AMOUNT_YUAN], orient="row"
    ).with_columns(pl.col(s.FISCAL_YEAR).cast(pl.Int32), pl.col(s.AMOUNT_YUAN).cast(s.MONEY))


def test_totals_multiples_give_each_department_its_own_zero_based_axis() -> None:
    # One very large department flattened every other line on a shared axis: a panel each, y scales independent,
    # every one from zero, the largest department first.
    chart = charts.totals_multiples_chart(_university_and_bureau())
    spec = _spec(chart)
    assert spec["title"] == {
        "text": "年度收支总额：各部门分图（纵轴各自从0起，万元）",
        "subtitle": ["2个部门的收入与支出各年相同，两条线重合：粗实线为收入，细虚线为支出"],
    }
    assert spec["resolve"]["scale"]["y"] == "independent"
    assert spec["facet"]["field"] == "部门"
    assert spec["facet"]["sort"] == ["测试大学", JIA]
    line, point = _units(spec)
    for unit in (line, point):
        assert _channel(unit, "y") == ("金额", "quantitative")
        assert unit["encoding"]["y"]["scale"]["zero"] is True
        assert _channel(unit, "color") == ("口径", "nominal")
    assert line["encoding"]["color"]["scale"] == {"domain": ["收入", "支出"], "range": list(charts.SERIES_COLORS[:2])}
    assert line["encoding"]["strokeWidth"]["scale"] == {"domain": ["收入", "支出"], "range": [4, 1.8]}
    assert _channel(point, "shape") == ("口径", "nominal")
    legends = [unit["encoding"][name]["legend"] for unit in (line, point) for name in ("color",)]
    legends += [line["encoding"][name]["legend"] for name in ("strokeDash", "strokeWidth")]
    legends += [point["encoding"][name]["legend"] for name in ("shape", "size")]
    assert all(legend == legends[0] and legend["title"] == "口径" for legend in legends)
    assert _tooltips(line)["金额"]["title"] == "金额（万元）"
    # Drawn: the bureau's axis reaches its own 1,000 万元, the university's 400,000 and more.
    svg = charts.render_svg(chart)
    ticks = set(re.findall(r">([\d,]+)</text>", svg))
    assert {"1,000", "400,000"} <= ticks
    assert "收入" in svg and "支出" in svg  # the legend


def test_totals_multiples_in_english_and_empty() -> None:
    spec = _spec(charts.totals_multiples_chart(_totals(), lang="en"))
    assert spec["title"] == "Income and expenditure by department (each axis from zero, 10k yuan)"
    assert not re.search(r"[\u4e00-\u9fff]", json.dumps(spec, ensure_ascii=False))
    assert _spec(charts.totals_multiples_chart(pl.DataFrame(schema=_totals().schema)))["data"]["values"] == []


def test_totals_chart_indexed_to_the_first_year() -> None:
    spec = _spec(charts.totals_chart(_university_and_bureau(), indexed=True))
    assert spec["title"] == "年度收支总额指数（各部门首年=100）"
    line, text = _units(spec)
    assert _channel(line, "y") == ("指数", "quantitative")
    assert line["encoding"]["y"]["title"] == "指数（首年=100）"
    assert line["encoding"]["y"]["scale"]["zero"] is True
    assert _tooltips(line)["金额"]["title"] == "金额（万元）"
    assert _tooltips(line)["指数"]["title"] == "指数（首年=100）"
    assert text["encoding"]["text"] == {"field": "指数", "format": ",.1f", "type": "quantitative"}
    index = {(row["部门"], row["口径"], row["年度"]): row["指数"] for row in _values(spec)}
    assert index[JIA, "收入", 2023] == 100.0 and index[JIA, "支出", 2024] == pytest.approx(90.0)
    assert index["测试大学", "收入", 2024] == pytest.approx(111.4)
    # A first year of zero has no index.
    zero = _university_and_bureau().with_columns(
        pl.when((pl.col(s.DEPARTMENT_ID) == "jia") & (pl.col(s.FISCAL_YEAR) == 2023))
        .then(pl.lit(Decimal("0.00")))
        .otherwise(pl.col(s.AMOUNT_YUAN))
        .cast(s.MONEY)
        .alias(s.AMOUNT_YUAN)
    )
    assert {row["指数"] for row in _values(_spec(charts.totals_chart(zero, indexed=True))) if row["部门"] == JIA} == {
        None
    }
    english = _spec(charts.totals_chart(_totals(), indexed=True, lang="en"))
    assert english["title"] == "Income and expenditure as an index (each department's first year = 100)"


# --- trends -------------------------------------------------------------------------------------------------------
def test_trend_chart_lines_points_labels_and_tooltips(trends: pl.DataFrame) -> None:
    spec = _spec(charts.trend_chart(trends))
    assert spec["title"] == "收入合计、支出合计变化趋势（万元）"
    assert _marks(spec) == ["line", "point", "text"]
    line, point, text = _units(spec)
    assert _channel(line, "x") == ("年度", "ordinal")
    assert _channel(line, "y") == ("金额", "quantitative")
    assert line["encoding"]["y"]["axis"]["format"] == AXIS_WAN
    assert _channel(line, "color") == ("部门", "nominal")
    assert _channel(line, "strokeDash") == ("指标", "nominal")
    assert line["encoding"]["strokeDash"]["sort"] == ["收入合计", "支出合计"]
    assert "strokeDash" not in point["encoding"]
    assert _channel(text, "text") == ("金额", "quantitative")
    assert text["encoding"]["text"]["format"] == WAN
    tips = _tooltips(line)
    assert list(tips) == ["部门", "指标", "年度", "金额", "增减", "增减率", "指数", "年均增长率"]
    assert tips["金额"]["format"] == WAN and tips["金额"]["title"] == "金额（万元）"
    assert tips["增减"]["format"] == "+,.2f" and tips["增减"]["title"] == "比上年增减（万元）"
    assert tips["年度"]["type"] == "ordinal"
    assert all(tip["type"] == "quantitative" for name, tip in tips.items() if name not in {"部门", "指标", "年度"})
    rows = {(row["部门"], row["指标"], row["年度"]): row for row in _values(spec)}
    assert len(rows) == 9
    assert rows[JIA, "收入合计", 2024] == {
        "部门": JIA,
        "指标": "收入合计",
        "年度": 2024,
        "金额": 1370.19,
        "增减": -282.43,
        "增减率": -17.09,
        "指数": 58.8,
        "年均增长率": -23.32,
    }
    assert rows[YI, "收入合计", 2022]["增减"] is None


def test_trend_chart_one_measure_has_no_dashes(trends: pl.DataFrame) -> None:
    spec = _spec(charts.trend_chart(trends, measure="income_total"))
    assert spec["title"] == "收入合计变化趋势（万元）"
    assert "strokeDash" not in next(_units(spec))["encoding"]
    assert {row["指标"] for row in _values(spec)} == {"收入合计"}
    assert _spec(charts.trend_chart(trends, measure=["expenditure_total"], title="自定"))["title"] == "自定"


def test_trend_chart_unknown_measure_keeps_its_key_and_drops_non_finite(trends: pl.DataFrame) -> None:
    odd = trends.with_columns(
        pl.lit("per_staff").alias(c.MEASURE),
        pl.when(pl.col(c.CHANGE_PCT).is_not_null()).then(float("inf")).alias(c.CHANGE_PCT),
        pl.lit(float("nan")).alias(c.INDEX),
    ).filter(pl.col(s.DEPARTMENT_ID) == "yi")
    spec = _spec(charts.trend_chart(odd))
    assert spec["title"] == "per_staff变化趋势（万元）"
    assert {row["指标"] for row in _values(spec)} == {"per_staff"}
    assert {row["增减率"] for row in _values(spec)} == {None}
    assert {row["指数"] for row in _values(spec)} == {None}


def test_trend_chart_without_optional_columns(trends: pl.DataFrame) -> None:
    core = trends.select(s.DEPARTMENT_ID, c.MEASURE, s.FISCAL_YEAR, s.AMOUNT_YUAN)
    spec = _spec(charts.trend_chart(core, measure="income_total"))
    assert {row["部门"] for row in _values(spec)} == {"jia", "yi"}
    assert {row["指数"] for row in _values(spec)} == {None}


def test_small_multiples_chart(trends: pl.DataFrame) -> None:
    spec = _spec(charts.small_multiples_chart(trends, measure="income_total", columns=2))
    assert spec["title"] == "收入合计：各部门变化趋势（万元）"
    assert spec["facet"] == {"field": "部门", "type": "nominal", "title": None, "header": {"labelLimit": 220}}
    assert spec["columns"] == 2
    # Each panel has its own scales (only the years a department published); rows are spaced so titles never
    # overlap an axis.
    assert spec["resolve"] == {"scale": {"x": "independent", "y": "independent"}}
    assert spec["spacing"]["row"] >= 30
    (unit,) = _units(spec)
    assert unit["mark"]["type"] == "line"
    assert unit["mark"]["point"]
    assert _channel(unit, "x") == ("年度", "ordinal")
    assert _channel(unit, "y") == ("金额", "quantitative")
    assert unit["encoding"]["y"]["axis"]["format"] == AXIS_WAN
    # Zero-based in every panel (the scales differ between panels, but +0.7 % no longer looks steep).
    assert unit["encoding"]["y"]["scale"]["zero"] is True
    assert _tooltips(unit)["金额"]["format"] == WAN
    assert [(row["部门"], row["年度"], row["金额"]) for row in _values(spec)] == [
        (JIA, 2022, 2330.28),
        (JIA, 2023, 1652.62),
        (JIA, 2024, 1370.19),
        (YI, 2022, 500.0),
        (YI, 2023, 550.0),
        (YI, 2024, 605.0),
    ]


def test_slope_chart(trends: pl.DataFrame) -> None:
    # 乙局 has no 2022 figure here: a slope needs both ends, so it is left out, and the subtitle says so.
    partial = trends.filter(~((pl.col(s.DEPARTMENT_ID) == "yi") & (pl.col(s.FISCAL_YEAR) == 2022)))
    spec = _spec(charts.slope_chart(partial, 2022, 2024, measure="income_total"))
    assert spec["title"] == {"text": "收入合计：2022年与2024年对比（万元）", "subtitle": ["缺少2022年数据：测试区乙局"]}
    assert _marks(spec) == ["line", "text", "text"]
    line, left, right = _units(spec)
    assert _channel(line, "x") == ("年度", "ordinal")
    assert line["encoding"]["x"]["scale"]["domain"] == [2022, 2024]
    assert _channel(line, "y") == ("金额", "quantitative")
    assert line["encoding"]["y"]["axis"]["format"] == AXIS_WAN
    assert _channel(line, "color") == ("部门", "nominal")
    assert _tooltips(line)["增减"]["title"] == "2022—2024年增减（万元）"
    assert _tooltips(line)["增减"]["format"] == "+,.2f"
    assert left["transform"][0] == {"filter": "(datum['年度'] === 2022)"}
    assert right["transform"][0] == {"filter": "(datum['年度'] === 2024)"}
    assert left["transform"][1]["calculate"] == "format(datum['金额'], ',.2f')"
    assert "datum['部门']" in right["transform"][1]["calculate"]
    assert (left["mark"]["align"], right["mark"]["align"]) == ("right", "left")
    assert line["encoding"]["y"]["scale"]["zero"] is True
    assert _values(spec) == [
        {"部门": JIA, "年度": 2022, "金额": 2330.28, "增减": -960.09, "增减率": pytest.approx(-41.2006, abs=1e-4)},
        {"部门": JIA, "年度": 2024, "金额": 1370.19, "增减": -960.09, "增减率": pytest.approx(-41.2006, abs=1e-4)},
    ]


# --- decomposition ------------------------------------------------------------------------------------------------
def test_waterfall_chart_bars_start_where_the_previous_ended(decomposition: pl.DataFrame) -> None:
    spec = _spec(charts.waterfall_chart(decomposition))
    assert spec["title"] == "2023年至2024年变化分解：按支出类别（万元）"
    assert _marks(spec) == ["bar", "text", "text"]
    bars, totals, changes = _units(spec)
    steps = ["2023年", "人员类项目支出", "运转类项目支出", "特定目标类项目支出", "2024年"]
    assert [(row["项目"], row["类型"], row["起点"], row["终点"]) for row in _values(spec)] == [
        ("2023年", "合计", 0.0, 1652.62),
        ("人员类项目支出", "增加", 1652.62, 1702.62),
        ("运转类项目支出", "减少", 1702.62, 1652.62),
        ("特定目标类项目支出", "减少", 1652.62, 1370.19),
        ("2024年", "合计", 0.0, 1370.19),
    ]
    assert [row["标签位置"] for row in _values(spec)] == [1652.62, 1702.62, 1702.62, 1652.62, 1370.19]
    assert [row["金额"] for row in _values(spec)] == [1652.62, 50.0, -50.0, -282.43, 1370.19]
    assert _channel(bars, "x") == ("项目", "nominal")
    assert bars["encoding"]["x"]["sort"] == steps
    assert _channel(bars, "y") == ("起点", "quantitative")
    assert bars["encoding"]["y"]["axis"]["format"] == AXIS_WAN
    assert bars["encoding"]["y2"] == {"field": "终点"}
    color = bars["encoding"]["color"]
    assert (color["field"], color["type"]) == ("类型", "nominal")
    palette = dict(zip(color["scale"]["domain"], color["scale"]["range"], strict=True))
    assert palette["增加"] == "#009E73" and palette["减少"] == "#D55E00"
    tips = _tooltips(bars)
    assert tips["金额"]["format"] == WAN and tips["占比"]["format"] == ".2%"
    assert totals["encoding"]["text"]["format"] == WAN
    assert changes["encoding"]["text"]["format"] == "+,.2f"
    assert totals["transform"] == [{"filter": "(datum['类型'] === '合计')"}]
    assert changes["transform"] == [{"filter": "(datum['类型'] !== '合计')"}]


def test_waterfall_chart_is_exact_in_yuan_before_the_display_cast() -> None:
    # Three contributions of 0.01 万元 each: float running sums would drift, Decimal ones do not.
    frame = pl.DataFrame(
        {
            s.DEPARTMENT_ID: ["jia"] * 3,
            s.NAME: [JIA] * 3,
            c.DIMENSION: ["economic"] * 3,
            c.COMPONENT: ["工资福利支出", "商品和服务支出", "对个人和家庭的补助"],
            c.FROM_YEAR: [2022] * 3,
            c.TO_YEAR: [2024] * 3,
            c.AMOUNT_FROM: _money("0.10", "0.20", "0.30"),
            c.AMOUNT_TO: _money("100.20", "100.40", "0.10"),
            c.CONTRIBUTION_YUAN: _money("100.10", "100.20", "-0.20"),
        },
        schema_overrides={c.AMOUNT_FROM: s.MONEY, c.AMOUNT_TO: s.MONEY, c.CONTRIBUTION_YUAN: s.MONEY},
    )
    spec = _spec(charts.waterfall_chart(frame))
    assert spec["title"] == f"{JIA}：2022年至2024年变化分解：按经济分类（万元）"
    assert [(row["起点"], row["终点"]) for row in _values(spec)] == [
        (0.0, 0.0),
        (0.0, 0.01),
        (0.01, 0.02),
        (0.02, 0.02),
        (0.0, 0.02),
    ]
    assert _values(spec)[-1]["报告期金额"] == 0.02


def test_waterfall_chart_refuses_several_departments(decomposition: pl.DataFrame) -> None:
    both = pl.concat([decomposition, decomposition.with_columns(pl.lit("yi").alias(s.DEPARTMENT_ID))])
    with pytest.raises(AnalyticsError, match="one department, dimension and pair of years; the frame holds 2"):
        charts.waterfall_chart(both)


# --- structure ----------------------------------------------------------------------------------------------------
def test_composition_chart_shares_faceted_by_department(structure: pl.DataFrame) -> None:
    spec = _spec(charts.composition_chart(structure, dimension="category", columns=2))
    assert spec["title"] == "支出构成：按支出类别（占比）"
    assert spec["facet"]["field"] == "部门" and spec["facet"]["type"] == "nominal"
    assert spec["columns"] == 2
    (unit,) = _units(spec)
    assert unit["mark"]["type"] == "bar"
    assert _channel(unit, "x") == ("年度", "ordinal")
    assert _channel(unit, "y") == ("占比", "quantitative")
    assert unit["encoding"]["y"]["stack"] == "zero"
    assert unit["encoding"]["y"]["axis"]["format"] == ".0%"
    assert _channel(unit, "color") == ("构成", "nominal")
    # 基本支出 weighs most over the frame: first in the legend, bottom of each stack.
    assert unit["encoding"]["color"]["sort"] == ["基本支出", "项目支出"]
    assert _channel(unit, "order") == ("顺序", "quantitative")
    tips = _tooltips(unit)
    assert tips["金额"]["format"] == WAN and tips["占比"]["format"] == ".2%"
    rows = _values(spec)
    assert {row["构成"] for row in rows} == {"基本支出", "项目支出"}
    shares = pl.DataFrame(rows).group_by("部门", "年度").agg(pl.col("占比").sum())
    assert shares.get_column("占比").to_list() == [1.0] * 4
    first = next(row for row in rows if (row["部门"], row["年度"], row["构成"]) == (JIA, 2023, "基本支出"))
    assert first == {"部门": JIA, "年度": 2023, "构成": "基本支出", "金额": 300.0, "占比": 0.75, "顺序": 1}


def test_composition_chart_amounts_for_one_department(structure: pl.DataFrame) -> None:
    one = structure.filter(pl.col(s.DEPARTMENT_ID) == "jia")
    chart = charts.composition_chart(one, dimension="category", normalize=False)
    assert isinstance(chart, alt.Chart)
    spec = _spec(chart)
    assert spec["title"] == f"{JIA}：支出构成：按支出类别（万元）"
    assert "facet" not in spec
    assert _channel(spec, "y") == ("金额", "quantitative")
    assert spec["encoding"]["y"]["axis"]["format"] == AXIS_WAN
    assert sorted(row["金额"] for row in _values(spec)) == [80.0, 100.0, 300.0, 320.0]


# --- peers --------------------------------------------------------------------------------------------------------
def test_peer_strip_chart_names_every_dot_and_highlights_the_focus(peers: pl.DataFrame) -> None:
    spec = _spec(charts.peer_strip_chart(peers, focus_department_id="yi", measure="personnel"))
    # Five peers: a rank, and no note about one.
    assert spec["title"] == "人员经费：同组比较（2024年，万元）"
    assert _marks(spec) == ["bar", "tick", "circle", "text"]
    band, median, dots, values = spec["layer"]
    # The focus department's latest year and its own group only, largest first: one named row per department.
    rows = _values(spec)
    assert [(row["部门"], row["数值"]) for row in rows] == [
        ("测试区戊局", 800.0),
        (BING, 500.0),
        ("测试区丁局", 400.0),
        (YI, 300.0),
        (JIA, 200.0),
    ]
    for unit in (band, median, dots, values):
        assert _channel(unit, "y") == ("部门", "nominal")
        assert unit["encoding"]["y"]["sort"] == [row["部门"] for row in rows]
    assert "bold" in dots["encoding"]["y"]["axis"]["labelFontWeight"]["expr"]
    assert f'"{YI}"' in dots["encoding"]["y"]["axis"]["labelFontWeight"]["expr"]
    assert _channel(band, "x") == ("下四分位数", "quantitative")
    assert band["encoding"]["x2"] == {"field": "上四分位数"}
    assert {(row["下四分位数"], row["中位数"], row["上四分位数"]) for row in rows} == {(300.0, 400.0, 500.0)}
    assert _channel(median, "x") == ("中位数", "quantitative")
    assert _channel(dots, "x") == ("数值", "quantitative")
    assert dots["encoding"]["x"]["axis"]["format"] == AXIS_WAN
    assert dots["encoding"]["x"]["scale"]["zero"] is True
    assert dots["encoding"]["x"]["title"] == "人员经费（万元）"
    assert _channel(dots, "color") == ("角色", "nominal")
    assert dots["encoding"]["color"]["scale"]["domain"][:2] == ["本部门", "同组部门"]
    assert [row["部门"] for row in rows if row["角色"] == "本部门"] == [YI]
    focus = next(row for row in rows if row["角色"] == "本部门")
    assert (focus["排名"], focus["百分位"], focus["中位数"]) == ("4/5", 25.0, 400.0)
    tips = _tooltips(dots)
    assert list(tips)[:2] == ["部门", "同组"]
    assert tips["数值"]["format"] == WAN and tips["中位数"]["title"] == "同组中位数（万元）"
    # Every dot carries its value, formatted like the tooltip.
    assert values["transform"] == [{"calculate": "format(datum['数值'], ',.2f')", "as": "数值标签"}]
    assert _channel(values, "text") == ("数值标签", "nominal")


@pytest.mark.parametrize("lang", charts.LANGUAGES)
def test_peer_strip_chart_legend_says_what_the_band_is(peers: pl.DataFrame, lang: str) -> None:
    # The band was unexplained: a legend names the dots, the band (the group's quartiles, as
    # analytics.compare.peer_stats computes them) and the median, and its title names the group and its size.
    spec = _spec(charts.peer_strip_chart(peers, focus_department_id="yi", measure="personnel", lang=lang))
    band, median, dots, _ = spec["layer"]
    zh = lang == "zh"
    band_name = "同组四分位区间（25%至75%分位）" if zh else "Peer interquartile range (25th to 75th percentile)"
    median_name = "同组中位数" if zh else "Peer median"
    key = "图例" if zh else "Key"
    assert band["encoding"]["color"] == {"field": key, "type": "nominal"}
    color = dots["encoding"]["color"]
    assert band["transform"] == [{"calculate": json.dumps(band_name, ensure_ascii=False), "as": key}]
    assert median["transform"] == [{"calculate": json.dumps(median_name, ensure_ascii=False), "as": key}]
    assert median["encoding"]["color"] == {"field": key, "type": "nominal"}
    assert color["field"] == ("角色" if zh else "Role")
    roles = ["本部门", "同组部门"] if zh else ["This department", "Peer department"]
    assert color["scale"]["domain"] == [*roles, band_name, median_name]
    assert len(set(color["scale"]["range"])) == 4
    legend = color["legend"]
    group = "区级行政单位"
    assert legend["title"] == (
        f"同组：{group}（5个部门，含本部门）" if zh else f"Peer group: {group} (5, this one included)"
    )
    # The band's swatch is a square, the median's a bar, the departments' circles.
    assert band_name in legend["symbolType"]["expr"] and "circle" in legend["symbolType"]["expr"]
    # The band is the 25th to 75th percentile of the group's values, focus included.
    rows = _values(spec)
    values = pl.Series([row["数值" if zh else "Value"] for row in rows])
    q1, q3 = ("下四分位数", "上四分位数") if zh else ("Lower quartile", "Upper quartile")
    assert {(row[q1], row[q3]) for row in rows} == {(values.quantile(0.25, "linear"), values.quantile(0.75, "linear"))}


def test_peer_strip_chart_ranks_no_group_smaller_than_the_minimum(peers: pl.DataFrame) -> None:
    # Three of the five peers: fewer than compare.MIN_PEER_GROUP (5), so no rank even where the frame has one.
    three = peers.filter(pl.col(s.DEPARTMENT_ID).is_in(["jia", "yi", "bing"])).with_columns(
        pl.lit(3, pl.Int32).alias(c.PEER_COUNT)
    )
    spec = _spec(charts.peer_strip_chart(three, focus_department_id="yi", measure="personnel"))
    assert spec["title"] == {
        "text": "人员经费：同组比较（2024年，万元）",
        "subtitle": ["同组仅3个部门（少于5个），不排名"],
    }
    assert {row["排名"] for row in _values(spec)} == {"不排名（同组少于5个部门）"}
    assert {row["百分位"] for row in _values(spec)} == {None}
    assert "第" not in json.dumps(spec, ensure_ascii=False)
    # The frame of compare.peer_stats has no rank there either: the chart says why instead of "null/3".
    spec = _spec(
        charts.peer_strip_chart(
            three.with_columns(pl.lit(None, pl.Int32).alias(c.RANK)), focus_department_id="yi", measure="personnel"
        )
    )
    assert {row["排名"] for row in _values(spec)} == {"不排名（同组少于5个部门）"}


def test_peer_strip_chart_ratio_year_and_missing_focus(peers: pl.DataFrame) -> None:
    ratios = peers.with_columns(pl.col(c.VALUE, c.MEDIAN, c.Q1, c.Q3) / 4e6)
    spec = _spec(
        charts.peer_strip_chart(
            ratios, focus_department_id="yi", measure="personnel", unit="", value_format=".1%", fiscal_year=2023
        )
    )
    assert spec["title"] == {"text": "人员经费：同组比较（2023年）", "subtitle": ["同组仅1个部门（少于5个），不排名"]}
    dots = spec["layer"][2]
    assert dots["encoding"]["x"]["axis"]["format"] == ".1~%"
    assert _tooltips(dots)["数值"]["format"] == ".1%"
    assert _values(spec) == [
        {
            "部门": YI,
            "同组": "区级行政单位",
            "数值": 0.25,
            "角色": "本部门",
            "排名": "不排名（同组少于5个部门）",
            "百分位": None,
            "中位数": 0.25,
            "下四分位数": 0.25,
            "上四分位数": 0.25,
        }
    ]
    # A department outside the frame: every group of the latest year, nothing highlighted.
    spec = _spec(charts.peer_strip_chart(peers, focus_department_id="nobody", measure="personnel", unit="元"))
    points = _values(spec)
    assert {row["同组"] for row in points} == {"区级行政单位", "区级事业单位"}
    assert {row["角色"] for row in points} == {"同组部门"}
    assert max(row["数值"] for row in points) == 9e6
    assert spec["layer"][2]["encoding"]["y"]["axis"]["labelFontWeight"]["expr"].startswith("false")


# --- flags --------------------------------------------------------------------------------------------------------
def test_flags_heatmap_counts_by_department_and_family(flags: pl.DataFrame, departments: pl.DataFrame) -> None:
    spec = _spec(charts.flags_heatmap(flags, departments=departments))
    assert spec["title"] == "核查发现分布（部门 × 规则类别）"
    assert _marks(spec) == ["rect", "text"]
    cells, text = _units(spec)
    labels = [zh for zh, _ in FAMILIES.values()]
    assert _channel(cells, "x") == ("规则类别", "nominal")
    assert cells["encoding"]["x"]["scale"]["domain"] == labels
    assert _channel(cells, "y") == ("部门", "nominal")
    # Most findings first; a flag without a department gets its own row.
    assert cells["encoding"]["y"]["sort"] == [YI, JIA, "（未指明部门）"]
    color = cells["encoding"]["color"]
    assert (color["condition"]["field"], color["condition"]["type"]) == ("发现数", "quantitative")
    assert list(_tooltips(cells)) == ["部门", "规则类别", "发现数", "错误", "警示", "提示"]
    assert text["transform"] == [{"filter": "(datum['发现数'] > 0)"}]
    rows = {(row["部门"], row["规则类别"]): row for row in _values(spec)}
    assert len(rows) == 3 * len(FAMILIES)
    assert rows[YI, "表内勾稽"] == {"部门": YI, "规则类别": "表内勾稽", "发现数": 2, "错误": 1, "警示": 1, "提示": 0}
    assert rows[JIA, "跨表与跨年"]["发现数"] == 1
    assert rows[JIA, "绩效目标"]["发现数"] == 0
    assert rows["（未指明部门）", "完整性"]["警示"] == 1


@pytest.mark.parametrize("lang", charts.LANGUAGES)
def test_flags_heatmap_shows_every_column_heading(flags: pl.DataFrame, lang: str) -> None:
    # The axes' default drops a label that overlaps its neighbour: 跨表与跨年 was lost beside 文字说明与数字.
    chart = charts.flags_heatmap(flags, lang=lang)
    spec = _spec(chart)
    cells = next(_units(spec))
    axis = cells["encoding"]["x"]["axis"]
    assert axis["labelOverlap"] is False
    step = spec["width"]["step"]
    headings = [pair[charts.LANGUAGES.index(lang)] for pair in FAMILIES.values()]
    lines = json.loads(axis["labelExpr"].split("[datum.value]")[0])
    assert list(lines) == headings
    if lang == "zh":
        # Each line fits its column (a Chinese character is about a full em): 文字说明与数字 in two.
        assert lines["文字说明与数字"] == ["文字说明", "与数字"]
        assert all("".join(lines[heading]) == heading for heading in headings)
        assert all(12 * len(line) < step for heading in headings for line in lines[heading])
        assert axis["labelAngle"] == 0
    else:
        # English words are long: the headings are slanted, each on one line, none cut short.
        assert all(lines[heading] == [heading] for heading in headings)
        assert axis["labelAngle"] == -35 and axis["labelLimit"] >= 200
    # Drawn, and not hidden (a label removed for overlapping is kept in the SVG with opacity 0).
    svg = charts.render_svg(chart)
    drawn = {
        line
        for attributes, inner in re.findall(r"<text([^>]*)>(.*?)</text>", svg, flags=re.DOTALL)
        if 'opacity="0"' not in attributes
        for line in re.findall(r">?([^<>]+)<?", inner)
    }
    assert {line for heading in headings for line in lines[heading]} <= drawn


def test_chart_severities_are_the_apps() -> None:
    # One word per severity in charts and pages: the app calls a warning 警示, never 警告.
    from app_pages._i18n import _STRINGS

    one_flag = pl.DataFrame({s.DEPARTMENT_ID: ["a"], s.FAMILY: ["table"], s.SEVERITY: ["warning"]})
    for index, lang in enumerate(charts.LANGUAGES):
        expected = {_STRINGS[f"severity_{severity}"][index] for severity in s.SEVERITIES}
        assert expected <= set(_tooltips(next(_units(_spec(charts.flags_heatmap(one_flag, lang=lang))))))
    app = {severity: _STRINGS[f"severity_{severity}"][0] for severity in reversed(s.SEVERITIES)}
    assert app == charts.SEVERITY_LABELS
    assert charts.SEVERITY_LABELS["warning"] == "警示"


def test_flags_heatmap_without_names_and_unknown_family(flags: pl.DataFrame) -> None:
    model = flags.with_columns(
        pl.when(pl.col(s.FLAG_ID) == "f0").then(pl.lit("model")).otherwise(s.FAMILY).alias(s.FAMILY)
    )
    spec = _spec(charts.flags_heatmap(model))
    cells = next(_units(spec))
    assert cells["encoding"]["x"]["scale"]["domain"][-1] == "model"
    assert {row["部门"] for row in _values(spec)} == {"jia", "yi", "（未指明部门）"}
    with pytest.raises(SchemaError, match=r"lacks column.*'name'"):
        charts.flags_heatmap(flags, departments=pl.DataFrame({s.DEPARTMENT_ID: ["jia"]}))


# --- every builder ------------------------------------------------------------------------------------------------
Builder = Callable[..., alt.TopLevelMixin]
BUILDERS: dict[str, tuple[str, Builder]] = {
    "trend": ("trends", charts.trend_chart),
    "small_multiples": ("trends", lambda f, **kw: charts.small_multiples_chart(f, measure="income_total", **kw)),
    "slope": ("trends", lambda f, **kw: charts.slope_chart(f, 2022, 2024, measure="income_total", **kw)),
    "waterfall": ("decomposition", charts.waterfall_chart),
    "composition": ("structure", lambda f, **kw: charts.composition_chart(f, dimension="category", **kw)),
    "peer_strip": (
        "peers",
        lambda f, **kw: charts.peer_strip_chart(f, focus_department_id="yi", measure="personnel", **kw),
    ),
    "flags": ("flags", charts.flags_heatmap),
}


def _all_values(spec: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(spec.get("data", {}).get("values", []))
    for layer in spec.get("layer", []):
        found += _all_values(layer)
    return found


@pytest.mark.parametrize("kind", BUILDERS)
@pytest.mark.parametrize("columns", ["typed", "none"])
def test_empty_frames_give_empty_valid_charts(kind: str, columns: str, request: pytest.FixtureRequest) -> None:
    fixture, build = BUILDERS[kind]
    frame = request.getfixturevalue(fixture).clear() if columns == "typed" else pl.DataFrame()
    spec = _spec(build(frame))
    assert _all_values(spec) == []
    assert spec["title"]


@pytest.mark.parametrize("kind", BUILDERS)
def test_a_frame_missing_a_column_is_named(kind: str, request: pytest.FixtureRequest) -> None:
    fixture, build = BUILDERS[kind]
    frame = request.getfixturevalue(fixture).drop(s.DEPARTMENT_ID)
    with pytest.raises(SchemaError, match=r"lacks column\(s\) 'department_id'; it has"):
        build(frame)


@pytest.mark.parametrize("kind", BUILDERS)
def test_every_chart_renders_to_png(kind: str, request: pytest.FixtureRequest) -> None:
    fixture, build = BUILDERS[kind]
    png = charts.render_png(build(request.getfixturevalue(fixture)), scale=1)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 5_000


def test_render_svg_keeps_chinese_text(trends: pl.DataFrame) -> None:
    svg = charts.render_svg(charts.trend_chart(trends, measure="income_total"))
    assert svg.startswith("<svg")
    assert "收入合计变化趋势（万元）" in svg
    assert JIA in svg


def test_cjk_font_lookup_degrades_without_fontconfig(monkeypatch: pytest.MonkeyPatch) -> None:
    charts.cjk_font_directories.cache_clear()
    try:
        monkeypatch.setattr(charts.shutil, "which", lambda _name: None)
        assert charts.cjk_font_directories() == ()
        charts.cjk_font_directories.cache_clear()
        monkeypatch.setattr(charts.shutil, "which", lambda _name: "/nonexistent/fc-list")
        assert charts.cjk_font_directories() == ()
    finally:
        charts.cjk_font_directories.cache_clear()


# --- languages ----------------------------------------------------------------------------------------------------
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
# ASCII stand-ins for the fixtures' department, peer group and printed component names, so that any Chinese left in
# an English chart is a label. 基本支出 / 项目支出 become the keys "basic" / "project", which the charts label.
ASCII = {
    JIA: "Jia Bureau",
    YI: "Yi Bureau",
    BING: "Bing Bureau",
    "测试区丁局": "Ding Bureau",
    "测试区戊局": "Wu Bureau",
    "测试区己局": "Ji Bureau",
    "测试区甲旧局": "Old Jia Bureau",
    "区级行政单位": "District offices",
    "区级事业单位": "District institutions",
    "人员类项目支出": "Staff projects",
    "运转类项目支出": "Running projects",
    "特定目标类项目支出": "Targeted projects",
    "基本支出": "basic",
    "项目支出": "project",
    "工资福利支出": "Wages",
}


def _ascii(frame: pl.DataFrame) -> pl.DataFrame:
    named = frame.with_columns(
        pl.col(name).replace(ASCII) for name in (s.NAME, c.PEER_GROUP, c.COMPONENT) if name in frame.columns
    )
    assert not [value for column in named.select(pl.col(pl.String)) for value in column if value and CJK.search(value)]
    return named


def _chinese(spec: Any, path: str = "") -> list[tuple[str, str]]:
    """(path, text) of every Chinese text of a spec: titles (chart, axis, legend, header, tooltip), field names,
    expressions, scale domains, data records' keys and values. Every dict key and string is visited."""
    if isinstance(spec, str):
        return [(path, spec)] if CJK.search(spec) else []
    if isinstance(spec, dict):
        found = [(f"{path}/<key>", key) for key in spec if CJK.search(key)]
        return found + [hit for key, value in spec.items() for hit in _chinese(value, f"{path}/{key}")]
    if isinstance(spec, list):
        return [hit for index, item in enumerate(spec) for hit in _chinese(item, f"{path}/{index}")]
    return []


def _totals() -> pl.DataFrame:
    return pl.DataFrame(
        {
            s.DEPARTMENT_ID: ["jia"] * 2,
            s.FISCAL_YEAR: [2024, 2024],
            s.SIDE: ["income", "expenditure"],
            s.AMOUNT_YUAN: _money("13701900.00", "13600000.00"),
            s.NAME: ["Jia Bureau"] * 2,
        },
        schema_overrides={s.FISCAL_YEAR: pl.Int32, s.AMOUNT_YUAN: s.MONEY},
    )


@pytest.mark.parametrize("kind", BUILDERS)
def test_english_charts_have_no_chinese_text(kind: str, request: pytest.FixtureRequest) -> None:
    fixture, build = BUILDERS[kind]
    frame = _ascii(request.getfixturevalue(fixture))
    assert _chinese(_spec(build(frame, lang="en"))) == []
    # The walk does find the Chinese labels of the default language.
    assert _chinese(_spec(build(frame)))


@pytest.mark.parametrize("kind", BUILDERS)
@pytest.mark.parametrize("columns", ["typed", "none"])
def test_empty_english_charts_have_no_chinese_text(kind: str, columns: str, request: pytest.FixtureRequest) -> None:
    fixture, build = BUILDERS[kind]
    frame = request.getfixturevalue(fixture).clear() if columns == "typed" else pl.DataFrame()
    assert _chinese(_spec(build(frame, lang="en"))) == []


def test_english_totals_and_flags_with_names(flags: pl.DataFrame, departments: pl.DataFrame) -> None:
    spec = _spec(charts.totals_chart(_totals(), lang="en"))
    assert _chinese(spec) == []
    assert spec["title"] == "Income and expenditure by year (10k yuan)"
    assert spec["spec"]["layer"][0]["encoding"]["y"]["title"] == "Amount (10k yuan)"
    assert [(row["Side"], row["Amount"]) for row in _values(spec)] == [("Income", 1370.19), ("Expenditure", 1360.0)]
    spec = _spec(charts.flags_heatmap(flags, departments=_ascii(departments), lang="en"))
    assert _chinese(spec) == []
    cells = next(_units(spec))
    assert cells["encoding"]["y"]["sort"] == ["Yi Bureau", "Jia Bureau", "(no department)"]
    assert cells["encoding"]["x"]["scale"]["domain"][:2] == ["Inside a table", "Across tables and years"]
    assert list(_tooltips(cells)) == ["Department", "Rule family", "Findings", "Error", "Warning", "Info"]
    rows = {(row["Department"], row["Rule family"]): row for row in _values(spec)}
    assert rows["Yi Bureau", "Inside a table"] == {
        "Department": "Yi Bureau",
        "Rule family": "Inside a table",
        "Findings": 2,
        "Error": 1,
        "Warning": 1,
        "Info": 0,
    }


def test_english_trend_titles_legends_and_records(trends: pl.DataFrame) -> None:
    spec = _spec(charts.trend_chart(_ascii(trends), lang="en"))
    assert spec["title"] == "Income, Expenditure: trend (10k yuan)"
    line = next(_units(spec))
    assert (line["encoding"]["x"]["title"], line["encoding"]["y"]["title"]) == ("Year", "Amount (10k yuan)")
    assert (line["encoding"]["color"]["title"], line["encoding"]["strokeDash"]["title"]) == ("Department", "Measure")
    assert line["encoding"]["strokeDash"]["sort"] == ["Income", "Expenditure"]
    tips = _tooltips(line)
    assert [tip["title"] for tip in tips.values()] == [
        "Department",
        "Measure",
        "Year",
        "Amount (10k yuan)",
        "Change on the year before (10k yuan)",
        "Change on the year before (%)",
        "Index (first year = 100)",
        "Annual growth rate (%)",
    ]
    first = _values(spec)[0]
    assert list(first) == list(tips)
    assert (first["Department"], first["Measure"], first["Year"], first["Amount"]) == (
        "Jia Bureau",
        "Expenditure",
        2022,
        2200.0,
    )
    assert _spec(charts.trend_chart(trends, measure="income_total", lang="en"))["title"] == "Income: trend (10k yuan)"
    many = trends.with_columns(pl.col(s.FISCAL_YEAR).cast(pl.String).alias(c.MEASURE))
    assert _spec(charts.trend_chart(many, lang="en"))["title"] == "2022, 2023, 2024: trend (10k yuan)"
    assert _spec(charts.trend_chart(many.clear(), lang="en"))["title"] == "All measures: trend (10k yuan)"


def test_english_titles_of_every_builder(
    trends: pl.DataFrame, decomposition: pl.DataFrame, structure: pl.DataFrame, peers: pl.DataFrame
) -> None:
    trends, decomposition, structure, peers = map(_ascii, (trends, decomposition, structure, peers))
    title = {
        "small_multiples": charts.small_multiples_chart(trends, measure="expenditure_total", lang="en"),
        "slope": charts.slope_chart(trends, 2022, 2024, measure="income_total", lang="en"),
        "waterfall": charts.waterfall_chart(decomposition, lang="en"),
        "waterfall_named": charts.waterfall_chart(
            decomposition.with_columns(pl.lit("Jia Bureau").alias(s.NAME)), lang="en"
        ),
        "waterfall_empty": charts.waterfall_chart(decomposition.clear(), lang="en"),
        "shares": charts.composition_chart(structure, dimension="category", lang="en"),
        "amounts": charts.composition_chart(
            structure.filter(pl.col(s.DEPARTMENT_ID) == "jia"), dimension="economic", normalize=False, lang="en"
        ),
        "peers": charts.peer_strip_chart(peers, focus_department_id="yi", measure="personnel", lang="en"),
        "ratio": charts.peer_strip_chart(
            peers, focus_department_id="yi", measure="personnel", unit="", fiscal_year=2023, lang="en"
        ),
        "per_staff": charts.peer_strip_chart(
            peers, focus_department_id="yi", measure="public", unit="元/人", lang="en"
        ),
    }
    titles = {key: _spec(chart)["title"] for key, chart in title.items()}
    assert titles["ratio"]["subtitle"] == ["Only 1 in the peer group (fewer than 5): no rank"]
    assert {key: text if isinstance(text, str) else text["text"] for key, text in titles.items()} == {
        "small_multiples": "Expenditure: trend by department (10k yuan)",
        "slope": "Income: 2022 and 2024 compared (10k yuan)",
        "waterfall": "Change from 2023 to 2024 by spending category (10k yuan)",
        "waterfall_named": "Jia Bureau: Change from 2023 to 2024 by spending category (10k yuan)",
        "waterfall_empty": "Change decomposition (10k yuan)",
        "shares": "Spending composition by spending category (share)",
        "amounts": "Jia Bureau: Spending composition by economic classification (10k yuan)",
        "peers": "Personnel costs among peers (2024, 10k yuan)",
        "ratio": "Personnel costs among peers (2023)",
        "per_staff": "Public (office) costs among peers (yuan per person)",
    }


def test_english_labels_of_values(decomposition: pl.DataFrame, structure: pl.DataFrame, peers: pl.DataFrame) -> None:
    spec = _spec(charts.waterfall_chart(_ascii(decomposition), lang="en"))
    assert [(row["Item"], row["Kind"]) for row in _values(spec)] == [
        ("2023", "Total"),
        ("Staff projects", "Increase"),
        ("Running projects", "Decrease"),
        ("Targeted projects", "Decrease"),
        ("2024", "Total"),
    ]
    bars = next(_units(spec))
    assert bars["encoding"]["color"]["scale"]["domain"] == ["Total", "Increase", "Decrease", "No change"]
    assert _tooltips(bars)["Share"]["title"] == "Share of the total change"
    spec = _spec(charts.composition_chart(_ascii(structure), dimension="category", lang="en"))
    (unit,) = _units(spec)
    assert unit["encoding"]["color"]["sort"] == ["Basic spending", "Project spending"]
    assert unit["encoding"]["color"]["title"] == "Spending category"
    spec = _spec(charts.peer_strip_chart(_ascii(peers), focus_department_id="yi", measure="personnel", lang="en"))
    _band, _median, dots, _values_text = spec["layer"]
    spread = {(row["Peer group"], row["Lower quartile"], row["Median"], row["Upper quartile"]) for row in _values(spec)}
    assert spread == {("District offices", 300.0, 400.0, 500.0)}
    assert dots["encoding"]["x"]["title"] == "Personnel costs (10k yuan)"
    assert dots["encoding"]["color"]["scale"]["domain"][:2] == ["This department", "Peer department"]
    assert _tooltips(dots)["Median"]["title"] == "Peer median (10k yuan)"
    assert _tooltips(dots)["Rank"]["title"] == "Rank (highest first)"


@pytest.mark.parametrize("kind", BUILDERS)
def test_chinese_is_the_default_language(kind: str, request: pytest.FixtureRequest) -> None:
    fixture, build = BUILDERS[kind]
    frame = request.getfixturevalue(fixture)
    assert _spec(build(frame, lang="zh")) == _spec(build(frame))


def test_chinese_titles_are_unchanged(trends: pl.DataFrame) -> None:
    assert _spec(charts.trend_chart(trends, measure="income_total", lang="zh"))["title"] == "收入合计变化趋势（万元）"
    assert _spec(charts.totals_chart(_totals(), lang="zh"))["title"] == "年度收支总额（万元）"


def test_an_unknown_language_is_refused_by_the_totals_chart() -> None:
    with pytest.raises(AnalyticsError, match="expected one of 'zh', 'en'"):
        charts.totals_chart(_totals(), lang="EN")


@pytest.mark.parametrize("kind", BUILDERS)
def test_an_unknown_language_is_refused(kind: str, request: pytest.FixtureRequest) -> None:
    fixture, build = BUILDERS[kind]
    with pytest.raises(AnalyticsError, match=r"unknown chart language 'fr'; expected one of 'zh', 'en'"):
        build(request.getfixturevalue(fixture), lang="fr")


def test_render_svg_of_an_english_chart(trends: pl.DataFrame) -> None:
    svg = charts.render_svg(charts.trend_chart(_ascii(trends), measure="income_total", lang="en"))
    assert "Income: trend (10k yuan)" in svg
    assert not CJK.search(svg)


# --- charts that do not mislead -----------------------------------------------------------------------------------
WANLI, BANGONG = "上海市普陀区人民政府万里街道办事处", "上海市普陀区人民政府办公室"  # 17 and 13 characters, same prefix
SC = "Noto Sans CJK SC"


def _many_departments(count: int) -> pl.DataFrame:
    """Income of ``count`` departments in 2023 and 2024; department i has (i + 1) × 1,000,000 元 in 2023 and 1 %
    more in 2024; the first two carry the two long 普陀区 names."""
    ids = [f"d{i:02d}" for i in range(count)]
    names = [WANLI, BANGONG, *(f"测试区第{i}局" for i in range(2, count))]
    base = [Decimal((i + 1) * 1_000_000) for i in range(count)]
    return pl.DataFrame(
        {
            s.DEPARTMENT_ID: ids * 2,
            s.NAME: names * 2,
            c.MEASURE: ["income_total"] * (2 * count),
            s.FISCAL_YEAR: [2023] * count + [2024] * count,
            s.AMOUNT_YUAN: [*base, *(amount * Decimal("1.01") for amount in base)],
        },
        schema_overrides={s.FISCAL_YEAR: pl.Int32, s.AMOUNT_YUAN: s.MONEY},
    )


def _as_totals(trends: pl.DataFrame) -> pl.DataFrame:
    return trends.select(s.DEPARTMENT_ID, s.NAME, s.FISCAL_YEAR, pl.lit("income").alias(s.SIDE), s.AMOUNT_YUAN)


def _quantitative_axes(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        unit["encoding"][channel]
        for unit in _units(spec)
        for channel in ("x", "y")
        if unit.get("encoding", {}).get(channel, {}).get("type") == "quantitative"
    ]


@pytest.mark.parametrize("kind", [*BUILDERS, "totals"])
def test_every_chart_draws_its_text_in_the_simplified_chinese_face(kind: str, request: pytest.FixtureRequest) -> None:
    # The first face of the Noto CJK collection is the Japanese one: every text must name the SC face first.
    if kind == "totals":
        spec = _spec(charts.totals_chart(_as_totals(request.getfixturevalue("trends"))))
    else:
        fixture, build = BUILDERS[kind]
        spec = _spec(build(request.getfixturevalue(fixture)))
    config = spec["config"]
    assert charts.CHART_FONT == SC
    fonts = [
        config["font"],
        config["axis"]["labelFont"],
        config["axis"]["titleFont"],
        config["legend"]["labelFont"],
        config["legend"]["titleFont"],
        config["title"]["font"],
        config["title"]["subtitleFont"],
        config["header"]["labelFont"],
        config["text"]["font"],
    ]
    assert all(font.split(",")[0] == SC for font in fonts)
    # Full department names in legends and on axes (the old default of 160 px cut 万里街道办事处 and 办公室 to the
    # same prefix); few ticks that never overlap; room so no title is clipped.
    assert config["legend"]["labelLimit"] >= 300
    assert config["axis"]["labelLimit"] >= 250
    assert config["axis"]["labelOverlap"]
    assert config["axisQuantitative"]["tickCount"] <= 6
    assert min(config["padding"].values()) >= 5


def test_the_svg_names_the_simplified_chinese_face(trends: pl.DataFrame) -> None:
    svg = charts.render_svg(charts.trend_chart(trends))
    families = set(re.findall(r'font-family="([^"]*)"', svg))
    assert families and all(family.startswith(SC) for family in families)


@pytest.mark.skipif(
    not charts.cjk_font_directories(), reason="no CJK font on this system: apt-get install fonts-noto-cjk fontconfig"
)
def test_rendered_glyphs_are_the_simplified_chinese_ones() -> None:
    # 骨 and 直 are drawn differently by the Japanese and the Simplified Chinese faces of one collection; the font
    # a chart names must be the one the renderer finds (an unknown family would fall back to the collection's JP).
    vl_convert = pytest.importorskip("vl_convert")
    chart = charts.trend_chart(pl.DataFrame(), title="骨直过")
    drawn = charts.render_png(chart, scale=1)  # registers the system's CJK fonts
    spec = chart.to_json()
    stack = json.loads(spec)["config"]["font"]

    def with_font(family: str) -> bytes:
        return vl_convert.vegalite_to_png(spec.replace(stack, family), scale=1)

    assert drawn == with_font("Noto Sans CJK SC")
    assert drawn != with_font("Noto Sans CJK JP")


def test_amount_axes_start_at_zero_and_tick_without_decimals(
    trends: pl.DataFrame, decomposition: pl.DataFrame, structure: pl.DataFrame, peers: pl.DataFrame
) -> None:
    built = {
        "totals": charts.totals_chart(_as_totals(trends)),
        "trend": charts.trend_chart(trends),
        "small_multiples": charts.small_multiples_chart(trends, measure="income_total"),
        "slope": charts.slope_chart(trends, 2022, 2024, measure="income_total"),
        "waterfall": charts.waterfall_chart(decomposition),
        "amounts": charts.composition_chart(structure, dimension="category", normalize=False),
        "peers": charts.peer_strip_chart(peers, focus_department_id="yi", measure="personnel"),
    }
    for name, chart in built.items():
        axes = [axis for axis in _quantitative_axes(_spec(chart)) if "scale" in axis]
        assert axes, name
        # A 万元 axis starts at zero: +0.7 % between two years looks like +0.7 %, not like a cliff.
        assert all(axis["scale"].get("zero") is True for axis in axes), name
        # Decimals belong in labels and tooltips; an axis tick reads 30,000, not 30,000.00.
        assert all("~" in axis["axis"]["format"] for axis in axes if "axis" in axis), name
    shares = _spec(charts.composition_chart(structure, dimension="category"))
    assert next(_units(shares))["encoding"]["y"]["scale"]["domain"] == [0, 1]


@pytest.mark.parametrize("count", [2, 8])
def test_up_to_eight_departments_each_have_a_colour_and_a_full_name(count: int) -> None:
    trends = _many_departments(count)
    for chart in (charts.trend_chart(trends), charts.totals_chart(_as_totals(trends))):
        spec = _spec(chart)
        line = next(_units(spec))
        assert _channel(line, "color") == ("部门", "nominal")
        assert line["encoding"]["color"]["legend"]["labelLimit"] >= 300
        assert len({row["部门"] for row in _values(spec)}) == count
        assert {WANLI, BANGONG} <= {row["部门"] for row in _values(spec)}
        assert "detail" not in line["encoding"]


@pytest.mark.parametrize("builder", ["trend", "totals", "slope"])
def test_more_than_eight_departments_highlight_one_against_grey_peers(builder: str) -> None:
    trends = _many_departments(12)

    def build(**kw: Any) -> dict[str, Any]:
        if builder == "trend":
            return _spec(charts.trend_chart(trends, **kw))
        if builder == "totals":
            return _spec(charts.totals_chart(_as_totals(trends), **kw))
        return _spec(charts.slope_chart(trends, 2023, 2024, measure="income_total", **kw))

    for kw, highlighted in (
        ({}, "测试区第11局"),  # by default the largest amount
        ({"highlight": "d00"}, WANLI),  # by id
        ({"highlight": BANGONG}, BANGONG),  # by name
    ):
        spec = build(**kw)
        line = next(_units(spec))
        color = line["encoding"]["color"]
        # Two colours, not twelve: the highlighted department and its eleven grey peers, each still a line.
        assert color["scale"]["domain"] == [highlighted, "其他11个部门（灰色）"]
        assert len(set(color["scale"]["range"])) == 2
        assert color["legend"]["labelLimit"] >= 300
        assert _channel(line, "detail") == ("部门", "nominal")
        assert _tooltips(line)["部门"]["type"] == "nominal"
        rows = _values(spec)
        assert len({row["部门"] for row in rows}) == 12
        assert rows[-1]["部门"] == highlighted  # drawn last, on top
        if builder != "slope":
            # Only the highlighted department's points carry amount labels.
            labels = [unit for unit in _units(spec) if unit["mark"]["type"] == "text"]
            assert [unit["transform"] for unit in labels] == [[{"filter": f"(datum['部门'] === '{highlighted}')"}]]


def test_a_highlight_with_few_departments_greys_the_others(trends: pl.DataFrame) -> None:
    spec = _spec(charts.trend_chart(trends, measure="income_total", highlight="yi"))
    assert next(_units(spec))["encoding"]["color"]["scale"]["domain"] == [YI, "其他1个部门（灰色）"]
    # A single department needs no colour legend of departments: one measure has none, several have their own.
    jia = trends.filter(pl.col(s.DEPARTMENT_ID) == "jia")
    spec = _spec(charts.trend_chart(jia, measure="income_total"))
    assert next(_units(spec))["encoding"]["color"]["legend"] is None
    spec = _spec(charts.trend_chart(jia))
    assert next(_units(spec))["encoding"]["color"]["field"] == "指标"


def test_slope_chart_names_every_department_it_cannot_draw() -> None:
    # Four chosen departments: only 甲 has both 2023 and 2024; 乙 lacks 2023, 丙 lacks 2024, 丁 has only 2022.
    trends = pl.DataFrame(
        {
            s.DEPARTMENT_ID: ["jia", "jia", "yi", "bing", "ding"],
            s.NAME: [JIA, JIA, YI, BING, "测试区丁局"],
            c.MEASURE: ["income_total"] * 5,
            s.FISCAL_YEAR: [2023, 2024, 2024, 2023, 2022],
            s.AMOUNT_YUAN: _money("1000000.00", "1100000.00", "500000.00", "700000.00", "900000.00"),
        },
        schema_overrides={s.FISCAL_YEAR: pl.Int32, s.AMOUNT_YUAN: s.MONEY},
    )
    notes = charts.slope_chart_gaps(trends, 2023, 2024, measure="income_total")
    assert notes == [f"缺少2023年数据：{YI}", f"缺少2024年数据：{BING}", "缺少2023年和2024年数据：测试区丁局"]
    spec = _spec(charts.slope_chart(trends, 2023, 2024, measure="income_total"))
    assert {row["部门"] for row in _values(spec)} == {JIA}
    assert spec["title"]["subtitle"] == notes
    assert charts.slope_chart_gaps(trends, 2023, 2024, measure="income_total", lang="en") == [
        f"No figure for 2023: {YI}",
        f"No figure for 2024: {BING}",
        "No figure for 2023 and 2024: 测试区丁局",
    ]
    # Every department with both years: nothing to say, and the title stays a plain string.
    both = trends.filter(pl.col(s.DEPARTMENT_ID) == "jia")
    assert charts.slope_chart_gaps(both, 2023, 2024, measure="income_total") == []
    assert _spec(charts.slope_chart(both, 2023, 2024, measure="income_total"))["title"] == (
        "收入合计：2023年与2024年对比（万元）"
    )
    # Another measure's rows say nothing about this one.
    assert charts.slope_chart_gaps(trends, 2023, 2024, measure="expenditure_total") == []


def test_a_long_list_of_missing_departments_is_wrapped() -> None:
    trends = _many_departments(12).filter((pl.col(s.FISCAL_YEAR) == 2024) | (pl.col(s.DEPARTMENT_ID) == "d00"))
    (note,) = charts.slope_chart_gaps(trends, 2023, 2024, measure="income_total")
    subtitle = _spec(charts.slope_chart(trends, 2023, 2024, measure="income_total"))["title"]["subtitle"]
    assert len(subtitle) > 1 and "".join(subtitle) == note
    assert all(len(line) <= 61 for line in subtitle)


def test_more_than_eight_components_keep_seven_and_add_up_the_rest() -> None:
    components = [f"2{i:02d} 第{i}类支出" for i in range(10)]  # component i: (10 - i) × 100,000 元
    structure = pl.DataFrame(
        {
            s.DEPARTMENT_ID: ["jia"] * 10,
            s.NAME: [JIA] * 10,
            s.FISCAL_YEAR: [2024] * 10,
            c.DIMENSION: ["function"] * 10,
            c.COMPONENT: components,
            s.AMOUNT_YUAN: [Decimal((10 - i) * 100_000) for i in range(10)],
            c.SHARE: [(10 - i) / 55 for i in range(10)],
        },
        schema_overrides={s.FISCAL_YEAR: pl.Int32, s.AMOUNT_YUAN: s.MONEY},
    )
    spec = _spec(charts.composition_chart(structure, dimension="function", normalize=False))
    unit = next(_units(spec))
    assert unit["encoding"]["color"]["sort"] == [*components[:7], "其他"]
    rows = {row["构成"]: row for row in _values(spec)}
    # 其他 = components 7, 8, 9: 300,000 + 200,000 + 100,000 元 = 60 万元, 6 / 55 of the total.
    assert rows["其他"]["金额"] == 60.0
    assert rows["其他"]["占比"] == pytest.approx(6 / 55)
    assert sum(row["金额"] for row in rows.values()) == 550.0


def _luminance(color: str) -> float:
    """The WCAG relative luminance of a ``#rrggbb`` colour."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _color_ranges(spec: dict[str, Any]) -> list[str]:
    return [
        color
        for unit in _units(spec)
        if isinstance(unit["encoding"].get("color", {}).get("scale", {}).get("range"), list)
        for color in unit["encoding"]["color"]["scale"]["range"]
    ]


@pytest.mark.parametrize("count", [2, 8, 12])
def test_line_colours_are_dark_enough_on_white(count: int) -> None:
    # The default scheme's pale pink (#FF9DA7) and yellow lines were hard to read on white: none is lighter than
    # #999999 (the grey of peers, 2.8:1); each department's own colour has a contrast of 3:1 or more.
    trends = _many_departments(count)
    limit = _luminance("#999999")
    built = {
        "totals": charts.totals_chart(_as_totals(trends)),
        "trend": charts.trend_chart(trends),
        "slope": charts.slope_chart(trends, 2023, 2024, measure="income_total"),
    }
    for name, chart in built.items():
        colors = _color_ranges(_spec(chart))
        assert colors, name
        assert all(_luminance(color) <= limit + 1e-9 for color in colors), (name, colors)
    assert len(set(charts.SERIES_COLORS)) == len(charts.SERIES_COLORS) == charts.MAX_SERIES_COLORS
    assert all(1.05 / (_luminance(color) + 0.05) >= 3 for color in charts.SERIES_COLORS)


def test_component_colours_are_dark_enough_on_white(structure: pl.DataFrame) -> None:
    colors = _color_ranges(_spec(charts.composition_chart(structure, dimension="category")))
    assert colors == list(charts.SERIES_COLORS)


def _balanced(*departments: str) -> pl.DataFrame:
    """Income equal to expenditure in each of three years (a balanced budget), for each department."""
    rows = [
        (department, measure, year, amount)
        for department in departments
        for measure in ("income_total", "expenditure_total")
        for year, amount in zip((2021, 2022, 2023), ("23302800.00", "16526200.00", "13701900.00"), strict=True)
    ]
    frame = pl.DataFrame(
        rows, schema=[s.DEPARTMENT_ID, c.MEASURE, s.FISCAL_YEAR, s.AMOUNT_YUAN], orient="row"
    ).with_columns(pl.col(s.FISCAL_YEAR).cast(pl.Int32), pl.col(s.AMOUNT_YUAN).cast(s.MONEY))
    return frame.with_columns(pl.col(s.DEPARTMENT_ID).replace_strict({"jia": JIA, "yi": YI}).alias(s.NAME))


def test_trend_chart_shows_coinciding_income_and_expenditure() -> None:
    # 收入 = 支出 in a balanced budget: one line hid the other. Each measure has its colour, dash, width, point
    # shape and size; the wider solid line and larger point are drawn first, and the subtitle says they coincide.
    spec = _spec(charts.trend_chart(_balanced("jia")))
    assert spec["title"] == {
        "text": "收入合计、支出合计变化趋势（万元）",
        "subtitle": ["收入合计与支出合计各年相同，两条线重合"],
    }
    line, point, text = _units(spec)
    order = ["收入合计", "支出合计"]
    for unit in (line, point, text):
        assert _channel(unit, "color") == ("指标", "nominal")
    assert line["encoding"]["color"]["scale"]["range"] == list(charts.SERIES_COLORS)
    assert line["encoding"]["color"]["sort"] == order
    assert line["encoding"]["strokeDash"]["sort"] == order
    assert line["encoding"]["strokeWidth"]["scale"] == {"range": [4.5, 2]}
    assert point["encoding"]["size"]["scale"] == {"range": [110, 35]}
    assert _channel(point, "shape") == ("指标", "nominal")
    # One legend: every channel of the measures has the same, sorted alike (a legend turned off on one channel
    # turns off the merged one in the browser's Vega-Lite).
    channels = [line["encoding"][name] for name in ("color", "strokeDash", "strokeWidth")]
    channels += [point["encoding"][name] for name in ("color", "shape", "size")]
    assert all(channel["field"] == "指标" and channel["sort"] == order for channel in channels)
    assert all(
        channel["legend"] == {"labelLimit": 360, "symbolStrokeWidth": 2.5, "title": "指标"} for channel in channels
    )
    assert [row["指标"] for row in _values(spec)] == ["收入合计"] * 3 + ["支出合计"] * 3
    english = _spec(charts.trend_chart(_balanced("jia"), lang="en"))
    assert english["title"]["subtitle"] == ["Income and expenditure are the same every year: their lines coincide"]


def test_trend_chart_names_the_departments_whose_lines_coincide(trends: pl.DataFrame) -> None:
    both = pl.concat([_balanced("yi"), trends.filter(pl.col(s.DEPARTMENT_ID) == "jia").select(_balanced("yi").columns)])
    spec = _spec(charts.trend_chart(both))
    assert spec["title"]["subtitle"] == [f"{YI}：收入合计与支出合计各年相同，两条线重合"]
    # Several departments keep a colour each.
    assert _channel(next(_units(spec)), "color") == ("部门", "nominal")
    # Measures that differ in some year need no note.
    assert spec_title(charts.trend_chart(trends)) == "收入合计、支出合计变化趋势（万元）"


def spec_title(chart: alt.TopLevelMixin) -> object:
    return _spec(chart)["title"]
