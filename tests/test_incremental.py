"""Incremental updates (issue 16): adding or removing a document re-runs the rules on the departments it touches
only, keeping the others' findings — the same flags, in the same order, as checking everything again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analytics import checks, pipeline
from analytics import schema as s
from analytics.checks import checks_since, run_checks
from analytics.pipeline import all_flags, ingest_files, remove_files
from analytics.store import DEFAULT_DATASET, MANIFEST, open_dataset, save_dataset
from tests.synthetic import SyntheticDisclosure


@pytest.fixture
def working(tmp_path: Path) -> Path:
    """A copy of the shipped dataset (15 departments, 28 documents)."""
    shutil.copytree(DEFAULT_DATASET, tmp_path / "ds")
    return tmp_path / "ds"


def _disclosure(folder: Path, region: str, short_name: str, **options: object) -> Path:
    path = folder / f"{short_name}.txt"
    path.write_text(SyntheticDisclosure(region=region, short_name=short_name, **options).text(), encoding="utf-8")
    return path


def _checked_in_full(dataset: Path) -> pl.DataFrame:
    """The flags of a full check of the stored dataset, in the store's row order (by flag id)."""
    return all_flags(open_dataset(dataset)).flags.sort(s.FLAG_ID)


def _rules_run_on(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The departments each ``run_checks`` call of the test sees."""
    seen: list[list[str]] = []
    real = checks._engine.run_checks

    def spying(dataset: object, *args: object, **kwargs: object) -> pl.DataFrame:
        seen.append(sorted(set(dataset.documents.get_column(s.DEPARTMENT_ID))))  # type: ignore[attr-defined]
        return real(dataset, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(checks._engine, "run_checks", spying)
    return seen


def test_every_rule_looks_at_one_department(working: Path) -> None:
    # What makes checking only the changed departments sound: on the shipped dataset, each department's findings
    # alone are exactly its findings among all, in the same order.
    ds = open_dataset(working)
    everything = run_checks(ds)
    for department in sorted(set(ds.documents.get_column(s.DEPARTMENT_ID))):
        assert_frame_equal(
            run_checks(ds.for_department(department)), everything.filter(pl.col(s.DEPARTMENT_ID) == department)
        )


def test_adding_and_removing_documents_checks_only_their_departments(
    working: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _disclosure(tmp_path, "南京市鼓楼区", "鼓楼区档案馆")
    # The second states staff figures that do not add up, so that its department has findings of its own.
    second = _disclosure(tmp_path, "成都市武侯区", "武侯区政务服务中心", staff_actual=99)
    ingest_files([first], working)  # the shipped dataset records no flags_of: this one is checked in full
    seen = _rules_run_on(monkeypatch)
    stored = ingest_files([second], working).stored
    assert stored is not None
    assert seen == [["成都市武侯区政务服务中心"]]  # the new department only
    assert_frame_equal(stored.flags, _checked_in_full(working))  # as a full check finds them
    seen.clear()
    remaining, _ = remove_files([first.name], working)
    assert seen == []  # its department is gone: nothing to check again, its findings dropped
    assert_frame_equal(remaining.flags, _checked_in_full(working))
    assert "南京市鼓楼区档案馆" not in remaining.flags.get_column(s.DEPARTMENT_ID).to_list()


def test_replacing_a_document_checks_its_department_again(working: Path, tmp_path: Path) -> None:
    path = _disclosure(tmp_path, "南京市鼓楼区", "鼓楼区档案馆")
    ingest_files([path], working)
    ingest_files([_disclosure(tmp_path, "成都市武侯区", "武侯区政务服务中心")], working)
    path.write_text(SyntheticDisclosure(region="南京市鼓楼区", short_name="鼓楼区档案馆", staff_actual=99).text(),
                    encoding="utf-8")  # fmt: skip
    stored = ingest_files([path], working).stored
    assert stored is not None
    assert_frame_equal(stored.flags, _checked_in_full(working))


def test_flags_of_other_code_or_of_a_save_without_checks_are_derived_in_full(
    working: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_files([_disclosure(tmp_path, "南京市鼓楼区", "鼓楼区档案馆")], working)
    assert json.loads((working / MANIFEST).read_text(encoding="utf-8"))["flags_of"]
    # Another version of the code: its flags may differ, all are derived again.
    monkeypatch.setattr(pipeline, "code_fingerprint", lambda: "another version")
    seen = _rules_run_on(monkeypatch)
    ingest_files([_disclosure(tmp_path, "成都市武侯区", "武侯区政务服务中心")], working)
    assert len(seen) == 1 and len(seen[0]) == 17  # the whole dataset: 15 shipped departments and the two new
    # A dataset saved without deriving its flags records no flags_of: the next ingest checks everything.
    save_dataset(open_dataset(working), working)
    assert "flags_of" not in json.loads((working / MANIFEST).read_text(encoding="utf-8"))
    seen.clear()
    ingest_files([_disclosure(tmp_path, "南宁市青秀区", "青秀区档案馆")], working)
    assert len(seen) == 1 and len(seen[0]) == 18


def test_checks_since_keeps_what_did_not_change() -> None:
    ds = open_dataset()
    everything = run_checks(ds)
    department = everything.get_column(s.DEPARTMENT_ID).first()
    assert_frame_equal(checks_since(ds, everything, {department}), everything)
    assert_frame_equal(checks_since(ds, everything, set()), everything)
