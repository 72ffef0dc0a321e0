"""Disclosures the tests write themselves, in the seed's layout but with other names and figures.

The text is laid out the way PDF extraction lays it out: a blank line between lines, sentences and cells wrapped
onto short lines, a page number inside the narrative. Every figure is a parameter, so tests can state what they
expect without reading it back from the code under test.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Composition:
    """The 总体资金情况 figures in 万元: current year, prior year, the year before."""

    appropriation: tuple[str, str, str] = ("2410.5", "2200", "1980.25")
    special_account: tuple[str, str, str] = ("0", "0", "0")
    unit_funds: tuple[str, str, str] = ("89.5", "100", "19.75")
    personnel: tuple[str, str, str] = ("900.1", "850", "800")
    operation: tuple[str, str, str] = ("99.9", "90", "100")
    specific: tuple[str, str, str] = ("1500", "1360", "1100")

    def income_total(self, i: int) -> Decimal:
        return _num(self.appropriation[i]) + _num(self.special_account[i]) + _num(self.unit_funds[i])

    def expenditure_total(self, i: int) -> Decimal:
        return _num(self.personnel[i]) + _num(self.operation[i]) + _num(self.specific[i])


@dataclass(frozen=True)
class SyntheticDisclosure:
    region: str = "长沙市岳麓区"
    short_name: str = "岳麓区城市更新服务中心"
    year: int = 2024
    unit_type_sentence: str = "为区政府直属事业单位，公益二类，经费形式为财政差额拨款。"
    staff_authorized: int = 35
    staff_actual: int = 31
    subordinate_units: int = 2
    composition: Composition = field(default_factory=Composition)
    unit_line: str = "单位：万元"
    projects: tuple[tuple[str, str, str, str, str], ...] = (
        ("老旧小区改造类项目", "本级支出项目", "1200", "1000", "用于老旧小区加装电梯和管网改造"),
        ("专项业务类项目", "本级支出项目", "500", "500", "用于城市更新规划编制"),
    )

    @property
    def full_name(self) -> str:
        return f"{self.region}{self.short_name.removeprefix(self.region[-3:])}"

    def text(self) -> str:
        return "\n\n".join(self.lines()) + "\n"

    def lines(self) -> list[str]:
        c = self.composition
        y = self.year
        inc = [f"{c.income_total(i)}" for i in range(3)]
        exp = [f"{c.expenditure_total(i)}" for i in range(3)]
        out = [
            f" 第一部分 {self.short_name}概况",
            "一、部门主要职能",
            "负责全区城市更新项目的统筹、组织和实",
            "施，承担片区改造的技术服务。",
            f"{self.short_name}{self.unit_type_sentence[:9]}",
            self.unit_type_sentence[9:],
            "二、部门预算单位构成",
            f"纳入{self.short_name} {y} 年部门预算编制范围的预算单",
            f"位包括本级机关及下属 {self.subordinate_units} 个二级单位。",
            "三、部门人员构成",
            f"{self.short_name}总编制人数 {self.staff_authorized} 人，其中：事业编制 {self.staff_authorized} 人。",
            f"在职实有人数 {self.staff_actual} 人，其中：事业编制 {self.staff_actual} 人。",
            f" 第二部分 {self.short_name} {y} 年部门预算表",
            f"表 1. {self.short_name} {y} 年部门收支总表",
            f" 表 11. {self.short_name} {y} 年部门整体支出绩效目标",
            "申报表",
            "部门整体支出绩效目标申报表",
            f"填报日期：{y}年 2月 3日 {self.unit_line}",
            "部门(单位)",
            "名称",
            self.full_name,
            "填报人 张三 联系电话 12345678",
            "部门总体",
            "资金情况",
            "总体资金情况 当年金额 占比",
            "近两年收支金额",
            f"{y - 1}年 {y - 2}年",
            "收入",
            "构成",
            f"财政拨款 {c.appropriation[0]}",
            _share(c.appropriation[0], inc[0]),
            f"{c.appropriation[1]} {c.appropriation[2]}",
            f"财政专户管理资金 {c.special_account[0]} 0 {c.special_account[1]} {c.special_account[2]}",
            f"单位资金 {c.unit_funds[0]} {_share(c.unit_funds[0], inc[0])} {c.unit_funds[1]} {c.unit_funds[2]}",
            f"合 计 {inc[0]} 100% {inc[1]} {inc[2]}",
            "支出",
            "构成",
            f"人员类项目支出 {c.personnel[0]} {_share(c.personnel[0], exp[0])} {c.personnel[1]} {c.personnel[2]}",
            f"运转类项目支出 {c.operation[0]} {_share(c.operation[0], exp[0])} {c.operation[1]} {c.operation[2]}",
            "特定目标类项",
            f"目支出 {c.specific[0]} {_share(c.specific[0], exp[0])} {c.specific[1]} {c.specific[2]}",
            f"合 计 {exp[0]} 100% {exp[1]} {exp[2]}",
            "部门职能",
            "概述",
            "1.负责全区城市更新项目的统筹。",
            "项目支出情况",
            "项目名称 支出项目类别",
            "项目",
            "总预算",
            "项目本年度",
            "预算",
            "项目主要支",
            "出方向和用",
            "途",
        ]
        for name, category, total, year_budget, purpose in self.projects:
            out.append(f"{name} {category} {total} {year_budget}")
            out.extend(purpose[i : i + 5] for i in range(0, len(purpose), 5))
        out += [
            "整体绩效",
            "总目标",
            f"长期目标(截止 {y + 2}年) 年度目标",
            "目标 1：完成片区改造。",
            "目标 1：完成年度改造任务。",
            "长期目标 1： 完成片区改造。",
            "长期绩效指标",
            "一级",
            "指标",
            "二级指标 三级指标 指标值 指标值确定依据",
            "产出",
            "指标",
            "数量指标",
            "改造小区数",
            "≥40个",
            "满意度指",
            "标",
            "服务对象满意度",
            "居民满意度",
            "≥88%",
            f" 第三部分 {self.short_name} {y} 年部门预算情况说明",
            "一、收支预算总体安排及增减变化情况",
            "1.预算收入情况",
            f"{y} 年部门收入预算 {inc[0]} 万元，比 {y - 1} 年预算增加",
            f"{Decimal(inc[0]) - Decimal(inc[1])} 万元，主要是新增改造项目。",
            "- 12 -",
            "二、其他重要事项的情况说明",
            f"{y} 年本部门没有机关运行经费预算。",
            " 第四部分 名词解释",
            "(一)基本支出：指为保障机构正常运转而发生的支出。",
        ]
        return out


def _num(printed: str) -> Decimal:
    """The value of a figure as the test prints it (full-width digits and thousands separators allowed)."""
    return Decimal(unicodedata.normalize("NFKC", printed).replace(",", ""))


def _share(part: str, total: str) -> str:
    return f"{(_num(part) * 100 / _num(total)).quantize(Decimal('0.01'))}%"
