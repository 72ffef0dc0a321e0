"""Crosswalk of classification codes between two years (``analytics.compare._crosswalk``).

Departments, codes and names below are invented unless a test says it uses the real dataset; the 210 and 20805
renames are the national ones the reference data records.
"""

from __future__ import annotations

import itertools
from collections import Counter
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import analytics
from analytics import schema as s
from analytics.compare._crosswalk import (
    CROSSWALK_SCHEMA,
    MATCHES,
    _reference_renames,
    _similarity,
    crosswalk_codes,
    crosswalk_summary,
)
from analytics.reference.classification import KINDS, classification_codes, code_name

LINKED = ("exact", "renamed", "code_reused")


def _lines(*rows: tuple, kind: str = "function") -> pl.DataFrame:
    """A ``lines`` frame that passes the data contract, from ``(department, year, code, name[, table[, column
    [, as_of_year]]])`` tuples; table defaults to ``t``, column to ``total``, as_of_year to the year."""
    records = []
    for seq, row in enumerate(rows):
        department, year, code, name, *rest = row
        table, column, as_of = (*rest, *("t", "total", year)[len(rest) :])
        records.append(
            {
                s.DOC_ID: f"{department}-{as_of}",
                s.DEPARTMENT_ID: department,
                s.FISCAL_YEAR: year,
                s.AS_OF_YEAR: as_of,
                s.PHASE: "budget",
                s.TABLE: table,
                s.SIDE: "expenditure",
                s.CLASSIFICATION: kind,
                s.CODE: code,
                s.NAME: name,
                s.COLUMN: column,
                s.AMOUNT_YUAN: Decimal(seq),
                s.LINE: seq,
            }
        )
    frame = pl.DataFrame(records, schema=s.TABLES[s.LINES].schema)
    return s.validate(s.LINES, frame)


def _links(crosswalk: pl.DataFrame) -> list[tuple]:
    return crosswalk.select("department_id", "from_code", "to_code", "match").rows()


def _one(crosswalk: pl.DataFrame, **where: str) -> dict:
    rows = crosswalk.filter(**where)
    assert rows.height == 1, rows
    return rows.row(0, named=True)


# --- the similarity -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("医疗费", "医疗费", 1.0),
        ("医疗费", "医疗费补助", 0.5),  # {医疗, 疗费} against {医疗, 疗费, 费补, 补助}
        ("一般行政管理事务", "一般行政管理事务支出", 7 / 9),
        ("办公费", "印刷费", 0.0),
        ("费", "费", 1.0),  # one character: the name is its own token
        ("费", "医疗费", 0.0),
        ("", "", 1.0),
        ("abab", "ab", 1 / 2),  # bigrams form a set: {ab, ba} against {ab}
    ],
)
def test_bigram_similarity(left: str, right: str, expected: float) -> None:
    got = pl.select(_similarity(pl.lit(left), pl.lit(right))).item()
    assert got == pytest.approx(expected)


# --- each kind of link ----------------------------------------------------------------------------------------


def test_exact_match_ignores_spaces_and_full_width_forms() -> None:
    lines = _lines(
        ("甲局", 2018, "201", "一般公共服务支出"),
        ("甲局", 2019, "201", "一般公共服务支出"),
        ("甲局", 2018, "30213", "维修（护）费"),
        ("甲局", 2019, "30213", "维修(护) 费"),
        ("甲局", 2018, "20101", "人大　事务"),
        ("甲局", 2019, "20101", "人大事务"),
    )
    crosswalk = crosswalk_codes(lines, 2018, 2019)
    assert crosswalk.schema == CROSSWALK_SCHEMA
    # Only function rows were given: the 30213 rows are ``function`` here too, and every one matches exactly.
    assert crosswalk.select("from_code", "to_code", "level", "match", "similarity").rows() == [
        ("201", "201", 1, "exact", 1.0),
        ("20101", "20101", 2, "exact", 1.0),
        ("30213", "30213", 2, "exact", 1.0),
    ]
    # Names are reported as printed, not normalised.
    assert _one(crosswalk, from_code="30213")["to_name"] == "维修(护) 费"


def test_rename_recorded_by_the_reference_is_accepted_though_the_names_differ() -> None:
    lines = _lines(("甲局", 2018, "210", "医疗卫生与计划生育支出"), ("甲局", 2019, "210", "卫生健康支出"))
    link = _one(crosswalk_codes(lines, 2018, 2019), from_code="210")
    assert link["match"] == "renamed"
    assert link["to_code"] == "210"
    assert (link["from_name"], link["to_name"]) == ("医疗卫生与计划生育支出", "卫生健康支出")
    assert link["similarity"] < 0.6  # the names alone would not pass
    # Between 2017 and 2018 the reference keeps one name, so the same pair of names is a reused code.
    earlier = _lines(("甲局", 2017, "210", "医疗卫生与计划生育支出"), ("甲局", 2018, "210", "卫生健康支出"))
    assert _one(crosswalk_codes(earlier, 2017, 2018), from_code="210")["match"] == "code_reused"


def test_code_kept_with_a_similar_name_is_renamed() -> None:
    lines = _lines(
        ("甲局", 2020, "2013899", "其他市场监督管理事务"), ("甲局", 2021, "2013899", "其他市场监督管理事务支出")
    )
    link = _one(crosswalk_codes(lines, 2020, 2021), from_code="2013899")
    assert link["match"] == "renamed"
    assert link["similarity"] == pytest.approx(9 / 11)
    # A stricter threshold turns the same pair into a reused code.
    strict = crosswalk_codes(lines, 2020, 2021, name_similarity=0.9)
    assert _one(strict, from_code="2013899")["match"] == "code_reused"


def test_code_given_to_something_unrelated_is_code_reused() -> None:
    lines = _lines(("乙院", 2017, "2040405", "公诉和审判监督"), ("乙院", 2018, "2040405", "信息化建设"))
    link = _one(crosswalk_codes(lines, 2017, 2018), from_code="2040405")
    assert (link["to_code"], link["match"], link["similarity"]) == ("2040405", "code_reused", 0.0)


def test_item_moved_under_another_kuan_is_moved() -> None:
    # 20805 is renamed by the reference in 2019; the 项 moves from 20899 into it under a new number.
    lines = _lines(
        ("丙厅", 2018, "208", "社会保障和就业支出"),
        ("丙厅", 2018, "20805", "行政事业单位离退休"),
        ("丙厅", 2018, "20899", "其他社会保障和就业支出"),
        ("丙厅", 2018, "2089901", "机关事业单位基本养老保险缴费支出"),
        ("丙厅", 2019, "208", "社会保障和就业支出"),
        ("丙厅", 2019, "20805", "行政事业单位养老支出"),
        ("丙厅", 2019, "2080505", "机关事业单位基本养老保险缴费支出"),
    )
    crosswalk = crosswalk_codes(lines, 2018, 2019)
    assert _links(crosswalk) == [
        ("丙厅", "208", "208", "exact"),
        ("丙厅", "20805", "20805", "renamed"),
        ("丙厅", "20899", None, "unmatched_from"),
        ("丙厅", "2089901", "2080505", "moved"),
    ]
    moved = _one(crosswalk, match="moved")
    assert (moved["level"], moved["similarity"], moved["to_name"]) == (3, 1.0, "机关事业单位基本养老保险缴费支出")


def test_moved_needs_the_same_level_and_a_code_new_in_the_later_year() -> None:
    lines = _lines(
        # Same name at another level: not a move.
        ("丁局", 2018, "2010301", "机关服务"),
        ("丁局", 2019, "20103", "机关服务"),
        # Same name under a code that already existed: that code keeps its own link.
        ("丁局", 2018, "2010401", "行政运行"),
        ("丁局", 2018, "2010501", "行政运行"),
        ("丁局", 2019, "2010501", "行政运行"),
    )
    assert _links(crosswalk_codes(lines, 2018, 2019)) == [
        ("丁局", None, "20103", "unmatched_to"),  # sorted by department, then code
        ("丁局", "2010301", None, "unmatched_from"),
        ("丁局", "2010401", None, "unmatched_from"),
        ("丁局", "2010501", "2010501", "exact"),
    ]


def test_moved_prefers_the_closest_new_code_and_allows_merges() -> None:
    lines = _lines(
        ("戊局", 2018, "2010450", "事业运行"),
        ("戊局", 2018, "2010650", "事业运行"),
        ("戊局", 2019, "2019950", "事业运行"),  # same 类 as both, other 款
        ("戊局", 2019, "2010750", "事业运行"),  # same 类 as both, other 款, smaller code
        ("戊局", 2019, "2130150", "事业运行"),  # another 类
    )
    crosswalk = crosswalk_codes(lines, 2018, 2019)
    assert _links(crosswalk) == [
        ("戊局", "2010450", "2010750", "moved"),
        ("戊局", "2010650", "2010750", "moved"),
        ("戊局", None, "2019950", "unmatched_to"),
        ("戊局", None, "2130150", "unmatched_to"),
    ]


def test_unmatched_on_both_sides() -> None:
    lines = _lines(
        ("己委", 2017, "2040404", "查办和预防职务犯罪"),
        ("己委", 2017, "201", "一般公共服务支出"),
        ("己委", 2018, "201", "一般公共服务支出"),
        ("己委", 2018, "2080506", "机关事业单位职业年金缴费支出"),
    )
    crosswalk = crosswalk_codes(lines, 2017, 2018)
    assert crosswalk.select("from_code", "from_name", "to_code", "to_name", "level", "match", "similarity").rows() == [
        ("201", "一般公共服务支出", "201", "一般公共服务支出", 1, "exact", 1.0),
        ("2040404", "查办和预防职务犯罪", None, None, 3, "unmatched_from", None),
        (None, None, "2080506", "机关事业单位职业年金缴费支出", 3, "unmatched_to", None),
    ]


def test_links_never_cross_departments() -> None:
    lines = _lines(
        ("甲局", 2017, "201", "一般公共服务支出"),
        ("甲局", 2018, "201", "一般公共服务支出"),
        ("甲局", 2017, "2040401", "行政运行"),  # 乙院 prints this code in 2018 only
        ("甲局", 2017, "2010299", "其他政协事务支出"),  # 乙院 prints this name under a new code
        ("乙院", 2017, "201", "一般公共服务支出"),
        ("乙院", 2018, "201", "一般公共服务"),
        ("乙院", 2018, "2040401", "行政运行"),
        ("乙院", 2018, "2019999", "其他政协事务支出"),
        ("丙厅", 2018, "201", "一般公共服务支出"),  # a department seen in one year only
    )
    crosswalk = crosswalk_codes(lines, 2017, 2018)
    assert _links(crosswalk) == [
        ("丙厅", None, "201", "unmatched_to"),
        ("乙院", "201", "201", "renamed"),
        ("乙院", None, "2019999", "unmatched_to"),
        ("乙院", None, "2040401", "unmatched_to"),
        ("甲局", "201", "201", "exact"),
        ("甲局", "2010299", None, "unmatched_from"),
        ("甲局", "2040401", None, "unmatched_from"),
    ]


def test_duplicates_across_tables_and_columns_collapse_to_the_most_frequent_name() -> None:
    lines = _lines(
        ("庚局", 2018, "201", "一般公共服务支出", "fiscal_appropriation_function", "total"),
        ("庚局", 2018, "201", "一般公共服务支出", "fiscal_appropriation_function", "basic"),
        ("庚局", 2018, "201", "一般公共服务", "general_budget_function", "total"),
        ("庚局", 2018, "201", "一般公共服务　支出", "expenditure_summary", "total"),
        ("庚局", 2019, "201", "一般公共服务", "fiscal_appropriation_function", "total"),
        ("庚局", 2019, "201", "一般公共服务", "general_budget_function", "total"),
        ("庚局", 2019, "201", "一般公共服务支出", "expenditure_summary", "total"),
        # The 2020 document restates 2019 under its own (invented) name, on more rows than 2019's document.
        ("庚局", 2019, "201", "公共服务", "expenditure_summary", "prior_year", 2020),
        ("庚局", 2019, "201", "公共服务", "general_budget_function", "prior_year", 2020),
        ("庚局", 2019, "201", "公共服务", "fiscal_appropriation_function", "prior_year", 2020),
        ("庚局", 2019, "201", "公共服务", "project_function", "prior_year", 2020),
    )
    crosswalk = crosswalk_codes(lines, 2018, 2019)
    # 2018: the normalised name 一般公共服务支出 is on 3 rows (two spellings), the most frequent spelling wins;
    # 2019: the year's own document prints 一般公共服务 most often, and the 2020 restatement does not count first.
    assert crosswalk.select("from_code", "from_name", "to_code", "to_name", "match").rows() == [
        ("201", "一般公共服务支出", "201", "一般公共服务", "renamed"),
    ]


def test_other_classifications_years_and_codeless_rows_are_ignored() -> None:
    lines = pl.concat(
        [
            _lines(("甲局", 2018, "201", "一般公共服务支出"), ("甲局", 2019, "201", "一般公共服务支出")),
            _lines(("甲局", 2018, "30101", "基本工资"), ("甲局", 2017, "202", "外交支出"), kind="economic"),
            _lines(("甲局", 2020, "203", "国防支出"), ("甲局", 2019, None, "合计")),
        ]
    )
    assert _links(crosswalk_codes(lines, 2018, 2019)) == [("甲局", "201", "201", "exact")]
    assert _links(crosswalk_codes(lines, 2018, 2019, kind="economic")) == [("甲局", "30101", None, "unmatched_from")]


def test_economic_classification_uses_its_own_reference() -> None:
    lines = _lines(
        ("甲局", 2017, "30307", "医疗费"), ("甲局", 2018, "30307", "医疗费补助"), kind="economic"
    )  # renamed in the 经济分类 reference, and similar enough anyway
    link = _one(crosswalk_codes(lines, 2017, 2018, kind="economic", name_similarity=0.9), from_code="30307")
    assert (link["match"], link["similarity"]) == ("renamed", 0.5)


def test_empty_input_gives_an_empty_crosswalk_with_the_schema() -> None:
    crosswalk = crosswalk_codes(s.empty_frame(s.LINES), 2018, 2019)
    assert crosswalk.height == 0
    assert crosswalk.schema == CROSSWALK_SCHEMA
    assert crosswalk_summary(crosswalk).get_column("links").sum() == 0


def test_unknown_kind_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown classification kind"):
        crosswalk_codes(s.empty_frame(s.LINES), 2018, 2019, kind="source")


@pytest.mark.parametrize("kind", KINDS)
def test_reference_renames_agree_with_code_name(kind: str) -> None:
    codes = classification_codes(kind).get_column("code").unique().to_list()
    for from_year, to_year in itertools.pairwise(range(2015, 2027)):
        expected = {
            code
            for code in codes
            if (a := code_name(kind, code, from_year)) is not None
            and (b := code_name(kind, code, to_year)) is not None
            and a != b
        }
        got = set(_reference_renames(kind, from_year, to_year).collect().get_column("code").to_list())
        assert got == expected, (from_year, to_year)


def test_summary_counts_every_kind_of_link() -> None:
    lines = _lines(
        ("甲局", 2018, "201", "一般公共服务支出"),
        ("甲局", 2019, "201", "一般公共服务支出"),
        ("甲局", 2018, "210", "医疗卫生与计划生育支出"),
        ("甲局", 2019, "210", "卫生健康支出"),
        ("甲局", 2018, "2040405", "公诉和审判监督"),
        ("甲局", 2019, "2040405", "信息化建设"),
        ("甲局", 2018, "2089901", "机关事业单位基本养老保险缴费支出"),
        ("甲局", 2019, "2080505", "机关事业单位基本养老保险缴费支出"),
        ("甲局", 2018, "2040404", "查办和预防职务犯罪"),
        ("甲局", 2019, "2080506", "机关事业单位职业年金缴费支出"),
        ("甲局", 2019, "224", "灾害防治及应急管理支出"),
    )
    summary = crosswalk_summary(crosswalk_codes(lines, 2018, 2019))
    assert summary.schema == pl.Schema({"match": pl.String, "links": pl.UInt32})
    assert summary.rows() == [
        ("exact", 1),
        ("renamed", 1),
        ("code_reused", 1),
        ("moved", 1),
        ("unmatched_from", 1),
        ("unmatched_to", 2),
    ]


# --- the property ---------------------------------------------------------------------------------------------

_CODES = ["201", "20101", "2010101", "2010102", "20103", "2010301", "2010350", "208", "20805", "2080505", "2089901"]
_NAMES = ["行政运行", "一般行政管理事务", "一般行政管理事务支出", "机关服务", "事业运行", "ａｂ", "a b", "费"]
_row = st.tuples(
    st.sampled_from(["甲局", "乙院"]),
    st.sampled_from([2018, 2019]),
    st.sampled_from(_CODES),
    st.sampled_from(_NAMES),
    st.sampled_from(["t1", "t2"]),
    st.sampled_from(["total", "basic"]),
)


@settings(deadline=None, max_examples=150)
@given(rows=st.lists(_row, max_size=30, unique_by=lambda r: (r[0], r[1], r[2], r[4], r[5])))
def test_every_code_is_linked_once(rows: list[tuple]) -> None:
    """What is asserted, for any input, with D the departments and C(d, y) the codes department d prints in y:

    1. the (department_id, from_code) pairs of rows with a from_code are exactly {(d, c): c in C(d, 2018)},
       each once (so no from-year code is lost, duplicated, or attributed to another department);
    2. the (department_id, to_code) pairs of rows with a to_code, as a set, are exactly {(d, c): c in C(d, 2019)};
       such a pair is on exactly one row whose match is not ``moved`` and on no ``moved`` row, or on one or more
       ``moved`` rows and on no other row;
    3. per match: exact / renamed / code_reused link a code to itself; ``moved`` links a code absent from the
       department's 2019 codes to a code absent from its 2018 codes, at the same level, with equal normalised
       names (similarity 1); ``unmatched_from`` has no to side, ``unmatched_to`` no from side; ``similarity`` is
       null exactly on the unmatched rows.
    """
    lines = _lines(*rows)
    crosswalk = crosswalk_codes(lines, 2018, 2019)
    assert crosswalk.schema == CROSSWALK_SCHEMA
    codes = {year: {(d, c) for d, y, c, *_ in rows if y == year} for year in (2018, 2019)}

    from_pairs = [(r["department_id"], r["from_code"]) for r in crosswalk.iter_rows(named=True) if r["from_code"]]
    assert Counter(from_pairs) == Counter(codes[2018])

    to_rows = [r for r in crosswalk.iter_rows(named=True) if r["to_code"]]
    assert {(r["department_id"], r["to_code"]) for r in to_rows} == codes[2019]
    for pair in codes[2019]:
        matches = Counter(r["match"] == "moved" for r in to_rows if (r["department_id"], r["to_code"]) == pair)
        assert (matches[False], matches[True]) == (1, 0) or (matches[False] == 0 and matches[True] >= 1)

    for r in crosswalk.iter_rows(named=True):
        department, match = r["department_id"], r["match"]
        assert match in MATCHES
        assert (r["similarity"] is None) == match.startswith("unmatched")
        if match in LINKED:
            assert r["from_code"] == r["to_code"]
        elif match == "moved":
            assert (department, r["from_code"]) not in codes[2019]
            assert (department, r["to_code"]) not in codes[2018]
            assert len(r["from_code"]) == len(r["to_code"])
            assert r["similarity"] == 1.0
        elif match == "unmatched_from":
            assert r["to_code"] is None and r["to_name"] is None
        else:
            assert r["from_code"] is None and r["from_name"] is None


# --- the real dataset -----------------------------------------------------------------------------------------


def test_jiangsu_departments_2017_to_2018(capsys: pytest.CaptureFixture[str]) -> None:
    ds = analytics.open_dataset()
    years = (
        ds.documents.filter(pl.col(s.REGION).str.contains("江苏"))
        .group_by(s.DEPARTMENT_ID)
        .agg(pl.col(s.FISCAL_YEAR).unique())
    )
    both = years.filter(pl.col(s.FISCAL_YEAR).list.contains(2017) & pl.col(s.FISCAL_YEAR).list.contains(2018))
    departments = both.get_column(s.DEPARTMENT_ID).sort()
    assert departments.len() >= 1
    lines = ds.lines.filter(pl.col(s.DEPARTMENT_ID).is_in(departments.implode()))

    for kind in KINDS:
        crosswalk = crosswalk_codes(lines, 2017, 2018, kind=kind)
        summary = crosswalk_summary(crosswalk)
        with capsys.disabled():
            print(f"\nJiangsu {kind} codes 2017 → 2018, {departments.len()} departments: {', '.join(departments)}")
            print(summary)
        assert summary.filter(pl.col("match") == "exact").get_column("links").item() >= 1
        assert set(crosswalk.get_column(s.DEPARTMENT_ID)) <= set(departments)

        # No link crosses departments: each side's code is one the link's own department prints in that year.
        printed = lines.filter(pl.col(s.CLASSIFICATION) == kind, pl.col(s.CODE).is_not_null())
        for side, year in (("from_code", 2017), ("to_code", 2018)):
            own = printed.filter(pl.col(s.FISCAL_YEAR) == year).select(s.DEPARTMENT_ID, pl.col(s.CODE).alias(side))
            linked = crosswalk.filter(pl.col(side).is_not_null()).select(s.DEPARTMENT_ID, side)
            assert linked.join(own, on=[s.DEPARTMENT_ID, side], how="anti").height == 0
        # And every from-year code is linked once.
        assert (
            crosswalk.filter(pl.col("from_code").is_not_null()).select(s.DEPARTMENT_ID, "from_code").is_unique().all()
        )
