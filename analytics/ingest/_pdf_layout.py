"""The text layer of a PDF as positioned words and lines (pypdfium2, BSD-3 / Apache-2.0).

Generic table detection (ruling lines, cell graphs) is slow and fragile on these documents; their tables are
plain text aligned in columns. So the reader works from characters and their boxes: characters are grouped into
lines by their vertical centre, lines into words by horizontal gaps, and the table extractor aligns words into
columns by their right edges (amounts are right-aligned). One pass of ctypes calls per character keeps the whole
corpus well under a second.
"""

from __future__ import annotations

import ctypes
import statistics
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from analytics.errors import ReaderError

__all__ = ["PageLine", "PdfPage", "Word", "read_pdf_pages"]

#: A gap wider than this share of the line's character height separates two words (or two table cells).
_WORD_GAP = 0.75
#: Two characters whose vertical centres differ by less than this share of their height share a line.
_LINE_TOLERANCE = 0.5
_QUOTES = frozenset("“”‘’「」『』")


@dataclass(frozen=True, slots=True)
class Word:
    """A run of characters with no wide gap inside; coordinates in points from the page's top-left corner."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True, slots=True)
class PageLine:
    """The words of one visual line, left to right."""

    words: tuple[Word, ...]
    page: int
    number: int

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass(frozen=True, slots=True)
class PdfPage:
    """A page's positioned lines, and its text in content order (which survives rotated text)."""

    number: int
    width: float
    height: float
    lines: tuple[PageLine, ...]
    raw_text: str = ""


def _open(data: bytes, name: str) -> pdfium.PdfDocument:
    if not data.strip():
        raise ReaderError(name, "", "the file is empty; expected a PDF budget disclosure")
    if not data.lstrip()[:5] == b"%PDF-":
        raise ReaderError(name, "", "not a PDF file (no %PDF header); expected a PDF budget disclosure")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise ReaderError(
                name, "", "the PDF is encrypted (password protected); expected an unprotected published disclosure"
            ) from None
        raise ReaderError(name, "", f"the PDF is damaged and cannot be opened ({message})") from None


def _page_lines(page: pdfium.PdfPage, number: int) -> tuple[float, float, list[PageLine], str]:
    width, height = page.get_size()
    textpage = page.get_textpage()
    count = textpage.count_chars()
    if count <= 0:
        return width, height, [], ""
    text = textpage.get_text_range(0, count)
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    rotation = page.get_rotation() % 360
    # Character boxes are in the unrotated page space; a page turned by /Rotate is read as it is displayed.
    unrotated_height = width if rotation in (90, 270) else height
    unrotated_width = height if rotation in (90, 270) else width
    # The loop runs once per character of the corpus: the ctypes functions and handle are looked up once.
    raw, char_box, char_origin = textpage.raw, pdfium_c.FPDFText_GetCharBox, pdfium_c.FPDFText_GetCharOrigin
    chars: list[_Char] = []
    for index, char in enumerate(text[:count]):
        if char.isspace():
            # A real space is a word break; keep it as a zero-width marker at the previous character's place.
            chars.append((" ", -1.0, -1.0, -1.0, -1.0, -1.0))
            continue
        char_box(raw, index, left, right, bottom, top)
        # Lines are grouped by the glyph origin (the baseline): a comma's box sits below the digits around it, and
        # loose font boxes of two stacked header lines overlap, but every glyph of a line shares its baseline.
        char_origin(raw, index, origin_x, origin_y)
        x0, x1, y0, y1 = left.value, right.value, bottom.value, top.value
        ox, oy = origin_x.value, origin_y.value
        if rotation == 90:
            box = (y0, y1, x0, x1, ox)
        elif rotation == 180:
            box = (unrotated_width - x1, unrotated_width - x0, y0, y1, oy)
        elif rotation == 270:
            box = (unrotated_height - y1, unrotated_height - y0, unrotated_width - x1, unrotated_width - x0, -ox)
        else:
            box = (x0, x1, height - y1, height - y0, height - oy)
        chars.append((char, *box))
    return width, height, _group(chars, number), text


#: A character: text, x0, x1, top, bottom (points from the page's top-left) and its baseline.
_Char = tuple[str, float, float, float, float, float]


def _group(chars: list[_Char], page: int) -> list[PageLine]:
    """Group characters into lines (by baseline) and words (by gaps and spaces)."""
    placed: list[_Char] = []
    breaks: set[int] = set()
    for char in chars:
        if char[1] < 0:
            breaks.add(len(placed))
        else:
            placed.append(char)
    if not placed:
        return []
    # Remember which characters were followed by a real space, in content order, before sorting by position.
    spaced_after = {id(placed[i - 1]) for i in breaks if i > 0}
    heights = [c[4] - c[3] for c in placed if c[4] > c[3]]
    typical = statistics.median(heights) if heights else 10.0
    ordered = sorted(placed, key=lambda c: c[5])
    rows: list[list[_Char]] = []
    last_base = None
    for char in ordered:
        if last_base is None or char[5] - last_base > _LINE_TOLERANCE * typical:
            rows.append([])
        rows[-1].append(char)
        last_base = char[5]
    lines: list[PageLine] = []
    for row in rows:
        row.sort(key=lambda c: c[1])
        # The gap limit follows the line's full-height glyphs: quotes and commas have small boxes.
        row_heights = sorted(c[4] - c[3] for c in row if c[4] > c[3])
        gap_limit = _WORD_GAP * (row_heights[(3 * len(row_heights)) // 4] if row_heights else typical)
        words: list[Word] = []
        current: list[_Char] = []
        for char in row:
            # A full-width quote sits at one side of its em box: the gap next to it is the glyph's, not a break.
            quoted = char[0] in _QUOTES or current[-1][0] in _QUOTES if current else False
            gap = char[1] - current[-1][2] if current else 0.0
            if current and ((gap > gap_limit and not quoted) or id(current[-1]) in spaced_after):
                words.append(_word(current))
                current = []
            current.append(char)
        words.append(_word(current))
        lines.append(PageLine(tuple(words), page, len(lines) + 1))
    return lines


def _word(chars: list[_Char]) -> Word:
    # Characters arrive sorted by x0, so the first one starts the word.
    text, x0s, x1s, tops, bottoms, _ = zip(*chars, strict=True)
    return Word("".join(text), x0s[0], max(x1s), min(tops), max(bottoms))


def read_pdf_pages(data: bytes, name: str) -> list[PdfPage]:
    """Every page of a PDF (its bytes; ``name`` for errors) as positioned lines of words.

    Raises
    ------
    ReaderError
        For an empty or non-PDF file, an encrypted or damaged PDF, and a PDF with no text layer (a scan).
    """
    document = _open(data, name)
    try:
        pages: list[PdfPage] = []
        for index in range(len(document)):
            page = document[index]
            try:
                width, height, lines, raw = _page_lines(page, index + 1)
            finally:
                page.close()
            pages.append(PdfPage(index + 1, width, height, tuple(lines), raw))
    except pdfium.PdfiumError as exc:
        raise ReaderError(name, f"page {len(pages) + 1}", f"the page cannot be read ({exc})") from None
    finally:
        document.close()
    if not pages:
        raise ReaderError(name, "", "the PDF has no pages; expected a budget disclosure")
    if not any(page.lines for page in pages):
        raise ReaderError(
            name,
            f"pages 1-{len(pages)}",
            "the PDF has no text layer (a scanned document?); expected a PDF with selectable text — run OCR first",
        )
    return pages
