"""疑点: every flag of the checks, the anomaly models and the readers, filterable, with its evidence and the auditor's
triage. The readers' doubts (读数存疑, source ``reader``) are kept apart from the findings about the documents."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import polars as pl
import streamlit as st

import analytics
from analytics import schema as s
from analytics.checks import FAMILIES, rule_catalog
from analytics.labels import figure_labels
from analytics.triage import DEFAULT_STATUS, STATUSES, TriageError
from app_pages import _auth, _data
from app_pages._coverage import show_coverage
from app_pages._evidence import pick_source
from app_pages._i18n import english, lang, number_formats, pick, severity_labels, t, table_labels
from app_pages._inventory import show_inventory
from app_pages._markdown import escape_markdown
from app_pages._url import bound

st.title(t("flags_title"))
st.caption(t("flags_caption"))
if st.session_state.pop("triage_just_saved", False):
    st.success(t("triage_saved"))

dataset = _data.dataset_or_stop()
try:
    store = _data.triage()
except analytics.AnalyticsError as exc:
    st.error(str(exc))
    st.stop()
if dataset.flags.is_empty():
    st.success(t("no_flags_at_all"))
    # No finding is not every check passed: what could not be checked, and why.
    show_coverage(key="flags_coverage")
    st.stop()

names = _data.department_names()
flags = (
    store.annotate(dataset.flags)
    .with_columns(
        pl.col(s.DEPARTMENT_ID).replace_strict(names, default=pl.col(s.DEPARTMENT_ID)).alias("department_name")
    )
    # Most serious first, then by department and year (the store keeps flags in id order).
    .sort(
        s.severity_rank(),
        "department_name",
        s.FISCAL_YEAR,
        s.RULE_ID,
        nulls_last=True,
    )
)

severity_names = severity_labels()
family_labels = {key: pick(pair) for key, pair in FAMILIES.items()}
status_labels = {key: pick((key, en)) for key, en in STATUSES.items()}

#: Who raised a flag: the document's own findings (the checks and the models) or the readers' doubts.
SOURCES = {"all": None, "document": ("rule", "model"), "reader": ("reader",)}
source_labels = {key: t(f"source_{key}") for key in SOURCES}
origin = bound(
    st.radio, "source", t("filter_source"), list(SOURCES), format_func=source_labels.get, horizontal=True,
    key="flags_source",
)  # fmt: skip
left, middle, right = st.columns(3)
severities = bound(
    left.multiselect, "severity", t("filter_severity"), list(severity_names), default=list(severity_names),
    format_func=severity_names.get, key="flags_severity",
)  # fmt: skip
families = bound(
    middle.multiselect, "family", t("filter_family"), [f for f in FAMILIES if f in set(flags.get_column(s.FAMILY))],
    format_func=family_labels.get, key="flags_family", placeholder=t("all"),
)  # fmt: skip
statuses = bound(
    right.multiselect, "status", t("filter_status"), list(STATUSES), format_func=status_labels.get,
    key="flags_status", placeholder=t("all"),
)  # fmt: skip
left, right = st.columns(2)
department_options = sorted(set(flags.get_column("department_name").drop_nulls()))
department_ids = {name: department_id for department_id, name in names.items()}
department = bound(
    left.selectbox, "dept", t("pick_department"), [t("all_departments"), *department_options],
    encode=lambda name: department_ids.get(name, "all"), key="flags_department",
)  # fmt: skip
years = sorted(set(flags.get_column(s.FISCAL_YEAR).drop_nulls()))
chosen_years = bound(right.multiselect, "year", t("filter_year"), years, key="flags_year", placeholder=t("all"))
if department != t("all_departments") and department in department_ids:
    # The department's years and documents as every page counts them (its findings of every year among them).
    show_inventory(department_ids[department], figures=True)

shown = flags.filter(pl.col(s.SEVERITY).is_in(severities))
if SOURCES[origin] is not None:
    shown = shown.filter(pl.col(s.SOURCE).is_in(SOURCES[origin]))
if families:
    shown = shown.filter(pl.col(s.FAMILY).is_in(families))
if statuses:
    shown = shown.filter(pl.col("status").is_in(statuses))
if department != t("all_departments"):
    shown = shown.filter(pl.col("department_name") == department)
if chosen_years:
    shown = shown.filter(pl.col(s.FISCAL_YEAR).is_in(chosen_years))

columns = st.columns(4)
for column, (severity, label) in zip(columns, severity_names.items(), strict=False):
    column.metric(label, shown.filter(pl.col(s.SEVERITY) == severity).height)
columns[3].metric(t("undecided"), shown.filter(pl.col("status") == DEFAULT_STATUS).height)


def _coverage() -> None:
    """The checks that could not run on the disclosures the filters choose (department and years)."""
    chosen = None if department == t("all_departments") else _data.department_options().get(department)
    show_coverage(chosen, chosen_years, key="flags_coverage")


if shown.is_empty():
    st.info(t("no_flags_match"))
    _coverage()
    st.stop()

message = s.MESSAGE_EN if english() else s.MESSAGE_ZH
st.dataframe(
    shown.select(
        pl.col(s.SEVERITY).replace_strict(severity_names).alias(t("col_severity")),
        pl.col(s.FAMILY).replace_strict(family_labels, default=pl.col(s.FAMILY)).alias(t("col_family")),
        pl.col("department_name").alias(t("col_name")),
        pl.col(s.FISCAL_YEAR).alias(t("col_year")),
        pl.col(message).alias(t("col_message")),
        pl.col("status").replace_strict(status_labels).alias(t("col_status")),
    ),
    hide_index=True,
    column_config=number_formats(year=("col_year",)),
    key="flags_table",
)

st.subheader(t("flag_detail"))
# Labels must be unique: two detectors may flag the same subject, and the browser tells options apart by label.
rules = dict(rule_catalog().select("rule_id", "title_en" if english() else "title_zh").rows())
labels = {
    row[s.FLAG_ID]: f"{severity_names[row[s.SEVERITY]]} · {row[s.SUBJECT]} · "
    f"{rules.get(row[s.RULE_ID], row[s.RULE_ID])} · {row[s.FLAG_ID][:6]}"
    for row in shown.select(s.FLAG_ID, s.SEVERITY, s.RULE_ID, s.SUBJECT).iter_rows(named=True)
}
picked = bound(st.selectbox, "flag", t("pick_flag"), list(labels), format_func=labels.get, key="flags_pick")
flag = shown.filter(pl.col(s.FLAG_ID) == picked).row(0, named=True)
st.markdown(f"**{escape_markdown(flag[message])}**")
if flag[s.SOURCE] == "reader":
    st.info(t("reader_flag_note"))


def _figure(value: object, measure: str | None) -> str | None:
    """An observed / expected figure as a reader reads it: 万元 for money, a percent, a plain count."""
    if value is None:
        return None
    if measure == "yuan":
        return analytics.format_wan(value, lang=lang())  # type: ignore[arg-type]
    if measure == "percent":
        # Two decimals at most, as the finding's sentence prints it (0.5982 → 0.60%); exact in the stored flag.
        if hasattr(value, "quantize") and value.as_tuple().exponent < -2:
            return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}%"
        return f"{value.normalize():f}%" if hasattr(value, "normalize") else f"{value}%"
    return f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)


observed_label, expected_label = figure_labels(flag[s.RULE_ID], lang=lang())
facts = {
    t("col_family"): family_labels.get(flag[s.FAMILY], flag[s.FAMILY]),
    t("col_rule"): rules.get(flag[s.RULE_ID], flag[s.RULE_ID]),
    # Each figure named by what it is for this rule ("上年" for last year's value, never "应为").
    observed_label: _figure(flag[s.OBSERVED], flag[s.MEASURE]),
    expected_label: _figure(flag[s.EXPECTED], flag[s.MEASURE]),
    t("col_threshold"): _figure(flag[s.THRESHOLD], flag[s.MEASURE]),
    t("col_peer_group"): flag[s.PEER_GROUP],
    t("col_score"): None if flag[s.SCORE] is None else round(flag[s.SCORE], 2),
}
st.caption(" · ".join(f"{k}: {escape_markdown(v)}" for k, v in facts.items() if v is not None))
documents = dict(dataset.documents.select(s.DOC_ID, s.SOURCE_NAME).rows())
evidence = pl.DataFrame(flag[s.EVIDENCE] or [], schema=s.EVIDENCE_ITEM.to_schema())
st.dataframe(
    evidence.select(
        pl.col(s.DOC_ID).replace_strict(documents, default=pl.col(s.DOC_ID)).alias(t("col_document")),
        pl.col("table_or_part").replace_strict(table_labels(), default=pl.col("table_or_part")).alias(t("col_table")),
        # A text document has lines but no pages: a dash, never "None".
        pl.col(s.PAGE).cast(pl.String).fill_null(t("none")).alias(t("col_page")),
        pl.col(s.LINE).cast(pl.String).fill_null(t("none")).alias(t("col_line")),
        pl.col(s.SOURCE_TEXT).fill_null("").alias(t("col_source_text")),
    ),
    hide_index=True,
    key="flags_evidence",
)
# The page each evidence item was read from, its line highlighted (one select per finding: its own choice).
with st.container(border=True, key="flags_source_box"):
    st.markdown(f"**{t('source_page')}**")
    pick_source(evidence.to_dicts(), label=t("pick_evidence"), key=f"flags_evidence_pick_{picked}")

st.subheader(t("triage"))
# The author is who this session belongs to (the signed-in user, or the machine's user), never a field of the form.
who = _auth.identity()
if who is None or not who.can_triage:
    st.info(t("triage_viewer_only"))
else:
    with st.container(border=True, key="triage_box"):
        status = st.radio(
            t("col_status"), list(STATUSES), index=list(STATUSES).index(flag["status"]),
            format_func=status_labels.get, horizontal=True, key=f"triage_status_{picked}",
        )  # fmt: skip
        # Keys per flag: each flag shows its own decision, not the last one typed.
        note = st.text_area(t("triage_note"), value=flag["note"] or "", key=f"triage_note_{picked}")
        st.caption(t("triage_by").format(name=who.display_name))
        submitted = st.button(t("triage_save"), key="triage_save", type="primary")
    if submitted:
        try:
            store.record(picked, status, note=note, author=who.display_name)
        except TriageError as exc:
            st.error(str(exc))
        else:
            st.session_state["triage_just_saved"] = True
            st.rerun()
history = store.history(picked)
if not history.is_empty():
    st.dataframe(
        history.select(
            pl.col("at").dt.convert_time_zone("Asia/Shanghai").dt.strftime("%Y-%m-%d %H:%M").alias(t("col_time")),
            pl.col("status").replace_strict(status_labels).alias(t("col_status")),
            pl.col("note").alias(t("triage_note")),
            pl.col("author").alias(t("triage_author")),
        ),
        hide_index=True,
        key="triage_history",
    )

_coverage()

orphans = store.orphans(dataset.flags)
if not orphans.is_empty():
    with st.expander(t("orphans").format(n=orphans.height)):
        st.dataframe(orphans.drop("event_id"), hide_index=True, key="triage_orphans")
