from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

import analytics
from analytics import schema as s
from analytics.checks import run_checks
from analytics.triage import STATUSES, TriageError, default_triage_path, has_triage, open_triage
from tests.postgres import PostgresServer, PostgresUnavailableError, postgres_server


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the session (skipped, saying why, where it cannot start)."""
    try:
        with postgres_server() as server:
            yield server
    except PostgresUnavailableError as exc:
        pytest.skip(f"PostgreSQL backend not tested: {exc}")


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where a test's triage database lives: a fresh SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "t.sqlite"
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.new_database()


def test_decisions_are_kept_with_their_history(database: str | Path) -> None:
    store = open_triage(database)
    first = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    store.record("f1", "待核实", author="张", at=first)
    store.record("f1", "已解释", note="  调整预算  ", author="李", at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    store.record("f2", "误报", author="张")
    current = store.current().sort(s.FLAG_ID)
    assert current.select(s.FLAG_ID, "status", "note", "author").rows() == [
        ("f1", "已解释", "调整预算", "李"),
        ("f2", "误报", "", "张"),
    ]
    history = store.history("f1")
    assert history.get_column("status").to_list() == ["待核实", "已解释"]
    assert history.get_column("at").to_list()[0] == first
    assert store.history().height == 3


def test_decisions_survive_a_new_connection_and_a_rerun_of_the_checks(database: str | Path) -> None:
    path = database
    ds = analytics.open_dataset()
    flags = run_checks(ds)
    chosen = flags.get_column(s.FLAG_ID)[0]
    open_triage(path).record(chosen, "移交", note="转纪检", author="王")
    # A restart (a new store on the same file) and re-run checks give the same flag ids and the same decision.
    annotated = open_triage(path).annotate(run_checks(ds))
    row = annotated.filter(pl.col(s.FLAG_ID) == chosen).row(0, named=True)
    assert (row["status"], row["note"], row["author"]) == ("移交", "转纪检", "王")
    others = annotated.filter(pl.col(s.FLAG_ID) != chosen)
    assert set(others.get_column("status")) == {"待核实"}
    assert annotated.height == flags.height


def test_orphans_are_decisions_on_flags_no_longer_raised(database: str | Path) -> None:
    store = open_triage(database)
    store.record("gone", "已解释")
    store.record("here", "误报")
    flags = pl.DataFrame({s.FLAG_ID: ["here", "new"]})
    assert store.orphans(flags).get_column(s.FLAG_ID).to_list() == ["gone"]


@pytest.mark.parametrize("status", ["done", "", "已核实"])
def test_unknown_status_is_refused_and_nothing_is_written(database: str | Path, status: str) -> None:
    store = open_triage(database)
    with pytest.raises(TriageError, match="expected one of 待核实, 已解释, 误报, 移交"):
        store.record("f1", status)
    assert store.history().is_empty()


def test_empty_flag_id_is_refused(database: str | Path) -> None:
    with pytest.raises(TriageError, match="flag's id"):
        open_triage(database).record("  ", "误报")


def test_a_file_that_is_not_a_database_gets_a_clear_error_and_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"these are my notes, not a database" * 100)
    before = path.read_bytes()
    with pytest.raises(TriageError, match=r"notes\.sqlite: not a usable triage database"):
        open_triage(path)
    assert path.read_bytes() == before


def test_default_path_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANALYTICS_TRIAGE", str(tmp_path / "x.sqlite"))
    assert default_triage_path() == tmp_path / "x.sqlite"
    monkeypatch.delenv("ANALYTICS_TRIAGE")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_triage_path() == tmp_path / "data" / "budget-analytics" / "triage.sqlite"
    store = open_triage()
    assert store.path.exists()


def test_statuses_have_english_names() -> None:
    assert list(STATUSES) == ["待核实", "已解释", "误报", "移交"]
    assert all(STATUSES.values())


def test_the_same_decisions_read_back_the_same_on_both_backends(tmp_path: Path, postgres: PostgresServer) -> None:
    # Written alike to SQLite and PostgreSQL, the frames agree column for column (types and times included).
    at = datetime(2026, 11, 3, 8, 30, 15, 123456, tzinfo=UTC)
    stores = [open_triage(tmp_path / "t.sqlite"), open_triage(postgres.new_database())]
    for store in stores:
        store.record("f1", "移交", note="转审计组", author="王", at=at)
        store.record("f2", "误报", author="李", at=at)
    flags = pl.DataFrame({s.FLAG_ID: ["f2", "f3"]})
    for method in ("history", "current"):
        frames = [getattr(store, method)() for store in stores]
        assert frames[0].equals(frames[1]), method
    assert stores[0].annotate(flags).equals(stores[1].annotate(flags))
    assert stores[0].orphans(flags).equals(stores[1].orphans(flags))
    assert stores[1].history().get_column("at").to_list() == [at, at]


def test_concurrent_writers_lose_no_decision(database: str | Path) -> None:
    # Eight auditors at once, each recording 20 decisions through their own connection to the same database.
    open_triage(database)
    writers, each = 8, 20
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def work(number: int) -> None:
        try:
            store = open_triage(database)
            start.wait()
            for i in range(each):
                store.record(f"f{i % 3}", "已解释", note=f"{number}-{i}", author=f"auditor{number}")
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    history = open_triage(database).history()
    assert history.height == writers * each
    assert history.get_column("event_id").n_unique() == writers * each
    assert set(history.get_column("note")) == {f"{n}-{i}" for n in range(writers) for i in range(each)}
    # The current state of each flag is its latest event.
    latest = history.group_by(s.FLAG_ID).agg(pl.col("event_id").max()).sort(s.FLAG_ID)
    assert open_triage(database).current().select(s.FLAG_ID, "event_id").sort(s.FLAG_ID).equals(latest)


def test_a_sqlite_url_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "team triage.sqlite"
    open_triage(f"sqlite://{path.as_posix().replace(' ', '%20')}").record("f1", "误报", author="张")
    assert open_triage(path).current().get_column("author").to_list() == ["张"]
    monkeypatch.setenv("ANALYTICS_TRIAGE", f"sqlite://{path}")
    assert default_triage_path() == path
    assert open_triage().path == path


def test_the_environment_may_name_a_postgresql_database(
    postgres: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = postgres.new_database()
    monkeypatch.setenv("ANALYTICS_TRIAGE", url)
    assert default_triage_path() == url
    assert has_triage()
    open_triage().record("f9", "移交", author="赵")
    assert open_triage(url).current().get_column(s.FLAG_ID).to_list() == ["f9"]


def test_has_triage_does_not_create_a_file(tmp_path: Path) -> None:
    path = tmp_path / "none.sqlite"
    assert not has_triage(path)
    assert not path.exists()
    open_triage(path)
    assert has_triage(path)


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("mysql://me@host/db", "unknown kind of database 'mysql'"),
        ("sqlite://relative.sqlite", "three slashes"),
        ("sqlite:///", "three slashes"),
    ],
)
def test_unknown_urls_are_refused_clearly(location: str, expected: str) -> None:
    with pytest.raises(TriageError, match=expected):
        open_triage(location)


def test_a_server_that_is_not_there_is_named_without_its_password(tmp_path: Path) -> None:
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install 'psycopg[binary]')")
    url = f"postgresql://auditor:s3cret@/triage?host={tmp_path}"
    with pytest.raises(TriageError, match="cannot connect to the triage database") as raised:
        open_triage(url)
    assert "s3cret" not in str(raised.value)
    assert "auditor:***@" in str(raised.value)


def test_missing_psycopg_gets_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if it were not installed
    with pytest.raises(TriageError, match=r"needs the psycopg package.*\[team\]"):
        open_triage("postgresql:///triage?host=/nowhere")
