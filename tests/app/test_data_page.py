from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from analytics import open_dataset
from analytics.store import dataset_path
from tests.synthetic import SyntheticDisclosure

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def dataset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the default dataset, so that ingesting never touches the shipped one."""
    copy = tmp_path / "ds"
    shutil.copytree(dataset_path(None), copy)
    monkeypatch.setenv("ANALYTICS_DATASET", str(copy))
    return copy


def _page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("app_pages/data.py").run()
    assert not at.exception
    return at


def test_uploading_a_disclosure_adds_it_with_a_summary(dataset: Path) -> None:
    before = open_dataset(dataset).documents.height
    text = SyntheticDisclosure(region="南京市鼓楼区", short_name="鼓楼区档案馆").text()
    at = _page()
    at.file_uploader(key="data_upload").set_value(("gulou_archives.txt", text.encode(), "text/plain")).run()
    at.button(key="data_ingest").click().run()
    assert not at.exception
    assert any("已导入 1 个文件" in s.value for s in at.success)
    summary = at.dataframe[0].value
    assert summary["department"].to_list() == ["南京市鼓楼区档案馆"]
    assert open_dataset(dataset).documents.height == before + 1


def test_a_file_that_cannot_be_read_leaves_the_dataset_as_it_was(dataset: Path) -> None:
    files = {p.name: p.read_bytes() for p in dataset.iterdir()}
    at = _page()
    at.file_uploader(key="data_upload").set_value(("broken.pdf", b"%PDF-1.7 truncated", "application/pdf")).run()
    at.button(key="data_ingest").click().run()
    assert not at.exception  # a message, never a traceback
    assert any("broken.pdf" in e.value for e in at.error)
    assert any("数据集未改动" in w.value for w in at.warning)
    assert {p.name: p.read_bytes() for p in dataset.iterdir()} == files


def test_downloads_hold_every_table_and_the_flags(dataset: Path) -> None:
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


def test_export_bytes_are_real_files(dataset: Path) -> None:
    from analytics import export

    ds = open_dataset(dataset)
    book = openpyxl.load_workbook(io.BytesIO(export.dataset_bytes(ds.tables, "xlsx")), read_only=True)
    assert "lines" in book.sheetnames and "flags" in book.sheetnames
    book.close()
    archive = zipfile.ZipFile(io.BytesIO(export.dataset_bytes(ds.tables, "csv")))
    assert "lines.csv" in archive.namelist()
    header = archive.read("flags.csv").decode().splitlines()[0]
    assert "evidence" in header and "peer_stats" in header
