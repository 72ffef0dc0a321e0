"""One exception hierarchy for the whole library.

Every message says what went wrong, where (file, page or line) and what was expected, so that the CLI and the app
can show it to a user as it is, without a traceback.
"""

from __future__ import annotations

import re

__all__ = ["AnalyticsError", "DatasetError", "OutputError", "QueryError", "ReaderError", "SchemaError"]


class AnalyticsError(Exception):
    """Base class of every error the library raises on purpose."""


class SchemaError(AnalyticsError):
    """A frame does not follow the data contract (missing column, wrong type, null or duplicate key)."""


class DatasetError(AnalyticsError):
    """A dataset directory cannot be opened or written."""


class OutputError(AnalyticsError):
    """An output file (flags, export, brief, workbook, package, dataset table) cannot be written: no space left,
    no permission … The message names the file and what happened; nothing half-written is left behind."""

    @classmethod
    def from_os_error(cls, path: object, exc: OSError) -> OutputError:
        """The error for ``exc`` met while writing ``path``: ``cannot write PATH: no space left on device``.

        Examples
        --------
        >>> import errno, os
        >>> print(OutputError.from_os_error("out.csv", OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))))
        cannot write out.csv: no space left on device
        """
        # Polars words its IO errors "No space left on device (os error 28)", without strerror.
        reason = re.sub(r" \(os error \d+\)$", "", exc.strerror or str(exc)) or type(exc).__name__
        return cls(f"cannot write {path}: {reason[:1].lower()}{reason[1:]}")


class QueryError(AnalyticsError, ValueError):
    """An analysis was asked for what the dataset or the vocabulary does not have (an unknown department, phase,
    classification or code); the message names what was asked and what is available."""


class ReaderError(AnalyticsError):
    """A source document cannot be read: empty, binary, truncated, wrong layout or wrong units.

    Parameters
    ----------
    source
        The file name (or path) of the document.
    where
        The place in the document, e.g. ``"line 131"`` or ``"page 4"``; empty when the whole file is at fault.
    problem
        What was found and what was expected instead.
    """

    def __init__(self, source: str, where: str, problem: str) -> None:
        self.source = source
        self.where = where
        self.problem = problem
        place = f"{source}, {where}" if where else source
        super().__init__(f"{place}: {problem}")

    def __reduce__(self) -> tuple[type[ReaderError], tuple[str, str, str]]:
        # Batch reading runs readers in worker processes: the error must survive pickling with its parts.
        return (type(self), (self.source, self.where, self.problem))
