"""The published page behind a figure: a PDF page rendered as an image with the cited line highlighted, or the lines
of a text document around the cited one.

Every row read from a document carries ``doc_id``, ``page``, ``line`` (the line number on the page, as the PDF
reader numbers it) and ``source_text``. ``page_image`` opens the document's source file, renders that one page with
PDFium, finds the cited line among the page's lines (numbered exactly as the reader numbered them) and draws a
translucent box over it. The stored text may differ from the printed line (spaces dropped, full-width digits, a
sentence wrapped over several lines), so the line is matched on its characters: the numbered line when it agrees
with the text, else the best matching line of the page, widened to the neighbouring lines the text runs over.

Source files are found by their SHA-256 (never by name alone) in ``source_folders``: the dataset's own
``sources/`` (an ingest keeps each file there), ``raw/`` beside the dataset, ``datasets/raw/`` beside the shipped
dataset, then the folders of ``$ANALYTICS_SOURCES`` (an ``os.pathsep`` list). A file found nowhere raises
``SourceMissingError``, which a caller shows as a state, with the document's text (``text_context``) instead.
"""

from __future__ import annotations

import bisect
import hashlib
import io
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

import polars as pl

from analytics import schema as s
from analytics.errors import DatasetError
from analytics.store import DEFAULT_DATASET, SOURCES_DIR, Dataset

__all__ = [
    "CITED",
    "NOT_FOUND",
    "OFF_PAGE",
    "SOURCES_ENV",
    "PageImage",
    "SourceMissingError",
    "cited_lines",
    "figure_sources",
    "find_source",
    "page_image",
    "render_page",
    "source_folders",
    "text_context",
]

#: Extra folders searched for source files, an ``os.pathsep`` list.
SOURCES_ENV = "ANALYTICS_SOURCES"
#: Column of ``text_context``: whether the row is (part of) the cited text.
CITED = "cited"
#: A rendered page is never larger than this many pixels on its longer side (a poster-sized page is scaled down).
_MAX_SIDE = 4000
_MAX_SCALE = 8.0
#: The widest run of lines one citation is highlighted over (a sentence or a table row wrapped over several lines).
_MAX_SPAN = 8
#: Another line than the numbered one is taken when this share of its characters (or of the text's) agrees.
_AGREES = 0.6
#: The numbered line is taken when it holds this many characters of the cited text (in runs of two or more).
_NUMBERED_RUN = 6
#: A neighbour joins the citation when a run of this many characters of the text is aligned with it.
_RUN = 3
_HIGHLIGHT = (255, 214, 0, 90)
#: ``PageImage.note``: the cited text was found on no line of the page.
NOT_FOUND = "not_found"
#: ``PageImage.note``: the cited line lies outside the page's visible area.
OFF_PAGE = "off_page"
_OUTLINE = (230, 81, 0, 255)
_SPACES = re.compile(r"\s+")


class SourceMissingError(DatasetError):
    """The source file of a document is in none of the folders searched (``source_folders``)."""


@dataclass(frozen=True)
class PageImage:
    """One page of a PDF rendered as a PNG, with the cited line's box.

    Attributes
    ----------
    png
        The page image (PNG bytes), the highlight drawn in.
    page, page_count
        The page shown (from 1) and the number of pages of the file.
    lines
        The line numbers on the page (as the reader numbers them) that the highlight covers; empty when the cited
        text was not found on the page (the page is shown without a highlight).
    box
        The highlight in image pixels, ``(left, top, right, bottom)``; ``None`` without a highlight.
    scale
        Pixels per PDF point of the image.
    source
        The file the page was rendered from.
    note
        Why nothing is highlighted: ``NOT_FOUND`` (the cited text is on no line of the page) or ``OFF_PAGE`` (the
        line lies beyond the page's edge, in the text layer but not on the printed page); ``None`` when it is.
    """

    png: bytes
    page: int
    page_count: int
    lines: tuple[int, ...]
    box: tuple[int, int, int, int] | None
    scale: float
    source: Path
    note: str | None = None
    #: The vertical extent of each line of the page in image pixels (top, bottom), for ``excerpt``.
    line_bands: tuple[tuple[float, float], ...] = ()

    @property
    def matched(self) -> bool:
        """Whether the cited line was found and highlighted."""
        return self.box is not None

    def excerpt(self, margin: float = 90.0) -> bytes:
        """The band of the page around the highlight (``margin`` points above and below it), full width, as a
        PNG; the whole page when nothing is highlighted. Legible where the whole page, scaled to a screen, is not.

        Examples
        --------
        >>> import io
        >>> from PIL import Image
        >>> buffer = io.BytesIO()
        >>> Image.new("RGB", (200, 400), "white").save(buffer, format="PNG")
        >>> shown = PageImage(buffer.getvalue(), 1, 1, (3,), (10, 100, 190, 120), 1.0, Path("x.pdf"))
        >>> Image.open(io.BytesIO(shown.excerpt(margin=50))).size
        (200, 120)
        """
        if self.box is None:
            return self.png
        from PIL import Image

        image = Image.open(io.BytesIO(self.png))
        pad = int(margin * self.scale)
        top, bottom = max(self.box[1] - pad, 0), min(self.box[3] + pad, image.height)
        # Cut between printed lines, never through one.
        inside = [(a, b) for a, b in self.line_bands if a >= top and b <= bottom]
        if inside:
            top, bottom = (
                max(min(a for a, _ in inside) - 3 * self.scale, 0),
                min(max(b for _, b in inside) + 3 * self.scale, image.height),
            )
        band = image.crop((0, int(top), image.width, int(bottom)))
        buffer = io.BytesIO()
        band.save(buffer, format="PNG")
        return buffer.getvalue()


def source_folders(dataset: Dataset) -> list[Path]:
    """The folders searched for a dataset's source files, in order (see the module's docstring).

    Examples
    --------
    >>> [p.name for p in source_folders(Dataset.empty())][:1]
    ['raw']
    """
    folders: list[Path] = []
    if dataset.path is not None:
        folders += [Path(dataset.path) / SOURCES_DIR, Path(dataset.path).parent / "raw"]
    folders.append(DEFAULT_DATASET.parent / "raw")
    folders += [Path(p) for p in os.environ.get(SOURCES_ENV, "").split(os.pathsep) if p]
    unique: dict[Path, None] = {}
    for folder in folders:
        unique.setdefault(folder.resolve() if folder.exists() else folder, None)
    return list(unique)


#: SHA-256 of files already hashed, by (path, size, modification time): a folder is hashed once per process.
_HASHES: dict[tuple[str, int, int], str] = {}


def _sha256(path: Path) -> str | None:
    try:
        stat = path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        if key not in _HASHES:
            digest = hashlib.sha256()
            with open(path, "rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
            _HASHES[key] = digest.hexdigest()
    except OSError:
        return None
    return _HASHES[key]


def _document(dataset: Dataset, doc_id: str) -> dict[str, object]:
    rows = dataset.documents.filter(pl.col(s.DOC_ID) == doc_id)
    if rows.is_empty():
        raise DatasetError(f"{dataset.path or 'dataset'}: no document {doc_id!r}; expected the doc_id of a document")
    return rows.row(0, named=True)


def find_source(dataset: Dataset, doc_id: str) -> Path:
    """The source file of document ``doc_id``: a file of ``source_folders`` whose SHA-256 is the document's.

    A file of the document's name is tried first in each folder; then every file of its suffix is hashed (once per
    process). A file of the right name and other content is never taken.

    Raises
    ------
    SourceMissingError
        No folder holds the file (the message names the file and the folders searched).
    DatasetError
        The dataset holds no such document.
    """
    document = _document(dataset, doc_id)
    name, sha = str(document[s.SOURCE_NAME]), document[s.SOURCE_SHA256]
    folders = source_folders(dataset)
    if sha:
        suffix = Path(name).suffix.lower()
        for folder in folders:
            if not folder.is_dir():
                continue
            candidates = [folder / f"{sha}{suffix}", folder / name]
            candidates += sorted(p for p in folder.iterdir() if p.suffix.lower() == suffix and p not in candidates)
            found = next((p for p in candidates if p.is_file() and _sha256(p) == sha), None)
            if found is not None:
                return found
    searched = ", ".join(str(f) for f in folders)
    raise SourceMissingError(
        f"{name}: the source file is not kept with the dataset and is in none of the folders searched ({searched}); "
        f"expected a file with SHA-256 {sha or '(unknown)'} — add its folder to ${SOURCES_ENV} or ingest it again"
    )


def _normalized(text: str) -> str:
    """Text compared as characters: full-width forms folded (NFKC), white space dropped."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


def _matched(line: str, cited: str) -> int:
    """How many characters of ``line`` are found, in order and in runs of two or more, in ``cited``."""
    if not line or not cited:
        return 0
    blocks = SequenceMatcher(None, line, cited, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks if b.size >= 2 or len(line) == 1)


def cited_lines(lines: Sequence[tuple[int, str]], line: int | None, source_text: str | None) -> list[int]:
    """Which of ``lines`` (number, text), in page order, a citation at ``line`` with ``source_text`` covers.

    The numbered line when its text agrees with ``source_text``; else the line sharing most characters with it.
    The cited text is then aligned with that line and its neighbours read as one run of text: the neighbours the
    alignment reaches (a sentence or a table row wrapped over several lines) join it. Without a ``source_text`` the
    numbered line alone; nothing when neither is found.

    Examples
    --------
    >>> page = [(1, "收入预算"), (2, "合 计 1,370.19"), (3, "支出预算 20.00")]
    >>> cited_lines(page, 2, "合计1370.19"), cited_lines(page, 9, "合计 1,370.19"), cited_lines(page, 3, None)
    ([2], [2], [3])
    >>> wrapped = [(1, "委托中介机构开展审计。年初预算为450.52万元，支出决算为"), (2, "449.52万元。决算数小于预算数")]
    >>> cited_lines(wrapped, 2, "年初预算为450.52万元，支出决算为449.52万元。")
    [1, 2]
    """
    numbers = [number for number, _ in lines]
    texts = [_normalized(text) for _, text in lines]
    cited = _normalized(source_text or "")
    if not cited:
        return [line] if line in numbers else []
    scores = [_matched(text, cited) for text in texts]
    at = numbers.index(line) if line in numbers else None
    # The numbered line is the reader's own: a run of a few characters of the text on it is enough.
    if at is None or scores[at] < min(_NUMBERED_RUN, _AGREES * min(len(texts[at]), len(cited))):
        ranked = [i for i in range(len(texts)) if scores[i] >= max(2, _AGREES * min(len(texts[i]), len(cited)))]
        if not ranked:
            return []
        at = max(ranked, key=lambda i: (scores[i], -abs(numbers[i] - (line or numbers[i]))))
    lo, hi = max(at - _MAX_SPAN + 1, 0), min(at + _MAX_SPAN, len(texts))
    starts, joined = [], ""
    for text in texts[lo:hi]:
        starts.append(len(joined))
        joined += text
    # Each character of the cited text is aligned once, in order: a neighbouring table row that repeats an amount
    # of the cited row gets none of it, the next line of a wrapped sentence gets its second half.
    hits = [0] * (hi - lo)
    for block in SequenceMatcher(None, joined, cited, autojunk=False).get_matching_blocks():
        if block.size < _RUN:
            continue
        for offset in range(block.a, block.a + block.size):
            hits[bisect.bisect_right(starts, offset) - 1] += 1
    first = last = at - lo
    while last + 1 < len(hits) and last - first + 1 < _MAX_SPAN and hits[last + 1] >= _RUN:
        last += 1
    while first > 0 and last - first + 1 < _MAX_SPAN and hits[first - 1] >= _RUN:
        first -= 1
    return numbers[lo + first : lo + last + 1]


def render_page(
    path: str | os.PathLike[str],
    page: int,
    *,
    line: int | None = None,
    source_text: str | None = None,
    scale: float = 2.0,
) -> PageImage:
    """Render page ``page`` (from 1) of the PDF at ``path`` with the cited line highlighted.

    Only that page is read and rendered, whatever the size of the file.

    Raises
    ------
    DatasetError
        The file is not a PDF PDFium can open, ``page`` is not a page of it, or ``scale`` is not in (0, 8].
    """
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    from analytics.ingest._pdf_layout import _page_lines

    source = Path(path)
    if not 0 < scale <= _MAX_SCALE:
        raise DatasetError(f"{source.name}: scale {scale} is out of range; expected a number above 0, at most 8")
    try:
        document = pdfium.PdfDocument(source)
    except (pdfium.PdfiumError, OSError) as exc:
        raise DatasetError(f"{source.name}: cannot open the PDF to show its page ({exc})") from None
    try:
        count = len(document)
        if not isinstance(page, int) or not 1 <= page <= count:
            raise DatasetError(f"{source.name}: there is no page {page}; expected a page from 1 to {count}")
        pdf_page = document[page - 1]
        try:
            width, height, page_lines, _ = _page_lines(pdf_page, page)
            scale = min(scale, _MAX_SIDE / max(width, height, 1.0))
            image = pdf_page.render(scale=scale).to_pil().convert("RGBA")
        finally:
            pdf_page.close()
    finally:
        document.close()
    chosen = cited_lines([(row.number, row.text) for row in page_lines], line, source_text)
    box, note = None, None if chosen else NOT_FOUND
    if chosen:
        covered = [row for row in page_lines if row.number in chosen]
        pad = 2.0
        left = min(w.x0 for c in covered for w in c.words) - pad
        right = max(w.x1 for c in covered for w in c.words) + pad
        top, bottom = min(c.top for c in covered) - pad, max(c.bottom for c in covered) + pad
        if right < 0 or bottom < 0 or left > width or top > height:
            # Text drawn beyond the page's edge is in the text layer (the reader read it) but on no printed page.
            note = OFF_PAGE
        else:
            box = (
                max(int(left * scale), 0),
                max(int(top * scale), 0),
                min(int(right * scale) + 1, image.width - 1),
                min(int(bottom * scale) + 1, image.height - 1),
            )
    if box is not None:
        overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
        ImageDraw.Draw(overlay).rectangle(box, fill=_HIGHLIGHT, outline=_OUTLINE, width=max(int(scale), 1))
        image = Image.alpha_composite(image, overlay)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG", optimize=False)
    bands = tuple((row.top * scale, row.bottom * scale) for row in page_lines)
    return PageImage(buffer.getvalue(), page, count, tuple(chosen), box, scale, source, note, bands)


def page_image(
    dataset: Dataset,
    doc_id: str,
    page: int,
    *,
    line: int | None = None,
    source_text: str | None = None,
    scale: float = 2.0,
) -> PageImage:
    """The page ``page`` of document ``doc_id`` as an image, the line cited (``line``, ``source_text``) highlighted.

    Raises
    ------
    SourceMissingError
        The document's source file is not found (``find_source``).
    DatasetError
        The document is not a PDF (show ``text_context``), or the page is not one of its pages.
    """
    document = _document(dataset, doc_id)
    if document[s.SOURCE_FORMAT] != "pdf":
        raise DatasetError(
            f"{document[s.SOURCE_NAME]}: a {document[s.SOURCE_FORMAT]} document has no pages to render; "
            "expected a PDF (its text is shown by text_context)"
        )
    count = document.get(s.PAGE_COUNT)
    if isinstance(count, int) and not (isinstance(page, int) and 1 <= page <= count):
        raise DatasetError(f"{document[s.SOURCE_NAME]}: there is no page {page}; expected a page from 1 to {count}")
    return render_page(find_source(dataset, doc_id), page, line=line, source_text=source_text, scale=scale)


def text_context(
    dataset: Dataset,
    doc_id: str,
    page: int | None,
    line: int,
    *,
    source_text: str | None = None,
    around: int = 3,
) -> pl.DataFrame:
    """The lines of document ``doc_id`` around the cited one, as the reader read them (``document_text``).

    Returns ``page``, ``line``, ``source_text`` and ``cited`` (the cited line, and the lines a wrapped
    ``source_text`` runs on over) for ``around`` lines before and after. Works for every format, and for a PDF whose
    source file is not at hand. ``page`` is ``None`` for a text document without page marks.

    Raises
    ------
    DatasetError
        The document is not in the dataset, or it has no line ``line`` (on ``page``).

    Examples
    --------
    >>> text_context(Dataset.empty(), "x", None, 1)
    Traceback (most recent call last):
    ...
    analytics.errors.DatasetError: dataset: no document 'x'; expected the doc_id of a document
    """
    document = _document(dataset, doc_id)
    if around < 0 or around > 50:
        raise DatasetError(f"around={around} is out of range; expected 0 to 50 lines")
    text = dataset.document_text.filter(pl.col(s.DOC_ID) == doc_id).sort(s.SEQ)
    on_page = pl.col(s.PAGE).is_null() if page is None else pl.col(s.PAGE) == page
    here = text.with_row_index("_at").filter(on_page & (pl.col(s.LINE) == line))
    if here.is_empty():
        where = f"page {page}, line {line}" if page is not None else f"line {line}"
        raise DatasetError(f"{document[s.SOURCE_NAME]}: the document has no {where}; expected a line it prints")
    at = int(here.get_column("_at")[0])
    window = text.slice(max(at - around - _MAX_SPAN, 0), 2 * (around + _MAX_SPAN) + 1)
    rows = list(zip(window.get_column(s.SEQ).to_list(), window.get_column(s.SOURCE_TEXT).to_list(), strict=True))
    cited_seq = int(text.get_column(s.SEQ)[at])
    chosen = cited_lines(rows, cited_seq, source_text) or [cited_seq]
    # The window is the cited run with ``around`` lines on either side.
    seqs = window.get_column(s.SEQ).to_list()
    lo, hi = seqs.index(min(chosen)), seqs.index(max(chosen))
    return (
        window.slice(max(lo - around, 0), hi - max(lo - around, 0) + around + 1)
        .with_columns(pl.col(s.SEQ).is_in(chosen).alias(CITED))
        .select(s.PAGE, s.LINE, s.SOURCE_TEXT, CITED)
    )


#: ``figure_sources``' part of a narrative statement (a flag's evidence names it so too).
TEXT_PART = "text"


def figure_sources(
    dataset: Dataset, doc_id: str, amount_yuan: object, *, fiscal_year: int | None = None
) -> pl.DataFrame:
    """Where document ``doc_id`` prints ``amount_yuan`` (for ``fiscal_year``, when given): its table lines, then
    its narrative statements, each with ``doc_id``, ``table_or_part`` (a table key, or ``"text"``), ``page``,
    ``line`` and ``source_text`` — the places to show a key figure on its page.

    Examples
    --------
    >>> figure_sources(Dataset.empty(), "x", 1).columns
    ['doc_id', 'table_or_part', 'page', 'line', 'source_text']
    """
    columns = [s.DOC_ID, "table_or_part", s.PAGE, s.LINE, s.SOURCE_TEXT]
    if amount_yuan is None:
        return pl.DataFrame(schema=s.EVIDENCE_ITEM.to_schema()).select(columns)
    frames = []
    # A key figure is a total or a column of one: a table's total rows come before its other rows.
    kinds = (
        (dataset.lines, pl.col(s.TABLE), [pl.col(s.CLASSIFICATION) != "total"]),
        (dataset.statements, pl.lit(TEXT_PART), []),
    )
    for frame, part, later in kinds:
        wanted = (pl.col(s.DOC_ID) == doc_id) & (pl.col(s.AMOUNT_YUAN) == pl.lit(amount_yuan))
        if fiscal_year is not None:
            wanted &= pl.col(s.FISCAL_YEAR) == fiscal_year
        frames.append(
            frame.filter(wanted)
            .sort([*later, s.PAGE, s.LINE], nulls_last=True, maintain_order=True)
            .select(s.DOC_ID, part.alias("table_or_part"), s.PAGE, s.LINE, s.SOURCE_TEXT)
            .unique(maintain_order=True)
        )
    return pl.concat(frames, how="vertical").select(columns)
