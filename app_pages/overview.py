"""总览: the dataset at a glance — departments, totals by year, findings by severity and what is missing."""

from __future__ import annotations

import polars as pl
import streamlit as st

import analytics
from analytics import charts, inventory
from analytics import schema as s
from analytics.triage import DEFAULT_STATUS
from app_pages import _data
from app_pages._i18n import english, lang, number_formats, phase_labels, pick, severity_labels, t
from app_pages._inventory import dataset_summary, department_summary, inventory_row, phase_word, shown_years
from app_pages._marks import mark_captions, mark_columns, mark_config
from app_pages._url import bound

st.title(t("overview_title"))
st.caption(t("overview_caption"))
dataset = _data.dataset_or_stop()

st.subheader(t("departments"))
# A fact the documents do not state is a dash, not an empty cell reading "None".
counts = ("col_staff_authorized", "col_staff_actual", "col_subordinate")
st.dataframe(
    dataset.departments.select(
        pl.col(s.NAME).alias(t("col_name")),
        pl.col(s.REGION).fill_null(t("none")).alias(t("col_region")),
        pl.col(s.FISCAL_YEAR).alias(t("col_year")),
        pl.col(s.UNIT_TYPE).fill_null(t("none")).alias(t("col_unit_type")),
        *(
            pl.col(column).cast(pl.String).fill_null(t("none")).alias(t(key))
            for column, key in zip((s.STAFF_AUTHORIZED, s.STAFF_ACTUAL, s.SUBORDINATE_UNITS), counts, strict=True)
        ),
    ),
    hide_index=True,
    column_config={t(key): st.column_config.TextColumn(alignment="right") for key in counts},
    key="departments_table",
)

st.subheader(t("totals"))
# Every department is listed, and its years are said the way every page says them (analytics.inventory): the chart
# draws one phase, the budget's or the final account's totals, never the two mixed in one line.
options = _data.department_options()
choice = bound(
    st.selectbox, "dept", t("pick_department"), [t("all_departments"), *options],
    encode=lambda n: options.get(n, "all"), placeholder=t("choose_one"), key="overview_department",
)  # fmt: skip
department_id = options.get(choice)
row = None if department_id is None else inventory_row(department_id)
# A department with final accounts only opens on them.
only_final = row is not None and not row[inventory.BUDGET_TOTAL_YEARS] and bool(row[inventory.FINAL_TOTAL_YEARS])
phases = phase_labels()
phase = bound(
    st.radio, "phase", t("pick_totals_phase"), list(s.PHASES), format_func=phases.get, horizontal=True,
    index=1 if only_final else 0, key="overview_phase",
)  # fmt: skip
st.caption(dataset_summary() if department_id is None else department_summary(department_id))
totals = _data.totals(phase)
shown = totals if department_id is None else totals.filter(pl.col(s.DEPARTMENT_ID) == department_id)
totals_of = t("inventory_what_totals").format(phase=phase_word(phase))
if shown.is_empty():
    st.info(t("no_phase_totals").format(phase=phase_word(phase)))
else:
    names = shown.get_column(s.NAME).unique(maintain_order=True).to_list()
    view = "amounts"
    if len(names) > 1:
        # One very large department (a university's 50 亿) flattens every other line on a shared axis: by default a
        # panel per department, each axis from zero; or an index of each one's first year; or the shared axis.
        views = {
            "multiples": pick(("各部门分图（纵轴各自从0起）", "A panel per department (each axis from zero)")),
            "index": pick(("指数（各部门首年=100）", "Index (each department's first year = 100)")),
            "amounts": pick(("金额（同一纵轴）", "Amounts (one shared axis)")),
        }
        view = st.radio(
            pick(("显示方式", "Show as")), list(views), format_func=views.get, horizontal=True, key="overview_view"
        )
    highlight = None
    if view != "multiples" and department_id is None and len(names) > charts.MAX_SERIES_COLORS:
        # More departments than colours a reader can tell apart: one in colour, the others grey.
        highlight = st.selectbox(
            t("highlight_department"),
            names,
            placeholder=t("choose_one"),
            key="overview_highlight",
            help=t("highlight_help"),
        )
    if view == "multiples":
        chart = charts.totals_multiples_chart(shown, lang=lang())
        st.caption(
            pick(
                (
                    "每个部门一张小图，纵轴各自从0起、刻度不同：金额相差很大的部门（如高校与街道）都能看清各自的变化。",
                    "One small chart per department, each axis from zero at its own scale: departments of very "
                    "different size (a university, a street office) each show their own change.",
                )
            )
        )
    else:
        chart = charts.totals_chart(shown, highlight=highlight, indexed=view == "index", lang=lang())
    st.altair_chart(chart, key="totals_chart")
    if department_id is not None:
        st.caption(shown_years(totals_of, shown.get_column(s.FISCAL_YEAR).to_list()))
    columns = [
        pl.col(s.NAME).alias(t("col_name")),
        pl.col(s.FISCAL_YEAR).alias(t("col_year")),
        pl.col(s.SIDE).replace_strict({"income": t("income"), "expenditure": t("expenditure")}).alias(t("col_side")),
        analytics.wan_yuan(s.AMOUNT_YUAN).alias(t("col_amount")),
        # A total an identity of its table contradicts is marked beside it, with the identity that fails; one only
        # the narrative states, as such.
        *mark_columns(shown),
    ]
    st.dataframe(
        shown.select(columns),
        hide_index=True,
        column_config={**number_formats(money=("col_amount",), year=("col_year",)), **mark_config()},
        key="totals_table",
    )
    mark_captions(shown)

with st.expander(t("sources")):
    evidence = (
        dataset.lines.join(shown.select(s.DOC_ID, s.DEPARTMENT_ID).unique(), on=[s.DOC_ID, s.DEPARTMENT_ID])
        .filter(pl.col(s.CLASSIFICATION) == "total")
        .join(dataset.documents.select(s.DOC_ID, s.SOURCE_NAME), on=s.DOC_ID)
        .select(
            pl.col(s.SOURCE_NAME).alias(t("col_document")),
            # A PDF's figures have a page, a text's a line: the other is a dash, never “None”.
            pl.col(s.PAGE).cast(pl.String).fill_null(t("none")).alias(t("col_page")),
            pl.col(s.LINE).cast(pl.String).fill_null(t("none")).alias(t("col_line")),
            pl.col(s.SOURCE_TEXT).alias(t("col_source_text")),
        )
        .unique(maintain_order=True)
    )
    st.dataframe(
        evidence,
        hide_index=True,
        column_config={t(key): st.column_config.TextColumn(alignment="right") for key in ("col_page", "col_line")},
        key="evidence_table",
    )

st.subheader(t("flags_overview"))
flags = _data.triage().annotate(dataset.flags)
columns = st.columns(5)
for column, (severity, label) in zip(columns, severity_labels().items(), strict=False):
    column.metric(label, flags.filter(pl.col(s.SEVERITY) == severity).height)
columns[3].metric(t("undecided"), flags.filter(pl.col("status") == DEFAULT_STATUS).height)
# The readers' doubts are counted apart: a page to look at, not a finding about a document.
columns[4].metric(t("doubts_metric"), flags.filter(pl.col(s.SOURCE) == "reader").height, help=t("doubts_metric_help"))
st.page_link("app_pages/flags.py", label=t("to_flags"), icon=":material/flag:")

st.subheader(t("missing"))
missing = flags.filter(pl.col(s.FAMILY) == "completeness")
if missing.is_empty():
    st.success(t("nothing_missing"))
else:
    names = _data.department_names()
    message = s.MESSAGE_EN if english() else s.MESSAGE_ZH
    st.dataframe(
        missing.select(
            pl.col(s.DEPARTMENT_ID).replace_strict(names, default=pl.col(s.DEPARTMENT_ID)).alias(t("col_name")),
            pl.col(s.FISCAL_YEAR).alias(t("col_year")),
            pl.col(message).alias(t("col_message")),
        ).sort(t("col_name"), t("col_year")),
        hide_index=True,
        column_config=number_formats(year=("col_year",)),
        key="missing_table",
    )

st.subheader(t("score_title"))
st.caption(t("score_caption"))
scores = _data.disclosure_scores()
if scores.is_empty():
    st.info(t("score_none"))
else:
    catalog = _data.score_catalog()
    # Short names as column headers (the items' full names and what each measures are in the detail below).
    item_names = dict(catalog.select("item", "short_en" if english() else "short_zh").rows())
    scored_items = [item for item in item_names if item in scores.columns]
    scopes = {scope: t(f"scope_{scope}") for scope in s.SCOPES}
    rank_before, _, rank_after = t("rank_text").partition("{rank}")
    of_before, _, of_after = rank_after.partition("{of}")
    st.dataframe(
        scores.select(
            pl.col(s.REGION).fill_null(t("none")).alias(t("col_region")),
            pl.col(s.FISCAL_YEAR).alias(t("col_year")),
            pl.col(s.PHASE).replace_strict(phase_labels(), default=pl.col(s.PHASE)).alias(t("col_phase")),
            pl.col(s.SCOPE).replace_strict(scopes, default=pl.col(s.SCOPE)).alias(t("col_scope")),
            pl.concat_str(
                pl.lit(rank_before),
                pl.col("rank").cast(pl.String),
                pl.lit(of_before),
                pl.col("rank_of").cast(pl.String),
                pl.lit(of_after),
            ).alias(t("col_rank")),
            pl.col(s.NAME).alias(t("col_name")),
            pl.col("score").alias(t("col_score_total")),
            # An item the dataset cannot measure for a disclosure is a dash, never an empty cell or “None”.
            *(
                pl.col(item).round(1).cast(pl.String).fill_null(t("not_scored")).alias(item_names[item])
                for item in scored_items
            ),
        ),
        hide_index=True,
        column_config={
            **number_formats(percent=("col_score_total",), year=("col_year",)),
            **{item_names[item]: st.column_config.TextColumn(alignment="right") for item in scored_items},
        },
        key="score_table",
    )
    labels = {
        row["disclosure_id"]: f"{row[s.NAME]} · {row[s.FISCAL_YEAR]} · {phase_labels().get(row[s.PHASE], row[s.PHASE])}"
        f" · {scopes.get(row[s.SCOPE], row[s.SCOPE])}"
        for row in scores.select("disclosure_id", s.NAME, s.FISCAL_YEAR, s.PHASE, s.SCOPE).iter_rows(named=True)
    }
    picked = st.selectbox(
        t("pick_score_disclosure"), list(labels), format_func=labels.get, placeholder=t("choose_one"), key="score_pick"
    )
    items = _data.disclosure_score_items().filter(pl.col("disclosure_id") == picked)
    suffix = "en" if english() else "zh"
    st.dataframe(
        items.select(
            pl.col(f"dimension_{suffix}").alias(t("col_dimension")),
            pl.col(f"name_{suffix}").alias(t("col_item")),
            pl.col("points").round(2).cast(pl.String).fill_null(t("not_scored")).alias(t("col_points")),
            pl.col("max_points").round(0).cast(pl.Int64).alias(t("col_max_points")),
            pl.col(f"detail_{suffix}").alias(t("col_detail")),
        ),
        hide_index=True,
        column_config={t("col_points"): st.column_config.TextColumn(alignment="right")},
        key="score_items",
    )
