"""Read-time verification: the identities of the national forms confirm, or contradict, every figure read.

The standard tables are full of arithmetic the publisher had to make hold: a row's 合计 column is the sum of its
part columns (``analytics/reference/identities.csv``), a 类 is the sum of its 款 and a 款 of its 项, a table's 合计
row is the sum of its 类 rows, the two sides of a 收支总表 balance, and a total printed by one table is printed
again by another. A figure that takes part in an identity that holds is ``verified`` (``verified_by`` says which);
one that takes part only in identities that fail is ``contradicted`` and gets a reading finding (the reader's doubt,
with page and line, kept apart from the checks' findings about the document); the rest stay ``unverified``.

The same identities choose between readings: ``best_placement`` tries every left-to-right placement of a row's
amounts into the header's cells (a blank cell shifts the printed amounts one cell along) and keeps the one under
which the row's identities hold.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from analytics import schema as s
from analytics.reference import reference_rows

__all__ = [
    "Identity",
    "best_placement",
    "blank_totals",
    "column_orders",
    "identities_of",
    "row_score",
    "scored_placement",
    "step_of",
    "verified_by_en",
    "verify_rows",
]

#: At most this many cells are tried for a row's placement (C(12, 6) = 924 placements at most), and at most this many
#: ways of naming the cells of one placement.
_MAX_CELLS = 12
_MAX_PRODUCT = 4096
_STEP = {"元": Decimal("1"), "万元": Decimal("100"), "亿元": Decimal("1000000")}


#: Tables whose 合计 / 总计 row is the sum of their 小计 rows when they print them (a 收入总表 that lists its sources
#: by rows, each with its 小计).
_SOURCE_SUBTOTAL_TABLES = frozenset({"income_summary"})


#: The three kinds of a 政府采购 table (货物 A, 工程 B, 服务 C, as the 政府采购品目分类目录 letters them).
_PROCUREMENT_KIND = re.compile(r"(货物|工程|服务)(类)?[ABC]?")


@dataclass(frozen=True)
class Identity:
    """``total = Σ parts`` between the columns of one row of ``table``."""

    table: str
    side: str
    total: str
    parts: tuple[str, ...]
    description: str


@cache
def _identities() -> tuple[Identity, ...]:
    return tuple(
        Identity(row["table"], row["side"], row["total"], tuple(row["parts"].split("|")), row["description"])
        for row in reference_rows("identities.csv")
    )


def identities_of(table: str) -> tuple[Identity, ...]:
    """The column identities of one table.

    Examples
    --------
    >>> [i.total for i in identities_of("three_public_and_operation")]
    ['three_public_total', 'total', 'vehicles']
    """
    return tuple(i for i in _identities() if i.table == table)


def step_of(unit: str | None) -> Decimal:
    """The rounding step of one printed figure in 元: a figure printed to 0.01 万元 may be 50 元 off its exact value.

    Examples
    --------
    >>> step_of("万元"), step_of("元")
    (Decimal('100'), Decimal('1'))
    """
    return _STEP.get(unit or "元", Decimal("1"))


def _value(column: str, values: Mapping[str, Decimal], by_total: Mapping[str, Identity]) -> Decimal | None:
    """A column's printed value or, when the row prints only its parts (公务用车 as 购置费 + 运行费), their sum."""
    if column in values:
        return values[column]
    identity = by_total.get(column)
    if identity is None:
        return None
    parts = [_value(p, values, by_total) for p in identity.parts]
    present = [p for p in parts if p is not None]
    return sum(present, Decimal(0)) if present else None


def _row_results(
    table: str, side: str, values: Mapping[str, Decimal], step: Decimal
) -> list[tuple[Identity, bool, list[str]]]:
    """Each identity of ``table`` that applies to one row: (identity, holds, the printed columns it involves).

    An identity applies when the row prints its total and at least one part; a part not printed is blank: zero.
    Columns no identity names (机关运行经费 beside the 三公 columns) take part in none.
    """
    identities = [i for i in identities_of(table) if i.side == side]
    if not identities:
        return []
    by_total = {i.total: i for i in identities}
    out: list[tuple[Identity, bool, list[str]]] = []
    for identity in identities:
        if identity.total not in values:
            continue
        parts = {p: _value(p, values, by_total) for p in identity.parts}
        if all(v is None for v in parts.values()):
            continue
        involved = [identity.total, *(p for p in identity.parts if p in values)]
        involved += [c for p in identity.parts if p not in values and p in by_total for c in by_total[p].parts]
        total = sum((v for v in parts.values() if v is not None), Decimal(0))
        holds = abs(values[identity.total] - total) <= step * len(parts)
        out.append((identity, holds, [c for c in involved if c in values]))
    return out


def best_placement(  # noqa: PLR0917 - the row, its cells and amounts, and how to weigh them
    table: str,
    side: str,
    cells: Sequence[Sequence[str]],
    amounts: Sequence[Decimal],
    step: Decimal,
    cost: Callable[[int, int], float] | None = None,
) -> tuple[tuple[int, str], ...] | None:
    """Where a row's ``amounts`` stand: (cell index, column) for each, left to right, chosen by the identities.

    ``cells`` are the header's cells in printed order, each with the canonical columns it may be (one for a cell
    that names its column, several for a bare 小计 whose group header is not known, none for a cell that names no
    known column). The amounts keep their order; a blank cell lets the next amount move one cell along. Of the
    placements under which every applicable identity holds, those under which most identities apply win; among
    them the one of least ``cost`` (the distance of an amount from a cell, when positions are known). ``None``
    when no placement keeps the identities.

    Examples
    --------
    The 三公 row of a form whose 公务用车购置费 cell is blank (合计, 小计, 出国, 公务用车小计, 购置, 运行, 接待):

    >>> cells = [["total"], ["total", "three_public_total"], ["overseas_travel"], ["vehicles"],
    ...          ["vehicle_purchase"], ["vehicle_operation"], ["reception"]]
    >>> amounts = [Decimal(v) for v in ("484.30", "484.30", "100.00", "267.80", "267.80", "116.50")]
    >>> [c for _, c in best_placement("three_public_and_operation", "expenditure", cells, amounts, Decimal("0.01"),
    ...                               cost=lambda a, c: abs(a + (a >= 4) - c))]
    ['total', 'three_public_total', 'overseas_travel', 'vehicles', 'vehicle_operation', 'reception']
    """
    scored = scored_placement(table, side, cells, amounts, step, cost)
    return scored[-1] if scored and scored[0] == 0 else None


def column_orders(table: str) -> tuple[tuple[str, ...], ...]:
    """The column orders the national forms print ``table`` in (``analytics/reference/column_orders.csv``): what a
    row's amounts are placed by when its header cannot be read.

    Examples
    --------
    >>> column_orders("three_public_and_operation")[0][:3]
    ('total', 'three_public_total', 'overseas_travel')
    """
    return tuple(tuple(r["columns"].split("|")) for r in reference_rows("column_orders.csv") if r["table"] == table)


def scored_placement(  # noqa: PLR0917 - as best_placement
    table: str,
    side: str,
    cells: Sequence[Sequence[str]],
    amounts: Sequence[Decimal],
    step: Decimal,
    cost: Callable[[int, int], float] | None = None,
    anchors: Sequence[int] | None = None,
) -> tuple[int, int, float, tuple[tuple[int, str], ...]] | None:
    """The best placement with its score: (identities that fail, identities that hold, cost, the placement).

    The fewest failing identities win, then the most holding, then the least cost: where no placement keeps every
    identity (the publisher's arithmetic is off), the one that breaks least is still the likeliest reading.

    ``anchors`` gives the cell each amount stands under by position. An amount leaves its cell only for a column an
    identity that holds confirms: moved into a column no identity names (an "of which" column such as 其中：教育收费),
    an amount would make a sum hold by dropping out of it, which confirms nothing.

    Examples
    --------
    0.50 stands under 事业收入; moving it under 其中：教育收费 would make 合计 = Σ sources hold, and is refused:

    >>> cells = [["total"], ["fiscal_appropriation"], ["business_income"], ["of_which_tuition"], ["other_income"]]
    >>> amounts = [Decimal(v) for v in ("96.50", "80.00", "0.50", "16.50")]
    >>> scored_placement("income_summary", "income", cells, amounts, Decimal("0.01"), anchors=[0, 1, 2, 4])[:2]
    (1, 0)
    """
    n, k = len(cells), len(amounts)
    if k == 0 or k > n or n > _MAX_CELLS or math.prod(max(len(c), 1) for c in cells) > _MAX_PRODUCT:
        return None
    best: tuple[int, int, float, tuple[tuple[int, str], ...]] | None = None
    for placement in itertools.combinations(range(n), k):
        options = [cells[i] for i in placement]
        if any(not o for o in options):
            continue
        for columns in itertools.product(*options):
            if len(set(columns)) < k:
                continue
            results = _row_results(table, side, dict(zip(columns, amounts, strict=True)), step)
            if not results:
                continue
            if anchors is not None:
                confirmed = {c for _, holds, involved in results if holds for c in involved}
                moved = (
                    col for a, (cell, col) in enumerate(zip(placement, columns, strict=True)) if cell != anchors[a]
                )
                if any(col not in confirmed for col in moved):
                    continue
            fails = sum(1 for _, holds, _ in results if not holds)
            distance = sum(cost(a, c) for a, c in enumerate(placement)) if cost else 0.0
            candidate = (fails, len(results) - fails, distance, tuple(zip(placement, columns, strict=True)))
            if best is None or (-candidate[0], candidate[1], -candidate[2]) > (-best[0], best[1], -best[2]):
                best = candidate
    return best


def row_score(table: str, side: str, values: Mapping[str, Decimal], step: Decimal) -> tuple[int, int]:
    """(identities that fail, identities that hold) for one row's columns."""
    results = _row_results(table, side, values, step)
    fails = sum(1 for _, holds, _ in results if not holds)
    return fails, len(results) - fails


#: The English of what ``verified_by`` says besides the identities of ``identities.csv`` (their ``description_en``):
#: the checks of ``verify_rows`` named in code, and the words that join them.
_WHY_EN = {
    "上级科目 = 下级科目之和": "a parent line = the sum of its lines",
    "合计 = 各类科目之和": "the total = the sum of its classes",
    "收入总计 = 各来源小计之和": "total income = the sum of the sources' subtotals",
    "采购合计 = 货物 + 工程 + 服务": "procurement total = goods + works + services",
    "收入总计 = 支出总计": "total income = total expenditure",
    "不符：": "fails: ",
    "另表同数：": "same figure in ",
    "（数值经 ": " (values confirmed by ",
    " 核实）": ")",
    "；": "; ",
    "、": ", ",
}


def verified_by_en(verified_by: str) -> str:
    """A ``verified_by`` (written in Chinese by ``verify_rows``) in English, for an English page.

    Table keys stay keys (a page names them); text it does not know stays as it is.

    Examples
    --------
    >>> verified_by_en("不符：合计 = 基本支出 + 项目支出（数值经 上级科目 = 下级科目之和 核实）")
    'fails: total = basic + project spending (values confirmed by a parent line = the sum of its lines)'
    >>> verified_by_en("另表同数：expenditure_summary、income_summary")
    'same figure in expenditure_summary, income_summary'
    """
    words = {row["description"]: row["description_en"] for row in reference_rows("identities.csv")} | _WHY_EN
    # The longest first: an identity may be part of another (合计 = 基本支出 + 项目支出 in 支出合计 = …).
    for zh in sorted(words, key=len, reverse=True):
        verified_by = verified_by.replace(zh, words[zh])
    return verified_by


def _mark(row: dict[str, object], how: str) -> None:
    if row[s.VERIFICATION] != "verified":
        row[s.VERIFICATION] = "verified"
        row[s.VERIFIED_BY] = how
    elif how not in str(row[s.VERIFIED_BY]):
        row[s.VERIFIED_BY] = f"{row[s.VERIFIED_BY]}; {how}"


def _amount(row: Mapping[str, object]) -> Decimal:
    value = row[s.AMOUNT_YUAN]
    assert isinstance(value, Decimal)
    return value


def verify_rows(  # noqa: PLR0912, PLR0915 - the four kinds of identity, in the order they are most telling
    rows: list[dict[str, object]],
    steps: Mapping[str, Decimal],
    printed_columns: Mapping[str, set[str]] | None = None,
) -> list[dict[str, object]]:
    """Set ``verification`` / ``verified_by`` on every ``lines`` row of one document; return the reading findings.

    ``steps`` gives each table's rounding step of one printed figure (``step_of(unit)``; 1 元 when not given);
    ``printed_columns`` the columns each table's header prints, when the reader knows them (``blank_totals``). The
    findings are ``reading_findings`` rows (without ``doc_id`` and ``seq``), one per identity that fails.

    The identities say different things. A sum down a column (类 = Σ 款, 合计 = Σ 类) or a total printed again by
    another table confirms a figure's value, whichever column it stands in: a column read under the wrong header
    adds up down the page as well as the right one. Only the identities across a row (合计 = Σ parts) confirm the
    columns. So a figure of a row whose column identity fails is ``contradicted`` unless another identity of its
    row holds for it, even when the sums down its column confirm the value (``verified_by`` then says both); one
    finding per failing identity names the row. A sum down a column that fails doubts only the figures nothing
    else confirms: where they are all confirmed, the difference is the publisher's, for the checks to report.

    Examples
    --------
    A row whose 合计 is not the sum of its parts, read in a table whose column sums hold:

    >>> def cell(name, column, amount, code):
    ...     return {s.TABLE: "general_budget_function", s.SIDE: "expenditure", s.CLASSIFICATION: "function",
    ...             s.CODE: code, s.NAME: name, s.LEVEL: len(code) // 2, s.PARENT_CODE: code[:3] if len(code) > 3
    ...             else None, s.COLUMN: column, s.AMOUNT_BASIS: "budget", s.AMOUNT_YUAN: Decimal(amount),
    ...             s.FISCAL_YEAR: 2027, s.PAGE: 4, s.LINE: len(code), s.SOURCE_TEXT: name}
    >>> rows = [cell("教育", "total", "30", "205"), cell("教育", "basic", "20", "205"),
    ...         cell("教育", "project", "20", "205"), cell("普教", "total", "30", "20502"),
    ...         cell("普教", "basic", "20", "20502"), cell("普教", "project", "20", "20502")]
    >>> findings = verify_rows(rows, {})
    >>> sorted({r[s.VERIFICATION] for r in rows}), len(findings)
    (['contradicted'], 2)
    >>> rows[0][s.VERIFIED_BY]
    '不符：合计 = 基本支出 + 项目支出（数值经 上级科目 = 下级科目之和 核实）'
    """

    def step_for(table: object) -> Decimal:
        return steps.get(str(table), Decimal(1))

    for row in rows:
        row[s.VERIFICATION] = "unverified"
        row[s.VERIFIED_BY] = None
    #: (identity, its figures, the total, the sum of the parts, whether it is a row's column identity)
    failures: list[tuple[str, list[dict[str, object]], Decimal, Decimal, bool]] = []
    #: The figures a column identity of their row confirms (their column, not only their value).
    by_columns: set[int] = set()

    def check(how: str, total: dict[str, object], parts: list[dict[str, object]], tolerance: Decimal) -> None:
        expected = sum((_amount(p) for p in parts), Decimal(0))
        if abs(_amount(total) - expected) <= tolerance:
            for row in (total, *parts):
                _mark(row, how)
        else:
            failures.append((how, [total, *parts], _amount(total), expected, False))

    # 1. Column identities inside each printed row.
    by_row: dict[tuple[object, ...], dict[str, dict[str, object]]] = defaultdict(dict)
    for row in rows:
        key = tuple(row[c] for c in (s.TABLE, s.SIDE, s.PAGE, s.LINE, s.NAME, s.AMOUNT_BASIS, s.FISCAL_YEAR))
        by_row[key].setdefault(str(row[s.COLUMN]), row)
    for key, cells in by_row.items():
        values = {column: _amount(row) for column, row in cells.items()}
        for identity, holds, involved in _row_results(str(key[0]), str(key[1]), values, step_for(key[0])):
            members = [cells[c] for c in involved]
            if holds:
                for row in members:
                    _mark(row, identity.description)
                    by_columns.add(id(row))
            else:
                parts_sum = sum((values[c] for c in involved if c != identity.total), Decimal(0))
                failures.append((identity.description, members, values[identity.total], parts_sum, True))

    # 2. 类 = Σ 款, 款 = Σ 项, and a table's total row = Σ its 类 rows, per column.
    coded: dict[tuple[object, ...], list[dict[str, object]]] = defaultdict(list)
    totals: dict[tuple[object, ...], list[dict[str, object]]] = defaultdict(list)
    for row in rows:
        group = (row[s.TABLE], row[s.SIDE], row[s.COLUMN], row[s.AMOUNT_BASIS], row[s.FISCAL_YEAR])
        if row[s.CODE]:
            coded[group].append(row)
        elif row[s.CLASSIFICATION] == "total":
            totals[group].append(row)
    for group, members in coded.items():
        by_code = {str(r[s.CODE]): r for r in members}
        children: dict[str, list[dict[str, object]]] = defaultdict(list)
        for row in members:
            if row[s.PARENT_CODE] and row[s.PARENT_CODE] in by_code:
                children[str(row[s.PARENT_CODE])].append(row)
        for code, kids in children.items():
            check("上级科目 = 下级科目之和", by_code[code], kids, step_for(group[0]) * len(kids))
        top = [r for r in members if r[s.LEVEL] == 1]
        for total in totals.get(group, []):
            if top:
                check("合计 = 各类科目之和", total, top, step_for(group[0]) * len(top))

    # 2b. Sums of named rows: a 收入总表 printed by rows (一般公共预算资金 小计, 政府性基金 小计, …) totals its sources'
    # 小计 rows; a 政府采购支出表 totals its 货物 / 工程 / 服务 rows.
    by_kind: dict[tuple[object, ...], list[dict[str, object]]] = defaultdict(list)
    for row in rows:
        group = (row[s.TABLE], row[s.SIDE], row[s.COLUMN], row[s.AMOUNT_BASIS], row[s.FISCAL_YEAR])
        if row[s.CODE]:
            continue
        if row[s.TABLE] in _SOURCE_SUBTOTAL_TABLES and row[s.CLASSIFICATION] == "subtotal":
            by_kind[("收入总计 = 各来源小计之和", *group)].append(row)
        elif row[s.TABLE] == "government_procurement" and _PROCUREMENT_KIND.fullmatch(
            str(row[s.NAME] or "").replace(" ", "")
        ):
            by_kind[("采购合计 = 货物 + 工程 + 服务", *group)].append(row)
    for (how, *group), members in by_kind.items():
        for total in totals.get(tuple(group), []):
            check(how, total, members, step_for(group[0]) * len(members))

    # 3. The two sides of a 收支总表 balance.
    for table in ("income_expenditure_summary", "fiscal_appropriation_summary"):
        sides: dict[tuple[object, ...], dict[str, list[dict[str, object]]]] = defaultdict(lambda: defaultdict(list))
        for row in rows:
            if row[s.TABLE] == table and row[s.CLASSIFICATION] == "total" and row[s.COLUMN] == "total":
                sides[(row[s.AMOUNT_BASIS], row[s.FISCAL_YEAR])][str(row[s.SIDE])].append(row)
        for both in sides.values():
            for income in both.get("income", []):
                for spending in both.get("expenditure", []):
                    if _amount(income) == _amount(spending):
                        _mark(income, "收入总计 = 支出总计")
                        _mark(spending, "收入总计 = 支出总计")

    # 4. A total printed again by another table of the document (收支总表 ↔ 收入总表 / 支出总表 …).
    printed: dict[tuple[object, ...], set[object]] = defaultdict(set)
    total_rows = [r for r in rows if r[s.CLASSIFICATION] in ("total", "subtotal") and _amount(r) != 0]
    for row in total_rows:
        printed[(_amount(row), row[s.AMOUNT_BASIS], row[s.FISCAL_YEAR])].add(row[s.TABLE])
    for row in total_rows:
        others = printed[(_amount(row), row[s.AMOUNT_BASIS], row[s.FISCAL_YEAR])] - {row[s.TABLE]}
        if others:
            _mark(row, "另表同数：" + "、".join(sorted(str(t) for t in others)))

    findings: list[dict[str, object]] = blank_totals(by_row.values(), printed_columns)
    # Sums down the columns first: what they doubt is doubted before a row's failure demotes confirmed values.
    for how, members, observed, expected, across in sorted(failures, key=lambda f: f[4]):
        if across:
            doubtful = [m for m in members if id(m) not in by_columns]
            for row in doubtful:
                earlier = str(row[s.VERIFIED_BY]) if row[s.VERIFIED_BY] else None
                if row[s.VERIFICATION] == "verified":
                    row[s.VERIFIED_BY] = f"不符：{how}（数值经 {earlier} 核实）"
                else:
                    row[s.VERIFIED_BY] = f"不符：{how}" + (f"；{earlier}" if earlier else "")
                row[s.VERIFICATION] = "contradicted"
        else:
            doubtful = [m for m in members if m[s.VERIFICATION] != "verified"]
            for row in doubtful:
                if row[s.VERIFICATION] != "contradicted":
                    row[s.VERIFIED_BY] = f"不符：{how}"
                row[s.VERIFICATION] = "contradicted"
        if not doubtful:
            continue  # every figure is confirmed elsewhere: the publisher's arithmetic, for the checks to report
        findings.append(
            _contradiction(
                how,
                members,
                observed,
                expected,
                values_confirmed=across and all("核实" in str(m[s.VERIFIED_BY]) for m in doubtful),
            )
        )
    return findings


def blank_totals(
    printed_rows: Iterable[Mapping[str, dict[str, object]]], printed_columns: Mapping[str, set[str]] | None = None
) -> list[dict[str, object]]:
    """A reading finding for each row that prints parts of a column identity and leaves its total blank, in a
    table where other rows print that total column or whose header prints it (``printed_columns``: table → column
    keys): the cell was left empty (or lost), so nothing confirms the row.

    ``printed_rows`` holds one mapping per printed row (its cells by column), as ``verify_rows`` groups them.

    Examples
    --------
    >>> def cell(column, amount, line):
    ...     return {s.TABLE: "general_budget_function", s.SIDE: "expenditure", s.NAME: f"科目{line}",
    ...             s.COLUMN: column, s.AMOUNT_BASIS: "budget", s.FISCAL_YEAR: 2031, s.AMOUNT_YUAN: Decimal(amount),
    ...             s.PAGE: 3, s.LINE: line, s.SOURCE_TEXT: f"科目{line}"}
    >>> rows = [{"total": cell("total", "90000", 1), "basic": cell("basic", "90000", 1)},
    ...         {"basic": cell("basic", "40000", 2), "project": cell("project", "30000", 2)}]
    >>> [f[s.MESSAGE_EN] for f in blank_totals(rows)]
    ['the total column of 科目2 is blank beside its parts (7.00 in 10k yuan); the figure was left out or lost']
    """
    rows = list(printed_rows)
    columns: dict[tuple[object, ...], set[str]] = defaultdict(set)

    def table_key(cells: Mapping[str, dict[str, object]]) -> tuple[object, ...]:
        first = next(iter(cells.values()))
        return tuple(first[c] for c in (s.TABLE, s.SIDE, s.AMOUNT_BASIS, s.FISCAL_YEAR))

    for cells in rows:
        if cells:
            columns[table_key(cells)].update(cells)
    out: list[dict[str, object]] = []
    for cells in rows:
        if not cells:
            continue
        key = table_key(cells)
        for identity in identities_of(str(key[0])):
            header = (printed_columns or {}).get(str(key[0]), set())
            if identity.side != key[1] or identity.total in cells:
                continue
            if identity.total not in columns[key] and identity.total not in header:
                continue
            parts = [cells[p] for p in identity.parts if p in cells]
            if not any(_amount(p) != 0 for p in parts):
                continue
            first = parts[0]
            total = sum((_amount(p) for p in parts), Decimal(0))
            others = [_amount(row) for column, row in cells.items() if column not in identity.parts]
            if total in others:
                continue  # the total is printed, under another header (a 三公 合计 read as the row's 合计)
            out.append(
                {
                    s.KIND: "blank_total",
                    s.TABLE: first[s.TABLE],
                    s.COLUMN: identity.total,
                    s.CELL_TEXT: None,
                    s.MESSAGE_ZH: (
                        f"{first[s.NAME]}的合计栏为空，而其分项有数（合计应为 {_wan(total)} 万元）：数字漏印或未能读出"
                    ),
                    s.MESSAGE_EN: (
                        f"the total column of {first[s.NAME]} is blank beside its parts ({_wan(total)} in 10k yuan); "
                        "the figure was left out or lost"
                    ),
                    s.PAGE: first[s.PAGE],
                    s.LINE: first[s.LINE],
                    s.SOURCE_TEXT: first[s.SOURCE_TEXT],
                }
            )
    return out


def _contradiction(
    how: str, members: list[dict[str, object]], observed: Decimal, expected: Decimal, *, values_confirmed: bool
) -> dict[str, object]:
    """The reading finding of one identity that fails among ``members`` (the total first)."""
    first = members[0]
    why_zh, why_en = (
        (
            "；各数值均经上下级科目或另表核实，行内不符为原表计算差异或栏目错位",
            "; every value is confirmed down its "
            "column or by another table: the publisher's arithmetic, or columns misread",
        )
        if values_confirmed
        else ("", "")
    )
    return {
        s.KIND: "contradicted",
        s.TABLE: first[s.TABLE],
        s.COLUMN: first[s.COLUMN],
        s.CELL_TEXT: None,
        s.MESSAGE_ZH: (
            f"读数未能核实：{how}不成立"
            f"（{first[s.NAME]}：{_wan(observed)} 万元，各项合计 {_wan(expected)} 万元）{why_zh}"
        ),
        s.MESSAGE_EN: (
            f"read not confirmed: {how} fails ({first[s.NAME]}: {_wan(observed)} vs parts {_wan(expected)} "
            f"(10k yuan)){why_en}"
        ),
        s.PAGE: first[s.PAGE],
        s.LINE: first[s.LINE],
        s.SOURCE_TEXT: first[s.SOURCE_TEXT],
    }


def _wan(yuan: Decimal) -> str:
    return f"{yuan / 10000:,.2f}"
