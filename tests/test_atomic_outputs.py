"""Output files are written whole or not at all: a unique temporary file beside the target, synced and renamed over
it; a failure (a full disk, a killed process) leaves the previous file and nothing else."""

from __future__ import annotations

import errno
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import polars as pl
import pytest

from analytics import export, store
from analytics.cli import main
from analytics.errors import OutputError
from analytics.ingest import read_batch
from analytics.store import open_dataset, save_dataset, update_dataset, write_atomically

FRAME = pl.DataFrame({"a": list(range(1000)), "b": ["甲乙丙"] * 1000})


def _fd_path(fd: int) -> str:
    return os.readlink(f"/proc/self/fd/{fd}")


def _full_disk_at(monkeypatch: pytest.MonkeyPatch, fragment: str) -> None:
    """``fsync`` of a file whose name holds ``fragment`` fails as on a full disk."""
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if fragment in Path(_fd_path(fd)).name:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def test_parallel_writers_to_one_path_never_corrupt_each_other(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    payloads = [bytes([n]) * 200_000 for n in range(8)]
    errors: list[BaseException] = []

    def writer(payload: bytes) -> None:
        try:
            for _ in range(20):
                write_atomically(target, payload)
        except BaseException as exc:  # collected, and asserted on in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(p,)) for p in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert target.read_bytes() in payloads
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_a_write_failing_midway_leaves_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "flags.csv"
    target.write_bytes(b"previous\n")
    real_write_csv = pl.DataFrame.write_csv

    def dies_midway(self: pl.DataFrame, file: object = None, **kwargs: object) -> object:
        data = real_write_csv(self, None, **kwargs).encode("utf-8")
        if isinstance(file, (str, Path)):
            Path(file).write_bytes(data[: len(data) // 2])
        else:
            file.write(data[: len(data) // 2])
        raise KeyboardInterrupt("killed while writing")

    monkeypatch.setattr(pl.DataFrame, "write_csv", dies_midway)
    with pytest.raises(KeyboardInterrupt):
        export.write(FRAME, target, "csv")
    assert target.read_bytes() == b"previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["flags.csv"]


def test_full_disk_gives_a_clear_error_and_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.csv"
    real_write = os.write

    def half_then_full(fd: int, data: bytes) -> int:
        if "out.csv" in _fd_path(fd):
            real_write(fd, bytes(data[: len(data) // 2]))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", half_then_full)
    expected = f"^cannot write {re.escape(str(target))}: no space left on device$"
    with pytest.raises(OutputError, match=expected):
        export.write(FRAME, target, "csv")
    assert list(tmp_path.iterdir()) == []


def test_full_disk_during_a_save_leaves_the_dataset_and_no_orphan_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = open_dataset()
    first = shipped.documents.get_column("doc_id").head(1).to_list()
    save_dataset(shipped.without_documents(first), tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    _full_disk_at(monkeypatch, "manifest.json")
    with pytest.raises(OutputError, match=r"manifest\.json: no space left on device$"):
        update_dataset(shipped, tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_cli_export_on_a_full_disk_prints_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "ds.zip"
    target.write_bytes(b"previous")
    _full_disk_at(monkeypatch, "ds.zip")
    status = main(["export", "--format", "csv", "--dataset", str(store.DEFAULT_DATASET), "--out", str(target)])
    out, err = capsys.readouterr()
    assert status == 1
    assert out.strip().splitlines() == [f"错误 error cannot write {target}: no space left on device"]
    assert "Traceback" not in out + err
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["ds.zip"]


def _children(parent: int) -> list[int]:
    """The batch reader's worker processes among the children of ``parent``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == parent and b"analytics.ingest._worker" in command:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc to find the workers")
def test_workers_of_a_killed_batch_ingest_end_with_it(tmp_path: Path) -> None:
    # Workers that take a minute on each file (tests/readers.py), as on a long read, with the batch's own start-up.
    files = [tmp_path / f"{name}.txt" for name in "abc"]
    for path in files:
        path.write_text("x")
    root = Path(__file__).resolve().parent.parent
    script = (
        "import sys; from pathlib import Path; from analytics.ingest._guard import read_watched; "
        "read_watched([(Path(p), None) for p in sys.argv[1:]], 'tests.readers:sleep_a_minute', "
        "'analytics.ingest:_end_with_parent', workers=2)"
    )
    env = {**os.environ, "PYTHONPATH": str(root)}
    log = tmp_path / "stderr.txt"
    with log.open("wb") as stderr:
        parent = subprocess.Popen([sys.executable, "-c", script, *map(str, files)], cwd=root, env=env, stderr=stderr)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline and parent.poll() is None:
            time.sleep(0.2)
            workers = _children(parent.pid)
        assert len(workers) == 2, f"the batch ingest never started its two workers: {log.read_text()}"
        time.sleep(1)  # let them get to their files
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [pid for pid in workers if _alive(pid)] == []
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_workers_that_end_with_their_parent_still_read(tmp_path: Path, seed_path: Path) -> None:
    files = [tmp_path / f"{name}.txt" for name in "abc"]
    for path in files:
        path.write_bytes(seed_path.read_bytes())
    batch = read_batch(files, workers=2)
    assert batch.errors == []
    assert [path for path, _ in batch.read] == files


def test_full_disk_while_writing_a_data_package_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from analytics.report.datapackage import write_data_package

    def full_disk(self: pl.DataFrame, file: object = None, **kwargs: object) -> None:
        raise OSError("No space left on device (os error 28)")  # as Polars words it

    monkeypatch.setattr(pl.DataFrame, "write_csv", full_disk)
    target = tmp_path / "fdp"
    expected = f"^cannot write {re.escape(str(target))}: no space left on device$"
    with pytest.raises(OutputError, match=expected):
        write_data_package(open_dataset(), target)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "command",
    [
        ["export", "--format", "csv", "--out", "{blocked}/ds.zip"],
        ["brief", "--all", "--format", "html", "--out", "{blocked}/briefs"],
        ["ingest", "{seed}", "--dataset", "{blocked}/ds"],
    ],
    ids=["export", "brief", "ingest"],
)
def test_cli_output_under_a_file_prints_one_line(
    command: list[str], tmp_path: Path, seed_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A folder that cannot be made (a file is in the way): the error even root meets, unlike a read-only folder.
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    argv = [part.format(blocked=blocked, seed=seed_path) for part in command]
    if command[0] != "ingest":
        argv += ["--dataset", str(store.DEFAULT_DATASET)]
    status = main(argv)
    out, err = capsys.readouterr()
    assert status == 1
    assert out.strip().splitlines()[-1].startswith(f"错误 error cannot write {blocked}/")
    assert "Traceback" not in out + err
    assert [p.name for p in tmp_path.iterdir()] == ["a-file"]


def test_a_new_file_follows_the_umask_and_a_rewritten_one_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "flags.csv"
    write_atomically(target, b"first\n")
    assert target.stat().st_mode & 0o777 == 0o666 & ~store._UMASK  # not mkstemp's 0o600
    target.chmod(0o640)
    write_atomically(target, b"second\n")
    assert target.stat().st_mode & 0o777 == 0o640
