"""The text layer of a PDF as positioned words and lines (pypdfium2, BSD-3 / Apache-2.0).

Generic table detection (ruling lines, cell graphs) is slow and fragile on these documents; their tables are
plain text aligned in columns. So the reader works from characters and their boxes: characters are grouped into
lines by their vertical centre, lines into words by horizontal gaps, and the table extractor aligns words into
columns by their right edges (amounts are right-aligned). One pass of ctypes calls per character keeps the whole
corpus well under a second.
"""

from __future__ import annotations

import base64
import ctypes
import re
import statistics
import zlib
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from analytics.errors import ReaderError

__all__ = [
    "MAX_PDF_CHARS",
    "MAX_PDF_INFLATED_BYTES",
    "MAX_PDF_OBJECTS",
    "MAX_PDF_PAGES",
    "MAX_STREAM_BYTES",
    "PageLine",
    "PdfPage",
    "Word",
    "read_pdf_pages",
]

# Limits checked while reading, far above any published disclosure (the corpus: at most 40 pages, 3,105 objects,
# 6 MB of inflated streams, 28,000 characters), so that a small file cannot ask for unbounded work.
MAX_PDF_PAGES = 2_000
MAX_PDF_OBJECTS = 200_000
#: What one stream may inflate to, and all the streams of a file together (images excepted: they are not decoded).
MAX_STREAM_BYTES = 64 * 1024 * 1024
MAX_PDF_INFLATED_BYTES = 512 * 1024 * 1024
#: Characters of text over all pages.
MAX_PDF_CHARS = 2_000_000

#: A gap wider than this share of the line's character height separates two words (or two table cells).
_WORD_GAP = 0.75
#: Two characters whose vertical centres differ by less than this share of their height share a line.
_LINE_TOLERANCE = 0.5
_QUOTES = frozenset("“”‘’「」『』")
#: Full-width punctuation whose glyph sits at one side of its em box ("其中：" / "教"): the gap after it may be up to
#: one em wider than a word gap and still be inside the word.
_EM_SIDE = frozenset("：，、；")


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


class _LimitError(Exception):
    """A limit passed; the message says which (``read_pdf_pages`` makes it a ``ReaderError``)."""


def _page_lines(
    page: pdfium.PdfPage, number: int, budget: int = MAX_PDF_CHARS
) -> tuple[float, float, list[PageLine], str]:
    width, height = page.get_size()
    textpage = page.get_textpage()
    count = textpage.count_chars()
    if count > budget:
        raise _LimitError(f"page {number} takes its text past {MAX_PDF_CHARS:,} characters")
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
            limit = gap_limit + (char[4] - char[3] if current and current[-1][0] in _EM_SIDE else 0.0)
            if current and ((gap > limit and not quoted) or id(current[-1]) in spaced_after):
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
        For an empty or non-PDF file, an encrypted PDF, a damaged one (its bytes fail a check that every published
        PDF passes, naming the object and what was found; see ``_damage``), a PDF with no text layer (a scan), and
        one where some pages hold only an image in place of text (scanned pages, naming them).
    """
    document = _open(data, name)
    pages: list[PdfPage] = []
    scanned: list[int] = []
    try:
        if len(document) > MAX_PDF_PAGES:
            raise _LimitError(f"the PDF has {len(document):,} pages")
        damage = _damage(data, trusted_xref=bool(pdfium_c.FPDF_DocumentHasValidCrossReferenceTable(document.raw)))
        if damage:
            raise ReaderError(
                name, "", f"the PDF is damaged: {damage}; expected the file as published (download it again)"
            )
        budget = MAX_PDF_CHARS
        for index in range(len(document)):
            page = document[index]
            try:
                width, height, lines, raw = _page_lines(page, index + 1, budget)
                if not lines and _holds_an_image(page, width * height):
                    scanned.append(index + 1)
            finally:
                page.close()
            budget -= len(raw)
            pages.append(PdfPage(index + 1, width, height, tuple(lines), raw))
    except pdfium.PdfiumError as exc:
        raise ReaderError(name, f"page {len(pages) + 1}", f"the page cannot be read ({exc})") from None
    except _LimitError as exc:
        raise ReaderError(
            name,
            "",
            f"{exc}; expected a disclosure (read up to {MAX_PDF_PAGES:,} pages, {MAX_PDF_OBJECTS:,} objects, "
            f"{MAX_PDF_CHARS:,} characters, {MAX_STREAM_BYTES // 2**20} MB a stream inflated, "
            f"{MAX_PDF_INFLATED_BYTES // 2**20} MB in all)",
        ) from None
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
    if scanned:
        # Read without them, the disclosure would lose these pages' tables without a word: refuse it whole.
        listed = f"pages {', '.join(map(str, scanned))} carry" if len(scanned) > 1 else f"page {scanned[0]} carries"
        raise ReaderError(
            name,
            "",
            f"{listed} no text layer, only an image (scanned pages?); OCR is not supported yet — expected "
            "selectable text on every page",
        )
    return pages


#: An image over at least this share of a page without text is a scanned page, not a logo or a stamp.
_SCAN_SHARE = 0.5


def _holds_an_image(page: pdfium.PdfPage, area: float) -> bool:
    """Whether a page draws an image (directly or in a form) over at least ``_SCAN_SHARE`` of its ``area``."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for index in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        handle = pdfium_c.FPDFPage_GetObject(page.raw, index)
        if not _draws_an_image(handle):
            continue
        if pdfium_c.FPDFPageObj_GetBounds(handle, left, bottom, right, top):
            drawn = max(right.value - left.value, 0.0) * max(top.value - bottom.value, 0.0)
            if area > 0 and drawn >= _SCAN_SHARE * area:
                return True
    return False


def _draws_an_image(handle: object) -> bool:
    kind = pdfium_c.FPDFPageObj_GetType(handle)
    if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
        return True
    if kind != pdfium_c.FPDF_PAGEOBJ_FORM:
        return False
    return any(
        _draws_an_image(pdfium_c.FPDFFormObj_GetObject(handle, index))
        for index in range(pdfium_c.FPDFFormObj_CountObjects(handle))
    )


# --- damage -------------------------------------------------------------------------------------------------------
# PDFium repairs what it can and says nothing: after a flipped byte in a compressed content stream, an object header
# or a cross-reference offset it reads the document with a page's text missing, or with none at all. So the bytes
# are checked first, for what every published PDF satisfies and damage breaks: each stream the text depends on
# decompresses whole (zlib's checksum catches a changed byte), the syntax outside streams is well formed, each
# offset of a cross-reference table PDFium trusted holds its object, and every page, page tree, font and page
# content is referred to by some other object. A file whose damage still makes a valid PDF (a digit changed into
# another digit) cannot be told from a published one this way.

_W = rb"[\x00\t\n\x0c\r ]"
#: A regular character: neither white space nor a delimiter (ISO 32000-1, 7.2.2).
_REG = rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]"
_OBJECT_HEAD = re.compile(rb"(?<![0-9])(\d{1,10})" + _W + rb"+(\d{1,5})" + _W + rb"+obj(?!" + _REG + rb")")
#: Where the plain tokens of an object end: a string, a comment, or the keyword after its dictionary.
_STOP = re.compile(rb"\(|%|(?<![^\x00\t\n\x0c\r >\])])(?:endobj|stream)(?!" + _REG + rb")")
#: Names, numbers, keywords, brackets and hex strings; possessive, so a damaged run fails without backtracking.
_PLAIN = re.compile(
    rb"(?:" + _W + rb"++|/" + _REG + rb"*+|[+-]?(?:\d++\.?\d*+|\.\d++)(?!" + _REG + rb")"
    rb"|(?:true|false|null|R)(?!" + _REG + rb")|<<|>>|\[|\]|<[0-9A-Fa-f\x00\t\n\x0c\r ]*+>)*+"
)
_STRING_CHARS = re.compile(rb"[\\()]")
_END_OF_LINE = re.compile(rb"[\r\n]")
#: ``N G R``, its object number after white space or a bracket (after a regular character it is part of a name).
_REFERENCE = re.compile(
    rb"(?<![^\x00\t\n\x0c\r \[\]<>(){}])(\d{1,10})" + _W + rb"+\d{1,5}" + _W + rb"+R(?!" + _REG + rb")"
)
_FILTER = re.compile(rb"/Filter" + _W + rb"*(\[[^\]]*\]|/" + _REG + rb"*)")
_NAME = re.compile(rb"/(" + _REG + rb"*)")
_DIRECT_LENGTH = re.compile(rb"/Length" + _W + rb"+(\d+)(?!" + _W + rb"+\d+" + _W + rb"+R)")
_FIRST = re.compile(rb"/First" + _W + rb"+(\d+)")
_STREAM_END = re.compile(_W + rb"*endstream" + _W + rb"*endobj(?!" + _REG + rb")")
_XREF = re.compile(rb"(?<![a-z])xref" + _W + rb"*")
_XREF_SECTION = re.compile(rb"(\d+)[ \t]+(\d+)" + _W + rb"*")
_XREF_ENTRY = re.compile(rb"(\d{10}) +(\d{5}) +([nf])" + _W + rb"{0,2}")
_SKIPPED = re.compile(rb"(?:" + _W + rb"|%[^\r\n]*)*")
#: The objects every valid PDF refers to, by their /Type.
_KIND = re.compile(rb"/Type" + _W + rb"*/(Pages?|Catalog|Font)(?!" + _REG + rb")")
_KINDS = {b"Catalog": "catalog", b"Pages": "page tree", b"Page": "page", b"Font": "font"}
#: Filter names and their abbreviations (inline images use the short ones, some producers everywhere).
_FILTERS = {
    **dict.fromkeys((b"ASCIIHexDecode", b"AHx"), b"ASCIIHexDecode"),
    **dict.fromkeys((b"ASCII85Decode", b"A85"), b"ASCII85Decode"),
    **dict.fromkeys((b"FlateDecode", b"Fl"), b"FlateDecode"),
    **dict.fromkeys((b"LZWDecode", b"LZW"), b"LZWDecode"),
    **dict.fromkeys((b"RunLengthDecode", b"RL"), b"RunLengthDecode"),
    **dict.fromkeys((b"CCITTFaxDecode", b"CCF"), b"CCITTFaxDecode"),
    **dict.fromkeys((b"DCTDecode", b"DCT"), b"DCTDecode"),
    **{name: name for name in (b"JBIG2Decode", b"JPXDecode", b"Crypt")},
}
#: The names a page content stream's dictionary holds; a stream with other keys is a font, image, hint table ….
_CONTENT_NAMES = frozenset({b"Length", b"Filter", b"DecodeParms", b"DL", b"Predictor", b"Columns", *_FILTERS})
#: Names the text of a page depends on. A name one character away from one of them (/FiLter, /Contentq,
#: /STSolg-Light) is a damaged one; PDFium would ignore the key or miss the font without a word.
_KNOWN_NAMES = frozenset(
    b"Type Subtype Filter Length DecodeParms Contents Resources Font XObject ExtGState ColorSpace Pattern Shading "
    b"ProcSet Parent Kids Count MediaBox CropBox Rotate Pages Root Info Size Prev Next Encrypt Encoding BaseFont "
    b"DescendantFonts ToUnicode FontDescriptor FontFile FontFile2 FontFile3 FontName FontBBox Flags Ascent Descent "
    b"CapHeight ItalicAngle StemV StemH CIDSystemInfo Registry Ordering Supplement Widths FirstChar LastChar First "
    b"Index Annots Length1 Length2 Length3 CIDToGIDMap Matrix BBox FormType Group Page Catalog Form Image Type0 Type1 "
    b"Type3 TrueType CIDFontType0 CIDFontType2 ObjStm XRef Identity Identity-H Identity-V UniGB-UCS2-H UniGB-UCS2-V "
    b"UniGB-UTF16-H UniGB-UTF16-V GBK-EUC-H GBK-EUC-V GB-EUC-H GB-EUC-V GBpc-EUC-H GBK2K-H GBK2K-V UniCNS-UCS2-H "
    b"UniCNS-UTF16-H WinAnsiEncoding MacRomanEncoding StandardEncoding DeviceRGB DeviceGray DeviceCMYK Text ImageB "
    b"ImageC ImageI Helvetica Helvetica-Bold Times-Roman Times-Bold Courier Symbol ZapfDingbats STSong-Light "
    b"STSongStd-Light STHeiti-Regular STKaiti-Regular STFangsong-Light AdobeSongStd-Light MSung-Light "
    b"MHei-Medium".split()
    + list(_FILTERS)
)
#: Each known name of four characters or more with one character blanked out → the name.
_NEAR_NAMES = {n[:i] + b"\0" + n[i + 1 :]: n for n in _KNOWN_NAMES if len(n) >= 4 for i in range(len(n))}
_R_TOKEN = re.compile(rb"(?<=[\x00\t\n\x0c\r ])R(?!" + _REG + rb")")
#: Keys whose (indirect) value must be, or must not be, an object of a kind.
_TYPED = re.compile(
    rb"/(Parent|Pages|Root|Kids|Contents|Resources|Font|DescendantFonts)"
    + _W
    + rb"*(\[[^\]]*\]|\d{1,10}"
    + _W
    + rb"+\d{1,5}"
    + _W
    + rb"+R)"
)
_MUST_BE = {b"Parent": {"page tree"}, b"Pages": {"page tree"}, b"Root": {"catalog"}, b"Kids": {"page", "page tree"}}
_STRUCTURE = {"page", "page tree", "catalog"}
_MUST_NOT_BE = {b"Contents": {*_STRUCTURE, "font"}, b"Resources": {*_STRUCTURE, "font", "page content"}}
_MUST_NOT_BE[b"Font"] = _MUST_NOT_BE[b"DescendantFonts"] = {*_STRUCTURE, "page content"}
#: Where a key says what its value must be: /Parent of a page, /Kids of a page tree, /Pages of the catalog.
_FROM = {b"Parent": {"page", "page tree"}, b"Kids": {"page tree"}, b"Pages": {"catalog"}}


def _ascii85(data: bytes) -> bytes:
    body = data.strip()
    end = body.find(b"~>")
    if end < 0:
        raise ValueError("its ASCII85 data has no end marker")
    try:
        return base64.a85decode(body[2 if body.startswith(b"<~") else 0 : end], ignorechars=b"\x00\t\n\x0c\r ")
    except ValueError as exc:
        raise ValueError(f"its ASCII85 data is corrupt ({exc})") from None


def _ascii_hex(data: bytes) -> bytes:
    end = data.find(b">")
    digits = re.sub(_W, b"", data[: end if end >= 0 else len(data)])
    try:
        return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode("ascii"))
    except (ValueError, UnicodeDecodeError):
        raise ValueError("its hexadecimal data is corrupt") from None


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_STREAM_BYTES + 1)
    except zlib.error as exc:
        raise ValueError(f"its compressed data is corrupt ({exc})") from None
    if len(out) > MAX_STREAM_BYTES:
        raise _LimitError(f"a stream inflates to over {MAX_STREAM_BYTES // 2**20} MB")
    if not inflater.eof:
        raise ValueError("its compressed data stops before the end of the stream")
    return out


_DECODERS = {b"ASCII85Decode": _ascii85, b"ASCIIHexDecode": _ascii_hex, b"FlateDecode": _inflate}


@dataclass
class _Walk:
    """What a walk over a PDF's objects finds: where each object starts, what it is, what is referred to."""

    data: bytes
    encrypted: bool
    heads: dict[int, tuple[int, int]] = field(default_factory=dict)
    kinds: dict[int, str] = field(default_factory=dict)
    referred: set[int] = field(default_factory=set)
    #: (referring object or None for a trailer, key, objects referred to) of the keys in ``_TYPED``.
    typed: list[tuple[int | None, bytes, list[int]]] = field(default_factory=list)
    tables: list[int] = field(default_factory=list)
    #: Some objects could not be read (encrypted, or in an object stream of an unchecked filter): what refers
    #: to what is not fully known.
    opaque: bool = False
    #: Objects met (in the file and in object streams) and bytes inflated, for the limits.
    objects: int = 0
    inflated: int = 0

    def count(self, objects: int = 0, inflated: int = 0) -> None:
        self.objects += objects
        self.inflated += inflated
        if self.objects > MAX_PDF_OBJECTS:
            raise _LimitError(f"the PDF holds over {MAX_PDF_OBJECTS:,} objects")
        if self.inflated > MAX_PDF_INFLATED_BYTES:
            raise _LimitError(f"its streams inflate to over {MAX_PDF_INFLATED_BYTES // 2**20} MB")

    def note(self, number: int | None, body: bytes, kind: str | None = None) -> None:
        """Record object ``number`` (its text outside strings and streams) and what it refers to."""
        self.referred.update(map(int, _REFERENCE.findall(body)))
        self.typed.extend(
            # /Kids may be an indirect array: only the pages of an array written in place are known.
            (number, m[1], [int(r[1]) for r in _REFERENCE.finditer(m[2])])
            for m in _TYPED.finditer(body)
            if m[1] != b"Kids" or m[2].startswith(b"[")
        )
        if number is None:
            return
        if kind is None and (found := set(_KIND.findall(body))):
            # A page may hold a font's dictionary in place, never the other way round: the outermost kind wins.
            kind = next(_KINDS[name] for name in _KINDS if name in found)
        # A later version of an object (an incremental update) replaces what an earlier one was.
        if kind:
            self.kinds[number] = kind
        else:
            self.kinds.pop(number, None)


def _damage(data: bytes, *, trusted_xref: bool) -> str | None:
    """What is damaged in a PDF's bytes, or ``None``.

    ``trusted_xref`` says PDFium read the cross-reference table as it is (it did not rebuild it from the objects),
    so every offset in it must hold its object.
    """
    walk = _Walk(data, encrypted=b"/Encrypt" in data)
    pos = 0
    while True:
        head = _OBJECT_HEAD.search(data, pos)
        gap_end = head.start() if head else len(data)
        if data.find(b"endobj", pos, gap_end) >= 0:
            return f"an object before offset {gap_end} has a damaged header"
        walk.note(None, data[pos:gap_end])  # the trailers' /Root and /Info
        walk.tables.extend(m.end() for m in _XREF.finditer(data, pos, gap_end))
        if head is None:
            break
        number = int(head[1])
        walk.heads[head.start()] = (number, int(head[2]))
        walk.count(objects=1)
        pos, problem = _object(walk, number, head.end())
        if problem:
            return f"object {number} {problem}"
    problem = _xref_problem(walk) if trusted_xref else None
    if problem or walk.opaque:
        return problem
    return _reference_problem(walk)


def _reference_problem(walk: _Walk) -> str | None:
    """A reference that points at the wrong kind of object, a page listed twice, or a font or page tree nothing
    refers to: the marks a damaged reference leaves."""
    for referrer, key, targets in walk.typed:
        if referrer is not None and key in _FROM and walk.kinds.get(referrer) not in _FROM[key]:
            continue
        for target in targets:
            kind = walk.kinds.get(target)
            if (key in _MUST_BE and kind not in _MUST_BE[key]) or kind in _MUST_NOT_BE.get(key, ()):
                where = f"object {referrer}" if referrer is not None else "the trailer"
                what = f"a {kind}" if kind else "no page, page tree, catalog or font"
                return f"{where} has /{key.decode()} refer to object {target}, {what}: the reference is damaged"
    for referrer, key, targets in walk.typed:
        if key == b"Kids" and len(set(targets)) < len(targets):
            twice = next(t for t in targets if targets.count(t) > 1)
            return f"object {referrer} lists page {twice} twice in its /Kids: a reference to another page is damaged"
    # A page no page tree lists is one an editor deleted (its object left behind), not damage: a reference damaged
    # into another page's is caught above, as a page listed twice. A font or page tree no object refers to is.
    lost = sorted(n for n in walk.kinds.keys() - walk.referred if walk.kinds[n] != "page")
    if lost:
        listed = ", ".join(f"{number} ({walk.kinds[number]})" for number in lost[:5])
        return f"no object refers to object {listed}: the reference to it is damaged"
    return None


def _body_problem(body: bytes) -> str | None:
    """A damaged bracket, name or reference in an object's text outside strings and streams."""
    if body.count(b"<<") != body.count(b">>") or body.count(b"[") != body.count(b"]"):
        return "has an unbalanced dictionary or array"
    for name in _NAME.findall(body):
        if len(name) >= 4 and name not in _KNOWN_NAMES:
            near = next((k for i in range(len(name)) if (k := _NEAR_NAMES.get(name[:i] + b"\0" + name[i + 1 :]))), None)
            if near:
                return f"has a damaged name /{name.decode('latin-1')} (/{near.decode()}?)"
    if len(_R_TOKEN.findall(body)) != len(_REFERENCE.findall(body)):
        return "has a damaged reference (an R not after an object number and generation)"
    return None


def _object(walk: _Walk, number: int, pos: int) -> tuple[int, str | None]:
    """Check the object whose ``obj`` keyword ends at ``pos``: the offset after its ``endobj``, and any problem."""
    data = walk.data
    parts: list[bytes] = []
    while True:
        stop = _STOP.search(data, pos)
        if stop is None:
            return len(data), "has no endobj"
        plain = _PLAIN.match(data, pos, stop.start())
        at = plain.end() if plain else pos  # the pattern matches the empty text: ``plain`` is never None
        if at != stop.start():
            return stop.start(), f"has unreadable syntax at offset {at} ({data[at : at + 12]!r})"
        parts.append(data[pos : stop.start()])
        token = stop[0]
        if token == b"(":
            pos = _string_end(data, stop.end())
        elif token == b"%":
            eol = _END_OF_LINE.search(data, stop.end())
            pos = eol.end() if eol else len(data)
        else:
            break
        if pos < 0:
            return len(data), "has a string that never closes"
    body = b"".join(parts)
    problem = _body_problem(body)
    if problem:
        return stop.end(), problem
    if token == b"endobj":
        walk.note(number, body)
        return stop.end(), None
    return _stream(walk, number, body, stop.end())


def _string_end(data: bytes, pos: int) -> int:
    """The offset after the literal string whose text starts at ``pos``; -1 when it never closes."""
    depth = 1
    while depth:
        found = _STRING_CHARS.search(data, pos)
        if found is None:
            return -1
        char = found[0]
        pos = found.end() + (char == b"\\")
        depth += (char == b"(") - (char == b")")
    return pos


def _stream(walk: _Walk, number: int, dictionary: bytes, pos: int) -> tuple[int, str | None]:
    """Check the stream whose ``stream`` keyword ends at ``pos``: the offset after its ``endobj``, and any problem."""
    data = walk.data
    start = pos + (2 if data.startswith(b"\r\n", pos) else 1 if data[pos : pos + 1] in (b"\n", b"\r") else 0)
    length = _DIRECT_LENGTH.search(dictionary)
    end = start + int(length[1]) if length else -1
    closing = _STREAM_END.match(data, end) if length else None
    if closing is None:
        # An indirect (or a wrong) /Length: like PDFium, take the data up to the endstream keyword.
        end = data.find(b"endstream", start)
        closing = _STREAM_END.match(data, end) if end >= 0 else None
        if closing is None:
            return len(data) if end < 0 else end, "has no endstream and endobj after its data"
        end -= 2 if data.startswith(b"\r\n", end - 2) else 1 if data[end - 1 : end] in (b"\n", b"\r") else 0
    return closing.end(), _stream_data(walk, number, dictionary, data[start:end])


def _stream_data(walk: _Walk, number: int, dictionary: bytes, data: bytes) -> str | None:
    """Check that a stream decodes; record it as a page content when it is one, and what an object stream holds."""
    named = _FILTER.search(dictionary)
    filters = [_FILTERS.get(name, name) for name in _NAME.findall(named[1])] if named else []
    unknown = next((name for name in filters if name not in _FILTERS), None)
    if unknown is not None:
        return f"has an unknown stream filter /{unknown.decode('latin-1')}"
    walk.note(number, dictionary)
    object_stream = b"/ObjStm" in dictionary
    if walk.encrypted or b"/Image" in dictionary:
        walk.opaque |= object_stream
        return None  # encrypted data cannot be checked without its key; an image's bytes hold no text
    for name in filters:
        decoder = _DECODERS.get(name)
        if decoder is None:
            walk.opaque |= object_stream
            return None  # LZW, run length …: no checksum to check the data by
        try:
            data = decoder(data)
        except ValueError as exc:
            return f"is damaged: {exc}"
        walk.count(inflated=len(data))
    if object_stream:
        return _object_stream(walk, number, dictionary, data)
    if set(_NAME.findall(dictionary)) <= _CONTENT_NAMES and b"BT" in data and (b"Tj" in data or b"TJ" in data):
        walk.note(number, dictionary, "page content")
    return None


def _object_stream(walk: _Walk, number: int, dictionary: bytes, data: bytes) -> str | None:
    """Record the objects a (decoded) object stream holds."""
    first = _FIRST.search(dictionary)
    index = data[: int(first[1])].split() if first else []
    if not index or len(index) % 2 or not all(token.isdigit() for token in index):
        return "(an object stream) has a damaged index"
    offsets = [int(first[1]) + int(token) for token in index[1::2]]  # type: ignore[index]
    walk.count(objects=len(offsets))
    for held, start, end in zip(index[0::2], offsets, [*offsets[1:], len(data)], strict=True):
        walk.note(int(held), data[start:end])
    return None


def _xref_problem(walk: _Walk) -> str | None:
    """The first entry of a cross-reference table that does not hold its object."""
    data = walk.data
    for table in walk.tables:
        pos = table
        while section := _XREF_SECTION.match(data, pos):
            first, count = int(section[1]), int(section[2])
            pos = section.end()
            for number in range(first, first + count):
                entry = _XREF_ENTRY.match(data, pos)
                if entry is None:
                    return f"the cross-reference entry of object {number} is garbled"
                pos = entry.end()
                if entry[3] != b"n":
                    continue
                offset = int(entry[1])
                at = _SKIPPED.match(data, offset).end() if offset < len(data) else offset  # type: ignore[union-attr]
                if walk.heads.get(at) != (number, int(entry[2])):
                    return f"the cross-reference table puts object {number} at offset {offset}, where it does not start"
    return None
