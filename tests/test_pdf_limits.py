"""PDF bombs refused with a clear error (issue 15): small files asking for thousands of pages, hundreds of
thousands of objects, gigabytes of inflated streams or millions of characters. The limits sit far above any
published disclosure (the corpus: at most 40 pages, 3,105 objects, 6 MB inflated, 28,000 characters)."""

from __future__ import annotations

import time

import pytest

from analytics.errors import ReaderError
from analytics.ingest._pdf_layout import (
    MAX_PDF_CHARS,
    MAX_PDF_INFLATED_BYTES,
    MAX_PDF_OBJECTS,
    MAX_PDF_PAGES,
    MAX_STREAM_BYTES,
    read_pdf_pages,
)
from tests.bombs import dense_text_pdf, inflating_pdf, pages_pdf, pdf_of, stream_of

LIMITS = "expected a disclosure (read up to 2,000 pages, 200,000 objects, 2,000,000 characters, 64 MB a stream "


def _refused(data: bytes, reason: str) -> None:
    start = time.monotonic()
    with pytest.raises(ReaderError) as caught:
        read_pdf_pages(data, "bomb.pdf")
    assert str(caught.value).startswith(f"bomb.pdf: {reason}; {LIMITS}"), caught.value
    assert time.monotonic() - start < 30  # refused, not read for minutes (a loose bound: 2 shared cores)


def test_the_limits_are_the_documented_ones() -> None:
    # Read from the README's table: a change of limit is a change of what the product promises.
    assert (MAX_PDF_PAGES, MAX_PDF_OBJECTS, MAX_PDF_CHARS) == (2000, 200_000, 2_000_000)
    assert (MAX_STREAM_BYTES, MAX_PDF_INFLATED_BYTES) == (64 * 2**20, 512 * 2**20)


def test_one_page_more_than_the_limit_is_refused_before_any_page_is_read() -> None:
    data = pages_pdf(2001)
    assert len(data) < 300_000
    _refused(data, "the PDF has 2,001 pages")


def test_pages_up_to_the_limit_are_read() -> None:
    pages = read_pdf_pages(pages_pdf(2000), "many.pdf")
    assert len(pages) == 2000
    assert {line.text for page in pages for line in page.lines} == {"1"}


def test_objects_past_the_limit_are_refused() -> None:
    _refused(pages_pdf(1, extra=MAX_PDF_OBJECTS), "the PDF holds over 200,000 objects")


def test_a_stream_inflating_past_its_limit_is_refused() -> None:
    data = inflating_pdf(MAX_STREAM_BYTES + 1024 * 1024)
    assert len(data) < 100_000  # 65 MB of spaces from a few tens of KB
    _refused(data, "a stream inflates to over 64 MB")


def test_streams_inflating_past_the_file_limit_are_refused() -> None:
    # One page drawing nine streams of 60 MB each: every stream under its own limit, together over the file's.
    stream = stream_of(b"BT /F1 12 Tf 72 720 Td (1) Tj ET" + b" " * (60 * 1024 * 1024))
    contents = b" ".join(b"%d 0 R" % number for number in range(4, 13))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [" + contents + b"] >>"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page]
    _refused(pdf_of([*objects, *[stream] * 9]), "its streams inflate to over 512 MB")


def test_text_past_the_character_limit_is_refused_at_its_page() -> None:
    # 1,000 lines of 100 digits a page from one shared content stream, and PDFium's line break (CR LF) after each
    # line but the last: 101,998 characters a page, so page 20 takes the text to 2,039,960.
    _refused(dense_text_pdf(25, 100_000), "page 20 takes its text past 2,000,000 characters")
