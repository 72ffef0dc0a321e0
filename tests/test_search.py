"""analytics.search on a small dataset built here: folding, several words, each kind, no result, limit."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest

import analytics
from analytics import schema as s
from analytics.errors import QueryError
from analytics.search import KINDS, SEARCH_SCHEMA
from analytics.store import Dataset

D = Decimal
#: A sentence longer than a snippet, with the word looked for in its middle.
LONG = "一" * 30 + "重点保障城市更新专项资金" + "二" * 60


def _frame(table: str, rows: list[dict[str, object]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=s.TABLES[table].schema, orient="row")


def _line(code: str | None, name: str, column: str, amount: str, *, line: int, text: str) -> dict[str, object]:
    return {
        s.DOC_ID: "d24",
        s.DEPARTMENT_ID: "gulou",
        s.FISCAL_YEAR: 2024,
        s.AS_OF_YEAR: 2024,
        s.PHASE: "budget",
        s.TABLE: "general_budget_basic_economic",
        s.SIDE: "expenditure",
        s.CLASSIFICATION: "economic",
        s.CODE: code,
        s.NAME: name,
        s.LEVEL: 2,
        s.COLUMN: column,
        s.AMOUNT_BASIS: "budget",
        s.AMOUNT_YUAN: D(amount),
        s.VERIFICATION: "unverified",
        s.PAGE: 12,
        s.LINE: line,
        s.SOURCE_TEXT: text,
    }


@pytest.fixture(scope="module")
def ds() -> Dataset:
    documents = _frame(
        s.DOCUMENTS,
        [
            {
                s.DOC_ID: doc,
                s.SOURCE_NAME: f"{doc}.pdf",
                s.SOURCE_FORMAT: "pdf",
                s.DEPARTMENT_ID: "gulou",
                s.DEPARTMENT: "鼓楼区档案馆",
                s.FISCAL_YEAR: year,
                s.PHASE: phase,
                s.SCOPE: "department",
                s.DISCLOSURE_ID: doc,
            }
            for doc, year, phase in (("d24", 2024, "budget"), ("f23", 2023, "final"))
        ],
    )
    departments = _frame(
        s.DEPARTMENTS,
        [
            {s.DEPARTMENT_ID: "gulou", s.FISCAL_YEAR: 2023, s.NAME: "鼓楼区档案局", s.DOC_ID: "f23"},
            {s.DEPARTMENT_ID: "gulou", s.FISCAL_YEAR: 2024, s.NAME: "鼓楼区档案馆", s.DOC_ID: "d24"},
        ],
    )
    lines = _frame(
        s.LINES,
        [
            # One printed row, two amount columns: one result, with its 合计.
            _line("30217", "公务接待费", "total", "12345.00", line=3, text="30217 公务 接 待费 1.23 1.23"),
            _line("30217", "公务接待费", "basic", "12345.00", line=3, text="30217 公务 接 待费 1.23 1.23"),
            _line("30216", "培训费", "total", "5000.00", line=4, text="30216 培训费 0.50"),
            *(
                _line(f"3020{i}", f"印刷费{i}", "total", f"{i}00.00", line=10 + i, text=f"印刷费{i}")
                for i in range(1, 6)
            ),
        ],
    )
    projects = _frame(
        s.PROJECTS,
        [
            {
                s.DOC_ID: "d24",
                s.SEQ: 1,
                s.DEPARTMENT_ID: "gulou",
                s.FISCAL_YEAR: 2024,
                s.NAME: "ＰＰＰ档案数字化项目",
                s.CATEGORY: "专项业务类",
                s.TOTAL_BUDGET_YUAN: D("900000.00"),
                s.YEAR_BUDGET_YUAN: D("300000.00"),
                s.PURPOSE: "用于馆藏档案扫描",
                s.PAGE: 20,
                s.LINE: 2,
                s.SOURCE_TEXT: "ＰＰＰ档案数字化项目 90 30",
            }
        ],
    )
    statements = _frame(
        s.STATEMENTS,
        [
            {
                s.DOC_ID: "f23",
                s.SEQ: 1,
                s.DEPARTMENT_ID: "gulou",
                s.FISCAL_YEAR: 2023,
                s.SUBJECT: "项目支出",
                s.AMOUNT_YUAN: D("250000.00"),
                s.PAGE: 5,
                s.LINE: 9,
                s.SOURCE_TEXT: LONG,
            }
        ],
    )
    indicators = _frame(
        s.INDICATORS,
        [
            {
                s.DOC_ID: "d24",
                s.SEQ: 1,
                s.DEPARTMENT_ID: "gulou",
                s.FISCAL_YEAR: 2024,
                s.GOAL_SCOPE: "annual",
                s.LEVEL1: "满意度指标",
                s.LEVEL3: "查档群众满意度",
                s.TARGET_TEXT: "≥95%",
                s.PAGE: 22,
                s.LINE: 7,
                s.SOURCE_TEXT: "满意度指标 服务对象满意度 查档群众满意度 ≥95%",
            }
        ],
    )
    flags = _frame(
        s.FLAGS,
        [
            {
                s.FLAG_ID: "f1", s.SOURCE: "rule", s.RULE_ID: "checks.stale_year", s.FAMILY: "hygiene",
                s.SEVERITY: "warning", s.DEPARTMENT_ID: "gulou", s.FISCAL_YEAR: 2024, s.DOC_ID: "d24",
                s.SUBJECT: "年份", s.MEASURE: "yuan", s.OBSERVED: D("777.0000"),
                s.MESSAGE_ZH: "文中出现往年年份，请核对是否沿用旧稿。",
                s.MESSAGE_EN: "an earlier year appears in the text",
                s.EVIDENCE: [{s.DOC_ID: "d24", "table_or_part": "narrative", s.PAGE: 3, s.LINE: 4, s.SOURCE_TEXT: "x"}],
            },
            {
                s.FLAG_ID: "f2", s.SOURCE: "rule", s.RULE_ID: "targets.weak_indicator", s.FAMILY: "targets",
                s.SEVERITY: "info", s.DEPARTMENT_ID: "gulou", s.FISCAL_YEAR: 2024, s.DOC_ID: "d24",
                s.SUBJECT: "查档群众满意度", s.MEASURE: "count", s.OBSERVED: D("1.0000"),
                s.MESSAGE_ZH: "指标难以考核。", s.MESSAGE_EN: "target is weak",
            },
        ],
    )  # fmt: skip
    return Dataset.from_tables(
        {
            s.DOCUMENTS: documents,
            s.DEPARTMENTS: departments,
            s.LINES: lines,
            s.PROJECTS: projects,
            s.STATEMENTS: statements,
            s.INDICATORS: indicators,
            s.FLAGS: flags,
        }
    )


@pytest.mark.parametrize(
    ("query", "kind", "text"),
    [
        ("公务接待", "line", "30217 公务接待费"),  # spaces inside the printed text do not count
        ("  公务　接待  ", "line", "30217 公务接待费"),  # nor around and between the words
        ("ppp", "project", "ＰＰＰ档案数字化项目"),  # half-width lower case finds full-width capitals
        ("Ｐｐｐ档案", "project", "ＰＰＰ档案数字化项目"),
        ("Earlier YEAR", "flag", "文中出现往年年份，请核对是否沿用旧稿。"),  # case; the Chinese message is shown
    ],
)
def test_folding(ds: Dataset, query: str, kind: str, text: str) -> None:
    found = analytics.search(ds, query)
    assert found.select("kind", "text").rows() == [(kind, text)]


def test_each_kind_with_where_it_was_published(ds: Dataset) -> None:
    expected = {
        # kind: (query, year, phase, source_name, page, line, amount)
        "line": ("培训费", 2024, "budget", "d24.pdf", 12, 4, D("5000.00")),
        "project": ("馆藏档案扫描", 2024, "budget", "d24.pdf", 20, 2, D("300000.00")),
        "statement": ("城市更新专项", 2023, "final", "f23.pdf", 5, 9, D("250000.00")),
        "indicator": ("查档群众", 2024, "budget", "d24.pdf", 22, 7, None),
        "flag": ("沿用旧稿", 2024, "budget", "d24.pdf", 3, 4, D("777.00")),  # measured in 元: an amount
    }
    for kind, (query, *where) in expected.items():
        found = analytics.search(ds, query, kinds=[kind])
        assert found.schema == SEARCH_SCHEMA
        assert found.height == 1, kind
        row = found.row(0, named=True)
        assert (row["kind"], row["department_id"], row["department_name"]) == (kind, "gulou", "鼓楼区档案馆")
        assert [row[c] for c in ("fiscal_year", "phase", "source_name", "page", "line", "amount_yuan")] == where
    # A finding counted, not measured in 元, has no amount.
    assert analytics.search(ds, "难以考核").get_column("amount_yuan").to_list() == [None]


def test_one_result_per_printed_row(ds: Dataset) -> None:
    found = analytics.search(ds, "接待费", kinds=["line"])
    assert found.select("page", "line", "amount_yuan").rows() == [(12, 3, D("12345.00"))]


def test_several_words_must_all_occur(ds: Dataset) -> None:
    assert analytics.search(ds, "培训费 0.50").get_column("kind").to_list() == ["line"]
    assert analytics.search(ds, "培训费 城市更新").is_empty()  # each word is somewhere, never in one row
    # A word may be the department's name or the year of the row.
    assert analytics.search(ds, "档案馆 培训费").height == 1
    assert analytics.search(ds, "满意度 2024").get_column("kind").to_list() == ["indicator", "flag"]
    assert analytics.search(ds, "满意度 2023").is_empty()


def test_matches_in_a_name_come_first_and_snippets_are_short(ds: Dataset) -> None:
    # The indicator's name holds the word; the flag's subject does too, but it is a later kind.
    found = analytics.search(ds, "查档群众满意度")
    assert found.get_column("kind").to_list() == ["indicator", "flag"]
    snippet = analytics.search(ds, "城市更新").get_column("snippet").item()
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "重点保障城市更新专项资金" in snippet and len(snippet) < len(LONG)


def test_no_result_is_an_empty_frame(ds: Dataset) -> None:
    for query in ("不存在的词", "", "　 "):
        found = analytics.search(ds, query)
        assert found.is_empty() and found.schema == SEARCH_SCHEMA


def test_kinds_and_limit(ds: Dataset) -> None:
    assert analytics.search(ds, "印刷费").height == 5
    limited = analytics.search(ds, "印刷费", limit=3)
    assert limited.height == 3
    assert analytics.search(ds, "满意度", kinds=["flag"]).get_column("kind").to_list() == ["flag"]
    assert analytics.search(ds, "满意度", kinds=[]).is_empty()
    assert set(KINDS) == {"line", "project", "statement", "indicator", "flag"}
    with pytest.raises(QueryError, match=r"unknown kind.*'lines'.*expected some of line, project"):
        analytics.search(ds, "印刷费", kinds=["lines"])
    with pytest.raises(QueryError, match="limit 0 is below 1"):
        analytics.search(ds, "印刷费", limit=0)
