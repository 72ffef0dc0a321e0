"""Readers per format and the extractors they share.

``read_disclosure(path)`` reads one file in this process; ``read_batch(paths)`` reads many in watched worker
processes (``_guard``: stopped past a disclosure's memory or time, so that no file from elsewhere can take the
machine down), pairs the files of a disclosure split in two (narrative PDF + tables PDF) and reports every unreadable
file instead of stopping at the first. Nothing is stored here: ``analytics.store.update_dataset`` merges what was read.
"""

from __future__ import annotations

import ctypes
import os
import signal
import stat
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from analytics.errors import ReaderError
from analytics.ingest._guard import READ_MEMORY_BYTES, READ_SECONDS, read_watched
from analytics.store import Dataset

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_TEXT_BYTES",
    "READ_MEMORY_BYTES",
    "READ_SECONDS",
    "Batch",
    "read_batch",
    "read_disclosure",
    "supported_suffixes",
]

#: ``prctl`` option: the signal a process gets when its parent ends (Linux, <linux/prctl.h>).
_PR_SET_PDEATHSIG = 1
_READERS = {".txt": "text", ".pdf": "pdf", ".xlsx": "excel"}
#: The largest disclosure file read (the app's upload limit too): a published disclosure is a few MB at most.
MAX_FILE_BYTES = 50 * 1024 * 1024
#: The largest text disclosure read: a published one is under 100 KB; 10 MB of text take about 15 s and 600 MB.
MAX_TEXT_BYTES = 10 * 1024 * 1024


def supported_suffixes() -> frozenset[str]:
    """File suffixes a reader exists for.

    Examples
    --------
    >>> sorted(supported_suffixes())
    ['.pdf', '.txt', '.xlsx']
    """
    return frozenset(_READERS)


@dataclass
class Batch:
    """What a batch read produced: one ``Dataset`` per file read, and one error per file that could not be."""

    read: list[tuple[Path, Dataset]] = field(default_factory=list)
    errors: list[ReaderError] = field(default_factory=list)

    def merged(self) -> Dataset:
        """Every document read, as one dataset (a file given twice counts once)."""
        return Dataset.combined([dataset for _, dataset in self.read])


def _kind(path: Path, name: str) -> str:
    kind = _READERS.get(path.suffix.lower())
    if kind is None:
        raise ReaderError(
            name,
            "",
            f"unsupported file type {path.suffix or '(none)'!r}; expected one of {', '.join(sorted(_READERS))}",
        )
    return kind


def _check_file(path: Path, name: str, kind: str) -> None:
    """Refuse, before any reading, what is not a regular file of a disclosure's size: a FIFO would block the reader
    forever and a device (``/dev/zero``) never ends."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ReaderError(name, "", "cannot read the file (no such file); expected a disclosure file") from None
    except OSError as exc:
        raise ReaderError(name, "", f"cannot read the file ({exc.strerror}); expected a readable file") from None
    if not stat.S_ISREG(info.st_mode):
        raise ReaderError(name, "", "not a regular file (a folder, pipe or device); expected a disclosure file")
    limit = MAX_TEXT_BYTES if kind == "text" else MAX_FILE_BYTES
    if info.st_size > limit:
        what = "a text disclosure" if kind == "text" else "a disclosure"
        raise ReaderError(
            name, "", f"the file is {info.st_size / 1024 / 1024:.1f} MB; {what} is read up to {limit // 2**20} MB"
        )


def _read_one(path: Path, name: str | None = None) -> object:
    """Worker: a text or Excel file is read whole; a PDF is opened and identified (its extraction waits for its
    partners). A file that cannot be read gives its ``ReaderError`` back, so that a batch reports every one."""
    try:
        kind = _kind(path, name or path.name)
        _check_file(path, name or path.name, kind)
        if kind == "text":
            from analytics.ingest.text import read_text_disclosure

            return read_text_disclosure(path, name=name)
        if kind == "excel":
            from analytics.ingest.excel import read_excel_disclosure

            return read_excel_disclosure(path, name=name)
        from analytics.ingest.pdf import read_pdf_file

        return read_pdf_file(path, name=name)
    except ReaderError as error:
        return error


def _end_with_parent(parent: int) -> None:
    """Pool initializer: the worker ends when the process that started it does, even when that one is killed
    (``SIGKILL`` gives it no chance to stop its pool), instead of reading on as an orphan."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl here: the parent-pid check below still ends an orphan
            pass
    # The parent may have died before the death signal was asked for: then there is no one left to signal us.
    if os.getppid() != parent:
        os._exit(1)


def _read_on(
    executor: Executor, files: list[Path], names: list[str | None], progress: Callable[[Path], None] | None
) -> list[object]:
    """Every file read by ``executor`` (a cluster's, say), results in the order of ``files``."""
    futures = {
        executor.submit(_read_one, path, name): index
        for index, (path, name) in enumerate(zip(files, names, strict=True))
    }
    results: list[object] = [None] * len(files)
    for future in as_completed(futures):
        index = futures[future]
        results[index] = future.result()
        if progress:
            progress(files[index])
    return results


def _read_files(
    files: list[Path],
    names: list[str | None],
    workers: int | None,
    progress: Callable[[Path], None] | None,
    watched: bool,
) -> list[object]:
    if watched:
        count = workers if workers is not None else (os.cpu_count() or 1)
        tasks = list(zip(files, names, strict=True))
        return read_watched(
            tasks, f"{__name__}:_read_one", f"{__name__}:_end_with_parent", workers=max(1, count), progress=progress
        )
    results: list[object] = []
    for path, name in zip(files, names, strict=True):
        results.append(_read_one(path, name))
        if progress:
            progress(path)
    return results


def read_batch(
    paths: Sequence[str | os.PathLike[str]],
    *,
    workers: int | None = None,
    progress: Callable[[Path], None] | None = None,
    names: Sequence[str] | None = None,
    watched: bool = True,
    executor: Executor | None = None,
) -> Batch:
    """Read many disclosure files; PDFs split into a narrative and a tables file are paired into one disclosure.

    Parameters
    ----------
    paths
        The files.
    workers
        Worker processes for the reading (at most one per file); default: every core. Ignored when not ``watched``.
    progress
        Called with each file's path as it is done (for a progress bar).
    names
        The name to record as each file's ``source_name`` (default: its file name): an upload's own name, when
        the file was written to a temporary path under another.
    watched
        Read in worker processes that are stopped past ``READ_MEMORY_BYTES`` of memory or ``READ_SECONDS`` on one
        file (that file is then reported, the others read): the bound on what an input can cost, for any file from
        elsewhere. ``False`` reads in this process, one file after the other (trusted files, tests).
    executor
        Read on this ``concurrent.futures.Executor`` instead — a Dask cluster's (``Client.get_executor()``, see
        ``analytics.cluster``) spreads the files over machines, which must all see ``paths`` (a shared folder). The
        cluster's own limits then bound each reading (a Dask worker's ``memory_limit``), not this process's watch.
    """
    from analytics.ingest.pdf import PdfRead, assemble_disclosures

    files = [Path(p) for p in paths]
    if names is not None and len(names) != len(files):
        raise ValueError(f"{len(names)} name(s) for {len(files)} file(s); expected one name per file")
    batch = Batch()
    named = list(names) if names is not None else [None] * len(files)
    if executor is not None:
        results = _read_on(executor, files, named, progress)
    else:
        results = _read_files(files, named, workers, progress, watched)
    pdfs: list[PdfRead] = []
    paths_of: dict[str, Path] = {}
    for path, result in zip(files, results, strict=True):
        if isinstance(result, ReaderError):
            batch.errors.append(result)
        elif isinstance(result, Dataset):
            batch.read.append((path, result))
        elif isinstance(result, PdfRead):
            pdfs.append(result)
            paths_of[result.name] = path
    try:
        assembled = assemble_disclosures(pdfs)
    except ReaderError as error:
        batch.errors.append(error)
        return batch
    batch.read.extend((paths_of[read.name], dataset) for read, dataset in assembled)
    return batch


def read_disclosure(path: str | os.PathLike[str], *, name: str | None = None) -> Dataset:
    """Read one disclosure file with the reader for its type.

    Raises
    ------
    ReaderError
        For an unsupported file type, or whatever the reader finds wrong (naming file, place and expectation).
    """
    source = Path(path)
    result = _read_one(source, name)
    if isinstance(result, ReaderError):
        raise result
    if isinstance(result, Dataset):
        return result
    # A PDF on its own is a disclosure of one file (an undated tables-only PDF is refused: it has no partner).
    from analytics.ingest.pdf import PdfRead, assemble_disclosures

    assert isinstance(result, PdfRead)
    return Batch(read=[(source, dataset) for _, dataset in assemble_disclosures([result])]).merged()
