"""Rows of a table printed as text lines: codes, label and figures of each, name fragments joined to their row,
and the (label, figures) pairs of a two-sided 收支总表 line."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from analytics.ingest._source import SourceLine
from analytics.ingest._text_header import is_label_header
from analytics.ingest.numbers import EMPTY_CELLS, normalize_text
from analytics.ingest.tables import _NOTE, _NUMERIC, _ORDINAL, _TOTAL, _UNIT, column_key
from analytics.reference.classification import normalize_code

__all__ = ["INCOME_KEYS", "Row", "cells", "data_rows", "header_split", "two_sided_rows"]

#: The income sources and funds a 收支总表 prints on its income side, as canonical columns.
INCOME_KEYS = frozenset(
    {
        "fiscal_appropriation",
        "general_budget",
        "gov_fund",
        "state_capital",
        "special_account",
        "higher_subsidy",
        "business_income",
        "operating_income",
        "subordinate_income",
        "other_income",
        "carryover_in",
    }
)
_INCOME_TOTAL = re.compile(r"收入(总计|合计)$")
_SPENDING_TOTAL = re.compile(r"支出(总计|合计)$")
#: A list marker alone in its token ("1." / "一、" / "（一）"): the label goes on in the next token.
_MARKER_ONLY = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d{1,2}[.、])$")
_MARKER_STYLE = (
    ("section", re.compile(r"^[一二三四五六七八九十]+、")),
    ("paren", re.compile(r"^\([一二三四五六七八九十\d]+\)")),
    ("number", re.compile(r"^\d{1,2}[.、](?!\d)")),
)
#: A line of running text ends a table's rows (a sentence, a part heading without its number).
_PROSE = re.compile(r"[。；;]|，.*，")


@dataclass
class Row:
    line: SourceLine
    codes: list[str]
    label: str
    figures: list[str]
    side: str = "expenditure"
    level: int = 1  # for two-sided rows: 1 for 一、 items and unnumbered labels, 2 for their 1. / (一) items

    @property
    def name(self) -> str:
        return _ORDINAL.sub("", normalize_text(self.label))

    @property
    def code(self) -> str | None:
        if not self.codes:
            return None
        try:
            return normalize_code(self.codes)
        except ValueError:
            return None  # a 序号 column, not a classification code

    @property
    def is_total(self) -> bool:
        return self.code is None and (not self.name or bool(_TOTAL.search(self.name)))


def _is_amount(token: str) -> bool:
    norm = normalize_text(token)
    return norm in EMPTY_CELLS or bool(_NUMERIC.match(norm))


def cells(text: str) -> tuple[list[str], str, list[str]]:
    """A row's code cells, label and figures (placeholders such as "-" included) from its printed text."""
    tokens = text.split()
    figures: list[str] = []
    while tokens and _is_amount(tokens[-1]):
        figures.insert(0, tokens.pop())
    codes: list[str] = []
    if tokens:
        while tokens and re.fullmatch(r"\d{1,7}", normalize_text(tokens[0])):
            codes.append(tokens.pop(0))
    elif figures and re.fullmatch(r"\d{3}|\d{5}|\d{7}", figures[0]):
        # A row whose name went to another line: "207 01 05 60,517,640" — a 2-digit cell with a leading zero is
        # a 款 / 项 code, never an amount.
        head = list(itertools.takewhile(lambda f: re.fullmatch(r"\d{1,2}", f) is not None, figures[1:]))
        if any(f.startswith("0") for f in head):
            codes, figures = figures[: 1 + len(head)], figures[1 + len(head) :]
    return codes, " ".join(tokens), figures


def header_split(body: list[SourceLine]) -> int | None:
    """Index of the first line of figures (or of codes), after the header lines."""
    for index, line in enumerate(body):
        codes, label, figures = cells(line.text)
        if any(normalize_text(f) not in EMPTY_CELLS for f in figures) or (codes and label):
            return index
    return None


def data_rows(body: list[SourceLine], header: list[SourceLine]) -> list[Row]:
    """The rows of a cross-tab table: one per line of figures or codes; a line of name words joins its row."""
    repeated = {normalize_text(h.text) for h in header}
    rows: list[Row] = []
    prefix: list[str] = []
    for index, line in enumerate(body):
        norm = normalize_text(line.text)
        if not norm or norm in repeated or _UNIT.search(norm) or norm.startswith("编制"):
            continue  # the header printed again on the next page
        if _NOTE.match(norm) or _PROSE.search(norm):
            break
        codes, label, figures = cells(line.text)
        if codes or figures or _TOTAL.search(normalize_text(label)):
            previous = rows[-1] if rows else None
            if (
                previous is not None
                and not codes
                and figures
                and not previous.figures
                and previous.line.page == line.page
                and (previous.codes or not label)
                and not _TOTAL.search(normalize_text(label))
            ):
                # The figures of a row printed a line below its codes and name, with the end of a wrapped name
                # ("210 11 99 其他行政事业单位医疗支" / "出 30,000 30,000").
                previous.label = f"{previous.label}{label}"
                previous.figures = figures
                continue
            rows.append(Row(line, codes, " ".join([*prefix, label]).strip(), figures))
            prefix = []
            continue
        following = next((b for b in body[index + 1 :] if normalize_text(b.text) not in repeated), None)
        if following is not None and following.page == line.page:
            codes_next, label_next, _ = cells(following.text)
            if codes_next and not label_next:
                prefix.append(line.text.strip())  # a name printed above its codes and figures
                continue
        if rows and rows[-1].line.page == line.page and not rows[-1].is_total:
            rows[-1].label = f"{rows[-1].label}{line.text.strip()}"  # the rest of a name wrapped in its cell
    return rows


def two_sided_rows(body: list[SourceLine]) -> list[Row]:
    """Rows of a 收支总表: each label owns the figures after it; the first label of a line is income."""
    rows: list[Row] = []
    last_side = "income"
    for line in body:
        norm = normalize_text(line.text)
        if _NOTE.match(norm) or _PROSE.search(norm):
            break
        segments = _segments(line.text)
        if not segments or (not any(f for _, f in segments) and all(_is_header_words(t) for t, _ in segments)):
            continue  # a header line printed again
        for number, (label, figures) in enumerate(segments):
            # Two labels on a line are income then spending; a label alone says its side by its words.
            both = "income" if number == 0 else "expenditure"
            side = both if len(segments) >= 2 else (_side_of(label) or last_side)
            last_side = side
            level = 2 if _marker_style(label) not in (None, "section") else 1
            rows.append(Row(line, [], label, figures, side, level))
    return rows


def _is_header_words(text: str) -> bool:
    return all(is_label_header(w) or column_key(w) is not None for w in text.split())


def _segments(text: str) -> list[tuple[str, list[str]]]:
    """Split a line of a two-sided table into (label, figures) in order; a marker token joins the next word."""
    segments: list[tuple[list[str], list[str]]] = []
    for token in text.split():
        if _is_amount(token) and segments:
            segments[-1][1].append(token)
            continue
        joins = segments and not segments[-1][1] and _MARKER_ONLY.match(normalize_text(segments[-1][0][-1]))
        if joins:
            segments[-1][0].append(token)
        else:
            segments.append(([token], []))
    return [(" ".join(words), figures) for words, figures in segments]


def _marker_style(label: str) -> str | None:
    norm = normalize_text(label)
    return next((style for style, pattern in _MARKER_STYLE if pattern.match(norm)), None)


def _side_of(label: str) -> str | None:
    norm = _ORDINAL.sub("", normalize_text(label))
    if _INCOME_TOTAL.search(norm):
        return "income"
    if _SPENDING_TOTAL.search(norm):
        return "expenditure"
    mapped = column_key(norm)
    if "收入" in norm or (mapped is not None and mapped[0] in INCOME_KEYS):
        return "income"
    if "支出" in norm or "结转下年" in norm:
        return "expenditure"
    return None
