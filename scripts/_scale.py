"""A dataset made k times larger, for measuring how the checks and the models grow with the data.

``replicate(ds, copies)`` returns ``copies`` copies of every department of ``ds`` in one dataset. Copy 0 is ``ds``
itself; copy ``i`` (``i >= 1``) has every per-document and per-department key suffixed ``#i`` (``doc_id``,
``department_id``, ``disclosure_id``, ``flag_id``, the ``doc_id`` of each flag's evidence, the department's name,
the document's source name and hash). ``replicate(ds, 1)`` equals ``ds``.

Money: by default a copy keeps the original's amounts, so that every rule finds in each copy exactly what it finds
in ``ds`` (the findings of ``run_checks`` grow exactly ``copies``-fold). With ``scaled=True`` every amount in 元 of
copy ``i`` is multiplied by ``i + 1``, an exact integer factor in Decimal: every sum, share and change holds as in
the original and no two copies print the same figures, but a rounding difference the checks tolerate (one printed
step per figure, an absolute amount) grows by the factor too and may pass the tolerance, so the counts are no
longer exact multiples (on the default dataset at 10 copies: 1,306 findings instead of 890).

The anomaly models compare departments with their peers, so their findings do not grow ``copies``-fold under
either choice: copies are new peers (a group too small to score in ``ds`` is scored in a copy; unscaled copies
repeat each amount in every copy, which ``anomaly.repeated_amount`` reports).

What a copy does not change: source texts (they still print the original figures), pages, lines, years, regions,
percentages and the figures of stored flags (flags are findings, not input of the checks).

Usage, from a script in ``scripts/`` (on ``sys.path`` when a script runs)::

    from _scale import replicate
    big = replicate(analytics.open_dataset(), 100)
"""

from __future__ import annotations

import polars as pl

from analytics import schema as s
from analytics.store import Dataset

__all__ = ["KEYS", "MONEY", "replicate"]

#: Columns whose values name one document, disclosure, department or flag: suffixed in each copy.
KEYS = (s.DOC_ID, s.DEPARTMENT_ID, s.DISCLOSURE_ID, s.FLAG_ID)
#: Columns of names that identify a department or a source file: suffixed too (two departments of one name would
#: be one department to a rule that matches by name).
_NAMES = {
    s.DEPARTMENTS: (s.NAME,),
    s.DOCUMENTS: (s.DEPARTMENT, s.SOURCE_NAME, s.SOURCE_SHA256),
    "fact_rows": (s.NAME,),
}
#: Amounts in 元 (Decimal): multiplied by the copy's factor. Flags keep their figures.
MONEY = (s.AMOUNT_YUAN, s.STATED_CHANGE_YUAN, s.TOTAL_BUDGET_YUAN, s.YEAR_BUDGET_YUAN)


def _suffixed(column: str, suffix: str) -> pl.Expr:
    return pl.col(column) + pl.lit(suffix)


def _copy(name: str, frame: pl.DataFrame, copy: int, *, scaled: bool) -> pl.DataFrame:
    """Copy ``copy`` (>= 1) of one table ``name`` of the dataset."""
    suffix = f"#{copy}"
    columns = set(frame.columns)
    changes = [_suffixed(c, suffix) for c in (*KEYS, *_NAMES.get(name, ())) if c in columns]
    if scaled and name != s.FLAGS:
        # Decimal times an integer stays exact, with the column's own precision and scale.
        changes += [(pl.col(c) * (copy + 1)).cast(frame.schema[c]) for c in MONEY if c in columns]
    if s.EVIDENCE in columns:
        changes.append(
            pl.col(s.EVIDENCE).list.eval(pl.element().struct.with_fields(pl.field(s.DOC_ID) + pl.lit(suffix)))
        )
    return frame.with_columns(changes)


def replicate(ds: Dataset, copies: int, *, scaled: bool = False) -> Dataset:
    """``copies`` copies of every department of ``ds`` (see the module's docstring), as one dataset.

    Parameters
    ----------
    ds
        The dataset to copy (not changed).
    copies
        How many copies, at least 1; copy 0 is ``ds`` as it is.
    scaled
        Multiply the amounts of copy ``i`` by ``i + 1`` (default: copies keep the original amounts).

    Examples
    --------
    >>> import analytics
    >>> ds = analytics.open_dataset()
    >>> replicate(ds, 3).documents.height == 3 * ds.documents.height
    True
    """
    if copies < 1:
        raise ValueError(f"copies must be at least 1, got {copies}")
    tables = {
        name: pl.concat([frame, *(_copy(name, frame, i, scaled=scaled) for i in range(1, copies))], how="vertical")
        for name, frame in ds.tables.items()
    }
    facts = ds.fact_rows
    if facts is not None:
        facts = pl.concat(
            [facts, *(_copy("fact_rows", facts, i, scaled=scaled) for i in range(1, copies))], how="vertical"
        )
    return Dataset(**tables, fact_rows=facts)
