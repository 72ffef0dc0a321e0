"""Rules across tables and years: the same figure in two tables; prior-year figures against what was published."""

from __future__ import annotations

import polars as pl

from analytics import schema as s
from analytics.checks._engine import Settings, evidence, findings, rule
from analytics.checks._rules._common import line_evidence, lines_with_step, wan
from analytics.store import Dataset

#: (name, first figure, second figure): each figure is (table, row filter, column).
_SAME_FIGURES = (
    (
        "一般公共预算基本支出",
        ("general_budget_function", pl.col(s.CLASSIFICATION) == "total", "basic"),
        ("general_budget_basic_economic", pl.col(s.CLASSIFICATION) == "total", "total"),
    ),
    (
        "一般公共预算支出合计",
        ("general_budget_function", pl.col(s.CLASSIFICATION) == "total", "total"),
        (
            "fiscal_appropriation_summary",
            (pl.col(s.SIDE) == "income") & pl.col(s.NAME).str.contains("一般公共预算"),
            "total",
        ),
    ),
)


@rule(
    "cross.same_figure",
    "cross",
    "error",
    "同一数字在两张表中一致（如一般公共预算基本支出）",
    "The same figure agrees in two tables (e.g. general-budget basic spending)",
)
def same_figure(ds: Dataset, settings: Settings) -> pl.DataFrame:
    # Budgets only: a 决算's economic table prints 人员经费合计 and 公用经费合计 side by side, not one total.
    lines = lines_with_step(ds, settings).filter(
        (pl.col(s.FISCAL_YEAR) == pl.col(s.AS_OF_YEAR)) & (pl.col(s.PHASE) == "budget")
    )
    out = []
    for name, (table_a, where_a, column_a), (table_b, where_b, column_b) in _SAME_FIGURES:
        a = lines.filter((pl.col(s.TABLE) == table_a) & where_a & (pl.col(s.COLUMN) == column_a))
        b = lines.filter((pl.col(s.TABLE) == table_b) & where_b & (pl.col(s.COLUMN) == column_b))
        pairs = a.join(b, on=[s.DOC_ID, s.FISCAL_YEAR], suffix="_b").unique([s.DOC_ID, s.FISCAL_YEAR], keep="first")
        pairs = pairs.with_columns(
            (pl.col(s.AMOUNT_YUAN) - pl.col(f"{s.AMOUNT_YUAN}_b")).alias("_variance"),
            (pl.col("step") + pl.col("step_b")).alias("_tolerance"),
        ).filter(pl.col("_variance").abs() > pl.col("_tolerance"))
        for row in pairs.iter_rows(named=True):
            involved = pl.concat(
                [
                    a.filter(pl.col(s.DOC_ID) == row[s.DOC_ID]).head(1),
                    b.filter(pl.col(s.DOC_ID) == row[s.DOC_ID]).head(1),
                ]
            )
            out.append(
                {
                    "key": f"{row[s.DOC_ID]}|{row[s.FISCAL_YEAR]}|{name}",
                    s.DEPARTMENT_ID: row[s.DEPARTMENT_ID],
                    s.FISCAL_YEAR: row[s.FISCAL_YEAR],
                    s.DOC_ID: row[s.DOC_ID],
                    s.SUBJECT: name,
                    s.MEASURE: "yuan",
                    s.OBSERVED: row[s.AMOUNT_YUAN],
                    s.EXPECTED: row[f"{s.AMOUNT_YUAN}_b"],
                    s.VARIANCE: row["_variance"],
                    s.THRESHOLD: row["_tolerance"],
                    s.MESSAGE_ZH: f"{name}：{table_a} 为 {wan(row[s.AMOUNT_YUAN])}，{table_b} 为 "
                    f"{wan(row[f'{s.AMOUNT_YUAN}_b'])}，相差 {wan(row['_variance'])}",
                    s.MESSAGE_EN: f"{name}: {wan(row[s.AMOUNT_YUAN])} in {table_a} but {wan(row[f'{s.AMOUNT_YUAN}_b'])} "
                    f"in {table_b}",
                    s.EVIDENCE: evidence(involved),
                }
            )
    return findings(out)


@rule(
    "cross.restatement",
    "cross",
    "warning",
    "文件所列上年数与上年文件公开数不一致（重述）",
    "A prior-year figure a document prints differs from what that year's document published",
)
def restatement(ds: Dataset, settings: Settings) -> pl.DataFrame:
    lines = lines_with_step(ds, settings)
    keys = [
        s.DEPARTMENT_ID,
        s.TABLE,
        s.SIDE,
        s.CLASSIFICATION,
        s.NAME,
        s.COLUMN,
        s.AMOUNT_BASIS,
        s.FISCAL_YEAR,
        s.PHASE,
    ]
    restated = lines.filter(pl.col(s.FISCAL_YEAR) < pl.col(s.AS_OF_YEAR))
    original = lines.filter(pl.col(s.FISCAL_YEAR) == pl.col(s.AS_OF_YEAR))
    pairs = (
        restated.join(original, on=keys, suffix="_original")
        .with_columns(
            (pl.col(s.AMOUNT_YUAN) - pl.col(f"{s.AMOUNT_YUAN}_original")).alias("_variance"),
            (pl.col("step") + pl.col("step_original")).alias("_tolerance"),
        )
        .filter(pl.col("_variance").abs() > pl.col("_tolerance"))
    )
    out = []
    for row in pairs.iter_rows(named=True):
        out.append(
            {
                "key": f"{row[s.DOC_ID]}|{row[s.TABLE]}|{row[s.SIDE]}|{row[s.NAME]}|{row[s.COLUMN]}|{row[s.FISCAL_YEAR]}",
                s.DEPARTMENT_ID: row[s.DEPARTMENT_ID],
                s.FISCAL_YEAR: row[s.AS_OF_YEAR],
                s.DOC_ID: row[s.DOC_ID],
                s.SUBJECT: f"{row[s.TABLE]} · {row[s.NAME]} · {row[s.FISCAL_YEAR]}",
                s.MEASURE: "yuan",
                s.OBSERVED: row[s.AMOUNT_YUAN],
                s.EXPECTED: row[f"{s.AMOUNT_YUAN}_original"],
                s.VARIANCE: row["_variance"],
                s.THRESHOLD: row["_tolerance"],
                s.MESSAGE_ZH: f"{row[s.AS_OF_YEAR]} 年文件所列 {row[s.FISCAL_YEAR]} 年{row[s.NAME]} {wan(row[s.AMOUNT_YUAN])}，"
                f"而 {row[s.FISCAL_YEAR]} 年文件公开为 {wan(row[f'{s.AMOUNT_YUAN}_original'])}",
                s.MESSAGE_EN: f"the {row[s.AS_OF_YEAR]} document prints {row[s.NAME]} {row[s.FISCAL_YEAR]} as "
                f"{wan(row[s.AMOUNT_YUAN])}; the {row[s.FISCAL_YEAR]} document published {wan(row[f'{s.AMOUNT_YUAN}_original'])}",
                s.EVIDENCE: [line_evidence(row), line_evidence(row, "_original")],
            }
        )
    return findings(out)
