"""completeness.empty_tables on tables the tests build: an empty table a note explains is a fact, not a finding."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from analytics import schema as s
from analytics.ingest import read_disclosure
from tests.layout_pdf import Text, build, cover
from tests.test_checks import check, dataset, document_table, only_flag

RULE = "completeness.empty_tables"


def _empty(table: str, note: str | None, *, page: int = 9) -> dict[str, Any]:
    return {**document_table(table, "empty", page=page), s.REASON: note}


def test_an_empty_table_its_note_explains_is_no_finding() -> None:
    tables = [
        _empty("government_fund", "注：本部门2027年无政府性基金预算财政拨款安排的预算，故本表为空表。"),
        _empty("state_capital", "注：本部门无国有资本经营预算支出。"),
    ]
    assert check(dataset(document_tables=tables), RULE) == []


def test_an_empty_table_without_a_note_is_a_finding() -> None:
    flag = only_flag(dataset(document_tables=[_empty("government_fund", None, page=12)]), RULE)
    assert flag[s.SEVERITY] == "info"
    assert flag[s.MESSAGE_ZH] == "政府性基金预算支出表公开为空表，未说明原因（应注明本部门无此项）"


def test_a_note_copied_from_another_funds_table_is_a_warning() -> None:
    note = "注：本部门2027年无政府性基金预算财政拨款安排的预算，故本表为空表。"
    flag = only_flag(dataset(document_tables=[_empty("state_capital", note)]), RULE)
    assert flag[s.SEVERITY] == "warning"
    assert "另一类资金" in flag[s.MESSAGE_ZH] and "政府性基金" in flag[s.MESSAGE_ZH]


def test_a_table_printed_twice_counts_once_and_its_note_wherever_printed() -> None:
    tables = [_empty("government_fund", None, page=11), _empty("government_fund", "（无政府性基金支出）", page=15)]
    assert check(dataset(document_tables=tables), RULE) == []


@pytest.mark.parametrize(
    ("note", "flagged"),
    [("注：本部门无国有资本经营预算支出，故本表为空表。", False), (None, True)],
)
def test_the_reader_keeps_the_note_of_a_table_printed_empty(tmp_path: Path, note: str | None, flagged: bool) -> None:
    department, year = "临川市西江区气象服务站", 2027
    page = [
        Text(300, 50, f"{department}{year}年国有资本经营预算支出表", size=12),
        Text(640, 72, "单位：万元"),
        Text(60, 110, "功能分类科目编码"),
        Text(200, 110, "科目名称"),
        Text(600, 110, "金额"),
        Text(400, 140, "合计"),
        *([Text(60, 170, note)] if note else []),
    ]
    ds = read_disclosure(build(tmp_path / "empty.pdf", [cover(year, department), page]))
    (table,) = ds.document_tables.rows(named=True)
    assert table[s.STATUS] == "empty"
    assert table[s.REASON] == note  # as printed
    assert bool(check(ds, RULE)) is flagged
