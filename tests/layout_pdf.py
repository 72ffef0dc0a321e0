"""Small disclosure PDFs with every word placed by hand, for the reading failure classes the national forms show:
blank cells between filled ones, units that wrap, titles quoted in sentences, page numbers under tables, cells that
hold no amount. Names and figures are this module's own, not those of any corpus document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

DEPARTMENT = "青川市东岭区园林绿化管理所"
YEAR = 2027


@dataclass(frozen=True)
class Text:
    """A word at (x, y) points from the top-left corner; ``right=True`` aligns its right edge at x (amounts)."""

    x: float
    y: float
    text: str
    right: bool = False
    size: float = 9.0


def row(y: float, label: str, *amounts: tuple[float, str], label_x: float = 60.0) -> list[Text]:
    """One table row: its label at ``label_x`` and right-aligned amounts at the given right edges."""
    return [Text(label_x, y, label), *(Text(x, y, value, right=True) for x, value in amounts)]


def cover(year: int = YEAR, department: str = DEPARTMENT, kind: str = "部门预算") -> list[Text]:
    """The title page of a 部门预算 (or, with ``kind="部门决算"``, a final account)."""
    return [
        Text(150, 120, f"{department}{year}年{kind}", size=16),
        Text(150, 160, f"预算主管部门：{department}"),
    ]


def centred(x: float, y: float, text: str, size: float = 9.0) -> Text:
    """A header word centred at ``x`` (each character one em wide, as the CJK font sets them)."""
    return Text(x - len(text) * size / 2, y, text, size=size)


def narrative(lines: Sequence[str], top: float = 80) -> list[Text]:
    return [Text(60, top + 18 * i, text) for i, text in enumerate(lines)]


def build(path: Path, pages: Sequence[Sequence[Text]], *, wide: bool = True) -> Path:
    """Write ``pages`` (the first in portrait, the others landscape when ``wide``) and return ``path``."""
    canvas = Canvas(str(path), pagesize=A4)
    for number, words in enumerate(pages):
        size = landscape(A4) if wide and number > 0 else A4
        canvas.setPageSize(size)
        height = size[1]
        for word in words:
            canvas.setFont(FONT, word.size)
            if word.right:
                canvas.drawRightString(word.x, height - word.y, word.text)
            else:
                canvas.drawString(word.x, height - word.y, word.text)
        canvas.showPage()
    canvas.save()
    return path


def summary_page(title: str, income: str, spending: str, unit_lines: Sequence[str] = ("单位：万元",)) -> list[Text]:
    """A 收支总表 whose two sides balance, with its unit printed as ``unit_lines`` (one line, or wrapped)."""
    words = [Text(300, 50, title, size=12)]
    words += [Text(640, 72 + 12 * i, text) for i, text in enumerate(unit_lines)]
    words += [Text(60, 110, "收入项目"), Text(250, 110, "预算数"), Text(420, 110, "支出项目"), Text(620, 110, "预算数")]
    words += [
        Text(60, 135, "一、一般公共预算拨款收入"),
        Text(280, 135, income, right=True),
        Text(420, 135, "一、一般公共服务支出"),
        Text(660, 135, spending, right=True),
        Text(60, 160, "收入总计"),
        Text(280, 160, income, right=True),
        Text(420, 160, "支出总计"),
        Text(660, 160, spending, right=True),
    ]
    return words
