from __future__ import annotations

import getpass
from pathlib import Path

import polars as pl
from streamlit.testing.v1 import AppTest

import analytics
from analytics import schema as s
from analytics.store import Dataset
from analytics.triage import open_triage

ROOT = Path(__file__).resolve().parents[2]


def _page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("app_pages/flags.py").run()
    assert not at.exception
    return at


def test_flags_are_listed_and_filtered() -> None:
    at = _page()
    assert at.title[0].value == "疑点"
    everything = len(at.dataframe[0].value)
    at.multiselect(key="flags_severity").set_value(["warning"]).run()
    warnings = at.dataframe[0].value
    assert 0 < len(warnings) < everything
    assert set(warnings["级别"]) == {"警示"}
    at.selectbox(key="flags_department").select("武汉市汉阳区大数据中心").run()
    assert set(at.dataframe[0].value["部门名称"]) == {"武汉市汉阳区大数据中心"}
    at.multiselect(key="flags_family").set_value(["anomaly"]).run()
    at.multiselect(key="flags_severity").set_value(["error"]).run()
    assert not at.exception
    assert any("没有符合筛选条件" in info.value for info in at.info)


def test_a_flag_shows_its_evidence_and_its_triage_is_kept(triage_in_tmp: Path) -> None:
    at = _page()
    at.selectbox(key="flags_department").select("武汉市汉阳区大数据中心").run()
    picked = at.selectbox(key="flags_pick").value
    evidence = at.dataframe[1].value
    assert len(evidence) > 0 and evidence["原文"].str.len().min() > 0
    at.radio(key=f"triage_status_{picked}").set_value("误报")
    at.text_area(key=f"triage_note_{picked}").input("表内合计系四舍五入所致")
    # No sign-in on one's own machine: the author is the machine's user, not a name typed per decision.
    assert not [field for field in at.text_input if field.key == "triage_author"]
    at.button(key="triage_save").click().run()
    assert not at.exception
    assert any("已保存" in s.value for s in at.success)
    # Stored where the app was told to keep it, and shown in the table and the history.
    current = open_triage(triage_in_tmp).current()
    assert current.select("flag_id", "status", "note", "author").rows() == [
        (picked, "误报", "表内合计系四舍五入所致", getpass.getuser())
    ]
    assert "误报" in at.dataframe[2].value["核实状态"].to_list()
    # A fresh session (a restart) sees the decision.
    again = _page()
    again.multiselect(key="flags_status").set_value(["误报"]).run()
    assert len(again.dataframe[0].value) == 1


def test_most_serious_findings_come_first() -> None:
    at = _page()
    order = {"错误": 0, "警示": 1, "提示": 2}
    ranks = [order[v] for v in at.dataframe[0].value["级别"].to_list()]
    # The default dataset has one error (万里街道 2023: a 政府性基金 of 0 万元 said to rise by 1421.25 万元), first.
    assert ranks == sorted(ranks) and ranks[0] == 0 and ranks.count(0) == 1


# --- the readers' doubts, apart from the documents' findings --------------------------------------------------------


def test_reading_doubts_are_filtered_apart_from_the_documents_findings(doubtful_dataset: Dataset) -> None:
    flags = doubtful_dataset.flags
    readers = flags.filter(pl.col(s.SOURCE) == "reader")
    assert readers.height == doubtful_dataset.reading_findings.height == 1
    at = _page()
    everything = at.dataframe[0].value
    assert len(everything) == flags.height
    assert "读数存疑" in set(everything["规则族"])
    at.radio(key="flags_source").set_value("reader").run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert set(shown["规则族"]) == {"读数存疑"} and len(shown) == readers.height
    assert shown["说明"].to_list() == readers.get_column(s.MESSAGE_ZH).to_list()
    # The detail says what a doubt is, and where to look: the page of the document, the table by its name.
    assert any("不是文件本身的错误" in i.value for i in at.info)
    evidence = at.dataframe[1].value
    assert evidence[["文件", "表或部分", "页码"]].values.tolist() == [["doubtful.pdf", "三公经费和机关运行经费表", "3"]]
    assert any("读数存疑：表内恒等式不成立" in c.value for c in at.caption)  # the rule by its name, not its id
    at.radio(key="flags_source").set_value("document").run()
    documents = at.dataframe[0].value
    assert len(documents) == flags.height - readers.height > 0
    assert "读数存疑" not in set(documents["规则族"])
    # The family filter offers the readers' doubts by their Chinese name too.
    at.radio(key="flags_source").set_value("all").run()
    family = at.multiselect(key="flags_family")
    assert "读数存疑" in family.options
    family.set_value(["reading"]).run()
    assert len(at.dataframe[0].value) == readers.height


def test_reading_doubts_of_the_default_dataset() -> None:
    flags = analytics.open_dataset().flags
    readers = flags.filter(pl.col(s.SOURCE) == "reader")
    at = _page()
    at.radio(key="flags_source").set_value("reader").run()
    assert not at.exception
    if readers.is_empty():
        assert any("没有符合筛选条件" in i.value for i in at.info)
        return
    shown = at.dataframe[0].value
    assert len(shown) == readers.height and set(shown["规则族"]) == {"读数存疑"}
    at.radio(key="flags_source").set_value("document").run()
    assert len(at.dataframe[0].value) == flags.height - readers.height


def test_a_flag_is_named_by_its_rule_title_and_its_figures_in_wan_yuan() -> None:
    at = _page()
    picker = at.selectbox(key="flags_pick")
    ds = analytics.open_dataset()
    money = ds.flags.filter((pl.col(s.MEASURE) == "yuan") & pl.col(s.OBSERVED).is_not_null()).row(0, named=True)
    picker.set_value(money[s.FLAG_ID]).run()
    caption = " ".join(c.value for c in at.caption)
    assert "万元" in caption
    assert f"{money[s.OBSERVED]}" not in caption  # never the raw 元 with four decimals
    labels = [str(option) for option in picker.options]  # as the page shows them
    assert labels and not any(money[s.RULE_ID] in label for label in labels)  # the rule's title, never its id


def test_a_percent_finding_shows_its_figures_as_its_sentence_does() -> None:
    # js_procuratorate_2018_dept_budget.pdf p. 26 l. 14: 一般行政管理事务 3,666 万元, 比上年增加 21.8 万元, 增长 0.06%.
    # Last year's 3,644.20 (p. 17, and the 2017 budget): 21.80 / 3,644.20 = 0.5982 % — shown as 0.60 %, as the
    # finding's sentence prints it, never with four decimals.
    ds = analytics.open_dataset()
    doc_id = ds.documents.filter(pl.col(s.SOURCE_NAME) == "js_procuratorate_2018_dept_budget.pdf").item(0, s.DOC_ID)
    first = pl.col(s.EVIDENCE).list.first().struct
    flag = ds.flags.filter(
        (pl.col(s.RULE_ID) == "narrative.change_pct") & (first.field(s.DOC_ID) == doc_id) & (first.field(s.LINE) == 14)
    ).row(0, named=True)
    at = _page()
    at.selectbox(key="flags_pick").set_value(flag[s.FLAG_ID]).run()
    caption = " ".join(c.value for c in at.caption)
    assert "0.06%" in caption and "0.60%" in caption, caption
    assert "0.5982" not in caption


def test_a_rising_three_public_finding_names_last_years_figure_as_such() -> None:
    # putuo_wanli_2024_dept_budget.pdf p. 31: 2024年“三公”经费预算数 合计 47.91 万元; the 2023 budget, p. 28: 22.91.
    # The second figure is last year's, not what this year's "should be": 上年, never 应为.
    ds = analytics.open_dataset()
    flag = ds.flags.filter(pl.col(s.RULE_ID) == "spending.three_public_rising").row(0, named=True)
    at = _page()
    at.selectbox(key="flags_pick").set_value(flag[s.FLAG_ID]).run()
    caption = " ".join(c.value for c in at.caption)
    assert "本年: 47.91 万元" in caption and "上年: 22.91 万元" in caption, caption
    assert "应为" not in caption
