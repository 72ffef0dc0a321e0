"""The brief's line on the disclosure score and its footnote on the checks that could not run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from analytics.compare import MIN_PEER_GROUP
from analytics.report.brief import build_brief, render_html
from analytics.score import disclosure_scores
from analytics.store import Dataset
from tests.disclosures import DEPARTMENT_ID, budget, dataset
from tests.shipped import shipped_dataset_untouched

TODAY = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _shipped_dataset_is_read_only() -> Iterator[None]:
    """No test of the brief writes into ``datasets/normalized`` (it reads it, or a copy in ``tmp_path``)."""
    with shipped_dataset_untouched():
        yield


#: The region in an English brief: the document's Chinese, marked as a quote.
REGION_EN = '<span class="quoted" lang="zh-CN">嘉兴市南湖区</span>'


def _dataset(others: int = 1) -> Dataset:
    """The department's budget and ``others`` more of its region (the first with no 收入总表)."""
    more = [
        budget(doc_id=f"nanhu-culture-{i}", department_id=f"nanhu-culture-{i}", name=f"嘉兴市南湖区文化局{i}",
               statuses={"income_summary": "absent"} if i == 0 else {})
        for i in range(others)
    ]  # fmt: skip
    return dataset(budget(statuses={"three_public_and_operation": "unreadable"}, staff=False), *more)


def _score(ds: Dataset) -> float:
    scores = disclosure_scores(ds)
    return scores.filter(scores["department_id"] == DEPARTMENT_ID).get_column("score").item()


def test_the_brief_ranks_the_score_in_a_region_of_min_peer_group_disclosures() -> None:
    ds = _dataset(others=MIN_PEER_GROUP - 1)
    mine = disclosure_scores(ds).filter(disclosure_scores(ds)["department_id"] == DEPARTMENT_ID).row(0, named=True)
    assert mine["rank_of"] == MIN_PEER_GROUP
    brief = build_brief(ds, DEPARTMENT_ID, 2025, today=TODAY)
    ranked = f"公开质量评分 {mine['score']:.1f} / 100，嘉兴市南湖区同类公开中第 {mine['rank']} / {MIN_PEER_GROUP}"
    assert ranked in render_html(brief)
    # The region is the document's own Chinese in the English brief, marked as such.
    english = f"Disclosure score {mine['score']:.1f} / 100, {mine['rank']} of {MIN_PEER_GROUP} in {REGION_EN}"
    assert english in render_html(brief, lang="en")


def test_the_brief_gives_no_score_rank_among_fewer_than_min_peer_group() -> None:
    """Two disclosures of a region: the score, how many and that there is no rank, as for the peers' figures."""
    ds = _dataset()
    brief = build_brief(ds, DEPARTMENT_ID, 2025, today=TODAY)
    html = render_html(brief)
    assert f"公开质量评分 {_score(ds):.1f} / 100（嘉兴市南湖区同类公开仅2份，少于5份，不排名）" in html
    assert "同类公开中第" not in html
    english = render_html(brief, lang="en")
    assert (
        f"Disclosure score {_score(ds):.1f} / 100 (only 2 like disclosures in {REGION_EN}, fewer than 5: no rank)"
        in english
    )
    assert " of 2 in " not in english


def test_the_brief_footnote_lists_why_checks_could_not_run() -> None:
    html = render_html(build_brief(_dataset(), DEPARTMENT_ID, 2025, today=TODAY))
    assert "项核对未能进行：" in html
    assert "三公经费和机关运行经费表无法读取；数据集中没有上年（2024年）的预算文件（1 项）" in html
    assert "未披露编制人数和实有人数（1 项）" in html
    assert "None" not in html
