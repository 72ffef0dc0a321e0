from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

import analytics
from analytics import inventory as inv
from analytics import schema as s
from analytics.compare import measures, trends
from analytics.store import Dataset
from tests.disclosures import budget, dataset, frame

RAW = Path(__file__).resolve().parents[1] / "datasets" / "raw"
#: The shipped files name their department, year, scope and phase: ``putuo_finance_2024_dept_final.pdf``.
FILE_NAME = re.compile(r"^(?P<who>.+?)_(?P<year>\d{4})_(?:dept|unit)_(?P<phase>budget|final)")


def _totals(part: dict[str, pl.DataFrame], years: dict[int, str]) -> dict[str, pl.DataFrame]:
    """``part`` with a 收支总表 total (income and expenditure) for each of ``years`` (year → amount in 元): the
    document's own year, or a prior year it prints."""
    document = part[s.DOCUMENTS].row(0, named=True)
    phase = document[s.PHASE]
    rows = [
        {
            s.DOC_ID: document[s.DOC_ID], s.DEPARTMENT_ID: document[s.DEPARTMENT_ID], s.FISCAL_YEAR: year,
            s.AS_OF_YEAR: document[s.FISCAL_YEAR], s.PHASE: phase, s.TABLE: "income_expenditure_summary",
            s.SIDE: side, s.CLASSIFICATION: "total", s.NAME: "总计", s.COLUMN: "total",
            s.AMOUNT_BASIS: "budget" if phase == "budget" else "actual", s.AMOUNT_YUAN: Decimal(amount),
            s.VERIFICATION: "verified", s.PAGE: 3, s.SOURCE_TEXT: f"总计 {amount}",
        }
        for year, amount in years.items()
        for side in ("income", "expenditure")
    ]  # fmt: skip
    return {**part, s.LINES: pl.concat([part[s.LINES], frame(s.LINES, rows)])}


def _final(part: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The same disclosure as a 决算 (its figures the 决算数); the department's facts of the year are its budget's."""
    final = pl.lit("final")
    return {
        **part,
        s.DEPARTMENTS: part[s.DEPARTMENTS].clear(),
        s.DOCUMENTS: part[s.DOCUMENTS].with_columns(final.alias(s.PHASE)),
        s.LINES: part[s.LINES].with_columns(final.alias(s.PHASE), pl.lit("actual").alias(s.AMOUNT_BASIS)),
    }


def _flags(*about: tuple[str, int | None]) -> pl.DataFrame:
    """One flag per (department, year) of ``about``."""
    rows = [
        {s.FLAG_ID: f"f{i}", s.SOURCE: "rule", s.RULE_ID: "table.parent_sum", s.FAMILY: "table",
         s.SEVERITY: "warning", s.SUBJECT: "合计", s.DEPARTMENT_ID: department, s.FISCAL_YEAR: year,
         s.MESSAGE_ZH: "不符", s.MESSAGE_EN: "differs"}
        for i, (department, year) in enumerate(about)
    ]  # fmt: skip
    return frame(s.FLAGS, rows)


@pytest.fixture
def two_departments() -> Dataset:
    """甲: budgets for 2023 and 2024 (the 2024 one also prints 2022's totals, as a three-year form does) and a 决算
    for 2023; 乙: one budget, 2024."""
    return dataset(
        _totals(budget(doc_id="a-2023", department_id="a", name="甲局", year=2023), {2023: "100.00"}),
        _totals(budget(doc_id="a-2024", department_id="a", name="甲局", year=2024), {2024: "120.00", 2022: "90.00"}),
        _final(_totals(budget(doc_id="a-2023-final", department_id="a", name="甲局", year=2023), {2023: "98.00"})),
        _totals(budget(doc_id="b-2024", department_id="b", name="乙局", year=2024, statements=False), {2024: "7.00"}),
        flags=_flags(("a", 2023), ("a", 2023), ("a", 2024), ("a", None), ("b", 2024)),
    )


def test_years_by_phase_documents_and_totals(two_departments: Dataset) -> None:
    years = inv.department_years(two_departments)
    assert years.columns == list(inv.YEAR_COLUMNS)
    a = years.filter(pl.col(s.DEPARTMENT_ID) == "a")
    assert a.select(
        s.FISCAL_YEAR, inv.BUDGET_DOCUMENTS, inv.FINAL_DOCUMENTS, inv.DOCUMENTS, inv.BUDGET_TOTALS, inv.FINAL_TOTALS
    ).rows() == [
        (2022, 0, 0, 0, True, False),  # a year of figures a later budget prints, not of documents
        (2023, 1, 1, 2, True, True),
        (2024, 1, 0, 1, True, False),
    ]
    # Figures by the year of the document that prints them: 2024's budget prints 2022's totals.
    lines = dict(a.select(s.FISCAL_YEAR, s.LINES).rows())
    per_budget = budget().get(s.LINES).height
    assert lines == {2022: 0, 2023: 2 * (per_budget + 2), 2024: per_budget + 4}
    assert dict(a.select(s.FISCAL_YEAR, s.FLAGS).rows()) == {2022: 0, 2023: 2, 2024: 1}
    assert a.get_column(s.NAME).unique().to_list() == ["甲局"]


def test_the_inventory_of_each_department(two_departments: Dataset) -> None:
    shown = inv.department_inventory(two_departments)
    assert shown.columns == list(inv.INVENTORY_COLUMNS)
    b, a = shown.to_dicts()  # by name: 乙 before 甲
    assert a[s.NAME] == "甲局"
    assert (a[inv.YEARS], a[inv.BUDGET_YEARS], a[inv.FINAL_YEARS]) == ([2023, 2024], [2023, 2024], [2023])
    assert (a[inv.BUDGET_DOCUMENTS], a[inv.FINAL_DOCUMENTS], a[inv.DOCUMENTS], a[inv.DISCLOSURES]) == (2, 1, 3, 3)
    assert (a[inv.BUDGET_TOTAL_YEARS], a[inv.FINAL_TOTAL_YEARS]) == ([2022, 2023, 2024], [2023])
    assert (a[s.STATEMENTS], a[s.INDICATORS]) == (3, 3)
    assert a[s.FLAGS] == 4  # the one about no particular year too
    assert (b[inv.YEARS], b[inv.DOCUMENTS]) == ([2024], 1)
    assert (b[inv.BUDGET_TOTAL_YEARS], b[inv.FINAL_TOTAL_YEARS]) == ([2024], [])
    assert (b[s.STATEMENTS], b[s.FLAGS]) == (0, 1)


@pytest.mark.parametrize("phase", s.PHASES)
def test_phase_totals_are_the_trends_totals_and_never_mix_phases(two_departments: Dataset, phase: str) -> None:
    totals = inv.phase_totals(two_departments, phase)
    expected = {"budget": {2022: "90.00", 2023: "100.00", 2024: "120.00"}, "final": {2023: "98.00"}}[phase]
    income = totals.filter((pl.col(s.DEPARTMENT_ID) == "a") & (pl.col(s.SIDE) == "income"))
    assert dict(income.select(s.FISCAL_YEAR, pl.col(s.AMOUNT_YUAN).cast(pl.String)).rows()) == expected
    trend = trends(measures(two_departments, phase=phase)).filter(pl.col("measure").is_in(list(inv.TOTAL_MEASURES)))
    key = [s.DEPARTMENT_ID, s.FISCAL_YEAR]
    assert totals.select(key).unique().sort(key).equals(trend.select(key).unique().sort(key))


def test_an_empty_dataset_has_an_empty_inventory() -> None:
    assert inv.department_years(Dataset.empty()).is_empty()
    assert inv.department_inventory(Dataset.empty()).is_empty()
    assert inv.phase_totals(Dataset.empty(), "final").is_empty()


def _files() -> pl.DataFrame:
    """``who, year, phase`` of every shipped file, read from its name."""
    rows = []
    for path in sorted(RAW.iterdir()):
        match = FILE_NAME.match(path.name)
        if match:
            rows.append({"file": path.name, "who": match["who"], "year": int(match["year"]), "phase": match["phase"]})
    return pl.DataFrame(rows)


def test_the_shipped_dataset_counts_what_its_file_names_say() -> None:
    ds = analytics.open_dataset()
    files = _files().filter(pl.col("file").is_in(ds.documents.get_column(s.SOURCE_NAME).to_list()))
    assert files.height == ds.documents.height
    shown = inv.department_inventory(ds)
    assert shown.get_column(inv.DOCUMENTS).sum() == files.height
    for phase in s.PHASES:
        assert shown.get_column(inv.PHASE_DOCUMENTS[phase]).sum() == files.filter(pl.col("phase") == phase).height
    # 普陀区财政局: putuo_finance_2024_dept_final.pdf and putuo_finance_2025_dept_budget.pdf.
    finance = files.filter(pl.col("who") == "putuo_finance")
    row = shown.filter(pl.col(s.NAME) == "上海市普陀区财政局").row(0, named=True)
    assert row[inv.YEARS] == sorted(finance.get_column("year").to_list()) == [2024, 2025]
    assert row[inv.BUDGET_YEARS] == finance.filter(pl.col("phase") == "budget").get_column("year").to_list() == [2025]
    assert row[inv.FINAL_YEARS] == finance.filter(pl.col("phase") == "final").get_column("year").to_list() == [2024]
    assert (row[inv.BUDGET_TOTAL_YEARS], row[inv.FINAL_TOTAL_YEARS]) == ([2025], [2024])
    # 汉阳区大数据中心: one document (2023), whose three-year form prints the totals of 2021 and 2022 too.
    hanyang = shown.filter(pl.col(s.NAME) == "武汉市汉阳区大数据中心").row(0, named=True)
    assert (hanyang[inv.YEARS], hanyang[inv.BUDGET_TOTAL_YEARS]) == ([2023], [2021, 2022, 2023])
