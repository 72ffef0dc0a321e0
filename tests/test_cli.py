from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from analytics import schema as s
from analytics.cli import main
from analytics.reading import reading_report, required_tables
from analytics.store import open_dataset
from tests.app.doubtful import DoubtfulDisclosure
from tests.conftest import SEED
from tests.synthetic import SyntheticDisclosure


def _snapshot(directory: Path) -> dict[str, bytes]:
    # Recursive: the source files kept in ``sources/`` are part of the dataset too.
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


@pytest.fixture
def other(tmp_path: Path) -> Path:
    path = tmp_path / "other.txt"
    path.write_text(SyntheticDisclosure(region="南京市鼓楼区", short_name="鼓楼区档案馆").text(), encoding="utf-8")
    return path


def test_ingest_two_files_then_again(tmp_path: Path, other: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dataset = tmp_path / "ds"
    assert main(["ingest", str(SEED), str(other), "--dataset", str(dataset)]) == 0
    out = capsys.readouterr().out
    assert "hanyang_bigdata_2023_dept_budget.txt" in out
    assert "other.txt" in out
    assert "南京市鼓楼区档案馆" in out
    ds = open_dataset(dataset)
    assert sorted(ds.documents.get_column(s.DEPARTMENT).to_list()) == ["南京市鼓楼区档案馆", "武汉市汉阳区大数据中心"]
    heights = {name: frame.height for name, frame in ds.tables.items()}
    assert main(["ingest", str(SEED), "--dataset", str(dataset)]) == 0
    assert {name: frame.height for name, frame in open_dataset(dataset).tables.items()} == heights


def test_bad_file_leaves_dataset_unchanged(tmp_path: Path, other: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dataset = tmp_path / "ds"
    assert main(["ingest", str(SEED), "--dataset", str(dataset)]) == 0
    before = _snapshot(dataset)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    capsys.readouterr()
    assert main(["ingest", str(other), str(empty), "--dataset", str(dataset)]) == 1
    out = capsys.readouterr().out
    assert "empty.txt: the file is empty" in out
    assert "dataset left unchanged" in out
    assert "Traceback" not in out
    assert _snapshot(dataset) == before


def test_info_and_missing_dataset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", "--dataset", str(tmp_path / "none")]) == 1
    assert "no dataset here" in capsys.readouterr().out
    assert main(["ingest", str(SEED), "--dataset", str(tmp_path / "ds")]) == 0
    capsys.readouterr()
    assert main(["info", "--dataset", str(tmp_path / "ds")]) == 0
    out = capsys.readouterr().out
    assert "statements" in out
    # The seed's one budget (2023) prints the totals of 2021 and 2022 too.
    assert "1: 2023" in out and "2021, 2022, 2023 / —" in out


def test_help_shows_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["ingest", "--help"])
    assert exit_info.value.code == 0
    assert "analytics ingest a.txt b.txt --dataset" in capsys.readouterr().out


def test_build_dataset_from_folder(tmp_path: Path, other: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / SEED.name).write_bytes(SEED.read_bytes())
    (raw / other.name).write_bytes(other.read_bytes())
    (raw / "SOURCES.md").write_text("provenance", encoding="utf-8")
    assert main(["build-dataset", str(raw), str(tmp_path / "ds")]) == 0
    assert open_dataset(tmp_path / "ds").documents.height == 2
    assert main(["build-dataset", str(tmp_path / "nowhere"), str(tmp_path / "ds2")]) == 1


def test_unknown_codes_are_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.pdf_synthetic import DisclosureSpec, FunctionLine, build_disclosure_pdf

    spec = DisclosureSpec(
        function_lines=(
            FunctionLine("2010301", "行政运行", "1000000", "0"),
            # 299 is no 类 of the function classification in any year: it must be kept and reported.
            FunctionLine("2999901", "虚构事务", "0", "50000"),
        ),
        group_names=(
            ("201", "一般公共服务支出"),
            ("20103", "政府办公厅（室）及相关机构事务"),
            ("299", "虚构支出"),
            ("29999", "虚构款"),
        ),
    )
    pdf = build_disclosure_pdf(tmp_path / "odd.pdf", spec)
    assert main(["ingest", str(pdf), "--dataset", str(tmp_path / "ds")]) == 0
    out = capsys.readouterr().out
    assert "odd.pdf" in out
    assert "not in the classification reference" in out
    assert "2999901" in out
    stored = open_dataset(tmp_path / "ds").lines
    assert "2999901" in stored.get_column(s.CODE).to_list()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_check_writes_rule_and_model_flags(tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    import openpyxl

    from analytics.store import dataset_path

    dataset = tmp_path / "ds"
    shutil.copytree(dataset_path(None), dataset)
    out = tmp_path / f"flags{suffix}"
    assert main(["check", "--dataset", str(dataset), "--out", str(out)]) == 0
    assert "异常模型 anomaly" in capsys.readouterr().out
    if suffix == ".xlsx":
        book = openpyxl.load_workbook(out, read_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        book.close()
        header = list(rows[0])
        sources = {row[header.index("source")] for row in rows[1:]}
        peer_stats = [row[header.index("peer_stats")] for row in rows[1:] if row[header.index("source")] == "model"]
    else:
        frame = pl.read_csv(out) if suffix == ".csv" else pl.read_parquet(out)
        sources = set(frame.get_column("source"))
        peer_stats = frame.filter(pl.col("source") == "model").get_column("peer_stats").to_list()
    # The reader's doubts are flags too (source "reader") when the dataset holds reading findings.
    doubts = {"reader"} if not open_dataset(dataset).reading_findings.is_empty() else set()
    assert sources == {"rule", "model"} | doubts
    described = [p for p in peer_stats if p is not None]
    assert described
    if suffix != ".parquet":  # flat formats carry the statistics as text
        assert all(str(p).startswith("n=") for p in described)


def test_export_every_format(tmp_path: Path, other: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import io
    import zipfile

    from analytics.report.datapackage import validate_data_package

    dataset = tmp_path / "ds"
    assert main(["ingest", str(SEED), str(other), "--dataset", str(dataset)]) == 0
    ds = open_dataset(dataset)
    common = ["--dataset", str(dataset), "--triage", str(tmp_path / "t.sqlite")]
    # One department's workbook holds its rows only, money in exact 元.
    book = tmp_path / "gulou.xlsx"
    assert main(["export", "--format", "xlsx", "--department", "南京市鼓楼区档案馆", "--out", str(book), *common]) == 0
    lines = pl.read_excel(book, sheet_name="收支表数字", engine="openpyxl")
    assert set(lines.get_column("部门编号")) == {"南京市鼓楼区档案馆"}
    expected = ds.lines.filter(pl.col(s.DEPARTMENT_ID) == "南京市鼓楼区档案馆").get_column(s.AMOUNT_YUAN)
    assert sorted(lines.get_column("金额（元）").to_list()) == sorted(float(v) for v in expected)
    # The whole dataset as CSV in a zip, every table.
    archive = tmp_path / "ds.zip"
    assert main(["export", "--format", "csv", "--out", str(archive), *common]) == 0
    names = zipfile.ZipFile(io.BytesIO(archive.read_bytes())).namelist()
    assert sorted(names) == sorted(f"{name}.csv" for name in s.TABLES)
    # A Fiscal Data Package of the default dataset (the text disclosures print no classification tables) validates.
    package = tmp_path / "fdp"
    assert main(["export", "--format", "fdp", "--out", str(package)]) == 0
    assert (package / "datapackage.json").exists()
    assert validate_data_package(package) == []
    capsys.readouterr()
    assert main(["export", "--format", "xlsx", "--department", "不存在局", "--out", str(book), *common]) == 1
    assert "no department '不存在局'" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    assert "analytics export --format fdp --out fiscal-package" in capsys.readouterr().out


# --- the reading report in the summary ------------------------------------------------------------------------------


@pytest.fixture
def doubtful(tmp_path: Path) -> Path:
    return DoubtfulDisclosure().write(tmp_path / "doubtful.pdf")


def _row(out: str, marker: str) -> list[str]:
    """The cells of the summary row that holds ``marker`` (a file name short enough never to wrap)."""
    line = next(line for line in out.splitlines() if marker in line)
    return [cell.strip() for cell in line.strip("│ ").split("│")]


def test_ingest_summary_gives_each_document_its_reading_report(
    tmp_path: Path, other: Path, doubtful: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset = tmp_path / "ds"
    assert main(["ingest", str(other), str(doubtful), "--dataset", str(dataset)]) == 0
    out = capsys.readouterr().out
    stored = open_dataset(dataset)
    mine = stored.documents.filter(pl.col(s.SOURCE_NAME) == doubtful.name).get_column(s.DOC_ID).item()
    lines = stored.lines.filter(pl.col(s.DOC_ID) == mine)
    verified = lines.filter(pl.col(s.VERIFICATION) == "verified").height
    assert 0 < verified < lines.height  # the contradicted 三公 figures are not verified
    found = stored.document_tables.filter(pl.col(s.DOC_ID) == mine).get_column(s.TABLE).unique().len()
    expected = len(required_tables("budget", "department"))
    cells = _row(out, doubtful.name)
    assert cells == [
        doubtful.name,
        DoubtfulDisclosure().department,
        "2026 预算",
        f"{found}/{expected}",
        str(lines.height),
        f"{verified / lines.height:.1%}",
        "1",  # the one 三公 row no reading reconciles
    ]
    # The synthetic text disclosure prints no standard table as such: nothing to verify, no doubt.
    assert _row(out, other.name)[-1] == "0"
    # Which tables are missing and where the doubt is, in Chinese table names with the page.
    note = next(line for line in out.splitlines() if line.startswith(f"读数 reading {doubtful.name}"))
    assert "缺表 missing" in note and "收入总表" in note and "三公经费和机关运行经费表" not in note
    assert "读数存疑 doubts 1 (p. 3)" in note
    assert "数据页" in out


def test_build_dataset_summary_counts_the_doubts_of_the_stored_dataset(
    tmp_path: Path, doubtful: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / SEED.name).write_bytes(SEED.read_bytes())
    (raw / doubtful.name).write_bytes(doubtful.read_bytes())
    assert main(["build-dataset", str(raw), str(tmp_path / "ds")]) == 0
    out = capsys.readouterr().out
    report = reading_report(open_dataset(tmp_path / "ds"))
    assert _row(out, doubtful.name)[-1] == str(report.get_column(s.READING_FINDINGS).sum()) == "1"
    seed = report.filter(pl.col(s.DEPARTMENT_ID) == "武汉市汉阳区大数据中心").row(0, named=True)
    assert _row(out, SEED.name)[3] == f"{seed['tables_found']}/{seed['tables_expected']}"


@pytest.mark.parametrize("width", [80, 100, 160])
def test_the_summary_fits_the_terminal(width: int, other: Path, doubtful: Path) -> None:
    import io

    from rich.cells import cell_len
    from rich.console import Console

    from analytics.cli import _report_read
    from analytics.ingest import read_batch

    batch = read_batch([SEED, other, doubtful])
    console = Console(width=width, file=io.StringIO(), force_terminal=False)
    _report_read(batch.read, batch.merged(), console)
    out = console.file.getvalue()
    lines = out.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    table = [line for line in lines if line[:1] in "┏┃┡│└"]
    # Every row keeps its right border: no column is cut off, the doubts column included.
    assert all(line.rstrip()[-1] in "┓┃┩│┘" for line in table)
    assert any("doubts" in line for line in table)
    assert _row(out, doubtful.name)[-1] == "1"


def test_removing_a_document_is_as_if_it_had_never_been_ingested(
    tmp_path: Path, other: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    both, alone = tmp_path / "both", tmp_path / "alone"
    assert main(["ingest", str(SEED), str(other), "--dataset", str(both)]) == 0
    assert main(["ingest", str(SEED), "--dataset", str(alone)]) == 0
    capsys.readouterr()
    assert main(["remove", "other.txt", "--dataset", str(both)]) == 0
    assert "已移除 removed 1 document(s)" in capsys.readouterr().out
    removed, expected = open_dataset(both), open_dataset(alone)
    for name in (s.DOCUMENTS, s.DEPARTMENTS, s.LINES, s.STATEMENTS, s.FLAGS):
        assert removed.tables[name].equals(expected.tables[name]), name


def test_removing_an_unknown_document_names_it_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset = tmp_path / "ds"
    assert main(["ingest", str(SEED), "--dataset", str(dataset)]) == 0
    before = _snapshot(dataset)
    capsys.readouterr()
    assert main(["remove", "missing_2024_budget.pdf", "--dataset", str(dataset)]) == 1
    out = capsys.readouterr().out
    assert "missing_2024_budget.pdf" in out and "expected a doc_id or the file name" in out
    assert _snapshot(dataset) == before


def test_a_removed_documents_findings_come_back_with_their_triage(tmp_path: Path, other: Path) -> None:
    from analytics.triage import open_triage

    dataset = tmp_path / "ds"
    assert main(["ingest", str(SEED), str(other), "--dataset", str(dataset)]) == 0
    ds = open_dataset(dataset)
    seed_doc = ds.documents.filter(pl.col(s.SOURCE_NAME) == SEED.name).get_column(s.DOC_ID).item()
    flag_id = ds.flags.filter(pl.col(s.DOC_ID) == seed_doc).get_column(s.FLAG_ID)[0]
    triage = open_triage(tmp_path / "triage.sqlite")
    triage.record(flag_id, "已解释", note="见说明第2页", author="审计甲")
    assert main(["remove", seed_doc, "--dataset", str(dataset)]) == 0
    assert flag_id not in open_dataset(dataset).flags.get_column(s.FLAG_ID).to_list()
    assert main(["ingest", str(SEED), "--dataset", str(dataset)]) == 0
    annotated = triage.annotate(open_dataset(dataset).flags).filter(pl.col(s.FLAG_ID) == flag_id)
    assert annotated.get_column("status").to_list() == ["已解释"]
