"""Budget disclosure PDFs the tests build themselves: the Putuo district layout with other names and figures.

:func:`build_disclosure_pdf` writes a text-layer PDF (reportlab, built-in ``STSong-Light`` CID font, no font files)
with the pages of a Shanghai district department budget (部门预算公开): a cover, 部门主要职能, 部门机构设置, the
部门预算编制说明 narrative and the standard tables (landscape A4), each table with its title line, an
``编制部门：… 单位：元`` line, a multi-line ruled header and right-aligned amounts.

Every figure comes from a :class:`DisclosureSpec`: the 项 (leaf) rows of the function classification carry the
amounts, and every 款, 类 and total the builder prints is summed from them, so a test states what it expects through
the spec's own helpers (:meth:`DisclosureSpec.function_rows`, :meth:`DisclosureSpec.income_total`, ...), never by
reading the PDF back. Amounts are kept in 元 as :class:`~decimal.Decimal`; the helpers return them in the unit the
tables print (``spec.unit``), and :meth:`DisclosureSpec.format_amount` gives the exact printed string.

Also here: the same disclosure split into a narrative PDF and a tables PDF (like the Jiangsu ``_narrative`` /
``_tables`` pairs) and the bad files a reader must refuse: scanned (image only), encrypted, corrupt, unrelated.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import NamedTuple

from reportlab.lib.pagesizes import A4, landscape, portrait
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

__all__ = [
    "ECONOMIC_COLUMNS",
    "EXPENDITURE_COLUMNS",
    "FONT",
    "GENERAL_COLUMNS",
    "INCOME_COLUMNS",
    "NEGATIVE_LINE",
    "THREE_PUBLIC_COLUMNS",
    "DisclosureSpec",
    "EconomicLine",
    "FunctionLine",
    "TableRow",
    "build_corrupt_pdf",
    "build_disclosure_pdf",
    "build_encrypted_pdf",
    "build_scanned_pdf",
    "build_split_disclosure",
    "build_unrelated_pdf",
    "table_titles",
]

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

#: Amount columns of 部门收入预算总表, left to right.
INCOME_COLUMNS = ("合计", "财政拨款收入", "事业收入", "事业单位经营收入", "其他收入")
#: Amount columns of 部门支出预算总表.
EXPENDITURE_COLUMNS = ("合计", "基本支出", "项目支出")
#: Amount columns of 部门一般公共预算支出功能分类预算表 (财政拨款 only).
GENERAL_COLUMNS = ("合计", "基本支出", "项目支出")
#: Amount columns of 部门一般公共预算基本支出部门预算经济分类预算表.
ECONOMIC_COLUMNS = ("合计", "人员经费", "公用经费")
#: Figures of 部门“三公”经费和机关运行经费预算表, left to right, in 万元.
THREE_PUBLIC_COLUMNS = ("合计", "因公出国(境)费", "小计", "购置费", "运行费", "公务接待费", "机关运行经费")

_ZERO = Decimal(0)
_CENT = Decimal("0.01")
_TEN_THOUSAND = Decimal(10000)
_CHINESE_NUMERALS = "一二三四五六七八九十"


def _money(value: Decimal | str | int) -> Decimal:
    """An amount given as Decimal, str or int; float is refused (money is exact)."""
    if isinstance(value, float | bool):
        raise TypeError(f"amounts must be Decimal, str or int, not {type(value).__name__}")
    return Decimal(value)


# ---------------------------------------------------------------------------------------------------------------------
# The spec
# ---------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunctionLine:
    """One 项 of the function classification (支出功能分类), amounts in 元.

    ``basic`` and ``project`` are funded by 财政拨款 (all of it 一般公共预算); ``business`` (事业收入),
    ``operating`` (事业单位经营收入) and ``other`` (其他收入) are income of the unit's own, spent as 项目支出.
    """

    code: str
    name: str
    basic: Decimal
    project: Decimal
    business: Decimal = _ZERO
    operating: Decimal = _ZERO
    other: Decimal = _ZERO

    def __post_init__(self) -> None:
        if not re.fullmatch(r"\d{7}", self.code):
            raise ValueError(f"a 项 code has 7 digits (类 3 + 款 2 + 项 2): {self.code!r}")
        for name in ("basic", "project", "business", "operating", "other"):
            object.__setattr__(self, name, _money(getattr(self, name)))

    @property
    def appropriation(self) -> Decimal:
        """财政拨款: the 一般公共预算 part."""
        return self.basic + self.project

    @property
    def own_income(self) -> Decimal:
        return self.business + self.operating + self.other

    @property
    def total(self) -> Decimal:
        return self.appropriation + self.own_income

    def income(self) -> tuple[Decimal, ...]:
        """Amounts in the order of :data:`INCOME_COLUMNS`."""
        return (self.total, self.appropriation, self.business, self.operating, self.other)

    def expenditure(self) -> tuple[Decimal, ...]:
        """Amounts in the order of :data:`EXPENDITURE_COLUMNS`."""
        return (self.total, self.basic, self.project + self.own_income)

    def general(self) -> tuple[Decimal, ...]:
        """Amounts in the order of :data:`GENERAL_COLUMNS`."""
        return (self.appropriation, self.basic, self.project)


@dataclass(frozen=True)
class EconomicLine:
    """One 款 of the economic classification of 基本支出 (部门预算经济分类), amounts in 元."""

    code: str
    name: str
    personnel: Decimal
    public: Decimal

    def __post_init__(self) -> None:
        if not re.fullmatch(r"\d{5}", self.code):
            raise ValueError(f"an economic 款 code has 5 digits (类 3 + 款 2): {self.code!r}")
        object.__setattr__(self, "personnel", _money(self.personnel))
        object.__setattr__(self, "public", _money(self.public))

    @property
    def total(self) -> Decimal:
        return self.personnel + self.public


class TableRow(NamedTuple):
    """An expected data row: joined code ("201", "20103", "2010301"), name, level (类/款/项) and amounts by column."""

    code: str
    name: str
    level: str
    amounts: dict[str, Decimal]


_DEFAULT_FUNCTION_LINES = (
    FunctionLine("2010301", "行政运行", Decimal("18456300"), Decimal("350000")),
    FunctionLine("2010302", "一般行政管理事务", Decimal("0"), Decimal("2120000")),
    FunctionLine("2010507", "专项普查活动", Decimal("0"), Decimal("186500")),
    FunctionLine("2080505", "机关事业单位基本养老保险缴费支出", Decimal("3215400"), Decimal("0")),
    FunctionLine("2080506", "机关事业单位职业年金缴费支出", Decimal("1607700"), Decimal("0")),
    FunctionLine("2080705", "公益性岗位补贴", Decimal("0"), Decimal("2864000")),
    FunctionLine("2120101", "行政运行", Decimal("9876500"), Decimal("125000")),
    FunctionLine(
        "2120199",
        "其他城乡社区管理事务支出",
        Decimal("0"),
        Decimal("24530000"),
        business=Decimal("150000"),
        other=Decimal("48000"),
    ),
    FunctionLine("2120501", "城乡社区环境卫生", Decimal("0"), Decimal("6731200")),
    FunctionLine("2210201", "住房公积金", Decimal("2411600"), Decimal("0")),
    FunctionLine("2210203", "购房补贴", Decimal("1980000"), Decimal("0")),
)

_DEFAULT_GROUP_NAMES = (
    ("201", "一般公共服务支出"),
    ("20103", "政府办公厅(室)及相关机构事务"),
    ("20105", "统计信息事务"),
    ("208", "社会保障和就业支出"),
    ("20805", "行政事业单位养老支出"),
    ("20807", "就业补助"),
    ("212", "城乡社区支出"),
    ("21201", "城乡社区管理事务"),
    ("21205", "城乡社区环境卫生"),
    ("221", "住房保障支出"),
    ("22102", "住房改革支出"),
)

#: The leaf added when ``DisclosureSpec.negative`` is set: a 1,200 元 write-back printed as "(1,200)".
NEGATIVE_LINE = FunctionLine("2010399", "其他政府办公厅(室)及相关机构事务支出", Decimal("0"), Decimal("-1200"))

#: How the derived economic table shares out 基本支出 (the last line takes the rounding remainder).
_ECONOMIC_SHARES = (
    ("30101", "基本工资", "0.18"),
    ("30102", "津贴补贴", "0.22"),
    ("30107", "绩效工资", "0.16"),
    ("30108", "机关事业单位基本养老保险缴费", "0.08"),
    ("30109", "职业年金缴费", "0.04"),
    ("30113", "住房公积金", "0.06"),
    ("30199", "其他工资福利支出", "0.08"),
    ("30201", "办公费", "0.04"),
    ("30206", "电费", "0.02"),
    ("30213", "维修(护)费", "0.02"),
    ("30229", "福利费", "0.03"),
    ("30299", "其他商品和服务支出", "0.04"),
    ("30302", "退休费", "0.03"),
)
_ECONOMIC_CLASSES = {"301": "工资福利支出", "302": "商品和服务支出", "303": "对个人和家庭的补助", "310": "资本性支出"}
#: Economic 类 that count as 公用经费; the others are 人员经费.
_PUBLIC_CLASSES = frozenset({"302", "310"})

_DEFAULT_DUTIES = (
    "加强党的建设。落实基层党建责任制，统筹推进区域化党建和居民区党建工作，实现社区党建全覆盖。",
    "统筹社区发展。统筹落实涉及社区发展的重大决策和社区建设规划，推动辖区协调、有序、可持续发展。",
    "组织公共服务。组织实施与居民生活密切相关的社区公共服务，落实社会保障、民政、卫生健康等领域相关政策。",
    "实施综合管理。对区域内城市管理、人口管理、社会管理等地区性、综合性工作，承担组织领导和综合协调职能。",
    "维护社区平安。承担辖区社会治安综合治理有关工作，处理群众来信来访，化解矛盾纠纷。",
    "承办区委、区政府交办的其他事项。",
)


@dataclass(frozen=True)
class DisclosureSpec:
    """Everything a synthetic disclosure prints. Amounts are in 元; totals are never given, always summed.

    ``unit`` is the unit the tables print ("元" or "万元"); ``decimals`` the decimals they print (default 0 for 元,
    2 for 万元). With 万元 every amount must be a whole multiple of 100 元, so the printed figures are exact.
    ``units`` lists the budget units as (name, kind) with kind 行政 / 参公 / 事业, the 本部 first (default: derived
    from the department). ``economic_lines`` default: 基本支出 shared out over standard economic 款.
    Layout switches: ``negative`` adds :data:`NEGATIVE_LINE` (printed "(1,200)"), ``unpadded_kuan`` prints the first
    款 code with a leading zero without it ("3" for "03") in the income and expenditure tables,
    ``economic_codes_joined`` prints "30101" in one column instead of "301" | "01", ``zero_as_blank`` leaves zero
    cells empty, ``landscape_text`` puts the text pages on landscape A4 as well.
    """

    region: str = "上海市静安区"
    department: str = "上海市静安区人民政府南京西路街道办事处"
    short_name: str | None = None
    year: int = 2025
    unit: str = "元"
    decimals: int | None = None
    staff_admin: int = 48
    staff_institution: int = 86
    staff_actual: int = 127
    retirees: int = 35
    units: tuple[tuple[str, str], ...] | None = None
    function_lines: tuple[FunctionLine, ...] = _DEFAULT_FUNCTION_LINES
    group_names: tuple[tuple[str, str], ...] = _DEFAULT_GROUP_NAMES
    economic_lines: tuple[EconomicLine, ...] | None = None
    prior_income_total: Decimal = Decimal("71200000")
    overseas: Decimal = _ZERO
    vehicle_purchase: Decimal = Decimal("250000")
    vehicle_operation: Decimal = Decimal("156000")
    reception: Decimal = Decimal("12000")
    operation_costs: Decimal = Decimal("2345600")
    change_reason: str = "城市精细化管理项目经费增加"
    duties: tuple[str, ...] = _DEFAULT_DUTIES
    negative: bool = False
    unpadded_kuan: bool = False
    economic_codes_joined: bool = False
    zero_as_blank: bool = False
    landscape_text: bool = False
    with_contents: bool = True
    narrative_separators: bool = False
    _names: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("prior_income_total", "overseas", "vehicle_purchase", "vehicle_operation", "reception"):
            object.__setattr__(self, name, _money(getattr(self, name)))
        object.__setattr__(self, "operation_costs", _money(self.operation_costs))
        if self.unit not in ("元", "万元"):
            raise ValueError(f"unit is 元 or 万元, not {self.unit!r}")
        if self.decimals not in (None, 0, 2):
            raise ValueError("decimals is 0 or 2")
        names = dict(self.group_names)
        for line in self.lines():
            for code in (line.code[:3], line.code[:5]):
                if code not in names:
                    raise ValueError(f"no name for function code {code} (add it to group_names)")
            names[line.code] = line.name
        object.__setattr__(self, "_names", names)
        step = Decimal(100) if self.unit == "万元" else Decimal(1).scaleb(-self.places)
        for amount in self._all_amounts():
            if amount % step:
                raise ValueError(f"{amount} 元 cannot be printed exactly in {self.unit} with {self.places} decimals")
        if self.economic_total() != self.basic_total():
            raise ValueError(
                f"economic lines add up to {self.economic_total()} 元, the function lines' 基本支出 to "
                f"{self.basic_total()} 元"
            )

    # -- names and units ----------------------------------------------------------------------------------------

    @property
    def places(self) -> int:
        """Decimals the tables print."""
        if self.decimals is not None:
            return self.decimals
        return 2 if self.unit == "万元" else 0

    @property
    def short(self) -> str:
        """The department's short name ("南京西路街道")."""
        if self.short_name:
            return self.short_name
        return self.department.removeprefix(self.region).removeprefix("人民政府").removesuffix("办事处")

    @property
    def district(self) -> str:
        """The district without its city ("静安区")."""
        return self.region.rsplit("市", 1)[-1] or self.region

    def name_of(self, code: str) -> str:
        """The name of a function code: 类 (3 digits), 款 (5) or 项 (7)."""
        return self._names[code]

    def unit_list(self) -> tuple[tuple[str, str], ...]:
        """The budget units as (name, kind), 本部 first."""
        if self.units is not None:
            return self.units
        prefix = f"{self.region}{self.short}"
        return (
            (f"{self.department}（本部）", "行政"),
            (f"{prefix}社区事务受理服务中心", "事业"),
            (f"{prefix}社区党群服务中心", "事业"),
            (f"{prefix}城市运行管理中心", "事业"),
            (f"{prefix}综合行政执法队", "参公"),
        )

    def subordinate_units(self) -> int:
        """下属预算单位: every unit but the 本部."""
        return len(self.unit_list()) - 1

    def unit_counts(self) -> dict[str, int]:
        """Units by kind (行政 / 参公 / 事业), as the 机构设置 page states them."""
        counts = {"行政": 0, "参公": 0, "事业": 0}
        for _, kind in self.unit_list():
            counts[kind] += 1
        return counts

    def staff_authorized(self) -> int:
        """编制: 行政编制 + 事业编制."""
        return self.staff_admin + self.staff_institution

    # -- amounts --------------------------------------------------------------------------------------------------

    def lines(self) -> tuple[FunctionLine, ...]:
        """The 项 lines, sorted by code, with :data:`NEGATIVE_LINE` when ``negative`` is set."""
        lines = self.function_lines + ((NEGATIVE_LINE,) if self.negative else ())
        return tuple(sorted(lines, key=lambda line: line.code))

    def in_unit(self, amount_yuan: Decimal) -> Decimal:
        """An amount in 元 converted to the tables' unit, at the printed decimals."""
        value = amount_yuan / _TEN_THOUSAND if self.unit == "万元" else amount_yuan
        return value.quantize(Decimal(1).scaleb(-self.places))

    def format_amount(self, value: Decimal) -> str:
        """A table figure (already in the tables' unit) as printed: "2,932,700", "29.33", "(1,200)", "0" or ""."""
        if not value and self.zero_as_blank:
            return ""
        separators = "," if self.unit == "元" else ""
        text = f"{abs(value):{separators}.{self.places}f}"
        return f"({text})" if value < 0 else text

    def wan(self, amount_yuan: Decimal) -> Decimal:
        """An amount in 元 in 万元 to two decimals, as the narrative prints it."""
        return (amount_yuan / _TEN_THOUSAND).quantize(_CENT, rounding=ROUND_HALF_UP)

    def format_wan(self, amount_yuan: Decimal) -> str:
        """An amount in 元 as the narrative prints it in 万元 ("7465.22" or "7,465.22")."""
        return f"{self.wan(amount_yuan):{',' if self.narrative_separators else ''}.2f}"

    def income_total(self) -> Decimal:
        """收入总计 in the tables' unit."""
        return self.in_unit(sum((line.total for line in self.lines()), _ZERO))

    def expenditure_total(self) -> Decimal:
        """支出总计 in the tables' unit (equal to :meth:`income_total`)."""
        return self.in_unit(sum((line.expenditure()[0] for line in self.lines()), _ZERO))

    def basic_total(self) -> Decimal:
        """基本支出 in 元."""
        return sum((line.basic for line in self.lines()), _ZERO)

    def project_total(self) -> Decimal:
        """项目支出 in 元 (财政拨款 projects plus the units' own income)."""
        return sum((line.project + line.own_income for line in self.lines()), _ZERO)

    def income_by_source(self) -> dict[str, Decimal]:
        """Income in 元 by column of :data:`INCOME_COLUMNS` (合计 included)."""
        sums = [sum(column, _ZERO) for column in zip(*(line.income() for line in self.lines()), strict=True)]
        return dict(zip(INCOME_COLUMNS, sums, strict=True))

    def income_change(self) -> Decimal:
        """收入预算 minus the prior year's, in 万元 as the narrative prints it."""
        return self.wan(self.income_by_source()["合计"] - self.prior_income_total)

    def income_change_percent(self) -> Decimal:
        """The change of 收入预算 against the prior year in %, two decimals (sign kept)."""
        change = self.income_by_source()["合计"] - self.prior_income_total
        return (change * 100 / self.prior_income_total).quantize(_CENT, rounding=ROUND_HALF_UP)

    def share(self, part_yuan: Decimal) -> Decimal:
        """A part of the total in %, two decimals, as the narrative's 占…% prints it."""
        return (part_yuan * 100 / self.income_by_source()["合计"]).quantize(_CENT, rounding=ROUND_HALF_UP)

    def function_rows(self, table: str = "income") -> list[TableRow]:
        """The expected data rows of a function table, in print order, amounts in the tables' unit.

        ``table`` is "income" (:data:`INCOME_COLUMNS`), "expenditure" (:data:`EXPENDITURE_COLUMNS`) or "general"
        (:data:`GENERAL_COLUMNS`). Each 类 row is followed by its 款 rows, each 款 row by its 项 rows; 类 and 款
        amounts are the sums of their 项.
        """
        columns, amounts_of = _FUNCTION_TABLES[table]
        rows: list[TableRow] = []
        for code in self._function_codes():
            members = [line for line in self.lines() if line.code.startswith(code)]
            sums = [sum(col, _ZERO) for col in zip(*(amounts_of(line) for line in members), strict=True)]
            level = {3: "类", 5: "款", 7: "项"}[len(code)]
            amounts = {c: self.in_unit(v) for c, v in zip(columns, sums, strict=True)}
            rows.append(TableRow(code, self.name_of(code), level, amounts))
        return rows

    def function_total(self, table: str = "income") -> dict[str, Decimal]:
        """The 合计 row of a function table (sum of its 类 rows), in the tables' unit."""
        columns, _ = _FUNCTION_TABLES[table]
        lei = [row for row in self.function_rows(table) if row.level == "类"]
        return {c: sum((row.amounts[c] for row in lei), _ZERO) for c in columns}

    def class_totals(self) -> list[tuple[str, str, Decimal]]:
        """The 类 of 支出 as (code, name, 合计 in the tables' unit), as 部门财务收支预算总表 lists them."""
        return [(r.code, r.name, r.amounts["合计"]) for r in self.function_rows("expenditure") if r.level == "类"]

    def unpadded_kuan_code(self) -> str | None:
        """The 款 (5-digit code) printed without its leading zero when ``unpadded_kuan`` is set."""
        if not self.unpadded_kuan:
            return None
        return next((c for c in self._function_codes() if len(c) == 5 and c[3] == "0"), None)

    def economic(self) -> tuple[EconomicLine, ...]:
        """The economic 款 lines in 元, sorted by code (given, or 基本支出 shared out)."""
        if self.economic_lines is not None:
            return tuple(sorted(self.economic_lines, key=lambda line: line.code))
        basic = sum((line.basic for line in self.lines()), _ZERO)
        out: list[EconomicLine] = []
        left = basic
        for i, (code, name, share) in enumerate(_ECONOMIC_SHARES):
            if i == len(_ECONOMIC_SHARES) - 1:
                amount = left
            else:
                amount = (basic * Decimal(share) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 100
                left -= amount
            public = code[:3] in _PUBLIC_CLASSES
            out.append(EconomicLine(code, name, _ZERO if public else amount, amount if public else _ZERO))
        return tuple(out)

    def economic_total(self) -> Decimal:
        """合计 of the economic table in 元."""
        return sum((line.total for line in self.economic()), _ZERO)

    def economic_rows(self) -> list[TableRow]:
        """Expected rows of the economic table (类 then its 款), amounts in the tables' unit."""
        rows: list[TableRow] = []
        lines = self.economic()
        for lei in sorted({line.code[:3] for line in lines}):
            members = [line for line in lines if line.code.startswith(lei)]
            for code, name, group, level in [(lei, _ECONOMIC_CLASSES.get(lei, lei), members, "类")] + [
                (line.code, line.name, [line], "款") for line in members
            ]:
                sums = (
                    sum((m.total for m in group), _ZERO),
                    sum((m.personnel for m in group), _ZERO),
                    sum((m.public for m in group), _ZERO),
                )
                amounts = {c: self.in_unit(v) for c, v in zip(ECONOMIC_COLUMNS, sums, strict=True)}
                rows.append(TableRow(code, name, level, amounts))
        return rows

    def three_public(self) -> dict[str, Decimal]:
        """The figures of the 三公 table in 万元 by :data:`THREE_PUBLIC_COLUMNS`."""
        vehicle = self.vehicle_purchase + self.vehicle_operation
        total = self.overseas + vehicle + self.reception
        values = (total, self.overseas, vehicle, self.vehicle_purchase, self.vehicle_operation, self.reception)
        out = {c: self.wan(v) for c, v in zip(THREE_PUBLIC_COLUMNS, values, strict=False)}
        out["机关运行经费"] = self.wan(self.operation_costs)
        return out

    # -- internals ------------------------------------------------------------------------------------------------

    def _function_codes(self) -> list[str]:
        codes = {line.code[:n] for line in self.lines() for n in (3, 5, 7)}
        return sorted(codes)

    def _all_amounts(self) -> Iterator[Decimal]:
        for line in self.lines():
            yield from (line.basic, line.project, line.business, line.operating, line.other)
        if self.economic_lines is not None:
            for econ in self.economic_lines:
                yield from (econ.personnel, econ.public)


_FUNCTION_TABLES: dict[str, tuple[tuple[str, ...], Callable[[FunctionLine], tuple[Decimal, ...]]]] = {
    "income": (INCOME_COLUMNS, FunctionLine.income),
    "expenditure": (EXPENDITURE_COLUMNS, FunctionLine.expenditure),
    "general": (GENERAL_COLUMNS, FunctionLine.general),
}


def table_titles(year: int) -> dict[str, str]:
    """The title line of each table the builder prints, by key."""
    return {
        "summary": f"{year}年部门财务收支预算总表",
        "income": f"{year}年部门收入预算总表",
        "expenditure": f"{year}年部门支出预算总表",
        "general": f"{year}年部门一般公共预算支出功能分类预算表",
        "fund": f"{year}年部门政府性基金预算支出功能分类预算表",
        "economic": f"{year}年部门一般公共预算基本支出部门预算经济分类预算表",
        "three_public": f"{year}年部门“三公”经费和机关运行经费预算表",
    }


# ---------------------------------------------------------------------------------------------------------------------
# Drawing
# ---------------------------------------------------------------------------------------------------------------------

_LANDSCAPE = landscape(A4)
_PORTRAIT = portrait(A4)
_BODY = 10.0
_HEADER_ROW = 19.0
_DATA_ROW = 21.0
_LINE_GAP = 1.3
_PAD = 4.0


class _Doc:
    """A reportlab canvas that starts pages of either orientation."""

    def __init__(self, target: Path | io.BytesIO) -> None:
        self.canvas = Canvas(str(target) if isinstance(target, Path) else target, pagesize=_LANDSCAPE, invariant=True)
        self.canvas.setTitle("部门预算")
        self._started = False

    def page(self, size: tuple[float, float]) -> Canvas:
        if self._started:
            self.canvas.showPage()
        self._started = True
        self.canvas.setPageSize(size)
        self.canvas.setLineWidth(0.7)
        self.canvas.setFont(FONT, _BODY)
        return self.canvas

    def save(self) -> None:
        if not self._started:
            self.page(_PORTRAIT)
        self.canvas.save()


def _width(text: str, size: float = _BODY) -> float:
    return pdfmetrics.stringWidth(text, FONT, size)


_TOKEN = re.compile(r"[0-9A-Za-z.,%()\-]+|.", re.DOTALL)


def _wrap(text: str, width: float, size: float = _BODY) -> list[str]:
    """Greedy line breaking that never splits a run of digits, latin letters or figure punctuation."""
    lines: list[str] = []
    current = ""
    for token in _TOKEN.findall(text):
        if current and _width(current + token, size) > width:
            lines.append(current)
            current = token
        else:
            current += token
    if current:
        lines.append(current)
    return lines


def _cell_text(c: Canvas, text: str, box: tuple[float, float, float, float], *, align: str, size: float) -> None:
    """Draw the lines of ``text`` (split on "\\n") centred vertically in ``box`` (x, y bottom-left, w, h)."""
    x, y, w, h = box
    lines = text.split("\n") if text else []
    gap = size * _LINE_GAP
    top = y + h / 2 + gap * len(lines) / 2
    c.setFont(FONT, size)
    for i, line in enumerate(lines):
        baseline = top - gap * (i + 0.5) - size * 0.35
        if align == "r":
            c.drawRightString(x + w - _PAD, baseline, line)
        elif align == "l":
            c.drawString(x + _PAD, baseline, line)
        else:
            c.drawCentredString(x + w / 2, baseline, line)


@dataclass(frozen=True)
class _HeaderCell:
    text: str
    col: int
    row: int
    col_span: int = 1
    row_span: int = 1


@dataclass(frozen=True)
class _Cell:
    text: str
    span: int = 1
    align: str = "r"


@dataclass(frozen=True)
class _Table:
    """A ruled table: column widths, a header grid, data rows (cells with column spans)."""

    widths: tuple[float, ...]
    header_rows: int
    header: tuple[_HeaderCell, ...]
    rows: tuple[tuple[_Cell, ...], ...]
    size: float = 9.5
    header_row_height: float = _HEADER_ROW

    def wrapped(self) -> list[tuple[tuple[_Cell, ...], float]]:
        """Rows with long texts wrapped into their cells, each with its height."""
        out = []
        for row in self.rows:
            cells, col, most = [], 0, 1
            for cell in row:
                width = sum(self.widths[col : col + cell.span]) - 2 * _PAD
                lines = _wrap(cell.text, width, self.size) if cell.text else []
                most = max(most, len(lines))
                cells.append(_Cell("\n".join(lines), cell.span, cell.align))
                col += cell.span
            height = _DATA_ROW if most == 1 else _DATA_ROW + (most - 1) * self.size * _LINE_GAP
            out.append((tuple(cells), height))
        return out


def _draw_header(c: Canvas, table: _Table, x0: float, top: float) -> float:
    edges = [x0]
    for w in table.widths:
        edges.append(edges[-1] + w)
    h = table.header_row_height
    for cell in table.header:
        x = edges[cell.col]
        w = edges[cell.col + cell.col_span] - x
        y = top - (cell.row + cell.row_span) * h
        c.rect(x, y, w, cell.row_span * h)
        _cell_text(c, cell.text, (x, y, w, cell.row_span * h), align="c", size=table.size)
    return top - table.header_rows * h


def _draw_row(c: Canvas, table: _Table, cells: Sequence[_Cell], *, x0: float, top: float, height: float) -> float:
    x, col = x0, 0
    for cell in cells:
        w = sum(table.widths[col : col + cell.span])
        c.rect(x, top - height, w, height)
        _cell_text(c, cell.text, (x, top - height, w, height), align=cell.align, size=table.size)
        x += w
        col += cell.span
    return top - height


def _table_pages(
    doc: _Doc,
    spec: DisclosureSpec,
    title: str,
    table: _Table,
    *,
    unit_text: str | None = None,
    breaks: Sequence[int] = (),
    note: str | None = None,
) -> None:
    """Print a table on landscape pages: title and 编制部门 line on the first, the header repeated on each."""
    page_w, page_h = _LANDSCAPE
    total_w = sum(table.widths)
    x0 = (page_w - total_w) / 2
    bottom = 40.0
    rows = table.wrapped()
    i = 0
    first = True
    while first or i < len(rows):
        c = doc.page(_LANDSCAPE)
        if first:
            c.setFont(FONT, 16)
            c.drawCentredString(page_w / 2, page_h - 100, title)
            c.setFont(FONT, _BODY)
            c.drawString(x0, page_h - 126, f"编制部门：{spec.department}")
            c.drawRightString(x0 + total_w, page_h - 126, unit_text or f"单位：{spec.unit}")
            top = page_h - 134
        else:
            top = page_h - 72
        top = _draw_header(c, table, x0, top)
        placed = 0
        while i < len(rows):
            cells, height = rows[i]
            if placed and (top - height < bottom or i in breaks):
                break
            top = _draw_row(c, table, cells, x0=x0, top=top, height=height)
            i += 1
            placed += 1
        if note and i >= len(rows):
            c.setFont(FONT, 9)
            c.drawString(x0, top - 14, note)
        first = False


def _text_pages(doc: _Doc, spec: DisclosureSpec, blocks: Sequence[tuple[str, str]]) -> None:
    """Flow text blocks onto A4 pages: ("title", t) centred, ("para", t) indented, ("line", t) as is."""
    size = _LANDSCAPE if spec.landscape_text else _PORTRAIT
    page_w, page_h = size
    margin = 72.0
    bottom = 64.0
    width = page_w - 2 * margin
    leading = _BODY * 1.8
    c = doc.page(size)
    y = page_h - 90
    for kind, text in blocks:
        if kind == "title":
            if y < page_h - 90:
                y -= leading
            c.setFont(FONT, 16)
            c.drawCentredString(page_w / 2, y, text)
            c.setFont(FONT, _BODY)
            y -= 2.2 * leading
            continue
        indent = 2 * _BODY if kind == "para" else 0.0
        lines = _wrap(text, width - indent)
        for n, line in enumerate(lines):
            if y < bottom:
                c = doc.page(size)
                y = page_h - 90
            c.drawString(margin + (indent if n == 0 else 0.0), y, line)
            y -= leading


# ---------------------------------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------------------------------


def _cover(doc: _Doc, spec: DisclosureSpec) -> None:
    size = _LANDSCAPE if spec.landscape_text else _PORTRAIT
    c = doc.page(size)
    w, h = size
    c.setFont(FONT, 26)
    c.drawCentredString(w / 2, h * 0.64, f"{spec.region}{spec.year}年区级部门预算")
    c.setFont(FONT, 14)
    c.drawCentredString(w / 2, h * 0.5, f"预算主管部门：{spec.department}")


def _contents(doc: _Doc, spec: DisclosureSpec) -> None:
    if not spec.with_contents:
        return
    titles = list(table_titles(spec.year).values())
    entries = ["一、部门主要职能", "二、部门机构设置", "三、部门预算编制说明", "四、部门预算表"]
    entries += [f"{i}. {t}" for i, t in enumerate(titles, 1)]
    entries.append("五、其他相关情况说明")
    _text_pages(doc, spec, [("title", "目 录"), *(("line", e) for e in entries)])


def _duties(doc: _Doc, spec: DisclosureSpec) -> None:
    blocks = [
        ("title", f"{spec.department}（部门）主要职能"),
        ("para", f"{spec.department}是{spec.district}政府的派出机关，依据法律法规的规定履行相应的政府服务管理职能。"),
        ("para", "主要职能包括："),
    ]
    blocks += [("para", f"{_CHINESE_NUMERALS[i]}、{duty}") for i, duty in enumerate(spec.duties[:10])]
    _text_pages(doc, spec, blocks)


def _organisation(doc: _Doc, spec: DisclosureSpec) -> None:
    counts = spec.unit_counts()
    kinds = "，".join(
        f"{label} {counts[k]} 家" for k, label in (("行政", "行政单位"), ("参公", "参公单位"), ("事业", "事业单位"))
    )
    blocks = [
        ("title", f"{spec.department}（部门）机构设置"),
        (
            "para",
            f"{spec.department}部门预算是包括{spec.short}本部以及下属 {spec.subordinate_units()} 家预算单位的"
            "综合收支计划。",
        ),
        ("para", f"本部门中，{kinds}，具体包括："),
    ]
    blocks += [("para", f"{i}. {name}。") for i, (name, _) in enumerate(spec.unit_list(), 1)]
    blocks.append(
        (
            "para",
            f"本部门编制 {spec.staff_authorized()} 名，其中行政编制 {spec.staff_admin} 名、事业编制 "
            f"{spec.staff_institution} 名；实有人数 {spec.staff_actual} 名，离退休人员 {spec.retirees} 名。",
        )
    )
    _text_pages(doc, spec, blocks)


def _change(spec: DisclosureSpec) -> str:
    """The change of 收入预算: 比2024年预算增加345.22万元，增长4.85% (or 减少 / 下降, or 与2024年预算持平)."""
    change, percent = spec.income_change(), spec.income_change_percent()
    if not change:
        return f"与{spec.year - 1}年预算持平"
    verb, trend = ("增加", "增长") if change > 0 else ("减少", "下降")
    amount = f"{abs(change):{',' if spec.narrative_separators else ''}.2f}"
    return f"比{spec.year - 1}年预算{verb}{amount}万元，{trend}{abs(percent):.2f}%"


def _explanation(doc: _Doc, spec: DisclosureSpec) -> None:
    y = spec.year
    income = spec.income_by_source()
    total = income["合计"]
    change = _change(spec)
    sources = "；".join(
        f"{column}{spec.format_wan(income[column])}万元，占{spec.share(income[column])}%"
        for column in INCOME_COLUMNS[1:]
    )
    basic, project = spec.basic_total(), spec.project_total()
    appropriation = income["财政拨款收入"]
    trend = "增加" if spec.income_change() >= 0 else "减少"
    blocks = [
        ("title", f"{y}年部门预算编制说明"),
        ("para", f"{y}年，{spec.department}收入预算{spec.format_wan(total)}万元，{change}。其中：{sources}。"),
        (
            "para",
            f"支出预算{spec.format_wan(total)}万元，{change}。其中：基本支出{spec.format_wan(basic)}万元，占"
            f"{spec.share(basic)}%；项目支出{spec.format_wan(project)}万元，占{spec.share(project)}%。",
        ),
        (
            "para",
            f"财政拨款支出预算{spec.format_wan(appropriation)}万元。财政拨款支出预算中，一般公共预算拨款支出预算"
            f"{spec.format_wan(appropriation)}万元；政府性基金拨款支出预算0万元，与{y - 1}年预算持平；国有资本经营预算"
            f"拨款支出预算0万元，与{y - 1}年预算持平。",
        ),
        ("para", f"财政拨款收入支出{trend}的主要原因是{spec.change_reason}。"),
        ("para", "财政拨款支出主要内容如下："),
    ]
    n = 0
    for line in spec.lines():
        if line.appropriation <= 0:
            continue
        n += 1
        path = f"{spec.name_of(line.code[:3])}（类）{spec.name_of(line.code[:5])}（款）{line.name}（项）"
        blocks.append(("para", f"{n}.“{path}”{spec.format_wan(line.appropriation)}万元，主要用于{line.name}。"))
    _text_pages(doc, spec, blocks)


def _other(doc: _Doc, spec: DisclosureSpec) -> None:
    y = spec.year
    f = spec.three_public()
    blocks = [
        ("title", "其他相关情况说明"),
        ("line", f"一、{y}年“三公”经费预算情况说明"),
        (
            "para",
            f"{y}年“三公”经费预算数为{f['合计']}万元。其中：（一）因公出国（境）费{f['因公出国(境)费']}万元；"
            f"（二）公务用车购置及运行费{f['小计']}万元，其中：公务用车购置费{f['购置费']}万元，公务用车运行费"
            f"{f['运行费']}万元；（三）公务接待费{f['公务接待费']}万元。",
        ),
        ("line", "二、机关运行经费预算"),
        ("para", f"{y}年{spec.department}财政拨款的机关运行经费预算为{f['机关运行经费']}万元。"),
    ]
    _text_pages(doc, spec, blocks)


def _summary_table(doc: _Doc, spec: DisclosureSpec) -> None:
    income = {k: spec.in_unit(v) for k, v in spec.income_by_source().items()}

    def amount(value: Decimal) -> str:
        return spec.format_amount(value) if value else ""

    left = [
        ("一、财政拨款收入", amount(income["财政拨款收入"])),
        ("1. 一般公共预算资金", amount(income["财政拨款收入"])),
        ("2. 政府性基金", ""),
        ("3. 国有资本经营预算", ""),
        ("二、事业收入", amount(income["事业收入"])),
        ("三、事业单位经营收入", amount(income["事业单位经营收入"])),
        ("四、其他收入", amount(income["其他收入"])),
    ]
    right = [(f"{_numeral(i)}、{name}", amount(value)) for i, (_, name, value) in enumerate(spec.class_totals(), 1)]
    n = max(len(left), len(right)) + 2
    rows = []
    for i in range(n):
        li = left[i] if i < len(left) else ("", "")
        ri = right[i] if i < len(right) else ("", "")
        rows.append((_Cell(li[0], align="l"), _Cell(li[1]), _Cell(ri[0], align="l"), _Cell(ri[1])))
    total = spec.format_amount(spec.income_total())
    rows.append(
        (
            _Cell("收入总计", align="c"),
            _Cell(total),
            _Cell("支出总计", align="c"),
            _Cell(spec.format_amount(spec.expenditure_total())),
        )
    )
    header = (
        _HeaderCell("本年收入", 0, 0, col_span=2),
        _HeaderCell("本年支出", 2, 0, col_span=2),
        _HeaderCell("项目", 0, 1),
        _HeaderCell("预算数", 1, 1),
        _HeaderCell("项目", 2, 1),
        _HeaderCell("预算数", 3, 1),
    )
    table = _Table((215.0, 145.0, 230.0, 136.0), 2, header, tuple(rows), size=_BODY, header_row_height=24.0)
    _table_pages(doc, spec, table_titles(spec.year)["summary"], table)


def _numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一."""
    if n <= 10:
        return _CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return f"{'' if tens == 1 else _CHINESE_NUMERALS[tens - 1]}十{_CHINESE_NUMERALS[ones - 1] if ones else ''}"


def _function_header(first: str, columns: Sequence[str]) -> tuple[_HeaderCell, ...]:
    n = len(columns)
    cells = [
        _HeaderCell("项目", 0, 0, col_span=4),
        _HeaderCell(first, 4, 0, col_span=n),
        _HeaderCell("功能分类科目编码", 0, 1, col_span=3),
        _HeaderCell("功能分类科目名称", 3, 1, row_span=2),
    ]
    cells += [_HeaderCell(label, 4 + i, 1, row_span=2) for i, label in enumerate(columns)]
    cells += [_HeaderCell(label, i, 2) for i, label in enumerate("类款项")]
    return tuple(cells)


def _function_table(doc: _Doc, spec: DisclosureSpec, key: str) -> None:
    columns, heading, labels, amount_width = {
        "income": (
            INCOME_COLUMNS,
            "收入预算",
            ("合计", "财政拨款收入", "事业收入", "事业单位\n经营收入", "其他收入"),
            94.0,
        ),
        "expenditure": (EXPENDITURE_COLUMNS, "支出预算", EXPENDITURE_COLUMNS, 140.0),
        "general": (GENERAL_COLUMNS, "一般公共预算支出", GENERAL_COLUMNS, 140.0),
    }[key]
    unpadded = spec.unpadded_kuan_code() if key in ("income", "expenditure") else None
    rows: list[tuple[_Cell, ...]] = []
    for row in spec.function_rows(key):
        code = row.code
        kuan = code[3:5]
        if unpadded and code[:5] == unpadded:
            kuan = kuan.lstrip("0")
        segments = (code[:3], kuan if len(code) >= 5 else "", code[5:7])
        cells = [_Cell(s, align="c") for s in segments]
        cells.append(_Cell(row.name, align="l"))
        cells += [_Cell(spec.format_amount(row.amounts[c])) for c in columns]
        rows.append(tuple(cells))
    totals = spec.function_total(key)
    rows.append((_Cell("合计", span=4, align="c"), *(_Cell(spec.format_amount(totals[c])) for c in columns)))
    widths = (34.0, 34.0, 34.0, 150.0, *([amount_width] * len(columns)))
    table = _Table(widths, 3, _function_header(heading, labels), tuple(rows))
    breaks = ((len(rows) + 1) // 2,) if key == "general" else ()
    _table_pages(doc, spec, table_titles(spec.year)[key], table, breaks=breaks)


def _fund_table(doc: _Doc, spec: DisclosureSpec) -> None:
    rows = (
        (_Cell("本部门无政府性基金预算支出", span=7, align="c"),),
        (_Cell("合计", span=4, align="c"), _Cell(""), _Cell(""), _Cell("")),
    )
    widths = (34.0, 34.0, 34.0, 204.0, 140.0, 140.0, 140.0)
    table = _Table(widths, 3, _function_header("政府性基金预算支出", GENERAL_COLUMNS), rows)
    note = f"注:本部门{spec.year}年无政府性基金预算财政拨款安排的预算，故本表为空表。"
    _table_pages(doc, spec, table_titles(spec.year)["fund"], table, note=note)


def _economic_table(doc: _Doc, spec: DisclosureSpec) -> None:
    joined = spec.economic_codes_joined
    code_cols = 1 if joined else 2
    rows: list[tuple[_Cell, ...]] = []
    for row in spec.economic_rows():
        if joined:
            codes = (_Cell(row.code, align="c"),)
        else:
            codes = (_Cell(row.code[:3], align="c"), _Cell(row.code[3:], align="c"))
        amounts = (_Cell(spec.format_amount(row.amounts[c])) for c in ECONOMIC_COLUMNS)
        rows.append((*codes, _Cell(row.name, align="l"), *amounts))
    total = spec.in_unit(spec.economic_total())
    personnel = spec.in_unit(sum((line.personnel for line in spec.economic()), _ZERO))
    public = spec.in_unit(sum((line.public for line in spec.economic()), _ZERO))
    rows.append(
        (
            _Cell("合计", span=code_cols + 1, align="c"),
            *(_Cell(spec.format_amount(v)) for v in (total, personnel, public)),
        )
    )
    header = [
        _HeaderCell("项目", 0, 0, col_span=code_cols + 1),
        _HeaderCell("一般公共预算基本支出", code_cols + 1, 0, col_span=3),
        _HeaderCell("经济分类科目名称", code_cols, 1, row_span=2),
    ]
    if joined:
        header.append(_HeaderCell("部门预算经济分\n类科目编码", 0, 1, row_span=2))
        widths: tuple[float, ...] = (110.0, 236.0, 126.0, 126.0, 126.0)
    else:
        header += [
            _HeaderCell("部门预算经济分类科目\n编码", 0, 1, col_span=2),
            _HeaderCell("类", 0, 2),
            _HeaderCell("款", 1, 2),
        ]
        widths = (62.0, 62.0, 222.0, 126.0, 126.0, 126.0)
    header += [_HeaderCell(c, code_cols + 1 + i, 1, row_span=2) for i, c in enumerate(ECONOMIC_COLUMNS)]
    table = _Table(widths, 3, tuple(header), tuple(rows))
    _table_pages(doc, spec, table_titles(spec.year)["economic"], table)


def _trim(value: Decimal) -> str:
    """A 万元 figure the way the 三公 table prints it: "25", "21.56", "0"."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _three_public_table(doc: _Doc, spec: DisclosureSpec) -> None:
    y = spec.year
    f = spec.three_public()
    header = (
        _HeaderCell(f"{y}年“三公”经费预算数", 0, 0, col_span=6),
        _HeaderCell(f"{y}年机关运行经\n费预算数", 6, 0, row_span=3),
        _HeaderCell("合计", 0, 1, row_span=2),
        _HeaderCell("因公出国(境)费", 1, 1, row_span=2),
        _HeaderCell("公务用车购置及运行费", 2, 1, col_span=3),
        _HeaderCell("小计", 2, 2),
        _HeaderCell("购置费", 3, 2),
        _HeaderCell("运行费", 4, 2),
        _HeaderCell("公务接待费", 5, 1, row_span=2),
    )
    row = tuple(_Cell(_trim(f[c])) for c in THREE_PUBLIC_COLUMNS)
    table = _Table((104.0,) * 7, 3, header, (row,), header_row_height=26.0)
    _table_pages(doc, spec, table_titles(y)["three_public"], table, unit_text="单位:万元")


_NARRATIVE_PAGES: tuple[Callable[[_Doc, DisclosureSpec], None], ...] = (
    _cover,
    _contents,
    _duties,
    _organisation,
    _explanation,
)
_TABLE_PAGES: tuple[Callable[[_Doc, DisclosureSpec], None], ...] = (
    _summary_table,
    lambda doc, spec: _function_table(doc, spec, "income"),
    lambda doc, spec: _function_table(doc, spec, "expenditure"),
    lambda doc, spec: _function_table(doc, spec, "general"),
    _fund_table,
    _economic_table,
    _three_public_table,
)
_ALL_PAGES = (*_NARRATIVE_PAGES, *_TABLE_PAGES, _other)


def _write(path: Path, spec: DisclosureSpec, sections: Sequence[Callable[[_Doc, DisclosureSpec], None]]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = _Doc(path)
    for section in sections:
        section(doc, spec)
    doc.save()
    return path


# ---------------------------------------------------------------------------------------------------------------------
# Public builders
# ---------------------------------------------------------------------------------------------------------------------


def build_disclosure_pdf(path: Path | str, spec: DisclosureSpec | None = None) -> Path:
    """Write the whole disclosure (cover, text pages, tables, 其他相关情况说明) to ``path``; return the path."""
    return _write(Path(path), spec or DisclosureSpec(), _ALL_PAGES)


def build_split_disclosure(
    directory: Path | str, spec: DisclosureSpec | None = None, stem: str = "synthetic_dept_budget"
) -> tuple[Path, Path]:
    """Write the disclosure as ``<stem>_narrative.pdf`` (every text page) and ``<stem>_tables.pdf`` (the tables).

    Together the two hold exactly the pages of :func:`build_disclosure_pdf`.
    """
    spec = spec or DisclosureSpec()
    directory = Path(directory)
    narrative = _write(directory / f"{stem}_narrative.pdf", spec, (*_NARRATIVE_PAGES, _other))
    tables = _write(directory / f"{stem}_tables.pdf", spec, _TABLE_PAGES)
    return narrative, tables


def _disclosure_bytes(spec: DisclosureSpec | None = None) -> bytes:
    buffer = io.BytesIO()
    doc = _Doc(buffer)
    spec = spec or DisclosureSpec()
    for section in _ALL_PAGES:
        section(doc, spec)
    doc.save()
    return buffer.getvalue()


def build_scanned_pdf(path: Path | str, pages: int = 2) -> Path:
    """A "scanned" budget: each page only an image of printed text and a ruled table, no text layer at all."""
    from PIL import Image, ImageDraw, ImageFont

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    c = Canvas(str(path), pagesize=_LANDSCAPE, invariant=True)
    page_w, page_h = _LANDSCAPE
    font = ImageFont.load_default(size=28)
    small = ImageFont.load_default(size=20)
    for n in range(pages):
        image = Image.new("L", (1684, 1190), color=255)
        draw = ImageDraw.Draw(image)
        draw.text((560, 120), f"2025 DEPARTMENT BUDGET - TABLE {n + 1}", fill=0, font=font)
        draw.text(
            (120, 200),
            "Dept: Jing'an District Nanjing West Road Subdistrict Office        Unit: yuan",
            fill=0,
            font=small,
        )
        for r in range(12):
            top = 250 + r * 60
            draw.rectangle((120, top, 1560, top + 60), outline=0, width=2)
            draw.text((140, top + 18), f"20{r + 1:02d}   item {r + 1}", fill=0, font=small)
            draw.text((1300, top + 18), f"{(r + 1) * 123456:,}", fill=0, font=small)
        c.setPageSize(_LANDSCAPE)
        c.drawImage(ImageReader(image), 0, 0, width=page_w, height=page_h)
        c.showPage()
    c.save()
    return path


def build_encrypted_pdf(path: Path | str, user_password: str = "secret", spec: DisclosureSpec | None = None) -> Path:
    """The disclosure encrypted with pypdf (RC4-128): it opens only with ``user_password``."""
    from pypdf import PdfReader, PdfWriter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_disclosure_bytes(spec))))
    writer.encrypt(user_password=user_password, owner_password=f"{user_password}-owner", algorithm="RC4-128")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def build_corrupt_pdf(path: Path | str, spec: DisclosureSpec | None = None) -> Path:
    """A disclosure cut to 40 % of its bytes, with the cross-reference keyword and its offsets garbled."""
    data = bytearray(_disclosure_bytes(spec))
    cut = bytes(data[: len(data) * 2 // 5])
    # Garble every object header that survives, so a repairing reader finds no objects either.
    damaged = re.sub(rb"(\d+) 0 obj", lambda m: b"#" * len(m.group(0)), cut)
    damaged += b"\nxref\n0 9\nGARBLED-XREF 00000 f\r\ntrailer\n<< /Size 9 /Root 1 0 R >>\nstartxref\n99999999\n%%EOF\n"
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(damaged)
    return path


def build_unrelated_pdf(path: Path | str) -> Path:
    """A text PDF that is no budget: a restaurant menu with dishes and prices."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    c = Canvas(str(path), pagesize=_PORTRAIT, invariant=True)
    w, h = _PORTRAIT
    c.setFont(FONT, 22)
    c.drawCentredString(w / 2, h - 100, "江南小馆 菜单")
    c.setFont(FONT, 11)
    c.drawCentredString(w / 2, h - 126, "营业时间：11:00-14:00 17:00-21:30 订座电话：021-5555 0101")
    dishes = [
        ("凉菜", [("糖醋小排", "38"), ("白切鸡（半只）", "58"), ("拍黄瓜", "16")]),
        ("热菜", [("红烧肉", "68"), ("清炒虾仁", "88"), ("松鼠桂鱼", "128"), ("油焖笋", "32")]),
        ("点心", [("小笼包（8只）", "28"), ("葱油拌面", "18"), ("酒酿圆子", "12")]),
    ]
    y = h - 180
    for section, items in dishes:
        c.setFont(FONT, 15)
        c.drawString(90, y, section)
        y -= 26
        c.setFont(FONT, 12)
        for name, price in items:
            c.drawString(110, y, name)
            c.drawRightString(w - 110, y, f"{price} 元")
            y -= 22
        y -= 12
    c.setFont(FONT, 10)
    c.drawString(90, y - 10, "以上价格均含服务费，欢迎品尝。")
    c.showPage()
    c.save()
    return path
