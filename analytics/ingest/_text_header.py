"""The amount columns of a table header printed as text lines, and what the lines say of their order.

Words of one header line keep their left-to-right order; a caption over several columns ("一般公共预算支出",
"“三公”经费预算数") is no column; a header wrapped around the main header line ("事业单位" / "经营收入") is one column;
a generic header (小计) names the group it stands in. The form adds that a total stands left of its parts.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from analytics.ingest._placement import Column, Header
from analytics.ingest._verify import identities_of
from analytics.ingest.numbers import normalize_text
from analytics.ingest.tables import _GENERIC_HEADERS, _UNIT, column_key
from analytics.reference import reference_rows

__all__ = ["header_of", "is_label_header"]

#: Words of a header that head the label columns (codes and names), not an amount column.
_LABEL_HEADERS = frozenset({"项目", "类", "款", "项", "序号", "名称", "收入项目", "支出项目"})


@dataclass
class _Token:
    line: int
    pos: int
    text: str
    key: str | None
    offset: int = 0

    @property
    def generic(self) -> bool:
        return normalize_text(self.text) in _GENERIC_HEADERS


@cache
def _aliases() -> tuple[str, ...]:
    return tuple(
        sorted({normalize_text(a) for row in reference_rows("columns.csv") for a in row["aliases"].split("|") if a})
    )


def _crossing_alias(head: str, tail: str) -> int:
    """The length of the longest column alias that runs across the join of ``head`` and ``tail`` (0 if none)."""
    joined = normalize_text(head + tail)
    cut = len(normalize_text(head))
    best = 0
    for alias in _aliases():
        at = joined.find(alias)
        while at >= 0:
            if at < cut < at + len(alias):
                best = max(best, len(alias))
            at = joined.find(alias, at + 1)
    return best


def is_label_header(text: str) -> bool:
    norm = normalize_text(text)
    return norm in _LABEL_HEADERS or "科目" in norm or "编码" in norm or "编制" in norm or "单位:" in norm


def _tokens(lines: Sequence[str]) -> list[_Token]:
    tokens: list[_Token] = []
    for number, text in enumerate(lines):
        for pos, word in enumerate(text.split()):
            if is_label_header(word) or _UNIT.search(normalize_text(word)):
                continue
            mapped = column_key(word)
            tokens.append(_Token(number, pos, word, *(mapped or (None, 0))))
    return tokens


def _join_fragments(tokens: list[_Token]) -> list[_Token]:
    """Join the pieces of a header wrapped in its cell ("事业单位" / "经营收入", "2024年机关运行经" / "费预算数").

    A piece that names no column joins the header word of another line with which it spells the longest alias
    across the join; a piece that joins nothing stays unnamed.
    """
    kept = list(tokens)
    for piece in [t for t in tokens if t.key is None]:
        best: tuple[int, _Token] | None = None
        for other in kept:
            if other is piece or other.line == piece.line:
                continue
            head, tail = (piece.text, other.text) if piece.line < other.line else (other.text, piece.text)
            length = _crossing_alias(head, tail)
            if length and (best is None or length > best[0]):
                best = (length, other)
        if best is None:
            continue
        other = best[1]
        other.text = piece.text + other.text if piece.line < other.line else other.text + piece.text
        other.key, other.offset = column_key(other.text) or (None, 0)
        kept.remove(piece)
    return kept


def _parts_closure(table: str, side: str, key: str) -> set[str]:
    """Every column ``key`` is the sum of, through nested identities (三公 → 公务用车 → 购置费 + 运行费)."""
    identities = {i.total: i.parts for i in identities_of(table) if i.side == side}
    out: set[str] = set()
    stack = list(identities.get(key, ()))
    while stack:
        part = stack.pop()
        if part not in out:
            out.add(part)
            stack.extend(identities.get(part, ()))
    return out


def _resolve_generic(tokens: list[_Token], table: str, side: str) -> None:
    """A generic header (小计, 预算数 …) names the group it stands in: the identity whose parts share its line
    ("小计 购置费 运行费" is 公务用车购置及运行费), else the caption alone on the nearest line above it."""
    identities = [i for i in identities_of(table) if i.side == side]
    for token in tokens:
        if not token.generic:
            continue
        same_line = {t.key for t in tokens if t.line == token.line and t is not token}
        named = next((i.total for i in identities if len(same_line & set(i.parts)) >= 2), None)
        if named is None:
            above = [
                t
                for t in tokens
                if t.line < token.line and t.key not in (None, "total") and sum(u.line == t.line for u in tokens) == 1
            ]
            named = max(above, key=lambda t: t.line).key if above else None
        if named is not None and named != token.key:
            token.key, token.offset = named, 0


def _captions(tokens: list[_Token], table: str, side: str) -> list[_Token]:
    """Header words that stand over several columns and so name none: in the order they are given back when the
    header has fewer columns than a row has figures."""
    lines = sorted({t.line for t in tokens})
    counts = {line: sum(t.line == line for t in tokens) for line in lines}
    main = [line for line in lines if counts[line] >= 2]
    out: list[_Token] = []
    for token in tokens:
        alone = counts[token.line] == 1
        below = [t for t in tokens if t.line > token.line]
        # A total whose parts head columns below it ("“三公”经费预算数" over 因公出国 … 公务接待费).
        parts = _parts_closure(table, side, token.key) if token.key else set()
        groups = alone and token.key is not None and any(t.key in parts for t in below)
        # The one word after 项目 over the amounts ("项目 一般公共预算支出" over 合计 基本支出 项目支出).
        spans = alone and token.line == lines[0] and any(line > token.line for line in main)
        # The same column named again on a lower line ("收入预算" over "合计").
        repeated = token.key is not None and any(t.key == token.key and t.line > token.line for t in tokens)
        if groups or spans or repeated:
            out.append(token)
    return out


def header_of(lines: Sequence[str], table: str, side: str, figures: int) -> Header:
    """The amount columns of a header printed as ``lines`` of text, and what the header says of their order.

    ``figures`` is the most figures any row prints: a header with fewer columns gives captions back as columns.

    Examples
    --------
    >>> lines = ["项目 支出预算", "科目名称 合计 基本支出 项目支出"]
    >>> header = header_of(lines, "expenditure_summary", "expenditure", 3)
    >>> [c.key for c in header.columns], sorted(header.before)
    (['total', 'basic', 'project'], [(0, 1), (0, 2), (1, 2)])
    """
    tokens = _join_fragments(_tokens(lines))
    _resolve_generic(tokens, table, side)
    captions = _captions(tokens, table, side)
    counts = {t.line: sum(u.line == t.line for u in tokens) for t in tokens}
    # An unnamed word is a column only on a line that heads several columns; elsewhere it is a fragment.
    leaves = [t for t in tokens if t not in captions and (t.key is not None or counts[t.line] >= 2)]
    for caption in captions:
        if len(leaves) >= figures:
            break
        leaves.append(caption)
    leaves.sort(key=lambda t: (t.line, t.pos))
    columns = [Column(t.key, t.offset, t.text) for t in leaves]
    before: set[tuple[int, int]] = set()
    for a, b in itertools.combinations(range(len(leaves)), 2):
        if leaves[a].line == leaves[b].line:
            before.add((a, b) if leaves[a].pos < leaves[b].pos else (b, a))
    for a, column in enumerate(columns):
        parts = _parts_closure(table, side, column.key) if column.key else set()
        before.update((a, b) for b, other in enumerate(columns) if other.key in parts)
    return Header(columns, before)
