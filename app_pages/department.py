"""部门画像: one department — trends, structure, per-staff figures, targets and findings, each traceable."""

from __future__ import annotations

import polars as pl
import streamlit as st

import analytics
from analytics import charts, compare
from analytics import schema as s
from analytics.checks import FAMILIES, rule_catalog
from analytics.compare import MEASURE_LABELS, PRIOR_TEXT, TARGET_CHANGED
from analytics.compare import _columns as c
from analytics.compare._analysis import ADJUSTED_BUDGET_YUAN, BUDGET_DOC_ID, FINAL_DOC_ID
from analytics.compare._measures import BASIS_LABELS
from app_pages import _data
from app_pages._coverage import show_coverage
from app_pages._evidence import show_figure_source
from app_pages._i18n import english, lang, number_formats, pick, severity_labels, t, table_labels
from app_pages._marks import mark, mark_captions, mark_columns, mark_config, readable, wan_text

st.title(t("department_title"))
st.caption(t("department_caption"))
language = lang()
measure_names = {measure: pick(pair) for measure, pair in MEASURE_LABELS.items()}
# Measures in the order of their labels (totals, their parts, the 三公经费 and its parts …), not by key.
measure_order = pl.col(c.MEASURE).replace_strict(
    {measure: i for i, measure in enumerate(MEASURE_LABELS)}, default=len(MEASURE_LABELS), return_dtype=pl.Int32
)

dataset = _data.dataset_or_stop()

options = _data.department_options()
names = list(options)
# Default: the department with the longest series (a budget also states the years before it).
default = next((names.index(n) for n in _data.longest_series() if n in options), 0)
name = st.selectbox(t("pick_department"), names, index=default, key="department_pick")
department_id = options[name]

own = pl.col(s.DEPARTMENT_ID) == department_id
trends = _data.trends().filter(own)
phase = "budget"
if trends.is_empty():
    # A department that published only final accounts: its key figures are their 决算数.
    trends, phase = _data.trends("final").filter(own), "final"
trends = trends.sort(measure_order, s.FISCAL_YEAR)
st.subheader(t("key_figures" if phase == "budget" else "key_figures_final"))
documents = dict(dataset.documents.select(s.DOC_ID, s.SOURCE_NAME).rows())
columns = [
    pl.col(c.MEASURE).replace_strict(measure_names, default=pl.col(c.MEASURE)).alias(t("col_measure")),
    pl.col(s.FISCAL_YEAR).alias(t("col_year")),
    analytics.wan_yuan(s.AMOUNT_YUAN).alias(t("col_amount")),
    # A first year has no change: a dash, not an empty number.
    pl.col(c.CHANGE_PCT).round(1).cast(pl.String).fill_null(t("none")).alias(t("col_change_pct")),
    # Where the figure was published: the document it was read from.
    pl.col(s.DOC_ID).replace_strict(documents, default=pl.col(s.DOC_ID)).alias(t("col_document")),
    # A figure whose reading is contradicted, or that no table prints (the narrative's, or one the form's identities
    # determine), is marked beside it.
    *mark_columns(trends),
]
if trends.is_empty():
    st.info(t("no_key_figures"))
else:
    st.dataframe(
        trends.select(columns),
        hide_index=True,
        column_config={
            **number_formats(money=("col_amount",), year=("col_year",)),
            t("col_change_pct"): st.column_config.TextColumn(alignment="right"),
            **mark_config(),
        },
        height=_data.table_height(trends.height),
        key="department_figures",
    )
    mark_captions(trends)
    with st.expander(t("figure_source")):
        show_figure_source(trends, measure_names, key=f"figure_source_{department_id}")
if not dataset.documents.filter((pl.col(s.DEPARTMENT_ID) == department_id) & (pl.col(s.PHASE) == "final")).is_empty():
    # A final account (决算): its 决算数, with the 年初预算 (and 调整预算) it prints beside them, else the year's
    # budget's. Only departments with one pay for this (not cached yet: see the report to the lead).
    execution = compare.execution_rates(dataset.for_department(department_id)).sort(s.FISCAL_YEAR, measure_order)
    st.subheader(pick(("决算：年初预算与决算数", "Final accounts: initial budget and actual")))
    wan = pick(("（万元）", " (10k yuan)"))
    labels = {basis: pick(pair) + wan for basis, pair in BASIS_LABELS.items()}
    rate_label, source_label = (
        pick(("执行率（%）", "Execution rate (%)")),
        pick(("年初预算出处", "Initial budget from")),
    )
    this_final = pick(("本决算", "this final account"))
    columns = [
        pl.col(s.FISCAL_YEAR).alias(t("col_year")),
        pl.col(c.MEASURE).replace_strict(measure_names, default=pl.col(c.MEASURE)).alias(t("col_measure")),
        # As text: a figure no document states (or a rate without a budget) is a dash, never “None”.
        wan_text(c.BUDGET_YUAN).alias(labels["initial_budget"]),
        wan_text(ADJUSTED_BUDGET_YUAN).alias(labels["adjusted_budget"]),
        wan_text(c.FINAL_YUAN).alias(labels["actual"]),
        pl.col(c.EXECUTION_PCT).round(1).cast(pl.String).fill_null(t("none")).alias(rate_label),
        pl.when(pl.col(BUDGET_DOC_ID) == pl.col(FINAL_DOC_ID))
        .then(pl.lit(this_final))
        .otherwise(pl.col(BUDGET_DOC_ID).replace_strict(documents, default=pl.col(BUDGET_DOC_ID)))
        .fill_null(t("none"))
        .alias(source_label),
    ]
    # Each figure's mark, named by its column: “决算数 ⚠ 读数存疑；年初预算（据文字说明）”.
    figure_origins = {
        "initial_budget": (c.BUDGET_STATED_IN, c.BUDGET_VERIFICATION, c.BUDGET_VERIFIED_BY),
        "adjusted_budget": (c.ADJUSTED_STATED_IN, c.ADJUSTED_VERIFICATION, c.ADJUSTED_VERIFIED_BY),
        "actual": (c.FINAL_STATED_IN, c.FINAL_VERIFICATION, c.FINAL_VERIFIED_BY),
    }
    basis_marks = [
        pl.when(mark(stated_in, verification) != "").then(
            # A full-width parenthesis needs no space before it.
            pl.concat_str(pl.lit(pick(BASIS_LABELS[basis])), mark(stated_in, verification), separator=" ").str.replace(
                " （", "（", literal=True
            )
        )
        for basis, (stated_in, verification, _) in figure_origins.items()
    ]
    doubts = [
        pl.when(pl.col(verification) == "contradicted").then(
            pl.concat_str(pl.lit(pick(BASIS_LABELS[basis])), readable(pl.col(why)), separator=t("colon"))
        )
        for basis, (_, verification, why) in figure_origins.items()
    ]
    row_marks = pl.concat_list(basis_marks).list.drop_nulls().list.join(t("list_separator"))
    row_doubts = pl.concat_list(doubts).list.drop_nulls().list.join(t("list_separator"))
    if not execution.select(row_marks.alias("_m")).filter(pl.col("_m") != "").is_empty():
        columns.append(row_marks.alias(t("col_reading")))
    if not execution.select(row_doubts.alias("_d")).filter(pl.col("_d") != "").is_empty():
        columns.append(row_doubts.alias(t("col_verified_by")))
    shown = execution.select(columns)
    if execution.get_column(ADJUSTED_BUDGET_YUAN).is_null().all():
        shown = shown.drop(labels["adjusted_budget"])  # printed by none of its final accounts
    st.dataframe(
        shown,
        hide_index=True,
        column_config={
            **number_formats(year=("col_year",)),
            **{label: st.column_config.TextColumn(alignment="right") for label in [*labels.values(), rate_label]},
            **mark_config(),
        },
        height=_data.table_height(shown.height),
        key="department_final_accounts",
    )
    mark_captions(
        execution.select(
            pl.concat_list(pl.col(v) for _, v, _ in figure_origins.values()).alias(s.VERIFICATION),
            pl.concat_list(pl.col(o) for o, _, _ in figure_origins.values()).alias(c.STATED_IN),
        ).explode(s.VERIFICATION, c.STATED_IN)
    )

with st.expander(t("sources")):
    # Every total and category line of the department as printed: document, table, page, line and text.
    printed = dataset.lines.filter(
        (pl.col(s.DEPARTMENT_ID) == department_id) & pl.col(s.CLASSIFICATION).is_in(["total", "category"])
    )
    verification = {v: t(f"verification_{v}") for v in s.VERIFICATIONS}
    if printed.is_empty():
        st.info(t("no_printed_lines"))
    else:
        st.dataframe(
            printed.sort(s.FISCAL_YEAR, s.DOC_ID, s.PAGE, s.LINE, nulls_last=True).select(
                pl.col(s.FISCAL_YEAR).alias(t("col_year")),
                pl.col(s.DOC_ID).replace_strict(documents, default=pl.col(s.DOC_ID)).alias(t("col_document")),
                pl.col(s.TABLE).replace_strict(table_labels(), default=pl.col(s.TABLE)).alias(t("col_table")),
                # A text has lines, a PDF pages: the other is a dash.
                pl.col(s.PAGE).cast(pl.String).fill_null(t("none")).alias(t("col_page")),
                pl.col(s.LINE).cast(pl.String).fill_null(t("none")).alias(t("col_line")),
                pl.col(s.SOURCE_TEXT).alias(t("col_source_text")),
                pl.col(s.VERIFICATION)
                .replace_strict(verification, default=pl.col(s.VERIFICATION))
                .alias(t("col_verification")),
                readable(pl.col(s.VERIFIED_BY)).fill_null("").alias(t("col_verified_by")),
            ),
            hide_index=True,
            column_config={
                **number_formats(year=("col_year",)),
                **{t(key): st.column_config.TextColumn(alignment="right") for key in ("col_page", "col_line")},
            },
            key="department_sources",
        )

st.subheader(t("trend"))
totals = trends.filter(pl.col(c.MEASURE).is_in(["income_total", "expenditure_total"]))
# One year draws no trend: the empty state says so, and no empty chart stands beside it.
if totals.get_column(s.FISCAL_YEAR).n_unique() < 2:
    st.info(t("one_year_only"))
else:
    st.altair_chart(charts.trend_chart(totals, lang=language), key="department_trend")

st.subheader(t("structure"))
structure = _data.structure("category", phase).filter(pl.col(s.DEPARTMENT_ID) == department_id)
if structure.is_empty():
    st.info(t("no_structure"))
else:
    st.altair_chart(
        charts.composition_chart(structure, dimension="category", lang=language), key="department_structure"
    )

st.subheader(t("per_staff"))
staff = _data.per_staff().filter(pl.col(s.DEPARTMENT_ID) == department_id)
if staff.is_empty():
    st.info(t("no_staff"))
else:
    st.dataframe(
        staff.select(
            pl.col(s.FISCAL_YEAR).alias(t("col_year")),
            pl.col(c.MEASURE).replace_strict(measure_names, default=pl.col(c.MEASURE)).alias(t("col_measure")),
            pl.col(c.STAFF_BASIS)
            .replace_strict({b: t(f"basis_{b}") for b in ("actual", "authorized")}, default=pl.col(c.STAFF_BASIS))
            .alias(t("col_basis")),
            pl.col("staff").alias(t("col_staff")),
            analytics.wan_yuan(c.PER_STAFF_YUAN).alias(t("col_per_staff")),
            # Per member of staff of a figure in doubt, or not printed in a table: the figure's mark.
            *mark_columns(staff),
        ),
        hide_index=True,
        column_config={**number_formats(money=("col_per_staff",), year=("col_year",)), **mark_config()},
        key="department_per_staff",
    )

st.subheader(t("targets"))
indicators = _data.target_history().filter(pl.col(s.DEPARTMENT_ID) == department_id)
if indicators.is_empty():
    st.info(t("no_targets"))
else:
    st.dataframe(
        indicators.select(
            pl.col(s.FISCAL_YEAR).alias(t("col_year")),
            pl.col(s.LEVEL1).alias(t("col_level1")),
            pl.col(s.LEVEL3).alias(t("col_indicator")),
            pl.col(s.TARGET_TEXT).alias(t("col_target")),
            # The targets of earlier years the form also prints: how the target moved.
            pl.col(PRIOR_TEXT).alias(t("col_prior_targets")),
            pl.col(TARGET_CHANGED).alias(t("col_target_changed")),
            pl.col(s.LINE).cast(pl.String).fill_null(t("none")).alias(t("col_line")),
        ),
        hide_index=True,
        key="department_targets",
    )

st.subheader(t("flags"))
flags = dataset.flags.filter(pl.col(s.DEPARTMENT_ID) == department_id)
if flags.is_empty():
    st.success(t("no_flags"))
else:
    message = s.MESSAGE_EN if english() else s.MESSAGE_ZH
    item = pl.element().struct

    def where(field: str, key: str) -> pl.Expr:
        """第 3 页 / 第 12 行 (p. 3 / l. 12) of an evidence item, or nothing."""
        before, _, after = t(key).partition("{n}")
        return pl.concat_str(pl.lit(before), item.field(field).cast(pl.String), pl.lit(after))

    evidence = pl.col(s.EVIDENCE).list.eval(
        pl.concat_str(
            where(s.PAGE, "evidence_page"), where(s.LINE, "evidence_line"), item.field(s.SOURCE_TEXT),
            separator=" ", ignore_nulls=True,
        )
    ).list.join("\n")  # fmt: skip
    rules = dict(rule_catalog().select(s.RULE_ID, "title_en" if english() else "title_zh").rows())
    families = {family: pick(pair) for family, pair in FAMILIES.items()}
    st.dataframe(
        flags.select(
            pl.col(s.SEVERITY).replace_strict(severity_labels(), default=pl.col(s.SEVERITY)).alias(t("col_severity")),
            pl.col(s.FAMILY).replace_strict(families, default=pl.col(s.FAMILY)).alias(t("col_family")),
            # A model's finding has no rule of the catalog: its family says what it is.
            pl.col(s.RULE_ID)
            .replace_strict(rules, default=None)
            .fill_null(pl.col(s.FAMILY).replace_strict(families, default=pl.col(s.FAMILY)))
            .alias(t("col_rule")),
            pl.col(message).alias(t("col_message")),
            pl.col(s.PEER_GROUP).fill_null(t("none")).alias(t("col_peer_group")),
            pl.col(s.SCORE).round(2).cast(pl.String).fill_null(t("none")).alias(t("col_score")),
            evidence.alias(t("evidence")),
        ),
        hide_index=True,
        column_config={t("col_score"): st.column_config.TextColumn(alignment="right")},
        key="department_flags",
    )

# No finding is not every check passed: what could not be checked on this department's disclosures, and why.
show_coverage(department_id, key="department_coverage")
