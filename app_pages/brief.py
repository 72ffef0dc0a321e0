"""简报: the hearing brief of one department and year, shown in the page and downloaded as PDF or HTML."""

from __future__ import annotations

import polars as pl
import streamlit as st

from analytics import inventory
from analytics import schema as s
from analytics.report.brief import PEER_GROUPINGS
from app_pages import _data
from app_pages._i18n import lang, t
from app_pages._inventory import show_inventory
from app_pages._url import bound

st.title(t("brief_title"))
st.caption(t("brief_caption"))

_data.dataset_or_stop()
options = _data.department_options()
name = bound(st.selectbox, "dept", t("pick_department"), list(options), encode=options.get, key="brief_department")
department_id = options[name]
# The years it has documents for, and each year's phases, as every page counts them (analytics.inventory).
documented = (
    _data.department_years()
    .filter((pl.col(s.DEPARTMENT_ID) == department_id) & (pl.col(inventory.DOCUMENTS) > 0))
    .sort(s.FISCAL_YEAR, descending=True)
)
show_inventory(department_id)
years = documented.get_column(s.FISCAL_YEAR).to_list()
year = bound(st.selectbox, "year", t("brief_year"), years, key="brief_year")
counts = documented.filter(pl.col(s.FISCAL_YEAR) == year).row(0, named=True)
phases = [p for p in s.PHASES if counts[inventory.PHASE_DOCUMENTS[p]]] or ["budget"]
# A year with both a budget and a final account: choose which one the brief is about.
phase = (
    bound(
        st.radio,
        "phase",
        t("brief_phase"),
        phases,
        format_func={p: t(f"phase_{p}") for p in phases}.get,
        horizontal=True,
        key="brief_phase",
    )
    if len(phases) > 1
    else phases[0]
)

peer_by = bound(
    st.radio,
    "peers",
    t("pick_peer_basis"),
    list(PEER_GROUPINGS),
    # Labels fixed when the page runs (a lambda calling t() later would read another run's language).
    format_func={b: t(f"peer_{b}") for b in PEER_GROUPINGS}.get,
    horizontal=True,
    key="brief_peer_basis",
)

language = lang()
html = _data.brief_bytes(department_id, year, phase, peer_by, language, "html")
left, right = st.columns(2)
left.download_button(
    t("download_brief_pdf"),
    # Printed only when asked for: PDF rendering takes about a second.
    data=lambda: _data.brief_bytes(department_id, year, phase, peer_by, language, "pdf"),
    file_name=_data.brief_file_name(department_id, year, "pdf", phase),
    mime="application/pdf",
    key="download_brief_pdf",
    icon=":material/print:",
)
right.download_button(
    t("download_brief_html"),
    data=html,
    file_name=_data.brief_file_name(department_id, year, "html", phase),
    mime="text/html",
    key="download_brief_html",
)
st.caption(t("brief_batch"))
# In its own frame: the brief's print styles stay out of the app's page. The page is ours, with every text that
# came from a document escaped (analytics.report.brief renders with autoescape) and no script.
st.iframe(html.decode("utf-8"), height=1400)
