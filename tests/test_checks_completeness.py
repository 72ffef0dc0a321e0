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
    assert flag[s.MESSAGE_ZH].startswith("政府性基金预算支出表公开为空表，未说明原因（应注明本部门无此项）。请说明")


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


# --- completeness.sections and completeness.vehicle_split: the narrative's parts, as the tests write them -------

_SECTIONS_BUDGET = [
    "一、部门主要职能",
    "二、2027年收支预算情况说明",
    "三、“三公”经费预算情况说明",
    "四、机关运行经费预算情况",
    "五、政府采购预算情况",
    "六、绩效目标设置情况",
    "七、国有资产占有使用情况",
    "八、名词解释",
]


def _narrative(headings: list[str], extra: list[str] | None = None) -> list[dict[str, Any]]:
    lines = ["目 录", *headings, *_SECTIONS_BUDGET[:0], *(extra or [])]
    return [
        {s.DOC_ID: "doc-2027", s.SEQ: i, s.PAGE: 1 if i == 1 else 3, s.LINE: i, s.SOURCE_TEXT: text}
        for i, text in enumerate(lines, start=1)
    ]


def _sections_dataset(headings: list[str], *, phase: str = "budget", extra: list[str] | None = None) -> Any:
    from tests.test_checks import document

    return dataset(
        documents=[document("doc-2027", fiscal_year=2027, phase=phase)],
        document_text=_narrative(headings, extra),
    )


def test_a_narrative_with_every_section_has_no_finding() -> None:
    assert check(_sections_dataset(_SECTIONS_BUDGET), "completeness.sections") == []


@pytest.mark.parametrize(
    ("dropped", "name", "severity"),
    [(4, "政府采购说明", "warning"), (5, "绩效目标说明", "warning"), (6, "国有资产占用情况说明", "info")],
)
def test_each_missing_section_is_one_finding(dropped: int, name: str, severity: str) -> None:
    headings = [h for i, h in enumerate(_SECTIONS_BUDGET) if i != dropped]
    flag = only_flag(_sections_dataset(headings), "completeness.sections")
    assert flag[s.SUBJECT] == name and flag[s.SEVERITY] == severity
    assert name in flag[s.MESSAGE_ZH]


def test_a_section_listed_only_in_the_contents_is_missing() -> None:
    headings = [h for h in _SECTIONS_BUDGET if "政府采购" not in h]
    text = _narrative(headings)
    text.insert(1, {**text[0], s.SEQ: 99, s.SOURCE_TEXT: "五、政府采购预算情况"})  # on the contents page
    from tests.test_checks import document

    ds = dataset(documents=[document("doc-2027", fiscal_year=2027)], document_text=text)
    assert [f[s.SUBJECT] for f in check(ds, "completeness.sections")] == ["政府采购说明"]


def test_a_table_title_or_row_is_no_section() -> None:
    headings = [h for h in _SECTIONS_BUDGET if "绩效" not in h]
    ds = _sections_dataset(headings, extra=["30107 绩效工资 8.18", "项目绩效目标表"])
    assert [f[s.SUBJECT] for f in check(ds, "completeness.sections")] == ["绩效目标说明"]


def test_a_dataset_without_text_is_not_judged() -> None:
    assert check(dataset(), "completeness.sections") == []


@pytest.mark.parametrize(
    ("sentence", "flagged"),
    [
        ("公务用车购置及运行费12.00万元，其中：公务用车购置费0万元，公务用车运行费12.00万元。", False),
        ("公务用车购置及运行维护费12.00万元，比上年减少1.00万元。", True),
        ("（1）公务用车购置预算支出 0 万元。（2）公务用车运行维护费预算支出 12 万元。", False),
        ("公务用车购置及运行费0万元，本部门无公务用车。", False),
        ("（2）公务用车购置及运行维护费，反映单位公务用车购置支出及租用费、燃料费。", False),
    ],
)
def test_vehicle_costs_given_apart(sentence: str, flagged: bool) -> None:
    ds = _sections_dataset(_SECTIONS_BUDGET, extra=[sentence])
    flags = check(ds, "completeness.vehicle_split")
    assert bool(flags) is flagged, flags
