"""What the dataset holds for a department (``analytics.inventory``), said in the same words on every page: the
years it has documents for, by phase, and the years whose totals were read. A page that shows fewer years says
which beside it (``shown_years``), so that no page contradicts another."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
import streamlit as st

from analytics import inventory
from analytics import schema as s
from app_pages import _data
from app_pages._i18n import english, t

_TOTAL_YEARS, _PHASE_YEARS, _PHASE_DOCUMENTS = (
    inventory.PHASE_TOTAL_YEARS,
    inventory.PHASE_YEARS,
    inventory.PHASE_DOCUMENTS,
)


def phase_word(phase: str) -> str:
    """预算 / 决算 (budget / final account), as a sentence uses it."""
    return t(f"inventory_phase_{phase}")


def year_list(years: Sequence[int]) -> str:
    """``2021、2022、2023`` (``2021, 2022, 2023``)."""
    return t("inventory_and").join(str(year) for year in years)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:] if english() else text


def _documents(row: dict) -> str:
    """预算 3 份、决算 1 份 (3 budget, 1 final account)."""
    parts = [
        t("inventory_documents").format(phase=phase_word(phase), n=row[column])
        for phase, column in _PHASE_DOCUMENTS.items()
        if row[column]
    ]
    return t("inventory_and").join(parts)


def _year_phases(department_id: str) -> str:
    """2024 年决算；2025 年预算 (2024 final account; 2025 budget): each year with documents and their phases."""
    years = _data.department_years().filter(
        (pl.col(s.DEPARTMENT_ID) == department_id) & (pl.col(inventory.DOCUMENTS) > 0)
    )
    items = []
    for row in years.iter_rows(named=True):
        phases = [phase_word(phase) for phase, column in _PHASE_DOCUMENTS.items() if row[column]]
        items.append(t("inventory_year_phases").format(year=row[s.FISCAL_YEAR], phases=t("inventory_and").join(phases)))
    return t("list_separator").join(items)


def _totals(row: dict) -> str:
    """For each phase with documents or totals: the years its totals were read (and which of them a later
    year's document printed), or that none were."""
    parts = []
    for phase, column in _TOTAL_YEARS.items():
        read, documented = row[column], row[_PHASE_YEARS[phase]]
        if not read and not documented:
            continue
        if not read:
            parts.append(t("inventory_no_totals").format(phase=phase_word(phase)))
            continue
        text = t("inventory_totals").format(phase=phase_word(phase), n=len(read), years=year_list(read))
        earlier = [year for year in read if year not in documented]
        if earlier:
            text += t("inventory_printed_earlier").format(years=year_list(earlier))
        parts.append(text)
    return t("list_separator").join(parts)


def inventory_row(department_id: str) -> dict | None:
    """The department's row of ``analytics.inventory.department_inventory``, or None when it has none."""
    rows = _data.department_inventory().filter(pl.col(s.DEPARTMENT_ID) == department_id)
    return rows.row(0, named=True) if rows.height else None


def department_summary(department_id: str, *, figures: bool = False) -> str:
    """The sentence every page says about a department: “2 年有文件（预算 1 份、决算 1 份）：2024 年决算；2025 年预算。
    预算收支合计读出 1 年：2025；决算收支合计读出 1 年：2024。” (and, with ``figures``, how many figures and
    findings)."""
    row = inventory_row(department_id)
    if row is None or not row[inventory.DOCUMENTS]:
        return t("inventory_no_documents")
    space = " " if english() else ""
    text = t("inventory_years").format(
        n=len(row[inventory.YEARS]), documents=_documents(row), years=_year_phases(department_id)
    )
    totals = _totals(row)
    if totals:
        text += space + _capital(totals) + ("." if english() else "。")
    if figures:
        text += space + t("inventory_figures").format(
            lines=row[s.LINES], statements=row[s.STATEMENTS], indicators=row[s.INDICATORS], flags=row[s.FLAGS]
        )
    return text


def show_inventory(department_id: str, *, figures: bool = False) -> None:
    """``department_summary`` as a caption."""
    st.caption(department_summary(department_id, figures=figures))


def dataset_summary() -> str:
    """“14 个部门，28 份文件（预算 25 份、决算 3 份）。” of the whole dataset."""
    rows = _data.department_inventory()
    counts = rows.select(pl.col(list(_PHASE_DOCUMENTS.values())).sum()).row(0, named=True)
    return t("inventory_dataset").format(
        departments=rows.filter(pl.col(inventory.DOCUMENTS) > 0).height,
        n=rows.get_column(inventory.DOCUMENTS).sum(),
        documents=_documents(counts),
    )


def shown_years(what: str, years: Sequence[int]) -> str:
    """What a part of a page shows: “本页所示预算收支合计读出 2 年：2023、2024。”."""
    years = sorted(set(years))
    if not years:
        return t("inventory_shown_none").format(what=what)
    return _capital(t("inventory_shown_years").format(what=what, n=len(years), years=year_list(years)))
