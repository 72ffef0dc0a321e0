"""compare.drilldown: 类 → 款 → 项 on a dataset built here, and on a corpus department read off its pages."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from analytics import compare
from analytics import schema as s
from analytics.compare._drilldown import DRILLDOWN_SCHEMA, drilldown_years
from analytics.errors import QueryError
from analytics.store import Dataset, open_dataset

D = Decimal
ROOT = Path(__file__).resolve().parent.parent

#: 甲局's 支出总表 (合计 column, 元): code, name, 2018, 2019. 201 = Σ 款 in 2018 but prints 10,000 more than its
#: 款 in 2019; 210 was renamed nationally in 2019 (医疗卫生与计划生育支出 → 卫生健康支出): not compared; 205 is new.
FIGURES = (
    ("201", "一般公共服务支出", "600000", "700000"),
    ("20101", "人大事务", "400000", "450000"),
    ("2010101", "行政运行", "250000", "300000"),
    ("2010102", "一般行政管理事务", "150000", "150000"),
    ("20103", "政府办公厅(室)及相关机构事务", "200000", "240000"),
    ("2010301", "行政运行", "200000", "240000"),
    ("205", "教育支出", None, "100000"),
    ("210", ("医疗卫生与计划生育支出", "卫生健康支出"), "400000", "500000"),
    ("21011", "行政事业单位医疗", "400000", "500000"),
    ("2101101", "行政单位医疗", "400000", "500000"),
)
TOTALS = {2018: "1000000", 2019: "1300000"}


def _documents(*rows: tuple[str, str, int, str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                s.DOC_ID: doc,
                s.SOURCE_NAME: f"{doc}.pdf",
                s.SOURCE_FORMAT: "pdf",
                s.DEPARTMENT_ID: department,
                s.DEPARTMENT: department,
                s.FISCAL_YEAR: year,
                s.PHASE: phase,
                s.SCOPE: scope,
                s.DISCLOSURE_ID: doc,
            }
            for doc, department, year, phase, scope in rows
        ],
        schema=s.TABLES[s.DOCUMENTS].schema,
        orient="row",
    )


def _line(  # noqa: PLR0917 - a table row, column by column
    doc: str,
    department: str,
    year: int,
    code: str | None,
    name: str,
    amount: str,
    *,
    table: str = "expenditure_summary",
    classification: str = "function",
    column: str = "total",
    phase: str = "budget",
    line: int = 1,
) -> dict[str, object]:
    return {
        s.DOC_ID: doc,
        s.DEPARTMENT_ID: department,
        s.FISCAL_YEAR: year,
        s.AS_OF_YEAR: year,
        s.PHASE: phase,
        s.TABLE: table,
        s.SIDE: "expenditure",
        s.CLASSIFICATION: classification if code else "total",
        s.CODE: code,
        s.NAME: name,
        s.LEVEL: {3: 1, 5: 2, 7: 3}[len(code)] if code else None,
        s.PARENT_CODE: None,  # the code says it: the drill-down must not need the reader's parent
        s.COLUMN: column,
        s.AMOUNT_BASIS: "initial_budget" if column == "initial_budget" else s.default_basis(phase),
        s.AMOUNT_YUAN: D(amount),
        s.VERIFICATION: "unverified",
        s.PAGE: 7,
        s.LINE: line,
        s.SOURCE_TEXT: f"{code or ''} {name} {amount}",
    }


def _lines(rows: list[dict[str, object]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=s.TABLES[s.LINES].schema, orient="row")


def _jia_lines() -> list[dict[str, object]]:
    rows = []
    for k, (year, doc) in enumerate(((2018, "j18"), (2019, "j19"))):
        rows.append(_line(doc, "甲局", year, None, "合计", TOTALS[year], line=1))
        for n, (code, name, *amounts) in enumerate(FIGURES):
            amount = amounts[k]
            if amount is None:
                continue
            printed = name if isinstance(name, str) else name[k]
            rows.append(_line(doc, "甲局", year, code, printed, amount, line=n + 2))
            # The 基本支出 column of the same row is no figure of the drill-down.
            rows.append(_line(doc, "甲局", year, code, printed, "1", column="basic", line=n + 2))
    # The 一般公共预算支出表 of 2019 prints other figures: the 支出总表 is the more authoritative table.
    rows.append(_line("j19", "甲局", 2019, "201", "一般公共服务支出", "1", table="general_budget_function"))
    # A 单位 disclosure of 2019 with its own figures: the department's disclosure wins.
    rows.append(_line("j19u", "甲局", 2019, "201", "一般公共服务支出", "2"))
    return rows


@pytest.fixture(scope="module")
def ds() -> Dataset:
    documents = _documents(
        ("j18", "甲局", 2018, "budget", "department"),
        ("j19", "甲局", 2019, "budget", "department"),
        ("j19u", "甲局", 2019, "budget", "unit"),
    )
    return Dataset.from_tables({s.DOCUMENTS: documents, s.LINES: _lines(_jia_lines())})


def test_classes_with_change_share_and_identity(ds: Dataset) -> None:
    classes = compare.drilldown(ds, "甲局")  # the latest year: 2019
    assert classes.schema == DRILLDOWN_SCHEMA
    rows = {row["code"]: row for row in classes.iter_rows(named=True)}
    assert list(rows) == ["201", "205", "210"]
    general = rows["201"]
    assert general["fiscal_year"] == 2019 and general["previous_year"] == 2018
    assert (general["amount_yuan"], general["previous_yuan"], general["change_yuan"]) == (
        D("700000.00"),
        D("600000.00"),
        D("100000.00"),
    )
    assert general["change_pct"] == pytest.approx(100 / 6)
    assert general["share"] == pytest.approx(700_000 / 1_300_000)  # of the printed 合计
    # 201 prints 700,000; its 款 add up to 450,000 + 240,000.
    assert general["has_children"] is True
    assert (general["children_sum_yuan"], general["identity_difference_yuan"]) == (D("690000.00"), D("10000.00"))
    assert general["identity"] == "broken" and general["comparison"] == "compared"
    assert (general["doc_id"], general["source_name"], general["table"], general["page"], general["line"]) == (
        "j19",
        "j19.pdf",
        "expenditure_summary",
        7,
        2,
    )
    education = rows["205"]
    assert (education["comparison"], education["previous_yuan"], education["change_yuan"]) == ("new", None, None)
    assert (education["has_children"], education["identity"]) == (False, "no_children")
    health = rows["210"]
    assert (health["name"], health["identity"]) == ("卫生健康支出", "holds")
    # Renamed nationally between the years: a new meaning, not compared.
    assert (health["comparison"], health["code_change"]) == ("code_changed", "renamed")
    assert (health["previous_yuan"], health["change_yuan"], health["change_pct"]) == (None, None, None)


def test_sections_and_items_of_a_class(ds: Dataset) -> None:
    sections = compare.drilldown(ds, "甲局", year=2019, parent="201")
    assert sections.select("code", "level", "parent_code", "amount_yuan", "change_yuan", "identity").rows() == [
        ("20101", 2, "201", D("450000.00"), D("50000.00"), "holds"),
        ("20103", 2, "201", D("240000.00"), D("40000.00"), "holds"),
    ]
    # A share of the 类's printed amount, not of the sum of its 款.
    assert sections.get_column("share").to_list() == pytest.approx([450 / 700, 240 / 700])
    assert sections.get_column("change_pct").to_list() == pytest.approx([12.5, 20.0])
    items = compare.drilldown(ds, "甲局", year=2019, parent="20101")
    assert items.select("code", "name", "level", "change_pct", "has_children", "identity").rows() == [
        ("2010101", "行政运行", 3, pytest.approx(20.0), False, "no_children"),
        ("2010102", "一般行政管理事务", 3, 0.0, False, "no_children"),
    ]
    # An item has nothing below it.
    with pytest.raises(QueryError, match="not a 类"):
        compare.drilldown(ds, "甲局", year=2019, parent="2010101")


def test_first_year_has_nothing_to_compare_with(ds: Dataset) -> None:
    classes = compare.drilldown(ds, "甲局", year=2018)
    assert classes.get_column("code").to_list() == ["201", "210"]
    assert set(classes.get_column("comparison")) == {"no_prior_year"}
    assert classes.get_column("previous_year").is_null().all()
    assert classes.get_column("identity").to_list() == ["holds", "holds"]  # 2018's 201 = 400,000 + 200,000
    assert classes.get_column("share").to_list() == pytest.approx([0.6, 0.4])


def test_a_year_without_figures_and_a_class_without_sections_are_empty(ds: Dataset) -> None:
    assert compare.drilldown(ds, "甲局", year=2020).is_empty()
    assert compare.drilldown(ds, "甲局", year=2019, parent="205").is_empty()
    assert compare.drilldown(ds, "甲局", classification="economic").schema == DRILLDOWN_SCHEMA


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"classification": "source"}, "unknown classification 'source'"),
        ({"phase": "draft"}, "unknown phase 'draft'"),
        ({"department_id": "乙局"}, "no document of department '乙局'"),
        ({"parent": "2o1"}, "not a 类 .* or 款"),
        ({"parent": "209"}, "prints no function code 209 in 2019 .*201, 205, 210"),
    ],
)
def test_bad_questions_are_named(ds: Dataset, arguments: dict[str, str], message: str) -> None:
    call = {"department_id": "甲局", **arguments}
    department = call.pop("department_id")
    with pytest.raises(QueryError, match=message):
        compare.drilldown(ds, department, **call)  # type: ignore[arg-type]


def test_a_code_the_department_gives_another_meaning_is_not_compared() -> None:
    lines = [
        _line("y18", "乙局", 2018, None, "合计", "500"),
        _line("y18", "乙局", 2018, "201", "一般公共服务支出", "500"),
        _line("y18", "乙局", 2018, "20199", "其他一般公共服务支出", "500"),
        _line("y19", "乙局", 2019, None, "合计", "800"),
        _line("y19", "乙局", 2019, "201", "一般公共服务支出", "800"),
        # The same code printed for something unrelated: the crosswalk's code_reused.
        _line("y19", "乙局", 2019, "20199", "档案馆运行", "800"),
    ]
    documents = _documents(("y18", "乙局", 2018, "budget", "department"), ("y19", "乙局", 2019, "budget", "department"))
    ds = Dataset.from_tables({s.DOCUMENTS: documents, s.LINES: _lines(lines)})
    assert compare.drilldown(ds, "乙局").select("code", "comparison", "change_yuan").rows() == [
        ("201", "compared", D("300.00"))
    ]
    assert compare.drilldown(ds, "乙局", parent="201").select("code", "comparison", "code_change").rows() == [
        ("20199", "code_changed", "code_reused")
    ]


def test_economic_classification_and_final_accounts() -> None:
    def economic(doc: str, code: str | None, name: str, amount: str, **kwargs: str) -> dict[str, object]:
        return _line(
            doc, "丙局", 2023, code, name, amount, table="general_budget_basic_economic", classification="economic",
            **kwargs,
        )  # fmt: skip

    lines = [
        economic("f", None, "合计", "300", phase="final"),
        economic("f", "301", "工资福利支出", "300", phase="final"),
        economic("f", "30101", "基本工资", "200", phase="final"),
        # A final account's 年初预算 column beside its 决算数: never the figure of the drill-down.
        economic("f", "301", "工资福利支出", "999", phase="final", column="initial_budget"),
        economic("b", "301", "工资福利支出", "280"),
    ]
    documents = _documents(("f", "丙局", 2023, "final", "department"), ("b", "丙局", 2023, "budget", "department"))
    ds = Dataset.from_tables({s.DOCUMENTS: documents, s.LINES: _lines(lines)})
    final = compare.drilldown(ds, "丙局", classification="economic", phase="final")
    assert final.select("code", "phase", "amount_yuan", "children_sum_yuan", "identity").rows() == [
        ("301", "final", D("300.00"), D("200.00"), "broken")
    ]
    budget = compare.drilldown(ds, "丙局", classification="economic")
    assert budget.select("code", "amount_yuan", "identity", "share").rows() == [
        ("301", D("280.00"), "no_children", 1.0)  # no 合计 printed: the 类 are the whole
    ]
    assert drilldown_years(ds, classification="economic", phase="final").rows() == [("丙局", 2023)]
    assert drilldown_years(ds, classification="function", phase="final").is_empty()


# 江苏省人民检察院, 2018 部门预算 (datasets/raw/js_procuratorate_2018_dept_budget.pdf), 公开07表 一般公共预算支出
# 预算表, pp. 17-18, read with ``pdftotext -layout``: 合计 21,940.96 万元. The 2017 budget's 一般公共预算支出预算表
# (js_procuratorate_2017_dept_budget.pdf, p. 14) prints 合计 17,981.68.
PROCURATORATE_CLASSES = [
    ("204", "公共安全支出", D("16444.36"), D("13641.34")),
    ("208", "社会保障和就业支出", D("1836.22"), D("2021.18")),
    ("221", "住房保障支出", D("3660.38"), D("2319.16")),
]
PROCURATORATE_TOTAL = D("21940.96")
WAN = D(10000)


def test_a_corpus_department_as_its_pages_print_it() -> None:
    ds = open_dataset(ROOT / "datasets" / "normalized")
    classes = compare.drilldown(ds, "江苏省人民检察院", year=2018)
    assert classes.select("code", "name", "amount_yuan", "previous_yuan").rows() == [
        (code, name, now * WAN, before * WAN) for code, name, now, before in PROCURATORATE_CLASSES
    ]
    assert classes.get_column("share").to_list() == pytest.approx(
        [float(now / PROCURATORATE_TOTAL) for _, _, now, _ in PROCURATORATE_CLASSES]
    )
    assert set(classes.get_column("identity")) == {"holds"}
    assert set(classes.get_column("page")) <= {17, 18}
    # 208's 款 20805 行政事业单位离退休 = 371.92 + 1,045.93 + 418.37 (its 项).
    pensions = compare.drilldown(ds, "江苏省人民检察院", year=2018, parent="208")
    assert pensions.select("code", "amount_yuan", "children_sum_yuan", "identity").rows() == [
        ("20805", D("1836.22") * WAN, D("1836.22") * WAN, "holds")
    ]
    # 2040405 公诉和审判监督 (150.00 in 2017) became 公诉、审判、侦查、执行等检察监督支出 (1,895.00): widened.
    items = compare.drilldown(ds, "江苏省人民检察院", year=2018, parent="20404")
    assert items.select("code", "amount_yuan", "previous_yuan", "comparison", "code_change").rows() == [
        ("2040401", D("10883.36") * WAN, D("7968.14") * WAN, "compared", None),
        ("2040402", D("3666.00") * WAN, D("3644.20") * WAN, "compared", None),
        ("2040405", D("1895.00") * WAN, None, "code_changed", "widened"),
    ]
