"""The narrative's 科目 items against the rows of the tables they itemize.

A 编制说明 walks through the 一般公共预算 (or 财政拨款) spending 科目 by 科目: "1. 一般公共服务（类）支出 6,543.55 万元",
"“住房保障支出-住房改革支出-住房公积金”科目 174.14 万元", "工会经费（款）支出 37.60 万元". Each names a row of the
function or economic table of the same disclosure: the 项 by its name and its 款 (行政运行 is a 项 of many 款), a 款 or
a 类 by its name. The figure must be that row's, on the same basis (a 决算's 决算数 or 年初预算), within the rounding
of the printed figures. A narrative itemizes one table or another (the 收支总表 or 支出总表 of all funds, the
一般公共预算 or 财政拨款 function table, the basic-spending or 机关运行经费 table): the figure agrees when a row of that
name in any of the disclosure's tables prints it, in any of its columns (its whole, 基本支出, 项目支出, 财政拨款 part,
机关运行经费). A name no row has is ``narrative.subject_naming``'s business.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import polars as pl

from analytics import schema as s
from analytics.checks._engine import Settings, findings, rule
from analytics.checks._rules._common import line_evidence, table_name, wan, wan_en
from analytics.reference import reference_rows
from analytics.store import Dataset

_PART = "narrative"
_LEVELS = {"类": 1, "款": 2, "项": 3}
#: "住房保障支出（类）住房改革支出（款）住房公积金（项）": each level's name ends with its mark (a name may hold
#: parentheses of its own: 政府办公厅（室）及相关机构事务（款）).
_MARK = re.compile(r"\s*[（(]\s*(类|款|项)\s*[）)]")
#: "“住房保障支出-住房改革支出-住房公积金”科目": the path, 类 to 项, between quotes.
_PATH = re.compile(r"[“\"]([^“”\"]+?-[^“”\"]+?)[”\"]\s*科目")


def _fold(name: str) -> str:
    """A 科目 name as compared: full-width forms folded (（室） and (室)), no spaces or quotes, no trailing 支出 (a 类 is
    printed 一般公共服务 and 一般公共服务支出)."""
    name = re.sub(r"[\s“”\"]", "", unicodedata.normalize("NFKC", name))
    return name.removesuffix("支出") if len(name) > 3 else name


def _folded(column: str) -> pl.Expr:
    """``_fold`` over a column of names, in Polars."""
    name = pl.col(column).str.normalize("NFKC").str.replace_all(r"[\s“”\"]", "")
    return pl.when(name.str.len_chars() > 3).then(name.str.strip_suffix("支出")).otherwise(name)


def _path(subject: str) -> list[tuple[int, str]]:
    """(level, folded name) of each level a subject names, top first."""
    quoted = _PATH.search(subject)
    if quoted:
        names = [part for part in quoted[1].split("-") if part.strip()]
        return [(level, _fold(name)) for level, name in enumerate(names[:3], start=1)]
    pieces = _MARK.split(subject)
    marked = [
        (_LEVELS[mark], _fold(name.strip('“”" ')))
        for name, mark in zip(pieces[0:-1:2], pieces[1::2], strict=True)
        if name.strip('“”" ')
    ]
    if marked:
        return marked
    # A 类 named bare, as a narrative lists spending by function ("按照支出功能科目划分，教育支出 …，住房保障支出 …").
    bare = _fold(_SUBJECT_BASIS.sub("", subject))
    return [(1, bare)] if bare in _class_names() else []


#: Basis words a subject may end with that do not belong to the 科目's name (住房保障支出决算数).
_SUBJECT_BASIS = re.compile(r"(年初|调整|全年)?(预算|决算)(数)?$")


@cache
def _class_names() -> frozenset[str]:
    """The folded names of the national function classification's 类 (``function_codes.csv``), their aliases too."""
    names = set()
    for row in reference_rows("function_codes.csv"):
        if row["level"] == "1":
            names.update(_fold(name) for name in [row["name"], *row["aliases"].split("|")] if name)
    return frozenset(names)


def _rows(ds: Dataset) -> pl.DataFrame:
    """The item rows of the tables a narrative itemizes: each with its parent's folded name."""
    lines = ds.lines.filter(
        pl.col(s.CLASSIFICATION).is_in(["function", "economic"]) & pl.col(s.AMOUNT_YUAN).is_not_null()
    ).join(ds.documents.select(s.DOC_ID, s.DISCLOSURE_ID), on=s.DOC_ID)
    parents = lines.select(
        s.DOC_ID,
        s.TABLE,
        s.CLASSIFICATION,
        pl.col(s.CODE).alias(s.PARENT_CODE),
        pl.col(s.NAME).alias("_parent_name"),
    ).unique([s.DOC_ID, s.TABLE, s.CLASSIFICATION, s.PARENT_CODE])
    return lines.join(parents, on=[s.DOC_ID, s.TABLE, s.CLASSIFICATION, s.PARENT_CODE], how="left")


@rule(
    "narrative.items_vs_tables",
    "narrative",
    "warning",
    "文中逐项说明的科目金额与表中该科目一致",
    "Each 科目 the narrative itemizes agrees with that 科目's row in the tables",
)
def items_vs_tables(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """Every narrative figure whose subject names a 科目 (its 项 and 款, or a 款, or a 类) against the rows of that
    name in the same disclosure's function and basic-spending tables, for the figure's year and basis: a figure
    no such row prints (within the figure's printed rounding and the table's) is a finding naming both places."""
    from analytics.checks._rules.narrative import _basis, _place, _place_en, _printed_step

    table_step = settings.decimal("tolerance", "wan_per_figure_yuan")
    rows = _rows(ds)
    if rows.is_empty() or ds.statements.is_empty():
        return findings([])
    stated = ds.statements.with_columns(_basis(ds.documents).alias(s.AMOUNT_BASIS)).join(
        ds.documents.select(s.DOC_ID, s.DISCLOSURE_ID), on=s.DOC_ID
    )
    by_name: dict[tuple[object, str], list[dict[str, object]]] = {}
    for row in rows.with_columns(_folded(s.NAME).alias("_name"), _folded("_parent_name").alias("_parent")).iter_rows(
        named=True
    ):
        by_name.setdefault((row[s.DISCLOSURE_ID], row["_name"]), []).append(row)
    out = []
    for statement in stated.iter_rows(named=True):
        path = _path(str(statement[s.SUBJECT]))
        if not path:
            continue
        level, name = path[-1]
        candidates = by_name.get((statement[s.DISCLOSURE_ID], name), [])
        parent = path[-2][1] if len(path) > 1 else None
        named = [
            row
            for row in candidates
            if row[s.LEVEL] in (level, None)  # a 收支总表 prints its 类 without a code
            and row[s.FISCAL_YEAR] == statement[s.FISCAL_YEAR]
            and row[s.AMOUNT_BASIS] == statement[s.AMOUNT_BASIS]
            and (parent is None or row["_parent"] in (None, parent))
        ]
        if not named:
            continue
        amount = statement[s.AMOUNT_YUAN]
        tolerance = _printed_step(amount) / 2 + table_step
        nearest = min(named, key=lambda row: abs(row[s.AMOUNT_YUAN] - amount))
        if abs(nearest[s.AMOUNT_YUAN] - amount) <= tolerance:
            continue
        table = table_name(nearest[s.TABLE])
        here, there = _place(statement[s.PAGE], statement[s.LINE]), _place(nearest[s.PAGE], nearest[s.LINE])
        here_en = _place_en(statement[s.PAGE], statement[s.LINE])
        there_en = _place_en(nearest[s.PAGE], nearest[s.LINE])
        label = f"{nearest[s.CODE]} {nearest[s.NAME]}" if nearest[s.CODE] else str(nearest[s.NAME])
        out.append(
            {
                "key": f"{statement[s.DOC_ID]}|{statement[s.SEQ]}|item",
                s.DEPARTMENT_ID: statement[s.DEPARTMENT_ID],
                s.FISCAL_YEAR: statement[s.FISCAL_YEAR],
                s.DOC_ID: statement[s.DOC_ID],
                s.SUBJECT: statement[s.SUBJECT],
                s.MEASURE: "yuan",
                s.OBSERVED: amount,
                s.EXPECTED: nearest[s.AMOUNT_YUAN],
                s.VARIANCE: amount - nearest[s.AMOUNT_YUAN],
                s.THRESHOLD: tolerance,
                s.MESSAGE_ZH: f"文字说明（{here}）{statement[s.SUBJECT]} {wan(amount)}，{table}（{there}）{label} 为 "
                f"{wan(nearest[s.AMOUNT_YUAN])}，相差 {wan(abs(amount - nearest[s.AMOUNT_YUAN]))}；请说明哪一处为准",
                s.MESSAGE_EN: f"the narrative ({here_en}) states {statement[s.SUBJECT]} {wan_en(amount)}; the "
                f"table “{table_name(nearest[s.TABLE], lang='en')}” ({there_en}) prints {label} {wan_en(nearest[s.AMOUNT_YUAN])}: ask which is right",
                s.EVIDENCE: [line_evidence(statement, part=_PART), line_evidence(nearest)],
            }
        )
    return findings(out)
