"""``cross.department_facts``: documents of one department-year that state a department fact differently."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl

from analytics import schema as s
from analytics.checks import load_settings, rule_catalog, run_checks, with_flags
from analytics.store import Dataset, open_dataset, update_dataset

RULE = "cross.department_facts"


def _document(doc_id: str, phase: str, *, scope: str = "department", page: int = 3, **facts: object) -> Dataset:
    """A 甲局 2024 disclosure ``doc_id`` (file ``<doc_id>.pdf``) whose department row states ``facts``."""
    documents = pl.DataFrame(
        [
            {
                s.DOC_ID: doc_id,
                s.SOURCE_NAME: f"{doc_id}.pdf",
                s.SOURCE_FORMAT: "pdf",
                s.DEPARTMENT: "甲局",
                s.DEPARTMENT_ID: "甲局",
                s.FISCAL_YEAR: 2024,
                s.PHASE: phase,
                s.SCOPE: scope,
                s.DISCLOSURE_ID: doc_id,
            }
        ],
        schema=s.TABLES[s.DOCUMENTS].schema,
        orient="row",
    )
    row = {
        s.DEPARTMENT_ID: "甲局",
        s.FISCAL_YEAR: 2024,
        s.NAME: facts.pop(s.NAME, "甲局"),
        s.DOC_ID: doc_id,
        s.PAGE: page,
        s.LINE: 4,
        s.SOURCE_TEXT: f"{doc_id}：人员编制情况",
        **facts,
    }
    departments = pl.DataFrame([row], schema=s.TABLES[s.DEPARTMENTS].schema, orient="row")
    return Dataset.from_tables({s.DOCUMENTS: documents, s.DEPARTMENTS: departments})


def _merged(*documents: Dataset) -> Dataset:
    merged = Dataset.empty()
    for document in documents:
        merged = merged.replace_documents(document)
    return merged


def _flags(ds: Dataset, **overrides: object) -> pl.DataFrame:
    settings = load_settings({"facts": overrides}) if overrides else None
    return run_checks(ds, settings, rules=[RULE])


def test_the_rule_is_in_the_catalog_as_a_warning() -> None:
    catalog = rule_catalog().filter(pl.col("rule_id") == RULE)
    assert catalog.select("family", "severity").rows() == [("cross", "warning")]


def test_two_documents_stating_different_staff(tmp_path: Path) -> None:
    update_dataset(_document("a1", "budget", page=3, **{s.STAFF_AUTHORIZED: 35}), tmp_path)
    update_dataset(_document("b2", "final", page=7, **{s.STAFF_AUTHORIZED: 36}), tmp_path)
    flags = _flags(open_dataset(tmp_path))
    assert flags.height == 1
    flag = flags.row(0, named=True)
    assert (flag[s.SEVERITY], flag[s.FAMILY], flag[s.DEPARTMENT_ID], flag[s.FISCAL_YEAR]) == (
        "warning",
        "cross",
        "甲局",
        2024,
    )
    # The latest document read is what ``departments`` shows: observed; the other document's value: expected.
    assert (flag[s.DOC_ID], flag[s.SUBJECT], flag[s.MEASURE]) == ("b2", "编制人数", "count")
    assert (flag[s.OBSERVED], flag[s.EXPECTED], flag[s.VARIANCE]) == (Decimal(36), Decimal(35), Decimal(1))
    assert flag[s.MESSAGE_ZH] == (
        "2024 年编制人数，2 份文件所述不一致：b2.pdf（决算）为 36；a1.pdf（预算）为 35。请说明哪份文件所述为准。"
    )
    assert flag[s.MESSAGE_EN] == (
        "authorized staff for 2024 differs between 2 documents: b2.pdf (final account) states 36; "
        "a1.pdf (budget) states 35; ask which document is right."
    )
    assert flag[s.EVIDENCE] == [
        {s.DOC_ID: "b2", "table_or_part": "department_facts", s.PAGE: 7, s.LINE: 4, s.SOURCE_TEXT: "b2：人员编制情况"},
        {s.DOC_ID: "a1", "table_or_part": "department_facts", s.PAGE: 3, s.LINE: 4, s.SOURCE_TEXT: "a1：人员编制情况"},
    ]


def test_the_finding_survives_the_store_and_keeps_its_id(tmp_path: Path) -> None:
    update_dataset(_document("a1", "budget", **{s.STAFF_ACTUAL: 30}), tmp_path)
    stored = update_dataset(_document("b2", "final", **{s.STAFF_ACTUAL: 28}), tmp_path, refresh=with_flags)
    first = stored.flags.filter(pl.col(s.RULE_ID) == RULE)
    assert first.get_column(s.OBSERVED).to_list() == [Decimal(28)]
    again = with_flags(open_dataset(tmp_path)).flags.filter(pl.col(s.RULE_ID) == RULE)
    assert again.get_column(s.FLAG_ID).to_list() == first.get_column(s.FLAG_ID).to_list()


def test_agreeing_or_silent_documents_raise_nothing() -> None:
    a = _document("a1", "budget", **{s.STAFF_AUTHORIZED: 35, s.UNIT_TYPE: "行政单位"})
    same = _document("b2", "final", **{s.STAFF_AUTHORIZED: 35, s.UNIT_TYPE: "行政单位"})
    silent = _document("c3", "final", **{s.STAFF_AUTHORIZED: None, s.STAFF_ACTUAL: 30})
    assert _flags(_merged(a, same)).is_empty()
    assert _flags(_merged(a, silent)).is_empty()
    assert _flags(_merged(a)).is_empty()


def test_a_corrected_document_clears_the_finding() -> None:
    a = _document("a1", "budget", **{s.STAFF_AUTHORIZED: 35})
    wrong = _document("b2", "final", **{s.STAFF_AUTHORIZED: 53})
    corrected = _document("b2", "final", **{s.STAFF_AUTHORIZED: 35})
    assert _flags(_merged(a, wrong)).height == 1
    # Re-reading b2 replaces what it stated before.
    assert _flags(_merged(a, wrong, corrected)).is_empty()


def test_a_text_fact_names_both_values() -> None:
    ds = _merged(
        _document("a1", "budget", **{s.UNIT_TYPE: "行政单位"}),
        _document("b2", "budget", **{s.UNIT_TYPE: "参公事业单位"}),
    )
    flag = _flags(ds).row(0, named=True)
    assert flag[s.SUBJECT] == "单位性质"
    assert (flag[s.MEASURE], flag[s.OBSERVED], flag[s.EXPECTED], flag[s.VARIANCE]) == (None, None, None, None)
    assert (
        flag[s.MESSAGE_ZH]
        == "2024 年单位性质，2 份文件所述不一致：b2.pdf（预算）为 参公事业单位；a1.pdf（预算）为 行政单位"
        "。请说明哪份文件所述为准。"
    )


def test_one_finding_per_fact_listing_every_document() -> None:
    ds = _merged(
        _document("a1", "budget", **{s.STAFF_AUTHORIZED: 35, s.SUBORDINATE_UNITS: 2}),
        _document("c3", "budget", **{s.STAFF_AUTHORIZED: 36, s.SUBORDINATE_UNITS: 3}),
        _document("b2", "final", **{s.STAFF_AUTHORIZED: 35, s.SUBORDINATE_UNITS: 3}),
    )
    flags = _flags(ds).sort(s.SUBJECT)
    assert flags.get_column(s.SUBJECT).to_list() == ["下属单位数", "编制人数"]
    staff = flags.filter(pl.col(s.SUBJECT) == "编制人数").row(0, named=True)
    # b2 was read last and agrees with a1: observed 35, and the disagreeing c3 is the expected 36.
    assert (staff[s.DOC_ID], staff[s.OBSERVED], staff[s.EXPECTED]) == ("b2", Decimal(35), Decimal(36))
    assert staff[s.MESSAGE_ZH] == (
        "2024 年编制人数，3 份文件所述不一致：b2.pdf（决算）、a1.pdf（预算）为 35；c3.pdf（预算）为 36"
        "。请说明哪份文件所述为准。"
    )
    assert [e[s.DOC_ID] for e in staff[s.EVIDENCE]] == ["b2", "c3", "a1"]


def test_a_unit_disclosure_is_not_compared_with_the_department() -> None:
    # A 单位 disclosure describes one unit of the department: fewer staff is no contradiction.
    ds = _merged(
        _document("a1", "budget", **{s.STAFF_AUTHORIZED: 120}),
        _document("u2", "budget", scope="unit", **{s.STAFF_AUTHORIZED: 35}),
    )
    assert _flags(ds).is_empty()


def test_settings_choose_the_facts_compared() -> None:
    ds = _merged(
        _document("a1", "budget", **{s.NAME: "甲局", s.STAFF_AUTHORIZED: 35}),
        _document("b2", "budget", **{s.NAME: "甲市甲局", s.STAFF_AUTHORIZED: 36}),
    )
    assert _flags(ds).get_column(s.SUBJECT).to_list() == ["编制人数"]
    assert _flags(ds, compared=["name"]).get_column(s.SUBJECT).to_list() == ["部门名称"]
    assert _flags(ds, compared=[]).is_empty()
