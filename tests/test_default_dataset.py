"""The shipped dataset is exactly what `make dataset` builds from datasets/raw/."""

from __future__ import annotations

import re
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


def test_english_messages_name_tables_by_their_names_not_their_keys() -> None:
    # A reader of the English findings sees "the table “Expenditure” (p. 12, line 17)", never "expenditure_summary"
    # or "state_capital is empty"; nor the Chinese 三公 unquoted.
    from analytics.reference import reference_rows

    keys = [row["key"] for row in reference_rows("tables.csv")]
    messages = open_dataset().flags.get_column(s.MESSAGE_EN).to_list()
    assert messages
    raw = [m for m in messages if any(re.search(rf"(?<![\w“]){key}(?![\w”])", m) for key in keys)]
    assert not raw, raw[:3]
    assert not [m for m in messages if re.search(r"(?<![“\w])三公(?!”)", m)]
