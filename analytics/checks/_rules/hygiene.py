"""Rules on the words a disclosure prints (``document_text``): what a reviewer's checklist asks of the text itself.

A template's blanks left in (XX局, ××, 某某, {单位名称}), its residue (增加（减少）, "主要原因是。", 增加持平, a
figure left blank), a year in a heading or a 截至 date that is not the report's, a 单位预算 whose headings say
部门预算 (or the reverse), a word printed twice, an amount changed by 10 % or more with no reason given, glyphs no
text should hold, blank pages. The words and patterns are data (``analytics/reference/lexicon.csv``: groups
``placeholder``, ``template_residue``, ``reason_word``, ``garbled``, ``scope_term``, ``scope_term_ignored``); the
years and the change threshold are settings (``[hygiene]`` in ``analytics/checks/settings.toml``).

The text is read as the readers stored it: line by line, in reading order, with its page. Lines of a page holding
a standard table are left to the table rules, except for headings (a table's title).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import polars as pl

from analytics import schema as s
from analytics.checks._engine import Settings, findings, rule, shared
from analytics.ingest.lexicon import alternation, entries, full_match
from analytics.store import Dataset

_CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
#: A heading: a short line that is not a sentence (no sentence punctuation inside or at its end).
_SENTENCE = re.compile(r"[。；;，,：:]")
_HEADING_LENGTH = 40
#: A year as printed before 年 / 年度 (not one end of a range "2018-2020 年", not a part of a longer number).
_YEAR = re.compile(r"(?<![\d\-—–~～至])((?:19|20)\d{2})(?![\d\-—–~～至])\s*年")
#: A year whose budget or final account a sentence speaks of: "2017 年度财政拨款预算支出", "2024 年度无政府性基金预算".
_YEAR_OF_ACCOUNT = re.compile(
    r"(?<![\d\-—–~～至])((?:19|20)\d{2})(?![\d\-—–~～至])\s*年度?(?:[^。，；,;\d]{0,12}?)(?:预算|决算)"
)
_AS_OF = re.compile(r"截[至止]\s*((?:19|20)\d{2})\s*年")
#: A paragraph that opens on the year it speaks of: "2017 年是…", "2024 年，本局…", "2018 年省检察院…" (not "2016 年以来",
#: "2016 年底").
_YEAR_OPENING = re.compile(r"^\s*((?:19|20)\d{2})\s*年度?\s*(?:[，,]|(?![以前后底末初起至内中间])(?=[\u4e00-\u9fff]))")
#: What makes such a paragraph about the year's budget (not history: "1998 年，乙局与丙所合并组建"): it speaks of
#: budget money, or of the year as a stage of work ("2017 年是…的重要一年").
_ABOUT_THE_YEAR = re.compile(r"预算|决算|收入|支出|经费|年是.*一年")
_SENTENCE_LOOK = 48
#: How much of the next line a sentence naming a year's budget may take (the words wrapped after the year).
_WRAP_LOOK = 16
#: A word of two or more Chinese characters printed twice in a row ("预算预算"), or a doubled particle ("的的").
_REPEATED = re.compile(r"([\u4e00-\u9fff]{2,6})\1|([的了是和在与及对])\2(?![确确])")


@dataclass(frozen=True)
class _Line:
    doc_id: str
    seq: int
    page: int | None
    line: int | None
    text: str


@cache
def _pattern(group: str) -> re.Pattern[str]:
    return re.compile(alternation(group))


def _split(ds: Dataset) -> tuple[dict[str, list[_Line]], dict[str, _Flow]]:
    """Each document's lines and running text (every hygiene rule reads them: split once per run of the checks)."""
    return shared("hygiene.text", lambda: _split_text(ds.document_text))


def _split_text(frame: pl.DataFrame) -> tuple[dict[str, list[_Line]], dict[str, _Flow]]:
    page_number = full_match("page_number")
    lines: dict[str, list[_Line]] = {}
    ordered = frame.sort(s.DOC_ID, s.SEQ).select(s.DOC_ID, s.SEQ, s.PAGE, s.LINE, s.SOURCE_TEXT)
    for doc_id, seq, page, line, text in ordered.iter_rows():
        if not page_number.match(text):
            lines.setdefault(doc_id, []).append(_Line(doc_id, seq, page, line, text))
    return lines, {doc_id: _Flow.of(found) for doc_id, found in lines.items()}


def _lines(ds: Dataset) -> dict[str, list[_Line]]:
    """The text of each document, line by line in reading order, page numbers left out."""
    return _split(ds)[0]


def _flows(ds: Dataset) -> dict[str, _Flow]:
    """The text of each document as running text."""
    return _split(ds)[1]


def _is_heading(text: str) -> bool:
    return len(text) <= _HEADING_LENGTH and not _SENTENCE.search(text)


def _table_pages(ds: Dataset) -> dict[str, set[int]]:
    """The pages of each document that hold a standard table (its figures are the table rules' business)."""
    pages: dict[str, set[int]] = {}
    spans = ds.document_tables.filter(pl.col(s.PAGE_FROM).is_not_null()).select(s.DOC_ID, s.PAGE_FROM, s.PAGE_TO)
    for doc_id, first, last in spans.iter_rows():
        pages.setdefault(doc_id, set()).update(range(first, (last or first) + 1))
    return pages


@dataclass(frozen=True)
class _Flow:
    """A document's lines joined into running text (no space between Chinese characters), with each line's start."""

    text: str
    starts: list[int]
    lines: list[_Line]

    @classmethod
    def of(cls, lines: list[_Line]) -> _Flow:
        parts: list[str] = []
        starts: list[int] = []
        length = 0
        for line in lines:
            if parts:
                joiner = "" if _CJK.match(parts[-1][-1]) and _CJK.match(line.text[0]) else " "
                parts.append(joiner)
                length += len(joiner)
            starts.append(length)
            parts.append(line.text)
            length += len(line.text)
        return cls("".join(parts), starts, lines)

    def line_at(self, offset: int) -> _Line:
        low, high = 0, len(self.starts) - 1
        while low < high:  # the last line starting at or before offset
            middle = (low + high + 1) // 2
            if self.starts[middle] <= offset:
                low = middle
            else:
                high = middle - 1
        return self.lines[low]


def _documents(ds: Dataset) -> dict[str, dict[str, object]]:
    return {row[s.DOC_ID]: row for row in ds.documents.iter_rows(named=True)}


def _evidence(line: _Line) -> dict[str, object]:
    return {s.DOC_ID: line.doc_id, "table_or_part": "text", s.PAGE: line.page, s.LINE: line.line,
            s.SOURCE_TEXT: line.text}  # fmt: skip


def _where(line: _Line) -> str:
    return f"第 {line.page} 页" if line.page is not None else f"第 {line.line} 行"


def _where_en(line: _Line) -> str:
    return f"page {line.page}" if line.page is not None else f"line {line.line}"


@dataclass(frozen=True)
class _Hit:
    """One place a rule found something: the line and what was found there (as printed)."""

    line: _Line
    found: str


@dataclass(frozen=True)
class _Wording:
    """How a merged finding reads: what was found (``what``), what to ask (``ask``), in Chinese and English."""

    subject: str
    what_zh: str
    ask_zh: str
    what_en: str
    ask_en: str


#: At most this many places are quoted in a message (all are evidence, up to the engine's evidence limit).
_QUOTED = 3
_EVIDENCE_LIMIT = 20


def _merged(document: dict[str, object], hits: list[_Hit], wording: _Wording) -> dict[str, object]:
    """One finding per document for all the places one rule found: a reviewer asks once, and sees every page.

    The key names every place, so a new place (a new defect) is a new finding while re-running on the same text
    keeps the flag id an auditor triaged.
    """
    places = sorted({(h.line.seq, h.found) for h in hits})
    pages = sorted({h.line.page for h in hits if h.line.page is not None})
    where_zh = f"（第 {'、'.join(map(str, pages))} 页）" if pages else ""
    where_en = f" (page {', '.join(map(str, pages))})" if pages else ""
    quoted = "；".join(f"“{h.found}”（{_where(h.line)}：“{h.line.text[:40]}”）" for h in hits[:_QUOTED])
    more = f"等 {len(hits)} 处" if len(hits) > _QUOTED else ""
    found_en = "; ".join(f"{h.found!r} on {_where_en(h.line)}" for h in hits[:_QUOTED])
    return {
        "key": f"{document[s.DOC_ID]}|" + "|".join(f"{seq}:{found}" for seq, found in places),
        s.DEPARTMENT_ID: document[s.DEPARTMENT_ID],
        s.FISCAL_YEAR: document[s.FISCAL_YEAR],
        s.DOC_ID: document[s.DOC_ID],
        s.SUBJECT: wording.subject,
        s.MEASURE: "count",
        s.OBSERVED: len(hits),
        s.MESSAGE_ZH: f"{wording.what_zh}{where_zh}：{quoted}{more}。{wording.ask_zh}",
        s.MESSAGE_EN: f"{wording.what_en}{where_en}: {found_en}"
        + (f" and {len(hits) - _QUOTED} more" if len(hits) > _QUOTED else "")
        + f"; {wording.ask_en}",
        s.EVIDENCE: [_evidence(h.line) for h in hits[:_EVIDENCE_LIMIT]],
    }


def _by_document(ds: Dataset, hits: Iterator[_Hit], wording: _Wording) -> pl.DataFrame:
    documents = _documents(ds)
    grouped: dict[str, list[_Hit]] = {}
    for hit in hits:
        if hit.line.doc_id in documents:
            grouped.setdefault(hit.line.doc_id, []).append(hit)
    return findings(_merged(documents[doc_id], found, wording) for doc_id, found in grouped.items())


def _matches(ds: Dataset, group: str) -> Iterator[_Hit]:
    """Every match of a lexicon group in each document's running text (a phrase may wrap onto the next line), once
    per line and term, at the line it starts on."""
    pattern = _pattern(group)
    for flow in _flows(ds).values():
        seen: set[tuple[int, str]] = set()
        for match in pattern.finditer(flow.text):
            line = flow.line_at(match.start())
            found = match.group(0).strip()
            if (line.seq, found) not in seen:
                seen.add((line.seq, found))
                yield _Hit(line, found)


@rule(
    "hygiene.placeholder",
    "hygiene",
    "warning",
    "文中留有模板占位符（XX、××、某某、待填写等）",
    "A template's placeholder left in the text (XX, ××, 某某, 待填写 …)",
)
def placeholder(ds: Dataset, settings: Settings) -> pl.DataFrame:
    del settings
    wording = _Wording(
        "占位符",
        "公开文本留有模板占位符",
        "请核实这些位置应填写的内容，并更正公开文本",
        "the text keeps template placeholders",
        "ask what belongs there and for a corrected disclosure",
    )
    return _by_document(ds, _matches(ds, "placeholder"), wording)


@rule(
    "hygiene.template_residue",
    "hygiene",
    "warning",
    "文中留有模板残留（增加（减少）、“主要原因是。”、空缺的金额等）",
    "Template residue in the text (增加（减少）, a reason announced and not given, a figure left blank …)",
)
def template_residue(ds: Dataset, settings: Settings) -> pl.DataFrame:
    del settings
    wording = _Wording(
        "模板残留",
        "公开文本留有未按实际情况改写的模板文字",
        "请说明实际的增减方向、金额和原因",
        "the text keeps template wording not rewritten for the department",
        "ask for the actual direction, figure and reason",
    )
    return _by_document(ds, _matches(ds, "template_residue"), wording)


@rule(
    "hygiene.garbled",
    "hygiene",
    "info",
    "文中有乱码或无法显示的字符",
    "Garbled glyphs in the text",
)
def garbled(ds: Dataset, settings: Settings) -> pl.DataFrame:
    del settings
    wording = _Wording(
        "乱码",
        "文字含乱码或无法显示的字符",
        "请核对原文件这些页面的显示是否正常",
        "the text holds garbled glyphs",
        "check these pages as published",
    )
    return _by_document(ds, _matches(ds, "garbled"), wording)


def _allowed(settings: Settings, what: str, phase: object, year: int) -> list[int]:
    return sorted(year + int(offset) for offset in settings.get("hygiene", f"{what}_years_{phase}"))


#: A heading that names the disclosure itself (its title, a table's title): a later year there is wrong too.
_NAMES_DISCLOSURE = re.compile(r"预算|决算|[表]$")


def _is_titled_heading(text: str) -> bool:
    """A heading by its form: numbered (一、 / （一） / 第一部分 / 表1), or naming a budget / final account."""
    return _is_heading(text) and bool(_HEADING_START.match(text) or _NAMES_DISCLOSURE.search(text))


_HEADING_START = re.compile(
    rf"\s*(?:{alternation('heading_prefix')}|[（(][{''.join(str(i) for i in range(10))}一二三四五六七八九十]+[）)])"
)


@rule(
    "hygiene.stale_year",
    "hygiene",
    "warning",
    "标题或“截至”日期中的年份早于本年度和上年度",
    "A year in a heading or a 截至 date older than the report's year and the year before",
)
def stale_year(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """A heading may name the report year or the year before (a 决算 also the year it is published in); a 截至
    date is of the year before in a budget and of the report year in a 决算. An older year is a text reused from
    an earlier disclosure; a later one only in a heading naming a budget or final account (截止 2025 年 of a
    long-term target is no stale date)."""
    documents = _documents(ds)
    hits: list[_Hit] = []
    for doc_id, lines in _lines(ds).items():
        document = documents.get(doc_id)
        if document is None or document[s.FISCAL_YEAR] is None:
            continue
        year, phase = int(str(document[s.FISCAL_YEAR])), document[s.PHASE]
        heading_years = _allowed(settings, "heading", phase, year)
        as_of_years = _allowed(settings, "as_of", phase, year)
        for index, line in enumerate(lines):
            as_of = list(_AS_OF.finditer(line.text))
            hits.extend(_Hit(line, m[0]) for m in as_of if int(m[1]) < as_of_years[0])
            if as_of:
                continue
            if not _is_titled_heading(line.text):
                # A sentence naming the budget or final account of a year ("2015 年度财政拨款预算支出 …", its words
                # wrapped onto the next line), or a paragraph about a year ("2015 年是…", "2022 年，本局…"): an older
                # year there is text reused too.
                following = lines[index + 1].text[:_WRAP_LOOK] if index + 1 < len(lines) else ""
                joined = line.text + following
                hits.extend(
                    _Hit(line, m[0])
                    for m in _YEAR_OF_ACCOUNT.finditer(joined)
                    if m.start() < len(line.text) and int(m[1]) < heading_years[0]
                )
                opening = _YEAR_OPENING.match(line.text)
                if opening and int(opening[1]) < heading_years[0] and not _YEAR_OF_ACCOUNT.match(joined.strip()):
                    sentence = (line.text + (lines[index + 1].text if index + 1 < len(lines) else "")).split("。")[0]
                    if _ABOUT_THE_YEAR.search(sentence[:_SENTENCE_LOOK]):
                        hits.append(_Hit(line, opening[0].strip()))
                continue
            for match in _YEAR.finditer(line.text):
                printed = int(match[1])
                later = printed > heading_years[-1] and _NAMES_DISCLOSURE.search(line.text)
                if printed < heading_years[0] or later:
                    hits.append(_Hit(line, match[0]))
    wording = _Wording(
        "年份",
        "标题、“截至”日期或说明所述年度与本年度不符",
        "请核实是否沿用了往年的文本或数据",
        "a heading, a 截至 date or a sentence names a year that is not the report's",
        "ask whether an earlier year's text or figures were reused",
    )
    return _by_document(ds, iter(hits), wording)


_SCOPE_ZH = {"department": "部门", "unit": "单位"}


@rule(
    "hygiene.scope_mismatch",
    "hygiene",
    "warning",
    "单位预决算写作部门预决算（或相反）",
    "A unit's disclosure that says 部门预算 / 部门决算, or a department's that says 单位预算 / 单位决算",
)
def scope_mismatch(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """The scope of the document (its title: 部门 or 单位) against the scope its text names, headings and sentences
    alike (``scope_term``: not the budgets of the units a department holds, 事业单位决算 / 所属单位预算, and not a
    classification's name, ``scope_term_ignored``)."""
    del settings
    documents = _documents(ds)
    terms = [(re.compile(term), named) for _, term, named in entries("scope_term")]
    ignored = _pattern("scope_term_ignored")
    out = []
    for doc_id, lines in _lines(ds).items():
        document = documents.get(doc_id)
        if document is None or document[s.SCOPE] not in _SCOPE_ZH:
            continue
        hits = [
            _Hit(line, match[0])
            for line in lines
            for pattern, named in terms
            if named != document[s.SCOPE]
            for match in pattern.finditer(ignored.sub("", line.text))
        ]
        if not hits:
            continue
        own = f"{_SCOPE_ZH[str(document[s.SCOPE])]}{'决算' if document[s.PHASE] == 'final' else '预算'}"
        wording = _Wording(
            "预决算范围",
            f"本文件标题为{own}，文中却写作其他范围",
            "请核实公开的是部门还是单位的预决算，并统一表述",
            f"the document is titled a {document[s.SCOPE]} disclosure but its text names another scope",
            "ask which disclosure this is",
        )
        out.append(_merged(document, hits, wording))
    return findings(out)


#: A word of two or more Chinese characters printed twice in a row ("预算预算", "越来越来"), or a doubled particle
#: ("的的") that is not part of a doubled pair ("实实在在").
_REPEATED_WORD = re.compile(r"([\u4e00-\u9fff]{2,6})\1")
_DOUBLED = re.compile(r"([的了是和在与及对])\1")


def _repeats(text: str) -> list[str]:
    found = [m[0] for m in _REPEATED_WORD.finditer(text)]
    for match in _DOUBLED.finditer(text):
        before = text[max(match.start() - 2, 0) : match.start()]
        after = text[match.end() : match.end() + 2]
        pair = (len(before) == 2 and before[0] == before[1]) or (len(after) == 2 and after[0] == after[1])
        if not pair:
            found.append(match[0])
    return found


@rule(
    "hygiene.repeated_word",
    "hygiene",
    "info",
    "文中词语重复（如“预算预算”“的的”）",
    "A word printed twice in a row",
)
def repeated_word(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """Within one line of the narrative (not across lines: a page header repeated on the next page is no typo),
    and not on a table's page (a table's cells print names side by side)."""
    del settings
    tables = _table_pages(ds)
    hits = [
        _Hit(line, found)
        for doc_id, lines in _lines(ds).items()
        for line in lines
        if line.page not in tables.get(doc_id, set())
        for found in _repeats(line.text)[:1]
    ]
    wording = _Wording(
        "文字重复",
        "文中有重复的词语",
        "请核对原文并更正",
        "words are printed twice",
        "ask for a corrected text",
    )
    return _by_document(ds, iter(hits), wording)


@rule(
    "hygiene.no_reason",
    "hygiene",
    "info",
    "增减幅度较大（10% 及以上）却未说明原因",
    "An amount changed by 10 % or more with no reason given",
)
def no_reason(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """A narrative figure whose stated change is at least ``[hygiene] change_needs_reason_pct`` with no word of a
    reason (``reason_word``) from its line to the end of the sentence after its own."""
    threshold = settings.decimal("hygiene", "change_needs_reason_pct")
    reason = _pattern("reason_word")
    documents = _documents(ds)
    flows = _flows(ds)
    out = []
    changed = ds.statements.filter(pl.col(s.STATED_CHANGE_PCT).abs() >= threshold).sort(s.DOC_ID, s.SEQ)
    for row in changed.iter_rows(named=True):
        flow, document = flows.get(row[s.DOC_ID]), documents.get(row[s.DOC_ID])
        if flow is None or document is None:
            continue
        index = next(
            (i for i, line in enumerate(flow.lines) if line.page == row[s.PAGE] and line.line == row[s.LINE]), None
        )
        if index is None:
            continue
        start = flow.starts[index]
        pct = Decimal(row[s.STATED_CHANGE_PCT]).normalize()
        window = _after_change(flow.text, start, pct)
        if reason.search(window):
            continue
        line = flow.lines[index]
        out.append(
            {
                "key": f"{row[s.DOC_ID]}|{row[s.SEQ]}|{row[s.SUBJECT]}",
                s.DEPARTMENT_ID: document[s.DEPARTMENT_ID],
                s.FISCAL_YEAR: document[s.FISCAL_YEAR],
                s.DOC_ID: row[s.DOC_ID],
                s.SUBJECT: row[s.SUBJECT],
                s.MEASURE: "percent",
                s.OBSERVED: pct,
                s.THRESHOLD: threshold,
                s.MESSAGE_ZH: f"{row[s.SUBJECT]}比上年{'减少' if pct < 0 else '增加'} {abs(pct):f}%，{_where(line)}"
                f"未说明原因：“{window[:80]}”。请说明变动原因",
                s.MESSAGE_EN: f"{row[s.SUBJECT]} changed by {pct:f}% and {_where_en(line)} gives no reason; ask why",
                s.EVIDENCE: [_evidence(line)],
            }
        )
    return findings(out)


#: How far after its line a statement's printed change is looked for, in characters.
_CHANGE_REACH = 400


def _after_change(text: str, start: int, pct: Decimal) -> str:
    """The text from a statement's printed change (its % as printed, found from its line on) to the end of the
    next sentence: where a reason stands ("增长 16.47%。主要原因是……。"). Without the % found, from the line."""
    digits = format(abs(pct), "f")
    zeros = r"0*" if "." in digits else r"(?:\.0+)?"
    printed = re.compile(rf"(?<![\d.]){re.escape(digits)}{zeros}\s*[%％]")
    found = printed.search(text, start, start + _CHANGE_REACH)
    return _two_sentences(text, found.start() if found else start)


def _two_sentences(text: str, start: int) -> str:
    """From ``start`` to the end of the sentence after the one holding ``start``."""
    end = start
    for _ in range(2):
        stop = text.find("。", end)
        if stop < 0:
            return text[start:]
        end = stop + 1
    return text[start:end]


@rule(
    "hygiene.blank_page",
    "hygiene",
    "info",
    "文件中间有空白页",
    "A blank page inside the document",
)
def blank_page(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """A page of a PDF with no text between the first and the last. Not a page right after a table's page (a
    table printed from a spreadsheet spills its last grid line onto a page of its own); a scanned page (an image
    without text) the reader refuses."""
    del settings
    with_text = ds.document_text.filter(pl.col(s.PAGE).is_not_null()).group_by(s.DOC_ID).agg(pl.col(s.PAGE).unique())
    pages = dict(with_text.iter_rows())
    tables = _table_pages(ds)
    out = []
    pdfs = ds.documents.filter((pl.col(s.SOURCE_FORMAT) == "pdf") & pl.col(s.PAGE_COUNT).is_not_null())
    for document in pdfs.sort(s.DOC_ID).iter_rows(named=True):
        printed = set(pages.get(document[s.DOC_ID], []))
        if not printed:
            continue  # a dataset stored before document_text: nothing to judge
        spill = {page + 1 for page in tables.get(document[s.DOC_ID], set())}
        blank = [p for p in range(2, int(document[s.PAGE_COUNT])) if p not in printed and p not in spill]
        if not blank:
            continue
        listed = "、".join(map(str, blank))
        out.append(
            {
                "key": f"{document[s.DOC_ID]}|blank|{listed}",
                s.DEPARTMENT_ID: document[s.DEPARTMENT_ID],
                s.FISCAL_YEAR: document[s.FISCAL_YEAR],
                s.DOC_ID: document[s.DOC_ID],
                s.SUBJECT: "空白页",
                s.MEASURE: "count",
                s.OBSERVED: len(blank),
                s.MESSAGE_ZH: f"第 {listed} 页为空白页。请核实这些页面是否漏印了内容",
                s.MESSAGE_EN: f"page(s) {', '.join(map(str, blank))} are blank; ask whether content is missing",
                s.EVIDENCE: [
                    {
                        s.DOC_ID: document[s.DOC_ID],
                        "table_or_part": "page",
                        s.PAGE: page,
                        s.LINE: None,
                        s.SOURCE_TEXT: None,
                    }
                    for page in blank
                ],
            }
        )
    return findings(out)
