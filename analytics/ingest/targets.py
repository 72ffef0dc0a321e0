"""Performance indicators (绩效指标) of the goals in a 绩效目标申报表: one record per 三级指标.

PDF text extraction gives the indicator tables cell by cell: the cells of a row come out on one line separated by
spaces or one per line, a long cell wraps onto several short lines, and the merged 一级指标 cell is printed split
("满意度指" / "标"), its tail sometimes only after the row it belongs to. No column positions survive, so the rows
are rebuilt from the words themselves:

* a goal starts at a line ``长期目标 1：…``, ``年度目标 1：…`` or ``项目绩效目标 1：…`` (also ``项目目标`` and
  ``项目年度目标``) and ends at the next goal, at a new table or chapter title, or at the end of the document;
* its table header says how many values a row has (前年 and 上年 each add a prior-year value before the current
  one) and whether there is an 指标值确定依据 (basis) column;
* a row starts at an 一级 or 二级指标 name of the national framework (``reference/indicator_levels.csv``); a row
  whose 二级指标 cell is merged with the row above starts when the previous row is complete and the text after it
  holds a full set of values of its own;
* the values are peeled from the right end of the row's words with a small grammar (``无`` | comparator word?
  number unit? suffix word?); what is left of them is the 三级指标, and words after the last value are the basis.
  A row whose values do not all fit the grammar is read at its end with its last words as text values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from analytics.errors import ReaderError
from analytics.ingest._source import SourceDocument, SourceLine
from analytics.ingest.lexicon import alternation, meanings
from analytics.ingest.numbers import normalize_text, parse_decimal
from analytics.reference import reference_rows
from analytics.schema import (
    BASIS,
    COMPARATOR,
    FISCAL_YEAR,
    GOAL,
    GOAL_NO,
    GOAL_SCOPE,
    LEVEL1,
    LEVEL2,
    LEVEL3,
    LINE,
    PAGE,
    PRIOR_VALUES,
    SOURCE_TEXT,
    TARGET_TEXT,
    TARGET_VALUE,
    UNIT,
)

__all__ = ["extract_indicators", "parse_target"]

_GOAL_RE = re.compile(rf"^(?P<kind>{alternation('goal_kind')})\s*(?P<no>[0-9０-９]+)?\s*[：:]\s*(?P<text>.*)$")
# A goal's table ends where the document moves on: a table title, a chapter or section heading, another form.
_STOP_RE = re.compile(
    r"^(?:表\s*[0-9０-９]+|附表|附件|第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、"
    r"|[（(][一二三四五六七八九十]+[）)])"
)
_STOP_WORDS = ("申报表", "项目名称", "填报日期")

# --- the value grammar --------------------------------------------------------------------------------------------
# Printed comparators after NFKC folding (＞ → >, ＜ → <, ＝ → =); ≧/⩾ and ≦/⩽ are variants fonts produce.
_SYMBOLS = {
    **dict.fromkeys((">=", "≥", "≧", "⩾"), "≥"),
    **dict.fromkeys(("<=", "≤", "≦", "⩽"), "≤"),
    **{">": ">", "<": "<", "=": "="},
}
_PREFIXES = meanings("comparator_word")
_SUFFIXES = meanings("comparator_suffix")
#: Cells that state no value ("无" in a prior-year column).
_NOTHING = frozenset({"无", "-", "—", "——", "/"})
#: Units accepted even when printed apart from the number ("≤30 分钟"); an attached unit may be any short word.
_KNOWN_UNITS = frozenset(
    {
        *("%", "‰", "个", "件", "次", "台", "套", "篇", "条", "人", "名", "户", "家", "项", "本", "期", "场"),
        *("份", "批", "所", "座", "辆", "张", "册", "部", "处", "栋", "间", "亩", "吨", "株", "棵"),
        *("元", "万", "万元", "亿", "亿元", "千元", "人次", "万人次", "户次", "万次"),
        *("小时", "分钟", "秒", "天", "日", "周", "月", "年", "个月", "工作日", "个工作日"),
        *("公里", "千米", "米", "平方米", "万平方米", "公顷", "km", "m", "kg"),
        *("G", "M", "T", "GB", "MB", "TB", "Gb", "Mb", "Mbps", "Gbps"),
    }
)
# An unknown attached unit longer than this is more likely the start of a name ("12345热线接通率") than a unit.
_MAX_LOOSE_UNIT = 3
# A value is at most a comparator word, a number, a unit and a suffix word printed apart.
_MAX_SPAN = 4
# A short form of an 二级指标 name without its 指标 ("服务对象满意度") must be this long to be told from a word.
_MIN_SHORT_LEVEL2 = 5
# A wrapped 二级指标 name is looked for on this many following lines.
_LOOKAHEAD = 3


def _alternation(words: dict[str, str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# Matched against a value's words NFKC-folded and joined by single spaces. The unit is optional and lazy so that a
# suffix word ("以上") is not taken for a unit.
_VALUE_RE = re.compile(
    rf"(?:(?P<pre>{_alternation(_PREFIXES)}) ?)?(?P<cmp>{_alternation(_SYMBOLS)})? ?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:(?P<gap> ?)(?P<unit>[^\s\d.,:;()<>=≥≤≧≦⩾⩽、。]{1,6}?))??"
    rf"(?: ?(?P<suf>{_alternation(_SUFFIXES)}))?"
)


@dataclass(frozen=True, slots=True)
class _Token:
    """One whitespace-separated word of a row: as printed, and NFKC-folded for the grammar."""

    printed: str
    norm: str


def _tokens(text: str) -> list[_Token]:
    return [_Token(word, normalize_text(word)) for word in text.split()]


def _text_value(tokens: list[_Token]) -> dict[str, object]:
    return {TARGET_TEXT: "".join(t.printed for t in tokens), COMPARATOR: None, TARGET_VALUE: None, UNIT: None}


def _read_value(tokens: list[_Token]) -> dict[str, object] | None:
    """The value these words print, or ``None`` when they are not exactly one value."""
    joined = " ".join(t.norm for t in tokens)
    if joined in _NOTHING:
        return _text_value(tokens)
    match = _VALUE_RE.fullmatch(joined)
    if match is None:
        return None
    unit = match["unit"]
    if unit and unit not in _KNOWN_UNITS and (match["gap"] or len(unit) > _MAX_LOOSE_UNIT):
        return None
    # A symbol is the most explicit statement, then a word before the number, then one after it.
    comparator = (
        _SYMBOLS.get(match["cmp"] or "")
        or _PREFIXES.get(match["pre"] or "")
        or _SUFFIXES.get(match["suf"] or "")
        or "="
    )
    return {
        TARGET_TEXT: "".join(t.printed for t in tokens),
        COMPARATOR: comparator,
        TARGET_VALUE: parse_decimal(match["num"]),
        UNIT: unit,
    }


def parse_target(cell: str) -> dict[str, object]:
    """Read one printed value cell of an indicator table.

    Parameters
    ----------
    cell
        The cell as printed; spaces and full-width forms are allowed ("≤30 分钟", "≥９０％").

    Returns
    -------
    dict
        ``target_text`` (the cell with its whitespace removed, characters as printed), ``comparator`` (one of
        ``≥ ≤ > < =``: a symbol, else a word such as 不少于 / 不超过 / 少于 / 高于, else a suffix such as 以上 /
        以内, else ``=`` for a bare number), ``target_value`` (exact ``Decimal``) and ``unit`` (NFKC-folded, ``None``
        when none is printed). A cell that is no value ("无", "综合排名前三名") has all but ``target_text`` ``None``.

    Examples
    --------
    >>> parse_target("不少于 60 篇")
    {'target_text': '不少于60篇', 'comparator': '≥', 'target_value': Decimal('60'), 'unit': '篇'}
    >>> parse_target("30分钟以内")[COMPARATOR]
    '≤'
    >>> parse_target("综合排名前三名")[TARGET_VALUE] is None
    True
    """
    tokens = _tokens(cell)
    return _read_value(tokens) or _text_value(tokens)


# --- the 一级 / 二级指标 vocabulary ------------------------------------------------------------------------------


@cache
def _levels() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The 一级 and 二级指标 names, longest first so that the longest name matches."""
    rows = reference_rows("indicator_levels.csv")

    def ordered(names: set[str]) -> tuple[str, ...]:
        return tuple(sorted(names, key=lambda n: (-len(n), n)))

    return ordered({r["level1"] for r in rows}), ordered({r["level2"] for r in rows})


def _head(text: str) -> tuple[str, str]:
    """The first word of ``text`` and the rest."""
    parts = text.split(maxsplit=1)
    if not parts:
        return "", ""
    return parts[0], parts[1].strip() if len(parts) > 1 else ""


def _drop(text: str, prefix: str) -> str:
    """``text`` without the leading characters that fold to ``prefix`` (spaces among them are skipped)."""
    taken, i = "", 0
    while i < len(text) and len(taken) < len(prefix):
        taken += normalize_text(text[i])
        i += 1
    return text[i:].strip()


def _level2_match(texts: list[str]) -> tuple[str, int, str] | None:
    """(canonical 二级指标, lines used, rest of the last line) when ``texts[0]`` opens an 二级指标 cell."""
    _, level2 = _levels()
    text = texts[0]
    folded = normalize_text(text)
    for name in level2:
        if folded.startswith(name):
            return name, 1, _drop(text, name)
    wrapped = _wrapped_level2(texts)
    if wrapped is not None:
        return wrapped
    first, after = _head(text)
    for name in level2:
        short = name.removesuffix("指标")
        if len(short) >= _MIN_SHORT_LEVEL2 and normalize_text(first) == short:
            return name, 1, after
    return None


def _wrapped_level2(texts: list[str]) -> tuple[str, int, str] | None:
    """An 二级指标 name wrapped onto the next line(s): each line but the last is a leading piece of it."""
    _, level2 = _levels()
    acc = normalize_text(texts[0])
    for used, text in enumerate(texts[1:], start=2):
        if len(acc) < 2 or not any(name.startswith(acc) for name in level2):
            return None
        joined = acc + normalize_text(text)
        for name in level2:
            if joined.startswith(name):
                return name, used, _drop(text, name[len(acc) :])
        acc = joined
    return None


def _level1_start(text: str, following: str | None) -> tuple[str, str, str] | None:
    """(canonical 一级指标, the part of it printed here, rest of the line) when ``text`` opens an 一级指标 cell."""
    level1, _ = _levels()
    first, after = _head(text)
    piece = normalize_text(first)
    if piece in level1:
        return piece, piece, after
    glued = next((name for name in level1 if normalize_text(text).startswith(name)), None)
    if glued is not None:
        rest = _drop(text, glued)
        return (glued, glued, rest) if _level2_match([rest]) else None
    names = [name for name in level1 if name.startswith(piece)]
    if len(names) != 1 or not _opens_cell(names[0], piece, after, following):
        return None
    return names[0], piece, after


def _opens_cell(name: str, piece: str, after: str, following: str | None) -> bool:
    """Whether a leading piece of an 一级指标 name opens the cell rather than being part of an indicator name.

    It does when an 二级指标 follows on the same line, or when it ends the line and the next line goes on with the
    name or opens an 二级指标.
    """
    if after:
        return _level2_match([after]) is not None
    if following is None:
        return False
    nxt = normalize_text(_head(following)[0])
    return name.startswith(piece + nxt) or _level2_match([following]) is not None


def _row_start(lines: list[SourceLine], k: int) -> bool:
    text = lines[k].text
    following = lines[k + 1].text if k + 1 < len(lines) else None
    if _level1_start(text, following) is not None:
        return True
    return _level2_match([ln.text for ln in lines[k : k + 1 + _LOOKAHEAD]]) is not None


# --- rows -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    """The columns of a goal's table: prior-year values (years before the budget year) and a basis column."""

    prior_offsets: tuple[int, ...]
    basis: bool

    @property
    def values(self) -> int:
        return len(self.prior_offsets) + 1


def _layout(header: list[SourceLine]) -> _Layout:
    # The header cells come out scrambled ("依据近两年指标值 预期当年实", "现值前年 上年"), so look for words only;
    # the value columns themselves are always printed oldest first.
    text = "".join(normalize_text(ln.text) for ln in header)
    offsets = tuple(offset for word, offset in (("前年", 2), ("上年", 1)) if word in text)
    return _Layout(offsets, "依据" in text)


@dataclass(frozen=True)
class _Split:
    """A row's words split into indicator name, values (oldest first) and basis."""

    level3: str
    values: tuple[dict[str, object], ...]
    basis: str


def _split(tokens: list[_Token], layout: _Layout, *, lenient: bool) -> _Split | None:
    """Peel the layout's values off the right end of ``tokens``; ``None`` when they are not all there.

    Strictly, every value must fit the grammar; words after the last value are the basis when the layout has that
    column. Leniently (a row that has ended), a word that is no value is taken as a text value and the basis is
    empty.
    """
    trailing = range(len(tokens)) if layout.basis and not lenient else range(1)
    for skip in trailing:
        end = len(tokens) - skip
        values: list[dict[str, object]] = []
        j = end
        while len(values) < layout.values and j > 0:
            start, value = _value_ending_at(tokens, j)
            if value is None:
                if not lenient:
                    break
                start, value = j - 1, _text_value(tokens[j - 1 : j])
            values.append(value)
            j = start
        if len(values) == layout.values and j > 0:
            level3 = "".join(t.printed for t in tokens[:j])
            return _Split(level3, tuple(reversed(values)), "".join(t.printed for t in tokens[end:]))
    return None


def _value_ending_at(tokens: list[_Token], j: int) -> tuple[int, dict[str, object] | None]:
    """The longest value whose last word is ``tokens[j - 1]``, with the index of its first word."""
    for start in range(max(0, j - _MAX_SPAN), j):
        value = _read_value(tokens[start:j])
        if value is not None:
            return start, value
    return j, None


@dataclass
class _Row:
    level1: str | None
    level2: str | None
    lines: list[SourceLine] = field(default_factory=list)
    tokens: list[_Token] = field(default_factory=list)
    complete: bool = False

    def add(self, lines: list[SourceLine], tokens: list[_Token], layout: _Layout) -> None:
        for line in lines:
            if line not in self.lines:
                self.lines.append(line)
        self.tokens.extend(tokens)
        self.complete = _split(self.tokens, layout, lenient=False) is not None


class _RowParser:
    """Rebuild the rows of one goal's indicator table, line by line."""

    def __init__(self, source: str, layout: _Layout) -> None:
        self.source = source
        self.layout = layout
        self.rows: list[tuple[_Row, _Split]] = []
        self.row: _Row | None = None
        # Text after a complete row: the next row of a merged 二级指标 cell, or the end of this row's basis.
        self.pending: _Row | None = None
        # Lines of an 一级指标 cell printed before the first row it heads.
        self.lead: list[SourceLine] | None = None
        self.level1: str | None = None
        self.level1_missing = ""

    def feed(self, lines: list[SourceLine]) -> list[tuple[_Row, _Split]]:
        i = 0
        while i < len(lines):
            i += self._step(lines, i)
        self._close()
        return self.rows

    def _step(self, lines: list[SourceLine], i: int) -> int:
        """Read ``lines[i]`` (and the lines a wrapped 二级指标 name goes on to); return how many were read."""
        line = lines[i]
        following = [ln.text for ln in lines[i + 1 : i + 1 + _LOOKAHEAD]]
        rest = self._absorb_level1_tail(line, line.text)
        if not rest:
            return 1
        start = _level1_start(rest, following[0] if following else None)
        if start is not None:
            self._close()
            self.level1, printed, rest = start
            self.level1_missing = self.level1[len(printed) :]
            self.lead = [line]
            if not rest:
                return 1
        level2 = _level2_match([rest, *following])
        if level2 is not None:
            name, used, rest = level2
            self._close()
            self.row = _Row(self.level1, name)
            self.row.add([*(self.lead or []), *lines[i : i + used]], _tokens(rest), self.layout)
            self.lead = None
            return used
        self._body(line, _tokens(rest))
        return 1

    def _absorb_level1_tail(self, line: SourceLine, text: str) -> str:
        """Take the next piece of a split 一级指标 cell ("标" after "满意度指") off ``text``; return the rest."""
        if not self.level1_missing or (self.row is not None and not self.row.complete):
            return text
        first, after = _head(text)
        piece = normalize_text(first)
        if not self.level1_missing.startswith(piece):
            return text
        self.level1_missing = self.level1_missing[len(piece) :]
        if not after:
            # The piece belongs to the row it heads (printed after it) or to the cell's other lines.
            holder = self.row.lines if self.row is not None else self.lead
            if holder is not None:
                holder.append(line)
        return after

    def _body(self, line: SourceLine, tokens: list[_Token]) -> None:
        if self.row is None:
            if self.lead is None:
                raise ReaderError(
                    self.source, f"line {line.number}", f"{line.text!r} comes before any 一级 or 二级指标 name"
                )
            self.row = _Row(self.level1, None)
            self.row.add([*self.lead, line], tokens, self.layout)
            self.lead = None
        elif not self.row.complete:
            self.row.add([line], tokens, self.layout)
        else:
            if self.pending is None:
                self.pending = _Row(self.row.level1, self.row.level2)
            self.pending.add([line], tokens, self.layout)
            if self.pending.complete:
                following, self.pending = self.pending, None
                self._close()
                self.row = following

    def _close(self) -> None:
        """End the current row and record it, with the text that followed it where that belongs to it."""
        row, pending = self.row, self.pending
        self.row = self.pending = None
        if row is None or not row.tokens:
            return  # an 二级指标 cell with nothing in it
        if pending is not None:
            # The pending words are this row's basis, or the row completed early on a name that holds a number
            # ("3000户改造") and the value came after.
            combined = _Row(row.level1, row.level2, [*row.lines], [*row.tokens])
            combined.add(pending.lines, pending.tokens, self.layout)
            split = _split(combined.tokens, self.layout, lenient=False)
            if split is not None:
                self.rows.append((combined, split))
                return
            self._record(row)
            if len(pending.tokens) < 2:
                text = " ".join(ln.text for ln in pending.lines)
                raise ReaderError(
                    self.source, f"line {pending.lines[0].number}", f"cannot place {text!r} in the indicator table"
                )
            row = pending
        self._record(row)

    def _record(self, row: _Row) -> None:
        split = _split(row.tokens, self.layout, lenient=False) or _split(row.tokens, self.layout, lenient=True)
        if split is None:
            text = " ".join(ln.text for ln in row.lines)
            raise ReaderError(
                self.source,
                f"line {row.lines[0].number}",
                f"indicator row {text!r}: expected an indicator name and {self.layout.values} value(s)",
            )
        self.rows.append((row, split))


# --- goals ----------------------------------------------------------------------------------------------------------


def _scope(kind: str) -> str:
    if kind.startswith("项目"):
        return "project"
    return "long_term" if kind.startswith("长期") else "annual"


def _goal_records(
    source: str, header: SourceLine, body: list[SourceLine], year: int, numbers: dict[str, int]
) -> list[dict[str, object]]:
    match = _GOAL_RE.match(header.text)
    assert match is not None  # the caller found the header with the same pattern
    scope = _scope(match["kind"])
    numbers[scope] = int(normalize_text(match["no"])) if match["no"] else numbers.get(scope, 0) + 1
    # The goal text may wrap; it ends where the table header (绩效指标, 一级指标 …) or the first row begins.
    goal = [match["text"].strip()]
    k = 0
    while k < len(body) and "指标" not in normalize_text(body[k].text) and not _row_start(body, k):
        goal.append(body[k].text)
        k += 1
    first_row = next((j for j in range(k, len(body)) if _row_start(body, j)), len(body))
    layout = _layout(body[k:first_row])
    rows = _RowParser(source, layout).feed(body[first_row:])
    context = {GOAL_SCOPE: scope, GOAL_NO: numbers[scope], GOAL: "".join(goal)}
    return [_indicator(context, row, split, layout, year) for row, split in rows]


def _indicator(context: dict[str, object], row: _Row, split: _Split, layout: _Layout, year: int) -> dict[str, object]:
    *priors, current = split.values
    lines = sorted(row.lines, key=lambda ln: ln.number)
    return {
        **context,
        LEVEL1: row.level1,
        LEVEL2: row.level2,
        LEVEL3: split.level3,
        COMPARATOR: current[COMPARATOR],
        TARGET_VALUE: current[TARGET_VALUE],
        UNIT: current[UNIT],
        TARGET_TEXT: current[TARGET_TEXT],
        PRIOR_VALUES: [
            {FISCAL_YEAR: year - offset, **value} for offset, value in zip(layout.prior_offsets, priors, strict=True)
        ],
        BASIS: split.basis if layout.basis else None,
        FISCAL_YEAR: year,
        LINE: lines[0].number,
        PAGE: lines[0].page,
        SOURCE_TEXT: " ".join(ln.text for ln in lines),
    }


def _is_stop(text: str) -> bool:
    return _STOP_RE.match(text) is not None or any(word in text for word in _STOP_WORDS)


def extract_indicators(doc: SourceDocument, *, year: int) -> list[dict[str, object]]:
    """Every indicator of every goal in the document's 绩效目标 tables, in document order.

    Parameters
    ----------
    doc
        The document as lines.
    year
        The budget year: the current value's ``fiscal_year``; the 前年 and 上年 values get ``year - 2`` and
        ``year - 1``.

    Returns
    -------
    list of dict
        One dict per indicator with the keys ``goal_scope`` ("long_term", "annual" or "project"), ``goal_no``,
        ``goal`` (without its "长期目标 1：" prefix), ``level1`` and ``level2`` (canonical names, e.g. "满意度指标"
        and "服务对象满意度指标" however they are printed or split), ``level3`` (wrapped lines re-joined without
        spaces), ``comparator``, ``target_value``, ``unit`` and ``target_text`` of the current value (see
        :func:`parse_target`; ``target_text`` keeps the printed characters without whitespace, e.g. "≤30分钟"),
        ``prior_values`` (dicts with ``fiscal_year``, ``target_text``, ``comparator``, ``target_value``, ``unit``;
        empty for a table without prior-year columns), ``basis`` (the 指标值确定依据 cell, "" when empty, ``None``
        when the table has no such column), ``fiscal_year``, and the provenance ``line`` and ``page`` of the row's
        first line and ``source_text`` (its lines joined by single spaces).

    Raises
    ------
    ReaderError
        When a row holds fewer words than an indicator name and its values, or text in a table cannot be placed.

    Examples
    --------
    >>> text = "\\n".join([
    ...     "长期目标 1： 保障网络运行。",
    ...     "一级指标 二级指标 三级指标 指标值 指标值确定依据",
    ...     "产出指标 数量指标 巡检次数 ≥12次 历史标准",
    ...     "满意度指",
    ...     "标",
    ...     "服务对象满意度 用户满意率 90%以上",
    ... ])
    >>> rows = extract_indicators(SourceDocument.from_text("demo.txt", text), year=2024)
    >>> for r in rows:
    ...     print(r[LEVEL1], r[LEVEL2], r[LEVEL3], r[COMPARATOR], r[TARGET_VALUE], r[UNIT], repr(r[BASIS]))
    产出指标 数量指标 巡检次数 ≥ 12 次 '历史标准'
    满意度指标 服务对象满意度指标 用户满意率 ≥ 90 % ''
    """
    lines = doc.nonblank()
    starts = [i for i, ln in enumerate(lines) if _GOAL_RE.match(ln.text)]
    numbers: dict[str, int] = {}
    records: list[dict[str, object]] = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        body = lines[start + 1 : end]
        cut = next((j for j, ln in enumerate(body) if _is_stop(ln.text)), len(body))
        records.extend(_goal_records(doc.name, lines[start], body[:cut], year, numbers))
    return records
