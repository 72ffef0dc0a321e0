"""Check: the Fiscal Data Package's leaf rows add up to the totals the documents print.

Usage: python scripts/check_fdp_totals.py [--dataset DIR]

For every document, table and printed column that has a total row of the document's own year, sums the package's
``value`` over its rows and compares the sum with the printed total. Prints how many agree to the cent and the
largest difference (a table printed in 万元 rounds each row, so its rows may miss the total by a few hundred 元).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import polars as pl

from analytics import schema as s
from analytics.report.datapackage import budget_lines
from analytics.store import open_dataset


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=None, help="dataset directory (default: the shipped one)")
    ds = open_dataset(parser.parse_args().dataset)
    rows = budget_lines(ds)
    sums = rows.group_by("doc_id", "table", "value_kind").agg(pl.col("value").sum())
    printed = (
        ds.lines.filter((pl.col(s.CLASSIFICATION) == "total") & (pl.col(s.AS_OF_YEAR) == pl.col(s.FISCAL_YEAR)))
        .select(s.DOC_ID, s.TABLE, pl.col(s.COLUMN).alias("value_kind"), pl.col(s.AMOUNT_YUAN).alias("printed"))
        .unique()
    )
    both = sums.join(printed, on=[s.DOC_ID, s.TABLE, "value_kind"]).with_columns(
        (pl.col("value") - pl.col("printed")).abs().alias("difference")
    )
    equal = both.filter(pl.col("difference") == 0).height
    print(f"{rows.height} package rows; {both.height} printed totals; {equal} equal to the cent; ", end="")
    print(f"largest difference {both.get_column('difference').max()} 元")


if __name__ == "__main__":
    main()
