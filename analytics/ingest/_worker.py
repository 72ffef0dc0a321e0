"""A reading worker's process (``python -m analytics.ingest._worker``), started and watched by
``analytics.ingest._guard``: it reads the files its parent sends, one at a time, and sends each result back."""

from __future__ import annotations

import importlib
import sys
import traceback
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from analytics.errors import ReaderError


def _function(qualified: str) -> Any:
    module, _, name = qualified.partition(":")
    return getattr(importlib.import_module(module), name)


def serve(requests_fd: int, replies_fd: int, parent: int, read_one: str, setup: str) -> None:
    """Run ``setup(parent)``, then ``read_one(path, name)`` for every task until the parent sends ``None``."""
    requests, replies = Connection(requests_fd, writable=False), Connection(replies_fd, readable=False)
    _function(setup)(parent)
    reader = _function(read_one)
    while True:
        task = requests.recv()
        if task is None:
            return
        index, path, name = task
        try:
            result = reader(path, name)
        except Exception as exc:  # a defect of the reader, not of the file: said so, and the batch goes on
            traceback.print_exc()
            result = ReaderError(
                name or Path(path).name,
                "",
                f"the reader failed on this file ({type(exc).__name__}: {exc}); expected to read it — a defect of "
                "the reader: please report it with the file",
            )
        replies.send((index, result))


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5])
