"""Readers per format and the extractors they share.

``read_disclosure(path)`` picks the reader by file type and returns a ``Dataset`` of that one document; nothing is
stored until ``analytics.store.update_dataset`` merges it.
"""

from __future__ import annotations

import os
from pathlib import Path

from analytics.errors import ReaderError
from analytics.store import Dataset

__all__ = ["read_disclosure", "supported_suffixes"]

_READERS = {".txt": "text"}


def supported_suffixes() -> frozenset[str]:
    """File suffixes a reader exists for.

    Examples
    --------
    >>> ".txt" in supported_suffixes()
    True
    """
    return frozenset(_READERS)


def read_disclosure(path: str | os.PathLike[str], *, name: str | None = None) -> Dataset:
    """Read one disclosure file with the reader for its type.

    Raises
    ------
    ReaderError
        For an unsupported file type, or whatever the reader finds wrong (naming file, place and expectation).
    """
    source = Path(path)
    kind = _READERS.get(source.suffix.lower())
    if kind is None:
        raise ReaderError(
            name or source.name,
            "",
            f"unsupported file type {source.suffix or '(none)'!r}; expected one of {', '.join(sorted(_READERS))}",
        )
    from analytics.ingest.text import read_text_disclosure

    return read_text_disclosure(source, name=name)
