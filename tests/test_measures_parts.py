"""The measures of the 三公 parts, 机关运行经费, 财政拨款 and 一般公共预算 totals: from the tables of the national
forms, from a narrative's ordinary wordings where a table leaves them out, and from the 三公 identities — on small
disclosures the tests build (测试区 departments and figures of their own)."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest

from analytics import compare
from analytics import schema as s
from analytics.compare import _columns as c
from analytics.store import Dataset

D = Decimal
DEPT = "测试区戊局"
YEAR = 2031
THREE_PUBLIC = "three_public_and_operation"


def _documents(doc: str, phase: str = "budget") -> pl.DataFrame:
    row = {
        s.DOC_ID: doc,
        s.SOURCE_NAME: f"{doc}.pdf",
        s.SOURCE_FORMAT: "pdf",
        s.DEPARTMENT_ID: DEPT,
        s.DEPARTMENT: DEPT,
        s.FISCAL_YEAR: YEAR,
        s.PHASE: phase,
        s.SCOPE: "department",
        s.DISCLOSURE_ID: doc,
    }
    return pl.DataFrame([row], schema=s.TABLES[s.DOCUMENTS].schema, orient="row")


def _line(  # noqa: PLR0917 - a table cell, column by column
    table: str,
    side: str,
    classification: str,
    name: str,
    column: str,
    amount: str,
    *,
    doc: str = "d",
    phase: str = "budget",
    basis: str | None = None,
) -> dict[str, object]:
    return {
        s.DOC_ID: doc,
        s.DEPARTMENT_ID: DEPT,
        s.FISCAL_YEAR: YEAR,
        s.AS_OF_YEAR: YEAR,
        s.PHASE: phase,
        s.TABLE: table,
        s.SIDE: side,
        s.CLASSIFICATION: classification,
        s.NAME: name,
        s.COLUMN: column,
        s.AMOUNT_BASIS: basis or s.default_basis(phase),
        s.AMOUNT_YUAN: D(amount),
        s.VERIFICATION: "unverified",
        s.LINE: 1,
        s.SOURCE_TEXT: name,
    }


def _three_public(column: str, amount: str, **kwargs: object) -> dict[str, object]:
    return _line(THREE_PUBLIC, "expenditure", "total", "合计", column, amount, **kwargs)  # type: ignore[arg-type]


def _statement(
    seq: int, subject: str, amount: str, sentence: str | None = None, *, doc: str = "d"
) -> dict[str, object]:
    return {
        s.DOC_ID: doc,
        s.SEQ: seq,
        s.DEPARTMENT_ID: DEPT,
        s.FISCAL_YEAR: YEAR,
        s.SUBJECT: subject,
        s.AMOUNT_YUAN: D(amount),
        s.LINE: seq,
        s.SOURCE_TEXT: sentence or f"{subject}{amount}元。",
    }


def _dataset(
    lines: list[dict[str, object]] = (),  # type: ignore[assignment]
    statements: list[dict[str, object]] = (),  # type: ignore[assignment]
    phase: str = "budget",
) -> Dataset:
    return Dataset.from_tables(
        {
            s.LINES: pl.DataFrame(list(lines), schema=s.TABLES[s.LINES].schema, orient="row"),
            s.STATEMENTS: pl.DataFrame(list(statements), schema=s.TABLES[s.STATEMENTS].schema, orient="row"),
            s.DOCUMENTS: _documents("d", phase),
            s.DEPARTMENTS: pl.DataFrame([], schema=s.TABLES[s.DEPARTMENTS].schema),
        }
    )


def _shown(ds: Dataset, *, phase: str = "budget", basis: str | None = None) -> dict[str, tuple[Decimal, str]]:
    """measure → (amount, stated_in) of the disclosure's one department-year."""
    frame = compare.measures(ds, phase=phase, basis=basis)
    assert frame.select(c.MEASURE).is_duplicated().sum() == 0
    return {r[c.MEASURE]: (r[s.AMOUNT_YUAN], r[c.STATED_IN]) for r in frame.iter_rows(named=True)}


# ---- tables of the national forms ---------------------------------------------------------------------------------


def test_three_public_parts_come_from_the_total_row_of_the_three_public_table() -> None:
    ds = _dataset(
        [
            _three_public("total", "912000"),
            _three_public("three_public_total", "370000"),
            _three_public("overseas_travel", "50000"),
            _three_public("vehicles", "200000"),
            _three_public("vehicle_purchase", "80000"),
            _three_public("vehicle_operation", "120000"),
            _three_public("reception", "120000"),
            _three_public("meetings", "342000"),
            _three_public("training", "200000"),
            _three_public("operating_costs", "1234500"),
        ]
    )
    shown = _shown(ds)
    assert {m: v for m, (v, _) in shown.items()} == {
        "three_public": D("370000"),
        "overseas_travel": D("50000"),
        "vehicles": D("200000"),
        "vehicle_purchase": D("80000"),
        "vehicle_operation": D("120000"),
        "reception": D("120000"),
        "operating_costs": D("1234500"),
    }
    assert {source for _, source in shown.values()} == {"table"}


def test_operating_costs_of_a_table_whose_one_column_is_headed_operating_costs() -> None:
    """公开11表 一般公共预算机关运行经费支出预算表: one amount column, 机关运行经费支出."""
    ds = _dataset(
        [
            _line("operating_costs", "expenditure", "total", "合计", "operating_costs", "765400"),
            _line("operating_costs", "expenditure", "economic", "商品和服务支出", "operating_costs", "765400"),
            _line("operating_costs", "expenditure", "economic", "办公费", "column_1", "65400"),
        ]
    )
    assert _shown(ds)["operating_costs"] == (D("765400"), "table")


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # 财政拨款收支总表: 收入总计 in its 预算数 column, or in the one column under the 财政拨款收入 heading.
        ([("fiscal_appropriation_summary", "income", "total", "收入总计", "total", "4321000")], "4321000"),
        (
            [("fiscal_appropriation_summary", "income", "total", "收入总计", "fiscal_appropriation", "4321000")],
            "4321000",
        ),
        # The 总体资金情况 form: the 财政拨款 row among its 收入构成 sources (a wrapped name keeps its spaces).
        (
            [
                ("performance_fund_composition", "income", "source", "财政 拨款", "total", "4300000"),
                ("performance_fund_composition", "income", "source", "单位资金", "total", "21000"),
                ("performance_fund_composition", "income", "total", "合计", "total", "4321000"),
            ],
            "4300000",
        ),
        # The summary's total wins over the composition's row.
        (
            [
                ("fiscal_appropriation_summary", "income", "total", "收入总计", "total", "4321000"),
                ("performance_fund_composition", "income", "source", "财政拨款", "total", "4300000"),
            ],
            "4321000",
        ),
    ],
)
def test_fiscal_appropriation_total(lines: list[tuple[str, ...]], expected: str) -> None:
    ds = _dataset([_line(*row) for row in lines])
    assert _shown(ds)["fiscal_appropriation_total"] == (D(expected), "table")


def test_general_budget_total_is_the_total_of_the_general_budget_function_table() -> None:
    ds = _dataset([_line("general_budget_function", "expenditure", "total", "合计", "total", "2468000")])
    assert _shown(ds)["general_budget_total"] == (D("2468000"), "table")


def test_the_years_own_totals_are_the_summarys_subtotals_above_its_grand_totals() -> None:
    """收支总表: 本年收入合计 + 上年结转 = 收入总计; the year's own totals are shown apart from the grand totals."""
    summary = "income_expenditure_summary"
    ds = _dataset(
        [
            _line(summary, "income", "source", "一般公共预算拨款收入", "total", "900000"),
            _line(summary, "income", "subtotal", "本年收入合计", "total", "900000"),
            _line(summary, "income", "source", "上年结转", "total", "60000"),
            _line(summary, "income", "total", "收入总计", "total", "960000"),
            _line(summary, "expenditure", "subtotal", "当年支出小计", "total", "940000"),
            _line(summary, "expenditure", "total", "支出总计", "total", "960000"),
        ]
    )
    shown = _shown(ds)
    assert shown["income_total"] == (D("960000"), "table")
    assert shown["income_year_total"] == (D("900000"), "table")
    assert shown["expenditure_total"] == (D("960000"), "table")
    assert shown["expenditure_year_total"] == (D("940000"), "table")


def test_a_summary_without_a_grand_total_apart_shows_no_years_own_total() -> None:
    summary = "income_expenditure_summary"
    ds = _dataset([_line(summary, "income", "total", "收入总计", "total", "960000")])
    assert "income_year_total" not in _shown(ds)


# ---- the narrative where a table leaves a figure out ---------------------------------------------------------------


def test_a_blank_cell_is_shown_as_the_narratives_figure_and_a_printed_cell_wins() -> None:
    ds = _dataset(
        [_three_public("vehicles", "150000"), _three_public("vehicle_operation", "150000")],
        [
            _statement(1, "公务用车购置预算支出", "0"),
            _statement(2, "公务用车运行维护费预算支出", "149999"),
        ],
    )
    shown = _shown(ds)
    assert shown["vehicle_purchase"] == (D("0"), "narrative")
    assert shown["vehicle_operation"] == (D("150000"), "table")


@pytest.mark.parametrize(
    ("subject", "measure"),
    [
        ("“三公”经费预算数", "three_public"),
        ("“三公”经费财政拨款支出", "three_public"),
        ("因公出国（境）费用预算支出", "overseas_travel"),
        ("因公出国(境)费", "overseas_travel"),
        ("公务用车购置及运行费预算支出", "vehicles"),
        ("公务车购置及运行维护费", "vehicles"),
        ("公务用车购置预算支出数", "vehicle_purchase"),
        ("公务用车购置费", "vehicle_purchase"),
        ("公务用车运行维护费预算支出", "vehicle_operation"),
        ("公务车用车运行费", "vehicle_operation"),
        ("公务接待费预算支出", "reception"),
        ("本部门一般公共预算机关运行经费预算支出", "operating_costs"),
        ("测试区戊局财政拨款的机关运行经费预算", "operating_costs"),
        ("一般公共预算财政拨款运行经费", "operating_costs"),
        ("一般公共预算财政拨款支出预算", "general_budget_total"),
        ("一般公共预算拨款支出预算", "general_budget_total"),
        ("财政拨款收支总预算", "fiscal_appropriation_total"),
        ("财政拨款收、支总预算", "fiscal_appropriation_total"),
        ("财政拨款收入预算总计", "fiscal_appropriation_total"),
        ("收入预算总计", "income_total"),
        ("部门支出预算", "expenditure_total"),
        ("基本支出预算数", "basic"),
        ("测试区戊局本年收入预算合计", "income_year_total"),
        # A narrative's 本年支出合计 is also the 支出合计 a disclosure without tables shows.
        ("本年支出合计", "expenditure_year_total expenditure_total"),
    ],
)
def test_narrative_wordings_of_a_budget(subject: str, measure: str) -> None:
    shown = _shown(_dataset(statements=[_statement(1, subject, "86420")]))
    assert shown == dict.fromkeys(measure.split(), (D("86420"), "narrative"))


@pytest.mark.parametrize(
    "subject",
    [
        "公务用车运行维护费（款）支出",  # a 科目 of the 机关运行经费 itemization, not the 三公 part
        "一般公共预算财政拨款基本支出预算",  # the 一般公共预算's 基本支出, not all funds'
        "公务用车购置及运行费以外",
        "政府采购支出预算总额",
    ],
)
def test_narrative_subjects_that_are_no_measure(subject: str) -> None:
    assert _shown(_dataset(statements=[_statement(1, subject, "86420")])) == {}


def test_a_budget_narrative_never_takes_one_subject_for_another() -> None:
    """收入预算 X，支出预算 Y: two totals of one basis, not one subject paired with another basis."""
    sentence = "2031年收入预算500万元，支出预算480万元。"
    ds = _dataset(
        statements=[_statement(1, "收入预算", "5000000", sentence), _statement(2, "支出预算", "4800000", sentence)]
    )
    shown = _shown(ds)
    assert shown["income_total"] == (D("5000000"), "narrative")
    assert shown["expenditure_total"] == (D("4800000"), "narrative")


# ---- a final account's narrative: the basis of each figure ----------------------------------------------------------


def _final_narrative() -> Dataset:
    three_public = "“三公”经费财政拨款支出年初预算为6.40万元，支出决算为5.10万元，其中：因公出国（境）费决算为0万元"
    general = "（三）一般公共预算财政拨款支出决算具体情况一般公共预算财政拨款支出年初预算为800万元，支出决算为790万元。"
    item = "年初预算为 30 万元，支出决算为 29 万元。"
    statements = [
        _statement(1, "一般公共预算财政拨款支出决算具体情况一般公共预算财政拨款支出年初预算", "8000000", general),
        _statement(2, "支出决算", "7900000", general),
        _statement(3, "年初预算", "300000", item),
        _statement(4, "支出决算", "290000", item),
        _statement(5, "“三公”经费财政拨款支出年初预算", "64000", three_public),
        _statement(6, "支出决算", "51000", three_public),
        _statement(7, "因公出国（境）费决算", "0", three_public),
        _statement(8, "机关运行经费支出", "456700"),
        _statement(9, "公务接待费支出决算", "51000"),
        _statement(10, "公务用车购置及运行维护费支出决算", "0"),
    ]
    return _dataset(statements=statements, phase="final")


def test_a_final_accounts_narrative_states_its_actual_and_its_initial_budget() -> None:
    ds = _final_narrative()
    actual = _shown(ds, phase="final")
    assert {m: v for m, (v, _) in actual.items()} == {
        # “支出决算” after “…支出年初预算为…” is the 决算数 of the same subject; an item's pair names none.
        "general_budget_total": D("7900000"),
        "three_public": D("51000"),
        "overseas_travel": D("0"),
        "operating_costs": D("456700"),
        "reception": D("51000"),
        "vehicles": D("0"),
    }
    initial = _shown(ds, phase="final", basis="initial_budget")
    assert initial == {"general_budget_total": (D("8000000"), "narrative"), "three_public": (D("64000"), "narrative")}
    assert _shown(ds, phase="final", basis="adjusted_budget") == {}


def test_a_funds_name_is_no_basis() -> None:
    """一般公共预算 names a fund: a final account's 一般公共预算财政拨款支出 is its 决算数, not a 预算."""
    ds = _dataset(statements=[_statement(1, "一般公共预算财政拨款支出", "7900000")], phase="final")
    assert _shown(ds, phase="final") == {"general_budget_total": (D("7900000"), "narrative")}
    assert _shown(ds, phase="final", basis="initial_budget") == {}


def test_a_final_accounts_paired_three_public_table_keeps_its_bases_apart() -> None:
    lines = [
        _three_public(column, amount, phase="final", basis=basis)
        for basis, figures in (
            ("initial_budget", {"three_public_total": "64000", "overseas_travel": "0", "reception": "64000"}),
            ("actual", {"three_public_total": "51000", "overseas_travel": "0", "reception": "51000"}),
        )
        for column, amount in figures.items()
    ]
    ds = _dataset(lines, phase="final")
    assert _shown(ds, phase="final")["reception"] == (D("51000"), "table")
    assert _shown(ds, phase="final", basis="initial_budget")["reception"] == (D("64000"), "table")


# ---- the 三公 identities ---------------------------------------------------------------------------------------------


def test_the_one_part_a_narrative_lost_the_label_of_is_the_total_less_the_others() -> None:
    """“三公”经费预算 300 万元，其中：因公出国(境)费用 20 万元，……严控 45 万元（its 公务接待费 label lost），……车运行
    维护费 235 万元；公务用车购置费 0 万元."""
    statements = [
        _statement(1, "“三公”经费预算", "3000000"),
        _statement(2, "因公出国(境)费用", "200000"),
        _statement(3, "严控", "450000"),
        _statement(4, "严格车运行维护费", "2350000"),
        _statement(5, "公务用车购置费", "0"),
    ]
    shown = _shown(_dataset(statements=statements))
    assert shown["vehicles"] == (D("2350000"), "derived")
    assert shown["reception"] == (D("450000"), "derived")
    assert shown["three_public"] == (D("3000000"), "narrative")


def test_the_three_public_total_is_the_sum_of_its_stated_parts() -> None:
    statements = [
        _statement(1, "因公出国（境）费", "10000"),
        _statement(2, "公务用车购置及运行费", "20000"),
        _statement(3, "公务接待费", "30000"),
    ]
    assert _shown(_dataset(statements=statements))["three_public"] == (D("60000"), "derived")


@pytest.mark.parametrize(
    "statements",
    [
        # Two parts not stated: nothing determines either.
        [("“三公”经费预算", "3000000"), ("因公出国(境)费用", "200000")],
        # The parts exceed the total: the figures disagree, no part is made up.
        [("“三公”经费预算", "3000000"), ("因公出国(境)费用", "200000"), ("公务接待费", "3100000")],
    ],
)
def test_no_part_is_derived_where_the_figures_do_not_determine_it(statements: list[tuple[str, str]]) -> None:
    shown = _shown(_dataset(statements=[_statement(i, *row) for i, row in enumerate(statements)]))
    assert {m for m, (_, source) in shown.items() if source == "derived"} == set()


def test_a_vehicle_part_is_never_derived_from_the_vehicles_figure() -> None:
    """A blank 购置费 cell beside 小计 = 运行维护费 is left out, never shown as 0."""
    ds = _dataset([_three_public("vehicles", "150000"), _three_public("vehicle_operation", "150000")])
    assert "vehicle_purchase" not in _shown(ds)
