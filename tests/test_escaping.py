"""Document text is data, never code: CSV cells that would start a formula, Rich markup and terminal escapes in
the command line's output, Markdown in the app's captions."""

from __future__ import annotations

import io
import zipfile

import polars as pl
import pytest

from analytics import export


def _tables() -> dict[str, pl.DataFrame]:
    return {
        "documents": pl.DataFrame({"department": ["=1+1", "档案馆"], "year": [2024, 2024]}),
        "lines": pl.DataFrame({"line_name": ["@SUM(A1)", "-x", "+y", "\tz", "a=b"], "amount": [-5, 1, 2, 3, -4]}),
    }


def _read_back(data: bytes) -> dict[str, pl.DataFrame]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name.removesuffix(".csv"): pl.read_csv(archive.read(name)) for name in archive.namelist()}


def test_csv_export_quotes_formula_like_text_and_keeps_numbers() -> None:
    back = _read_back(export.dataset_bytes(_tables(), "csv"))
    assert back["documents"].get_column("department").to_list() == ["'=1+1", "档案馆"]
    assert back["lines"].get_column("line_name").to_list() == ["'@SUM(A1)", "'-x", "'+y", "'\tz", "a=b"]
    # A negative amount is a number, not text to protect.
    assert back["lines"].get_column("amount").to_list() == [-5, 1, 2, 3, -4]
    assert back["lines"].schema["amount"] == pl.Int64


def test_csv_export_raw_cells_writes_text_as_it_is() -> None:
    back = _read_back(export.dataset_bytes(_tables(), "csv", raw_cells=True))
    assert back["documents"].get_column("department").to_list() == ["=1+1", "档案馆"]
    assert back["lines"].get_column("line_name").to_list()[0] == "@SUM(A1)"


@pytest.mark.parametrize("raw_cells", [False, True])
def test_single_table_csv(raw_cells: bool) -> None:
    frame = pl.DataFrame({"name": ["=1+1"], "amount": [-1]})
    text = export.to_bytes(frame, "csv", raw_cells=raw_cells).decode()
    assert text == ("name,amount\n=1+1,-1\n" if raw_cells else "name,amount\n'=1+1,-1\n")
