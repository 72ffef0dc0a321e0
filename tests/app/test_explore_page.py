"""钻取与搜索: drill 类 → 款 → 项 and back up, and search, on the shipped dataset."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.app.conftest import page, table

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest
    from streamlit.testing.v1.element_tree import Selectbox

PROCURATORATE = "江苏省人民检察院"
CODE, NAME, AMOUNT, PREVIOUS = "科目编码", "科目名称", "本年（万元）", "上年（万元）"


def _picker(at: AppTest) -> Selectbox:
    """The picker that opens a 科目 of the level shown."""
    (picker,) = [box for box in at.selectbox if box.key and box.key.startswith("explore_pick_")]
    return picker


def _explore() -> AppTest:
    at = page("app_pages/explore.py")
    assert at.title[0].value == "钻取与搜索"
    at.selectbox(key="explore_department").select(PROCURATORATE).run()
    assert not at.exception
    return at


def test_drill_into_a_class_and_back() -> None:
    at = _explore()
    # The latest year first; the figures as the 2018 budget's 一般公共预算支出预算表 prints them (pp. 17-18), with
    # the 2017 budget's (p. 14) beside them.
    assert at.selectbox(key=f"explore_year_{PROCURATORATE}_function_budget").value == 2018
    classes = table(at, CODE, AMOUNT)
    assert classes[CODE].to_list() == ["204", "208", "221"]
    assert classes[AMOUNT].to_list() == [16444.36, 1836.22, 3660.38]
    assert classes[PREVIOUS].to_list() == ["13,641.34", "2,021.18", "2,319.16"]
    assert classes["与下级合计核对"].to_list() == ["相符"] * 3
    assert not classes.isna().any().any()

    _picker(at).select("204").run()
    assert [button.label for button in at.button] == ["全部类", "204 公共安全支出"]
    assert any("204 公共安全支出：本年 16,444.36 万元，下级科目合计相符" in m.value for m in at.markdown)
    assert table(at, CODE, AMOUNT)[CODE].to_list() == ["20404"]

    _picker(at).select("20404").run()
    assert [button.label for button in at.button] == ["全部类", "204 公共安全支出", "20404 检察"]
    items = table(at, CODE, AMOUNT)
    assert items[CODE].to_list() == ["2040401", "2040402", "2040405"]
    assert items[AMOUNT].to_list() == [10883.36, 3666.00, 1895.00]
    # 2040405 was widened in 2018 (公诉和审判监督 → 公诉、审判、侦查、执行等检察监督支出): no comparison.
    assert items["与上年比较"].to_list() == ["可比", "可比", "口径变化，不比较（范围扩大）"]
    assert items.loc[2, PREVIOUS] == "—" and items.loc[2, "增减率"] == "—"
    assert "与下级合计核对" not in items.columns  # 项 have nothing under them
    assert not [box for box in at.selectbox if box.key and box.key.startswith("explore_pick_")]

    at.button(key="explore_crumb_1").click().run()
    assert [button.label for button in at.button] == ["全部类", "204 公共安全支出"]
    assert table(at, CODE, AMOUNT)[CODE].to_list() == ["20404"]
    at.button(key="explore_crumb_0").click().run()
    assert [button.label for button in at.button] == ["全部类"]
    assert table(at, CODE, AMOUNT)[CODE].to_list() == ["204", "208", "221"]
    assert not at.exception


def test_another_department_starts_again_from_its_classes() -> None:
    at = _explore()
    _picker(at).select("204").run()
    at.radio(key="explore_classification").set_value("economic").run()
    assert [button.label for button in at.button] == ["全部类"]
    assert table(at, CODE, AMOUNT)[CODE].to_list() == ["301", "302", "303"]
    # A department whose documents print no 科目 of the classification: a note, no table.
    at.selectbox(key="explore_department").select("武汉市汉阳区大数据中心").run()
    assert any("没有读取到这一分类" in info.value for info in at.info)
    assert not [frame for frame in at.dataframe if CODE in frame.value.columns]
    assert not at.exception


def test_search_shows_where_a_word_was_published() -> None:
    at = page("app_pages/explore.py")
    assert any("输入关键词后按回车" in caption.value for caption in at.caption)
    at.text_input(key="explore_query").input("检察院 行政运行 ２０１８").run()
    assert not at.exception
    found = table(at, "类型", "摘录")
    assert set(found["部门"]) == {PROCURATORATE}
    assert set(found["年度"]) == {"2018"}
    lines = found[found["类型"] == "表格行"]
    assert set(lines["摘录"]) == {"2040401 行政运行"}
    # A long file name is shortened in its middle (its year, scope and phase kept); the full one is below the table.
    assert set(lines["文件"]) == {"js_pr…2018_dept_budget.pdf"}
    assert any(c.value == "完整文件名：js_procuratorate_2018_dept_budget.pdf" for c in at.caption)
    assert "17" in set(lines["页码"])  # the 一般公共预算支出预算表 page
    assert set(lines["金额（万元）"]) == {"10,883.36"}
    # The department's own budget, not a unit's.
    assert set(lines["范围"]) == {"部门"}
    assert not found.isna().any().any()

    at.text_input(key="explore_query").input("没有这个词语").run()
    assert any("没有找到同时包含这些词的内容" in info.value for info in at.info)
    at.multiselect(key="explore_kinds").set_value([]).run()
    assert any("请至少选择一个搜索范围" in info.value for info in at.info)


def test_the_drill_down_and_the_search_come_from_the_link() -> None:
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import ROOT

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in {"dept": PROCURATORATE, "year": "2017", "q": "检察"}.items():
        at.query_params[key] = value
    at.switch_page("app_pages/explore.py").run()
    assert not at.exception and not at.toast
    assert at.selectbox(key="explore_department").value == PROCURATORATE
    assert at.selectbox(key=f"explore_year_{PROCURATORATE}_function_budget").value == 2017
    # 2017 budget, p. 14: 公共安全支出 13,641.34 万元.
    assert table(at, CODE, AMOUNT)[AMOUNT].to_list()[0] == 13641.34
    assert at.text_input(key="explore_query").value == "检察"
    # The search writes its words back; an empty search, or a choice left at its default, is no parameter.
    at.text_input(key="explore_query").input("公务接待").run()
    assert at.query_params["q"] == "公务接待"
    at.text_input(key="explore_query").input("").run()
    assert "q" not in at.query_params
    at.radio(key="explore_classification").set_value("economic").run()
    assert at.query_params["class"] == "economic"
    at.radio(key="explore_classification").set_value("function").run()
    assert "class" not in at.query_params


def test_search_results_fit_beside_the_sidebar() -> None:
    # The file and page were off to the right, behind a horizontal scroll: narrow columns, 范围 among them, that add
    # up to the width beside the sidebar; the file column says where its full name is.
    import json

    at = page("app_pages/explore.py")
    at.text_input(key="explore_query").input("行政运行").run()
    assert not at.exception
    found = table(at, "类型", "摘录")
    assert list(found.columns) == [
        "类型",
        "部门",
        "范围",
        "年度",
        "口径",
        "摘录",
        "金额（万元）",
        "文件",
        "页码",
        "行号",
    ]
    assert set(found["范围"]) <= {"部门", "单位"}
    (frame,) = [frame for frame in at.dataframe if "摘录" in frame.value.columns]
    config = json.loads(frame.proto.columns)
    widths = {name: config[name]["width"] for name in found.columns}
    assert sum(widths.values()) <= 940
    assert widths["页码"] <= 44 and widths["行号"] <= 44
    assert "完整文件名列在表格下方" in config["文件"]["help"]
    assert all(len(name) <= 26 for name in found["文件"])
    at.toggle(key="lang_en").set_value(True).run()
    english = table(at, "Kind", "Excerpt")
    assert "Scope" in english.columns
    assert set(english["Scope"]) <= {"Department", "Unit"}
