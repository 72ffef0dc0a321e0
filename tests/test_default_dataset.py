"""The shipped dataset is exactly what `make dataset` builds from datasets/raw/."""

from __future__ import annotations

from pathlib import Path

from polars.testing import assert_frame_equal

from analytics import schema as s
from analytics.cli import main
from analytics.store import DEFAULT_DATASET, open_dataset


def test_rebuilding_reproduces_the_shipped_dataset(tmp_path: Path) -> None:
    assert main(["build-dataset", str(DEFAULT_DATASET.parent / "raw"), str(tmp_path)]) == 0
    shipped = open_dataset()
    rebuilt = open_dataset(tmp_path)
    for name in s.TABLES:
        assert_frame_equal(rebuilt.tables[name], shipped.tables[name])
    assert shipped.documents.height >= 1


def test_shipped_dataset_has_every_source_document() -> None:
    raw = sorted(p.name for p in (DEFAULT_DATASET.parent / "raw").iterdir() if p.suffix in {".txt", ".pdf"})
    assert sorted(open_dataset().documents.get_column(s.SOURCE_NAME).to_list()) == raw
