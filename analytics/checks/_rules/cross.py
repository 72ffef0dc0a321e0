"""Rules across tables and years: the same figure in two tables; prior-year figures against what was published."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from analytics import schema as s
from analytics.checks._engine import Settings, evidence, findings, rule
from analytics.checks._rules._common import line_evidence, lines_with_step, wan
from analytics.reference import table_catalog
from analytics.store import Dataset

#: What a figure is on each basis, for a message: a 决算 prints its 决算数 beside its 年初预算 (and 调整预算).
_BASIS_LABELS = {
    "budget": ("", ""),
    "initial_budget": ("（年初预算数）", " (initial budget)"),
    "adjusted_budget": ("（调整预算数）", " (adjusted budget)"),
    "actual": ("（决算数）", " (actual)"),
}

#: The keys a figure is matched on: one document, one year, one basis (决算数 against 决算数, 年初预算 against 年初预算).
_FIGURE_KEY = (s.DOC_ID, s.FISCAL_YEAR, s.AMOUNT_BASIS)


@dataclass(frozen=True)
class _Figure:
    """One way a table prints a figure: rows of ``table`` each selected by a filter, added or (``-1``) taken off.

    The first ``required`` parts must be printed; a missing later part counts as 0 (a 上年结转 column a table
    leaves out holds nothing).
    """

    table: str
    parts: tuple[tuple[pl.Expr, int], ...]
    label_zh: str
    label_en: str
    required: int = 1
    phase: str | None = None


def _row(classification: str, names: tuple[str, ...], column: str, side: str | None = None) -> pl.Expr:
    where = (pl.col(s.CLASSIFICATION) == classification) & pl.col(s.NAME).is_in(names) & (pl.col(s.COLUMN) == column)
    return where if side is None else where & (pl.col(s.SIDE) == side)


_TOTAL_NAMES = ("合计", "总计")
_THIS_YEAR_INCOME = ("本年收入合计", "当年收入小计", "本年收入小计", "当年收入合计")
_THIS_YEAR_SPENDING = ("本年支出合计", "当年支出小计", "本年支出小计", "当年支出合计")

_ECONOMIC_TOTAL = (
    _Figure(
        "general_budget_basic_economic",
        ((_row("total", _TOTAL_NAMES, "total"), 1),),
        "合计",
        "total",
    ),
    # A 决算's economic table prints 人员经费 and 公用经费 side by side, each with its own 合计 and no grand total.
    _Figure(
        "general_budget_basic_economic",
        (
            ((pl.col(s.NAME).str.starts_with("人员经费合计")) & (pl.col(s.COLUMN) == "total"), 1),
            ((pl.col(s.NAME).str.starts_with("公用经费合计")) & (pl.col(s.COLUMN) == "total"), 1),
        ),
        "人员经费合计 + 公用经费合计",
        "personnel total + public total",
        required=2,
    ),
)
_GENERAL_BUDGET_TOTAL = (
    _Figure("general_budget_function", ((_row("total", _TOTAL_NAMES, "total"), 1),), "合计", "total"),
)
_SUMMARY_INCOME = (
    _Figure(
        "income_expenditure_summary",
        ((_row("subtotal", _THIS_YEAR_INCOME, "total", "income"), 1),),
        "本年收入合计",
        "income of the year",
    ),
    _Figure(
        "income_expenditure_summary",
        ((_row("total", ("收入合计", "合计"), "total", "income"), 1),),
        "收入合计",
        "income total",
    ),
    _Figure(
        "income_expenditure_summary",
        ((_row("total", ("收入总计", "总计"), "total", "income"), 1),),
        "收入总计",
        "income grand total",
    ),
)
_SUMMARY_SPENDING = (
    _Figure(
        "income_expenditure_summary",
        ((_row("subtotal", _THIS_YEAR_SPENDING, "total", "expenditure"), 1),),
        "本年支出合计",
        "expenditure of the year",
    ),
    _Figure(
        "income_expenditure_summary",
        ((_row("total", ("支出合计", "合计"), "total", "expenditure"), 1),),
        "支出合计",
        "expenditure total",
    ),
    _Figure(
        "income_expenditure_summary",
        ((_row("total", ("支出总计", "总计"), "total", "expenditure"), 1),),
        "支出总计",
        "expenditure grand total",
    ),
)
# The 收入总表 may print 上年结转 and 使用结余 as columns of its 合计 (a 高校 budget does): the year's income is
# its 合计 without them. Likewise a 结转下年 column of the 支出总表.
_INCOME_TABLE = (
    _Figure(
        "income_summary",
        (
            (_row("total", _TOTAL_NAMES, "total"), 1),
            (_row("total", _TOTAL_NAMES, "carryover_in"), -1),
            (_row("total", _TOTAL_NAMES, "surplus_used"), -1),
        ),
        "合计（不含上年结转和结余）",
        "total (without carry-over and surplus)",
    ),
)
_SPENDING_TABLE = (
    _Figure(
        "expenditure_summary",
        ((_row("total", _TOTAL_NAMES, "total"), 1), (_row("total", _TOTAL_NAMES, "carryover_out"), -1)),
        "合计（不含结转下年）",
        "total (without carry-over)",
    ),
)

#: (subject in Chinese, in English, first figure, second figure): each figure is the ways its table prints it, the
#: first one printed in a document being used.
_SAME_FIGURES: tuple[tuple[str, str, tuple[_Figure, ...], tuple[_Figure, ...]], ...] = (
    (
        "一般公共预算基本支出",
        "general-budget basic expenditure",
        (
            _Figure(
                "general_budget_function", ((_row("total", _TOTAL_NAMES, "basic"), 1),), "合计·基本支出", "total, basic"
            ),
        ),
        _ECONOMIC_TOTAL,
    ),
    (
        "一般公共预算支出合计",
        "general-budget expenditure",
        _GENERAL_BUDGET_TOTAL,
        (
            # A budget balances its 一般公共预算 income and spending; a 决算 carries a balance into the next year, so
            # there the table's total is the year's 一般公共预算 spending.
            _Figure(
                "fiscal_appropriation_summary",
                (
                    (
                        (pl.col(s.SIDE) == "income")
                        & pl.col(s.NAME).str.contains("一般公共预算")
                        & (pl.col(s.COLUMN) == "total"),
                        1,
                    ),
                ),
                "一般公共预算收入",
                "general-budget income",
                phase="budget",
            ),
            _Figure(
                "fiscal_appropriation_summary",
                ((_row("subtotal", _THIS_YEAR_SPENDING, "general_budget", "expenditure"), 1),),
                "本年支出合计·一般公共预算",
                "expenditure of the year, general budget",
            ),
        ),
    ),
    ("本年收入合计", "income of the year", _SUMMARY_INCOME, _INCOME_TABLE),
    ("本年支出合计", "expenditure of the year", _SUMMARY_SPENDING, _SPENDING_TABLE),
    (
        "基本支出",
        "basic expenditure",
        (
            _Figure(
                "income_expenditure_summary",
                ((_row("category", ("基本支出",), "total", "expenditure"), 1),),
                "基本支出",
                "basic expenditure",
            ),
        ),
        (
            _Figure(
                "expenditure_summary", ((_row("total", _TOTAL_NAMES, "basic"), 1),), "合计·基本支出", "total, basic"
            ),
        ),
    ),
    (
        "项目支出",
        "project expenditure",
        (
            _Figure(
                "income_expenditure_summary",
                ((_row("category", ("项目支出",), "total", "expenditure"), 1),),
                "项目支出",
                "project expenditure",
            ),
        ),
        (
            _Figure(
                "expenditure_summary",
                ((_row("total", _TOTAL_NAMES, "project"), 1),),
                "合计·项目支出",
                "total, project",
            ),
        ),
    ),
)


def _table_names() -> dict[str, tuple[str, str]]:
    catalog = table_catalog()
    return {row["key"]: (row["name_zh"], row["name_en"]) for row in catalog.iter_rows(named=True)}


def _figures(lines: pl.DataFrame, ways: tuple[_Figure, ...]) -> pl.DataFrame:
    """Per document, year and basis: the figure as the first of ``ways`` printed there gives it.

    Columns: the key, ``_amount``, ``_step`` (the rounding of its parts), ``_doubted`` (a part is contradicted),
    ``_rows`` (the ``_row`` of its parts), ``_way`` (which of ``ways``).
    """
    out = []
    for way_no, way in enumerate(ways):
        table = lines.filter(pl.col(s.TABLE) == way.table)
        if way.phase is not None:
            table = table.filter(pl.col(s.PHASE) == way.phase)
        parts = [
            table.filter(where)
            .unique(list(_FIGURE_KEY), keep="first", maintain_order=True)
            .with_columns(pl.lit(part_no).alias("_part"), pl.lit(sign).alias("_sign"))
            for part_no, (where, sign) in enumerate(way.parts)
        ]
        signed = pl.when(pl.col("_sign") < 0).then(-pl.col(s.AMOUNT_YUAN)).otherwise(pl.col(s.AMOUNT_YUAN))
        figure = (
            pl.concat(parts)
            .group_by(list(_FIGURE_KEY))
            .agg(
                signed.sum().alias("_amount"),
                pl.col("step").sum().alias("_step"),
                (pl.col(s.VERIFICATION) == "contradicted").any().alias("_doubted"),
                pl.col("_row").alias("_rows"),
                (pl.col("_part") < way.required).sum().alias("_required"),
                pl.col(s.DEPARTMENT_ID).first(),
                pl.col(s.PHASE).first(),
            )
            .filter(pl.col("_required") == way.required)
            .drop("_required")
            .with_columns(pl.lit(way_no).alias("_way"))
        )
        out.append(figure)
    return pl.concat(out).sort("_way").unique(list(_FIGURE_KEY), keep="first", maintain_order=True)


@rule(
    "cross.same_figure",
    "cross",
    "error",
    "同一数字在两张表中一致（如一般公共预算基本支出）",
    "The same figure agrees in two tables (e.g. general-budget basic spending)",
)
def same_figure(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """Each figure two standard tables both print, on budgets and final accounts, each basis apart: the 收支总表's
    income and spending against the 收入总表 and 支出总表 (合计, 基本支出, 项目支出), the 财政拨款收支总表 against the
    一般公共预算 table, that table's 基本支出 against the economic table. A figure the reader doubts (contradicted)
    is left to ``reading.doubt``."""
    lines = lines_with_step(ds, settings).filter(pl.col(s.FISCAL_YEAR) == pl.col(s.AS_OF_YEAR)).with_row_index("_row")
    names = _table_names()
    out = []
    for subject_zh, subject_en, ways_a, ways_b in _SAME_FIGURES:
        a, b = _figures(lines, ways_a), _figures(lines, ways_b)
        pairs = (
            a.join(b.drop(s.DEPARTMENT_ID, s.PHASE), on=list(_FIGURE_KEY), suffix="_b")
            .filter(~pl.col("_doubted") & ~pl.col("_doubted_b"))
            .with_columns(
                (pl.col("_amount") - pl.col("_amount_b")).alias("_variance"),
                (pl.col("_step") + pl.col("_step_b")).alias("_tolerance"),
            )
            .filter(pl.col("_variance").abs() > pl.col("_tolerance"))
        )
        for row in pairs.iter_rows(named=True):
            way_a, way_b = ways_a[row["_way"]], ways_b[row["_way_b"]]
            (table_a_zh, table_a_en), (table_b_zh, table_b_en) = names[way_a.table], names[way_b.table]
            basis = row[s.AMOUNT_BASIS]
            basis_zh, basis_en = _BASIS_LABELS.get(basis, ("", ""))
            involved = lines.filter(pl.col("_row").is_in(row["_rows"] + row["_rows_b"]))
            key = f"{row[s.DOC_ID]}|{row[s.FISCAL_YEAR]}|{subject_zh}" + ("" if basis == "budget" else f"|{basis}")
            observed, expected, variance = row["_amount"], row["_amount_b"], row["_variance"]
            out.append(
                {
                    "key": key,
                    s.DEPARTMENT_ID: row[s.DEPARTMENT_ID],
                    s.FISCAL_YEAR: row[s.FISCAL_YEAR],
                    s.DOC_ID: row[s.DOC_ID],
                    s.SUBJECT: f"{subject_zh}{basis_zh}",
                    s.MEASURE: "yuan",
                    s.OBSERVED: observed,
                    s.EXPECTED: expected,
                    s.VARIANCE: variance,
                    s.THRESHOLD: row["_tolerance"],
                    s.MESSAGE_ZH: f"{subject_zh}{basis_zh}：{table_a_zh}（{way_a.label_zh}）为 {wan(observed)}，"
                    f"{table_b_zh}（{way_b.label_zh}）为 {wan(expected)}，两表应一致，相差 {wan(variance)}",
                    s.MESSAGE_EN: f"{subject_en}{basis_en}: {wan(observed)} in the {table_a_en} table "
                    f"({way_a.label_en}) but {wan(expected)} in the {table_b_en} table ({way_b.label_en}); "
                    f"they should agree (difference {wan(variance)})",
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
