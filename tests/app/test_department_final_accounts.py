"""部门画像 of a final account (决算): the 决算数 with the 年初预算 it prints beside them, in 万元."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from streamlit.testing.v1 import AppTest

import analytics
from analytics.store import save_dataset

if TYPE_CHECKING:
    import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
PLANNING_FINAL = ROOT / "datasets" / "raw" / "putuo_planning_2024_dept_final.pdf"
PLANNING = "上海市普陀区规划和自然资源局"


@pytest.fixture
def planning_dataset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A dataset holding the 2024 决算 of 普陀区规划和自然资源局, read fresh from the published PDF."""
    path = tmp_path / "ds"
    save_dataset(analytics.read_disclosure(PLANNING_FINAL), path)
    monkeypatch.setenv("ANALYTICS_DATASET", str(path))
    return path


def _final_accounts(at: AppTest, actual_label: str) -> pd.DataFrame:
    # The table by measure, not the one by 科目 (which has a code column).
    frames = [
        frame.value
        for frame in at.dataframe
        if actual_label in frame.value.columns and not {"科目编码", "Code"} & set(frame.value.columns)
    ]
    assert len(frames) == 1, "one table of the final accounts"
    return frames[0]


def test_a_final_account_shows_its_initial_budget_beside_the_actual(planning_dataset: Path) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("app_pages/department.py").run()
    at.selectbox(key="department_pick").select(PLANNING).run()
    assert not at.exception
    assert any(header.value == "决算：年初预算与决算数" for header in at.subheader)
    # 收入合计 is p. 7's 总计 9859.38; p. 17 (财政拨款“三公”经费支出决算表, 万元): 合计 预算数 2.85, 决算数 0.39.
    table = _final_accounts(at, "决算数（万元）")
    row = table[table["指标"] == "三公经费"].iloc[0]
    assert (row["年初预算（万元）"], row["决算数（万元）"], row["执行率（%）"]) == ("2.85", "0.39", "13.7")
    assert row["年初预算出处"] == "本决算"
    assert "调整预算（万元）" not in table.columns  # the 决算 prints none
    # No budget column printed for 收入合计 in this 决算 and no 2024 budget in the dataset: a dash, not filled (and
    # never “None”), and no rate.
    income = table[table["指标"] == "收入合计"].iloc[0]
    assert income["决算数（万元）"] == "9,859.38"
    assert (income["年初预算（万元）"], income["执行率（%）"], income["年初预算出处"]) == ("—", "—", "—")
    assert not table.isna().any().any()
    # The 机关运行经费 is stated only in the narrative: its 决算数 is marked so; the tables' figures are not.
    marks = dict(zip(table["指标"], table["读数"], strict=True))
    assert marks["机关运行经费"] == "决算数（据文字说明）"
    assert marks["三公经费"] == marks["收入合计"] == ""
    captions = " ".join(caption.value for caption in at.caption)
    assert "据文字说明" in captions and "按勾稽关系推算" not in captions  # only the marks the tables use


def test_the_final_accounts_table_follows_the_english_switch(planning_dataset: Path) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("app_pages/department.py").run()
    at.sidebar.toggle[0].set_value(True).run()
    at.selectbox(key="department_pick").select(PLANNING).run()
    assert not at.exception
    table = _final_accounts(at, "Actual (10k yuan)")
    assert {"Initial budget (10k yuan)", "Execution rate (%)", "Initial budget from"} <= set(table.columns)
    assert table[table.iloc[:, 1] == "Three public expenses"]["Initial budget from"].item() == "this final account"


def test_a_department_with_final_accounts_only_shows_their_actual_as_key_figures(planning_dataset: Path) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("app_pages/department.py").run()
    at.selectbox(key="department_pick").select(PLANNING).run()
    assert not at.exception
    assert any(header.value == "主要数字（决算数，万元）" for header in at.subheader)
    figures = next(frame.value for frame in at.dataframe if "同比（%）" in frame.value.columns)
    assert figures[figures["指标"] == "收入合计"]["金额（万元）"].item() == 9859.38
    # In the order of the measures (totals first), each marked where no table prints it.
    assert figures["指标"].iloc[0] == "收入合计"
    marks = dict(zip(figures["指标"], figures["读数"], strict=True))
    assert marks["机关运行经费"] == "（据文字说明）" and marks["三公经费"] == ""


def test_a_final_account_shows_each_line_against_its_initial_budget(planning_dataset: Path) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("app_pages/department.py").run()
    at.selectbox(key="department_pick").select(PLANNING).run()
    assert not at.exception
    assert any(header.value == "决算：按科目的预算执行" for header in at.subheader)
    # The table the narrative speaks of comes first: the 一般公共预算财政拨款支出决算表.
    assert at.selectbox(key="department_execution_table_zh").value[1] == "general_budget_function"
    lines = next(frame.value for frame in at.dataframe if "科目编码" in frame.value.columns)
    # p. 9 of the narrative: “9、城乡社区支出（类）城乡社区规划与管理（款）城乡社区规划与管理（项）。…年初预算为
    # 3110.14 万元，支出决算为 2739.56 万元，完成年初预算的 88.08%”; the 决算表 prints 2120201 … 2739.56.
    row = lines[lines["科目编码"] == "2120201"].iloc[0]
    assert (row["年初预算（万元）"], row["决算数（万元）"], row["执行率（%）"]) == ("3,110.14", "2,739.56", "88.1")
    assert row["决算数减年初预算（万元）"] == "-370.58"
    assert row["年初预算出处"].startswith("本决算文字说明 第") and row["与文字说明的决算数"] == "一致"
    assert not lines.isna().any().any()
