"""The Fiscal Data Package export: what it holds, that it validates (our checker and frictionless), how it fails."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import frictionless
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import schema as s
from analytics.errors import DatasetError
from analytics.ingest import read_disclosure
from analytics.report import datapackage
from analytics.report.datapackage import (
    DataPackageError,
    data_package_bytes,
    validate_data_package,
    write_data_package,
)
from analytics.store import Dataset, open_dataset
from tests.pdf_synthetic import DisclosureSpec, EconomicLine, FunctionLine, build_disclosure_pdf
from tests.synthetic import SyntheticDisclosure

# The figures of the synthetic disclosure, in 元 (every one a multiple of 100 so that 万元 tables print it exactly).
FUNCTION_LINES = (
    FunctionLine("2010301", "行政运行", Decimal("1234500"), Decimal("66000")),
    FunctionLine("2010350", "事业运行", Decimal("0"), Decimal("410300"), business=Decimal("25000")),
    FunctionLine("2080505", "机关事业单位基本养老保险缴费支出", Decimal("318200"), Decimal("0")),
)
GROUP_NAMES = (
    ("201", "一般公共服务支出"),
    ("20103", "政府办公厅（室）及相关机构事务"),
    ("208", "社会保障和就业支出"),
    ("20805", "行政事业单位养老支出"),
)
ECONOMIC_LINES = (
    EconomicLine("30101", "基本工资", Decimal("1000000"), Decimal("0")),
    EconomicLine("30108", "机关事业单位基本养老保险缴费", Decimal("318200"), Decimal("0")),
    EconomicLine("30201", "办公费", Decimal("0"), Decimal("234500")),
)
DEPARTMENT = "上海市虹口区人民政府欧阳路街道办事处"


def _rows(directory: Path) -> list[dict[str, str]]:
    with (directory / "budget-lines.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _descriptor(directory: Path) -> dict[str, Any]:
    return json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))


def _leftovers(parent: Path, keep: set[str]) -> list[str]:
    return sorted(entry.name for entry in parent.iterdir() if entry.name not in keep)


@pytest.fixture(scope="module")
def default_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_data_package(open_dataset(), tmp_path_factory.mktemp("default") / "fdp")


@pytest.fixture(scope="module", params=["元", "万元"])
def synthetic_package(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = DisclosureSpec(
        region="上海市虹口区",
        department=DEPARTMENT,
        year=2025,
        unit=request.param,
        function_lines=FUNCTION_LINES,
        group_names=GROUP_NAMES,
        economic_lines=ECONOMIC_LINES,
    )
    directory = tmp_path_factory.mktemp("synthetic")
    dataset = read_disclosure(build_disclosure_pdf(directory / "hongkou_oyl_2025_dept_budget.pdf", spec))
    return write_data_package(dataset, directory / "fdp")


# --- the shipped dataset ----------------------------------------------------------------------------------------


def test_default_package_passes_our_checker(default_package: Path) -> None:
    assert sorted(p.name for p in default_package.iterdir()) == [
        "budget-lines.csv",
        "datapackage.json",
        "disclosure-score.csv",
    ]
    assert validate_data_package(default_package) == []
    assert validate_data_package(default_package / "datapackage.json") == []


def test_frictionless_validates_the_default_package(default_package: Path) -> None:
    descriptor = _descriptor(default_package)
    # frictionless 5 resolves the "fiscal-data-package" profile to a JSON Schema it downloads, the one of the
    # pre-1.0 specification (with its mandatory `model`); offline, and for the v1.0 form, the package is checked
    # as the Tabular Data Package a Fiscal Data Package extends: descriptor, schema and every cell.
    assert descriptor["profile"] == "fiscal-data-package"
    descriptor["profile"] = "tabular-data-package"
    report = frictionless.Package(descriptor, basepath=str(default_package)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_frictionless_catches_a_cell_our_descriptor_types(default_package: Path, tmp_path: Path) -> None:
    descriptor = _descriptor(default_package)
    descriptor["profile"] = "tabular-data-package"
    descriptor["resources"] = descriptor["resources"][:1]  # the budget lines only: the copy holds no other file
    del descriptor["resources"][0]["hash"], descriptor["resources"][0]["bytes"]
    frame = pl.read_csv(default_package / "budget-lines.csv", infer_schema=False)
    frame.with_columns(pl.lit("十二").alias("value")).write_csv(tmp_path / "budget-lines.csv")
    report = frictionless.Package(descriptor, basepath=str(tmp_path)).validate()
    assert not report.valid
    assert {error[1] for error in report.flatten(["fieldName", "type"])} == {"type-error"}


def test_default_package_descriptor(default_package: Path) -> None:
    descriptor = _descriptor(default_package)
    assert descriptor["name"] == "cn-budget-disclosures"
    assert descriptor["countryCode"] == "CN"
    # Jiangsu, Shanghai, Wuhan and Chongqing departments: no single province.
    assert "regionCode" not in descriptor
    assert descriptor["fiscalPeriod"] == {"start": "2017-01-01", "end": "2026-12-31"}  # 江苏 2017 … 普陀文旅 2026
    resource, score = descriptor["resources"]
    assert score["path"] == "disclosure-score.csv"
    assert (resource["path"], resource["profile"], resource["format"], resource["encoding"]) == (
        "budget-lines.csv",
        "tabular-data-resource",
        "csv",
        "utf-8",
    )
    fields = {field["name"]: field for field in resource["schema"]["fields"]}
    assert fields["value"]["columnType"] == "value"
    assert fields["value"]["type"] == "number"
    assert fields["value"]["currency"] == "CNY"
    assert fields["fiscal_year"]["columnType"] == "date:fiscal-year"
    assert fields["function_level3_code"]["columnType"] == "functional-classification:generic:level3:code"
    assert fields["economic_level2_label"]["columnType"] == "economic-classification:generic:level2:label"
    assert resource["schema"]["primaryKey"] == ["budget_line_id"]
    assert all(field["columnType"] for field in resource["schema"]["fields"])
    assert any("putuo_finance_2024_dept_final.pdf" in source["title"] for source in descriptor["sources"])


def test_default_package_phases_directions_and_money(default_package: Path) -> None:
    rows = _rows(default_package)
    assert {row["phase"] for row in rows} == {"approved", "executed"}
    assert {row["direction"] for row in rows} == {"expenditure", "revenue"}
    finals = {row["source_name"] for row in rows if row["phase"] == "executed"}
    assert finals == {
        "putuo_finance_2024_dept_final.pdf",
        "putuo_planning_2024_dept_final.pdf",
        "chongqing_swu_2023_dept_final.pdf",
    }
    assert all(re.fullmatch(r"-?\d+\.\d{2}", row["value"]) for row in rows)
    assert len({row["budget_line_id"] for row in rows}) == len(rows)


def test_default_package_keeps_leaves_only(default_package: Path) -> None:
    codes: dict[tuple[str, str, str], set[str]] = {}
    for row in _rows(default_package):
        code = next(
            row[f"{kind}_level{level}_code"]
            for kind, level in (("function", 3), ("function", 2), ("economic", 2), ("function", 1), ("economic", 1))
            if row[f"{kind}_level{level}_code"]
        )
        codes.setdefault((row["doc_id"], row["table"], row["value_kind"]), set()).add(code)
    parents = [
        (key, code)
        for key, group in codes.items()
        for code in group
        for other in group
        if other != code and other.startswith(code)
    ]
    assert parents == []
    # Total rows have no code: every row exported sits in a classification.
    assert all(row["function_level1_code"] or row["economic_level1_code"] for row in _rows(default_package))


def test_unit_budget_inside_a_department_budget_is_left_out(default_package: Path) -> None:
    sources = {row["source_name"] for row in _rows(default_package)}
    # The 政府办公室 publishes both for 2025: its 部门预算 already contains the 单位预算.
    assert "putuo_govoffice_2025_dept_budget.pdf" in sources
    assert "putuo_govoffice_2025_unit_budget.pdf" not in sources
    # The welfare home's department did not publish: its 单位预算 stays.
    assert "putuo_welfarehome_2024_unit_budget.pdf" in sources


def test_one_department(tmp_path: Path) -> None:
    root = write_data_package(open_dataset(), tmp_path / "finance", department_id="上海市普陀区财政局")
    assert validate_data_package(root) == []
    rows = _rows(root)
    assert {row["admin_level2_code"] for row in rows} == {"上海市普陀区财政局"}
    assert {(row["fiscal_year"], row["phase"]) for row in rows} == {("2024", "executed"), ("2025", "approved")}
    descriptor = _descriptor(root)
    assert descriptor["regionCode"] == "CN-SH"
    assert descriptor["fiscalPeriod"] == {"start": "2024-01-01", "end": "2025-12-31"}
    assert re.fullmatch(r"[a-z0-9._-]+", descriptor["name"])
    assert descriptor["name"] != "cn-budget-disclosures"
    assert "上海市普陀区财政局" in descriptor["title"]


def test_unknown_department(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"department '不存在的局' is not in the dataset; it has: 上海市普陀区"):
        write_data_package(open_dataset(), tmp_path / "x", department_id="不存在的局")
    assert not (tmp_path / "x").exists()


# --- a synthetic disclosure: figures the test states --------------------------------------------------------------


def _value(rows: list[dict[str, str]], table: str, code: str, kind: str) -> Decimal:
    (row,) = [
        r
        for r in rows
        if r["table"] == table
        and code in (r["function_level3_code"], r["economic_level2_code"])
        and r["value_kind"] == kind
    ]
    return Decimal(row["value"])


@pytest.mark.parametrize(
    ("table", "code", "kind", "expected"),
    [
        ("expenditure_summary", "2010301", "basic", "1234500.00"),
        ("expenditure_summary", "2010301", "project", "66000.00"),
        ("expenditure_summary", "2010301", "total", "1300500.00"),
        ("expenditure_summary", "2010350", "project", "435300.00"),
        ("income_summary", "2010350", "business_income", "25000.00"),
        ("income_summary", "2010350", "fiscal_appropriation", "410300.00"),
        ("general_budget_function", "2080505", "basic", "318200.00"),
        ("general_budget_basic_economic", "30201", "public", "234500.00"),
        ("general_budget_basic_economic", "30101", "personnel", "1000000.00"),
    ],
)
def test_synthetic_figures_in_yuan(synthetic_package: Path, table: str, code: str, kind: str, expected: str) -> None:
    assert _value(_rows(synthetic_package), table, code, kind) == Decimal(expected)


def test_synthetic_sums_are_the_table_totals(synthetic_package: Path) -> None:
    rows = _rows(synthetic_package)

    def total(table: str, kind: str) -> Decimal:
        return sum((Decimal(r["value"]) for r in rows if r["table"] == table and r["value_kind"] == kind), Decimal(0))

    # 1,300,500 + 435,300 + 318,200 spent; 1,234,500 + 318,200 of it 基本支出, shared out by economic class.
    assert total("expenditure_summary", "total") == Decimal("2054000")
    assert total("income_summary", "total") == Decimal("2054000")
    assert total("expenditure_summary", "basic") == Decimal("1552700")
    assert total("general_budget_basic_economic", "total") == Decimal("1552700")


def test_synthetic_classification_levels(synthetic_package: Path) -> None:
    rows = _rows(synthetic_package)
    (row,) = [
        r
        for r in rows
        if r["table"] == "expenditure_summary" and r["function_level3_code"] == "2010301" and r["value_kind"] == "basic"
    ]
    assert (row["function_level1_code"], row["function_level1_label"]) == ("201", "一般公共服务支出")
    assert row["function_level2_code"] == "20103"
    assert row["function_level2_label"].startswith("政府办公厅")
    assert row["function_level3_label"] == "行政运行"
    assert (row["economic_level1_code"], row["economic_level2_code"]) == ("", "")
    assert (row["phase"], row["direction"], row["fiscal_year"]) == ("approved", "expenditure", "2025")
    assert (row["admin_level1_code"], row["admin_level2_label"]) == ("上海市虹口区", DEPARTMENT)
    (econ,) = [r for r in rows if r["economic_level2_code"] == "30201" and r["value_kind"] == "public"]
    assert (econ["economic_level1_code"], econ["economic_level1_label"]) == ("302", "商品和服务支出")
    assert econ["function_level1_code"] == ""
    # Only 项 of the function tables: no 类 or 款 row counts the same money again.
    function_rows = [r for r in rows if r["function_level1_code"]]
    assert {r["function_level3_code"] for r in function_rows} == {line.code for line in FUNCTION_LINES}
    assert {r["direction"] for r in rows if r["table"] == "income_summary"} == {"revenue"}
    assert _descriptor(synthetic_package)["regionCode"] == "CN-SH"


# --- invariants on hand-made lines --------------------------------------------------------------------------------

_LEAF_CODES = [f"{lei}{kuan}{xiang}" for lei in ("201", "208") for kuan in ("01", "05") for xiang in ("01", "02", "99")]


def _line(code: str | None, amount: Decimal, *, classification: str = "function", name: str = "") -> dict[str, Any]:
    return {
        s.DOC_ID: "doc",
        s.DEPARTMENT_ID: "某局",
        s.FISCAL_YEAR: 2024,
        s.AS_OF_YEAR: 2024,
        s.PHASE: "final",
        s.TABLE: "expenditure_summary",
        s.SIDE: "expenditure",
        s.CLASSIFICATION: classification,
        s.CODE: code,
        s.NAME: name or f"科目{code}",
        s.LEVEL: {3: 1, 5: 2, 7: 3}[len(code)] if code else None,
        s.PARENT_CODE: None,
        s.COLUMN: "total",
        s.AMOUNT_YUAN: amount,
    }


def _hand_made(leaves: dict[str, Decimal], *, with_kuan: bool) -> Dataset:
    rows = [_line(code, amount) for code, amount in leaves.items()]
    for parent in sorted({code[:3] for code in leaves} | ({code[:5] for code in leaves} if with_kuan else set())):
        rows.append(_line(parent, sum((a for c, a in leaves.items() if c.startswith(parent)), Decimal(0))))
    rows.append(_line(None, sum(leaves.values(), Decimal(0)), classification="total", name="合计"))
    lines = pl.DataFrame(rows, schema=s.TABLES[s.LINES].schema)
    documents = pl.DataFrame(
        [
            {
                s.DOC_ID: "doc",
                s.SOURCE_NAME: "mou_2024_dept_final.pdf",
                s.SOURCE_FORMAT: "pdf",
                s.REGION: "江苏省",
                s.DEPARTMENT: "江苏省某局",
                s.DEPARTMENT_ID: "某局",
                s.FISCAL_YEAR: 2024,
                s.PHASE: "final",
                s.SCOPE: "department",
                s.DISCLOSURE_ID: "d",
            }
        ],
        schema=s.TABLES[s.DOCUMENTS].schema,
    )
    return Dataset.from_tables({s.LINES: lines, s.DOCUMENTS: documents})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    leaves=st.dictionaries(
        st.sampled_from(_LEAF_CODES),
        st.integers(min_value=-(10**9), max_value=10**11).map(lambda cents: Decimal(cents).scaleb(-2)),
        min_size=1,
    ),
    with_kuan=st.booleans(),
)
def test_leaves_preserve_the_total(tmp_path: Path, leaves: dict[str, Decimal], with_kuan: bool) -> None:
    root = write_data_package(_hand_made(leaves, with_kuan=with_kuan), tmp_path / "fdp")
    rows = _rows(root)
    assert {row["function_level3_code"]: Decimal(row["value"]) for row in rows} == leaves
    assert sum((Decimal(row["value"]) for row in rows), Decimal(0)) == sum(leaves.values(), Decimal(0))
    assert {row["phase"] for row in rows} == {"executed"}
    assert _descriptor(root)["regionCode"] == "CN-JS"
    assert validate_data_package(root) == []


# --- the checker: each broken rule is named ------------------------------------------------------------------------


def _set_column_type(name: str, column_type: str) -> Callable[[dict[str, Any], Path], None]:
    def mutate(descriptor: dict[str, Any], _: Path) -> None:
        for field in descriptor["resources"][0]["schema"]["fields"]:
            if field["name"] == name:
                field["columnType"] = column_type

    return mutate


def _set_field(name: str, key: str, value: Any) -> Callable[[dict[str, Any], Path], None]:
    def mutate(descriptor: dict[str, Any], _: Path) -> None:
        for field in descriptor["resources"][0]["schema"]["fields"]:
            if field["name"] == name:
                field[key] = value

    return mutate


def _drop_level1(descriptor: dict[str, Any], root: Path) -> None:
    _set_column_type("function_level1_code", "unknown:string")(descriptor, root)
    _set_column_type("function_level1_label", "unknown:string")(descriptor, root)


def _swap_fields(descriptor: dict[str, Any], _: Path) -> None:
    fields = descriptor["resources"][0]["schema"]["fields"]
    fields[1], fields[2] = fields[2], fields[1]


def _bad_value_cell(_: dict[str, Any], root: Path) -> None:
    frame = pl.read_csv(root / "budget-lines.csv", infer_schema=False)
    frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 3).then(pl.lit("12,5元")).otherwise("value").alias("value")
    ).write_csv(root / "budget-lines.csv")


def _delete_csv(_: dict[str, Any], root: Path) -> None:
    (root / "budget-lines.csv").unlink()


BROKEN: dict[str, tuple[Callable[[dict[str, Any], Path], None], str]] = {
    "profile dropped": (lambda d, _: d.pop("profile"), "'profile' is missing"),
    "other profile": (lambda d, _: d.update(profile="tabular-data-package"), "expected 'fiscal-data-package'"),
    "bad name": (lambda d, _: d.update(name="部门预算"), "'name'"),
    "no resources": (lambda d, _: d.update(resources=[]), "'resources' must be a non-empty list"),
    "unknown columnType": (
        _set_column_type("value", "amount"),
        "field 'value' has columnType 'amount', which is not in the OpenSpending column-type vocabulary",
    ),
    "columnType missing": (_set_field("direction", "columnType", None), "field 'direction' has no columnType"),
    "code without label": (
        _set_column_type("function_level2_label", "unknown:string"),
        "functional-classification:generic:level2:code has no matching label field",
    ),
    "level2 without level1": (
        _drop_level1,
        "functional-classification:generic:level2 is used without functional-classification:generic:level1:code",
    ),
    "no fiscal year": (
        _set_column_type("fiscal_year", "unknown:integer"),
        "has a 'value' column but no 'date:fiscal-year' column",
    ),
    "no value": (_set_column_type("value", "unknown:number"), "no field has columnType 'value'"),
    "type against columnType": (_set_field("fiscal_year", "type", "string"), "needs 'integer'"),
    "header mismatch": (_swap_fields, "does not match the schema's fields in order (column 2 is 'fiscal_year'"),
    "value not a number": (_bad_value_cell, "cell(s) of 'value' are not a number (first: row 4, '12,5元')"),
    "hash": (lambda d, _: d["resources"][0].update(hash="sha256:" + "0" * 64), "'hash' does not match"),
    "file missing": (_delete_csv, "path 'budget-lines.csv' does not exist"),
    "path outside": (lambda d, _: d["resources"][0].update(path="../budget-lines.csv"), "leaves the package directory"),
    "resource profile": (
        lambda d, _: d["resources"][0].update(profile="data-resource"),
        "expected 'tabular-data-resource'",
    ),
    "primary key": (
        lambda d, _: d["resources"][0]["schema"].update(primaryKey=["id"]),
        "primaryKey names no field 'id'",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_checker_names_what_is_broken(default_package: Path, tmp_path: Path, case: str) -> None:
    root = tmp_path / "copy"
    root.mkdir()
    for name in ("datapackage.json", "budget-lines.csv", "disclosure-score.csv"):
        (root / name).write_bytes((default_package / name).read_bytes())
    assert validate_data_package(root) == []
    mutate, expected = BROKEN[case]
    descriptor = _descriptor(root)
    mutate(descriptor, root)
    (root / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    problems = validate_data_package(root)
    assert any(expected in problem for problem in problems), problems


@pytest.mark.parametrize(
    ("content", "expected"),
    [(None, "no datapackage.json"), (b"{", "is not UTF-8 JSON"), (b"[]", "does not hold a JSON object")],
)
def test_checker_on_unreadable_descriptors(tmp_path: Path, content: bytes | None, expected: str) -> None:
    if content is not None:
        (tmp_path / "datapackage.json").write_bytes(content)
    (problem,) = validate_data_package(tmp_path)
    assert expected in problem


# --- zip --------------------------------------------------------------------------------------------------------


def test_zip_holds_the_package(tmp_path: Path) -> None:
    data = data_package_bytes(open_dataset())
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist() == ["datapackage.json", "budget-lines.csv", "disclosure-score.csv"]
    descriptor = json.loads(archive.read("datapackage.json"))
    assert descriptor["profile"] == "fiscal-data-package"
    assert descriptor["resources"][0]["path"] == "budget-lines.csv"
    assert archive.read("budget-lines.csv").startswith(b"budget_line_id,fiscal_year,")
    archive.extractall(tmp_path)
    assert validate_data_package(tmp_path) == []
    # Fixed timestamps: the same dataset gives the same bytes.
    assert data_package_bytes(open_dataset()) == data


def test_zip_of_one_department() -> None:
    archive = zipfile.ZipFile(io.BytesIO(data_package_bytes(open_dataset(), "上海市普陀区财政局")))
    rows = list(csv.DictReader(io.StringIO(archive.read("budget-lines.csv").decode("utf-8"))))
    assert {row["admin_level2_code"] for row in rows} == {"上海市普陀区财政局"}


# --- errors and atomic writes -------------------------------------------------------------------------------------


def test_empty_dataset(tmp_path: Path) -> None:
    with pytest.raises(DataPackageError, match="no lines to export"):
        write_data_package(Dataset.empty(), tmp_path / "fdp")
    with pytest.raises(DataPackageError, match="no lines to export"):
        data_package_bytes(Dataset.empty())
    assert _leftovers(tmp_path, set()) == []


def test_dataset_without_classified_tables(tmp_path: Path) -> None:
    disclosure = SyntheticDisclosure(region="成都市武侯区", short_name="武侯区政务服务中心", year=2025)
    path = tmp_path / "wuhou.txt"
    path.write_text(disclosure.text(), encoding="utf-8")
    dataset = read_disclosure(path)
    # Its only table is the 总体资金情况 of the 绩效目标申报表: lines, but none classified by function or economy.
    assert dataset.lines.height > 0
    with pytest.raises(DataPackageError, match=r"no lines to export: .*支出功能分类"):
        write_data_package(dataset, tmp_path / "fdp")
    assert _leftovers(tmp_path, {"wuhou.txt"}) == []


def test_target_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "fdp"
    target.write_text("keep me", encoding="utf-8")
    with pytest.raises(DataPackageError, match="is a file"):
        write_data_package(open_dataset(), target)
    assert target.read_text(encoding="utf-8") == "keep me"
    assert _leftovers(tmp_path, {"fdp"}) == []


def test_target_with_other_files_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "fdp"
    target.mkdir()
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(DataPackageError, match=r"notes\.txt"):
        write_data_package(open_dataset(), target)
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert _leftovers(tmp_path, {"fdp"}) == []


def test_an_earlier_package_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "fdp"
    write_data_package(open_dataset(), target)
    write_data_package(open_dataset(), target, department_id="上海市普陀区财政局")
    assert {row["admin_level2_code"] for row in _rows(target)} == {"上海市普陀区财政局"}
    assert validate_data_package(target) == []
    assert _leftovers(tmp_path, {"fdp"}) == []


def test_a_failed_write_leaves_the_earlier_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "fdp"
    write_data_package(open_dataset(), target, department_id="上海市普陀区财政局")
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    monkeypatch.setattr(datapackage, "validate_data_package", lambda _: ["the check failed on purpose"])
    with pytest.raises(DataPackageError, match="the check failed on purpose"):
        write_data_package(open_dataset(), target)
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    with pytest.raises(DataPackageError, match="the check failed on purpose"):
        write_data_package(open_dataset(), tmp_path / "new")
    assert _leftovers(tmp_path, {"fdp"}) == []


# --- the disclosure score -----------------------------------------------------------------------------------------


def test_the_package_carries_each_disclosures_score(default_package: Path) -> None:
    from analytics.score import disclosure_scores

    descriptor = _descriptor(default_package)
    score = next(r for r in descriptor["resources"] if r["path"] == "disclosure-score.csv")
    fields = {field["name"]: field["columnType"] for field in score["schema"]["fields"]}
    assert (fields["fiscal_year"], fields["phase"]) == ("date:fiscal-year", "phase:id")
    assert "value" not in fields.values()  # a score is no amount of money
    frame = pl.read_csv(default_package / "disclosure-score.csv")
    expected = disclosure_scores(open_dataset())
    assert frame.get_column("score").to_list() == expected.get_column("score").to_list()
    assert set(frame.get_column("phase")) <= {"approved", "executed"}


def test_the_package_keeps_english_names_with_chinese_titles(default_package: Path) -> None:
    """Machines read the English field names; a person reads the titles, the workbook's headers."""
    descriptor = _descriptor(default_package)
    score = next(r for r in descriptor["resources"] if r["path"] == "disclosure-score.csv")
    titles = {field["name"]: field["title"] for field in score["schema"]["fields"]}
    assert titles["department_id"] == "部门编号"
    assert titles["name"] == "部门名称"
    assert titles["tables"] == "应公开的报表均已公开且可读取"
    assert titles["score"] == "总分"
    rows = _rows(default_package)
    # A table and a printed column by their Chinese names beside their keys.
    assert "一般公共预算支出功能分类表" in {row["table_label"] for row in rows}
    assert "财政拨款" in {row["value_kind_label"] for row in rows}
