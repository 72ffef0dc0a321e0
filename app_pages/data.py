"""数据: upload disclosures and ingest them, see what was read or why not; download the tables and the flags."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

import analytics
from analytics import pipeline
from analytics.store import dataset_path
from app_pages import _data
from app_pages._i18n import t

#: Largest file accepted, in bytes (the server refuses more than ``server.maxUploadSize`` anyway).
MAX_BYTES = 50 * 1024 * 1024
ACCEPTED = ["pdf", "txt", "xlsx"]

st.title(t("data_title"))
st.caption(t("data_caption"))

st.subheader(t("upload"))
files = st.file_uploader(t("upload_label"), type=ACCEPTED, accept_multiple_files=True, key="data_upload") or []
if st.button(t("ingest"), key="data_ingest", disabled=not files, type="primary"):
    too_big = [f.name for f in files if f.size > MAX_BYTES]
    wrong = [f.name for f in files if Path(f.name).suffix.lower().lstrip(".") not in ACCEPTED]
    if too_big or wrong:
        for name in too_big:
            st.error(t("too_big").format(name=name, limit=MAX_BYTES // (1024 * 1024)))
        for name in wrong:
            st.error(t("wrong_type").format(name=name, types=", ".join(ACCEPTED)))
        st.warning(t("dataset_unchanged"))
    else:
        bar = st.progress(0.0, text=t("reading"))
        with tempfile.TemporaryDirectory() as folder:
            paths = []
            for upload in files:
                path = Path(folder) / Path(upload.name).name
                path.write_bytes(upload.getvalue())
                paths.append(path)
            done: list[Path] = []

            def step(path: Path) -> None:
                done.append(path)
                bar.progress(len(done) / len(paths), text=f"{t('reading')} {path.name}")

            try:
                outcome = pipeline.ingest_files(paths, dataset_path(), progress=step, workers=1)
            except analytics.AnalyticsError as exc:
                outcome = None
                st.error(str(exc))
                st.warning(t("dataset_unchanged"))
            except Exception as exc:
                outcome = None
                st.error(t("unexpected").format(error=f"{type(exc).__name__}: {exc}"))
                st.warning(t("dataset_unchanged"))
        bar.empty()
        if outcome is not None and outcome.errors:
            for error in outcome.errors:
                st.error(str(error))
            st.warning(t("dataset_unchanged"))
        elif outcome is not None and outcome.stored is not None:
            st.success(t("ingested").format(n=len(outcome.read), documents=outcome.stored.documents.height))
            st.dataframe(pipeline.read_summary(outcome.read), hide_index=True, key="data_summary")

st.subheader(t("download"))
dataset = _data.dataset_or_stop()
formats = {
    "xlsx": t("format_xlsx"),
    "csv": "CSV (.zip)",
    "parquet": "Parquet (.zip)",
    "fdp": t("format_fdp"),
}
everyone = t("all_departments")
names = _data.department_names()
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
st.caption(t("dataset_where").format(path=dataset_path(), documents=dataset.documents.height))
