"""narrative.direction_words and narrative.change_vs_prior_year on narratives and datasets the tests build (other
names and figures than the corpus): each defect present and absent."""

from __future__ import annotations

from typing import Any

import pytest

from analytics import schema as s
from tests.test_checks import DOC, DOC_2023, check, dataset, document, only_flag, statement


def _text(*lines: str, doc_id: str = DOC) -> list[dict[str, Any]]:
    return [
        {s.DOC_ID: doc_id, s.SEQ: i, s.PAGE: 4, s.LINE: i, s.SOURCE_TEXT: text}
        for i, text in enumerate(["一、收支预算情况说明", *lines], start=1)
    ]


def _narrative(*lines: str, phase: str = "budget") -> Any:
    return dataset(documents=[document(phase=phase)], document_text=_text(*lines))


@pytest.mark.parametrize(
    ("sentence", "flagged"),
    [
        ("档案服务支出 312.40 万元，与上年相比减少 41.20 万元，增长 11.65%。", True),
        ("档案服务支出 312.40 万元，与上年相比增加 32.60 万元，", False),
        ("档案服务支出 312.40 万元，与上年相比增加 32.60 万元，增长 11.65%。", False),
        ("档案服务支出 312.40 万元，与上年相比减少 41.20 万元，下降 11.65%。", False),
    ],
)
def test_two_directions_for_one_change(sentence: str, flagged: bool) -> None:
    flags = check(_narrative(sentence), "narrative.direction_words")
    assert bool(flags) is flagged, flags
    if flagged:
        assert flags[0][s.SEVERITY] == "error" and "第 4 页" in flags[0][s.MESSAGE_ZH]


def test_a_clause_wrapped_over_two_lines_is_read_whole() -> None:
    flags = check(
        _narrative("档案服务支出 312.40 万元，与上年相比减少", "41.20 万元，增长 11.65%。"), "narrative.direction_words"
    )
    assert len(flags) == 1


@pytest.mark.parametrize(
    ("word", "flagged"),
    [("小于", False), ("大于", True), ("等于", True)],
)
def test_a_comparison_against_the_two_figures_stated(word: str, flagged: bool) -> None:
    lines = (
        "（三）档案征集费。年初预算为 64.30 万元，支出决算为 58.12 万元，完成年初预算的 90.39%。",
        f"决算数{word}预算数的主要原因是征集计划调整。",
    )
    flags = check(_narrative(*lines, phase="final"), "narrative.direction_words")
    assert bool(flags) is flagged, flags
    if flagged:
        assert "64.30 万元" in flags[0][s.MESSAGE_ZH] and "58.12 万元" in flags[0][s.MESSAGE_ZH]


def test_equal_figures_may_say_equal() -> None:
    lines = ("年初预算为 64.30 万元，支出决算为 64.30 万元。", "决算数等于预算数。")
    assert check(_narrative(*lines, phase="final"), "narrative.direction_words") == []


# --- the change against last year's disclosure ----------------------------------------------------------------------


def _two_years(direction: str, change: str) -> Any:
    documents = [document(DOC_2023, fiscal_year=2023), document()]
    statements = [
        statement(1, "公务接待费预算支出", "84_000", doc_id=DOC_2023, fiscal_year=2023),
        statement(1, "公务接待费预算支出", "96_500", change=change, direction=direction),
    ]
    return dataset(documents=documents, statements=statements)


def test_a_change_in_the_right_direction_is_no_finding() -> None:
    assert check(_two_years("增加", "12_500"), "narrative.change_vs_prior_year") == []


def test_a_change_of_the_right_size_in_the_wrong_direction_is_an_error() -> None:
    flag = only_flag(_two_years("减少", "12_500"), "narrative.change_vs_prior_year")
    assert flag[s.SEVERITY] == "error"
    assert "8.40 万元" in flag[s.MESSAGE_ZH] and "实为增加 1.25 万元" in flag[s.MESSAGE_ZH]
    assert {e[s.DOC_ID] for e in flag[s.EVIDENCE]} == {DOC, DOC_2023}


def test_a_change_of_another_size_compares_another_basis_and_is_not_judged() -> None:
    assert check(_two_years("减少", "3_000"), "narrative.change_vs_prior_year") == []


def test_without_last_years_disclosure_nothing_is_judged() -> None:
    ds = dataset(statements=[statement(1, "公务接待费预算支出", "96_500", change="12_500", direction="减少")])
    assert check(ds, "narrative.change_vs_prior_year") == []


@pytest.mark.parametrize(("second", "flagged"), [("增加", False), ("减少", True)])
def test_the_same_figure_and_change_in_two_directions(second: str, flagged: bool) -> None:
    statements = [
        statement(1, "财政拨款收入", "8_431_200", change="215_600", direction="增加"),
        statement(2, "财政拨款支出预算", "8_431_200", change="215_600", direction=second),
        statement(3, "事业收入", "120_000", change="215_600", direction="减少"),  # another figure: not a pair
    ]
    flags = check(dataset(statements=statements), "narrative.direction_words")
    assert bool(flags) is flagged, flags
    if flagged:
        assert "843.12 万元" in flags[0][s.MESSAGE_ZH] and len(flags[0][s.EVIDENCE]) == 2


@pytest.mark.parametrize(
    ("sentence", "flagged"),
    [
        ("（1）公务用车购置预算支出 0 万元，本年数大于上年预算数的主要原因是购置计划调整。", True),
        ("（1）公务用车购置预算支出 0 万元，本年数小于上年预算数的主要原因是未安排购置计划。", False),
        ("政府性基金拨款支出预算 0 万元，比上年增加 312.40 万元。", True),
        ("政府性基金拨款支出预算 0 万元，比上年增加 0 万元，增长 0%。", False),
        ("政府性基金收入预算 0 万元，与上年相比增加（减少）0 万元。", False),
        ("政府性基金拨款支出预算 0 万元，与上年预算持平。", False),
        ("培训费 10 万元，比上年增加 2 万元。", False),
    ],
)
def test_a_zero_said_to_exceed_last_year(sentence: str, flagged: bool) -> None:
    assert bool(check(_narrative(sentence), "narrative.direction_words")) is flagged


@pytest.mark.parametrize(
    ("total_direction", "project_direction", "flagged"),
    [
        ("减少", "减少", False),  # −63.20 = +12.30 − 75.50
        ("增加", "减少", True),  # the total's direction swapped
        ("减少", "增加", True),  # a part's direction swapped
    ],
)
def test_the_changes_of_the_parts_add_up_to_the_change_of_the_total(
    total_direction: str, project_direction: str, flagged: bool
) -> None:
    statements = [
        statement(1, "一般公共预算财政拨款支出", "4_186_000", change="632_000", direction=total_direction),
        statement(2, "基本支出", "1_530_000", change="123_000", direction="增加", parent="一般公共预算财政拨款支出"),
        statement(
            3, "项目支出", "2_656_000", change="755_000", direction=project_direction, parent="一般公共预算财政拨款支出"
        ),
    ]
    flags = check(dataset(statements=statements), "narrative.direction_words")
    assert bool(flags) is flagged, flags
    if flagged:
        assert "基本支出、项目支出" in flags[0][s.MESSAGE_ZH] and len(flags[0][s.EVIDENCE]) == 3


def test_parts_that_are_not_the_whole_total_are_not_added_up() -> None:
    # 其中 names one item only: its change need not be the total's.
    statements = [
        statement(1, "一般公共预算财政拨款支出", "4_186_000", change="632_000", direction="减少"),
        statement(2, "基本支出", "1_530_000", change="123_000", direction="增加", parent="一般公共预算财政拨款支出"),
        statement(3, "培训费", "50_000", change="5_000", direction="增加", parent="一般公共预算财政拨款支出"),
    ]
    assert check(dataset(statements=statements), "narrative.direction_words") == []


@pytest.mark.parametrize(
    ("reason", "flagged"),
    [
        ("财政拨款收入支出增加的主要原因是新增文物修缮项目。", False),
        ("财政拨款收入支出减少的主要原因是新增文物修缮项目。", True),
        ("培训费减少的主要原因是压减会议培训。", False),  # names no figure the text gave a direction for
    ],
)
def test_a_reason_names_the_direction_the_text_stated(reason: str, flagged: bool) -> None:
    statements = [
        statement(1, "财政拨款收入", "6_254_300", change="410_000", direction="增加", page=4),
        statement(2, "财政拨款支出预算", "6_254_300", change="410_000", direction="增加", page=4),
    ]
    text = _text("2027年，本部门财政拨款收入 625.43 万元，比上年增加 41.00 万元。", reason)
    for row in text:
        row[s.LINE] += 20  # after the two statements (lines 11 and 12)
    ds = dataset(documents=[document()], statements=statements, document_text=text)
    flags = check(ds, "narrative.direction_words")
    assert bool(flags) is flagged, flags
    if flagged:
        assert len(flags) == 2  # 财政拨款收入 and 财政拨款支出 were both said to rise
        assert "财政拨款收入支出减少的主要原因" in flags[0][s.MESSAGE_ZH]


_TRAVEL = "（二）差旅费预算支出 86.40 万元，本年数{}上年预算数的主要原因是"
_CUT_TRAVEL = "进一步压减了差旅费的预算安排。"
_MEETINGS = "本单位 2024 年度会务费预算支出 57.10 万元，比上年{} 12.5 万元，"
_FROM_MEETINGS = "原因是从会务费预算中调减 12.5 万元用于课题研究。"
_UPKEEP = "物业管理费预算支出 30 万元，本年数小于上年预算数，主要原因是{}新增了物业管理费的分摊。"


@pytest.mark.parametrize(
    ("lines", "flagged"),
    [
        ((_TRAVEL.format("大于"), _CUT_TRAVEL), True),
        ((_TRAVEL.format("小于"), _CUT_TRAVEL), False),
        ((_MEETINGS.format("增加"), _FROM_MEETINGS), True),
        ((_MEETINGS.format("减少"), _FROM_MEETINGS), False),
        # the money came from another item: this one rose
        (("课题研究费预算支出 40 万元，比上年增加 12.5 万元，" + _FROM_MEETINGS,), False),
        (("课题研究费预算支出 40 万元，比上年减少 12.5 万元，" + _FROM_MEETINGS,), True),
        ((_UPKEEP.format(""),), True),
        # a reason speaking first of last year explains by last year's figure
        ((_UPKEEP.format("上年一次性"),), False),
        (("维修费预算支出 30 万元，本年数大于上年预算数，主要原因是维修项目增加，压减其他支出后仍有缺口。",), False),
    ],
)
def test_a_reason_that_does_the_opposite_to_the_figure_it_explains(lines: tuple[str, ...], flagged: bool) -> None:
    flags = check(_narrative(*lines), "narrative.direction_words")
    assert bool(flags) is flagged, flags
    if flagged:
        assert "请说明实际的增减方向" in flags[0][s.MESSAGE_ZH]


_HOSTING = "（三）公务接待费预算支出 48.20 万元，本年数{}上年预算数 6.10 万元，主要是{}。"


@pytest.mark.parametrize(
    ("word", "reason", "flagged"),
    [
        ("大于", "认真落实厉行节约的要求", True),
        ("小于", "认真落实厉行节约的要求", False),
        ("大于", "严格控制接待规模", True),
        # a mixed reason explains a rise as well as a fall
        ("大于", "新增外宾接待任务，同时严格控制接待规模", False),
        ("大于", "接待任务增加", False),
    ],
)
def test_a_rise_explained_only_by_spending_less(word: str, reason: str, flagged: bool) -> None:
    flags = check(_narrative(_HOSTING.format(word, reason)), "narrative.direction_words")
    assert bool(flags) is flagged, flags
    if flagged:
        assert "只讲压减支出" in flags[0][s.MESSAGE_ZH]
