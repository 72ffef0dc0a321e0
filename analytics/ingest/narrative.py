"""Money figures stated in the narrative (预算情况说明) of a budget disclosure, one statement per figure.

The narrative repeats the tables in sentences ("2023 年部门收入预算 1370.19 万元，比 2022 年预算减少 282.43 万元，
下降 17.09%") and adds what the tables lack: stated changes, shares, and the breakdown of a total into items
(其中 / 包括 / 主要用于, numbered lists). ``extract_statements`` returns every figure with that context so that
stated numbers can later be checked against the tables.

The text comes from PDF extraction: a blank line between lines, sentences broken anywhere (inside words, between a
number and its unit, inside a number) and page numbers between lines. Lines are re-joined into paragraphs first;
all parsing happens on an NFKC-folded copy that maps back, character by character, to the original text, so that
subjects and source sentences keep the published characters and every figure keeps its line.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from analytics.ingest import lexicon
from analytics.ingest._source import SourceDocument, SourceLine
from analytics.ingest.numbers import normalize_text, parse_decimal
from analytics.schema import (
    AMOUNT_YUAN,
    COMPARE_YEAR,
    DIRECTION,
    FISCAL_YEAR,
    LINE,
    PAGE,
    PARENT_SUBJECT,
    SOURCE_TEXT,
    STATED_CHANGE_PCT,
    STATED_CHANGE_YUAN,
    STATED_SHARE_PCT,
    SUBJECT,
)
from analytics.units import to_yuan

__all__ = ["extract_statements"]

# --- where the narrative is -------------------------------------------------------------------------------------
#: Headings that open the narrative part ("第三部分 …2023 年部门预算情况说明").
_NARRATIVE_HEADINGS = ("预算情况说明", "预算编制说明", "部门预算说明", "预算的说明")
#: The usual first sub-heading of a narrative, for documents that print no part heading.
_FIRST_TOPICS = ("收支预算总体安排", "收支总体安排", "收支预算总体情况", "收支总体情况")
_GLOSSARY = "名词解释"
#: Titles of the performance-target tables: their rows hold targets such as "≤339.54万元", not sentences.
_TABLE_TITLE_RE = re.compile(r"绩效目标(?:申报)?表|申报表")
_TITLE_MAX_CHARS = 50
#: Table-of-contents entries end in dot leaders or a page number; they are not the heading itself.
_TOC_RE = re.compile(r"\.{4,}|…|·{3,}|[^\d.]\d{1,3}$")
_MONEY_HINT_RE = re.compile(r"\d(?:[万亿])?元")
#: "- 38 -", "第 3 页 共 40 页", "38", "3/40" on a line of their own.
_PAGE_NO_RE = re.compile(r"^(?:[-—–]+\d{1,4}[-—–]+|第\d{1,4}页(?:共\d{1,4}页)?|\d{1,4}(?:/\d{1,4})?)$")
#: A line narrower than this share of a full line ends its paragraph (PDF lines only wrap when full); a line
#: that ends a sentence needs less slack, because only a paragraph's last line ends short of the margin.
_SHORT_LINE = 0.75
_SHORT_SENTENCE_END = 0.9

# --- structure --------------------------------------------------------------------------------------------------
_CN_DIGITS = "一二三四五六七八九十"
_PART_RE = re.compile(rf"^第[{_CN_DIGITS}]+部分")
_PARA, _PART, _SECTION = "para", "part", "section"
#: List markers in the order of their usual depth; the style, not the depth, identifies a list level.
_MARKER_RES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (_SECTION, re.compile(rf"^([{_CN_DIGITS}]+)、")),
    ("paren_cn", re.compile(rf"^\(([{_CN_DIGITS}]+)\)")),
    ("paren_num", re.compile(r"^\((\d{1,2})\)")),
    ("dot_num", re.compile(r"^(\d{1,2})[.、](?!\d)")),
    ("circled", re.compile(r"^([①-⑳])")),
)
#: Words that introduce the items of the preceding figure (or of the noun right before them: "收入包括：").
_INTRO_RE = re.compile(r"其中|主要包括|具体包括|包括|主要用于|具体用于")
#: A figure's comparison ends where the reason or the breakdown begins ("主要是压减了项目预算").
_STOP_RE = re.compile(r"主要是|主要原因|原因是|主要由于|由于|主要系|用于|其中|包括")

# --- figures ----------------------------------------------------------------------------------------------------
_NUMBER_RE = re.compile(r"(?<![\d.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
#: 元 / 万元 / 亿元 (also 万余元); a bare 万 / 亿 only where no count word follows ("45 万左右" but not "13 万件").
_UNIT_RE = re.compile(r"(?:(?P<mag>[万亿])[余多]?)?元|(?P<bare>[万亿])[余多]?(?=左右|的|[，,;:。!?、)]|$)")
_MAGNITUDE_UNITS = {"万": "万元", "亿": "亿元", None: "元"}
#: The words of a change and their direction (增加 / 减少), of no change (持平), and the comparatives that state a
#: change against a year before ("本年数小于上年预算数 29.65 万元"): lexicon data (``change_*`` groups).
_CHANGE_WORDS = lexicon.alternation("change_word")
_COMPARATIVES = lexicon.alternation("change_comparative")
_DIRECTIONS = {**lexicon.meanings("change_word"), **lexicon.meanings("change_comparative")}
_CHANGE_MONEY_RE = re.compile(rf"{_CHANGE_WORDS}(?:了|约|达|为)*$")
_CHANGE_PCT_RE = re.compile(rf"(?:增幅|降幅|减幅|增长率|下降率|{_CHANGE_WORDS})(?:了|约|达|为|是)*$")
_ANY_CHANGE_RE = re.compile(rf"{_CHANGE_WORDS}|{_COMPARATIVES}")
#: "与上年持平", "保持不变", "与 2017 年一致": the same figure as the year compared.
_FLAT_RE = re.compile(lexicon.alternation("change_flat"))
_PRIOR = r"(?:(?P<year>(?:19|20)\d{2})年|(?P<prev>上一?年|去年))"
_COMPARE_RE = re.compile(rf"(?:比|较|与|同|相比|对比|{_COMPARATIVES}){_PRIOR}|(?P<yoy>同比)")
#: A change stated as a comparison that ends right before its amount: "本年数小于上年预算数 29.65 万元".
_COMPARATIVE_MONEY_RE = re.compile(
    rf"(?P<word>{_COMPARATIVES})(?:上一?年|去年|(?:19|20)\d{{2}}年)度?(?:预算|决算)?数?(?:的)?$"
)
#: A clause that opens with a change verb names what changed and then by how much ("增加基本支出 844.15 万元",
#: "较上年减少部门支出 1,653 万元"): a change, not an amount. A one-character verb (减) opens names too (减免 …).
_LED_CHANGE_RE = re.compile(
    rf"^(?:[^,，;:。]{{0,12}}?(?:比|较|与){_PRIOR}度?(?:预算数?|决算数?)?(?:相比)?)?"
    rf"(?:{'|'.join(w for w in lexicon.terms('change_word') if len(w) > 1)})"
)
#: The comparison of a change ("比上年", "与上年相比", "同比"): a change verb after a name without one is part of the
#: name in a list of items ("其中支持外贸发展 370 万，支持商销稳增长 30 万").
_HAS_COMPARISON_RE = re.compile(rf"{_COMPARE_RE.pattern}|相比|同比|较")
#: A sentence or clause that gives the reason of a change: the figures after it explain the change, not the item.
_REASON_RE = re.compile(r"主要原因|原因是|原因为|主要是|主要由于|由于|主要系|系因")
#: A stated year, but not the one compared against ("比 2022 年") or a cut-off date ("截至 2022 年 8 月").
_YEAR_RE = re.compile(r"(?<![比较与至止])((?:19|20)\d{2})年(?!\d{1,2}月)")
_MARKERS_PATTERN = (
    rf"第[{_CN_DIGITS}]+部分|[{_CN_DIGITS}]+、|\([{_CN_DIGITS}]+\)|\(\d{{1,2}}\)|\d{{1,2}}[.、](?!\d)|[①-⑳]"
)
_LEADING_YEAR_RE = re.compile(rf"(?:[，,、;:]|{_MARKERS_PATTERN}|其中|包括)*((?:19|20)\d{{2}})年(?!\d{{1,2}}月)")

# --- subject clean-up -------------------------------------------------------------------------------------------
_LEAD_RE = re.compile(
    rf"(?:[，,、;:。!?]|{_MARKERS_PATTERN}|(?:19|20)\d{{2}}年度?"
    r"|其中|主要包括|具体包括|包括|主要用于|具体用于|故|因此|所以|此外|另外|同时)+"
)
#: A count before the subject ("合计 259 条政务网点位…", "10 个无线 5G 政务网设备") is context, not the name.
_COUNT_RE = re.compile(
    r"\d+(?:\.\d+)?[万亿]?(?:个|条|次|件|人|台|篇|户|家|名|套|份|项|所|座|处|间|批|场|张|辆|年度|年|月|日|天)"
)
_TRAIL_RE = re.compile(r"(?:预计在|预计为|预计|约为|大约|约|为|是|在|达到|达|[，,、;:])+$")
_CLAUSE_MARKS = "，;:。!?"


@dataclass
class _Paragraph:
    """Lines re-joined; ``norm`` is the folded text and ``origin[i]`` the index in ``text`` of ``norm[i]``."""

    text: str
    owners: list[SourceLine]
    norm: str = ""
    origin: list[int] = field(default_factory=list)

    def original(self, lo: int, hi: int) -> str:
        """The published characters behind ``norm[lo:hi]``."""
        return self.text[self.origin[lo] : self.origin[hi - 1] + 1] if lo < hi else ""


@dataclass(frozen=True)
class _Token:
    kind: str  # "money" (value in 元) or "percent" (value in percent) or "intro"
    start: int
    end: int
    value: Decimal = Decimal(0)
    word: str = ""


@dataclass
class _Level:
    """One list level: its marker style, the subject its items belong to, and its current item."""

    style: str
    parent: str | None
    ordinal: int | None
    item: str | None = None
    amount: Decimal | None = None


def extract_statements(doc: SourceDocument, *, year: int) -> list[dict[str, object]]:
    """Extract one statement per money figure stated in the narrative part of a budget disclosure.

    The narrative is the part headed like 预算情况说明 / 预算编制说明 (or, without one, starting at 收支预算总体安排),
    ending at 名词解释, at the next 第…部分 or at the end of the document; without any such heading the whole
    document is read. Performance-target tables (绩效目标申报表) are always skipped.

    Parameters
    ----------
    doc
        The document as numbered lines.
    year
        The fiscal year of the document, used when a sentence states none.

    Returns
    -------
    list of dict
        In document order, one dict per figure with the keys ``subject``, ``fiscal_year``, ``amount_yuan``
        (exact 元), ``compare_year``, ``stated_change_yuan`` (positive; ``direction`` carries the sign),
        ``stated_change_pct``, ``stated_share_pct``, ``direction`` (增加 / 减少 / 持平), ``parent_subject`` (the
        subject this figure is an item of), ``page``, ``line`` (where the number is printed) and
        ``source_text`` (the sentence, re-joined across line breaks). Change amounts and percentages belong to
        the figure they follow and are not statements of their own.

    Examples
    --------
    >>> text = "一、收支预算总体安排\\n\\n2024 年部门收入预算 1,234.50 万元，比 2023 年预算增加 34.5"
    >>> text += "\\n\\n万元，增长 2.88%。"
    >>> row = extract_statements(SourceDocument.from_text("a.txt", text), year=2024)[0]
    >>> row["subject"], row["amount_yuan"], row["stated_change_yuan"], row["direction"], row["line"]
    ('部门收入预算', Decimal('12345000.00'), Decimal('345000.00'), '增加', 3)
    """
    walker = _Walker(year)
    for paragraph in _paragraphs(_narrative_lines(doc)):
        walker.paragraph(paragraph)
    return walker.rows


# --- lines and paragraphs ---------------------------------------------------------------------------------------
@functools.cache
def _nfkc(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch)


class _SelfFolding(dict[str, bool]):
    """Characters NFKC leaves alone and that are not the full-width comma: cached on first sight."""

    def __missing__(self, ch: str) -> bool:
        value = ch != "，" and not ("①" <= ch <= "⑳") and _nfkc(ch) == ch
        self[ch] = value
        return value


_KEPT_AS_IS = _SelfFolding()


def _fold(text: str) -> tuple[str, list[int]]:
    """NFKC-fold ``text`` for parsing, dropping whitespace, and map every folded character to its origin.

    The full-width comma stays a clause mark unless it sits between full-width digits ("１，２３４"), and circled
    numbers stay list markers (NFKC would turn "①" into a plain "1").
    """
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii() or _KEPT_AS_IS[ch]:
            # Most characters fold to themselves: skip the per-character normalisation (the hot path).
            if not ch.isspace():
                chars.append(ch)
                origin.append(i)
            continue
        thousands = _is_wide_digit(text, i - 1) and _is_wide_digit(text, i + 1)
        keep = (ch == "，" and not thousands) or "①" <= ch <= "⑳"
        folded = ch if keep else _nfkc(ch)
        for out in folded:
            if not out.isspace():
                chars.append(out)
                origin.append(i)
    return "".join(chars), origin


def _is_wide_digit(text: str, i: int) -> bool:
    return 0 <= i < len(text) and "０" <= text[i] <= "９"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _is_title(norm: str) -> bool:
    return 0 < len(norm) <= _TITLE_MAX_CHARS and not norm.endswith(("。", ";", "；", "，", ","))


def _narrative_lines(doc: SourceDocument) -> list[SourceLine]:
    """The non-blank lines of the narrative, without page numbers and performance-target tables."""
    lines = doc.nonblank()
    norms = [normalize_text(line.text) for line in lines]
    start, end = _bounds(norms)
    kept: list[SourceLine] = []
    in_table = False
    for line, norm in zip(lines[start:end], norms[start:end], strict=True):
        if _PART_RE.match(norm) or _MARKER_RES[0][1].match(norm):
            in_table = False  # a new part or section ends a table
        if _is_title(norm) and _TABLE_TITLE_RE.search(norm):
            in_table = True
        # A bare number after a dangling decimal point is the rest of that number, not a page number.
        dangling = norm.isdigit() and kept and kept[-1].text.endswith((".", "．"))
        if in_table or (_PAGE_NO_RE.match(norm) and not dangling):
            continue
        kept.append(line)
    return kept


def _bounds(norms: list[str]) -> tuple[int, int]:
    """First and past-the-end index of the narrative; the whole document when no heading opens one."""
    for keywords in (_NARRATIVE_HEADINGS, _FIRST_TOPICS):
        for i, norm in enumerate(norms):
            if not _is_title(norm) or _TOC_RE.search(norm):
                continue
            joined = norm + (norms[i + 1] if i + 1 < len(norms) else "")  # a heading may wrap
            if not any(0 <= joined.find(word) < len(norm) for word in keywords):
                continue
            end = next((j for j in range(i + 1, len(norms)) if _ends_narrative(norms[j])), len(norms))
            # A contents page repeats the heading; the real one is followed by figures.
            if any(_MONEY_HINT_RE.search(norm) for norm in norms[i:end]):
                return i, end
    return 0, len(norms)


def _ends_narrative(norm: str) -> bool:
    return bool(_PART_RE.match(norm)) or (_GLOSSARY in norm and _is_title(norm))


def _marker(norm: str) -> tuple[str, int | None]:
    """The list style and ordinal a paragraph starts with, ``("para", None)`` for running text."""
    if _PART_RE.match(norm):
        return _PART, None
    for style, pattern in _MARKER_RES:
        match = pattern.match(norm)
        if match:
            return style, _ordinal(match[1])
    return _PARA, None


def _ordinal(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if "①" <= text <= "⑳":
        return ord(text) - ord("①") + 1
    tens, ten, ones = text.partition("十")
    digits = _CN_DIGITS[:9]
    if (tens and tens not in digits) or (ones and ones not in digits) or len(tens) > 1 or len(ones) > 1:
        return None
    if not ten:
        return digits.index(tens) + 1
    return (digits.index(tens) + 1 if tens else 1) * 10 + (digits.index(ones) + 1 if ones else 0)


def _paragraphs(lines: list[SourceLine]) -> list[_Paragraph]:
    """Re-join wrapped lines: a paragraph ends after a short line or before a line that opens a list item.

    "Short" is relative to the document's own full line (its 80th-percentile width, CJK counting double), so the
    rule holds whatever the page width or font.
    """
    if not lines:
        return []
    widths = sorted(_width(line.text) for line in lines)
    full = widths[min(len(widths) - 1, len(widths) * 4 // 5)]
    groups: list[list[SourceLine]] = [[lines[0]]]
    for previous, line in itertools.pairwise(lines):
        opens_item = _marker(_fold(line.text)[0])[0] != _PARA
        slack = _SHORT_SENTENCE_END if previous.text.endswith(("。", "！", "？")) else _SHORT_LINE
        if opens_item or _width(previous.text) < slack * full:
            groups.append([])
        groups[-1].append(line)
    paragraphs = []
    for group in groups:
        text = "".join(line.text for line in group)
        owners = [line for line in group for _ in line.text]
        paragraph = _Paragraph(text, owners)
        paragraph.norm, paragraph.origin = _fold(text)
        paragraphs.append(paragraph)
    return paragraphs


# --- figures ----------------------------------------------------------------------------------------------------
def _tokens(norm: str, lo: int, hi: int) -> list[_Token]:
    """Money figures, percentages and introducers in ``norm[lo:hi]``, in order."""
    found: list[_Token] = []
    for match in _NUMBER_RE.finditer(norm, lo, hi):
        after = match.end()
        value = parse_decimal(match[0])
        if value is None:  # pragma: no cover - the pattern needs a digit
            continue
        if norm.startswith("%", after):
            found.append(_Token("percent", match.start(), after + 1, value))
            continue
        unit = _UNIT_RE.match(norm, after, hi)
        if unit:
            yuan = to_yuan(value, _MAGNITUDE_UNITS[unit["mag"] or unit["bare"]])
            found.append(_Token("money", match.start(), unit.end(), yuan))
    found += [_Token("intro", m.start(), m.end(), word=m[0]) for m in _INTRO_RE.finditer(norm, lo, hi)]
    return sorted(found, key=lambda token: token.start)


def _sentences(norm: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in re.finditer(r"[。!?]", norm):
        yield start, match.end()
        start = match.end()
    if start < len(norm):
        yield start, len(norm)


def _is_boundary(norm: str, i: int) -> bool:
    if norm[i] == ",":  # a thousands separator is not a clause mark
        return not (0 < i < len(norm) - 1 and norm[i - 1].isdigit() and norm[i + 1].isdigit())
    return norm[i] in _CLAUSE_MARKS


def _clause_start(norm: str, floor: int, pos: int) -> int:
    """Start of the clause that holds ``pos``, not before ``floor``."""
    for i in range(pos - 1, floor - 1, -1):
        if _is_boundary(norm, i):
            return i + 1
    return floor


def _trim(norm: str, lo: int, hi: int) -> tuple[int, int]:
    """Narrow ``norm[lo:hi]`` to the name of a subject: no year, marker, connective, count or copula."""
    while lo < hi:
        segment = norm[lo:hi]
        lead = _LEAD_RE.match(segment)
        counts = list(_COUNT_RE.finditer(segment))
        trail = _TRAIL_RE.search(segment)
        if lead:
            lo += lead.end()
        elif counts:
            lo += counts[-1].end()
        elif trail:
            hi = lo + trail.start()
        else:
            break
    return lo, hi


def _direction(word: str) -> str:
    """The direction a change word states (增幅 / 降幅 …: by its 增 / 减 / 降)."""
    return _DIRECTIONS.get(word) or ("减少" if "减" in word or "降" in word else "增加")


def _fiscal_year(norm: str, clause_lo: int, start: int, sentence_lo: int, default: int) -> int:
    """The year stated before the figure in its clause, else the year the sentence opens with."""
    stated = _YEAR_RE.search(norm, clause_lo, start)
    if stated:
        return int(stated[1])
    leading = _LEADING_YEAR_RE.match(norm, sentence_lo)
    return int(leading[1]) if leading else default


def _comparison(norm: str, lo: int, hi: int, fiscal_year: int) -> int | None:
    match = _COMPARE_RE.search(norm, lo, hi)
    if match is None:
        return None
    return int(match["year"]) if match["year"] else fiscal_year - 1


# --- the walk ---------------------------------------------------------------------------------------------------
class _Walker:
    """Walks the paragraphs in order, keeping the list structure that decides each figure's parent.

    Items nest only where the text says so: an introducer (其中 / 包括 / 主要用于) names the owner of what follows;
    one that ends a paragraph opens a list whose items are the following paragraphs (a new level, whatever their
    marker). A marker already open on the stack is a sibling, and a section heading (一、 / 第…部分) resets.
    """

    def __init__(self, year: int) -> None:
        self.year = year
        self.rows: list[dict[str, object]] = []
        self.stack: list[_Level] = []
        self.pending: str | None = None
        self.last_subject: str | None = None
        #: The figures of the last sentence that stated any that are no one's items (a whole, or siblings), and
        #: whether the last sentence read stated a figure at all.
        self.wholes: list[str] = []
        self.sentence_had = False

    def _whole(self, word: str = "") -> str | None:
        """What a list announced without a figure ("具体包括：", "具体情况如下：") breaks down: the one figure the
        sentence before stated, with its items; none when it stated siblings (the list restates them one by one).
        A 其中 opening its sentence breaks down the last figure stated ("收入 A 万元，支出 B 万元。其中：基本支出…")."""
        if word.startswith("其中"):
            return self.wholes[-1] if self.wholes else None
        return self.wholes[0] if len(self.wholes) == 1 else None

    def _enter(self, style: str, ordinal: int | None) -> _Level:
        if style in (_PART, _SECTION):
            self.stack, self.pending, self.last_subject, self.wholes = [], None, None, []
        open_levels = [i for i, level in enumerate(self.stack) if level.style == style]
        # Numbering that continues an open list ("3." after "2.") is a sibling even after "其中包括：".
        continuing = [
            i
            for i in open_levels
            if ordinal not in (None, 1) and self.stack[i].ordinal is not None and self.stack[i].ordinal + 1 == ordinal
        ]
        if self.pending is not None and not continuing:
            self.stack.append(_Level(style, self.pending, ordinal))
        elif open_levels:
            del self.stack[(continuing or open_levels)[-1] + 1 :]
            self.stack[-1].ordinal, self.stack[-1].item, self.stack[-1].amount = ordinal, None, None
        else:
            self.stack.append(_Level(style, None, ordinal))
        self.pending = None
        return self.stack[-1]

    def paragraph(self, para: _Paragraph) -> None:
        style, ordinal = _marker(para.norm)
        level = self._enter(style, ordinal)
        is_item = style not in (_PARA, _PART, _SECTION)
        last_intro: tuple[int, str | None] | None = None
        had_statement = False
        # A later sentence of a list item that states the document's year and another figure ("2025 年，…收入预算
        # …", "…办公厅 2017 年度…会议费预算支出 …") is a topic of its own, run into the item where the PDF lost the
        # paragraph break (the year before is the item's own past: "2023 年当年预算执行数为 …").
        detached = False
        for lo, hi in _sentences(para.norm):
            tokens = _tokens(para.norm, lo, hi)
            clause_los = _clause_los(para.norm, lo, tokens)
            changes = _changes(para.norm, tokens, clause_los)
            detached = detached or (is_item and self._starts_topic(para.norm, lo, tokens, changes, level))
            sentence_wholes: list[str] = []
            sentence_had = False
            # Open introducers, innermost last: (owner, where its items end).
            owners: list[tuple[str | None, int]] = []
            for index, token in enumerate(tokens):
                clause_lo = clause_los[index]
                if token.kind == "intro":
                    head = self._subject(para, clause_lo, token.start)
                    # An introducer that opens its sentence ("其中：", "具体包括：") breaks down what the sentence
                    # before stated; one after a figure of its own sentence, that figure.
                    owner = head or (self.last_subject if sentence_had else self._whole(token.word))
                    # 其中 / 包括 cover the sentence; 主要用于 only its clause ("…；公用经费 …" is a sibling), after
                    # which the 其中 it stands in owns the figures again ("其中：基本支出…主要用于…；项目支出…").
                    if "用于" in token.word:
                        owners.append((owner, _next_mark(para.norm, token.end, hi, ";")))
                    else:
                        owners = [(owner, hi)]
                    last_intro = (token.end, owner)
                    continue
                if token.kind != "money" or token.start in changes:
                    continue
                active = [o for o, until in owners if o is not None and token.start < until]
                owner = active[-1] if active else None
                introduced = owner is not None
                # The first figure of a list item names the item; later ones in its body are its children, but not
                # those that give the reason of a change ("主要原因是新增…经费 280 万元") or start a topic of their own.
                heads_item = is_item and not introduced and level.item is None and not detached
                if introduced or detached or _REASON_RE.search(para.norm, lo, token.start):
                    parent = owner
                else:
                    parent = level.item if is_item and not heads_item else level.parent
                row = self._statement(
                    para, tokens, index, clause_lo=clause_lo, sentence=(lo, hi), parent=parent, changes=changes
                )
                if heads_item:
                    level.item, level.amount = str(row[SUBJECT]), token.value
                if not introduced:
                    sentence_wholes.append(str(row[SUBJECT]))
                self.last_subject = str(row[SUBJECT])
                self.rows.append(row)
                had_statement = sentence_had = True
            if sentence_had:
                self.wholes = sentence_wholes
            self.sentence_had = sentence_had
        self._open_list(para, last_intro, had_statement)

    def _starts_topic(self, norm: str, lo: int, tokens: list[_Token], changes: set[int], level: _Level) -> bool:
        """Whether the sentence at ``lo`` of a list item is a topic of its own: it names the document's year before
        its first figure, and that figure is not the item's restated."""
        first = next((t for t in tokens if t.kind == "money" and t.start not in changes), None)
        if level.item is None or first is None or first.value == level.amount:
            return False
        year = _YEAR_RE.search(norm, lo, first.start)
        return year is not None and int(year[1]) == self.year

    def _open_list(self, para: _Paragraph, last_intro: tuple[int, str | None] | None, had: bool) -> None:
        """A paragraph ending in a colon opens a list owned by its introducer or by its last figure."""
        norm = para.norm
        if not norm.endswith(":"):
            return
        if last_intro is not None and not any(_is_boundary(norm, i) for i in range(last_intro[0], len(norm) - 1)):
            self.pending = last_intro[1]
        elif had:
            # "…万元，具体如下：" breaks down that figure; "…。具体情况如下：" what the sentence before stated.
            self.pending = self.last_subject if self.sentence_had else self._whole()

    def _subject(self, para: _Paragraph, lo: int, hi: int) -> str:
        start, stop = _trim(para.norm, lo, hi)
        return "".join(para.original(start, stop).split())

    def _statement(
        self,
        para: _Paragraph,
        tokens: list[_Token],
        index: int,
        *,
        clause_lo: int,
        sentence: tuple[int, int],
        parent: str | None,
        changes: set[int],
    ) -> dict[str, object]:
        norm, token = para.norm, tokens[index]
        lo, hi = sentence
        subject = self._subject(para, clause_lo, token.start)
        if not subject and clause_lo > lo:  # "…升级改造,预计在 45 万左右": the name is in the clause before
            floor = tokens[index - 1].end if index else lo
            subject = self._subject(para, _clause_start(norm, floor, clause_lo - 1), clause_lo - 1)
        subject = subject or parent or "".join(para.original(lo, hi).split())
        fiscal_year = _fiscal_year(norm, clause_lo, token.start, lo, self.year)
        # The figure's comparison runs to the next figure of its own, a reason or a breakdown, or the sentence end.
        following = [t.start for t in tokens[index + 1 :] if t.kind == "money" and t.start not in changes]
        stop = _STOP_RE.search(norm, token.end, hi)
        window_end = min([hi, *following[:1], *([stop.start()] if stop else [])])
        row: dict[str, object] = {
            SUBJECT: subject,
            FISCAL_YEAR: fiscal_year,
            AMOUNT_YUAN: token.value,
            COMPARE_YEAR: _comparison(norm, token.end, window_end, fiscal_year),
            STATED_CHANGE_YUAN: None,
            STATED_CHANGE_PCT: None,
            STATED_SHARE_PCT: None,
            DIRECTION: None,
            PARENT_SUBJECT: parent,
        }
        self._attach(norm, tokens, index, window_end, row)
        line = para.owners[para.origin[token.start]]
        row.update({PAGE: line.page, LINE: line.number, SOURCE_TEXT: para.original(lo, hi).strip()})
        return row

    @staticmethod
    def _attach(norm: str, tokens: list[_Token], index: int, window_end: int, row: dict[str, object]) -> None:
        """Attach the change amount, percentages and direction printed after the figure to its statement."""
        previous_end = tokens[index].end
        for token in tokens[index + 1 :]:
            if token.start >= window_end:
                break
            prefix_lo = max(previous_end, _clause_start(norm, previous_end, token.start))
            previous_end = token.end
            prefix = norm[prefix_lo : token.start]
            verb = _CHANGE_PCT_RE.search(prefix)
            word = verb[0] if verb else None
            if token.kind == "money" and word is None and (comparative := _COMPARATIVE_MONEY_RE.search(prefix)):
                word = comparative["word"]
            if token.kind == "money" and word and row[STATED_CHANGE_YUAN] is None:
                row[STATED_CHANGE_YUAN] = token.value
            elif token.kind == "percent" and "占" in prefix and row[STATED_SHARE_PCT] is None:
                row[STATED_SHARE_PCT] = token.value
            elif token.kind == "percent" and verb and row[STATED_CHANGE_PCT] is None:
                row[STATED_CHANGE_PCT] = token.value
            else:
                continue
            if word and row[DIRECTION] is None:
                row[DIRECTION] = _direction(word)
        window = norm[tokens[index].end : window_end]
        if row[DIRECTION] is None and _FLAT_RE.search(window):
            row[DIRECTION] = "持平"
        elif row[DIRECTION] is None and row[COMPARE_YEAR] is not None and (found := _ANY_CHANGE_RE.search(window)):
            row[DIRECTION] = _direction(found[0])  # "比上年有所增加", "本年数小于上年预算数": no figure


def _clause_los(norm: str, lo: int, tokens: list[_Token]) -> list[int]:
    """Where the clause of each token starts: not before the end of the token before it."""
    starts, previous_end = [], lo
    for token in tokens:
        starts.append(max(previous_end, _clause_start(norm, lo, token.start)))
        previous_end = token.end
    return starts


def _changes(norm: str, tokens: list[_Token], clause_los: list[int]) -> set[int]:
    """Where the money figures of a sentence that are change amounts start: those right after a change word ("比上年
    增加 N 万元") or a comparison ("本年数小于上年预算数 N 万元"), and those of a clause that opens with a change
    ("增加基本支出 N 万元").

    In a list of items (after 其中 / 包括), a change word after a name with no comparison since the figure before
    is a change where most of the items are so stated ("其中：财政拨款收入增加 N 万元，事业收入增加 M 万元"), and part
    of the name where only a few are ("其中支持外贸发展 370 万，支持商销稳增长 30 万，…")."""
    found: set[int] = set()
    named: set[int] = set()
    listed = 0
    introduced = False
    previous_end = tokens[0].start if tokens else 0
    for token, clause_lo in zip(tokens, clause_los, strict=True):
        if token.kind == "intro":
            introduced = introduced or "用于" not in token.word
        if token.kind != "money":
            continue
        prefix = norm[clause_lo : token.start]
        lead = _LEAD_RE.match(prefix)
        body = prefix[lead.end() :] if lead else prefix
        verb = _CHANGE_MONEY_RE.search(body)
        listed += introduced
        since = norm[min(previous_end, clause_lo) : token.start - len(body) + (verb.start() if verb else 0)]
        if verb and introduced and verb.start() > 0 and not _HAS_COMPARISON_RE.search(since):
            named.add(token.start)
        elif verb or _COMPARATIVE_MONEY_RE.search(body) or _LED_CHANGE_RE.match(body):
            found.add(token.start)
        previous_end = token.end
    return found | named if 2 * len(named) > listed else found


def _next_mark(norm: str, lo: int, hi: int, mark: str) -> int:
    found = norm.find(mark, lo, hi)
    return hi if found < 0 else found
