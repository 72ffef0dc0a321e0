"""Rules on completeness: standard tables missing or unreadable, tables disclosed empty, sections of the narrative
missing, 公务用车 costs not given apart. (No staffing figures is a fact, not a question: the coverage ledger says
which per-staff figures cannot be computed, ``analytics.coverage``.)"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

import polars as pl

from analytics import schema as s
from analytics.checks._engine import Settings, findings, rule, shared
from analytics.checks._rules._common import line_evidence, table_name
from analytics.reading import expected_form
from analytics.reference import reference_rows, table_catalog
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
    out = []
    for disclosure, members in ds.documents.sort(s.DOC_ID).group_by(s.DISCLOSURE_ID, maintain_order=True):
        head = members.row(0, named=True)
        have = _tables_of(ds, members.get_column(s.DOC_ID).to_list())
        _, expected = expected_form(head[s.PHASE], head[s.SCOPE], have)
        lacking = [key for key in expected if key not in have]
        evidence = [
            {s.DOC_ID: d, "table_or_part": "document", s.PAGE: None, s.LINE: None, s.SOURCE_TEXT: n}
            for d, n in members.select(s.DOC_ID, s.SOURCE_NAME).rows()
        ]
        for key in lacking:  # one finding per missing table: each is its own question (and its own triage)
            out.append(
                {
                    "key": f"{disclosure[0]}|{key}",
                    s.DEPARTMENT_ID: head[s.DEPARTMENT_ID],
                    s.FISCAL_YEAR: head[s.FISCAL_YEAR],
                    s.DOC_ID: head[s.DOC_ID],
                    s.SUBJECT: names.get(key, key),
                    s.MEASURE: "count",
                    s.OBSERVED: len(expected) - len(lacking),
                    s.EXPECTED: len(expected),
                    s.MESSAGE_ZH: f"未找到（或无法读取）标准表“{names.get(key, key)}”（应有 {len(expected)} 张，"
                    f"找到 {len(expected) - len(lacking)} 张）。请说明是否公开了该表；如本部门无此项，应公开空表并注明",
                    s.MESSAGE_EN: f"standard table “{table_name(key, lang='en')}” not found or not readable ({len(expected) - len(lacking)} "
                    f"of {len(expected)} found); ask whether it was published",
                    s.EVIDENCE: evidence,
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
                f"the table “{table_name(row[s.TABLE], lang='en')}” is disclosed empty without a note saying why",
                "info",
            )
        elif fund and fund not in note and any(word in note for word in others):
            zh, en, severity = (
                f"{name}为空表，但其说明讲的是另一类资金：“{note}”",
                f"the table “{table_name(row[s.TABLE], lang='en')}” is empty and its note speaks of another fund: {note}",
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


@cache
def _sections() -> dict[tuple[str, str], list[dict[str, str]]]:
    """The sections each form's narrative must hold, by (form, phase): ``analytics/reference/sections.csv``."""
    out: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in reference_rows("sections.csv"):
        out.setdefault((row["form"], row["phase"]), []).append({**row, "regex": re.compile(row["pattern"])})
    return out


def _readable_tables(ds: Dataset) -> dict[str, set[str]]:
    """Each document's standard tables that hold rows (every rule of a run reads them: grouped once per run), so
    that a disclosure's tables are a look-up, not a pass over every document's tables."""

    def group() -> dict[str, set[str]]:
        readable = ds.document_tables.filter(~pl.col(s.STATUS).is_in(["no_rows", "unreadable"]))
        grouped = readable.group_by(s.DOC_ID).agg(pl.col(s.TABLE).drop_nulls())
        return {doc_id: set(tables) for doc_id, tables in grouped.iter_rows()}

    return shared("completeness.readable_tables", group)


def _tables_of(ds: Dataset, doc_ids: list[str]) -> set[str]:
    """The readable tables of a disclosure's documents."""
    by_document = _readable_tables(ds)
    return set().union(*(by_document.get(doc_id, set()) for doc_id in doc_ids))


_CONTENTS = re.compile(r"^目\s*录$")
#: A line of a table rather than of the narrative: a row led by its classification code ("30107 绩效工资 8.18"),
#: or a table's title ("政府采购预算表": the table is not the section that explains it).
_TABLE_LINE = re.compile(r"^\d{3,}\s|表$")


def _narrative_by_document(ds: Dataset) -> dict[str, list[dict[str, object]]]:
    """Each document's narrative lines (both rules read the same text: split once per run of the checks)."""
    return shared("completeness.narrative", lambda: _split_narrative(ds.document_text))


def _split_narrative(frame: pl.DataFrame) -> dict[str, list[dict[str, object]]]:
    contents = frame.filter(pl.col(s.SOURCE_TEXT).str.contains(_CONTENTS.pattern) & pl.col(s.PAGE).is_not_null())
    kept = (
        frame.join(contents.select(s.DOC_ID, s.PAGE).unique(), on=[s.DOC_ID, s.PAGE], how="anti", nulls_equal=False)
        .filter(~pl.col(s.SOURCE_TEXT).str.contains(_TABLE_LINE.pattern))
        .sort(s.DOC_ID, s.SEQ)
    )
    out: dict[str, list[dict[str, object]]] = {}
    for row in kept.iter_rows(named=True):
        out.setdefault(row[s.DOC_ID], []).append(row)
    return out


def _narrative_text(ds: Dataset, doc_ids: list[str]) -> list[dict[str, object]]:
    """The lines of a disclosure's documents that are its narrative: not a table's row or title, not on the table
    of contents (which lists a section without holding it). A table's page may hold narrative too (a section
    starting under the table's last rows)."""
    by_document = _narrative_by_document(ds)
    return [row for doc_id in sorted(doc_ids) for row in by_document.get(doc_id, [])]


@rule(
    "completeness.sections",
    "completeness",
    "warning",
    "预决算说明缺少应有的部分（编制说明、“三公”、机关运行经费、政府采购、国有资产、绩效等）",
    "The narrative lacks a section its form requires (explanation, 三公, 机关运行经费, procurement, assets, "
    "performance …)",
)
def sections(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """The sections of the disclosure's form (``analytics/reference/sections.csv``, with its source), each looked
    for in the narrative of every file of the disclosure; one finding per missing section."""
    del settings
    out = []
    for disclosure, members in ds.documents.sort(s.DOC_ID).group_by(s.DISCLOSURE_ID, maintain_order=True):
        doc_ids = members.get_column(s.DOC_ID).to_list()
        head = members.row(0, named=True)
        lines = _narrative_text(ds, doc_ids)
        if not lines:
            continue  # no text stored (a dataset read before document_text): the coverage ledger says so
        have = _tables_of(ds, doc_ids)
        form, _ = expected_form(head[s.PHASE], head[s.SCOPE], have)
        text = "\n".join(str(row[s.SOURCE_TEXT]) for row in lines)
        for section in _sections().get((form or "local", head[s.PHASE]), []):
            if section["regex"].search(text):
                continue
            out.append(
                {
                    "key": f"{disclosure[0]}|{section['section']}",
                    s.DEPARTMENT_ID: head[s.DEPARTMENT_ID],
                    s.FISCAL_YEAR: head[s.FISCAL_YEAR],
                    s.DOC_ID: head[s.DOC_ID],
                    s.SEVERITY: section["severity"],
                    s.SUBJECT: section["name_zh"],
                    s.MEASURE: "count",
                    s.MESSAGE_ZH: f"预决算说明中未找到“{section['name_zh']}”。请说明是否公开了该部分，"
                    "或本部门无此事项（应在说明中写明）",
                    s.MESSAGE_EN: f"the narrative has no {section['name_en']}; ask whether it was published or why not",
                    s.EVIDENCE: [
                        {s.DOC_ID: d, "table_or_part": "document", s.PAGE: None, s.LINE: None, s.SOURCE_TEXT: n}
                        for d, n in members.select(s.DOC_ID, s.SOURCE_NAME).rows()
                    ],
                }
            )
    return findings(out)


_VEHICLES = re.compile(r"公务用车")
#: The combined item (公务用车购置及运行费) names both words without giving either amount: left out first. Judged
#: only where it is stated with an amount other than 0 (not a glossary's definition, not a budget with no 三公).
_COMBINED = re.compile(r"购置及运行(?:维护|维修)?费")
_COMBINED_AMOUNT = re.compile(r"购置及运行(?:维护|维修)?费[^，。；,;\d]{0,10}?(\d[\d,]*(?:\.\d+)?)")
#: Each part with its own amount: "公务用车购置费0万元", "公务用车购置预算支出 0 万元", "运行维护费 12.5 万元".
_PURCHASE = re.compile(r"购置[^，。；,;]{0,8}?\d")
_RUNNING = re.compile(r"(?:运行|运维)[^，。；,;]{0,10}?\d")


@rule(
    "completeness.vehicle_split",
    "completeness",
    "warning",
    "“三公”说明未将公务用车购置费与运行费分开说明",
    "The “three public” explanation does not give official vehicles' purchase and running costs separately",
)
def vehicle_split(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """A narrative that states 公务用车购置及运行费 (an amount other than 0) must give its 购置费 and its 运行（维护）费
    apart, each with its amount (财预〔2016〕143号)."""
    del settings
    out = []
    for disclosure, members in ds.documents.sort(s.DOC_ID).group_by(s.DISCLOSURE_ID, maintain_order=True):
        head = members.row(0, named=True)
        lines = _narrative_text(ds, members.get_column(s.DOC_ID).to_list())
        joined = "".join(str(row[s.SOURCE_TEXT]) for row in lines)
        stated = [m[1] for m in _COMBINED_AMOUNT.finditer(joined)]
        if not any(Decimal(amount.replace(",", "")) for amount in stated):
            continue
        text = _COMBINED.sub("", joined)
        found = (("购置费", "purchase", _PURCHASE), ("运行费", "running", _RUNNING))
        lacking = [word for word, _, pattern in found if not pattern.search(text)]
        lacking_en = [word for _, word, pattern in found if not pattern.search(text)]
        if not lacking:
            continue
        first = next((row for row in lines if _COMBINED.search(str(row[s.SOURCE_TEXT]))), None) or next(
            row for row in lines if _VEHICLES.search(str(row[s.SOURCE_TEXT]))
        )
        out.append(
            {
                "key": f"{disclosure[0]}|vehicles|{'/'.join(lacking)}",
                s.DEPARTMENT_ID: head[s.DEPARTMENT_ID],
                s.FISCAL_YEAR: head[s.FISCAL_YEAR],
                s.DOC_ID: first[s.DOC_ID],
                s.SUBJECT: "公务用车购置及运行费",
                s.MEASURE: "count",
                s.MESSAGE_ZH: f"“三公”经费说明提到公务用车，但未单独说明公务用车{'、'.join(lacking)}。"
                "请分别说明购置费和运行费的金额及变化",
                s.MESSAGE_EN: f"the explanation of the “three public” spending mentions official vehicles but gives no "
                f"{' / '.join(lacking_en)} costs; ask for "
                "purchase and running costs apart",
                s.EVIDENCE: [line_evidence(first, part="narrative")],
            }
        )
    return findings(out)
