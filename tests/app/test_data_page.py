from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from analytics import open_dataset
from analytics import schema as s
from analytics.reading import reading_report, required_tables
from analytics.reference import table_catalog
from analytics.store import Dataset, dataset_path
from tests.app.conftest import ARCHIVES, percent, table, tables
from tests.app.doubtful import DoubtfulDisclosure
from tests.synthetic import SyntheticDisclosure

ROOT = Path(__file__).resolve().parents[2]


def _page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("app_pages/data.py").run()
    assert not at.exception
    return at


def test_uploading_a_disclosure_adds_it_with_a_summary(dataset_copy: Path) -> None:
    before = open_dataset(dataset_copy).documents.height
    text = SyntheticDisclosure(region="南京市鼓楼区", short_name="鼓楼区档案馆").text()
    at = _page()
    at.file_uploader(key="data_upload").set_value(("gulou_archives.txt", text.encode(), "text/plain")).run()
    at.button(key="data_ingest").click().run()
    assert not at.exception
    assert any("已导入 1 个文件" in s.value for s in at.success)
    summary = table(at, "文字陈述")
    assert summary["部门"].to_list() == ["南京市鼓楼区档案馆"]
    assert summary["阶段"].to_list() == ["预算"]
    assert summary["文件"].to_list() == ["gulou_archives.txt"]
    stored = open_dataset(dataset_copy)
    assert stored.documents.height == before + 1
    mine = reading_report(stored).filter(pl.col(s.DEPARTMENT_ID) == "南京市鼓楼区档案馆").row(0, named=True)
    assert (summary["应有表"].item(), summary["已读表"].item()) == (mine["tables_expected"], mine["tables_found"])
    assert summary["读数存疑"].item() == mine["reading_findings"] == 0


def test_a_file_that_cannot_be_read_leaves_the_dataset_as_it_was(dataset_copy: Path) -> None:
    files = {str(p.relative_to(dataset_copy)): p.read_bytes() for p in dataset_copy.rglob("*") if p.is_file()}
    at = _page()
    at.file_uploader(key="data_upload").set_value(("broken.pdf", b"%PDF-1.7 truncated", "application/pdf")).run()
    at.button(key="data_ingest").click().run()
    assert not at.exception  # a message, never a traceback
    assert any("broken.pdf" in e.value for e in at.error)
    assert any("数据集未改动" in w.value for w in at.warning)
    assert {str(p.relative_to(dataset_copy)): p.read_bytes() for p in dataset_copy.rglob("*") if p.is_file()} == files


def test_downloads_hold_every_table_and_the_flags(dataset_copy: Path) -> None:
    at = _page()
    tables = at.get("download_button")
    assert len(tables) == 2
    at.radio(key="data_format").set_value("csv").run()
    assert not at.exception
    # One department's Fiscal Data Package: the tables only (a package holds budget lines, not findings).
    at.selectbox(key="data_department").select("江苏省人民检察院").run()
    at.radio(key="data_format").set_value("fdp").run()
    assert not at.exception
    assert [b.proto.label for b in at.get("download_button")] == ["下载全部数据表"]


def test_export_bytes_are_real_files(dataset_copy: Path) -> None:
    from analytics import export

    ds = open_dataset(dataset_copy)
    book = openpyxl.load_workbook(io.BytesIO(export.dataset_bytes(ds.tables, "xlsx")), read_only=True)
    assert "lines" in book.sheetnames and "flags" in book.sheetnames
    book.close()
    archive = zipfile.ZipFile(io.BytesIO(export.dataset_bytes(ds.tables, "csv")))
    assert "lines.csv" in archive.namelist()
    header = archive.read("flags.csv").decode().splitlines()[0]
    assert "evidence" in header and "peer_stats" in header


# --- the reading report -------------------------------------------------------------------------------------------

REPORT_HEADERS = [
    "部门",
    "年度",
    "阶段",
    "范围",
    "应有表",
    "已读表",
    "已核实占比",
    "读数存疑",
    "不符",
    "数字",
    "缺表",
    "无法读取",
    "文件",
]
REPORT = ("应有表", "已读表")
FINDINGS = ("类别", "说明")
TABLE_NAMES = set(table_catalog().get_column("name_zh"))


def _tables_named(cell: str) -> set[str]:
    return set() if cell == "—" else set(cell.split("、"))


def test_reading_report_of_the_default_dataset(dataset_copy: Path) -> None:
    ds = open_dataset(dataset_copy)
    expected = reading_report(ds)
    at = _page()
    assert any(h.value == "读数报告" for h in at.subheader)
    shown = table(at, *REPORT)
    assert shown.columns.to_list() == REPORT_HEADERS
    assert len(shown) == expected.height == ds.documents.get_column(s.DISCLOSURE_ID).n_unique()
    assert set(shown["阶段"]) <= {"预算", "决算"} and set(shown["范围"]) <= {"部门", "单位"}
    for column in ("缺表", "无法读取"):  # table names in Chinese, never a key
        assert set().union(*map(_tables_named, shown[column])) <= TABLE_NAMES
    assert shown["读数存疑"].sum() == expected.get_column(s.READING_FINDINGS).sum() == ds.reading_findings.height
    shares = {
        percent(r["figures_verified"], r["figures"]) if r["figures"] else "—" for r in expected.iter_rows(named=True)
    }
    assert set(shown["已核实占比"]) == shares
    assert not shown.isna().any().any()  # no empty cell reads None
    if ds.reading_findings.is_empty():
        assert not tables(at, *FINDINGS)
        assert any("没有读数存疑" in m.value for m in at.success)
    else:
        findings = table(at, *FINDINGS)
        assert len(findings) == ds.reading_findings.height
        assert sorted(findings["说明"]) == sorted(ds.reading_findings.get_column(s.MESSAGE_ZH))
        pages = ds.reading_findings.get_column(s.PAGE).drop_nulls()
        assert sorted(int(p) for p in findings["页码"] if p != "—") == sorted(pages)


def test_reading_report_of_a_doubtful_document_and_of_one_without_doubts(doubtful_dataset: Dataset) -> None:
    doubtful = DoubtfulDisclosure()
    lines = doubtful_dataset.lines.filter(pl.col(s.DEPARTMENT_ID) == doubtful.department)
    verified = lines.filter(pl.col(s.VERIFICATION) == "verified").height
    contradicted = lines.filter(pl.col(s.VERIFICATION) == "contradicted").height
    at = _page()
    shown = table(at, *REPORT)
    assert sorted(shown["部门"]) == sorted([doubtful.department, ARCHIVES.full_name])
    row = shown[shown["部门"] == doubtful.department].iloc[0]
    assert (row["年度"], row["阶段"], row["范围"]) == (doubtful.year, "预算", "部门")
    assert row["应有表"] == len(required_tables("budget", "department"))
    assert row["已读表"] == 2  # its 收支总表 and its 三公 table
    assert row["已核实占比"] == percent(verified, lines.height)
    assert (row["读数存疑"], row["不符"], row["数字"]) == (1, contradicted, lines.height)
    assert "收入总表" in _tables_named(row["缺表"]) and "三公经费和机关运行经费表" not in row["缺表"]
    assert (row["无法读取"], row["文件"]) == ("—", "doubtful.pdf")
    findings = table(at, *FINDINGS)
    assert findings[["部门", "页码", "类别"]].values.tolist() == [
        [doubtful.department, "3", "读数未能核实（恒等式不成立）"]
    ]
    assert findings["表或部分"].item() == "三公经费和机关运行经费表"
    assert findings["说明"].item().startswith("读数未能核实") and "270.00" in findings["说明"].item()
    # One department at a time; the archives' reading has no doubt: an empty state, not an empty table.
    at.selectbox(key="reading_department").select(ARCHIVES.full_name).run()
    assert not at.exception
    assert table(at, *REPORT)["部门"].to_list() == [ARCHIVES.full_name]
    assert not tables(at, *FINDINGS)
    assert any("没有读数存疑" in m.value for m in at.success)


def test_reading_report_in_english(doubtful_dataset: Dataset) -> None:
    at = _page()
    at.toggle(key="lang_en").set_value(True).run()
    assert not at.exception
    assert any(h.value == "Reading report" for h in at.subheader)
    shown = table(at, "Tables required")
    assert {"Department", "Phase", "Tables required", "Tables read", "Verified", "Reading doubts"} <= set(shown.columns)
    assert set(shown["Phase"]) == {"Budget"}
    findings = table(at, "Kind", "Finding")
    message = doubtful_dataset.reading_findings.get_column(s.MESSAGE_EN).item()
    assert findings["Finding"].to_list() == [message]
    assert findings["Kind"].to_list() == ["Not verified (an identity fails)"]
    assert findings["Table or part"].to_list() == ["Three public expenses and operating costs"]


def test_every_reading_kind_has_a_chinese_and_an_english_label() -> None:
    from app_pages._i18n import _STRINGS

    missing = [kind for kind in s.READING_KINDS if f"kind_{kind}" not in _STRINGS]
    assert missing == []
    labels = [_STRINGS[f"kind_{kind}"] for kind in s.READING_KINDS]
    assert all(zh and en and zh != en for zh, en in labels)


def test_an_upload_goes_to_the_working_dataset_and_leaves_the_shipped_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from analytics import store

    shipped = tmp_path / "shipped"
    shutil.copytree(dataset_path(None), shipped)
    monkeypatch.setattr(store, "DEFAULT_DATASET", shipped.resolve())
    monkeypatch.delenv("ANALYTICS_DATASET", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home"))
    files = {p.name: p.read_bytes() for p in shipped.iterdir() if p.name != ".lock"}
    text = SyntheticDisclosure(region="南京市玄武区", short_name="玄武区方志馆").text()
    at = _page()
    at.file_uploader(key="data_upload").set_value(("xuanwu_gazetteer.txt", text.encode(), "text/plain")).run()
    at.button(key="data_ingest").click().run()
    assert not at.exception
    assert {p.name: p.read_bytes() for p in shipped.iterdir() if p.name != ".lock"} == files
    working = open_dataset(tmp_path / "home" / "budget-analytics" / "dataset")
    assert working.documents.height == open_dataset(shipped).documents.height + 1
    assert "南京市玄武区方志馆" in working.documents.get_column(s.DEPARTMENT_ID).to_list()


def test_removing_a_document_on_the_data_page(dataset_copy: Path) -> None:
    held = open_dataset(dataset_copy).documents
    victim = held.sort(s.SOURCE_NAME).row(0, named=True)
    at = _page()
    assert at.button(key="remove_go").disabled  # nothing chosen, nothing to confirm
    at.multiselect(key="remove_documents").set_value([victim[s.DOC_ID]]).run()
    assert at.button(key="remove_go").disabled  # chosen but not confirmed
    at.checkbox(key="remove_sure").check().run()
    at.button(key="remove_go").click().run()
    assert not at.exception
    assert any(f"已移除 1 份文件；数据集现有 {held.height - 1} 份文件" in m.value for m in at.success)
    stored = open_dataset(dataset_copy)
    assert victim[s.DOC_ID] not in stored.documents.get_column(s.DOC_ID).to_list()
    assert stored.documents.height == held.height - 1
