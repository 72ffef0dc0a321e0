"""How many defects the checks catch: defects injected into what the readers see, read again, checked again.

A defect is injected at the **reading layer**, one per run: into the positioned words that ``read_pdf_pages`` gives
the PDF reader (a word's text changed, a word removed, pages dropped; every position kept), or into the decoded text
the text reader splits into lines. The bytes of the file are never touched, so the document keeps its ``doc_id`` and
every finding of the clean reading keeps its ``flag_id``: a defect is *caught* when a flag appears that the clean
reading does not have and that points at the altered disclosure (its ``doc_id``, or the ``doc_id`` of an evidence
item). It is caught *by a rule* when one of those flags is a rule's (a question to ask the department), *by the
reader* when only the reader's doubts (读数存疑) point at it, or when the reader refuses the altered file.

Sites are chosen from what the document prints and what the reader read of it (``find_sites``), deterministically
from a seed, and only where the defect means something: a number is changed only in a table read with status
``data``, 增加 / 减少 swapped only in a sentence that states both its amount and the change, a year made stale only
outside the title the reader dates the document by. Two more classes change the dataset frames directly (a line's
amount, a statement's amount), to measure the rules without the reader in between.

Examples
--------
>>> site = Site("number", "a.txt", page=None, line=3, offset=9, before="1,234.00", after="1,357.40")
>>> apply_to_text("标题\\n说明\\n合计 1,234.00\\n", site)
'标题\\n说明\\n合计 1,357.40\\n'
"""

from __future__ import annotations

import bisect
import dataclasses
import random
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import polars as pl

from analytics import schema as s
from analytics.errors import AnalyticsError, ReaderError
from analytics.ingest._pdf_layout import PdfPage
from analytics.ingest._source import SourceDocument, SourceLine
from analytics.store import Dataset
from analytics.units import CENT, UNIT_FACTORS

__all__ = [
    "DEFECTS",
    "FRAME_DEFECTS",
    "Baseline",
    "Outcome",
    "PrintedWord",
    "Site",
    "apply_to_dataset",
    "apply_to_pages",
    "apply_to_text",
    "build_baseline",
    "evaluate_site",
    "find_sites",
    "judge",
    "printed_words",
    "reading_with",
    "recall_table",
]

#: Defect classes: key → (Chinese label, English description). Order is the order of the report.
DEFECTS: dict[str, tuple[str, str]] = {
    "number": ("表内数字改动", "a printed table figure (total or part) changed by 10 % (at least 100 printed steps)"),
    "total_zero": ("合计改为 0", "a printed table total changed to 0"),
    "drop_table": ("缺表（删去表页）", "the page(s) of a standard table dropped"),
    "direction": ("增加 ↔ 减少", "增加 / 减少 swapped in a sentence that states its amount and the change"),
    "comparison": ("小于 ↔ 大于", "小于 / 大于 swapped"),
    "placeholder": ("占位符 XX", "the department's name (or 本部门) replaced by a placeholder 'XX局' / 'XX部门'"),
    "stale_year": ("过期年份", "a year in a heading or a 截至 date set to fiscal year − 2"),
    "blank_cell": ("单元格留空", "a printed table figure removed (the cell left blank)"),
    "scope": ("单位预算 ↔ 部门预算", "部门 / 单位 swapped in 部门预算 (决算) of a heading"),
    "frame_line": ("数据集：表内金额", "dataset frames: one line's amount changed by 10 % (at least 1 万元)"),
    "frame_statement": ("数据集：说明金额", "dataset frames: one statement's amount changed by 10 % (at least 1 万元)"),
}
#: Classes injected into the dataset frames, not into the reading.
FRAME_DEFECTS = frozenset({"frame_line", "frame_statement"})

_AMOUNT = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$")
_DIRECTION_SWAP = {"增加": "减少", "减少": "增加"}
_COMPARISON_SWAP = {"小于": "大于", "大于": "小于"}
_SCOPE_TERM = re.compile(r"(部门|单位)(预算|决算)")
_AS_OF_YEAR = re.compile(r"(?:截至|截止)\s*(\d{4})\s*年")
_YEAR = re.compile(r"(\d{4})\s*年")
#: A date stamp ("填报日期：2024年 2月 3日"): its year is not a heading's.
_DATE = re.compile(r"年\s*\d{1,2}\s*月")
#: A line this short (characters, spaces removed) is a heading or a title, not a sentence.
_HEADING_CHARS = 40
#: A label that names the department (a table's 编制部门, a 预算单位 line, the 部门（单位）名称 cell of a 绩效目标
#: 申报表): the name there is what the reader takes the department from, not a heading or a sentence.
_LABEL = re.compile(r"编制(部门|单位)|(部门|单位)[:：]|名称|部门[（(]单位[)）]")
_TEN_PERCENT = Decimal("0.1")
_WAN = Decimal(10_000)


@dataclass(frozen=True, slots=True)
class PrintedWord:
    """One word a reader sees: a PDF word (``offset`` −1), or a whitespace-separated token of a text file
    (``offset``: where it starts in the decoded text). ``line`` is the page's line number (PDF) or the file's."""

    page: int | None
    line: int
    index: int
    text: str
    offset: int = -1


@dataclass(frozen=True)
class Site:
    """One defect at one place: ``before`` at ``offset`` (in the PDF word ``word`` of ``line`` on ``page``, or in
    the decoded text of a text file) becomes ``after``; or the PDF ``pages`` are dropped; or, for a frame defect,
    the row of ``key`` gets ``amount_yuan``.

    ``amount_yuan`` of a printed-number defect is what the reader should now read, in 元.
    """

    defect: str
    source_name: str
    page: int | None = None
    line: int | None = None
    word: int | None = None
    offset: int = 0
    before: str = ""
    after: str = ""
    table: str | None = None
    pages: tuple[int, ...] = ()
    key: tuple[tuple[str, object], ...] = ()
    amount_yuan: Decimal | None = None

    def describe(self) -> str:
        """What was changed, in a few words (for the list of missed sites)."""
        if self.defect in FRAME_DEFECTS:
            fields = dict(self.key)
            what = fields.get(s.NAME) or fields.get(s.SUBJECT) or fields.get(s.SEQ)
            return f"{self.table or 'statement'} {what}: amount → {self.amount_yuan} 元"
        if self.pages:
            return f"{self.table}: pages {', '.join(map(str, self.pages))} dropped"
        if self.defect == "drop_table":
            return f"{self.table}: its page(s) of the text dropped ({len(self.before)} characters)"
        before = self.before if len(self.before) <= 30 else self.before[:30] + "…"
        after = self.after if self.after.strip() else "(blank)"
        return f"{before!r} → {after!r}" + (f" in {self.table}" if self.table else "")


# ---------------------------------------------------------------- what the reader sees, and how it is altered


def printed_words(path: str | Path) -> tuple[str, list[PrintedWord]]:
    """The words a reader sees in a PDF or text disclosure, in reading order, and the file's format.

    Raises
    ------
    ReaderError
        When the file cannot be opened as the reader would open it.
    """
    source = Path(path)
    data = source.read_bytes()
    if source.suffix.lower() == ".pdf":
        from analytics.ingest._pdf_layout import read_pdf_pages

        return "pdf", _pdf_words(read_pdf_pages(data, source.name))
    if source.suffix.lower() == ".txt":
        from analytics.ingest.text import decode_text

        return "text", _text_words(decode_text(source.name, data))
    raise ReaderError(source.name, "", "defects are injected into PDF and text disclosures only")


def _pdf_words(pages: Sequence[PdfPage]) -> list[PrintedWord]:
    return [
        PrintedWord(line.page, line.number, index, word.text)
        for page in pages
        for line in page.lines
        for index, word in enumerate(line.words)
    ]


def _text_pieces(text: str) -> Iterator[tuple[int, int | None, int, str]]:
    """(line number, page, offset, text) of each piece of the text, numbered as ``paged_document`` numbers it."""
    paged = "\f" in text
    offset, page = 0, 1
    for number, physical in enumerate(text.split("\n"), start=1):
        start = offset
        for index, piece in enumerate(physical.split("\f")):
            if index:
                page += 1
            yield number, page if paged else None, start, piece
            start += len(piece) + 1
        offset += len(physical) + 1


def _text_words(text: str) -> list[PrintedWord]:
    return [
        PrintedWord(page, number, index, match.group(), start + match.start())
        for number, page, start, piece in _text_pieces(text)
        for index, match in enumerate(re.finditer(r"\S+", piece.rstrip("\r")))
    ]


def apply_to_pages(pages: Sequence[PdfPage], site: Site) -> list[PdfPage]:
    """``pages`` with the defect of ``site``: a word's text changed (or the word removed when ``after`` is empty),
    or ``site.pages`` dropped and the pages after them renumbered, as in a PDF published without them.

    Raises
    ------
    AnalyticsError
        When the site's word does not print ``before`` at ``offset`` (the site is not in this document).
    """
    if site.pages:
        kept = [page for page in pages if page.number not in site.pages]
        return [
            dataclasses.replace(
                page, number=number, lines=tuple(dataclasses.replace(line, page=number) for line in page.lines)
            )
            for number, page in enumerate(kept, start=1)
        ]
    out = list(pages)
    for position, page in enumerate(out):
        if page.number != site.page:
            continue
        lines = list(page.lines)
        for index, line in enumerate(lines):
            if line.number != site.line or site.word is None or site.word >= len(line.words):
                continue
            word = line.words[site.word]
            end = site.offset + len(site.before)
            if word.text[site.offset : end] != site.before:
                break
            words = list(line.words)
            text = word.text[: site.offset] + site.after + word.text[end:]
            if text:
                words[site.word] = dataclasses.replace(word, text=text)
            else:
                del words[site.word]
            if words:
                lines[index] = dataclasses.replace(line, words=tuple(words))
            else:
                del lines[index]
            out[position] = dataclasses.replace(page, lines=tuple(lines))
            return out
    raise AnalyticsError(
        f"{site.source_name}, page {site.page} line {site.line} word {site.word}: no {site.before!r} at offset "
        f"{site.offset}; expected the site to come from this document's pages"
    )


def apply_to_text(text: str, site: Site) -> str:
    """The decoded ``text`` of a text disclosure with ``before`` at ``site.offset`` replaced by ``after``.

    Raises
    ------
    AnalyticsError
        When the text does not hold ``before`` at ``offset``.
    """
    end = site.offset + len(site.before)
    if text[site.offset : end] != site.before:
        raise AnalyticsError(
            f"{site.source_name}, line {site.line}: no {site.before!r} at offset {site.offset}; expected the site "
            "to come from this document's text"
        )
    return text[: site.offset] + site.after + text[end:]


@contextmanager
def reading_with(site: Site | None) -> Iterator[None]:
    """Within the block, the readers of this process see the file ``site.source_name`` with the defect.

    The PDF reader's ``read_pdf_pages`` and the text reader's ``decode_text`` are wrapped; other files are read as
    they are. Readers in other processes are not affected: read with ``workers=1``.
    """
    from analytics.ingest import pdf as pdf_reader
    from analytics.ingest import text as text_reader

    original_pages, original_decode = pdf_reader.read_pdf_pages, text_reader.decode_text

    def pages(data: bytes, name: str) -> list[PdfPage]:
        read = original_pages(data, name)
        return apply_to_pages(read, site) if site is not None and name == site.source_name else read

    def decode(name: str, data: bytes) -> str:
        text = original_decode(name, data)
        return apply_to_text(text, site) if site is not None and name == site.source_name else text

    pdf_reader.read_pdf_pages, text_reader.decode_text = pages, decode  # type: ignore[assignment]
    try:
        yield
    finally:
        pdf_reader.read_pdf_pages, text_reader.decode_text = original_pages, original_decode


def apply_to_dataset(dataset: Dataset, site: Site) -> Dataset:
    """``dataset`` with the amount of the row ``site.key`` (in ``lines`` or ``statements``) set to
    ``site.amount_yuan``; the frame is replaced, never mutated."""
    table = s.LINES if site.defect == "frame_line" else s.STATEMENTS
    frame = dataset.tables[table]
    hit = pl.all_horizontal(
        [pl.col(column).is_null() if value is None else pl.col(column) == value for column, value in site.key]
    )
    amount = pl.when(hit).then(pl.lit(site.amount_yuan, s.MONEY)).otherwise(pl.col(s.AMOUNT_YUAN))
    return dataclasses.replace(dataset, **{table: frame.with_columns(amount.alias(s.AMOUNT_YUAN))})


# ---------------------------------------------------------------- where to inject


@dataclass
class _Printed:
    """The words of one document in reading order, joined into one string with a map back to each word."""

    words: list[PrintedWord]
    text: str
    starts: list[int]
    lines: dict[tuple[int | None, int], str]

    @classmethod
    def of(cls, words: list[PrintedWord]) -> _Printed:
        starts, parts, length = [], [], 0
        lines: dict[tuple[int | None, int], str] = {}
        for word in words:
            starts.append(length)
            parts.append(word.text)
            length += len(word.text) + 1
            lines[(word.page, word.line)] = lines.get((word.page, word.line), "") + word.text
        return cls(words, " ".join(parts), starts, lines)

    def labelled(self) -> set[tuple[int | None, int]]:
        """Lines that hold a label naming the department, or follow one within two lines (a wrapped cell)."""
        keys = list(self.lines)
        return {
            key
            for index, key in enumerate(keys)
            if any(_LABEL.search(self.lines[k]) for k in keys[max(index - 2, 0) : index + 1])
        }

    def at(self, offset: int) -> tuple[PrintedWord, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return self.words[index], offset - self.starts[index]

    def is_heading(self, word: PrintedWord) -> bool:
        """Whether the word's line is short enough to be a heading or a title, not a sentence."""
        line = self.lines[(word.page, word.line)]
        return len(line) <= _HEADING_CHARS and not line.endswith(("。", "；", "，"))


def _site(defect: str, name: str, word: PrintedWord, change: tuple[int, str, str], **more: object) -> Site:
    """A site in ``word``: ``change`` is (where in the word, the text there, what it becomes)."""
    within, before, after = change
    offset = word.offset + within if word.offset >= 0 else within
    return Site(defect, name, word.page, word.line, word.index, offset, before, after, **more)  # type: ignore[arg-type]


def _choose(candidates: list[tuple[str, Site]], count: int, rng: random.Random) -> list[Site]:
    """Up to ``count`` sites, taken in turn from each kind of candidate (total / part, heading / 截至 …) so that
    both kinds are measured; distinct places only."""
    kinds: dict[str, list[Site]] = {}
    seen: set[tuple[object, ...]] = set()
    for kind, site in candidates:
        place = (site.page, site.line, site.word, site.offset, site.pages, site.key)
        if place not in seen:
            seen.add(place)
            kinds.setdefault(kind, []).append(site)
    for sites in kinds.values():
        rng.shuffle(sites)
    chosen: list[Site] = []
    while len(chosen) < count and any(kinds.values()):
        for kind in sorted(kinds):
            if kinds[kind] and len(chosen) < count:
                chosen.append(kinds[kind].pop(0))
    return chosen


def _format_like(printed: str, value: Decimal) -> str:
    decimals = len(printed.split(".", 1)[1]) if "." in printed else 0
    return f"{value:,.{decimals}f}" if "," in printed else f"{value:.{decimals}f}"


def _changed_number(printed: str) -> str:
    """``printed`` up by 10 % of itself, at least 100 steps of its last digit: far above any rounding."""
    value = Decimal(printed.replace(",", ""))
    decimals = len(printed.split(".", 1)[1]) if "." in printed else 0
    step = Decimal(1).scaleb(-decimals)
    return _format_like(printed, value + max((value * _TEN_PERCENT).quantize(step), 100 * step))


#: A printed table figure: its word, a ``lines`` row it was read into, and the factor of its table's unit.
_Figure = tuple[PrintedWord, dict[str, object], Decimal]


def _table_figures(words: list[PrintedWord], dataset: Dataset, doc_id: str) -> list[_Figure]:
    """Printed amounts of the tables read with status ``data``: (word, a line row it was read into, its unit's
    factor). Only figures of the document's own year, not zero, not doubted by the reader."""
    tables = dataset.document_tables.filter((pl.col(s.DOC_ID) == doc_id) & (pl.col(s.STATUS) == "data"))
    factors = {
        row[s.TABLE]: UNIT_FACTORS.get(str(row[s.UNIT_PRINTED]), Decimal(1))
        for row in tables.select(s.TABLE, s.UNIT_PRINTED).to_dicts()
    }
    rows = dataset.lines.filter(
        (pl.col(s.DOC_ID) == doc_id)
        & pl.col(s.TABLE).is_in(list(factors))
        & (pl.col(s.AMOUNT_YUAN) != 0)
        & (pl.col(s.VERIFICATION) != "contradicted")
        & (pl.col(s.FISCAL_YEAR) == pl.col(s.AS_OF_YEAR))
        & pl.col(s.LINE).is_not_null()
    ).to_dicts()
    by_line: dict[tuple[object, object], list[PrintedWord]] = {}
    for word in words:
        if _AMOUNT.match(word.text):
            by_line.setdefault((word.page, word.line), []).append(word)
    out = []
    for row in rows:
        factor = factors[row[s.TABLE]]
        for word in by_line.get((row[s.PAGE], row[s.LINE]), []):
            if (Decimal(word.text.replace(",", "")) * factor).quantize(CENT) == row[s.AMOUNT_YUAN]:
                out.append((word, row, factor))
    return out


def _number_sites(name: str, figures: list[_Figure], defect: str) -> list[tuple[str, Site]]:
    out = []
    for word, row, factor in figures:
        kind = "total" if row[s.CLASSIFICATION] in ("total", "subtotal") else "part"
        table = str(row[s.TABLE])
        if defect == "number":
            after = _changed_number(word.text)
            amount = (Decimal(after.replace(",", "")) * factor).quantize(CENT)
            out.append((kind, _site(defect, name, word, (0, word.text, after), table=table, amount_yuan=amount)))
        elif defect == "total_zero" and kind == "total":
            zero = _format_like(word.text.replace(",", ""), Decimal(0))
            out.append((kind, _site(defect, name, word, (0, word.text, zero), table=table, amount_yuan=Decimal(0))))
        elif defect == "blank_cell":
            blank = "" if word.offset < 0 else " " * len(word.text)
            out.append((kind, _site(defect, name, word, (0, word.text, blank), table=table)))
    return out


def _drop_sites(name: str, fmt: str, text: str | None, dataset: Dataset, doc_id: str) -> list[tuple[str, Site]]:
    tables = dataset.document_tables.filter(
        (pl.col(s.DOC_ID) == doc_id) & (pl.col(s.STATUS) == "data") & pl.col(s.PAGE_FROM).is_not_null()
    ).sort(s.PAGE_FROM, s.TABLE)
    out = []
    for row in tables.to_dicts():
        first, last = int(row[s.PAGE_FROM]), int(row[s.PAGE_TO] or row[s.PAGE_FROM])
        if fmt == "pdf":
            out.append(
                ("table", Site("drop_table", name, page=first, table=row[s.TABLE], pages=tuple(range(first, last + 1))))
            )
        elif text is not None and "\f" in text:
            feeds = [m.start() for m in re.finditer("\f", text)]
            start = feeds[first - 2] + 1 if first >= 2 else 0
            end = feeds[last - 1] + 1 if last - 1 < len(feeds) else len(text)
            site = Site("drop_table", name, page=first, offset=start, before=text[start:end], table=row[s.TABLE])
            out.append(("table", site))
    return out


def _after_identity(words: list[PrintedWord], name: str) -> list[PrintedWord]:
    """The words after the title the reader dates and names the document by (and the line after it): a defect
    there would make it another document, not a defective one."""
    from analytics.ingest import facts

    lines: list[tuple[int | None, int]] = []
    texts: dict[tuple[int | None, int], list[str]] = {}
    for word in words:
        key = (word.page, word.line)
        if key not in texts:
            lines.append(key)
            texts[key] = []
        texts[key].append(word.text)
    document = SourceDocument(
        name, tuple(SourceLine(i, " ".join(texts[key]), key[0]) for i, key in enumerate(lines, start=1))
    )
    try:
        identity = facts.identify_document(document, require_year=False)
    except ReaderError:
        return []
    limit = lines[min(identity.line.number, len(lines) - 1)]  # the line after the title's
    order = {key: i for i, key in enumerate(lines)}
    return [w for w in words if order[(w.page, w.line)] > order[limit]]


def _matches(pattern: str | re.Pattern[str], word: PrintedWord) -> Iterator[re.Match[str]]:
    return re.finditer(pattern, word.text)


def _comparison_sites(name: str, body: list[PrintedWord]) -> list[tuple[str, Site]]:
    return [
        ("word", _site("comparison", name, word, (m.start(), m.group(), _COMPARISON_SWAP[m.group()])))
        for word in body
        for m in _matches("小于|大于", word)
    ]


def _placeholder_sites(name: str, printed: _Printed, body: list[PrintedWord], department: str) -> list[
    tuple[str, Site]
]:  # fmt: skip
    """The department's name in a heading or a sentence (not in a table's 编制部门 label) becomes "XX局"; where the
    name is not printed, 本部门 / 本单位 become "XX部门" / "XX单位"."""
    out = []
    labelled = printed.labelled()
    for word in body:
        if (word.page, word.line) in labelled:
            continue
        kind = "heading" if printed.is_heading(word) else "sentence"
        if department and department in word.text:
            out.append((kind, _site("placeholder", name, word, (word.text.index(department), department, "XX局"))))
            continue
        for m in _matches("本部门|本单位", word):
            after = "XX部门" if m.group() == "本部门" else "XX单位"
            out.append((kind, _site("placeholder", name, word, (m.start(), m.group(), after))))
    return out


def _stale_year_sites(name: str, printed: _Printed, body: list[PrintedWord], year: int) -> list[tuple[str, Site]]:
    """A 截至 date later than ``year`` − 2, or the document's year in a heading, becomes ``year`` − 2.

    A text file may print the year as a word of its own ("截至 2024 年"): its neighbours on the line count.
    """
    stale = str(year - 2)
    at = {(w.page, w.line, w.index): w.text for w in body}
    out = []
    for word in body:
        before = at.get((word.page, word.line, word.index - 1), "")
        after = at.get((word.page, word.line, word.index + 1), "")
        alone = re.fullmatch(r"\d{4}", word.text) is not None and after.startswith("年")
        for m in _AS_OF_YEAR.finditer(word.text):
            if int(m.group(1)) > year - 2:
                out.append(("截至", _site("stale_year", name, word, (m.start(1), m.group(1), stale))))
        if alone and before.endswith(("截至", "截止")) and int(word.text) > year - 2:
            out.append(("截至", _site("stale_year", name, word, (0, word.text, stale))))
        line = printed.lines[(word.page, word.line)]
        if not printed.is_heading(word) or _DATE.search(line) or "万元" in line or _AS_OF_YEAR.search(line):
            continue
        for m in _YEAR.finditer(word.text):
            if int(m.group(1)) == year:
                out.append(("heading", _site("stale_year", name, word, (m.start(1), m.group(1), stale))))
        if alone and int(word.text) == year and not before.endswith(("截至", "截止")):
            out.append(("heading", _site("stale_year", name, word, (0, word.text, stale))))
    return out


def _scope_sites(name: str, printed: _Printed, body: list[PrintedWord]) -> list[tuple[str, Site]]:
    """部门预算 ↔ 单位预算 (决算 alike) in a heading or a title."""
    out = []
    for word in body:
        if printed.is_heading(word):
            for m in _SCOPE_TERM.finditer(word.text):
                swapped = ("单位" if m.group(1) == "部门" else "部门") + m.group(2)
                out.append(("heading", _site("scope", name, word, (m.start(), m.group(), swapped))))
    return out


def _direction_sites(name: str, printed: _Printed, dataset: Dataset, doc_id: str) -> list[tuple[str, Site]]:
    """增加 / 减少 of a statement that states its amount and the change: the first one after its subject, in the
    same sentence, starting at the statement's line."""
    statements = dataset.statements.filter(
        (pl.col(s.DOC_ID) == doc_id)
        & pl.col(s.DIRECTION).is_in(list(_DIRECTION_SWAP))
        & pl.col(s.AMOUNT_YUAN).is_not_null()
        & pl.col(s.STATED_CHANGE_YUAN).is_not_null()
        & pl.col(s.LINE).is_not_null()
    ).sort(s.SEQ)
    first_of_line: dict[tuple[object, object], int] = {}
    for index, word in enumerate(printed.words):
        first_of_line.setdefault((word.page, word.line), printed.starts[index])
    out = []
    for row in statements.to_dicts():
        start = first_of_line.get((row[s.PAGE], row[s.LINE]))
        if start is None:
            continue
        sentence_end = printed.text.find("。", start)
        window = printed.text[start : sentence_end if sentence_end >= 0 else start + 400]
        subject = str(row[s.SUBJECT] or "")
        after_subject = window.find(subject) + len(subject) if subject and subject in window else 0
        found = window.find(str(row[s.DIRECTION]), after_subject)
        if found < 0:
            continue
        word, within = printed.at(start + found)
        if word.text[within : within + 2] != row[s.DIRECTION]:
            continue  # the word is broken over two printed words or lines: not one edit
        swapped = _DIRECTION_SWAP[str(row[s.DIRECTION])]
        out.append(("statement", _site("direction", name, word, (within, str(row[s.DIRECTION]), swapped))))
    return out


def _frame_sites(name: str, dataset: Dataset, doc_id: str, figures: list[_Figure]) -> dict[str, list[tuple[str, Site]]]:
    key_columns = (s.DOC_ID, s.TABLE, s.SIDE, s.CLASSIFICATION, s.CODE, s.NAME, s.COLUMN, s.AMOUNT_BASIS,
                   s.FISCAL_YEAR, s.PAGE, s.LINE)  # fmt: skip
    lines = []
    for _, row, _factor in figures:
        amount = _bumped(row[s.AMOUNT_YUAN])  # type: ignore[arg-type]
        key = tuple((c, row[c]) for c in key_columns)
        kind = "total" if row[s.CLASSIFICATION] in ("total", "subtotal") else "part"
        site = Site("frame_line", name, row[s.PAGE], row[s.LINE], table=str(row[s.TABLE]), key=key, amount_yuan=amount)  # type: ignore[arg-type]
        lines.append((kind, site))
    statements = []
    rows = dataset.statements.filter((pl.col(s.DOC_ID) == doc_id) & pl.col(s.AMOUNT_YUAN).is_not_null()).filter(
        pl.col(s.AMOUNT_YUAN) != 0
    )
    for row in rows.to_dicts():
        key = ((s.DOC_ID, doc_id), (s.SEQ, row[s.SEQ]), (s.SUBJECT, row[s.SUBJECT]))
        site = Site("frame_statement", name, row[s.PAGE], row[s.LINE], key=key, amount_yuan=_bumped(row[s.AMOUNT_YUAN]))
        statements.append(("statement", site))
    return {"frame_line": lines, "frame_statement": statements}


def _bumped(amount: Decimal) -> Decimal:
    return (amount + max(abs(amount) * _TEN_PERCENT, _WAN)).quantize(CENT)


def find_sites(
    path: str | Path, dataset: Dataset, *, count: int = 2, seed: int = 0, defects: Sequence[str] | None = None
) -> list[Site]:
    """Up to ``count`` sites of each defect class in the disclosure file ``path``, chosen with ``seed``.

    ``dataset`` holds what the reader read of the unaltered file (it names the tables read with status ``data``,
    their figures, the statements and the document's year). The choice depends only on the file, the dataset,
    ``count`` and ``seed``.

    Raises
    ------
    AnalyticsError
        When ``dataset`` has no document read from a file of this name.
    """
    source = Path(path)
    documents = dataset.documents.filter(pl.col(s.SOURCE_NAME) == source.name)
    if documents.is_empty():
        known = ", ".join(sorted(dataset.documents.get_column(s.SOURCE_NAME).to_list()))
        raise AnalyticsError(f"no document read from {source.name}; the dataset holds {known or 'none'}")
    doc = documents.row(0, named=True)
    doc_id = str(doc[s.DOC_ID])
    fmt, words = printed_words(source)
    text = None
    if fmt == "text":
        from analytics.ingest.text import decode_text

        text = decode_text(source.name, source.read_bytes())
    printed = _Printed.of(words)
    figures = _table_figures(words, dataset, doc_id)
    body = _after_identity(words, source.name)
    candidates: dict[str, list[tuple[str, Site]]] = {
        "number": _number_sites(source.name, figures, "number"),
        "total_zero": _number_sites(source.name, figures, "total_zero"),
        "blank_cell": _number_sites(source.name, figures, "blank_cell"),
        "drop_table": _drop_sites(source.name, fmt, text, dataset, doc_id),
        "direction": _direction_sites(source.name, printed, dataset, doc_id),
        "comparison": _comparison_sites(source.name, body),
        "placeholder": _placeholder_sites(source.name, printed, body, str(doc[s.DEPARTMENT] or "")),
        "stale_year": _stale_year_sites(source.name, printed, body, int(doc[s.FISCAL_YEAR])),
        "scope": _scope_sites(source.name, printed, body),
        **_frame_sites(source.name, dataset, doc_id, figures),
    }
    chosen = []
    for defect in defects or DEFECTS:
        rng = random.Random(f"{seed}|{source.name}|{defect}")
        chosen.extend(_choose(candidates.get(defect, []), count, rng))
    return chosen


# ---------------------------------------------------------------- read again, check again, judge


@dataclass(frozen=True)
class Baseline:
    """The clean reading of a corpus: its dataset and flags, and which files to read again with each file."""

    dataset: Dataset
    flags: pl.DataFrame
    paths: dict[str, Path]
    #: Source name → the files read again when it is altered: its own, or, for a disclosure split over several
    #: files, every file of its department (an undated tables PDF is paired by what the others state).
    partners: dict[str, tuple[str, ...]]
    #: Source name → the doc ids of its disclosure (a finding on the other file of a split disclosure counts).
    disclosure_docs: dict[str, tuple[str, ...]]
    #: Source name → its department.
    departments: dict[str, str] = field(default_factory=dict)
    #: ``"department"``: an altered file is checked with the other documents of its department only (every year;
    #: against the clean flags of the same documents); ``"corpus"``: with the whole corpus (slower).
    scope: str = "department"
    _clean: dict[str, tuple[Dataset, pl.DataFrame]] = field(default_factory=dict, repr=False, compare=False)

    def clean(self, name: str, check: Callable[[Dataset], pl.DataFrame]) -> tuple[Dataset, pl.DataFrame]:
        """The clean dataset an alteration of file ``name`` is checked in, and its flags (computed once)."""
        if self.scope == "corpus":
            return self.dataset, self.flags
        department = self.departments[name]
        if department not in self._clean:
            subset = self.dataset.for_department(department)
            self._clean[department] = (subset, check(subset))
        return self._clean[department]


def build_baseline(
    dataset: Dataset, paths: Sequence[Path], flags: pl.DataFrame, *, scope: str = "department"
) -> Baseline:
    """The ``Baseline`` of ``dataset`` read from ``paths`` (file names must be unique) and checked into ``flags``;
    ``scope`` as in ``Baseline``.

    Raises
    ------
    AnalyticsError
        When two files share a name (the readers record the name only).
    """
    by_name: dict[str, Path] = {}
    for path in paths:
        if path.name in by_name:
            raise AnalyticsError(f"two files are named {path.name} ({by_name[path.name]}, {path}); rename one")
        by_name[path.name] = path
    docs = dataset.documents.select(s.SOURCE_NAME, s.DOC_ID, s.DEPARTMENT_ID, s.DISCLOSURE_ID).to_dicts()
    by_disclosure: dict[str, list[dict[str, object]]] = {}
    by_department: dict[str, list[str]] = {}
    for row in docs:
        by_disclosure.setdefault(str(row[s.DISCLOSURE_ID]), []).append(row)
        by_department.setdefault(str(row[s.DEPARTMENT_ID]), []).append(str(row[s.SOURCE_NAME]))
    partners, disclosure_docs = {}, {}
    for row in docs:
        members = by_disclosure[str(row[s.DISCLOSURE_ID])]
        name = str(row[s.SOURCE_NAME])
        disclosure_docs[name] = tuple(sorted(str(m[s.DOC_ID]) for m in members))
        own = [name] if len(members) == 1 else by_department[str(row[s.DEPARTMENT_ID])]
        partners[name] = tuple(sorted(own))
    if scope not in ("department", "corpus"):
        raise AnalyticsError(f"unknown scope {scope!r}; expected 'department' or 'corpus'")
    departments = {str(row[s.SOURCE_NAME]): str(row[s.DEPARTMENT_ID]) for row in docs}
    return Baseline(dataset, flags, by_name, partners, disclosure_docs, departments, scope)


@dataclass(frozen=True)
class Outcome:
    """What became of one site: caught by a rule, by the reader only, or missed (``caught_by`` ``None``).

    ``located``: a new flag's evidence names the site's page (or line) or table. ``rules``: ids of the new flags
    pointing at the disclosure. ``note``: a refusal, or why the site could not be judged.
    """

    site: Site
    caught_by: str | None
    located: bool = False
    rules: tuple[str, ...] = ()
    note: str = ""


def judge(baseline_flags: pl.DataFrame, flags: pl.DataFrame, doc_ids: Sequence[str], site: Site) -> Outcome:
    """Compare the flags of the altered reading with the clean ones: new flags pointing at ``doc_ids``.

    Examples
    --------
    >>> from analytics import schema as s
    >>> empty = s.empty_frame(s.FLAGS)
    >>> judge(empty, empty, ["d1"], Site("number", "a.pdf")).caught_by is None
    True
    """
    ids = list(doc_ids)
    doc_of_evidence = pl.element().struct.field(s.DOC_ID).is_in(ids)
    new = flags.filter(~pl.col(s.FLAG_ID).is_in(baseline_flags.get_column(s.FLAG_ID).implode())).filter(
        pl.col(s.DOC_ID).is_in(ids) | pl.col(s.EVIDENCE).list.eval(doc_of_evidence).list.any().fill_null(False)
    )
    if new.is_empty():
        return Outcome(site, None)
    by_rule = new.filter(pl.col(s.SOURCE) == "rule")
    caught_by = "rule" if not by_rule.is_empty() else "reader"
    evidence = new.select(pl.col(s.EVIDENCE).explode()).unnest(s.EVIDENCE).filter(pl.col(s.DOC_ID).is_in(ids))
    place = (pl.col("table_or_part") == site.table) if site.table else pl.lit(False)
    if site.page is not None:
        place = place | (pl.col(s.PAGE) == site.page)
    elif site.line is not None:
        place = place | (pl.col(s.LINE) == site.line)
    located = not evidence.filter(place.fill_null(False)).is_empty()
    chosen = by_rule if caught_by == "rule" else new
    return Outcome(site, caught_by, located, tuple(sorted(set(chosen.get_column(s.RULE_ID).to_list()))))


def _identity(dataset: Dataset, name: str) -> tuple[object, ...]:
    rows = dataset.documents.filter(pl.col(s.SOURCE_NAME) == name)
    if rows.is_empty():
        return ()
    return tuple(rows.select(s.DEPARTMENT_ID, s.FISCAL_YEAR, s.PHASE, s.SCOPE).row(0))


def evaluate_site(
    site: Site | None,
    baseline: Baseline,
    *,
    source_name: str | None = None,
    check: Callable[[Dataset], pl.DataFrame] | None = None,
) -> Outcome:
    """Inject ``site``, read its file (and its partners) again, check the whole dataset again, and judge.

    ``site=None`` with ``source_name`` reads the file again unaltered: a control, whose outcome must be a miss (no
    new flag), or the measurement is not sound. ``check`` defaults to ``run_checks``.
    """
    from analytics.checks import run_checks
    from analytics.ingest import read_batch

    check = check or run_checks
    name = site.source_name if site is not None else str(source_name)
    control = site or Site("control", name)
    clean, clean_flags = baseline.clean(name, check)
    if site is not None and site.defect in FRAME_DEFECTS:
        changed = apply_to_dataset(clean, site)
    else:
        files = [baseline.paths[n] for n in baseline.partners[name]]
        with reading_with(site):
            batch = read_batch(files, workers=1, watched=False)  # the readers are wrapped in this process
        if batch.errors:
            return Outcome(control, "reader", note="refused: " + "; ".join(str(e) for e in batch.errors))
        reread = batch.merged()
        if _identity(reread, name) != _identity(baseline.dataset, name):
            return Outcome(
                control, None, note=f"identity changed {_identity(baseline.dataset, name)} → {_identity(reread, name)}"
            )
        changed = clean.replace_documents(reread)
    return judge(clean_flags, check(changed), baseline.disclosure_docs[name], control)


def recall_table(outcomes: Sequence[Outcome]) -> pl.DataFrame:
    """Per defect class: sites injected, caught by a rule, by the reader only, missed, recall and located.

    Examples
    --------
    >>> recall_table([Outcome(Site("number", "a.pdf"), "rule"), Outcome(Site("number", "b.pdf"), None)]).row(0)
    ('number', '表内数字改动', 2, 1, 0, 1, 50.0, 0)
    """
    rows = [
        {"defect": o.site.defect, "caught_by": o.caught_by, "located": o.located}
        for o in outcomes
        if o.site.defect in DEFECTS
    ]
    frame = pl.DataFrame(rows, schema={"defect": pl.String, "caught_by": pl.String, "located": pl.Boolean})
    order = pl.DataFrame({"defect": list(DEFECTS), "label": [label for label, _ in DEFECTS.values()]})
    counts = frame.group_by("defect").agg(
        pl.len().alias("injected"),
        (pl.col("caught_by") == "rule").sum().alias("by_rule"),
        (pl.col("caught_by") == "reader").sum().alias("by_reader_only"),
        pl.col("caught_by").is_null().sum().alias("missed"),
        pl.col("located").sum().alias("located"),
    )
    return (
        order.join(counts, on="defect", how="left", maintain_order="left")
        .with_columns(pl.col("injected", "by_rule", "by_reader_only", "missed", "located").fill_null(0).cast(pl.Int64))
        .with_columns(
            pl.when(pl.col("injected") > 0)
            .then(((pl.col("by_rule") + pl.col("by_reader_only")) / pl.col("injected") * 100).round(1))
            .alias("recall_pct")
        )
        .select("defect", "label", "injected", "by_rule", "by_reader_only", "missed", "recall_pct", "located")
    )
