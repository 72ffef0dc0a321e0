"""Command line: ``analytics ingest | build-dataset | check | brief | export | info | remove | user``.

Examples
--------
::

    analytics ingest datasets/raw/hanyang_bigdata_2023_dept_budget.txt --dataset my-dataset
    analytics build-dataset datasets/raw datasets/normalized
    analytics brief --all --out briefs
    analytics export --format xlsx --out dataset.xlsx
    analytics info --dataset my-dataset

Every error a user can cause (a file that cannot be read, a dataset that cannot be opened) prints one clear line
and exits with status 1; no traceback.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import polars as pl
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from analytics import export, labels
from analytics import schema as s
from analytics.checks import FAMILIES
from analytics.cluster import connect
from analytics.errors import AnalyticsError, OutputError
from analytics.ingest import Batch, read_batch, supported_suffixes
from analytics.pipeline import all_flags, read_summary, remove_files
from analytics.store import (
    Dataset,
    open_dataset,
    refresh_dataset,
    save_dataset,
    update_dataset,
    write_atomically,
)
from analytics.triage import TriageStore, has_triage, open_triage

__all__ = ["main"]

# Terminal escape sequences (CSI ``ESC [ … final``, OSC ``ESC ] … BEL or ESC \\``, any other ``ESC x``), then the
# C0 and C1 control characters: a document's text must not move the cursor or recolour the terminal. A line break
# or a tab (in a file name, say) is shown as an escape, so that a name cannot print a line of its own.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BREAKS = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _plain(text: object) -> str:
    r"""``text`` (a file or department name, a message quoting a document) fit to print: terminal escapes and control
    characters removed, Rich markup escaped so that ``[/]`` prints as it is.

    Examples
    --------
    >>> _plain("a[/]b\x1b[31mred\x07")
    'a\\[/]bred'
    >>> print(_plain("第一行\n第二行.txt"))
    第一行\n第二行.txt
    """
    cleaned = _CONTROLS.sub("", _ESCAPES.sub("", str(text)))
    return escape("".join(_BREAKS.get(char, char) for char in cleaned))


#: What ``analytics export`` writes: an Excel workbook, a zip of CSV or Parquet tables, a Fiscal Data Package.
_EXPORTS = ("xlsx", "csv", "parquet", "fdp")

_EPILOG = """examples:
  analytics ingest report.txt                       add one disclosure to your working dataset
  analytics ingest a.txt b.txt --dataset work/ds    add two disclosures to the dataset in work/ds
  analytics build-dataset datasets/raw datasets/normalized
                                                    rebuild a dataset from every supported file of a folder
  analytics check --dataset work/ds --out flags.xlsx
                                                    run every consistency rule; flags also to Excel / CSV / Parquet
  analytics brief --all --out briefs                one hearing brief (PDF + HTML) per department
  analytics export --format xlsx --out ds.xlsx      the whole dataset as an Excel workbook
  analytics info --dataset work/ds                  what a dataset holds
  analytics remove report.txt                       take one disclosure out of your working dataset
  analytics user zhang --role auditor --display-name 张审计 --users users.toml
                                                    add a user of a team's app (asks for the password)
"""

_USER_EPILOG = """examples:
  analytics user zhang --role auditor --display-name 张审计 --users users.toml
                                                    add an auditor; the password is asked twice, never shown
  printf '%s\\n' "$PASSWORD" | analytics user li --role viewer --password-stdin
                                                    a viewer, in the file $ANALYTICS_USERS, password from a script
  analytics user zhang --replace                    a new password for zhang (name and role stay)
  analytics user --hash-only                        print a password hash to paste into a users file
"""

_BRIEF_EPILOG = """examples:
  analytics brief 武汉市汉阳区大数据中心                  the department's latest brief, PDF and HTML, into ./briefs
  analytics brief --all --out briefs                 every department of the dataset (its latest year each)
  analytics brief --region 江苏省 --year 2018 --format pdf
                                                    every 2018 department of a region, PDF only
  analytics brief 江苏省人民检察院 --lang en --format html
                                                    the English version, HTML only
  analytics brief --all --phase final               the 决算 brief of every department that published one
  analytics brief --all --triage audit.sqlite       leave out the flags auditors marked 误报
"""

_EXPORT_EPILOG = """examples:
  analytics export --format xlsx --out dataset.xlsx  every table in one Excel workbook (flags with triage state)
  analytics export --format xlsx --department 江苏省人民检察院 --out procuratorate.xlsx
                                                    one department's rows only
  analytics export --format fdp --out fiscal-package  a Fiscal Data Package: datapackage.json + CSV
  analytics export --format csv --out dataset.zip    every table as CSV in a zip (parquet likewise)
"""


def _dataset_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dataset",
        type=Path,
        default=None,
        help=(
            "dataset directory (default: $ANALYTICS_DATASET, else your working dataset in the user data directory,"
            " a copy of the shipped one made on the first write; reads fall back to the shipped one)"
        ),
    )


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
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="disclosure files (.pdf, .txt, .xlsx)")
    _dataset_option(ingest)
    ingest.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="read on the Dask cluster of this scheduler (tcp://host:8786); its workers must see the files",
    )
    build = commands.add_parser("build-dataset", help="rebuild a dataset from scratch from a folder of disclosures")
    build.add_argument("raw", type=Path, help="folder of source documents")
    build.add_argument("dataset", type=Path, help="dataset directory to (re)write")
    check = commands.add_parser(
        "check",
        help="run every consistency rule, store the flags in the dataset and write them out",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _dataset_option(check)
    check.add_argument("--out", type=Path, default=None, help="also write the flags to FILE (.parquet, .csv or .xlsx)")
    brief = commands.add_parser(
        "brief",
        help="write hearing briefs (人大预算审查简报): one or two printable pages per department",
        epilog=_BRIEF_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    brief.add_argument("departments", nargs="*", metavar="DEPARTMENT", help="department names or ids")
    brief.add_argument("--all", action="store_true", help="every department of the dataset")
    brief.add_argument("--region", default=None, help="every department of this region (e.g. 江苏省)")
    brief.add_argument("--year", type=int, default=None, help="fiscal year (default: each department's latest)")
    brief.add_argument(
        "--phase", choices=("budget", "final"), default=None, help="预算 or 决算 (default: the budget when both)"
    )
    brief.add_argument("--format", default="pdf,html", help="pdf, html or pdf,html (default)")
    brief.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the brief (default zh)")
    brief.add_argument(
        "--peers",
        choices=("region", "unit_type", "function"),
        default="region",
        help="peer group: region (default), unit type (单位性质) or main function class",
    )
    brief.add_argument("--out", type=Path, default=Path("briefs"), help="folder to write into (default ./briefs)")
    _dataset_option(brief)
    brief.add_argument("--triage", default=None, help="triage database, path or URL (default: the app's)")
    exporter = commands.add_parser(
        "export",
        help="write the dataset (or one department) as Excel, CSV, Parquet or a Fiscal Data Package",
        epilog=_EXPORT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    exporter.add_argument("--format", required=True, choices=_EXPORTS, help="what to write")
    exporter.add_argument("--out", type=Path, required=True, help="file (xlsx, csv/parquet zip) or folder (fdp)")
    exporter.add_argument("--department", default=None, help="only this department (name or id)")
    _dataset_option(exporter)
    exporter.add_argument("--triage", default=None, help="triage database for xlsx (default: the app's)")
    exporter.add_argument(
        "--raw-cells",
        action="store_true",
        help="csv: write text starting with = + - @ as it is, without the protecting ' (for machines)",
    )
    remove = commands.add_parser(
        "remove",
        help="remove documents from a dataset (by file name or doc_id); the auditors' triage is kept",
    )
    remove.add_argument("documents", nargs="+", help="file names (as analytics info lists them) or doc_ids")
    _dataset_option(remove)
    info = commands.add_parser("info", help="summarize what a dataset holds")
    _dataset_option(info)
    user = commands.add_parser(
        "user",
        help="add a user to a team app's users file (or change one); the password is hashed, never echoed",
        epilog=_USER_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    user.add_argument("name", nargs="?", help="the name the user signs in with (not needed with --hash-only)")
    user.add_argument("--users", type=Path, default=None, help="users file (default: $ANALYTICS_USERS)")
    user.add_argument("--display-name", default=None, help="the name triage decisions carry (default: the name)")
    user.add_argument("--role", choices=("viewer", "auditor"), default=None, help="viewer reads; auditor triages")
    user.add_argument("--replace", action="store_true", help="change a user already in the file")
    user.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    user.add_argument("--hash-only", action="store_true", help="print a hash of the password; write no file")
    return parser


def _read_all(paths: Sequence[Path], console: Console, scheduler: str | None = None) -> Batch:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=len(paths) < 2) as progress:
        task = progress.add_task("读取文件 reading", total=len(paths))

        def done(path: Path) -> None:
            progress.update(task, description=f"读取 {_plain(path.name)}")
            progress.advance(task)

        executor = connect(scheduler) if scheduler else None
        return read_batch(paths, progress=done, executor=executor)


#: How the summary names a phase, and a unit's own disclosure (单位预算) beside its department's.
_PHASE_NAMES = labels.labels("phase")
_SCOPE_NAMES = {"department": "", "unit": "（单位）"}


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.1%}"


def _summary(summary: pl.DataFrame) -> Table:
    """The files read, one row each: what was read and how far the readers trust it (tables found of those the
    phase and scope require, share of figures an identity or a second source confirms, the readers' doubts)."""
    # Headers on two lines, no padding at the outer edges and the figures never broken, so that an 80-column
    # terminal keeps room for the file and department names (wrapped, never cut).
    table = Table(title="读取结果 what was read", title_justify="left", pad_edge=False)
    table.add_column("文件\nfile", overflow="fold", min_width=12)
    table.add_column("部门\ndepartment", overflow="fold", min_width=8)
    table.add_column("年度\nyear", no_wrap=True)
    for header in ("表\ntables", "数字\nfigures", "已核实\nverified", "存疑\ndoubts"):
        table.add_column(header, justify="right", no_wrap=True)
    for row in summary.iter_rows(named=True):
        table.add_row(
            _plain(row["file"]),
            _plain(row["department"] or "—") + _SCOPE_NAMES.get(row[s.SCOPE], ""),
            f"{row['year']} {_PHASE_NAMES.get(row['phase'], row['phase'])}",
            f"{row['tables_found']}/{row['tables_expected']}",
            str(row[s.LINES]),
            _percent(row["share_verified"]),
            str(row[s.READING_FINDINGS]),
        )
    return table


def _report_read(read: Sequence[tuple[Path, Dataset]], stored: Dataset, console: Console) -> None:
    """The summary table, then one line per disclosure with tables missing or unreadable, or figures the readers
    doubt: which, and where."""
    from analytics.reference import table_catalog

    summary = read_summary(read, stored)
    console.print(_summary(summary))
    names = dict(table_catalog().select("key", "name_zh").rows())

    def named(tables: list[str]) -> str:
        return f"{len(tables)}: {'、'.join(names.get(t, t) for t in tables)}"

    for _, rows in summary.group_by("department", "year", "phase", s.SCOPE, maintain_order=True):
        row = rows.row(0, named=True)
        parts = []
        if row["tables_missing"]:
            parts.append(f"缺表 missing {named(row['tables_missing'])}")
        if row["tables_unreadable"]:
            parts.append(f"无法读取 unreadable {named(row['tables_unreadable'])}")
        if row[s.READING_FINDINGS]:
            pages = row["reading_pages"]
            where = f" (p. {', '.join(map(str, pages))})" if pages else ""
            parts.append(f"读数存疑 doubts {row[s.READING_FINDINGS]}{where}")
        if parts:
            files = "、".join(_plain(name) for name in rows.get_column("file"))
            console.print(f"[yellow]读数 reading[/yellow] {files}: {'; '.join(parts)}", highlight=False)
    if summary.get_column(s.READING_FINDINGS).sum():
        sheet = labels.label("sheet", s.READING_FINDINGS)
        console.print(
            f"读数存疑的页码与原文见应用数据页的读数报告，或 analytics export --format xlsx 的“{sheet}”表 "
            f"(where each doubt is: the app's Data page, or the {sheet} sheet of the workbook)",
            highlight=False,
        )


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
                f"[yellow]注意 note[/yellow] {_plain(path.name)}: {len(found)} code(s) not in the classification "
                f"reference for their year (stored as printed): {_plain(', '.join(found[:12]))}"
                f"{' …' if len(found) > 12 else ''}",
                highlight=False,
                soft_wrap=True,
            )


def _ingest(paths: Sequence[Path], dataset: Path | None, console: Console, scheduler: str | None = None) -> int:
    batch = _read_all(paths, console, scheduler)
    for error in batch.errors:
        console.print(f"[red]错误 error[/red] {_plain(error)}", highlight=False, soft_wrap=True)
    if batch.errors:
        console.print(
            f"数据集未改动 dataset left unchanged: {len(batch.errors)} of {len(paths)} file(s) could not be read."
        )
        return 1
    stored = update_dataset(batch.merged(), dataset, refresh=all_flags, sources=paths)
    _report_read(batch.read, stored, console)
    _report_unknown_codes(batch.read, console)
    console.print(
        f"数据集 dataset {_plain(stored.path)}: {stored.documents.height} document(s), {stored.lines.height} lines"
    )
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
        console.print(f"[red]错误 error[/red] {_plain(error)}", highlight=False, soft_wrap=True)
    if batch.errors:
        return 1
    stored = save_dataset(all_flags(batch.merged()), dataset)
    _report_read(batch.read, stored, console)
    _report_unknown_codes(batch.read, console)
    console.print(f"数据集 dataset {_plain(stored.path)}: {stored.documents.height} document(s) rebuilt")
    return 0


def _remove(names: Sequence[str], dataset: Path | None, console: Console) -> int:
    stored, removed = remove_files(names, dataset)
    console.print(
        f"已移除 removed {len(removed)} document(s); 数据集 dataset {_plain(stored.path)}: {stored.documents.height} "
        "document(s) left. 核实记录保留 triage decisions are kept.",
        highlight=False,
        soft_wrap=True,
    )
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
        console.print(f"写出 written: {_plain(out)}")
    return 0


def _triage(path: str | None) -> TriageStore | None:
    """The triage database named (a path or a URL), else the app's when it exists (nobody decided anything
    otherwise)."""
    return open_triage(path) if path is not None or has_triage() else None


def _brief(args: argparse.Namespace, console: Console) -> int:
    from analytics.report.brief import BRIEF_FORMATS, write_briefs

    formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    if not formats or any(f not in BRIEF_FORMATS for f in formats):
        raise AnalyticsError(f"--format {args.format!r}: expected pdf, html or pdf,html")
    if not args.departments and not args.all and args.region is None:
        raise AnalyticsError("name a department, or use --all or --region (see analytics brief --help)")
    ds = open_dataset(args.dataset)
    triage = _triage(args.triage)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("简报 briefs", total=None)

        def done(name: str, finished: int, total: int) -> None:
            progress.update(task, description=f"简报 {_plain(name)}", completed=finished, total=total)

        written = write_briefs(
            ds,
            args.out,
            departments=args.departments or None,
            region=args.region,
            fiscal_year=args.year,
            phase=args.phase,
            formats=formats,
            lang=args.lang,
            peer_by=args.peers,
            triage=triage,
            progress=done,
        )
    for path in written:
        console.print(f"写出 written: {_plain(path)}", highlight=False, soft_wrap=True)
    console.print(f"{len(written)} file(s) in {args.out}")
    return 0


def _export(args: argparse.Namespace, console: Console) -> int:
    from analytics.report import datapackage, excel
    from analytics.report.brief import resolve_department

    ds = open_dataset(args.dataset)
    department_id = resolve_department(ds, args.department) if args.department else None
    out: Path = args.out
    if args.format == "fdp":
        written = datapackage.write_data_package(ds, out, department_id=department_id)
    elif args.format == "xlsx":
        triage = _triage(args.triage)
        written = excel.write_workbook(ds, out, department_id=department_id, triage=triage)
    else:
        if out.is_dir():
            raise AnalyticsError(f"{out} is a folder; expected a .zip file name for the {args.format} tables")
        tables = (ds.for_department(department_id) if department_id else ds).tables
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError.from_os_error(out, exc) from None
        write_atomically(out, export.dataset_bytes(tables, args.format, raw_cells=args.raw_cells))
        written = out
    console.print(f"写出 written: {_plain(written)}", highlight=False, soft_wrap=True)
    return 0


def _info(dataset: Path | None, console: Console) -> int:
    ds = open_dataset(dataset)
    table = Table(title=f"数据集 {_plain(ds.path)}")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, frame in ds.tables.items():
        table.add_row(name, str(frame.height))
    console.print(table)
    # Each department's years and documents, counted as the app's pages count them (analytics.inventory).
    from analytics import inventory

    def years(values: list[int]) -> str:
        return ", ".join(map(str, values)) or "—"

    departments = Table(title="部门 departments")
    headers = ("部门 department", "预算 budget: 份 files, 年 years", "决算 final", "收支合计 totals: 预算 / 决算")
    for header in headers:
        departments.add_column(header)
    for row in inventory.department_inventory(ds).iter_rows(named=True):
        departments.add_row(
            _plain(row[s.NAME]),
            f"{row[inventory.BUDGET_DOCUMENTS]}: {years(row[inventory.BUDGET_YEARS])}",
            f"{row[inventory.FINAL_DOCUMENTS]}: {years(row[inventory.FINAL_YEARS])}",
            f"{years(row[inventory.BUDGET_TOTAL_YEARS])} / {years(row[inventory.FINAL_TOTAL_YEARS])}",
        )
    console.print(departments)
    return 0


def _password(from_stdin: bool) -> str:
    """The new password: one line of standard input, or asked twice on the terminal without echo."""
    import getpass

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif not sys.stdin.isatty():
        raise AnalyticsError("no terminal to ask the password on; pipe it in with --password-stdin")
    else:
        password = getpass.getpass("密码 password: ")
        if getpass.getpass("再输一次 again: ") != password:
            raise AnalyticsError("the two passwords differ; nothing written")
    if not password:
        raise AnalyticsError("empty password; nothing written")
    return password


def _user(args: argparse.Namespace, console: Console) -> int:
    from analytics import auth

    if args.hash_only:
        console.print(auth.hash_password(_password(args.password_stdin)), highlight=False, soft_wrap=True)
        return 0
    path = args.users or auth.default_users_path()
    if path is None:
        raise AnalyticsError("which users file? give --users FILE or set $ANALYTICS_USERS")
    if not args.name:
        raise AnalyticsError("name the user (analytics user NAME …), or use --hash-only")
    if path.exists():
        auth.load_users(path)  # a broken file is reported before a password is asked for
    user = auth.add_user(
        path,
        args.name,
        _password(args.password_stdin),
        display_name=args.display_name,
        role=args.role,
        replace=args.replace,
    )
    console.print(
        f"写入用户 user written: {_plain(user.name)} ({_plain(user.display_name)}, {user.role}) → {_plain(path)}",
        highlight=False,
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``analytics`` command; returns the exit status."""
    args = _parser().parse_args(argv)
    # Piped output (CI logs, tests) gets a wide console so that file and department names are never cut.
    console = Console(width=None if sys.stdout.isatty() else 200)
    commands: dict[str, Callable[[], int]] = {
        "ingest": lambda: _ingest(args.paths, args.dataset, console, args.scheduler),
        "build-dataset": lambda: _build(args.raw, args.dataset, console),
        "check": lambda: _check(args.dataset, args.out, console),
        "brief": lambda: _brief(args, console),
        "export": lambda: _export(args, console),
        "info": lambda: _info(args.dataset, console),
        "remove": lambda: _remove(args.documents, args.dataset, console),
        "user": lambda: _user(args, console),
    }
    try:
        return commands[args.command]()
    except AnalyticsError as exc:
        console.print(f"[red]错误 error[/red] {_plain(exc)}", highlight=False, soft_wrap=True)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
