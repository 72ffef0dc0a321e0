"""The shipped dataset (``datasets/normalized``) is read by tests, never written: a guard that says which test did."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from analytics.store import DEFAULT_DATASET


def _state(directory: Path) -> dict[str, tuple[int, int]]:
    """Every file of ``directory``, hidden ones (a ``.lock``) too: its size and its modification time."""
    if not directory.is_dir():
        return {}
    return {
        str(path.relative_to(directory)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in directory.rglob("*")
        if path.is_file()
    }


@contextlib.contextmanager
def shipped_dataset_untouched(directory: Path = DEFAULT_DATASET) -> Iterator[None]:
    """Fail when the body creates, changes or removes a file of the shipped dataset (a test must write to a copy
    in ``tmp_path``)."""
    before = _state(directory)
    yield
    after = _state(directory)
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    assert not changed, f"the test wrote into the shipped dataset {directory}: {', '.join(changed)}"
