"""Document text is data, never code: CSV cells that would start a formula, Rich markup and terminal escapes in
the command line's output, Markdown in the app's captions."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path

import polars as pl
import pytest

from analytics import export
from analytics import schema as s
from analytics.cli import main
from tests.synthetic import SyntheticDisclosure


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


def test_ingest_prints_markup_and_escapes_of_a_department_name_as_plain_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The text reader refuses a file holding control characters, so the escape comes in with the file's name.
    path = tmp_path / "report[2024]\x1b[31m.txt"
    disclosure = SyntheticDisclosure(region="南京市鼓楼区", short_name="鼓楼区[/]档案馆")
    path.write_text(disclosure.text(), encoding="utf-8")
    assert main(["ingest", str(path), "--dataset", str(tmp_path / "ds")]) == 0
    out = capsys.readouterr().out
    assert "[/]" in out
    assert "鼓楼区[/]档案馆" in out
    assert "report[2024].txt" in out
    assert "\x1b" not in out


@pytest.mark.parametrize(
    "text",
    ["[x](//evil.example)", "![p](https://evil.example/a.png)", "<https://evil.example>", "**粗** _斜_ `码` # 标题"],
)
def test_escape_markdown_renders_the_text_as_it_is(text: str) -> None:
    from markdown_it import MarkdownIt

    from app_pages._markdown import escape_markdown

    html = MarkdownIt("commonmark").render(escape_markdown(text))
    assert "<a" not in html
    assert "<img" not in html
    assert "<strong>" not in html and "<em>" not in html and "<code>" not in html and "<h1>" not in html
    # What the reader sees is the text itself (HTML-escaped by the renderer).
    shown = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    assert html == f"<p>{shown}</p>\n"


@pytest.mark.parametrize(
    "text",
    [
        "__粗__",
        "a_b_c",
        "_斜_体_",
        "# 标题",
        "1. 一",
        "2) 二",
        "- 项",
        "+ 项",
        "> 引",
        "---",
        "===",
        "行一\n===",
        "0.06%",
        "(p. 3) a=b -5",
    ],
)
def test_escape_markdown_keeps_line_starts_as_text(text: str) -> None:
    from markdown_it import MarkdownIt

    from app_pages._markdown import escape_markdown

    html = MarkdownIt("commonmark").render(escape_markdown(text))
    shown = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    assert html == f"<p>{shown}</p>\n"


@pytest.mark.parametrize(("flag", "expected"), [([], "'=1+1"), (["--raw-cells"], "=1+1")])
def test_cli_csv_export_protects_cells_unless_raw(tmp_path: Path, flag: list[str], expected: str) -> None:
    from analytics.store import open_dataset, save_dataset

    path = tmp_path / "gulou.txt"
    path.write_text(SyntheticDisclosure(region="南京市鼓楼区", short_name="鼓楼区档案馆").text(), encoding="utf-8")
    assert main(["ingest", str(path), "--dataset", str(tmp_path / "ds")]) == 0
    ds = open_dataset(tmp_path / "ds")
    renamed = ds.documents.with_columns(pl.lit("=1+1").alias(s.DEPARTMENT))
    save_dataset(dataclasses.replace(ds, documents=renamed), tmp_path / "ds")
    archive = tmp_path / "out.zip"
    assert main(["export", "--format", "csv", "--out", str(archive), "--dataset", str(tmp_path / "ds"), *flag]) == 0
    documents = _read_back(archive.read_bytes())["documents"]
    assert documents.get_column(s.DEPARTMENT).to_list() == [expected]
