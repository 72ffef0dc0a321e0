"""The reading report: what each disclosure should hold, what the readers found in it, and how much of it the
form's own identities confirm.

The readers verify every figure as they read it (``lines.verification``) and record what they doubt or could not
read (``reading_findings``); the tables a disclosure's phase and scope require are data
(``analytics/reference/requirements.csv``, with their source). ``reading_report`` puts the three together, one row
per disclosure (a narrative PDF and a tables PDF of one disclosure count as one).
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from analytics import schema as s
from analytics.reference import reference_rows
from analytics.store import Dataset

__all__ = ["REPORT_COLUMNS", "expected_form", "forms", "reading_report", "required_tables"]

#: Columns of ``reading_report``.
REPORT_COLUMNS = (
    s.DISCLOSURE_ID,
    "sources",
    s.DEPARTMENT_ID,
    s.FISCAL_YEAR,
    s.PHASE,
    s.SCOPE,
    "form",
    "tables_expected",
    "tables_found",
    "tables_missing",
    "tables_unreadable",
    "figures",
    "figures_verified",
    "figures_contradicted",
    "share_verified",
    "reading_findings",
)


def forms(phase: str, scope: str) -> dict[str, list[str]]:
    """The forms a disclosure of ``phase`` and ``scope`` may follow, each with the standard tables it requires
    (``requirements.csv``), in the file's order: the local governments' forms first.

    Examples
    --------
    >>> {form: len(tables) for form, tables in forms("final", "department").items()}
    {'local': 9, 'university': 4}
    """
    out: dict[str, list[str]] = {}
    for r in reference_rows("requirements.csv"):
        if r["phase"] == phase and r["scope"] == scope:
            tables = out.setdefault(r["form"], [])
            if r["required"] == "yes":
                tables.append(r["table"])
    return out


def required_tables(phase: str, scope: str, form: str = "local") -> list[str]:
    """The standard tables a disclosure of ``phase`` and ``scope`` must publish under ``form``.

    Examples
    --------
    >>> len(required_tables("final", "department")), "three_public_and_operation" in required_tables("budget", "unit")
    (9, True)
    """
    return forms(phase, scope).get(form, [])


def expected_form(phase: str, scope: str, found: Iterable[str]) -> tuple[str | None, list[str]]:
    """The form a disclosure follows and the tables it requires: of the forms of its phase and scope, the one
    whose required tables it prints most of; a tie goes to the form listed first. ``(None, [])`` for a phase and
    scope no form covers.

    Examples
    --------
    A 高校 决算 that prints its four tables follows the university form, not the local one it shares three with:

    >>> expected_form("final", "department", ["income_expenditure_summary", "income_summary",
    ...               "expenditure_summary", "fiscal_appropriation_function"])[0]
    'university'
    >>> expected_form("budget", "department", [])[0]
    'local'
    """
    have = set(found)
    candidates = forms(phase, scope)
    if not candidates:
        return None, []
    form = max(candidates, key=lambda f: (len(have.intersection(candidates[f])), -list(candidates).index(f)))
    return form, candidates[form]


def reading_report(ds: Dataset) -> pl.DataFrame:
    """One row per disclosure: tables required and found, tables missing or unreadable, figures read, verified and
    contradicted, and the reading findings.

    A table counts as found when it has figures or is disclosed empty. ``share_verified`` is verified figures over
    all figures read (``None`` for a disclosure with no table figures, such as a narrative-only one).

    Examples
    --------
    >>> reading_report(Dataset.empty()).columns[:3]
    ['disclosure_id', 'sources', 'department_id']
    """
    documents = ds.documents.select(
        s.DOC_ID, s.DISCLOSURE_ID, s.SOURCE_NAME, s.DEPARTMENT_ID, s.FISCAL_YEAR, s.PHASE, s.SCOPE
    )
    of_doc = documents.select(s.DOC_ID, s.DISCLOSURE_ID)
    tables = ds.document_tables.join(of_doc, on=s.DOC_ID)
    found = (
        tables.filter(pl.col(s.STATUS).is_in(["data", "empty"]))
        .group_by(s.DISCLOSURE_ID)
        .agg(pl.col(s.TABLE).unique().sort().alias("_found"))
    )
    unreadable = (
        tables.filter(pl.col(s.STATUS) == "unreadable")
        .group_by(s.DISCLOSURE_ID)
        .agg(pl.col(s.TABLE).unique().sort().alias("tables_unreadable"))
    )
    figures = (
        ds.lines.join(of_doc, on=s.DOC_ID)
        .group_by(s.DISCLOSURE_ID)
        .agg(
            pl.len().cast(pl.Int64).alias("figures"),
            (pl.col(s.VERIFICATION) == "verified").sum().cast(pl.Int64).alias("figures_verified"),
            (pl.col(s.VERIFICATION) == "contradicted").sum().cast(pl.Int64).alias("figures_contradicted"),
        )
    )
    doubts = (
        ds.reading_findings.join(of_doc, on=s.DOC_ID)
        .group_by(s.DISCLOSURE_ID)
        .agg(pl.len().cast(pl.Int64).alias("reading_findings"))
    )
    disclosures = (
        documents.sort(s.SOURCE_NAME)
        .group_by(s.DISCLOSURE_ID, maintain_order=True)
        .agg(
            pl.col(s.SOURCE_NAME).alias("sources"),
            pl.col(s.DEPARTMENT_ID).first(),
            pl.col(s.FISCAL_YEAR).first(),
            pl.col(s.PHASE).first(),
            pl.col(s.SCOPE).first(),
        )
    )
    empty_list = pl.lit([], pl.List(pl.String))
    report = (
        disclosures.join(found, on=s.DISCLOSURE_ID, how="left")
        .join(unreadable, on=s.DISCLOSURE_ID, how="left")
        .join(figures, on=s.DISCLOSURE_ID, how="left")
        .join(doubts, on=s.DISCLOSURE_ID, how="left")
        .with_columns(pl.col("_found").fill_null(empty_list))
    )
    report = (
        report.join(_forms_of(report), on=s.DISCLOSURE_ID, how="left")
        .with_columns(
            pl.col("tables_unreadable").fill_null(empty_list),
            pl.col("figures", "figures_verified", "figures_contradicted", "reading_findings").fill_null(0),
        )
        .with_columns(
            pl.col("_expected").list.len().cast(pl.Int64).alias("tables_expected"),
            pl.col("_expected").list.set_intersection("_found").list.len().cast(pl.Int64).alias("tables_found"),
            pl.col("_expected").list.set_difference("_found").list.sort().alias("tables_missing"),
            pl.when(pl.col("figures") > 0)
            .then(pl.col("figures_verified") / pl.col("figures"))
            .otherwise(None)
            .alias("share_verified"),
        )
    )
    return report.select(REPORT_COLUMNS).sort(s.DEPARTMENT_ID, s.FISCAL_YEAR, s.PHASE, s.SCOPE)


def _forms_of(disclosures: pl.DataFrame) -> pl.DataFrame:
    """Per disclosure, the form it follows and the tables that form requires (one small row per disclosure)."""
    rows = []
    for disclosure, phase, scope, found in disclosures.select(s.DISCLOSURE_ID, s.PHASE, s.SCOPE, "_found").rows():
        form, tables = expected_form(phase, scope, found)
        rows.append((disclosure, form, sorted(tables)))
    schema = {s.DISCLOSURE_ID: pl.String, "form": pl.String, "_expected": pl.List(pl.String)}
    return pl.DataFrame(rows, schema=schema, orient="row")
