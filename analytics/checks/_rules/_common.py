"""What several rules share: units and tolerances per figure, 万元 formatting for messages."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from analytics import labels
from analytics import schema as s
from analytics.checks._engine import Settings
from analytics.store import Dataset
from analytics.units import format_wan

__all__ = ["line_evidence", "lines_with_step", "pct", "wan", "wan_en", "yuan_step"]


def yuan_step(settings: Settings) -> dict[str, Decimal]:
    """Rounding step of one printed figure, in 元, by the unit it is printed in."""
    wan = settings.decimal("tolerance", "wan_per_figure_yuan")
    yuan = settings.decimal("tolerance", "yuan_per_figure_yuan")
    return {"万元": wan, "亿元": wan * 10_000, "元": yuan}


def lines_with_step(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """``lines`` with ``step``: the rounding step (元) of each figure, from its table's printed unit.

    A table's own unit (``document_tables``) wins over the document's; a figure whose unit is unknown gets the
    larger 万元 step, so that no rounding is ever taken for an error.
    """
    steps = yuan_step(settings)
    step_of = pl.col("_unit").replace_strict(steps, default=steps["万元"], return_dtype=s.MONEY)
    table_units = ds.document_tables.select(s.DOC_ID, s.TABLE, pl.col(s.UNIT_PRINTED).alias("_table_unit")).unique(
        [s.DOC_ID, s.TABLE], keep="first"
    )
    document_units = ds.documents.select(s.DOC_ID, pl.col(s.UNIT_PRINTED).alias("_doc_unit"))
    return (
        ds.lines.join(table_units, on=[s.DOC_ID, s.TABLE], how="left")
        .join(document_units, on=s.DOC_ID, how="left")
        .with_columns(pl.coalesce("_table_unit", "_doc_unit").alias("_unit"))
        .with_columns(step_of.alias("step"))
        .drop("_table_unit", "_doc_unit", "_unit")
    )


def table_name(table: str, *, lang: str = "zh") -> str:
    """A standard table's name for a message (收入总表, or "Income" in English; ``analytics.labels``); an unknown
    key as it is."""
    return labels.labels("table", lang=lang).get(table, table)


def wan(amount: object) -> str:
    """An amount in 元 as '1,234.56 万元' for a message."""
    return format_wan(amount if isinstance(amount, Decimal) else Decimal(str(amount)))


def wan_en(amount: object) -> str:
    """An amount in 元 as '1,234.56 × 10k yuan' for an English message (no Chinese unit in English text)."""
    return format_wan(amount if isinstance(amount, Decimal) else Decimal(str(amount)), lang="en")


def pct(value: object) -> str:
    """A percentage for a message, two decimals."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return f"{number.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def line_evidence(
    row: dict[str, object], suffix: str = "", *, page: str = s.PAGE, part: str | None = None
) -> dict[str, object]:
    """One evidence item from a named row of ``lines`` (columns may carry ``suffix``, e.g. ``_original`` of a join),
    or of another table with provenance (``statements``, ``indicators``, ``projects``) labelled ``part``."""
    return {
        s.DOC_ID: row[f"{s.DOC_ID}{suffix}"],
        "table_or_part": row[s.TABLE] if part is None else part,
        s.PAGE: row[f"{page}{suffix}"],
        s.LINE: row.get(f"{s.LINE}{suffix}"),
        s.SOURCE_TEXT: row[f"{s.SOURCE_TEXT}{suffix}"],
    }
