"""Reference data shipped with the package: the catalog of standard tables and their printed aliases.

Canonical keys are data, not code scattered over readers: a reader maps a printed title to a key with
``table_key``.
"""

from __future__ import annotations

import csv
import io
import re
from functools import cache
from importlib import resources

import polars as pl

from analytics.ingest.numbers import normalize_text

__all__ = ["table_catalog", "table_key"]


@cache
def _catalog_rows() -> tuple[dict[str, str], ...]:
    text = resources.files(__package__).joinpath("tables.csv").read_text(encoding="utf-8")
    return tuple(csv.DictReader(io.StringIO(text)))


def _fold(title: str) -> str:
    # Quotes around 三公 and the enumeration comma come and go between documents; they never tell tables apart.
    return re.sub(r"[“”\"'‘’「」、]", "", normalize_text(title))


def table_catalog() -> pl.DataFrame:
    """The standard tables: canonical ``key``, Chinese and English names and the aliases documents print.

    Examples
    --------
    >>> "income_expenditure_summary" in table_catalog().get_column("key").to_list()
    True
    """
    rows = _catalog_rows()
    return pl.DataFrame(
        {
            "key": [r["key"] for r in rows],
            "name_zh": [r["name_zh"] for r in rows],
            "name_en": [r["name_en"] for r in rows],
            "aliases": [r["aliases"].split("|") for r in rows],
        }
    )


def table_key(title: str) -> str | None:
    """The canonical key of a printed table title, or ``None`` when no name or alias is in it.

    The longest matching name wins, so "一般公共预算基本支出表" is not taken for "一般公共预算支出表".

    Examples
    --------
    >>> table_key("表6. 某某局2023年一般公共预算基本支出表")
    'general_budget_basic_economic'
    >>> table_key("表 1. 某某局 2023 年部门收支总表")
    'income_expenditure_summary'
    """
    folded = _fold(title)
    best: tuple[int, str] | None = None
    for row in _catalog_rows():
        for name in (row["name_zh"], *row["aliases"].split("|")):
            candidate = _fold(name)
            if candidate and candidate in folded and (best is None or len(candidate) > best[0]):
                best = (len(candidate), row["key"])
    return best[1] if best else None
