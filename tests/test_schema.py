from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest

from analytics import schema as s
from analytics.errors import SchemaError


def _project(**overrides: object) -> pl.DataFrame:
    row = {
        s.DOC_ID: "d1",
        s.SEQ: 1,
        s.DEPARTMENT_ID: "某区某局",
        s.FISCAL_YEAR: 2024,
        s.NAME: "项目甲",
        s.CATEGORY: "本级支出项目",
        s.TOTAL_BUDGET_YUAN: Decimal("100.00"),
        s.YEAR_BUDGET_YUAN: Decimal("50.00"),
        s.PURPOSE: None,
        s.PAGE: None,
        s.LINE: 3,
        s.SOURCE_TEXT: "项目甲 本级支出项目 0.01 0.005",
    }
    row.update(overrides)
    return pl.DataFrame([row], schema=s.TABLES[s.PROJECTS].schema, orient="row")


def test_every_table_has_its_key_columns() -> None:
    for name, spec in s.TABLES.items():
        assert set(spec.key) <= set(spec.columns), name
        assert s.empty_frame(name).schema == spec.schema


def test_money_columns_are_exact_decimals() -> None:
    assert s.TABLES[s.LINES].columns[s.AMOUNT_YUAN] == pl.Decimal(18, 2)
    assert s.TABLES[s.STATEMENTS].columns[s.STATED_CHANGE_YUAN] == pl.Decimal(18, 2)


def test_valid_frame_passes_and_is_reordered() -> None:
    frame = _project().select(reversed(s.TABLES[s.PROJECTS].columns))
    assert s.validate(s.PROJECTS, frame).columns == list(s.TABLES[s.PROJECTS].columns)


def test_missing_column() -> None:
    with pytest.raises(SchemaError, match=r"table 'projects': missing column 'purpose'"):
        s.validate(s.PROJECTS, _project().drop(s.PURPOSE))


def test_unexpected_column() -> None:
    with pytest.raises(SchemaError, match=r"table 'projects': unexpected column.*'extra'"):
        s.validate(s.PROJECTS, _project().with_columns(pl.lit(1).alias("extra")))


def test_float_money_is_a_wrong_type() -> None:
    frame = _project().with_columns(pl.col(s.YEAR_BUDGET_YUAN).cast(pl.Float64))
    with pytest.raises(SchemaError, match=r"column 'year_budget_yuan' has type Float64, expected Decimal"):
        s.validate(s.PROJECTS, frame)


def test_null_key() -> None:
    with pytest.raises(SchemaError, match=r"null value.*key column 'doc_id'"):
        s.validate(s.PROJECTS, _project(doc_id=None))


def test_null_required() -> None:
    with pytest.raises(SchemaError, match=r"null value.*required column 'name'"):
        s.validate(s.PROJECTS, _project(name=None))


def test_duplicate_key() -> None:
    frame = pl.concat([_project(), _project(name="项目乙")])
    with pytest.raises(SchemaError, match=r"table 'projects': duplicate key .*'seq': 1"):
        s.validate(s.PROJECTS, frame)


def test_vocabulary() -> None:
    documents = pl.DataFrame(
        [
            {
                s.DOC_ID: "d",
                s.SOURCE_NAME: "a.txt",
                s.SOURCE_FORMAT: "text",
                s.DEPARTMENT_ID: "x",
                s.FISCAL_YEAR: 2024,
                s.PHASE: "draft",
                s.SCOPE: "department",
                s.DISCLOSURE_ID: "d",
            }
        ],
        schema=s.TABLES[s.DOCUMENTS].schema,
        orient="row",
    )
    with pytest.raises(SchemaError, match=r"column 'phase' has value 'draft'; expected one of"):
        s.validate(s.DOCUMENTS, documents)


def test_unknown_table() -> None:
    with pytest.raises(SchemaError, match=r"unknown table 'budget'"):
        s.validate("budget", pl.DataFrame())
