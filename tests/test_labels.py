"""The one label table: every code and column a person reads has a Chinese label, and one label only."""

from __future__ import annotations

import re

import polars as pl
import pytest

from analytics import labels
from analytics import schema as s
from analytics.errors import AnalyticsError

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    ("vocabulary", "code", "zh"),
    [
        ("severity", "error", "错误"),
        ("severity", "warning", "警示"),
        ("severity", "info", "提示"),
        ("family", "table", "表内勾稽"),
        ("family", "reading", "读数存疑"),
        ("phase", "budget", "预算"),
        ("phase", "final", "决算"),
        ("side", "income", "收入"),
        ("side", "expenditure", "支出"),
        ("amount_basis", "initial_budget", "年初预算"),
        ("amount_basis", "actual", "决算数"),
        ("verification", "contradicted", "不符"),
        ("measure", "three_public", "三公经费"),
        ("table", "income_expenditure_summary", "收支总表"),
        ("table", "fiscal_appropriation_summary", "财政拨款收支总表"),
        ("column", "fiscal_appropriation", "财政拨款"),
        ("coverage_status", "not_run", "未能进行"),
        ("boolean", "true", "是"),
        ("boolean", "false", "否"),
    ],
)
def test_a_code_reads_as_a_chinese_reader_expects(vocabulary: str, code: str, zh: str) -> None:
    assert labels.label(vocabulary, code) == zh


def test_a_rule_id_reads_as_its_title() -> None:
    assert labels.label("rule", "anomaly.repeated_amount") == "不同部门出现相同金额"
    assert labels.label("rule", "anomaly.repeated_amount", lang="en") == "The same amount in different departments"


@pytest.mark.parametrize(
    ("column", "table", "zh"),
    [
        (s.DEPARTMENT_ID, None, "部门编号"),
        (s.AMOUNT_YUAN, None, "金额（元）"),
        ("amount_yuan_wan", None, "金额（万元）"),
        (s.SOURCE_NAME, None, "文件名"),
        (s.FISCAL_YEAR, None, "年度"),
        (s.NAME, s.LINES, "科目名称"),
        (s.NAME, s.DEPARTMENTS, "部门名称"),
        (s.NAME, s.PROJECTS, "项目名称"),
        (s.STATUS, s.FLAGS, "核查状态"),
        ("final_yuan_wan", None, "决算数（万元）"),
        ("tables", "disclosure_score", "应公开的报表均已公开且可读取"),
    ],
)
def test_a_column_reads_as_a_chinese_reader_expects(column: str, table: str | None, zh: str) -> None:
    assert labels.column_label(column, table=table) == zh


def test_english_labels_of_money_in_wan() -> None:
    assert labels.column_label("amount_yuan_wan", lang="en") == "Amount (10k yuan)"


@pytest.mark.parametrize(
    ("vocabulary", "codes"),
    [
        ("severity", s.SEVERITIES),
        ("phase", s.PHASES),
        ("scope", s.SCOPES),
        ("side", s.SIDES),
        ("classification", s.CLASSIFICATIONS),
        ("goal_scope", s.GOAL_SCOPES),
        ("flag_source", s.FLAG_SOURCES),
        ("amount_basis", s.AMOUNT_BASES),
        ("verification", s.VERIFICATIONS),
        ("reading_kind", s.READING_KINDS),
        ("flag_measure", s.MEASURES),
        ("table_status", s.TABLE_STATUSES),
    ],
)
def test_every_code_of_the_contract_has_a_chinese_label(vocabulary: str, codes: tuple[str, ...]) -> None:
    assert set(labels.labels(vocabulary)) == set(codes)
    assert all(CJK.search(labels.label(vocabulary, code)) for code in codes)


def test_every_column_of_the_contract_has_a_chinese_label() -> None:
    for table, spec in s.TABLES.items():
        for column in spec.columns:
            assert CJK.search(labels.column_label(column, table=table)), (table, column)


def test_every_catalogued_rule_and_table_has_a_label() -> None:
    from analytics.checks import rule_catalog
    from analytics.reference import table_catalog

    assert set(rule_catalog()["rule_id"]) <= set(labels.labels("rule"))
    assert set(table_catalog()["key"]) == set(labels.labels("table"))


def test_one_label_table_feeds_the_checks_the_charts_and_the_measures() -> None:
    from analytics import charts, checks, compare

    assert checks.FAMILIES is labels.FAMILIES
    assert compare.MEASURE_LABELS is labels.MEASURES
    assert charts.SEVERITY_LABELS == {"error": "错误", "warning": "警示", "info": "提示"}


def test_an_unlabelled_code_or_column_is_a_clear_error() -> None:
    with pytest.raises(AnalyticsError, match=r"no label for column 'mystery_column'.*analytics/labels\.py"):
        labels.column_label("mystery_column")
    with pytest.raises(AnalyticsError, match=r"no label for 'fatal' in vocabulary 'severity'; it has error"):
        labels.label("severity", "fatal")
    with pytest.raises(AnalyticsError, match=r"no vocabulary 'colour'"):
        labels.label("colour", "red")
    with pytest.raises(AnalyticsError, match=r"unknown language 'fr'"):
        labels.label("severity", "error", lang="fr")


def test_label_expr_keeps_a_code_it_does_not_know_and_leaves_nulls_empty() -> None:
    frame = pl.DataFrame({s.SEVERITY: ["error", None, "later"]})
    assert frame.select(labels.label_expr(s.SEVERITY, "severity")).to_series().to_list() == ["错误", None, "later"]


def test_the_labels_of_a_vocabulary_are_distinct_in_each_language() -> None:
    # A reader tells two codes apart by their labels, and a label reads back to one code.
    for name, pairs in labels.vocabularies().items():
        for index in (0, 1):
            shown = [pair[index] for pair in pairs.values()]
            assert len(set(shown)) == len(shown), (name, index)


def test_every_sheet_of_the_workbook_has_a_chinese_name() -> None:
    sheets = labels.labels("sheet")
    assert set(s.TABLES) <= set(sheets)
    assert sheets[s.LINES] == "收支表数字"
    assert sheets[s.READING_FINDINGS] == "读数存疑"
    assert all(CJK.search(name) for name in sheets.values())


def test_every_need_of_the_rule_inputs_reads_in_words() -> None:
    # What a rule needs (rule_inputs.csv) is shown to auditors: never a code such as "staff;any_table".
    from analytics.coverage import rule_inputs

    needs = rule_inputs().select(pl.col("needs").unique()).filter(pl.col("needs") != "")
    for lang in ("zh", "en"):
        spelled = needs.select(labels.needs_expr("needs", lang=lang)).to_series().to_list()
        assert spelled and all(text and not re.search(r"[a-z]+_[a-z]+|;|\|", text) for text in spelled), spelled
    words = pl.DataFrame({"needs": ["staff;any_table"]}).select(labels.needs_expr("needs")).item()
    assert words == "编制或实有人数、任一标准表的数字"
