"""Exports: a table or a whole dataset as CSV, Excel or Parquet, to a file or to bytes (for a download).

Nested columns (a flag's evidence and peer statistics) become text in CSV and Excel; Parquet keeps them. In Excel,
every text is a string cell and text that would start a formula (= + - @, a tab or a carriage return) is also
quote-prefixed, so nothing executes and the value reads back unchanged. CSV follows the same rule: a text cell
that would start a formula gets a leading ``'`` (numbers stay numbers, a negative amount is not quoted), unless
``raw_cells=True`` asks for the text as it is (for machines reading the CSV, not spreadsheets).
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from typing import BinaryIO

import polars as pl

from analytics import schema as s
from analytics.errors import AnalyticsError
from analytics.store import write_atomically

__all__ = ["FORMATS", "dataset_bytes", "flat", "protect_cells", "to_bytes", "write"]

FORMATS = ("csv", "xlsx", "parquet")


def flat(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` for formats without nested columns: a flag's evidence as text (one line per figure), its peer
    statistics as ``n=… median=…``; any other nested column as JSON text."""
    if s.EVIDENCE not in frame.columns or s.PEER_STATS not in frame.columns:
        return _as_json(frame)
    item = pl.element().struct
    line = pl.concat_str(
        [
            item.field(s.DOC_ID),
            pl.lit(" p."),
            item.field(s.PAGE).cast(pl.String).fill_null("-"),
            pl.lit(" l."),
            item.field(s.LINE).cast(pl.String).fill_null("-"),
            pl.lit(" "),
            item.field(s.SOURCE_TEXT).fill_null(""),
        ],
    )
    stats = pl.col(s.PEER_STATS).struct
    peers = pl.concat_str(
        [
            pl.lit("n="),
            stats.field("count").cast(pl.String),
            pl.lit(" median="),
            stats.field("median").round(4).cast(pl.String),
            pl.lit(" q1="),
            stats.field("q1").round(4).cast(pl.String),
            pl.lit(" q3="),
            stats.field("q3").round(4).cast(pl.String),
            pl.lit(" scale="),
            stats.field("scale").round(4).cast(pl.String),
        ]
    )
    return frame.with_columns(pl.col(s.EVIDENCE).list.eval(line).list.join("\n"), peers.alias(s.PEER_STATS))


def _as_json(frame: pl.DataFrame) -> pl.DataFrame:
    nested = [name for name, dtype in frame.schema.items() if dtype.is_nested()]
    if not nested:
        return frame
    # One JSON text per cell: wrapped in a struct so that lists and structs encode alike.
    encoded = (pl.struct(pl.col(name)).struct.json_encode() for name in nested)
    return frame.with_columns(
        text.str.slice(len(name) + 4).str.head(-1).alias(name) for text, name in zip(encoded, nested, strict=True)
    )


def protect_cells(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every text cell that a spreadsheet would take for a formula (``= + - @``, a tab or a carriage
    return first, the rule of the Excel export) prefixed with ``'``; other columns, numbers included, unchanged.

    Examples
    --------
    >>> protect_cells(pl.DataFrame({"t": ["=1+1", "a=b", None], "n": [-1, 2, 3]})).rows()
    [("'=1+1", -1), ('a=b', 2), (None, 3)]
    """
    from analytics._xlsx import formula_like

    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(formula_like(name)).then(pl.lit("'") + pl.col(name)).otherwise(pl.col(name)).alias(name)
        for name in text
    )


def write(
    frame: pl.DataFrame, target: str | Path | BinaryIO, fmt: str, *, sheet: str = "data", raw_cells: bool = False
) -> None:
    """Write ``frame`` to ``target`` (a path or a binary stream) as ``fmt`` (``csv``, ``xlsx`` or ``parquet``).

    A CSV's text cells that would start a formula are quote-prefixed (``protect_cells``) unless ``raw_cells``.
    A path is written atomically (see ``analytics.store.write_atomically``): whole or not at all, the previous
    file intact on failure, and an ``OutputError`` naming it when the disk is full or the folder not writable.
    """
    if isinstance(target, (str, os.PathLike)):
        write_atomically(Path(target), to_bytes(frame, fmt, sheet=sheet, raw_cells=raw_cells))
        return
    if fmt == "parquet":
        frame.write_parquet(target)
    elif fmt == "csv":
        cells = flat(frame)
        (cells if raw_cells else protect_cells(cells)).write_csv(target)
    elif fmt == "xlsx":
        from analytics._xlsx import SafeWorkbook

        with SafeWorkbook(target) as book:
            book.write_table(sheet, flat(frame))
    else:
        raise AnalyticsError(f"unsupported export format {fmt!r}; expected one of {', '.join(FORMATS)}")


def to_bytes(frame: pl.DataFrame, fmt: str, *, sheet: str = "data", raw_cells: bool = False) -> bytes:
    """``frame`` as the bytes of a ``fmt`` file (``raw_cells`` as for ``write``).

    Examples
    --------
    >>> to_bytes(pl.DataFrame({"a": [1]}), "csv")
    b'a\\n1\\n'
    """
    buffer = io.BytesIO()
    write(frame, buffer, fmt, sheet=sheet, raw_cells=raw_cells)
    return buffer.getvalue()


def dataset_bytes(tables: dict[str, pl.DataFrame], fmt: str, *, raw_cells: bool = False) -> bytes:
    """Every table of a dataset in one file: an Excel workbook with a sheet per table, or a zip of CSV / Parquet
    (a CSV's formula-like text quote-prefixed unless ``raw_cells``, as for ``write``)."""
    if fmt == "xlsx":
        from analytics._xlsx import SafeWorkbook

        buffer = io.BytesIO()
        with SafeWorkbook(buffer) as book:
            for name, frame in tables.items():
                book.write_table(name[:31], flat(frame))
        return buffer.getvalue()
    if fmt not in FORMATS:
        raise AnalyticsError(f"unsupported export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, frame in tables.items():
            archive.writestr(f"{name}.{fmt}", to_bytes(frame, fmt, raw_cells=raw_cells))
    return buffer.getvalue()
