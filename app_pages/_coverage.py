"""The coverage ledger as the 疑点 and 部门画像 pages show it: the checks that could not run, with the reason."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
import streamlit as st

from analytics import schema as s
from analytics.coverage import NOT_RUN
from app_pages import _data
from app_pages._i18n import english, number_formats, phase_labels, t


def show_coverage(department_id: str | None = None, years: Sequence[int] = (), *, key: str) -> None:
    """A subheader, then the checks that did not run on the disclosures of ``department_id`` (every department
    when ``None``) and ``years`` (every year when empty), each with its reason; an empty state when all ran."""
    st.subheader(t("coverage_title"))
    ledger = _data.coverage()
    if department_id is not None:
        ledger = ledger.filter(pl.col(s.DEPARTMENT_ID) == department_id)
    if years:
        ledger = ledger.filter(pl.col(s.FISCAL_YEAR).is_in(list(years)))
    if ledger.is_empty():
        st.info(t("coverage_empty"))
        return
    missing = ledger.filter(pl.col(s.STATUS) == NOT_RUN)
    counts = t("coverage_summary").format(ran=ledger.height - missing.height, not_run=missing.height)
    st.caption(f"{t('coverage_caption')}{' ' if english() else ''}{counts}")
    if missing.is_empty():
        st.success(t("coverage_none"))
        return
    names = _data.department_names()
    scopes = {scope: t(f"scope_{scope}") for scope in s.SCOPES}
    title, reason = ("title_en", "reason_en") if english() else ("title_zh", "reason_zh")
    st.dataframe(
        missing.select(
            pl.col(s.DEPARTMENT_ID).replace_strict(names, default=pl.col(s.DEPARTMENT)).alias(t("col_name")),
            pl.col(s.FISCAL_YEAR).alias(t("col_year")),
            pl.col(s.PHASE).replace_strict(phase_labels(), default=pl.col(s.PHASE)).alias(t("col_phase")),
            pl.col(s.SCOPE).replace_strict(scopes, default=pl.col(s.SCOPE)).alias(t("col_scope")),
            pl.col(title).alias(t("col_check")),
            pl.col(reason).alias(t("col_reason")),
        ),
        hide_index=True,
        column_config={
            **number_formats(year=("col_year",)),
            # The reason is the long text: it gets the room.
            t("col_check"): st.column_config.TextColumn(width="medium"),
            t("col_reason"): st.column_config.TextColumn(width="large"),
        },
        height=_data.table_height(missing.height),
        key=key,
    )
