"""The intermediate form every reader produces: a document as numbered lines of text with their page.

Extractors (department facts, performance tables, narrative statements, indicators) read this form only, so that a
text file and a PDF go through the same extractor.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SourceDocument", "SourceLine"]


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One line as published: its 1-based line number in the file (text) and its page (PDF, else ``None``)."""

    number: int
    text: str
    page: int | None = None


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """A whole document as lines; ``name`` is the file name used in error messages and provenance."""

    name: str
    lines: tuple[SourceLine, ...]

    @classmethod
    def from_text(cls, name: str, text: str) -> SourceDocument:
        """Split ``text`` into numbered lines (numbering starts at 1, blank lines count).

        Examples
        --------
        >>> doc = SourceDocument.from_text("a.txt", "一\\n\\n二")
        >>> [(line.number, line.text) for line in doc.lines]
        [(1, '一'), (2, ''), (3, '二')]
        """
        return cls(name, tuple(SourceLine(i, t) for i, t in enumerate(text.splitlines(), start=1)))

    def nonblank(self) -> list[SourceLine]:
        """The lines that hold any text, with surrounding whitespace removed."""
        return [SourceLine(ln.number, ln.text.strip(), ln.page) for ln in self.lines if ln.text.strip()]
