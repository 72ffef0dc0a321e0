"""The brief's line on the disclosure score and its footnote on the checks that could not run."""

from __future__ import annotations

import datetime as dt

from analytics.report.brief import build_brief, render_html
from analytics.score import disclosure_scores
from analytics.store import Dataset
from tests.disclosures import DEPARTMENT_ID, budget, dataset

TODAY = dt.date(2026, 3, 2)


def _dataset() -> Dataset:
    other = budget(doc_id="nanhu-culture", department_id="nanhu-culture", name="嘉兴市南湖区文化局",
                   statuses={"income_summary": "absent"})  # fmt: skip
    return dataset(budget(statuses={"three_public_and_operation": "unreadable"}, staff=False), other)


def test_the_brief_states_its_score_and_rank_in_the_region() -> None:
    ds = _dataset()
    mine = disclosure_scores(ds).filter(disclosure_scores(ds)["department_id"] == DEPARTMENT_ID).row(0, named=True)
    html = render_html(build_brief(ds, DEPARTMENT_ID, 2025, today=TODAY))
    assert f"公开质量评分 {mine['score']:.1f} / 100，嘉兴市南湖区同类公开中第 {mine['rank']} / 2" in html
    english = render_html(build_brief(ds, DEPARTMENT_ID, 2025, today=TODAY), lang="en")
    assert f"Disclosure score {mine['score']:.1f} / 100, {mine['rank']} of 2 in 嘉兴市南湖区" in english


def test_the_brief_footnote_lists_why_checks_could_not_run() -> None:
    html = render_html(build_brief(_dataset(), DEPARTMENT_ID, 2025, today=TODAY))
    assert "项核对未能进行：" in html
    assert "三公经费和机关运行经费表无法读取；数据集中没有上年（2024年）的预算文件（1 项）" in html
    assert "未披露编制人数和实有人数（1 项）" in html
    assert "None" not in html
