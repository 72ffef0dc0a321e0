"""The data contract: every normalized table, its columns (named once, here), types and keys.

Every reader writes these tables and every analysis reads them. Column names are module constants; other modules
use the constants, never the string literals. ``validate`` rejects a frame that breaks the contract with an error
naming the table, the column and the problem.

Examples
--------
>>> import polars as pl
>>> frame = empty_frame(DEPARTMENTS)
>>> validate(DEPARTMENTS, frame).height
0
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from analytics.errors import SchemaError

__all__ = [
    "MONEY",
    "PERCENT",
    "TABLES",
    "TableSchema",
    "added_column_defaults",
    "default_basis",
    "empty_frame",
    "validate",
]

# --- types ------------------------------------------------------------------------------------------------------
#: Exact money in 元 with two decimals (never float).
MONEY = pl.Decimal(18, 2)
#: A stated percentage, exact as printed (e.g. 17.09 for 17.09 %).
PERCENT = pl.Decimal(12, 4)
#: A performance target's numeric value (counts, minutes, 万元, % …), exact as printed.
TARGET = pl.Decimal(24, 4)

# --- table names ------------------------------------------------------------------------------------------------
DOCUMENTS = "documents"
DEPARTMENTS = "departments"
LINES = "lines"
STATEMENTS = "statements"
INDICATORS = "indicators"
PROJECTS = "projects"
DOCUMENT_TABLES = "document_tables"
READING_FINDINGS = "reading_findings"
DOCUMENT_TEXT = "document_text"
FLAGS = "flags"

# --- column names (each defined once) ---------------------------------------------------------------------------
DOC_ID = "doc_id"
SOURCE_NAME = "source_name"
SOURCE_FORMAT = "source_format"
SOURCE_SHA256 = "source_sha256"
REGION = "region"
DEPARTMENT = "department"
DEPARTMENT_ID = "department_id"
FISCAL_YEAR = "fiscal_year"
AS_OF_YEAR = "as_of_year"
PHASE = "phase"
SCOPE = "scope"
UNIT_PRINTED = "unit_printed"
PARSER_VERSION = "parser_version"
NAME = "name"
UNIT_TYPE = "unit_type"
STAFF_AUTHORIZED = "staff_authorized"
STAFF_ACTUAL = "staff_actual"
SUBORDINATE_UNITS = "subordinate_units"
TABLE = "table"
SIDE = "side"
CLASSIFICATION = "classification"
CODE = "code"
LEVEL = "level"
PARENT_CODE = "parent_code"
COLUMN = "column"
AMOUNT_YUAN = "amount_yuan"
STATED_SHARE_PCT = "stated_share_pct"
PAGE = "page"
LINE = "line"
SOURCE_TEXT = "source_text"
SEQ = "seq"
SUBJECT = "subject"
COMPARE_YEAR = "compare_year"
STATED_CHANGE_YUAN = "stated_change_yuan"
STATED_CHANGE_PCT = "stated_change_pct"
DIRECTION = "direction"
PARENT_SUBJECT = "parent_subject"
GOAL_SCOPE = "goal_scope"
GOAL_NO = "goal_no"
GOAL = "goal"
LEVEL1 = "level1"
LEVEL2 = "level2"
LEVEL3 = "level3"
COMPARATOR = "comparator"
TARGET_VALUE = "target_value"
UNIT = "unit"
TARGET_TEXT = "target_text"
PRIOR_VALUES = "prior_values"
BASIS = "basis"
CATEGORY = "category"
TOTAL_BUDGET_YUAN = "total_budget_yuan"
YEAR_BUDGET_YUAN = "year_budget_yuan"
PURPOSE = "purpose"
DISCLOSURE_ID = "disclosure_id"
PAGE_COUNT = "page_count"
TITLE = "title"
PAGE_FROM = "page_from"
PAGE_TO = "page_to"
STATUS = "status"
ROW_COUNT = "row_count"
FLAG_ID = "flag_id"
SOURCE = "source"
RULE_ID = "rule_id"
FAMILY = "family"
SEVERITY = "severity"
OBSERVED = "observed"
EXPECTED = "expected"
VARIANCE = "variance"
THRESHOLD = "threshold"
MEASURE = "measure"
MESSAGE_ZH = "message_zh"
MESSAGE_EN = "message_en"
EVIDENCE = "evidence"
SCORE = "score"
PEER_GROUP = "peer_group"
PEER_STATS = "peer_stats"
AMOUNT_BASIS = "amount_basis"
VERIFICATION = "verification"
VERIFIED_BY = "verified_by"
KIND = "kind"
REASON = "reason"
CELL_TEXT = "cell_text"

# --- controlled vocabularies ------------------------------------------------------------------------------------
PHASES = ("budget", "final")
SCOPES = ("department", "unit")
SIDES = ("income", "expenditure")
#: ``total`` is a table's grand total per side and column (its last total row); ``subtotal`` any earlier total row
#: (当年收入小计 before 收入合计, 本年收入合计 before 总计).
CLASSIFICATIONS = ("function", "economic", "source", "category", "project", "total", "subtotal")
DIRECTIONS = ("增加", "减少", "持平")
COMPARATORS = ("≥", "≤", ">", "<", "=")
GOAL_SCOPES = ("long_term", "annual", "project")
SEVERITIES = ("info", "warning", "error")


def severity_rank() -> pl.Expr:
    """Sort key of ``severity``: the most serious first (error 0, warning 1, info 2)."""
    return pl.col(SEVERITY).replace_strict({"error": 0, "warning": 1, "info": 2}, default=3, return_dtype=pl.Int8)


#: Who raised a flag: a check of the catalog, an anomaly model, or the reader itself (its doubt about a read).
FLAG_SOURCES = ("rule", "model", "reader")
#: What a printed figure is: a budget's own figure, a final account's 年初预算 / 调整(全年)预算 column, or its 决算数.
AMOUNT_BASES = ("budget", "initial_budget", "adjusted_budget", "actual")
#: How far a read figure is confirmed: an identity of the form or a second source agrees (``verified``), nothing
#: checks it (``unverified``), or an identity it takes part in fails (``contradicted``).
VERIFICATIONS = ("verified", "unverified", "contradicted")
#: What a reader could not read, or doubts: a cell that should hold an amount and does not parse, an identity that
#: fails, a table it could not read, a unit it had to infer, an amount it could not place in a column, a total
#: printed blank beside figures it should add up (a 合计 cell or 合计 row with nothing in it).
READING_KINDS = (
    "bad_cell", "contradicted", "unreadable_table", "unit_inferred", "unplaced_amount", "refused_page", "blank_total"
)  # fmt: skip
#: What a flag's observed / expected / variance measure: money in 元, a percentage, or a count.
MEASURES = ("yuan", "percent", "count")
#: One figure a flag rests on: where it was published.
EVIDENCE_ITEM = pl.Struct(
    {DOC_ID: pl.String, "table_or_part": pl.String, PAGE: pl.Int32, LINE: pl.Int32, SOURCE_TEXT: pl.String}
)
#: A model flag's peer group statistics (in the flag's measure): how many peers, their median, quartiles and the
#: robust scale (MAD × 1.4826) the score is measured in.
PEER_STATS_ITEM = pl.Struct(
    {"count": pl.Int32, "median": pl.Float64, "q1": pl.Float64, "q3": pl.Float64, "scale": pl.Float64}
)
#: Exact value of a flag's measure (元 with cents, or a percentage with four decimals).
FLAG_VALUE = pl.Decimal(24, 4)

#: A standard table found in a document: with figures, disclosed as empty (本部门无此项), or a title with no rows.
TABLE_STATUSES = ("data", "empty", "no_rows", "unreadable")

#: One prior-year value of an indicator as the 绩效目标申报表 prints it (前年 / 上年 columns).
PRIOR_VALUE = pl.Struct(
    {
        FISCAL_YEAR: pl.Int32,
        TARGET_TEXT: pl.String,
        COMPARATOR: pl.String,
        TARGET_VALUE: TARGET,
        UNIT: pl.String,
    }
)


@dataclass(frozen=True)
class TableSchema:
    """One normalized table: its columns in order, its key and the columns that may never be null.

    ``key`` identifies a row (nulls compare equal inside it); ``required`` lists every column that may never be
    null, which is the key's columns but for a nullable part such as the ``code`` of a line without one.
    """

    name: str
    columns: Mapping[str, pl.DataType]
    key: tuple[str, ...]
    required: tuple[str, ...]
    vocabularies: Mapping[str, tuple[str, ...]]

    @property
    def schema(self) -> pl.Schema:
        return pl.Schema(self.columns)


def _table(  # noqa: PLR0917
    name: str,
    columns: dict[str, pl.DataType],
    key: tuple[str, ...],
    required: tuple[str, ...] = (),
    vocabularies: Mapping[str, tuple[str, ...]] | None = None,
    nullable_key: tuple[str, ...] = (),
) -> TableSchema:
    # Key columns may not be null, except those a layout legitimately lacks (a composition row has no code).
    not_null = tuple(dict.fromkeys(c for c in (*key, *required) if c not in nullable_key))
    return TableSchema(name, columns, key, not_null, vocabularies or {})


_PROVENANCE: dict[str, pl.DataType] = {PAGE: pl.Int32, LINE: pl.Int32, SOURCE_TEXT: pl.String}

TABLES: dict[str, TableSchema] = {
    DOCUMENTS: _table(
        DOCUMENTS,
        {
            DOC_ID: pl.String,
            SOURCE_NAME: pl.String,
            SOURCE_FORMAT: pl.String,
            SOURCE_SHA256: pl.String,
            REGION: pl.String,
            DEPARTMENT: pl.String,
            DEPARTMENT_ID: pl.String,
            FISCAL_YEAR: pl.Int32,
            PHASE: pl.String,
            SCOPE: pl.String,
            UNIT_PRINTED: pl.String,
            PARSER_VERSION: pl.String,
            DISCLOSURE_ID: pl.String,
            PAGE_COUNT: pl.Int32,
        },
        key=(DOC_ID,),
        required=(SOURCE_NAME, SOURCE_FORMAT, DEPARTMENT_ID, FISCAL_YEAR, PHASE, SCOPE, DISCLOSURE_ID),
        vocabularies={PHASE: PHASES, SCOPE: SCOPES},
    ),
    DEPARTMENTS: _table(
        DEPARTMENTS,
        {
            DEPARTMENT_ID: pl.String,
            FISCAL_YEAR: pl.Int32,
            NAME: pl.String,
            REGION: pl.String,
            UNIT_TYPE: pl.String,
            STAFF_AUTHORIZED: pl.Int32,
            STAFF_ACTUAL: pl.Int32,
            SUBORDINATE_UNITS: pl.Int32,
            DOC_ID: pl.String,
            **_PROVENANCE,
        },
        key=(DEPARTMENT_ID, FISCAL_YEAR),
        required=(NAME, DOC_ID),
    ),
    LINES: _table(
        LINES,
        {
            DOC_ID: pl.String,
            DEPARTMENT_ID: pl.String,
            FISCAL_YEAR: pl.Int32,
            AS_OF_YEAR: pl.Int32,
            PHASE: pl.String,
            TABLE: pl.String,
            SIDE: pl.String,
            CLASSIFICATION: pl.String,
            CODE: pl.String,
            NAME: pl.String,
            LEVEL: pl.Int8,
            PARENT_CODE: pl.String,
            COLUMN: pl.String,
            AMOUNT_BASIS: pl.String,
            AMOUNT_YUAN: MONEY,
            STATED_SHARE_PCT: PERCENT,
            VERIFICATION: pl.String,
            VERIFIED_BY: pl.String,
            **_PROVENANCE,
        },
        key=(DOC_ID, TABLE, SIDE, CLASSIFICATION, CODE, NAME, COLUMN, AMOUNT_BASIS, FISCAL_YEAR),
        required=(
            DEPARTMENT_ID,
            AS_OF_YEAR,
            PHASE,
            TABLE,
            SIDE,
            CLASSIFICATION,
            NAME,
            COLUMN,
            AMOUNT_BASIS,
            FISCAL_YEAR,
            VERIFICATION,
        ),
        vocabularies={
            PHASE: PHASES,
            SIDE: SIDES,
            CLASSIFICATION: CLASSIFICATIONS,
            AMOUNT_BASIS: AMOUNT_BASES,
            VERIFICATION: VERIFICATIONS,
        },
        nullable_key=(CODE,),
    ),
    STATEMENTS: _table(
        STATEMENTS,
        {
            DOC_ID: pl.String,
            SEQ: pl.Int32,
            DEPARTMENT_ID: pl.String,
            FISCAL_YEAR: pl.Int32,
            SUBJECT: pl.String,
            AMOUNT_YUAN: MONEY,
            COMPARE_YEAR: pl.Int32,
            STATED_CHANGE_YUAN: MONEY,
            STATED_CHANGE_PCT: PERCENT,
            STATED_SHARE_PCT: PERCENT,
            DIRECTION: pl.String,
            PARENT_SUBJECT: pl.String,
            **_PROVENANCE,
        },
        key=(DOC_ID, SEQ),
        required=(DEPARTMENT_ID, SUBJECT, AMOUNT_YUAN, SOURCE_TEXT),
        vocabularies={DIRECTION: DIRECTIONS},
    ),
    INDICATORS: _table(
        INDICATORS,
        {
            DOC_ID: pl.String,
            SEQ: pl.Int32,
            DEPARTMENT_ID: pl.String,
            FISCAL_YEAR: pl.Int32,
            GOAL_SCOPE: pl.String,
            GOAL_NO: pl.Int32,
            GOAL: pl.String,
            LEVEL1: pl.String,
            LEVEL2: pl.String,
            LEVEL3: pl.String,
            COMPARATOR: pl.String,
            TARGET_VALUE: TARGET,
            UNIT: pl.String,
            TARGET_TEXT: pl.String,
            PRIOR_VALUES: pl.List(PRIOR_VALUE),
            BASIS: pl.String,
            **_PROVENANCE,
        },
        key=(DOC_ID, SEQ),
        required=(DEPARTMENT_ID, FISCAL_YEAR, GOAL_SCOPE, LEVEL1, LEVEL3, TARGET_TEXT),
        vocabularies={GOAL_SCOPE: GOAL_SCOPES, COMPARATOR: COMPARATORS},
    ),
    PROJECTS: _table(
        PROJECTS,
        {
            DOC_ID: pl.String,
            SEQ: pl.Int32,
            DEPARTMENT_ID: pl.String,
            FISCAL_YEAR: pl.Int32,
            NAME: pl.String,
            CATEGORY: pl.String,
            TOTAL_BUDGET_YUAN: MONEY,
            YEAR_BUDGET_YUAN: MONEY,
            PURPOSE: pl.String,
            **_PROVENANCE,
        },
        key=(DOC_ID, SEQ),
        required=(DEPARTMENT_ID, FISCAL_YEAR, NAME),
    ),
    DOCUMENT_TABLES: _table(
        DOCUMENT_TABLES,
        {
            DOC_ID: pl.String,
            TABLE: pl.String,
            TITLE: pl.String,
            UNIT_PRINTED: pl.String,
            PAGE_FROM: pl.Int32,
            PAGE_TO: pl.Int32,
            STATUS: pl.String,
            ROW_COUNT: pl.Int32,
            REASON: pl.String,
            SOURCE_TEXT: pl.String,
        },
        key=(DOC_ID, TABLE, PAGE_FROM),
        required=(TITLE, STATUS, ROW_COUNT),
        vocabularies={STATUS: TABLE_STATUSES},
        # A text disclosure has no pages: its tables are known by their titles only.
        nullable_key=(PAGE_FROM,),
    ),
    READING_FINDINGS: _table(
        READING_FINDINGS,
        {
            DOC_ID: pl.String,
            SEQ: pl.Int32,
            KIND: pl.String,
            TABLE: pl.String,
            COLUMN: pl.String,
            CELL_TEXT: pl.String,
            MESSAGE_ZH: pl.String,
            MESSAGE_EN: pl.String,
            **_PROVENANCE,
        },
        key=(DOC_ID, SEQ),
        required=(KIND, MESSAGE_ZH, MESSAGE_EN),
        vocabularies={KIND: READING_KINDS},
    ),
    # The text each document prints, line by line in reading order (non-blank lines; a PDF's by page and line on
    # the page, a text file's by line), for the checks that read words rather than figures (placeholders left in,
    # template residue, stale years) and for showing a finding's page.
    DOCUMENT_TEXT: _table(
        DOCUMENT_TEXT,
        {DOC_ID: pl.String, SEQ: pl.Int32, **_PROVENANCE},
        key=(DOC_ID, SEQ),
        required=(SOURCE_TEXT,),
    ),
    FLAGS: _table(
        FLAGS,
        {
            FLAG_ID: pl.String,
            SOURCE: pl.String,
            RULE_ID: pl.String,
            FAMILY: pl.String,
            SEVERITY: pl.String,
            DEPARTMENT_ID: pl.String,
            FISCAL_YEAR: pl.Int32,
            DOC_ID: pl.String,
            SUBJECT: pl.String,
            MEASURE: pl.String,
            OBSERVED: FLAG_VALUE,
            EXPECTED: FLAG_VALUE,
            VARIANCE: FLAG_VALUE,
            THRESHOLD: FLAG_VALUE,
            MESSAGE_ZH: pl.String,
            MESSAGE_EN: pl.String,
            EVIDENCE: pl.List(EVIDENCE_ITEM),
            # Model flags only: the detector's score (e.g. a robust z), the peer group and its statistics.
            SCORE: pl.Float64,
            PEER_GROUP: pl.String,
            PEER_STATS: PEER_STATS_ITEM,
        },
        key=(FLAG_ID,),
        required=(SOURCE, RULE_ID, FAMILY, SEVERITY, SUBJECT, MESSAGE_ZH, MESSAGE_EN),
        vocabularies={SEVERITY: SEVERITIES, SOURCE: FLAG_SOURCES, MEASURE: MEASURES},
    ),
}


def added_column_defaults(table: str) -> dict[str, pl.Expr]:
    """Required columns added to the contract after datasets were stored, and how an older table fills them.

    A line stored before amounts had a basis is its phase's own figure (a budget's budget, a final account's
    决算数), and before reads were verified it is unverified.

    Examples
    --------
    >>> sorted(added_column_defaults("lines"))
    ['amount_basis', 'verification']
    """
    if table != LINES:
        return {}
    return {
        AMOUNT_BASIS: pl.when(pl.col(PHASE) == "final").then(pl.lit("actual")).otherwise(pl.lit("budget")),
        VERIFICATION: pl.lit("unverified"),
    }


def _fill_added_columns(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with the columns of ``added_column_defaults`` filled where missing or null (frames built before
    those columns joined the contract)."""
    defaults = added_column_defaults(table)
    if not defaults or PHASE not in frame.columns:
        return frame
    return frame.with_columns(
        (pl.coalesce(pl.col(c), e) if c in frame.columns else e).alias(c) for c, e in defaults.items()
    )


def default_basis(phase: str) -> str:
    """The basis of a figure a document of ``phase`` prints without saying otherwise.

    Examples
    --------
    >>> default_basis("budget"), default_basis("final")
    ('budget', 'actual')
    """
    return "actual" if phase == "final" else "budget"


def _schema_of(table: str) -> TableSchema:
    try:
        return TABLES[table]
    except KeyError:
        raise SchemaError(f"unknown table {table!r}; the data contract has {', '.join(TABLES)}") from None


@functools.cache
def empty_frame(table: str) -> pl.DataFrame:
    """An empty frame with the exact columns and types of ``table``.

    Examples
    --------
    >>> empty_frame(PROJECTS).columns[:3]
    ['doc_id', 'seq', 'department_id']
    """
    return pl.DataFrame(schema=_schema_of(table).schema)


def validate(table: str, frame: pl.DataFrame, *, rows: bool = True) -> pl.DataFrame:
    """Check ``frame`` against the contract of ``table`` and return it with the contract's column order.

    ``rows=False`` checks the columns and their types only, for rows validated before (a table file the store
    wrote, whose bytes still hash to its name): no pass over the rows.

    Raises
    ------
    SchemaError
        Naming the table, the column and the problem: a missing or unexpected column, a wrong type, a null in a
        key or required column, a value outside the column's vocabulary, or a duplicate key.

    Examples
    --------
    >>> import polars as pl
    >>> validate("documents", pl.DataFrame({"doc_id": ["x"]}))
    Traceback (most recent call last):
    ...
    analytics.errors.SchemaError: table 'documents': missing column 'source_name' (expected String)
    """
    spec = _schema_of(table)
    frame = _fill_added_columns(table, frame)
    for column, dtype in spec.columns.items():
        if column not in frame.columns:
            raise SchemaError(f"table {table!r}: missing column {column!r} (expected {dtype})")
        actual = frame.schema[column]
        if actual != dtype:
            raise SchemaError(f"table {table!r}: column {column!r} has type {actual}, expected {dtype}")
    extra = [c for c in frame.columns if c not in spec.columns]
    if extra:
        raise SchemaError(f"table {table!r}: unexpected column(s) {', '.join(map(repr, extra))}")
    if frame.is_empty() or not rows:
        return frame.select(list(spec.columns))
    # Every check in one query (a reader validates many small frames: one pass each, not one per check).
    counts = frame.select(
        *(pl.col(c).null_count().alias(f"null:{c}") for c in spec.required),
        *(
            (pl.col(c).is_not_null() & ~pl.col(c).is_in(list(allowed))).sum().alias(f"vocabulary:{c}")
            for c, allowed in spec.vocabularies.items()
        ),
        pl.struct(spec.key).is_duplicated().sum().alias("duplicated"),
    ).row(0, named=True)
    for column in spec.required:
        if count := counts[f"null:{column}"]:
            kind = "key" if column in spec.key else "required"
            raise SchemaError(f"table {table!r}: {count} null value(s) in {kind} column {column!r}")
    for column, allowed in spec.vocabularies.items():
        if counts[f"vocabulary:{column}"]:
            bad = frame.filter(pl.col(column).is_not_null() & ~pl.col(column).is_in(allowed))
            raise SchemaError(
                f"table {table!r}: column {column!r} has value {bad[column][0]!r}; expected one of {allowed}"
            )
    if counts["duplicated"]:
        duplicated = frame.filter(pl.struct(spec.key).is_duplicated())
        example = duplicated.select(spec.key).row(0, named=True)
        raise SchemaError(f"table {table!r}: duplicate key {example} ({duplicated.height} rows share keys)")
    return frame.select(list(spec.columns))
