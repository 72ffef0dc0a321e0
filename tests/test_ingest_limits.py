"""Inputs refused before any reading: a pipe, a device, a folder, a file over the size limit (issue 15: a FIFO
blocked the CLI forever, ``/dev/zero`` was read until memory ran out)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from analytics.errors import ReaderError
from analytics.ingest import MAX_FILE_BYTES, MAX_TEXT_BYTES, read_batch, read_disclosure
from tests.conftest import ROOT


def _fifo(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    return fifo


def test_a_named_pipe_is_refused_not_waited_on(tmp_path: Path) -> None:
    with pytest.raises(ReaderError, match=r"pipe\.txt: not a regular file"):
        read_disclosure(_fifo(tmp_path))


def test_a_device_behind_a_link_is_refused(tmp_path: Path) -> None:
    zero = tmp_path / "zero.txt"
    zero.symlink_to("/dev/zero")
    with pytest.raises(ReaderError, match=r"zero\.txt: not a regular file"):
        read_disclosure(zero)


def test_a_folder_named_like_a_pdf_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "budget.pdf"
    folder.mkdir()
    with pytest.raises(ReaderError, match="not a regular file"):
        read_disclosure(folder)


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.pdf"
    with big.open("wb") as handle:  # sparse: no disk or memory spent, only its size says it is too big
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(ReaderError, match=r"big\.pdf: the file is 50\.0 MB; a disclosure is read up to 50 MB"):
        read_disclosure(big)


def test_a_text_over_its_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    # 10 MB of text take about 15 s and 600 MB to read, 50 MB would take minutes: a text disclosure is under 100 KB.
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(MAX_TEXT_BYTES + 1)
    with pytest.raises(ReaderError, match=r"big\.txt: the file is 10\.0 MB; a text disclosure is read up to 10 MB"):
        read_disclosure(big)


def test_a_batch_reports_the_refused_file_and_reads_the_others(tmp_path: Path) -> None:
    fifo = _fifo(tmp_path)
    batch = read_batch([fifo], workers=1)
    assert [str(error) for error in batch.errors] == [f"{fifo.name}: not a regular file (a folder, pipe or device); "
                                                      "expected a disclosure file"]  # fmt: skip


def test_the_cli_refuses_a_pipe_at_once(tmp_path: Path) -> None:
    fifo = _fifo(tmp_path)
    run = subprocess.run(
        [sys.executable, "-m", "analytics.cli", "ingest", str(fifo), "--dataset", str(tmp_path / "ds")],
        capture_output=True, text=True, timeout=120, cwd=ROOT, check=False,
    )  # fmt: skip
    assert run.returncode != 0
    assert "not a regular file" in run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
