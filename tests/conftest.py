from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "datasets" / "raw" / "hanyang_bigdata_2023_dept_budget.txt"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED
