from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analytics import schema as s
from analytics import store
from analytics.errors import DatasetError
from analytics.store import Dataset, open_dataset, save_dataset, update_dataset


def _document(doc_id: str, department: str, year: int, amounts: list[str]) -> Dataset:
    documents = pl.DataFrame(
        [
            {
                s.DOC_ID: doc_id,
                s.SOURCE_NAME: f"{doc_id}.txt",
                s.SOURCE_FORMAT: "text",
                s.DEPARTMENT: department,
                s.DEPARTMENT_ID: department,
                s.FISCAL_YEAR: year,
                s.PHASE: "budget",
                s.SCOPE: "department",
                s.DISCLOSURE_ID: doc_id,
            }
        ],
        schema=s.TABLES[s.DOCUMENTS].schema,
        orient="row",
    )
    lines = pl.DataFrame(
        [
            {
                s.DOC_ID: doc_id,
                s.DEPARTMENT_ID: department,
                s.FISCAL_YEAR: year - i,
                s.AS_OF_YEAR: year,
                s.PHASE: "budget",
                s.TABLE: "performance_fund_composition",
                s.SIDE: "income",
                s.CLASSIFICATION: "total",
                s.NAME: "合计",
                s.COLUMN: "total",
                s.AMOUNT_YUAN: Decimal(amount),
                s.LINE: 10,
                s.SOURCE_TEXT: f"合 计 {amount}",
            }
            for i, amount in enumerate(amounts)
        ],
        schema=s.TABLES[s.LINES].schema,
        orient="row",
    )
    departments = pl.DataFrame(
        [{s.DEPARTMENT_ID: department, s.FISCAL_YEAR: year, s.NAME: department, s.DOC_ID: doc_id}],
        schema=s.TABLES[s.DEPARTMENTS].schema,
        orient="row",
    )
    return Dataset.from_tables({s.DOCUMENTS: documents, s.LINES: lines, s.DEPARTMENTS: departments})


def test_round_trip(tmp_path: Path) -> None:
    original = _document("a1", "甲局", 2024, ["100.00", "90.50"])
    save_dataset(original, tmp_path)
    reopened = open_dataset(tmp_path)
    for name in s.TABLES:
        assert_frame_equal(reopened.tables[name], original.tables[name].sort(s.TABLES[name].key, nulls_last=True))
    assert reopened.lines.schema[s.AMOUNT_YUAN] == pl.Decimal(18, 2)


def test_reingest_replaces_and_second_department_adds(tmp_path: Path) -> None:
    update_dataset(_document("a1", "甲局", 2024, ["100.00", "90.50"]), tmp_path)
    update_dataset(_document("a1", "甲局", 2024, ["100.00", "90.50"]), tmp_path)
    ds = open_dataset(tmp_path)
    assert (ds.documents.height, ds.lines.height) == (1, 2)
    update_dataset(_document("b2", "乙局", 2024, ["7.00"]), tmp_path)
    ds = open_dataset(tmp_path)
    assert sorted(ds.documents.get_column(s.DEPARTMENT_ID).to_list()) == ["乙局", "甲局"]
    assert ds.lines.height == 3


def test_unchanged_tables_keep_their_files_and_stale_files_go(tmp_path: Path) -> None:
    save_dataset(_document("a1", "甲局", 2024, ["1.00"]), tmp_path)
    first = json.loads((tmp_path / store.MANIFEST).read_text())["tables"]
    save_dataset(_document("a1", "甲局", 2024, ["2.00"]), tmp_path)
    second = json.loads((tmp_path / store.MANIFEST).read_text())["tables"]
    assert first[s.DOCUMENTS] == second[s.DOCUMENTS]
    assert first[s.LINES] != second[s.LINES]
    assert sorted(p.name for p in tmp_path.glob("*.parquet")) == sorted(second.values())


def test_crash_before_manifest_leaves_dataset_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    save_dataset(_document("a1", "甲局", 2024, ["1.00"]), tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    real_write = store.write_atomically

    def dies_at_manifest(target: Path, data: bytes) -> None:
        if target.name == store.MANIFEST:
            raise KeyboardInterrupt("process killed")
        real_write(target, data)

    monkeypatch.setattr(store, "write_atomically", dies_at_manifest)
    with pytest.raises(KeyboardInterrupt):
        update_dataset(_document("b2", "乙局", 2024, ["5.00"]), tmp_path)
    monkeypatch.undo()
    ds = open_dataset(tmp_path)
    assert ds.documents.get_column(s.DOC_ID).to_list() == ["a1"]
    assert (tmp_path / store.MANIFEST).read_bytes() == before[store.MANIFEST]
    # The next save cleans up the orphaned table files of the interrupted one.
    save_dataset(ds, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".parquet") == sorted(
        name for name in before if name.endswith(".parquet")
    )


def test_invalid_incoming_leaves_dataset_unchanged(tmp_path: Path) -> None:
    save_dataset(_document("a1", "甲局", 2024, ["1.00"]), tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    bad = _document("a1", "甲局", 2024, ["1.00"])
    duplicated = Dataset(**{**bad.tables, s.LINES: pl.concat([bad.lines, bad.lines])})
    with pytest.raises(Exception, match="duplicate key"):
        update_dataset(duplicated, tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_missing_dataset(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"no dataset here \(no manifest.json\)"):
        open_dataset(tmp_path / "nowhere")
    assert open_dataset(tmp_path / "nowhere", missing_ok=True).documents.is_empty()


def test_corrupt_manifest(tmp_path: Path) -> None:
    (tmp_path / store.MANIFEST).write_text("{not json")
    with pytest.raises(DatasetError, match="not a dataset manifest"):
        open_dataset(tmp_path)


def test_missing_table_file(tmp_path: Path) -> None:
    save_dataset(_document("a1", "甲局", 2024, ["1.00"]), tmp_path)
    next(tmp_path.glob("lines-*.parquet")).unlink()
    with pytest.raises(DatasetError, match="cannot read table 'lines'"):
        open_dataset(tmp_path)


def test_environment_variable_selects_the_dataset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    save_dataset(_document("e1", "丙局", 2025, ["3.00"]), tmp_path)
    monkeypatch.setenv("ANALYTICS_DATASET", str(tmp_path))
    assert open_dataset().documents.get_column(s.DOC_ID).to_list() == ["e1"]
