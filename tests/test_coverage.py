from __future__ import annotations

import polars as pl
import pytest

from analytics import coverage as cov
from analytics import schema as s
from analytics.checks import rule_catalog
from analytics.coverage import NOT_RUN, RAN, coverage, not_run_reasons, rule_inputs
from analytics.reference import table_catalog
from tests.disclosures import YEAR, budget, dataset


def _status(ledger: pl.DataFrame, rule_id: str, year: int = YEAR) -> dict[str, object]:
    rows = ledger.filter((pl.col(s.RULE_ID) == rule_id) & (pl.col(s.FISCAL_YEAR) == year))
    assert rows.height == 1, rows
    return rows.row(0, named=True)


def test_every_registered_rule_has_its_inputs_listed() -> None:
    # A new rule needs a row in analytics/reference/rule_inputs.csv: what it reads, and why it could not run.
    listed = set(rule_inputs().get_column("rule_id"))
    missing = sorted(set(rule_catalog().get_column("rule_id")) - listed)
    assert not missing, f"add rows to analytics/reference/rule_inputs.csv for {missing}"


def test_each_rule_is_listed_once() -> None:
    ids = rule_inputs().get_column("rule_id")
    assert ids.is_duplicated().sum() == 0, sorted(set(ids.filter(ids.is_duplicated())))


def test_every_need_is_a_table_key_or_a_known_kind() -> None:
    known = set(cov.NEED_KINDS) | set(table_catalog().get_column("key"))
    for rule_id, needs in rule_inputs().select("rule_id", "needs").rows():
        for need in (n for part in (needs or "").split(";") for n in part.split("|") if n):
            assert need in known, f"{rule_id}: {need}"


def test_a_table_not_read_stops_the_rules_that_read_it_and_says_why() -> None:
    ledger = coverage(
        dataset(budget(statuses={"three_public_and_operation": "unreadable"}), budget(doc_id="nanhu-2024", year=2024))
    )
    row = _status(ledger, "spending.three_public_rising")
    assert row[s.STATUS] == NOT_RUN
    assert row["reason_zh"] == "三公经费和机关运行经费表无法读取，无法比较“三公”经费与上年"
    assert "could not be read" in row["reason_en"]
    # The prior year's budget printed the table: what it lacks is a year before it.
    assert _status(ledger, "spending.three_public_rising", 2024)["missing_zh"] == "数据集中没有上年（2023年）的预算文件"
    assert _status(ledger, "table.parent_sum")[s.STATUS] == RAN


@pytest.mark.parametrize(
    ("changes", "rule_id", "reason"),
    [
        ({"statements": False}, "narrative.change_pct", "未找到文字说明中的数字，无法核对文字说明的增减百分比"),
        ({"indicators": False}, "targets.weak_indicator", "未公开（或未读出）绩效目标，无法检查指标是否量化"),
        ({"staff": False}, "analysis.per_staff", "未披露编制人数和实有人数，无法计算人均指标"),
        ({"text": ()}, "hygiene.placeholder", "数据集未保存文件原文（重建数据集后可核对），无法检查模板占位符"),
        (
            {"statuses": {"income_expenditure_summary": "absent", "fiscal_appropriation_summary": "empty"}},
            "table.balance",
            "未公开收支总表或财政拨款收支总表为空表，无法核对收入总计是否等于支出总计",
        ),
    ],
)
def test_what_a_disclosure_lacks_is_the_reason_a_rule_did_not_run(
    changes: dict[str, object], rule_id: str, reason: str
) -> None:
    ledger = coverage(dataset(budget(**changes)))  # type: ignore[arg-type]
    row = _status(ledger, rule_id)
    assert (row[s.STATUS], row["reason_zh"]) == (NOT_RUN, reason)
    assert row["reason_en"]
    # The same disclosure with everything: the rule ran.
    assert _status(coverage(dataset(budget())), rule_id)[s.STATUS] == RAN


def test_year_over_year_rules_need_the_prior_year_in_the_dataset() -> None:
    alone = coverage(dataset(budget()))
    row = _status(alone, "cross.restatement")
    assert row[s.STATUS] == NOT_RUN
    assert row["missing_zh"] == f"数据集中没有上年（{YEAR - 1}年）的预算文件"
    both = coverage(dataset(budget(), budget(doc_id="nanhu-2024", year=YEAR - 1)))
    assert _status(both, "cross.restatement")[s.STATUS] == RAN


def test_a_rule_the_file_does_not_list_is_listed_as_ran_with_needs_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    listed = rule_inputs().filter(pl.col("rule_id") != "narrative.share")
    monkeypatch.setattr(cov, "rule_inputs", lambda: listed)
    row = _status(coverage(dataset(budget(statements=False))), "narrative.share")
    assert (row[s.STATUS], row["needs"], row["needs_known"], row["reason_zh"]) == (RAN, None, False, None)


def test_every_disclosure_lists_every_rule_once() -> None:
    ledger = coverage(dataset(budget(), budget(doc_id="nanhu-2024", year=YEAR - 1)))
    rules = rule_catalog().height + rule_inputs().filter(pl.col("kind") == "analysis").height
    assert ledger.height == 2 * rules
    assert ledger.select(s.DISCLOSURE_ID, s.RULE_ID).is_duplicated().sum() == 0
    assert set(ledger.get_column(s.STATUS)) <= {RAN, NOT_RUN}
    # A rule that ran has no reason; one that did not has both.
    assert ledger.filter((pl.col(s.STATUS) == RAN) & pl.col("reason_zh").is_not_null()).is_empty()
    assert ledger.filter((pl.col(s.STATUS) == NOT_RUN) & pl.col("reason_en").is_null()).is_empty()


def test_not_run_reasons_count_the_checks_each_stopped() -> None:
    reasons = not_run_reasons(coverage(dataset(budget(statements=False, staff=False))))
    counted = dict(reasons.rows())
    registered = rule_catalog().get_column("rule_id")
    narrative = (
        rule_inputs()
        .filter(pl.col("needs").str.split(";").list.contains("statements") & pl.col("rule_id").is_in(registered))
        .height
    )
    assert counted["未找到文字说明中的数字"] == narrative
    assert counted["未披露编制人数和实有人数"] == 1
