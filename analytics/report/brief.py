"""Hearing briefs (人大预算审查简报): one or two printable pages per department and year.

A brief gathers, for one department and fiscal year, what a budget hearing needs: the key figures and their trend
over every year the disclosures state (``2,330.28 → 1,652.62 → 1,370.19``), the composition of spending, figures per
member of staff, the department's standing among its peers, its performance targets and how they moved, and the
flags turned into questions to ask (质询问题), each with its evidence (document, page, text as printed).

``build_brief`` assembles the figures (Polars frames, exact 元); ``render_html`` writes a self-contained page (CSS
inline, charts as inline SVG, every text from a document escaped); ``render_pdf`` prints it to A4 with embedded CJK
fonts, dropping detail until it fits on two pages; ``write_briefs`` writes one brief per department of a region.

Examples
--------
>>> from analytics.store import Dataset, write_atomically
>>> build_brief(Dataset.empty(), "测试区甲局")
Traceback (most recent call last):
...
analytics.report.brief.BriefError: no department '测试区甲局' in the dataset (it has none)
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
from markupsafe import Markup, escape

from analytics import charts, inventory, labels
from analytics import schema as s
from analytics.compare import (
    COMPONENT_LABELS,
    DIFFERENCE_YUAN,
    MEASURE_LABELS,
    MIN_PEER_GROUP,
    PRIOR_TEXT,
    TARGET_CHANGED,
    execution_by_line,
    execution_rates,
    measures,
    peer_groups,
    peer_stats,
    per_staff,
    structure,
    target_history,
    trends,
)
from analytics.compare import _columns as c
from analytics.compare._analysis import ADJUSTED_BUDGET_YUAN, BUDGET_DOC_ID, FINAL_DOC_ID
from analytics.compare._measures import BASIS_LABELS
from analytics.errors import AnalyticsError, OutputError
from analytics.ingest._verify import verified_by_en
from analytics.inventory import department_years
from analytics.store import Dataset, write_atomically
from analytics.triage import STATUSES, TriageStore
from analytics.units import format_wan

if TYPE_CHECKING:
    import jinja2

__all__ = [
    "BRIEF_FORMATS",
    "PEER_GROUPINGS",
    "Brief",
    "BriefError",
    "brief_file_name",
    "build_brief",
    "render_html",
    "render_pdf",
    "resolve_department",
    "write_briefs",
]

#: How peers can be grouped (``analytics.compare.peer_groups``): region, unit type (单位性质) or main function class.
PEER_GROUPINGS = ("region", "unit_type", "function")
#: What ``write_briefs`` can write.
BRIEF_FORMATS = ("pdf", "html")
#: The measures of the key-figure table, in the order they are shown.
KEY_MEASURES = ("income_total", "expenditure_total", "basic", "project", "personnel", "public", "three_public")
#: The measures of a final account measured against their budget: the key ones, each total beside the year's own
#: (本年收入合计, 本年支出合计: a 总计 also holds the carry-overs, 上年结转 and 年末结转和结余, so that money left
#: unspent would read as spent), the 财政拨款 and the 一般公共预算财政拨款支出, the total a 决算's text reports the
#: execution of.
EXECUTION_MEASURES = (
    "income_total",
    "income_year_total",
    "expenditure_total",
    "expenditure_year_total",
    *KEY_MEASURES[2:],
    "fiscal_appropriation_total",
    "general_budget_total",
)
#: Triage decisions that take a flag out of the questions (the auditor found nothing to ask).
_SETTLED = ("误报",)
#: How much a brief shows at each level of detail: the first that fits on two pages is printed.
_DETAIL_LEVELS = ((10, 8), (6, 6), (4, 4), (2, 3))
_MAX_PAGES = 2
_SOURCE_CHARS = 90
#: The footnote mark of a figure no table prints, by where it was stated (``analytics.compare.measures``), and the
#: mark of one whose reading is contradicted.
_ORIGIN_MARKS = {"narrative": "*", "derived": "†"}
_DOUBT_MARK = "⚠"
#: The figures of an execution row: (its amount, stated_in, verification, verified_by) columns.
_EXECUTION_FIGURES = {
    "budget": (c.BUDGET_STATED_IN, c.BUDGET_VERIFICATION, c.BUDGET_VERIFIED_BY),
    "adjusted": (c.ADJUSTED_STATED_IN, c.ADJUSTED_VERIFICATION, c.ADJUSTED_VERIFIED_BY),
    "final": (c.FINAL_STATED_IN, c.FINAL_VERIFICATION, c.FINAL_VERIFIED_BY),
}


class BriefError(AnalyticsError):
    """A brief cannot be made: the department or the year is not in the dataset."""


@dataclass(frozen=True)
class Brief:
    """The figures of one department-year's hearing brief (exact 元; shares and changes in percent).

    Frames
    ------
    figures
        ``measure, fiscal_year, amount_yuan, change_pct, cagr_pct, doc_id, stated_in, verification, verified_by``:
        every year each key measure is stated, where (a table, only the narrative, or derived by the form's
        identities) and how far its reading is confirmed (see ``analytics.compare.measures``).
    composition
        ``dimension, component, amount_yuan, share`` of the brief's year (``category`` and ``function``).
    staff
        ``measure, staff_basis, staff, per_staff_yuan, stated_in, verification`` of the brief's year (the last two
        the measure's).
    peers
        ``measure, peer_group, value, rank, peer_count, median, q1, q3`` of the brief's year (value in 元).
    peer_values
        The peer frame of ``analytics.compare`` for the chart: every peer's value of the brief's year.
    targets
        ``level1, level3, target_text, prior_text, changed, page, line, prior_values`` of the brief's year.
    questions
        ``flag_id, family, severity, rule_id, question_zh, question_en, status, evidence`` (evidence as a list of
        ``document, page, line, source_text`` structs), most serious first. The readers' own doubts (flags of
        source ``reader``) are no questions to the department: they are counted in ``reading_doubts``.
    execution
        ``measure, budget_yuan`` (年初预算), ``adjusted_budget_yuan`` (调整预算, where printed), ``final_yuan``
        (决算数), ``execution_pct`` (决算数 ÷ 年初预算), ``budget_doc_id, final_doc_id, budget_document`` and each
        figure's ``stated_in``, ``verification`` and ``verified_by`` (``budget_…``, ``adjusted_budget_…``,
        ``final_…``) of the brief's year: every key measure of its final account with a budget figure, taken
        from the final account where it prints one, else from the year's budget (see
        ``analytics.compare.execution_rates``); empty when the year has no final account.
    """

    department_id: str
    name: str
    region: str | None
    fiscal_year: int
    phase: str
    documents: pl.DataFrame
    figures: pl.DataFrame
    composition: pl.DataFrame
    staff: pl.DataFrame
    peers: pl.DataFrame
    peer_values: pl.DataFrame
    targets: pl.DataFrame
    questions: pl.DataFrame
    execution: pl.DataFrame
    settled: int
    generated: dt.date
    #: Reading findings of the brief's documents (``reading_findings``): figures the readers doubt or could not
    #: read, as the reading report of the 数据 page counts them.
    reading_doubts: int = 0
    #: The disclosure score of the brief's disclosure (``analytics.score.disclosure_scores``: ``score``, ``rank``,
    #: ``rank_of``, ``region``), or ``None`` when it has none.
    score: dict[str, Any] | None = None
    #: The 项 of the year's final account furthest from their 年初预算 (``analytics.compare.execution_by_line``:
    #: ``code, name, budget_yuan, final_yuan, difference_yuan, execution_pct, budget_source, budget_page``),
    #: largest difference first; empty for a budget.
    execution_lines: pl.DataFrame | None = None
    #: Why checks did not run on the brief's disclosure (``analytics.coverage.not_run_reasons``): ``missing`` (zh
    #: and en) and how many ``checks`` each stopped.
    not_run: pl.DataFrame | None = None
    #: The department's years (``analytics.inventory.department_years``: ``fiscal_year, budget_documents,
    #: final_documents, budget_totals, final_totals``): its documents of each phase and whether the year's totals
    #: were read, as every page of the app counts them.
    holdings: pl.DataFrame | None = None


# --- assembling ---------------------------------------------------------------------------------------------------
def resolve_department(ds: Dataset, department: str) -> str:
    """The ``department_id`` of ``department``, given as its id or its name.

    Raises
    ------
    BriefError
        No department of the dataset has that id or name (the message lists some that exist).
    """
    return _resolve(ds, department)[0]


def _resolve(ds: Dataset, department: str) -> tuple[str, pl.DataFrame]:
    rows = ds.departments.filter((pl.col(s.DEPARTMENT_ID) == department) | (pl.col(s.NAME) == department))
    if rows.is_empty():
        known = ds.departments.get_column(s.NAME).unique().sort().to_list()
        listed = "、".join(known[:8]) + ("…" if len(known) > 8 else "") if known else "none"
        raise BriefError(f"no department {department!r} in the dataset (it has {listed})")
    department_id = rows.get_column(s.DEPARTMENT_ID).first()
    return department_id, ds.departments.filter(pl.col(s.DEPARTMENT_ID) == department_id)


def build_brief(
    ds: Dataset,
    department: str,
    fiscal_year: int | None = None,
    *,
    triage: TriageStore | None = None,
    phase: str | None = None,
    peer_by: str = "region",
    today: dt.date | None = None,
    years: pl.DataFrame | None = None,
) -> Brief:
    """Assemble the brief of ``department`` (its id or name) for ``fiscal_year`` (default: its latest year).

    Parameters
    ----------
    triage
        Auditors' decisions: flags marked 误报 (false positive) are left out of the questions, others carry their
        status.
    phase
        ``budget`` (预算) or ``final`` (决算); by default the budget when the year has both. Figures, composition,
        per-staff figures and peers are of that phase only.
    peer_by
        How peers are grouped (``region``, ``unit_type`` or ``function``; see ``analytics.compare.peer_groups``).
    years
        ``analytics.inventory.department_years(ds)`` when the caller has it already: the department's years and
        phases, and the dataset's holdings the brief states, are counted there as on every page of the app.

    Raises
    ------
    BriefError
        The department is not in the dataset, or has no disclosure for ``fiscal_year`` (of ``phase``).
    """
    if peer_by not in PEER_GROUPINGS:
        raise BriefError(f"unknown peer grouping {peer_by!r}; expected {', '.join(PEER_GROUPINGS)}")
    department_id, rows = _resolve(ds, department)
    # The years and phases a department has documents for, as every page of the app counts them.
    every_year = (department_years(ds) if years is None else years).filter(pl.col(s.DEPARTMENT_ID) == department_id)
    held = every_year.filter(pl.col(inventory.DOCUMENTS) > 0)
    documented = held.get_column(s.FISCAL_YEAR).sort().to_list()
    if not documented:
        documented = sorted(rows.get_column(s.FISCAL_YEAR).unique().to_list())  # a department with no document
    year = documented[-1] if fiscal_year is None else fiscal_year
    if year not in documented:
        raise BriefError(
            f"department {department!r} has no disclosure for {year}; it has {', '.join(map(str, documented))}"
        )
    named = rows.filter(pl.col(s.FISCAL_YEAR) == year)
    row = (named if named.height else rows.sort(s.FISCAL_YEAR)).row(-1, named=True)
    counts = held.filter(pl.col(s.FISCAL_YEAR) == year)
    phases = [p for p in s.PHASES if counts.height and counts.get_column(inventory.PHASE_DOCUMENTS[p]).item() > 0] or [
        "budget"
    ]
    documents = ds.documents.filter((pl.col(s.DEPARTMENT_ID) == department_id) & (pl.col(s.FISCAL_YEAR) == year))
    if phase is None:
        phase = phases[0]  # the budget when the year has both
    elif phase not in phases:
        raise BriefError(f"department {department!r} has no {phase} disclosure for {year}; it has {', '.join(phases)}")
    documents = documents.filter(pl.col(s.PHASE) == phase)
    names = dict(ds.documents.select(s.DOC_ID, s.SOURCE_NAME).rows())

    measured = measures(ds, phase=phase)
    own = pl.col(s.DEPARTMENT_ID) == department_id
    figures = (
        trends(measured.filter(own & (pl.col(s.FISCAL_YEAR) <= year)))
        .filter(pl.col(c.MEASURE).is_in(KEY_MEASURES))
        .select(
            c.MEASURE,
            s.FISCAL_YEAR,
            s.AMOUNT_YUAN,
            c.CHANGE_PCT,
            c.CAGR_PCT,
            s.DOC_ID,
            c.STATED_IN,
            s.VERIFICATION,
            s.VERIFIED_BY,
        )
        .sort(pl.col(c.MEASURE).replace_strict({m: i for i, m in enumerate(KEY_MEASURES)}), s.FISCAL_YEAR)
    )
    composition = pl.concat(
        [
            structure(ds, dimension, phase=phase)
            .filter(own & (pl.col(s.FISCAL_YEAR) == year))
            .select(c.DIMENSION, c.COMPONENT, s.AMOUNT_YUAN, c.SHARE)
            .sort(s.AMOUNT_YUAN, descending=True)
            for dimension in ("category", "function")
        ]
    )
    staff = _staff(ds, measured, department_id, year)
    peers, peer_values = _peers(ds, measured, department_id, year, peer_by)
    targets = _targets(ds, department_id, year)
    questions, settled = _questions(ds, department_id, year, names, triage, documents.get_column(s.DOC_ID))
    execution = _execution(ds, department_id, year, names)
    execution_lines = _execution_lines(ds, department_id, year) if phase == "final" else None
    doubts = ds.reading_findings.join(documents.select(s.DOC_ID), on=s.DOC_ID, how="semi").height
    score, not_run = _score_and_coverage(ds, documents)
    holdings = every_year.select(s.FISCAL_YEAR, *inventory.PHASE_DOCUMENTS.values(), *inventory.PHASE_TOTALS.values())
    return Brief(
        department_id=department_id,
        name=row[s.NAME],
        region=row[s.REGION],
        fiscal_year=year,
        phase=phase,
        documents=documents.select(s.DOC_ID, s.SOURCE_NAME, s.PHASE, s.PAGE_COUNT),
        figures=figures,
        composition=composition,
        staff=staff,
        peers=peers,
        peer_values=peer_values,
        targets=targets,
        questions=questions,
        execution=execution,
        settled=settled,
        generated=today or dt.date.today(),
        reading_doubts=doubts,
        score=score,
        not_run=not_run,
        execution_lines=execution_lines,
        holdings=holdings,
    )


def _score_and_coverage(ds: Dataset, documents: pl.DataFrame) -> tuple[dict[str, Any] | None, pl.DataFrame]:
    """The score of the brief's disclosure (its 部门 one when it also has a 单位 one) and the reasons checks could
    not run on it, in both languages."""
    from analytics.coverage import MISSING_EN, MISSING_ZH, NOT_RUN, coverage
    from analytics.score import disclosure_scores

    disclosures = documents.sort(s.SCOPE).get_column(s.DISCLOSURE_ID).unique(maintain_order=True).to_list()
    scores = disclosure_scores(ds).filter(pl.col(s.DISCLOSURE_ID).is_in(disclosures[:1]))
    ledger = coverage(ds).filter(pl.col(s.DISCLOSURE_ID).is_in(disclosures[:1]) & (pl.col(s.STATUS) == NOT_RUN))
    # Both languages of a reason in one row: the most checks first, then in the Chinese order.
    reasons = (
        ledger.group_by(MISSING_ZH, MISSING_EN)
        .agg(pl.col(s.RULE_ID).n_unique().cast(pl.Int64).alias("checks"))
        .sort(["checks", MISSING_ZH], descending=[True, False])
    )
    return (scores.row(0, named=True) if scores.height else None), reasons


#: How many of a final account's 项 the brief lists, furthest from their budget first.
EXECUTION_LINES = 6


def _execution_lines(ds: Dataset, department_id: str, year: int) -> pl.DataFrame:
    """The 项 of the year's final account with a 年初预算 of their own (not a sum of parts), the largest
    difference from it first: the table the final account's text speaks of where it has one."""
    lines = execution_by_line(ds.for_department(department_id)).filter(
        (pl.col(s.FISCAL_YEAR) == year) & (pl.col(s.LEVEL) == 3) & pl.col(c.BUDGET_YUAN).is_not_null()
    )
    if lines.is_empty():
        return lines
    # One table: the one with most budgets (the 一般公共预算 table the narrative speaks of, where it does).
    table = lines.group_by(s.TABLE).len().sort("len", s.TABLE, descending=[True, False]).get_column(s.TABLE).first()
    return (
        lines.filter(pl.col(s.TABLE) == table)
        .sort(pl.col(DIFFERENCE_YUAN).abs(), s.CODE, descending=[True, False])
        .head(EXECUTION_LINES)
    )


def _execution(ds: Dataset, department_id: str, year: int, names: dict[str, str]) -> pl.DataFrame:
    """The key measures of the year's final account that have a budget to be measured against, in key order."""
    budgeted = pl.col(c.BUDGET_YUAN).is_not_null() | pl.col(ADJUSTED_BUDGET_YUAN).is_not_null()
    return (
        execution_rates(ds)
        .filter(
            (pl.col(s.DEPARTMENT_ID) == department_id)
            & (pl.col(s.FISCAL_YEAR) == year)
            & pl.col(c.MEASURE).is_in(EXECUTION_MEASURES)
            & budgeted
        )
        .sort(pl.col(c.MEASURE).replace_strict({m: i for i, m in enumerate(EXECUTION_MEASURES)}))
        .select(
            c.MEASURE,
            c.BUDGET_YUAN,
            ADJUSTED_BUDGET_YUAN,
            c.FINAL_YUAN,
            c.EXECUTION_PCT,
            BUDGET_DOC_ID,
            FINAL_DOC_ID,
            pl.col(BUDGET_DOC_ID).replace_strict(names, default=pl.col(BUDGET_DOC_ID)).alias("budget_document"),
            *(column for figure in _EXECUTION_FIGURES.values() for column in figure),
        )
    )


def _staff(ds: Dataset, measured: pl.DataFrame, department_id: str, year: int) -> pl.DataFrame:
    return (
        per_staff(ds, measures_frame=measured)
        .filter((pl.col(s.DEPARTMENT_ID) == department_id) & (pl.col(s.FISCAL_YEAR) == year))
        .filter(pl.col(c.MEASURE).is_in(["expenditure_total", "basic", "personnel", "three_public"]))
        .select(c.MEASURE, c.STAFF_BASIS, "staff", c.PER_STAFF_YUAN, c.STATED_IN, s.VERIFICATION)
    )


def _peers(
    ds: Dataset, measured: pl.DataFrame, department_id: str, year: int, peer_by: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    values = measured.filter(
        (pl.col(s.FISCAL_YEAR) == year) & pl.col(c.MEASURE).is_in(["expenditure_total", "basic", "project"])
    ).select(s.DEPARTMENT_ID, s.NAME, s.FISCAL_YEAR, c.MEASURE, pl.col(s.AMOUNT_YUAN).cast(pl.Float64).alias(c.VALUE))
    stats = peer_stats(values, peer_groups(ds, peer_by))  # type: ignore[arg-type]
    group = stats.filter(pl.col(s.DEPARTMENT_ID) == department_id).get_column(c.PEER_GROUP).unique()
    peer_values = stats.filter(pl.col(c.PEER_GROUP).is_in(group.implode()))
    own = peer_values.filter(pl.col(s.DEPARTMENT_ID) == department_id).select(
        c.MEASURE, c.PEER_GROUP, c.VALUE, c.RANK, c.PEER_COUNT, c.MEDIAN, c.Q1, c.Q3
    )
    return own, peer_values


def _targets(ds: Dataset, department_id: str, year: int) -> pl.DataFrame:
    return (
        target_history(ds)
        .filter((pl.col(s.DEPARTMENT_ID) == department_id) & (pl.col(s.FISCAL_YEAR) == year))
        .select(s.LEVEL1, s.LEVEL3, s.TARGET_TEXT, PRIOR_TEXT, TARGET_CHANGED, s.PAGE, s.LINE, s.PRIOR_VALUES)
        .sort(TARGET_CHANGED, descending=True, maintain_order=True)
    )


#: How a family's finding is put to the department: a lead-in and the question (Chinese, English).
_ASK = {
    "table": ("表内数字不能勾稽", "请说明哪一个数字正确，差额从何而来？", "Figures inside a table do not add up",
              "Which figure is right, and where does the difference come from?"),
    "cross": ("同一数字在不同表或不同年度中不一致", "请说明两处数字为何不同，以哪一处为准？",
              "The same figure differs between tables or years", "Why do they differ, and which one stands?"),
    "narrative": ("文字说明与表格数字不符", "请说明以文字还是表格为准？", "The narrative and the tables disagree",
                  "Which one is right: the text or the table?"),
    "targets": ("绩效目标设置", "目标如何衡量完成程度，依据是什么？", "Performance targets",
                "How will completion be measured, and on what basis was the target set?"),
    "spending": ("支出变动与分类", "请说明变动的原因和依据。", "Spending change or classification",
                 "What explains the change, and on what basis?"),
    "completeness": ("公开内容不完整", "请说明未公开或空表的原因。", "Incomplete disclosure",
                     "Why is this not disclosed, or disclosed empty?"),
    "anomaly": ("与同类部门相比明显异常（不一定是错误）", "请说明原因。",
                "Unusual compared with peer departments (not necessarily wrong)", "What explains it?"),
    "hygiene": ("文字说明用语（套话未改写、缺少原因或字词重复）", "请给出更正后的文字。",
                "Narrative wording (template text, a missing reason or repeated words)", "What is the corrected text?"),
}  # fmt: skip


def _questions(  # noqa: PLR0917 - the brief's department-year, its documents and the auditors' decisions
    ds: Dataset,
    department_id: str,
    year: int,
    names: dict[str, str],
    triage: TriageStore | None,
    doc_ids: pl.Series | None = None,
) -> tuple[pl.DataFrame, int]:
    """The flags of the department-year as questions: the family's lead-in, the flag's message, what to ask.

    A flag's message is the one wording of a finding (a model's is already worded for a hearing, with what to ask:
    ``analytics.anomaly._wording``); the family's question is added only to a message that does not ask already.
    The same question twice (several models finding the same figure of the same department-year, such as the
    isolation forest and the local outlier factor on one profile) is asked once, where it ranks first.

    Only the flags of ``doc_ids`` (the documents of the brief's phase) and those of no one document (a model's
    finding on the department-year): a 决算's brief does not ask about the year's budget, nor a budget's about
    its 决算.
    """
    flags = ds.flags.filter(
        (pl.col(s.DEPARTMENT_ID) == department_id)
        & (pl.col(s.FISCAL_YEAR).is_null() | (pl.col(s.FISCAL_YEAR) == year))
        # A reader's doubt is a page to look at, not a question to the department (see ``Brief.reading_doubts``).
        & (pl.col(s.SOURCE) != "reader")
    )
    if doc_ids is not None:
        flags = flags.filter(pl.col(s.DOC_ID).is_null() | pl.col(s.DOC_ID).is_in(doc_ids.implode()))
    if triage is not None:
        flags = triage.annotate(flags)
    else:
        flags = flags.with_columns(pl.lit(None, pl.String).alias("status"))
    settled = flags.filter(pl.col("status").is_in(_SETTLED)).height
    flags = flags.filter(pl.col("status").is_null() | ~pl.col("status").is_in(_SETTLED))
    fallback = ("疑点", "请说明。", "Finding", "Please explain.")
    family = pl.col(s.FAMILY)

    def part(index: int) -> pl.Expr:
        return family.replace_strict({f: p[index] for f, p in _ASK.items()}, default=pl.lit(fallback[index]))

    item = pl.element().struct
    evidence = pl.col(s.EVIDENCE).list.eval(
        pl.struct(
            item.field(s.DOC_ID).replace_strict(names, default=item.field(s.DOC_ID)).alias("document"),
            item.field(s.PAGE),
            item.field(s.LINE),
            item.field(s.SOURCE_TEXT),
        )
    )
    # A message asks when a sentence of it begins with 请 (not 申请经费), or an English one says "ask".
    message_zh, message_en = pl.col(s.MESSAGE_ZH), pl.col(s.MESSAGE_EN)
    asked_zh = pl.when(message_zh.str.contains(r"(?:^|[。；！？])\s*请")).then(pl.lit("")).otherwise(part(1))
    asked_en = pl.when(message_en.str.contains(r"(?i)\bask")).then(pl.lit("")).otherwise(pl.lit(" ") + part(3))
    questions = (
        flags.with_columns(
            pl.concat_str([part(0), pl.lit("："), message_zh.str.strip_chars_end("。"), pl.lit("。"), asked_zh])
            .str.strip_chars_end()
            .alias("question_zh"),
            pl.concat_str([part(2), pl.lit(": "), message_en.str.strip_chars_end("."), pl.lit("."), asked_en])
            .str.strip_chars_end()
            .alias("question_en"),
            evidence.alias(s.EVIDENCE),
        )
        .sort(s.severity_rank(), pl.col(s.SCORE).abs(), s.FLAG_ID, descending=[False, True, False], nulls_last=True)
        .unique(["question_zh", "question_en"], keep="first", maintain_order=True)
        .select(s.FLAG_ID, s.FAMILY, s.SEVERITY, s.RULE_ID, "question_zh", "question_en", "status", s.EVIDENCE)
    )
    return questions, settled


# --- rendering ----------------------------------------------------------------------------------------------------
_TEXT: dict[str, dict[str, Any]] = {
    "zh": {
        "title": "{year}年部门{phase}审查简报",
        "budget": "预算",
        "final": "决算",
        "region": "地区",
        "sources": "依据文件",
        "generated": "生成日期",
        "holdings": "数据集所收文件",
        "holdings_line": "{n} 年有文件（{documents}）：{years}。",
        "holdings_documents": "{phase} {n} 份",
        "holdings_year": "{year} 年{phases}",
        "holdings_separator": "；",
        "holdings_totals": "{phase}收支合计读出 {n} 年：{years}",
        "holdings_earlier": "（{years} 年为之后年度文件所列的往年数）",
        "holdings_space": "",
        "holdings_stop": "。",
        "phase_word": {"budget": "预算", "final": "决算"},
        "and": "、",
        "key_figures": "一、主要数字（万元）",
        "key_figures_final": "一、主要数字（决算数，万元）",
        "measure": "指标",
        "series": "历年金额",
        "change": "较上年",
        "cagr": "年均增长",
        "execution": "预算执行（执行率 = 决算数 ÷ 年初预算，万元）",
        "budget_amount": BASIS_LABELS["initial_budget"][0],
        "adjusted_amount": BASIS_LABELS["adjusted_budget"][0],
        "final_amount": BASIS_LABELS["actual"][0],
        "execution_rate": "执行率",
        "budget_source": "年初预算出处",
        "execution_carry_over": "收入合计、支出合计为总计，含上年结转和年末结转结余；"
        "本年的执行看本年收入合计、本年支出合计。",
        "execution_lines": "偏离年初预算最多的科目（万元）",
        "code": "科目编码",
        "subject": "科目名称",
        "difference": "决算数减年初预算",
        "this_final_text": "本决算文字说明",
        "year_budget": "当年预算",
        "this_final": "本决算",
        "composition": "二、支出构成",
        "component": "构成",
        "amount": "金额（万元）",
        "share": "占比",
        "by_category": "按支出类别",
        "by_function": "按功能分类（类），前五项",
        "staff": "三、人均指标",
        "basis_actual": "实有人数",
        "basis_authorized": "编制人数",
        "staff_count": "人数",
        "per_staff": "人均（万元）",
        "no_staff": "未披露人员数，无法计算人均指标。",
        "peers": "四、同组比较",
        "peer_line": "在“{group}”{count}个部门中排第{rank}位（中位数 {median}，四分位 {q1}–{q3}）",
        "peer_line_unranked": "“{group}”仅{count}个部门，少于{minimum}个，不排名（中位数 {median}，四分位 {q1}–{q3}）",
        "no_peers": "本年度没有可比较的同组部门。",
        "targets": "五、绩效目标",
        "targets_summary": "共 {total} 项指标，{changed} 项较以前年度有变化；下表列出其中 {shown} 项。",
        "indicator": "指标",
        "target": "目标值",
        "prior": "以前年度",
        "no_targets": "本年度文件未公开绩效目标。",
        "questions": "六、建议质询问题",
        "questions_more": "另有 {more} 条疑点未列出，见疑点清单。",
        "settled": "{settled} 条疑点经审核标为误报，未列入。",
        "reading_doubts": "读数存疑 {n} 处（见数据页读数报告）：部分数字未能核实或未能读取，引用前请核对原文。",
        "score_line": "公开质量评分 {score} / 100，{region}同类公开中第 {rank} / {of}",
        "score_line_unranked": "公开质量评分 {score} / 100（{region}同类公开仅{of}份，少于{minimum}份，不排名）",
        "score_line_alone": "公开质量评分 {score} / 100",
        "not_run": "{n} 项核对未能进行：{reasons}。",
        "not_run_item": "{missing}（{n} 项）",
        "not_run_separator": "；",
        "no_questions": "检查未发现需要质询的疑点。",
        "evidence": "依据",
        "page": "第{page}页",
        "line": "第{line}行",
        "status": "审核状态",
        "trend_title": "收支变化趋势（万元）",
        "peer_title": "支出合计：同组比较（{year}年，万元）",
        "footer": "本简报由公开的部门{phase}文件自动生成；数字均可追溯至所列文件的页码和原文。",
        "mark_narrative": "据文字说明：表中未列，取自文件的文字说明",
        "mark_derived": "按勾稽关系推算：文件未直接列出，由其他数字按表内勾稽关系推算",
        "mark_doubt": "读数存疑，引用前请核对原文",
        "doubt_item": "{measure}（{year}年）{why}",
        "doubt_item_plain": "{measure}{why}",
        "doubt_separator": "；",
        "none": "—",
        "colon": "：",
        "list_separator": "、",
        "open_paren": "（",
        "close_paren": "）",
        "severity": labels.labels("severity"),
    },
    "en": {
        "title": "{year} department {phase}: hearing brief",
        "budget": "budget",
        "final": "final accounts",
        "region": "Region",
        "sources": "Documents",
        "generated": "Generated",
        "holdings": "In the dataset",
        "holdings_line": "Documents for {n} year(s) ({documents}): {years}.",
        "holdings_documents": "{n} {phase}",
        "holdings_year": "{year} {phases}",
        "holdings_separator": "; ",
        "holdings_totals": "Totals of the {phase} read for {n} year(s): {years}",
        "holdings_earlier": " ({years}: prior-year figures printed by a later year's document)",
        "holdings_space": " ",
        "holdings_stop": ".",
        "phase_word": {"budget": "budget", "final": "final account"},
        "and": ", ",
        "key_figures": "1. Key figures (10k yuan)",
        "key_figures_final": "1. Key figures (actual, 10k yuan)",
        "measure": "Measure",
        "series": "Amounts by year",
        "change": "On the year before",
        "cagr": "Yearly growth",
        "execution": "Budget execution (rate = actual ÷ initial budget, 10k yuan)",
        "budget_amount": BASIS_LABELS["initial_budget"][1],
        "adjusted_amount": BASIS_LABELS["adjusted_budget"][1],
        "final_amount": BASIS_LABELS["actual"][1],
        "execution_rate": "Execution rate",
        "budget_source": "Initial budget from",
        "execution_carry_over": "Income and Expenditure are the grand totals, carry-overs from the year before and to "
        "the next included; the year's execution is that of Income of the year and Expenditure of the year.",
        "execution_lines": "Lines furthest from their initial budget (10k yuan)",
        "code": "Code",
        "subject": "Subject",
        "difference": "Actual less initial budget",
        "this_final_text": "this final account's text",
        "year_budget": "the year's budget",
        "this_final": "this final account",
        "composition": "2. Composition of spending",
        "component": "Component",
        "amount": "Amount (10k yuan)",
        "share": "Share",
        "by_category": "By spending category",
        "by_function": "Function classes, top five",
        "staff": "3. Per-staff figures",
        "basis_actual": "actual staff",
        "basis_authorized": "authorized staff",
        "staff_count": "Staff",
        "per_staff": "Per staff (10k yuan)",
        "no_staff": "No staff numbers disclosed: per-staff figures cannot be computed.",
        "peers": "4. Standing among peers",
        "peer_line": "rank {rank} of {count} in “{group}” (median {median}, quartiles {q1}–{q3})",
        "peer_line_unranked": (
            "only {count} in “{group}”, fewer than {minimum}: no rank (median {median}, quartiles {q1}–{q3})"
        ),
        "no_peers": "No peer department to compare with this year.",
        "targets": "5. Performance targets",
        "targets_summary": "{total} indicators, {changed} changed from earlier years; {shown} shown below.",
        "indicator": "Indicator",
        "target": "Target",
        "prior": "Earlier years",
        "no_targets": "No performance targets are disclosed for this year.",
        "questions": "6. Questions to ask",
        "questions_more": "{more} more findings are not listed here; see the list of flags.",
        "settled": "{settled} findings were marked false positives by the auditors and are left out.",
        "score_line": "Disclosure score {score} / 100, {rank} of {of} in {region}",
        "score_line_unranked": "Disclosure score {score} / 100 (only {of} like disclosures in {region}, fewer than "
        "{minimum}: no rank)",
        "score_line_alone": "Disclosure score {score} / 100",
        "not_run": "{n} checks could not run: {reasons}.",
        "not_run_item": "{missing} ({n})",
        "not_run_separator": "; ",
        "reading_doubts": "Reading doubts: {n} (see the reading report on the Data page). Check these figures "
        "against the published page before quoting them.",
        "no_questions": "The checks found nothing to ask about.",
        "evidence": "Evidence",
        "page": "p.\u00a0{page}",
        "line": "line\u00a0{line}",
        "status": "Triage",
        "trend_title": "Income and expenditure (10k yuan)",
        "peer_title": "Expenditure among peers ({year}, 10k yuan)",
        "footer": "Generated from the published department {phase} documents; every figure traces to a listed "
        "document's page and text.",
        "mark_narrative": "from the narrative: printed in no table, stated in the document's text",
        "mark_derived": "derived from the form's identities: not printed as such, computed from the other figures",
        "mark_doubt": "reading doubt: check the page before quoting",
        "doubt_item": "{measure} ({year}): {why}",
        "doubt_item_plain": "{measure}: {why}",
        "doubt_separator": "; ",
        "none": "—",
        "colon": ": ",
        "list_separator": ", ",
        "open_paren": " (",
        "close_paren": ")",
        "severity": {"error": "Error", "warning": "Warning", "info": "Info"},
    },
}


def _pct(value: float | None, *, signed: bool = True) -> str:
    if value is None:
        return "—"
    return f"{value:+.1f}%" if signed else f"{value:.1f}%"


def _wan(value: Decimal | float | None) -> str:
    if value is None:
        return "—"
    return format_wan(value if isinstance(value, Decimal) else Decimal(str(round(value, 2))), unit=False)


class _Marks:
    """The footnote marks of the figures a brief shows, and the legend of those it used."""

    def __init__(self, text: dict[str, Any], lang: str) -> None:
        self.text = text
        self.lang = lang
        self.origins: set[str] = set()
        self.doubts: list[str] = []

    def amount(self, value: Decimal | None, stated_in: str | None, verification: str | None) -> dict[str, str]:
        """``value`` in 万元 (``amount``) and its footnote marks: ``mark`` ``*`` for the narrative's, ``†`` for a
        derived figure, and ``doubt`` ``⚠`` for a contradicted reading (empty strings where none)."""
        if value is None:
            return {"amount": _wan(value), "mark": "", "doubt": ""}
        mark = _ORIGIN_MARKS.get(stated_in or "", "")
        if mark:
            self.origins.add(str(stated_in))
        return {"amount": _wan(value), "mark": mark, "doubt": _DOUBT_MARK if verification == "contradicted" else ""}

    def doubt(self, measure: str, year: object | None, verification: str | None, why: str | None) -> None:
        """Record a contradicted figure for the legend: which (of ``year``, unless the brief's), and the identity
        that fails."""
        if verification == "contradicted":
            template = self.text["doubt_item" if year is not None else "doubt_item_plain"]
            item = template.format(measure=measure, year=year, why=_readable(why or "", self.lang))
            if item not in self.doubts:
                self.doubts.append(item)

    def legend(self) -> list[str]:
        """One line per mark used, in the order of ``_ORIGIN_MARKS``, then the doubts."""
        lines = [
            f"{mark} {self.text[f'mark_{origin}']}" for origin, mark in _ORIGIN_MARKS.items() if origin in self.origins
        ]
        if self.doubts:
            colon = self.text["colon"]
            lines.append(
                f"{_DOUBT_MARK} {self.text['mark_doubt']}{colon}{self.text['list_separator'].join(self.doubts)}"
            )
        return lines


def _readable(why: str, lang: str) -> str:
    """A ``verified_by`` in the brief's language (it is written in Chinese), the tables it names
    (``另表同数：income_summary``) by their names, never a key."""
    return _table_names(verified_by_en(why) if lang == "en" else why, lang)


def _table_names(text: str, lang: str, *, quote: bool = False) -> str:
    """``text`` with every table key it names (``general_budget_function``) replaced by the table's name (in
    English quotes with ``quote``: a name such as Income reads as a word of the sentence otherwise)."""
    from analytics.reference import table_catalog

    labels = dict(table_catalog().select("key", "name_en" if lang == "en" else "name_zh").rows())
    # The longest first: ``expenditure_summary`` is part of ``income_expenditure_summary``.
    for key in sorted(labels, key=len, reverse=True):
        name = f"“{labels[key]}”" if quote and lang == "en" else labels[key]
        text = re.sub(rf"\b{key}\b", name, text)
    return text


#: The 一级指标 of the performance-target form (the same four in every disclosure), in English.
_TARGET_LEVELS = {"产出指标": "Output", "成本指标": "Cost", "效益指标": "Benefit", "满意度指标": "Satisfaction"}


def _prior_targets(row: dict[str, Any], lang: str) -> Markup | str:
    """An indicator's targets of earlier years: ``2021：无；2022：3000条以上`` as ``compare.target_history`` words
    them; in English ``2021: 无; 2022: 3000条以上``, each target the document's text, quoted."""
    if not row[PRIOR_TEXT]:
        return "—"
    if lang != "en" or not row.get(s.PRIOR_VALUES):
        return _quoted(row[PRIOR_TEXT], lang)
    return Markup("; ").join(
        Markup("{}: {}").format(item[s.FISCAL_YEAR], _quoted(item[s.TARGET_TEXT] or "—", lang))
        for item in row[s.PRIOR_VALUES]
    )


def _component_name(component: str, lang: str) -> Markup:
    """A component of the composition: the brief's name of a spending category, else the document's name of a
    function class (``208 社会保障和就业支出``), quoted."""
    names = MEASURE_LABELS.get(component) or COMPONENT_LABELS.get(component)
    return escape(_measure_name(component, lang)) if names else _quoted(component, lang)


def _measure_name(measure: str, lang: str) -> str:
    names = MEASURE_LABELS.get(measure) or COMPONENT_LABELS.get(measure)
    return (names[1] if lang == "en" else names[0]) if names else measure


def _quoted(value: object, lang: str) -> Markup:
    """``value`` (a name or words from a document) escaped; in an English brief marked as Chinese quoted from the
    document (``<span class="quoted" lang="zh-CN">``), so that a reader, a screen reader and the fonts know it is
    the document's own Chinese, not the brief's words.

    Examples
    --------
    >>> str(_quoted("甲局<b>", "en"))
    '<span class="quoted" lang="zh-CN">甲局&lt;b&gt;</span>'
    >>> str(_quoted("甲局", "zh"))
    '甲局'
    """
    if lang != "en" or value is None or value == "":
        return escape("" if value is None else value)
    return Markup('<span class="quoted" lang="zh-CN">{}</span>').format(value)


def _sentence(template: str, **values: object) -> Markup:
    """``template`` (the brief's own words) with ``values`` escaped, or kept as markup when already marked."""
    return escape(template).format(**values)


def _evidence_text(item: dict[str, object], text: dict[str, str], lang: str = "zh") -> Markup:
    where = [_quoted(item["document"], lang)]
    if item.get(s.PAGE) is not None:
        where.append(escape(text["page"].format(page=item[s.PAGE])))
    elif item.get(s.LINE) is not None:
        where.append(escape(text["line"].format(line=item[s.LINE])))
    source = str(item.get(s.SOURCE_TEXT) or "")
    if source == item["document"]:
        source = ""
    if len(source) > _SOURCE_CHARS:
        source = source[: _SOURCE_CHARS - 1] + "…"
    joined = Markup(" ").join(where)
    return joined + escape(text["colon"]) + _quoted(source, lang) if source else joined


def _context(
    brief: Brief, lang: str, detail: tuple[int, int], svgs: tuple[str | None, str | None]
) -> dict[str, object]:
    max_targets, max_questions = detail
    text = _TEXT[lang]
    phase = text[brief.phase]
    figures = []
    marks = _Marks(text, lang)
    for measure, rows in brief.figures.group_by(c.MEASURE, maintain_order=True):
        amounts = rows.sort(s.FISCAL_YEAR)
        years = amounts.get_column(s.FISCAL_YEAR).to_list()
        last = amounts.row(-1, named=True)
        name = _measure_name(str(measure[0]), lang)
        series = []
        for row in amounts.iter_rows(named=True):
            series.append(marks.amount(row[s.AMOUNT_YUAN], row[c.STATED_IN], row[s.VERIFICATION]))
            marks.doubt(name, row[s.FISCAL_YEAR], row[s.VERIFICATION], row[s.VERIFIED_BY])
        figures.append(
            {
                "measure": name,
                "years": "–".join(map(str, (years[0], years[-1]))) if len(years) > 1 else str(years[0]),
                "series": series,
                "change": _pct(last[c.CHANGE_PCT]),
                "cagr": _pct(last[c.CAGR_PCT]) if len(years) > 2 else "—",
            }
        )
    composition = {
        dimension: [
            {
                "component": _component_name(str(r[c.COMPONENT]), lang),
                "amount": _wan(r[s.AMOUNT_YUAN]),
                "share": _pct(None if r[c.SHARE] is None else r[c.SHARE] * 100, signed=False),
            }
            for r in brief.composition.filter(pl.col(c.DIMENSION) == dimension).head(5).iter_rows(named=True)
        ]
        for dimension in ("category", "function")
    }
    staff = [
        {
            "measure": _measure_name(r[c.MEASURE], lang),
            "basis": text[f"basis_{r[c.STAFF_BASIS]}"],
            "staff": r["staff"],
            "per_staff": marks.amount(r[c.PER_STAFF_YUAN], r[c.STATED_IN], r[s.VERIFICATION]),
        }
        for r in brief.staff.iter_rows(named=True)
    ]
    peers = [
        {
            "measure": _measure_name(r[c.MEASURE], lang),
            "value": _wan(r[c.VALUE]),
            # A rank only in a group large enough for one (“排第1位” of two says little).
            "line": _sentence(
                text[
                    "peer_line" if r[c.RANK] is not None and r[c.PEER_COUNT] >= MIN_PEER_GROUP else "peer_line_unranked"
                ],
                group=_quoted(r[c.PEER_GROUP], lang),
                count=r[c.PEER_COUNT],
                rank=r[c.RANK],
                minimum=MIN_PEER_GROUP,
                median=_wan(r[c.MEDIAN]),
                q1=_wan(r[c.Q1]),
                q3=_wan(r[c.Q3]),
            ),
        }
        for r in brief.peers.filter(pl.col(c.PEER_COUNT) > 1).iter_rows(named=True)
    ]
    targets = [
        {
            "level1": _TARGET_LEVELS.get(r[s.LEVEL1] or "", _quoted(r[s.LEVEL1] or "", lang))
            if lang == "en"
            else r[s.LEVEL1] or "",
            "indicator": _quoted(r[s.LEVEL3] or "", lang),
            "target": _quoted(r[s.TARGET_TEXT], lang) if r[s.TARGET_TEXT] else "—",
            "prior": _prior_targets(r, lang),
            "changed": r[TARGET_CHANGED],
        }
        for r in brief.targets.head(max_targets).iter_rows(named=True)
    ]
    execution = []
    for r in brief.execution.iter_rows(named=True):
        name = _measure_name(r[c.MEASURE], lang)
        amounts = dict(
            zip(_EXECUTION_FIGURES, (r[c.BUDGET_YUAN], r[ADJUSTED_BUDGET_YUAN], r[c.FINAL_YUAN]), strict=True)
        )
        shown = {}
        for figure, (stated_in, verification, why) in _EXECUTION_FIGURES.items():
            shown[figure] = marks.amount(amounts[figure], r[stated_in], r[verification])
            label = f"{name}{text['open_paren']}{text[f'{figure}_amount']}{text['close_paren']}"
            marks.doubt(label, None, r[verification], r[why])
        execution.append(
            {
                "measure": name,
                **shown,
                "rate": _pct(r[c.EXECUTION_PCT], signed=False),
                "source": text["this_final"]
                if r[BUDGET_DOC_ID] == r[FINAL_DOC_ID]
                else (_quoted(r["budget_document"], lang) if r["budget_document"] else text["none"]),
            }
        )
    budget_from = {
        "final_column": text["this_final"],
        "final_narrative": text["this_final_text"],
        "budget_document": text["year_budget"],
    }
    execution_lines = [
        {
            "code": r[s.CODE],
            "name": _quoted(r[s.NAME], lang),
            "budget": _wan(r[c.BUDGET_YUAN]),
            "final": _wan(r[c.FINAL_YUAN]),
            "difference": _wan(r[DIFFERENCE_YUAN]),
            "rate": _pct(r[c.EXECUTION_PCT], signed=False),
            "source": budget_from.get(r["budget_source"], text["none"])
            + (" " + text["page"].format(page=r["budget_page"]) if r["budget_page"] is not None else ""),
        }
        for r in (brief.execution_lines if brief.execution_lines is not None else pl.DataFrame()).iter_rows(named=True)
    ]
    question_column = "question_en" if lang == "en" else "question_zh"
    questions = [
        {
            "severity": r[s.SEVERITY],
            "severity_label": text["severity"].get(r[s.SEVERITY], r[s.SEVERITY]),
            # A finding's message may name a table by its key (``standard table income_summary not found``).
            "text": _table_names(r[question_column], lang, quote=True),
            # The auditors' status (待核实, 已解释, …) in the brief's language.
            "status": STATUSES.get(r["status"], r["status"]) if lang == "en" and r["status"] else r["status"],
            "evidence": [_evidence_text(item, text, lang) for item in (r[s.EVIDENCE] or [])[:2]],
        }
        for r in brief.questions.head(max_questions).iter_rows(named=True)
    ]
    return {
        "lang": lang,
        "t": text,
        "title": text["title"].format(year=brief.fiscal_year, phase=phase),
        "name": _quoted(brief.name, lang),
        "region": _quoted(brief.region, lang) if brief.region else "—",
        "documents": [_quoted(name, lang) for name in brief.documents.get_column(s.SOURCE_NAME).to_list()],
        "holdings": _holdings_line(brief, text),
        "generated": brief.generated.isoformat(),
        "figures": figures,
        "composition": composition,
        "staff": staff,
        "peers": peers,
        "targets": targets,
        "targets_total": brief.targets.height,
        "targets_changed": int(brief.targets.get_column(TARGET_CHANGED).sum()),
        "questions": questions,
        "key_figures": text["key_figures_final" if brief.phase == "final" else "key_figures"],
        "execution": execution,
        "execution_lines": execution_lines,
        "marks_legend": marks.legend(),
        "execution_adjusted": brief.execution.get_column(ADJUSTED_BUDGET_YUAN).is_not_null().any(),
        "execution_note": text["execution_carry_over"] if _carries_over(brief.execution) else None,
        "questions_more": max(0, brief.questions.height - len(questions)),
        "settled": brief.settled,
        "reading_doubts": brief.reading_doubts,
        "score_line": _score_line(brief, text, lang),
        "not_run": _not_run_note(brief, text, lang),
        "footer": text["footer"].format(phase=phase),
        "trend_svg": svgs[0],
        "peer_svg": svgs[1],
    }


def _carries_over(execution: pl.DataFrame) -> bool:
    """Whether the execution shows a total beside a different figure of the year's own (a 总计 holding carry-overs)."""
    figures = dict(execution.select(c.MEASURE, c.FINAL_YUAN).rows())
    return any(
        figures.get(total) is not None and figures.get(year) is not None and figures[total] != figures[year]
        for total, year in (("income_total", "income_year_total"), ("expenditure_total", "expenditure_year_total"))
    )


def _holdings_line(brief: Brief, text: dict[str, Any]) -> str | None:
    """N 年有文件（预算 a 份、决算 b 份）：2023 年预算、决算；2024 年预算。预算收支合计读出 3 年：2021、2022、2023
    （2021、2022 年为之后年度文件所列的往年数）。 — the department's documents in the dataset and the years of its
    phase's totals, counted by ``analytics.inventory`` and said in the words of the app's pages."""
    if brief.holdings is None or brief.holdings.is_empty():
        return None
    columns = inventory.PHASE_DOCUMENTS
    documented = brief.holdings.filter(pl.sum_horizontal(list(columns.values())) > 0).sort(s.FISCAL_YEAR)
    counts = documented.select(pl.col(list(columns.values())).sum()).row(0, named=True)
    documents = text["and"].join(
        text["holdings_documents"].format(phase=text["phase_word"][phase], n=counts[column])
        for phase, column in columns.items()
        if counts[column]
    )
    years = text["holdings_separator"].join(
        text["holdings_year"].format(
            year=row[s.FISCAL_YEAR],
            phases=text["and"].join(text["phase_word"][phase] for phase, column in columns.items() if row[column]),
        )
        for row in documented.iter_rows(named=True)
    )
    line = text["holdings_line"].format(n=documented.height, documents=documents, years=years)
    # The years of the brief's phase whose totals were read (a budget also prints the two years before it).
    read = brief.holdings.filter(pl.col(inventory.PHASE_TOTALS[brief.phase])).get_column(s.FISCAL_YEAR).sort()
    if read.is_empty():
        return line
    own = set(documented.filter(pl.col(columns[brief.phase]) > 0).get_column(s.FISCAL_YEAR).to_list())
    earlier = [year for year in read.to_list() if year not in own]
    totals = text["holdings_totals"].format(
        phase=text["phase_word"][brief.phase], n=read.len(), years=text["and"].join(map(str, read.to_list()))
    )
    if earlier:
        totals += text["holdings_earlier"].format(years=text["and"].join(map(str, earlier)))
    return f"{line}{text['holdings_space']}{totals}{text['holdings_stop']}"


def _score_line(brief: Brief, text: dict[str, Any], lang: str = "zh") -> Markup | None:
    """公开质量评分 N / 100，<region>同类公开中第 k / m: the rank only among ``MIN_PEER_GROUP`` or more, as the
    peers' ranks (“第 1 / 2” says little); among fewer, how many and that there is no rank."""
    if brief.score is None or brief.score["score"] is None:
        return None
    score = f"{brief.score['score']:.1f}"
    of, region = brief.score["rank_of"], brief.score[s.REGION]
    if of > 1 and region:
        ranked = of >= MIN_PEER_GROUP
        return _sentence(
            text["score_line" if ranked else "score_line_unranked"],
            score=score,
            rank=brief.score["rank"],
            of=of,
            region=_quoted(region, lang),
            minimum=MIN_PEER_GROUP,
        )
    return text["score_line_alone"].format(score=score)


def _not_run_note(brief: Brief, text: dict[str, Any], lang: str) -> str | None:
    """N 项核对未能进行：<reason>（k 项）；… — the coverage ledger of the brief's disclosure, in one sentence."""
    if brief.not_run is None or brief.not_run.is_empty():
        return None
    column = "missing_en" if lang == "en" else "missing_zh"
    reasons = text["not_run_separator"].join(
        text["not_run_item"].format(missing=missing, n=n)
        for missing, n in brief.not_run.select(column, "checks").rows()
    )
    return text["not_run"].format(n=int(brief.not_run.get_column("checks").sum()), reasons=reasons)


def _sized(svg: str) -> str:
    # Vega's SVG states its size in pixels; a viewBox lets the page scale it to the column's width.
    match = re.match(r'<svg[^>]*?width="([\d.]+)"[^>]*?height="([\d.]+)"', svg)
    if match is None or "viewBox" in svg[: match.end()]:
        return svg
    width, height = match.groups()
    return svg.replace("<svg", f'<svg viewBox="0 0 {width} {height}" preserveAspectRatio="xMinYMin meet"', 1)


def _trend_svg(brief: Brief, text: dict[str, str], lang: str) -> str | None:
    totals = brief.figures.filter(pl.col(c.MEASURE).is_in(["income_total", "expenditure_total"]))
    if totals.get_column(s.FISCAL_YEAR).n_unique() < 2:
        return None
    frame = totals.with_columns(
        pl.lit(brief.department_id).alias(s.DEPARTMENT_ID), pl.lit(brief.name).alias(s.NAME)
    ).select(s.DEPARTMENT_ID, s.NAME, c.MEASURE, s.FISCAL_YEAR, s.AMOUNT_YUAN)
    chart = charts.trend_chart(frame, title=text["trend_title"], lang=lang).properties(width=300, height=170)
    return _sized(charts.render_svg(chart))


def _peer_svg(brief: Brief, text: dict[str, str], lang: str) -> str | None:
    values = brief.peer_values.filter(pl.col(c.MEASURE) == "expenditure_total")
    if values.height < 3:
        return None
    chart = charts.peer_strip_chart(
        values,
        focus_department_id=brief.department_id,
        measure="expenditure_total",
        fiscal_year=brief.fiscal_year,
        title=text["peer_title"].format(year=brief.fiscal_year),
        lang=lang,
    ).properties(width=300)
    return _sized(charts.render_svg(chart))


def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("analytics.report", "templates"),
        # Every value is escaped: a department name or a printed line can never become markup.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(
    brief: Brief, *, lang: str = "zh", charts_svg: bool = True, detail: tuple[int, int] = _DETAIL_LEVELS[0]
) -> str:
    """The brief as one self-contained HTML page (styles inline, charts inline SVG, no script, nothing fetched).

    Parameters
    ----------
    lang
        ``zh`` (default) or ``en``.
    charts_svg
        Draw the trend and peer charts (needs ``vl-convert-python``).
    detail
        How many targets and questions to show at most.
    """
    return _render(brief, lang, detail, _charts(brief, lang) if charts_svg else (None, None))


def _charts(brief: Brief, lang: str) -> tuple[str | None, str | None]:
    if lang not in _TEXT:
        raise BriefError(f"unsupported brief language {lang!r}; expected zh or en")
    return _trend_svg(brief, _TEXT[lang], lang), _peer_svg(brief, _TEXT[lang], lang)


def _render(brief: Brief, lang: str, detail: tuple[int, int], svgs: tuple[str | None, str | None]) -> str:
    if lang not in _TEXT:
        raise BriefError(f"unsupported brief language {lang!r}; expected zh or en")
    return _environment().get_template("brief.html.j2").render(**_context(brief, lang, detail, svgs))


def _page_count(pdf: bytes) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def render_pdf(brief: Brief, *, lang: str = "zh", charts_svg: bool = True) -> bytes:
    """The brief printed to A4 PDF (fonts embedded), at the most detail that fits on two pages.

    Chinese text needs a CJK font on the system (Debian: ``fonts-noto-cjk``); WeasyPrint needs Pango.
    """
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: the Pango library is missing
        raise BriefError(f"printing a brief to PDF needs WeasyPrint and Pango ({error})") from None
    svgs = _charts(brief, lang) if charts_svg else (None, None)
    pdf = b""
    for detail in _DETAIL_LEVELS:
        html = _render(brief, lang, detail, svgs)
        pdf = weasyprint.HTML(string=html).write_pdf()
        if _page_count(pdf) <= _MAX_PAGES:
            break
    return pdf


def brief_file_name(name: str, fiscal_year: int, fmt: str, phase: str = "budget") -> str:
    """A safe file name: ``<year>_<department name>.<fmt>`` (``_决算`` before the suffix for a final account's),
    with path and markup characters replaced.

    Examples
    --------
    >>> brief_file_name("甲局/乙<科>", 2024, "pdf")
    '2024_甲局_乙_科_.pdf'
    >>> brief_file_name("甲局", 2024, "html", "final")
    '2024_甲局_决算.html'
    """
    safe = re.sub(r"[^\w\u3400-\u9fff（）()-]", "_", name).strip(" .") or "department"
    return f"{fiscal_year}_{safe[:80]}{'_决算' if phase == 'final' else ''}.{fmt}"


def write_briefs(
    ds: Dataset,
    out_dir: str | os.PathLike[str],
    *,
    departments: Iterable[str] | None = None,
    region: str | None = None,
    fiscal_year: int | None = None,
    phase: str | None = None,
    formats: Sequence[str] = BRIEF_FORMATS,
    lang: str = "zh",
    peer_by: str = "region",
    triage: TriageStore | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[Path]:
    """Write one brief per department (of ``region``, or the ``departments`` named) into ``out_dir``.

    Each file is written whole or not at all. ``progress(name, done, total)`` is called after each department.
    With ``region`` or every department, one without a disclosure for ``fiscal_year`` (of ``phase``) is skipped; by
    default each department's latest year, and its budget when that year also has a final account.

    Returns
    -------
    list[Path]
        The files written, in department order.
    """
    unknown = [f for f in formats if f not in BRIEF_FORMATS]
    if unknown or not formats:
        raise BriefError(f"unsupported brief format {unknown or formats!r}; expected {', '.join(BRIEF_FORMATS)}")
    target = Path(out_dir)
    if target.exists() and not target.is_dir():
        raise BriefError(f"{target} is a file; expected a folder for the briefs")
    # The department-years with documents, counted as every page of the app counts them (analytics.inventory).
    held = department_years(ds)
    chosen = held.filter(pl.col(inventory.DOCUMENTS) > 0)
    if region is not None:
        of_region = ds.departments.filter(pl.col(s.REGION) == region)
        if of_region.is_empty():
            regions = "、".join(ds.departments.get_column(s.REGION).drop_nulls().unique().sort().to_list()) or "none"
            raise BriefError(f"no department of region {region!r} in the dataset (regions: {regions})")
        chosen = chosen.join(of_region.select(s.DEPARTMENT_ID).unique(), on=s.DEPARTMENT_ID, how="semi")
    if phase is not None:
        if phase not in s.PHASES:
            raise BriefError(f"unknown phase {phase!r}; expected {' or '.join(s.PHASES)}")
        chosen = chosen.filter(pl.col(inventory.PHASE_DOCUMENTS[phase]) > 0)
    if fiscal_year is not None:
        chosen = chosen.filter(pl.col(s.FISCAL_YEAR) == fiscal_year)
    wanted = (
        list(dict.fromkeys(departments))
        if departments is not None
        else chosen.sort(s.NAME, s.DEPARTMENT_ID).get_column(s.DEPARTMENT_ID).unique(maintain_order=True).to_list()
    )
    if not wanted:
        raise BriefError("no department to write a brief for" + (f" in {fiscal_year}" if fiscal_year else ""))
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError.from_os_error(target, exc) from None
    written: list[Path] = []
    latest = chosen.group_by(s.DEPARTMENT_ID).agg(pl.col(s.FISCAL_YEAR).max())
    years = dict(latest.rows())
    for done, department in enumerate(wanted, start=1):
        year = fiscal_year if fiscal_year is not None else years.get(department)
        brief = build_brief(ds, department, year, phase=phase, triage=triage, peer_by=peer_by, years=held)
        for fmt in formats:
            data = render_pdf(brief, lang=lang) if fmt == "pdf" else render_html(brief, lang=lang).encode("utf-8")
            path = target / brief_file_name(brief.name, brief.fiscal_year, fmt, brief.phase)
            write_atomically(path, data)
            written.append(path)
        if progress is not None:
            progress(brief.name, done, len(wanted))
    return written
