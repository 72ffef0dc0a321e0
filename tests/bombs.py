"""Hostile files: small PDFs and workbooks that ask a reader for many pages, objects, cells, inflated bytes or
characters (issue 15). Shared by the tests and ``scripts/bench_limits.py``."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable

import openpyxl
from openpyxl.utils import get_column_letter

_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def pdf_of(objects: list[bytes]) -> bytes:
    """A PDF whose object ``n`` (from 1) is ``objects[n - 1]``: object 1 the catalog, 2 the page tree."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream_of(data: bytes, *, compress: bool = True) -> bytes:
    body = zlib.compress(data, 9) if compress else data
    head = b"<< /Length %d /Filter /FlateDecode >>" % len(body) if compress else b"<< /Length %d >>" % len(body)
    return head + b"\nstream\n" + body + b"\nendstream"


def pages_pdf(pages: int, content: bytes = b"BT /F1 12 Tf 72 720 Td (1) Tj ET", *, extra: int = 0) -> bytes:
    """``pages`` pages that all draw one content stream, and ``extra`` objects nothing refers to."""
    first_page = 6
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        _FONT,
        stream_of(content),
        b"<< /Font << /F1 3 0 R >> >>",
    ]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources 5 0 R /Contents 4 0 R >>"
    objects.extend([page] * pages)
    objects.extend([b"<< /N %d >>" % i for i in range(extra)])
    return pdf_of(objects)


def inflating_pdf(inflated_bytes: int) -> bytes:
    """One page whose content stream inflates to ``inflated_bytes`` of spaces (about a thousandth of that on disk)."""
    compressor = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    parts = [compressor.compress(chunk) for _ in range(inflated_bytes // len(chunk))]
    body = b"".join(parts) + compressor.compress(b" " * (inflated_bytes % len(chunk))) + compressor.flush()
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream"
    return pdf_of(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
            _FONT,
            stream,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents 4 0 R >>",
        ]
    )


def dense_text_pdf(pages: int, chars_per_page: int) -> bytes:
    """``pages`` pages, each showing ``chars_per_page`` digits in lines of 100 (one shared content stream)."""
    line = b"(" + b"1234567890" * 10 + b") Tj 0 -1 Td\n"
    content = b"BT /F1 1 Tf 10 830 Td\n" + line * max(1, chars_per_page // 100) + b"ET"
    return pages_pdf(pages, content)


# ---------------------------------------------------------------------------------------------------------------------
# Workbooks
# ---------------------------------------------------------------------------------------------------------------------

SHEET = "xl/worksheets/sheet1.xml"


def workbook() -> bytes:
    """An ordinary one-sheet workbook whose A1 holds a table title."""
    book = openpyxl.Workbook()
    book.active["A1"] = "部门收支总表"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewritten(data: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    """``data`` with the zip member ``part`` replaced by ``change(old_xml)``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            target.writestr(info.filename, change(body) if info.filename == part else body)
    return out.getvalue()


def merged_range_workbook(ref: str = "A100:XFD1048576") -> bytes:
    """One merged range over most of a sheet: a few KB that openpyxl expands into a cell per merged cell."""
    merged = b'<mergeCells count="1"><mergeCell ref="%s"/></mergeCells>' % ref.encode()
    return rewritten(workbook(), SHEET, lambda xml: xml.replace(b"</sheetData>", b"</sheetData>" + merged))


def many_cells_workbook(rows: int, columns: int = 1) -> bytes:
    """A sheet of ``rows`` rows of ``columns`` numbers each."""
    letters = [get_column_letter(c).encode() for c in range(1, columns + 1)]
    body = b"".join(
        b'<row r="%d">' % r + b"".join(b'<c r="%s%d"><v>1</v></c>' % (letter, r) for letter in letters) + b"</row>"
        for r in range(1, rows + 1)
    )
    return rewritten(
        workbook(),
        SHEET,
        lambda xml: xml.split(b"<sheetData>")[0] + b"<sheetData>" + body + b"</sheetData></worksheet>",
    )


def long_text_workbook(text: str) -> bytes:
    """The title cell holding ``text``."""
    return rewritten(workbook(), SHEET, lambda xml: xml.replace("部门收支总表".encode(), text.encode()))


def zip_bomb_workbook(inflated_bytes: int) -> bytes:
    """An ordinary workbook with a member of ``inflated_bytes`` zeros (a thousandth of that zipped)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook())) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        with target.open("xl/media/padding.bin", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(inflated_bytes // len(chunk)):
                member.write(chunk)
    return out.getvalue()
