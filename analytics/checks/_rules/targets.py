"""Rules on performance targets (绩效目标): ambition, quantification, range, basis, cost against the budget."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from analytics import schema as s
from analytics.checks._engine import Settings, evidence, findings, rule
from analytics.checks._rules._common import line_evidence, wan, wan_en
from analytics.compare import yearly_totals
from analytics.store import Dataset

_PART = "targets"
_UP = ("≥", ">")
_DOWN = ("≤", "<")


def _indicator_row(row: dict[str, object], rule_key: str, **fields: object) -> dict[str, object]:
    return {
        "key": f"{row[s.DOC_ID]}|{row[s.SEQ]}|{rule_key}",
        s.DEPARTMENT_ID: row[s.DEPARTMENT_ID],
        s.FISCAL_YEAR: row[s.FISCAL_YEAR],
        s.DOC_ID: row[s.DOC_ID],
        s.SUBJECT: f"{row[s.LEVEL3]}",
        s.EVIDENCE: [line_evidence(row, part=_PART)],
        **fields,
    }


@rule(
    "targets.less_ambitious",
    "targets",
    "warning",
    "本年指标值低于上年同一指标（目标退步）",
    "A target less ambitious than the prior year's value of the same indicator",
)
def less_ambitious(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """A floor (≥ / >) set below last year's floor, or a ceiling (≤ / <) set above last year's, in the same unit."""
    prior = (
        ds.indicators.filter(pl.col(s.TARGET_VALUE).is_not_null() & pl.col(s.COMPARATOR).is_in([*_UP, *_DOWN]))
        .explode(s.PRIOR_VALUES)
        .unnest(s.PRIOR_VALUES, separator="__")
        .filter(
            (pl.col(f"{s.PRIOR_VALUES}__{s.FISCAL_YEAR}") == pl.col(s.FISCAL_YEAR) - 1)
            & pl.col(f"{s.PRIOR_VALUES}__{s.TARGET_VALUE}").is_not_null()
            & (pl.col(f"{s.PRIOR_VALUES}__{s.UNIT}").fill_null("") == pl.col(s.UNIT).fill_null(""))
        )
    )
    before = pl.col(f"{s.PRIOR_VALUES}__{s.TARGET_VALUE}")
    weaker = (pl.col(s.COMPARATOR).is_in(_UP) & (pl.col(s.TARGET_VALUE) < before)) | (
        pl.col(s.COMPARATOR).is_in(_DOWN) & (pl.col(s.TARGET_VALUE) > before)
    )
    out = []
    for row in prior.filter(weaker).iter_rows(named=True):
        previous_text = row[f"{s.PRIOR_VALUES}__{s.TARGET_TEXT}"]
        out.append(
            _indicator_row(
                row,
                "ambition",
                measure="count",
                observed=row[s.TARGET_VALUE],
                expected=row[f"{s.PRIOR_VALUES}__{s.TARGET_VALUE}"],
                variance=row[s.TARGET_VALUE] - row[f"{s.PRIOR_VALUES}__{s.TARGET_VALUE}"],
                message_zh=f"{row[s.LEVEL3]}：本年目标 {row[s.TARGET_TEXT]}，上年为 {previous_text}，目标降低",
                message_en=f"{row[s.LEVEL3]}: this year's target {row[s.TARGET_TEXT]} is less ambitious than last "
                f"year's {previous_text}",
            )
        )
    return findings(out)


@rule(
    "targets.out_of_range",
    "targets",
    "warning",
    "百分比指标值超过 100%",
    "A percentage target above 100 %",
)
def out_of_range(ds: Dataset, settings: Settings) -> pl.DataFrame:
    units = settings.get("targets", "percent_units")
    found = ds.indicators.filter(pl.col(s.UNIT).is_in(units) & (pl.col(s.TARGET_VALUE) > 100))
    return findings(
        _indicator_row(
            row,
            "range",
            measure="percent",
            observed=row[s.TARGET_VALUE],
            expected=Decimal(100),
            variance=row[s.TARGET_VALUE] - 100,
            message_zh=f"{row[s.LEVEL3]}：指标值 {row[s.TARGET_TEXT]} 超过 100%",
            message_en=f"{row[s.LEVEL3]}: target {row[s.TARGET_TEXT]} is above 100 %",
        )
        for row in found.iter_rows(named=True)
    )


@rule(
    "targets.weak_indicator",
    "targets",
    "info",
    "指标未量化或为“全部 100%”式的套话",
    "An indicator that is not quantified, or a tautological 100 %",
)
def weak_indicator(ds: Dataset, settings: Settings) -> pl.DataFrame:
    units = settings.get("targets", "percent_units")
    unquantified = pl.col(s.TARGET_VALUE).is_null()
    tautological = (
        pl.col(s.UNIT).is_in(units) & (pl.col(s.TARGET_VALUE) == 100) & pl.col(s.COMPARATOR).is_in(["=", "≥"])
    )
    out = []
    for row in ds.indicators.filter(unquantified | tautological).iter_rows(named=True):
        vague = row[s.TARGET_VALUE] is None
        out.append(
            _indicator_row(
                row,
                "weak",
                measure="count",
                message_zh=f"{row[s.LEVEL3]}：指标值“{row[s.TARGET_TEXT]}”"
                + ("未量化，无法考核" if vague else "为 100%，难以区分完成程度"),
                message_en=f"{row[s.LEVEL3]}: target '{row[s.TARGET_TEXT]}' "
                + ("is not quantified" if vague else "is a blanket 100 %"),
            )
        )
    return findings(out)


@rule(
    "targets.no_basis",
    "targets",
    "info",
    "指标缺少指标值确定依据",
    "Indicators without 指标值确定依据 (basis of the target value)",
)
def no_basis(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """One finding per document: how many of its indicators leave the basis empty."""
    missing = ds.indicators.filter(pl.col(s.BASIS) == "")
    per_doc = missing.group_by(s.DOC_ID, s.DEPARTMENT_ID, s.FISCAL_YEAR).agg(pl.len().alias("_count"))
    totals = ds.indicators.group_by(s.DOC_ID).agg(pl.len().alias("_all"))
    out = []
    for row in per_doc.join(totals, on=s.DOC_ID).iter_rows(named=True):
        out.append(
            {
                "key": row[s.DOC_ID],
                s.DEPARTMENT_ID: row[s.DEPARTMENT_ID],
                s.FISCAL_YEAR: row[s.FISCAL_YEAR],
                s.DOC_ID: row[s.DOC_ID],
                s.SUBJECT: "指标值确定依据",
                s.MEASURE: "count",
                s.OBSERVED: row["_count"],
                s.EXPECTED: 0,
                s.MESSAGE_ZH: f"{row['_all']} 个绩效指标中 {row['_count']} 个未填写指标值确定依据",
                s.MESSAGE_EN: f"{row['_count']} of {row['_all']} indicators give no basis for their target value",
                s.EVIDENCE: evidence(missing.filter(pl.col(s.DOC_ID) == row[s.DOC_ID]), _PART, limit=5),
            }
        )
    return findings(out)


@rule(
    "targets.cost_above_budget",
    "targets",
    "warning",
    "成本指标超过部门当年支出总额",
    "A cost target above the department's total spending of the year",
)
def cost_above_budget(ds: Dataset, settings: Settings) -> pl.DataFrame:
    money = {"万元": Decimal(10_000), "元": Decimal(1), "亿元": Decimal(100_000_000)}
    totals = yearly_totals(ds.lines, documents=ds.documents).filter(pl.col(s.SIDE) == "expenditure")
    costs = ds.indicators.filter(
        (pl.col(s.LEVEL1) == "成本指标") & pl.col(s.UNIT).is_in(list(money)) & pl.col(s.TARGET_VALUE).is_not_null()
    ).join(
        totals.select(s.DEPARTMENT_ID, s.FISCAL_YEAR, pl.col(s.AMOUNT_YUAN).alias("_total")),
        on=[s.DEPARTMENT_ID, s.FISCAL_YEAR],
    )
    out = []
    for row in costs.iter_rows(named=True):
        cost = row[s.TARGET_VALUE] * money[row[s.UNIT]]
        if cost > row["_total"]:
            out.append(
                _indicator_row(
                    row,
                    "cost",
                    measure="yuan",
                    observed=cost,
                    expected=row["_total"],
                    variance=cost - row["_total"],
                    message_zh=f"{row[s.LEVEL3]}：成本指标 {row[s.TARGET_TEXT]} 超过部门当年支出总额 {wan(row['_total'])}",
                    message_en=f"{row[s.LEVEL3]}: cost target {row[s.TARGET_TEXT]} exceeds the year's total spending "
                    f"{wan_en(row['_total'])}",
                )
            )
    return findings(out)
