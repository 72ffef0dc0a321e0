"""Keyword search over what the documents print and what the checks found.

One query looks through the lines of the tables (their 科目 and the text they were read from), the projects, the
narrative's statements, the performance indicators and the flags. Matching is on folded text: Unicode NFKC (which
turns full-width letters, digits and brackets into their half-width forms), lower case, and every whitespace removed
(a PDF's text layer breaks words with spaces: ``公务 接待费`` is ``公务接待费``). A query of several words, split on
whitespace, matches a row that has all of them, in any of its searched fields or in its context: the name of its
department and its fiscal year (``万里 行政运行 2024``).

The work is a handful of Polars string expressions over each whole table (no loop over rows), then a sort of the
rows found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import polars as pl

from analytics import schema as s
from analytics.compare._common import latest_names
from analytics.errors import QueryError
from analytics.store import Dataset

__all__ = ["KINDS", "SEARCH_SCHEMA", "search"]

#: What can be searched, in the order results of equal standing are listed.
KINDS = ("line", "project", "statement", "indicator", "flag")

# Column names of the frame returned here (an analysis output, not a stored table).
KIND = "kind"
DEPARTMENT_NAME = "department_name"
TEXT = "text"
SNIPPET = "snippet"

#: Columns and types of a search result, in order.
SEARCH_SCHEMA = pl.Schema(
    {
        KIND: pl.String,
        s.DEPARTMENT_ID: pl.String,
        DEPARTMENT_NAME: pl.String,
        s.FISCAL_YEAR: pl.Int32,
        s.PHASE: pl.String,
        s.DOC_ID: pl.String,
        s.SOURCE_NAME: pl.String,
        s.PAGE: pl.Int32,
        s.LINE: pl.Int32,
        TEXT: pl.String,
        SNIPPET: pl.String,
        s.AMOUNT_YUAN: s.MONEY,
    }
)

#: Characters of context a snippet shows before the match, and its length after the match starts.
_BEFORE = 16
_AFTER = 40
_ELLIPSIS = "…"
#: Between the fields of a row when they are searched together: no word of a query can span two fields.
_FIELD_BREAK = "\x1f"


def _display(text: pl.Expr) -> pl.Expr:
    """Text as a snippet shows it: as printed, each run of whitespace one space, trimmed."""
    return text.str.replace_all(r"\s+", " ").str.strip_chars()


def _folded(text: pl.Expr) -> pl.Expr:
    """Text as it is matched: NFKC, lower case, without whitespace."""
    return text.str.normalize("NFKC").str.to_lowercase().str.replace_all(r"\s+", "")


def query_words(query: str) -> list[str]:
    """The folded words of a query (split on whitespace, full-width spaces included).

    Examples
    --------
    >>> query_words("  公务　接待  ＰＤＦ ")
    ['公务', '接待', 'pdf']
    """
    frame = pl.DataFrame({"q": query.split()}, schema={"q": pl.String})
    return [word for word in frame.select(_folded(pl.col("q"))).to_series().to_list() if word]


#: How far the full-width form of a printable ASCII character (U+FF01–U+FF5E) is from it.
_FULL_WIDTH_OFFSET = 0xFEE0


def _variants(char: str) -> str:
    """A regex matching ``char`` of a folded word as text may print it: half-width or full-width (any case)."""
    if "!" <= char <= "~":
        return f"[{re.escape(char)}{chr(ord(char) + _FULL_WIDTH_OFFSET)}]"
    return re.escape(char)


def _locator(word: str) -> str:
    """A regex that finds a folded word in display text: any case or width, a space allowed between characters."""
    return "(?i)" + r"\s?".join(_variants(char) for char in word)


def _snippet(text: pl.Expr, words: Sequence[str]) -> pl.Expr:
    """A short piece of ``text`` (display form) around the first place any of ``words`` occurs; its start if none
    does."""
    display = _display(text)
    anywhere = "|".join(f"(?:{_locator(word)})" for word in words)
    # Character offset of the match: the length of what precedes it (``str.find`` counts bytes).
    before = display.str.extract(f"(?s)^(.*?)(?:{anywhere})", 1).str.len_chars().fill_null(0).cast(pl.Int64)
    start = pl.max_horizontal(before - _BEFORE, pl.lit(0, pl.Int64))
    length = _BEFORE + _AFTER
    end = start + length
    return pl.concat_str(
        pl.when(start > 0).then(pl.lit(_ELLIPSIS)).otherwise(pl.lit("")),
        display.str.slice(start, length),
        pl.when(display.str.len_chars() > end).then(pl.lit(_ELLIPSIS)).otherwise(pl.lit("")),
    )


def _matched(
    frame: pl.LazyFrame, names: pl.LazyFrame, fields: Sequence[str], words: Sequence[str], shown: Sequence[str] = ()
) -> pl.LazyFrame:
    """The rows of ``frame`` that hold every word in their ``fields`` or their context (the department's name from
    ``names``, the fiscal year), with ``text`` (the first of the ``shown`` fields, all by default, that holds a
    word, the earlier words first; else the first field), its ``snippet`` and ``_primary`` (whether a word is in the
    row's first field: its name, not its source text)."""
    context = frame.join(names, on=s.DEPARTMENT_ID, how="left", maintain_order="left").with_columns(
        pl.col(s.FISCAL_YEAR).cast(pl.String).alias("_year")
    )
    folded = {name: _folded(pl.col(name).cast(pl.String).fill_null("")) for name in [*fields, DEPARTMENT_NAME, "_year"]}
    together = pl.concat_str(list(folded.values()), separator=_FIELD_BREAK)
    found = context.with_columns(together.alias("_all")).filter(
        pl.all_horizontal(pl.col("_all").str.contains(word, literal=True) for word in words)
    )
    holds = {name: pl.any_horizontal(folded[name].str.contains(w, literal=True) for w in words) for name in fields}
    text = pl.coalesce(
        *(
            pl.when(folded[name].str.contains(word, literal=True)).then(pl.col(name))
            for word in words
            for name in shown or fields
        ),
        pl.col(fields[0]),
    )
    return found.with_columns(text.alias(TEXT), holds[fields[0]].alias("_primary")).with_columns(
        _snippet(pl.col(TEXT), words).alias(SNIPPET), _display(pl.col(TEXT)).alias(TEXT)
    )


def _names(ds: Dataset) -> pl.LazyFrame:
    """``department_id, department_name``: each department's latest name."""
    return latest_names(ds.departments).rename({s.NAME: DEPARTMENT_NAME})


def _lines(ds: Dataset, words: Sequence[str]) -> pl.LazyFrame:
    lines = ds.lines.lazy().with_columns(
        pl.when(pl.col(s.CODE).is_not_null())
        .then(pl.concat_str(pl.col(s.CODE), pl.col(s.NAME), separator=" "))
        .otherwise(pl.col(s.NAME))
        .alias("_label")
    )
    found = _matched(lines, _names(ds), ["_label", s.SOURCE_TEXT], words)
    # A printed row is one line per amount column: one result, with the row's 合计 where it has one.
    return (
        found.sort(pl.col(s.COLUMN) != "total", s.COLUMN)
        .unique([s.DOC_ID, s.TABLE, s.PAGE, s.LINE, s.SOURCE_TEXT, s.CODE, s.NAME], keep="first", maintain_order=True)
        .select(
            pl.lit("line").alias(KIND),
            s.DEPARTMENT_ID,
            s.FISCAL_YEAR,
            s.PHASE,
            s.DOC_ID,
            s.PAGE,
            s.LINE,
            TEXT,
            SNIPPET,
            s.AMOUNT_YUAN,
            "_primary",
        )
    )


def _from_documents(
    ds: Dataset,
    kind: str,
    table: pl.DataFrame,
    *,
    fields: Sequence[str],
    words: Sequence[str],
    amount: pl.Expr,
    shown: Sequence[str] = (),
) -> pl.LazyFrame:
    """The rows of a table keyed by document (projects, statements, indicators) that match, with their phase."""
    phases = ds.documents.lazy().select(s.DOC_ID, s.PHASE)
    return (
        _matched(table.lazy(), _names(ds), fields, words, shown)
        .join(phases, on=s.DOC_ID, how="left")
        .select(
            pl.lit(kind).alias(KIND),
            s.DEPARTMENT_ID,
            s.FISCAL_YEAR,
            s.PHASE,
            s.DOC_ID,
            s.PAGE,
            s.LINE,
            TEXT,
            SNIPPET,
            amount.cast(s.MONEY).alias(s.AMOUNT_YUAN),
            "_primary",
        )
    )


def _flags(ds: Dataset, words: Sequence[str]) -> pl.LazyFrame:
    phases = ds.documents.lazy().select(s.DOC_ID, s.PHASE)
    evidence = pl.col(s.EVIDENCE).list.first()
    flags = ds.flags.lazy().with_columns(
        pl.coalesce(pl.col(s.DOC_ID), evidence.struct.field(s.DOC_ID)).alias(s.DOC_ID),
        evidence.struct.field(s.PAGE).alias(s.PAGE),
        evidence.struct.field(s.LINE).alias(s.LINE),
    )
    return (
        # A rule's id is found, never shown: the message stands for it.
        _matched(
            flags, _names(ds), [s.MESSAGE_ZH, s.MESSAGE_EN, s.SUBJECT, s.RULE_ID], words, [s.MESSAGE_ZH, s.SUBJECT]
        )
        .join(phases, on=s.DOC_ID, how="left")
        .select(
            pl.lit("flag").alias(KIND),
            s.DEPARTMENT_ID,
            s.FISCAL_YEAR,
            s.PHASE,
            s.DOC_ID,
            s.PAGE,
            s.LINE,
            TEXT,
            SNIPPET,
            # A finding's figure is an amount only when it is measured in 元.
            pl.when(pl.col(s.MEASURE) == "yuan").then(pl.col(s.OBSERVED)).cast(s.MONEY).alias(s.AMOUNT_YUAN),
            "_primary",
        )
    )


def search(ds: Dataset, query: str, *, kinds: Iterable[str] | None = None, limit: int = 200) -> pl.DataFrame:
    """Rows of the dataset that hold every word of ``query``: table lines, projects, statements, indicators, flags.

    Parameters
    ----------
    ds
        The dataset.
    query
        One or more words, separated by whitespace; case, full-width / half-width forms and spaces inside the
        searched text do not matter. A word may also be the department's name (or part of it) or the fiscal year.
        A query with no word finds nothing.
    kinds
        Which of ``KINDS`` to search (all when None): ``line`` (a table row's code and name, and the text it was
        read from), ``project`` (name, category, purpose, text), ``statement`` (subject and sentence),
        ``indicator`` (indicator, goal, levels, target, basis, text), ``flag`` (message in Chinese and English,
        subject, rule).
    limit
        The most rows returned.

    Returns
    -------
    pl.DataFrame
        Columns of ``SEARCH_SCHEMA``: ``kind``, the ``department_id`` and its latest name (``department_name``),
        ``fiscal_year``, ``phase``, where it was published (``doc_id, source_name, page, line``), the matched
        ``text`` (the first searched field holding a word, whitespace collapsed), a ``snippet`` of it around the
        first match, and ``amount_yuan`` (Decimal 元) where the row has one: a line's (its 合计 column where it
        prints one), a project's 本年预算, a statement's figure, a flag's observed figure when it is in 元. Matches
        in a row's name (a line's 科目, a project's name, a statement's subject, an indicator, a flag's message)
        come first, then the latest years; within those, kinds in the order of ``KINDS``.

    Raises
    ------
    QueryError
        A kind that is not one of ``KINDS``, or a ``limit`` below 1.

    Examples
    --------
    >>> import analytics
    >>> found = search(analytics.open_dataset(), "网络　保障 专项业务", kinds=["project"])
    >>> found.select("kind", "fiscal_year", "amount_yuan").row(0)
    ('project', 2023, Decimal('10622900.00'))
    >>> found.get_column("snippet").item(0)
    '用于群众投诉、网络保障等中心专项业务工作'
    >>> search(analytics.open_dataset(), "   ").height
    0
    """
    chosen = list(KINDS) if kinds is None else list(dict.fromkeys(kinds))
    unknown = [kind for kind in chosen if kind not in KINDS]
    if unknown:
        raise QueryError(
            f"unknown kind(s) {', '.join(map(repr, unknown))} to search; expected some of {', '.join(KINDS)}"
        )
    if limit < 1:
        raise QueryError(f"limit {limit} is below 1: a search returns at least one row")
    words = query_words(query)
    if not words or not chosen:
        return pl.DataFrame(schema=SEARCH_SCHEMA)
    parts = {
        "line": lambda: _lines(ds, words),
        "project": lambda: _from_documents(
            ds,
            "project",
            ds.projects,
            fields=[s.NAME, s.CATEGORY, s.PURPOSE, s.SOURCE_TEXT],
            words=words,
            amount=pl.col(s.YEAR_BUDGET_YUAN),
        ),
        "statement": lambda: _from_documents(
            ds,
            "statement",
            ds.statements,
            fields=[s.SUBJECT, s.SOURCE_TEXT, s.PARENT_SUBJECT],
            words=words,
            amount=pl.col(s.AMOUNT_YUAN),
            # The sentence says more than its subject (公务接待费): it is what a statement shows.
            shown=[s.SOURCE_TEXT, s.SUBJECT, s.PARENT_SUBJECT],
        ),
        "indicator": lambda: _from_documents(
            ds,
            "indicator",
            ds.indicators,
            fields=[s.LEVEL3, s.GOAL, s.LEVEL1, s.LEVEL2, s.TARGET_TEXT, s.BASIS, s.SOURCE_TEXT],
            words=words,
            amount=pl.lit(None, s.MONEY),
        ),
        "flag": lambda: _flags(ds, words),
    }
    kind_order = pl.col(KIND).replace_strict({kind: i for i, kind in enumerate(KINDS)}, return_dtype=pl.Int8)
    found = (
        pl.concat([parts[kind]() for kind in chosen], how="vertical_relaxed")
        .sort(
            [~pl.col("_primary"), s.FISCAL_YEAR, kind_order, s.DEPARTMENT_ID, s.DOC_ID, s.PAGE, s.LINE],
            descending=[False, True, False, False, False, False, False],
            nulls_last=True,
            maintain_order=True,
        )
        .head(limit)
        .join(
            latest_names(ds.departments).rename({s.NAME: DEPARTMENT_NAME}),
            on=s.DEPARTMENT_ID,
            how="left",
            maintain_order="left",
        )
        .join(ds.documents.lazy().select(s.DOC_ID, s.SOURCE_NAME), on=s.DOC_ID, how="left", maintain_order="left")
    )
    return found.select(SEARCH_SCHEMA.names()).cast(dict(SEARCH_SCHEMA)).collect()
