"""The readers' vocabulary as data: the words and patterns of the national forms (``analytics/reference/lexicon.csv``).

Each row of the lexicon is one ``term`` of a ``group`` (page numbers, part headings, staffing words, unit types,
comparators …), with the ``meaning`` a reader gives it where it has one (``决算`` → ``final``). A term of kind
``word`` is literal text; a term of kind ``pattern`` is a regular-expression fragment, in which ``{cn}`` stands for
one Chinese numeral (the ``numeral`` group) and ``{n}`` for a count written in Arabic or Chinese numerals. A new
wording a layout prints is a new row, not new code.

Examples
--------
>>> meaning("title_phase", "决算")
'final'
>>> bool(full_match("page_number").match("- 38 -")), bool(full_match("page_number").match("38 万元"))
(True, False)
"""

from __future__ import annotations

import re
from functools import cache

from analytics.errors import AnalyticsError
from analytics.reference import reference_rows

__all__ = ["alternation", "entries", "full_match", "meaning", "meanings", "numeral_value", "terms"]

_FILE = "lexicon.csv"
_KINDS = frozenset({"word", "pattern"})


@cache
def _groups() -> dict[str, tuple[tuple[str, str, str], ...]]:
    """(kind, term, meaning) of every group, in file order, templates expanded; every pattern compiled once."""
    raw: dict[str, list[tuple[str, str, str]]] = {}
    for number, row in enumerate(reference_rows(_FILE), start=2):
        kind, term = row["kind"], row["term"]
        if None in row:  # more fields than the header names: a pattern's comma not quoted
            raise AnalyticsError(f"{_FILE}, line {number}: expected 5 fields; quote a term that holds a comma")
        if kind not in _KINDS or not term:
            raise AnalyticsError(f"{_FILE}, line {number}: expected kind word or pattern and a term, got {row!r}")
        raw.setdefault(row["group"], []).append((kind, term, row["meaning"]))
    numerals = "".join(term for _, term, _ in raw.get("numeral", ()))
    templates = {"{cn}": f"[{numerals}]", "{n}": rf"(\d+|[{numerals}]+)"}
    groups: dict[str, tuple[tuple[str, str, str], ...]] = {}
    for group, rows in raw.items():
        expanded = []
        for kind, printed, meaning_ in rows:
            term = _expand(printed, templates) if kind == "pattern" else printed
            if kind == "pattern":
                try:
                    re.compile(term)
                except re.error as exc:
                    message = f"{_FILE}: group {group}: the pattern {printed!r} does not compile ({exc})"
                    raise AnalyticsError(message) from exc
            expanded.append((kind, term, meaning_))
        groups[group] = tuple(expanded)
    return groups


def _expand(term: str, templates: dict[str, str]) -> str:
    for placeholder, value in templates.items():
        term = term.replace(placeholder, value)
    return term


def entries(group: str) -> tuple[tuple[str, str, str], ...]:
    """(kind, term, meaning) of ``group`` in file order.

    Raises
    ------
    AnalyticsError
        For a group the lexicon does not have.
    """
    groups = _groups()
    if group not in groups:
        raise AnalyticsError(f"{_FILE} has no group {group!r}; it has {', '.join(sorted(groups))}")
    return groups[group]


def terms(group: str) -> tuple[str, ...]:
    """The terms of ``group`` as printed in the file (patterns with their templates expanded)."""
    return tuple(term for _, term, _ in entries(group))


def meanings(group: str) -> dict[str, str]:
    """Term → meaning of ``group``."""
    return {term: meaning_ for _, term, meaning_ in entries(group)}


def meaning(group: str, term: str) -> str:
    """The meaning of one printed term of ``group``."""
    return meanings(group)[term]


@cache
def alternation(group: str) -> str:
    """A non-capturing regular-expression alternation of ``group``: words escaped and longest first (so that
    "大于等于" is tried before "大于"), patterns in file order after them.

    Examples
    --------
    >>> alternation("title_phase")
    '(?:预算|决算)'
    """
    found = entries(group)
    words = sorted((re.escape(t) for k, t, _ in found if k == "word"), key=len, reverse=True)
    patterns = [t for k, t, _ in found if k == "pattern"]
    return "(?:" + "|".join([*words, *patterns]) + ")"


@cache
def full_match(group: str) -> re.Pattern[str]:
    """A compiled pattern that matches a whole text made of one term of ``group``."""
    return re.compile(rf"^{alternation(group)}$")


def numeral_value(text: str) -> int:
    """An integer written in Arabic or Chinese numerals up to 99 ("21", "十二", "二十一", "两").

    Examples
    --------
    >>> numeral_value("21"), numeral_value("二十一"), numeral_value("十"), numeral_value("两")
    (21, 21, 10, 2)
    """
    if text.isdigit():
        return int(text)
    digits = {term: int(value) for term, value in meanings("numeral").items()}
    if "十" in text:
        tens, _, units = text.partition("十")
        return (digits.get(tens, 1) if tens else 1) * 10 + (digits[units] if units else 0)
    return digits[text]
