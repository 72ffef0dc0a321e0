"""Command line: ``analytics ingest PATH... [--dataset DIR]`` and ``analytics build-dataset``.

Examples
--------
::

    analytics ingest datasets/raw/hanyang_bigdata_2023_dept_budget.txt --dataset my-dataset
    analytics build-dataset datasets/raw datasets/normalized
    analytics info --dataset my-dataset

Every error a user can cause (a file that cannot be read, a dataset that cannot be opened) prints one clear line
and exits with status 1; no traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import polars as pl
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from analytics import export
from analytics import schema as s
from analytics.checks import FAMILIES
from analytics.errors import AnalyticsError
from analytics.ingest import Batch, read_batch, supported_suffixes
from analytics.pipeline import all_flags, read_summary
from analytics.store import Dataset, open_dataset, refresh_dataset, save_dataset, update_dataset

__all__ = ["main"]

_EPILOG = """examples:
  analytics ingest report.txt                       add one disclosure to the default dataset
  analytics ingest a.txt b.txt --dataset work/ds    add two disclosures to the dataset in work/ds
  analytics build-dataset datasets/raw datasets/normalized
                                                    rebuild a dataset from every supported file of a folder
  analytics check --dataset work/ds --out flags.xlsx
                                                    run every consistency rule; flags also to Excel / CSV / Parquet
  analytics info --dataset work/ds                  what a dataset holds
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="analytics",
        description="Budget-disclosure analytics: read 部门预算 / 决算 disclosures into one dataset.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    ingest = commands.add_parser(
        "ingest",
        help="read disclosures and add them to a dataset (same file again replaces its rows)",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="disclosure files (.txt, .pdf)")
    ingest.add_argument("--dataset", type=Path, default=None, help="dataset directory (default: the shipped one)")
    build = commands.add_parser("build-dataset", help="rebuild a dataset from scratch from a folder of disclosures")
    build.add_argument("raw", type=Path, help="folder of source documents")
    build.add_argument("dataset", type=Path, help="dataset directory to (re)write")
    check = commands.add_parser(
        "check",
        help="run every consistency rule, store the flags in the dataset and write them out",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("--dataset", type=Path, default=None, help="dataset directory (default: the shipped one)")
    check.add_argument("--out", type=Path, default=None, help="also write the flags to FILE (.parquet, .csv or .xlsx)")
    info = commands.add_parser("info", help="summarize what a dataset holds")
    info.add_argument("--dataset", type=Path, default=None, help="dataset directory (default: the shipped one)")
    return parser


def _read_all(paths: Sequence[Path], console: Console) -> Batch:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=len(paths) < 2) as progress:
        task = progress.add_task("读取文件 reading", total=len(paths))

        def done(path: Path) -> None:
            progress.update(task, description=f"读取 {path.name}")
            progress.advance(task)

        return read_batch(paths, progress=done)


def _summary(read: Sequence[tuple[Path, Dataset]]) -> Table:
    summary = read_summary(read)
    table = Table(title="读取结果 rows read per file")
    for header in summary.columns:
        table.add_column(header, justify="right" if header in s.TABLES else "left")
    for row in summary.iter_rows():
        table.add_row(*(str(value) for value in row))
    return table


def _report_unknown_codes(read: Sequence[tuple[Path, Dataset]], console: Console) -> None:
    """Codes the classification reference does not know for their year: read and stored, and said so."""
    from analytics.reference.classification import unknown_codes

    for path, ds in read:
        found: list[str] = []
        for kind in ("function", "economic"):
            coded = ds.lines.filter((pl.col(s.CLASSIFICATION) == kind) & pl.col(s.CODE).is_not_null())
            found += unknown_codes(coded, kind).get_column(s.CODE).unique().sort().to_list()
        if found:
            console.print(
                f"[yellow]注意 note[/yellow] {path.name}: {len(found)} code(s) not in the classification reference "
                f"for their year (stored as printed): {', '.join(found[:12])}{' …' if len(found) > 12 else ''}",
                highlight=False,
                soft_wrap=True,
            )


def _ingest(paths: Sequence[Path], dataset: Path | None, console: Console) -> int:
    batch = _read_all(paths, console)
    for error in batch.errors:
        console.print(f"[red]错误 error[/red] {error}", highlight=False, soft_wrap=True)
    if batch.errors:
        console.print(
            f"数据集未改动 dataset left unchanged: {len(batch.errors)} of {len(paths)} file(s) could not be read."
        )
        return 1
    stored = update_dataset(batch.merged(), dataset, refresh=all_flags)
    console.print(_summary(batch.read))
    _report_unknown_codes(batch.read, console)
    console.print(f"数据集 dataset {stored.path}: {stored.documents.height} document(s), {stored.lines.height} lines")
    return 0


def _build(raw: Path, dataset: Path, console: Console) -> int:
    if not raw.is_dir():
        raise AnalyticsError(f"{raw}: not a folder of source documents")
    suffixes = supported_suffixes()
    paths = sorted(p for p in raw.iterdir() if p.is_file() and p.suffix.lower() in suffixes)
    if not paths:
        raise AnalyticsError(f"{raw}: no supported documents ({', '.join(sorted(suffixes))})")
    batch = _read_all(paths, console)
    for error in batch.errors:
        console.print(f"[red]错误 error[/red] {error}", highlight=False, soft_wrap=True)
    if batch.errors:
        return 1
    stored = save_dataset(all_flags(batch.merged()), dataset)
    console.print(_summary(batch.read))
    _report_unknown_codes(batch.read, console)
    console.print(f"数据集 dataset {stored.path}: {stored.documents.height} document(s) rebuilt")
    return 0


def _check(dataset: Path | None, out: Path | None, console: Console) -> int:
    if out is not None and out.suffix.lower().lstrip(".") not in export.FORMATS:
        raise AnalyticsError(f"{out}: unsupported output type; expected one of .{', .'.join(export.FORMATS)}")
    stored = refresh_dataset(all_flags, dataset)
    flags = stored.flags
    table = Table(title=f"疑点 flags: {flags.height}")
    table.add_column("family 规则族")
    for severity in s.SEVERITIES[::-1]:
        table.add_column(severity, justify="right")
    counts = flags.group_by(s.FAMILY, s.SEVERITY).len()
    for family, (name_zh, _) in FAMILIES.items():
        cells = []
        for severity in s.SEVERITIES[::-1]:
            hit = counts.filter((pl.col(s.FAMILY) == family) & (pl.col(s.SEVERITY) == severity))
            cells.append(str(hit.get_column("len").sum()))
        table.add_row(f"{name_zh} {family}", *cells)
    console.print(table)
    if out is not None:
        export.write(flags, out, out.suffix.lower().lstrip("."), sheet="flags")
        console.print(f"写出 written: {out}")
    return 0


def _info(dataset: Path | None, console: Console) -> int:
    ds = open_dataset(dataset)
    table = Table(title=f"数据集 {ds.path}")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, frame in ds.tables.items():
        table.add_row(name, str(frame.height))
    console.print(table)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``analytics`` command; returns the exit status."""
    args = _parser().parse_args(argv)
    # Piped output (CI logs, tests) gets a wide console so that file and department names are never cut.
    console = Console(width=None if sys.stdout.isatty() else 200)
    try:
        if args.command == "ingest":
            return _ingest(args.paths, args.dataset, console)
        if args.command == "build-dataset":
            return _build(args.raw, args.dataset, console)
        if args.command == "check":
            return _check(args.dataset, args.out, console)
        return _info(args.dataset, console)
    except AnalyticsError as exc:
        console.print(f"[red]错误 error[/red] {exc}", highlight=False, soft_wrap=True)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
