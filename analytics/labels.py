"""The library's one table of labels: every code a person reads, in Chinese and English.

Codes are the canonical values the dataset stores (a severity ``error``, a rule family ``table``, a table key
``income_summary``, a phase ``final`` …) and the column names of every table the library writes. Whatever shows them
to a person (the workbook, the app, the briefs, the charts) takes their labels from here, so a code reads the same
everywhere. The machine exports (CSV, Parquet, the Fiscal Data Package) keep the codes themselves.

A code is looked up in a *vocabulary* (``severity``, ``family``, ``phase`` …) because the same code means different
things in different places (``budget`` is a phase and a figure's basis; ``project`` a measure and a classification).
Table keys and the columns of a table take their names from the reference catalogs (``analytics/reference``); rule
ids from the rule catalog. A column name is looked up with ``column_label``, optionally for one sheet, where a name
such as ``name`` or ``status`` means something particular.

Examples
--------
>>> label("severity", "warning")
'警示'
>>> label("phase", "final", lang="en")
'Final account'
>>> column_label("amount_yuan")
'金额（元）'
>>> column_label("amount_yuan_wan")
'金额（万元）'
>>> column_label("name", table="lines")
'科目名称'
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import polars as pl

from analytics import schema as s
from analytics.errors import AnalyticsError

__all__ = [
    "AMOUNT_BASES",
    "CLASSIFICATIONS",
    "FAMILIES",
    "LANGUAGES",
    "MEASURES",
    "NEEDS",
    "SEVERITIES",
    "SIDES",
    "WAN_SUFFIX",
    "column_label",
    "figure_labels",
    "figure_roles_expr",
    "label",
    "label_expr",
    "labels",
    "needs_expr",
    "vocabularies",
]

#: The languages of every label, in the order of a label's (Chinese, English) pair.
LANGUAGES = ("zh", "en")
#: Suffix of the 万元 column written beside a money column for reading (``amount_yuan`` → ``amount_yuan_wan``).
WAN_SUFFIX = "_wan"

Pair = tuple[str, str]

#: Flag severities, most severe first.
SEVERITIES: dict[str, Pair] = {"error": ("错误", "Error"), "warning": ("警示", "Warning"), "info": ("提示", "Info")}
#: Rule families of the check catalog (``analytics.checks``), in the order the app and the charts list them.
FAMILIES: dict[str, Pair] = {
    "table": ("表内勾稽", "Inside a table"),
    "cross": ("跨表与跨年", "Across tables and years"),
    "narrative": ("文字说明与数字", "Narrative vs numbers"),
    "targets": ("绩效目标", "Performance targets"),
    "spending": ("支出分类", "Spending classification"),
    "completeness": ("完整性", "Completeness"),
    # The words a disclosure prints: placeholders and template residue left in, stale years, scope named wrongly.
    "hygiene": ("文字规范", "Text hygiene"),
    # Findings of the anomaly models (analytics.anomaly): unusual, not necessarily wrong.
    "anomaly": ("异常模型", "Anomaly models"),
    # The readers' doubts about their own reading (source "reader"): a page to look at, not a question to ask.
    "reading": ("读数存疑", "Reading doubts"),
}
#: The measures of the trends, peer and execution frames (``analytics.compare``).
MEASURES: dict[str, Pair] = {
    "income_total": ("收入合计", "Income"),
    "expenditure_total": ("支出合计", "Expenditure"),
    "income_year_total": ("本年收入合计", "Income of the year"),
    "expenditure_year_total": ("本年支出合计", "Expenditure of the year"),
    "basic": ("基本支出", "Basic spending"),
    "project": ("项目支出", "Project spending"),
    "personnel": ("人员经费", "Personnel costs"),
    "public": ("公用经费", "Public (office) costs"),
    "three_public": ("三公经费", "Three public expenses"),
    "overseas_travel": ("因公出国(境)费", "Official travel abroad"),
    "vehicles": ("公务用车购置及运行费", "Official vehicles"),
    "vehicle_purchase": ("公务用车购置费", "Vehicle purchase"),
    "vehicle_operation": ("公务用车运行维护费", "Vehicle operation"),
    "reception": ("公务接待费", "Official receptions"),
    "operating_costs": ("机关运行经费", "Operating costs of the offices"),
    "fiscal_appropriation_total": ("财政拨款收入合计", "Fiscal appropriations"),
    "general_budget_total": ("一般公共预算支出合计", "General budget expenditure"),
}
#: What a printed figure is (``schema.AMOUNT_BASES``).
AMOUNT_BASES: dict[str, Pair] = {
    "budget": ("预算数", "Budget"),
    "initial_budget": ("年初预算", "Initial budget"),
    "adjusted_budget": ("调整预算", "Adjusted budget"),
    "actual": ("决算数", "Actual"),
}
#: The income and expenditure sides of a line.
SIDES: dict[str, Pair] = {"income": ("收入", "Income"), "expenditure": ("支出", "Expenditure")}
#: What a line is classified by (``schema.CLASSIFICATIONS``), and the dimensions of the decomposition frames.
CLASSIFICATIONS: dict[str, Pair] = {
    "function": ("功能分类", "Functional classification"),
    "economic": ("经济分类", "Economic classification"),
    "source": ("资金来源", "Funding source"),
    "category": ("支出类别", "Spending category"),
    "project": ("项目", "Project"),
    "total": ("合计", "Total"),
    "subtotal": ("小计", "Subtotal"),
}

# Vocabularies with a fixed list of codes. Table keys, printed columns and rule ids come from the catalogs.
_FIXED: dict[str, dict[str, Pair]] = {
    "severity": SEVERITIES,
    # Coverage (analytics.coverage) also lists the analyses, which are no rule family of the catalog.
    "family": {**FAMILIES, "analysis": ("分析", "Analyses")},
    "flag_source": {
        "rule": ("核查规则", "Check"),
        "model": ("异常模型", "Anomaly model"),
        "reader": ("读取程序", "Reader"),
    },
    "flag_measure": {"yuan": ("元", "yuan"), "percent": ("百分比", "percent"), "count": ("个数", "count")},
    "measure": MEASURES,
    "amount_basis": AMOUNT_BASES,
    "phase": {"budget": ("预算", "Budget"), "final": ("决算", "Final account")},
    "scope": {"department": ("部门", "Department"), "unit": ("单位", "Unit")},
    "side": SIDES,
    "classification": CLASSIFICATIONS,
    "verification": {
        "verified": ("已核实", "Verified"),
        "unverified": ("未核实", "Unverified"),
        "contradicted": ("不符", "Contradicted"),
    },
    "reading_kind": {
        "bad_cell": ("无法识读的单元格", "Unreadable cell"),
        "contradicted": ("恒等式不成立", "Identity fails"),
        "unreadable_table": ("无法读取的表格", "Unreadable table"),
        "unit_inferred": ("推定的单位", "Unit inferred"),
        "unplaced_amount": ("无法归栏的金额", "Amount in no column"),
        "refused_page": ("无法读取的页面", "Unreadable page"),
        "blank_total": ("合计空白", "Blank total"),
    },
    "table_status": {
        "data": ("有数据", "With figures"),
        "empty": ("空表", "Disclosed empty"),
        "no_rows": ("仅有标题", "Title only"),
        "unreadable": ("无法读取", "Unreadable"),
    },
    "goal_scope": {
        "long_term": ("中长期目标", "Long-term goal"),
        "annual": ("年度目标", "Annual goal"),
        "project": ("项目目标", "Project goal"),
    },
    # Where an execution figure was found (analytics.compare STATED_SOURCES).
    "stated_in": {"table": ("表格", "Table"), "narrative": ("文字说明", "Narrative"), "derived": ("推算", "Derived")},
    # Where a line's 年初预算 comes from (analytics.compare.execution_by_line).
    "budget_source": {
        "final_column": ("决算表所列", "The final account's table"),
        "final_narrative": ("决算文字说明", "The final account's text"),
        "budget_document": ("当年预算", "The year's budget"),
        "sum_of_parts": ("下级科目之和", "Sum of its parts"),
    },
    "coverage_status": {"ran": ("已进行", "Ran"), "not_run": ("未能进行", "Not run")},
    "coverage_kind": {"rule": ("核查规则", "Check"), "analysis": ("分析", "Analysis")},
    # The forms of disclosure whose standard tables a disclosure is held to (reference/requirements.csv).
    "form": {"local": ("地方部门", "Local department"), "university": ("高校", "University")},
    "boolean": {"true": ("是", "Yes"), "false": ("否", "No")},
    # The sheets of the auditors' workbook (analytics.report.excel): the tables, then the analyses.
    "sheet": {
        s.DOCUMENTS: ("来源文件", "Documents"),
        s.DEPARTMENTS: ("部门概况", "Departments"),
        s.LINES: ("收支表数字", "Table figures"),
        s.STATEMENTS: ("文字说明数字", "Narrative figures"),
        s.INDICATORS: ("绩效指标", "Performance indicators"),
        s.PROJECTS: ("项目支出", "Projects"),
        s.DOCUMENT_TABLES: ("文件中的表", "Tables of each document"),
        "reading_report": ("读数报告", "Reading report"),
        s.READING_FINDINGS: ("读数存疑", "Reading doubts"),
        s.DOCUMENT_TEXT: ("原文", "Document text"),
        s.FLAGS: ("疑点", "Findings"),
        "budget_execution": ("预算执行（按指标）", "Budget execution by measure"),
        "budget_execution_lines": ("预算执行（按科目）", "Budget execution by line"),
        "coverage": ("核对覆盖", "Coverage of the checks"),
        "disclosure_score": ("公开质量评分", "Disclosure score"),
        "disclosure_score_items": ("公开质量评分明细", "Disclosure score by item"),
    },
}

# --- column names ------------------------------------------------------------------------------------------------
_COLUMNS: dict[str, Pair] = {
    s.DOC_ID: ("文件编号", "Document id"),
    s.SOURCE_NAME: ("文件名", "File name"),
    s.SOURCE_FORMAT: ("文件格式", "File format"),
    s.SOURCE_SHA256: ("文件校验值（SHA-256）", "File SHA-256"),
    s.REGION: ("地区", "Region"),
    s.DEPARTMENT: ("部门", "Department"),
    s.DEPARTMENT_ID: ("部门编号", "Department id"),
    s.FISCAL_YEAR: ("年度", "Fiscal year"),
    s.AS_OF_YEAR: ("所在文件年度", "Year of the printing document"),
    s.PHASE: ("预算或决算", "Phase"),
    s.SCOPE: ("部门或单位", "Scope"),
    s.UNIT_PRINTED: ("印出的金额单位", "Unit printed"),
    s.PARSER_VERSION: ("读取程序版本", "Reader version"),
    s.DISCLOSURE_ID: ("公开编号", "Disclosure id"),
    s.PAGE_COUNT: ("页数", "Pages"),
    s.NAME: ("名称", "Name"),
    s.UNIT_TYPE: ("单位性质", "Unit type"),
    s.STAFF_AUTHORIZED: ("编制人数", "Authorized staff"),
    s.STAFF_ACTUAL: ("实有人数", "Actual staff"),
    s.SUBORDINATE_UNITS: ("下属单位数", "Subordinate units"),
    s.PAGE: ("页码", "Page"),
    s.LINE: ("行号", "Line"),
    s.SOURCE_TEXT: ("原文", "Source text"),
    s.TABLE: ("表", "Table"),
    s.SIDE: ("收支方向", "Side"),
    s.CLASSIFICATION: ("分类", "Classification"),
    s.CODE: ("科目编码", "Code"),
    s.LEVEL: ("级次", "Level"),
    s.PARENT_CODE: ("上级科目编码", "Parent code"),
    s.COLUMN: ("栏目", "Column"),
    s.AMOUNT_BASIS: ("数字性质", "Amount basis"),
    s.AMOUNT_YUAN: ("金额（元）", "Amount (yuan)"),
    s.STATED_SHARE_PCT: ("所列占比（%）", "Stated share (%)"),
    s.VERIFICATION: ("核实状态", "Verification"),
    s.VERIFIED_BY: ("核实依据", "Verified by"),
    s.SEQ: ("序号", "Sequence"),
    s.SUBJECT: ("事项", "Subject"),
    s.COMPARE_YEAR: ("比较年度", "Compared with year"),
    s.STATED_CHANGE_YUAN: ("所述增减额（元）", "Stated change (yuan)"),
    s.STATED_CHANGE_PCT: ("所述增减幅度（%）", "Stated change (%)"),
    s.DIRECTION: ("增减方向", "Direction"),
    s.PARENT_SUBJECT: ("上级事项", "Parent subject"),
    s.GOAL_SCOPE: ("目标范围", "Goal scope"),
    s.GOAL_NO: ("目标序号", "Goal number"),
    s.GOAL: ("绩效目标", "Goal"),
    s.LEVEL1: ("一级指标", "Level-1 indicator"),
    s.LEVEL2: ("二级指标", "Level-2 indicator"),
    s.LEVEL3: ("三级指标", "Level-3 indicator"),
    s.COMPARATOR: ("比较符", "Comparator"),
    s.TARGET_VALUE: ("指标值", "Target value"),
    s.UNIT: ("计量单位", "Unit"),
    s.TARGET_TEXT: ("指标值（原文）", "Target as printed"),
    s.PRIOR_VALUES: ("往年值", "Prior-year values"),
    s.BASIS: ("指标值设定依据", "Basis of the target"),
    s.CATEGORY: ("项目类别", "Category"),
    s.TOTAL_BUDGET_YUAN: ("项目总预算（元）", "Total budget (yuan)"),
    s.YEAR_BUDGET_YUAN: ("本年度预算（元）", "Budget of the year (yuan)"),
    s.PURPOSE: ("项目概述", "Purpose"),
    s.TITLE: ("表名（原文）", "Title as printed"),
    s.PAGE_FROM: ("起始页", "First page"),
    s.PAGE_TO: ("结束页", "Last page"),
    s.STATUS: ("状态", "Status"),
    s.ROW_COUNT: ("行数", "Rows"),
    s.REASON: ("原因", "Reason"),
    s.FLAG_ID: ("疑点编号", "Flag id"),
    s.SOURCE: ("疑点来源", "Raised by"),
    s.RULE_ID: ("规则编号", "Rule id"),
    s.FAMILY: ("规则族", "Rule family"),
    s.SEVERITY: ("级别", "Severity"),
    s.OBSERVED: ("实际值", "Observed"),
    s.EXPECTED: ("应为", "Expected"),
    s.VARIANCE: ("差异", "Variance"),
    s.THRESHOLD: ("阈值", "Threshold"),
    s.MEASURE: ("指标", "Measure"),
    s.MESSAGE_ZH: ("说明", "Message (Chinese)"),
    s.MESSAGE_EN: ("说明（英文）", "Message (English)"),
    s.EVIDENCE: ("证据（出处与原文）", "Evidence"),
    s.SCORE: ("得分", "Score"),
    s.PEER_GROUP: ("同类分组", "Peer group"),
    s.PEER_STATS: ("同类统计", "Peer statistics"),
    s.KIND: ("类型", "Kind"),
    s.CELL_TEXT: ("单元格原文", "Cell text"),
    # Columns of the reading report (analytics.reading).
    "sources": ("文件", "Files"),
    "form": ("适用表式", "Form"),
    "tables_expected": ("应有表数", "Tables expected"),
    "tables_found": ("已读表数", "Tables read"),
    "tables_missing": ("缺表（代码）", "Tables missing (keys)"),
    "tables_missing_zh": ("缺表", "Tables missing"),
    "tables_unreadable": ("无法读取的表（代码）", "Tables unreadable (keys)"),
    "tables_unreadable_zh": ("无法读取的表", "Tables unreadable"),
    "figures": ("读取的数字数", "Figures read"),
    "figures_verified": ("已核实的数字数", "Figures verified"),
    "figures_contradicted": ("不符的数字数", "Figures contradicted"),
    "share_verified": ("已核实占比", "Share verified"),
    s.READING_FINDINGS: ("读数存疑数", "Reading doubts"),
    # The triage state (analytics.triage).
    "note": ("核查说明", "Note"),
    "author": ("核查人", "By"),
    "at": ("核查时间（UTC）", "At (UTC)"),
    # A rule's title beside its id.
    "title_zh": ("规则", "Rule (Chinese)"),
    "title_en": ("规则（英文）", "Rule (English)"),
    # What a finding's two figures are, where its "expected" is not what the document should print (上年, 总额…).
    "figure_roles": ("两数的含义", "What the two figures are"),
    # Budget execution (analytics.compare.execution_rates, execution_by_line).
    "budget_yuan": ("年初预算（元）", "Initial budget (yuan)"),
    "adjusted_budget_yuan": ("调整预算（元）", "Adjusted budget (yuan)"),
    "final_yuan": ("决算数（元）", "Actual (yuan)"),
    "execution_pct": ("执行率（%）", "Execution rate (%)"),
    "budget_doc_id": ("年初预算文件编号", "Initial budget's document id"),
    "budget_source_name": ("年初预算文件名", "Initial budget's file name"),
    "final_doc_id": ("决算文件编号", "Actual's document id"),
    "final_source_name": ("决算文件名", "Actual's file name"),
    "budget_stated_in": ("年初预算出处", "Initial budget stated in"),
    "budget_verification": ("年初预算核实状态", "Initial budget's verification"),
    "budget_verified_by": ("年初预算核实依据", "Initial budget verified by"),
    "adjusted_budget_stated_in": ("调整预算出处", "Adjusted budget stated in"),
    "adjusted_budget_verification": ("调整预算核实状态", "Adjusted budget's verification"),
    "adjusted_budget_verified_by": ("调整预算核实依据", "Adjusted budget verified by"),
    "final_stated_in": ("决算数出处", "Actual stated in"),
    "final_verification": ("决算数核实状态", "Actual's verification"),
    "final_verified_by": ("决算数核实依据", "Actual verified by"),
    "budget_source": ("年初预算出处", "Initial budget from"),
    "budget_page": ("年初预算页码", "Initial budget's page"),
    "budget_line": ("年初预算行号", "Initial budget's line"),
    "budget_document_yuan": ("当年预算所列（元）", "In the year's budget (yuan)"),
    "difference_yuan": ("决算数减年初预算（元）", "Actual less initial budget (yuan)"),
    "narrative_final_yuan": ("文字说明所述决算数（元）", "Actual in the text (yuan)"),
    "narrative_agrees": ("文字说明与表一致", "Text agrees"),
    # The coverage ledger (analytics.coverage).
    "needs": ("所需材料", "Needs"),
    "needs_known": ("所需材料可判定", "Needs known"),
    "missing_zh": ("缺少", "Missing (Chinese)"),
    "missing_en": ("缺少（英文）", "Missing (English)"),
    "reason_zh": ("未能进行的原因", "Why not run (Chinese)"),
    "reason_en": ("未能进行的原因（英文）", "Why not run (English)"),
    # The disclosure score (analytics.score): its items by their names in reference/disclosure_score.csv.
    "points": ("得分", "Points"),
    "scored_max": ("已评分项目满分", "Maximum of the items scored"),
    "rank": ("排名", "Rank"),
    "rank_of": ("参与排名数", "Ranked among"),
    "item": ("评分项目编号", "Item"),
    "dimension_zh": ("评分维度", "Dimension (Chinese)"),
    "dimension_en": ("评分维度（英文）", "Dimension (English)"),
    "name_zh": ("评分项目", "Item (Chinese)"),
    "name_en": ("评分项目（英文）", "Item (English)"),
    "max_points": ("满分", "Maximum points"),
    "scored": ("是否评分", "Scored"),
    "detail_zh": ("评分情况", "Detail (Chinese)"),
    "detail_en": ("评分情况（英文）", "Detail (English)"),
}
# Where a column means something particular in one table or sheet.
_TABLE_COLUMNS: dict[str, dict[str, Pair]] = {
    s.DEPARTMENTS: {s.NAME: ("部门名称", "Department name")},
    s.LINES: {s.NAME: ("科目名称", "Line name")},
    s.PROJECTS: {s.NAME: ("项目名称", "Project name")},
    s.DOCUMENT_TABLES: {s.STATUS: ("表的状态", "Table status"), s.REASON: ("无法读取的原因", "Why unreadable")},
    s.READING_FINDINGS: {s.KIND: ("存疑类型", "Kind of doubt")},
    s.FLAGS: {
        s.STATUS: ("核查状态", "Triage status"),
        s.SCORE: ("模型得分", "Model score"),
        s.MEASURE: ("数值单位", "Measure"),
    },
    "budget_execution": {s.NAME: ("部门名称", "Department name")},
    "budget_execution_lines": {s.NAME: ("科目名称", "Line name")},
    "coverage": {
        s.KIND: ("核对类型", "Kind"),
        s.STATUS: ("核对状态", "Status"),
        "title_zh": ("核对项目", "Check (Chinese)"),
        "title_en": ("核对项目（英文）", "Check (English)"),
    },
    "disclosure_score": {s.NAME: ("部门名称", "Department name"), s.SCORE: ("总分", "Score")},
    "disclosure_score_items": {s.NAME: ("部门名称", "Department name")},
}


@functools.cache
def _catalog_vocabularies() -> dict[str, dict[str, Pair]]:
    """The vocabularies kept in catalogs: table keys, printed columns, rule ids, score items (read once)."""
    from analytics.anomaly._flags import MODEL_RULES
    from analytics.checks import rule_catalog
    from analytics.reference import reference_rows

    rules = rule_catalog()
    return {
        "table": {r["key"]: (r["name_zh"], r["name_en"]) for r in reference_rows("tables.csv")},
        # columns.csv names columns in Chinese only: the key is their English.
        "column": {r["key"]: (r["name_zh"], r["key"].replace("_", " ")) for r in reference_rows("columns.csv")},
        "rule": {
            **dict(zip(rules["rule_id"], zip(rules["title_zh"], rules["title_en"], strict=True), strict=True)),
            **MODEL_RULES,
        },
        "score_item": {r["item"]: (r["name_zh"], r["name_en"]) for r in reference_rows("disclosure_score.csv")},
    }


def vocabularies() -> dict[str, dict[str, Pair]]:
    """Every vocabulary: its name → code → (Chinese, English).

    Examples
    --------
    >>> vocabularies()["side"]["income"]
    ('收入', 'Income')
    """
    return {**_FIXED, **_catalog_vocabularies()}


def _index(lang: str) -> int:
    try:
        return LANGUAGES.index(lang)
    except ValueError:
        raise AnalyticsError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}") from None


def _vocabulary(vocabulary: str) -> Mapping[str, Pair]:
    if vocabulary in _FIXED:
        return _FIXED[vocabulary]
    known = vocabularies()
    try:
        return known[vocabulary]
    except KeyError:
        raise AnalyticsError(
            f"no vocabulary {vocabulary!r} in analytics.labels; it has {', '.join(sorted(known))}"
        ) from None


def labels(vocabulary: str, *, lang: str = "zh") -> dict[str, str]:
    """The labels of a vocabulary's codes in ``lang``, in the vocabulary's order.

    Raises
    ------
    AnalyticsError
        When there is no such vocabulary or language.

    Examples
    --------
    >>> labels("severity")
    {'error': '错误', 'warning': '警示', 'info': '提示'}
    """
    index = _index(lang)
    return {code: pair[index] for code, pair in _vocabulary(vocabulary).items()}


#: What a finding's observed and expected figures are, for the rules whose "expected" is not a figure the document
#: should have printed: last year's value, the sum of the parts, the figure recomputed from the amounts. A rule not
#: listed compares a printed figure with what it should be (实际 / 应为).
FIGURE_ROLES: dict[str, tuple[Pair, Pair]] = {
    "spending.three_public_rising": (("本年", "This year"), ("上年", "Last year")),
    "targets.less_ambitious": (("本年目标值", "This year's target"), ("上年目标值", "Last year's target")),
    "narrative.items_sum": (("分项合计", "Sum of the items"), ("总额", "Total")),
    "narrative.change_pct": (("文中", "In the text"), ("按金额计算", "From the amounts")),
    "narrative.change_recomputed": (("文中", "In the text"), ("按金额计算", "From the amounts")),
    "narrative.share": (("文中", "In the text"), ("按金额计算", "From the amounts")),
    "completeness.missing_tables": (("找到", "Found"), ("应有", "Required")),
}
_DEFAULT_ROLES: tuple[Pair, Pair] = (("实际", "Observed"), ("应为", "Expected"))


#: What a rule needs to run (``analytics.coverage``, the ``needs`` of ``rule_inputs.csv``) other than a standard
#: table, which reads by the table's name.
NEEDS: dict[str, Pair] = {
    "any_table": ("任一标准表的数字", "figures of any standard table"),
    "coded_tables": ("按科目列示的表", "a table by classification code"),
    "statements": ("文字说明中的数字", "figures in the narrative"),
    "indicators": ("绩效目标", "performance targets"),
    "projects": ("项目明细", "project list"),
    "staff": ("编制或实有人数", "staff numbers"),
    "prior_year": ("上年同类文件", "last year's document"),
    "text": ("文件原文", "the document's text"),
    "second_document": ("另一份文件", "a second document"),
}


def needs_expr(column: str, *, lang: str = "zh") -> pl.Expr:
    """Polars expression: a ``needs`` text (``;`` between requirements, ``|`` between alternatives) in words, as
    "文字说明中的数字、任一标准表的数字" or "收入总表或支出总表"; an empty text is null.

    Examples
    --------
    >>> frame = pl.DataFrame({"needs": ["statements;any_table", "income_summary|expenditure_summary", ""]})
    >>> frame.select(needs_expr("needs")).to_series().to_list()
    ['文字说明中的数字、任一标准表的数字', '收入总表或支出总表', None]
    """
    index = _index(lang)
    words = {code: pair[index] for code, pair in {**_catalog_vocabularies()["table"], **NEEDS}.items()}
    both, either = ("、", "或") if lang == "zh" else (" and ", " or ")
    spelled = (
        pl.col(column)
        .str.split(";")
        .list.eval(pl.element().str.split("|").list.eval(pl.element().replace(words)).list.join(either))
        .list.join(both)
    )
    return pl.when(pl.col(column) != "").then(spelled).alias(column)


def figure_roles_expr(column: str, *, lang: str = "zh") -> pl.Expr:
    """Polars expression: for the rule ids in ``column``, what their observed and expected figures are ("实际值＝本年；
    应为＝上年"); null for a rule whose figures are the plain 实际 / 应为.

    Examples
    --------
    >>> frame = pl.DataFrame({"rule_id": ["spending.three_public_rising", "table.total_of_rows"]})
    >>> frame.select(figure_roles_expr("rule_id")).to_series().to_list()
    ['实际值＝本年；应为＝上年', None]
    """
    index = LANGUAGES.index(lang)
    observed_column, expected_column = (column_label(s.OBSERVED, lang=lang), column_label(s.EXPECTED, lang=lang))
    words = (
        {rule: f"{observed_column}＝{o[index]}；{expected_column}＝{e[index]}" for rule, (o, e) in FIGURE_ROLES.items()}
        if lang == "zh"
        else {
            rule: f"{observed_column}: {o[index]}; {expected_column}: {e[index]}"
            for rule, (o, e) in FIGURE_ROLES.items()
        }
    )
    return pl.col(column).replace_strict(words, default=None, return_dtype=pl.String)


def figure_labels(rule_id: str, *, lang: str = "zh") -> tuple[str, str]:
    """The words for a finding's observed and expected figures: what each of them is for the rule ``rule_id``.

    Examples
    --------
    >>> figure_labels("spending.three_public_rising")
    ('本年', '上年')
    >>> figure_labels("table.total_of_rows", lang="en")
    ('Observed', 'Expected')
    """
    index = LANGUAGES.index(lang)
    observed, expected = FIGURE_ROLES.get(rule_id, _DEFAULT_ROLES)
    return observed[index], expected[index]


def label(vocabulary: str, code: str, *, lang: str = "zh") -> str:
    """The label of one code of a vocabulary in ``lang``.

    Raises
    ------
    AnalyticsError
        When the vocabulary has no such code (the message lists the codes it has).

    Examples
    --------
    >>> label("table", "income_summary")
    '收入总表'
    >>> label("family", "cross", lang="en")
    'Across tables and years'
    """
    pairs = _vocabulary(vocabulary)
    if code not in pairs:
        raise AnalyticsError(f"no label for {code!r} in vocabulary {vocabulary!r}; it has {', '.join(pairs)}")
    return pairs[code][_index(lang)]


def label_expr(column: str, vocabulary: str, *, lang: str = "zh") -> pl.Expr:
    """Polars expression: ``column``'s codes as their labels; a code the vocabulary lacks stays as it is.

    Examples
    --------
    >>> frame = pl.DataFrame({"side": ["income", None, "other"]})
    >>> frame.select(label_expr("side", "side")).to_series().to_list()
    ['收入', None, 'other']
    """
    return pl.col(column).replace(labels(vocabulary, lang=lang))


def column_label(column: str, *, table: str | None = None, lang: str = "zh") -> str:
    """The label of a column name (of ``table`` when given, where some names mean something particular).

    A ``<column>_wan`` column (the 万元 beside a money column) takes its money column's label in 万元. A score
    sheet's item column takes the item's name.

    Raises
    ------
    AnalyticsError
        When the column has no label: every column a person reads must have one.

    Examples
    --------
    >>> column_label("status", table="flags")
    '核查状态'
    >>> column_label("final_yuan_wan", lang="en")
    'Actual (10k yuan)'
    """
    index = _index(lang)
    pair = _TABLE_COLUMNS.get(table or "", {}).get(column) or _COLUMNS.get(column)
    if pair is not None:
        return pair[index]
    if column.endswith(WAN_SUFFIX):
        money = column_label(column.removesuffix(WAN_SUFFIX), table=table, lang=lang)
        yuan, wan = ("（元）", "（万元）") if index == 0 else ("(yuan)", "(10k yuan)")
        if money.endswith(yuan):
            return money.removesuffix(yuan) + wan
    items = _catalog_vocabularies()["score_item"]
    if column in items:
        return items[column][index]
    where = f" of table {table!r}" if table else ""
    raise AnalyticsError(f"no label for column {column!r}{where}; add it to analytics/labels.py")
