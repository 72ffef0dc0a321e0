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
from analytics.inventory import TOTAL_MEASURES
from app_pages import _data
from app_pages._coverage import show_coverage
from app_pages._evidence import show_figure_source
from app_pages._i18n import english, lang, number_formats, pick, severity_labels, t, table_labels
from app_pages._inventory import phase_word, show_inventory, shown_years
from app_pages._marks import mark, mark_captions, mark_columns, mark_config, readable, wan_text
from app_pages._url import bound

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
name = bound(
    st.selectbox, "dept", t("pick_department"), names, encode=options.get, index=default,
    placeholder=t("choose_one"), key="department_pick",
)  # fmt: skip
department_id = options[name]
# Its years, documents and figures, said the way every page says them (analytics.inventory).
show_inventory(department_id, figures=True)

own = pl.col(s.DEPARTMENT_ID) == department_id
trends = _data.trends().filter(own)
phase = "budget"
if trends.is_empty():
    # A department that published only final accounts: its key figures are their 决算数.
    trends, phase = _data.trends("final").filter(own), "final"
trends = trends.sort(measure_order, s.FISCAL_YEAR)
st.subheader(t("key_figures" if phase == "budget" else "key_figures_final"))
st.caption(
    shown_years(
        t("inventory_what_key_figures").format(phase=phase_word(phase)), trends.get_column(s.FISCAL_YEAR).to_list()
    )
)
documents = dict(dataset.documents.select(s.DOC_ID, s.SOURCE_NAME).rows())
year_label = t("year_column")
# Years side by side, one row per measure: each cell the printed figure in 万元 (⚠ where its reading is in doubt);
# what is not a table's figure is said in the 读数 column, year by year; the long form (with each figure's document)
# stays below.
cells = trends.with_columns(
    pl.concat_str(
        wan_text(s.AMOUNT_YUAN),
        pl.when(pl.col(s.VERIFICATION) == "contradicted").then(pl.lit(" ⚠")).otherwise(pl.lit("")),
    ).alias("_cell"),
    pl.col(s.FISCAL_YEAR).map_elements(lambda year: year_label.format(year=year), return_dtype=pl.String).alias("_y"),
    mark().alias("_mark"),
)
year_columns = [year_label.format(year=year) for year in sorted(set(trends.get_column(s.FISCAL_YEAR).to_list()))]
if trends.is_empty():
    st.info(t("no_key_figures"))
else:
    wide = cells.pivot(on="_y", index=c.MEASURE, values="_cell", aggregate_function="first", maintain_order=True)
    notes = (
        cells.filter(pl.col("_mark") != "")
        .group_by(c.MEASURE, maintain_order=True)
        .agg(pl.concat_str(pl.col("_y"), pl.col("_mark")).str.join(t("list_separator")).alias(t("col_reading")))
    )
    latest = cells.group_by(c.MEASURE, maintain_order=True).agg(
        pl.col(c.CHANGE_PCT).last().round(1).cast(pl.String).fill_null(t("none")).alias(t("col_latest_change")),
        pl.col(s.DOC_ID)
        .replace_strict(documents, default=pl.col(s.DOC_ID))
        .unique(maintain_order=True)
        .str.join(t("list_separator"))
        .alias(t("col_document")),
    )
    shown = wide.join(latest, on=c.MEASURE, how="left").join(notes, on=c.MEASURE, how="left")
    shown = shown.select(
        pl.col(c.MEASURE).replace_strict(measure_names, default=pl.col(c.MEASURE)).alias(t("col_measure")),
        *[pl.col(year).fill_null(t("none")) for year in year_columns],
        t("col_latest_change"),
        t("col_document"),
        *([pl.col(t("col_reading")).fill_null("")] if not notes.is_empty() else []),
    )
    st.dataframe(
        shown,
        hide_index=True,
        column_config={
            **{year: st.column_config.TextColumn(alignment="right") for year in year_columns},
            t("col_latest_change"): st.column_config.TextColumn(alignment="right"),
            **mark_config(),
        },
        height=_data.table_height(shown.height),
        key="department_figures",
    )
    st.caption(t("key_figures_caption"))
    if (trends.get_column(s.VERIFICATION) == "contradicted").any():
        st.caption(t("key_figures_doubt_caption"))
    mark_captions(trends)
    with st.expander(t("key_figures_long")):
        columns = [
            pl.col(c.MEASURE).replace_strict(measure_names, default=pl.col(c.MEASURE)).alias(t("col_measure")),
            pl.col(s.FISCAL_YEAR).alias(t("col_year")),
            analytics.wan_yuan(s.AMOUNT_YUAN).alias(t("col_amount")),
            # A first year has no change: a dash, not an empty number.
            pl.col(c.CHANGE_PCT).round(1).cast(pl.String).fill_null(t("none")).alias(t("col_change_pct")),
            # Where the figure was published: the document it was read from.
            pl.col(s.DOC_ID).replace_strict(documents, default=pl.col(s.DOC_ID)).alias(t("col_document")),
            *mark_columns(trends),
        ]
        st.dataframe(
            trends.select(columns),
            hide_index=True,
            column_config={
                **number_formats(money=("col_amount",), year=("col_year",)),
                t("col_change_pct"): st.column_config.TextColumn(alignment="right"),
                **mark_config(),
            },
            height=_data.table_height(trends.height),
            key="department_figures_long",
        )
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

by_line = _data.execution_by_line().filter(pl.col(s.DEPARTMENT_ID) == department_id)
if not by_line.is_empty():
    # Line by line: each 科目 of the final account against its 年初预算, and where that budget was read.
    st.subheader(t("execution_lines"))
    tables = table_labels()
    # The table whose lines have the most budgets first (the one the final account's text speaks of), latest year first.
    keys = (
        by_line.group_by(s.FISCAL_YEAR, s.TABLE)
        .agg(pl.col(c.BUDGET_YUAN).is_not_null().sum().alias("_budgets"))
        .sort(s.FISCAL_YEAR, "_budgets", s.TABLE, descending=[True, True, False])
        .select(s.FISCAL_YEAR, s.TABLE)
        .rows()
    )
    pick_key = st.selectbox(
        t("execution_table"),
        keys,
        format_func={key: f"{year_label.format(year=key[0])} {tables.get(key[1], key[1])}" for key in keys}.get,
        placeholder=t("choose_one"),
        # Labels follow the language: a widget of each language keeps its own choice.
        key=f"department_execution_table_{language}",
    )
    chosen = by_line.filter((pl.col(s.FISCAL_YEAR) == pick_key[0]) & (pl.col(s.TABLE) == pick_key[1]))
    sources = {
        "final_column": t("budget_from_final_column"),
        "final_narrative": t("budget_from_final_narrative"),
        "budget_document": t("budget_from_budget_document"),
        "sum_of_parts": t("budget_from_parts"),
    }
    where = (
        pl.when(pl.col(compare.BUDGET_SOURCE) == "budget_document")
        .then(pl.col("budget_doc_id").replace_strict(documents, default=pl.col("budget_doc_id")))
        .otherwise(pl.col(compare.BUDGET_SOURCE).replace_strict(sources, default=None))
    )
    before, after = t("page_word").split("{page}")
    page = pl.when(pl.col("budget_page").is_not_null()).then(
        pl.concat_str(pl.lit(before), pl.col("budget_page").cast(pl.String), pl.lit(after))
    )
    agrees = (
        pl.when(pl.col(compare.NARRATIVE_AGREES))
        .then(pl.lit(t("narrative_agrees")))
        .when(pl.col(compare.NARRATIVE_AGREES).not_())
        .then(pl.concat_str(pl.lit(t("narrative_differs")), wan_text(compare.NARRATIVE_FINAL_YUAN)))
        .otherwise(pl.lit(""))
    )
    indent = pl.lit("\u3000").repeat_by(pl.col(s.LEVEL).cast(pl.Int64) - 1).list.join("")
    shown = chosen.select(
        pl.col(s.CODE).alias(t("col_code")),
        pl.concat_str(indent, pl.col(s.NAME)).alias(t("col_subject")),
        wan_text(c.BUDGET_YUAN).alias(t("col_initial_budget")),
        wan_text(c.FINAL_YUAN).alias(t("col_final")),
        wan_text(compare.DIFFERENCE_YUAN).alias(t("col_difference")),
        pl.col(c.EXECUTION_PCT).round(1).cast(pl.String).fill_null(t("none")).alias(t("col_execution_rate")),
        pl.concat_str(where.fill_null(t("none")), page.fill_null(""), separator=" ")
        .str.strip_chars()
        .alias(t("col_budget_from")),
        agrees.alias(t("col_narrative_final")),
    )
    if chosen.get_column(compare.NARRATIVE_FINAL_YUAN).is_null().all():
        shown = shown.drop(t("col_narrative_final"))
    money = [t(k) for k in ("col_initial_budget", "col_final", "col_difference", "col_execution_rate")]
    st.dataframe(
        shown,
        hide_index=True,
        column_config={
            t("col_subject"): st.column_config.TextColumn(width="medium"),
            **{label: st.column_config.TextColumn(alignment="right") for label in money},
        },
        height=_data.table_height(shown.height),
        key="department_execution_lines",
    )
    st.caption(t("execution_lines_caption"))

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
totals = trends.filter(pl.col(c.MEASURE).is_in(list(TOTAL_MEASURES)))
total_years = totals.get_column(s.FISCAL_YEAR).unique().to_list()
# The years the trend draws, beside the years with documents above: a year of documents whose totals were not
# read is not drawn, and a prior year a later document prints is.
st.caption(shown_years(t("inventory_what_totals").format(phase=phase_word(phase)), total_years))
# One year draws no trend: the empty state says so, and no empty chart stands beside it.
if len(total_years) < 2:
    st.info(t("one_year_only").format(phase=phase_word(phase), n=len(total_years)))
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
