"""Excel bombs refused before openpyxl inflates them (issue 15: an 8.5 KB workbook with one merged range
A100:XFD1048576 drove the CLI past 8 GB; millions of cells or one 400 MB string took minutes and gigabytes)."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from analytics.errors import ReaderError
from analytics.ingest import read_disclosure
from analytics.ingest.excel import MAX_TEXT_CHARS
from tests.bombs import (
    SHEET,
    long_text_workbook,
    many_cells_workbook,
    merged_range_workbook,
    workbook,
    zip_bomb_workbook,
)


def _refused(tmp_path: Path, data: bytes, pattern: str) -> None:
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(data)
    start = time.perf_counter()
    with pytest.raises(ReaderError, match=pattern):
        read_disclosure(path)
    assert time.perf_counter() - start < 30  # refused, not read for minutes (a loose bound: 2 shared cores)


def test_a_sheet_wide_merged_range_is_refused(tmp_path: Path) -> None:
    data = merged_range_workbook("A100:XFD1048576")
    assert len(data) < 20_000  # a few KB on disk
    _refused(tmp_path, data, r"bomb\.xlsx, xl/worksheets/sheet1\.xml: merged ranges cover over 300,000 cells")


def test_too_many_cells_are_refused(tmp_path: Path) -> None:
    # 999,999 cells of one sheet took the reader past 900 MB: a budget workbook has a few thousand.
    _refused(
        tmp_path, many_cells_workbook(300_001), r"300,001 cells by this sheet; a budget workbook is read up to 300,000"
    )


def test_cells_count_over_every_sheet(tmp_path: Path) -> None:
    # Two sheets of 200,000 cells each: each under the limit, the workbook over it.
    sheet = many_cells_workbook(200_000)
    with zipfile.ZipFile(io.BytesIO(sheet)) as source:
        body = source.read(SHEET)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(sheet)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        target.writestr("xl/worksheets/sheet2.xml", body)
    _refused(tmp_path, out.getvalue(), r"sheet2\.xml: 400,000 cells by this sheet")


def test_a_text_longer_than_a_cell_holds_is_refused(tmp_path: Path) -> None:
    long = "预算" * MAX_TEXT_CHARS  # 65,534 characters, twice what Excel lets a cell hold
    _refused(tmp_path, long_text_workbook(long), r"a text of over 32,767 characters")


def test_a_zip_bomb_is_refused_by_its_inflated_size(tmp_path: Path) -> None:
    # 110 MB of zeros: about 100 KB zipped
    _refused(tmp_path, zip_bomb_workbook(110 * 1024 * 1024), r"the workbook inflates to 110 MB")


def test_an_ordinary_workbook_is_not_refused_by_the_limits(tmp_path: Path) -> None:
    path = tmp_path / "ordinary.xlsx"
    path.write_bytes(workbook())
    with pytest.raises(ReaderError) as raised:  # one cell is no budget: refused, but for what it lacks
        read_disclosure(path)
    assert (
        "merged" not in str(raised.value)
        and "inflates" not in str(raised.value)
        and "cells in one" not in str(raised.value)
    )
