"""The PDF builders of tests/pdf_synthetic.py: what pdfium reads from them, and the spec's own arithmetic."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.pdf_synthetic import (
    ECONOMIC_COLUMNS,
    EXPENDITURE_COLUMNS,
    GENERAL_COLUMNS,
    INCOME_COLUMNS,
    THREE_PUBLIC_COLUMNS,
    DisclosureSpec,
    EconomicLine,
    FunctionLine,
    TableRow,
    build_corrupt_pdf,
    build_disclosure_pdf,
    build_encrypted_pdf,
    build_scanned_pdf,
    build_split_disclosure,
    build_unrelated_pdf,
    table_titles,
)

#: A second department, with its own names, year and figures (amounts in 元, cents included).
OTHER = DisclosureSpec(
    region="上海市虹口区",
    department="上海市虹口区文化和旅游局",
    year=2024,
    decimals=2,
    staff_admin=31,
    staff_institution=12,
    staff_actual=40,
    retirees=9,
    units=(("上海市虹口区文化和旅游局（本部）", "行政"), ("上海市虹口区图书馆", "事业")),
    function_lines=(
        FunctionLine("2070101", "行政运行", "5123456.78", "0"),
        FunctionLine("2070104", "图书馆", "1800000", "2450000.50", business="30000"),
        FunctionLine("2070199", "其他文化和旅游支出", "0", "987000"),
        FunctionLine("2080505", "机关事业单位基本养老保险缴费支出", "612000", "0"),
    ),
    group_names=(
        ("207", "文化旅游体育与传媒支出"),
        ("20701", "文化和旅游"),
        ("208", "社会保障和就业支出"),
        ("20805", "行政事业单位养老支出"),
    ),
    prior_income_total="11500000",
    vehicle_purchase="0",
    vehicle_operation="84000",
    reception="6500",
    operation_costs="1023400",
)


def _texts(path: Path, password: str | None = None) -> list[str]:
    """The text layer of every page, as pdfium extracts it."""
    pdf = pdfium.PdfDocument(path, password=password)
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def _sizes(path: Path) -> list[tuple[float, float]]:
    pdf = pdfium.PdfDocument(path)
    try:
        return [pdf[i].get_size() for i in range(len(pdf))]
    finally:
        pdf.close()


def _table_pages(texts: list[str], spec: DisclosureSpec, key: str) -> list[list[str]]:
    """The lines of the pages of one table: its title page and the untitled continuation pages after it."""
    titles = set(table_titles(spec.year).values())
    start = next(i for i, text in enumerate(texts) if table_titles(spec.year)[key] in text.splitlines())
    pages = [texts[start].splitlines()]
    for text in texts[start + 1 :]:
        lines = text.splitlines()
        if titles & set(lines) or not lines or not lines[0].startswith("项目"):
            break
        pages.append(lines)
    return pages


def _codes(row: TableRow, spec: DisclosureSpec) -> str:
    kuan = row.code[3:5]
    if row.code[:5] == spec.unpadded_kuan_code():
        kuan = kuan.lstrip("0")
    return " ".join(part for part in (row.code[:3], kuan, row.code[5:7]) if part)


def _assert_rows(lines: list[str], rows: list[TableRow], columns: tuple[str, ...], spec: DisclosureSpec) -> None:
    """Each row's codes and name start a line; its amounts end that line or, when the name wraps, the next one."""
    for row in rows:
        head = f"{_codes(row, spec)} {row.name[:8]}"
        amounts = " ".join(a for a in (spec.format_amount(row.amounts[c]) for c in columns) if a)
        at = [i for i, line in enumerate(lines) if line.startswith(head)]
        assert at, f"no line starts with {head!r}"
        assert any(lines[i].endswith(amounts) or lines[i + 1].endswith(amounts) for i in at), (row, amounts)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[DisclosureSpec, Path, list[str]]:
    spec = DisclosureSpec()
    path = build_disclosure_pdf(tmp_path_factory.mktemp("pdf") / "jingan_njxl_2025_dept_budget.pdf", spec)
    return spec, path, _texts(path)


def test_cover_and_text_pages(built: tuple[DisclosureSpec, Path, list[str]]) -> None:
    spec, path, texts = built
    assert texts[0].splitlines() == ["上海市静安区2025年区级部门预算", f"预算主管部门：{spec.department}"]
    text = "\n".join(texts)
    assert f"{spec.department}（部门）主要职能" in text
    organisation = next(t for t in texts if f"{spec.department}（部门）机构设置" in t).replace("\r\n", "")
    assert f"下属 {spec.subordinate_units()} 家预算单位" in organisation
    assert spec.subordinate_units() == 4
    assert "行政单位 1 家，参公单位 1 家，事业单位 3 家" in organisation
    assert f"本部门编制 {spec.staff_authorized()} 名，其中行政编制 48 名、事业编制 86 名" in organisation
    assert f"实有人数 {spec.staff_actual} 名" in organisation
    for name, _ in spec.unit_list():
        assert name in organisation
    sizes = _sizes(path)
    assert sizes[0][0] < sizes[0][1], "text pages are portrait"
    title_pages = [i for i, t in enumerate(texts) if set(t.splitlines()) & set(table_titles(spec.year).values())]
    assert all(sizes[i][0] > sizes[i][1] for i in title_pages), "table pages are landscape"


def test_every_table_has_title_department_and_unit_lines(built: tuple[DisclosureSpec, Path, list[str]]) -> None:
    spec, _, texts = built
    for key, title in table_titles(spec.year).items():
        pages = [t.splitlines() for t in texts if title in t.splitlines()]
        assert len(pages) == 1, title
        unit = "单位:万元" if key == "three_public" else "单位：元"
        assert pages[0][1] == f"编制部门：{spec.department} {unit}"


@pytest.mark.parametrize(("key", "columns"), [("income", INCOME_COLUMNS), ("expenditure", EXPENDITURE_COLUMNS)])
def test_income_and_expenditure_tables_print_every_row(
    built: tuple[DisclosureSpec, Path, list[str]], key: str, columns: tuple[str, ...]
) -> None:
    spec, _, texts = built
    lines = [line for page in _table_pages(texts, spec, key) for line in page]
    assert "类 款 项" in lines
    _assert_rows(lines, spec.function_rows(key), columns, spec)
    total = spec.function_total(key)
    assert f"合计 {' '.join(spec.format_amount(total[c]) for c in columns)}" in lines
    assert total["合计"] == spec.income_total() == spec.expenditure_total() == Decimal("74652200")


def test_general_table_spans_two_pages(built: tuple[DisclosureSpec, Path, list[str]]) -> None:
    spec, _, texts = built
    pages = _table_pages(texts, spec, "general")
    assert len(pages) == 2
    first, second = pages
    assert first[0] == table_titles(spec.year)["general"]
    assert second[0] == "项目 一般公共预算支出"
    assert not any(line.startswith("编制部门") for line in second)
    rows = spec.function_rows("general")
    assert any(line.startswith(f"{_codes(rows[0], spec)} {rows[0].name}") for line in first)
    assert any(line.startswith(f"{_codes(rows[-1], spec)} {rows[-1].name}") for line in second)
    _assert_rows(first + second, rows, GENERAL_COLUMNS, spec)
    total = spec.function_total("general")
    assert second[-1] == f"合计 {' '.join(spec.format_amount(total[c]) for c in GENERAL_COLUMNS)}"
    assert total["合计"] == spec.in_unit(spec.income_by_source()["财政拨款收入"])


def test_summary_table_is_two_sided(built: tuple[DisclosureSpec, Path, list[str]]) -> None:
    spec, _, texts = built
    (lines,) = _table_pages(texts, spec, "summary")
    income = {k: spec.format_amount(spec.in_unit(v)) for k, v in spec.income_by_source().items()}
    classes = spec.class_totals()
    assert lines[2:4] == ["本年收入 本年支出", "项目 预算数 项目 预算数"]
    first_class = f"一、{classes[0][1]} {spec.format_amount(classes[0][2])}"
    assert f"一、财政拨款收入 {income['财政拨款收入']} {first_class}" in lines
    assert f"二、事业收入 {income['事业收入']}" in lines
    assert f"四、其他收入 {income['其他收入']}" in lines
    total = spec.format_amount(spec.income_total())
    assert lines[-1] == f"收入总计 {total} 支出总计 {total}"
    assert sum((amount for _, _, amount in classes), Decimal(0)) == spec.expenditure_total()


def test_empty_government_fund_table(built: tuple[DisclosureSpec, Path, list[str]]) -> None:
    spec, _, texts = built
    (lines,) = _table_pages(texts, spec, "fund")
    header_end = lines.index("类 款 项")
    assert lines[header_end + 1] == "本部门无政府性基金预算支出"
    assert lines[header_end + 2] == "合计"
    assert not any(ch == "," for line in lines[header_end:] for ch in line)


def test_economic_table_split_codes(built: tuple[DisclosureSpec, Path, list[str]]) -> None:
    spec, _, texts = built
    lines = [line for page in _table_pages(texts, spec, "economic") for line in page]
    for row in spec.economic_rows():
        code = row.code if len(row.code) == 3 else f"{row.code[:3]} {row.code[3:]}"
        amounts = " ".join(spec.format_amount(row.amounts[c]) for c in ECONOMIC_COLUMNS)
        assert f"{code} {row.name} {amounts}" in lines
    assert spec.economic_total() == spec.basic_total()


def test_three_public_table(built: tuple[DisclosureSpec, Path, list[str]]) -> None:
    spec, _, texts = built
    (lines,) = _table_pages(texts, spec, "three_public")
    figures = spec.three_public()
    printed = " ".join(format(figures[c].normalize(), "f") for c in THREE_PUBLIC_COLUMNS)
    assert lines[-1] == printed == "41.8 0 40.6 25 15.6 1.2 234.56"


def test_narrative_figures(built: tuple[DisclosureSpec, Path, list[str]]) -> None:
    spec, _, texts = built
    narrative = next(t for t in texts if "2025年部门预算编制说明" in t.splitlines()).replace("\r\n", "")
    total = spec.format_wan(spec.income_by_source()["合计"])
    assert spec.income_change() == Decimal("345.22")
    assert spec.income_change_percent() == Decimal("4.85")
    assert f"收入预算{total}万元，比2024年预算增加345.22万元，增长4.85%" in narrative
    appropriation = spec.income_by_source()["财政拨款收入"]
    assert f"财政拨款收入{spec.format_wan(appropriation)}万元，占{spec.share(appropriation)}%" in narrative
    assert f"基本支出{spec.format_wan(spec.basic_total())}万元，占{spec.share(spec.basic_total())}%" in narrative
    assert "“一般公共服务支出（类）统计信息事务（款）专项普查活动（项）”18.65万元" in narrative


def test_long_name_wraps_inside_its_cell(built: tuple[DisclosureSpec, Path, list[str]]) -> None:
    spec, _, texts = built
    lines = _table_pages(texts, spec, "income")[0]
    name = "机关事业单位基本养老保险缴费支出"
    assert not any(name in line for line in lines)
    assert name in "".join(lines)


def test_variants_negative_unpadded_joined_blank(tmp_path: Path) -> None:
    spec = DisclosureSpec(negative=True, unpadded_kuan=True, economic_codes_joined=True, zero_as_blank=True)
    texts = _texts(build_disclosure_pdf(tmp_path / "variant.pdf", spec))
    income = [line for page in _table_pages(texts, spec, "income") for line in page]
    assert spec.unpadded_kuan_code() == "20103"
    assert any(line.startswith("201 3 01 行政运行 18,806,300 18,806,300") for line in income)
    assert any(line.endswith("(1,200) (1,200)") for line in income)
    _assert_rows(income, spec.function_rows("income"), INCOME_COLUMNS, spec)
    lei = spec.function_rows("income")[0]
    assert lei.amounts["合计"] == Decimal("21111600")
    economic = [line for page in _table_pages(texts, spec, "economic") for line in page]
    assert "30101 基本工资 6,758,600 6,758,600" in economic
    general = [line for page in _table_pages(texts, spec, "general") for line in page]
    assert any(line.startswith("201 03 01 行政运行") for line in general), "only the two total tables drop the zero"


def test_wan_unit(tmp_path: Path) -> None:
    spec = DisclosureSpec(unit="万元")
    texts = _texts(build_disclosure_pdf(tmp_path / "wan.pdf", spec))
    lines = [line for page in _table_pages(texts, spec, "expenditure") for line in page]
    assert lines[1] == f"编制部门：{spec.department} 单位：万元"
    assert "201 03 01 行政运行 1880.63 1845.63 35.00" in lines
    assert spec.income_total() == Decimal("7465.22")
    _assert_rows(lines, spec.function_rows("expenditure"), EXPENDITURE_COLUMNS, spec)


def test_other_department_and_cents(tmp_path: Path) -> None:
    spec = OTHER
    texts = _texts(build_disclosure_pdf(tmp_path / "hongkou.pdf", spec))
    assert texts[0].splitlines() == ["上海市虹口区2024年区级部门预算", "预算主管部门：上海市虹口区文化和旅游局"]
    assert spec.income_total() == Decimal("11002457.28")
    assert spec.format_amount(spec.income_total()) == "11,002,457.28"
    for key, columns in (
        ("income", INCOME_COLUMNS),
        ("expenditure", EXPENDITURE_COLUMNS),
        ("general", GENERAL_COLUMNS),
    ):
        lines = [line for page in _table_pages(texts, spec, key) for line in page]
        assert lines[0] == table_titles(2024)[key]
        _assert_rows(lines, spec.function_rows(key), columns, spec)
    (summary,) = _table_pages(texts, spec, "summary")
    assert summary[-1] == "收入总计 11,002,457.28 支出总计 11,002,457.28"
    narrative = "".join(texts).replace("\r\n", "")
    assert "收入预算1100.25万元，比2023年预算减少49.75万元，下降4.33%" in narrative
    assert "下属 1 家预算单位" in narrative


def test_split_disclosure_holds_the_same_pages(tmp_path: Path, built: tuple[DisclosureSpec, Path, list[str]]) -> None:
    spec, _, whole = built
    narrative, tables = build_split_disclosure(tmp_path, spec, stem="jingan_njxl_2025_dept_budget")
    assert narrative.name == "jingan_njxl_2025_dept_budget_narrative.pdf"
    assert tables.name == "jingan_njxl_2025_dept_budget_tables.pdf"
    narrative_texts, table_texts = _texts(narrative), _texts(tables)
    assert sorted(narrative_texts + table_texts) == sorted(whole)
    assert table_texts[0].splitlines()[0] == table_titles(spec.year)["summary"]
    titles = set(table_titles(spec.year).values())
    assert not any(titles & set(t.splitlines()) for t in narrative_texts)
    assert all(w > h for w, h in _sizes(tables))


def test_scanned_pdf_has_pages_but_no_text(tmp_path: Path) -> None:
    path = build_scanned_pdf(tmp_path / "scanned.pdf")
    pdf = pdfium.PdfDocument(path)
    try:
        assert len(pdf) == 2
        for i in range(len(pdf)):
            assert pdf[i].get_textpage().count_chars() == 0
    finally:
        pdf.close()


def test_encrypted_pdf_needs_its_password(tmp_path: Path) -> None:
    path = build_encrypted_pdf(tmp_path / "encrypted.pdf", user_password="s3cret")
    with pytest.raises(pdfium.PdfiumError):
        pdfium.PdfDocument(path)
    with pytest.raises(pdfium.PdfiumError):
        pdfium.PdfDocument(path, password="wrong")
    texts = _texts(path, password="s3cret")
    assert "预算主管部门：上海市静安区人民政府南京西路街道办事处" in texts[0]


def test_corrupt_pdf_raises_or_has_no_pages(tmp_path: Path) -> None:
    whole = build_disclosure_pdf(tmp_path / "whole.pdf")
    path = build_corrupt_pdf(tmp_path / "corrupt.pdf")
    assert path.stat().st_size < whole.stat().st_size // 2
    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError:
        return
    try:
        assert len(pdf) == 0
    finally:
        pdf.close()


def test_unrelated_pdf_is_text_but_no_budget(tmp_path: Path) -> None:
    text = "".join(_texts(build_unrelated_pdf(tmp_path / "menu.pdf")))
    assert "红烧肉" in text
    assert "预算" not in text
    assert "编制部门" not in text


# -- the spec's arithmetic -----------------------------------------------------------------------------------------


def _check_consistency(spec: DisclosureSpec) -> None:
    """类 = Σ 款 = Σ 项 in every column of every function table; totals agree across tables."""
    for key, columns in (
        ("income", INCOME_COLUMNS),
        ("expenditure", EXPENDITURE_COLUMNS),
        ("general", GENERAL_COLUMNS),
    ):
        rows = spec.function_rows(key)
        for row in rows:
            if row.level == "项":
                continue
            children = [r for r in rows if r.code.startswith(row.code) and r.level == "款"]
            leaves = [r for r in rows if r.code.startswith(row.code) and r.level == "项"]
            for column in columns:
                leaf_sum = sum((r.amounts[column] for r in leaves), Decimal(0))
                assert row.amounts[column] == leaf_sum, (key, row.code, column)
                if row.level == "类":
                    assert row.amounts[column] == sum((r.amounts[column] for r in children), Decimal(0))
        for row in rows:
            assert row.amounts["合计"] == sum((row.amounts[c] for c in columns[1:]), Decimal(0))
        total = spec.function_total(key)
        assert total["合计"] == sum((r.amounts["合计"] for r in rows if r.level == "类"), Decimal(0))
    assert spec.function_total("income")["合计"] == spec.function_total("expenditure")["合计"] == spec.income_total()
    assert spec.function_total("general")["合计"] == spec.function_total("income")["财政拨款收入"]
    assert spec.function_total("general")["基本支出"] == spec.function_total("expenditure")["基本支出"]
    economic = spec.economic_rows()
    for row in economic:
        assert row.amounts["合计"] == row.amounts["人员经费"] + row.amounts["公用经费"]
        if row.level == "类":
            members = [r for r in economic if r.level == "款" and r.code.startswith(row.code)]
            assert row.amounts["合计"] == sum((r.amounts["合计"] for r in members), Decimal(0))
    assert spec.in_unit(spec.economic_total()) == spec.function_total("general")["基本支出"]
    three = spec.three_public()
    assert three["合计"] == three["因公出国(境)费"] + three["小计"] + three["公务接待费"]
    assert three["小计"] == three["购置费"] + three["运行费"]


@pytest.mark.parametrize(
    "spec",
    [DisclosureSpec(), DisclosureSpec(negative=True), DisclosureSpec(unit="万元"), OTHER],
    ids=["default", "negative", "wan", "other"],
)
def test_spec_totals_are_consistent(spec: DisclosureSpec) -> None:
    _check_consistency(spec)
    assert [r.level for r in spec.function_rows()][:3] == ["类", "款", "项"]


_amounts = st.integers(min_value=0, max_value=50_000_000).map(lambda n: Decimal(n) * 100)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["2010301", "2010302", "2080505", "2080705", "2120101"]), _amounts, _amounts, _amounts
        ),
        min_size=1,
        max_size=5,
        unique_by=lambda t: t[0],
    )
)
def test_spec_totals_are_consistent_for_any_figures(leaves: list[tuple[str, Decimal, Decimal, Decimal]]) -> None:
    lines = tuple(
        FunctionLine(code, f"项{code}", basic, project, other=other) for code, basic, project, other in leaves
    )
    spec = DisclosureSpec(function_lines=lines)
    _check_consistency(spec)
    assert spec.income_total() == sum((line.total for line in lines), Decimal(0))


def test_spec_refuses_inexact_money() -> None:
    with pytest.raises(TypeError):
        FunctionLine("2010301", "行政运行", 1.5, "0")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="万元"):
        DisclosureSpec(unit="万元", function_lines=(FunctionLine("2010301", "行政运行", "150", "0"),))
    with pytest.raises(ValueError, match="0 decimals"):
        DisclosureSpec(function_lines=(FunctionLine("2010301", "行政运行", "1.50", "0"),))
    with pytest.raises(ValueError, match="group_names"):
        DisclosureSpec(function_lines=(FunctionLine("2999999", "其他支出", "100", "0"),))
    with pytest.raises(ValueError, match="economic"):
        DisclosureSpec(economic_lines=(EconomicLine("30101", "基本工资", "1", "0"),))
