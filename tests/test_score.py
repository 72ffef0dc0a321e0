from __future__ import annotations

import polars as pl
import pytest

from analytics import schema as s
from analytics.checks import rule_catalog
from analytics.reading import required_tables
from analytics.score import disclosure_score_items, disclosure_scores, score_catalog
from tests.disclosures import DEPARTMENT_ID, budget, dataset, frame

#: The items the dataset cannot measure: listed, never scored.
NOT_SCORED = {"timeliness", "access"}


def _items(ds: object) -> dict[str, float | None]:
    return dict(disclosure_score_items(ds).select("item", "points").rows())  # type: ignore[arg-type]


def _flag(rule_id: str, severity: str, doc_id: str = "nanhu-2025") -> dict[str, object]:
    return {
        s.FLAG_ID: f"{rule_id}-{doc_id}", s.SOURCE: "rule", s.RULE_ID: rule_id,
        s.FAMILY: rule_id.split(".", maxsplit=1)[0], s.SEVERITY: severity, s.DEPARTMENT_ID: DEPARTMENT_ID,
        s.FISCAL_YEAR: 2025, s.DOC_ID: doc_id,
        s.SUBJECT: "合计", s.MESSAGE_ZH: "不一致", s.MESSAGE_EN: "differs", s.EVIDENCE: [],
    }  # fmt: skip


def test_the_catalog_adds_up_to_100_and_cites_its_sources() -> None:
    catalog = score_catalog()
    assert catalog.get_column("points").sum() == 100
    assert catalog.filter(pl.col("source").str.len_chars() == 0).is_empty()
    assert set(catalog.filter(pl.col("points") == 0).get_column("item")) == NOT_SCORED


@pytest.mark.skipif(
    "completeness.sections" not in rule_catalog().get_column("rule_id"),
    reason="the sections rule is not in the catalog",
)
def test_a_complete_disclosure_scores_every_measurable_item() -> None:
    items = disclosure_score_items(dataset(budget()))
    scored = items.filter(pl.col("scored"))
    assert set(items.filter(~pl.col("scored")).get_column("item")) == NOT_SCORED
    points = dict(scored.select("item", "points").rows())
    assert points | {"sections": 0} == {
        "tables": 40.0, "sections": 0, "function_item": 10.0, "economic_class": 5.0, "three_public_parts": 3.0,
        "three_public_explained": 2.0, "targets": 5.0, "consistency": 20.0,
    }  # fmt: skip
    # Three of the form's eight sections are in the text: 职责, the “三公” and its 预算情况说明.
    assert points["sections"] == pytest.approx(15 * 3 / 8, abs=0.005)


def test_a_missing_required_table_lowers_the_score_by_its_weight() -> None:
    whole = disclosure_scores(dataset(budget())).row(0, named=True)
    lacking = disclosure_scores(dataset(budget(statuses={"government_fund": "absent"}))).row(0, named=True)
    weight = 40 / len(required_tables("budget", "department"))
    assert whole["tables"] - lacking["tables"] == pytest.approx(weight)
    assert whole["points"] - lacking["points"] == pytest.approx(weight)
    assert lacking["scored_max"] == whole["scored_max"]
    detail = disclosure_score_items(dataset(budget(statuses={"government_fund": "unreadable"})))
    row = detail.filter(pl.col("item") == "tables").row(0, named=True)
    assert row["points"] == pytest.approx(40 - weight)
    assert row["detail_zh"] == "应有 8 张，已公开 7 张；缺：政府性基金预算支出表"


def test_detail_items_score_what_the_tables_print() -> None:
    bare = _items(
        dataset(
            budget(statuses={"general_budget_basic_economic": "empty"}, indicators=False, statements=False, text=())
        )
    )
    assert bare["economic_class"] == 0
    assert bare["targets"] == 0
    # 三公 by its parts: the table's columns; its explanation needs the narrative or the text, neither stored.
    assert bare["three_public_parts"] == 3
    assert bare["three_public_explained"] is None
    assert bare["sections"] is None


def test_consistency_is_the_share_of_checks_passed() -> None:
    clean = _items(dataset(budget()))["consistency"]
    flagged = dataset(
        budget(), flags=frame(s.FLAGS, [_flag("table.parent_sum", "error"), _flag("narrative.share", "info")])
    )
    items = disclosure_score_items(flagged).filter(pl.col("item") == "consistency").row(0, named=True)
    ran = int(items["detail_zh"].split(" 项核对")[0].removeprefix("已进行 "))
    # An error counts against the score, a mere note (info) does not.
    assert clean == 20
    assert items["points"] == pytest.approx(round(20 * (ran - 1) / ran, 2))


def test_departments_are_ranked_within_their_region_and_year() -> None:
    other = budget(doc_id="nanhu-culture", department_id="nanhu-culture", name="嘉兴市南湖区文化局",
                   statuses={"income_summary": "absent", "government_fund": "absent"})  # fmt: skip
    scores = disclosure_scores(dataset(budget(), other))
    assert scores.select(s.NAME, "rank", "rank_of").rows() == [
        ("嘉兴市南湖区水利局", 1, 2),
        ("嘉兴市南湖区文化局", 2, 2),
    ]
    assert scores.get_column("score").to_list()[0] > scores.get_column("score").to_list()[1]
    assert (scores.get_column("score") <= 100).all()
