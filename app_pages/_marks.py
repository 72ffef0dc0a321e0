"""The marks beside a shown figure: a reading in doubt (⚠ 读数存疑, with what fails), a figure only the narrative
states (据文字说明) and one the form's identities determine (按勾稽关系推算). Every figure the app shows either is
the one a table prints, or carries one of these (``analytics.compare.measures``: ``stated_in``, ``verification``,
``verified_by``)."""

from __future__ import annotations

import polars as pl
import streamlit as st

import analytics
from analytics import schema as s
from analytics.compare import _columns as c
from app_pages._i18n import t, table_labels

#: Where a figure was stated → the key of its mark (a table's figure has none).
_ORIGIN_MARKS = {"narrative": "mark_narrative", "derived": "mark_derived"}


def readable(verified_by: pl.Expr) -> pl.Expr:
    """``verified_by`` with the tables it names (“另表同数：expenditure_summary、…”) by their names, never a key."""
    labels = table_labels()
    # The longest first: ``expenditure_summary`` is part of ``income_expenditure_summary``.
    keys = sorted(labels, key=len, reverse=True)
    return verified_by.str.replace_many(keys, [labels[key] for key in keys], leftmost=True)


def wan_text(column: str) -> pl.Expr:
    """A Decimal 元 column as 万元 text the way the documents print it (“9,859.38”), a dash where no document states
    the figure (a number column would show “None”)."""
    wan = analytics.wan_yuan(column).cast(pl.Decimal(20, 2)).cast(pl.String)
    sign, whole, cents = (wan.str.extract(r"^(-?)(\d+)(\.\d+)?$", group) for group in (1, 2, 3))
    # Thousands separators from the right: reverse the digits, a comma after every three, reverse back.
    grouped = whole.str.reverse().str.replace_all(r"(\d{3})", "${1},").str.strip_chars_end(",").str.reverse()
    return pl.concat_str(sign, grouped, cents.fill_null("")).fill_null(t("none"))


def mark(stated_in: str | None = c.STATED_IN, verification: str = s.VERIFICATION) -> pl.Expr:
    """The mark of each figure: “⚠ 读数存疑” where its reading is contradicted, then where it came from when not
    a table (“（据文字说明）”, “（按勾稽关系推算）”); empty for a table's figure nothing contradicts."""
    doubt = pl.when(pl.col(verification) == "contradicted").then(pl.lit(t("doubt_mark"))).otherwise(pl.lit(""))
    if stated_in is None:
        return doubt
    origin = pl.col(stated_in).replace_strict(
        {stated: t(key) for stated, key in _ORIGIN_MARKS.items()}, default=pl.lit(""), return_dtype=pl.String
    )
    return pl.concat_str([doubt, origin], separator=" ").str.strip_chars()


def mark_columns(
    frame: pl.DataFrame,
    *,
    stated_in: str | None = c.STATED_IN,
    verification: str = s.VERIFICATION,
    verified_by: str = s.VERIFIED_BY,
) -> list[pl.Expr]:
    """The columns that mark ``frame``'s figures: 读数 where any is marked, and 核实依据 (what fails) where any is
    contradicted; none for figures that are all a table's and undoubted."""
    marks = frame.select(mark(stated_in, verification).alias("_mark")).get_column("_mark")
    columns: list[pl.Expr] = []
    if (marks != "").any():
        columns.append(mark(stated_in, verification).alias(t("col_reading")))
    if (frame.get_column(verification) == "contradicted").any():
        why = pl.when(pl.col(verification) == "contradicted").then(readable(pl.col(verified_by)))
        columns.append(why.fill_null("").alias(t("col_verified_by")))
    return columns


def mark_config() -> dict:
    """``column_config`` of the columns of ``mark_columns``: what the marks mean, on the header."""
    return {
        t("col_reading"): st.column_config.TextColumn(width=150, help=t("marks_help")),
        t("col_verified_by"): st.column_config.TextColumn(width="medium", help=t("doubt_caption")),
    }


def mark_captions(
    frame: pl.DataFrame, *, stated_in: str | None = c.STATED_IN, verification: str = s.VERIFICATION
) -> None:
    """Below a table: what its marks mean, for the marks it has."""
    if (frame.get_column(verification) == "contradicted").any():
        st.caption(t("doubt_caption"))
    if stated_in is None:
        return
    stated = set(frame.get_column(stated_in).drop_nulls().to_list())
    for origin in _ORIGIN_MARKS:
        if origin in stated:
            st.caption(t(f"{origin}_caption"))
