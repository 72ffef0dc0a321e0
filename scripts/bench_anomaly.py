"""Benchmark: fitting every anomaly detector on the default dataset, and the line pairing against a Python loop.

Usage: python scripts/bench_anomaly.py [--repeat N] [--dataset DIR]

Prints the time of ``flag_anomalies`` (features, median polish, every detector fitted and scored, flags built;
target: under 2 seconds) and of each detector's fit on its own, and, in the same run, the pairing of each line
with the year before (``line_growth``, Polars) against the obvious alternative, a Python loop over the rows with a
dict (the ratio is what to read: the machines are shared and noisy). Both find the same pairs, which is checked.
"""

from __future__ import annotations

import argparse
import math
import platform

import numpy as np
import polars as pl
import sklearn
from _timing import best  # scripts/ is on sys.path when a script runs

import analytics
from analytics import schema as s
from analytics.anomaly import (
    DedupLocalOutlierFactor,
    IQRFences,
    IsolationForest,
    RobustZScore,
    flag_anomalies,
    line_growth,
    load_anomaly_settings,
    profiles,
    score_line_growth,
)


def pairs_loop(ds: analytics.Dataset) -> set[tuple[object, ...]]:
    """The row-by-row way: a dict of last year's coded budget lines, then look each line up."""
    own: dict[tuple[object, ...], object] = {}
    for row in ds.lines.iter_rows(named=True):
        if (
            row[s.PHASE] == "budget"
            and row[s.FISCAL_YEAR] == row[s.AS_OF_YEAR]
            and row[s.CODE] is not None
            and row[s.CLASSIFICATION] in ("function", "economic", "source", "project")
            and row[s.AMOUNT_YUAN] > 0
        ):
            key = (row[s.DEPARTMENT_ID], row[s.TABLE], row[s.CLASSIFICATION], row[s.CODE], row[s.COLUMN])
            own[(*key, row[s.FISCAL_YEAR])] = row[s.AMOUNT_YUAN]
    found = set()
    for (*key, year), amount in own.items():
        before = own.get((*key, year - 1))
        if before is not None:
            found.add((key[0], year, key[2], key[3], key[4], amount, before, math.log(amount / before)))
    return {item[:7] for item in found}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dataset", default=None)
    args = parser.parse_args()
    ds = analytics.open_dataset(args.dataset)
    print(f"# bench-anomaly\n\nPython {platform.python_version()}, polars {pl.__version__}, "
          f"scikit-learn {sklearn.__version__}, {platform.machine()}")  # fmt: skip
    print(f"dataset: {ds.documents.height} documents, {ds.lines.height} lines")
    flag_anomalies(ds)  # warm-up: imports
    everything = best(args.repeat, lambda: flag_anomalies(ds))
    flags = flag_anomalies(ds)
    print(f"flag_anomalies (all detectors, flags built): {everything:.3f} s (target < 2 s), {flags.height} flags")

    settings = load_anomaly_settings()
    growth = line_growth(ds, min_amount_yuan=settings["line_growth"]["min_amount_yuan"])
    x = np.column_stack(
        [profiles(ds).get_column(f).fill_null(0.0).to_numpy() for f in ("project_share", "personnel_share")]
    )
    fits = {
        "robust_z (line groups, median polish)": lambda: score_line_growth(growth, settings["line_growth"]),
        "iqr (line groups, median polish)": lambda: score_line_growth(growth, settings["line_growth"], "iqr"),
        "RobustZScore on profiles": lambda: RobustZScore().fit(x),
        "IQRFences on profiles": lambda: IQRFences().fit(x),
        "IsolationForest (200 trees) on profiles": lambda: IsolationForest(n_estimators=200, random_state=0).fit(x),
        "DedupLocalOutlierFactor on profiles": lambda: DedupLocalOutlierFactor(n_neighbors=10).fit(x),
    }
    for name, work in fits.items():
        print(f"  {name}: {best(args.repeat, work) * 1000:.1f} ms")

    ours = best(args.repeat, lambda: line_growth(ds))
    loop = best(args.repeat, lambda: pairs_loop(ds))
    polars_pairs = {
        (r[s.DEPARTMENT_ID], r[s.FISCAL_YEAR], r[s.CLASSIFICATION], r[s.CODE], r[s.COLUMN], r[s.AMOUNT_YUAN],
         r["previous_yuan"])
        for r in line_growth(ds).iter_rows(named=True)
    }  # fmt: skip
    same = polars_pairs == pairs_loop(ds)
    print(
        f"line pairing: Polars {ours * 1000:.1f} ms vs Python loop {loop * 1000:.1f} ms "
        f"= {loop / ours:.1f}x; same pairs: {same}"
    )


if __name__ == "__main__":
    main()
