"""Harvest the classification codes that the corpus PDFs print, so the reference CSVs can be re-checked.

Prints one tab-separated line per printed row: kind, code, printed name, fiscal year, file. The reference
test (``tests/test_classification.py``) loads this file by path and calls :func:`harvest`, so a code the
corpus prints but ``analytics/reference/*_codes.csv`` lacks fails a test that names the file.

The library never imports this script: it reads PDFs with pypdfium2 and knows the corpus layout.

Usage::

    .venv/bin/python scripts/harvest_codes.py [CORPUS_DIR]    # default /work/shared/corpus

Layouts handled (all seen in the corpus):

* joined codes, one row a line: ``2010350 其他政协事务支出 195.50`` (Jiangsu);
* split 类 款 项 cells: ``201 05 07 专项普查活动 257,700`` (Putuo), with 款 printed without its leading zero
  (``301 2 津贴补贴``) in the 2024 万里街道 document;
* several rows run together on one line, and side-by-side column pairs in 决算 tables
  (``301 03 奖金 302 03 咨询费``);
* a name wrapped onto the next line (``208 05 05 机关事业单位基本养老保险缴`` / ``费支出 160.75``) or printed
  with a space between every character (``因 公 出 国 （ 境 ） 费``).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from analytics.reference.classification import normalize_code

DEFAULT_CORPUS = Path("/work/shared/corpus")
#: Sub-folders whose PDFs print classification tables.
CORPUS_FOLDERS = ("putuo", "jiangsu")

#: A joined code: 类 (3 digits), 款 (5) or 项 (7); function codes start with 2, economic with 3.
_JOINED = re.compile(r"[23]\d{2}(?:\d{2}){0,2}")
#: The 类 cell of a split code.
_CLASS = re.compile(r"[23]\d{2}")
#: A 款 or 项 cell of a split code; a dropped leading zero leaves one digit.
_PART = re.compile(r"\d{1,2}")
#: Anything made only of digits, separators and a sign ends a name: it is an amount or the next code.
_NUMERIC = re.compile(r"[-−－]?[\d,]*\d(?:\.\d+)?%?")
#: Sentence punctuation never occurs in a catalogue name, so a "name" holding it is narrative prose.
_PROSE = re.compile(r"[，。；：、]")
#: Words that follow a number in narrative prose ("支出 291 万元"), never the start of a catalogue name.
_UNIT_STARTS = ("万", "元", "多", "%", "％")
#: Words of table furniture (totals, titles, headers), never part of the tail of a wrapped name.
_NOT_CONTINUATION = ("合计", "小计", "总计", "注", "表", "项目", "科目", "编码", "类款")
#: The longest tail taken from following lines, in characters, and the most lines it may span.
_MAX_TAIL = 24
_MAX_WRAP_LINES = 3
_YEAR = re.compile(r"_(20\d{2})_")


@dataclass(frozen=True, slots=True)
class PrintedCode:
    """One code as a document prints it."""

    kind: str
    code: str
    name: str
    year: int
    file: str


def _is_name_token(token: str) -> bool:
    return not _NUMERIC.fullmatch(token)


def _code_at(tokens: list[str], i: int) -> tuple[str, int] | None:
    """The code starting at ``tokens[i]`` and the index after it, or ``None``."""
    token = tokens[i]
    if _CLASS.fullmatch(token):
        parts = [token]
        j = i + 1
        while j < len(tokens) and len(parts) < 3 and _PART.fullmatch(tokens[j]):
            parts.append(tokens[j])
            j += 1
        return normalize_code(parts), j
    if _JOINED.fullmatch(token):
        return token, i + 1
    return None


def _continuation(lines: list[str], start: int) -> str | None:
    """The wrapped rest of a name that ran to the end of line ``start - 1``, or ``None`` when it did not wrap.

    The rest is one or more lines of name fragments ending where an amount or the next code begins (on the
    same line or the next); anything else after the fragments (a table title, a header) means the name had
    ended, so nothing is taken.
    """
    words: list[str] = []
    for line in lines[start : start + _MAX_WRAP_LINES + 1]:
        tokens = line.split()
        if not tokens:
            continue
        taken = 0
        while taken < len(tokens) and _is_name_token(tokens[taken]):
            taken += 1
        words.extend(tokens[:taken])
        if taken < len(tokens):  # an amount or a code follows the fragments: the name is complete
            tail = "".join(words)
            if _PROSE.search(tail) or any(w in tail for w in _NOT_CONTINUATION) or len(tail) > _MAX_TAIL:
                return None
            return tail
    return None


def parse_lines(lines: list[str]) -> Iterator[tuple[str, str]]:
    """Yield (code, printed name) for every table row in ``lines``, in order."""
    for n, line in enumerate(lines):
        tokens = line.split()
        i = row_end = 0
        while i < len(tokens):
            # A row starts a line, follows an amount or follows the row before it (side-by-side columns);
            # a number after a word is prose ("支出 200 万元").
            starts_row = i in (0, row_end) or not _is_name_token(tokens[i - 1])
            found = _code_at(tokens, i) if starts_row else None
            if found is None:
                i += 1
                continue
            code, j = found
            words: list[str] = []
            while j < len(tokens) and _is_name_token(tokens[j]):
                words.append(tokens[j])
                j += 1
            name = "".join(words)
            if j == len(tokens):
                name += _continuation(lines, n + 1) or ""
            if not name or _PROSE.search(name) or name.startswith(_UNIT_STARTS):
                i += 1
                continue
            yield code, name
            i = row_end = j


def harvest(corpus: Path = DEFAULT_CORPUS) -> list[PrintedCode]:
    """Every (kind, code, printed name, year, file) printed by the corpus PDFs, in document order."""
    import pypdfium2 as pdfium

    found: list[PrintedCode] = []
    for folder in CORPUS_FOLDERS:
        for path in sorted((corpus / folder).glob("*.pdf")):
            year_match = _YEAR.search(path.name)
            if year_match is None:
                raise ValueError(f"no fiscal year in the file name {path.name}")
            year = int(year_match.group(1))
            pdf = pdfium.PdfDocument(path)
            try:
                lines: list[str] = []
                for page in pdf:
                    lines.extend(page.get_textpage().get_text_range().splitlines())
            finally:
                pdf.close()
            for code, name in parse_lines(lines):
                kind = "function" if code.startswith("2") else "economic"
                found.append(PrintedCode(kind, code, name, year, f"{folder}/{path.name}"))
    return found


def main(argv: list[str]) -> int:
    corpus = Path(argv[1]) if len(argv) > 1 else DEFAULT_CORPUS
    for row in harvest(corpus):
        print(f"{row.kind}\t{row.code}\t{row.name}\t{row.year}\t{row.file}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
