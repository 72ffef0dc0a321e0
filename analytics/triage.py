"""Triage: what an auditor made of each flag, kept apart from the flags so that re-running the checks never loses it.

Every decision is an event (flag id, status, note, who, when) appended to a database; the current state of a flag
is its latest event, and the history stays. Flags are matched by their stable ``flag_id``: a flag the checks no
longer raise keeps its history (see ``TriageStore.orphans``).

The database is an embedded SQLite file by default, or a PostgreSQL database for a team (the optional ``team``
extra installs its driver, psycopg). Where it lives: ``$ANALYTICS_TRIAGE`` if set (a path, ``sqlite:///path`` or
``postgresql://user@host/db``), else the user's data directory (``$XDG_DATA_HOME/budget-analytics/triage.sqlite``,
by default under ``~/.local/share``). Both keep the same events and answer the same way.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import polars as pl

from analytics import schema as s
from analytics.errors import AnalyticsError
from analytics.store import user_data_dir

__all__ = ["STATUSES", "TriageError", "TriageStore", "default_triage_path", "has_triage", "open_triage"]

#: The dispositions of a flag, in the order an auditor works through them, with their English names.
STATUSES: dict[str, str] = {
    "待核实": "to verify",
    "已解释": "explained",
    "误报": "false positive",
    "移交": "referred",
}
#: A flag nobody has looked at yet.
DEFAULT_STATUS = "待核实"

_COLUMNS = """
    flag_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('待核实', '已解释', '误报', '移交')),
    note TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',"""
_INDEX = "CREATE INDEX IF NOT EXISTS triage_events_flag ON triage_events (flag_id, event_id);"
# SQLite keeps the time as ISO text (it has no time type); PostgreSQL as a timestamptz. Both give UTC back.
_SQLITE_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS triage_events (
    event_id INTEGER PRIMARY KEY AUTOINCREMENT,{_COLUMNS}
    at TEXT NOT NULL
);
{_INDEX}
"""
_POSTGRES_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS triage_events (
    event_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,{_COLUMNS}
    at TIMESTAMPTZ NOT NULL
);
{_INDEX}
"""
_EVENT_SCHEMA = {
    "event_id": pl.Int64,
    s.FLAG_ID: pl.String,
    "status": pl.String,
    "note": pl.String,
    "author": pl.String,
    "at": pl.Datetime("us", "UTC"),
}
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_URL_SHAPES = "a path, sqlite:///path/to/triage.sqlite or postgresql://user@host/database"


class TriageError(AnalyticsError):
    """The triage database cannot be opened or written, or a decision is not valid."""


def default_triage_path() -> Path | str:
    """Where the triage database lives when none is given (see the module docstring): a path, or the URL of a
    PostgreSQL database when ``$ANALYTICS_TRIAGE`` names one."""
    configured = os.environ.get("ANALYTICS_TRIAGE", "").strip()
    if not configured:
        return user_data_dir() / "triage.sqlite"
    backend = _backend(configured)
    return backend.path if isinstance(backend, _SQLite) else configured


def has_triage(location: str | os.PathLike[str] | None = None) -> bool:
    """Whether there is a triage database at ``location`` (default: ``default_triage_path()``) without creating
    one: an SQLite file that exists, or any PostgreSQL URL (a server is there to be asked)."""
    backend = _backend(location if location is not None else default_triage_path())
    return not isinstance(backend, _SQLite) or backend.path.exists()


class _SQLite:
    """An SQLite file: one writer at a time (the others wait up to ``timeout`` seconds), readers never blocked."""

    placeholder = "?"
    time_is_text = True

    def __init__(self, path: Path) -> None:
        self.path = path
        self.location: Path | str = path

    @contextlib.contextmanager
    def connect(self) -> Iterator[Any]:
        try:
            connection = sqlite3.connect(self.path, timeout=30)
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

    def initialize(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TriageError(f"{self.path}: cannot create the triage database ({exc})") from None
        with self.connect() as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(_SQLITE_SCHEMA)

    @staticmethod
    def time(moment: datetime) -> object:
        return moment.isoformat()


class _Postgres:
    """A PostgreSQL database: many writers at once, each decision one transaction."""

    placeholder = "%s"
    time_is_text = False

    def __init__(self, url: str) -> None:
        self.url = url
        self.location: Path | str = _without_password(url)

    def _driver(self) -> Any:
        try:
            import psycopg
        except ImportError:
            raise TriageError(
                f"{self.location}: a PostgreSQL triage database needs the psycopg package; install it with "
                "pip install 'budget-disclosure-analytics[team]' (or psycopg[binary])"
            ) from None
        return psycopg

    @contextlib.contextmanager
    def connect(self) -> Iterator[Any]:
        psycopg = self._driver()
        try:
            connection = psycopg.connect(self.url, connect_timeout=10)
        except psycopg.Error as exc:
            raise TriageError(f"{self.location}: cannot connect to the triage database ({_first_line(exc)})") from None
        try:
            with connection:  # one transaction: committed on success, rolled back on any error; then closed
                yield connection
        except psycopg.Error as exc:
            raise TriageError(
                f"{self.location}: not a usable triage database ({_first_line(exc)}); expected a PostgreSQL "
                "database whose triage_events table was made by this tool"
            ) from None

    def initialize(self) -> None:
        with self.connect() as connection:
            # Two first users at once must not both create the table: the second waits for the first.
            connection.execute("SELECT pg_advisory_xact_lock(hashtext('analytics.triage_events'))")
            for statement in filter(str.strip, _POSTGRES_SCHEMA.split(";")):
                connection.execute(statement)

    @staticmethod
    def time(moment: datetime) -> object:
        return moment


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _without_password(url: str) -> str:
    """``url`` as messages may show it: a password in it is replaced by ``***``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rpartition("@")
    user = netloc[0].partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[2]}"))


def _backend(location: str | os.PathLike[str]) -> _SQLite | _Postgres:
    if not isinstance(location, str) or not _URL.match(location):
        return _SQLite(Path(location))
    scheme = location.split(":", 1)[0].lower()
    if scheme in {"postgresql", "postgres"}:
        return _Postgres(location)
    if scheme == "sqlite":
        if not location.startswith("sqlite:///") or len(location) <= len("sqlite:///"):
            raise TriageError(f"{location}: expected sqlite:///path/to/triage.sqlite (three slashes, then the path)")
        return _SQLite(Path(unquote(urlsplit(location).path)))
    raise TriageError(f"{_without_password(location)}: unknown kind of database {scheme!r}; expected {_URL_SHAPES}")


@dataclass(frozen=True)
class TriageStore:
    """An auditor's decisions on flags, in one SQLite file or one PostgreSQL database.

    ``path`` says where: the SQLite file, or the PostgreSQL URL (its password hidden).

    Examples
    --------
    >>> import tempfile
    >>> store = open_triage(Path(tempfile.mkdtemp()) / "triage.sqlite")
    >>> _ = store.record("0123abcd", "已解释", note="预算调整，见说明第3页", author="张审计")
    >>> store.current().select("flag_id", "status", "note").rows()
    [('0123abcd', '已解释', '预算调整，见说明第3页')]
    """

    path: Path | str
    _backend: _SQLite | _Postgres = field(repr=False, compare=False)

    def _sql(self, query: str) -> str:
        return query.replace("?", self._backend.placeholder)

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
        query = (
            "INSERT INTO triage_events (flag_id, status, note, author, at) VALUES (?, ?, ?, ?, ?) RETURNING event_id"
        )
        with self._backend.connect() as connection:
            cursor = connection.execute(
                self._sql(query), (flag_id, status, note.strip(), author.strip(), self._backend.time(moment))
            )
            (event_id,) = cursor.fetchone()
        return {"event_id": event_id, s.FLAG_ID: flag_id, "status": status, "note": note.strip(),
                "author": author.strip(), "at": moment}  # fmt: skip

    def _frame(self, query: str, parameters: tuple[object, ...] = ()) -> pl.DataFrame:
        with self._backend.connect() as connection:
            rows = connection.execute(self._sql(query), parameters).fetchall()
        if not self._backend.time_is_text:
            return pl.DataFrame(rows, schema=_EVENT_SCHEMA, orient="row")
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
    """Open (creating if needed) the triage database at ``path`` (default: ``default_triage_path()``): a file path,
    ``sqlite:///path`` or ``postgresql://…`` (any URL psycopg takes, e.g. ``postgresql:///db?host=/run/postgresql``).

    Raises
    ------
    TriageError
        When the file exists but is not an SQLite database of this tool, the folder cannot be written, the server
        cannot be reached, psycopg is not installed, or the URL is of no kind this tool knows.
    """
    backend = _backend(path if path is not None else default_triage_path())
    store = TriageStore(backend.location, backend)
    backend.initialize()
    return store
