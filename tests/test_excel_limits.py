"""Excel bombs refused before openpyxl inflates them (issue 15: an 8.5 KB workbook with one merged range
A100:XFD1048576 drove the CLI past 8 GB; millions of cells or one 400 MB string took minutes and gigabytes)."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from analytics.errors import ReaderError
from analytics.ingest import read_disclosure
from analytics.ingest.excel import MAX_TEXT_CHARS


def _workbook() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "部门收支总表"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rewritten(data: bytes, part: str, change: object) -> bytes:
    """``data`` with the zip member ``part`` replaced by ``change(old_xml)``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            target.writestr(info.filename, change(body) if info.filename == part else body)  # type: ignore[operator]
    return out.getvalue()


def _refused(tmp_path: Path, data: bytes, pattern: str) -> None:
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(data)
    start = time.perf_counter()
    with pytest.raises(ReaderError, match=pattern):
        read_disclosure(path)
    assert time.perf_counter() - start < 30  # refused, not read for minutes (a loose bound: 2 shared cores)


def test_a_sheet_wide_merged_range_is_refused(tmp_path: Path) -> None:
    merged = b'<mergeCells count="1"><mergeCell ref="A100:XFD1048576"/></mergeCells>'
    data = _rewritten(
        _workbook(), "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"</sheetData>", b"</sheetData>" + merged)
    )
    assert len(data) < 20_000  # a few KB on disk
    _refused(tmp_path, data, r"bomb\.xlsx, xl/worksheets/sheet1\.xml: merged ranges cover over 1,000,000 cells")


def test_millions_of_cells_are_refused(tmp_path: Path) -> None:
    row = b"".join(b'<c r="A%d"><v>1</v></c>' % i for i in range(1, 2))
    rows = b"".join(b'<row r="%d">' % r + row.replace(b"A1", b"A%d" % r) + b"</row>" for r in range(1, 1_000_002))
    data = _rewritten(
        _workbook(),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.split(b"<sheetData>")[0] + b"<sheetData>" + rows + b"</sheetData></worksheet>",
    )
    _refused(tmp_path, data, r"1,000,001 cells in one sheet")


def test_a_text_longer_than_a_cell_holds_is_refused(tmp_path: Path) -> None:
    long = "预算" * MAX_TEXT_CHARS  # 65,534 characters, twice what Excel lets a cell hold
    data = _rewritten(
        _workbook(), "xl/worksheets/sheet1.xml", lambda xml: xml.replace("部门收支总表".encode(), long.encode())
    )
    _refused(tmp_path, data, r"a text of over 32,767 characters")


def test_a_zip_bomb_is_refused_by_its_inflated_size(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_workbook())) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        target.writestr("xl/media/padding.bin", b"\0" * (110 * 1024 * 1024))  # 110 MB of zeros: about 100 KB zipped
    _refused(tmp_path, out.getvalue(), r"the workbook inflates to 110 MB")


def test_an_ordinary_workbook_is_not_refused_by_the_limits(tmp_path: Path) -> None:
    path = tmp_path / "ordinary.xlsx"
    path.write_bytes(_workbook())
    with pytest.raises(ReaderError) as raised:  # one cell is no budget: refused, but for what it lacks
        read_disclosure(path)
    assert (
        "merged" not in str(raised.value)
        and "inflates" not in str(raised.value)
        and "cells in one" not in str(raised.value)
    )
