"""Uploads written to disk for reading: every file its own temporary folder, so that two files with one name never
overwrite each other, a name too long for the file system shortened, an identical file read once."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: Longest file name most file systems take, in bytes.
NAME_BYTES = 255


def short_file_name(name: str, limit: int = NAME_BYTES) -> str:
    """``name`` cut to at most ``limit`` UTF-8 bytes, its extension kept, cut between characters.

    Examples
    --------
    >>> short_file_name("预算" * 100 + ".txt", limit=20)
    '预算预算预.txt'
    >>> short_file_name("short.pdf")
    'short.pdf'
    """
    if len(name.encode()) <= limit:
        return name
    suffix = Path(name).suffix
    if len(suffix.encode()) >= limit // 2:  # no real extension, just a long tail after a dot
        suffix = ""
    room = limit - len(suffix.encode())
    # ``errors="ignore"`` drops a character whose bytes the cut split.
    stem = name[: len(name) - len(suffix)].encode()[:room].decode(errors="ignore")
    return stem + suffix


@dataclass
class StagedUploads:
    """Uploads on disk: the paths to read and each one's own name, the names of identical files dropped and the
    names two different files shared (both read)."""

    paths: list[Path] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    shared_names: list[str] = field(default_factory=list)


def stage_uploads(files: Sequence[tuple[str, bytes]], folder: Path) -> StagedUploads:
    """Write each upload (name, bytes) into a folder of its own under ``folder``.

    An upload whose bytes an earlier one already had is not written again (its name goes to ``duplicates``);
    two different uploads with one name are both written, and the name goes to ``shared_names``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     staged = stage_uploads([("a.txt", b"1"), ("a.txt", b"2"), ("b.txt", b"1")], Path(folder))
    >>> staged.names, staged.duplicates, staged.shared_names
    (['a.txt', 'a.txt'], ['b.txt'], ['a.txt'])
    """
    staged = StagedUploads()
    seen: set[str] = set()
    for upload, (name, data) in enumerate(files):
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen:
            staged.duplicates.append(name)
            continue
        seen.add(digest)
        own = Path(name).name or "upload"
        if own in staged.names and own not in staged.shared_names:
            staged.shared_names.append(own)
        path = folder / str(upload) / short_file_name(own)
        path.parent.mkdir()
        path.write_bytes(data)
        staged.paths.append(path)
        staged.names.append(own)
    return staged
