from __future__ import annotations

import importlib.util
import itertools
import sys
from collections import defaultdict
from pathlib import Path
from types import ModuleType

import polars as pl
import pytest

from analytics.reference.classification import (
    KINDS,
    classification_codes,
    code_level,
    code_name,
    normalize_code,
    parent_code,
    unknown_codes,
)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path("/work/shared/corpus")
YEARS = range(2015, 2027)

#: The 类 of the 支出功能分类科目, written out independently of the CSV: stable ones, then the dated ones.
FUNCTION_CLASSES_ALWAYS = {
    "201", "202", "203", "204", "205", "206", "207", "208", "209", "210", "211", "212", "213", "214", "215",
    "216", "217", "219", "220", "221", "222", "223", "227", "229", "230", "231", "232", "233",
}  # fmt: skip
#: 类 that appeared later: 224 灾害防治及应急管理支出 in 2019, 234 抗疫特别国债安排的支出 in 2020.
FUNCTION_CLASSES_FROM = {"224": 2019, "234": 2020}
ECONOMIC_CLASSES_BEFORE_2018 = {"301", "302", "303", "304", "305", "306", "307", "308", "309", "310", "311", "399"}
ECONOMIC_CLASSES_FROM_2018 = {"301", "302", "303", "307", "309", "310", "311", "312", "313", "399"}


def _valid_in(kind: str, year: int) -> pl.DataFrame:
    return classification_codes(kind).filter(
        (pl.col("year_from").is_null() | (pl.col("year_from") <= year))
        & (pl.col("year_to").is_null() | (pl.col("year_to") >= year))
    )


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (["201", "5", "7"], "2010507"),
        (["201", "05", "07"], "2010507"),
        (["208", "2"], "20802"),
        (["301", "7"], "30107"),
        (["2010350"], "2010350"),
        (["20103", "50"], "2010350"),
        (["221"], "221"),
        (["221", "", ""], "221"),
        ([" 210 ", " 11 ", "01"], "2101101"),
    ],
)
def test_normalize_code(parts: list[str], expected: str) -> None:
    assert normalize_code(parts) == expected


@pytest.mark.parametrize(
    "parts",
    [[], [""], ["20"], ["2010"], ["201", "123"], ["201", "05", "07", "01"], ["2010507", "1"], ["二〇一"], ["201", "x"]],
)
def test_normalize_code_rejects(parts: list[str]) -> None:
    with pytest.raises(ValueError):
        normalize_code(parts)


@pytest.mark.parametrize(("code", "level"), [("201", 1), ("301", 1), ("20101", 2), ("30213", 2), ("2010507", 3)])
def test_code_level(code: str, level: int) -> None:
    assert code_level(code) == level


@pytest.mark.parametrize("code", ["", "20", "2010", "201010", "20101011", "2O1", "２０１"])
def test_code_level_rejects(code: str) -> None:
    with pytest.raises(ValueError):
        code_level(code)


@pytest.mark.parametrize(
    ("code", "parent"), [("201", None), ("20105", "201"), ("2010507", "20105"), ("30213", "302"), ("399", None)]
)
def test_parent_code(code: str, parent: str | None) -> None:
    assert parent_code(code) == parent


def test_parent_code_rejects_a_non_code() -> None:
    with pytest.raises(ValueError):
        parent_code("2010")


def test_function_class_renames() -> None:
    # The 2019 catalogue followed the 2018 institutional reform.
    assert code_name("function", "210", 2018) == "医疗卫生与计划生育支出"
    assert code_name("function", "210", 2019) == "卫生健康支出"
    assert code_name("function", "207", 2017) == "文化体育与传媒支出"
    assert code_name("function", "207", 2024) == "文化旅游体育与传媒支出"
    assert code_name("function", "220", 2018) == "国土海洋气象等支出"
    assert code_name("function", "220", 2019) == "自然资源海洋气象等支出"
    assert code_name("function", "224", 2018) is None
    assert code_name("function", "224", 2019) == "灾害防治及应急管理支出"
    assert code_name("function", "201", 2015) == code_name("function", "201", 2026) == "一般公共服务支出"


def test_economic_reform_of_2018() -> None:
    assert code_name("economic", "310", 2017) == "其他资本性支出"
    assert code_name("economic", "310", 2018) == "资本性支出"
    assert code_name("economic", "304", 2017) == "对企事业单位的补贴"
    assert code_name("economic", "304", 2018) is None
    assert code_name("economic", "313", 2017) is None
    assert code_name("economic", "30311", 2017) == "住房公积金"
    assert code_name("economic", "30113", 2018) == "住房公积金"


def test_code_name_of_an_unknown_code_or_kind() -> None:
    assert code_name("function", "299", 2024) is None
    with pytest.raises(ValueError):
        code_name("revenue", "101", 2024)


@pytest.mark.parametrize("year", YEARS)
def test_every_function_class_in_every_year(year: int) -> None:
    expected = FUNCTION_CLASSES_ALWAYS | {code for code, start in FUNCTION_CLASSES_FROM.items() if year >= start}
    classes = _valid_in("function", year).filter(pl.col("level") == 1)
    assert set(classes.get_column("code")) == expected
    assert classes.get_column("code").is_unique().all()


@pytest.mark.parametrize("year", YEARS)
def test_every_economic_class_in_every_year(year: int) -> None:
    expected = ECONOMIC_CLASSES_BEFORE_2018 if year < 2018 else ECONOMIC_CLASSES_FROM_2018
    classes = _valid_in("economic", year).filter(pl.col("level") == 1)
    assert set(classes.get_column("code")) == expected
    assert classes.get_column("code").is_unique().all()


@pytest.mark.parametrize("kind", KINDS)
def test_class_periods_are_contiguous(kind: str) -> None:
    # A renamed 类 hands over from one name to the next without a gap or an overlap; a dropped or new one has
    # a single period.
    classes = classification_codes(kind).filter(pl.col("level") == 1).sort("code", pl.col("year_from"))
    for code, group in classes.group_by("code", maintain_order=True):
        periods = list(zip(group.get_column("year_from"), group.get_column("year_to"), strict=True))
        for (_, end), (start, _) in itertools.pairwise(periods):
            assert end is not None and start == end + 1, (code, periods)


@pytest.mark.parametrize("kind", KINDS)
def test_no_code_has_two_rows_for_one_year(kind: str) -> None:
    codes = classification_codes(kind)
    years = pl.DataFrame({"year": list(YEARS)}, schema={"year": pl.Int32})
    per_year = (
        codes.join(years, how="cross")
        .filter(
            (pl.col("year_from").is_null() | (pl.col("year_from") <= pl.col("year")))
            & (pl.col("year_to").is_null() | (pl.col("year_to") >= pl.col("year")))
        )
        .group_by("code", "year")
        .len()
        .filter(pl.col("len") > 1)
    )
    assert per_year.is_empty(), per_year.sort("code", "year").rows()


@pytest.mark.parametrize("kind", KINDS)
def test_reference_rows_are_well_formed(kind: str) -> None:
    codes = classification_codes(kind)
    assert codes.columns == ["code", "name", "level", "year_from", "year_to", "aliases"]
    first = "2" if kind == "function" else "3"
    for row in codes.iter_rows(named=True):
        assert row["code"].startswith(first), row
        assert row["level"] == code_level(row["code"]), row
        assert row["name"] and row["name"] not in row["aliases"], row
        if row["year_from"] is not None and row["year_to"] is not None:
            assert row["year_from"] <= row["year_to"], row
        parent = parent_code(row["code"])
        if parent is not None:
            # Every 款 and 项 hangs under a code the reference knows in at least one of its years.
            assert parent in set(codes.get_column("code")), row


def test_classification_codes_is_cached() -> None:
    assert classification_codes("economic") is classification_codes("economic")


def test_unknown_codes_reports_without_dropping_columns() -> None:
    lines = pl.DataFrame(
        {
            "code": ["210", "224", "224", "2010507", "9999999", None],
            "fiscal_year": [2018, 2018, 2019, 2024, 2024, 2024],
            "amount": [1, 2, 3, 4, 5, 6],
        },
        schema_overrides={"fiscal_year": pl.Int32},
    )
    unknown = unknown_codes(lines, "function")
    assert unknown.columns == lines.columns
    assert unknown.rows() == [("224", 2018, 2), ("9999999", 2024, 5)]


def test_unknown_codes_by_year_of_the_reform() -> None:
    lines = pl.DataFrame({"code": ["30104", "30104", "30112", "30112"], "fiscal_year": [2017, 2018, 2017, 2018]})
    assert unknown_codes(lines, "economic").rows() == [("30104", 2018), ("30112", 2017)]


def test_unknown_codes_of_an_empty_frame() -> None:
    empty = pl.DataFrame(schema={"code": pl.String, "fiscal_year": pl.Int32})
    assert unknown_codes(empty, "function").is_empty()


def _harvester() -> ModuleType:
    path = ROOT / "scripts" / "harvest_codes.py"
    spec = importlib.util.spec_from_file_location("harvest_codes", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_harvester_parses_the_printed_layouts() -> None:
    lines = [
        "201 05 07 专项普查活动 257,700 257,700 0 0 0 204 公共安全支出 1,633,000",
        "301 2 津贴补贴 16,623,810 16,623,810 0",
        "2010350 事业运行 195.50",
        "301 03 奖金 302 03 咨询费",
        "208 05 05 机关事业单位基本养老保险缴",
        "费支出 160.75 160.75",
        "302 12 因 公 出 国 （ 境 ） 费",
        "用",
        "301 14 医疗费 302 13 维修（护）费 2.83",
        "（5）差旅费（款）支出 200 万元。用于单位职工出差发生的",
        "2080506",
        "机关事业单位",
        "职业年金缴费",
        "支出",
        "225.12 225.12 0.00",
        "221 02 03 购房补贴",
        "合计 156,211,123",
    ]
    assert list(_harvester().parse_lines(lines)) == [
        ("2010507", "专项普查活动"),
        ("204", "公共安全支出"),
        ("30102", "津贴补贴"),
        ("2010350", "事业运行"),
        ("30103", "奖金"),
        ("30203", "咨询费"),
        ("2080505", "机关事业单位基本养老保险缴费支出"),
        ("30212", "因公出国（境）费用"),
        ("30114", "医疗费"),
        ("30213", "维修（护）费"),
        ("2080506", "机关事业单位职业年金缴费支出"),
        ("2210203", "购房补贴"),
    ]


@pytest.fixture(scope="module")
def harvested() -> pl.DataFrame:
    if not CORPUS.is_dir():
        pytest.skip(f"the corpus {CORPUS} is not on this machine")
    rows = _harvester().harvest(CORPUS)
    assert rows, "the harvester found no code in the corpus"
    return pl.DataFrame(
        {
            "kind": [r.kind for r in rows],
            "code": [r.code for r in rows],
            "name": [r.name for r in rows],
            "fiscal_year": [r.year for r in rows],
            "file": [r.file for r in rows],
        },
        schema_overrides={"fiscal_year": pl.Int32},
    ).unique(maintain_order=True)


@pytest.mark.parametrize("kind", KINDS)
def test_every_code_the_corpus_prints_is_known_for_its_year(harvested: pl.DataFrame, kind: str) -> None:
    printed = harvested.filter(pl.col("kind") == kind)
    assert not printed.is_empty()
    unknown = unknown_codes(printed, kind).select("code", "name", "fiscal_year", "file").unique(maintain_order=True)
    if not unknown.is_empty():
        report = "\n".join(f"{code} {name} ({year}) in {file}" for code, name, year, file in unknown.iter_rows())
        pytest.fail(f"add these {kind} codes to analytics/reference/{kind}_codes.csv:\n{report}")


@pytest.mark.parametrize("kind", KINDS)
def test_every_printed_name_is_the_national_name_or_an_alias(harvested: pl.DataFrame, kind: str) -> None:
    accepted: dict[tuple[str, int], set[str]] = defaultdict(set)
    for row in classification_codes(kind).iter_rows(named=True):
        for year in YEARS:
            if (row["year_from"] or year) <= year <= (row["year_to"] or year):
                accepted[row["code"], year] |= {row["name"], *row["aliases"]}
    mismatched = [
        f"{code} printed {name!r} ({year}) in {file}; the reference has {sorted(accepted[code, year])}"
        for code, name, year, file in harvested.filter(pl.col("kind") == kind)
        .select("code", "name", "fiscal_year", "file")
        .iter_rows()
        if name not in accepted[code, year]
    ]
    if mismatched:
        pytest.fail(
            f"add the printed name as an alias in analytics/reference/{kind}_codes.csv:\n" + "\n".join(mismatched)
        )
