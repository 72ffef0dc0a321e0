"""Rules between the narrative (预算情况说明) and the numbers: changes, shares, items, totals, repeats."""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal
from fractions import Fraction

import polars as pl

from analytics import schema as s
from analytics.checks._engine import Settings, evidence, findings, rule
from analytics.checks._rules._common import line_evidence, pct, wan
from analytics.compare import yearly_totals
from analytics.store import Dataset

_PART = "narrative"


def _with_parent(statements: pl.DataFrame) -> pl.DataFrame:
    """Each statement with the statement it is an item of: the nearest earlier one whose subject is its parent."""
    parents = statements.select(
        s.DOC_ID,
        pl.col(s.SUBJECT).alias(s.PARENT_SUBJECT),
        pl.col(s.SEQ).alias("parent_seq"),
        pl.col(s.AMOUNT_YUAN).alias("parent_amount"),
    )
    linked = (
        statements.join(parents, on=[s.DOC_ID, s.PARENT_SUBJECT], how="inner")
        .filter(pl.col("parent_seq") < pl.col(s.SEQ))
        .sort("parent_seq")
        .group_by([s.DOC_ID, s.SEQ], maintain_order=True)
        .agg(pl.col("parent_seq").last(), pl.col("parent_amount").last())
    )
    return statements.join(linked, on=[s.DOC_ID, s.SEQ], how="left")


_PERCENT = re.compile(r"(\d+(?:\.(\d+))?)\s*%")


def _printed_places(text: str, value: Decimal) -> int:
    """How many decimals a percentage was printed with in ``text`` ("22%" → 0, "54.9%" → 1, "17.10%" → 2).

    The statements keep the value, not its printing (17.1000 for "17.10%"), so the decimals are read back from the
    sentence. A value the sentence does not print (a test's row, a reading that joined lines oddly) is taken at the
    decimals it has, and at least two, as the standard forms print percentages."""
    for number, decimals in _PERCENT.findall(unicodedata.normalize("NFKC", text or "")):
        if Decimal(number) == value:
            return len(decimals)
    return max(2, -min(0, int(value.normalize().as_tuple().exponent)))


def _printed_readings(exact: Fraction, places: int) -> list[Decimal]:
    """What a percentage of exact value ``exact`` may be printed as with ``places`` decimals: rounded half up
    (四舍五入) and truncated, both away from / towards zero by magnitude. The rounded one comes first."""
    scale = 10**places
    magnitude = abs(exact) * scale
    sign = -1 if exact < 0 else 1
    rounded = Decimal(sign * math.floor(magnitude + Fraction(1, 2))).scaleb(-places)
    truncated = Decimal(sign * math.floor(magnitude)).scaleb(-places)
    return [rounded] if rounded == truncated else [rounded, truncated]


def _row(statement: dict[str, object], **fields: object) -> dict[str, object]:
    return {
        s.DEPARTMENT_ID: statement[s.DEPARTMENT_ID],
        s.FISCAL_YEAR: statement[s.FISCAL_YEAR],
        s.DOC_ID: statement[s.DOC_ID],
        s.SUBJECT: statement[s.SUBJECT],
        s.EVIDENCE: [line_evidence(statement, part=_PART)],
        **fields,
    }


def _stated_pct_misses(statements: pl.DataFrame, stated: str, amount: str, base: str) -> list[dict[str, object]]:
    """Statements whose percentage ``stated`` is neither ``amount`` × 100 / ``base`` rounded half up nor truncated
    to the decimals it was printed with (the policy: settings.toml, [tolerance]). Each miss carries ``_expected``
    (the exact percentage to four decimals), ``_variance``, ``_readings`` (what the text should print),
    ``_printed`` (the stated value as printed) and ``_tolerance`` (one printed step)."""
    candidates = statements.with_columns(
        (pl.col(amount).cast(pl.Decimal(38, 8)) * 100 / pl.col(base)).alias("_approx")
    ).filter(pl.col(stated).cast(pl.Decimal(38, 8)) != pl.col("_approx"))  # an exact hit needs no judging
    misses = []
    for row in candidates.iter_rows(named=True):
        value = Decimal(str(row[stated]))
        exact = Fraction(Decimal(str(row[amount]))) * 100 / Fraction(Decimal(str(row[base])))
        places = _printed_places(str(row[s.SOURCE_TEXT]), value)
        readings = _printed_readings(exact, places)
        if value in readings:
            continue
        expected = _printed_readings(exact, 4)[0]
        row.update(
            _expected=expected,
            _variance=value - expected,
            _readings=readings,
            _printed=f"{value.quantize(Decimal(1).scaleb(-places))}%",
            _tolerance=Decimal(1).scaleb(-places),
        )
        misses.append(row)
    return misses


def _readings_text(row: dict[str, object], word: str) -> str:
    """The accepted printings of a miss: "17.14%" or "17.14% / 17.13%" (``word`` joins them: "或", "or")."""
    return f" {word} ".join(f"{reading}%" for reading in row["_readings"])  # type: ignore[attr-defined]


def _pct_row(row: dict[str, object], stated: str, message_zh: str, message_en: str) -> dict[str, object]:
    """The finding of a stated percentage found by ``_stated_pct_misses``."""
    return _row(
        row,
        key=f"{row[s.DOC_ID]}|{row[s.SEQ]}",
        measure="percent",
        observed=row[stated],
        expected=row["_expected"],
        variance=row["_variance"],
        threshold=row["_tolerance"],
        message_zh=message_zh,
        message_en=message_en,
    )


@rule(
    "narrative.change_pct",
    "narrative",
    "warning",
    "文字说明的增减百分比与增减额一致",
    "A stated % change agrees with the stated change and amount",
)
def change_pct(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """增加 / 减少 X 万元，增长 / 下降 Y%: Y recomputed as X over the compared figure (amount ∓ X), judged exactly:
    Y must be that percentage rounded half up or truncated to the decimals Y was printed with."""
    sign = pl.when(pl.col(s.DIRECTION) == "减少").then(-1).otherwise(1)
    stated = ds.statements.filter(
        pl.col(s.STATED_CHANGE_YUAN).is_not_null()
        & pl.col(s.STATED_CHANGE_PCT).is_not_null()
        & pl.col(s.DIRECTION).is_in(["增加", "减少"])
    ).with_columns((pl.col(s.AMOUNT_YUAN) - sign * pl.col(s.STATED_CHANGE_YUAN)).alias("_previous"))
    misses = _stated_pct_misses(
        stated.filter(pl.col("_previous") > 0), s.STATED_CHANGE_PCT, s.STATED_CHANGE_YUAN, "_previous"
    )
    return findings(
        _pct_row(
            row,
            s.STATED_CHANGE_PCT,
            f"{row[s.SUBJECT]}：文中{row[s.DIRECTION]} {wan(row[s.STATED_CHANGE_YUAN])}、{row['_printed']}，"
            f"按 {wan(row[s.AMOUNT_YUAN])} 与上年 {wan(row['_previous'])} 计算为 {pct(row['_expected'])}，"
            f"应印为 {_readings_text(row, '或')}",
            f"{row[s.SUBJECT]}: the text states a change of {wan(row[s.STATED_CHANGE_YUAN])} and "
            f"{row['_printed']}; from {wan(row[s.AMOUNT_YUAN])} against {wan(row['_previous'])} it is "
            f"{pct(row['_expected'])}, to be printed {_readings_text(row, 'or')}",
        )
        for row in misses
    )


@rule(
    "narrative.share",
    "narrative",
    "warning",
    "文字说明的占比与金额一致",
    "A stated share agrees with the amounts",
)
def share(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """占 Z%: Z recomputed as the amount over the amount of the statement it is an item of, judged exactly: Z must be
    that share rounded half up or truncated to the decimals Z was printed with."""
    items = _with_parent(ds.statements).filter(
        pl.col(s.STATED_SHARE_PCT).is_not_null() & pl.col("parent_amount").is_not_null() & (pl.col("parent_amount") > 0)
    )
    misses = _stated_pct_misses(items, s.STATED_SHARE_PCT, s.AMOUNT_YUAN, "parent_amount")
    return findings(
        _pct_row(
            row,
            s.STATED_SHARE_PCT,
            f"{row[s.SUBJECT]} {wan(row[s.AMOUNT_YUAN])} 占 {row[s.PARENT_SUBJECT]} {wan(row['parent_amount'])} "
            f"为 {pct(row['_expected'])}，应印为 {_readings_text(row, '或')}，文中为 {row['_printed']}",
            f"{row[s.SUBJECT]} {wan(row[s.AMOUNT_YUAN])} is {pct(row['_expected'])} of {row[s.PARENT_SUBJECT]} "
            f"{wan(row['parent_amount'])}, to be printed {_readings_text(row, 'or')}; the text says {row['_printed']}",
        )
        for row in misses
    )


def _in_runs(items: list[Decimal], total: Decimal, step: Decimal) -> bool:
    """Whether ``items``, in the order printed, fall into consecutive runs that each add up to ``total`` (within a
    rounding step per figure), with nothing but zeros left over. "收入 X，其中财政拨款收入 X；事业收入 0" is one run
    (the item that is the whole, then zeros); "收支总预算 X，其中本年收入 a，上年结转 b；本年支出 c，结转下年 d" two."""
    run, count, closed = Decimal(0), 0, False
    for amount in items:
        run, count = run + amount, count + 1
        if abs(total - run) <= (count + 1) * step:
            run, count, closed = Decimal(0), 0, True
    return closed and run == 0


@rule(
    "narrative.items_sum",
    "narrative",
    "info",
    "分项说明之和与所说明的总额一致",
    "Itemized explanations add up to the total they explain",
)
def items_sum(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """Items that do not add up to the total they explain. Info only: the items are inferred from the text's layout
    (其中 / numbered lists), and a 其中 may list the main items only."""
    step = settings.decimal("tolerance", "wan_per_figure_yuan")
    parent_year = ds.statements.select(s.DOC_ID, pl.col(s.SEQ).alias("parent_seq"), pl.col(s.FISCAL_YEAR).alias("_py"))
    # Items are figures of the parent's year. One equal to the parent is either the parent restated ("2024 年预算安排
    # X 万元" after "X 万元") or the whole of it ("其中：财政拨款收入 X 万元；事业收入 0 万元"): left out of the sum,
    # but kept in the order of the items, where ``_in_runs`` sees the second case.
    linked = (
        _with_parent(ds.statements)
        .filter(pl.col("parent_seq").is_not_null())
        .join(parent_year, on=[s.DOC_ID, "parent_seq"])
        .filter(pl.col(s.FISCAL_YEAR) == pl.col("_py"))
        .drop("_py")
    )
    groups = (
        linked.group_by([s.DOC_ID, "parent_seq"])
        .agg(
            pl.col(s.AMOUNT_YUAN).filter(pl.col(s.AMOUNT_YUAN) != pl.col("parent_amount")).sum().alias("_items"),
            pl.col(s.AMOUNT_YUAN).filter(pl.col(s.AMOUNT_YUAN) != pl.col("parent_amount")).len().alias("_count"),
            pl.col(s.AMOUNT_YUAN).sort_by(s.SEQ).alias("_all"),
            pl.col("parent_amount").first(),
            pl.col(s.PARENT_SUBJECT).first(),
        )
        .with_columns(
            (pl.col("parent_amount") - pl.col("_items")).alias("_variance"),
            (pl.col("_count") + 1).cast(pl.Decimal(38, 2)).mul(step).alias("_tolerance"),
        )
        # A breakdown needs two items, and items to be found: items of 0 only ("事业收入 0 万元；其他收入 0 万元"
        # beside the one that is the whole) or a total of 0 (the list read under it belongs to another heading)
        # explain nothing.
        .filter(
            (pl.col("_variance").abs() > pl.col("_tolerance"))
            & (pl.col("_count") >= 2)
            & (pl.col("_items") != 0)
            & (pl.col("parent_amount") != 0)
        )
        .sort(s.DOC_ID, "parent_seq")
        # The same breakdown read twice (a sentence repeated, or linked to two parents) is one finding.
        .unique([s.DOC_ID, s.PARENT_SUBJECT, "parent_amount", "_items", "_count"], keep="first", maintain_order=True)
    )
    out = []
    for row in groups.iter_rows(named=True):
        if _in_runs(row["_all"], row["parent_amount"], step):
            continue
        parent = ds.statements.filter((pl.col(s.DOC_ID) == row[s.DOC_ID]) & (pl.col(s.SEQ) == row["parent_seq"]))
        items = linked.filter((pl.col(s.DOC_ID) == row[s.DOC_ID]) & (pl.col("parent_seq") == row["parent_seq"]))
        head = parent.row(0, named=True)
        over = row["_variance"] < 0
        out.append(
            {
                "key": f"{row[s.DOC_ID]}|{row['parent_seq']}",
                s.DEPARTMENT_ID: head[s.DEPARTMENT_ID],
                s.FISCAL_YEAR: head[s.FISCAL_YEAR],
                s.DOC_ID: row[s.DOC_ID],
                s.SUBJECT: row[s.PARENT_SUBJECT],
                s.MEASURE: "yuan",
                s.OBSERVED: row["_items"],
                s.EXPECTED: row["parent_amount"],
                s.VARIANCE: row["_variance"],
                s.THRESHOLD: row["_tolerance"],
                # Items are inferred from the text's layout (其中 / numbered lists), so a mismatch is a lead to
                # verify, not an established error.
                s.SEVERITY: "info",
                s.MESSAGE_ZH: f"{row[s.PARENT_SUBJECT]} {wan(row['parent_amount'])} 的 {row['_count']} 个分项合计 "
                f"{wan(row['_items'])}，{'超出' if over else '少于'}总额 {wan(abs(row['_variance']))}",
                s.MESSAGE_EN: f"the {row['_count']} items of {row[s.PARENT_SUBJECT]} {wan(row['parent_amount'])} add up "
                f"to {wan(row['_items'])}, {wan(abs(row['_variance']))} {'more' if over else 'less'} than the total",
                s.EVIDENCE: evidence(pl.concat([parent, items.select(parent.columns)]), _PART),
            }
        )
    return findings(out)


@rule(
    "narrative.repeated_value",
    "narrative",
    "warning",
    "同一事项在文中出现两个不同金额",
    "The same item stated twice with two values",
)
def repeated_value(ds: Dataset, settings: Settings) -> pl.DataFrame:
    step = settings.decimal("tolerance", "wan_per_figure_yuan")
    stated = ds.statements.filter(pl.col(s.COMPARE_YEAR).is_null() | pl.col(s.STATED_CHANGE_YUAN).is_not_null())
    groups = (
        stated.group_by([s.DOC_ID, s.FISCAL_YEAR, s.SUBJECT, s.PARENT_SUBJECT])
        .agg(
            pl.col(s.AMOUNT_YUAN).min().alias("_low"),
            pl.col(s.AMOUNT_YUAN).max().alias("_high"),
            pl.col(s.SEQ),
            pl.col(s.DEPARTMENT_ID).first(),
        )
        # A zero is "none this year", and a short subject ("支出", "合计", "年初预算") names no one item.
        .filter(
            ((pl.col("_high") - pl.col("_low")) > step) & (pl.col("_low") > 0) & (pl.col(s.SUBJECT).str.len_chars() > 4)
        )
    )
    out = []
    for row in groups.iter_rows(named=True):
        involved = ds.statements.filter((pl.col(s.DOC_ID) == row[s.DOC_ID]) & pl.col(s.SEQ).is_in(row[s.SEQ]))
        out.append(
            {
                "key": f"{row[s.DOC_ID]}|{row[s.FISCAL_YEAR]}|{row[s.SUBJECT]}|{row[s.PARENT_SUBJECT]}",
                s.DEPARTMENT_ID: row[s.DEPARTMENT_ID],
                s.FISCAL_YEAR: row[s.FISCAL_YEAR],
                s.DOC_ID: row[s.DOC_ID],
                s.SUBJECT: row[s.SUBJECT],
                s.MEASURE: "yuan",
                s.OBSERVED: row["_high"],
                s.EXPECTED: row["_low"],
                s.VARIANCE: row["_high"] - row["_low"],
                s.THRESHOLD: step,
                s.MESSAGE_ZH: f"“{row[s.SUBJECT]}”在文中出现不同金额：{wan(row['_low'])} 与 {wan(row['_high'])}"
                "（可能口径不同，如部门预算与财政拨款，请核实）",
                s.MESSAGE_EN: f"'{row[s.SUBJECT]}' is stated as both {wan(row['_low'])} and {wan(row['_high'])} "
                "(possibly different scopes, e.g. whole budget vs fiscal appropriations: verify)",
                s.EVIDENCE: evidence(involved, _PART),
            }
        )
    return findings(out)


#: A sentence about the whole budget: 收入 / 支出 (预算 / 决算 / 总计 …), possibly after the department's name, but
#: not a part of it (财政拨款, 一般公共预算, 基本 / 项目支出, 政府采购 …).
_TOTAL_SUBJECT = r"^(部门|单位|本年)?(收入|支出|收入、支出|收入支出|收支)(预算|决算)?(总计|合计|总额|总预算)?$"
_PART_WORDS = (
    r"财政拨款|一般公共预算|政府性基金|国有资本|基本|项目|采购|人员|公用|三公|运行|事业|经营|其他|上年|结转|科目|类|款"
)


@rule(
    "narrative.total_vs_tables",
    "narrative",
    "error",
    "文中的收支总额及其增减与表中数字一致",
    "The income and expenditure totals the text states, and their change, agree with the tables",
)
def total_vs_tables(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """A sentence on the whole budget ("部门收入预算 X 万元，比 2022 年减少 Y 万元") against the tables' totals of the
    year and of the compared year; the direction word against the sign of the change. The amount may be the
    table's grand total or one of its printed subtotals (a 决算 text states 本年收入合计, its table ends with 总计)."""
    tolerance = settings.decimal("tolerance", "narrative_yuan") + settings.decimal("tolerance", "wan_per_figure_yuan")
    totals = yearly_totals(ds.lines, documents=ds.documents).select(
        s.DEPARTMENT_ID, s.FISCAL_YEAR, s.SIDE, pl.col(s.AMOUNT_YUAN).alias("_table")
    )
    printed = (
        ds.lines.filter(
            pl.col(s.TABLE).is_in(["income_expenditure_summary", "performance_fund_composition"])
            & pl.col(s.CLASSIFICATION).is_in(["total", "subtotal"])
            & (pl.col(s.COLUMN) == "total")
        )
        .group_by(s.DEPARTMENT_ID, s.FISCAL_YEAR, s.SIDE)
        .agg(pl.col(s.AMOUNT_YUAN).alias("_printed"))
    )
    stated = (
        ds.statements.join(ds.documents.select(s.DOC_ID, pl.col(s.DEPARTMENT).alias("_department")), on=s.DOC_ID)
        .with_columns(pl.col(s.SUBJECT).str.strip_prefix(pl.col("_department")).alias("_subject"))
        .filter(
            pl.col(s.PARENT_SUBJECT).is_null()
            & pl.col("_subject").str.contains(_TOTAL_SUBJECT)
            & ~pl.col("_subject").str.contains(_PART_WORDS)
        )
        .with_columns(
            pl.when(pl.col("_subject").str.contains("支出") & ~pl.col("_subject").str.contains("收入"))
            .then(pl.lit("expenditure"))
            .otherwise(pl.lit("income"))
            .alias(s.SIDE)
        )
        .join(printed, on=[s.DEPARTMENT_ID, s.FISCAL_YEAR, s.SIDE], how="left")
    )
    current = stated.join(totals, on=[s.DEPARTMENT_ID, s.FISCAL_YEAR, s.SIDE], how="inner")
    previous = totals.rename({s.FISCAL_YEAR: s.COMPARE_YEAR, "_table": "_table_previous"})
    both = current.join(previous, on=[s.DEPARTMENT_ID, s.COMPARE_YEAR, s.SIDE], how="left")
    out = []
    for row in both.iter_rows(named=True):
        amount, table = row[s.AMOUNT_YUAN], row["_table"]
        printed_totals = row["_printed"] or [table]
        if amount < table / 2:
            continue  # a figure far below the total is about a part the subject does not name
        if all(abs(amount - figure) > tolerance for figure in printed_totals):
            out.append(
                _row(
                    row,
                    key=f"{row[s.DOC_ID]}|{row[s.SEQ]}|amount",
                    measure="yuan",
                    observed=amount,
                    expected=table,
                    variance=amount - table,
                    threshold=tolerance,
                    message_zh=f"文中{row[s.SUBJECT]} {wan(amount)}，表中总计 {wan(table)}",
                    message_en=f"the text states {row[s.SUBJECT]} {wan(amount)}; the tables' total is {wan(table)}",
                )
            )
        before = row["_table_previous"]
        if before is None or row[s.STATED_CHANGE_YUAN] is None:
            continue
        change = table - before
        stated_change = row[s.STATED_CHANGE_YUAN] * (-1 if row[s.DIRECTION] == "减少" else 1)
        wrong_direction = (change > tolerance and row[s.DIRECTION] == "减少") or (
            change < -tolerance and row[s.DIRECTION] == "增加"
        )
        if wrong_direction or abs(stated_change - change) > 2 * tolerance:
            out.append(
                _row(
                    row,
                    key=f"{row[s.DOC_ID]}|{row[s.SEQ]}|change",
                    measure="yuan",
                    observed=stated_change,
                    expected=change,
                    variance=stated_change - change,
                    threshold=2 * tolerance,
                    message_zh=f"{row[s.SUBJECT]}：文中比 {row[s.COMPARE_YEAR]} 年{row[s.DIRECTION]} "
                    f"{wan(row[s.STATED_CHANGE_YUAN])}，表中由 {wan(before)} 变为 {wan(table)}（{wan(change)}）",
                    message_en=f"{row[s.SUBJECT]}: the text states a change of {wan(stated_change)} against "
                    f"{row[s.COMPARE_YEAR]}; the tables go from {wan(before)} to {wan(table)} ({wan(change)})",
                    severity="error" if wrong_direction else "warning",
                )
            )
    return findings(out)


_LEVEL_NAME = r"([^（(）)“”\"]+)[（(]项[）)]"


@rule(
    "narrative.subject_naming",
    "narrative",
    "info",
    "文中科目名称在表中找不到（名称不一致）",
    "A 科目 the text names (…（项）) that the tables name otherwise",
)
def subject_naming(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """The text quotes function 科目 as "类（类）款（款）项（项）"; the 项 name should be a row of the same disclosure's
    tables. A name no table prints is worth a look (a renamed 科目, a typo, a figure from another year)."""
    disclosure = ds.documents.select(s.DOC_ID, s.DISCLOSURE_ID)
    named = (
        ds.statements.join(disclosure, on=s.DOC_ID)
        .with_columns(pl.col(s.SUBJECT).str.extract(_LEVEL_NAME, 1).str.strip_chars().alias("_item"))
        .filter(pl.col("_item").is_not_null() & (pl.col("_item").str.len_chars() >= 2))
    )
    table_names = (
        ds.lines.filter(pl.col(s.CLASSIFICATION) == "function")
        .join(disclosure, on=s.DOC_ID)
        .select(s.DISCLOSURE_ID, pl.col(s.NAME).alias("_item"))
        .unique()
    )
    with_tables = named.join(table_names.select(s.DISCLOSURE_ID).unique(), on=s.DISCLOSURE_ID)
    unknown = with_tables.join(table_names, on=[s.DISCLOSURE_ID, "_item"], how="anti").unique(
        [s.DOC_ID, "_item"], keep="first", maintain_order=True
    )
    return findings(
        _row(
            row,
            key=f"{row[s.DOC_ID]}|{row['_item']}",
            measure="count",
            message_zh=f"文中科目“{row['_item']}”（项）在本文件的表中找不到同名科目",
            message_en=f"the text names the 科目 '{row['_item']}' (项), which no table of this disclosure prints",
        )
        for row in unknown.iter_rows(named=True)
    )
