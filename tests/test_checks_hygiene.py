"""The hygiene rules on texts the tests write (other names and figures than the corpus), each defect present and
absent, and on a real disclosure read again with a defect put into the text the reader sees."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from analytics import schema as s
from analytics.ingest.text import read_text_disclosure
from tests.synthetic import SyntheticDisclosure
from tests.test_checks import DOC, YEAR, check, dataset, document, document_table, only_flag, statement

CLEAN = [
    (1, "测试市甲区乙局2024年部门预算"),
    (2, "一、部门主要职责"),
    (2, "乙局负责本区的档案管理与利用服务工作，实实在在地为群众办事。"),
    (3, "二、2024年收支预算情况说明"),
    (3, "截至2023年8月31日，乙局共有车辆2辆。"),
    (4, "三、2023年预算执行情况"),
]


def _text(rows: list[tuple[int | None, str]], doc_id: str = DOC) -> list[dict[str, Any]]:
    return [
        {s.DOC_ID: doc_id, s.SEQ: i, s.PAGE: page, s.LINE: i, s.SOURCE_TEXT: text}
        for i, (page, text) in enumerate(rows, start=1)
    ]


def _with(*lines: tuple[int, str], **document_args: Any) -> Any:
    return dataset(documents=[{**document(**document_args), s.PAGE_COUNT: 5}], document_text=_text([*CLEAN, *lines]))


ALL = (
    "hygiene.placeholder",
    "hygiene.template_residue",
    "hygiene.garbled",
    "hygiene.stale_year",
    "hygiene.scope_mismatch",
    "hygiene.repeated_word",
    "hygiene.no_reason",
    "hygiene.blank_page",
)


@pytest.mark.parametrize("rule_id", ALL)
def test_a_clean_text_has_no_finding(rule_id: str) -> None:
    assert check(_with(), rule_id) == []


@pytest.mark.parametrize(
    "printed",
    [
        "XX局负责本区档案工作。",
        "本部门下设××科、××科。",
        "某某单位",
        "本项目绩效目标待填写。",
        "{单位名称}2024年部门预算",
    ],
)
def test_a_placeholder_left_in_is_a_warning_naming_its_page(printed: str) -> None:
    flag = only_flag(_with((5, printed)), "hygiene.placeholder")
    assert flag[s.SEVERITY] == "warning"
    assert "第 5 页" in flag[s.MESSAGE_ZH] and printed[:8] in flag[s.MESSAGE_ZH]
    assert [(e[s.PAGE], e[s.SOURCE_TEXT]) for e in flag[s.EVIDENCE]] == [(5, printed)]


def test_latin_words_and_a_single_x_are_no_placeholder() -> None:
    assert check(_with((5, "采购 LED 显示屏 2 块，XXL 型号 1 套，尺寸 3×4 米。")), "hygiene.placeholder") == []


def test_the_places_of_one_document_are_one_finding() -> None:
    flags = check(_with((5, "XX局"), (6, "XX科"), (6, "××中心")), "hygiene.placeholder")
    assert len(flags) == 1
    assert flags[0][s.OBSERVED] == 3
    assert "第 5、6 页" in flags[0][s.MESSAGE_ZH]


@pytest.mark.parametrize(
    "printed",
    [
        "政府性基金收入预算0万元，与上年相比增加（减少）0万元。",
        "公务接待费1.20万元，与上年预算持平，主要原因是。",
        "政府性基金支出预算0万元，与上年预算增加持平。",
        "一般公共预算支出比上年增加万元，主要用于信息化建设。",
        "其中：财政拨款收入 512.30 万元，比上年预算减少增加 18.40 万元。",
    ],
)
def test_template_residue_is_a_warning(printed: str) -> None:
    flag = only_flag(_with((5, printed)), "hygiene.template_residue")
    assert flag[s.SEVERITY] == "warning"
    assert "第 5 页" in flag[s.MESSAGE_ZH]


def test_two_direction_words_that_belong_to_two_things_are_no_residue() -> None:
    rows = ((5, "人员减少增加了人均办公面积；工业增加值下降增加值率上升。"),)
    assert check(_with(*rows), "hygiene.template_residue") == []


def test_a_reason_given_on_the_next_line_is_no_residue() -> None:
    rows = ((5, "公务接待费1.20万元，比上年减少0.30万元，主要原因是"), (5, "压减接待批次。"))
    assert check(_with(*rows), "hygiene.template_residue") == []


@pytest.mark.parametrize(
    ("phase", "printed", "flagged"),
    [
        ("budget", "截至2022年8月31日，乙局共有车辆2辆。", True),
        ("budget", "截至2023年12月31日，乙局共有车辆2辆。", False),
        ("final", "截至2023年12月31日，乙局共有车辆2辆。", True),
        ("final", "截至2024年12月31日，乙局共有车辆2辆。", False),
        ("budget", "四、2021年部门预算表", True),
        ("budget", "五、2026年部门预算表", True),
        ("budget", "长期目标(截止2027年)", False),
        ("budget", "六、2018-2020年财政规划", False),
        ("budget", "乙局 2021 年度财政拨款预算支出 312.40 万元。", True),
        ("budget", "乙局 2023 年度财政拨款预算执行数为 300.10 万元。", False),
        ("budget", "2019年起实施的档案数字化工程已完成。", False),
        ("budget", "2021 年是乙局实施档案数字化三年行动的关键一年。", True),
        ("budget", "2023 年是乙局实施档案数字化三年行动的关键一年。", False),
        ("budget", "2021 年乙局机关及所属档案馆单位预留机动经费预算数为 12.00 万元。", True),
        ("budget", "2021 年度乙局财政拨款", True),  # the sentence's words wrap onto the next line (see below)
        ("final", "2022 年，乙局所属各预算单位均已公开决算。", True),
        ("final", "2023 年，乙局所属各预算单位均已公开决算。", False),
        ("budget", "2016年以来，乙局累计接收档案 12 万卷。", False),
    ],
)
def test_a_stale_year_in_a_heading_or_a_date(phase: str, printed: str, flagged: bool) -> None:
    rows = [(p, t) for p, t in CLEAN if "截至" not in t] + [(5, printed), (5, "预算支出 40.00 万元。")]
    ds = dataset(documents=[document(phase=phase)], document_text=_text(rows))
    flags = check(ds, "hygiene.stale_year")
    assert bool(flags) is flagged, flags
    if flagged:
        assert "第 5 页" in flags[0][s.MESSAGE_ZH] and flags[0][s.SEVERITY] == "warning"


def test_a_year_inside_a_sentence_is_no_heading() -> None:
    assert check(_with((5, "1998年，乙局与丙所合并组建为新的乙局")), "hygiene.stale_year") == []


@pytest.mark.parametrize(
    ("scope", "printed", "flagged"),
    [
        ("unit", "四、部门预算编制说明", True),
        ("unit", "四、单位预算编制说明", False),
        ("unit", "8. 2024年预算单位一般公共预算基本支出部门预算经济分类预算表", False),
        ("department", "四、单位预算编制说明", True),
        ("department", "二、部门预算单位构成", False),
        ("department", "（二）单位决算单位构成", True),
        ("department", "坚持省级单位预算编制“统筹安排、突出重点”的原则。", True),
        ("department", "纳入本部门决算编制范围的包括部门本级决算、下属行政事业单位决算。", False),
        ("department", "本部门预算包括部门本级预算和所属单位预算。", False),
        ("unit", "本单位预算纳入主管部门预算汇总。", False),
    ],
)
def test_a_heading_naming_the_other_scope(scope: str, printed: str, flagged: bool) -> None:
    own = "单位" if scope == "unit" else "部门"
    rows = [(1, f"测试市甲区乙局2024年{own}预算"), *CLEAN[1:], (5, printed)]
    ds = dataset(documents=[document(scope=scope)], document_text=_text(rows))
    flags = check(ds, "hygiene.scope_mismatch")
    assert bool(flags) is flagged, flags


@pytest.mark.parametrize(
    ("printed", "flagged"),
    [("比上年预算增加增加3.50万元", True), ("城市管理要求越来越来高", True), ("的的确确", False), ("实实在在", False)],
)
def test_a_word_printed_twice(printed: str, flagged: bool) -> None:
    assert bool(check(_with((5, printed)), "hygiene.repeated_word")) is flagged


def test_a_repeat_on_a_tables_page_is_left_to_the_table_rules() -> None:
    ds = dataset(
        documents=[document()],
        document_text=_text([*CLEAN, (5, "行政运行行政运行")]),
        document_tables=[document_table("general_budget_function", page=5)],
    )
    assert check(ds, "hygiene.repeated_word") == []


def _change(page: int, text: str, pct: str) -> dict[str, Any]:
    row = statement(1, "档案管理支出", "1320000", change="220000", change_pct=pct, page=page)
    return {**row, s.LINE: 7, s.SOURCE_TEXT: text}


@pytest.mark.parametrize(
    ("sentences", "pct", "flagged"),
    [
        (["档案管理支出132.00万元，比上年增加22.00万元，增长20.00%。", "其中：本级支出100.00万元。"], "20", True),
        (["档案管理支出132.00万元，比上年增加22.00万元，增长20.00%。", "主要原因是新增档案数字化项目。"], "20", False),
        (["档案管理支出132.00万元，比上年增加1.30万元，增长1.00%。", "其中：本级支出100.00万元。"], "1", False),
    ],
)
def test_a_large_change_needs_a_reason(sentences: list[str], pct: str, flagged: bool) -> None:
    rows = [*CLEAN, *((5, sentence) for sentence in sentences)]
    text = _text(rows)
    ds = dataset(documents=[document()], document_text=text, statements=[_change(5, sentences[0], pct)])
    flags = check(ds, "hygiene.no_reason")
    assert bool(flags) is flagged, flags
    if flagged:
        assert f"{pct}%" in flags[0][s.MESSAGE_ZH] and "原因" in flags[0][s.MESSAGE_ZH]


def test_a_blank_page_inside_the_document_but_not_after_a_table() -> None:
    rows = [(1, "测试市甲区乙局2024年部门预算"), (2, "一、部门主要职责"), (4, "二、说明"), (6, "三、表"), (8, "四、附")]
    ds = dataset(
        documents=[{**document(), s.PAGE_COUNT: 9}],
        document_text=_text(rows),
        document_tables=[document_table("income_summary", page=6)],
    )
    flag = only_flag(ds, "hygiene.blank_page")
    assert [e[s.PAGE] for e in flag[s.EVIDENCE]] == [3, 5]  # page 7 follows a table's page: its spill-over


def test_garbled_glyphs() -> None:
    assert only_flag(_with((5, "乙局负责\ufffd\ufffd管理")), "hygiene.garbled")[s.SEVERITY] == "info"


# --- through the reader: the text of a disclosure the tests write, read with a defect in it -----------------------


def _read(tmp_path: Path, text: str) -> Any:
    path = tmp_path / "disclosure.txt"
    path.write_text(text, encoding="utf-8")
    return read_text_disclosure(path)


def test_the_reader_keeps_every_line_for_the_hygiene_rules(tmp_path: Path) -> None:
    spec = SyntheticDisclosure(short_name="岳麓区档案服务中心", year=2025)
    clean = _read(tmp_path, spec.text())
    assert clean.document_text.height > 20
    assert [f[s.RULE_ID] for f in check(clean, "hygiene.placeholder")] == []
    text = spec.text().replace("一、", "一、XX", 1)
    altered = _read(tmp_path, text)
    flag = only_flag(altered, "hygiene.placeholder")
    assert "XX" in flag[s.MESSAGE_ZH]


def test_the_hygiene_rules_read_the_year_of_the_document() -> None:
    rows = [(1, f"测试市甲区乙局{YEAR + 3}年部门预算"), (2, f"一、{YEAR}年收支预算情况说明")]
    ds = dataset(documents=[document(fiscal_year=YEAR + 3)], document_text=_text(rows))
    assert len(check(ds, "hygiene.stale_year")) == 1
