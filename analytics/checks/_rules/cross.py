"""Rules across tables and years: the same figure in two tables; prior-year figures against what was published."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import polars as pl

from analytics import schema as s
from analytics.checks._engine import Settings, evidence, findings, rule, shared
from analytics.checks._rules._common import line_evidence, lines_with_step, wan, wan_en
from analytics.checks._rules.table import column_zh
from analytics.ingest.numbers import normalize_text
from analytics.reference import reference_rows, table_catalog
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
#: A 收入总表 / 支出总表 printed down the page names its total row 收入总计 (支出总计); the reader keeps it as the
#: table's total (``classification`` total) and each source's 小计 as a subtotal.
_INCOME_TOTAL_NAMES = (*_TOTAL_NAMES, "收入总计", "收入合计")
_SPENDING_TOTAL_NAMES = (*_TOTAL_NAMES, "支出总计", "支出合计")
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
            (_row("total", _INCOME_TOTAL_NAMES, "total"), 1),
            (_row("total", _INCOME_TOTAL_NAMES, "carryover_in"), -1),
            (_row("total", _INCOME_TOTAL_NAMES, "surplus_used"), -1),
        ),
        "合计（不含上年结转和结余）",
        "total (without carry-over and surplus)",
    ),
)
_SPENDING_TABLE = (
    _Figure(
        "expenditure_summary",
        (
            (_row("total", _SPENDING_TOTAL_NAMES, "total"), 1),
            (_row("total", _SPENDING_TOTAL_NAMES, "carryover_out"), -1),
        ),
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
    (
        "单位预留机动经费",
        "reserve",
        (
            _Figure(
                "income_expenditure_summary",
                ((_row("category", ("单位预留机动经费", "预留机动经费"), "total", "expenditure"), 1),),
                "单位预留机动经费",
                "reserve",
            ),
        ),
        (
            _Figure(
                "expenditure_summary",
                ((_row("total", _TOTAL_NAMES, "reserve"), 1),),
                "合计·单位预留机动经费",
                "total, reserve",
            ),
        ),
    ),
)


def _table_names() -> dict[str, tuple[str, str]]:
    catalog = table_catalog()
    return {row["key"]: (row["name_zh"], row["name_en"]) for row in catalog.iter_rows(named=True)}


def _figures(lines: pl.LazyFrame, ways: tuple[_Figure, ...]) -> pl.LazyFrame:
    """Per document, year and basis: the figure as the first of ``ways`` printed there gives it.

    Columns: the key, ``_amount``, ``_step`` (the rounding of its parts), ``_doubted`` (a part is contradicted),
    ``_rows`` (the ``_row`` of its parts), ``_way`` (which of ``ways``). Lazy: the figures of every identity are
    collected together.
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


def _same_figure_found(ds: Dataset, lines: pl.DataFrame, settings: Settings) -> list[_Found]:
    names = _table_names()
    out: list[_Found] = []
    lazy = lines.lazy()
    identities = _same_figures()
    broken = pl.collect_all(
        [
            _figures(lazy, ways_a)
            .join(_figures(lazy, ways_b).drop(s.DEPARTMENT_ID, s.PHASE), on=list(_FIGURE_KEY), suffix="_b")
            .filter(~pl.col("_doubted") & ~pl.col("_doubted_b"))
            .with_columns(
                (pl.col("_amount") - pl.col("_amount_b")).alias("_variance"),
                (pl.col("_step") + pl.col("_step_b")).alias("_tolerance"),
            )
            .filter(pl.col("_variance").abs() > pl.col("_tolerance"))
            for _, _, ways_a, ways_b in identities
        ]
    )
    for (subject_zh, subject_en, ways_a, ways_b), pairs in zip(identities, broken, strict=True):
        for row in pairs.iter_rows(named=True):
            way_a, way_b = ways_a[row["_way"]], ways_b[row["_way_b"]]
            (table_a_zh, table_a_en), (table_b_zh, table_b_en) = names[way_a.table], names[way_b.table]
            basis = row[s.AMOUNT_BASIS]
            basis_zh, basis_en = _BASIS_LABELS.get(basis, ("", ""))
            cells = row["_rows"] + row["_rows_b"]
            involved = _cells_of(lines, cells)
            key = f"{row[s.DOC_ID]}|{row[s.FISCAL_YEAR]}|{subject_zh}" + ("" if basis == "budget" else f"|{basis}")
            observed, expected, variance = row["_amount"], row["_amount_b"], row["_variance"]
            finding = {
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
                f"{table_b_zh}（{way_b.label_zh}）为 {wan(expected)}，两表应一致，相差 {wan(variance)}；"
                f"请核实哪张表的数字有误",
                s.MESSAGE_EN: f"{subject_en}{basis_en}: {wan_en(observed)} in the {table_a_en} table "
                f"({way_a.label_en}) but {wan_en(expected)} in the {table_b_en} table ({way_b.label_en}); "
                f"they should agree (difference {wan_en(variance)}); ask which table is wrong",
                s.EVIDENCE: evidence(involved),
            }
            out.append((finding, frozenset(cells)))
    return out


@rule(
    "cross.same_figure",
    "cross",
    "error",
    "同一数字在两张表中一致（如一般公共预算基本支出）",
    "The same figure agrees in two tables (e.g. general-budget basic spending)",
)
def same_figure(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """Each figure two standard tables both print, on budgets and final accounts, each basis apart: the 收支总表's
    income and spending against the 收入总表 and 支出总表 (合计, each source of income, 基本支出, 项目支出, 单位预留
    机动经费), the 财政拨款收支总表 against the 一般公共预算 table, that table's 基本支出 against the economic table.
    A figure the reader doubts (contradicted) is left to ``reading.doubt``."""
    return _report("cross.same_figure", ds, settings)


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
                f"{wan_en(row[s.AMOUNT_YUAN])}; the {row[s.FISCAL_YEAR]} document published {wan_en(row[f'{s.AMOUNT_YUAN}_original'])}",
                s.EVIDENCE: [line_evidence(row), line_evidence(row, "_original")],
            }
        )
    return findings(out)


# --- what the cross-table identities share ---------------------------------------------------------------------------

#: A finding and the cells (``_row`` of ``_cross_lines``) it rests on: a cell an earlier finding rests on is that
#: finding's, so one broken figure is reported once however many identities it breaks.
_Found = tuple[dict[str, object], frozenset[int]]

_DOUBTED = pl.col(s.VERIFICATION) == "contradicted"


def _cells_of(lines: pl.DataFrame, cells: list[int | None]) -> pl.DataFrame:
    """The rows of ``lines`` whose ``_row`` is one of ``cells``, in the order of ``lines``.

    Found by binary search on ``_row``, which ascends in every frame the identities read (``_cross_lines`` numbers
    the lines; the rules only filter them), so that a finding costs its cells and not a pass over every line.
    """
    wanted = pl.Series(sorted({cell for cell in cells if cell is not None}), dtype=pl.UInt32)
    rows = lines.get_column("_row")
    at = rows.search_sorted(wanted)
    found = at < rows.len()
    at = at.filter(found)
    return lines[at.filter(rows.gather(at) == wanted.filter(found))]


def _cross_lines(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """The figures a document prints for its own year, each with its rounding ``step`` and a ``_row`` number."""
    return lines_with_step(ds, settings).filter(pl.col(s.FISCAL_YEAR) == pl.col(s.AS_OF_YEAR)).with_row_index("_row")


@cache
def _summary_rows() -> tuple[dict[str, object], ...]:
    """``summary_rows.csv``: what the rows of a 收支总表 are (a source of income, a balance carried in or out)."""
    return tuple(
        {**row, "names": tuple(normalize_text(name) for name in row["names"].split("|"))}
        for row in reference_rows("summary_rows.csv")
    )


def _summary_names(table: str, side: str, role: str) -> tuple[str, ...]:
    return tuple(
        name
        for row in _summary_rows()
        if (row["table"], row["side"], row["role"]) == (table, side, role)
        for name in row["names"]  # type: ignore[union-attr]
    )


@cache
def _same_figures() -> tuple[tuple[str, str, tuple[_Figure, ...], tuple[_Figure, ...]], ...]:
    """``_SAME_FIGURES`` and each source of income the 收支总表 prints against the 收入总表's 合计 row."""
    sources = []
    for row in _summary_rows():
        if row["role"] != "source":
            continue
        key = str(row["key"])
        label = column_zh(key)
        summary = _Figure(
            "income_expenditure_summary",
            (
                (
                    (pl.col(s.SIDE) == "income")
                    & (pl.col(s.CLASSIFICATION) == "source")
                    & pl.col(s.NAME).is_in(list(row["names"]))  # type: ignore[arg-type]
                    & (pl.col(s.COLUMN) == "total"),
                    1,
                ),
            ),
            label,
            key,
        )
        table = _Figure(
            "income_summary", ((_row("total", _INCOME_TOTAL_NAMES, key), 1),), f"合计·{label}", f"total, {key}"
        )
        sources.append((f"收入·{label}", f"income, {key}", (summary,), (table,)))
    return (*_SAME_FIGURES, *sources)


def _report(rule_id: str, ds: Dataset, settings: Settings) -> pl.DataFrame:
    """The findings of ``rule_id``, less those resting on a cell a finding of an earlier identity (or an earlier
    finding of the same one) already rests on. The identities are found together, once per run of the checks."""
    return shared("cross.identities", lambda: _all_identities(ds, settings))[rule_id]


def _all_identities(ds: Dataset, settings: Settings) -> dict[str, pl.DataFrame]:
    lines = _cross_lines(ds, settings)
    claimed: set[int] = set()
    reported: dict[str, pl.DataFrame] = {}
    for identity, found_by in _IDENTITIES:
        kept = []
        for finding, cells in found_by(ds, lines, settings):
            if cells & claimed:
                continue
            claimed |= cells
            kept.append(finding)
        reported[identity] = findings(kept)
    return reported


def _finding(
    row: dict[str, object],
    key: str,
    subject: str,
    *,
    observed: object,
    expected: object,
    tolerance: object,
    message_zh: str,
    message_en: str,
    involved: pl.DataFrame,
) -> dict[str, object]:
    return {
        "key": key,
        s.DEPARTMENT_ID: row[s.DEPARTMENT_ID],
        s.FISCAL_YEAR: row[s.FISCAL_YEAR],
        s.DOC_ID: row[s.DOC_ID],
        s.SUBJECT: subject,
        s.MEASURE: "yuan",
        s.OBSERVED: observed,
        s.EXPECTED: expected,
        s.VARIANCE: observed - expected,  # type: ignore[operator]
        s.THRESHOLD: tolerance,
        s.MESSAGE_ZH: message_zh,
        s.MESSAGE_EN: message_en,
        s.EVIDENCE: evidence(involved.sort(s.PAGE, s.LINE)),
    }


def _basis(row: dict[str, object]) -> tuple[str, str, str]:
    """The basis of a figure for a key and the two messages."""
    basis = str(row[s.AMOUNT_BASIS])
    zh, en = _BASIS_LABELS.get(basis, ("", ""))
    return ("" if basis == "budget" else f"|{basis}"), zh, en


# --- 总计 = 本年收入 + 结转 (and the expenditure side) --------------------------------------------------------------

_BALANCED_TABLES = ("income_expenditure_summary", "fiscal_appropriation_summary")
_YEAR_NAMES = {"income": _THIS_YEAR_INCOME, "expenditure": _THIS_YEAR_SPENDING}
_SIDE_ZH = {"income": ("收入", "本年收入合计"), "expenditure": ("支出", "本年支出合计")}


def _carryover_found(ds: Dataset, lines: pl.DataFrame, settings: Settings) -> list[_Found]:
    names = _table_names()
    group = [s.DOC_ID, s.TABLE, s.SIDE, s.COLUMN, s.AMOUNT_BASIS, s.FISCAL_YEAR]
    out: list[_Found] = []
    for table in _BALANCED_TABLES:
        for side, role in (("income", "carry_in"), ("expenditure", "carry_out")):
            rows = lines.filter((pl.col(s.TABLE) == table) & (pl.col(s.SIDE) == side))
            grand = rows.filter(pl.col(s.CLASSIFICATION) == "total").unique(group, keep="first", maintain_order=True)
            year = rows.filter(
                (pl.col(s.CLASSIFICATION) == "subtotal") & pl.col(s.NAME).is_in(list(_YEAR_NAMES[side]))
            ).unique(group, keep="first", maintain_order=True)
            carried = rows.filter(
                pl.col(s.NAME).is_in(list(_summary_names(table, side, role))) & (pl.col(s.CLASSIFICATION) != "total")
            ).unique([*group, s.NAME], keep="first", maintain_order=True)
            carry = carried.group_by(group).agg(
                pl.col(s.AMOUNT_YUAN).sum().alias("_carried"),
                pl.col("step").sum().alias("_carry_step"),
                pl.col("_row").alias("_carry_rows"),
                pl.col(s.NAME).alias("_carry_names"),
                _DOUBTED.any().alias("_carry_doubted"),
            )
            checks = (
                grand.join(
                    year.select(
                        *group,
                        pl.col(s.AMOUNT_YUAN).alias("_year"),
                        pl.col("step").alias("_year_step"),
                        pl.col("_row").alias("_year_row"),
                        pl.col(s.NAME).alias("_year_name"),
                        _DOUBTED.alias("_year_doubted"),
                    ),
                    on=group,
                )
                .join(carry, on=group, how="left")
                .with_columns(
                    pl.col("_carried").fill_null(0).cast(s.MONEY),
                    pl.col("_carry_step").fill_null(0).cast(s.MONEY),
                    pl.col("_carry_doubted").fill_null(False),
                )
                .filter(~_DOUBTED & ~pl.col("_year_doubted") & ~pl.col("_carry_doubted"))
                .with_columns(
                    (pl.col("_year") + pl.col("_carried")).alias("_expected"),
                    (pl.col("step") + pl.col("_year_step") + pl.col("_carry_step")).alias("_tolerance"),
                )
                .filter((pl.col(s.AMOUNT_YUAN) - pl.col("_expected")).abs() > pl.col("_tolerance"))
            )
            for row in checks.iter_rows(named=True):
                basis_key, basis_zh, basis_en = _basis(row)
                table_zh, table_en = names[table]
                side_zh, _ = _SIDE_ZH[side]
                carry_names = list(row["_carry_names"] or [])
                parts_zh = " + ".join([row["_year_name"], *carry_names])
                column = "" if row[s.COLUMN] == "total" else f"（{column_zh(row[s.COLUMN])}）"
                cells = [row["_row"], row["_year_row"], *(row["_carry_rows"] or [])]
                observed, expected = row[s.AMOUNT_YUAN], row["_expected"]
                missing_zh = "" if carry_names else "（表中未列结转结余数）"
                out.append(
                    (
                        _finding(
                            row,
                            f"{row[s.DOC_ID]}|{row[s.FISCAL_YEAR]}|{table}|{side}|{row[s.COLUMN]}{basis_key}",
                            f"{table_zh}·{side_zh}{row[s.NAME]}{column}{basis_zh}",
                            observed=observed,
                            expected=expected,
                            tolerance=row["_tolerance"],
                            message_zh=f"{table_zh}{column}{basis_zh}：{row[s.NAME]} {wan(observed)}，而 {parts_zh}"
                            f"{missing_zh} 为 {wan(expected)}，相差 {wan(observed - expected)}；"
                            f"{row[s.NAME]}应等于{parts_zh}，请核实总计或结转结余数",
                            message_en=f"{table_en}{basis_en}, {side} side ({row[s.COLUMN]}): {row[s.NAME]} is {wan_en(observed)} "
                            f"but the year's figure plus the balances carried ({len(carry_names)} printed) come to "
                            f"{wan_en(expected)}, {wan_en(observed - expected)} apart; ask which figure is wrong",
                            involved=_cells_of(lines, cells),
                        ),
                        frozenset(cells),
                    )
                )
    return out


@rule(
    "cross.carryover_balance",
    "cross",
    "error",
    "收支总表总计等于本年收支合计加结转结余",
    "A summary's grand total equals the year's income (spending) plus the balances carried in (out)",
)
def carryover_balance(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """On each side of a 收支总表 and a 财政拨款收支总表, per column: budget 收入总计 = 本年收入合计 + 上年结转
    (+ 使用非财政拨款结余), 支出总计 = 本年支出合计 (+ 结转下年); 决算 总计 = 本年收入合计 + 年初结转和结余 (+ 使用
    非财政拨款结余) = 本年支出合计 + 结余分配 + 年末结转和结余. The rows of the balances are ``summary_rows.csv``;
    one the table leaves blank counts as 0. A table that prints no 本年收入合计 (the grand total is the year's
    figure) is not checked."""
    return _report("cross.carryover_balance", ds, settings)


# --- 收入总表 and 支出总表 by 功能分类 code ---------------------------------------------------------------------

_BY_CODE_KEY = [s.DOC_ID, s.FISCAL_YEAR, s.AMOUNT_BASIS]


def _by_code_found(ds: Dataset, lines: pl.DataFrame, settings: Settings) -> list[_Found]:
    names = _table_names()
    budget = lines.filter((pl.col(s.PHASE) == "budget") & (pl.col(s.COLUMN) == "total"))
    income = budget.filter(pl.col(s.TABLE) == "income_summary")
    spending = budget.filter(pl.col(s.TABLE) == "expenditure_summary")

    def total_of(frame: pl.DataFrame, alias: str) -> pl.DataFrame:
        return (
            frame.filter((pl.col(s.CLASSIFICATION) == "total") & pl.col(s.CODE).is_null())
            .unique(_BY_CODE_KEY, keep="first")
            .select(*_BY_CODE_KEY, pl.col(s.AMOUNT_YUAN).alias(alias), pl.col("step").alias(f"{alias}_step"))
        )

    # The codes agree only where the two tables hold the same money: their 合计 agree (a 收入总表 that counts 上年结转
    # and a 支出总表 that leaves 结转下年 out, or a 决算's income and spending, differ code by code by right).
    same_money = (
        total_of(income, "_in")
        .join(total_of(spending, "_out"), on=_BY_CODE_KEY)
        .filter((pl.col("_in") - pl.col("_out")).abs() <= pl.col("_in_step") + pl.col("_out_step"))
        .select(_BY_CODE_KEY)
    )
    coded = [*_BY_CODE_KEY, s.CODE]
    pairs = (
        income.filter(pl.col(s.CODE).is_not_null())
        .unique(coded, keep="first")
        .join(same_money, on=_BY_CODE_KEY)
        .join(
            spending.filter(pl.col(s.CODE).is_not_null())
            .unique(coded, keep="first")
            .select(*coded, s.AMOUNT_YUAN, "step", "_row", s.VERIFICATION),
            on=coded,
            suffix="_out",
        )
        .filter(~_DOUBTED & ~(pl.col(f"{s.VERIFICATION}_out") == "contradicted"))
        .with_columns(
            (pl.col(s.AMOUNT_YUAN) - pl.col(f"{s.AMOUNT_YUAN}_out")).alias("_variance"),
            (pl.col("step") + pl.col("step_out")).alias("_tolerance"),
        )
        .filter(pl.col("_variance").abs() > pl.col("_tolerance"))
        .sort(pl.col(s.CODE).str.len_chars(), descending=True)
    )
    # A difference its flagged children explain in full is theirs: the deepest code that differs is reported.
    explained: dict[tuple[object, ...], object] = {}
    out: list[_Found] = []
    (income_zh, income_en), (spending_zh, spending_en) = names["income_summary"], names["expenditure_summary"]
    for row in pairs.iter_rows(named=True):
        place = (row[s.DOC_ID], row[s.FISCAL_YEAR], row[s.AMOUNT_BASIS])
        parent = (*place, row[s.PARENT_CODE])
        explained[parent] = explained.get(parent, 0) + row["_variance"]  # type: ignore[operator]
        if explained.get((*place, row[s.CODE])) == row["_variance"]:
            continue
        basis_key, basis_zh, basis_en = _basis(row)
        observed, expected = row[s.AMOUNT_YUAN], row[f"{s.AMOUNT_YUAN}_out"]
        cells = [row["_row"], row["_row_out"]]
        out.append(
            (
                _finding(
                    row,
                    f"{row[s.DOC_ID]}|{row[s.FISCAL_YEAR]}|{row[s.CODE]}{basis_key}",
                    f"{row[s.CODE]} {row[s.NAME]}{basis_zh}",
                    observed=observed,
                    expected=expected,
                    tolerance=row["_tolerance"],
                    message_zh=f"{row[s.CODE]} {row[s.NAME]}{basis_zh}：{income_zh}（合计）为 {wan(observed)}，{spending_zh}（合计）为 "
                    f"{wan(expected)}，相差 {wan(observed - expected)}；两表合计一致，同一科目的收入与支出也应一致，"
                    f"请核实该科目在哪张表中有误",
                    message_en=f"{row[s.CODE]} {row[s.NAME]}{basis_en}: {wan_en(observed)} in the {income_en} table but "
                    f"{wan_en(expected)} in the {spending_en} table ({wan_en(observed - expected)} apart), though the two "
                    f"tables' totals agree; ask which table misstates the code",
                    involved=_cells_of(lines, cells),
                ),
                frozenset(cells),
            )
        )
    return out


@rule(
    "cross.income_spending_by_code",
    "cross",
    "error",
    "收入总表与支出总表同一功能分类科目的合计一致",
    "The income and expenditure tables agree code by code",
)
def income_spending_by_code(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """A budget's 收入总表 and 支出总表, for each 功能分类 code both list: the 合计 column agrees, where the two
    tables' own totals agree (they then hold the same money; a 决算's income and spending differ by the balances)."""
    return _report("cross.income_spending_by_code", ds, settings)


# --- 人员经费 / 公用经费: the 收支总表 against the economic table -------------------------------------------------

_SPLIT = ("personnel", "public")


@cache
def _economic_groups() -> dict[str, tuple[str, ...]]:
    """``basic_economic_groups.csv``: the economic classes (类) of 人员经费 and of 公用经费."""
    groups: dict[str, list[str]] = {group: [] for group in _SPLIT}
    for row in reference_rows("basic_economic_groups.csv"):
        groups[row["group"]].append(row["code"])
    return {group: tuple(codes) for group, codes in groups.items()}


def _economic_split(lines: pl.DataFrame, group: str) -> pl.DataFrame:
    """Per document, year and basis: the economic table's 人员经费 (公用经费) as the first way printed there gives it:
    its 合计 row's 人员经费 column, a 决算's 人员经费合计 half, or the sum of its classes (``_economic_groups``)."""
    table = lines.filter(pl.col(s.TABLE) == "general_budget_basic_economic")
    half = "人员经费合计" if group == "personnel" else "公用经费合计"
    ways = [
        table.filter(
            (pl.col(s.CLASSIFICATION) == "total") & pl.col(s.NAME).is_in(_TOTAL_NAMES) & (pl.col(s.COLUMN) == group)
        ),
        table.filter(pl.col(s.NAME).str.starts_with(half) & (pl.col(s.COLUMN) == "total")),
        table.filter(
            (pl.col(s.LEVEL) == 1)
            & pl.col(s.CODE).is_in(list(_economic_groups()[group]))
            & (pl.col(s.COLUMN) == "total")
        ),
    ]
    labels = [
        f"合计·{column_zh(group)}",
        half,
        "+".join(
            name
            for name in (row["name"] for row in reference_rows("basic_economic_groups.csv") if row["group"] == group)
        ),
    ]
    out = []
    for number, way in enumerate(ways):
        picked = (
            way.unique([*_FIGURE_KEY, s.CODE, s.NAME], keep="first")
            .group_by(_FIGURE_KEY)
            .agg(
                pl.col(s.AMOUNT_YUAN).sum().alias("_economic"),
                pl.col("step").sum().alias("_economic_step"),
                pl.col("_row").alias("_economic_rows"),
                _DOUBTED.any().alias("_economic_doubted"),
            )
        )
        out.append(picked.with_columns(pl.lit(number).alias("_way"), pl.lit(labels[number]).alias("_label")))
    return pl.concat(out).sort("_way").unique(list(_FIGURE_KEY), keep="first")


def _split_found(ds: Dataset, lines: pl.DataFrame, settings: Settings) -> list[_Found]:
    names = _table_names()
    summary = lines.filter(pl.col(s.TABLE) == "income_expenditure_summary")
    # The 收支总表 covers every fund, the economic table the 一般公共预算 only: they split the same 基本支出 when the
    # summary's income is all 一般公共预算, or when its 基本支出 (人员经费 + 公用经费) is the economic table's.
    income_total = (
        summary.filter(
            (pl.col(s.SIDE) == "income") & (pl.col(s.CLASSIFICATION) == "total") & (pl.col(s.COLUMN) == "total")
        )
        .unique(list(_FIGURE_KEY), keep="first")
        .select(*_FIGURE_KEY, pl.col(s.AMOUNT_YUAN).alias("_income"), pl.col("step").alias("_income_step"))
    )
    general = (
        summary.filter(
            (pl.col(s.SIDE) == "income")
            & pl.col(s.NAME).is_in(
                [n for row in _summary_rows() if row["key"] == "general_budget" for n in row["names"]]
            )  # type: ignore[union-attr]
            & (pl.col(s.COLUMN) == "total")
        )
        .unique(list(_FIGURE_KEY), keep="first")
        .select(*_FIGURE_KEY, pl.col(s.AMOUNT_YUAN).alias("_general"))
    )
    parts = {}
    for group in _SPLIT:
        printed = summary.filter(
            (pl.col(s.SIDE) == "expenditure") & (pl.col(s.CLASSIFICATION) == "total") & (pl.col(s.COLUMN) == group)
        ).unique(list(_FIGURE_KEY), keep="first")
        parts[group] = printed.join(_economic_split(lines, group), on=list(_FIGURE_KEY))
    both = (
        parts["personnel"]
        .select(*_FIGURE_KEY, pl.col(s.AMOUNT_YUAN).alias("_p"), pl.col("_economic").alias("_pe"))
        .join(
            parts["public"].select(*_FIGURE_KEY, pl.col(s.AMOUNT_YUAN).alias("_q"), pl.col("_economic").alias("_qe")),
            on=list(_FIGURE_KEY),
        )
    )
    same_basic = both.filter(pl.col("_p") + pl.col("_q") == pl.col("_pe") + pl.col("_qe")).select(_FIGURE_KEY)
    only_general = (
        income_total.join(general, on=list(_FIGURE_KEY))
        .filter((pl.col("_income") - pl.col("_general")).abs() <= pl.col("_income_step"))
        .select(_FIGURE_KEY)
    )
    comparable = pl.concat([same_basic, only_general]).unique()
    summary_zh, summary_en = names["income_expenditure_summary"]
    economic_zh, economic_en = names["general_budget_basic_economic"]
    out: list[_Found] = []
    for group in _SPLIT:
        checks = (
            parts[group]
            .join(comparable, on=list(_FIGURE_KEY))
            .filter(~_DOUBTED & ~pl.col("_economic_doubted"))
            .with_columns((pl.col("step") + pl.col("_economic_step")).alias("_tolerance"))
            .filter((pl.col(s.AMOUNT_YUAN) - pl.col("_economic")).abs() > pl.col("_tolerance"))
        )
        for row in checks.iter_rows(named=True):
            basis_key, basis_zh, basis_en = _basis(row)
            label = column_zh(group)
            observed, expected = row[s.AMOUNT_YUAN], row["_economic"]
            cells = [row["_row"], *row["_economic_rows"]]
            out.append(
                (
                    _finding(
                        row,
                        f"{row[s.DOC_ID]}|{row[s.FISCAL_YEAR]}|{group}{basis_key}",
                        f"基本支出·{label}{basis_zh}",
                        observed=observed,
                        expected=expected,
                        tolerance=row["_tolerance"],
                        message_zh=f"基本支出中的{label}{basis_zh}：{summary_zh}（{row[s.NAME]}·{label}）为 {wan(observed)}，"
                        f"{economic_zh}（{row['_label']}）为 {wan(expected)}，相差 {wan(observed - expected)}；"
                        f"请核实{label}在哪张表中有误",
                        message_en=f"{group} expenditure{basis_en}: {wan_en(observed)} in the {summary_en} table but "
                        f"{wan_en(expected)} in the {economic_en} table ({wan_en(observed - expected)} apart); ask which "
                        f"table is wrong",
                        involved=_cells_of(lines, cells),
                    ),
                    frozenset(cells),
                )
            )
    return out


@rule(
    "cross.personnel_public",
    "cross",
    "error",
    "收支总表的人员经费、公用经费与基本支出经济分类表一致",
    "The summary's personnel and public spending agree with the economic table",
)
def personnel_public(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """Where a 收支总表 splits 基本支出 into 人员经费 and 公用经费 (Shanghai's 预算单位财务收支预算总表 does), each half
    against the 一般公共预算基本支出经济分类表: its own 合计 column of that half where printed, else the sum of its
    classes (``basic_economic_groups.csv``: 工资福利支出 + 对个人和家庭的补助; 商品和服务支出 + 资本性支出 …)."""
    return _report("cross.personnel_public", ds, settings)


# --- a total of 0 whose parts are not, and the reverse ----------------------------------------------------------

_PART_GROUP = [s.DOC_ID, s.TABLE, s.SIDE, s.COLUMN, s.AMOUNT_BASIS, s.FISCAL_YEAR]


def _table_rule_places(ds: Dataset, settings: Settings) -> set[tuple[object, ...]]:
    """Where the rules inside a table already found a total wrong (a 0 total against its parts is one of them)."""
    from analytics.checks._rules import table as inside

    places: set[tuple[object, ...]] = set()
    for check in (inside.parent_sum, inside.columns_sum, inside.total_of_rows):
        for items in check(ds, settings).get_column(s.EVIDENCE).to_list():
            places.update((e[s.DOC_ID], e["table_or_part"], e[s.PAGE], e[s.LINE]) for e in items)
    return places


def _zero_found(ds: Dataset, lines: pl.DataFrame, settings: Settings) -> list[_Found]:
    names = _table_names()
    known = _table_rule_places(ds, settings)
    amount = pl.col(s.AMOUNT_YUAN)
    # A table with a figure the reader could not put under a named column (``column_2``) has cells whose column is
    # in doubt: a blank there may be a figure printed out of line, so its totals are not judged here.
    placed = [s.DOC_ID, s.TABLE]
    unplaced = lines.filter(pl.col(s.COLUMN).str.starts_with("column_")).select(placed).unique()
    lines = lines.join(unplaced, on=placed, how="anti")
    # A row is known by its table, place and name; its cell in a column is blank when it printed nothing there.
    rows = lines.select(
        s.DOC_ID,
        s.TABLE,
        s.SIDE,
        s.AMOUNT_BASIS,
        s.FISCAL_YEAR,
        s.CODE,
        s.PARENT_CODE,
        s.LEVEL,
        s.CLASSIFICATION,
        s.NAME,
        s.PAGE,
        s.LINE,
    ).unique([s.DOC_ID, s.TABLE, s.SIDE, s.AMOUNT_BASIS, s.FISCAL_YEAR, s.CODE, s.NAME], keep="first")
    columns = lines.select(s.DOC_ID, s.TABLE, s.SIDE, s.AMOUNT_BASIS, s.FISCAL_YEAR, s.COLUMN).unique()
    grid = rows.join(columns, on=[s.DOC_ID, s.TABLE, s.SIDE, s.AMOUNT_BASIS, s.FISCAL_YEAR])
    cell_key = [s.DOC_ID, s.TABLE, s.SIDE, s.AMOUNT_BASIS, s.FISCAL_YEAR, s.CODE, s.NAME, s.COLUMN]
    cells = grid.join(
        lines.unique(cell_key, keep="first").select(*cell_key, amount, "step", "_row", s.VERIFICATION, s.DEPARTMENT_ID),
        on=cell_key,
        how="left",
        nulls_equal=True,
    )
    value = amount.fill_null(0)
    # Parts: a 类's (款's) children; a table's 合计 row's 类 rows.
    children = (
        cells.filter(pl.col(s.PARENT_CODE).is_not_null())
        .group_by([*_PART_GROUP, s.PARENT_CODE])
        .agg(
            value.sum().alias("_parts"),
            (value != 0).any().alias("_any"),
            pl.col("step").fill_null(0).sum().alias("_parts_step"),
            pl.col("_row").drop_nulls().alias("_part_rows"),
            (pl.col(s.VERIFICATION) == "contradicted").any().alias("_parts_doubted"),
        )
    )
    top = (
        cells.filter(pl.col(s.LEVEL) == 1)
        .group_by(_PART_GROUP)
        .agg(
            value.sum().alias("_parts"),
            (value != 0).any().alias("_any"),
            pl.col("step").fill_null(0).sum().alias("_parts_step"),
            pl.col("_row").drop_nulls().alias("_part_rows"),
            (pl.col(s.VERIFICATION) == "contradicted").any().alias("_parts_doubted"),
        )
    )
    coded = cells.filter(pl.col(s.CODE).is_not_null()).join(
        children, left_on=[*_PART_GROUP, s.CODE], right_on=[*_PART_GROUP, s.PARENT_CODE]
    )
    totals = cells.filter((pl.col(s.CLASSIFICATION) == "total") & pl.col(s.CODE).is_null()).join(top, on=_PART_GROUP)
    candidates = pl.concat([coded, totals], how="diagonal_relaxed").with_columns(value.alias("_total"))
    broken = candidates.filter(
        ~(pl.col(s.VERIFICATION) == "contradicted").fill_null(False)
        & ~pl.col("_parts_doubted").fill_null(False)
        & (
            ((pl.col("_total") == 0) & pl.col("_any") & (pl.col("_parts").abs() > pl.col("_parts_step")))
            | ((pl.col("_total") != 0) & ~pl.col("_any") & (pl.col("_total").abs() > pl.col("step").fill_null(0)))
        )
    )
    # The first line printed at each place (document, table, page, line), for a blank cell's evidence.
    place = [s.DOC_ID, s.TABLE, s.PAGE, s.LINE]
    first_at = lines.group_by(place).agg(pl.col("_row").first().alias("_place_row"))
    broken = broken.join(first_at, on=place, how="left", maintain_order="left")
    out: list[_Found] = []
    for row in broken.iter_rows(named=True):
        if (row[s.DOC_ID], row[s.TABLE], row[s.PAGE], row[s.LINE]) in known:
            continue
        # The row is printed (in another column) even where this cell is blank: its place is the evidence.
        total_cells = [row["_row"] if row["_row"] is not None else row["_place_row"]]
        part_cells = list(row["_part_rows"] or [])
        involved = _cells_of(lines, total_cells + part_cells)
        first = involved.row(0, named=True)
        table_zh, table_en = names.get(row[s.TABLE], (row[s.TABLE], row[s.TABLE]))
        label = f"{row[s.CODE]} {row[s.NAME]}" if row[s.CODE] else str(row[s.NAME])
        column = column_zh(row[s.COLUMN])
        basis_key, basis_zh, basis_en = _basis(row)
        parts_zh = "下级科目" if row[s.CODE] else "各类科目"
        printed_zh = "0" if row["_row"] is not None else "空白"
        observed, expected = row["_total"], row["_parts"]
        if observed == 0:
            zh = (
                f"{table_zh}「{label}」（{column}）{basis_zh}为{printed_zh}，而其{parts_zh}合计 {wan(expected)}；"
                f"请核实该栏是否漏填，或{parts_zh}是否误填"
            )
            en = (
                f"{table_en}: {label} ({row[s.COLUMN]}){basis_en} is {'0' if row['_row'] is not None else 'blank'} "
                f"but its parts add up to {wan_en(expected)}; ask whether the total was left out"
            )
        else:
            zh = (
                f"{table_zh}「{label}」（{column}）{basis_zh}为 {wan(observed)}，而其{parts_zh}在该栏均为 0 或空白；"
                f"请核实该栏的明细是否漏填"
            )
            en = (
                f"{table_en}: {label} ({row[s.COLUMN]}){basis_en} is {wan_en(observed)} but its parts are all 0 or "
                f"blank in that column; ask whether the detail was left out"
            )
        finding = _finding(
            {**row, s.DEPARTMENT_ID: first[s.DEPARTMENT_ID]},
            f"{row[s.DOC_ID]}|{row[s.TABLE]}|{row[s.SIDE]}|{row[s.CODE] or row[s.NAME]}|{row[s.COLUMN]}|{row[s.FISCAL_YEAR]}{basis_key}",
            f"{table_zh} · {label} · {column}{basis_zh}",
            observed=observed,
            expected=expected,
            tolerance=(row["step"] or first["step"]) + row["_parts_step"],
            message_zh=zh,
            message_en=en,
            involved=involved,
        )
        out.append((finding, frozenset(total_cells + part_cells)))
    return out


@rule(
    "cross.zero_total",
    "cross",
    "error",
    "合计为 0（或空白）而明细不为 0，或合计不为 0 而明细均为 0",
    "A total of 0 (or blank) whose parts are not, or a total whose parts are all 0",
)
def zero_total(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """In any coded table, per column: a 类 (款) or the 合计 row left 0 or blank while its children (类 rows) are not,
    or printed while they are all 0 or blank. What ``table.parent_sum`` / ``table.total_of_rows`` already find (a
    printed 0 against its parts) is theirs."""
    return _report("cross.zero_total", ds, settings)


_IDENTITIES: tuple[tuple[str, Callable[[Dataset, pl.DataFrame, Settings], list[_Found]]], ...] = (
    ("cross.same_figure", _same_figure_found),
    ("cross.carryover_balance", _carryover_found),
    ("cross.income_spending_by_code", _by_code_found),
    ("cross.personnel_public", _split_found),
    ("cross.zero_total", _zero_found),
)
