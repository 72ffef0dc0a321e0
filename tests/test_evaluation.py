"""analytics/evaluation.py: each injected defect changes exactly what it claims in what the reader reads, and the
caught / missed judgement on tiny cases."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from analytics import schema as s
from analytics.errors import AnalyticsError
from analytics.evaluation import (
    DEFECTS,
    Outcome,
    Site,
    apply_to_dataset,
    apply_to_text,
    build_baseline,
    evaluate_site,
    find_sites,
    judge,
    reading_with,
    recall_table,
)
from analytics.ingest import read_disclosure
from analytics.store import Dataset
from tests.pdf_synthetic import DisclosureSpec, build_disclosure_pdf
from tests.synthetic import SyntheticDisclosure


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Dataset, list[Site]]:
    path = build_disclosure_pdf(tmp_path_factory.mktemp("eval") / "jingan_2025_dept_budget.pdf", DisclosureSpec())
    dataset = read_disclosure(path)
    return path, dataset, find_sites(path, dataset, count=2, seed=7)


@pytest.fixture(scope="module")
def text(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Dataset, list[Site]]:
    path = tmp_path_factory.mktemp("eval") / "yuelu_2024_dept_budget.txt"
    path.write_text(SyntheticDisclosure().text(), encoding="utf-8")
    dataset = read_disclosure(path)
    return path, dataset, find_sites(path, dataset, count=2, seed=7)


def _site(sites: list[Site], defect: str) -> Site:
    found = [site for site in sites if site.defect == defect]
    assert found, f"no {defect} site in {sorted({site.defect for site in sites})}"
    return found[0]


def _reread(path: Path, site: Site) -> Dataset:
    with reading_with(site):
        return read_disclosure(path)


def _printed(dataset: Dataset) -> dict[tuple[object, object], str]:
    return {(r[s.PAGE], r[s.LINE]): r[s.SOURCE_TEXT] for r in dataset.document_text.to_dicts()}


def _one_replacement(old: str, new: str, before: str, after: str) -> bool:
    """Whether ``new`` is ``old`` with one ``before`` replaced by ``after`` (a word removed when ``after`` is empty)."""
    if not after:
        words = old.split()
        return any(w == before and words[:i] + words[i + 1 :] == new.split() for i, w in enumerate(words))
    starts = [i for i in range(len(new) + 1) if new.startswith(after, i)]
    return any(" ".join((new[:i] + before + new[i + len(after) :]).split()) == " ".join(old.split()) for i in starts)


def test_sites_are_deterministic_and_capped(pdf: tuple[Path, Dataset, list[Site]]) -> None:
    path, dataset, sites = pdf
    assert sites == find_sites(path, dataset, count=2, seed=7)
    counts = pl.Series([site.defect for site in sites]).value_counts()
    assert counts.get_column("count").max() <= 2
    assert {"number", "total_zero", "drop_table", "blank_cell", "frame_line"} <= {site.defect for site in sites}


@pytest.mark.parametrize("defect", ["number", "total_zero", "blank_cell", "placeholder", "stale_year", "scope"])
def test_a_word_defect_changes_that_word_only(pdf: tuple[Path, Dataset, list[Site]], defect: str) -> None:
    path, dataset, sites = pdf
    site = _site(sites, defect)
    before, after = _printed(dataset), _printed(_reread(path, site))
    changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    assert changed == {(site.page, site.line)}
    assert _one_replacement(before[(site.page, site.line)], after[(site.page, site.line)], site.before, site.after)


@pytest.mark.parametrize("defect", ["number", "total_zero"])
def test_a_changed_figure_is_read_with_its_new_amount(pdf: tuple[Path, Dataset, list[Site]], defect: str) -> None:
    path, _, sites = pdf
    site = _site(sites, defect)
    read = _reread(path, site).lines.filter(
        (pl.col(s.PAGE) == site.page) & (pl.col(s.LINE) == site.line) & (pl.col(s.TABLE) == site.table)
    )
    assert site.amount_yuan in read.get_column(s.AMOUNT_YUAN).to_list()


def test_a_blank_cell_loses_its_figure(pdf: tuple[Path, Dataset, list[Site]]) -> None:
    path, dataset, sites = pdf
    site = _site(sites, "blank_cell")
    at = (pl.col(s.PAGE) == site.page) & (pl.col(s.LINE) == site.line) & (pl.col(s.TABLE) == site.table)
    amount = (Decimal(site.before.replace(",", ""))).quantize(Decimal("0.01"))  # the spec prints 元
    assert amount in dataset.lines.filter(at).get_column(s.AMOUNT_YUAN).to_list()
    assert site.after == ""
    printed = _printed(dataset)[(site.page, site.line)].split()
    assert (
        _printed(_reread(path, site))[(site.page, site.line)].split().count(site.before)
        == printed.count(site.before) - 1
    )


def test_dropping_a_table_drops_its_pages(pdf: tuple[Path, Dataset, list[Site]]) -> None:
    path, dataset, sites = pdf
    site = _site(sites, "drop_table")
    reread = _reread(path, site)
    pages = dataset.documents.get_column("page_count").item()
    assert reread.documents.get_column("page_count").item() == pages - len(site.pages)
    assert site.table not in reread.document_tables.filter(pl.col(s.STATUS) == "data").get_column(s.TABLE).to_list()


def test_a_swapped_direction_is_read_as_the_other_direction(text: tuple[Path, Dataset, list[Site]]) -> None:
    path, dataset, sites = text
    site = _site(sites, "direction")
    assert {site.before, site.after} == {"增加", "减少"}
    before, after = _printed(dataset), _printed(_reread(path, site))
    assert {k for k in before if before[k] != after.get(k)} == {(site.page, site.line)}

    def directions(ds: Dataset) -> list[str]:
        return ds.statements.filter(pl.col(s.DIRECTION).is_in(["增加", "减少"])).get_column(s.DIRECTION).to_list()

    old, new = directions(dataset), directions(_reread(path, site))
    assert new.count(site.after) == old.count(site.after) + 1


@pytest.mark.parametrize("defect", ["placeholder", "stale_year", "scope"])
def test_a_text_defect_changes_the_decoded_text_at_its_site(
    text: tuple[Path, Dataset, list[Site]], defect: str
) -> None:
    path, dataset, sites = text
    site = _site(sites, defect)
    source = path.read_text(encoding="utf-8")
    altered = apply_to_text(source, site)
    assert altered[site.offset : site.offset + len(site.after)] == site.after
    assert altered.replace(site.after, site.before, 1) == source or source.count(site.before) > 1
    before, after = _printed(dataset), _printed(_reread(path, site))
    assert {k for k in before if before[k] != after.get(k)} == {(site.page, site.line)}


def test_the_title_the_document_is_dated_by_is_left_alone(text: tuple[Path, Dataset, list[Site]]) -> None:
    path, dataset, sites = text
    identity = dataset.documents.select(s.FISCAL_YEAR, s.SCOPE, s.DEPARTMENT_ID).row(0)
    for site in sites:
        if site.defect not in ("stale_year", "scope", "placeholder"):
            continue
        assert _reread(path, site).documents.select(s.FISCAL_YEAR, s.SCOPE, s.DEPARTMENT_ID).row(0) == identity


def test_a_frame_defect_changes_one_row(pdf: tuple[Path, Dataset, list[Site]]) -> None:
    _, dataset, sites = pdf
    for defect, table in (("frame_line", s.LINES), ("frame_statement", s.STATEMENTS)):
        site = _site(sites, defect)
        before, after = dataset.tables[table], apply_to_dataset(dataset, site).tables[table]
        differ = before.get_column(s.AMOUNT_YUAN) != after.get_column(s.AMOUNT_YUAN)
        assert differ.sum() == 1
        assert after.filter(differ).get_column(s.AMOUNT_YUAN).item() == site.amount_yuan
        assert before.equals(dataset.tables[table])  # the input frame is never mutated


def test_a_site_that_is_not_in_the_document_is_an_error() -> None:
    site = Site("number", "a.txt", line=1, offset=0, before="12.00", after="13.00")
    with pytest.raises(AnalyticsError, match=re.escape("no '12.00' at offset 0")):
        apply_to_text("合计 12.00", site)


def _flags(*rows: tuple[str, str, str, str, int | None]) -> pl.DataFrame:
    """flag id, source, rule, doc id and evidence page of each flag."""
    return pl.DataFrame(
        {
            s.FLAG_ID: [r[0] for r in rows],
            s.SOURCE: [r[1] for r in rows],
            s.RULE_ID: [r[2] for r in rows],
            s.DOC_ID: [r[3] for r in rows],
            s.EVIDENCE: [
                [{s.DOC_ID: r[3], "table_or_part": "income_summary", s.PAGE: r[4], s.LINE: 1, s.SOURCE_TEXT: ""}]
                for r in rows
            ],
        },
        schema={
            s.FLAG_ID: pl.String,
            s.SOURCE: pl.String,
            s.RULE_ID: pl.String,
            s.DOC_ID: pl.String,
            s.EVIDENCE: pl.List(s.EVIDENCE_ITEM),
        },
    )


BASE = _flags(("f1", "rule", "table.parent_sum", "d1", 3))
SITE = Site("number", "a.pdf", page=5, line=2)


@pytest.mark.parametrize(
    ("after", "caught_by", "located", "rules"),
    [
        (BASE, None, False, ()),  # nothing new
        (_flags(("f2", "rule", "table.parent_sum", "d2", 5)), None, False, ()),  # new, but on another document
        (_flags(("f2", "reader", "reading.doubt", "d1", 5)), "reader", True, ("reading.doubt",)),
        (
            _flags(("f2", "reader", "reading.doubt", "d1", 5), ("f3", "rule", "cross.same_figure", "d1", 9)),
            "rule",
            True,  # the reader's flag names page 5
            ("cross.same_figure",),
        ),
        (_flags(("f1", "rule", "table.parent_sum", "d1", 3), ("f3", "rule", "x", "d1", 9)), "rule", False, ("x",)),
    ],
)
def test_judge(after: pl.DataFrame, caught_by: str | None, located: bool, rules: tuple[str, ...]) -> None:
    outcome = judge(BASE, after, ["d1"], SITE)
    assert (outcome.caught_by, outcome.located, outcome.rules) == (caught_by, located, rules)


def test_a_flag_whose_evidence_names_the_document_counts() -> None:
    after = _flags(("f2", "rule", "cross.x", "d9", 5)).with_columns(
        pl.col(s.EVIDENCE).list.eval(pl.element().struct.with_fields(pl.lit("d1").alias(s.DOC_ID)))
    )
    assert judge(BASE, after, ["d1"], SITE).caught_by == "rule"


def test_evaluate_site_end_to_end(pdf: tuple[Path, Dataset, list[Site]]) -> None:
    """The unaltered re-read raises nothing new (a sound control); a blank cell is caught, at its page."""
    from analytics.checks import run_checks

    path, dataset, sites = pdf
    baseline = build_baseline(dataset, [path], run_checks(dataset))
    assert evaluate_site(None, baseline, source_name=path.name).caught_by is None
    caught = evaluate_site(_site(sites, "blank_cell"), baseline)
    assert caught.caught_by in ("rule", "reader")
    assert caught.located


def test_recall_table_counts_each_class() -> None:
    outcomes = [
        Outcome(Site("number", "a.pdf"), "rule"),
        Outcome(Site("number", "a.pdf"), "reader"),
        Outcome(Site("number", "a.pdf"), None),
        Outcome(Site("scope", "a.pdf"), None),
    ]
    table = recall_table(outcomes)
    assert table.get_column("defect").to_list() == list(DEFECTS)
    number = table.filter(pl.col("defect") == "number").row(0, named=True)
    assert (number["injected"], number["by_rule"], number["by_reader_only"], number["missed"]) == (3, 1, 1, 1)
    assert number["recall_pct"] == pytest.approx(66.7)
    assert table.filter(pl.col("defect") == "comparison").get_column("recall_pct").item() is None
