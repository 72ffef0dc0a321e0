from __future__ import annotations

from decimal import Decimal

import pytest

from analytics import schema as s
from analytics.errors import ReaderError
from analytics.ingest import facts
from analytics.ingest._source import SourceDocument
from tests.conftest import SEED
from tests.synthetic import Composition, SyntheticDisclosure


def _seed() -> SourceDocument:
    return SourceDocument.from_text(SEED.name, SEED.read_text(encoding="utf-8"))


def _wan(text: str) -> Decimal:
    return (Decimal(text) * 10000).quantize(Decimal("0.01"))


def test_identity_of_the_seed() -> None:
    identity = facts.identify_document(_seed())
    assert identity.department == "武汉市汉阳区大数据中心"
    assert identity.region == "武汉市汉阳区"
    assert (identity.fiscal_year, identity.phase, identity.scope) == (2023, "budget", "department")


def test_department_facts_of_the_seed() -> None:
    doc = _seed()
    row = facts.extract_department(doc, facts.identify_document(doc))
    assert row[s.UNIT_TYPE] == "公益一类事业单位"
    assert (row[s.STAFF_AUTHORIZED], row[s.STAFF_ACTUAL], row[s.SUBORDINATE_UNITS]) == (21, 12, 0)
    assert "总编制人数 21 人" in row[s.SOURCE_TEXT]
    assert row[s.LINE] is not None


def test_fund_composition_of_the_seed() -> None:
    doc = _seed()
    rows = facts.extract_fund_composition(doc, facts.identify_document(doc))
    got = {(r[s.SIDE], r[s.NAME], r[s.FISCAL_YEAR]): r[s.AMOUNT_YUAN] for r in rows}
    for side in ("income", "expenditure"):
        assert got[(side, "合计", 2021)] == _wan("2330.28")
        assert got[(side, "合计", 2022)] == _wan("1652.62")
        assert got[(side, "合计", 2023)] == _wan("1370.19")
    # 基本支出 291.4 = 人员经费 278.47 + 公用经费 12.93 (人员类 + 运转类), 项目支出 1078.79 (特定目标类).
    assert got[("expenditure", "人员类项目支出", 2023)] == _wan("278.47")
    assert got[("expenditure", "运转类项目支出", 2023)] == _wan("12.93")
    assert got[("expenditure", "人员类项目支出", 2023)] + got[("expenditure", "运转类项目支出", 2023)] == _wan("291.4")
    assert got[("expenditure", "特定目标类项目支出", 2023)] == _wan("1078.79")
    assert got[("income", "财政专户管理资金", 2023)] == Decimal("0.00")
    shares = {r[s.NAME]: r[s.STATED_SHARE_PCT] for r in rows if r[s.FISCAL_YEAR] == 2023 and r[s.SIDE] == "income"}
    assert shares == {"财政拨款": Decimal("99.64"), "财政专户管理资金": 0, "单位资金": Decimal("0.36"), "合计": 100}
    assert all(r[s.LINE] and r[s.SOURCE_TEXT] for r in rows)
    assert len(rows) == 8 * 3


def test_projects_of_the_seed() -> None:
    doc = _seed()
    rows = facts.extract_projects(doc, facts.identify_document(doc))
    assert [(r[s.NAME], r[s.YEAR_BUDGET_YUAN]) for r in rows] == [
        ("民生政策类项目", _wan("5")),
        ("专项业务类项目", _wan("1062.29")),
        ("机构运转类项目", _wan("11.5")),
    ]
    assert rows[0][s.CATEGORY] == "本级支出项目"
    assert rows[0][s.PURPOSE] == "用于落实乡村振兴驻村帮扶工作"
    assert rows[2][s.TOTAL_BUDGET_YUAN] == _wan("11.5")


def _synthetic(**kwargs: object) -> tuple[SourceDocument, SyntheticDisclosure]:
    disclosure = SyntheticDisclosure(**kwargs)
    return SourceDocument.from_text("synthetic.txt", disclosure.text()), disclosure


def test_synthetic_identity_and_department() -> None:
    doc, _ = _synthetic()
    identity = facts.identify_document(doc)
    assert identity.department == "长沙市岳麓区城市更新服务中心"
    assert identity.region == "长沙市岳麓区"
    assert identity.fiscal_year == 2024
    row = facts.extract_department(doc, identity)
    assert row[s.UNIT_TYPE] == "公益二类事业单位"
    assert (row[s.STAFF_AUTHORIZED], row[s.STAFF_ACTUAL], row[s.SUBORDINATE_UNITS]) == (35, 31, 2)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("为区人民政府工作部门，属行政单位。", "行政单位"),
        ("为参照公务员法管理的事业单位。", "参公事业单位"),
        ("为公益三类事业单位。", "公益三类事业单位"),
        ("为区政府直属事业单位。", "事业单位"),
    ],
)
def test_unit_types(sentence: str, expected: str) -> None:
    doc, _ = _synthetic(unit_type_sentence=sentence)
    assert facts.extract_department(doc, facts.identify_document(doc))[s.UNIT_TYPE] == expected


def test_synthetic_composition_other_figures_and_wrapped_label() -> None:
    composition = Composition(appropriation=("３１０．２５", "300", "280"), unit_funds=("1,000", "20", "10"))
    doc, _ = _synthetic(year=2026, composition=composition)
    rows = facts.extract_fund_composition(doc, facts.identify_document(doc))
    got = {(r[s.SIDE], r[s.NAME], r[s.FISCAL_YEAR]): r[s.AMOUNT_YUAN] for r in rows}
    assert got[("income", "财政拨款", 2026)] == _wan("310.25")
    assert got[("income", "单位资金", 2026)] == _wan("1000")
    assert got[("income", "财政拨款", 2024)] == _wan("280")
    assert got[("expenditure", "特定目标类项目支出", 2025)] == _wan("1360")
    assert got[("expenditure", "合计", 2026)] == _wan("2500")


def test_composition_in_yuan() -> None:
    composition = Composition(
        appropriation=("24105000", "22000000", "19802500"),
        unit_funds=("895000", "1000000", "197500"),
        personnel=("9001000", "8500000", "8000000"),
        operation=("999000", "900000", "1000000"),
        specific=("15000000", "13600000", "11000000"),
    )
    doc, _ = _synthetic(composition=composition, unit_line="单位：元")
    rows = facts.extract_fund_composition(doc, facts.identify_document(doc))
    totals = {r[s.SIDE]: r[s.AMOUNT_YUAN] for r in rows if r[s.NAME] == "合计" and r[s.FISCAL_YEAR] == 2024}
    assert totals == {"income": Decimal("25000000.00"), "expenditure": Decimal("25000000.00")}


def test_composition_without_unit_is_refused() -> None:
    doc, _ = _synthetic(unit_line="")
    with pytest.raises(ReaderError, match=r"synthetic\.txt, line \d+: the 总体资金情况 table has no unit"):
        facts.extract_fund_composition(doc, facts.identify_document(doc))


def test_composition_cut_off_is_refused() -> None:
    _, d = _synthetic()
    lines = d.lines()
    cut = next(i for i, line in enumerate(lines) if line.startswith("支出"))
    doc = SourceDocument.from_text("cut.txt", "\n\n".join(lines[:cut]))
    with pytest.raises(ReaderError, match=r"cut\.txt, line \d+: .*no 支出 合计 row"):
        facts.extract_fund_composition(doc, facts.identify_document(doc))


def test_synthetic_projects() -> None:
    doc, _ = _synthetic()
    rows = facts.extract_projects(doc, facts.identify_document(doc))
    assert [(r[s.NAME], r[s.TOTAL_BUDGET_YUAN], r[s.YEAR_BUDGET_YUAN], r[s.PURPOSE]) for r in rows] == [
        ("老旧小区改造类项目", _wan("1200"), _wan("1000"), "用于老旧小区加装电梯和管网改造"),
        ("专项业务类项目", _wan("500"), _wan("500"), "用于城市更新规划编制"),
    ]


@pytest.mark.parametrize(
    ("name", "region", "rest"),
    [
        ("上海市普陀区万里街道办事处", "上海市普陀区", "万里街道办事处"),
        ("武汉市汉阳区市场监督管理局", "武汉市汉阳区", "市场监督管理局"),
        ("江苏省高级人民法院", "江苏省", "高级人民法院"),
        ("广西壮族自治区南宁市青秀区教育局", "广西壮族自治区南宁市青秀区", "教育局"),
    ],
)
def test_split_region(name: str, region: str, rest: str) -> None:
    assert facts.split_region(name) == (region, rest)


def test_no_title_is_refused() -> None:
    doc = SourceDocument.from_text("novel.txt", "从前有座山\n山里有座庙\n" * 30)
    with pytest.raises(ReaderError, match=r"novel\.txt: not a budget disclosure"):
        facts.identify_document(doc)


@pytest.mark.parametrize(
    ("printed", "department_id"),
    [
        ("中共江苏省委办公厅", "江苏省委办公厅"),
        ("中国共产党江苏省委员会办公厅", "江苏省委办公厅"),
        ("江苏省委办公厅", "江苏省委办公厅"),
        ("上海市普陀区商务委员会", "上海市普陀区商务委"),
    ],
)
def test_department_id_is_stable_across_printed_forms(printed: str, department_id: str) -> None:
    identity = facts.DocumentIdentity(printed, None, 2024, "budget", "department", facts.SourceLine(1, printed))
    assert identity.department_id == department_id


@pytest.mark.parametrize(
    ("lines", "name", "year"),
    [
        (["江苏省政协办公厅 2018 年度", "部门预算公开"], "江苏省政协办公厅", 2018),
        (["2018 年度江苏省高级", "人民法院预算公开"], "江苏省高级人民法院", 2018),
        (["上海市普陀区规划和自然", "资源局", "2024 年度部门决算"], "上海市普陀区规划和自然资源局", 2024),
        (
            ["上海市长宁区2026年区级部门预算", "预算主管部门：上海市长宁区卫生健康委员会"],
            "上海市长宁区卫生健康委员会",
            2026,
        ),
    ],
)
def test_cover_titles(lines: list[str], name: str, year: int) -> None:
    doc = SourceDocument.from_text("cover.txt", "\n".join([*lines, *(["正文"] * 30)]))
    identity = facts.identify_document(doc)
    assert (identity.department, identity.fiscal_year) == (name, year)


@pytest.mark.parametrize(
    ("sentence", "authorized", "subordinate"),
    [
        ("本部门编制 86 名，其中行政编制 40 名、事业编制 46 名。", 86, None),
        ("部门预算是包括本部以及下属 3 家预算单位的综合收支计划。", None, 3),
        ("核定编制为二十五人。", 25, None),
    ],
)
def test_staffing_wordings(sentence: str, authorized: int | None, subordinate: int | None) -> None:
    doc = SourceDocument.from_text("x.txt", f"第一部分 某局概况\n{sentence}\n第二部分 某局2024年部门预算表\n")
    identity = facts.DocumentIdentity("某局", None, 2024, "budget", "department", doc.lines[0])
    row = facts.extract_department(doc, identity)
    assert (row[s.STAFF_AUTHORIZED], row[s.SUBORDINATE_UNITS]) == (authorized, subordinate)
