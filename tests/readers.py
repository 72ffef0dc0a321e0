"""Readers for the tests of the watched reading workers (``analytics.ingest._guard``): each behaves as a hostile
file would make a real reader behave. They run in the worker processes, named as ``"tests.readers:function"``."""

from __future__ import annotations

import ctypes
import os
import signal
import time
from pathlib import Path


def sleep_a_minute(path: Path, name: str | None) -> object:
    time.sleep(60)
    return name or path.name


def fill_memory(path: Path, name: str | None) -> object:
    """Take memory 50 MB at a time, touching every page, until stopped."""
    held = []
    while True:
        held.append(bytearray(50 * 1024 * 1024))
        time.sleep(0.01)


def crash(path: Path, name: str | None) -> object:
    """Die as a native library's crash would."""
    os.kill(os.getpid(), signal.SIGSEGV)
    ctypes.string_at(0)  # pragma: no cover - not reached
    return None


def name_of(path: Path, name: str | None) -> object:
    return f"read {name or path.name}"


def fail(path: Path, name: str | None) -> object:
    """A reader with a defect: an exception that is not a ``ReaderError``."""
    raise KeyError("row")
