"""Fiscal Data Package export: the classified budget lines of a dataset as a package OpenSpending tools can read.

A Fiscal Data Package (v1.0) is a Tabular Data Package whose descriptor declares ``"profile":
"fiscal-data-package"`` and whose table fields each carry a ``columnType`` from the OpenSpending column-type
taxonomy (functional / economic / administrative classification at levels, phase, direction, fiscal year, value).
The v1.0 form needs no ``model`` section: the column types say what each column is.

What ``budget-lines.csv`` holds
-------------------------------
One row per printed figure of the tables classified by 支出功能分类 (function) or 部门预算支出经济分类 (economic):
the 收入总表, 支出总表, 一般公共预算支出表, 财政拨款支出表, 基本支出经济分类表 and 机关运行经费表. Rows are
chosen so that sums mean something:

* leaf rows only: a 类 or 款 row is left out when the same table and column print a 款 or 项 under it, so the rows
  of one document, table and column add up to that column's total instead of counting money two or three times.
  The codes and names of a leaf's parent levels are columns of its row (function 类 / 款 / 项 = levels 1-3,
  economic 类 / 款 = levels 1-2); a parent's name is the one the document prints, else the national catalogue's;
* total and subtotal rows (合计, 小计, 总计) are left out: they are sums of the rows kept;
* only figures of the document's own year: a prior-year comparison column repeats a figure another disclosure
  publishes, and does not say whether it was budgeted or executed;
* a 单位预算 (``scope`` unit) is left out when its department publishes a 部门预算 for the same year and phase,
  which already contains the unit.

Two dimensions still overlap by nature and must be fixed before summing: ``table`` (the 支出总表 by function and the
基本支出表 by economic class describe the same money twice) and ``value_kind``, the printed column (合计 is the sum
of 基本支出 and 项目支出). Summing ``value`` per fiscal year, department, phase, table and value kind gives the
table's printed total for that column.

Phase and direction: a 部门预算 is published after the people's congress has approved the budget and the finance
department has issued it (预算法, Article 14), so it is the *approved* budget; a 部门决算 reports the year's
execution: *executed*. Income lines are ``revenue``, expenditure lines ``expenditure``. Amounts are exact 元 with
two decimals (currency CNY).

What ``disclosure-score.csv`` holds
-----------------------------------
One row per disclosure: its disclosure score (``analytics.score``: items, points and sources in
``analytics/reference/disclosure_score.csv``), each item's points (empty when the dataset cannot measure it), the
total out of 100 (``score``; no ``value`` column: a score is no amount of money) and its rank among the
disclosures of the same region, year, phase and scope of the whole dataset.

No licence is declared: the disclosures do not state terms of reuse, so whoever publishes a package adds one.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any

import polars as pl

from analytics import labels
from analytics import schema as s
from analytics.errors import AnalyticsError, OutputError
from analytics.reference.classification import KINDS, classification_codes
from analytics.store import Dataset

__all__ = [
    "COLUMN_TYPES",
    "DESCRIPTOR",
    "PROFILE",
    "RESOURCE_PATH",
    "SCORE_NAME",
    "SCORE_PATH",
    "DataPackageError",
    "budget_lines",
    "data_package_bytes",
    "validate_data_package",
    "write_data_package",
]

#: The descriptor's file name and the profile it declares.
DESCRIPTOR = "datapackage.json"
PROFILE = "fiscal-data-package"
#: The one resource written.
RESOURCE_NAME = "budget-lines"
RESOURCE_PATH = f"{RESOURCE_NAME}.csv"
#: The second resource: the disclosure score of each disclosure (``analytics.score``).
SCORE_NAME = "disclosure-score"
SCORE_PATH = f"{SCORE_NAME}.csv"
_CURRENCY = "CNY"
_NAME_PATTERN = re.compile(r"[a-z0-9._-]+")


class DataPackageError(AnalyticsError):
    """A data package cannot be written: nothing to export, an unknown department or an unusable target."""


# --- the column-type vocabulary ---------------------------------------------------------------------------------


def _column_types() -> dict[str, str]:
    types: dict[str, str] = {}

    def add(data_type: str, *names: str) -> None:
        types.update(dict.fromkeys(names, data_type))

    def coded(base: str, parts: Iterable[str] = ("code", "label")) -> list[str]:
        return [f"{base}:{part}" for part in parts]

    described = ("code", "label", "description")
    for concept in ("administrative", "functional", "economic"):
        base = f"{concept}-classification:generic"
        add("string", *coded(base, described))
        for level in range(1, 9):
            add("string", *coded(f"{base}:level{level}", described))
    for level in range(1, 5):
        add("string", *coded(f"economic-classification:gfsm:level{level}", described))
        add("string", *coded(f"object-classification:generic:level{level}"))
    add("string", *coded("functional-classification:cofog", described))
    for part in ("division", "group", "class"):
        add("string", *coded(f"functional-classification:cofog:{part}", described))
    for activity in ("program", "subprogram", "project", "subproject", "contract"):
        add("string", *coded(f"activity:generic:{activity}"))
    add("string", "activity:generic:subproject:kind")
    for role in ("administrator", "procurer", "recipient", "supplier"):
        add("string", *coded(f"{role}:generic", ("id", "name")))
    add("string", *coded("fin-source:generic"))
    for level in range(1, 4):
        add("string", *coded(f"fin-source:generic:level{level}"))
    for concept in ("phase", "value-kind", "value-currency", "expenditure-type"):
        add("string", *coded(concept, ("id",) if concept == "phase" else ("code",)))
        add("string", f"{concept}:label")
    add("string", "budget-line-id", "direction", "budgetary-transfers")
    add(
        "string",
        *(
            f"transaction-id:{kind}"
            for kind in (
                "code",
                "purchase-order",
                "invoice-id",
                "tender-id",
                "tender-kind",
                "contract-id",
                "budget-code",
                "court-order",
                "transaction-kind",
            )
        ),
    )
    for place in ("country", "region", "county", "city"):
        add("string", *coded(f"geo-source:address:{place}"))
    add("integer", "date:fiscal-year", "date:fiscal-month")
    add(
        "date",
        "date:generic",
        *(
            f"date:fiscal:{event}"
            for event in ("activity-start", "activity-end", "activity-approval", "first-payment", "final-payment")
        ),
    )
    add("number", "value")
    for data_type in ("string", "date", "time", "datetime", "number", "integer"):
        add(data_type, f"unknown:{data_type}")
    return types


#: The column types of the OpenSpending taxonomy (os-types) that Fiscal Data Package v1.0 maps columns to, with the
#: Table Schema type each one requires (``value`` is a number, ``date:fiscal-year`` an integer).
COLUMN_TYPES: Mapping[str, str] = MappingProxyType(_column_types())

#: Table Schema types a column type's data type admits (an integer is also a number).
_COMPATIBLE_TYPES = {"number": ("number", "integer")}

# --- the exported table -----------------------------------------------------------------------------------------

BUDGET_LINE_ID = "budget_line_id"
PHASE_LABEL = "phase_label"
DIRECTION = s.DIRECTION
ADMIN_LEVEL1_CODE = "admin_level1_code"
ADMIN_LEVEL1_LABEL = "admin_level1_label"
ADMIN_LEVEL2_CODE = "admin_level2_code"
ADMIN_LEVEL2_LABEL = "admin_level2_label"
TABLE_LABEL = "table_label"
VALUE_KIND = "value_kind"
VALUE_KIND_LABEL = "value_kind_label"
VALUE = "value"

#: Exported classifications: the lines table's name, the FDP concept and how many levels its codes have.
_CLASSIFICATIONS = {"function": ("functional", 3), "economic": ("economic", 2)}
_LEVEL_NAMES = {1: "类", 2: "款", 3: "项"}
_PHASES = {"budget": "approved", "final": "executed"}
_PHASE_LABELS = {"budget": "部门预算", "final": "部门决算"}
_DIRECTIONS = {"income": "revenue", "expenditure": "expenditure"}
_DISCLOSURE_KINDS = {
    ("budget", "department"): "部门预算",
    ("budget", "unit"): "单位预算",
    ("final", "department"): "部门决算",
    ("final", "unit"): "单位决算",
}
_CLASSIFICATION_NAMES = {"function": "支出功能分类", "economic": "部门预算支出经济分类"}

#: ISO 3166-2 codes of China's provincial divisions, by the name a region starts with.
_PROVINCES = {
    "北京": "CN-BJ",
    "天津": "CN-TJ",
    "河北": "CN-HE",
    "山西": "CN-SX",
    "内蒙古": "CN-NM",
    "辽宁": "CN-LN",
    "吉林": "CN-JL",
    "黑龙江": "CN-HL",
    "上海": "CN-SH",
    "江苏": "CN-JS",
    "浙江": "CN-ZJ",
    "安徽": "CN-AH",
    "福建": "CN-FJ",
    "江西": "CN-JX",
    "山东": "CN-SD",
    "河南": "CN-HA",
    "湖北": "CN-HB",
    "湖南": "CN-HN",
    "广东": "CN-GD",
    "广西": "CN-GX",
    "海南": "CN-HI",
    "重庆": "CN-CQ",
    "四川": "CN-SC",
    "贵州": "CN-GZ",
    "云南": "CN-YN",
    "西藏": "CN-XZ",
    "陕西": "CN-SN",
    "甘肃": "CN-GS",
    "青海": "CN-QH",
    "宁夏": "CN-NX",
    "新疆": "CN-XJ",
}


@dataclass(frozen=True)
class _Field:
    name: str
    type: str
    column_type: str
    title: str
    description: str


def _level_column(kind: str, level: int, part: str) -> str:
    return f"{kind}_level{level}_{part}"


def _classification_fields() -> list[_Field]:
    fields: list[_Field] = []
    for kind, (concept, levels) in _CLASSIFICATIONS.items():
        for level in range(1, levels + 1):
            zh = f"{_CLASSIFICATION_NAMES[kind]}{_LEVEL_NAMES[level]}"
            for part, title in (("code", "编码"), ("label", "名称")):
                fields.append(
                    _Field(
                        _level_column(kind, level, part),
                        "string",
                        f"{concept}-classification:generic:level{level}:{part}",
                        f"{zh}{title}",
                        f"{zh} ({kind} classification, level {level}) {part}; empty on rows of the other "
                        "classification and below a leaf.",
                    )
                )
    return fields


_FIELDS: tuple[_Field, ...] = (
    _Field(
        BUDGET_LINE_ID,
        "string",
        "budget-line-id",
        "行标识",
        "The figure's id: document, table, code and printed column.",
    ),
    _Field(s.FISCAL_YEAR, "integer", "date:fiscal-year", "预算年度", "Fiscal year (China's is the calendar year)."),
    _Field(
        s.PHASE,
        "string",
        "phase:id",
        "预算阶段",
        "approved: a 部门预算, published after the people's congress approved it; executed: a 部门决算.",
    ),
    _Field(PHASE_LABEL, "string", "phase:label", "预算阶段名称", "部门预算 or 部门决算."),
    _Field(DIRECTION, "string", "direction", "收支方向", "expenditure (支出) or revenue (收入)."),
    _Field(
        ADMIN_LEVEL1_CODE,
        "string",
        "administrative-classification:generic:level1:code",
        "地区",
        "The region the department belongs to; disclosures print no code for it, so its name is the code.",
    ),
    _Field(
        ADMIN_LEVEL1_LABEL,
        "string",
        "administrative-classification:generic:level1:label",
        "地区名称",
        "The region's name.",
    ),
    _Field(
        ADMIN_LEVEL2_CODE,
        "string",
        "administrative-classification:generic:level2:code",
        "部门标识",
        "The department's id in the dataset.",
    ),
    _Field(
        ADMIN_LEVEL2_LABEL,
        "string",
        "administrative-classification:generic:level2:label",
        "部门名称",
        "The department's name in that year.",
    ),
    *_classification_fields(),
    _Field(
        s.TABLE,
        "string",
        "unknown:string",
        "报表",
        "Key of the printed table the figure comes from. Tables overlap: sum within one table only.",
    ),
    _Field(TABLE_LABEL, "string", "unknown:string", "报表名称", "Name of the printed table."),
    _Field(
        VALUE_KIND,
        "string",
        "value-kind:code",
        "金额栏",
        "Key of the printed column (total = 合计, basic = 基本支出, project = 项目支出 ...). Columns overlap: sum "
        "within one value kind only.",
    ),
    _Field(VALUE_KIND_LABEL, "string", "value-kind:label", "金额栏名称", "Name of the printed column."),
    _Field(VALUE, "number", "value", "金额（元）", "The amount in yuan (元), exact to the fen, currency CNY."),
    _Field(s.SCOPE, "string", "unknown:string", "公开口径", "department (部门预算 / 决算) or unit (单位预算 / 决算)."),
    _Field(s.DOC_ID, "string", "unknown:string", "文档标识", "Id of the source document in the dataset."),
    _Field(s.SOURCE_NAME, "string", "unknown:string", "来源文件", "File name of the source document."),
    _Field(s.PAGE, "integer", "unknown:integer", "页码", "Page of the source document (empty for text files)."),
    _Field(s.LINE, "integer", "unknown:integer", "行号", "Line on the page (or in the text file)."),
    _Field(s.SOURCE_TEXT, "string", "unknown:string", "原文", "The printed row the figure was read from."),
)
_COLUMNS = [field.name for field in _FIELDS]


def _title(column: str) -> str:
    """A score field's title: the column's Chinese label, as the workbook's 公开质量评分 sheet heads it."""
    return labels.column_label(column, table="disclosure_score")


@cache
def _value_kind_labels() -> dict[str, str]:
    return labels.labels("column")


def _leaves(lines: pl.LazyFrame) -> pl.LazyFrame:
    """The classified lines of each document's own year that no other line of their table and column refines."""
    # No default: a classification not exported gets no depth, so the filter drops it whatever order the filters
    # run in.
    deepest = pl.col(s.CLASSIFICATION).replace_strict(
        {kind: levels for kind, (_, levels) in _CLASSIFICATIONS.items()}, default=None, return_dtype=pl.Int8
    )
    classified = lines.filter(
        pl.col(s.CLASSIFICATION).is_in(list(_CLASSIFICATIONS)),
        pl.col(s.CODE).is_not_null(),
        pl.col(s.LEVEL).is_not_null(),
        pl.col(s.AMOUNT_YUAN).is_not_null(),
        pl.col(s.FISCAL_YEAR) == pl.col(s.AS_OF_YEAR),
    ).filter(pl.col(s.LEVEL) <= deepest)
    group = [s.DOC_ID, s.TABLE, s.SIDE, s.CLASSIFICATION, s.COLUMN, s.FISCAL_YEAR]
    code = pl.col(s.CODE)
    # A 类 or 款 is a parent when any code of its group starts with it; prefixes cover a 项 printed under a 类
    # whose 款 row is missing, which parent_code alone would not.
    parents = (
        classified.select(
            *group,
            pl.concat_list(
                pl.when(code.str.len_chars() > 3).then(code.str.slice(0, 3)),
                pl.when(code.str.len_chars() > 5).then(code.str.slice(0, 5)),
            ).alias(s.CODE),
        )
        .explode(s.CODE)
        .drop_nulls(s.CODE)
        .unique()
    )
    return classified.join(parents, on=[*group, s.CODE], how="anti")


def _without_covered_units(leaves: pl.LazyFrame) -> pl.LazyFrame:
    # A department's 部门预算 contains its units' 单位预算: keep the unit's figures only when the department's own
    # disclosure of that year and phase is missing.
    keys = [s.DEPARTMENT_ID, s.FISCAL_YEAR, s.PHASE]
    covered = (
        leaves.filter(pl.col(s.SCOPE) == "department")
        .select(keys)
        .unique()
        .with_columns(pl.lit(True).alias("_covered"))
    )
    return (
        leaves.join(covered, on=keys, how="left")
        .filter(~((pl.col(s.SCOPE) == "unit") & pl.col("_covered").fill_null(False)))
        .drop("_covered")
    )


def _labels(lines: pl.LazyFrame, wanted: pl.LazyFrame) -> pl.LazyFrame:
    """The name of each wanted (document, classification, year, code): as the document prints it, else national."""
    printed = (
        lines.filter(pl.col(s.CLASSIFICATION).is_in(list(_CLASSIFICATIONS)), pl.col(s.CODE).is_not_null())
        .group_by(s.DOC_ID, s.CLASSIFICATION, s.CODE)
        .agg(pl.col(s.NAME).min().alias("_printed"))
    )
    reference = pl.concat(
        [classification_codes(kind).lazy().with_columns(pl.lit(kind).alias(s.CLASSIFICATION)) for kind in KINDS]
    ).select(s.CLASSIFICATION, "code", "name", "year_from", "year_to")
    year = pl.col(s.FISCAL_YEAR)
    national = (
        wanted.select(s.CLASSIFICATION, s.CODE, s.FISCAL_YEAR)
        .unique()
        .join(reference, left_on=[s.CLASSIFICATION, s.CODE], right_on=[s.CLASSIFICATION, "code"], how="inner")
        .filter(
            (pl.col("year_from").is_null() | (pl.col("year_from") <= year))
            & (pl.col("year_to").is_null() | (pl.col("year_to") >= year))
        )
        .group_by(s.CLASSIFICATION, s.CODE, s.FISCAL_YEAR)
        .agg(pl.col("name").min().alias("_national"))
    )
    return (
        wanted.join(printed, on=[s.DOC_ID, s.CLASSIFICATION, s.CODE], how="left")
        .join(national, on=[s.CLASSIFICATION, s.CODE, s.FISCAL_YEAR], how="left")
        .select(
            s.DOC_ID,
            s.CLASSIFICATION,
            s.FISCAL_YEAR,
            s.CODE,
            pl.coalesce("_printed", "_national").alias("_label"),
        )
    )


def _with_levels(leaves: pl.LazyFrame, lines: pl.LazyFrame) -> pl.LazyFrame:
    code = pl.col(s.CODE)
    prefixes = {1: code.str.slice(0, 3), 2: code.str.slice(0, 5), 3: code.str.slice(0, 7)}
    frame = leaves.with_columns(
        [pl.when(pl.col(s.LEVEL) >= level).then(prefix).alias(f"_code{level}") for level, prefix in prefixes.items()]
    )
    keys = [s.DOC_ID, s.CLASSIFICATION, s.FISCAL_YEAR]
    wanted = (
        frame.select(*keys, pl.concat_list(f"_code{level}" for level in prefixes).alias(s.CODE))
        .explode(s.CODE)
        .drop_nulls(s.CODE)
        .unique()
    )
    labels = _labels(lines, wanted)
    for level in prefixes:
        frame = frame.join(
            labels.rename({s.CODE: f"_code{level}", "_label": f"_label{level}"}),
            on=[*keys, f"_code{level}"],
            how="left",
        ).with_columns(
            # The leaf's own name is the one printed on its row.
            pl.when(pl.col(s.LEVEL) == level).then(pl.col(s.NAME)).otherwise(f"_label{level}").alias(f"_label{level}")
        )
    columns = []
    for kind, (_, levels) in _CLASSIFICATIONS.items():
        is_kind = pl.col(s.CLASSIFICATION) == kind
        for level in range(1, levels + 1):
            for part, source in (("code", f"_code{level}"), ("label", f"_label{level}")):
                columns.append(pl.when(is_kind).then(pl.col(source)).alias(_level_column(kind, level, part)))
    return frame.with_columns(columns)


def budget_lines(dataset: Dataset, *, department_id: str | None = None) -> pl.DataFrame:
    """The rows of ``budget-lines.csv``: leaf figures of the function and economic tables, typed.

    See the module's docstring for which lines are kept and how to sum ``value``. ``value`` is exact
    (``Decimal(18, 2)`` 元); the CSV prints it with two decimals.

    Parameters
    ----------
    dataset
        Any dataset following the data contract.
    department_id
        Only this department's figures; ``None`` for every department.

    Raises
    ------
    DataPackageError
        For a ``department_id`` the dataset does not know.

    Examples
    --------
    >>> from analytics.store import open_dataset
    >>> frame = budget_lines(open_dataset())
    >>> frame.columns[:4]
    ['budget_line_id', 'fiscal_year', 'phase', 'phase_label']
    >>> sorted(frame.get_column("direction").unique())
    ['expenditure', 'revenue']
    """
    if department_id is not None:
        dataset = dataset.for_department(department_id)
    lines = dataset.lines.lazy()
    documents = dataset.documents.lazy().select(
        s.DOC_ID,
        s.SCOPE,
        s.SOURCE_NAME,
        pl.col(s.REGION).alias("_document_region"),
        pl.col(s.DEPARTMENT).alias("_document_department"),
    )
    departments = dataset.departments.lazy().select(
        s.DEPARTMENT_ID,
        s.FISCAL_YEAR,
        pl.col(s.REGION).alias("_region"),
        pl.col(s.NAME).alias("_department"),
    )
    leaves = _without_covered_units(_leaves(lines).join(documents, on=s.DOC_ID, how="left"))
    frame = _with_levels(leaves, lines).join(departments, on=[s.DEPARTMENT_ID, s.FISCAL_YEAR], how="left")
    tables = pl.LazyFrame(list(labels.labels("table").items()), schema=[s.TABLE, TABLE_LABEL], orient="row")
    line_id = pl.concat_str([s.DOC_ID, s.TABLE, s.CODE, s.COLUMN], separator=":")
    repeat = pl.int_range(pl.len()).over(line_id)
    region = pl.coalesce("_region", "_document_region")
    frame = (
        frame.join(tables, on=s.TABLE, how="left")
        .sort(s.DEPARTMENT_ID, s.FISCAL_YEAR, s.PHASE, s.DOC_ID, s.TABLE, s.CODE, s.COLUMN, s.NAME)
        .with_columns(
            # The lines' key also holds the name: a code printed twice with two names keeps both rows, apart.
            pl.when(repeat > 0)
            .then(pl.concat_str([line_id, repeat.cast(pl.String)], separator="#"))
            .otherwise(line_id)
            .alias(BUDGET_LINE_ID),
            pl.col(s.PHASE).replace_strict(_PHASES, return_dtype=pl.String).alias("_phase"),
            pl.col(s.PHASE).replace_strict(_PHASE_LABELS, return_dtype=pl.String).alias(PHASE_LABEL),
            pl.col(s.SIDE).replace_strict(_DIRECTIONS, return_dtype=pl.String).alias(DIRECTION),
            region.alias(ADMIN_LEVEL1_CODE),
            region.alias(ADMIN_LEVEL1_LABEL),
            pl.col(s.DEPARTMENT_ID).alias(ADMIN_LEVEL2_CODE),
            pl.coalesce("_department", "_document_department", s.DEPARTMENT_ID).alias(ADMIN_LEVEL2_LABEL),
            pl.coalesce(TABLE_LABEL, s.TABLE).alias(TABLE_LABEL),
            pl.col(s.COLUMN).alias(VALUE_KIND),
            pl.col(s.COLUMN)
            .replace_strict(_value_kind_labels(), default=pl.col(s.COLUMN), return_dtype=pl.String)
            .alias(VALUE_KIND_LABEL),
            pl.col(s.AMOUNT_YUAN).alias(VALUE),
        )
        .drop(s.PHASE)
        .rename({"_phase": s.PHASE})
    )
    return frame.select(_COLUMNS).collect()


# --- the descriptor ---------------------------------------------------------------------------------------------


def _field_descriptor(field: _Field) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "name": field.name,
        "type": field.type,
        "columnType": field.column_type,
        "title": field.title,
        "description": field.description,
    }
    if field.name == VALUE:
        descriptor |= {"decimalChar": ".", "groupChar": "", "bareNumber": True, "currency": _CURRENCY}
    if field.name in (BUDGET_LINE_ID, s.FISCAL_YEAR, VALUE, s.PHASE, DIRECTION):
        descriptor["constraints"] = {"required": True} | ({"unique": True} if field.name == BUDGET_LINE_ID else {})
    return descriptor


def _region_code(regions: list[str]) -> str | None:
    codes = {next((code for name, code in _PROVINCES.items() if region.startswith(name)), None) for region in regions}
    return codes.pop() if len(codes) == 1 else None


def _years(first: int, last: int) -> str:
    return f"{first}年" if first == last else f"{first}–{last}年"


def _package_descriptor(dataset: Dataset, frame: pl.DataFrame, department_id: str | None) -> dict[str, Any]:
    years = frame.get_column(s.FISCAL_YEAR)
    first, last = int(years.min()), int(years.max())  # type: ignore[arg-type]  # a non-empty integer column
    departments = frame.select(ADMIN_LEVEL2_CODE, ADMIN_LEVEL2_LABEL, s.FISCAL_YEAR).sort(s.FISCAL_YEAR)
    if department_id is None:
        count = departments.get_column(ADMIN_LEVEL2_CODE).n_unique()
        name = "cn-budget-disclosures"
        title = f"部门预算与决算公开数据（{count}个部门，{_years(first, last)}）"
    else:
        digest = hashlib.sha256(department_id.encode("utf-8")).hexdigest()[:12]
        name = f"cn-budget-disclosures-{digest}"
        title = f"{departments.get_column(ADMIN_LEVEL2_LABEL).item(-1)}部门预算与决算公开数据（{_years(first, last)}）"
    used = frame.select(s.DOC_ID).unique()
    sources = (
        dataset.documents.join(used, on=s.DOC_ID, how="semi")
        .sort(s.DEPARTMENT_ID, s.FISCAL_YEAR, s.PHASE, s.SOURCE_NAME)
        .select(s.DEPARTMENT, s.FISCAL_YEAR, s.PHASE, s.SCOPE, s.SOURCE_NAME)
        .rows()
    )
    descriptor: dict[str, Any] = {
        "profile": PROFILE,
        "name": name,
        "title": title,
        "description": (
            "Figures of Chinese department budget (部门预算) and final account (部门决算) disclosures, by function "
            "(支出功能分类) or economic class (部门预算支出经济分类), in yuan. Each printed table contributes its leaf "
            "rows only; total rows, prior-year columns and unit disclosures already inside their department's are "
            "left out. Tables and printed columns overlap: sum value per fiscal year, department, phase, table and "
            "value_kind."
        ),
        "fiscalPeriod": {"start": f"{first}-01-01", "end": f"{last}-12-31"},
        "countryCode": "CN",
    }
    region = _region_code(frame.get_column(ADMIN_LEVEL1_CODE).drop_nulls().unique().to_list())
    if region is not None:
        descriptor["regionCode"] = region
    descriptor["sources"] = [
        {"title": f"{department} {year}年{_DISCLOSURE_KINDS.get((phase, scope), phase)}（{source}）"}
        for department, year, phase, scope, source in sources
    ]
    return descriptor


def _resource_descriptor(path: Path) -> dict[str, Any]:
    data = path.read_bytes()
    return {
        "name": RESOURCE_NAME,
        "path": RESOURCE_PATH,
        "profile": "tabular-data-resource",
        "title": "部门收支明细（功能分类、经济分类）",
        "description": (
            "One row per printed leaf figure of a function or economic classification table. Sum value only "
            "within one table and one value_kind."
        ),
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(data),
        "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
        "schema": {
            "fields": [_field_descriptor(field) for field in _FIELDS],
            "primaryKey": [BUDGET_LINE_ID],
            "missingValues": [""],
            "extraFields": [
                {
                    "name": "currency",
                    "type": "string",
                    "columnType": "value-currency:code",
                    "constant": _CURRENCY,
                    "title": "币种",
                    "description": "Every value is in Chinese yuan (元).",
                }
            ],
        },
    }


# --- writing ----------------------------------------------------------------------------------------------------


def _previous_package_files(target: Path) -> set[str] | None:
    """The file names of an earlier package in ``target``, or ``None`` when ``target`` holds none."""
    try:
        descriptor = json.loads((target / DESCRIPTOR).read_text(encoding="utf-8"))
        paths = {resource["path"] for resource in descriptor["resources"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return {DESCRIPTOR, *(str(path) for path in paths)}


def _check_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise DataPackageError(
            f"{target} is a file; a data package is written to a directory (new, empty or holding an earlier package)"
        )
    if not target.is_dir():
        return
    present = sorted(entry.name for entry in target.iterdir())
    if not present:
        return
    ours = _previous_package_files(target)
    foreign = [name for name in present if ours is None or name not in ours]
    if foreign:
        shown = ", ".join(foreign[:5]) + (" …" if len(foreign) > 5 else "")
        raise DataPackageError(
            f"{target} holds files that are not part of an earlier data package ({shown}); "
            "choose a new or empty directory so nothing is overwritten"
        )


def _score_frame(dataset: Dataset, department_id: str | None) -> tuple[pl.DataFrame, list[_Field]]:
    """The disclosure scores (ranked among the whole dataset, then the department's rows) and their fields."""
    from analytics.score import disclosure_scores, score_catalog

    scores = disclosure_scores(dataset)
    if department_id is not None:
        scores = scores.filter(pl.col(s.DEPARTMENT_ID) == department_id)
    items = score_catalog().filter(pl.col("item").is_in(scores.columns))
    frame = scores.select(
        s.DISCLOSURE_ID,
        s.FISCAL_YEAR,
        pl.col(s.PHASE).replace_strict(_PHASES, default=None).alias(s.PHASE),
        pl.col(s.PHASE).replace_strict(_PHASE_LABELS, default=None).alias(PHASE_LABEL),
        pl.col(s.SCOPE),
        pl.col(s.DEPARTMENT_ID),
        pl.col(s.NAME),
        pl.col(s.REGION),
        *items.get_column("item").to_list(),
        "points",
        "scored_max",
        "score",
        "rank",
        "rank_of",
    )
    fields = [
        _Field(
            s.DISCLOSURE_ID,
            "string",
            "unknown:string",
            _title(s.DISCLOSURE_ID),
            "The disclosure (its files share this id).",
        ),
        _Field(
            s.FISCAL_YEAR, "integer", "date:fiscal-year", _title(s.FISCAL_YEAR), "The fiscal year of the disclosure."
        ),
        _Field(s.PHASE, "string", "phase:id", "阶段", "approved (部门预算) or executed (部门决算)."),
        _Field(PHASE_LABEL, "string", "phase:label", "阶段名称", "部门预算 or 部门决算."),
        _Field(s.SCOPE, "string", "unknown:string", "范围", "department (部门) or unit (单位)."),
        _Field(s.DEPARTMENT_ID, "string", "administrator:generic:id", _title(s.DEPARTMENT_ID), "The department's id."),
        _Field(s.NAME, "string", "administrator:generic:name", _title(s.NAME), "The department's name that year."),
        _Field(s.REGION, "string", "unknown:string", _title(s.REGION), "The region the department belongs to."),
        *(
            _Field(
                item, "number", "unknown:number", _title(item), f"{name_en}: points of {points} (empty: not scored)."
            )
            for item, name_en, points in items.select("item", "name_en", "points").rows()
        ),
        _Field("points", "number", "unknown:number", _title("points"), "Points earned on the items scored."),
        _Field("scored_max", "number", "unknown:number", _title("scored_max"), "The points of the items scored."),
        # Not the package's ``value``: a score is no amount of money.
        _Field(
            "score", "number", "unknown:number", _title("score"), "points ÷ scored_max × 100 (one decimal), of 100."
        ),
        _Field(
            "rank",
            "integer",
            "unknown:integer",
            _title("rank"),
            "Rank among the disclosures of its region, year, phase.",
        ),
        _Field("rank_of", "integer", "unknown:integer", _title("rank_of"), "How many disclosures it is ranked among."),
    ]
    return frame, fields


def _score_descriptor(path: Path, fields: list[_Field]) -> dict[str, Any]:
    data = path.read_bytes()
    return {
        "name": SCORE_NAME,
        "path": SCORE_PATH,
        "profile": "tabular-data-resource",
        "title": "公开质量评分（每份公开一行）",
        "description": (
            "The disclosure score of each disclosure (analytics/reference/disclosure_score.csv: items, points and "
            "their sources, the 财政部 地方预决算公开专项检查 dimensions and 财预〔2016〕143号). score is out of 100 "
            "over the items the dataset can measure."
        ),
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(data),
        "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
        "schema": {
            "fields": [
                {
                    "name": f.name,
                    "type": f.type,
                    "columnType": f.column_type,
                    "title": f.title,
                    "description": f.description,
                }
                for f in fields
            ],
            "primaryKey": [s.DISCLOSURE_ID],
            "missingValues": [""],
        },
    }


def _write_files(dataset: Dataset, frame: pl.DataFrame, directory: Path, department_id: str | None) -> None:
    csv_path = directory / RESOURCE_PATH
    frame.with_columns(pl.col(VALUE).cast(pl.String)).write_csv(csv_path)
    descriptor = _package_descriptor(dataset, frame, department_id)
    scores, fields = _score_frame(dataset, department_id)
    score_path = directory / SCORE_PATH
    scores.write_csv(score_path)
    descriptor["resources"] = [_resource_descriptor(csv_path), _score_descriptor(score_path, fields)]
    text = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
    (directory / DESCRIPTOR).write_text(text, encoding="utf-8")
    problems = validate_data_package(directory)
    if problems:
        raise DataPackageError("the package written does not validate: " + "; ".join(problems))


def _move_into_place(staging: Path, target: Path) -> None:
    if not target.exists():
        staging.rename(target)
        return
    # Renames within one directory are atomic: the earlier package goes aside, the new one takes its name, and
    # only then is the earlier one removed; a failure in between puts it back.
    holder = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    previous = holder / target.name
    target.rename(previous)
    try:
        staging.rename(target)
    except OSError:
        previous.rename(target)
        holder.rmdir()
        raise
    shutil.rmtree(holder, ignore_errors=True)


def write_data_package(
    dataset: Dataset, directory: str | os.PathLike[str], *, department_id: str | None = None
) -> Path:
    """Write ``dataset`` as a Fiscal Data Package: ``datapackage.json`` and ``budget-lines.csv`` in ``directory``.

    The package is built in a temporary directory next to ``directory``, checked with
    :func:`validate_data_package`, and only then moved into place, so a failure leaves ``directory`` as it was.
    An existing ``directory`` must be empty or hold an earlier data package, which is replaced.

    Parameters
    ----------
    dataset
        Any dataset following the data contract.
    directory
        Where the package goes; created (with its parents) when missing.
    department_id
        Only this department's figures; ``None`` for every department.

    Returns
    -------
    pathlib.Path
        The package directory.

    Raises
    ------
    DataPackageError
        When there are no function or economic lines to export, ``department_id`` is unknown, ``directory`` is a
        file, or it holds files of its own.
    OutputError
        When the package cannot be written (no space left, no permission …); ``directory`` is left as it was.

    Examples
    --------
    >>> import tempfile
    >>> from analytics.store import open_dataset
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     root = write_data_package(open_dataset(), Path(tmp) / "fdp")
    ...     sorted(p.name for p in root.iterdir()), validate_data_package(root)
    (['budget-lines.csv', 'datapackage.json', 'disclosure-score.csv'], [])
    """
    target = Path(directory)
    _check_target(target)
    if dataset.lines.is_empty():
        raise DataPackageError("the dataset has no lines to export (it is empty): ingest disclosures first")
    frame = budget_lines(dataset, department_id=department_id)
    if frame.is_empty():
        where = f" of department {department_id!r}" if department_id is not None else ""
        raise DataPackageError(
            f"no lines to export{where}: a Fiscal Data Package holds the function (支出功能分类) and economic "
            "(经济分类) classification tables of a document's own year, and the dataset has none"
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    except OSError as exc:
        raise OutputError.from_os_error(target, exc) from None
    try:
        staging.chmod(0o755)
        _write_files(dataset, frame, staging, department_id)
        _check_target(target)
        _move_into_place(staging, target)
    except OSError as exc:  # a full disk, say: the staging folder goes, ``target`` is as it was
        raise OutputError.from_os_error(target, exc) from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target


def data_package_bytes(dataset: Dataset, department_id: str | None = None) -> bytes:
    """The Fiscal Data Package of ``dataset`` as a zip archive (for a download): descriptor first, then the CSV.

    Entries carry a fixed timestamp, so the same dataset gives the same bytes.

    Raises
    ------
    DataPackageError
        As :func:`write_data_package`.

    Examples
    --------
    >>> import zipfile
    >>> from analytics.store import open_dataset
    >>> zipfile.ZipFile(io.BytesIO(data_package_bytes(open_dataset()))).namelist()
    ['datapackage.json', 'budget-lines.csv', 'disclosure-score.csv']
    """
    with tempfile.TemporaryDirectory() as tmp:
        root = write_data_package(dataset, Path(tmp) / "package", department_id=department_id)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in (DESCRIPTOR, RESOURCE_PATH, SCORE_PATH):
                entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o644 << 16
                archive.writestr(entry, (root / name).read_bytes())
        return buffer.getvalue()


# --- validation -------------------------------------------------------------------------------------------------

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|NaN|INF|-INF"
_INTEGER = r"[+-]?\d+"
_LEVELLED = re.compile(r"(?P<base>.+):level(?P<level>\d+):(?P<part>code|label)")


def _package_problems(descriptor: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    profile = descriptor.get("profile")
    if profile is None:
        problems.append(f'\'profile\' is missing: a fiscal data package declares "profile": "{PROFILE}"')
    elif profile != PROFILE:
        problems.append(f"'profile' is {profile!r}, expected {PROFILE!r}")
    name = descriptor.get("name")
    if not isinstance(name, str) or not _NAME_PATTERN.fullmatch(name):
        problems.append(f"'name' is {name!r}: it must be lower-case letters, digits, '.', '_' or '-'")
    return problems


def _field_problems(where: str, fields: list[Any], *, extra: bool) -> list[str]:
    problems: list[str] = []
    kind = "extra field" if extra else "field"
    for index, field in enumerate(fields, start=1):
        if not isinstance(field, dict) or not isinstance(field.get("name"), str):
            problems.append(f"{where}: {kind} #{index} has no name")
            continue
        name, column_type = field["name"], field.get("columnType")
        if column_type is None:
            problems.append(f"{where}: {kind} {name!r} has no columnType")
            continue
        if column_type not in COLUMN_TYPES:
            problems.append(
                f"{where}: {kind} {name!r} has columnType {column_type!r}, which is not in the OpenSpending "
                "column-type vocabulary"
            )
            continue
        data_type, declared = COLUMN_TYPES[column_type], field.get("type", "string")
        if declared not in _COMPATIBLE_TYPES.get(data_type, (data_type,)):
            problems.append(
                f"{where}: {kind} {name!r} has type {declared!r}; columnType {column_type!r} needs {data_type!r}"
            )
        if extra and "constant" not in field and not field.get("normalizationTarget"):
            problems.append(f"{where}: extra field {name!r} has neither a constant nor normalizationTarget")
    return problems


def _level_problems(where: str, column_types: set[str]) -> list[str]:
    problems: list[str] = []
    levels: set[tuple[str, int, str]] = set()
    for column_type in column_types:
        match = _LEVELLED.fullmatch(column_type)
        if match:
            levels.add((match["base"], int(match["level"]), match["part"]))
    for base, level, part in sorted(levels):
        other = "label" if part == "code" else "code"
        if (base, level, other) not in levels:
            problems.append(
                f"{where}: {base}:level{level}:{part} has no matching {other} field ({base}:level{level}:{other})"
            )
        if level > 1 and part == "code" and (base, level - 1, "code") not in levels:
            problems.append(
                f"{where}: {base}:level{level} is used without {base}:level{level - 1}:code "
                "(a classification level needs the level above it)"
            )
    return problems


def _csv_problems(where: str, path: Path, fields: list[dict[str, Any]], missing: list[str]) -> list[str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), [])
        # Empty cells read as null: missing whatever missingValues says.
        cells = pl.read_csv(path, infer_schema=False)
    except (OSError, UnicodeDecodeError, csv.Error, pl.exceptions.PolarsError) as exc:
        return [f"{where}: {path.name} cannot be read as UTF-8 CSV ({exc})"]
    names = [field["name"] for field in fields]
    if header != names:
        position = next((i for i, (a, b) in enumerate(zip(header, names, strict=False)) if a != b), None)
        if position is None:
            detail = f"the header has {len(header)} columns, the schema {len(names)} fields"
        else:
            detail = f"column {position + 1} is {header[position]!r} in the header, {names[position]!r} in the schema"
        return [f"{where}: the CSV header of {path.name} does not match the schema's fields in order ({detail})"]
    problems: list[str] = []
    for field in fields:
        column_type = field.get("columnType")
        if field.get("type") == "number" or column_type == "value":
            pattern, what = _NUMBER, "a number"
        elif field.get("type") == "integer" or column_type == "date:fiscal-year":
            pattern, what = _INTEGER, "an integer"
        else:
            continue
        cell = pl.col(field["name"]).str.strip_chars()
        if field.get("groupChar"):
            cell = cell.str.replace_all(field["groupChar"], "", literal=True)
        if field.get("decimalChar", ".") != ".":
            cell = cell.str.replace(field["decimalChar"], ".", literal=True)
        bad = cells.with_row_index("_row", offset=1).filter(
            pl.col(field["name"]).is_not_null(),
            ~pl.col(field["name"]).is_in(missing),
            ~cell.str.contains(f"^(?:{pattern})$"),
        )
        if bad.height:
            row, text = bad.row(0)[0], bad.get_column(field["name"]).item(0)
            problems.append(
                f"{where}: {bad.height} cell(s) of {field['name']!r} are not {what} (first: row {row}, {text!r})"
            )
    return problems


def _integrity_problems(where: str, resource: Mapping[str, Any], path: Path) -> list[str]:
    problems: list[str] = []
    data = path.read_bytes()
    if "bytes" in resource and resource["bytes"] != len(data):
        problems.append(f"{where}: 'bytes' is {resource['bytes']} but {path.name} has {len(data)} bytes")
    hash_value = resource.get("hash")
    if isinstance(hash_value, str):
        algorithm, _, digest = hash_value.rpartition(":")
        algorithm = algorithm or "md5"
        if algorithm not in hashlib.algorithms_available:
            problems.append(f"{where}: unknown hash algorithm {algorithm!r}")
        elif hashlib.new(algorithm, data).hexdigest() != digest:
            problems.append(f"{where}: 'hash' does not match the content of {path.name}")
    return problems


def _resource_path(where: str, resource: Mapping[str, Any], base: Path) -> tuple[Path | None, list[str]]:
    path = resource.get("path")
    if not isinstance(path, str) or not path:
        return None, [f"{where}: 'path' must be one relative file path"]
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts:
        return None, [f"{where}: path {path!r} leaves the package directory"]
    full = base / relative
    if not full.is_file():
        return None, [f"{where}: path {path!r} does not exist in {base}"]
    return full, []


def _resource_problems(index: int, resource: Any, base: Path) -> tuple[list[str], bool]:
    """Problems of one resource, and whether it has a ``value`` column."""
    if not isinstance(resource, dict):
        return [f"resource #{index} is not an object"], False
    name = resource.get("name")
    where = f"resource {name!r}" if name else f"resource #{index}"
    problems: list[str] = []
    if not isinstance(name, str) or not _NAME_PATTERN.fullmatch(name):
        problems.append(f"{where}: 'name' must be lower-case letters, digits, '.', '_' or '-'")
    if resource.get("profile") != "tabular-data-resource":
        problems.append(f"{where}: 'profile' is {resource.get('profile')!r}, expected 'tabular-data-resource'")
    path, path_problems = _resource_path(where, resource, base)
    problems += path_problems
    schema = resource.get("schema")
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if not isinstance(fields, list) or not fields:
        return [*problems, f"{where}: 'schema' must be an object with a non-empty list of fields"], False
    extra = schema.get("extraFields", [])
    extra = extra if isinstance(extra, list) else []
    problems += _field_problems(where, fields, extra=False) + _field_problems(where, extra, extra=True)
    named = [field for field in fields if isinstance(field, dict) and isinstance(field.get("name"), str)]
    names = [field["name"] for field in named]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        problems.append(f"{where}: field name(s) used twice: {', '.join(duplicated)}")
    key = schema.get("primaryKey", [])
    missing_key = [k for k in ([key] if isinstance(key, str) else key) if k not in names]
    if missing_key:
        problems.append(f"{where}: primaryKey names no field {', '.join(map(repr, missing_key))}")
    column_types = {field.get("columnType") for field in [*named, *extra] if isinstance(field, dict)}
    column_types.discard(None)
    problems += _level_problems(where, column_types)
    has_value = "value" in column_types
    if has_value and "date:fiscal-year" not in column_types:
        problems.append(f"{where}: it has a 'value' column but no 'date:fiscal-year' column")
    if path is not None:
        problems += _integrity_problems(where, resource, path)
        problems += _csv_problems(where, path, named, schema.get("missingValues", [""]))
    return problems, has_value


def validate_data_package(path: str | os.PathLike[str]) -> list[str]:
    """Check a Fiscal Data Package against the rules of the specification; one sentence per problem found.

    Checked: the descriptor is JSON with ``"profile": "fiscal-data-package"`` and a url-safe ``name``; there is at
    least one resource, each a ``tabular-data-resource`` whose file exists inside the package (and matches its
    ``bytes`` and ``hash`` when given); every field and extra field has a ``columnType`` of :data:`COLUMN_TYPES`
    and a compatible type; each classification level's code has its label (and the reverse) and every level
    below the first has the level above; a resource with a ``value`` column has a ``date:fiscal-year`` column,
    and some resource has one; the CSV header equals the schema's field names in order, and number and integer
    cells parse.

    Parameters
    ----------
    path
        The package directory or its ``datapackage.json``.

    Returns
    -------
    list[str]
        Empty when the package is valid.

    Examples
    --------
    >>> validate_data_package("/nonexistent")
    ['no datapackage.json at /nonexistent']
    """
    root = Path(path)
    descriptor_path = root / DESCRIPTOR if root.is_dir() or not root.suffix else root
    if not descriptor_path.is_file():
        return [f"no {DESCRIPTOR} at {root}"]
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return [f"{descriptor_path} is not UTF-8 JSON ({exc})"]
    if not isinstance(descriptor, dict):
        return [f"{descriptor_path} does not hold a JSON object"]
    problems = _package_problems(descriptor)
    resources_ = descriptor.get("resources")
    if not isinstance(resources_, list) or not resources_:
        return [*problems, "'resources' must be a non-empty list"]
    with_value = False
    for index, resource in enumerate(resources_, start=1):
        found, has_value = _resource_problems(index, resource, descriptor_path.parent)
        problems += found
        with_value = with_value or has_value
    if not with_value:
        problems.append("no field has columnType 'value': a fiscal data package needs an amount column")
    return problems
