"""The reading report of a dataset as a Markdown table (the figures the README quotes).

Usage::

    python scripts/reading_figures.py [DATASET]

One row per disclosure: the standard tables its phase and scope require that were found, tables that could not be
read, the figures read, the share the forms' identities or a second table confirm, and the reader's doubts.
"""

from __future__ import annotations

import sys

from analytics import open_dataset
from analytics.reading import reading_report


def main(argv: list[str]) -> int:
    ds = open_dataset(argv[0] if argv else None)
    report = reading_report(ds)
    print("| disclosure | tables found / expected | unreadable | figures | verified | contradicted | doubts |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    totals = [0, 0, 0, 0, 0, 0]
    for row in report.iter_rows(named=True):
        sources = " + ".join(name.rsplit(".", 1)[0] for name in row["sources"])
        share = f"{row['share_verified']:.1%}" if row["share_verified"] is not None else "—"
        print(
            f"| {sources} | {row['tables_found']} / {row['tables_expected']} | {len(row['tables_unreadable'])} "
            f"| {row['figures']:,} | {share} | {row['figures_contradicted']} | {row['reading_findings']} |"
        )
        for index, value in enumerate(
            (row["tables_found"], row["tables_expected"], row["figures"], row["figures_verified"],
             row["figures_contradicted"], row["reading_findings"])
        ):  # fmt: skip
            totals[index] += value
    found, expected, figures, verified, contradicted, doubts = totals
    share = f"{verified / figures:.1%}" if figures else "—"
    print(
        f"| **{report.height} disclosures** | {found} / {expected} | | {figures:,} | {share} | {contradicted} "
        f"| {doubts} |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
