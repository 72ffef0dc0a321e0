"""narrative.items_vs_tables on datasets the tests build (other names and figures than the corpus): a 科目 the
narrative itemizes against the rows of that name, the defect present and absent."""

from __future__ import annotations

from typing import Any

import pytest

from analytics import schema as s
from tests.test_checks import check, dataset, line, only_flag, statement

RULE = "narrative.items_vs_tables"


def _function_table() -> list[dict[str, Any]]:
    return [
        line("文化旅游体育与传媒支出", "4_120_000", code="207", level=1, row=5),
        line("文化和旅游", "4_120_000", code="20701", level=2, parent="207", row=6),
        line("行政运行", "2_870_000", code="2070101", level=3, parent="20701", row=7),
        line("群众文化", "1_250_000", code="2070109", level=3, parent="20701", row=8),
        line("社会保障和就业支出", "615_000", code="208", level=1, row=9),
        line("行政事业单位养老支出（机关）", "615_000", code="20805", level=2, parent="208", row=10),
        line("行政运行", "999_000", code="2080501", level=3, parent="20805", row=11),  # same 项 name, other 款
    ]


@pytest.mark.parametrize(
    ("subject", "amount", "flagged"),
    [
        ("“文化旅游体育与传媒支出（类）文化和旅游（款）行政运行（项）”", "2_870_000", False),
        ("“文化旅游体育与传媒支出（类）文化和旅游（款）行政运行（项）”", "2_780_000", True),
        ("“文化旅游体育与传媒支出-文化和旅游-群众文化”科目", "1_250_000", False),
        ("“文化旅游体育与传媒支出-文化和旅游-群众文化”科目", "1_520_000", True),
        ("文化旅游体育与传媒（类）支出", "4_120_000", False),
        ("文化旅游体育与传媒（类）支出", "4_210_000", True),
        ("“社会保障和就业支出（类）行政事业单位养老支出（机关）（款）行政运行（项）”", "999_000", False),
        ("“社会保障和就业支出-行政事业单位养老支出(机关)-行政运行”科目", "990_000", True),
        ("档案数字化（项）", "50_000", False),
        # A 类 named bare ("按照支出功能科目划分，社会保障和就业支出 …"), with or without its basis word.
        ("社会保障和就业支出", "615_000", False),
        ("社会保障和就业支出", "651_000", True),
        ("文化旅游体育与传媒支出预算数", "4_210_000", True),
        ("群众文化", "1_520_000", False),  # a bare 项 name: which 款 it belongs to is not said
    ],
)
def test_an_item_against_its_row(subject: str, amount: str, flagged: bool) -> None:
    ds = dataset(lines=_function_table(), statements=[statement(1, subject, amount, page=6)])
    flags = check(ds, RULE)
    assert bool(flags) is flagged, flags
    if flagged:
        flag = flags[0]
        assert flag[s.SEVERITY] == "warning" and "请说明哪一处为准" in flag[s.MESSAGE_ZH]
        assert {e["table_or_part"] for e in flag[s.EVIDENCE]} == {"narrative", "general_budget_function"}


def test_an_item_printed_in_another_table_agrees() -> None:
    lines = [*_function_table(), line("办公费", "167_000", code="30201", level=2, table="operating_costs",
                                      classification="economic", column="operating_costs")]  # fmt: skip
    ds = dataset(lines=lines, statements=[statement(1, "办公费（款）支出", "167_000")])
    assert check(ds, RULE) == []
    wrong = dataset(lines=lines, statements=[statement(1, "办公费（款）支出", "176_000")])
    assert only_flag(wrong, RULE)[s.EXPECTED] == 167_000
