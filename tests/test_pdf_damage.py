"""Damaged and scanned PDFs: a flipped byte is refused or changes nothing, never a silently different read; pages
that hold only an image are named. Every published PDF of the corpus is still read."""

from __future__ import annotations

import io
import random
import re
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from analytics.errors import ReaderError
from analytics.ingest._pdf_layout import PdfPage, read_pdf_pages
from tests.pdf_synthetic import FONT, DisclosureSpec, build_disclosure_pdf

RAW = Path(__file__).resolve().parent.parent / "datasets" / "raw"


@pytest.mark.parametrize("path", sorted(RAW.glob("*.pdf")), ids=lambda p: p.name)
def test_every_published_pdf_is_accepted(path: Path) -> None:
    pages = read_pdf_pages(path.read_bytes(), path.name)
    assert len(pages) >= 10
    assert sum(len(page.lines) for page in pages) > 100


# ---------------------------------------------------------------------------------------------------------------------
# One byte flipped
# ---------------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, list[PdfPage]]:
    data = build_disclosure_pdf(tmp_path_factory.mktemp("damage") / "disclosure.pdf", DisclosureSpec()).read_bytes()
    return data, read_pdf_pages(data, "disclosure.pdf")


def _flipped(data: bytes, offset: int, mask: int) -> bytes:
    damaged = bytearray(data)
    damaged[offset] ^= mask
    return bytes(damaged)


def _same_or_refused(data: bytes, pages: list[PdfPage]) -> str:
    """ "same" when the damaged file reads exactly as the original, "refused" when the reader says why it cannot."""
    try:
        read = read_pdf_pages(data, "disclosure.pdf")
    except ReaderError as error:
        assert str(error).startswith("disclosure.pdf"), error
        return "refused"
    assert read == pages, "a damaged PDF was read differently without an error"
    return "same"


def _content_streams(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of the data of every page content stream (reportlab writes them with a /Filter and /Length only)."""
    spans = []
    for match in re.finditer(rb"<<\n/Filter \[ /ASCII85Decode /FlateDecode \] /Length (\d+)\n>>\nstream\n", data):
        spans.append((match.end(), match.end() + int(match[1])))
    return spans


def _offset_of(data: bytes, text: bytes, skip: int = 0) -> int:
    offset = data.find(text)
    assert offset >= 0, text
    return offset + skip


def test_the_built_pdf_has_the_parts_these_tests_damage(original: tuple[bytes, list[PdfPage]]) -> None:
    data, pages = original
    assert len(_content_streams(data)) == len(pages) >= 10
    assert b"\nxref\n" in data
    assert b"/Encoding /UniGB-UCS2-H" in data


@pytest.mark.parametrize("where", [0.0, 0.1, 0.5, 0.9, 0.99])
@pytest.mark.parametrize("mask", [0x01, 0x08, 0x40])
def test_a_flipped_byte_in_a_content_stream_is_refused(
    original: tuple[bytes, list[PdfPage]], where: float, mask: int
) -> None:
    data, pages = original
    for start, end in _content_streams(data)[:: max(len(_content_streams(data)) // 4, 1)]:
        offset = start + int((end - start - 3) * where)  # the last bytes are the ~> end marker
        with pytest.raises(ReaderError, match=r"disclosure\.pdf: the PDF is damaged: object \d+ is damaged: its"):
            read_pdf_pages(_flipped(data, offset, mask), "disclosure.pdf")
        assert _same_or_refused(_flipped(data, offset, mask), pages) == "refused"


def test_a_flipped_offset_in_the_cross_reference_table_is_refused(original: tuple[bytes, list[PdfPage]]) -> None:
    data, _ = original
    table = _offset_of(data, b"\nxref\n")
    entries = [m.start() + table for m in re.finditer(rb"\d{10} 00000 n", data[table:])]
    assert len(entries) > 20
    for entry in entries[1::5]:
        # The units digit of the offset: the entry now points a few bytes off its object.
        damaged = _flipped(data, entry + 9, 0x04)
        with pytest.raises(ReaderError, match=r"the cross-reference table puts object \d+ at offset \d+"):
            read_pdf_pages(damaged, "disclosure.pdf")


@pytest.mark.parametrize(
    ("text", "skip", "mask", "found"),
    [
        # An object header: "12 0 obj" no longer starts an object.
        (b"\n12 0 obj", 7, 0x01, r"has a damaged header|cross-reference table puts object 12"),
        # The keyword that ends an object.
        (b"endobj\n13 0 obj", 4, 0x20, r"unreadable syntax|damaged header"),
        # A page's reference to its content: /Contents 23 0 R becomes /Contents 22 0 R or a name.
        (b"/Contents 23 0 R", 11, 0x01, r"refer to object 22|no object refers to object 23"),
        (b"/Contents 23 0 R", 9, 0x04, r"damaged reference|damaged name"),
        # The key itself: PDFium would give the page no content at all.
        (b"/Contents 23 0 R", 8, 0x01, r"damaged name /Contentr \(/Contents\?\)"),
        # A stream filter's name, and the key that names the filters.
        (b"/ASCII85Decode /FlateDecode", 20, 0x04, r"damaged name /FlataDecode \(/FlateDecode\?\)"),
        (b"/Filter [ /ASCII85Decode", 3, 0x20, r"damaged name /FiLter \(/Filter\?\)"),
        # The CID font's encoding and name: its text would decode to other characters.
        (b"/Encoding /UniGB-UCS2-H", 20, 0x01, r"damaged name /UniGB-UCS3-H \(/UniGB-UCS2-H\?\)"),
        (b"/BaseFont /STSong-Light", 13, 0x01, r"damaged name /STRong-Light \(/STSong-Light\?\)"),
        # The trailer's catalog.
        (
            b"/Root ",
            6,
            0x02,
            r"trailer has /Root refer to object|no object refers to object \d+ \(catalog\)|cannot be opened",
        ),
        # A dictionary bracket.
        (b"<<\n/Contents 23 0 R", 1, 0x02, r"unbalanced|unreadable syntax"),
    ],
)
def test_a_flipped_byte_in_the_structure_is_refused_with_what_was_found(
    original: tuple[bytes, list[PdfPage]], text: bytes, skip: int, mask: int, found: str
) -> None:
    data, _ = original
    damaged = _flipped(data, _offset_of(data, text, skip), mask)
    with pytest.raises(ReaderError, match=rf"disclosure\.pdf: the PDF is damaged.*(?:{found})"):
        read_pdf_pages(damaged, "disclosure.pdf")


@pytest.mark.parametrize(
    ("text", "skip", "mask"),
    [
        (b"startxref\n", 10, 0x01),  # PDFium rebuilds the table from the objects: nothing is lost
        (b"%PDF-1.3", 7, 0x02),  # the version
        (b"\n%%EOF", 3, 0x01),
    ],
)
def test_damage_pdfium_repairs_whole_reads_the_same_or_is_refused(
    original: tuple[bytes, list[PdfPage]], text: bytes, skip: int, mask: int
) -> None:
    data, pages = original
    assert _same_or_refused(_flipped(data, _offset_of(data, text, skip), mask), pages) in {"same", "refused"}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_flips_in_streams_and_the_table_never_read_differently(
    original: tuple[bytes, list[PdfPage]], seed: int
) -> None:
    data, pages = original
    rng = random.Random(seed)
    table = _offset_of(data, b"\nxref\n")
    spans = [*_content_streams(data), (table, len(data))]
    outcomes = []
    for _ in range(40):
        start, end = rng.choice(spans)
        outcomes.append(_same_or_refused(_flipped(data, rng.randrange(start, end), 1 << rng.randrange(8)), pages))
    assert "refused" in outcomes


@pytest.mark.parametrize("seed", [11, 12])
def test_random_flips_anywhere_mostly_refused_and_never_empty(original: tuple[bytes, list[PdfPage]], seed: int) -> None:
    # A flip that leaves a valid PDF (a digit of a page size turned into another digit) cannot be told from a
    # published file; it may read differently, but never loses a page's text silently.
    data, pages = original
    rng = random.Random(seed)
    lines = sum(len(page.lines) for page in pages)
    refused = 0
    for _ in range(60):
        damaged = _flipped(data, rng.randrange(len(data)), 1 << rng.randrange(8))
        try:
            read = read_pdf_pages(damaged, "disclosure.pdf")
        except ReaderError:
            refused += 1
            continue
        assert len(read) == len(pages)
        assert sum(len(page.lines) for page in read) >= lines * 0.95
    assert refused >= 40


def test_an_encrypted_pdf_without_a_user_password_is_not_taken_for_damaged(
    tmp_path: Path, original: tuple[bytes, list[PdfPage]]
) -> None:
    # Its streams are ciphertext: zlib cannot check them, and they are not damaged.
    from pypdf import PdfReader, PdfWriter

    data, pages = original
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    read = read_pdf_pages(buffer.getvalue(), "encrypted.pdf")
    assert [[line.text for line in page.lines] for page in read] == [
        [line.text for line in page.lines] for page in pages
    ]


# ---------------------------------------------------------------------------------------------------------------------
# Pages with no text layer
# ---------------------------------------------------------------------------------------------------------------------


def _scan(width: int = 595, height: int = 842) -> ImageReader:
    image = Image.new("L", (width, height), color=255)
    draw = ImageDraw.Draw(image)
    for row in range(10):
        draw.rectangle((40, 80 + row * 50, 555, 130 + row * 50), outline=0, width=2)
        draw.text((60, 95 + row * 50), f"2010{row}   {row * 1234:,}", fill=0)
    return ImageReader(image)


def _pdf(pages: list[str]) -> bytes:
    """A PDF whose pages are "text" (a few lines of Chinese text), "scan" (one image over the whole page), "logo"
    (a small image and nothing else) or "blank" (no objects at all)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    page_w, page_h = A4
    for kind in pages:
        if kind == "text":
            canvas.setFont(FONT, 12)
            for row, text in enumerate(
                ["上海市某区某局2025年部门预算", "一、部门主要职能", "收入预算合计 1,234.56 万元"]
            ):
                canvas.drawString(72, page_h - 100 - 20 * row, text)
        elif kind == "scan":
            canvas.drawImage(_scan(), 0, 0, width=page_w, height=page_h)
        elif kind == "logo":
            canvas.drawImage(_scan(60, 60), 260, 380, width=60, height=60)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("pages", "message"),
    [
        (["text", "scan", "text", "blank", "scan"], "pages 2, 5 carry no text layer"),
        (["text", "text", "scan"], "page 3 carries no text layer"),
        (["scan", "text"], "page 1 carries no text layer"),
    ],
)
def test_pages_that_hold_only_an_image_are_named(pages: list[str], message: str) -> None:
    with pytest.raises(ReaderError) as raised:
        read_pdf_pages(_pdf(pages), "mixed.pdf")
    assert str(raised.value) == (
        f"mixed.pdf: {message}, only an image (scanned pages?); OCR is not supported yet — expected selectable text "
        "on every page"
    )


def test_blank_pages_and_small_images_are_fine() -> None:
    pages = read_pdf_pages(_pdf(["text", "blank", "logo", "text"]), "fine.pdf")
    assert [len(page.lines) for page in pages] == [3, 0, 0, 3]
    assert pages[0].lines[2].text.replace(" ", "") == "收入预算合计1,234.56万元"


def test_a_pdf_of_images_only_has_no_text_layer() -> None:
    with pytest.raises(ReaderError, match=r"only\.pdf, pages 1-2: the PDF has no text layer"):
        read_pdf_pages(_pdf(["scan", "scan"]), "only.pdf")


def test_the_message_says_what_to_do(original: tuple[bytes, list[PdfPage]]) -> None:
    data, _ = original
    start, end = _content_streams(data)[3]
    with pytest.raises(ReaderError) as raised:
        read_pdf_pages(_flipped(data, (start + end) // 2, 0x10), "disclosure.pdf")
    error = raised.value
    assert (error.source, error.where) == ("disclosure.pdf", "")
    assert re.fullmatch(
        r"the PDF is damaged: object \d+ is damaged: its (?:ASCII85|compressed) data is corrupt \(.+\); "
        r"expected the file as published \(download it again\)",
        error.problem,
    ), error.problem


def test_a_page_an_editor_deleted_is_left_behind_and_the_rest_is_read(
    original: tuple[bytes, list[PdfPage]], tmp_path: Path
) -> None:
    """Deleting a page with an editor leaves its object in the file, listed by no page tree: not damage."""
    import pypdf

    data, pages = original
    reader = pypdf.PdfReader(io.BytesIO(data))
    writer = pypdf.PdfWriter(clone_from=reader)
    writer.remove_page(len(reader.pages) - 1, clean=False)
    out = io.BytesIO()
    writer.write(out)
    edited = out.getvalue()
    assert len(read_pdf_pages(edited, "edited.pdf")) == len(pages) - 1  # read, not refused
    # The same page listed twice in the page tree is what a damaged reference to another page looks like.
    kids = re.search(rb"/Kids \[ ?(\d+) 0 R", data)
    assert kids is not None
    second = re.search(rb"/Kids \[ ?\d+ 0 R (\d+) 0 R", data)
    assert second is not None
    twice = data[: second.start(1)] + kids[1].rjust(len(second[1])) + data[second.end(1) :]
    with pytest.raises(ReaderError, match=r"twice in its /Kids|damaged"):
        read_pdf_pages(twice, "disclosure.pdf")
