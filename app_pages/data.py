"""数据: upload disclosures and ingest them, see what was read or why not and how far each disclosure's reading is
verified (读数报告); download the tables and the flags."""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl
import streamlit as st

import analytics
from analytics import pipeline
from analytics import schema as s
from analytics.ingest import MAX_FILE_BYTES
from analytics.store import dataset_path, writable_dataset_path
from app_pages import _auth, _data
from app_pages._i18n import english, phase_labels, t, table_labels
from app_pages._inventory import show_inventory
from app_pages._markdown import escape_markdown
from app_pages._uploads import stage_uploads

#: Largest file accepted, in bytes (the server refuses more than ``server.maxUploadSize`` anyway).
MAX_BYTES = MAX_FILE_BYTES  # the readers' own limit: an upload over it would be refused anyway
ACCEPTED = ["pdf", "txt", "xlsx"]

phases = phase_labels()
scopes = {scope: t(f"scope_{scope}") for scope in s.SCOPES}
tables = table_labels()
none = t("none")


def _share(column: str) -> pl.Expr:
    """A fraction as a percentage with one decimal, ``—`` when there is none (no table figures to verify)."""
    percent = (pl.col(column) * 100).round(1)
    return pl.when(pl.col(column).is_null()).then(pl.lit(none)).otherwise(percent.cast(pl.String) + "%")


def _tables(column: str) -> pl.Expr:
    """A list of table keys as their names, ``—`` when empty."""
    named = pl.col(column).list.eval(pl.element().replace_strict(tables, default=pl.element())).list.join("、")
    return pl.when(pl.col(column).list.len() > 0).then(named).otherwise(pl.lit(none))


def _text(column: str) -> pl.Expr:
    """A page or line number (or any value) as text, ``—`` when there is none."""
    return pl.col(column).cast(pl.String).fill_null(none)


st.title(t("data_title"))
st.caption(t("data_caption"))

# Only those who may record decisions change the dataset: a viewer reads it.
who = _auth.identity()
may_change = who is None or who.can_triage
st.subheader(t("upload"))
if not may_change:
    st.info(t("viewer_no_changes"))
files = (
    st.file_uploader(
        t("upload_label"), type=ACCEPTED, accept_multiple_files=True, key="data_upload", disabled=not may_change
    )
    or []
)
if st.button(t("ingest"), key="data_ingest", disabled=not (files and may_change), type="primary"):
    too_big = [f.name for f in files if f.size > MAX_BYTES]
    wrong = [f.name for f in files if Path(f.name).suffix.lower().lstrip(".") not in ACCEPTED]
    if too_big or wrong:
        for name in too_big:
            st.error(t("too_big").format(name=escape_markdown(name), limit=MAX_BYTES // (1024 * 1024)))
        for name in wrong:
            st.error(t("wrong_type").format(name=escape_markdown(name), types=", ".join(ACCEPTED)))
        st.warning(t("dataset_unchanged"))
    else:
        bar = st.progress(0.0, text=t("reading"))
        with tempfile.TemporaryDirectory() as folder:
            # A folder per file: two uploads with one name must not overwrite each other.
            staged = stage_uploads([(upload.name, upload.getvalue()) for upload in files], Path(folder))
            paths = staged.paths
            original = dict(zip(paths, staged.names, strict=True))
            done: list[Path] = []

            def step(path: Path) -> None:
                done.append(path)
                bar.progress(len(done) / len(paths), text=f"{t('reading')} {original[path]}")

            try:
                outcome = pipeline.ingest_files(
                    paths, writable_dataset_path(), progress=step, workers=1, names=staged.names
                )
            except analytics.AnalyticsError as exc:
                outcome = None
                st.error(escape_markdown(exc))
                st.warning(t("dataset_unchanged"))
            except Exception as exc:
                outcome = None
                st.error(t("unexpected").format(error=escape_markdown(f"{type(exc).__name__}: {exc}")))
                st.warning(t("dataset_unchanged"))
        bar.empty()
        if outcome is not None and outcome.errors:
            for error in outcome.errors:
                st.error(escape_markdown(error))
            st.warning(t("dataset_unchanged"))
        elif outcome is not None and outcome.stored is not None:
            st.success(t("ingested").format(n=len(outcome.read), documents=outcome.stored.documents.height))
            comma = ", " if english() else "、"
            if staged.duplicates:
                st.info(t("duplicate_uploads").format(names=escape_markdown(comma.join(staged.duplicates))))
            if staged.shared_names:
                st.info(t("shared_name_uploads").format(names=escape_markdown(comma.join(staged.shared_names))))
            # The summary names each file as uploaded, not by its temporary (perhaps shortened) path.
            read = [(Path(original.get(path, path.name)), ds) for path, ds in outcome.read]
            summary = pipeline.read_summary(read, outcome.stored)
            st.dataframe(
                summary.select(
                    pl.col("file").alias(t("col_document")),
                    pl.col("department").alias(t("col_department")),
                    pl.col("year").alias(t("col_year")),
                    pl.col("phase").replace_strict(phases, default=pl.col("phase")).alias(t("col_phase")),
                    pl.col(s.SCOPE).replace_strict(scopes, default=pl.col(s.SCOPE)).alias(t("col_scope")),
                    pl.col("tables_expected").alias(t("col_tables_expected")),
                    pl.col("tables_found").alias(t("col_tables_found")),
                    pl.col(s.LINES).alias(t("col_figures")),
                    pl.col(s.STATEMENTS).alias(t("col_statements")),
                    _share("share_verified").alias(t("col_share_verified")),
                    pl.col(s.READING_FINDINGS).alias(t("col_reading_findings")),
                ),
                hide_index=True,
                column_config={t("col_year"): st.column_config.NumberColumn(format="%d")},
                key="data_summary",
            )

dataset = _data.dataset_or_stop()
names = _data.department_names()

st.subheader(t("reading_report"))
st.caption(t("reading_caption"))
report = _data.reading_report()
everyone = t("all_departments")
reported = sorted({names.get(d, d) for d in report.get_column(s.DEPARTMENT_ID).to_list()})
chosen = st.selectbox(t("pick_department"), [everyone, *reported], key="reading_department")
department_name = pl.col(s.DEPARTMENT_ID).replace_strict(names, default=pl.col(s.DEPARTMENT_ID))
if chosen != everyone:
    report = report.filter(department_name == chosen)
    # One row per disclosure below; the department's years and documents as every page counts them.
    show_inventory(next(i for i, n in names.items() if n == chosen), figures=True)
if report.is_empty():
    st.info(t("no_reading_report"))
else:
    st.dataframe(
        report.select(
            department_name.alias(t("col_department")),
            pl.col(s.FISCAL_YEAR).alias(t("col_year")),
            pl.col(s.PHASE).replace_strict(phases, default=pl.col(s.PHASE)).alias(t("col_phase")),
            pl.col(s.SCOPE).replace_strict(scopes, default=pl.col(s.SCOPE)).alias(t("col_scope")),
            # The counts first, the lists of tables and files (long) last.
            pl.col("tables_expected").alias(t("col_tables_expected")),
            pl.col("tables_found").alias(t("col_tables_found")),
            _share("share_verified").alias(t("col_share_verified")),
            pl.col(s.READING_FINDINGS).alias(t("col_reading_findings")),
            pl.col("figures_contradicted").alias(t("col_contradicted")),
            pl.col("figures").alias(t("col_figures")),
            _tables("tables_missing").alias(t("col_tables_missing")),
            _tables("tables_unreadable").alias(t("col_tables_unreadable")),
            pl.col("sources").list.join("、").alias(t("col_document")),
        ),
        hide_index=True,
        column_config={
            t("col_year"): st.column_config.NumberColumn(format="%d", width="small"),
            **{
                t(key): st.column_config.NumberColumn(width="small")
                for key in ("col_tables_expected", "col_tables_found", "col_contradicted", "col_reading_findings")
            },
            t("col_tables_missing"): st.column_config.TextColumn(width="medium"),
            t("col_tables_unreadable"): st.column_config.TextColumn(width="medium"),
        },
        key="reading_report",
    )
    if chosen != everyone:
        # One department: its missing and unreadable tables in full (the table cuts long lists).
        colon, comma = (": ", ", ") if english() else ("：", "、")
        for row in report.iter_rows(named=True):
            parts = [
                f"{t(label)}{colon}{comma.join(tables.get(k, k) for k in row[column])}"
                for column, label in (
                    ("tables_missing", "col_tables_missing"),
                    ("tables_unreadable", "col_tables_unreadable"),
                )
                if row[column]
            ]
            if parts:
                phase, scope = phases.get(row[s.PHASE], row[s.PHASE]), scopes.get(row[s.SCOPE], row[s.SCOPE])
                st.caption(f"{row[s.FISCAL_YEAR]} {phase} · {scope} · {'; '.join(parts)}")

st.markdown(f"**{t('reading_findings')}**")
findings = _data.reading_findings()
if chosen != everyone:
    findings = findings.filter(department_name == chosen)
if findings.is_empty():
    st.success(t("no_reading_findings"))
else:
    kinds = {kind: t(f"kind_{kind}") for kind in s.READING_KINDS}
    st.dataframe(
        findings.select(
            department_name.alias(t("col_department")),
            pl.col(s.FISCAL_YEAR).alias(t("col_year")),
            pl.col(s.PHASE).replace_strict(phases, default=pl.col(s.PHASE)).alias(t("col_phase")),
            _text(s.PAGE).alias(t("col_page")),
            pl.col(s.MESSAGE_EN if english() else s.MESSAGE_ZH).alias(t("col_message")),
            pl.col(s.KIND).replace_strict(kinds, default=pl.col(s.KIND)).alias(t("col_kind")),
            pl.col(s.TABLE).replace_strict(tables, default=pl.col(s.TABLE)).fill_null(none).alias(t("col_table")),
            _text(s.LINE).alias(t("col_line")),
            pl.col(s.SOURCE_NAME).alias(t("col_document")),
            pl.col(s.SOURCE_TEXT).fill_null(none).alias(t("col_source_text")),
        ),
        hide_index=True,
        column_config={
            t("col_year"): st.column_config.NumberColumn(format="%d", width="small"),
            t("col_page"): st.column_config.TextColumn(width="small"),
            t("col_line"): st.column_config.TextColumn(width="small"),
            t("col_message"): st.column_config.TextColumn(width="large"),
        },
        key="reading_findings",
    )

st.subheader(t("download"))
formats = {
    "xlsx": t("format_xlsx"),
    "csv": "CSV (.zip)",
    "parquet": "Parquet (.zip)",
    "fdp": t("format_fdp"),
}
scope = st.selectbox(t("export_scope"), [everyone, *sorted(names.values())], key="data_department")
department_id = None if scope == everyone else next(i for i, n in names.items() if n == scope)
fmt = st.radio(t("format"), list(formats), format_func=formats.get, horizontal=True, key="data_format")
stem = "budget-dataset" if department_id is None else f"budget-{scope}"
suffix = {"xlsx": "xlsx", "csv": "csv.zip", "parquet": "parquet.zip", "fdp": "fiscal-data-package.zip"}[fmt]
left, right = st.columns(2)
left.download_button(
    t("download_tables"),
    # Built when asked for: the workbook and the package take a moment on a large dataset.
    data=lambda: _data.export_bytes("tables", fmt, department_id),
    file_name=f"{stem}.{suffix}",
    key="download_tables",
)
if fmt != "fdp":  # a Fiscal Data Package holds budget lines only
    right.download_button(
        t("download_flags"),
        data=lambda: _data.export_bytes("flags", fmt, department_id),
        file_name=f"flags.{fmt}",
        key="download_flags",
    )
st.caption(t("export_note"))

st.subheader(t("remove_title"))
st.caption(t("remove_caption"))
if "remove_done" in st.session_state:
    st.success(st.session_state.pop("remove_done"))
held = dataset.documents.sort(s.SOURCE_NAME)
labels = {
    row[
        s.DOC_ID
    ]: f"{row[s.SOURCE_NAME]}（{names.get(row[s.DEPARTMENT_ID], row[s.DEPARTMENT_ID])} {row[s.FISCAL_YEAR]}）"
    if not english()
    else f"{row[s.SOURCE_NAME]} ({names.get(row[s.DEPARTMENT_ID], row[s.DEPARTMENT_ID])} {row[s.FISCAL_YEAR]})"
    for row in held.iter_rows(named=True)
}
doomed = st.multiselect(
    t("remove_pick"),
    list(labels),
    format_func=labels.__getitem__,
    key="remove_documents",
    placeholder=t("remove_placeholder"),
    disabled=not may_change,
)
confirm = t("remove_confirm").format(n=len(doomed)) if doomed else t("remove_confirm_none")
sure = st.checkbox(confirm, key="remove_sure", disabled=not doomed)
if st.button(t("remove_button"), key="remove_go", disabled=not (doomed and sure and may_change)):
    try:
        stored, removed = pipeline.remove_files(doomed, writable_dataset_path())
    except analytics.AnalyticsError as exc:
        st.error(escape_markdown(exc))
        st.warning(t("dataset_unchanged"))
    else:
        for key in ("remove_documents", "remove_sure"):
            st.session_state.pop(key, None)
        st.session_state["remove_done"] = t("removed").format(n=len(removed), documents=stored.documents.height)
        st.rerun()
st.caption(t("dataset_where").format(path=dataset_path(), documents=dataset.documents.height))
