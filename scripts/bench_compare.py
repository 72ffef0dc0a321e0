"""Benchmark: every comparison over the default dataset and over a 1,000,000-line dataset made from it.

Usage: python scripts/bench_compare.py [--lines N] [--repeat N]

The large dataset is made by ``make_large_dataset``: it copies the real ``lines`` into synthetic departments
(``合成部门0001`` …; each gets every real line once, shuffled, with the real documents' years) and scales every
amount by a random whole percentage (50 %–150 %, exact in Decimal), so the shapes of real tables are kept and the
figures vary.
Targets (issue 5): the default dataset in under 200 ms, a million lines in under 5 s. In the same run, the
obvious alternative for one step — yearly totals as a Python loop over the rows — is timed for a ratio.
"""

from __future__ import annotations

import argparse
import platform
import time
from collections import defaultdict
from decimal import Decimal

import numpy as np
import polars as pl
from _timing import best  # scripts/ is on sys.path when a script runs

import analytics
from analytics import compare
from analytics import schema as s
from analytics.compare import _columns as c
from analytics.store import Dataset


def make_large_dataset(ds: Dataset, n_lines: int, *, seed: int = 7) -> Dataset:
    """A dataset of about ``n_lines`` lines resampled from ``ds`` into synthetic departments (see module doc)."""
    rng = np.random.default_rng(seed)
    per_department = max(ds.lines.height, 1)
    n_departments = max(-(-n_lines // per_department), 1)
    # Each synthetic department gets every real line once, in a shuffled order: keys stay unique.
    picks = np.concatenate([rng.permutation(per_department) for _ in range(n_departments)])
    departments = np.repeat(np.arange(n_departments), per_department)
    factors = rng.integers(50, 151, size=picks.size)
    lines = (
        ds.lines[picks]
        .with_columns(
            pl.Series("_dept", departments),
            pl.Series("_factor", factors),
        )
        .with_columns(
            ("合成部门" + pl.col("_dept").cast(pl.String).str.zfill(4)).alias(s.DEPARTMENT_ID),
            (pl.col(s.DOC_ID) + "-" + pl.col("_dept").cast(pl.String)).alias(s.DOC_ID),
            (pl.col(s.AMOUNT_YUAN) * pl.col("_factor").cast(pl.Decimal(18, 0)) / 100)
            .round(2)
            .cast(s.MONEY)
            .alias(s.AMOUNT_YUAN),
            pl.int_range(pl.len()).cast(pl.Int32).alias(s.LINE),
        )
        .drop("_dept", "_factor")
    )
    documents = (
        lines.select(s.DOC_ID, s.DEPARTMENT_ID)
        .unique()
        .with_columns(pl.col(s.DOC_ID).str.split("-").list.first().alias("_original"))
        .join(ds.documents.drop(s.DEPARTMENT_ID), left_on="_original", right_on=s.DOC_ID, how="inner")
        .with_columns(pl.col(s.DOC_ID).alias(s.DISCLOSURE_ID), pl.col(s.DEPARTMENT_ID).alias(s.DEPARTMENT))
        .drop("_original")
    )
    departments = (
        documents.select(s.DEPARTMENT_ID, s.FISCAL_YEAR, s.DOC_ID)
        .unique([s.DEPARTMENT_ID, s.FISCAL_YEAR])
        .with_columns(
            pl.col(s.DEPARTMENT_ID).alias(s.NAME),
            pl.lit("合成区").alias(s.REGION),
            (pl.col(s.DEPARTMENT_ID).str.slice(-2).cast(pl.Int32) + 10).alias(s.STAFF_AUTHORIZED),
            (pl.col(s.DEPARTMENT_ID).str.slice(-2).cast(pl.Int32) + 8).alias(s.STAFF_ACTUAL),
        )
    )
    frames = {
        s.LINES: lines.unique([c for c in s.TABLES[s.LINES].key], keep="first"),
        s.DOCUMENTS: documents.select(list(s.TABLES[s.DOCUMENTS].columns)),
        s.DEPARTMENTS: departments.select(
            *[
                pl.col(k) if k in departments.columns else pl.lit(None, t).alias(k)
                for k, t in s.TABLES[s.DEPARTMENTS].columns.items()
            ]
        ),
    }
    return Dataset.from_tables(frames)


def all_comparisons(ds: Dataset) -> None:
    m = compare.measures(ds)
    compare.trends(m)
    for dimension in compare.DIMENSIONS:
        frame = compare.structure(ds, dimension)  # type: ignore[arg-type]
    compare.composition_shift(frame, 2023, 2024)
    compare.per_staff(ds, measures_frame=m)
    compare.peer_stats(
        m.with_columns(pl.col(s.AMOUNT_YUAN).cast(pl.Float64).alias(c.VALUE)), compare.peer_groups(ds, "region")
    )
    compare.execution_rates(ds)
    first = m.get_column(s.DEPARTMENT_ID).first()
    if first is not None:
        compare.decompose_change(ds, first, 2023, 2024, "function")


def totals_loop(ds: Dataset) -> dict[tuple[str, int, str], Decimal]:
    """The obvious alternative for one step: the 收支总表 totals per department and year, row by row."""
    best: dict[tuple[str, int, str], tuple[int, Decimal]] = {}
    sums: dict[tuple[str, int, str], Decimal] = defaultdict(Decimal)
    for row in ds.lines.iter_rows(named=True):
        if row[s.CLASSIFICATION] == "total" and row[s.COLUMN] == "total":
            key = (row[s.DEPARTMENT_ID], row[s.FISCAL_YEAR], row[s.SIDE])
            rank = 0 if row[s.AS_OF_YEAR] == row[s.FISCAL_YEAR] else 1
            if key not in best or rank < best[key][0]:
                best[key] = (rank, row[s.AMOUNT_YUAN])
    for key, (_, amount) in best.items():
        sums[key] = amount
    return dict(sums)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ds = analytics.open_dataset()
    print(f"# bench-compare\n\nPython {platform.python_version()}, polars {pl.__version__}, {platform.machine()}")
    all_comparisons(ds)  # warm-up
    small = best(args.repeat, lambda: all_comparisons(ds))
    polars_totals = best(args.repeat, lambda: compare.yearly_totals(ds.lines))
    loop_totals = best(args.repeat, lambda: totals_loop(ds))
    started = time.perf_counter()
    large = make_large_dataset(ds, args.lines)
    made = time.perf_counter() - started
    big = best(args.repeat, lambda: all_comparisons(large))
    big_totals = best(args.repeat, lambda: compare.yearly_totals(large.lines))
    big_loop = best(1, lambda: totals_loop(large))
    print(
        f"\nbest of {args.repeat} runs; the large dataset ({large.lines.height:,} lines, "
        f"{large.documents.height:,} documents) took {made:.1f} s to make\n"
    )
    print("| what | lines | seconds | target / ratio |\n|---|---:|---:|---|")
    print(
        f"| every comparison, default dataset | {ds.lines.height:,} | {small:.3f} | < 0.2 s: "
        f"{'met' if small < 0.2 else 'NOT met'} |"
    )
    print(
        f"| every comparison, resampled dataset | {large.lines.height:,} | {big:.2f} | < 5 s: "
        f"{'met' if big < 5 else 'NOT met'} |"
    )
    print(
        f"| yearly totals (Polars), default | {ds.lines.height:,} | {polars_totals:.4f} | "
        f"{loop_totals / polars_totals:.1f}× faster than a Python row loop ({loop_totals:.4f} s) |"
    )
    print(
        f"| yearly totals (Polars), resampled | {large.lines.height:,} | {big_totals:.3f} | "
        f"{big_loop / big_totals:.1f}× faster than a Python row loop ({big_loop:.2f} s) |"
    )


if __name__ == "__main__":
    main()
