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
    verification: str = "unverified",
    verified_by: str | None = None,
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
        s.VERIFICATION: verification,
        s.VERIFIED_BY: verified_by,
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


# ---- how far each figure's reading is confirmed ----------------------------------------------------------------------

SUM_DOWN = "合计 = 各类科目之和"
SUBTOTAL_FAILS = "不符：“三公”经费小计 = 因公出国(境)费 + 公务用车购置及运行费 + 公务接待费"


def _checked(ds: Dataset, *, phase: str = "budget") -> dict[str, tuple[str, str, str | None]]:
    """measure → (stated_in, verification, verified_by) of the disclosure's one department-year."""
    frame = compare.measures(ds, phase=phase)
    return {r[c.MEASURE]: (r[c.STATED_IN], r[s.VERIFICATION], r[s.VERIFIED_BY]) for r in frame.iter_rows(named=True)}


def test_a_table_figure_carries_the_verification_of_its_line() -> None:
    summary = "income_expenditure_summary"
    ds = _dataset(
        [
            _line(summary, "income", "total", "收入总计", "total", "960000", verification="verified",
                  verified_by="收入总计 = 支出总计"),
            _line(summary, "expenditure", "total", "支出总计", "total", "950000", verification="contradicted",
                  verified_by="不符：收入总计 = 支出总计"),
            _line("expenditure_summary", "expenditure", "total", "合计", "basic", "700000"),
        ]
    )  # fmt: skip
    checked = _checked(ds)
    assert checked["income_total"] == ("table", "verified", "收入总计 = 支出总计")
    assert checked["expenditure_total"] == ("table", "contradicted", "不符：收入总计 = 支出总计")
    assert checked["basic"] == ("table", "unverified", None)


@pytest.mark.parametrize(
    ("verifications", "expected"),
    [
        (("verified", "verified", "verified"), ("verified", SUM_DOWN)),
        (("verified", "unverified", "verified"), ("unverified", None)),
        # The doubt of one part is the sum's, with the reason of that part only.
        (("verified", "contradicted", "unverified"), ("contradicted", SUBTOTAL_FAILS)),
    ],
)
def test_a_three_public_total_added_from_its_parts_is_as_verified_as_the_weakest(
    verifications: tuple[str, str, str], expected: tuple[str, str | None]
) -> None:
    """A 三公 table that prints no 小计: the 三公经费 is 出国 + 公务用车 + 接待 of its 合计 row."""
    reasons = {"verified": SUM_DOWN, "unverified": None, "contradicted": SUBTOTAL_FAILS}
    parts = zip(("overseas_travel", "vehicles", "reception"), ("40000", "90000", "25000"), verifications, strict=True)
    ds = _dataset(
        [
            _three_public(column, amount, verification=verification, verified_by=reasons[verification])
            for column, amount, verification in parts
        ]
        # The 运行费 beside a printed 公务用车 figure is no part of the sum: its doubt is not the total's.
        + [_three_public("vehicle_operation", "90000", verification="contradicted", verified_by="不符：别的")]
    )
    shown = _checked(ds)
    assert compare.measures(ds).filter(pl.col(c.MEASURE) == "three_public").get_column(s.AMOUNT_YUAN).item() == D(
        "155000"
    )
    assert shown["three_public"] == ("table", *expected)


def test_a_basic_total_added_from_a_composition_table_takes_its_parts_doubt() -> None:
    composition = "performance_fund_composition"
    ds = _dataset(
        [
            _line(composition, "expenditure", "category", "人员类", "total", "500000", verification="verified",
                  verified_by=SUM_DOWN),
            _line(composition, "expenditure", "category", "运转类", "total", "80000", verification="contradicted",
                  verified_by="不符：合计 = 各类科目之和"),
        ]
    )  # fmt: skip
    assert _checked(ds)["basic"] == ("table", "contradicted", "不符：合计 = 各类科目之和")


@pytest.mark.parametrize(
    ("overseas", "expected"),
    [
        ("verified", ("verified", SUM_DOWN)),
        ("unverified", ("unverified", None)),
        ("contradicted", ("contradicted", SUBTOTAL_FAILS)),
    ],
)
def test_a_derived_part_is_as_verified_as_the_weakest_figure_it_is_computed_from(
    overseas: str, expected: tuple[str, str | None]
) -> None:
    """接待 = 三公 − 出国 − 公务用车, the 接待 cell blank."""
    reason = {"verified": SUM_DOWN, "unverified": None, "contradicted": SUBTOTAL_FAILS}[overseas]
    ds = _dataset(
        [
            _three_public("three_public_total", "410000", verification="verified", verified_by=SUM_DOWN),
            _three_public("overseas_travel", "30000", verification=overseas, verified_by=reason),
            _three_public("vehicles", "300000", verification="verified", verified_by=SUM_DOWN),
        ]
    )
    shown = compare.measures(ds).filter(pl.col(c.MEASURE) == "reception")
    assert shown.get_column(s.AMOUNT_YUAN).item() == D("80000")
    assert _checked(ds)["reception"] == ("derived", *expected)
    assert _checked(ds)["vehicles"] == ("table", "verified", SUM_DOWN)


def test_a_vehicles_figure_derived_from_its_two_parts_takes_their_doubt_and_so_does_the_sum() -> None:
    """A 三公 table that prints 购置费 and 运行费 but no 公务用车 小计 and no 三公 小计."""
    ds = _dataset(
        [
            _three_public("overseas_travel", "0", verification="verified", verified_by=SUM_DOWN),
            _three_public("vehicle_purchase", "0", verification="verified", verified_by=SUM_DOWN),
            _three_public("vehicle_operation", "120000", verification="contradicted", verified_by="不符：甲"),
            _three_public("reception", "30000", verification="verified", verified_by=SUM_DOWN),
        ]
    )
    checked = _checked(ds)
    assert checked["vehicles"] == ("derived", "contradicted", "不符：甲")
    assert checked["vehicle_purchase"] == ("table", "verified", SUM_DOWN)
    assert checked["three_public"] == ("table", "contradicted", "不符：甲")


VEHICLES_HOLD = "公务用车购置及运行费 = 购置费 + 运行维护费"
THREE_HOLD = "“三公”经费 = 因公出国(境)费 + 公务用车购置及运行费 + 公务接待费"


def test_a_narrative_figure_nothing_checks_is_unverified() -> None:
    ds = _dataset(statements=[_statement(1, "“三公”经费预算", "3000000"), _statement(2, "因公出国(境)费用", "200000")])
    assert _checked(ds) == {
        "three_public": ("narrative", "unverified", None),
        "overseas_travel": ("narrative", "unverified", None),
    }


def test_narrative_figures_that_add_up_are_verified_by_the_identity_of_the_form() -> None:
    """“三公”经费 28.01 万元：出国 0.6，公务用车 24.50（购置 0，运行 24.50），接待 2.91 — printed to 0.01 万元."""
    statements = [
        _statement(1, "“三公”经费预算", "280100"),
        _statement(2, "因公出国(境)费", "6000"),
        _statement(3, "公务用车购置及运行费", "245000"),
        _statement(4, "公务用车购置费", "0"),
        _statement(5, "公务用车运行维护费", "245000"),
        _statement(6, "公务接待费", "29100"),
        _statement(7, "机关运行经费", "1234500"),
    ]
    checked = _checked(_dataset(statements=statements))
    assert checked["three_public"] == ("narrative", "verified", THREE_HOLD)
    assert checked["vehicles"] == ("narrative", "verified", f"{THREE_HOLD}; {VEHICLES_HOLD}")
    assert checked["vehicle_purchase"] == ("narrative", "verified", VEHICLES_HOLD)
    # No identity of the form has the 机关运行经费 in it.
    assert checked["operating_costs"] == ("narrative", "unverified", None)


@pytest.mark.parametrize(
    ("reception", "verification"),
    [
        # 0.01 万元 off for each of three parts printed to 0.01 万元 is their rounding.
        ("29300", "verified"),
        ("29400", "contradicted"),
    ],
)
def test_a_narratives_three_public_identity_holds_within_its_rounding(reception: str, verification: str) -> None:
    statements = [
        _statement(1, "“三公”经费预算", "280100"),
        _statement(2, "因公出国(境)费", "6100"),
        _statement(3, "公务用车购置及运行费", "245000"),
        _statement(4, "公务接待费", reception),
    ]
    assert _checked(_dataset(statements=statements))["reception"][1] == verification


def test_narrative_figures_whose_identity_fails_are_contradicted_unless_another_confirms_them() -> None:
    """三公 30 ≠ 出国 5 + 公务用车 20 + 接待 4; 公务用车 20 = 购置 0 + 运行 20 holds."""
    statements = [
        _statement(1, "“三公”经费预算", "300000"),
        _statement(2, "因公出国(境)费", "50000"),
        _statement(3, "公务用车购置及运行费", "200000"),
        _statement(4, "公务用车购置费", "0"),
        _statement(5, "公务用车运行维护费", "200000"),
        _statement(6, "公务接待费", "40000"),
    ]
    checked = _checked(_dataset(statements=statements))
    for measure in ("three_public", "overseas_travel", "reception"):
        assert checked[measure] == ("narrative", "contradicted", f"不符：{THREE_HOLD}")
    assert checked["vehicles"] == ("narrative", "verified", VEHICLES_HOLD)
    assert checked["vehicle_operation"] == ("narrative", "verified", VEHICLES_HOLD)


def test_a_narrative_without_the_vehicles_figure_is_checked_through_its_two_parts() -> None:
    statements = [
        _statement(1, "“三公”经费预算", "300000"),
        _statement(2, "因公出国(境)费", "50000"),
        _statement(3, "公务用车购置费", "100000"),
        _statement(4, "公务用车运行维护费", "100000"),
        _statement(5, "公务接待费", "50000"),
    ]
    checked = _checked(_dataset(statements=statements))
    four = "“三公”经费 = 因公出国(境)费 + 公务用车购置费 + 公务用车运行维护费 + 公务接待费"
    assert checked["vehicle_purchase"] == ("narrative", "verified", four)
    # The 公务用车 figure computed from two verified parts is verified by what verified them.
    assert checked["vehicles"] == ("derived", "verified", four)


def test_a_table_figure_keeps_the_readers_verification_beside_a_narratives() -> None:
    """The 三公 table leaves 接待 blank; the narrative's 接待 does not make the table's three add up."""
    ds = _dataset(
        [
            _three_public("three_public_total", "300000", verification="verified", verified_by=SUM_DOWN),
            _three_public("overseas_travel", "50000", verification="unverified"),
            _three_public("vehicles", "200000", verification="verified", verified_by=SUM_DOWN),
        ],
        [_statement(1, "公务接待费", "40000")],
    )
    checked = _checked(ds)
    assert checked["reception"] == ("narrative", "contradicted", f"不符：{THREE_HOLD}")
    assert checked["overseas_travel"] == ("table", "unverified", None)
    assert checked["three_public"] == ("table", "verified", SUM_DOWN)
