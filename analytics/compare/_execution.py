"""Budget execution line by line: each 科目 of a final account (决算) against the budget it is measured by.

A final account prints its 决算数 by 科目 in its tables. The 年初预算 of a 科目 comes from, in order:

1. the final account's own 年初预算数 column (and its 调整预算 / 全年预算数 column for the adjusted budget), where its
   tables print one;
2. the final account's narrative, which the national 决算 template words item by item (“1、一般公共服务支出（类）
   财政事务（款）行政运行（项）。主要用于：…。年初预算为 1560.05 万元，支出决算为 1511.89 万元。”): the item's
   科目 path names the line, and the 支出决算 it states is a second source for the table's 决算数;
3. the same year's budget document of the department (its figure for the same code in the same table).

The budget document's figure is also kept on its own (``budget_document_yuan``) wherever there is one, so that a
department with both documents for a year shows both.
"""

from __future__ import annotations

import polars as pl

from analytics import schema as s
from analytics.compare import _columns as c
from analytics.compare._common import scopes
from analytics.compare._measures import _basis, _narrative_subjects
from analytics.store import Dataset

__all__ = ["execution_by_line"]

#: The tables whose lines are compared, by 科目: a final account's and a budget's of the same key print the same
#: classification of the same funds.
EXECUTION_TABLES = ("general_budget_function", "fiscal_appropriation_function", "expenditure_summary")
#: The tables a final account's narrative items speak of, the first one it prints.
NARRATIVE_TABLES = ("general_budget_function", "fiscal_appropriation_function")
#: Where a row's 年初预算 was read (``budget_source``): its labels are in ``analytics.labels``.
BUDGET_SOURCES = ("final_column", "final_narrative", "budget_document", "sum_of_parts")
#: How far apart (in lines of the text) a narrative item's 科目 heading and its 年初预算 sentence may be.
_HEADING_REACH = 6

_LEVEL_NAMES = {1: "类", 2: "款", 3: "项"}
# A 科目 named in a heading: the words before （类）, （款） or （项）, in either width of bracket. A bracket that holds
# other words is part of the name (政府办公厅（室）及相关机构事务).
_PART = r"(?:[^（）()、。；;，,:：\s]|[（(](?:[^类款项（）()]|[类款项][^（）()])[^（）()]*[）)])"
_NAMED = r"([^（）()、。；;，,:：\d\s]" + _PART + r"*?)\s*[（(]{level}[）)]"

NARRATIVE_FINAL_YUAN = "narrative_final_yuan"
NARRATIVE_AGREES = "narrative_agrees"
BUDGET_DOCUMENT_YUAN = "budget_document_yuan"
BUDGET_SOURCE = "budget_source"
ADJUSTED_BUDGET_YUAN = "adjusted_budget_yuan"
DIFFERENCE_YUAN = "difference_yuan"


def _folded(expr: pl.Expr) -> pl.Expr:
    """A 科目 name compared without spaces and in one width of bracket."""
    return expr.str.replace_all(r"\s+", "").str.replace_all("（", "(").str.replace_all("）", ")")


def _lines(ds: Dataset) -> pl.LazyFrame:
    """The classified lines of the compared tables with their basis and the names of their 类 and 款."""
    lines = (
        ds.lines.lazy()
        .filter(pl.col(s.TABLE).is_in(EXECUTION_TABLES) & pl.col(s.CODE).is_not_null() & pl.col(s.LEVEL).is_not_null())
        .with_columns(_basis().alias(s.AMOUNT_BASIS))
    )
    names = lines.select(s.DOC_ID, s.TABLE, s.CODE, _folded(pl.col(s.NAME)).alias("_name")).unique(
        [s.DOC_ID, s.TABLE, s.CODE], keep="first", maintain_order=True
    )
    with_parents = lines.with_columns(
        _folded(pl.col(s.NAME)).alias("_name"),
        pl.col(s.CODE).str.slice(0, 3).alias("_lei_code"),
        pl.col(s.CODE).str.slice(0, 5).alias("_kuan_code"),
    )
    for code, alias in (("_lei_code", "_lei"), ("_kuan_code", "_kuan")):
        with_parents = with_parents.join(
            names.rename({s.CODE: code, "_name": alias}), on=[s.DOC_ID, s.TABLE, code], how="left"
        )
    return with_parents


def _total_column(frame: pl.LazyFrame, basis: str) -> pl.LazyFrame:
    """A basis's figure of each line: the table's total column (or the final account's column of that budget)."""
    column = {"initial_budget": "initial_budget", "adjusted_budget": "full_year_budget"}.get(basis, "total")
    return frame.filter((pl.col(s.AMOUNT_BASIS) == basis) & (pl.col(s.COLUMN) == column))


def _narrative_items(ds: Dataset) -> pl.LazyFrame:
    """``doc_id, _lei, _kuan, _xiang`` (folded names; null where the heading does not name that level), the 年初预算
    and 支出决算 an item of a final account's narrative states, and where (page, line)."""
    documents = ds.documents.filter(pl.col(s.PHASE) == "final")
    text = ds.document_text.lazy().join(documents.lazy().select(s.DOC_ID), on=s.DOC_ID)
    window = pl.concat_str(
        pl.col(s.SOURCE_TEXT), pl.col(s.SOURCE_TEXT).shift(-1).over(s.DOC_ID, order_by=s.SEQ).fill_null("")
    )
    # A numbered item (1、 2. 3．) whose first two lines name a 科目 with its level.
    headings = (
        text.with_columns(window.alias("_window"))
        .filter(
            pl.col(s.SOURCE_TEXT).str.contains(r"^\s*[\d一二三四五六七八九十]+\s*[、.．]")
            & pl.col("_window").str.contains(r"[（(][类款项][）)]")
        )
        .with_columns(
            pl.col("_window").str.split(by="主要用于").list.first().str.split(by="。").list.first().alias("_head")
        )
        .select(
            s.DOC_ID,
            pl.col(s.SEQ).alias("_heading_seq"),
            *(
                _folded(pl.col("_head").str.extract(_NAMED.format(level=word), 1).str.replace(r"^.*[、.．]", "")).alias(
                    alias
                )
                for word, alias in (("类", "_lei"), ("款", "_kuan"), ("项", "_xiang"))
            ),
        )
        .sort(s.DOC_ID, "_heading_seq")
    )
    subjects = _narrative_subjects(ds.statements.lazy(), documents)
    bare = pl.col("_stem").str.replace_all("支出|收入", "") == ""
    stated = (
        subjects.filter(bare & pl.col(s.AMOUNT_BASIS).is_in(["initial_budget", "actual"]))
        .join(
            text.select(s.DOC_ID, s.PAGE, s.LINE, pl.col(s.SEQ).alias("_text_seq")),
            on=[s.DOC_ID, s.PAGE, s.LINE],
            nulls_equal=True,  # a text document has no pages
        )
        .sort(s.DOC_ID, s.SEQ)
        .with_columns(
            pl.col(s.AMOUNT_BASIS).shift(-1).over(s.DOC_ID).alias("_next_basis"),
            pl.col(s.AMOUNT_YUAN).shift(-1).over(s.DOC_ID).alias(NARRATIVE_FINAL_YUAN),
            pl.col(s.SOURCE_TEXT).shift(-1).over(s.DOC_ID).alias("_next_text"),
        )
        # A 年初预算 followed by the 支出决算 of the same sentence.
        .filter(
            (pl.col(s.AMOUNT_BASIS) == "initial_budget")
            & (pl.col("_next_basis") == "actual")
            & (pl.col("_next_text") == pl.col(s.SOURCE_TEXT))
        )
        .sort(s.DOC_ID, "_text_seq")
    )
    return (
        stated.join_asof(headings, left_on="_text_seq", right_on="_heading_seq", by=s.DOC_ID, strategy="backward")
        .filter(
            pl.any_horizontal(pl.col("_xiang", "_kuan", "_lei").is_not_null())
            & (pl.col("_text_seq") - pl.col("_heading_seq") <= _HEADING_REACH)
        )
        .select(
            s.DOC_ID,
            "_lei",
            "_kuan",
            "_xiang",
            pl.col(s.AMOUNT_YUAN).alias("_narrative_budget"),
            NARRATIVE_FINAL_YUAN,
            pl.col(s.PAGE).alias("_narrative_page"),
            pl.col(s.LINE).alias("_narrative_line"),
        )
    )


def _match_items(final: pl.LazyFrame, items: pl.LazyFrame) -> pl.LazyFrame:
    """The narrative item of each final line: the one naming its 科目 at its level with the same 类 and 款 (where
    the item names them). A line two items name alike takes none: which one is meant cannot be told."""
    items = items.with_columns(
        pl.when(pl.col("_xiang").is_not_null())
        .then(3)
        .when(pl.col("_kuan").is_not_null())
        .then(2)
        .otherwise(1)
        .cast(pl.Int8)
        .alias("_item_level"),
        pl.coalesce("_xiang", "_kuan", "_lei").alias("_item_name"),
    )
    # The narrative's items are of the 一般公共预算财政拨款支出: its table, or the 财政拨款支出表 where there is none.
    tables = final.select(s.DOC_ID, s.TABLE).unique().filter(pl.col(s.TABLE).is_in(NARRATIVE_TABLES))
    chosen = (
        tables.with_columns(
            pl.col(s.TABLE)
            .replace_strict(NARRATIVE_TABLES, list(range(len(NARRATIVE_TABLES))), return_dtype=pl.Int8)
            .alias("_order")
        )
        .sort(s.DOC_ID, "_order")
        .unique(s.DOC_ID, keep="first")
        .select(s.DOC_ID, s.TABLE)
    )
    keys = final.join(chosen, on=[s.DOC_ID, s.TABLE]).select(
        s.DOC_ID, s.TABLE, s.CODE, s.LEVEL, "_name", "_lei", "_kuan"
    )
    candidates = keys.join(
        items.rename({"_lei": "_item_lei", "_kuan": "_item_kuan"}),
        left_on=[s.DOC_ID, pl.col(s.LEVEL).cast(pl.Int8), "_name"],
        right_on=[s.DOC_ID, "_item_level", "_item_name"],
    ).with_columns(
        (
            (pl.col("_item_lei").is_null() | (pl.col("_item_lei") == pl.col("_lei")) | (pl.col(s.LEVEL) == 1))
            & (pl.col("_item_kuan").is_null() | (pl.col("_item_kuan") == pl.col("_kuan")) | (pl.col(s.LEVEL) <= 2))
        ).alias("_path_agrees"),
        pl.len().over(s.DOC_ID, s.TABLE, s.CODE).alias("_for_line"),
        pl.len().over(s.DOC_ID, s.TABLE, "_narrative_page", "_narrative_line").alias("_for_item"),
    )
    # A name only one line and one item share is that line's item, whatever path the item prints (a misread or
    # misprinted 类 or 款 name must not lose it); a name several share needs the path to tell them apart.
    unique = (pl.col("_for_line") == 1) & (pl.col("_for_item") == 1)
    by_path = candidates.filter(~unique & pl.col("_path_agrees")).filter(
        (pl.len().over(s.DOC_ID, s.TABLE, s.CODE) == 1)
        & (pl.len().over(s.DOC_ID, s.TABLE, "_narrative_page", "_narrative_line") == 1)
    )
    matched = pl.concat([candidates.filter(unique), by_path], how="vertical")
    return matched.select(
        s.DOC_ID, s.TABLE, s.CODE, "_narrative_budget", NARRATIVE_FINAL_YUAN, "_narrative_page", "_narrative_line"
    )


def execution_by_line(ds: Dataset) -> pl.DataFrame:
    """The 决算数 of every 科目 of every final account against its 年初预算, with the execution rate.

    Parameters
    ----------
    ds
        The dataset (or a department's part of it: ``Dataset.for_department``).

    Returns
    -------
    pl.DataFrame
        One row per final account, table and 科目 code: ``department_id, fiscal_year, doc_id, table, code, level,
        name``; ``final_yuan`` (the 决算数) with ``page, line``; ``budget_yuan`` (the 年初预算), ``budget_source``
        (``final_column``, ``final_narrative``, ``budget_document`` — see the module docstring — or
        ``sum_of_parts`` for a 类 or 款 whose every part has one), ``budget_doc_id,
        budget_page, budget_line``; ``adjusted_budget_yuan`` where the final account prints one;
        ``budget_document_yuan`` (the year's budget document's figure, wherever there is one); ``difference_yuan``
        (决算数 − 年初预算) and ``execution_pct`` (决算数 ÷ 年初预算 × 100, Float64; null for a missing or zero
        budget); ``narrative_final_yuan`` (the 支出决算 the narrative item states) and ``narrative_agrees`` (whether
        it is the table's 决算数; null where the narrative states none). Money is exact Decimal 元. Rows are in
        department, year, table and code order.

    Examples
    --------
    >>> from analytics.store import Dataset
    >>> frame = execution_by_line(Dataset.empty())
    >>> frame.height, frame.columns[:4]
    (0, ['department_id', 'fiscal_year', 'doc_id', 'table'])
    """
    documents = ds.documents
    phases = documents.lazy().select(s.DOC_ID, pl.col(s.PHASE).alias("_doc_phase"), pl.col(s.FISCAL_YEAR).alias("_y"))
    lines = _lines(ds).join(phases, on=s.DOC_ID).filter(pl.col(s.FISCAL_YEAR) == pl.col("_y"))
    final_lines = lines.filter(pl.col("_doc_phase") == "final")
    final = _total_column(final_lines, "actual").unique([s.DOC_ID, s.TABLE, s.CODE], keep="first", maintain_order=True)
    keys = [s.DOC_ID, s.TABLE, s.CODE]

    def own(basis: str, alias: str) -> pl.LazyFrame:
        return (
            _total_column(final_lines, basis)
            .unique(keys, keep="first", maintain_order=True)
            .select(
                *keys,
                pl.col(s.AMOUNT_YUAN).alias(alias),
                pl.col(s.PAGE).alias(f"{alias}_page"),
                pl.col(s.LINE).alias(f"{alias}_line"),
            )
        )

    # The year's budget document: a department's disclosure over a unit's, then the lowest doc_id.
    budgets = (
        lines.filter(pl.col("_doc_phase") == "budget")
        .join(scopes(documents), on=s.DOC_ID)
        # The table's total; a 财政拨款支出表 that prints no 合计 column totals its 科目 in its 财政拨款 column.
        .filter(
            (pl.col(s.COLUMN) == "total")
            | (pl.col(s.TABLE) == "fiscal_appropriation_function") & (pl.col(s.COLUMN) == "fiscal_appropriation")
        )
        .sort("_not_department", pl.col(s.COLUMN) != "total", s.DOC_ID)
        .unique([s.DEPARTMENT_ID, s.FISCAL_YEAR, s.TABLE, s.CODE], keep="first", maintain_order=True)
        .select(
            s.DEPARTMENT_ID,
            s.FISCAL_YEAR,
            s.TABLE,
            s.CODE,
            pl.col(s.AMOUNT_YUAN).alias(BUDGET_DOCUMENT_YUAN),
            pl.col(s.DOC_ID).alias("_bd_doc"),
            pl.col(s.PAGE).alias("_bd_page"),
            pl.col(s.LINE).alias("_bd_line"),
        )
    )
    narrative = _match_items(final, _narrative_items(ds))
    joined = (
        final.join(own("initial_budget", "_column"), on=keys, how="left")
        .join(own("adjusted_budget", "_adjusted"), on=keys, how="left")
        .join(narrative, on=keys, how="left")
        .join(budgets, on=[s.DEPARTMENT_ID, s.FISCAL_YEAR, s.TABLE, s.CODE], how="left")
    )
    source = (
        pl.when(pl.col("_column").is_not_null())
        .then(pl.lit("final_column"))
        .when(pl.col("_narrative_budget").is_not_null())
        .then(pl.lit("final_narrative"))
        .when(pl.col(BUDGET_DOCUMENT_YUAN).is_not_null())
        .then(pl.lit("budget_document"))
    )
    budget = pl.coalesce("_column", "_narrative_budget", BUDGET_DOCUMENT_YUAN)
    final_amount = pl.col(s.AMOUNT_YUAN)
    rate = (
        pl.when(budget.is_not_null() & (budget != 0))
        .then(final_amount.cast(pl.Float64) / budget.cast(pl.Float64) * 100)
        .otherwise(None)
    )
    out = joined.select(
        s.DEPARTMENT_ID,
        s.FISCAL_YEAR,
        s.DOC_ID,
        s.TABLE,
        s.CODE,
        s.LEVEL,
        s.NAME,
        final_amount.alias(c.FINAL_YUAN),
        s.PAGE,
        s.LINE,
        budget.alias(c.BUDGET_YUAN),
        source.alias(BUDGET_SOURCE),
        pl.when(source == "budget_document").then("_bd_doc").otherwise(s.DOC_ID).alias("budget_doc_id"),
        pl.when(source == "final_column")
        .then("_column_page")
        .when(source == "final_narrative")
        .then("_narrative_page")
        .otherwise("_bd_page")
        .alias("budget_page"),
        pl.when(source == "final_column")
        .then("_column_line")
        .when(source == "final_narrative")
        .then("_narrative_line")
        .otherwise("_bd_line")
        .alias("budget_line"),
        pl.col("_adjusted").alias(ADJUSTED_BUDGET_YUAN),
        BUDGET_DOCUMENT_YUAN,
        (final_amount - budget).alias(DIFFERENCE_YUAN),
        rate.alias(c.EXECUTION_PCT),
        NARRATIVE_FINAL_YUAN,
        pl.when(pl.col(NARRATIVE_FINAL_YUAN).is_not_null())
        .then(pl.col(NARRATIVE_FINAL_YUAN) == final_amount)
        .alias(NARRATIVE_AGREES),
    )
    frame = _from_parts(out.collect()).with_columns(pl.col(c.BUDGET_YUAN, DIFFERENCE_YUAN).cast(s.MONEY))
    return frame.sort(s.DEPARTMENT_ID, s.FISCAL_YEAR, s.TABLE, s.CODE)


def _from_parts(frame: pl.DataFrame) -> pl.DataFrame:
    """A 款 (then a 类) no document gives a 年初预算 for takes the sum of its parts' where every part has one
    (``budget_source`` ``sum_of_parts``): its 决算数 is then measured against the same lines."""
    for level, width in ((2, 5), (1, 3)):
        parts = (
            frame.filter(pl.col(s.LEVEL) == level + 1)
            .group_by(s.DOC_ID, s.TABLE, pl.col(s.CODE).str.slice(0, width).alias("_parent"))
            .agg(
                pl.col(c.BUDGET_YUAN).sum().alias("_parts_budget"),
                pl.col(c.BUDGET_YUAN).is_null().any().alias("_part_missing"),
            )
            .filter(~pl.col("_part_missing"))
        )
        frame = frame.join(
            parts.drop("_part_missing"),
            left_on=[s.DOC_ID, s.TABLE, s.CODE],
            right_on=[s.DOC_ID, s.TABLE, "_parent"],
            how="left",
        )
        derived = (pl.col(s.LEVEL) == level) & pl.col(c.BUDGET_YUAN).is_null() & pl.col("_parts_budget").is_not_null()
        budget = pl.when(derived).then("_parts_budget").otherwise(c.BUDGET_YUAN)
        frame = frame.with_columns(
            budget.alias(c.BUDGET_YUAN),
            pl.when(derived).then(pl.lit("sum_of_parts")).otherwise(BUDGET_SOURCE).alias(BUDGET_SOURCE),
            pl.when(derived).then(None).otherwise(pl.col("budget_doc_id")).alias("budget_doc_id"),
            pl.when(derived).then(None).otherwise(pl.col("budget_page")).alias("budget_page"),
            pl.when(derived).then(None).otherwise(pl.col("budget_line")).alias("budget_line"),
            pl.when(derived).then(pl.col(c.FINAL_YUAN) - budget).otherwise(DIFFERENCE_YUAN).alias(DIFFERENCE_YUAN),
            pl.when(derived)
            .then(pl.when(budget != 0).then(pl.col(c.FINAL_YUAN).cast(pl.Float64) / budget.cast(pl.Float64) * 100))
            .otherwise(c.EXECUTION_PCT)
            .alias(c.EXECUTION_PCT),
        ).drop("_parts_budget")
    return frame
