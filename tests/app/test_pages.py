from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from analytics import schema as s
from analytics.compare import MEASURE_LABELS
from analytics.reference import table_catalog
from analytics.store import Dataset, save_dataset
from tests.app.conftest import ARCHIVES, built_dataset, page, table, tables
from tests.app.doubtful import DoubtfulDisclosure

if TYPE_CHECKING:
    import pandas as pd

ROOT = Path(__file__).resolve().parents[2]


def _page(path: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page(path).run()
    assert not at.exception
    return at


def test_department_profile() -> None:
    at = _page("app_pages/department.py")
    assert at.title[0].value == "部门画像"
    at.selectbox(key="department_pick").select("武汉市汉阳区大数据中心").run()
    assert not at.exception
    # Years side by side, as printed (万元, two decimals).
    figures = at.dataframe[0].value
    income = figures[figures["指标"] == "收入合计"].iloc[0]
    assert [income["2021年"], income["2022年"], income["2023年"]] == ["2,330.28", "1,652.62", "1,370.19"]
    assert income["最近一年比上年（%）"] == "-17.1" and not figures.isna().any().any()
    # The long form keeps each year's figure and change; the first year has none.
    long = next(frame.value for frame in at.dataframe if "同比（%）" in frame.value.columns)
    income = long[long["指标"] == "收入合计"].sort_values("年度")
    assert income["金额（万元）"].to_list() == [2330.28, 1652.62, 1370.19]
    assert income["同比（%）"].iloc[0] == "—" and not long.isna().any().any()
    # The seed's findings are listed with where they were published.
    findings = next(frame.value for frame in at.dataframe if "说明" in frame.value.columns)
    assert any("安全报告" in text for text in findings["说明"].to_list())


def test_department_with_one_year_shows_an_empty_state() -> None:
    at = _page("app_pages/department.py")
    at.selectbox(key="department_pick").select("上海市普陀区社会福利院").run()
    assert not at.exception
    # One year of documents, one year of totals: the empty state says how many years were read, of which phase.
    assert any(info.value == "预算收支合计只读出 1 年，无法显示趋势。" for info in at.info)


def test_compare_page() -> None:
    at = _page("app_pages/compare.py")
    assert at.title[0].value == "对比"
    at.selectbox(key="compare_measure").select("income_total").run()
    at.multiselect(key="compare_departments").set_value(["江苏省人民检察院", "江苏省高级人民法院"]).run()
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 4  # trends, slope, peers, findings
    at.multiselect(key="compare_departments").set_value([]).run()
    assert any("至少一个部门" in info.value for info in at.info)


def test_compare_defaults_to_long_series_and_says_when_no_department_has_both_years() -> None:
    at = _page("app_pages/compare.py")
    # The seed is the one department with three years in the default dataset.
    assert "武汉市汉阳区大数据中心" in at.multiselect(key="compare_departments").value
    # 万里街道 published 2023 and 2024, 商务委员会 only 2025: no department has both 2023 and 2025.
    at.multiselect(key="compare_departments").set_value(
        ["上海市普陀区人民政府万里街道办事处", "上海市普陀区商务委员会"]
    ).run()
    at.select_slider(key="compare_years").set_value((2023, 2025)).run()
    assert not at.exception
    assert any("没有同时公开这两个年度" in info.value for info in at.info)
    at.select_slider(key="compare_years").set_value((2023, 2024)).run()
    assert not any("没有同时公开这两个年度" in info.value for info in at.info)
    assert len(at.get("vega_lite_chart")) == 4


def test_compare_names_the_departments_a_slope_cannot_draw() -> None:
    import json

    at = _page("app_pages/compare.py")
    at.selectbox(key="compare_measure").select("income_total").run()
    # 万里街道 published 2023 and 2024, 商务委员会 only 2025, 检察院 2017 and 2018.
    chosen = ["上海市普陀区人民政府万里街道办事处", "上海市普陀区商务委员会", "江苏省人民检察院"]
    at.multiselect(key="compare_departments").set_value(chosen).run()
    at.select_slider(key="compare_years").set_value((2023, 2025)).run()
    assert not at.exception
    assert [caption.value for caption in at.caption if caption.value.startswith("缺少")] == [
        "缺少2023年数据：上海市普陀区商务委员会",
        "缺少2025年数据：上海市普陀区人民政府万里街道办事处",
        "缺少2023年和2025年数据：江苏省人民检察院",
    ]
    # A drawn slope (万里街道 has both years) names the others in its subtitle.
    at.select_slider(key="compare_years").set_value((2023, 2024)).run()
    slope = json.loads(at.get("vega_lite_chart")[1].proto.spec)
    assert slope["title"]["subtitle"] == ["缺少2023年和2024年数据：上海市普陀区商务委员会、江苏省人民检察院"]
    assert slope["title"]["text"] == "收入合计：2023年与2024年对比（万元）"


def test_department_page_opens_on_the_longest_series() -> None:
    at = _page("app_pages/department.py")
    assert at.selectbox(key="department_pick").value == "武汉市汉阳区大数据中心"


def test_peers_focus_on_a_department_with_peers_and_say_when_there_are_none() -> None:
    at = _page("app_pages/compare.py")
    at.multiselect(key="compare_departments").set_value(["武汉市汉阳区大数据中心", "江苏省人民检察院"]).run()
    # The seed is alone in its district; the focus goes to the department that has peers.
    assert at.selectbox(key="compare_focus").value == "江苏省人民检察院"
    at.selectbox(key="compare_focus").select("武汉市汉阳区大数据中心").run()
    assert not at.exception
    assert any("没有可比的同类部门" in info.value for info in at.info)


def test_department_page_lists_model_findings_with_their_peer_group() -> None:
    at = _page("app_pages/department.py")
    at.selectbox(key="department_pick").select("江苏省委办公厅").run()
    assert not at.exception
    flags = next(frame.value for frame in at.dataframe if "规则族" in frame.value.columns)
    models = flags[flags["规则族"] == "异常模型"]
    assert len(models) > 0
    assert (models["比较组（模型）"] != "—").all() and (models["得分（模型）"] != "—").all()
    # Every finding by its labels (a severity, a rule's title), never a code or an empty cell reading None.
    assert set(flags["级别"]) <= {"错误", "警示", "提示"}
    assert not flags["规则"].str.contains(r"^[a-z_.]+$").any()
    assert not flags.isna().any().any()
    rules = flags[flags["规则族"] != "异常模型"]
    assert (rules["比较组（模型）"] == "—").all()


def test_department_figures_say_where_they_were_published_and_targets_show_earlier_years() -> None:
    at = _page("app_pages/department.py")
    at.selectbox(key="department_pick").select("武汉市汉阳区大数据中心").run()
    assert not at.exception
    figures = at.dataframe[0].value
    assert set(figures["文件"]) == {"hanyang_bigdata_2023_dept_budget.txt"}
    targets = next(d.value for d in at.dataframe if "往年目标" in d.value.columns)
    # The seed's form prints 2021 and 2022 targets beside 2023's (e.g. 2022: 3000条以上).
    assert any("2022：" in text for text in targets["往年目标"].to_list())


def test_department_sources_give_page_line_and_text() -> None:
    at = _page("app_pages/department.py")
    at.selectbox(key="department_pick").select("江苏省委办公厅").run()
    assert not at.exception
    sources = next(d.value for d in at.dataframe if "原文" in d.value.columns and "页码" in d.value.columns)
    assert len(sources) > 0
    assert sources["页码"].notna().all() and (sources["原文"].str.len() > 0).all()


def test_compare_peer_basis_after_the_english_switch() -> None:
    at = _page("app_pages/compare.py")
    at.sidebar.toggle[0].set_value(True).run()
    at.radio(key="compare_peer_basis").set_value("function").run()
    assert not at.exception
    assert at.radio(key="compare_peer_basis").options == ["region", "unit type", "main function class"]


# --- figures the readers doubt --------------------------------------------------------------------------------------


def test_department_figures_a_reading_contradicts_are_marked(doubtful_dataset: Dataset) -> None:
    doubtful = DoubtfulDisclosure()
    at = _page("app_pages/department.py")
    at.selectbox(key="department_pick").select(doubtful.department).run()
    assert not at.exception
    figures = table(at, "指标", "金额（万元）")
    marked = figures[figures["读数"] == "⚠ 读数存疑"]
    # The 三公 小计 is not 出国 + 公务用车 + 接待: the two parts no other identity confirms are the doubtful ones.
    parts = {MEASURE_LABELS[m][0] for m in ("overseas_travel", "reception")}
    assert set(marked["指标"]) == parts
    assert set(figures.loc[figures["读数"] == "", "指标"]).isdisjoint(parts)
    assert all(why.startswith("不符：“三公”经费小计") for why in marked["核实依据"])
    reception = marked[marked["指标"] == MEASURE_LABELS["reception"][0]]["金额（万元）"].item()
    assert reception == float(doubtful.reception)
    assert any("读数存疑" in c.value for c in at.caption)
    sources = table(at, "原文", "核实")
    assert set(sources["核实"]) <= {"已核实", "未核实", "⚠ 不符"}
    assert set(sources["表或部分"]) <= set(table_catalog().get_column("name_zh"))


def test_department_figures_without_doubts_carry_no_mark(doubtful_dataset: Dataset) -> None:
    at = _page("app_pages/department.py")
    at.selectbox(key="department_pick").select(ARCHIVES.full_name).run()
    assert not at.exception
    assert "读数" not in table(at, "指标", "金额（万元）").columns
    assert not any("读数存疑" in c.value for c in at.caption)


def test_a_whole_identity_that_fails_marks_the_three_public_total(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doubtful = DoubtfulDisclosure(printed_total="540.00")  # 三公 300 + 会议 150 + 培训 100 is 550
    stored = save_dataset(built_dataset(tmp_path, doubtful), tmp_path / "ds")
    monkeypatch.setenv("ANALYTICS_DATASET", str(stored.path))
    at = _page("app_pages/department.py")
    at.selectbox(key="department_pick").select(doubtful.department).run()
    figures = table(at, "指标", "金额（万元）")
    marked = set(figures.loc[figures["读数"] == "⚠ 读数存疑", "指标"])
    assert MEASURE_LABELS["three_public"][0] in marked
    assert MEASURE_LABELS["vehicles"][0] not in marked  # 公务用车 = 购置费 + 运行费 still holds


# --- figures no table prints --------------------------------------------------------------------------------------

#: 测试区庚局 2030: a 收支总表 whose 支出总计 is contradicted, and a narrative that states the 三公经费, its 出国 and
#: 接待 (the 公务用车 figure is derived from them).
NARRATIVE_DEPARTMENT = "测试区庚局"
WHY = "不符：收入总计 = 支出总计; 另表同数：income_summary"


def _narrative_dataset() -> Dataset:
    def line(side: str, name: str, amount: str, verification: str, why: str | None) -> dict[str, object]:
        return {
            s.DOC_ID: "g", s.DEPARTMENT_ID: NARRATIVE_DEPARTMENT, s.FISCAL_YEAR: 2030, s.AS_OF_YEAR: 2030,
            s.PHASE: "budget", s.TABLE: "income_expenditure_summary", s.SIDE: side, s.CLASSIFICATION: "total",
            s.NAME: name, s.COLUMN: "total", s.AMOUNT_BASIS: "budget", s.AMOUNT_YUAN: Decimal(amount),
            s.VERIFICATION: verification, s.VERIFIED_BY: why, s.PAGE: 2, s.LINE: 9, s.SOURCE_TEXT: f"{name} {amount}",
        }  # fmt: skip

    def statement(seq: int, subject: str, amount: str) -> dict[str, object]:
        return {
            s.DOC_ID: "g", s.SEQ: seq, s.DEPARTMENT_ID: NARRATIVE_DEPARTMENT, s.FISCAL_YEAR: 2030,
            s.SUBJECT: subject, s.AMOUNT_YUAN: Decimal(amount), s.LINE: seq, s.SOURCE_TEXT: f"{subject}{amount}元。",
        }  # fmt: skip

    lines = [
        line("income", "收入总计", "5230000", "verified", "收入合计 = 各来源之和"),
        line("expenditure", "支出总计", "5320000", "contradicted", WHY),
    ]
    statements = [
        statement(1, "“三公”经费预算", "96000"),
        statement(2, "因公出国(境)费", "16000"),
        statement(3, "公务接待费", "20000"),
    ]
    document = {
        s.DOC_ID: "g", s.SOURCE_NAME: "gengju_2030.pdf", s.SOURCE_FORMAT: "pdf", s.DEPARTMENT_ID: NARRATIVE_DEPARTMENT,
        s.DEPARTMENT: NARRATIVE_DEPARTMENT, s.FISCAL_YEAR: 2030, s.PHASE: "budget", s.SCOPE: "department",
        s.DISCLOSURE_ID: "g",
    }  # fmt: skip
    department = {
        s.DEPARTMENT_ID: NARRATIVE_DEPARTMENT,
        s.FISCAL_YEAR: 2030,
        s.NAME: NARRATIVE_DEPARTMENT,
        s.DOC_ID: "g",
    }
    frame = {
        s.LINES: lines, s.STATEMENTS: statements, s.DOCUMENTS: [document], s.DEPARTMENTS: [department],
    }  # fmt: skip
    return Dataset.from_tables(
        {name: pl.DataFrame(rows, schema=s.TABLES[name].schema, orient="row") for name, rows in frame.items()}
    )


@pytest.fixture
def narrative_dataset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Dataset:
    stored = save_dataset(_narrative_dataset(), tmp_path / "ds")
    monkeypatch.setenv("ANALYTICS_DATASET", str(stored.path))
    return stored


def _marks(figures: pd.DataFrame, column: str = "读数", measure: str = "指标") -> dict[str, str]:
    return dict(zip(figures[measure], figures[column], strict=True))


def test_department_figures_say_which_come_from_the_narrative_or_the_forms_identities(
    narrative_dataset: Dataset,
) -> None:
    at = _page("app_pages/department.py")
    at.selectbox(key="department_pick").select(NARRATIVE_DEPARTMENT).run()
    assert not at.exception
    figures = table(at, "指标", "金额（万元）")
    marks = _marks(figures)
    labels = {m: MEASURE_LABELS[m][0] for m in MEASURE_LABELS}
    assert marks == {
        labels["income_total"]: "",
        labels["expenditure_total"]: "⚠ 读数存疑",
        labels["three_public"]: "（据文字说明）",
        labels["overseas_travel"]: "（据文字说明）",
        labels["reception"]: "（据文字说明）",
        labels["vehicles"]: "（按勾稽关系推算）",
    }
    vehicles = figures[figures["指标"] == labels["vehicles"]]
    assert vehicles["金额（万元）"].item() == 6.0  # 9.6 − 1.6 − 2.0
    # Why the reading is in doubt, the tables it names by their names (no key of the data contract).
    why = _marks(figures, "核实依据")
    assert why[labels["expenditure_total"]] == "不符：收入总计 = 支出总计; 另表同数：收入总表"
    assert why[labels["income_total"]] == ""
    captions = " ".join(c.value for c in at.caption)
    assert "读数存疑" in captions and "据文字说明" in captions and "按勾稽关系推算" in captions


def test_the_marks_follow_the_english_switch(narrative_dataset: Dataset) -> None:
    at = _page("app_pages/department.py")
    at.sidebar.toggle[0].set_value(True).run()
    at.selectbox(key="department_pick").select(NARRATIVE_DEPARTMENT).run()
    assert not at.exception
    marks = _marks(table(at, "Measure", "Amount (10k yuan)"), "Reading", "Measure")
    assert marks[MEASURE_LABELS["three_public"][1]] == "(from the narrative)"
    assert marks[MEASURE_LABELS["vehicles"][1]] == "(derived from the form's identities)"
    assert marks[MEASURE_LABELS["expenditure_total"][1]] == "⚠ reading doubt"


def test_compare_lists_the_charted_figures_no_table_prints(narrative_dataset: Dataset) -> None:
    at = _page("app_pages/compare.py")
    at.selectbox(key="compare_measure").select("vehicles").run()
    assert not at.exception
    marked = table(at, "部门名称", "读数")
    assert marked[["部门名称", "年度", "金额（万元）", "读数"]].values.tolist() == [
        [NARRATIVE_DEPARTMENT, 2030, 6.0, "（按勾稽关系推算）"]
    ]
    at.selectbox(key="compare_measure").select("income_total").run()
    assert not at.exception
    assert not tables(at, "部门名称", "读数")  # a table's figure nothing doubts: no list
    at.selectbox(key="compare_measure").select("expenditure_total").run()
    marked = table(at, "部门名称", "读数")
    assert marked[["读数", "核实依据"]].values.tolist() == [
        ["⚠ 读数存疑", "不符：收入总计 = 支出总计; 另表同数：收入总表"]
    ]


@pytest.mark.parametrize(
    "path", ["app_pages/overview.py", "app_pages/compare.py", "app_pages/department.py", "app_pages/explore.py"]
)
def test_widget_labels_and_placeholders_are_chinese(path: str) -> None:
    # A label a screen reader reads, a placeholder ("Choose an option") in English in the Chinese pages: none. The
    # sidebar's language switch is named in the language it switches to.
    import re

    at = page(path)
    if path.endswith("explore.py"):
        at.text_input(key="explore_query").input("行政运行").run()
        assert not at.exception
    kinds = ("selectbox", "multiselect", "radio", "text_input", "select_slider", "toggle", "checkbox", "button")
    widgets = [widget for kind in kinds for widget in getattr(at, kind)]
    assert len(widgets) > 3
    for widget in widgets:
        if widget.key == "lang_en":
            assert widget.label == "English"
            continue
        assert not re.search(r"[A-Za-z]", widget.label), (widget.key, widget.label)
        assert not re.search(r"[A-Za-z]", widget.help or ""), (widget.key, widget.help)
        placeholder = getattr(widget.proto, "placeholder", "")
        assert not re.search(r"[A-Za-z]", placeholder), (widget.key, placeholder)
    boxes = [*at.selectbox, *at.multiselect]
    assert boxes and all(
        box.proto.placeholder.startswith("请选择") or box.proto.placeholder == "选择科目" for box in boxes
    )
