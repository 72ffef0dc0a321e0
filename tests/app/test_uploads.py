"""The 数据 page's uploads: every file kept, whatever its name (``app_pages/_uploads.py``)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from analytics import open_dataset
from analytics import schema as s
from app_pages._uploads import short_file_name
from tests.app.conftest import table
from tests.synthetic import SyntheticDisclosure

ROOT = Path(__file__).resolve().parents[2]


def _upload(files: list[tuple[str, bytes, str]]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("app_pages/data.py").run()
    at.file_uploader(key="data_upload").set_value(files).run()
    at.button(key="data_ingest").click().run()
    assert not at.exception  # a message, never a traceback
    return at


def _text(region: str, short_name: str) -> bytes:
    return SyntheticDisclosure(region=region, short_name=short_name).text().encode()


def test_two_different_files_with_one_name_are_both_stored(dataset_copy: Path) -> None:
    before = open_dataset(dataset_copy).documents.height
    gulou, xuanwu = _text("南京市鼓楼区", "鼓楼区档案馆"), _text("南京市玄武区", "玄武区档案馆")
    at = _upload([("预算.txt", gulou, "text/plain"), ("预算.txt", xuanwu, "text/plain")])
    assert any("已导入 2 个文件" in m.value for m in at.success)
    assert any("同名的不同文件：预算.txt" in m.value for m in at.info)
    stored = open_dataset(dataset_copy)
    assert stored.documents.height == before + 2
    mine = stored.documents.filter(pl.col(s.DEPARTMENT_ID).is_in(["南京市鼓楼区档案馆", "南京市玄武区档案馆"]))
    assert sorted(mine.get_column(s.SOURCE_NAME).to_list()) == ["预算.txt", "预算.txt"]
    assert table(at, "文字陈述")["文件"].to_list() == ["预算.txt", "预算.txt"]


def test_two_identical_files_are_read_once_and_said_so(dataset_copy: Path) -> None:
    before = open_dataset(dataset_copy).documents.height
    gulou = _text("南京市鼓楼区", "鼓楼区档案馆")
    at = _upload([("a.txt", gulou, "text/plain"), ("b.txt", gulou, "text/plain")])
    assert any("已导入 1 个文件" in m.value for m in at.success)
    assert any("重复文件：b.txt 只导入一次" in m.value for m in at.info)
    assert open_dataset(dataset_copy).documents.height == before + 1


def test_a_name_over_255_bytes_is_read_under_its_own_name(dataset_copy: Path) -> None:
    name = "鼓楼区档案馆" * 20 + ".txt"  # 364 bytes
    at = _upload([(name, _text("南京市鼓楼区", "鼓楼区档案馆"), "text/plain")])
    assert any("已导入 1 个文件" in m.value for m in at.success)
    stored = open_dataset(dataset_copy).documents.filter(pl.col(s.DEPARTMENT_ID) == "南京市鼓楼区档案馆")
    assert stored.get_column(s.SOURCE_NAME).to_list() == [name]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.txt", "a.txt"),
        ("预" * 100 + ".pdf", "预" * 83 + ".pdf"),  # 3 bytes a character: 251 of 255 bytes, then .pdf
        ("a" * 300 + ".xlsx", "a" * 250 + ".xlsx"),
        ("a" * 300, "a" * 255),
    ],
)
def test_short_file_name_keeps_the_extension_and_whole_characters(name: str, expected: str) -> None:
    short = short_file_name(name)
    assert short == expected
    assert len(short.encode()) <= 255


def test_an_uploads_name_is_shown_as_text_not_as_a_link(dataset_copy: Path) -> None:
    from markdown_it import MarkdownIt

    gulou = _text("南京市鼓楼区", "鼓楼区档案馆")
    at = _upload([("a.txt", gulou, "text/plain"), ("[x](//evil.example).txt", gulou, "text/plain")])
    (note,) = [m.value for m in at.info if "重复文件" in m.value]
    html = MarkdownIt("commonmark").render(note)
    assert "<a" not in html
    assert "[x](//evil.example).txt" in html
