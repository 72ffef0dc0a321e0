from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from analytics.errors import ReaderError
from analytics.ingest._source import SourceDocument
from analytics.ingest.targets import extract_indicators, parse_target
from analytics.schema import (
    BASIS,
    COMPARATOR,
    FISCAL_YEAR,
    GOAL,
    GOAL_NO,
    GOAL_SCOPE,
    LEVEL1,
    LEVEL2,
    LEVEL3,
    LINE,
    PAGE,
    PRIOR_VALUES,
    SOURCE_TEXT,
    TARGET_TEXT,
    TARGET_VALUE,
    UNIT,
)

ROOT = Path(__file__).resolve().parent.parent
SEED_CANDIDATES = (
    ROOT / "datasets" / "raw" / "hanyang_bigdata_2023_dept_budget.txt",
    Path("/work/shared/corpus/hanyang/hanyang_bigdata_2023_dept_budget.txt"),
)
KEYS = {
    GOAL_SCOPE,
    GOAL_NO,
    GOAL,
    LEVEL1,
    LEVEL2,
    LEVEL3,
    COMPARATOR,
    TARGET_VALUE,
    UNIT,
    TARGET_TEXT,
    PRIOR_VALUES,
    BASIS,
    FISCAL_YEAR,
    LINE,
    PAGE,
    SOURCE_TEXT,
}
D = Decimal

OUT, COST, BENEFIT, SAT = "产出指标", "成本指标", "效益指标", "满意度指标"
QTY, QUAL, TIME, ECON_COST = "数量指标", "质量指标", "时效指标", "经济成本指标"
ECON_BEN, SOC_BEN, SUSTAIN, SERVED = "经济效益指标", "社会效益指标", "可持续影响指标", "服务对象满意度指标"

# The seed's tables, read off the document by hand: (scope, goal no, level1, level2, level3, comparator, value,
# unit, target text).
SEED_EXPECTED = [
    ("long_term", 1, COST, ECON_COST, "成本控制", "≤", D("339.54"), "万元", "≤339.54万元"),
    ("long_term", 1, OUT, QTY, "实现政务网全覆盖点位数", "≥", D("259"), "个", "≥259个"),
    ("long_term", 1, OUT, QUAL, "互联网出口带宽达", "=", D("4"), "G", "4G"),
    (
        "long_term",
        1,
        BENEFIT,
        ECON_BEN,
        "相较于各单位自行铺设政务外网，节约财政资金",
        ">",
        D("105"),
        "万元",
        "＞105万元",
    ),
    ("long_term", 1, SAT, SERVED, "运营商处置链路故障满意度", ">", D("85"), "%", "＞85%"),
    ("long_term", 2, COST, ECON_COST, "全年维护资金", "≤", D("122.75"), "万元", "≤122.75万元"),
    ("long_term", 2, OUT, QTY, "全区影响范围故障事件发生次数", "<", D("5"), "次", "＜5次"),
    ("long_term", 2, OUT, QUAL, "政务机关机房硬件设备稳定运行", "=", D("230"), "台", "230台"),
    ("long_term", 2, OUT, TIME, "响应时间", "≤", D("30"), "分钟", "≤30分钟"),
    ("long_term", 2, SAT, SERVED, "社区、基层站所等单位的满意率", "≥", D("80"), "%", "≥80%"),
    ("long_term", 3, OUT, QTY, "全年接受投诉案件", "≥", D("150000"), "件", "≥150000件"),
    ("long_term", 3, OUT, QUAL, "群众诉求件办理工作全市中心城区的综合排名", None, None, None, "综合排名中心城区前三名"),
    ("long_term", 3, OUT, TIME, "按时办结率", "=", D("100"), "%", "100%"),
    ("long_term", 3, BENEFIT, SOC_BEN, "为人大代表对区财政预算提供便捷的监督方式", "=", D("100"), "%", "100%"),
    ("long_term", 3, SAT, SERVED, "市民热线工作群众满意度", "≥", D("90"), "%", "≥90%"),
    ("annual", 1, OUT, QTY, "全年发布信息数量", "≥", D("3300"), "条", "≥3300条"),
    ("annual", 1, OUT, QUAL, "月度监测、季度抽查和年度绩效评估达到上级要求", "=", D("100"), "%", "100%"),
    ("annual", 1, OUT, TIME, "栏目更新符合国办公开办的要求", "=", D("100"), "%", "100%"),
    ("annual", 1, COST, ECON_COST, "全年资金使用额", "≤", D("35"), "万元", "≤35万元"),
    ("annual", 1, BENEFIT, SOC_BEN, "全年累计访问量", "≥", D("110"), "万", "≥110万"),
    ("annual", 1, SAT, SERVED, "各单位信息发布流程满意率", "≥", D("90"), "%", "≥90%"),
    ("annual", 2, OUT, QTY, "全年运维报告篇数", "≥", D("12"), None, "≥12"),
    ("annual", 2, OUT, QUAL, "数据共享交换平台和视频汇聚平台正常运行", "=", D("100"), "%", "100%"),
    ("annual", 2, OUT, TIME, "平台故障的响应时间", "=", D("30"), "分钟", "30分钟"),
    ("annual", 2, COST, ECON_COST, "成本控制", "≤", D("80"), "万元", "≤80万元"),
    ("annual", 2, BENEFIT, SOC_BEN, "持续治理数据并进行清洗脱敏", "=", D("100"), "%", "100%"),
    ("annual", 3, OUT, QTY, "全年安全报告篇数", "≥", D("30"), "篇", "≥30篇"),
    ("annual", 3, OUT, QUAL, "全区出现网络安全事故", "≤", D("5"), None, "≤5"),
    ("annual", 3, OUT, TIME, "网络安全故障的响应时间", "≤", D("30"), "分钟", "≤30分钟"),
    ("annual", 3, BENEFIT, SOC_BEN, "对全区的政务网络及政府机关机房的安全状况进行实时监控", "=", D("100"), "%", "100%"),
    ("annual", 3, SAT, SERVED, "安全防护满意度", "≥", D("85"), "%", "≥85%"),
]
NONE = ("无", None, None, None)
# The annual goals' (前年, 上年) cells as (text, comparator, value, unit), in the order of SEED_EXPECTED.
SEED_PRIORS = [
    (NONE, ("3000条以上", "≥", D("3000"), "条")),
    (NONE, ("100%", "=", D("100"), "%")),
    (NONE, NONE),
    (NONE, ("≤50万元", "≤", D("50"), "万元")),
    (NONE, ("100万以上", "≥", D("100"), "万")),
    (NONE, NONE),
    (NONE, NONE),
    (NONE, NONE),
    (NONE, NONE),
    (NONE, NONE),
    (NONE, NONE),
    (NONE, ("不少于60篇", "≥", D("60"), "篇")),
    (("少于5次", "<", D("5"), "次"), ("不多于5次", "≤", D("5"), "次")),
    (("30分钟以内", "≤", D("30"), "分钟"), ("30分钟以内", "≤", D("30"), "分钟")),
    (("100%", "=", D("100"), "%"), ("100%", "=", D("100"), "%")),
    (NONE, ("不低于85%", "≥", D("85"), "%")),
]


def _doc(lines: list[str]) -> SourceDocument:
    # PDF extraction puts a blank line between most lines.
    return SourceDocument.from_text("synthetic.txt", "\n\n".join(lines))


def _summary(record: dict[str, object]) -> tuple[object, ...]:
    return (
        record[GOAL_SCOPE],
        record[GOAL_NO],
        record[LEVEL1],
        record[LEVEL2],
        record[LEVEL3],
        record[COMPARATOR],
        record[TARGET_VALUE],
        record[UNIT],
        record[TARGET_TEXT],
    )


def _priors(record: dict[str, object]) -> list[tuple[object, ...]]:
    values = record[PRIOR_VALUES]
    assert isinstance(values, list)
    return [(v[FISCAL_YEAR], v[TARGET_TEXT], v[COMPARATOR], v[TARGET_VALUE], v[UNIT]) for v in values]


@pytest.fixture(scope="module")
def seed_records() -> list[dict[str, object]]:
    path = next((p for p in SEED_CANDIDATES if p.exists()), None)
    if path is None:
        pytest.skip("the seed document is not available")
    return extract_indicators(SourceDocument.from_text(path.name, path.read_text(encoding="utf-8")), year=2023)


# --- the seed -------------------------------------------------------------------------------------------------------


def test_seed_full_table(seed_records: list[dict[str, object]]) -> None:
    assert [_summary(r) for r in seed_records] == SEED_EXPECTED


def test_seed_counts_per_goal(seed_records: list[dict[str, object]]) -> None:
    counts: dict[tuple[object, object], int] = {}
    for r in seed_records:
        counts[r[GOAL_SCOPE], r[GOAL_NO]] = counts.get((r[GOAL_SCOPE], r[GOAL_NO]), 0) + 1
    assert counts == {
        ("long_term", 1): 5,
        ("long_term", 2): 5,
        ("long_term", 3): 5,
        ("annual", 1): 6,
        ("annual", 2): 5,
        ("annual", 3): 5,
    }


def test_seed_goals(seed_records: list[dict[str, object]]) -> None:
    goals = {(r[GOAL_SCOPE], r[GOAL_NO]): r[GOAL] for r in seed_records}
    assert goals == {
        ("long_term", 1): "实现政务网络全覆盖。",
        ("long_term", 2): "确保全区政务网络和中心机房正常运转。",
        ("long_term", 3): "确保市民热线工作服务平台 24小时值守工作顺利开展。",
        ("annual", 1): "加强区政府网站建设，网站年度绩效评估达到市级考核要求。",
        ("annual", 2): "整合全区数据资源，完善数据资源池建设，拓展各部门数据资源的综合应用。",
        ("annual", 3): "提高全区网络安全防护能力，降低网络安全事故发生风险。",
    }


def test_seed_prior_values(seed_records: list[dict[str, object]]) -> None:
    annual = [r for r in seed_records if r[GOAL_SCOPE] == "annual"]
    expected = [[(2021, *before), (2022, *last)] for before, last in SEED_PRIORS]
    assert [_priors(r) for r in annual] == expected
    assert all(r[PRIOR_VALUES] == [] for r in seed_records if r[GOAL_SCOPE] == "long_term")


def test_seed_record_shape_and_provenance(seed_records: list[dict[str, object]]) -> None:
    assert all(set(r) == KEYS for r in seed_records)
    # Every table of the seed has an empty 指标值确定依据 column.
    assert {r[BASIS] for r in seed_records} == {""}
    assert {r[FISCAL_YEAR] for r in seed_records} == {2023}
    assert not any(isinstance(r[TARGET_VALUE], float) for r in seed_records)
    first = seed_records[0]
    assert (first[LINE], first[PAGE]) == (276, None)
    assert first[SOURCE_TEXT] == "成本 指标 经济成本指标 成本控制 ≤339.54万元"
    # The tail of the split 一级指标 cell printed after its row belongs to that row.
    maintenance = seed_records[5]
    assert maintenance[LINE] == 331
    assert maintenance[SOURCE_TEXT] == "成本 经济成本指标 全年维护资金 ≤122.75万元 指标"
    reports = seed_records[26]
    assert reports[SOURCE_TEXT] == "产出 指标 数量指标 全年安全报告 篇数 无 不少于 60 篇 ≥30篇"


def test_level_fragments_never_become_indicators(seed_records: list[dict[str, object]]) -> None:
    assert not {r[LEVEL3] for r in seed_records} & {"指标", "标", "指", "产出", "成本", "效益", "满意度指"}


# --- synthetic documents ------------------------------------------------------------------------------------------

PROJECT_TABLE = [
    " 表 12. 某某区政务服务中心 2024 年部门项目申报表（含绩效目标）",
    "项目绩效目标 1： 保障12345热线平稳运行，",
    "提升群众办事体验。",
    "项目绩效指标",
    "一级指标 二级指标 三级指标 指标值 指标值确定依据",
    "产",
    "出指标",
    "数量指标 坐席数量 ≥４０个 历史标准",
    "质量指标",
    "12345热线接",
    "通率",
    "≥９０％",
    "行业标准",
    "时效指标 平均应答时长 ≤15 秒 计划标准",
    "效",
    "益指标 社会效益指标 群众办事体验 明显提升",
    "满意",
    "度指标",
    "服务对象满意度指标",
    "来电群众满",
    "意度 不低于 95 %",
    " 表 13. 某某区政务服务中心 2024 年政府采购表",
    "产出指标 数量指标 不属于任何目标 1个",
]


def test_project_goal_with_basis_column() -> None:
    records = extract_indicators(_doc(PROJECT_TABLE), year=2024)
    assert [(*_summary(r), r[BASIS]) for r in records] == [
        ("project", 1, OUT, QTY, "坐席数量", "≥", D("40"), "个", "≥４０个", "历史标准"),
        ("project", 1, OUT, QUAL, "12345热线接通率", "≥", D("90"), "%", "≥９０％", "行业标准"),
        ("project", 1, OUT, TIME, "平均应答时长", "≤", D("15"), "秒", "≤15秒", "计划标准"),
        ("project", 1, BENEFIT, SOC_BEN, "群众办事体验", None, None, None, "明显提升", ""),
        ("project", 1, SAT, SERVED, "来电群众满意度", "≥", D("95"), "%", "不低于95%", ""),
    ]
    assert {r[GOAL] for r in records} == {"保障12345热线平稳运行，提升群众办事体验。"}
    assert all(r[PRIOR_VALUES] == [] for r in records)
    # Line numbers count the blank lines between printed lines.
    assert records[1][LINE] == 17
    assert records[1][SOURCE_TEXT] == "质量指标 12345热线接 通率 ≥９０％ 行业标准"


ANNUAL_TABLE = [
    "年度目标 2： 推进政务数据共享。",
    " 年度绩效指标",
    "一级",
    "指标",
    "二级指标 三级指标",
    "指标值",
    "指标值确定",
    "依据近两年指标值 预期当年实",
    "现值前年 上年",
    "产出指标",
    "数量指标",
    "共享数据",
    "目录条数",
    "无 ５００条 ≥６００条 历史标准",
    "接口调用",
    "次数",
    "10万次以上",
    "不少于 12 万次",
    "≥15万次",
    "质量指标 数据准确率 98% 99% ≥99.5% 行业标准",
    "成本指标",
    "经济成本",
    "指标 运维成本 ≤20万元 ≤18万元 ≤16万元 预算标准",
    "效",
    "益指标",
    "可持续影响指标",
    "数据复用部门 无 无 达到市级先进水平",
    "满意度指标 服务对象满意度指标 使用部门满意度 ＞８０％ ≥85% ≥90%",
]


def test_annual_goal_with_priors_basis_and_merged_cells() -> None:
    records = extract_indicators(_doc(ANNUAL_TABLE), year=2025)
    assert [(*_summary(r), r[BASIS]) for r in records] == [
        ("annual", 2, OUT, QTY, "共享数据目录条数", "≥", D("600"), "条", "≥６００条", "历史标准"),
        # The 二级指标 cell is merged with the row above: the row inherits 数量指标.
        ("annual", 2, OUT, QTY, "接口调用次数", "≥", D("15"), "万次", "≥15万次", ""),
        ("annual", 2, OUT, QUAL, "数据准确率", "≥", D("99.5"), "%", "≥99.5%", "行业标准"),
        ("annual", 2, COST, ECON_COST, "运维成本", "≤", D("16"), "万元", "≤16万元", "预算标准"),
        ("annual", 2, BENEFIT, SUSTAIN, "数据复用部门", None, None, None, "达到市级先进水平", ""),
        ("annual", 2, SAT, SERVED, "使用部门满意度", "≥", D("90"), "%", "≥90%", ""),
    ]
    assert [_priors(r) for r in records] == [
        [(2023, "无", None, None, None), (2024, "５００条", "=", D("500"), "条")],
        [(2023, "10万次以上", "≥", D("10"), "万次"), (2024, "不少于12万次", "≥", D("12"), "万次")],
        [(2023, "98%", "=", D("98"), "%"), (2024, "99%", "=", D("99"), "%")],
        [(2023, "≤20万元", "≤", D("20"), "万元"), (2024, "≤18万元", "≤", D("18"), "万元")],
        [(2023, "无", None, None, None), (2024, "无", None, None, None)],
        [(2023, "＞８０％", ">", D("80"), "%"), (2024, "≥85%", "≥", D("85"), "%")],
    ]
    assert records[1][SOURCE_TEXT] == "接口调用 次数 10万次以上 不少于 12 万次 ≥15万次"


LONG_TERM_TABLE = [
    "长期目标(截止 2027年) 年度目标",
    "目标 1：建成全域感知网络。",
    "长期目标 1：建成全域感知网络。",
    "长期绩效指标",
    "一级指标 二级指标 三级指标 指标值",
    "产出指标 数量指标 新建感知",
    "设备",
    "1,200台",
    "完成",
    "3000户改造",
    "≥3000户",
    "质量指标 设备在线率 ≥95%",
    "数据质量",
    "达标",
    "满意度指",
    "标 服务对象满意度 居民满意度 90%以上",
    " 第三部分 某某区 2026 年部门预算情况说明",
]


def test_long_term_goal_without_basis_column() -> None:
    records = extract_indicators(_doc(LONG_TERM_TABLE), year=2026)
    assert [_summary(r) for r in records] == [
        ("long_term", 1, OUT, QTY, "新建感知设备", "=", D("1200"), "台", "1,200台"),
        # A name holding a number and a unit is not taken for the value that follows it.
        ("long_term", 1, OUT, QTY, "完成3000户改造", "≥", D("3000"), "户", "≥3000户"),
        ("long_term", 1, OUT, QUAL, "设备在线率", "≥", D("95"), "%", "≥95%"),
        ("long_term", 1, OUT, QUAL, "数据质量", None, None, None, "达标"),
        ("long_term", 1, SAT, SERVED, "居民满意度", "≥", D("90"), "%", "90%以上"),
    ]
    assert {r[BASIS] for r in records} == {None}
    assert {r[GOAL] for r in records} == {"建成全域感知网络。"}


def test_goals_of_several_scopes_keep_document_order() -> None:
    records = extract_indicators(_doc(LONG_TERM_TABLE[2:-1] + ANNUAL_TABLE + PROJECT_TABLE), year=2025)
    scopes = [(r[GOAL_SCOPE], r[GOAL_NO]) for r in records]
    assert scopes == [("long_term", 1)] * 5 + [("annual", 2)] * 6 + [("project", 1)] * 5
    lines = [r[LINE] for r in records]
    assert lines == sorted(lines)


def test_document_without_goals_gives_nothing() -> None:
    assert extract_indicators(_doc(["目标 1：完成年度任务。", "产出指标 数量指标 任务数 ≥3个"]), year=2024) == []


def test_row_without_enough_values_is_an_error() -> None:
    doc = _doc([*ANNUAL_TABLE[:9], "产出指标 数量指标 只有名称 ≥3个"])
    with pytest.raises(ReaderError, match=r"line 19: indicator row .*expected an indicator name and 3 value"):
        extract_indicators(doc, year=2025)


# --- value cells --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "comparator", "value", "unit"),
    [
        ("≤339.54万元", "≤", D("339.54"), "万元"),
        ("≥150000件", "≥", D("150000"), "件"),
        ("100%", "=", D("100"), "%"),
        ("4G", "=", D("4"), "G"),
        ("230台", "=", D("230"), "台"),
        ("＞105万元", ">", D("105"), "万元"),
        ("＜5 次", "<", D("5"), "次"),
        ("≤30 分钟", "≤", D("30"), "分钟"),
        ("30分钟以内", "≤", D("30"), "分钟"),
        ("3000条以上", "≥", D("3000"), "条"),
        ("100万以上", "≥", D("100"), "万"),
        ("不少于 60 篇", "≥", D("60"), "篇"),
        ("不低于 85%", "≥", D("85"), "%"),
        ("不多于 5次", "≤", D("5"), "次"),
        ("不超过1,200元", "≤", D("1200"), "元"),
        ("不高于 3 天", "≤", D("3"), "天"),
        ("50人以下", "≤", D("50"), "人"),
        ("少于 5次", "<", D("5"), "次"),
        ("低于2%", "<", D("2"), "%"),
        ("高于 80%", ">", D("80"), "%"),
        ("超过10个", ">", D("10"), "个"),
        ("多于3项", ">", D("3"), "项"),
        ("≤5", "≤", D("5"), None),
        ("≥９０％", "≥", D("90"), "%"),
        ("≥ 99.5 %", "≥", D("99.5"), "%"),
        ("＝100%", "=", D("100"), "%"),
        ("30分钟", "=", D("30"), "分钟"),
        ("无", None, None, None),
        ("综合排名中心城区前三名", None, None, None),
        ("12345热线接通率", None, None, None),
        ("达到市级先进水平", None, None, None),
    ],
)
def test_value_cells(cell: str, comparator: str | None, value: Decimal | None, unit: str | None) -> None:
    parsed = parse_target(cell)
    assert (parsed[COMPARATOR], parsed[TARGET_VALUE], parsed[UNIT]) == (comparator, value, unit)
    assert parsed[TARGET_TEXT] == "".join(cell.split())
