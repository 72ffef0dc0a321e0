from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from analytics import schema as s
from analytics.errors import ReaderError
from analytics.ingest import read_disclosure
from analytics.ingest.text import doc_id_of
from tests.conftest import SEED
from tests.synthetic import SyntheticDisclosure


def _wan(text: str) -> Decimal:
    return (Decimal(text) * 10000).quantize(Decimal("0.01"))


@pytest.fixture(scope="module")
def seed() -> object:
    return read_disclosure(SEED)


def test_seed_document_row(seed: object) -> None:
    document = seed.documents.row(0, named=True)
    assert document[s.DOC_ID] == doc_id_of(SEED.read_bytes())
    assert document[s.DEPARTMENT] == "武汉市汉阳区大数据中心"
    assert document[s.REGION] == "武汉市汉阳区"
    assert (document[s.FISCAL_YEAR], document[s.PHASE], document[s.SCOPE]) == (2023, "budget", "department")
    assert document[s.UNIT_PRINTED] == "万元"
    assert document[s.SOURCE_FORMAT] == "text"


def test_seed_every_row_has_provenance(seed: object) -> None:
    for name, frame in seed.tables.items():
        if name in {s.DOCUMENTS, s.DOCUMENT_TABLES, s.READING_FINDINGS, s.FLAGS}:
            continue
        assert frame.height > 0, name
        assert frame.get_column(s.DOC_ID).n_unique() == 1, name
        assert frame.get_column(s.LINE).null_count() == 0, name
        assert frame.get_column(s.SOURCE_TEXT).null_count() == 0, name


def test_seed_totals_by_year(seed: object) -> None:
    totals = (
        seed.lines.filter((pl.col(s.CLASSIFICATION) == "total") & (pl.col(s.SIDE) == "income"))
        .sort(s.FISCAL_YEAR)
        .select(s.FISCAL_YEAR, s.AMOUNT_YUAN)
        .rows()
    )
    assert totals == [(2021, _wan("2330.28")), (2022, _wan("1652.62")), (2023, _wan("1370.19"))]
    assert seed.lines.filter(pl.col(s.FISCAL_YEAR) != pl.col(s.AS_OF_YEAR)).height == 16


def test_seed_basic_and_project_spending(seed: object) -> None:
    current = seed.lines.filter((pl.col(s.FISCAL_YEAR) == 2023) & (pl.col(s.SIDE) == "expenditure"))
    by_name = dict(current.select(s.NAME, s.AMOUNT_YUAN).rows())
    assert by_name["人员类项目支出"] + by_name["运转类项目支出"] == _wan("291.4")
    assert by_name["特定目标类项目支出"] == _wan("1078.79")
    stated = dict(seed.statements.select(s.SUBJECT, s.AMOUNT_YUAN).rows())
    assert stated["基本支出"] == _wan("291.4")
    assert stated["人员经费"] == _wan("278.47")
    assert stated["公用经费"] == _wan("12.93")
    assert stated["人员经费"] + stated["公用经费"] == stated["基本支出"]


def test_seed_staff(seed: object) -> None:
    row = seed.departments.row(0, named=True)
    assert (row[s.STAFF_AUTHORIZED], row[s.STAFF_ACTUAL]) == (21, 12)


def test_seed_goals(seed: object) -> None:
    goals = seed.indicators.select(s.GOAL_SCOPE, s.GOAL_NO).unique().sort(s.GOAL_SCOPE, s.GOAL_NO).rows()
    assert goals == [("annual", 1), ("annual", 2), ("annual", 3), ("long_term", 1), ("long_term", 2), ("long_term", 3)]


def test_gb18030_text_reads_the_same(tmp_path: Path, seed: object) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes(SEED.read_text(encoding="utf-8").encode("gb18030"))
    other = read_disclosure(path)
    assert other.lines.drop(s.DOC_ID).equals(seed.lines.drop(s.DOC_ID))
    assert other.documents.get_column(s.DOC_ID).item() != seed.documents.get_column(s.DOC_ID).item()


def test_synthetic_disclosure(tmp_path: Path) -> None:
    disclosure = SyntheticDisclosure(region="成都市武侯区", short_name="武侯区政务服务中心", year=2025)
    path = tmp_path / "wuhou.txt"
    path.write_text(disclosure.text(), encoding="utf-8")
    ds = read_disclosure(path)
    assert ds.documents.get_column(s.DEPARTMENT).item() == "成都市武侯区政务服务中心"
    assert ds.documents.get_column(s.FISCAL_YEAR).item() == 2025
    totals = dict(
        ds.lines.filter((pl.col(s.CLASSIFICATION) == "total") & (pl.col(s.SIDE) == "expenditure"))
        .select(s.FISCAL_YEAR, s.AMOUNT_YUAN)
        .rows()
    )
    assert totals == {2025: _wan("2500"), 2024: _wan("2300"), 2023: _wan("2000")}
    assert ds.projects.height == 2
    assert ds.indicators.height == 2
    income = ds.statements.filter(pl.col(s.AMOUNT_YUAN) == _wan("2500"))
    assert income.get_column(s.DIRECTION).to_list() == ["增加"]
    assert income.get_column(s.STATED_CHANGE_YUAN).to_list() == [_wan("200")]


# --- bad input ---------------------------------------------------------------------------------------------------


def _cut_before(marker: str) -> str:
    text = SEED.read_text(encoding="utf-8")
    return text[: text.index(marker)]


BAD_INPUTS = {
    "empty": (b"", r"empty\.txt: the file is empty"),
    "blank": (b"  \n\n \n", r"blank\.txt: the file is empty"),
    "binary": (bytes(range(256)) * 8, r"binary\.txt: this is a binary file"),
    "pdf_renamed": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", r"pdf_renamed\.txt: this is a binary file"),
    "latin1": ("prix: 12 €, café ".encode("cp1252") * 3 + b"\x81\x81", r"latin1\.txt, byte \d+: the bytes are neither"),
    "not_disclosure": (
        ("今天天气很好，我们去公园散步。\n\n" * 40).encode(),
        r"not_disclosure\.txt: not a budget disclosure",
    ),
    "short": ("某局 2024 年部门预算\n\n".encode(), r"short\.txt, line \d+: the text ends after 1 lines"),
    "truncated_table": (
        _cut_before("支出\n\n构成").encode(),
        r"truncated_table\.txt, line \d+: the 总体资金情况 table has no 支出 合计 row",
    ),
    "truncated_narrative": (
        _cut_before(" 第三部分").encode(),
        r"truncated_narrative\.txt, line \d+: the text ends before the narrative",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_gets_a_clear_error(tmp_path: Path, case: str) -> None:
    data, message = BAD_INPUTS[case]
    path = tmp_path / f"{case}.txt"
    path.write_bytes(data)
    with pytest.raises(ReaderError, match=message):
        read_disclosure(path)


def test_wrong_file_type(tmp_path: Path) -> None:
    path = tmp_path / "table.docx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(ReaderError, match=r"table\.docx: unsupported file type '\.docx'; expected one of \.pdf, \.txt"):
        read_disclosure(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ReaderError, match=r"gone\.txt: cannot read the file"):
        read_disclosure(tmp_path / "gone.txt")


def test_wrong_units_are_refused(tmp_path: Path) -> None:
    # The figures are in 万元 (the narrative says so) but the form's header claims 元.
    path = tmp_path / "units.txt"
    path.write_text(SyntheticDisclosure(unit_line="单位：元").text(), encoding="utf-8")
    with pytest.raises(ReaderError, match=r"units\.txt, line \d+: the tables say '单位：元', but .* read in 万元"):
        read_disclosure(path)


def test_tables_named_but_lost_are_recorded(seed: object) -> None:
    statuses = dict(seed.document_tables.select(s.TABLE, s.STATUS).rows())  # type: ignore[attr-defined]
    # The seed names its ten standard tables; the text keeps their titles, not their rows. Its 表 8 says the
    # department had no government-fund spending.
    assert len(statuses) == 10
    assert statuses["government_fund"] == "empty"
    assert statuses["income_expenditure_summary"] == "no_rows"
