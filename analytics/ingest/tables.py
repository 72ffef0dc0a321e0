"""Standard tables from positioned lines: find each table by its title, follow it across pages, align its columns.

Input is the layout form (``PageLine`` with words and x positions), which the PDF reader produces and the Excel
reader imitates. Per table:

1. **Blocks**: a title line names a table of the catalog (``analytics/reference/tables.csv``); the block runs to
   the next title or part heading, across page breaks. A table of contents is not a title, nor is a sentence that
   quotes one (its line closes a quote opened before it: "…基本支出预算表”中…填写）"); a title followed by running
   text with figures (no unit, header row or amounts in columns) heads no rows.
2. **Unit** from the block's header ("单位：元" / "万元"); an amount table without a unit is refused.
3. **Columns**: amounts are right-aligned, so the right edges of numeric words cluster into columns; each header
   word is assigned to the column it stands over, and the joined header text maps to a canonical column
   (``analytics/reference/columns.csv``) by its longest alias.
4. **Rows**: a line with a code or an amount anchors a row; a line of name fragments (a name wrapped in its cell)
   joins the nearest anchor, and a row whose name cells wrap side by side is read cell by cell. A number inside a
   name ("算 20 万以下") is name text. Codes printed split into 类 / 款 / 项 cells are joined, dropped leading zeros
   restored. Two-sided tables (收支总表) pair each label with the amounts that follow it.
5. A table that says it has no data (本部门无此项 …) is recorded as disclosed empty.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from analytics import schema as s
from analytics.errors import ReaderError
from analytics.ingest._pdf_layout import PageLine, Word
from analytics.ingest._verify import column_orders, identities_of, row_score, scored_placement, step_of, verify_rows
from analytics.ingest.lexicon import alternation
from analytics.ingest.numbers import normalize_text, parse_amount
from analytics.reference import reference_rows, table_key
from analytics.reference.classification import code_level, normalize_code, parent_code

__all__ = [
    "TableBlock",
    "dedupe_lines",
    "drop_listed_only",
    "extract_tables",
    "find_blocks",
    "page_furniture",
    "printed_unit",
    "table_steps",
]

_NUMBER = r"[-−－]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
#: An amount cell: a number, or one in closed brackets (a negative); "（20" is the start of a wrapped "（20万以上）".
_NUMERIC = re.compile(rf"^[-−－]?(?:\({_NUMBER}\)|（{_NUMBER}）|{_NUMBER})$")
_DIGITS = re.compile(r"^\d{1,7}$")
_UNIT = re.compile(r"单位\s*[:：]\s*(亿元|万元|元)")
#: The start of a unit whose end wraps onto the next line ("单位：万" / "元").
_UNIT_START = re.compile(r"单位\s*[:：]\s*[亿万]?$")
_TOC = re.compile(r"[.…·]{3,}|…")
_PART = re.compile(r"^第[一二三四五六七八九十]+部分|^[一二三四五六七八九十]+、.*(说明|解释|情况)$")
#: What a document prints under a table it has nothing to show in (disclosed empty, not missing).
EMPTY_TABLE = re.compile(alternation("empty_table"))


def empty_note(texts: Iterable[str]) -> str | None:
    """The note a table disclosed empty prints to say why ("本部门无政府性基金预算支出，故本表为空表。"), or ``None``.

    Examples
    --------
    >>> empty_note(["功能分类科目 金额", "（无政府性基金支出）"])
    '（无政府性基金支出）'
    >>> empty_note(["功能分类科目 金额", "合计"]) is None
    True
    """
    return next((raw.strip() for raw in texts if EMPTY_TABLE.search(normalize_text(raw))), None)


#: A total row's label printed without any amount beside it.
_BARE_TOTAL = re.compile(r"(?:合计|总计)")
_ORDINAL = re.compile(
    r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\)|\d+[.．、](?!\d))"
)
_SUBTOTAL = re.compile(r"小计$")
#: The current year's subtotal of a 收支总表 (当年收入小计, 本年支出合计): printed whenever the table has figures.
_YEAR_SUBTOTAL = re.compile(r"^(当年|本年).{0,4}(小计|合计)$")
_COLUMN_NUMBERS = re.compile(r"(栏次|栏号)+")
#: The 类 / 款 / 项 column headers, printed on the first data line of some tables.
_LEVEL_HEADERS = frozenset({"类", "款", "项"})
_TABLE_NUMBER = re.compile(r"(公开)?\d{1,2}表|表\d{1,2}|表[一二三四五六七八九十]+|附表\d*")
_NOTE = re.compile(r"^(注|说明|备注)\d*[:：]")
_TOTAL = re.compile(r"(总计|合计)$|^(合计|总计)")
_TWO_SIDED = frozenset({"income_expenditure_summary", "fiscal_appropriation_summary"})
_COLUMN_TOLERANCE = 12.0
#: A label-only line farther from its nearest row than this share of the row pitch is not part of that row.
_FRAGMENT_SHARE = 0.75


@dataclass
class TableBlock:
    """The lines of one standard table, from its title to the line before the next title."""

    key: str
    title: str
    title_line: PageLine
    lines: list[PageLine] = field(default_factory=list)

    @property
    def pages(self) -> tuple[int, int]:
        pages = [self.title_line.page, *(ln.page for ln in self.lines)]
        return min(pages), max(pages)


@cache
def _column_aliases() -> tuple[tuple[str, str, int], ...]:
    out: list[tuple[str, str, int]] = []
    for row in reference_rows("columns.csv"):
        for alias in row["aliases"].split("|"):
            out.append((normalize_text(alias), row["key"], int(row["fiscal_year_offset"])))
    return tuple(out)


@cache
def column_key(header: str) -> tuple[str, int] | None:
    """The canonical column of a printed header, and its year offset.

    A header cell joins the words stacked in it, group header first ("公务用车购置及运行费" over "购置费"). A
    specific alias beats a generic one ("机关运行经费预算数" is 机关运行经费, not 预算数); among specific ones the
    alias that ends last wins (the lowest line is the most specific), then the longest.

    Examples
    --------
    >>> column_key("本年收入合计")
    ('total', 0)
    >>> column_key("收入预算事业收入")
    ('business_income', 0)
    >>> column_key("上年预算数")
    ('prior_year', -1)
    >>> column_key("2024年机关运行经费预算数")
    ('operating_costs', 0)
    >>> column_key("公务用车购置及运行费小计")
    ('vehicles', 0)
    """
    best = _best_alias(header)
    return (best[1], best[2]) if best else None


@cache
def _best_alias(header: str) -> tuple[str, str, int] | None:
    """(alias, key, year offset) of the alias that names ``header`` (see ``column_key``)."""
    folded = normalize_text(header)
    best: tuple[bool, int, int, str, str, int] | None = None
    for alias, key, offset in _column_aliases():
        at = folded.rfind(alias)
        if at >= 0:
            candidate = (alias not in _GENERIC_HEADERS, at + len(alias), len(alias), alias, key, offset)
            if best is None or candidate[:3] > best[:3]:
                best = candidate
    return best[3:] if best else None


#: Headers that only say "the amount" (预算数, 金额 …): a more specific word in the same cell decides.
_GENERIC_HEADERS = frozenset(
    {"预算数", "决算数", "金额", "收入预算", "支出预算", "本年预算", "预算金额", "预算安排数", "小计"}
)


def _is_title(line: PageLine, text: str | None = None) -> str | None:
    """The catalog key of a title line; ``text`` is the line's ``normalize_text`` when the caller has it.

    A line that quotes a title is no title: the name ends in a closing quote ("…基本支出预算表”中…填写"), or the
    line closes a quote or a bracket opened on a line before it (a sentence that wrapped onto it).

    Examples
    --------
    >>> line = lambda text: PageLine((Word(text, 0, 10, 0, 8),), 1, 1)
    >>> _is_title(line("表6 某某局2023年一般公共预算基本支出表"))
    'general_budget_basic_economic'
    >>> _is_title(line("支出预算表”中实际发生经济分类支出事项填写）")) is None
    True
    """
    text = normalize_text(line.text) if text is None else text
    if len(text) > 60 or "。" in text or _TOC.search(line.text) or not text.endswith(("表", "）", ")")):
        return None
    if _QUOTED_NAME.search(text) or _closes_unopened(text):
        return None
    return table_key(text)


#: A table's name followed by a closing quote: the name is quoted in a sentence.
_QUOTED_NAME = re.compile(r"表[”’」』]")
#: Quotes and brackets (after ``normalize_text``) a title opens and closes on its own line.
_PAIRS = (("“", "”"), ("(", ")"), ("「", "」"), ("『", "』"), ("《", "》"))


def _closes_unopened(text: str) -> bool:
    """Whether ``text`` closes a quote or a bracket it did not open: it continues a line before it."""
    for opening, closing in _PAIRS:
        depth = 0
        for char in text:
            if char == opening:
                depth += 1
            elif char == closing:
                if depth == 0:
                    return True
                depth -= 1
    return False


def find_blocks(lines: Sequence[PageLine]) -> list[TableBlock]:
    """Split a document's lines into table blocks, one per titled standard table.

    Pages that are a table of contents (目录) hold titles but no tables and are skipped.
    """
    texts = [normalize_text(ln.text) for ln in lines]
    toc_pages = {ln.page for ln, text in zip(lines, texts, strict=True) if text in {"目录", "目次"}}
    footers = page_furniture(lines, texts)
    # Once per line: the loop asks about each line twice (as itself and as the line after the one before it).
    titles = [None if ln.page in toc_pages else _is_title(ln, text) for ln, text in zip(lines, texts, strict=True)]
    blocks: list[TableBlock] = []
    skip: int | None = None
    for index, line in enumerate(lines):
        if line.page in toc_pages or index == skip or index in footers:
            continue
        key, text = titles[index], texts[index]
        following = lines[index + 1] if index + 1 < len(lines) else None
        if (
            key is None
            and following is not None
            and following.page == line.page
            and len(texts[index + 1]) <= 12
            and not any(_is_numeric(w) and not _DIGITS.fullmatch(w.text) for w in line.words)
        ):
            # A long title wraps: "…“三公”经费、会议费、培训费" / "支出预算表". The end alone may name a table too
            # (支出预算表): the two lines are one title when together they name another, more specific one.
            joined = PageLine((*line.words, *following.words), line.page, line.number)
            joined_key = _is_title(joined)
            if joined_key is not None and joined_key != titles[index + 1]:
                key, skip = joined_key, index + 1
                line = joined  # noqa: PLW2901 - the title is the two lines joined
                text = normalize_text(line.text)
        if key is not None and not _starts_table(lines, texts, index + (1 if skip == index + 1 else 0)):
            # A sentence that quotes a title ("按“…财政拨款基本支出预算表”中…填写") stands in running text: no unit,
            # header or figure follows it.
            key = None
        if key is not None:
            blocks.append(TableBlock(key, text, line))
        elif blocks and _PART.match(text):
            blocks.append(TableBlock("", "", line))  # a part heading ends the table before it
        elif blocks and not _TABLE_NUMBER.fullmatch(text):
            # "公开 04 表" above the next title numbers that table: it is no row of this one.
            blocks[-1].lines.append(line)
    for block in blocks:
        if block.key and not _laid_out(block):
            # A title followed by running text with figures, and no unit, header or columns, heads no table here
            # (a dump that lost its tables, a line of prose that names one): the sentences are no rows of it.
            block.lines = []
    return [b for b in blocks if b.key]


#: A printed page number: "12", "- 12 -", "—12—", "第 3 页", "3/40", "第3页 共40页".
_PAGE_NUMBER = re.compile(r"^[-—–]*\d{1,4}[-—–]*$|^第\d{1,4}页(共\d{1,4}页)?$|^\d{1,4}/\d{1,4}$")


#: Words of a table's header or first rows: what follows a title, and never the sentence after a quoted one.
_TABLE_START = re.compile(r"单位|项目|科目|合计|总计|预算数|决算数|金额|编码|类|款|收入|支出|本表|此表|无")


def _starts_table(lines: Sequence[PageLine], texts: Sequence[str], title: int) -> bool:
    """Whether a table follows the title at ``title``: within the next four lines a unit, a header word, a figure,
    or a note that the table is empty, on short lines (a sentence runs long and ends in punctuation)."""
    for index in range(title + 1, min(title + 5, len(lines))):
        text = texts[index]
        if text.endswith(("。", "；", "：")) and len(text) > 40:
            continue
        if _TABLE_START.search(text) or any(_is_numeric(w) for w in lines[index].words):
            return True
    return title + 1 >= len(lines)


#: Punctuation of running text (after ``normalize_text``): a line holding it is prose, no header and no table row.
_SENTENCE = re.compile(r"[。;！？!?]|,(?!\d)")
#: The longest header cell printed on one line ("2024年机关运行经费预算数").
_HEADER_WORD_CHARS = 16


def _laid_out(block: TableBlock) -> bool:
    """Whether a block with figures is laid out as a table: it prints a unit, a header row (two header cells side by
    side) or amounts in columns (two amounts on a line, or on two lines under one right edge), outside running text.

    A sentence that names a table ("…详见一般公共预算支出表") followed by more sentences with figures has none of
    these: it must not become a table whose unit is missing. (A block without figures is left to say what it is:
    empty, or a title without rows.)
    """
    if _block_unit(block) is not None:
        return True
    if not any(_is_numeric(w) and not _DIGITS.fullmatch(w.text) for ln in block.lines for w in ln.words):
        return True
    edges: list[tuple[int, float, int]] = []
    for line in block.lines:
        if _SENTENCE.search(normalize_text(line.text)):
            continue
        amounts = [w for w in line.words if _is_numeric(w) and not _DIGITS.fullmatch(w.text)]
        headers = [w for w in line.words if not _is_numeric(w) and _header_word(normalize_text(w.text))]
        if len(amounts) >= 2 or len(headers) >= 2:
            return True
        edges.extend((line.page, w.x1, line.number) for w in amounts)
    edges.sort()
    return any(a[0] == b[0] and a[2] != b[2] and b[1] - a[1] <= _COLUMN_TOLERANCE for a, b in itertools.pairwise(edges))


def _header_word(text: str) -> bool:
    return len(text) <= _HEADER_WORD_CHARS and bool(_TABLE_START.search(text) or column_key(text))


def page_furniture(lines: Sequence[PageLine], texts: Sequence[str] | None = None) -> set[int]:
    """Indices of the lines that are page numbers: a page-number line that is the first or last line of its page.

    Such a line is never a table row: a bare "13" at the foot of a page is no 合计 of 13 万元.

    Examples
    --------
    >>> line = lambda text, page, n: PageLine((Word(text, 0, 10, n * 10, n * 10 + 8),), page, n)
    >>> sorted(page_furniture([line("合计 5.00", 1, 1), line("13", 1, 2), line("14", 2, 1), line("7.5", 2, 2)]))
    [1, 2]
    """
    texts = [normalize_text(ln.text) for ln in lines] if texts is None else texts
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for index, line in enumerate(lines):
        first.setdefault(line.page, index)
        last[line.page] = index
    ends = set(first.values()) | set(last.values())
    return {i for i in ends if _PAGE_NUMBER.match(texts[i])}


def _is_numeric(word: Word) -> bool:
    return bool(_NUMERIC.match(normalize_text(word.text)))


def _block_unit(block: TableBlock) -> tuple[str, PageLine] | None:
    """The unit printed under a table's title or in its header ("单位：万元"), also when it wraps onto the next
    line ("单位：万" / "元")."""
    head = [block.title_line, *block.lines[:8]]
    for index, line in enumerate(head):
        text = normalize_text(line.text)
        match = _UNIT.search(text)
        if match:
            return match[1], line
        if index + 1 < len(head) and _UNIT_START.search(text):
            joined = text + normalize_text(head[index + 1].text)
            match = _UNIT.search(joined)
            if match:
                return match[1], line
    return None


@dataclass
class _Column:
    x0: float
    x1: float
    header: list[Word] = field(default_factory=list)
    #: The canonical column the form's identities chose for it (a bare 小计 whose group header is not known).
    forced: str | None = None
    #: One cell of a 预算数 / 决算数 pair: the last header word is its basis, the words above name its column.
    paired: bool = False

    def key(self) -> tuple[str, int] | None:
        if self.forced is not None:
            return self.forced, 0
        if self.paired and len(self.header) > 1:
            named = column_key(self._text(self.header[:-1]))
            if named is not None:
                return named
        return column_key(self.text())

    def center(self) -> float:
        return (self.x0 + self.x1) / 2

    def text(self) -> str:
        return self._text(self.header)

    @staticmethod
    def _text(header: list[Word]) -> str:
        words = sorted(header, key=lambda w: (round(w.top), w.x0))
        return "".join(w.text for w in words)

    def basis(self, phase: str) -> str:
        """What the column's figures are: a final account prints 预算数 / 年初预算 / 调整预算 beside its 决算数."""
        if self.paired and self.header:
            return amount_basis(self.header[-1].text, phase)
        return amount_basis(self.text(), phase)


_FUND_NAMES = re.compile(r"一般公共预算|政府性基金预算|国有资本经营预算|社会保险基金预算")


def amount_basis(header: str, phase: str) -> str:
    """The basis of a column of a document of ``phase`` from its header text.

    Examples
    --------
    >>> amount_basis("公务接待费预算数", "final"), amount_basis("公务接待费决算数", "final")
    ('initial_budget', 'actual')
    >>> amount_basis("全年预算数", "final"), amount_basis("预算数", "budget")
    ('adjusted_budget', 'budget')
    >>> amount_basis("一般公共预算财政拨款", "final")
    'actual'
    """
    if phase != "final":
        return s.default_basis(phase)
    # 一般公共预算 / 政府性基金预算 / 国有资本经营预算 name a source of funds, not a budget column.
    text = _FUND_NAMES.sub("", normalize_text(header))
    if "决算" in text or "预算" not in text:
        return "actual"
    return "adjusted_budget" if ("调整" in text or "全年" in text) else "initial_budget"


def _columns(amount_words: list[Word]) -> list[_Column]:
    columns: list[_Column] = []
    for word in sorted(amount_words, key=lambda w: w.x1):
        if columns and word.x1 - columns[-1].x1 <= _COLUMN_TOLERANCE:
            columns[-1].x0 = min(columns[-1].x0, word.x0)
            columns[-1].x1 = max(columns[-1].x1, word.x1)
        else:
            columns.append(_Column(word.x0, word.x1))
    return columns


def _column_of(columns: list[_Column], word: Word) -> int:
    return min(range(len(columns)), key=lambda i: abs(columns[i].x1 - word.x1))


@dataclass
class _Cell:
    """A header cell: the words that name it (a group header over it included) and its own words (where it is)."""

    words: list[Word]
    own: list[Word]

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.own)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.own)

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


def _header_cells(
    header_lines: list[PageLine], name_x: float, columns: list[_Column], phase: str = "budget"
) -> tuple[list[_Cell], bool]:
    """Header words grouped into cells: words stacked over each other (a header wrapped in its cell) join.

    A group header centred over several columns ("2024年“三公”经费预算数" over 公务接待费 and 小计) is no cell of
    its own: it only names a cell below it that says nothing by itself (a 小计 under 公务用车购置及运行费).

    A final account may print each column as a pair of cells (预算数 / 决算数 under 因公出国（境）费): then every
    basis word of the header's lowest line is a cell of its own, named by the header above its pair. The flag says
    whether the cells are such pairs (each cell's last word is its basis).
    """
    words = [
        w
        for line in header_lines
        for w in line.words
        if w.x1 > name_x + 1 and not _UNIT.search(normalize_text(w.text)) and "编制" not in w.text
    ]
    if phase == "final":
        paired = _paired_cells(words, name_x)
        if paired is not None:
            return paired, True
    return _cells(words, name_x, columns), False


#: A header word that says only which basis a final account's column holds (the lower cell of a 预算数 / 决算数 pair).
_BASIS_WORD = re.compile(r"^(年初|全年|调整)?(预算|决算)数?$")


def _paired_cells(words: list[Word], name_x: float) -> list[_Cell] | None:
    """The cells of a header whose lowest line repeats a pattern of basis words (预算数 决算数 预算数 决算数 …), each
    with the words of the header above its pair; ``None`` for a header of another kind."""
    leaves = [w for w in words if _BASIS_WORD.fullmatch(normalize_text(w.text))]
    if len(leaves) < 4:
        return None
    lowest = max(leaves, key=lambda w: w.top)
    leaves = sorted((w for w in leaves if abs(w.top - lowest.top) <= 3), key=lambda w: w.x0)
    texts = [normalize_text(w.text) for w in leaves]
    period = len(dict.fromkeys(texts))
    if (
        period < 2
        or len(leaves) % period
        or len({amount_basis(t, "final") for t in texts}) < 2
        or any(texts[i] != texts[i % period] for i in range(len(texts)))
        or any(_below(w, lowest) for w in words)
    ):
        return None
    upper = [w for w in words if _below(lowest, w)]
    groups = [leaves[i : i + period] for i in range(0, len(leaves), period)]
    pairs = [_Column(group[0].x0, group[-1].x1) for group in groups]
    _align(pairs, _cells(upper, name_x, pairs))
    return [_Cell([*pair.header, leaf], [leaf]) for pair, group in zip(pairs, groups, strict=True) for leaf in group]


def _cells(words: list[Word], name_x: float, columns: list[_Column]) -> list[_Cell]:
    """``_header_cells`` for a header of one cell per column."""
    # Amounts are right-aligned: a column's cell runs from the previous column's right edge to its own.
    edges = [name_x, *(c.x1 for c in columns)]
    wrapped = _wrapped(words)
    candidates = {id(w): span for w in words if id(w) not in wrapped and (span := _group_span(w, edges)) is not None}
    # A group over two cells of which one is blank below (事业收入 over 金额 and 其中：教育收费, no amount under
    # 上级补助收入 to its left) stands over the two header stacks below it.
    candidates |= {
        id(w): span
        for w in words
        if id(w) not in candidates and id(w) not in wrapped and (span := _stacked_group(w, words, columns)) is not None
    }
    # A 小计 subtotals a group: where no group found so far stands over it, the word above it centred over the
    # narrowest run of columns that holds it, every column of which has a header word under that word, is its group,
    # however little of the run its text fills ("“三公”经费" over 小计, 因公出国, 公务用车 … and 公务接待费).
    subtotal_groups: set[int] = set()
    for subtotal in (w for w in words if normalize_text(w.text) == "小计"):
        if any(_below(subtotal, g) and span[0] <= subtotal.center <= span[1] for g, span in _spans(candidates, words)):
            continue
        spans = [
            (span, w)
            for w in words
            if _below(subtotal, w)
            and id(w) not in wrapped
            and (span := _subtotal_group_span(w, subtotal, words, edges)) is not None
        ]
        if spans:
            span, word = min(spans, key=lambda found: found[0][1] - found[0][0])
            candidates[id(word)] = span
            subtotal_groups.add(id(word))
    # A group header also heads header words printed below it in its columns; a word below that is the second
    # line of another (one-column) header wrapped in its cell ("项目支" / "出") is no child of a group.
    blocking = [w for w in words if id(w) not in candidates]

    def child_of(group: Word, other: Word) -> bool:
        left, right = candidates[id(group)]
        wrapped = any(
            b is not other and _below(other, b) and min(b.x1, other.x1) > max(b.x0, other.x0) for b in blocking
        )
        return _below(other, group) and left <= other.center <= right and not wrapped

    spans = {id(w): candidates[id(w)] for w in words if id(w) in candidates and any(child_of(w, o) for o in words)}
    groups = [w for w in words if id(w) in spans]
    # A group whose 小计 says which columns it spans heads those only.
    heading = _heading([g for g in groups if id(g) not in subtotal_groups], words, columns)
    cells: list[list[Word]] = []
    for word in sorted((w for w in words if w not in groups), key=lambda w: (w.x0, w.top)):
        for cell in cells:
            left, right = min(w.x0 for w in cell), max(w.x1 for w in cell)
            overlap = min(right, word.x1) - max(left, word.x0)
            if overlap > 0.5 * min(right - left, word.x1 - word.x0):
                cell.append(word)
                break
        else:
            cells.append([word])
    for cell in cells:
        text = "".join(w.text for w in cell)
        named = _best_alias(text)
        # An "of which" cell (其中：…) under a group is a part of one of its columns, never the group's own figure.
        if (named is None or named[0] in _GENERIC_HEADERS) and not normalize_text(text).startswith("其中"):
            above = [
                g
                for g in groups
                if g is not heading and _below(cell[0], g) and spans[id(g)][0] <= cell[0].center <= spans[id(g)][1]
            ]
            if above:
                cell.insert(0, max(above, key=lambda g: g.top + g.bottom))  # the nearest group header names it
            named = _best_alias("".join(w.text for w in cell))
        if heading is not None and (named is None or named[0] in _GENERIC_HEADERS or named[1] == "total"):
            cell.insert(0, heading)  # "财政拨款“三公”经费" over the whole table: its 合计 is the 三公经费合计
    inserted = {id(g) for g in groups}
    out = [_Cell(cell, [w for w in cell if id(w) not in inserted]) for cell in cells]
    return sorted(out, key=lambda cell: cell.x0)


def _spans(candidates: dict[int, tuple[float, float]], words: list[Word]) -> list[tuple[Word, tuple[float, float]]]:
    return [(w, candidates[id(w)]) for w in words if id(w) in candidates]


def _subtotal_group_span(
    word: Word, subtotal: Word, words: list[Word], edges: list[float]
) -> tuple[float, float] | None:
    """The smallest run of column cells that holds ``word`` and the centre of ``subtotal``, is centred under ``word``
    (within a tenth of its width) and has a header word under ``word`` in each of its cells; ``None`` when none."""
    under = [w.center for w in words if w is not word and _below(w, word)]
    for first, last in sorted(
        ((f, la) for f in range(len(edges) - 2) for la in range(f + 2, len(edges))),
        key=lambda run: edges[run[1]] - edges[run[0]],
    ):
        left, right = edges[first], edges[last]
        if not (left < subtotal.center <= right and left - 2 <= word.x0 and word.x1 <= right + 2):
            continue
        if abs((left + right) / 2 - word.center) > 0.1 * (right - left):
            continue
        if all(any(edges[k] < c <= edges[k + 1] for c in under) for k in range(first, last)):
            return left, right
    return None


def _wrapped(words: list[Word]) -> set[int]:
    """The words of headers wrapped in their cells: a word and the word printed right under it, within its width,
    where a column's name runs from one into the other ("其中：教" / "育收费", "本年收入合" / "计", "公务用车" /
    "购置费"). Neither is a group header: they are the two lines of one cell."""
    out: set[int] = set()
    for word in words:
        height = word.bottom - word.top
        for other in words:
            if (
                _below(other, word)
                and other.top - word.bottom < height
                and word.x0 - 2 <= other.x0
                and other.x1 <= word.x1 + 2
                and _names_across(word.text, other.text)
            ):
                out |= {id(word), id(other)}
    return out


def _names_across(first: str, second: str) -> bool:
    """Whether some column alias runs across the join of two header lines ("本年收入合" + "计")."""
    head, joined = normalize_text(first), normalize_text(first + second)
    cut = len(head)
    for alias, _, _ in _column_aliases():
        at = joined.find(alias, max(0, cut - len(alias) + 1))
        if 0 <= at < cut < at + len(alias):
            return True
    return False


def _stacked_group(word: Word, words: list[Word], columns: list[_Column]) -> tuple[float, float] | None:
    """The span of ``word`` as the group header of the two header stacks right under it, or ``None``.

    The nearest stack below on each side of its centre, starting below its line and reaching within its width of
    it, together centred under it (within 15 % of their width) and filled a sixth by its text ("项目支出" over 小计
    and a long "其中：基本建设资金支出"), neither over the names' column (项目) left of all amounts. A word whose
    own cell goes on below it (a stack under its centre) is no group.
    """
    centre, width = word.center, word.x1 - word.x0
    below = [o for o in words if o is not word and _below(o, word)]
    if not below or any(o.x0 < centre < o.x1 for o in below):
        return None
    stacks: list[list[float]] = []  # [x0, x1, top] of the words below, joined where they overlap
    for other in sorted(below, key=lambda o: o.x0):
        if stacks and other.x0 < stacks[-1][1]:
            stacks[-1][1] = max(stacks[-1][1], other.x1)
            stacks[-1][2] = min(stacks[-1][2], other.top)
        else:
            stacks.append([other.x0, other.x1, other.top])
    left = max((st for st in stacks if st[1] <= centre), key=lambda st: st[1], default=None)
    right = min((st for st in stacks if st[0] >= centre), key=lambda st: st[0], default=None)
    if left is None or right is None:
        return None
    run = right[1] - left[0]

    names_end = columns[0].x0 - _COLUMN_TOLERANCE if columns else float("-inf")
    if (
        left[1] < names_end
        or min(left[2], right[2]) < word.bottom - 1
        or left[1] < word.x0 - width
        or right[0] > word.x1 + width
        or abs((left[0] + right[1]) / 2 - centre) > 0.15 * run
        or width < run / 6
    ):
        return None
    return left[0], right[1]


def _heading(groups: list[Word], words: list[Word], columns: list[_Column]) -> Word | None:
    """The top of a header of three levels: a group header alone on the header's top line, centred over all its
    columns, with another group header below it ("财政拨款“三公”经费" over "公务用车购置及运行维护费" over 小计)."""
    if len(columns) < 2:
        return None
    left, right = columns[0].x0, columns[-1].x1
    for group in groups:
        if any(_below(group, w) or (w is not group and not _below(w, group)) for w in words):
            continue
        if abs(group.center - (left + right) / 2) <= 0.05 * (right - left) and any(_below(g, group) for g in groups):
            return group
    return None


def _group_span(word: Word, edges: list[float]) -> tuple[float, float] | None:
    """The columns a group header stands over, as (left, right), or ``None`` for a header of one column.

    A group header is centred over two columns or more: some run of neighbouring column cells holds its text and
    has the same centre (within a tenth of the run's width), and the text fills a quarter of the run at least.
    """
    runs = sorted(
        ((edges[first], edges[last]) for first in range(len(edges) - 2) for last in range(first + 2, len(edges))),
        key=lambda run: run[1] - run[0],
    )
    width = word.x1 - word.x0
    for left, right in runs:
        holds = left - 2 <= word.x0 and word.x1 <= right + 2
        # A one-column header can sit near the centre of a wide run by chance; a group's text fills a good part
        # of its run (a quarter at least).
        if holds and abs((left + right) / 2 - word.center) <= 0.1 * (right - left) and width >= 0.25 * (right - left):
            return left, right
    return None


def _below(word: Word, other: Word) -> bool:
    """Whether ``word`` is printed on a lower header line than ``other`` (centres: loose boxes overlap)."""
    return (word.top + word.bottom) / 2 > (other.top + other.bottom) / 2 + 2


def _assign_headers(
    columns: list[_Column], header_lines: list[PageLine], name_x: float, phase: str = "budget"
) -> list[_Cell]:
    """Give each amount column the header cell that stands over it; return the header's cells."""
    cells, paired = _header_cells(header_lines, name_x, columns, phase)
    _align(columns, cells, paired=paired)
    return cells


def _align(columns: list[_Column], cells: list[_Cell], *, paired: bool = False) -> None:
    """Extend each column's header with the cell over it.

    Columns come from the amounts; a column whose cells are all blank has a header but no amounts. So the
    columns are aligned to the header cells in order (both left to right), skipping header cells, with the least
    total distance between centres: a dynamic programme over (column, cell). A cell of a 预算数 / 决算数 pair
    stands where its basis word does.
    """
    if not cells or not columns:
        return
    for column in columns:
        column.paired = paired
    centres = [cell.center for cell in cells]
    if len(columns) > len(cells):
        for column in columns:
            nearest = min(range(len(cells)), key=lambda j: abs(centres[j] - (column.x0 + column.x1) / 2))
            column.header.extend(cells[nearest].words)
        return
    m, n = len(columns), len(cells)
    inf = float("inf")
    cost = [[inf] * (n + 1) for _ in range(m + 1)]
    choice = [[False] * (n + 1) for _ in range(m + 1)]
    for j in range(n + 1):
        cost[0][j] = 0.0
    for i in range(1, m + 1):
        centre = (columns[i - 1].x0 + columns[i - 1].x1) / 2
        for j in range(i, n + 1):
            take = cost[i - 1][j - 1] + abs(centres[j - 1] - centre)
            skip = cost[i][j - 1]
            cost[i][j], choice[i][j] = (take, True) if take <= skip else (skip, False)
    i, j = m, n
    while i > 0:
        if choice[i][j]:
            columns[i - 1].header.extend(cells[j - 1].words)
            i -= 1
        j -= 1


@dataclass
class _Row:
    anchor: PageLine
    codes: list[str]
    label: list[Word]
    amounts: list[Word]
    before: list[Word] = field(default_factory=list)
    after: list[Word] = field(default_factory=list)
    #: The x-spans of the table's name cells (``_name_cells``): a row whose cells wrap is read cell by cell.
    cells: tuple[tuple[float, float], ...] = ()

    @property
    def name(self) -> str:
        text = "".join(w.text for w in self.name_words())
        return _ORDINAL.sub("", normalize_text(text))

    def name_words(self) -> list[Word]:
        """The words of the row's name in reading order.

        Lines are read top to bottom; a row whose cells wrap ("台式计算机" / "（20 万以" / "上）" beside "部门集中采" /
        "购") interleaves their lines, so each cell's words are read top to bottom, the cells left to right.
        """
        words = [*self.before, *self.label, *self.after]
        if len(self.cells) > 1:
            order = {id(w): i for i, w in enumerate(words)}
            words.sort(key=lambda w: (_cell_of(self.cells, w), order[id(w)]))
        return words


def _cell_of(cells: tuple[tuple[float, float], ...], word: Word) -> int:
    return max((i for i, (x0, _) in enumerate(cells) if x0 <= word.x0 + 1), default=0)


def _name_cells(words: list[Word]) -> tuple[tuple[float, float], ...]:
    """The x-spans of a table's name cells: where the labels of its rows (``words``) stand, a new cell beginning at a
    gap that is followed by a left edge where the text of two lines begins (a cell's text is left-aligned in it).

    Letters spaced out over a line ("其 他 商 品") leave gaps too, but no two words of two characters begin at them.
    """
    starts = [(w.x0, round(w.top)) for w in words if len(normalize_text(w.text)) >= 2]

    def column_start(x0: float) -> bool:
        return len({top for x, top in starts if abs(x - x0) <= _EDGE_TOLERANCE}) >= 2

    cells: list[tuple[float, float]] = []
    for word in sorted(words, key=lambda w: w.x0):
        if cells and (word.x0 < cells[-1][1] or not column_start(word.x0)):
            cells[-1] = (cells[-1][0], max(cells[-1][1], word.x1))
        else:
            cells.append((word.x0, word.x1))
    return tuple(cells)


#: A gap narrower than this share of the text's height is a typed space inside a cell, not a gap between cells (the
#: PDF layout breaks words at wider gaps, ``_pdf_layout._WORD_GAP``).
_TYPED_SPACE = 0.75
#: Left edges closer than this (points) begin the text of one column.
_EDGE_TOLERANCE = 2.0


def _split_line(line: PageLine, name_x: float) -> tuple[list[str], list[Word], list[Word]]:
    codes: list[str] = []
    label: list[Word] = []
    amounts: list[Word] = []
    for word in line.words:
        text = normalize_text(word.text)
        numeric = bool(_NUMERIC.match(text))
        if numeric and _DIGITS.match(text) and word.x1 <= name_x and not label and not amounts:
            codes.append(text)
        elif numeric:
            amounts.append(word)
        elif text not in _LEVEL_HEADERS:
            label.append(word)
    return codes, label, amounts


def _in_name(line: PageLine, word: Word, cells: tuple[tuple[float, float], ...]) -> bool:
    """Whether the number ``word`` is part of a name ("算 20 万以下"): it stands inside a name cell (where the labels
    of the table's rows stand, not under an amount column) with text on both sides of it, each only a typed space
    away (narrower than the break between two words). An amount stands alone in its own cell."""
    index = next(i for i, w in enumerate(line.words) if w is word)
    if not 0 < index < len(line.words) - 1 or not any(x0 <= word.x0 and word.x1 <= x1 for x0, x1 in cells):
        return False
    before, after = line.words[index - 1], line.words[index + 1]
    return all(
        not _is_numeric(other) and gap < _TYPED_SPACE * max(word.bottom - word.top, other.bottom - other.top)
        for other, gap in ((before, word.x0 - before.x1), (after, after.x0 - word.x1))
    )


def _name_x(data_lines: list[PageLine]) -> float:
    """Where names begin: digit-only words left of it are codes.

    Learned from the lines that start with a code (a total row's label may stand anywhere, even over the code
    columns); a table without codes gets 0, so that no number is taken for a code.
    """
    starts: list[float] = []
    for line in data_lines:
        words = line.words
        if words and _DIGITS.match(normalize_text(words[0].text)):
            label = next((w.x0 for w in words[1:] if not _is_numeric(w)), None)
            if label is not None:
                starts.append(label)
    return min(starts) - 1 if starts else 0.0


def _rows(data_lines: list[PageLine], name_x: float) -> list[_Row]:
    """Anchor rows (a code, an amount or a total label) and the name fragments that belong to them.

    A label-only line is a fragment of a wrapped name only when it sits closer to an anchor than most rows sit to
    each other; a label-only line at a full row's distance is a row of its own with blank amounts (and is dropped:
    blank is "not disclosed", never zero).
    """
    anchors: list[_Row] = []
    loose: list[PageLine] = []
    split = [(line, *_split_line(line, name_x)) for line in data_lines]
    cells = _name_cells([w for _, _, label, _ in split for w in label])
    for line, codes, printed_label, numbers in split:
        # A number inside a name ("算 20 万以下") is name text, not an amount.
        inside = [w for w in numbers if _in_name(line, w, cells)]
        amounts = [w for w in numbers if all(w is not i for i in inside)]
        label = sorted([*printed_label, *inside], key=lambda w: w.x0) if inside else printed_label
        text = normalize_text(line.text)
        if codes or amounts or _TOTAL.search(text) or _SUBTOTAL.search(text):
            anchors.append(_Row(line, codes, label, amounts))
        else:
            loose.append(line)
    pitch = _pitch(data_lines, [r.anchor for r in anchors if r.codes], [r.anchor for r in anchors if r.amounts])
    anchors = _merge_split_rows(anchors, pitch)
    if pitch:
        anchors = _attach_amount_lines(anchors, pitch)
    for fragment in loose:
        middle = (fragment.top + fragment.bottom) / 2
        candidates = [r for r in anchors if r.anchor.page == fragment.page]
        if not candidates:
            continue

        def distance(row: _Row, middle: float = middle) -> tuple[float, int]:
            centre = (row.anchor.top + row.anchor.bottom) / 2
            # On a tie the row above wins: a name wraps downwards inside its cell.
            return abs(centre - middle), 0 if centre < middle else 1

        row = min(candidates, key=distance)
        centre = (row.anchor.top + row.anchor.bottom) / 2
        if pitch and abs(centre - middle) > _FRAGMENT_SHARE * pitch:
            continue
        if middle < centre:
            row.before.extend(fragment.words)
        else:
            row.after.extend(fragment.words)
    for row in anchors:
        row.cells = cells
    return anchors


def _pitch(data_lines: list[PageLine], coded: list[PageLine], amounted: list[PageLine]) -> float:
    """The height of one table row: between code lines when the table has codes (a row whose cells sit at
    different heights prints as two lines), else between lines (rows with blank amounts are lines too).

    Lines closer than a line is high are no rows one above the other: they interleave, the cells of one row
    printing their wrapped lines at different heights (an item's name over three lines beside its 采购组织形式 over
    two, each centred in the row). A row is then as high as the distance between the lines that hold amounts.
    """
    if len(coded) >= 3:
        return _median_gap(coded)
    pitch = _median_gap(data_lines)
    if len(amounted) >= 3 and pitch < statistics.median(ln.bottom - ln.top for ln in data_lines):
        return _median_gap(amounted)
    return pitch


def _median_gap(lines: list[PageLine]) -> float:
    centres = [(ln.page, _centre(ln)) for ln in lines]
    gaps = [b[1] - a[1] for a, b in itertools.pairwise(centres) if a[0] == b[0] and b[1] > a[1]]
    return statistics.median(gaps) if gaps else 0.0


def _overlapping(a: list[Word], b: list[Word]) -> bool:
    return any(min(x.x1, y.x1) > max(x.x0, y.x0) for x in a for y in b)


def _attach_amount_lines(anchors: list[_Row], pitch: float) -> list[_Row]:
    """A line of amounts alone (no code, no name) printed a little above or below its row joins the nearest row
    whose amounts stand in other columns."""
    rows = [r for r in anchors if r.codes or r.label]
    for loose in (r for r in anchors if not (r.codes or r.label)):
        near = [
            r
            for r in rows
            if r.anchor.page == loose.anchor.page
            # Half a row's pitch, or (in a table of one row, whose pitch is this very gap) just over a line's height.
            and abs(_centre(r.anchor) - _centre(loose.anchor))
            < max(0.5 * pitch, 1.2 * (loose.anchor.bottom - loose.anchor.top) if r.amounts else 0.0)
            and not _overlapping(r.amounts, loose.amounts)
        ]
        if not near:
            rows.append(loose)  # a row of its own (a total printed without its label)
            continue
        target = min(near, key=lambda r: abs(_centre(r.anchor) - _centre(loose.anchor)))
        target.amounts.extend(loose.amounts)
    order = {id(r): i for i, r in enumerate(anchors)}
    return sorted(rows, key=lambda r: order[id(r)])


def _merge_split_rows(anchors: list[_Row], pitch: float) -> list[_Row]:
    """Join the pieces of one row printed at two heights: a code-only line next to a line without a code, or a 类
    code alone next to the line that holds the 款 code, name and amounts ("302" / "01 办公费 21.21")."""
    merged: list[_Row] = []
    for row in anchors:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous.anchor.page == row.anchor.page
            and pitch
            and abs(_centre(previous.anchor) - _centre(row.anchor)) < 0.5 * pitch
            and not (previous.amounts and row.amounts)
            and _pieces_of_one_row(previous, row)
        ):
            first, second = sorted((previous, row), key=lambda r: -len(r.codes[0]) if r.codes else 0)
            codes = [*first.codes, *second.codes] if first.codes and second.codes else first.codes or second.codes
            merged[-1] = _Row(
                row.anchor if row.amounts else previous.anchor,
                codes,
                [*previous.label, *row.label],
                [*previous.amounts, *row.amounts],
                [*previous.before, *row.before],
                [*previous.after, *row.after],
            )
            continue
        merged.append(row)
    return merged


def _pieces_of_one_row(a: _Row, b: _Row) -> bool:
    if bool(a.codes) != bool(b.codes):
        return True
    if a.codes and b.codes:
        # A 类 code (with or without the name) on one line, the 款 / 项 part of the code and the amounts on the
        # other: "302" / "01 办公费 21.21", or "302 其他商品和服务支" / "99 11.53".
        lead, part = (a, b) if len(a.codes[0]) == 3 else (b, a)
        return len(lead.codes) == 1 and len(lead.codes[0]) == 3 and len(part.codes[0]) < 3 and not lead.amounts
    return False


def _centre(line: PageLine) -> float:
    return (line.top + line.bottom) / 2


@dataclass(frozen=True)
class _Context:
    doc_name: str
    fiscal_year: int
    phase: str
    #: The columns each table's header prints, blank ones included (a 合计 column left blank on every row).
    printed: dict[str, set[str]] = field(default_factory=dict)


def _amount(word: Word, unit: str, ctx: _Context, line: PageLine) -> Decimal:
    try:
        value = parse_amount(word.text, unit)
    except ValueError as exc:
        raise ReaderError(ctx.doc_name, f"page {line.page}, line {line.number}", str(exc)) from None
    if value is None:  # pragma: no cover - numeric words always parse
        raise ReaderError(ctx.doc_name, f"page {line.page}, line {line.number}", f"empty amount {word.text!r}")
    return value


def _classification(code: str | None, name: str, side: str, table: str) -> str:
    if code:
        return "function" if code[0] == "2" else "economic"
    if _SUBTOTAL.search(name) or _TOTAL.search(name):
        return "total"
    if side == "income":
        return "source"
    if name in _CATEGORY_NAMES or table not in _TWO_SIDED or not name.endswith("支出"):
        return "category"
    return "function"


def _code(parts: list[str], previous: str | None = None) -> str | None:
    """The classification code of a row, or ``None`` when its leading numbers are no code (a 序号 column).

    A split code whose 类 cell is cut short ("7 11 02" under "210 11") takes the 类 of the row above when that
    row's 款 is the same: the printed cells stay in ``source_text``.
    """
    if not parts:
        return None
    try:
        return normalize_code(parts)
    except ValueError:
        pass
    if previous and len(parts) == 3 and len(parts[0]) < 3 and len(previous) >= 5:
        repaired = [previous[:3], parts[1], parts[2]]
        try:
            code = normalize_code(repaired)
        except ValueError:
            return None
        return code if code[:5] == previous[:5] else None
    return None


def _emit(
    block: TableBlock,
    row: _Row,
    side: str,
    amounts: list[tuple[Word, int]],
    *,
    columns: list[_Column],
    unit: str,
    ctx: _Context,
    previous_code: str | None = None,
) -> list[dict[str, object]]:
    code = _code(row.codes, previous_code)
    name = row.name or ("合计" if not code else "")
    out: list[dict[str, object]] = []
    for word, index in amounts:
        mapped = columns[index].key()
        column, offset = mapped if mapped else (f"column_{index + 1}", 0)
        basis = columns[index].basis(ctx.phase)
        if column in _BASIS_COLUMNS:
            basis = _BASIS_COLUMNS[column] if ctx.phase == "final" else basis
        out.append(
            {
                s.FISCAL_YEAR: ctx.fiscal_year + offset,
                s.AS_OF_YEAR: ctx.fiscal_year,
                s.PHASE: ctx.phase,
                s.TABLE: block.key,
                s.SIDE: side,
                s.CLASSIFICATION: _classification(code, name, side, block.key),
                s.CODE: code,
                s.NAME: name,
                s.LEVEL: code_level(code) if code else None,
                s.PARENT_CODE: parent_code(code) if code else None,
                s.COLUMN: column,
                s.AMOUNT_BASIS: basis,
                s.AMOUNT_YUAN: _amount(word, unit, ctx, row.anchor),
                s.STATED_SHARE_PCT: None,
                s.PAGE: row.anchor.page,
                s.LINE: row.anchor.number,
                s.SOURCE_TEXT: row.anchor.text,
            }
        )
    return out


_INCOME_TABLES = frozenset({"income_summary"})
#: Columns whose key already says they are a final account's budget figures (年初预算数, 全年预算数).
_BASIS_COLUMNS = {"initial_budget": "initial_budget", "full_year_budget": "adjusted_budget"}


class _NoUnitError(Exception):
    """A table with amounts but no printed unit: read again once the document's unit is known."""


def _table_rows(
    block: TableBlock, ctx: _Context, inferred_unit: str | None = None, notes: list[dict[str, object]] | None = None
) -> tuple[list[dict[str, object]], str, str | None]:
    """Rows of one block, its status ("data" / "empty") and its unit.

    Raises ``_NoUnitError`` for a table with amounts and no unit, unless ``inferred_unit`` is given.
    """
    unit_found = _block_unit(block)
    if unit_found is None and inferred_unit is not None:
        unit_found = (inferred_unit, block.title_line)
    body = [ln for ln in block.lines if not (unit_found and ln is unit_found[1])]
    printed = unit_found[0] if unit_found else None
    says_empty = any(EMPTY_TABLE.search(normalize_text(ln.text)) for ln in body)
    has_amounts = any(_is_numeric(w) and not _DIGITS.fullmatch(w.text) for ln in body for w in ln.words)
    if says_empty and not has_amounts:
        return [], "empty", printed
    first_data = next((i for i, ln in enumerate(body) if any(_is_numeric(w) for w in ln.words)), None)
    if first_data is None:
        # A table printed with its header and a 合计 row that holds no amount is printed empty, not unread.
        bare_total = any(_BARE_TOTAL.fullmatch(normalize_text(ln.text).replace(" ", "")) for ln in body)
        printed_empty = says_empty or bare_total
        return [], "empty" if printed_empty else "no_rows", printed
    if unit_found is None:
        raise _NoUnitError
    unit = unit_found[0]
    header, data = body[:first_data], body[first_data:]
    # A note under the table ("注：本表反映…") ends its rows.
    note = next((i for i, ln in enumerate(data) if _NOTE.match(normalize_text(ln.text))), None)
    data = data[:note] if note is not None else data
    out: list[dict[str, object]] = []
    slices = _side_by_side(block, header, data)
    for number, (slice_header, slice_data) in enumerate(slices, start=1):
        rows = _parse_slice(block, slice_header, slice_data, unit, ctx, notes)
        if len(slices) > 1:
            # The total under one of several side-by-side tables is that half's total (人员经费合计 on the left,
            # 公用经费合计 on the right), not the table's: its name says which half it closes.
            for row in rows:
                if row[s.CLASSIFICATION] == "total" and row[s.CODE] is None:
                    row[s.NAME] = f"{row[s.NAME]}（第{number}栏）"
                    row[s.CLASSIFICATION] = "subtotal"
        out.extend(rows)
    if not out:
        return [], "no_rows", unit
    return dedupe_lines(mark_subtotals(out)), "data", unit


#: Header words that name the label column of a classified table: printed twice, the table is two tables side by
#: side (决算 tables print 工资福利支出 on the left and 商品和服务支出 on the right).
_NAME_HEADERS = frozenset({"科目名称", "功能分类科目名称", "经济分类科目名称", "项目名称", "功能科目名称"})


def _side_by_side(
    block: TableBlock, header: list[PageLine], data: list[PageLine]
) -> list[tuple[list[PageLine], list[PageLine]]]:
    """Split a table printed as two (or more) tables side by side into its slices, left to right."""
    if block.key in _TWO_SIDED:
        return [(header, data)]
    names = sorted(
        (w for line in header for w in line.words if normalize_text(w.text) in _NAME_HEADERS), key=lambda w: w.x0
    )
    if len(names) < 2:
        return [(header, data)]
    left_edge = min(w.x0 for line in header for w in line.words)
    offsets = [w.x0 - names[0].x0 for w in names[1:]]
    bounds = [left_edge + offset - 2 for offset in offsets if offset > 80]
    if not bounds:
        return [(header, data)]
    edges = [float("-inf"), *bounds, float("inf")]

    def cut(lines: list[PageLine], lo: float, hi: float) -> list[PageLine]:
        kept = [PageLine(tuple(w for w in ln.words if lo <= w.x0 < hi), ln.page, ln.number) for ln in lines]
        return [ln for ln in kept if ln.words]

    return [(cut(header, lo, hi), cut(data, lo, hi)) for lo, hi in itertools.pairwise(edges)]


def _parse_slice(  # noqa: PLR0917 - a slice of a block, as _table_rows cut it
    block: TableBlock,
    header: list[PageLine],
    data: list[PageLine],
    unit: str,
    ctx: _Context,
    notes: list[dict[str, object]] | None = None,
) -> list[dict[str, object]]:
    name_x = _name_x(data)
    # The 栏次 row numbers the columns (栏次 1 2 3 …): header furniture, no figures.
    rows = [r for r in _rows(data, name_x) if not _COLUMN_NUMBERS.fullmatch(r.name)]
    amount_words = [w for r in rows for w in r.amounts]
    if not amount_words:
        return []
    columns = _columns(amount_words)
    _take_bad_cells(block, rows, columns, notes)
    cells = _assign_headers(columns, header, name_x, ctx.phase)
    keys = (_Column(c.x0, c.x1, list(c.words)).key() for c in cells if c.x1 > name_x)
    ctx.printed.setdefault(block.key, set()).update(key[0] for key in keys if key is not None)
    _note_bare_header_total(block, header, columns, notes)
    if block.key in _TWO_SIDED:
        return _two_sided(block, rows, columns, unit, ctx, notes)
    side = "income" if block.key in _INCOME_TABLES else "expenditure"
    out: list[dict[str, object]] = []
    previous_code: str | None = None
    header_columns = _cell_columns(cells, name_x, ctx.phase)
    blank_parents: list[tuple[str, _Row]] = []
    for row in rows:
        if not row.amounts:
            _note_bare_total(block, row, notes)
            code = _code(row.codes, previous_code)
            if code and len(code) < 7:
                blank_parents.append((code, row))
        placed = [(w, _column_of(columns, w)) for w in row.amounts]
        if header_columns is not None:
            placed, columns = _placed_by_identities(block.key, side, row, placed, columns, header_columns, unit, ctx)
        emitted = _emit(block, row, side, placed, columns=columns, unit=unit, ctx=ctx, previous_code=previous_code)
        previous_code = next((str(r[s.CODE]) for r in emitted if r[s.CODE]), previous_code)
        out.extend(emitted)
    _note_blank_parents(block, blank_parents, out, notes)
    return out


def _note_blank_parents(
    block: TableBlock,
    blank: list[tuple[str, _Row]],
    read: list[dict[str, object]],
    notes: list[dict[str, object]] | None,
) -> None:
    """A 类 or 款 row printed without a figure while rows under its code print figures: its total was left blank
    (or lost), and 上级科目 = Σ 下级科目 can no longer confirm them."""
    if notes is None or not blank:
        return
    for code, row in blank:
        under = [r for r in read if r[s.CODE] and str(r[s.CODE]).startswith(code) and r[s.CODE] != code]
        if not any(r[s.AMOUNT_YUAN] for r in under):
            continue
        notes.append(
            _finding(
                "blank_total",
                block,
                row.anchor,
                f"the 科目 {code} {row.name} prints no figure, though the 科目 under it do",
                f"科目 {code} {row.name} 未印金额，而其下级科目有数：上级科目金额漏印或未能读出",
                cell=row.name,
            )
        )


#: A word standing in an amount column that is no amount: a spreadsheet error, a placeholder, a garbled number.
_BAD_CELL = re.compile(
    r"^(#[A-Z/0!?]+[!?]?|NaN|nan|N/?A|[?？]+|[(（]?[-−－]?[\d.,，]*\d[\d.,，]*[^\u4e00-\u9fff]*[)）]?)$"
)


def _take_bad_cells(
    block: TableBlock, rows: list[_Row], columns: list[_Column], notes: list[dict[str, object]] | None
) -> None:
    """A word in an amount column that does not parse as an amount ("#REF!", "NaN", "?", "1.2.3", "12a.4x") is a
    reading finding naming its page and cell: it is taken out of the row's name, and its amount stays unread."""
    if not columns:
        return
    left = min(c.x0 for c in columns) - _COLUMN_TOLERANCE
    for row in rows:
        for word in list(row.label):
            text = normalize_text(word.text)
            if word.x0 < left or _NUMERIC.match(text) or not _BAD_CELL.match(text) or _opens_name(row, word):
                continue
            if not any(abs(c.x1 - word.x1) <= _COLUMN_TOLERANCE or c.x0 <= word.center <= c.x1 for c in columns):
                continue
            row.label.remove(word)
            if notes is not None:
                notes.append(
                    _finding(
                        "bad_cell",
                        block,
                        row.anchor,
                        f"the cell {word.text!r} should hold an amount and does not parse; its amount is not read",
                        f"金额单元格“{word.text}”无法识读，未读入",
                        cell=word.text,
                    )
                )


def _opens_name(row: _Row, word: Word) -> bool:
    """Whether ``word`` opens a bracket that the name text after it closes: "（20" of "台式计算机" / "（20 万以" /
    "上）" is the start of a wrapped name, not an amount cell. A cell "(5" that nothing closes stays doubtful."""
    text = normalize_text(word.text)
    if text.count("(") <= text.count(")"):
        return False
    words = row.name_words()
    after = next(i for i, w in enumerate(words) if w is word) + 1
    rest = "".join(normalize_text(w.text) for w in words[after:])
    return rest.count(")") > rest.count("(")


def _cell_columns(cells: list[_Cell], name_x: float, phase: str) -> list[_Column] | None:
    """The header's cells as columns of their own (blank ones included), for tables whose rows identities check.

    ``None`` when the cells mix bases (a final account's 预算数 / 决算数 pairs): positions decide there.
    """
    if not cells:
        return None
    out = []
    for cell in cells:
        column = _Column(cell.x0, cell.x1, list(cell.words))
        if column.x1 <= name_x:
            continue
        out.append(column)
    if len({c.basis(phase) for c in out}) != 1:
        return None
    return out


def _placed_by_identities(  # noqa: PLR0917 - one row and what its table knows
    table: str,
    side: str,
    row: _Row,
    placed: list[tuple[Word, int]],
    columns: list[_Column],
    cells: list[_Column],
    unit: str,
    ctx: _Context,
) -> tuple[list[tuple[Word, int]], list[_Column]]:
    """A row's amounts placed by position, or, when that breaks the form's identities and a placement into the
    header's cells keeps them all (a blank cell shifts the amounts one cell along), placed so."""
    if not identities_of(table) or not placed:
        return placed, columns
    # Amounts printed a little lower (a "0" under its cell) joined the row at its end: order them as printed.
    placed = sorted(placed, key=lambda p: p[0].x1)
    try:
        amounts = [_amount(w, unit, ctx, row.anchor) for w, _ in placed]
    except ReaderError:
        return placed, columns
    keys = [columns[i].key() for _, i in placed]
    names = [k[0] if k else None for k in keys]
    step = step_of(unit)
    duplicated = len(set(names)) < len(names) or None in names
    by_position = row_score(table, side, dict(zip(names, amounts, strict=True)), step) if not duplicated else None
    if by_position is not None and by_position[0] == 0:
        return placed, columns
    named = [(c.key() or (None, 0))[0] for c in cells]
    # A bare 小计 whose group header was not recognised, or a cell whose wrapped header words ran into a neighbour's
    # ("公务公务用车接待费"), may be any column of the form's identities that no cell names.
    known = dict.fromkeys(c for i in identities_of(table) for c in (i.total, *i.parts))
    unnamed = [c for c in known if c not in named]
    options = [
        [*([name] if name else []), *unnamed] if name in (None, "total") and index > 0 else [name] if name else []
        for index, name in enumerate(named)
    ]

    def cost(amount: int, cell: int) -> float:
        return abs(placed[amount][0].x1 - cells[cell].x1) + abs(placed[amount][0].center - cells[cell].center())

    anchors = [min(range(len(cells)), key=lambda cell, a=a: cost(a, cell)) for a in range(len(placed))]
    by_header = scored_placement(table, side, options, amounts, step, cost, anchors)

    # A header too broken to name its cells ("小" / "计" printed apart) leaves the forms' column orders: each is
    # tried, and wins only where it makes more identities hold than the header's cells do. Where the header has as
    # many cells as the order has columns, the cells' places still weigh the placements; elsewhere, among equally
    # good placements, the one that keeps most amounts in the columns their headers name.
    def orders_cost(order: tuple[str, ...]) -> Callable[[int, int], float]:
        return lambda amount, index: 0.0 if order[index] == names[amount] else 1.0

    orders = [
        (scored, order)
        for order in column_orders(table)
        if (
            scored := scored_placement(
                table,
                side,
                [[c] for c in order],
                amounts,
                step,
                *((cost, anchors) if len(order) == len(cells) else (orders_cost(order), None)),
            )
        )
        is not None
    ]

    def rank(scored: tuple[int, int, float, object]) -> tuple[int, int]:
        return -scored[0], scored[1]

    best_order = max(orders, key=lambda o: rank(o[0]), default=None)
    if best_order is not None and (by_header is None or rank(best_order[0]) > rank(by_header)):
        chosen, fixed = best_order[0], [_Column(0.0, 0.0, [], forced=column) for column in best_order[1]]
    elif by_header is not None:
        chosen, fixed = by_header, [_Column(c.x0, c.x1, list(c.header)) for c in cells]
    else:
        return placed, columns
    # A placement that still breaks identities replaces the printed positions only where those lost a figure (two
    # amounts in one column) or broke more identities.
    if by_position is not None and rank(chosen) <= (-by_position[0], by_position[1]):
        return placed, columns
    placement = chosen[-1]
    for index, column in placement:
        fixed[index].forced = column
    return [(w, index) for (w, _), (index, _) in zip(placed, placement, strict=True)], fixed


def _page_then_line(row: dict[str, object]) -> tuple[int, int]:
    return int(str(row[s.PAGE])), int(str(row[s.LINE]))


def _total_rank(name: object) -> int:
    """How high a total row stands in the national forms' order: a 总计 closes the whole table (收入总计 above the
    小计 of each source in a 收入总表 printed down the page), a 合计 closes what it sums, a 小计 one group."""
    text = str(name)
    if text.endswith("总计") or text.startswith("总计"):
        return 2
    if _SUBTOTAL.search(text):
        return 0
    return 1


def mark_subtotals(
    rows: list[dict[str, object]], place: Callable[[dict[str, object]], tuple[int, int]] = _page_then_line
) -> list[dict[str, object]]:
    """Per side and column, a table's grand total is its last total row of the highest rank (总计, then 合计, then
    小计, by the names the national forms print); every other total row is a subtotal.

    ``place`` orders the rows as printed: page then line in a PDF (the default).

    Examples
    --------
    >>> row = lambda name, line: {s.NAME: name, s.CLASSIFICATION: "total", s.SIDE: "income", s.COLUMN: "total",
    ...                           s.PAGE: 1, s.LINE: line, s.AMOUNT_YUAN: line}
    >>> [r[s.CLASSIFICATION] for r in mark_subtotals([row("收入总计", 1), row("小计", 2), row("小计", 5)])]
    ['total', 'subtotal', 'subtotal']
    >>> [r[s.CLASSIFICATION] for r in mark_subtotals([row("当年收入小计", 1), row("收入合计", 3)])]
    ['subtotal', 'total']

    Two groups' 小计 of different figures keep both (the later one named by its place):

    >>> rows = [{**row("收入总计", 1), s.AMOUNT_YUAN: 9}, {**row("小计", 2), s.AMOUNT_YUAN: 8},
    ...         {**row("小计", 5), s.AMOUNT_YUAN: 1}]
    >>> [r[s.NAME] for r in mark_subtotals(rows)]
    ['收入总计', '小计', '小计（第2处）']
    """
    best: dict[tuple[object, object], tuple[int, tuple[int, int]]] = {}
    for row in rows:
        if row[s.CLASSIFICATION] == "total":
            key = (row[s.SIDE], row[s.COLUMN])
            candidate = (_total_rank(row[s.NAME]), place(row))
            best[key] = max(best.get(key, candidate), candidate)
    for row in rows:
        if (
            row[s.CLASSIFICATION] == "total"
            and (_total_rank(row[s.NAME]), place(row)) != best[(row[s.SIDE], row[s.COLUMN])]
        ):
            row[s.CLASSIFICATION] = "subtotal"
    # Several groups closed by a bare 小计 (a 收入总表 printed down the page has one per source): each keeps its own
    # figure under a name the others do not share; the same name with the same figure is one label printed twice.
    amounts: dict[tuple[object, object, object], list[object]] = defaultdict(list)
    for row in sorted((r for r in rows if r[s.CLASSIFICATION] == "subtotal"), key=place):
        seen = amounts[(row[s.SIDE], row[s.COLUMN], row[s.NAME])]
        if row[s.AMOUNT_YUAN] not in seen:
            seen.append(row[s.AMOUNT_YUAN])
        number = seen.index(row[s.AMOUNT_YUAN]) + 1
        if number > 1:
            row[s.NAME] = f"{row[s.NAME]}（第{number}处）"
    return rows


_CATEGORY_NAMES = frozenset(
    {"基本支出", "项目支出", "单位预留机动经费", "经营支出", "事业单位经营支出", "上缴上级支出", "对附属单位补助支出"}
)


def _note_bare_header_total(
    block: TableBlock, header: list[PageLine], columns: list[_Column], notes: list[dict[str, object]] | None
) -> None:
    """A 合计 row printed blank above the table's first figure is read as a header line: when its words stand left of
    every amount column (a row label, not a column header), it is a total left blank."""
    if not columns:
        return
    left = min(c.x0 for c in columns) - _COLUMN_TOLERANCE
    for line in header:
        if line.words and all(w.x1 < left for w in line.words):
            label = normalize_text("".join(w.text for w in line.words))
            row = _Row(line, [], list(line.words), [])
            if _BARE_TOTAL.fullmatch(label) or _YEAR_SUBTOTAL.search(label):
                _note_bare_total(block, row, notes)


def _note_bare_total(block: TableBlock, row: _Row, notes: list[dict[str, object]] | None) -> None:
    """A table's 合计 / 总计 row (or a 收支总表's 当年收入小计) that prints no figure in a table that prints figures: a
    reading finding (the total was left blank, or lost), since no identity can then check what it closes.

    A group's 小计 may stand blank above or below parts that are all blank (政府性基金 / 小计 with nothing under it):
    which rows it closes is not known here, so it is not judged."""
    name = row.name
    if notes is None or not name or len(name) > 12 or not (_TOTAL.search(name) or _YEAR_SUBTOTAL.search(name)):
        return
    notes.append(
        _finding(
            "blank_total",
            block,
            row.anchor,
            f"the row {name!r} prints no figure, though the table prints figures it should add up",
            f"“{name}”行未印金额，而表内其他行有数：合计数漏印或未能读出",
            cell=name,
        )
    )


def _two_sided(  # noqa: PLR0917 - a block's rows and what reading them needs
    block: TableBlock,
    rows: list[_Row],
    columns: list[_Column],
    unit: str,
    ctx: _Context,
    notes: list[dict[str, object]] | None = None,
) -> list[dict[str, object]]:
    """收支总表: labels stand in regions between amount columns; region 0 is income, later regions expenditure.

    A label's region is the number of amount columns left of it; an amount belongs to the nearest label region at
    or left of its column, so one label may own several amount columns (合计, 一般公共预算, 政府性基金 …).
    """

    def region(word: Word) -> int:
        return sum(1 for c in columns if c.x1 < word.x0)

    regions = sorted({region(w) for r in rows for w in (*r.label, *r.before, *r.after)})
    if not regions:
        return []

    def owner(column: int) -> int:
        return max((r for r in regions if r <= column), default=regions[0])

    out: list[dict[str, object]] = []
    for row in rows:
        amounts = [(w, _column_of(columns, w)) for w in row.amounts]
        labelled = {region(w) for w in row.label}
        # A total row's label may stand in one region and its amount in the next ("支出合计 … 15897.44" under the
        # 支出用途 column): an amount whose region has no label on this row goes to the nearest labelled region
        # on its left that has no amount of its own.
        claimed: dict[int, int] = {}
        for _, column in amounts:
            home = owner(column)
            if home not in labelled:
                left = [r for r in labelled if r < home and all(owner(c) != r for _, c in amounts)]
                if left:
                    claimed[home] = max(left)
        for reg in regions:
            label = [w for w in row.label if region(w) == reg]
            owned = [(w, c) for w, c in amounts if claimed.get(owner(c), owner(c)) == reg]
            if not label and not owned:
                continue
            part = _Row(
                row.anchor,
                [],
                label,
                [w for w, _ in owned],
                [w for w in row.before if region(w) == reg],
                [w for w in row.after if region(w) == reg],
                row.cells,
            )
            if not part.name:
                continue
            if not owned:
                _note_bare_total(block, part, notes)
            side = "income" if reg == regions[0] else "expenditure"
            out.extend(_emit(block, part, side, owned, columns=columns, unit=unit, ctx=ctx))
    return out


def dedupe_lines(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """Keep the first of ``lines`` rows that share the contract's key (a label printed twice with the same figure,
    or one table printed twice)."""
    seen: set[tuple[object, ...]] = set()
    out: list[dict[str, object]] = []
    key_columns = [c for c in s.TABLES[s.LINES].key if c != s.DOC_ID]
    for row in rows:
        key = tuple(row[c] for c in key_columns)
        if key in seen:
            continue
        seen.add(key)
        out.append(row)
    return out


def drop_listed_only(found: list[dict[str, object]]) -> list[dict[str, object]]:
    """The ``document_tables`` rows without a title that has no rows ("no_rows", e.g. in a table of contents)
    when the document holds a real table of that key."""
    with_data = {f[s.TABLE] for f in found if f[s.STATUS] != "no_rows"}
    return [f for f in found if f[s.STATUS] != "no_rows" or f[s.TABLE] not in with_data]


def printed_unit(found: list[dict[str, object]]) -> str | None:
    """The unit most of a document's tables print (the first seen on a tie), or ``None`` when none prints one."""
    units = Counter(str(f[s.UNIT_PRINTED]) for f in found if f[s.UNIT_PRINTED])
    return units.most_common(1)[0][0] if units else None


def extract_tables(
    lines: Sequence[PageLine],
    *,
    doc_name: str,
    fiscal_year: int,
    phase: str,
    findings: list[dict[str, object]] | None = None,
    verify: bool = True,
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Every standard table of a document: its ``lines`` rows and one catalog row per table found.

    Every row read is verified against the form's identities (``verification`` / ``verified_by``). A table that
    cannot be read is kept as ``unreadable`` with its reason, never refusing the document; a table that prints no
    unit takes the unit the document's other tables print, and says so. What the reader doubts or could not read
    is appended to ``findings`` (``reading_findings`` rows without ``doc_id`` / ``seq``) when it is given.

    Returns
    -------
    (lines, tables)
        ``lines`` rows without ``doc_id`` / ``department_id``; ``tables`` rows describe each table found (key,
        title, unit, pages, status "data" / "empty" / "no_rows" / "unreadable", row count, reason).
    """
    ctx = _Context(doc_name, fiscal_year, phase)
    notes: list[dict[str, object]] = [] if findings is None else findings
    all_rows: list[dict[str, object]] = []
    found: list[dict[str, object]] = []
    pending: list[tuple[int, TableBlock]] = []
    steps: dict[str, Decimal] = {}

    def record(
        block: TableBlock, rows: list[dict[str, object]], status: str, unit: str | None, reason: str | None
    ) -> None:
        first, last = block.pages
        found.append(
            {
                s.TABLE: block.key,
                s.TITLE: block.title,
                s.UNIT_PRINTED: unit,
                s.PAGE_FROM: first,
                s.PAGE_TO: last,
                s.STATUS: status,
                s.ROW_COUNT: len(rows),
                s.REASON: reason,
                s.SOURCE_TEXT: block.title_line.text,
            }
        )
        if unit and rows:
            steps.setdefault(block.key, step_of(unit))
        all_rows.extend(rows)

    def read(block: TableBlock, inferred: str | None = None) -> None:
        try:
            rows, status, unit = _table_rows(block, ctx, inferred, notes)
        except ReaderError as error:
            reason = error.problem
            record(block, [], "unreadable", _block_unit(block)[0] if _block_unit(block) else inferred, reason)
            notes.append(_finding("unreadable_table", block, block.title_line, reason, f"表格无法读取：{reason}"))
            return
        # A table disclosed empty keeps the note that says why (none: the form printed with nothing in it).
        note = empty_note(ln.text for ln in block.lines) if status == "empty" else None
        record(block, rows, status, unit, note)

    for block in find_blocks(lines):
        try:
            read(block)
        except _NoUnitError:
            pending.append((len(found), block))
    unit = printed_unit(found)
    for _, block in pending:
        if unit is None:
            reason = (
                "the table prints no unit and no other table of the document does; expected '单位：元' or '单位：万元'"
            )
            record(block, [], "unreadable", None, reason)
            notes.append(_finding("unreadable_table", block, block.title_line, reason, "表格未印计量单位，无法读取"))
            continue
        read(block, unit)
        notes.append(
            _finding(
                "unit_inferred",
                block,
                block.title_line,
                f"the table prints no unit; read in {unit}, the unit the document's other tables print",
                f"表格未印计量单位，按本文件其他表格的单位（{unit}）读取",
            )
        )
    rows = dedupe_lines(all_rows)
    if verify:
        notes.extend(verify_rows(rows, steps, ctx.printed))
    return rows, drop_listed_only(found)


def table_steps(found: Sequence[Mapping[str, object]]) -> dict[str, Decimal]:
    """Each table's rounding step of one printed figure, from the ``document_tables`` rows of a document."""
    return {str(f[s.TABLE]): step_of(str(f[s.UNIT_PRINTED])) for f in found if f[s.UNIT_PRINTED]}


def _finding(  # noqa: PLR0917 - a reading finding of one table
    kind: str, block: TableBlock, line: PageLine, reason_en: str, reason_zh: str, cell: str | None = None
) -> dict[str, object]:
    return {
        s.KIND: kind,
        s.TABLE: block.key,
        s.COLUMN: None,
        s.CELL_TEXT: cell,
        s.MESSAGE_ZH: f"{block.title}：{reason_zh}",
        s.MESSAGE_EN: f"{block.title}: {reason_en}",
        s.PAGE: line.page,
        s.LINE: line.number,
        s.SOURCE_TEXT: line.text,
    }
