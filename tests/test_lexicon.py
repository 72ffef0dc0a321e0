"""The readers' vocabulary as data (analytics/reference/lexicon.csv)."""

from __future__ import annotations

import re

import pytest

from analytics.errors import AnalyticsError
from analytics.ingest import lexicon
from analytics.ingest._flow import is_page_number
from analytics.reference import reference_rows


def test_every_group_compiles_and_every_word_is_printed_text() -> None:
    groups = {row["group"] for row in reference_rows("lexicon.csv")}
    assert {"page_number", "unit_type", "staff_authorized", "title_phase", "comparator_word"} <= groups
    for group in groups:
        re.compile(lexicon.alternation(group))
        for kind, term, _ in lexicon.entries(group):
            assert kind in {"word", "pattern"}
            assert "{cn}" not in term and "{n}" not in term  # templates are expanded


def test_words_are_tried_longest_first() -> None:
    # "大于等于" must not be read as "大于" followed by "等于".
    match = re.match(lexicon.alternation("comparator_word"), "大于等于90%")
    assert match is not None and match.group(0) == "大于等于"
    assert lexicon.meaning("comparator_word", "大于等于") == "≥"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("- 12 -", True), ("第 7 页", True), ("第7页共31页", True), ("7/31", True), ("12 万元", False), ("2024年", False)],
)
def test_page_numbers(text: str, expected: bool) -> None:
    assert is_page_number(text) is expected


def test_numerals() -> None:
    assert [lexicon.numeral_value(t) for t in ("7", "三十", "十五", "九十九", "〇")] == [7, 30, 15, 99, 0]


def test_an_unknown_group_names_the_file_and_the_groups() -> None:
    with pytest.raises(AnalyticsError, match=r"lexicon.csv has no group 'nonsense'; it has .*page_number"):
        lexicon.entries("nonsense")
