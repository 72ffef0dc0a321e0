"""The coverage ledger on the 疑点 and 部门画像 pages, the disclosure score on the 总览 page."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analytics.store import save_dataset
from tests.app.conftest import page, table
from tests.disclosures import NAME, budget, dataset

ROOT = Path(__file__).resolve().parents[2]


def _no_raw_values(frame: pd.DataFrame) -> None:
    """No cell of a Chinese table is empty, ``None`` or a raw code."""
    assert not frame.isna().any().any()
    text = frame.astype(str)
    for raw in ("None", "nan", "not_run", "budget", "department", "three_public_and_operation"):
        assert not (text == raw).any().any(), raw


@pytest.fixture
def unread_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A budget whose 三公 table could not be read, with no narrative figures and no staff numbers, as the app's
    dataset (and no findings at all)."""
    parts = budget(statuses={"three_public_and_operation": "unreadable"}, statements=False, staff=False)
    stored = save_dataset(dataset(parts, budget(doc_id="nanhu-2024", year=2024)), tmp_path / "ds")
    monkeypatch.setenv("ANALYTICS_DATASET", str(stored.path))


def test_flags_page_lists_the_checks_that_could_not_run_and_why(unread_table: None) -> None:
    at = page("app_pages/flags.py")
    assert "未能核对的项目" in [h.value for h in at.subheader]
    shown = table(at, "核对项目", "原因")
    _no_raw_values(shown)
    mine = shown[(shown["部门名称"] == NAME) & (shown["年度"] == 2025)]
    reasons = dict(zip(mine["核对项目"], mine["原因"], strict=True))
    assert reasons["“三公”经费比上年增加"] == "三公经费和机关运行经费表无法读取，无法比较“三公”经费与上年"
    assert reasons["人均指标（人均支出、人均“三公”经费等）"] == "未披露编制人数和实有人数，无法计算人均指标"
    assert reasons["文字说明的占比与金额一致"].startswith("未找到文字说明中的数字")


def test_department_page_shows_its_own_coverage(unread_table: None) -> None:
    at = page("app_pages/department.py")
    assert "未能核对的项目" in [h.value for h in at.subheader]
    shown = table(at, "核对项目", "原因")
    assert set(shown["部门名称"]) == {NAME}
    assert set(shown["年度"]) == {2024, 2025}


def test_flags_page_coverage_on_the_default_dataset_follows_the_filters() -> None:
    at = page("app_pages/flags.py")
    everything = table(at, "核对项目", "原因")
    _no_raw_values(everything)
    at.selectbox(key="flags_department").select("武汉市汉阳区大数据中心").run()
    assert not at.exception
    one = table(at, "核对项目", "原因")
    assert set(one["部门名称"]) == {"武汉市汉阳区大数据中心"}
    assert 0 < len(one) < len(everything)


def test_overview_ranks_disclosures_by_their_score() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert "公开质量评分" in [h.value for h in at.subheader]
    ranking = table(at, "同地区排名", "评分（满分 100）")
    _no_raw_values(ranking)
    assert ranking["评分（满分 100）"].between(0, 100).all()
    assert ranking["同地区排名"].str.fullmatch(r"第 \d+ / \d+ 名").all()
    details = table(at, "评分项目", "所衡量的情况")
    _no_raw_values(details)
    assert "及时性" in set(details["维度"])
    assert set(details.loc[details["维度"] == "及时性", "得分"]) == {"未评分"}


def test_overview_score_in_english() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.toggle[0].set_value(True).run()
    assert not at.exception
    ranking = table(at, "Rank in region", "Score (of 100)")
    assert ranking["Rank in region"].str.fullmatch(r"\d+ of \d+").all()
