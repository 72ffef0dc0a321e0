"""Benchmark: every check over the default dataset, and one rule against a plain-Python row loop.

Usage: python scripts/bench_checks.py [--repeat N] [--dataset DIR]

Prints the time of ``run_checks`` over the whole dataset (target: under 1 second), and, in the same run, the time
of the ``table.parent_sum`` rule against the obvious alternative, a Python loop over the rows building dicts (the
ratio is what to read: the machines are shared and noisy). Both give the same findings, which is checked.
"""

from __future__ import annotations

import argparse
import platform
from collections import defaultdict
from decimal import Decimal

import polars as pl
from _timing import best  # scripts/ is on sys.path when a script runs

import analytics
from analytics import schema as s
from analytics.checks import load_settings, run_checks


def parent_sum_loop(ds: analytics.Dataset) -> set[tuple[str, str, str, str]]:
    """The row-by-row way: dicts of children per parent, then compare (tolerance: one 万元 step per figure). As
    the rule, it keeps each basis of a 决算 apart and leaves a sum the reader already doubts to the reader."""
    children: dict[tuple[object, ...], list[Decimal]] = defaultdict(list)
    coded = {}
    doubted = set()
    for row in ds.lines.iter_rows(named=True):
        if row[s.CODE] is None:
            continue
        group = (row[s.DOC_ID], row[s.TABLE], row[s.SIDE], row[s.COLUMN], row[s.AMOUNT_BASIS], row[s.FISCAL_YEAR])
        coded[(*group, row[s.CODE])] = row[s.AMOUNT_YUAN]
        contradicted = row[s.VERIFICATION] == "contradicted"
        if contradicted:
            doubted.add((*group, row[s.CODE]))
        if row[s.PARENT_CODE] is not None:
            children[(*group, row[s.PARENT_CODE])].append(row[s.AMOUNT_YUAN])
            if contradicted:
                doubted.add((*group, row[s.PARENT_CODE]))
    failed = set()
    for key, parts in children.items():
        if key in doubted or key not in coded:
            continue
        if abs(coded[key] - sum(parts)) > Decimal(100) * (len(parts) + 1):
            failed.add((str(key[0]), str(key[1]), str(key[3]), str(key[6])))
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dataset", default=None)
    args = parser.parse_args()
    ds = analytics.open_dataset(args.dataset)
    settings = load_settings({"tolerance": {"yuan_per_figure_yuan": 100}})  # same tolerance as the loop
    print(f"# bench-checks\n\nPython {platform.python_version()}, polars {pl.__version__}, {platform.machine()}")
    print(f"dataset: {ds.documents.height} documents, {ds.lines.height} lines, {ds.statements.height} statements")
    run_checks(ds)  # warm-up: imports and the rule catalog
    everything = best(args.repeat, lambda: run_checks(ds))
    flags = run_checks(ds)
    ours = best(args.repeat, lambda: run_checks(ds, settings, rules=["table.parent_sum"]))
    loop = best(args.repeat, lambda: parent_sum_loop(ds))
    same = len(run_checks(ds, settings, rules=["table.parent_sum"])) == len(parent_sum_loop(ds))
    print(f"\nbest of {args.repeat} runs\n")
    print("| what | seconds | note |\n|---|---:|---|")
    print(
        f"| all {flags.get_column(s.RULE_ID).n_unique()} firing rules of {len(analytics.checks.RULES)}, whole dataset "
        f"| {everything:.3f} | {flags.height} flags; target < 1 s: {'met' if everything < 1 else 'NOT met'} |"
    )
    print(f"| table.parent_sum (Polars) | {ours:.4f} | |")
    print(f"| table.parent_sum as a Python row loop | {loop:.4f} | ratio {loop / ours:.1f}×, same findings: {same} |")


if __name__ == "__main__":
    main()
