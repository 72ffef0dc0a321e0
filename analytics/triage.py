"""Triage: what an auditor made of each flag, kept apart from the flags so that re-running the checks never loses it.

Every decision is an event (flag id, status, note, who, when) appended to an embedded SQLite database; the current
state of a flag is its latest event, and the history stays. Flags are matched by their stable ``flag_id``: a flag
the checks no longer raise keeps its history (see ``TriageStore.orphans``).

The database lives at ``$ANALYTICS_TRIAGE`` if set, else in the user's data directory
(``$XDG_DATA_HOME/budget-analytics/triage.sqlite``, by default under ``~/.local/share``).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from analytics import schema as s
from analytics.errors import AnalyticsError
from analytics.store import user_data_dir

__all__ = ["STATUSES", "TriageError", "TriageStore", "default_triage_path", "open_triage"]

#: The dispositions of a flag, in the order an auditor works through them, with their English names.
STATUSES: dict[str, str] = {
    "待核实": "to verify",
    "已解释": "explained",
    "误报": "false positive",
    "移交": "referred",
}
#: A flag nobody has looked at yet.
DEFAULT_STATUS = "待核实"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS triage_events (
    event_id INTEGER PRIMARY KEY AUTOINCREMENT,
    flag_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('待核实', '已解释', '误报', '移交')),
    note TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS triage_events_flag ON triage_events (flag_id, event_id);
"""
_EVENT_SCHEMA = {
    "event_id": pl.Int64,
    s.FLAG_ID: pl.String,
    "status": pl.String,
    "note": pl.String,
    "author": pl.String,
    "at": pl.Datetime("us", "UTC"),
}


class TriageError(AnalyticsError):
    """The triage database cannot be opened or written, or a decision is not valid."""


def default_triage_path() -> Path:
    """Where the triage database lives when no path is given (see the module docstring)."""
    configured = os.environ.get("ANALYTICS_TRIAGE")
    if configured:
        return Path(configured)
    return user_data_dir() / "triage.sqlite"


@dataclass(frozen=True)
class TriageStore:
    """An auditor's decisions on flags, in one SQLite file.

    Examples
    --------
    >>> import tempfile
    >>> store = open_triage(Path(tempfile.mkdtemp()) / "triage.sqlite")
    >>> _ = store.record("0123abcd", "已解释", note="预算调整，见说明第3页", author="张审计")
    >>> store.current().select("flag_id", "status", "note").rows()
    [('0123abcd', '已解释', '预算调整，见说明第3页')]
    """

    path: Path

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            connection = sqlite3.connect(self.path, timeout=10)
        except sqlite3.Error as exc:
            raise TriageError(f"{self.path}: cannot open the triage database ({exc})") from None
        try:
            with connection:  # one transaction: committed on success, rolled back on any error
                yield connection
        except sqlite3.DatabaseError as exc:
            raise TriageError(
                f"{self.path}: not a usable triage database ({exc}); expected an SQLite file written by this tool"
            ) from None
        finally:
            connection.close()

    def _initialize(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(_SCHEMA)

    def record(
        self, flag_id: str, status: str, *, note: str = "", author: str = "", at: datetime | None = None
    ) -> dict[str, object]:
        """Append a decision on ``flag_id`` and return it; earlier decisions stay in the history.

        Raises
        ------
        TriageError
            For an unknown status, an empty flag id, or a database that cannot be written.
        """
        if status not in STATUSES:
            raise TriageError(f"unknown triage status {status!r}; expected one of {', '.join(STATUSES)}")
        if not flag_id or not flag_id.strip():
            raise TriageError("a triage decision needs the flag's id")
        moment = (at or datetime.now(UTC)).astimezone(UTC)
        with self._connect() as connection:
            cursor = connection.execute(
                "INSERT INTO triage_events (flag_id, status, note, author, at) VALUES (?, ?, ?, ?, ?)",
                (flag_id, status, note.strip(), author.strip(), moment.isoformat()),
            )
            event_id = cursor.lastrowid
        return {"event_id": event_id, s.FLAG_ID: flag_id, "status": status, "note": note.strip(),
                "author": author.strip(), "at": moment}  # fmt: skip

    def _frame(self, query: str, parameters: tuple[object, ...] = ()) -> pl.DataFrame:
        with self._connect() as connection:
            rows = connection.execute(query, parameters).fetchall()
        frame = pl.DataFrame(rows, schema={k: pl.String if k == "at" else v for k, v in _EVENT_SCHEMA.items()},
                             orient="row")  # fmt: skip
        return frame.with_columns(pl.col("at").str.to_datetime(time_zone="UTC", time_unit="us"))

    def history(self, flag_id: str | None = None) -> pl.DataFrame:
        """Every decision, oldest first (of one flag, or of all)."""
        columns = "event_id, flag_id, status, note, author, at"
        if flag_id is None:
            return self._frame(f"SELECT {columns} FROM triage_events ORDER BY event_id")
        return self._frame(f"SELECT {columns} FROM triage_events WHERE flag_id = ? ORDER BY event_id", (flag_id,))

    def current(self) -> pl.DataFrame:
        """The latest decision on each flag that has one."""
        return self._frame(
            "SELECT e.event_id, e.flag_id, e.status, e.note, e.author, e.at FROM triage_events e "
            "JOIN (SELECT flag_id, MAX(event_id) AS last FROM triage_events GROUP BY flag_id) l "
            "ON e.event_id = l.last ORDER BY e.event_id"
        )

    def annotate(self, flags: pl.DataFrame) -> pl.DataFrame:
        """``flags`` with ``status`` (``待核实`` where nobody decided yet), ``note``, ``author`` and ``at``."""
        state = self.current().drop("event_id")
        return flags.join(state, on=s.FLAG_ID, how="left", maintain_order="left").with_columns(
            pl.col("status").fill_null(DEFAULT_STATUS)
        )

    def orphans(self, flags: pl.DataFrame) -> pl.DataFrame:
        """Decisions on flags that ``flags`` no longer holds (a document replaced, a rule changed): kept, not lost."""
        return self.current().join(flags.select(s.FLAG_ID), on=s.FLAG_ID, how="anti")


def open_triage(path: str | os.PathLike[str] | None = None) -> TriageStore:
    """Open (creating if needed) the triage database at ``path`` (default: ``default_triage_path()``).

    Raises
    ------
    TriageError
        When the file exists but is not an SQLite database of this tool, or the folder cannot be written.
    """
    store = TriageStore(Path(path) if path is not None else default_triage_path())
    try:
        store._initialize()
    except OSError as exc:
        raise TriageError(f"{store.path}: cannot create the triage database ({exc})") from None
    return store
