"""Standard tables printed in a text dump (the page texts of a PDF), their cells separated by single spaces.

A text dump keeps a table's words in reading order but loses where they stood, and a blank cell leaves no trace:
"207 01 05 文化展示及纪念机构 60,517,640 60,517,640" holds 合计 and either 基本支出 or 项目支出. So each figure is
placed with what the national forms guarantee, never with one document's names or figures:

1. **Blocks**: ``tables.find_blocks`` splits the document at the tables' titles (``reference/tables.csv``).
2. **Unit** from the first lines of a block ("单位：元", also wrapped: "单位：万" / "元"). A table without one is read
   in the unit of the document's other tables, and says so; with no unit anywhere it is kept as unreadable.
3. **Columns** (``_text_header``): the header's words mapped to canonical columns, in the partial order the header
   lines and the form fix.
4. **Rows** (``_text_rows``): codes, label and figures of each line; a name wrapped onto another line joins its row.
5. **Placement** (``_placement``): a row's figures keep their order, so they stand in some increasing choice of the
   columns; the identities of the form keep the choices under which each holds: a row's total is the sum of its
   parts, a 类 the sum of its 款 and a 款 of its 项, the 合计 row the sum of the top rows, per column, and the
   合计 row of the 收入总表 (of the 财政拨款收支总表's spending side) has the sources (the funds) its 收支总表 prints.
6. A figure that stands in the same column in every consistent reading is read; any other is recorded as a
   ``ReadingProblem`` (page, line, reason) and not stored.

Two-sided tables (收支总表) are read line by line: each label owns the figures that follow it, the first label of a
line is income, a second one spending.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from analytics import schema as s
from analytics.errors import ReaderError
from analytics.ingest._pdf_layout import PageLine, Word
from analytics.ingest._placement import Column, Header, Puzzle, compile_identities, place
from analytics.ingest._source import SourceDocument, SourceLine
from analytics.ingest._text_header import header_of
from analytics.ingest._text_rows import INCOME_KEYS, Row, cells, data_rows, header_split, two_sided_rows
from analytics.ingest._verify import step_of
from analytics.ingest.numbers import EMPTY_CELLS, normalize_text, parse_amount
from analytics.ingest.tables import (
    _TWO_SIDED,
    _UNIT,
    EMPTY_TABLE,
    TableBlock,
    _classification,
    amount_basis,
    column_key,
    dedupe_lines,
    empty_note,
    find_blocks,
    mark_subtotals,
)
from analytics.reference.classification import code_level, parent_code

__all__ = ["ReadingProblem", "TextTables", "extract_text_tables", "paged_document"]

_INCOME_TABLES = frozenset({"income_summary"})
_FUNDS = ("general_budget", "gov_fund", "state_capital")
#: Two-sided tables whose spending side is split by fund.
_FUND_TABLES = frozenset({"fiscal_appropriation_summary"})
#: How many lines after a title may hold its unit: a dump whose tables were lost prints titles back to back.
_UNIT_WINDOW = 3


@dataclass(frozen=True)
class ReadingProblem:
    """A figure the text table reader saw but could not place, with where it is printed and why.

    ``kind`` is one of ``schema.READING_KINDS``; ``as_finding`` gives the ``reading_findings`` row.

    Examples
    --------
    >>> problem = ReadingProblem("unplaced_amount", "expenditure_summary", 4, 31, "1,200", "why", "为何", "text")
    >>> problem.as_finding()["cell_text"]
    '1,200'
    """

    kind: str
    table: str
    page: int | None
    line: int
    cell_text: str
    reason: str
    reason_zh: str
    source_text: str

    def as_finding(self) -> dict[str, object]:
        """The ``reading_findings`` row of this problem (without ``doc_id`` and ``seq``)."""
        return {
            s.KIND: self.kind,
            s.TABLE: self.table,
            s.COLUMN: None,
            s.CELL_TEXT: self.cell_text,
            s.MESSAGE_ZH: self.reason_zh,
            s.MESSAGE_EN: self.reason,
            s.PAGE: self.page,
            s.LINE: self.line,
            s.SOURCE_TEXT: self.source_text,
        }


@dataclass
class TextTables:
    """What ``extract_text_tables`` read: ``lines`` rows, one ``document_tables`` row per table, the problems."""

    lines: list[dict[str, object]] = field(default_factory=list)
    tables: list[dict[str, object]] = field(default_factory=list)
    problems: list[ReadingProblem] = field(default_factory=list)


# --- the reader ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Context:
    doc_name: str
    fiscal_year: int
    phase: str
    paged: bool


def _page_lines(doc: SourceDocument, paged: bool) -> tuple[list[PageLine], dict[int, SourceLine]]:
    """The document's lines in the layout form of ``find_blocks``; positions are the words' places in the line."""
    out: list[PageLine] = []
    sources: dict[int, SourceLine] = {}
    for index, line in enumerate(doc.lines):
        text = line.text.strip()
        if not text or (not paged and normalize_text(text) in {"目录", "目次"}):
            continue  # without pages a 目录 line would make find_blocks skip the whole document
        words: list[Word] = []
        x = 0.0
        for word in text.split():
            words.append(Word(word, x, x + len(word), float(index), float(index) + 1))
            x += len(word) + 1
        out.append(PageLine(tuple(words), line.page or 0, index))
        sources[index] = line
    return out, sources


def _unit(lines: list[SourceLine]) -> tuple[str, list[SourceLine]] | None:
    """The unit printed in a table's first lines, and the lines that print it (two when it wraps: "单位：万" / "元")."""
    for index, line in enumerate(lines):
        norm = normalize_text(line.text)
        match = _UNIT.search(norm)
        if match:
            return match[1], [line]
        wrapped = re.search(r"单位:(亿|万)?$", norm)
        if wrapped and index + 1 < len(lines):
            rest = re.match(r"(亿元|万元|元)", normalize_text(lines[index + 1].text))
            unit = (wrapped[1] or "") + rest[1] if rest else ""
            if unit in ("亿元", "万元", "元"):
                return unit, [line, lines[index + 1]]
    return None


def _cents(text: str, unit: str, ctx: _Context, line: SourceLine) -> int | None:
    try:
        value = parse_amount(text, unit)
    except ValueError as exc:
        raise ReaderError(ctx.doc_name, _where(line, ctx), str(exc)) from None
    return None if value is None else int(value * 100)


def _where(line: SourceLine, ctx: _Context) -> str:
    return f"page {line.page}, line {line.number}" if ctx.paged else f"line {line.number}"


def _tolerance(unit: str) -> int:
    # A table in 元 prints exact figures; one in 万元 rounds each figure to 0.01 万元.
    return 0 if unit == "元" else int(step_of(unit) * 100)


def _groups(rows: list[Row], two_sided: bool) -> list[tuple[int, list[int]]]:
    """Parent-children groups: 类 → 款 → 项 by code, and the last 合计 row over the top rows."""
    groups: list[tuple[int, list[int]]] = []
    if two_sided:
        tops: list[int] = []
        for i, row in enumerate(rows):
            if row.is_total:
                continue
            if row.level == 1 or not tops:
                tops.append(i)
                groups.append((i, []))
            else:
                groups[-1][1].append(i)
        groups = [g for g in groups if g[1]]
    else:
        by_code = {row.code: i for i, row in enumerate(rows) if row.code}
        children: dict[int, list[int]] = {}
        tops = []
        for i, row in enumerate(rows):
            code = row.code
            if not code:
                continue
            parent = parent_code(code)
            if parent in by_code:
                children.setdefault(by_code[parent], []).append(i)
            else:
                tops.append(i)
        groups = sorted(children.items())
    totals = [i for i, row in enumerate(rows) if row.is_total]
    if totals and tops:
        groups.append((totals[-1], [t for t in tops if t < totals[-1]] or tops))
    return groups


def _emit(
    rows: list[Row], placed: list[dict[int, int]], header: Header, table: str, *, unit: str, ctx: _Context
) -> tuple[list[dict[str, object]], list[ReadingProblem]]:
    """The ``lines`` rows of the figures placed, and a problem for each figure that could not be."""
    out: list[dict[str, object]] = []
    problems: list[ReadingProblem] = []
    names = "、".join(c.text for c in header.columns)
    for row, columns in zip(rows, placed, strict=True):
        code = row.code
        name = row.name or ("合计" if not code else "")
        page = row.line.page if ctx.paged else None
        for index, figure in enumerate(row.figures):
            if normalize_text(figure) in EMPTY_CELLS:
                continue
            column_index = columns.get(index)
            if column_index is None and len(row.figures) > len(header.columns):
                problems.append(
                    ReadingProblem(
                        "unplaced_amount",
                        table,
                        page,
                        row.line.number,
                        figure,
                        f"'{name}' prints {len(row.figures)} figures but the header ({names}) has "
                        f"{len(header.columns)} columns; the figure is not stored",
                        f"“{name}”印有 {len(row.figures)} 个数字，表头（{names}）只有 {len(header.columns)} 栏，未录入",
                        row.line.text.strip(),
                    )
                )
                continue
            if column_index is None:
                problems.append(
                    ReadingProblem(
                        "unplaced_amount",
                        table,
                        page,
                        row.line.number,
                        figure,
                        f"cannot tell which column of '{name}' the figure {figure} stands in: the header ({names}) "
                        "and the identities of the form allow more than one; the figure is not stored",
                        f"无法确定“{name}”的数字 {figure} 属于哪一栏：表头（{names}）与表内勾稽关系"
                        "允许多种排列，未录入",
                        row.line.text.strip(),
                    )
                )
                continue
            column = header.columns[column_index]
            key = column.key or f"column_{column_index + 1}"
            amount = parse_amount(figure, unit)
            out.append(
                {
                    s.FISCAL_YEAR: ctx.fiscal_year + column.offset,
                    s.AS_OF_YEAR: ctx.fiscal_year,
                    s.PHASE: ctx.phase,
                    s.TABLE: table,
                    s.SIDE: row.side,
                    s.CLASSIFICATION: _classification(code, name, row.side, table),
                    s.CODE: code,
                    s.NAME: name,
                    s.LEVEL: code_level(code) if code else None,
                    s.PARENT_CODE: parent_code(code) if code else None,
                    s.COLUMN: key,
                    s.AMOUNT_BASIS: amount_basis(column.text, ctx.phase),
                    s.AMOUNT_YUAN: amount,
                    s.STATED_SHARE_PCT: None,
                    s.PAGE: page,
                    s.LINE: row.line.number,
                    s.SOURCE_TEXT: row.line.text.strip(),
                }
            )
    return out, problems


def _read_side(
    rows: list[Row],
    header: Header,
    table: str,
    unit: str,
    ctx: _Context,
    *,
    two_sided: bool,
    pins: dict[str, int] | None = None,
) -> tuple[list[dict[str, object]], list[ReadingProblem]]:
    """Place and emit the rows of a table, or of one side of a two-sided table."""
    if not rows or not header.columns:
        return [], []
    side = rows[0].side
    figures = [[_cents(f, unit, ctx, row.line) for f in row.figures] for row in rows]
    index = {c.key: i for i, c in enumerate(header.columns) if c.key}
    pinned: dict[int, dict[int, int]] = {}
    totals = [i for i, row in enumerate(rows) if row.is_total]
    if pins and totals:
        pinned[totals[-1]] = {index[k]: v for k, v in pins.items() if k in index}
    puzzle = Puzzle(
        header,
        figures,
        _groups(rows, two_sided),
        compile_identities(header.columns, table, side),
        pinned,
        _tolerance(unit),
    )
    return _emit(rows, place(puzzle), header, table, unit=unit, ctx=ctx)


def _side_headers(header: list[SourceLine], figures: dict[str, int]) -> dict[str, Header]:
    """The columns of each side of a two-sided table, from the header line that names 项目 twice."""
    for line in header:
        words = line.text.split()
        marks = [i for i, w in enumerate(words) if normalize_text(w).endswith("项目")]
        if len(marks) >= 2:
            left = " ".join(words[marks[0] + 1 : marks[1]])
            right = " ".join(words[marks[1] + 1 :])
            return {
                "income": header_of([left], "", "income", figures.get("income", 1)),
                "expenditure": header_of([right], "", "expenditure", figures.get("expenditure", 1)),
            }
    single = Header([Column("total", 0, "")], set())
    return {"income": single, "expenditure": single}


def _summary_pins(rows: list[dict[str, object]], table: str) -> dict[str, int]:
    """What a two-sided table's income side says of the sources (funds) in a 合计 row: canonical column → cents.

    A label printed without a figure is a source of nothing: 0.
    """
    out: dict[str, int] = {}
    for row in rows:
        if (table and row[s.TABLE] != table) or row[s.SIDE] != "income" or row[s.CLASSIFICATION] != "source":
            continue
        mapped = column_key(str(row[s.NAME]))
        if mapped and mapped[0] in INCOME_KEYS:
            amount = row[s.AMOUNT_YUAN]
            assert isinstance(amount, Decimal)
            out[mapped[0]] = out.get(mapped[0], 0) + int(amount * 100)
    return out


def _fund_pins(rows: list[Row], income: list[dict[str, object]]) -> dict[str, int]:
    """The spending side's 合计 row of a 财政拨款收支总表: each fund as its income side states it (a fund printed
    without a figure is 0), and the 合计 its 收入总计."""
    stated = {**_blank_sources(rows), **_summary_pins(income, "")}
    pins = {k: v for k, v in stated.items() if k in _FUNDS}
    totals = [r[s.AMOUNT_YUAN] for r in income if r[s.CLASSIFICATION] == "total" and r[s.COLUMN] == "total"]
    if totals and isinstance(totals[-1], Decimal):
        pins["total"] = int(totals[-1] * 100)
    return pins


def _blank_sources(rows: list[Row]) -> dict[str, int]:
    """Income labels printed with no figure: sources of nothing."""
    out: dict[str, int] = {}
    for row in rows:
        if row.side == "income" and not row.figures:
            mapped = column_key(row.name)
            if mapped and mapped[0] in INCOME_KEYS:
                out[mapped[0]] = 0
    return out


def _line_then_page(row: dict[str, object]) -> tuple[int, int]:
    """A text dump's order: by the line in the file (a dump without pages has no page to order by)."""
    return int(str(row[s.LINE])), int(str(row[s.PAGE] or 0))


@dataclass
class _BlockRead:
    """What one table block gave: rows, status, unit, problems, the reason it is unreadable, and (for a 收支总表)
    the sources its income side states."""

    rows: list[dict[str, object]]
    status: str
    unit: str | None
    problems: list[ReadingProblem] = field(default_factory=list)
    reason: str | None = None
    stated: dict[str, int] = field(default_factory=dict)


class _NoUnitError(Exception):
    """A table with figures and no printed unit: read again once the document's unit is known."""


def _read_block(
    block: TableBlock,
    sources: dict[int, SourceLine],
    ctx: _Context,
    pins: dict[str, dict[str, int]],
    inferred: str | None = None,
) -> _BlockRead:
    """Read one table block. Raises ``_NoUnitError`` for figures without a unit unless ``inferred`` is given."""
    title = sources[block.title_line.number]
    lines = [sources[ln.number] for ln in block.lines]
    unit_found = _unit([title, *lines[:_UNIT_WINDOW]])
    body = [ln for ln in lines if not (unit_found and any(ln is u for u in unit_found[1]))]
    says_empty = any(EMPTY_TABLE.search(normalize_text(ln.text)) for ln in body)
    start = header_split(body)
    nothing = "empty" if says_empty else "no_rows"
    note = empty_note(ln.text for ln in body)  # what a table disclosed empty says of itself
    if unit_found is None and inferred is None:
        # A row of a classified table under the title (a code and figures) is a table whose unit is missing; any
        # other line is not: a dump that lost its tables prints their titles back to back, or with a sentence.
        first = cells(body[start].text) if start is not None and start < _UNIT_WINDOW + 6 else None
        if first and first[2] and Row(body[start], *first).code:
            raise _NoUnitError
        return _BlockRead([], nothing, None, reason=note)
    unit = unit_found[0] if unit_found else str(inferred)
    if start is None:
        return _BlockRead([], nothing, unit, reason=note)
    header, data = body[:start], body[start:]
    if block.key in _TWO_SIDED:
        return _read_two_sided(block, header, data, unit, ctx)
    rows = data_rows(data, header)
    side = "income" if block.key in _INCOME_TABLES else "expenditure"
    for row in rows:
        row.side = side
    figures = max((len(r.figures) for r in rows), default=0)
    head = header_of([ln.text for ln in header], block.key, side, figures)
    out, problems = _read_side(rows, head, block.key, unit, ctx, two_sided=False, pins=pins.get(block.key))
    return _BlockRead(out, "data" if out else nothing, unit, problems, reason=None if out else note)


def _read_two_sided(
    block: TableBlock, header: list[SourceLine], data: list[SourceLine], unit: str, ctx: _Context
) -> _BlockRead:
    rows = two_sided_rows(data)
    counts = {side: max((len(r.figures) for r in rows if r.side == side), default=1) for side in s.SIDES}
    headers = _side_headers(header, counts)
    out: list[dict[str, object]] = []
    problems: list[ReadingProblem] = []
    for side in s.SIDES:
        side_rows = [r for r in rows if r.side == side]
        # The spending side's 合计 row has the funds the income side states (财政拨款收支总表).
        side_pins = _fund_pins(rows, out) if side == "expenditure" and block.key in _FUND_TABLES else None
        got, trouble = _read_side(side_rows, headers[side], block.key, unit, ctx, two_sided=True, pins=side_pins)
        out += got
        problems += trouble
    stated = {**_blank_sources(rows), **_summary_pins(out, block.key)}
    return _BlockRead(out, "data" if out else "no_rows", unit, problems, stated=stated)


def _table_problem(
    kind: str, block: TableBlock, title: SourceLine, ctx: _Context, *, reason: str, zh: str
) -> ReadingProblem:
    return ReadingProblem(
        kind,
        block.key,
        title.page if ctx.paged else None,
        title.number,
        "",
        f"{block.title}: {reason}",
        f"{block.title}：{zh}",
        title.text.strip(),
    )


def _guarded(
    block: TableBlock,
    sources: dict[int, SourceLine],
    ctx: _Context,
    pins: dict[str, dict[str, int]],
    inferred: str | None = None,
) -> _BlockRead:
    """``_read_block``, with a table that cannot be read kept as ``unreadable`` and its reason, never refusing the
    document."""
    try:
        return _read_block(block, sources, ctx, pins, inferred)
    except ReaderError as error:
        title = sources[block.title_line.number]
        problem = _table_problem(
            "unreadable_table", block, title, ctx, reason=error.problem, zh=f"表格无法读取：{error.problem}"
        )
        return _BlockRead([], "unreadable", inferred, [problem], reason=error.problem)


def extract_text_tables(doc: SourceDocument, *, fiscal_year: int, phase: str) -> TextTables:
    """Every standard table printed in a text dump: ``lines`` rows, ``document_tables`` rows and reading problems.

    ``doc`` holds the file's lines with their line number and (for a dump whose pages are separated by form
    feeds) their page; ``page`` of a row is ``None`` for a dump without pages. A table that cannot be read is kept
    as ``unreadable`` with its reason; one that prints no unit is read in the unit the document's other tables
    print, and says so; neither refuses the document.

    Examples
    --------
    >>> text = "\\n".join([
    ...     "2025年部门支出预算总表", "编制部门：某某局 单位：元", "项目 支出预算", "科目名称 合计 基本支出 项目支出",
    ...     "201 一般公共服务支出 900 300 600", "201 03 政府办公厅（室）及相关机构事务 900 300 600",
    ...     "201 03 01 行政运行 300 300", "201 03 02 一般行政管理事务 600 600", "合计 900 300 600",
    ... ])
    >>> read = extract_text_tables(SourceDocument.from_text("a.txt", text), fiscal_year=2025, phase="budget")
    >>> [(r["code"], r["column"], str(r["amount_yuan"])) for r in read.lines if r["line"] == 8]
    [('2010302', 'total', '600.00'), ('2010302', 'project', '600.00')]
    """
    paged = any(line.page is not None for line in doc.lines)
    ctx = _Context(doc.name, fiscal_year, phase, paged)
    page_lines, sources = _page_lines(doc, paged)
    blocks = find_blocks(page_lines)
    pins: dict[str, dict[str, int]] = {}
    results: dict[int, _BlockRead] = {}
    pending: list[int] = []
    # The 收支总表 first: the sources its income side states bind the 合计 row of the 收入总表.
    for number, block in sorted(enumerate(blocks), key=lambda nb: nb[1].key not in _TWO_SIDED):
        try:
            results[number] = _guarded(block, sources, ctx, pins)
        except _NoUnitError:
            pending.append(number)
            continue
        if block.key == "income_expenditure_summary" and results[number].stated:
            pins.setdefault("income_summary", results[number].stated)
    units = [r.unit for r in results.values() if r.unit and r.rows]
    unit = max(units, key=units.count) if units else None  # the unit most tables print, the first on a tie
    for number in pending:
        block, title = blocks[number], sources[blocks[number].title_line.number]
        if unit is None:
            reason = (
                "the table prints no unit and no other table of the document does; expected '单位：元' or '单位：万元'"
            )
            problem = _table_problem(
                "unreadable_table", block, title, ctx, reason=reason, zh="表格未印计量单位，无法读取"
            )
            results[number] = _BlockRead([], "unreadable", None, [problem], reason=reason)
            continue
        results[number] = _guarded(block, sources, ctx, pins, unit)
        results[number].problems.append(
            _table_problem(
                "unit_inferred",
                block,
                title,
                ctx,
                reason=f"the table prints no unit; read in {unit}, the unit the document's other tables print",
                zh=f"表格未印计量单位，按本文件其他表格的单位（{unit}）读取",
            )
        )
    read = TextTables()
    for number, block in enumerate(blocks):
        result = results[number]
        rows = dedupe_lines(mark_subtotals(result.rows, _line_then_page))
        first, last = block.pages
        read.lines += rows
        read.problems += result.problems
        read.tables.append(
            {
                s.TABLE: block.key,
                s.TITLE: block.title,
                s.UNIT_PRINTED: result.unit,
                s.PAGE_FROM: first if paged else None,
                s.PAGE_TO: last if paged else None,
                s.STATUS: result.status,
                s.ROW_COUNT: len(rows),
                s.REASON: result.reason,
                s.SOURCE_TEXT: sources[block.title_line.number].text.strip(),
            }
        )
    return read


def _iter_pages(text: str) -> Iterator[tuple[int, int, str]]:
    """(line number, page, text) of every piece of ``text``: lines split at newlines, pages at form feeds."""
    page = 1
    for number, physical in enumerate(text.split("\n"), start=1):
        pieces = physical.rstrip("\r").split("\f")
        for index, piece in enumerate(pieces):
            if index:
                page += 1
            yield number, page, piece


def paged_document(name: str, text: str) -> SourceDocument:
    """A text dump as lines numbered as in the file, with the page each is on when form feeds separate pages.

    A line holding a form feed is two lines of one number: the end of one page and the start of the next. A text
    without form feeds has no pages (``page`` is ``None``) and its lines are those of ``SourceDocument.from_text``.

    Examples
    --------
    >>> doc = paged_document("a.txt", "一\\n二\\f三\\n四")
    >>> [(ln.number, ln.page, ln.text) for ln in doc.lines]
    [(1, 1, '一'), (2, 1, '二'), (2, 2, '三'), (3, 2, '四')]
    """
    if "\f" not in text:
        return SourceDocument.from_text(name, text)
    return SourceDocument(name, tuple(SourceLine(n, t, p) for n, p, t in _iter_pages(text)))
