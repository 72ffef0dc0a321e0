"""What the dataset holds for each department: the years it has documents for, by phase (预算 / 决算), how many
documents, figures and flags, and the years whose income and expenditure totals were read.

Every page of the app and the CLI count a department's years, documents and figures through this module, so that
two pages never disagree: a page that shows a subset (a trend draws only the years whose totals were read) says
so with the counts of this module beside its own. A year can have totals and no document of its own: a budget
prints the two years before it (汉阳区大数据中心 2023 states 2021 and 2022); that is a year of figures, not of
documents.

The income and expenditure totals are ``analytics.compare.measures``' ``income_total`` and ``expenditure_total``
of one phase (the figures every trend shows); a budget's and a final account's are never mixed in one series.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from analytics import schema as s
from analytics.compare._columns import MEASURE, STATED_IN
from analytics.compare._common import latest_names
from analytics.store import Dataset

__all__ = [
    "BUDGET_DOCUMENTS",
    "BUDGET_TOTALS",
    "BUDGET_TOTAL_YEARS",
    "BUDGET_YEARS",
    "DISCLOSURES",
    "DOCUMENTS",
    "FINAL_DOCUMENTS",
    "FINAL_TOTALS",
    "FINAL_TOTAL_YEARS",
    "FINAL_YEARS",
    "INVENTORY_COLUMNS",
    "PHASE_DOCUMENTS",
    "PHASE_TOTALS",
    "PHASE_TOTAL_YEARS",
    "PHASE_YEARS",
    "TOTAL_MEASURES",
    "YEARS",
    "YEAR_COLUMNS",
    "department_inventory",
    "department_years",
    "phase_totals",
]

#: The measures whose years are a department's years of totals (the 收支总表's two sides).
TOTAL_MEASURES = {"income_total": "income", "expenditure_total": "expenditure"}
#: Documents (source files) of a department-year, by phase and in all; disclosures (a narrative PDF and a tables
#: PDF of one department-year form one).
BUDGET_DOCUMENTS, FINAL_DOCUMENTS = "budget_documents", "final_documents"
DOCUMENTS, DISCLOSURES = "documents", "disclosures"
#: Whether the year's income or expenditure total was read, of a budget and of a final account.
BUDGET_TOTALS, FINAL_TOTALS = "budget_totals", "final_totals"
#: Years (sorted lists) of ``department_inventory``: with documents, by phase, and with totals by phase.
YEARS, BUDGET_YEARS, FINAL_YEARS = "years", "budget_years", "final_years"
BUDGET_TOTAL_YEARS, FINAL_TOTAL_YEARS = "budget_total_years", "final_total_years"
#: Phase → its column of documents (a count), of totals read (Boolean), of years and of years of totals (lists).
PHASE_DOCUMENTS = {"budget": BUDGET_DOCUMENTS, "final": FINAL_DOCUMENTS}
PHASE_TOTALS = {"budget": BUDGET_TOTALS, "final": FINAL_TOTALS}
PHASE_YEARS = {"budget": BUDGET_YEARS, "final": FINAL_YEARS}
PHASE_TOTAL_YEARS = {"budget": BUDGET_TOTAL_YEARS, "final": FINAL_TOTAL_YEARS}
#: Figures of the documents of a department-year (counted by the year of the document that prints them) and its
#: flags (by the year each flag is about).
_FIGURES = (s.LINES, s.STATEMENTS, s.INDICATORS)
#: Columns of ``department_years``.
YEAR_COLUMNS = (
    s.DEPARTMENT_ID,
    s.NAME,
    s.FISCAL_YEAR,
    BUDGET_DOCUMENTS,
    FINAL_DOCUMENTS,
    DOCUMENTS,
    DISCLOSURES,
    *_FIGURES,
    s.FLAGS,
    BUDGET_TOTALS,
    FINAL_TOTALS,
)
#: Columns of ``department_inventory``.
INVENTORY_COLUMNS = (
    s.DEPARTMENT_ID,
    s.NAME,
    YEARS,
    BUDGET_YEARS,
    FINAL_YEARS,
    BUDGET_DOCUMENTS,
    FINAL_DOCUMENTS,
    DOCUMENTS,
    DISCLOSURES,
    *_FIGURES,
    s.FLAGS,
    BUDGET_TOTAL_YEARS,
    FINAL_TOTAL_YEARS,
)
_KEYS = [s.DEPARTMENT_ID, s.FISCAL_YEAR]


def phase_totals(ds: Dataset, phase: str = "budget", *, measured: pl.DataFrame | None = None) -> pl.DataFrame:
    """Income and expenditure totals of one phase by department and year: the figures every trend shows.

    Parameters
    ----------
    ds
        The dataset.
    phase
        ``"budget"`` (预算) or ``"final"`` (决算, its 决算数).
    measured
        ``analytics.compare.measures(ds, phase=phase)`` when the caller has it already (it is computed otherwise).

    Returns
    -------
    polars.DataFrame
        ``department_id, name, fiscal_year, side (income / expenditure), amount_yuan, doc_id, stated_in,
        verification, verified_by``: the frame ``analytics.charts.totals_chart`` draws, income before expenditure,
        years ascending.

    Examples
    --------
    >>> phase_totals(Dataset.empty()).columns[:4]
    ['department_id', 'name', 'fiscal_year', 'side']
    """
    if measured is None:
        from analytics.compare import measures

        measured = measures(ds, phase=phase)
    side_order = pl.col(s.SIDE).replace_strict({"income": 0, "expenditure": 1}, default=2, return_dtype=pl.Int8)
    return (
        measured.filter(pl.col(MEASURE).is_in(list(TOTAL_MEASURES)))
        .select(
            s.DEPARTMENT_ID,
            s.NAME,
            s.FISCAL_YEAR,
            pl.col(MEASURE).replace_strict(TOTAL_MEASURES, return_dtype=pl.String).alias(s.SIDE),
            s.AMOUNT_YUAN,
            s.DOC_ID,
            STATED_IN,
            s.VERIFICATION,
            s.VERIFIED_BY,
        )
        .sort(s.DEPARTMENT_ID, side_order, s.FISCAL_YEAR)
    )


def department_years(ds: Dataset, *, measured: Mapping[str, pl.DataFrame] | None = None) -> pl.DataFrame:
    """One row per department and year the dataset can speak of: its documents by phase, its figures, its flags,
    and whether its totals were read (of a budget, of a final account).

    A year is listed when the department has a document for it, a total read for it (a budget also prints the
    years before it) or a flag about it; a year with totals and no document has 0 documents.

    Parameters
    ----------
    ds
        The dataset.
    measured
        ``{"budget": measures(ds), "final": measures(ds, phase="final")}`` when the caller has them already.

    Returns
    -------
    polars.DataFrame
        ``YEAR_COLUMNS``: ``department_id, name`` (the latest), ``fiscal_year``, ``budget_documents``,
        ``final_documents``, ``documents`` (source files), ``disclosures``, ``lines``, ``statements``,
        ``indicators`` (the figures the year's documents print), ``flags`` (about the year), ``budget_totals``,
        ``final_totals`` (Boolean); sorted by department and year.

    Examples
    --------
    >>> department_years(Dataset.empty()).columns[3:6]
    ['budget_documents', 'final_documents', 'documents']
    """
    counts = pl.Int64()
    documents = ds.documents.group_by(_KEYS).agg(
        *((pl.col(s.PHASE) == phase).sum().cast(counts).alias(column) for phase, column in PHASE_DOCUMENTS.items()),
        pl.len().cast(counts).alias(DOCUMENTS),
        pl.col(s.DISCLOSURE_ID).n_unique().cast(counts).alias(DISCLOSURES),
    )
    of_document = ds.documents.select(s.DOC_ID, *_KEYS)
    figures = [
        ds.tables[name]
        .select(s.DOC_ID)
        .join(of_document, on=s.DOC_ID)
        .group_by(_KEYS)
        .agg(pl.len().cast(counts).alias(name))
        for name in _FIGURES
    ]
    flags = (
        ds.flags.filter(pl.col(s.DEPARTMENT_ID).is_not_null() & pl.col(s.FISCAL_YEAR).is_not_null())
        .group_by(_KEYS)
        .agg(pl.len().cast(counts).alias(s.FLAGS))
    )
    totals = []
    for phase, column in PHASE_TOTALS.items():
        frame = phase_totals(ds, phase, measured=None if measured is None else measured.get(phase))
        totals.append(frame.select(_KEYS).unique().with_columns(pl.lit(True).alias(column)))
    keys = pl.concat([frame.select(_KEYS) for frame in (documents, flags, *totals)], how="vertical_relaxed").unique()
    frame = keys.with_columns(pl.col(s.FISCAL_YEAR).cast(pl.Int32))
    for part in (documents, *figures, flags, *totals):
        frame = frame.join(part.with_columns(pl.col(s.FISCAL_YEAR).cast(pl.Int32)), on=_KEYS, how="left")
    names = latest_names(ds.departments).collect()
    return (
        frame.join(names, on=s.DEPARTMENT_ID, how="left")
        .with_columns(
            pl.col(s.NAME).fill_null(pl.col(s.DEPARTMENT_ID)),
            pl.col(BUDGET_DOCUMENTS, FINAL_DOCUMENTS, DOCUMENTS, DISCLOSURES, *_FIGURES, s.FLAGS).fill_null(0),
            pl.col(BUDGET_TOTALS, FINAL_TOTALS).fill_null(False),
        )
        .select(YEAR_COLUMNS)
        .sort(_KEYS)
    )


def department_inventory(ds: Dataset, *, years: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per department: the years it has documents for (in all and by phase), its documents, figures and
    flags, and the years whose totals were read, by phase.

    Parameters
    ----------
    ds
        The dataset.
    years
        ``department_years(ds)`` when the caller has it already.

    Returns
    -------
    polars.DataFrame
        ``INVENTORY_COLUMNS``: ``department_id, name``, ``years``, ``budget_years``, ``final_years`` (sorted lists
        of years with documents), the counts of ``department_years`` summed (``flags``: every flag of the
        department, those about no particular year too), ``budget_total_years`` and
        ``final_total_years`` (sorted lists); sorted by name.

    Examples
    --------
    >>> department_inventory(Dataset.empty()).columns[2:5]
    ['years', 'budget_years', 'final_years']
    """
    years = department_years(ds) if years is None else years
    year = pl.col(s.FISCAL_YEAR)
    # Every flag of the department, those about no particular year too.
    flags = (
        ds.flags.filter(pl.col(s.DEPARTMENT_ID).is_not_null())
        .group_by(s.DEPARTMENT_ID)
        .agg(pl.len().cast(pl.Int64).alias(s.FLAGS))
    )

    def where(condition: pl.Expr) -> pl.Expr:
        return year.filter(condition).sort()

    return (
        years.group_by(s.DEPARTMENT_ID)
        .agg(
            pl.col(s.NAME).first(),
            where(pl.col(DOCUMENTS) > 0).alias(YEARS),
            where(pl.col(BUDGET_DOCUMENTS) > 0).alias(BUDGET_YEARS),
            where(pl.col(FINAL_DOCUMENTS) > 0).alias(FINAL_YEARS),
            *(
                pl.col(column).sum()
                for column in (BUDGET_DOCUMENTS, FINAL_DOCUMENTS, DOCUMENTS, DISCLOSURES, *_FIGURES)
            ),
            where(pl.col(BUDGET_TOTALS)).alias(BUDGET_TOTAL_YEARS),
            where(pl.col(FINAL_TOTALS)).alias(FINAL_TOTAL_YEARS),
        )
        .join(flags, on=s.DEPARTMENT_ID, how="left")
        .with_columns(pl.col(s.FLAGS).fill_null(0))
        .select(INVENTORY_COLUMNS)
        .sort(s.NAME, s.DEPARTMENT_ID)
    )
