"""Budget execution line by line (``compare.execution_by_line``): on disclosures the tests build, with names and
figures of their own, and on the corpus, with figures read off the printed pages."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest

from analytics import compare
from analytics import schema as s
from analytics.ingest._source import SourceDocument
from analytics.ingest.narrative import extract_statements
from analytics.store import Dataset, open_dataset
from tests.disclosures import dataset, frame

DEPT = "jiangbei-water"
YEAR = 2025
FINAL = "jiangbei-2025-final"
BUDGET = "jiangbei-2025-budget"

# 科目 of the final account's 一般公共预算财政拨款支出决算表 (决算数, 元): 行政运行 appears under two 款.
FINAL_LINES = [
    ("213", 1, "农林水支出", "3500000.00"),
    ("21303", 2, "水利", "3500000.00"),
    ("2130301", 3, "行政运行", "2000000.00"),
    ("2130306", 3, "水利工程运行与维护", "1500000.00"),
    ("201", 1, "一般公共服务支出", "300000.00"),
    ("20103", 2, "政府办公厅（室）及相关机构事务", "300000.00"),
    ("2010301", 3, "行政运行", "300000.00"),
]
NARRATIVE = """二、一般公共预算财政拨款支出决算情况说明

1、农林水支出（类）水利（款）行政运行（项）。主要用于：机关运转。年初预算为 210.00 万元，支出决算为200.00万元。
2、农林水支出（类）水利（款）水利工程运行与维护（项）。主要用于：堤防养护。年初预算为120.00万元，支出决算为
151.00万元。决算数大于预算数的主要原因：汛期抢修。
3、一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）行政运行（项）。主要用于：办公。年初预算为
32.00万元，支出决算为30.00万元。
"""


def _lines(doc_id: str, phase: str, basis: str, rows: list[tuple[str, int, str, str]]) -> list[dict[str, object]]:
    return [
        {s.DOC_ID: doc_id, s.DEPARTMENT_ID: DEPT, s.FISCAL_YEAR: YEAR, s.AS_OF_YEAR: YEAR, s.PHASE: phase,
         s.TABLE: "general_budget_function", s.SIDE: "expenditure", s.CLASSIFICATION: "function", s.CODE: code,
         s.NAME: name, s.LEVEL: level, s.COLUMN: "total", s.AMOUNT_BASIS: basis, s.AMOUNT_YUAN: Decimal(amount),
         s.VERIFICATION: "verified", s.PAGE: 4, s.LINE: i + 1, s.SOURCE_TEXT: f"{code} {name}"}
        for i, (code, level, name, amount) in enumerate(rows)
    ]  # fmt: skip


def _document(doc_id: str, phase: str) -> dict[str, object]:
    return {s.DOC_ID: doc_id, s.SOURCE_NAME: f"{doc_id}.txt", s.SOURCE_FORMAT: "text", s.REGION: "宁波市江北区",
            s.DEPARTMENT: "宁波市江北区水利局", s.DEPARTMENT_ID: DEPT, s.FISCAL_YEAR: YEAR, s.PHASE: phase,
            s.SCOPE: "department", s.DISCLOSURE_ID: doc_id, s.PAGE_COUNT: 1}  # fmt: skip


def _final(narrative: str = NARRATIVE, lines: list[tuple[str, int, str, str]] = FINAL_LINES) -> dict[str, pl.DataFrame]:
    doc = SourceDocument.from_text(f"{FINAL}.txt", narrative)
    statements = [
        {**row, s.DOC_ID: FINAL, s.SEQ: i, s.DEPARTMENT_ID: DEPT, s.FISCAL_YEAR: row.get(s.FISCAL_YEAR) or YEAR}
        for i, row in enumerate(extract_statements(doc, year=YEAR), start=1)
    ]
    text = [
        {s.DOC_ID: FINAL, s.SEQ: i, s.PAGE: None, s.LINE: line.number, s.SOURCE_TEXT: line.text}
        for i, line in enumerate(doc.nonblank(), start=1)
    ]
    return {
        s.DOCUMENTS: frame(s.DOCUMENTS, [_document(FINAL, "final")]),
        s.LINES: frame(s.LINES, _lines(FINAL, "final", "actual", lines)),
        s.STATEMENTS: frame(s.STATEMENTS, statements),
        s.DOCUMENT_TEXT: frame(s.DOCUMENT_TEXT, text),
    }


def _budget(rows: list[tuple[str, int, str, str]]) -> dict[str, pl.DataFrame]:
    return {
        s.DOCUMENTS: frame(s.DOCUMENTS, [_document(BUDGET, "budget")]),
        s.LINES: frame(s.LINES, _lines(BUDGET, "budget", "budget", rows)),
        s.STATEMENTS: frame(s.STATEMENTS, []),
        s.DOCUMENT_TEXT: frame(s.DOCUMENT_TEXT, []),
    }


def _by_code(result: pl.DataFrame, table: str = "general_budget_function") -> dict[str, dict[str, object]]:
    return {row[s.CODE]: row for row in result.filter(pl.col(s.TABLE) == table).iter_rows(named=True)}


def test_each_item_of_the_narrative_gives_its_line_a_budget_and_the_path_tells_same_names_apart() -> None:
    rows = _by_code(compare.execution_by_line(dataset(_final())))
    water, other = rows["2130301"], rows["2010301"]
    assert (water["budget_yuan"], water["final_yuan"]) == (Decimal("2100000.00"), Decimal("2000000.00"))
    assert water["budget_source"] == "final_narrative"
    assert water["execution_pct"] == pytest.approx(200 / 210 * 100)
    assert water["difference_yuan"] == Decimal("-100000.00")
    # The second 行政运行 is the 一般公共服务 one: 32 万元, not the 水利 one's 210.
    assert other["budget_yuan"] == Decimal("320000.00")
    assert rows["2130306"]["budget_yuan"] == Decimal("1200000.00")
    # The narrative's 支出决算 is a second source of the table's 决算数.
    assert water["narrative_agrees"] is True
    assert rows["2130306"]["narrative_agrees"] is False  # 151 万元 said, 150 printed


def test_a_kuan_and_a_lei_take_the_sum_of_their_parts_budgets_marked_so() -> None:
    rows = _by_code(compare.execution_by_line(dataset(_final())))
    assert rows["21303"]["budget_yuan"] == Decimal("3300000.00")  # 210 + 120
    assert rows["21303"]["budget_source"] == "sum_of_parts"
    assert rows["213"]["budget_yuan"] == Decimal("3300000.00")
    assert rows["21303"]["budget_page"] is None


def test_a_line_without_any_budget_keeps_its_actual_and_no_rate() -> None:
    narrative = NARRATIVE.split("2、", maxsplit=1)[0]
    rows = _by_code(compare.execution_by_line(dataset(_final(narrative))))
    assert rows["2130306"]["budget_yuan"] is None and rows["2130306"]["execution_pct"] is None
    assert rows["2130306"]["final_yuan"] == Decimal("1500000.00")
    # Its 款 has a part without a budget: no sum of parts either.
    assert rows["21303"]["budget_yuan"] is None


def test_the_years_budget_document_gives_the_budget_where_the_final_account_states_none_and_is_kept_beside() -> None:
    budget_rows = [("213", 1, "农林水支出", "3400000.00"), ("2130306", 3, "水利工程运行与维护", "1300000.00")]
    narrative = NARRATIVE.split("2、", maxsplit=1)[0]
    rows = _by_code(compare.execution_by_line(dataset(_final(narrative), _budget(budget_rows))))
    assert rows["2130306"]["budget_yuan"] == Decimal("1300000.00")
    assert rows["2130306"]["budget_source"] == "budget_document"
    assert rows["2130306"]["budget_doc_id"] == BUDGET
    # The narrative's 年初预算 wins for its line; the budget document's figure stays beside it where there is one.
    assert rows["2130301"]["budget_source"] == "final_narrative"
    assert rows["213"]["budget_document_yuan"] == Decimal("3400000.00")


def test_no_final_account_no_rows() -> None:
    assert compare.execution_by_line(dataset(_budget(FINAL_LINES))).is_empty()
    assert compare.execution_by_line(Dataset.empty()).is_empty()


@pytest.fixture(scope="module")
def corpus() -> Dataset:
    return open_dataset(None)


def test_corpus_final_account_narrative_items(corpus: Dataset) -> None:
    # putuo_finance_2024_dept_final.pdf p.22: “1、一般公共服务支出（类）财政事务（款）行政运行（项）。…年初预算为
    # 1560.05 万元，支出决算为1511.89万元。” The 决算表 (p.15) prints 2010601 行政运行 1,511.89.
    frame = compare.execution_by_line(corpus.for_department("上海市普陀区财政局"))
    row = _by_code(frame)["2010601"]
    assert (row["budget_yuan"], row["final_yuan"]) == (Decimal("15600500.00"), Decimal("15118900.00"))
    assert (row["budget_source"], row["budget_page"], row["page"]) == ("final_narrative", 22, 15)
    assert row["narrative_agrees"] is True


def test_corpus_budget_and_final_of_one_year(corpus: Dataset) -> None:
    # 西南大学 2023: 2050205 高等教育 181,866.03 万元 in the budget's 财政拨款支出预算表, 186,663.39 in the final
    # account's 财政拨款支出决算表 (its narrative: “3.高等教育（2050205），2023 年度决算数为 186,663.39 万元”).
    frame = compare.execution_by_line(corpus.for_department("西南大学"))
    row = _by_code(frame, "fiscal_appropriation_function")["2050205"]
    assert (row["budget_yuan"], row["final_yuan"]) == (Decimal("1818660300.00"), Decimal("1866633900.00"))
    assert row["budget_source"] == "budget_document"
    assert row["execution_pct"] == pytest.approx(186663.39 / 181866.03 * 100)
