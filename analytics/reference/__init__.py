"""Reference data shipped with the package: the catalog of standard tables and their printed aliases.

Canonical keys are data, not code scattered over readers: a reader maps a printed title to a key with
``table_key``.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from functools import cache
from importlib import resources

import polars as pl

from analytics.ingest.numbers import normalize_text

__all__ = ["CPI_SOURCE", "cpi_series", "reference_rows", "table_catalog", "table_key"]


@cache
def reference_rows(file_name: str) -> tuple[dict[str, str], ...]:
    """The rows of one CSV shipped in this package (``tables.csv``, ``columns.csv`` …), read once and cached.

    Examples
    --------
    >>> reference_rows("indicator_levels.csv")[0]
    {'level1': '产出指标', 'level2': '数量指标'}
    """
    text = resources.files(__package__).joinpath(file_name).read_text(encoding="utf-8")
    return tuple(csv.DictReader(io.StringIO(text)))


def _fold(title: str) -> str:
    # Quotes around 三公 and the enumeration comma come and go between documents; they never tell tables apart.
    return re.sub(r"[“”\"'‘’「」、]", "", normalize_text(title))


@cache
def _folded_names() -> tuple[tuple[str, str], ...]:
    """(folded name or alias, key) of every catalog table: folded once, not on every title looked up."""
    return tuple(
        (folded, row["key"])
        for row in reference_rows("tables.csv")
        for name in (row["name_zh"], *row["aliases"].split("|"))
        if (folded := _fold(name))
    )


def table_catalog() -> pl.DataFrame:
    """The standard tables: canonical ``key``, Chinese and English names and the aliases documents print.

    Examples
    --------
    >>> "income_expenditure_summary" in table_catalog().get_column("key").to_list()
    True
    """
    rows = reference_rows("tables.csv")
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
    for candidate, key in _folded_names():
        if candidate in folded and (best is None or len(candidate) > best[0]):
            best = (len(candidate), key)
    return best[1] if best else None


CPI_SOURCE = (
    "国家统计局《国民经济和社会发展统计公报》/《中国统计年鉴》: 全国居民消费价格指数 (上年=100), 2013–2025 "
    "(National Bureau of Statistics of China, national CPI, previous year = 100)"
)


def cpi_series(base_year: int = 2015) -> pl.DataFrame:
    """China's national consumer price index as a chained index with ``base_year`` = 100, one row per year.

    The shipped data (``cpi.csv``) is the published year-on-year index (上年=100, source in ``CPI_SOURCE``); the
    chain is computed exactly with ``Decimal`` and rounded to 4 decimals. Pass the result to
    ``analytics.compare.trends(..., cpi=cpi_series())`` for amounts in constant prices.

    Examples
    --------
    >>> series = cpi_series(2022)
    >>> series.filter(pl.col("fiscal_year").is_in([2022, 2023, 2024])).get_column("cpi").to_list()
    [Decimal('100.0000'), Decimal('100.2000'), Decimal('100.4004')]
    """
    rows = sorted((int(r["fiscal_year"]), Decimal(r["cpi_prev_year_100"])) for r in reference_rows("cpi.csv"))
    years = [year for year, _ in rows]
    if base_year not in years:
        raise ValueError(f"no CPI for the base year {base_year}; the shipped series covers {years[0]}–{years[-1]}")
    chained: dict[int, Decimal] = {base_year: Decimal(100)}
    position = years.index(base_year)
    for i in range(position + 1, len(rows)):
        chained[years[i]] = chained[years[i - 1]] * rows[i][1] / 100
    for i in range(position - 1, -1, -1):
        chained[years[i]] = chained[years[i + 1]] * 100 / rows[i + 1][1]
    quantum = Decimal("0.0001")
    return pl.DataFrame(
        {"fiscal_year": years, "cpi": [chained[y].quantize(quantum) for y in years]},
        schema={"fiscal_year": pl.Int32, "cpi": pl.Decimal(12, 4)},
    )
