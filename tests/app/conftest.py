from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def triage_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every app test gets its own triage database: none ever touches the user's."""
    path = tmp_path / "triage.sqlite"
    monkeypatch.setenv("ANALYTICS_TRIAGE", str(path))
    return path
