"""Rules inside one table: parents = sum of children, totals = sum of parts, income = expenditure."""

from __future__ import annotations

from functools import cache

import polars as pl

from analytics import schema as s
from analytics.checks._engine import Settings, evidence_lists, findings, rule
from analytics.checks._rules._common import line_evidence, lines_with_step, wan, wan_en
from analytics.reference import reference_rows
from analytics.store import Dataset

_GROUP = [s.DOC_ID, s.TABLE, s.SIDE, s.COLUMN, s.AMOUNT_BASIS, s.FISCAL_YEAR]
#: A figure the reader could not confirm: an identity it is part of is the reader's doubt (rule ``reading.doubt``,
#: family 读数存疑), reported there once, never again as the document's own error.
_DOUBTED = pl.col(s.VERIFICATION) == "contradicted"


@cache
def _column_names() -> dict[str, str]:
    """Canonical column → its Chinese name (``columns.csv``), for the Chinese messages."""
    return {row["key"]: row["name_zh"] for row in reference_rows("columns.csv")}


def column_zh(column: str) -> str:
    """The Chinese name of a canonical column ("basic" → "基本支出"); a column the catalog lacks as printed."""
    return _column_names().get(column, column)


#: Tables whose rows are classification codes (类 / 款 / 项) under one total row.
_CODED_TABLES = (
    "income_summary",
    "expenditure_summary",
    "general_budget_function",
    "government_fund",
    "state_capital",
    "general_budget_basic_economic",
    "fiscal_appropriation_function",
    "fiscal_appropriation_basic_economic",
)


def _difference_rows(
    checks: pl.DataFrame, lines: pl.DataFrame, *, subject: str, what_zh: str, what_en: str
) -> list[dict[str, object]]:
    """Findings for rows of ``checks`` (one per failed identity) with their evidence from ``lines``: the lines of
    the document, table and column whose ``_key`` is one of the row's ``_members``, in the order of ``lines``."""
    on = [s.DOC_ID, s.TABLE, s.COLUMN]
    numbered = checks.with_row_index("_finding")
    members = (
        numbered.select("_finding", *on, pl.col("_members").alias("_key")).explode("_key").unique(maintain_order=True)
    )
    matches = members.join(lines.with_row_index("_line"), on=[*on, "_key"])
    proofs = evidence_lists(matches, "_finding", "_line")
    out: list[dict[str, object]] = []
    for row in numbered.join(proofs, on="_finding", how="left", maintain_order="left").iter_rows(named=True):
        out.append(
            {
                "key": f"{row[s.DOC_ID]}|{row[s.TABLE]}|{row[s.SIDE]}|{row[s.COLUMN]}|{row[s.FISCAL_YEAR]}|{row[subject]}",
                s.DEPARTMENT_ID: row[s.DEPARTMENT_ID],
                s.FISCAL_YEAR: row[s.FISCAL_YEAR],
                s.DOC_ID: row[s.DOC_ID],
                s.SUBJECT: f"{row[s.TABLE]} · {row[subject]} · {row[s.COLUMN]}",
                s.MEASURE: "yuan",
                s.OBSERVED: row[s.AMOUNT_YUAN],
                s.EXPECTED: row["expected"],
                s.VARIANCE: row["variance"],
                s.THRESHOLD: row["tolerance"],
                s.MESSAGE_ZH: f"{row[subject]}（{column_zh(row[s.COLUMN])}）{wan(row[s.AMOUNT_YUAN])}，{what_zh}"
                f"{wan(row['expected'])}，"
                f"相差 {wan(row['variance'])}（容差 {wan(row['tolerance'])}）",
                s.MESSAGE_EN: f"{row[subject]} ({row[s.COLUMN]}) is {wan_en(row[s.AMOUNT_YUAN])}; {what_en} "
                f"{wan_en(row['expected'])}, {wan_en(row['variance'])} apart (tolerance {wan_en(row['tolerance'])})",
                s.EVIDENCE: row[s.EVIDENCE] or [],
            }
        )
    return out


@rule("table.parent_sum", "table", "error", "类、款等于其下级科目之和", "Each 类 and 款 equals the sum of its children")
def parent_sum(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """A coded row (类, 款) against the sum of its children in the same table, side, column and year."""
    lines = (
        lines_with_step(ds, settings).filter(pl.col(s.CODE).is_not_null()).with_columns(pl.col(s.CODE).alias("_key"))
    )
    children = (
        lines.filter(pl.col(s.PARENT_CODE).is_not_null())
        .group_by([*_GROUP, s.PARENT_CODE])
        .agg(
            pl.col(s.AMOUNT_YUAN).sum().alias("expected"),
            pl.col(s.CODE).alias("_children"),
            pl.col("step").sum().alias("tolerance"),
            _DOUBTED.any().alias("_doubted"),
        )
    )
    checks = (
        lines.join(children, left_on=[*_GROUP, s.CODE], right_on=[*_GROUP, s.PARENT_CODE])
        .with_columns(
            (pl.col(s.AMOUNT_YUAN) - pl.col("expected")).alias("variance"),
            pl.concat_list(pl.col(s.CODE), pl.col("_children")).alias("_members"),
            (pl.col("tolerance") + pl.col("step")).alias("tolerance"),
        )
        .filter((pl.col("variance").abs() > pl.col("tolerance")) & ~_DOUBTED & ~pl.col("_doubted"))
        .with_columns((pl.col(s.CODE) + " " + pl.col(s.NAME)).alias("_label"))
    )
    return findings(
        _difference_rows(checks, lines, subject="_label", what_zh="下级科目合计", what_en="its children add up to")
    )


@cache
def _identities() -> list[dict[str, str]]:
    return [dict(row) for row in reference_rows("identities.csv")]


@rule(
    "table.columns_sum",
    "table",
    "error",
    "合计栏等于各分栏之和（如 合计 = 基本支出 + 项目支出）",
    "A row's total column equals the sum of its part columns (e.g. total = basic + project)",
)
def columns_sum(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """Per row, the identity columns of ``identities.csv``, when every printed column of the row is one the table's
    identities speak of (a row with other columns, say 会议费 beside 三公, is not checked)."""
    lines = lines_with_step(ds, settings)
    row_key = [s.DOC_ID, s.TABLE, s.SIDE, s.FISCAL_YEAR, s.AMOUNT_BASIS, s.PAGE, s.LINE, s.NAME]
    identities = _identities()
    out: list[dict[str, object]] = []
    for identity in identities:
        parts = identity["parts"].split("|")
        total = identity["total"]
        # Columns any identity of this table speaks of: a row printing others (会议费 beside 三公) is not checked.
        known = {
            column
            for other in identities
            if other["table"] == identity["table"]
            for column in (other["total"], *other["parts"].split("|"))
        }
        # A part printed only through its own parts (公务用车 as 购置费 + 运行费) counts as their sum.
        expansions = {
            other["total"]: other["parts"].split("|")
            for other in identities
            if other["table"] == identity["table"] and other["total"] in parts
        }
        rows = lines.filter((pl.col(s.TABLE) == identity["table"]) & (pl.col(s.SIDE) == identity["side"]))
        if rows.is_empty():
            continue
        amount = pl.col(s.AMOUNT_YUAN)
        part_values = [
            pl.coalesce(
                amount.filter(pl.col(s.COLUMN) == part).first(),
                amount.filter(pl.col(s.COLUMN).is_in(expansions[part])).sum()
                if part in expansions
                else pl.lit(None, s.MONEY),
            )
            for part in parts
        ]
        # A part printed through its own parts counts as that many printed parts (三公 as 出国 + 公务用车 + 接待).
        present = [
            pl.when((pl.col(s.COLUMN) == part).any())
            .then(pl.lit(1, pl.UInt32))
            .otherwise(pl.col(s.COLUMN).filter(pl.col(s.COLUMN).is_in(expansions.get(part, []))).n_unique())
            for part in parts
        ]
        per_row = (
            rows.group_by(row_key)
            .agg(
                amount.filter(pl.col(s.COLUMN) == total).first().alias("_total"),
                pl.sum_horizontal(part_values).alias("expected"),
                pl.sum_horizontal(present).alias("_parts"),
                pl.col(s.COLUMN).filter(~pl.col(s.COLUMN).is_in(list(known))).n_unique().alias("_other"),
                pl.col("step").first().alias("_step"),
                _DOUBTED.any().alias("_doubted"),
                pl.col(s.DEPARTMENT_ID).first(),
                pl.col(s.SOURCE_TEXT).first(),
            )
            .filter(
                pl.col("_total").is_not_null() & (pl.col("_parts") >= 2) & (pl.col("_other") == 0) & ~pl.col("_doubted")
            )
            .with_columns(
                (pl.col("_total") - pl.col("expected")).alias("variance"),
                (pl.col("_step") * (pl.col("_parts") + 1)).alias("tolerance"),
            )
            .filter(pl.col("variance").abs() > pl.col("tolerance"))
        )
        for row in per_row.iter_rows(named=True):
            out.append(
                {
                    "key": f"{row[s.DOC_ID]}|{row[s.TABLE]}|{row[s.PAGE]}|{row[s.LINE]}|{total}",
                    s.DEPARTMENT_ID: row[s.DEPARTMENT_ID],
                    s.FISCAL_YEAR: row[s.FISCAL_YEAR],
                    s.DOC_ID: row[s.DOC_ID],
                    s.SUBJECT: f"{row[s.TABLE]} · {row[s.NAME]} · {total}",
                    s.MEASURE: "yuan",
                    s.OBSERVED: row["_total"],
                    s.EXPECTED: row["expected"],
                    s.VARIANCE: row["variance"],
                    s.THRESHOLD: row["tolerance"],
                    s.MESSAGE_ZH: f"{row[s.NAME]}：{identity['description']} 不成立，{column_zh(total)} 为 "
                    f"{wan(row['_total'])}，"
                    f"分栏合计 {wan(row['expected'])}，相差 {wan(row['variance'])}",
                    s.MESSAGE_EN: f"{row[s.NAME]}: {total} is {wan_en(row['_total'])} but its part columns add up to "
                    f"{wan_en(row['expected'])} ({wan_en(row['variance'])} apart)",
                    s.EVIDENCE: [line_evidence(row)],
                }
            )
    return findings(out)


@rule(
    "table.total_of_rows",
    "table",
    "error",
    "合计行等于各类（或各项）之和",
    "A table's total row equals the sum of its top-level rows",
)
def total_of_rows(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """The grand total row against the sum of the 类 rows (coded tables) or of the items (composition tables)."""
    lines = lines_with_step(ds, settings).with_columns(pl.col(s.NAME).alias("_key"))
    # The grand total row only ("合计", "总计"): a 人员经费合计 is the total of one group, not of the table.
    totals = lines.filter(
        (pl.col(s.CLASSIFICATION) == "total")
        & pl.col(s.NAME).is_in(["合计", "总计"])
        & pl.col(s.TABLE).is_in([*_CODED_TABLES, "performance_fund_composition"])
    )
    coded_top = lines.filter(pl.col(s.LEVEL) == 1)
    items = lines.filter(
        (pl.col(s.TABLE) == "performance_fund_composition") & pl.col(s.CLASSIFICATION).is_in(["source", "category"])
    )
    parts = (
        pl.concat([coded_top, items], how="vertical")
        .group_by(_GROUP)
        .agg(
            pl.col(s.AMOUNT_YUAN).sum().alias("expected"),
            pl.col(s.NAME).alias("_names"),
            pl.col("step").sum().alias("_steps"),
            _DOUBTED.any().alias("_doubted"),
        )
    )
    checks = (
        totals.join(parts, on=_GROUP)
        .with_columns(
            (pl.col(s.AMOUNT_YUAN) - pl.col("expected")).alias("variance"),
            (pl.col("_steps") + pl.col("step")).alias("tolerance"),
            pl.concat_list(pl.col(s.NAME), pl.col("_names")).alias("_members"),
        )
        .filter((pl.col("variance").abs() > pl.col("tolerance")) & ~_DOUBTED & ~pl.col("_doubted"))
    )
    return findings(_difference_rows(checks, lines, subject=s.NAME, what_zh="各行合计", what_en="its rows add up to"))


@rule(
    "table.balance",
    "table",
    "error",
    "收支总表收入总计等于支出总计",
    "The 收支总表's income total equals its expenditure total",
)
def balance(ds: Dataset, settings: Settings) -> pl.DataFrame:
    lines = lines_with_step(ds, settings).filter(
        (
            pl.col(s.TABLE).is_in(
                ["income_expenditure_summary", "fiscal_appropriation_summary", "performance_fund_composition"]
            )
        )
        & (pl.col(s.CLASSIFICATION) == "total")
        & (pl.col(s.COLUMN) == "total")
    )
    sides = lines.pivot(
        on=s.SIDE,
        index=[s.DOC_ID, s.DEPARTMENT_ID, s.TABLE, s.FISCAL_YEAR],
        values=s.AMOUNT_YUAN,
        aggregate_function="first",
    )
    if "income" not in sides.columns or "expenditure" not in sides.columns:
        return findings([])
    step = lines.group_by(s.DOC_ID, s.TABLE).agg(pl.col("step").max())
    checks = (
        sides.join(step, on=[s.DOC_ID, s.TABLE])
        .drop_nulls(["income", "expenditure"])
        .with_columns(
            (pl.col("income") - pl.col("expenditure")).alias("variance"), (pl.col("step") * 2).alias("tolerance")
        )
        .filter(pl.col("variance").abs() > pl.col("tolerance"))
    )
    numbered = checks.with_row_index("_finding")
    matches = numbered.select("_finding", s.DOC_ID, s.TABLE).join(lines.with_row_index("_line"), on=[s.DOC_ID, s.TABLE])
    proofs = evidence_lists(matches, "_finding", "_line")
    out = []
    for row in numbered.join(proofs, on="_finding", how="left", maintain_order="left").iter_rows(named=True):
        out.append(
            {
                "key": f"{row[s.DOC_ID]}|{row[s.TABLE]}|{row[s.FISCAL_YEAR]}",
                s.DEPARTMENT_ID: row[s.DEPARTMENT_ID],
                s.FISCAL_YEAR: row[s.FISCAL_YEAR],
                s.DOC_ID: row[s.DOC_ID],
                s.SUBJECT: f"{row[s.TABLE]} · 收入总计 vs 支出总计",
                s.MEASURE: "yuan",
                s.OBSERVED: row["income"],
                s.EXPECTED: row["expenditure"],
                s.VARIANCE: row["variance"],
                s.THRESHOLD: row["tolerance"],
                s.MESSAGE_ZH: f"收入总计 {wan(row['income'])} 与支出总计 {wan(row['expenditure'])} 不相等，相差 {wan(row['variance'])}",
                s.MESSAGE_EN: f"income total {wan_en(row['income'])} differs from expenditure total "
                f"{wan_en(row['expenditure'])} by {wan_en(row['variance'])}",
                s.EVIDENCE: row[s.EVIDENCE] or [],
            }
        )
    return findings(out)
