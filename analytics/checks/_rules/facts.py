"""Rules on department facts: two documents of one department-year that state a fact differently.

A department-year is often described by more than one document (a budget and its final account, a re-published
budget). ``departments`` keeps one row per department-year, merged fact by fact (see ``analytics.store``); the
store also keeps what each document stated (``Dataset.department_facts``), which is what these rules compare.
"""

from __future__ import annotations

import polars as pl

from analytics import schema as s
from analytics.checks._engine import Settings, findings, rule
from analytics.checks._rules._common import line_evidence
from analytics.store import READ_ORDER, Dataset

#: How a message names each fact (Chinese, English); a fact the settings add without a label shows its column.
_LABELS = {
    s.NAME: ("部门名称", "department name"),
    s.REGION: ("地区", "region"),
    s.UNIT_TYPE: ("单位性质", "unit type"),
    s.STAFF_AUTHORIZED: ("编制人数", "authorized staff"),
    s.STAFF_ACTUAL: ("实有人数", "actual staff"),
    s.SUBORDINATE_UNITS: ("下属单位数", "subordinate units"),
}
_PHASES = {"budget": ("预算", "budget"), "final": ("决算", "final account")}
_PART = "department_facts"


@rule(
    "cross.department_facts",
    "cross",
    "warning",
    "同一部门同一年度的两份文件所述部门基本情况（单位性质、编制、实有人数、下属单位）不一致",
    "Two documents of one department-year state different department facts (unit type, staff, subordinate units)",
)
def conflicting_facts(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """One finding per department-year, scope and fact that documents state with different values.

    Documents are compared within one scope: a 单位 disclosure describes one unit of the department, whose staff
    are rightly fewer than the 部门's. A document that does not state a fact never disagrees with one that does.
    ``observed`` is the value of the latest document read (the one ``departments`` shows), ``expected`` the other
    value of the latest document that disagrees; for a text fact (unit type) both are null.
    """
    compared = [c for c in settings.get("facts", "compared") if c in ds.department_facts.columns]
    documents = ds.documents.select(s.DOC_ID, s.SOURCE_NAME, s.PHASE, s.SCOPE)
    facts = ds.department_facts.join(documents, on=s.DOC_ID, how="left").with_columns(
        pl.col(s.SOURCE_NAME).fill_null(pl.col(s.DOC_ID))
    )
    group = [s.DEPARTMENT_ID, s.FISCAL_YEAR, s.SCOPE]
    out = []
    for column in compared:
        stated = facts.filter(pl.col(column).is_not_null())
        differing = stated.filter(pl.col(column).n_unique().over(group) > 1).sort(
            [*group, READ_ORDER, s.DOC_ID], descending=[False, False, False, True, False], nulls_last=True
        )
        for _, rows in differing.group_by(group, maintain_order=True):
            out.append(_finding(column, rows.to_dicts()))
    return findings(out)


def _finding(column: str, rows: list[dict[str, object]]) -> dict[str, object]:
    """The finding of one fact stated differently by ``rows`` (latest document first)."""
    latest = rows[0]
    label_zh, label_en = _LABELS.get(column, (column, column))
    other = next(row for row in rows if row[column] != latest[column])
    observed, expected = latest[column], other[column]
    variance = observed - expected if isinstance(observed, int) and isinstance(expected, int) else None
    numeric = variance is not None
    # Each value once, with every document that states it, the latest document's value first.
    by_value: dict[object, list[dict[str, object]]] = {}
    for row in rows:
        by_value.setdefault(row[column], []).append(row)

    def named(row: dict[str, object], lang: int) -> str:
        phase = _PHASES.get(str(row[s.PHASE]), (row[s.PHASE], row[s.PHASE]))[lang]
        return f"{row[s.SOURCE_NAME]}（{phase}）" if lang == 0 else f"{row[s.SOURCE_NAME]} ({phase})"

    zh = "；".join(f"{'、'.join(named(r, 0) for r in group)}为 {value}" for value, group in by_value.items())
    en = "; ".join(f"{', '.join(named(r, 1) for r in group)} states {value}" for value, group in by_value.items())
    return {
        "key": f"{latest[s.DEPARTMENT_ID]}|{latest[s.FISCAL_YEAR]}|{latest[s.SCOPE]}|{column}",
        s.DEPARTMENT_ID: latest[s.DEPARTMENT_ID],
        s.FISCAL_YEAR: latest[s.FISCAL_YEAR],
        s.DOC_ID: latest[s.DOC_ID],
        s.SUBJECT: label_zh,
        s.MEASURE: "count" if numeric else None,
        s.OBSERVED: observed if numeric else None,
        s.EXPECTED: expected if numeric else None,
        s.VARIANCE: variance,
        s.MESSAGE_ZH: f"{latest[s.FISCAL_YEAR]} 年{label_zh}，{len(rows)} 份文件所述不一致：{zh}",
        s.MESSAGE_EN: f"{label_en} for {latest[s.FISCAL_YEAR]} differs between {len(rows)} documents: {en}",
        s.EVIDENCE: [line_evidence(row, part=_PART) for row in rows],
    }
