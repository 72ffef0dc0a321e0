"""The reading report: what each disclosure should hold, what the readers found in it, and how much of it the
form's own identities confirm.

The readers verify every figure as they read it (``lines.verification``) and record what they doubt or could not
read (``reading_findings``); the tables a disclosure's phase and scope require are data
(``analytics/reference/requirements.csv``, with their source). ``reading_report`` puts the three together, one row
per disclosure (a narrative PDF and a tables PDF of one disclosure count as one).
"""

from __future__ import annotations

import polars as pl

from analytics import schema as s
from analytics.reference import reference_rows
from analytics.store import Dataset

__all__ = ["REPORT_COLUMNS", "reading_report", "required_tables"]

#: Columns of ``reading_report``.
REPORT_COLUMNS = (
    s.DISCLOSURE_ID,
    "sources",
    s.DEPARTMENT_ID,
    s.FISCAL_YEAR,
    s.PHASE,
    s.SCOPE,
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


def required_tables(phase: str, scope: str) -> list[str]:
    """The standard tables a disclosure of ``phase`` and ``scope`` must publish (``requirements.csv``).

    Examples
    --------
    >>> len(required_tables("final", "department")), "three_public_and_operation" in required_tables("budget", "unit")
    (9, True)
    """
    return [
        r["table"]
        for r in reference_rows("requirements.csv")
        if r["phase"] == phase and r["scope"] == scope and r["required"] == "yes"
    ]


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
    requirements = pl.DataFrame(
        [(r["phase"], r["scope"], r["table"]) for r in reference_rows("requirements.csv") if r["required"] == "yes"],
        schema={s.PHASE: pl.String, s.SCOPE: pl.String, s.TABLE: pl.String},
        orient="row",
    )
    expected = requirements.group_by(s.PHASE, s.SCOPE).agg(pl.col(s.TABLE).sort().alias("_expected"))
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
        disclosures.join(expected, on=[s.PHASE, s.SCOPE], how="left")
        .join(found, on=s.DISCLOSURE_ID, how="left")
        .join(unreadable, on=s.DISCLOSURE_ID, how="left")
        .join(figures, on=s.DISCLOSURE_ID, how="left")
        .join(doubts, on=s.DISCLOSURE_ID, how="left")
        .with_columns(
            pl.col("_expected").fill_null(empty_list),
            pl.col("_found").fill_null(empty_list),
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
