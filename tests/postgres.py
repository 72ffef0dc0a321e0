"""A throwaway PostgreSQL server for the tests: Debian's ``postgresql`` package, started in a temporary folder,
listening only on a unix socket there, stopped at the end.

``initdb`` refuses to run as root, so the server runs as the ``postgres`` user (made by Debian's package) when the
tests run as root. Whatever cannot be found or started, ``PostgresServer.start`` says in one line why, for a
``pytest.skip``.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

#: Where Debian's postgresql-NN package puts the server programs, newest first.
_BIN_DIRS = sorted(
    (p for p in Path("/usr/lib/postgresql").glob("*/bin") if p.parent.name.isdigit()),
    key=lambda p: int(p.parent.name),
    reverse=True,
)
_INSTALL = "install Debian's postgresql (apt-get install postgresql) and psycopg (pip install 'psycopg[binary]')"


class PostgresUnavailableError(RuntimeError):
    """The server cannot be started here; the message says why and what to install."""


class PostgresServer:
    """A running server; ``url(name)`` is a fresh database of its own for each test."""

    def __init__(self, directory: Path, bin_dir: Path, run_as: list[str]) -> None:
        self.directory = directory
        self.bin_dir = bin_dir
        self.run_as = run_as
        self._names = itertools.count(1)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql:///{database}?host={self.directory}&user=postgres"

    def new_database(self) -> str:
        """The URL of a new, empty database."""
        import psycopg

        name = f"triage_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def _run(self, *arguments: str) -> None:
        result = subprocess.run([*self.run_as, *arguments], capture_output=True, text=True, timeout=60, check=False)
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise PostgresUnavailableError(f"{arguments[0]} failed ({detail[-1] if detail else result.returncode})")

    def stop(self) -> None:
        with contextlib.suppress(PostgresUnavailableError, subprocess.TimeoutExpired, OSError):
            self._run(str(self.bin_dir / "pg_ctl"), "stop", "-D", str(self.directory / "data"), "-m", "immediate")
        shutil.rmtree(self.directory, ignore_errors=True)


def _run_as() -> list[str]:
    if os.geteuid() != 0:
        return []
    if shutil.which("runuser") is None:
        raise PostgresUnavailableError("running as root and runuser is missing (initdb refuses root)")
    return ["runuser", "-u", "postgres", "--"]


@contextlib.contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """A started server, stopped and removed afterwards.

    Raises
    ------
    PostgresUnavailableError
        When psycopg, the server programs or the ``postgres`` user are missing, or the server does not start.
    """
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise PostgresUnavailableError(f"psycopg is not installed: {_INSTALL}") from None
    if not _BIN_DIRS:
        raise PostgresUnavailableError(f"no /usr/lib/postgresql/*/bin: {_INSTALL}")
    run_as = _run_as()
    # A short path: a unix socket's path must stay under about 100 characters.
    directory = Path(tempfile.mkdtemp(prefix="pg-", dir="/tmp"))
    if run_as:
        try:
            shutil.chown(directory, user="postgres", group="postgres")
        except (LookupError, PermissionError) as exc:
            shutil.rmtree(directory, ignore_errors=True)
            raise PostgresUnavailableError(f"no postgres user to run the server as ({exc}): {_INSTALL}") from None
    server = PostgresServer(directory, _BIN_DIRS[0], run_as)
    try:
        data = str(directory / "data")
        server._run(str(server.bin_dir / "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                    "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        options = f"-c listen_addresses='' -k {directory} -c fsync=off"
        server._run(str(server.bin_dir / "pg_ctl"), "start", "-D", data, "-w", "-t", "30", "-o", options,
                    "-l", str(directory / "server.log"))  # fmt: skip
    except (PostgresUnavailableError, subprocess.TimeoutExpired, OSError) as exc:
        server.stop()
        raise PostgresUnavailableError(f"PostgreSQL did not start ({exc}): {_INSTALL}") from None
    try:
        yield server
    finally:
        server.stop()
