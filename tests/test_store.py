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


# ---------------------------------------------------------------------------------------------------------------------
# Department facts: one row per department-year, merged fact by fact from every document that states them
# ---------------------------------------------------------------------------------------------------------------------


def _stating(doc_id: str, phase: str, *, page: int, **facts: object) -> Dataset:
    """A 甲局 2024 document (``phase``) whose department row states ``facts``, read on ``page`` line 2."""
    base = _document(doc_id, "甲局", 2024, ["100.00"])
    documents = base.documents.with_columns(pl.lit(phase).alias(s.PHASE))
    lines = base.lines.with_columns(pl.lit(phase).alias(s.PHASE))
    row = {
        s.DEPARTMENT_ID: "甲局",
        s.FISCAL_YEAR: 2024,
        s.NAME: facts.pop(s.NAME, "甲局"),
        s.REGION: "某区",
        s.DOC_ID: doc_id,
        s.PAGE: page,
        s.LINE: 2,
        s.SOURCE_TEXT: f"{doc_id} 部门基本情况",
        **facts,
    }
    departments = pl.DataFrame([row], schema=s.TABLES[s.DEPARTMENTS].schema, orient="row")
    return Dataset.from_tables({s.DOCUMENTS: documents, s.LINES: lines, s.DEPARTMENTS: departments})


def _facts(ds: Dataset) -> dict[str, object]:
    rows = ds.departments.to_dicts()
    assert len(rows) == 1
    return rows[0]


DOC_A = {s.UNIT_TYPE: "行政单位", s.STAFF_AUTHORIZED: 35, s.STAFF_ACTUAL: 30}
DOC_B = {s.STAFF_ACTUAL: 31, s.SUBORDINATE_UNITS: 2}


def test_a_stated_fact_is_never_replaced_with_a_null(tmp_path: Path) -> None:
    a = _stating("a1", "budget", page=3, **DOC_A)
    b = _stating("b2", "final", page=5, **DOC_B)
    update_dataset(a, tmp_path)
    ds = update_dataset(b, tmp_path)
    for merged in (ds, open_dataset(tmp_path)):
        assert _facts(merged) == {
            s.DEPARTMENT_ID: "甲局",
            s.FISCAL_YEAR: 2024,
            s.NAME: "甲局",
            s.REGION: "某区",
            s.UNIT_TYPE: "行政单位",  # only a1 states it
            s.STAFF_AUTHORIZED: 35,  # only a1 states it: b2's silence does not erase it
            s.STAFF_ACTUAL: 31,  # both state it: the newly read document wins
            s.SUBORDINATE_UNITS: 2,  # only b2 states it
            # The row is b2's, where it was read included.
            s.DOC_ID: "b2",
            s.PAGE: 5,
            s.LINE: 2,
            s.SOURCE_TEXT: "b2 部门基本情况",
        }


def test_merging_department_facts_changes_nothing_else(tmp_path: Path) -> None:
    a = _stating("a1", "budget", page=3, **DOC_A)
    b = _stating("b2", "final", page=5, **DOC_B)
    update_dataset(a, tmp_path)
    merged = update_dataset(b, tmp_path)
    for name in s.TABLES:
        if name in {s.DEPARTMENTS, s.FLAGS}:
            continue
        expected = pl.concat([a.tables[name], b.tables[name]]).sort(s.TABLES[name].key, nulls_last=True)
        assert_frame_equal(merged.tables[name], expected)
    # Each document's own statement is kept as it was read.
    facts = merged.department_facts.sort(store.READ_ORDER)
    assert facts.select(s.DOC_ID, s.STAFF_AUTHORIZED, s.STAFF_ACTUAL, s.PAGE).rows() == [
        ("a1", 35, 30, 3),
        ("b2", None, 31, 5),
    ]


def test_staff_35_stays_when_the_next_document_states_none(tmp_path: Path) -> None:
    update_dataset(_stating("a1", "budget", page=3, **{s.STAFF_AUTHORIZED: 35}), tmp_path)
    ds = update_dataset(_stating("b2", "final", page=5, **{s.STAFF_AUTHORIZED: None}), tmp_path)
    assert ds.departments.select(s.STAFF_AUTHORIZED, s.DOC_ID).rows() == [(35, "b2")]


def test_reingesting_a_document_makes_it_the_latest(tmp_path: Path) -> None:
    a = _stating("a1", "budget", page=3, **DOC_A)
    update_dataset(a, tmp_path)
    update_dataset(_stating("b2", "final", page=5, **DOC_B), tmp_path)
    ds = update_dataset(a, tmp_path)
    row = _facts(ds)
    assert (row[s.DOC_ID], row[s.STAFF_ACTUAL], row[s.SUBORDINATE_UNITS], row[s.PAGE]) == ("a1", 30, 2, 3)
    assert ds.department_facts.height == 2


def test_merging_in_memory_is_the_same_as_merging_in_the_store(tmp_path: Path) -> None:
    # A batch is merged in memory first (Batch.merged), then into the store.
    a = _stating("a1", "budget", page=3, **DOC_A)
    b = _stating("b2", "final", page=5, **DOC_B)
    in_memory = Dataset.empty().replace_documents(a).replace_documents(b)
    update_dataset(a, tmp_path)
    assert_frame_equal(in_memory.departments, update_dataset(b, tmp_path).departments)
    stored_at_once = update_dataset(in_memory, tmp_path / "batch")
    assert_frame_equal(stored_at_once.departments, in_memory.departments)


def test_another_department_year_leaves_the_row_as_it_was(tmp_path: Path) -> None:
    update_dataset(_stating("a1", "budget", page=3, **DOC_A), tmp_path)
    update_dataset(_stating("b2", "final", page=5, **DOC_B), tmp_path)
    before = open_dataset(tmp_path).departments
    ds = update_dataset(_document("c3", "乙局", 2024, ["7.00"]), tmp_path)
    assert_frame_equal(ds.departments.filter(pl.col(s.DEPARTMENT_ID) == "甲局"), before)
    assert ds.departments.height == 2


def test_a_dataset_saved_before_facts_were_kept_merges_from_its_departments(tmp_path: Path) -> None:
    save_dataset(_stating("a1", "budget", page=3, **DOC_A), tmp_path)
    manifest_path = tmp_path / store.MANIFEST
    manifest = json.loads(manifest_path.read_text())
    facts_file = manifest["tables"].pop(store.DEPARTMENT_FACTS)
    manifest_path.write_text(json.dumps(manifest))
    (tmp_path / facts_file).unlink()
    assert open_dataset(tmp_path).fact_rows is None
    ds = update_dataset(_stating("b2", "final", page=5, **DOC_B), tmp_path)
    assert _facts(ds)[s.STAFF_AUTHORIZED] == 35
    assert store.DEPARTMENT_FACTS in json.loads(manifest_path.read_text())["tables"]


def test_facts_of_a_damaged_store_are_an_error(tmp_path: Path) -> None:
    save_dataset(_stating("a1", "budget", page=3, **DOC_A), tmp_path)
    next(tmp_path.glob(f"{store.DEPARTMENT_FACTS}-*.parquet")).unlink()
    with pytest.raises(DatasetError, match="cannot read table 'department_facts'"):
        open_dataset(tmp_path)


def test_for_department_keeps_its_facts(tmp_path: Path) -> None:
    update_dataset(_stating("a1", "budget", page=3, **DOC_A), tmp_path)
    update_dataset(_document("c3", "乙局", 2024, ["7.00"]), tmp_path)
    ds = open_dataset(tmp_path).for_department("甲局")
    assert ds.department_facts.get_column(s.DOC_ID).to_list() == ["a1"]


# ---------------------------------------------------------------------------------------------------------------------
# Workspaces: the shipped dataset is read by default and written only when named
# ---------------------------------------------------------------------------------------------------------------------


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A shipped dataset of one document (丁局 2024) in place of the project's, and no ``ANALYTICS_DATASET``."""
    folder = tmp_path / "shipped"
    save_dataset(_document("s1", "丁局", 2024, ["7.00"]), folder)
    monkeypatch.setattr(store, "DEFAULT_DATASET", folder.resolve())
    monkeypatch.delenv("ANALYTICS_DATASET", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home"))
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def test_reads_fall_back_to_the_shipped_dataset(shipped: Path) -> None:
    assert store.dataset_path() == shipped.resolve()
    assert open_dataset().documents.get_column(s.DOC_ID).to_list() == ["s1"]


def test_an_ingest_without_a_dataset_writes_a_working_copy_and_leaves_the_shipped_one(shipped: Path) -> None:
    before = _files(shipped)
    stored = update_dataset(_document("w1", "戊局", 2025, ["2.00"]))
    working = Path(shipped.parent / "home" / "budget-analytics" / "dataset")
    assert stored.path == working
    assert _files(shipped) == before
    assert sorted(open_dataset().documents.get_column(s.DOC_ID).to_list()) == ["s1", "w1"]
    assert store.dataset_path() == working
    assert open_dataset(shipped).documents.get_column(s.DOC_ID).to_list() == ["s1"]


def test_saving_the_dataset_opened_by_default_does_not_write_the_shipped_one(shipped: Path) -> None:
    before = _files(shipped)
    ds = open_dataset()
    stored = save_dataset(ds.replace_documents(_document("w2", "己局", 2025, ["4.00"])))
    assert _files(shipped) == before
    assert stored.path == store.working_dataset_path()
    assert sorted(open_dataset().documents.get_column(s.DOC_ID).to_list()) == ["s1", "w2"]


def test_the_shipped_dataset_is_written_when_named(shipped: Path) -> None:
    update_dataset(_document("w3", "庚局", 2025, ["5.00"]), shipped)
    assert sorted(open_dataset(shipped).documents.get_column(s.DOC_ID).to_list()) == ["s1", "w3"]
    assert not store.working_dataset_path().exists()


def test_the_environment_variable_names_the_working_dataset(
    shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = tmp_path / "chosen"
    monkeypatch.setenv("ANALYTICS_DATASET", str(chosen))
    update_dataset(_document("w4", "辛局", 2025, ["6.00"]))
    assert open_dataset(chosen).documents.get_column(s.DOC_ID).to_list() == ["w4"]
    assert open_dataset(shipped).documents.get_column(s.DOC_ID).to_list() == ["s1"]


def test_a_folder_in_the_way_of_the_working_dataset_is_a_clear_error(shipped: Path) -> None:
    in_the_way = store.working_dataset_path()
    in_the_way.mkdir(parents=True)
    (in_the_way / "notes.txt").write_text("not a dataset", encoding="utf-8")
    with pytest.raises(DatasetError, match="cannot create the working dataset"):
        update_dataset(_document("w5", "壬局", 2025, ["1.00"]))
    assert (in_the_way / "notes.txt").read_text(encoding="utf-8") == "not a dataset"


def test_removing_from_the_default_dataset_leaves_the_shipped_one(shipped: Path) -> None:
    update_dataset(_document("w6", "癸局", 2025, ["8.00"]), shipped)
    before = _files(shipped)
    stored, removed = store.remove_documents(["w6.txt"])
    assert removed == ["w6"]
    assert stored.documents.get_column(s.DOC_ID).to_list() == ["s1"]
    assert stored.departments.get_column(s.DEPARTMENT_ID).to_list() == ["丁局"]
    assert _files(shipped) == before


def test_a_reader_during_a_save_gets_the_old_or_the_new_dataset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The race a reader loses: it has read the manifest, then a save replaces the manifest and deletes the files it
    # named. The reader must follow the new manifest (the new dataset), not fail with "No such file".
    save_dataset(_document("a1", "甲局", 2024, ["1.00"]), tmp_path)
    real = Path.read_bytes
    saved: list[bool] = []

    def save_in_between(source: Path) -> bytes:
        if not saved and source.suffix == ".parquet" and source.name.startswith(s.LINES):
            saved.append(True)
            with monkeypatch.context() as inner:
                inner.setattr(Path, "read_bytes", real)
                save_dataset(_document("a1", "甲局", 2024, ["2.00", "3.00"]), tmp_path)
        return real(source)

    monkeypatch.setattr(Path, "read_bytes", save_in_between)
    ds = open_dataset(tmp_path)
    assert saved
    assert sorted(ds.lines.get_column(s.AMOUNT_YUAN).to_list()) == [Decimal("2.00"), Decimal("3.00")]


def test_a_missing_table_under_an_unchanged_manifest_is_still_an_error(tmp_path: Path) -> None:
    save_dataset(_document("a1", "甲局", 2024, ["1.00"]), tmp_path)
    next(tmp_path.glob("documents-*.parquet")).unlink()
    with pytest.raises(DatasetError, match="cannot read table 'documents'"):
        open_dataset(tmp_path)


def _one_after_the_other(datasets: list[Dataset]) -> Dataset:
    merged = Dataset.empty()
    for dataset in datasets:
        merged = merged.replace_documents(dataset)
    return merged


@pytest.mark.parametrize(
    "order",
    [["a1", "b2", "c3", "x9"], ["b2", "a1", "x9", "c3"], ["a1", "b2", "a1"], ["b2", "a1", "c3", "b2", "x9", "a1"]],
    ids=["in-order", "other-order", "a1-again", "twice-each"],
)
def test_a_batch_merged_at_once_is_the_one_merged_file_after_file(order: list[str]) -> None:
    # a1 and b2 state one department-year (the later one's facts win where it states them), c3 states staff none,
    # x9 is another department; a document given twice counts once, as its later copy.
    documents = {
        "a1": _stating("a1", "budget", page=3, **DOC_A),
        "b2": _stating("b2", "final", page=5, **DOC_B),
        "c3": _stating("c3", "budget", page=7, **{s.STAFF_AUTHORIZED: None}),
        "x9": _document("x9", "乙局", 2024, ["5.00", "4.00"]),
    }
    batch = [documents[name] for name in order]
    at_once, file_after_file = Dataset.combined(batch), _one_after_the_other(batch)
    for name in s.TABLES:
        assert_frame_equal(getattr(at_once, name), getattr(file_after_file, name))
    assert at_once.fact_rows is not None and file_after_file.fact_rows is not None
    assert_frame_equal(at_once.fact_rows, file_after_file.fact_rows)
    assert sorted(at_once.documents.get_column(s.DOC_ID)) == sorted(set(order))
    latest = next(name for name in reversed(order) if name in ("a1", "b2", "c3"))
    assert at_once.departments.filter(pl.col(s.DEPARTMENT_ID) != "乙局").get_column(s.DOC_ID).to_list() == [latest]


def test_tables_a_save_wrote_are_not_checked_row_by_row_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    save_dataset(_document("a1", "甲局", 2024, ["1.00", "2.00"]), tmp_path)
    checked: list[str] = []
    real = s.validate

    def counting(table: str, frame: pl.DataFrame, *, rows: bool = True) -> pl.DataFrame:
        if rows and not frame.is_empty():
            checked.append(table)
        return real(table, frame, rows=rows)

    monkeypatch.setattr(s, "validate", counting)
    assert open_dataset(tmp_path).lines.height == 2
    assert checked == []  # every file still hashes to its name: its rows were checked by the save


def test_a_table_file_changed_since_its_save_is_checked_again(tmp_path: Path) -> None:
    save_dataset(_document("a1", "甲局", 2024, ["1.00", "2.00"]), tmp_path)
    lines = next(tmp_path.glob("lines-*.parquet"))
    # The same file rewritten with its two rows made one key twice: its bytes no longer hash to its name.
    pl.read_parquet(lines).with_columns(pl.lit(2024).cast(pl.Int32).alias(s.FISCAL_YEAR)).write_parquet(lines)
    with pytest.raises(DatasetError, match=r"stored tables break the data contract: table 'lines': duplicate key"):
        open_dataset(tmp_path)
