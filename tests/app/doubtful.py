"""A disclosure the tests build whose 三公 row no reading reconciles: the reader keeps it as printed, marks its
figures contradicted and records a reading finding with its page (a department, a year and figures of its own)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from tests.layout_pdf import Text, build, cover, narrative, summary_page

#: Right edges of the nine amount cells of a provincial 三公 form: 合计, 三公 小计, 因公出国, 公务用车 小计, 购置费,
#: 运行费, 公务接待费, 会议费, 培训费.
_EDGES = (130, 200, 270, 340, 410, 480, 550, 620, 690)
_HEADS = ("合计", "小计", "因公出国(境)费", "小计", "购置费", "运行费", "公务接待费", "会议费", "培训费")


@dataclass(frozen=True)
class DoubtfulDisclosure:
    """A budget of ``department`` for ``year``: a balanced 收支总表 (``total`` 万元 each side) and a 三公 table whose
    小计 ``three_public`` is not 出国 + 公务用车 + 接待 (``reception`` is off by ``gap`` 万元).

    With ``printed_total`` the table's 合计 is printed as given instead of 三公 + 会议 + 培训: when it differs, no
    identity confirms the 三公 小计 either, and the 三公经费 figure itself is contradicted.
    """

    department: str = "临江市北湖区档案馆"
    year: int = 2026
    total: str = "642.00"
    three_public: str = "300.00"
    overseas: str = "60.00"
    vehicles: str = "140.00"
    reception: str = "70.00"  # 60 + 140 + 70 = 270 ≠ 300
    meetings: str = "150.00"
    training: str = "100.00"
    printed_total: str | None = None

    @property
    def gap(self) -> Decimal:
        return Decimal(self.three_public) - Decimal(self.overseas) - Decimal(self.vehicles) - Decimal(self.reception)

    @property
    def grand_total(self) -> str:
        if self.printed_total is not None:
            return self.printed_total
        return f"{Decimal(self.three_public) + Decimal(self.meetings) + Decimal(self.training):.2f}"

    def write(self, path: Path) -> Path:
        """The PDF: page 1 the cover and narrative, page 2 the 收支总表, page 3 the 三公 table."""
        front = cover(self.year, self.department) + narrative(["一、部门预算情况说明"], top=220)
        summary = summary_page(f"{self.department}{self.year}年部门收支总表", self.total, self.total)
        return build(path, [front, summary, self._three_public_page()])

    def _three_public_page(self) -> list[Text]:
        title = (f"{self.department}{self.year}年一般公共预算“三公”经费、会议费、培训费", "支出预算表")
        words = [Text(200, 40 + 16 * i, t, size=11) for i, t in enumerate(title)]
        words += [Text(620, 80, "单位：万元"), Text(330, 100, "“三公”经费"), Text(370, 115, "公务用车购置及运行费")]
        words += [
            Text(edge - 35 - (20 if len(head) >= 4 else 0), 130, head, size=7)
            for edge, head in zip(_EDGES, _HEADS, strict=True)
        ]
        printed = (
            self.grand_total, self.three_public, self.overseas, self.vehicles, "0.00", self.vehicles,
            self.reception, self.meetings, self.training,
        )  # fmt: skip
        words += [Text(edge, 160, value, right=True) for edge, value in zip(_EDGES, printed, strict=True)]
        return words
