"""Readings are watched (issue 15): a file whose reading takes more than a disclosure's memory or time, or crashes
the reader, is stopped and reported, and the other files of the batch are read."""

from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest

from analytics.errors import ReaderError
from analytics.ingest import read_batch
from analytics.ingest._guard import READ_MEMORY_BYTES, read_watched
from tests.bombs import pages_pdf

SETUP = "analytics.ingest:_end_with_parent"
linux_only = pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="memory is watched through Linux /proc")


def _files(tmp_path: Path, *names: str) -> list[tuple[Path, str | None]]:
    tasks: list[tuple[Path, str | None]] = []
    for name in names:
        (tmp_path / name).write_text("x")
        tasks.append((tmp_path / name, None))
    return tasks


@linux_only
def test_a_reading_past_its_memory_is_stopped_and_the_others_read(tmp_path: Path) -> None:
    tasks = _files(tmp_path, "bomb.txt")
    start = time.monotonic()
    results = read_watched(tasks, "tests.readers:fill_memory", SETUP, workers=1, memory_bytes=300 * 1024 * 1024)
    assert time.monotonic() - start < 30
    assert [str(r) for r in results] == [
        "bomb.txt: reading it took more than 300 MB of memory and was stopped; expected a disclosure (a published one "
        "reads in about 150 MB)"
    ]


def test_a_reading_past_its_time_is_stopped(tmp_path: Path) -> None:
    results = read_watched(_files(tmp_path, "slow.txt"), "tests.readers:sleep_a_minute", SETUP, workers=1, seconds=2)
    assert isinstance(results[0], ReaderError)
    assert "took longer than 2 s and was stopped" in str(results[0])


def test_a_crashing_reader_is_reported_and_the_batch_goes_on(tmp_path: Path) -> None:
    tasks = _files(tmp_path, "a.txt", "b.txt", "c.txt")
    crashed = read_watched(tasks[:1], "tests.readers:crash", SETUP, workers=2)
    assert str(crashed[0]) == (
        "a.txt: the reader stopped on this file with signal 11 (SIGSEGV); expected a file it can open (is the file "
        "damaged?)"
    )
    # Results come back in the order of the files, whichever worker read them.
    assert read_watched(tasks, "tests.readers:name_of", SETUP, workers=2) == ["read a.txt", "read b.txt", "read c.txt"]


def test_a_defect_of_the_reader_is_reported_as_one_and_the_batch_goes_on(tmp_path: Path) -> None:
    tasks = _files(tmp_path, "a.txt", "b.txt")
    results = read_watched(tasks, "tests.readers:fail", SETUP, workers=1)
    assert [str(r) for r in results] == [
        f"{n}: the reader failed on this file (KeyError: 'row'); expected to read it — a defect of the reader: please "
        "report it with the file"
        for n in ("a.txt", "b.txt")
    ]


def test_names_travel_with_their_files(tmp_path: Path) -> None:
    tasks = [(path, f"上传的{path.name}") for path, _ in _files(tmp_path, "1.txt", "2.txt")]
    assert read_watched(tasks, "tests.readers:name_of", SETUP, workers=1) == ["read 上传的1.txt", "read 上传的2.txt"]


@linux_only
def test_a_pdf_that_makes_pdfium_push_millions_of_states_is_stopped_within_a_gigabyte(tmp_path: Path) -> None:
    # 16 million ``q`` operators (32 MB, under the 64 MB a stream may inflate to) from 35 KB: PDFium pushes a graphics
    # state for each; 32 million took 5.5 GB and 17 s on the one page before the watch.
    bomb = tmp_path / "states.pdf"
    bomb.write_bytes(pages_pdf(1, b"BT /F1 12 Tf 72 720 Td (1) Tj ET\n" + b"q\n" * (16 * 1024 * 1024)))
    assert bomb.stat().st_size < 200_000
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    batch = read_batch([bomb])
    assert [str(error) for error in batch.errors] == [
        f"states.pdf: reading it took more than {READ_MEMORY_BYTES // 1024 // 1024} MB of memory and was stopped; "
        "expected a disclosure (a published one reads in about 150 MB)"
    ]
    if before * 1024 < 1024**3:  # no earlier child of this process held a gigabyte: then neither did the worker
        assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 < 1024**3


def test_an_unwatched_batch_reads_in_this_process(seed_path: Path) -> None:
    batch = read_batch([seed_path], watched=False)
    assert batch.errors == [] and len(batch.read) == 1
