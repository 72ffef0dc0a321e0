"""Hostile runs of real processes: saves and exports killed with SIGKILL at random moments, writers and readers of
one dataset at once, files with hostile names and texts through the command line, PDFs damaged in bulk.

Each run is a child process with a timeout, ended in a ``finally`` block; every test asserts an outcome that a
defect would break (a dataset that is neither the old nor the new one, a truncated export, a lost document, a
traceback, a terminal escape printed, a damaged PDF read differently without an error).
"""

from __future__ import annotations

import io
import os
import random
import re
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from analytics import export
from analytics import schema as s
from analytics.errors import ReaderError
from analytics.ingest import read_disclosure
from analytics.store import (
    DEFAULT_DATASET,
    MANIFEST,
    SOURCES_DIR,
    Dataset,
    open_dataset,
    save_dataset,
    update_dataset,
)
from tests.pdf_synthetic import DisclosureSpec, build_disclosure_pdf
from tests.synthetic import SyntheticDisclosure

ROOT = Path(__file__).resolve().parent.parent
LINUX = sys.platform.startswith("linux")
#: No child may outlive this (seconds): a hung child fails its test instead of the whole run.
TIMEOUT = 60

#: Departments of different regions, so that each synthetic disclosure is a document of its own.
DEPARTMENTS = (
    ("南京市鼓楼区", "鼓楼区档案馆"),
    ("成都市武侯区", "武侯区政务服务中心"),
    ("南宁市青秀区", "青秀区档案馆"),
    ("长沙市岳麓区", "岳麓区城市更新服务中心"),
)
#: Tables whose rows belong to one document each (``flags`` depend on the whole dataset and are left out).
PER_DOCUMENT = (s.DOCUMENTS, s.LINES, s.STATEMENTS, s.DOCUMENT_TEXT, s.DEPARTMENTS)
#: ESC, BEL and the other C0 / C1 controls but newline, tab and carriage return.
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}


def _write_disclosures(folder: Path, count: int = len(DEPARTMENTS)) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, (region, short_name) in enumerate(DEPARTMENTS[:count]):
        path = folder / f"d{n}.txt"
        path.write_text(SyntheticDisclosure(region=region, short_name=short_name).text(), encoding="utf-8")
        paths.append(path)
    return paths


def _cli(args: Sequence[str], *, timeout: float = TIMEOUT) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "analytics.cli", *args],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def children() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Child processes a test starts: every one still running at its end is killed and reaped."""
    started: list[subprocess.Popen[bytes]] = []
    try:
        yield started
    finally:
        for child in started:
            if child.poll() is None:
                child.kill()
            child.wait(timeout=10)


def _spawn(children: list[subprocess.Popen[bytes]], argv: Sequence[str], **kwargs: Any) -> subprocess.Popen[bytes]:
    child = subprocess.Popen(list(argv), cwd=ROOT, env=_env(), **kwargs)
    children.append(child)
    return child


def _counts(ds: Dataset) -> dict[str, int]:
    return {name: ds.tables[name].height for name in PER_DOCUMENT}


def _doc_ids(ds: Dataset) -> frozenset[str]:
    return frozenset(ds.documents.get_column(s.DOC_ID).to_list())


def _leftovers(directory: Path) -> list[str]:
    """Entries of a dataset folder its manifest does not name (besides the lock and the sources folder)."""
    named = set(re.findall(r'"([^"]+\.parquet)"', (directory / MANIFEST).read_text(encoding="utf-8")))
    return sorted(p.name for p in directory.iterdir() if p.name not in {*named, MANIFEST, ".lock", SOURCES_DIR})


# ---------------------------------------------------------------------------------------------------------------------
# kill -9 during a save
# ---------------------------------------------------------------------------------------------------------------------

#: The child: saves in a loop, each time one document more, all removed once it holds all; after each save it appends
#: how many it holds to the log (``os.write`` on an O_APPEND descriptor: a line is whole or absent).
_SAVER = """
import os, sys
from analytics.store import open_dataset, remove_documents, update_dataset
target, log, *pairs = sys.argv[1:]
docs = [open_dataset(source) for source in pairs[0::2]]
files = pairs[1::2]
out = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
while True:
    held = open_dataset(target).documents.height
    if held == len(docs):
        remove_documents(list(open_dataset(target).documents.get_column("doc_id")), target)
        held = 0
    else:
        update_dataset(docs[held], target, sources=[files[held]])
        held += 1
    os.write(out, f"{held}\\n".encode())
"""


def test_a_save_killed_at_random_moments_leaves_the_old_or_the_new_dataset(
    tmp_path: Path, children: list[subprocess.Popen[bytes]]
) -> None:
    files = _write_disclosures(tmp_path / "in")
    docs = [read_disclosure(path) for path in files]
    sources = []
    for n, (doc, path) in enumerate(zip(docs, files, strict=True)):
        save_dataset(doc, tmp_path / f"doc{n}")
        sources += [str(tmp_path / f"doc{n}"), str(path)]
    # What the dataset holds after each save: the first k documents.
    states = [Dataset.empty()]
    for doc in docs:
        states.append(states[-1].replace_documents(doc))
    expected = [(_doc_ids(state), _counts(state)) for state in states]
    target = tmp_path / "ds"
    save_dataset(Dataset.empty(), target)
    log = tmp_path / "saves.log"
    rng = random.Random(15)
    held = 0
    seen_leftovers: list[list[str]] = []
    saves = 0
    for kill in range(10):
        logged = log.read_text().count("\n") if log.exists() else 0
        child = _spawn(children, [sys.executable, "-c", _SAVER, str(target), str(log), *sources])
        deadline = time.monotonic() + TIMEOUT
        while (log.read_text().count("\n") if log.exists() else 0) == logged:
            assert child.poll() is None, f"the saving child ended with {child.returncode} (kill {kill})"
            assert time.monotonic() < deadline, "the saving child never saved"
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.4))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        lines = log.read_text().splitlines()
        saves += len(lines) - logged
        held = int(lines[-1])
        successor = 0 if held == len(docs) else held + 1
        ds = open_dataset(target)
        state = (_doc_ids(ds), _counts(ds))
        assert state in (expected[held], expected[successor]), (
            f"kill {kill}: the dataset holds {len(state[0])} document(s) {state[1]}, neither the last save's "
            f"({held}) nor the next one's ({successor})"
        )
        if state == expected[successor]:
            held = successor
        seen_leftovers.append(_leftovers(target))
    # Whatever the kills left, the next save succeeds and reads back whole.
    update_dataset(docs[0], target)
    assert _doc_ids(open_dataset(target)) == _doc_ids(docs[0]) | expected[held][0]
    assert saves >= 10
    # Files a kill left behind are removed by the next save: they never pile up.
    assert _leftovers(target) == [], (
        f"left behind after a clean save: {_leftovers(target)} (per kill: {seen_leftovers})"
    )
    assert [p.name for p in (target / SOURCES_DIR).iterdir() if p.name.startswith(".")] == []


#: The child: the command line, with ``os.fsync`` of a temporary file whose name holds a fragment held up (the flag
#: file tells the parent), so that a SIGKILL lands exactly while the temporary file is written and not yet renamed.
_HELD_AT_FSYNC = """
import os, sys, time
fragment, flag, *argv = sys.argv[1:]
real = os.fsync
def fsync(fd):
    if fragment in os.path.basename(os.readlink(f"/proc/self/fd/{fd}")):
        open(flag, "w").close()
        time.sleep(120)
    real(fd)
os.fsync = fsync
from analytics.cli import main
sys.exit(main(argv))
"""


def _killed_at_fsync(
    children: list[subprocess.Popen[bytes]], fragment: str, flag: Path, argv: Sequence[str]
) -> subprocess.Popen[bytes]:
    child = _spawn(
        children, [sys.executable, "-c", _HELD_AT_FSYNC, fragment, str(flag), *argv], stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + TIMEOUT
    while not flag.exists():
        assert child.poll() is None, f"the child ended ({child.returncode}) before writing a file named *{fragment}*"
        assert time.monotonic() < deadline, f"the child never wrote a file named *{fragment}*"
        time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    return child


@pytest.mark.skipif(not LINUX, reason="finds a descriptor's file name in /proc/self/fd")
@pytest.mark.parametrize("fragment", ["manifest.json", "lines-", ".txt."], ids=["manifest", "table", "source"])
def test_a_save_killed_while_a_temporary_file_is_open_leaves_nothing_the_next_save_keeps(
    tmp_path: Path, children: list[subprocess.Popen[bytes]], fragment: str
) -> None:
    first, second, third = _write_disclosures(tmp_path / "in", 3)
    target = tmp_path / "ds"
    update_dataset(read_disclosure(first), target, sources=[first])
    before = _doc_ids(open_dataset(target))
    _killed_at_fsync(children, fragment, tmp_path / "flag", ["ingest", str(second), "--dataset", str(target)])
    temporary = [p.name for p in [*target.iterdir(), *(target / SOURCES_DIR).iterdir()] if p.name.endswith(".tmp")]
    assert temporary, "the kill left no temporary file: it missed the window this test aims at"
    assert _doc_ids(open_dataset(target)) == before  # the temporary file is not read as a table
    update_dataset(read_disclosure(third), target, sources=[third])
    assert len(_doc_ids(open_dataset(target))) == 2
    assert _leftovers(target) == [], "a killed save's temporary files outlive the next save: they pile up"
    assert [p.name for p in (target / SOURCES_DIR).iterdir() if p.name.endswith(".tmp")] == []


# ---------------------------------------------------------------------------------------------------------------------
# kill -9 during an export
# ---------------------------------------------------------------------------------------------------------------------


def _tables_of(data: bytes, fmt: str) -> dict[str, pl.DataFrame]:
    """The tables of an export: a zip of CSV or Parquet files (``export``), or one flags file (``check --out``)."""
    if data[:2] != b"PK":
        return {"flags": pl.read_csv(data) if fmt == "csv" else pl.read_parquet(data)}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        read = pl.read_csv if fmt == "csv" else pl.read_parquet
        return {name: read(archive.read(name)) for name in archive.namelist()}


def _same_tables(a: dict[str, pl.DataFrame], b: dict[str, pl.DataFrame]) -> bool:
    return a.keys() == b.keys() and all(a[name].equals(b[name]) for name in a)


@pytest.mark.parametrize(
    ("command", "fmt", "kills"),
    [("export", "csv", 4), ("export", "parquet", 3), ("check", "csv", 3)],
    ids=["export-csv", "export-parquet", "check-csv"],
)
def test_an_export_killed_at_random_moments_leaves_the_old_or_the_new_file(
    tmp_path: Path, children: list[subprocess.Popen[bytes]], command: str, fmt: str, kills: int
) -> None:
    dataset = tmp_path / "ds"
    shipped = save_dataset(open_dataset(DEFAULT_DATASET), dataset)
    if command == "export":
        out = tmp_path / "out.zip"
        argv = ["export", "--format", fmt, "--dataset", str(dataset), "--out", str(out)]
        old = export.dataset_bytes({name: frame.head(3) for name, frame in open_dataset(dataset).tables.items()}, fmt)
    else:
        out = tmp_path / f"flags.{fmt}"
        argv = ["check", "--dataset", str(dataset), "--out", str(out)]
        old = export.to_bytes(open_dataset(dataset).flags.head(3), fmt)
    # One run to the end: the new file, and how long a run takes.
    started = time.monotonic()
    done = _cli(argv)
    duration = time.monotonic() - started
    assert done.returncode == 0, done.stdout.decode()
    new = _tables_of(out.read_bytes(), fmt)
    previous = _tables_of(old, fmt)
    assert not _same_tables(new, previous)
    rng = random.Random(f"{command}-{fmt}")
    outcomes = []
    for kill in range(kills):
        out.write_bytes(old)
        child = _spawn(children, [sys.executable, "-m", "analytics.cli", *argv], stdout=subprocess.DEVNULL)
        # Spread over the run, the start (imports, reading) to the end (writing the file, renaming it); the first run
        # (bytecode compiled, files cold) is the slowest, so the spread ends before its duration.
        time.sleep(duration * (0.1 + 0.8 * (kill + rng.random()) / kills))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        data = out.read_bytes()
        assert data, f"kill {kill}: {out.name} is empty"
        tables = _tables_of(data, fmt)  # a truncated file fails here
        assert _same_tables(tables, previous) or _same_tables(tables, new), f"kill {kill}: {out.name} is neither"
        outcomes.append("old" if _same_tables(tables, previous) else "new")
        # ``check`` saves the flags into the dataset: that save was killed too.
        assert _doc_ids(open_dataset(dataset)) == _doc_ids(shipped)
    assert "old" in outcomes, "every kill came after the file was written: none tested an interrupted run"


@pytest.mark.skipif(not LINUX, reason="finds a descriptor's file name in /proc/self/fd")
def test_an_export_killed_while_its_temporary_file_is_written_leaves_the_old_file(
    tmp_path: Path, children: list[subprocess.Popen[bytes]]
) -> None:
    out = tmp_path / "out.zip"
    out.write_bytes(b"PK-the previous export")
    argv = ["export", "--format", "csv", "--dataset", str(DEFAULT_DATASET), "--out", str(out)]
    _killed_at_fsync(children, "out.zip", tmp_path / "flag", argv)
    assert out.read_bytes() == b"PK-the previous export"
    # The kill leaves the half-written temporary file (hidden, beside the target): no process is left to remove it.
    staged = [p for p in tmp_path.iterdir() if p.name.startswith(".out.zip.") and p.name.endswith(".tmp")]
    assert len(staged) == 1
    assert _cli(argv).returncode == 0
    assert set(_tables_of(out.read_bytes(), "csv")) >= {"documents.csv", "lines.csv"}


# ---------------------------------------------------------------------------------------------------------------------
# Writers and readers of one dataset at once
# ---------------------------------------------------------------------------------------------------------------------

#: The child: opens the dataset in a loop until the stop file appears, then once more; every open must succeed, be
#: consistent (no row of a document the dataset does not hold) and never go back to fewer documents (the writers
#: only add).
_READER = """
import os, sys, time
from analytics.store import open_dataset
target, stop = sys.argv[1:]
opens = held = 0
while True:
    stopping = os.path.exists(stop)  # looked at before the open: the last open sees the last save
    ds = open_dataset(target, missing_ok=True)
    ids = set(ds.documents.get_column("doc_id"))
    for name in ("lines", "statements", "document_text", "departments"):
        orphans = set(ds.tables[name].get_column("doc_id")) - ids
        assert not orphans, f"{name} has rows of documents the dataset does not hold: {orphans}"
    assert len(ids) >= held, f"went back from {held} to {len(ids)} documents"
    held = len(ids)
    opens += 1
    if stopping:
        break
    time.sleep(0.05)
print(opens, held)
"""


def test_concurrent_ingests_lose_nothing_and_readers_never_fail(
    tmp_path: Path, children: list[subprocess.Popen[bytes]]
) -> None:
    files = _write_disclosures(tmp_path / "in")
    target = tmp_path / "ds"  # no dataset yet: the first writers race to create it
    stop = tmp_path / "stop"
    readers = [
        _spawn(
            children,
            [sys.executable, "-c", _READER, str(target), str(stop)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    writers = [
        _spawn(
            children,
            [sys.executable, "-m", "analytics.cli", "ingest", str(path), "--dataset", str(target)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for path in files
    ]
    # And one more writer, once the first ingest made the dataset: the checks, saving their flags while the ingests
    # save theirs.
    deadline = time.monotonic() + TIMEOUT
    while not (target / MANIFEST).exists():
        assert time.monotonic() < deadline, "no ingest ever saved"
        time.sleep(0.01)
    writers.append(
        _spawn(
            children,
            [sys.executable, "-m", "analytics.cli", "check", "--dataset", str(target)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
    )
    try:
        written = [writer.communicate(timeout=TIMEOUT)[0].decode() for writer in writers]
    finally:
        stop.touch()
    read = [reader.communicate(timeout=TIMEOUT) for reader in readers]
    for writer, output in zip(writers[:-1], written[:-1], strict=True):
        assert writer.returncode == 0, output
    assert writers[-1].returncode == 0, written[-1]
    for reader, (out, err) in zip(readers, read, strict=True):
        assert reader.returncode == 0, err.decode()
        opens, held = map(int, out.split())
        assert opens > 0
        assert held == len(files)
    stored = open_dataset(target)
    assert sorted(stored.documents.get_column(s.SOURCE_NAME)) == [path.name for path in files]
    expected = [_counts(read_disclosure(path)) for path in files]
    assert _counts(stored) == {name: sum(c[name] for c in expected) for name in PER_DOCUMENT}
    assert _leftovers(target) == []


# ---------------------------------------------------------------------------------------------------------------------
# Hostile file names and texts through the command line
# ---------------------------------------------------------------------------------------------------------------------

#: File names a disclosure may come with (a slash cannot be in a name: ``[/]`` is a folder ``[`` and a file ``]…``).
HOSTILE_NAMES = (
    "[bold]报告[red]红.txt",
    "[/]",  # the folder "[", the file "].txt"
    "报告\x1b[31m红\x1b[0m.txt",
    "\x1b]0;owned\x07标题.txt",
    "部" * 82 + ".txt",  # 250 bytes of UTF-8
    "第一行\n第二行.txt",
    "-rf.txt",
    "a b 'c' \"d\" $(id) `id` %s {0}.txt",
)


def _hostile_paths(folder: Path) -> list[Path]:
    paths = []
    for n, name in enumerate(HOSTILE_NAMES):
        path = folder / "[" / "].txt" if name == "[/]" else folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        region, short_name = DEPARTMENTS[n % len(DEPARTMENTS)]
        # Other staff figures: another document (the doc_id is the content's hash) of the same department.
        text = SyntheticDisclosure(region=region, short_name=short_name, staff_authorized=40 + n).text()
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def _printable(output: bytes) -> str:
    text = output.decode("utf-8")
    assert "Traceback" not in text, text
    assert "\x1b" not in text, repr(text)
    assert CONTROLS.findall(text) == [], repr(text)
    return text


def test_hostile_file_names_are_ingested_and_printed_as_plain_text(tmp_path: Path) -> None:
    assert len(os.fsencode(HOSTILE_NAMES[4])) == 250
    paths = _hostile_paths(tmp_path / "in")
    target = tmp_path / "ds"
    # More than two files: the names go through the worker processes of a batch read too.
    done = _cli(["ingest", "--dataset", str(target), "--", *map(str, paths)])
    out = _printable(done.stdout)
    _printable(done.stderr)
    assert done.returncode == 0, out
    assert "[bold]报告[red]红.txt" in out  # shown, not taken for markup
    # A line break in a name is shown as an escape: no name begins a line of its own (it could fake a status line).
    assert "第一行\\n第二行.txt" in out
    assert not any(line.startswith("第二行") for line in out.splitlines())
    assert f"{len(paths)} document(s)" in out
    stored = open_dataset(target)
    assert sorted(stored.documents.get_column(s.SOURCE_NAME)) == sorted(path.name for path in paths)
    assert len(list((target / SOURCES_DIR).iterdir())) == len(paths)
    info = _cli(["info", "--dataset", str(target)])
    assert info.returncode == 0
    _printable(info.stdout)
    # A document is removed by its hostile name as well (the one with a newline, the one that looks like an option).
    removed = _cli(["remove", "--dataset", str(target), "--", "第一行\n第二行.txt", "-rf.txt"])
    assert removed.returncode == 0, _printable(removed.stdout)
    assert f"{len(paths) - 2} document(s)" in _printable(removed.stdout)
    assert "-rf.txt" not in open_dataset(target).documents.get_column(s.SOURCE_NAME).to_list()


@pytest.mark.parametrize(
    "name",
    [HOSTILE_NAMES[2], HOSTILE_NAMES[4], HOSTILE_NAMES[5], HOSTILE_NAMES[7]],
    ids=["escape", "250-bytes", "newline", "quotes"],
)
def test_an_export_to_a_hostile_file_name_is_written(tmp_path: Path, name: str) -> None:
    out = tmp_path / name.replace(".txt", ".zip")
    done = _cli(["export", "--format", "csv", "--dataset", str(DEFAULT_DATASET), "--out", str(out)])
    assert done.returncode == 0, _printable(done.stdout)
    _printable(done.stdout)
    assert "documents.csv" in _tables_of(out.read_bytes(), "csv")
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


#: Text a document may print that a spreadsheet would run as a formula (the ones the CSV export must protect).
FORMULAS = ("=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0")
MARKUP = "<script>alert(1)</script> [x](//evil.example) [bold]粗[/bold]"
#: A terminal title, a cleared screen: two escapes in the narrative.
ESCAPES = ("\x1b]0;owned\x07标题被改", "\x1b[2J清屏")
NAME = "鼓楼区[x](//evil.example)<script>馆"


def _hostile_text(short_name: str = "鼓楼区档案馆", narrative: Sequence[str] = (*FORMULAS, MARKUP)) -> str:
    text = SyntheticDisclosure(region="南京市鼓楼区", short_name=short_name).text()
    duty = "1.负责全区城市更新项目的统筹。"
    assert duty in text
    return text.replace(duty, "\n\n".join([duty, *narrative]))


def _unprotected(tables: dict[str, pl.DataFrame]) -> list[str]:
    """Text cells a spreadsheet would take for a formula: starting with = + @, a tab or a CR, or with - and not a
    number (the convention of ``analytics.export``, tested in tests/test_escaping.py)."""
    found = []
    for name, frame in tables.items():
        for column in frame.select(pl.col(pl.String)).columns:
            for value in frame.get_column(column).drop_nulls():
                if re.match(r"[=+@\t\r]", value) or (value.startswith("-") and not re.fullmatch(r"-[\d.]+", value)):
                    found.append(f"{name}.{column}: {value!r}")
    return found


def test_hostile_text_goes_through_ingest_export_and_check_as_data(tmp_path: Path) -> None:
    path = tmp_path / "gulou.txt"
    # A few control characters pass the text reader (it refuses a file of many as binary): they are kept as data.
    narrative = (*FORMULAS, MARKUP, *ESCAPES)
    path.write_text(_hostile_text(NAME, narrative), encoding="utf-8")
    target = tmp_path / "ds"
    done = _cli(["ingest", str(path), "--dataset", str(target)])
    out = _printable(done.stdout)
    assert done.returncode == 0, out
    assert f"南京市{NAME}" in out  # printed as it is, not taken for markup
    text = open_dataset(target).document_text.get_column(s.SOURCE_TEXT).to_list()
    assert all(line in text for line in narrative), "the reader did not keep the hostile lines"
    archive = tmp_path / "out.zip"
    exported = _cli(["export", "--format", "csv", "--dataset", str(target), "--out", str(archive)])
    assert exported.returncode == 0, _printable(exported.stdout)
    tables = _tables_of(archive.read_bytes(), "csv")
    assert _unprotected(tables) == []
    kept = tables["document_text.csv"].get_column(s.SOURCE_TEXT).to_list()
    assert [f"'{line}" in kept for line in FORMULAS] == [True] * len(FORMULAS)
    assert MARKUP in kept  # not a formula: left as it is
    assert tables["documents.csv"].get_column(s.DEPARTMENT).to_list() == [f"南京市{NAME}"]
    flags = tmp_path / "flags.csv"
    checked = _cli(["check", "--dataset", str(target), "--out", str(flags)])
    assert checked.returncode == 0, _printable(checked.stdout)
    _printable(checked.stdout)
    assert _unprotected(_tables_of(flags.read_bytes(), "csv")) == []
    shown = _cli(["info", "--dataset", str(target)])
    assert shown.returncode == 0, _printable(shown.stdout)
    assert f"南京市{NAME}" in _printable(shown.stdout)
    briefs = tmp_path / "briefs"
    written = _cli(["brief", "--all", "--format", "html", "--dataset", str(target), "--out", str(briefs)])
    assert written.returncode == 0, _printable(written.stdout)
    _printable(written.stdout)
    (html,) = [path.read_text(encoding="utf-8") for path in briefs.glob("*.html")]
    assert "<script>馆" not in html and "&lt;script&gt;馆" in html


@pytest.mark.parametrize(
    "short_name",
    ["鼓楼区\x1b]0;owned\x07档案馆", "=cmd|' /C calc'!A0"],
    ids=["escapes-in-name", "formula-as-name"],
)
def test_hostile_text_the_reader_refuses_is_one_plain_error_line(tmp_path: Path, short_name: str) -> None:
    path = tmp_path / "hostile.txt"
    path.write_text(_hostile_text(short_name), encoding="utf-8")
    done = _cli(["ingest", str(path), "--dataset", str(tmp_path / "ds")])
    out = _printable(done.stdout)
    _printable(done.stderr)
    assert done.returncode == 1, out
    errors = [line for line in out.splitlines() if line.startswith("错误 error ")]
    assert len(errors) == 1 and errors[0].startswith("错误 error hostile.txt"), out
    assert not (tmp_path / "ds").exists()


# ---------------------------------------------------------------------------------------------------------------------
# PDFs damaged in bulk
# ---------------------------------------------------------------------------------------------------------------------

#: Columns that name the file read (its hash, its name), not what was read from it.
_IDENTITY = (s.DOC_ID, s.SOURCE_SHA256, s.SOURCE_NAME, s.DISCLOSURE_ID)


def _what_was_read(ds: Dataset) -> dict[str, pl.DataFrame]:
    return {name: frame.drop(_IDENTITY, strict=False) for name, frame in ds.tables.items()}


def _damaged_pdfs(original: bytes, other: bytes) -> dict[str, bytes]:
    rng = random.Random(6)
    table = original.rindex(b"\nxref\n")
    trailer = original.rindex(b"trailer")
    damaged = {f"cut-at-{p}pct.pdf": original[: len(original) * p // 100] for p in (10, 20, 30, 40, 50, 60, 70, 80, 90)}
    damaged |= {
        "cut-before-eof.pdf": original[:-7],
        "zero-length.pdf": b"",
        "header-only.pdf": b"%PDF-1.4\n",
        "header-and-noise.pdf": b"%PDF-1.4\n" + rng.randbytes(200_000),
        "header-and-4mb-noise.pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + rng.randbytes(4 * 1024 * 1024),
        "xref-table-removed.pdf": original[:table] + b"\n" + original[trailer:],
        "xref-and-trailer-removed.pdf": original[:table] + b"\n%%EOF\n",
        "twice-concatenated.pdf": original + original,
        "then-another-pdf.pdf": original + other,
        "then-4mb-noise.pdf": original + rng.randbytes(4 * 1024 * 1024),
        "body-shuffled.pdf": original[:4096] + bytes(rng.sample(original[4096:table], table - 4096)) + original[table:],
    }
    return damaged


def test_pdfs_damaged_in_bulk_are_read_as_published_or_refused_by_name(tmp_path: Path) -> None:
    original = build_disclosure_pdf(tmp_path / "original.pdf", DisclosureSpec()).read_bytes()
    other_spec = DisclosureSpec(department="上海市静安区人民政府静安寺街道办事处", staff_actual=99)
    other = build_disclosure_pdf(tmp_path / "other.pdf", other_spec).read_bytes()
    expected = _what_was_read(read_disclosure(tmp_path / "original.pdf"))
    later = _what_was_read(read_disclosure(tmp_path / "other.pdf"))
    folder = tmp_path / "damaged"
    folder.mkdir()
    outcomes: dict[str, str] = {}
    wrong: list[str] = []
    for name, data in _damaged_pdfs(original, other).items():
        (folder / name).write_bytes(data)
        try:
            read = _what_was_read(read_disclosure(folder / name))
        except ReaderError as error:
            outcomes[name] = "refused"
            if not str(error).startswith(f"{name}"):
                wrong.append(f"{name}: the message does not start with the file name: {error}")
            continue
        except Exception as error:  # what a user would see as a traceback
            outcomes[name] = "crashed"
            wrong.append(f"{name}: {type(error).__name__}: {error}")
            continue
        # The last of two PDFs one after the other is the file's last revision: read as that one, never mixed.
        if _same_tables(read, expected):
            outcomes[name] = "same"
        elif name == "then-another-pdf.pdf" and _same_tables(read, later):
            outcomes[name] = "the later one"
        else:
            outcomes[name] = "different"
            wrong.append(f"{name}: read differently without an error")
    assert wrong == [], outcomes
    assert outcomes["zero-length.pdf"] == outcomes["header-and-4mb-noise.pdf"] == "refused"
    assert [name for name, outcome in outcomes.items() if outcome == "refused" and name.startswith("cut-at")] != []
    # The command line, all at once (the batch's worker processes): one error line per file refused, no traceback.
    done = _cli(["ingest", "--dataset", str(tmp_path / "ds"), *map(str, sorted(folder.iterdir()))], timeout=120)
    out = _printable(done.stdout)
    _printable(done.stderr)
    refused = sorted(name for name, outcome in outcomes.items() if outcome == "refused")
    errors = sorted(
        line.removeprefix("错误 error ").partition(":")[0] for line in out.splitlines() if "错误 error" in line
    )
    assert done.returncode == 1
    assert errors == refused, out
    assert not (tmp_path / "ds").exists()
