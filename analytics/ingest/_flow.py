"""Running text re-joined across line and page breaks, with a map back to the line each character came from."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from analytics.ingest._source import SourceLine
from analytics.ingest.lexicon import full_match

__all__ = ["Flow", "is_page_number"]

_CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


def is_page_number(text: str) -> bool:
    """A line that is only a printed page number ("- 38 -", "第 3 页").

    Examples
    --------
    >>> is_page_number("- 38 -"), is_page_number("38 万元")
    (True, False)
    """
    return bool(full_match("page_number").match(text.strip()))


@dataclass(frozen=True)
class Flow:
    """Lines joined into one string; ``line_at(offset)`` gives the source line of a character.

    Two lines are joined without a space when the break falls between Chinese characters (a wrapped line), and
    with a space otherwise, so that "282.43" and "万元" on two lines read "282.43 万元".

    Examples
    --------
    >>> flow = Flow.of([SourceLine(1, "比 2022 年预算减少"), SourceLine(3, "282.43 万元")])
    >>> flow.text
    '比 2022 年预算减少 282.43 万元'
    >>> flow.line_at(flow.text.index("282")).number
    3
    """

    text: str
    starts: tuple[int, ...]
    lines: tuple[SourceLine, ...]

    @classmethod
    def of(cls, lines: Sequence[SourceLine]) -> Flow:
        parts: list[str] = []
        starts: list[int] = []
        kept: list[SourceLine] = []
        length = 0
        for line in lines:
            text = line.text.strip()
            if not text or is_page_number(text):
                continue
            if parts:
                joiner = "" if _CJK.match(parts[-1][-1]) and _CJK.match(text[0]) else " "
                parts.append(joiner)
                length += len(joiner)
            starts.append(length)
            kept.append(line)
            parts.append(text)
            length += len(text)
        return cls("".join(parts), tuple(starts), tuple(kept))

    def line_at(self, offset: int) -> SourceLine:
        """The source line holding the character at ``offset``."""
        index = max(bisect.bisect_right(self.starts, offset) - 1, 0)
        return self.lines[index]
