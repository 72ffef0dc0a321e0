"""Rules between the narrative (预算情况说明) and the numbers: changes, shares, items, totals, repeats."""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal
from fractions import Fraction

import polars as pl

from analytics import schema as s
from analytics.checks._engine import Settings, evidence, evidence_lists, findings, rule
from analytics.checks._rules._common import line_evidence, pct, table_name, wan, wan_en
from analytics.compare import yearly_totals
from analytics.reference import reference_rows
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
            f"{row[s.SUBJECT]}: the text states a change of {wan_en(row[s.STATED_CHANGE_YUAN])} and "
            f"{row['_printed']}; from {wan_en(row[s.AMOUNT_YUAN])} against {wan_en(row['_previous'])} it is "
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
            f"{row[s.SUBJECT]} {wan_en(row[s.AMOUNT_YUAN])} is {pct(row['_expected'])} of {row[s.PARENT_SUBJECT]} "
            f"{wan_en(row['parent_amount'])}, to be printed {_readings_text(row, 'or')}; the text says {row['_printed']}",
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
    kept = groups.filter(
        pl.Series(
            [not _in_runs(a, p, step) for a, p in groups.select("_all", "parent_amount").iter_rows()], dtype=pl.Boolean
        )
    ).with_row_index("_finding")
    # Evidence: the parent statement, then its items, each in the order of its frame (one join for all findings).
    wanted = [s.DOC_ID, s.PAGE, s.LINE, s.SOURCE_TEXT]
    parents = kept.select("_finding", s.DOC_ID, pl.col("parent_seq").alias(s.SEQ)).join(
        ds.statements.with_row_index("_n"), on=[s.DOC_ID, s.SEQ]
    )
    items = kept.select("_finding", s.DOC_ID, "parent_seq").join(
        linked.with_row_index("_n").with_columns(pl.col("_n") + ds.statements.height), on=[s.DOC_ID, "parent_seq"]
    )
    proofs = evidence_lists(
        pl.concat([parents.select("_finding", "_n", *wanted), items.select("_finding", "_n", *wanted)]),
        "_finding",
        "_n",
        _PART,
    )
    heads = (
        parents.sort("_finding", "_n")
        .group_by("_finding", maintain_order=True)
        .agg(pl.col(s.DEPARTMENT_ID).first().alias("_department"), pl.col(s.FISCAL_YEAR).first().alias("_year"))
    )
    out = []
    for row in (
        kept.join(heads, on="_finding", maintain_order="left")
        .join(proofs, on="_finding", how="left", maintain_order="left")
        .iter_rows(named=True)
    ):
        head = {s.DEPARTMENT_ID: row["_department"], s.FISCAL_YEAR: row["_year"]}
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
                s.MESSAGE_EN: f"the {row['_count']} items of {row[s.PARENT_SUBJECT]} {wan_en(row['parent_amount'])} add up "
                f"to {wan_en(row['_items'])}, {wan_en(abs(row['_variance']))} {'more' if over else 'less'} than the total",
                s.EVIDENCE: row[s.EVIDENCE] or [],
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
    """One subject stated twice with two values; and one measure (``narrative_measures.csv``: 项目支出 and 项目支出预算数,
    公务接待费支出 and 公务接待费预算支出) stated twice with two values, of the same year and basis, neither an item of
    another figure. The 收支 totals are narrative.total_vs_tables'."""
    step = settings.decimal("tolerance", "wan_per_figure_yuan")
    stated = ds.statements.filter(pl.col(s.COMPARE_YEAR).is_null() | pl.col(s.STATED_CHANGE_YUAN).is_not_null())
    agg = (
        pl.col(s.AMOUNT_YUAN).min().alias("_low"),
        pl.col(s.AMOUNT_YUAN).max().alias("_high"),
        pl.col(s.SEQ).sort(),
        pl.col(s.DEPARTMENT_ID).first(),
    )
    by_subject = (
        stated.group_by([s.DOC_ID, s.FISCAL_YEAR, s.SUBJECT, s.PARENT_SUBJECT])
        .agg(*agg)
        # A zero is "none this year", and a short subject ("支出", "合计", "年初预算") names no one item.
        .filter(
            ((pl.col("_high") - pl.col("_low")) > step) & (pl.col("_low") > 0) & (pl.col(s.SUBJECT).str.len_chars() > 4)
        )
    )
    measured = _with_measure(stated).filter(pl.col(s.PARENT_SUBJECT).is_null() & ~pl.col(s.MEASURE).is_in(_TOTALS))
    by_measure = (
        measured.with_columns(_basis(ds.documents).alias(s.AMOUNT_BASIS))
        .group_by([s.DOC_ID, s.FISCAL_YEAR, s.MEASURE, s.AMOUNT_BASIS])
        .agg(*agg, pl.col(s.SUBJECT).first(), pl.col(s.PARENT_SUBJECT).first())
        .filter(((pl.col("_high") - pl.col("_low")) > step) & (pl.col("_low") > 0))
        .select(by_subject.columns)
    )
    groups = pl.concat([by_subject, by_measure]).unique([s.DOC_ID, s.SEQ], keep="first", maintain_order=True)
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
                s.MESSAGE_EN: f"'{row[s.SUBJECT]}' is stated as both {wan_en(row['_low'])} and {wan_en(row['_high'])} "
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
                    message_en=f"the text states {row[s.SUBJECT]} {wan_en(amount)}; the tables' total is {wan_en(table)}",
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
                    message_en=f"{row[s.SUBJECT]}: the text states a change of {wan_en(stated_change)} against "
                    f"{row[s.COMPARE_YEAR]}; the tables go from {wan_en(before)} to {wan_en(table)} ({wan_en(change)})",
                    severity="error" if wrong_direction else "warning",
                )
            )
    return findings(out)


_LEVEL_NAME = r"([^（(）)“”\"]+)[（(]项[）)]"


def _folded_name(name: str) -> str:
    """A 科目 name as the text and the tables are compared: the same with or without its trailing 支出, with 其它 for
    其他, in full-width forms or not (机关事业单位职业年金缴费 is the table's 机关事业单位职业年金缴费支出)."""
    folded = re.sub(r"[\s“”\"]", "", unicodedata.normalize("NFKC", name)).replace("其它", "其他")
    return folded.removesuffix("支出") if len(folded) > 3 else folded


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
        .with_columns(pl.col("_item").map_elements(_folded_name, return_dtype=pl.String).alias("_folded"))
    )
    table_names = (
        ds.lines.filter(pl.col(s.CLASSIFICATION) == "function")
        .join(disclosure, on=s.DOC_ID)
        .select(s.DISCLOSURE_ID, pl.col(s.NAME).map_elements(_folded_name, return_dtype=pl.String).alias("_folded"))
        .unique()
    )
    with_tables = named.join(table_names.select(s.DISCLOSURE_ID).unique(), on=s.DISCLOSURE_ID)
    unknown = with_tables.join(table_names, on=[s.DISCLOSURE_ID, "_folded"], how="anti").unique(
        [s.DOC_ID, "_item"], keep="first", maintain_order=True
    )
    return findings(
        _row(
            row,
            key=f"{row[s.DOC_ID]}|{row['_item']}",
            measure="count",
            message_zh=f"文中科目“{row['_item']}”（项）在本文件的表中找不到同名科目",
            message_en=f"the text names the item '{row['_item']}' (an item-level line of the classification), which no table of this disclosure prints",
        )
        for row in unknown.iter_rows(named=True)
    )


# --- the narrative's figures against the tables' cells, and against each other --------------------------------------

#: Measures whose narrative figure narrative.total_vs_tables already compares with the tables' totals.
_TOTALS = ("income_total", "expenditure_total")


def _measure_patterns() -> list[tuple[str, str]]:
    """(measure, subject pattern) of every narrative wording: ``narrative_measures.csv`` (shared with
    ``analytics.compare``) and the wordings ``narrative_cells.csv`` adds for measures only the checks link."""
    rows = [(row["measure"], row["subject"]) for row in reference_rows("narrative_measures.csv")]
    rows += [(row["measure"], row["subject"]) for row in reference_rows("narrative_cells.csv") if row["subject"]]
    return rows


def _stem() -> pl.Expr:
    """A statement's subject without its basis words (预算, 决算数, 年初预算 …: ``narrative_bases.csv``) and quotes,
    which narrative_measures.csv's wordings are matched on; a fund's name that holds one (一般公共预算) stays."""
    words = sorted(reference_rows("narrative_bases.csv"), key=lambda row: -len(row["word"]))
    kept = [row["word"] if not row["basis"] else "" for row in words]
    return (
        pl.col(s.SUBJECT)
        .str.replace_many([row["word"] for row in words], kept, leftmost=True)
        .str.replace_all(r"[“”\"\s]", "")
    )


def _basis(documents: pl.DataFrame) -> pl.Expr:
    """The basis of a statement's figure: a budget's are its budget; a final account's the basis of the last basis
    word its subject holds (年初预算, 调整预算 …: ``narrative_bases.csv``), its 决算数 when it names none."""
    words = sorted(reference_rows("narrative_bases.csv"), key=lambda row: -len(row["word"]))
    basis_of = {row["word"]: row["basis"] or None for row in words}
    named = (
        pl.col(s.SUBJECT)
        .str.extract_many(list(basis_of), leftmost=True)
        .list.eval(pl.element().replace_strict(basis_of, default=None, return_dtype=pl.String))
        .list.drop_nulls()
        .list.last()
    )
    final = pl.col(s.DOC_ID).is_in(documents.filter(pl.col(s.PHASE) == "final").get_column(s.DOC_ID).implode())
    return pl.when(final).then(named.fill_null(pl.lit("actual"))).otherwise(pl.lit("budget"))


def _with_measure(statements: pl.DataFrame) -> pl.DataFrame:
    """Statements whose subject names a measure, with it (``measure``; the first wording that matches)."""
    stem = statements.with_columns(_stem().alias("_stem"))
    picks = [
        stem.filter(pl.col("_stem").str.contains(pattern)).with_columns(pl.lit(measure).alias(s.MEASURE))
        for measure, pattern in _measure_patterns()
    ]
    if not picks:  # pragma: no cover - the reference files are shipped
        return stem.with_columns(pl.lit(None, pl.String).alias(s.MEASURE))
    return pl.concat(picks).unique([s.DOC_ID, s.SEQ], keep="first", maintain_order=True).drop("_stem")


def _printed_step(amount: Decimal) -> Decimal:
    """The rounding step (元) a narrative figure shows it was printed to: 1 万元, 0.1 万元, 0.01 万元, else 1 元."""
    cents = int(amount * 100)
    for step in (1_000_000, 100_000, 10_000):
        if cents % step == 0:
            return Decimal(step) / 100
    return Decimal(1)


def _cells(ds: Dataset) -> pl.DataFrame:
    """The table cells a narrative measure speaks of (``narrative_cells.csv``), with the disclosure they belong to."""
    rows = reference_rows("narrative_cells.csv")
    spec = pl.DataFrame(
        {
            s.MEASURE: [row["measure"] for row in rows],
            s.TABLE: [row["table"] for row in rows],
            s.SIDE: [row["side"] for row in rows],
            s.COLUMN: [row["column"] for row in rows],
            "_order": list(range(len(rows))),
        }
    )
    disclosure = ds.documents.select(s.DOC_ID, s.DISCLOSURE_ID)
    return (
        ds.lines.filter(pl.col(s.CLASSIFICATION).is_in(["total", "subtotal"]))
        .join(spec, on=[s.TABLE, s.SIDE, s.COLUMN])
        .join(disclosure, on=s.DOC_ID)
        .rename({s.DOC_ID: "_cell_doc"})
    )


def _place(page: object, line: object) -> str:
    """Where a figure is printed, for a message: 第 3 页第 12 行 (a text document's line only: 第 12 行)."""
    return (f"第 {page} 页" if page is not None else "") + (f"第 {line} 行" if line is not None else "")


def _place_en(page: object, line: object) -> str:
    """``_place`` in English: p. 3, line 12 (a text document's line only: line 12)."""
    return ", ".join(([f"p. {page}"] if page is not None else []) + ([f"line {line}"] if line is not None else []))


@rule(
    "narrative.vs_tables",
    "narrative",
    "warning",
    "文中各项数字与表中对应单元格一致",
    "Each figure the narrative states agrees with the table cell it speaks of",
)
def vs_tables(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """Every narrative figure whose subject names a measure (基本支出, 人员经费, “三公”经费 and its items, 机关运行经费,
    财政拨款, 政府采购 …: ``narrative_measures.csv``, ``narrative_cells.csv``) against the cells of the same
    disclosure's tables that print it, for the figure's year: none within the figure's printed rounding is a
    finding that names both places. A measure printed in several cells (基本支出 in the 支出总表 and in the economic
    table) agrees when one of them does. The 收支 totals are narrative.total_vs_tables'."""
    table_step = settings.decimal("tolerance", "wan_per_figure_yuan")
    measured = _with_measure(ds.statements)
    # An item of another figure is of that figure's scope (基本支出 of the 财政拨款, not of the whole budget): only
    # figures of their own, or items of a total or of the 三公经费, are the cells' figures.
    wholes = measured.filter(pl.col(s.MEASURE).is_in([*_TOTALS, "three_public", "vehicles"])).select(
        s.DOC_ID, pl.col(s.SUBJECT).alias(s.PARENT_SUBJECT)
    )
    stated = (
        measured.filter(~pl.col(s.MEASURE).is_in(_TOTALS))
        .filter(
            pl.col(s.PARENT_SUBJECT).is_null()
            | pl.struct(s.DOC_ID, s.PARENT_SUBJECT).is_in(wholes.unique().to_struct().implode())
        )
        .with_columns(_basis(ds.documents).alias(s.AMOUNT_BASIS))
    )
    if stated.is_empty():
        return findings([])
    linked = stated.join(ds.documents.select(s.DOC_ID, s.DISCLOSURE_ID), on=s.DOC_ID).join(
        _cells(ds).select(
            s.DISCLOSURE_ID,
            s.FISCAL_YEAR,
            s.MEASURE,
            s.AMOUNT_BASIS,
            "_order",
            s.TABLE,
            "_cell_doc",
            pl.col(s.AMOUNT_YUAN).alias("_cell"),
            pl.col(s.PAGE).alias("_cell_page"),
            pl.col(s.LINE).alias("_cell_line"),
            pl.col(s.SOURCE_TEXT).alias("_cell_text"),
        ),
        on=[s.DISCLOSURE_ID, s.FISCAL_YEAR, s.MEASURE, s.AMOUNT_BASIS],
    )
    out = []
    for (doc_id, seq), group in linked.group_by([s.DOC_ID, s.SEQ], maintain_order=True):
        row = group.row(0, named=True)
        amount = row[s.AMOUNT_YUAN]
        tolerance = _printed_step(amount) / 2 + table_step
        nearest = min(group.iter_rows(named=True), key=lambda cell: (abs(cell["_cell"] - amount), cell["_order"]))
        if abs(nearest["_cell"] - amount) <= tolerance:
            continue
        table = table_name(nearest[s.TABLE])
        here = _place(row[s.PAGE], row[s.LINE])
        there = _place(nearest["_cell_page"], nearest["_cell_line"])
        here_en, there_en = _place_en(row[s.PAGE], row[s.LINE]), _place_en(nearest["_cell_page"], nearest["_cell_line"])
        out.append(
            _row(
                row,
                key=f"{doc_id}|{seq}",
                measure="yuan",
                observed=amount,
                expected=nearest["_cell"],
                variance=amount - nearest["_cell"],
                threshold=tolerance,
                message_zh=f"文字说明（{here}）{row[s.SUBJECT]} {wan(amount)}，{table}（{there}）为 "
                f"{wan(nearest['_cell'])}，相差 {wan(abs(amount - nearest['_cell']))}；请说明哪一处为准",
                message_en=f"the narrative ({here_en}) states {row[s.SUBJECT]} {wan_en(amount)}; the table “{table_name(nearest[s.TABLE], lang='en')}” "
                f"({there_en}) prints {wan_en(nearest['_cell'])}: ask which is right",
                evidence=[
                    line_evidence(row, part=_PART),
                    {
                        s.DOC_ID: nearest["_cell_doc"],
                        "table_or_part": nearest[s.TABLE],
                        s.PAGE: nearest["_cell_page"],
                        s.LINE: nearest["_cell_line"],
                        s.SOURCE_TEXT: nearest["_cell_text"],
                    },
                ],
            )
        )
    return findings(out)


def _signed(direction: str | None) -> int:
    return {"增加": 1, "减少": -1}.get(direction or "", 0)


@rule(
    "narrative.change_recomputed",
    "narrative",
    "warning",
    "文中增减额、增减率和增减方向与所述两年金额一致",
    "A stated change, % and direction agree with the two amounts the text states",
)
def change_recomputed(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """An item stated for its year and for the year it is compared with in one sentence ("2023 年执行数为 A 万元，
    2024 年预算安排 B 万元，比 2023 年增加 P%"): the change B − A and its percentage recomputed. A stated change
    amount off by more than the rounding of three figures, a stated % that is not the exact percentage rounded half
    up or truncated to its printed decimals (the policy: settings.toml, [tolerance]), or a direction word against
    the sign (减少 where B exceeds A, 大于 where it is smaller, 持平 where they differ) is a finding."""
    step = settings.decimal("tolerance", "wan_per_figure_yuan")
    current = ds.statements.filter(pl.col(s.COMPARE_YEAR).is_not_null())
    prior = ds.statements.select(
        s.DOC_ID,
        s.SOURCE_TEXT,
        pl.col(s.FISCAL_YEAR).alias(s.COMPARE_YEAR),
        pl.col(s.SEQ).alias("_prior_seq"),
        pl.col(s.AMOUNT_YUAN).alias("_prior"),
        pl.col(s.PAGE).alias("_prior_page"),
        pl.col(s.LINE).alias("_prior_line"),
    )
    # The prior figure is the nearest one of the compared year before the figure in its sentence.
    pairs = (
        current.join(prior, on=[s.DOC_ID, s.SOURCE_TEXT, s.COMPARE_YEAR])
        .filter(pl.col("_prior_seq") < pl.col(s.SEQ))
        .sort("_prior_seq")
        .unique([s.DOC_ID, s.SEQ], keep="last", maintain_order=True)
        .with_columns(
            (pl.col(s.AMOUNT_YUAN) - pl.col("_prior")).alias("_change"),
            (pl.col(s.AMOUNT_YUAN) - pl.col("_prior")).abs().alias("_change_abs"),
        )
    )
    out = []
    for row in pairs.iter_rows(named=True):
        change, direction = row["_change"], row[s.DIRECTION]
        places = f"（{_place(row['_prior_page'], row['_prior_line'])}，{_place(row[s.PAGE], row[s.LINE])}）"
        both = f"{row[s.COMPARE_YEAR]} 年 {wan(row['_prior'])}、{row[s.FISCAL_YEAR]} 年 {wan(row[s.AMOUNT_YUAN])}"
        where = [line_evidence(row, part=_PART)]
        sign = 1 if change > step else -1 if change < -step else 0
        if direction is not None and _signed(direction) != sign:
            out.append(
                _row(
                    row,
                    key=f"{row[s.DOC_ID]}|{row[s.SEQ]}|direction",
                    measure="yuan",
                    observed=change,
                    expected=change,
                    severity="error" if sign and _signed(direction) == -sign else "warning",
                    message_zh=f"{row[s.SUBJECT]}：文中{both}{places}，实为{'增加' if sign > 0 else '减少' if sign else '持平'}"
                    f" {wan(abs(change))}，文中却称“{direction}”；请核实增减方向",
                    message_en=f"{row[s.SUBJECT]}: the text states {wan_en(row['_prior'])} then {wan_en(row[s.AMOUNT_YUAN])} "
                    f"(a change of {wan_en(change)}) but says {direction}: ask which is right",
                    evidence=where,
                )
            )
        stated = row[s.STATED_CHANGE_YUAN]
        if stated is not None and abs(stated * (_signed(direction) or 1) - change) > 3 * step:
            out.append(
                _row(
                    row,
                    key=f"{row[s.DOC_ID]}|{row[s.SEQ]}|amount",
                    measure="yuan",
                    observed=stated * (_signed(direction) or 1),
                    expected=change,
                    variance=stated * (_signed(direction) or 1) - change,
                    threshold=3 * step,
                    message_zh=f"{row[s.SUBJECT]}：文中{both}{places}，相差 {wan(change)}，文中增减额为 "
                    f"{wan(stated)}；请核实",
                    message_en=f"{row[s.SUBJECT]}: {wan_en(row['_prior'])} then {wan_en(row[s.AMOUNT_YUAN])} is a change "
                    f"of {wan_en(change)}; the text states {wan_en(stated)}",
                    evidence=where,
                )
            )
    with_pct = pairs.filter(pl.col(s.STATED_CHANGE_PCT).is_not_null() & (pl.col("_prior") > 0))
    for row in _stated_pct_misses(with_pct, s.STATED_CHANGE_PCT, "_change_abs", "_prior"):
        out.append(
            _pct_row(
                row,
                s.STATED_CHANGE_PCT,
                f"{row[s.SUBJECT]}：由 {row[s.COMPARE_YEAR]} 年 {wan(row['_prior'])} 到 {row[s.FISCAL_YEAR]} 年 "
                f"{wan(row[s.AMOUNT_YUAN])}，变动 {pct(row['_expected'])}，应印为 {_readings_text(row, '或')}，"
                f"文中为 {row['_printed']}",
                f"{row[s.SUBJECT]}: from {wan_en(row['_prior'])} to {wan_en(row[s.AMOUNT_YUAN])} is {pct(row['_expected'])}, "
                f"to be printed {_readings_text(row, 'or')}; the text says {row['_printed']}",
            )
        )
    return findings(out)


#: A rate of completion or execution, and the bases it may name (年初预算, 调整预算, 全年预算, 预算数 …).
_RATE_RE = re.compile(
    r"(完成率|执行率|完成(?:了)?(?:年初|调整|全年)?预算(?:数)?的)\s*(?:为|是|达|达到)?\s*(\d+(?:\.\d+)?)\s*[%％]"
)
_BASE_RE = re.compile(r"年初预算|调整预算|全年预算|预算数|预算")
#: A rate is of money only next to a word for it (a target's "项目完成率 100%" is an indicator, not a budget rate).
_MONEY_CONTEXT_RE = re.compile(r"预算|决算|支出|收入|经费|资金")
_ZERO_BASE_RE = re.compile(r"年初预算(?:数)?(?:为|是)?\s*0(?:\.0+)?\s*(?:万元|元)")
#: A share printed without its % sign ("占总支出的比重为 35.6").
_BARE_SHARE_RE = re.compile(r"占[^，。；,;]{0,30}?比重\s*(?:为|是|达)?\s*(\d+(?:\.\d+)?)(?!\s*[%％\d.])")


@rule(
    "narrative.rates",
    "narrative",
    "warning",
    "完成率、执行率须写明基数且基数不为 0；占比须带 %",
    "A completion or execution rate names its base, never a 年初预算 of 0; a share is printed with %",
)
def rates(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """Each line of the text (with the line before, for a sentence broken across them): a 完成率 / 执行率 that
    names no base (年初预算, 调整预算, 预算数 …), one of a 年初预算 stated as 0 (no rate of nothing), and a share
    (占 … 比重) printed without %."""
    text = (
        ds.document_text.sort(s.DOC_ID, s.SEQ)
        .with_columns(
            (pl.col(s.SOURCE_TEXT).shift(1).over(s.DOC_ID).fill_null("") + pl.col(s.SOURCE_TEXT)).alias("_window")
        )
        # Only lines that may hold a rate or a share are read one by one.
        .filter(pl.col("_window").str.contains(r"完成|执行率|比重"))
    )
    documents = ds.documents.select(s.DOC_ID, s.DEPARTMENT_ID, s.FISCAL_YEAR)
    out = []
    for row in text.join(documents, on=s.DOC_ID).iter_rows(named=True):
        window, own = row["_window"], row[s.SOURCE_TEXT]
        offset = len(window) - len(own)
        here, here_en = _place(row[s.PAGE], row[s.LINE]), _place_en(row[s.PAGE], row[s.LINE])
        problems: list[tuple[str, str, str, str]] = []
        for match in _RATE_RE.finditer(window):
            if match.end() <= offset:
                continue  # the line before's own: found there
            before = window[max(0, match.start() - 40) : match.end()]
            if not _MONEY_CONTEXT_RE.search(before):
                continue
            if _ZERO_BASE_RE.search(before):
                problems.append(
                    (
                        match[1],
                        "zero_base",
                        f"文中（{here}）年初预算为 0，却列出{match[1]} {match[2]}%：基数为 0 的比率无意义，请说明",
                        f"the text ({here_en}) states a rate of {match[2]}% of an initial budget of 0: ask what it is measured on",
                    )
                )
            elif not _BASE_RE.search(before):
                problems.append(
                    (
                        match[1],
                        "no_base",
                        f"文中（{here}）{match[1]} {match[2]}% 未写明基数（年初预算、调整预算或全年预算），请说明",
                        f"the text ({here_en}) states a rate of {match[2]}% without naming its base: ask which budget",
                    )
                )
        for match in _BARE_SHARE_RE.finditer(window):
            if match.end() > offset:
                problems.append(
                    (
                        "占比",
                        "bare_share",
                        f"文中（{here}）占比“{match[0]}”未带 %，请核实是否为百分比",
                        f"the text ({here_en}) prints a share without %: '{match[0]}'",
                    )
                )
        for subject, kind, message_zh, message_en in problems:
            out.append(
                {
                    "key": f"{row[s.DOC_ID]}|{row[s.SEQ]}|{kind}",
                    s.DEPARTMENT_ID: row[s.DEPARTMENT_ID],
                    s.FISCAL_YEAR: row[s.FISCAL_YEAR],
                    s.DOC_ID: row[s.DOC_ID],
                    s.SUBJECT: subject,
                    s.MEASURE: "percent",
                    s.MESSAGE_ZH: message_zh,
                    s.MESSAGE_EN: message_en,
                    s.EVIDENCE: [line_evidence(row, part=_PART)],
                }
            )
    return findings(out)
