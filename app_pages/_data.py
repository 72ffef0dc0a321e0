"""Every ``st.cache_*`` wrapper of the app: pages call these, never ``analytics`` loaders directly.

Cached functions take the dataset's location and version (a hash of its manifest), so that a dataset changed on
disk (an ingest from the CLI, another session's upload) is reloaded, and a cache never serves a stale one.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

import analytics
from analytics import auth, compare, export, inventory
from analytics import schema as s
from analytics.compare import _columns as c
from analytics.store import dataset_path, dataset_version
from analytics.triage import TriageStore, default_triage_path, open_triage
from app_pages._i18n import t


def current() -> tuple[str, str]:
    """The dataset's location and version, the cache key of everything below."""
    path = dataset_path()
    return str(path), dataset_version(path)


@st.cache_resource(show_spinner=False, max_entries=4)
def _load(path: str, version: str) -> analytics.Dataset:
    return analytics.open_dataset(path)


def load_dataset() -> analytics.Dataset:
    """The current dataset (collected frames), loaded once per location and version."""
    return _load(*current())


@st.cache_data(show_spinner=False, max_entries=16)
def _measures(path: str, version: str, phase: str = "budget") -> pl.DataFrame:
    return compare.measures(_load(path, version), phase=phase)


@st.cache_data(show_spinner=False, max_entries=16)
def _totals(path: str, version: str, phase: str) -> pl.DataFrame:
    return inventory.phase_totals(_load(path, version), phase, measured=_measures(path, version, phase))


def totals(phase: str = "budget") -> pl.DataFrame:
    """Income and expenditure totals of one phase by department and year: the trends' ``income_total`` and
    ``expenditure_total`` (``analytics.inventory.phase_totals``)."""
    return _totals(*current(), phase)


@st.cache_data(show_spinner=False, max_entries=16)
def _department_years(path: str, version: str) -> pl.DataFrame:
    measured = {phase: _measures(path, version, phase) for phase in s.PHASES}
    return inventory.department_years(_load(path, version), measured=measured)


def department_years() -> pl.DataFrame:
    """Per department and year: documents by phase, figures, flags, whether its totals were read
    (``analytics.inventory.department_years``): what every page counts a department's years by."""
    return _department_years(*current())


@st.cache_data(show_spinner=False, max_entries=16)
def _department_inventory(path: str, version: str) -> pl.DataFrame:
    return inventory.department_inventory(_load(path, version), years=_department_years(path, version))


def department_inventory() -> pl.DataFrame:
    """Per department: its years with documents by phase, documents, figures, flags and years of totals
    (``analytics.inventory.department_inventory``)."""
    return _department_inventory(*current())


@st.cache_data(show_spinner=False, max_entries=16)
def _trends(path: str, version: str, phase: str = "budget") -> pl.DataFrame:
    return compare.trends(_measures(path, version, phase))


def trends(phase: str = "budget") -> pl.DataFrame:
    """Every measure of every department by year (of its budgets, or of its final accounts' 决算数), with changes,
    index and CAGR, where each figure was stated and how far its reading is confirmed."""
    return _trends(*current(), phase)


@st.cache_data(show_spinner=False, max_entries=32)
def _structure(path: str, version: str, dimension: str, phase: str) -> pl.DataFrame:
    return compare.structure(_load(path, version), dimension, phase=phase)  # type: ignore[arg-type]


def structure(dimension: str, phase: str = "budget") -> pl.DataFrame:
    """Shares of each component by department and year (of its budgets, or of its final accounts)."""
    return _structure(*current(), dimension, phase)


@st.cache_data(show_spinner=False, max_entries=16)
def _target_history(path: str, version: str) -> pl.DataFrame:
    return compare.target_history(_load(path, version))


def target_history() -> pl.DataFrame:
    """Every indicator with the earlier years' targets and whether it changed."""
    return _target_history(*current())


@st.cache_data(show_spinner=False, max_entries=16)
def _per_staff(path: str, version: str) -> pl.DataFrame:
    return compare.per_staff(_load(path, version))


def per_staff() -> pl.DataFrame:
    """Measures per 编制 and per 实有人数."""
    return _per_staff(*current())


@st.cache_data(show_spinner=False, max_entries=32)
def _peers(path: str, version: str, by: str, measure: str) -> pl.DataFrame:
    values = _measures(path, version).filter(pl.col(c.MEASURE) == measure)
    values = values.with_columns(pl.col(s.AMOUNT_YUAN).cast(pl.Float64).alias(c.VALUE))
    return compare.peer_stats(values, compare.peer_groups(_load(path, version), by))  # type: ignore[arg-type]


def peers(by: str, measure: str) -> pl.DataFrame:
    """Rank, percentile, median and IQR of a measure among peers."""
    return _peers(*current(), by, measure)


@st.cache_data(show_spinner=False, max_entries=16)
def _reading_report(path: str, version: str) -> pl.DataFrame:
    from analytics.reading import reading_report as report

    return report(_load(path, version))


def reading_report() -> pl.DataFrame:
    """One row per disclosure: tables required, read, missing and unreadable, figures verified, reading doubts."""
    return _reading_report(*current())


@st.cache_data(show_spinner=False, max_entries=16)
def _reading_findings(path: str, version: str) -> pl.DataFrame:
    ds = _load(path, version)
    documents = ds.documents.select(s.DOC_ID, s.SOURCE_NAME, s.DEPARTMENT_ID, s.FISCAL_YEAR, s.PHASE, s.SCOPE)
    return ds.reading_findings.join(documents, on=s.DOC_ID, how="left").sort(
        s.DEPARTMENT_ID, s.FISCAL_YEAR, s.PHASE, s.SOURCE_NAME, s.PAGE, s.LINE, s.SEQ, nulls_last=True
    )


def reading_findings() -> pl.DataFrame:
    """Every reading finding with its document's department, year, phase, scope and file name."""
    return _reading_findings(*current())


@st.cache_resource(show_spinner=False, max_entries=4)
def _triage(path: str) -> TriageStore:
    return open_triage(path)


def triage() -> TriageStore:
    """The triage database (``$ANALYTICS_TRIAGE`` or the user's data directory), opened once per path."""
    return _triage(str(default_triage_path()))


def department_names() -> dict[str, str]:
    """Department id → its latest name."""
    departments = load_dataset().departments.sort(s.FISCAL_YEAR)
    return dict(departments.select(s.DEPARTMENT_ID, s.NAME).rows())


def department_options() -> dict[str, str]:
    """Latest department name → id, by name: the options of a department picker."""
    latest = load_dataset().departments.sort(s.FISCAL_YEAR).unique(s.DEPARTMENT_ID, keep="last").sort(s.NAME)
    return dict(latest.select(s.NAME, s.DEPARTMENT_ID).rows())


def longest_series() -> list[str]:
    """Names of the departments with figures, longest series of years first (then by name): default picks."""
    years = trends().group_by(s.NAME).agg(pl.col(s.FISCAL_YEAR).n_unique().alias("_years"))
    return years.sort(["_years", s.NAME], descending=[True, False]).get_column(s.NAME).to_list()


@st.cache_data(show_spinner=False, max_entries=8)
def _export(path: str, version: str, decisions: int, *, what: str, fmt: str, department_id: str | None) -> bytes:
    from analytics.report import datapackage, excel

    del decisions  # part of the cache key only: the workbook carries the triage state
    ds = _load(path, version)
    if fmt == "fdp":
        return datapackage.data_package_bytes(ds, department_id=department_id)
    if fmt == "xlsx" and what == "tables":
        return excel.workbook_bytes(ds, department_id=department_id, triage=triage())
    ds = ds if department_id is None else ds.for_department(department_id)
    if what == "flags":
        return export.to_bytes(triage().annotate(ds.flags), fmt, sheet="flags")
    return export.dataset_bytes(ds.tables, fmt)


def export_bytes(what: str, fmt: str, department_id: str | None = None) -> bytes:
    """The flags (``what="flags"``) or every table (``"tables"``) of the current dataset, or of one department, as a
    ``fmt`` file (``fdp``: a Fiscal Data Package zip; ``xlsx`` tables: the auditors' workbook with triage state)."""
    decisions = triage().history().height
    return _export(*current(), decisions, what=what, fmt=fmt, department_id=department_id)


@st.cache_data(show_spinner=False, max_entries=32)
def _brief(  # noqa: PLR0917 - the cache key
    path: str,
    version: str,
    decisions: int,
    department_id: str,
    year: int,
    phase: str,
    peer_by: str,
    lang: str,
    fmt: str,
) -> bytes:
    from analytics.report import brief

    del decisions  # part of the cache key only: a new triage decision changes the questions
    made = brief.build_brief(_load(path, version), department_id, year, phase=phase, peer_by=peer_by, triage=triage())
    return brief.render_pdf(made, lang=lang) if fmt == "pdf" else brief.render_html(made, lang=lang).encode("utf-8")


def brief_bytes(department_id: str, year: int, phase: str, peer_by: str, lang: str, fmt: str) -> bytes:  # noqa: PLR0917
    """The hearing brief of a department-year-phase, peers grouped by ``peer_by``, as ``pdf`` or ``html`` bytes
    (rebuilt after a triage decision)."""
    return _brief(*current(), triage().history().height, department_id, year, phase, peer_by, lang, fmt)


def brief_file_name(department_id: str, year: int, fmt: str, phase: str) -> str:
    """The download name of a brief: ``<year>_<department name>.<fmt>`` (``_决算`` for a final account's)."""
    from analytics.report.brief import brief_file_name as name

    return name(department_names().get(department_id, department_id), year, fmt, phase)


#: Pixels of a row of ``st.dataframe`` (and of its header), and the most rows a table shows before it scrolls.
_ROW_PIXELS = 35
_MAX_ROWS = 20


def table_height(rows: int) -> int:
    """The height of a ``st.dataframe`` that shows ``rows`` rows whole (up to ``_MAX_ROWS``, then it scrolls)."""
    return (min(rows, _MAX_ROWS) + 1) * _ROW_PIXELS + 3


def dataset_or_stop() -> analytics.Dataset:
    """The current dataset, or the page stops with a clear message: unreadable (the error) or empty (what to do)."""
    try:
        dataset = load_dataset()
    except analytics.AnalyticsError as exc:
        st.error(f"{t('dataset_error')}{exc}")
        st.stop()
    if dataset.documents.is_empty():
        st.info(t("no_dataset"))
        st.stop()
    return dataset


@st.cache_data(show_spinner=False, max_entries=16)
def _coverage(path: str, version: str) -> pl.DataFrame:
    from analytics.coverage import coverage as ledger

    return ledger(_load(path, version))


def coverage() -> pl.DataFrame:
    """The coverage ledger: per disclosure and check, whether it ran and, if not, why."""
    return _coverage(*current())


@st.cache_data(show_spinner=False, max_entries=16)
def _disclosure_scores(path: str, version: str) -> pl.DataFrame:
    from analytics.score import disclosure_scores as scores

    return scores(_load(path, version))


def disclosure_scores() -> pl.DataFrame:
    """The disclosure score of every disclosure, with each item's points and the rank in its region and year."""
    return _disclosure_scores(*current())


@st.cache_data(show_spinner=False, max_entries=16)
def _disclosure_score_items(path: str, version: str) -> pl.DataFrame:
    from analytics.score import disclosure_score_items as items

    return items(_load(path, version))


def disclosure_score_items() -> pl.DataFrame:
    """Each disclosure's points on each item of the score, with what was measured."""
    return _disclosure_score_items(*current())


def score_catalog() -> pl.DataFrame:
    """The items of the disclosure score: dimension, name, points and source."""
    from analytics.score import score_catalog as catalog

    return catalog()


@st.cache_data(show_spinner=False, max_entries=16)
def _execution_by_line(path: str, version: str) -> pl.DataFrame:
    return compare.execution_by_line(_load(path, version))


def execution_by_line() -> pl.DataFrame:
    """Every 科目 of every final account against its 年初预算 (``analytics.compare.execution_by_line``)."""
    return _execution_by_line(*current())


@st.cache_data(show_spinner=False, max_entries=4)
def _users(path: str, version: int) -> dict[str, auth.User]:
    del version  # part of the cache key only: an edited users file is read again
    return auth.load_users(path)


def users() -> dict[str, auth.User] | None:
    """The users of ``$ANALYTICS_USERS`` (read again when the file changes), or ``None`` when it is not set."""
    path = auth.default_users_path()
    if path is None:
        return None
    try:
        version = path.stat().st_mtime_ns
    except OSError:
        version = -1  # missing: load_users says so (errors are never cached)
    return _users(str(path), version)


@st.cache_data(show_spinner=False, max_entries=32)
def _source_of(path: str, version: str, doc_id: str) -> tuple[str, str]:
    from analytics.evidence import find_source

    ds = _load(path, version)
    sha = ds.documents.filter(pl.col(s.DOC_ID) == doc_id).get_column(s.SOURCE_SHA256).first()
    return str(find_source(ds, doc_id)), str(sha)


@st.cache_data(show_spinner=False, max_entries=64)
def _page_image(sha: str, source: str, page: int, line: int | None, text: str | None) -> analytics.evidence.PageImage:
    from analytics.evidence import render_page

    return render_page(source, page, line=line, source_text=text)


def page_image(doc_id: str, page: int, line: int | None, text: str | None) -> analytics.evidence.PageImage:
    """The page of a PDF document with the cited line highlighted (``analytics.evidence.PageImage``), rendered
    once per file, page and citation (cached by the file's hash, so a re-ingest of other documents keeps it).
    Raises ``SourceMissingError`` when the file is not at hand."""
    source, sha = _source_of(*current(), doc_id)
    return _page_image(sha, source, page, line, text)


@st.cache_data(show_spinner=False, max_entries=64)
def _text_context(
    path: str, version: str, doc_id: str, where: tuple[int | None, int], text: str | None
) -> pl.DataFrame:
    page, line = where
    from analytics.evidence import text_context as context

    return context(_load(path, version), doc_id, page, line, source_text=text)


def text_context(doc_id: str, page: int | None, line: int, text: str | None) -> pl.DataFrame:
    """The lines of a document around a cited one, the cited ones marked (``analytics.evidence.text_context``)."""
    return _text_context(*current(), doc_id, (page, line), text)


@st.cache_data(show_spinner=False, max_entries=32)
def _figure_sources(path: str, version: str, doc_id: str, amount: object, year: int | None) -> pl.DataFrame:
    from analytics.evidence import figure_sources as sources

    return sources(_load(path, version), doc_id, amount, fiscal_year=year)


def figure_sources(doc_id: str, amount: object, year: int | None) -> pl.DataFrame:
    """Where a document prints an amount: its table lines, then its sentences (``analytics.evidence``)."""
    return _figure_sources(*current(), doc_id, amount, year)


@st.cache_data(show_spinner=False, max_entries=16)
def _drilldown_years(path: str, version: str, classification: str, phase: str) -> pl.DataFrame:
    from analytics.compare._drilldown import drilldown_years as years

    return years(_load(path, version), classification=classification, phase=phase)


def drilldown_years(classification: str, phase: str) -> pl.DataFrame:
    """``department_id, fiscal_year``: the department-years with 类 figures of a classification and phase."""
    return _drilldown_years(*current(), classification, phase)


@st.cache_data(show_spinner=False, max_entries=128)
def _drilldown(  # noqa: PLR0917 - the cache key
    path: str, version: str, department_id: str, classification: str, phase: str, year: int, parent: str | None
) -> pl.DataFrame:
    return compare.drilldown(
        _load(path, version),
        department_id,
        classification=classification,  # type: ignore[arg-type]
        phase=phase,
        year=year,
        parent=parent,
    )


def drilldown(department_id: str, classification: str, phase: str, year: int, parent: str | None) -> pl.DataFrame:
    """The 科目 below ``parent`` (the 类 when None) of a department-year, with the year before and the identities."""
    return _drilldown(*current(), department_id, classification, phase, year, parent)


@st.cache_data(show_spinner=False, max_entries=32)
def _search(path: str, version: str, query: str, kinds: tuple[str, ...], limit: int) -> pl.DataFrame:
    return analytics.search(_load(path, version), query, kinds=kinds, limit=limit)


def search(query: str, kinds: tuple[str, ...], limit: int) -> pl.DataFrame:
    """The rows of the current dataset that hold every word of ``query`` (of ``kinds``), at most ``limit``."""
    return _search(*current(), query, kinds, limit)
