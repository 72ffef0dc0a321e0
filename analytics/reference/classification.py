"""The 政府收支分类科目 codes that disclosure tables print, with the name each code carries in each year.

Two classifications are shipped as data (``function_codes.csv`` and ``economic_codes.csv``):

* ``function``: the 支出功能分类科目 — 类 (3 digits, e.g. 201), 款 (5, e.g. 20101), 项 (7, e.g. 2010101);
* ``economic``: the 部门预算支出经济分类科目 — 类 (3 digits, e.g. 301), 款 (5, e.g. 30101). Before the 2018
  reform this was the single 支出经济分类科目, whose codes overlap the new ones with other meanings.

The catalogue changes between years (210 医疗卫生与计划生育支出 became 卫生健康支出 in 2019), so a name is
only meaningful with a fiscal year: each CSV row is one (code, name, validity period) with inclusive
``year_from`` / ``year_to`` and an empty bound meaning open-ended (in force since before 2015, or still in
force). Names a document prints that differ from the national catalogue are kept in ``aliases`` so a reader can
recognise them, while comparisons use the national name. Aliases are recorded as printed, not vetted as
synonyms: the 2024 单位预算 of 普陀区社会福利院 numbers its 经济分类 款 rows serially (it prints 30202 咨询费,
30210 车辆运行费 …), and those labels are aliases too, so never infer a code from a name through aliases alone.
30210 车辆运行费, which no national catalogue has, is kept for that document's year only.

The reference is used to *report* codes it does not know (:func:`unknown_codes`), never to drop data: the
catalogue shipped here covers every 类 and the codes the corpus prints, not every 款 and 项.

A year-on-year comparison of one code is only a comparison when the code means the same in both years.
:func:`changed_codes` says which codes do not: those the catalogue names differently in the two years (a new
national name is taken as a new meaning: 207 gained 旅游 in 2019 with its new name), those it has in force in one
of the two years only, and the changes of meaning no name shows, recorded in ``code_changes.csv`` (kind, code,
the first year of the new meaning, the kind of change, and the evidence: ``corpus`` for what the documents in
``datasets/raw`` print, ``classification`` for what the published 《政府收支分类科目》 states, with the source).
"""

from __future__ import annotations

from functools import cache

import polars as pl

from analytics.reference import reference_rows

__all__ = [
    "KINDS",
    "changed_codes",
    "classification_codes",
    "code_level",
    "code_name",
    "normalize_code",
    "parent_code",
    "unknown_codes",
]

#: The classifications shipped, as named in the ``classification`` column of the lines table.
KINDS = ("function", "economic")

_RESOURCES = {"function": "function_codes.csv", "economic": "economic_codes.csv"}
#: Digits of a code at each level: 类 3, 款 5, 项 7 (both classifications).
_LEVEL_BY_LENGTH = {3: 1, 5: 2, 7: 3}
_SCHEMA = {
    "code": pl.String,
    "name": pl.String,
    "level": pl.Int8,
    "year_from": pl.Int32,
    "year_to": pl.Int32,
    "aliases": pl.List(pl.String),
}


def _resource_name(kind: str) -> str:
    try:
        return _RESOURCES[kind]
    except KeyError:
        raise ValueError(f"unknown classification kind {kind!r}; expected one of {KINDS}") from None


@cache
def _codes(kind: str) -> pl.DataFrame:
    rows = reference_rows(_resource_name(kind))
    return pl.DataFrame(
        {
            "code": [r["code"] for r in rows],
            "name": [r["name"] for r in rows],
            "level": [int(r["level"]) for r in rows],
            "year_from": [int(r["year_from"]) if r["year_from"] else None for r in rows],
            "year_to": [int(r["year_to"]) if r["year_to"] else None for r in rows],
            "aliases": [[a for a in r["aliases"].split("|") if a] for r in rows],
        },
        schema=_SCHEMA,
    )


def classification_codes(kind: str) -> pl.DataFrame:
    """The reference rows of one classification: code, name, level, year_from, year_to, aliases.

    Read once from the package data and cached, because readers look codes up for every table they parse.
    ``year_from`` / ``year_to`` are inclusive and null when open-ended; ``aliases`` lists printed variants.

    Parameters
    ----------
    kind
        ``"function"`` (支出功能分类) or ``"economic"`` (部门预算支出经济分类).

    Returns
    -------
    polars.DataFrame
        One row per (code, name, validity period); a renamed code has one row per name.

    Raises
    ------
    ValueError
        For any other ``kind``.

    Examples
    --------
    >>> codes = classification_codes("function")
    >>> codes.columns
    ['code', 'name', 'level', 'year_from', 'year_to', 'aliases']
    >>> codes.filter(pl.col("code") == "201").get_column("name").to_list()
    ['一般公共服务支出']
    """
    return _codes(kind)


def _valid_in(year: int) -> pl.Expr:
    return (pl.col("year_from").is_null() | (pl.col("year_from") <= year)) & (
        pl.col("year_to").is_null() | (pl.col("year_to") >= year)
    )


def code_name(kind: str, code: str, year: int) -> str | None:
    """The national name of ``code`` in fiscal ``year``, or ``None`` when the reference does not know it then.

    A year is needed because names change (and, for the economic classification, the 2018 reform gave some
    codes a new meaning): the 2018 and 2019 tables print different names for the same 类 210.

    Examples
    --------
    >>> code_name("function", "210", 2018)
    '医疗卫生与计划生育支出'
    >>> code_name("function", "210", 2019)
    '卫生健康支出'
    >>> code_name("economic", "30307", 2017), code_name("economic", "30307", 2018)
    ('医疗费', '医疗费补助')
    >>> code_name("function", "224", 2017) is None
    True
    """
    names = classification_codes(kind).filter((pl.col("code") == code) & _valid_in(year)).get_column("name")
    return names.item(0) if len(names) else None


@cache
def _recorded_changes(kind: str) -> pl.DataFrame:
    rows = [r for r in reference_rows("code_changes.csv") if r["kind"] == kind]
    return pl.DataFrame(
        {
            "code": [r["code"] for r in rows],
            "year": [int(r["year"]) for r in rows],
            "change": [r["change"] for r in rows],
        },
        schema={"code": pl.String, "year": pl.Int32, "change": pl.String},
    )


def changed_codes(kind: str, from_year: int, to_year: int) -> pl.DataFrame:
    """The codes of ``kind`` whose meaning differs between fiscal ``from_year`` and ``to_year``, with why.

    A code's meaning changed when the catalogue names it differently in the two years (``renamed``), has it in
    force in one of them only (``added`` or ``removed``), or ``code_changes.csv`` records a change of meaning in a
    year after ``from_year`` and up to ``to_year`` (its ``change``: ``widened``, ``narrowed`` …). A code the
    reference knows in neither year is not listed: nothing is known of it.

    Returns
    -------
    polars.DataFrame
        ``code, change``: one row per code, sorted by code.

    Examples
    --------
    >>> changed_codes("economic", 2017, 2018).filter(pl.col("code") == "30307").rows()
    [('30307', 'renamed')]
    >>> changed_codes("function", 2017, 2018).filter(pl.col("code") == "2040405").rows()
    [('2040405', 'widened')]
    >>> changed_codes("function", 2019, 2020).filter(pl.col("code") == "210").is_empty()
    True
    """
    early, late = sorted((from_year, to_year))
    codes = classification_codes(kind)

    def named(year: int) -> pl.DataFrame:
        # The first reference row in force, as ``code_name`` takes it.
        return codes.filter(_valid_in(year)).group_by("code", maintain_order=True).agg(pl.col("name").first())

    both = named(early).join(named(late), on="code", how="full", suffix="_late", coalesce=True)
    by_name = both.select(
        "code",
        pl.when(pl.col("name").is_null())
        .then(pl.lit("added"))
        .when(pl.col("name_late").is_null())
        .then(pl.lit("removed"))
        .when(pl.col("name") != pl.col("name_late"))
        .then(pl.lit("renamed"))
        .alias("change"),
    ).drop_nulls("change")
    recorded = (
        _recorded_changes(kind)
        .filter((pl.col("year") > early) & (pl.col("year") <= late))
        .sort("year")
        .group_by("code", maintain_order=True)
        .agg(pl.col("change").first())
    )
    # What the record says is the more precise reason; the names' verdict otherwise.
    return pl.concat([recorded, by_name.join(recorded, on="code", how="anti")]).sort("code")


def code_level(code: str) -> int:
    """The level of a joined code from its length: 1 for a 类 (3 digits), 2 for a 款 (5), 3 for a 项 (7).

    The same rule holds for both classifications, so a reader can place a row in the hierarchy without knowing
    the code.

    Raises
    ------
    ValueError
        When ``code`` is not 3, 5 or 7 digits (a split code must go through :func:`normalize_code` first).

    Examples
    --------
    >>> code_level("201"), code_level("20101"), code_level("2010101")
    (1, 2, 3)
    >>> code_level("2010")
    Traceback (most recent call last):
    ...
    ValueError: not a classification code: '2010'
    """
    level = _LEVEL_BY_LENGTH.get(len(code)) if code.isascii() and code.isdigit() else None
    if level is None:
        raise ValueError(f"not a classification code: {code!r}")
    return level


def parent_code(code: str) -> str | None:
    """The code one level up (a 项's 款, a 款's 类), or ``None`` for a 类, which has no parent.

    Examples
    --------
    >>> parent_code("2010507"), parent_code("20105"), parent_code("201") is None
    ('20105', '201', True)
    """
    level = code_level(code)
    return None if level == 1 else code[: 2 * level - 1]


def normalize_code(parts: list[str]) -> str:
    """Join the 类 / 款 / 项 cells of a split code into one code, restoring dropped leading zeros.

    Tables print codes either joined ("2010350") or in separate 类 款 项 columns ("201 05 07"), and one
    document prints 款 "2" for "02"; every later step compares joined codes, so they are normalised here.
    Blank cells (a 类 row leaves 款 and 项 empty) are skipped.

    Parameters
    ----------
    parts
        The printed cells in order; the first is a 类 (3 digits) or an already joined 款 or 项.

    Raises
    ------
    ValueError
        When a cell is not digits, a 款 or 项 cell has more than two digits, or the result is not 3, 5 or 7
        digits long.

    Examples
    --------
    >>> normalize_code(["201", "5", "7"])
    '2010507'
    >>> normalize_code(["208", "2"])
    '20802'
    >>> normalize_code(["2010350"])
    '2010350'
    >>> normalize_code(["301", " 02 ", ""])
    '30102'
    """
    cells = [p.strip() for p in parts if p.strip()]
    if not cells or not all(c.isascii() and c.isdigit() for c in cells):
        raise ValueError(f"not a classification code: {parts!r}")
    head, *rest = cells
    if any(len(c) > 2 for c in rest):
        raise ValueError(f"a 款 or 项 cell has more than two digits: {parts!r}")
    code = head + "".join(c.zfill(2) for c in rest)
    if len(code) not in _LEVEL_BY_LENGTH or len(head) not in _LEVEL_BY_LENGTH:
        raise ValueError(f"not a classification code: {parts!r}")
    return code


def unknown_codes(frame: pl.DataFrame, kind: str) -> pl.DataFrame:
    """The rows of ``frame`` whose ``code`` the reference does not know in the row's ``fiscal_year``.

    Meant for reporting what the reference lacks (or what a reader misread), never for dropping rows: the
    reference does not list every 款 and 项. Rows with a null code (totals) are not reported.

    Parameters
    ----------
    frame
        Any frame with a string column ``code`` and an integer column ``fiscal_year``; other columns are kept.
    kind
        ``"function"`` or ``"economic"``.

    Returns
    -------
    polars.DataFrame
        The unknown rows, in their original order, with the columns of ``frame``.

    Examples
    --------
    >>> lines = pl.DataFrame({"code": ["210", "224", "224", None], "fiscal_year": [2018, 2018, 2019, 2019]})
    >>> unknown_codes(lines, "function").rows()
    [('224', 2018)]
    """
    if frame.is_empty():
        return frame
    reference = classification_codes(kind).select("code", "year_from", "year_to")
    row = "__unknown_codes_row"
    numbered = frame.with_row_index(row)
    known = (
        numbered.select(row, "code", pl.col("fiscal_year").cast(pl.Int32))
        .drop_nulls("code")
        .join(reference, on="code", how="inner")
        .filter(
            (pl.col("year_from").is_null() | (pl.col("year_from") <= pl.col("fiscal_year")))
            & (pl.col("year_to").is_null() | (pl.col("year_to") >= pl.col("fiscal_year")))
        )
        .select(row)
        .unique()
    )
    return numbered.filter(pl.col("code").is_not_null()).join(known, on=row, how="anti").sort(row).drop(row)
