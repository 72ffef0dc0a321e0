"""Rules on completeness: standard tables missing or unreadable, tables disclosed empty, no staffing figures."""

from __future__ import annotations

import polars as pl

from analytics import schema as s
from analytics.checks._engine import Settings, findings, rule
from analytics.checks._rules._common import line_evidence
from analytics.reading import expected_form
from analytics.reference import table_catalog
from analytics.store import Dataset


def _names() -> dict[str, str]:
    catalog = table_catalog()
    return dict(zip(catalog.get_column("key").to_list(), catalog.get_column("name_zh").to_list(), strict=True))


@rule(
    "completeness.missing_tables",
    "completeness",
    "warning",
    "预决算未公开（或无法读取）标准表",
    "A disclosure lacks standard tables its form requires, or they cannot be read",
)
def missing_tables(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """The standard tables of the disclosure's form (``analytics/reference/requirements.csv``: the local forms
    of 财预〔2016〕143号, the 高校 forms …, told apart by the tables printed) against the readable ones."""
    names = _names()
    readable = ds.document_tables.filter(~pl.col(s.STATUS).is_in(["no_rows", "unreadable"]))
    out = []
    for disclosure, members in ds.documents.sort(s.DOC_ID).group_by(s.DISCLOSURE_ID, maintain_order=True):
        doc_ids = members.get_column(s.DOC_ID)
        head = members.row(0, named=True)
        have = set(readable.filter(pl.col(s.DOC_ID).is_in(doc_ids.implode())).get_column(s.TABLE).to_list())
        _, expected = expected_form(head[s.PHASE], head[s.SCOPE], have)
        lacking = [key for key in expected if key not in have]
        if not lacking:
            continue
        listed = "、".join(names.get(key, key) for key in lacking)
        out.append(
            {
                "key": str(disclosure[0]),
                s.DEPARTMENT_ID: head[s.DEPARTMENT_ID],
                s.FISCAL_YEAR: head[s.FISCAL_YEAR],
                s.DOC_ID: head[s.DOC_ID],
                s.SUBJECT: "标准表",
                s.MEASURE: "count",
                s.OBSERVED: len(expected) - len(lacking),
                s.EXPECTED: len(expected),
                s.MESSAGE_ZH: f"未找到（或无法读取）{len(lacking)} 张标准表：{listed}",
                s.MESSAGE_EN: f"{len(lacking)} standard table(s) not found or not readable: {', '.join(lacking)}",
                s.EVIDENCE: [
                    {s.DOC_ID: d, "table_or_part": "document", s.PAGE: None, s.LINE: None, s.SOURCE_TEXT: n}
                    for d, n in members.select(s.DOC_ID, s.SOURCE_NAME).rows()
                ],
            }
        )
    return findings(out)


#: The fund a table of one fund is about: the note under it, disclosed empty, must speak of that fund.
_FUND_WORDS = {"government_fund": "政府性基金", "state_capital": "国有资本"}


@rule(
    "completeness.empty_tables",
    "completeness",
    "info",
    "空表未说明原因，或说明与本表不符",
    "A table disclosed empty without a note saying why, or with a note about another table",
)
def empty_tables(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """A table disclosed empty is a fact, not a defect, when a note under it says why (本部门无此项): recorded in
    ``document_tables`` (status ``empty``, the note in ``reason``), not flagged. Flagged are an empty table no note
    explains, and one whose note speaks of another fund (a 国有资本经营预算 table noted 无政府性基金预算: a copied
    note)."""
    names = _names()
    empty = (
        ds.document_tables.filter(pl.col(s.STATUS) == "empty")
        .sort(s.DOC_ID, s.TABLE, s.PAGE_FROM, nulls_last=True)
        .group_by(s.DOC_ID, s.TABLE, maintain_order=True)
        .agg(pl.col(s.REASON).drop_nulls().first(), pl.col(s.PAGE_FROM).first(), pl.col(s.SOURCE_TEXT).first())
        .join(ds.documents.select(s.DOC_ID, s.DEPARTMENT_ID, s.FISCAL_YEAR), on=s.DOC_ID)
    )
    out = []
    for row in empty.iter_rows(named=True):
        name = names.get(row[s.TABLE], row[s.TABLE])
        note = row[s.REASON]
        fund = _FUND_WORDS.get(row[s.TABLE])
        others = [word for key, word in _FUND_WORDS.items() if key != row[s.TABLE]]
        if note is None:
            zh, en, severity = (
                f"{name}公开为空表，未说明原因（应注明本部门无此项）",
                f"{row[s.TABLE]} is disclosed empty without a note saying why",
                "info",
            )
        elif fund and fund not in note and any(word in note for word in others):
            zh, en, severity = (
                f"{name}为空表，但其说明讲的是另一类资金：“{note}”",
                f"{row[s.TABLE]} is empty and its note speaks of another fund: {note}",
                "warning",
            )
        else:
            continue  # disclosed empty and said why: a fact, recorded, not a finding
        out.append(
            {
                "key": f"{row[s.DOC_ID]}|{row[s.TABLE]}",
                s.DEPARTMENT_ID: row[s.DEPARTMENT_ID],
                s.FISCAL_YEAR: row[s.FISCAL_YEAR],
                s.DOC_ID: row[s.DOC_ID],
                s.SEVERITY: severity,
                s.SUBJECT: name,
                s.MEASURE: "count",
                s.MESSAGE_ZH: zh,
                s.MESSAGE_EN: en,
                s.EVIDENCE: [line_evidence(row, page=s.PAGE_FROM)],
            }
        )
    return findings(out)


@rule(
    "completeness.no_staffing",
    "completeness",
    "info",
    "未披露编制或实有人数",
    "No staffing figures (编制 / 实有人数) disclosed",
)
def no_staffing(ds: Dataset, settings: Settings) -> pl.DataFrame:
    missing = ds.departments.filter(pl.col(s.STAFF_AUTHORIZED).is_null() & pl.col(s.STAFF_ACTUAL).is_null())
    return findings(
        {
            "key": f"{row[s.DEPARTMENT_ID]}|{row[s.FISCAL_YEAR]}",
            s.DEPARTMENT_ID: row[s.DEPARTMENT_ID],
            s.FISCAL_YEAR: row[s.FISCAL_YEAR],
            s.DOC_ID: row[s.DOC_ID],
            s.SUBJECT: "人员编制",
            s.MEASURE: "count",
            s.MESSAGE_ZH: "未披露编制人数和实有人数，无法计算人均指标",
            s.MESSAGE_EN: "neither authorized nor actual staff is disclosed; per-staff figures cannot be computed",
            s.EVIDENCE: [],
        }
        for row in missing.iter_rows(named=True)
    )
