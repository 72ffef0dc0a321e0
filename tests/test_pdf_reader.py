"""The PDF reader on disclosures the tests build (other names, figures and layouts than the corpus) and on bad
files: every expected figure comes from the builder's spec, never from the reader."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from analytics import schema as s
from analytics.cli import main
from analytics.errors import ReaderError
from analytics.ingest import read_batch, read_disclosure
from analytics.store import open_dataset
from tests.pdf_synthetic import (
    EXPENDITURE_COLUMNS,
    INCOME_COLUMNS,
    DisclosureSpec,
    build_corrupt_pdf,
    build_disclosure_pdf,
    build_encrypted_pdf,
    build_scanned_pdf,
    build_split_disclosure,
    build_unrelated_pdf,
)

#: Printed column header → canonical column of the data contract.
CANONICAL = {
    "合计": "total",
    "财政拨款收入": "fiscal_appropriation",
    "事业收入": "business_income",
    "事业单位经营收入": "operating_income",
    "其他收入": "other_income",
    "基本支出": "basic",
    "项目支出": "project",
}
_LEVELS = {"类": 1, "款": 2, "项": 3}


def _yuan(spec: DisclosureSpec, amount_in_unit: Decimal) -> Decimal:
    factor = Decimal(10000) if spec.unit == "万元" else Decimal(1)
    return (amount_in_unit * factor).quantize(Decimal("0.01"))


def _read(tmp_path: Path, spec: DisclosureSpec) -> object:
    return read_disclosure(build_disclosure_pdf(tmp_path / "disclosure.pdf", spec))


def _function_lines(ds: object, table: str) -> dict[tuple[str, str], Decimal]:
    rows = ds.lines.filter(pl.col(s.TABLE) == table, pl.col(s.CODE).is_not_null())  # type: ignore[attr-defined]
    return {(r[s.CODE], r[s.COLUMN]): r[s.AMOUNT_YUAN] for r in rows.iter_rows(named=True)}


SPECS = {
    "yuan": DisclosureSpec(),
    "wan": DisclosureSpec(
        region="上海市杨浦区",
        department="上海市杨浦区绿化和市容管理局",
        year=2026,
        unit="万元",
    ),
    "quirks": DisclosureSpec(
        region="上海市徐汇区",
        department="上海市徐汇区人民政府天平路街道办事处",
        year=2024,
        unpadded_kuan=True,
        economic_codes_joined=True,
        negative=True,
        zero_as_blank=True,
    ),
}


@pytest.fixture(scope="module", params=sorted(SPECS))
def case(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[DisclosureSpec, object]:
    spec = SPECS[request.param]
    return spec, _read(tmp_path_factory.mktemp(request.param), spec)


def test_identity(case: tuple[DisclosureSpec, object]) -> None:
    spec, ds = case
    document = ds.documents.row(0, named=True)  # type: ignore[attr-defined]
    assert document[s.DEPARTMENT] == spec.department
    assert document[s.REGION] == spec.region
    assert (document[s.FISCAL_YEAR], document[s.PHASE], document[s.SCOPE]) == (spec.year, "budget", "department")
    assert document[s.SOURCE_FORMAT] == "pdf"
    assert document[s.UNIT_PRINTED] == spec.unit


def test_summary_totals(case: tuple[DisclosureSpec, object]) -> None:
    spec, ds = case
    totals = ds.lines.filter(  # type: ignore[attr-defined]
        (pl.col(s.TABLE) == "income_expenditure_summary") & (pl.col(s.CLASSIFICATION) == "total")
    )
    by_side = dict(totals.select(s.SIDE, s.AMOUNT_YUAN).rows())
    assert by_side == {"income": _yuan(spec, spec.income_total()), "expenditure": _yuan(spec, spec.expenditure_total())}


@pytest.mark.parametrize(
    ("table", "key", "columns"),
    [("income", "income_summary", INCOME_COLUMNS), ("expenditure", "expenditure_summary", EXPENDITURE_COLUMNS)],
)
def test_function_rows(case: tuple[DisclosureSpec, object], table: str, key: str, columns: tuple[str, ...]) -> None:
    spec, ds = case
    got = _function_lines(ds, key)
    expected: dict[tuple[str, str], Decimal] = {}
    for row in spec.function_rows(table):
        for column in columns:
            value = row.amounts[column]
            if spec.zero_as_blank and value == 0:
                continue  # a blank cell is "not disclosed", never a zero
            expected[(row.code, CANONICAL[column])] = _yuan(spec, value)
    assert got == expected


def test_levels_and_parents(case: tuple[DisclosureSpec, object]) -> None:
    spec, ds = case
    rows = ds.lines.filter(pl.col(s.TABLE) == "income_summary", pl.col(s.CODE).is_not_null())  # type: ignore[attr-defined]
    levels = dict(rows.select(s.CODE, s.LEVEL).unique().rows())
    parents = dict(rows.select(s.CODE, s.PARENT_CODE).unique().rows())
    for row in spec.function_rows("income"):
        assert levels[row.code] == _LEVELS[row.level]
        assert parents[row.code] == (None if len(row.code) == 3 else row.code[: len(row.code) - 2])


def test_empty_table_is_recorded_as_disclosed_empty(case: tuple[DisclosureSpec, object]) -> None:
    _, ds = case
    statuses = dict(ds.document_tables.select(s.TABLE, s.STATUS).rows())  # type: ignore[attr-defined]
    assert statuses["government_fund"] == "empty"
    assert statuses["income_summary"] == "data"


def test_every_line_has_page_provenance(case: tuple[DisclosureSpec, object]) -> None:
    _, ds = case
    lines = ds.lines  # type: ignore[attr-defined]
    assert lines.get_column(s.PAGE).null_count() == 0
    assert lines.get_column(s.LINE).null_count() == 0
    assert lines.get_column(s.SOURCE_TEXT).str.len_chars().min() > 0


def test_split_disclosure_forms_one_disclosure(tmp_path: Path) -> None:
    spec = DisclosureSpec(region="上海市虹口区", department="上海市虹口区人民政府欧阳路街道办事处", year=2023)
    narrative, tables = build_split_disclosure(tmp_path, spec)
    batch = read_batch([narrative, tables], workers=1)
    assert not batch.errors
    ds = batch.merged()
    assert ds.documents.height == 2
    assert ds.documents.get_column(s.DISCLOSURE_ID).n_unique() == 1
    assert ds.documents.get_column(s.DEPARTMENT_ID).unique().to_list() == [spec.department]
    assert ds.departments.height == 1
    totals = ds.lines.filter(pl.col(s.TABLE) == "income_expenditure_summary", pl.col(s.CLASSIFICATION) == "total")
    assert set(totals.get_column(s.AMOUNT_YUAN).to_list()) == {_yuan(spec, spec.income_total())}


BAD = {
    "scanned": (build_scanned_pdf, r"scanned\.pdf, pages 1-\d+: the PDF has no text layer"),
    "encrypted": (build_encrypted_pdf, r"encrypted\.pdf: the PDF is encrypted"),
    "corrupt": (build_corrupt_pdf, r"corrupt\.pdf: the PDF is damaged"),
    "unrelated": (build_unrelated_pdf, r"unrelated\.pdf: not a budget disclosure"),
}


@pytest.mark.parametrize("case_name", sorted(BAD))
def test_bad_pdf_gets_a_clear_error_and_nothing_is_written(tmp_path: Path, case_name: str) -> None:
    build, message = BAD[case_name]
    path = build(tmp_path / f"{case_name}.pdf")
    with pytest.raises(ReaderError, match=message):
        read_disclosure(path)
    dataset = tmp_path / "ds"
    good = build_disclosure_pdf(tmp_path / "good.pdf", DisclosureSpec())
    assert main(["ingest", str(good), "--dataset", str(dataset)]) == 0
    before = {
        str(p.relative_to(dataset)): p.read_bytes() for p in dataset.rglob("*") if p.is_file() and p.name != ".lock"
    }
    assert main(["ingest", str(path), "--dataset", str(dataset)]) == 1
    assert {
        str(p.relative_to(dataset)): p.read_bytes() for p in dataset.rglob("*") if p.is_file() and p.name != ".lock"
    } == before
    assert open_dataset(dataset).documents.height == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", r"empty\.pdf: the file is empty"), (b"hello, not a pdf", r"empty\.pdf: not a PDF file")],
)
def test_not_a_pdf(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(content)
    with pytest.raises(ReaderError, match=message):
        read_disclosure(path)
