from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import analytics
from analytics.pipeline import all_flags
from analytics.store import Dataset, dataset_path, save_dataset
from tests.app.doubtful import DoubtfulDisclosure
from tests.synthetic import SyntheticDisclosure

ROOT = Path(__file__).resolve().parents[2]
#: The synthetic text disclosure beside the doubtful PDF: a department whose reading nobody doubts.
ARCHIVES = SyntheticDisclosure(region="南京市鼓楼区", short_name="鼓楼区档案馆")


@pytest.fixture(autouse=True)
def triage_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every app test gets its own triage database: none ever touches the user's."""
    path = tmp_path / "triage.sqlite"
    monkeypatch.setenv("ANALYTICS_TRIAGE", str(path))
    monkeypatch.delenv("ANALYTICS_USERS", raising=False)  # one local user unless a test serves the app to a team
    return path


def built_dataset(tmp_path: Path, doubtful: DoubtfulDisclosure | None = None) -> Dataset:
    """The doubtful PDF (a 三公 row no reading reconciles) and the synthetic archives, read and flagged."""
    text = tmp_path / "archives.txt"
    text.write_text(ARCHIVES.text(), encoding="utf-8")
    pdf = (doubtful or DoubtfulDisclosure()).write(tmp_path / "doubtful.pdf")
    return all_flags(analytics.read_disclosure(pdf).replace_documents(analytics.read_disclosure(text)))


@pytest.fixture
def doubtful_dataset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Dataset:
    """``built_dataset`` saved as the app's dataset."""
    stored = save_dataset(built_dataset(tmp_path), tmp_path / "ds")
    monkeypatch.setenv("ANALYTICS_DATASET", str(stored.path))
    return stored


def page(path: str) -> AppTest:
    """The app, switched to ``path`` (``app_pages/….py``), with no exception."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page(path).run()
    assert not at.exception
    return at


def tables(at: AppTest, *headers: str) -> list[pd.DataFrame]:
    """The frames of the page's ``st.dataframe`` elements that have every one of ``headers`` (read-only frames carry
    no key to find them by)."""
    return [frame.value for frame in at.dataframe if set(headers) <= set(frame.value.columns)]


def table(at: AppTest, *headers: str) -> pd.DataFrame:
    """The one frame of the page that has every one of ``headers``."""
    found = tables(at, *headers)
    assert len(found) == 1, f"{len(found)} tables with {headers}"
    return found[0]


def percent(part: int, whole: int) -> str:
    """How the app prints a share: one decimal and a percent sign (half up, as Polars rounds)."""
    return f"{(Decimal(part) * 100 / Decimal(whole)).quantize(Decimal('0.1'))}%"


@pytest.fixture
def dataset_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the default dataset, so that ingesting never touches the shipped one."""
    copy = tmp_path / "ds"
    shutil.copytree(dataset_path(None), copy)
    monkeypatch.setenv("ANALYTICS_DATASET", str(copy))
    return copy
