from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

import analytics
from analytics import schema as s
from analytics.checks import run_checks
from analytics.triage import STATUSES, TriageError, default_triage_path, open_triage


def test_decisions_are_kept_with_their_history(tmp_path: Path) -> None:
    store = open_triage(tmp_path / "t.sqlite")
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


def test_decisions_survive_a_new_connection_and_a_rerun_of_the_checks(tmp_path: Path) -> None:
    path = tmp_path / "triage.sqlite"
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


def test_orphans_are_decisions_on_flags_no_longer_raised(tmp_path: Path) -> None:
    store = open_triage(tmp_path / "t.sqlite")
    store.record("gone", "已解释")
    store.record("here", "误报")
    flags = pl.DataFrame({s.FLAG_ID: ["here", "new"]})
    assert store.orphans(flags).get_column(s.FLAG_ID).to_list() == ["gone"]


@pytest.mark.parametrize("status", ["done", "", "已核实"])
def test_unknown_status_is_refused_and_nothing_is_written(tmp_path: Path, status: str) -> None:
    store = open_triage(tmp_path / "t.sqlite")
    with pytest.raises(TriageError, match="expected one of 待核实, 已解释, 误报, 移交"):
        store.record("f1", status)
    assert store.history().is_empty()


def test_empty_flag_id_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TriageError, match="flag's id"):
        open_triage(tmp_path / "t.sqlite").record("  ", "误报")


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
