"""Evaluate the checks on defects injected into the real documents, at the reading layer (``make eval-checks``).

Usage: python scripts/eval_checks.py [--corpus DIR] [--sites N] [--seed S] [--workers W] [--defects A,B] [--json OUT]

1. Reads every disclosure of ``datasets/raw`` (or ``--corpus DIR``, searched recursively) and checks the dataset:
   the baseline flags (rule findings and reading findings). It does so twice, and prints whether both runs gave
   identical findings (determinism).
2. Re-reads each department's files unaltered through the same path as an injection (a control: no new flag may
   appear, or the measurement is not sound).
3. For each defect class and document, up to ``--sites`` sites (seeded), one defect per run: injects it into what
   the reader sees (``analytics.evaluation``), reads and checks again, and judges whether a new flag points at the
   altered disclosure: caught by a rule, by the reader only, or missed.
4. Prints the recall per class and every missed site (document, page, what was changed); ``--json OUT`` writes the
   same as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from multiprocessing import get_context
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analytics import schema as s  # noqa: E402
from analytics.checks import run_checks  # noqa: E402
from analytics.evaluation import (  # noqa: E402
    DEFECTS,
    Baseline,
    Outcome,
    Site,
    build_baseline,
    evaluate_site,
    find_sites,
    recall_table,
)
from analytics.ingest import read_batch  # noqa: E402

_SUFFIXES = (".pdf", ".txt")
_BASELINE: Baseline | None = None


def _defects(parser: argparse.ArgumentParser, given: str | None) -> list[str] | None:
    """The defect classes ``--defects`` names (all when not given); an unknown one is a usage error."""
    defects = given.split(",") if given else None
    unknown = sorted(set(defects or ()) - set(DEFECTS))
    if unknown:
        parser.error(f"unknown defect class(es) {', '.join(unknown)}; expected some of {', '.join(DEFECTS)}")
    return defects


def _init(baseline: Baseline) -> None:
    global _BASELINE  # noqa: PLW0603 - one baseline per worker process, sent once
    _BASELINE = baseline


def _run(task: tuple[Site | None, str]) -> Outcome:
    assert _BASELINE is not None
    site, name = task
    return evaluate_site(site, _BASELINE, source_name=name)


def _progress(results: Iterable[Outcome], total: int, label: str) -> Iterator[Outcome]:
    """A tqdm bar when tqdm is installed (it is not a dependency of the project), else a counter on stderr."""
    try:
        from tqdm import tqdm
    except ImportError:
        pass
    else:
        yield from tqdm(results, total=total, desc=label, file=sys.stderr)
        return
    started = time.perf_counter()
    for done, outcome in enumerate(results, start=1):
        elapsed = time.perf_counter() - started
        print(f"\r{label}: {done}/{total} ({elapsed:.0f} s)", end="", file=sys.stderr, flush=True)
        yield outcome
    print(file=sys.stderr)


def _map(tasks: list[tuple[Site | None, str]], baseline: Baseline, workers: int, label: str) -> list[Outcome]:
    if workers <= 1:
        _init(baseline)
        return list(_progress(map(_run, tasks), len(tasks), label))
    context = get_context("spawn")  # as read_batch: forking a process running Polars threads can deadlock
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init, initargs=(baseline,)) as pool:
        return list(_progress(pool.map(_run, tasks, chunksize=4), len(tasks), label))


def _read_and_check(paths: list[Path], workers: int) -> tuple[object, pl.DataFrame, list[str]]:
    batch = read_batch(paths, workers=workers)
    dataset = batch.merged()
    return dataset, run_checks(dataset), [str(e) for e in batch.errors]


def _comparable(flags: pl.DataFrame) -> pl.DataFrame:
    return flags.sort(s.FLAG_ID).with_columns(pl.col(pl.Decimal).cast(pl.String))


def _site_row(outcome: Outcome) -> dict[str, object]:
    site = outcome.site
    row = {k: v for k, v in asdict(site).items() if k not in ("before", "after", "key")}
    row["amount_yuan"] = None if site.amount_yuan is None else str(site.amount_yuan)
    return {
        **row,
        "what": site.describe(),
        "caught_by": outcome.caught_by,
        "located": outcome.located,
        "rules": list(outcome.rules),
        "note": outcome.note,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "datasets" / "raw", help="default: datasets/raw")
    parser.add_argument("--sites", type=int, default=2, help="sites per defect class and document (default 2)")
    parser.add_argument("--seed", type=int, default=20261213)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument(
        "--scope",
        choices=("department", "corpus"),
        default="department",
        help="check an altered file with its department's documents (default) or with the whole corpus",
    )
    parser.add_argument("--json", type=Path, default=None, help="write the results as JSON to this file")
    parser.add_argument(
        "--defects", default=None, help=f"comma-separated defect classes to inject (default all: {', '.join(DEFECTS)})"
    )
    args = parser.parse_args()
    started = time.perf_counter()

    paths = sorted(p for p in args.corpus.rglob("*") if p.suffix.lower() in _SUFFIXES and p.is_file())
    dataset, flags, errors = _read_and_check(paths, args.workers)
    _, again, _ = _read_and_check(paths, args.workers)
    identical = _comparable(flags).equals(_comparable(again))
    read_names = set(dataset.documents.get_column(s.SOURCE_NAME).to_list())
    paths = [p for p in paths if p.name in read_names]
    baseline = build_baseline(dataset, paths, flags, scope=args.scope)
    print(f"# eval-checks\n\ncorpus: {args.corpus} — {len(paths)} files read, {len(errors)} refused")
    for error in errors:
        print(f"  refused (not evaluated): {error}")
    print(f"baseline: {flags.height} flags ({(flags.get_column(s.SOURCE) == 'reader').sum()} from the reader)")
    print(f"determinism: findings of two clean runs {'IDENTICAL' if identical else 'DIFFER'} ({again.height} flags)")

    groups = sorted({baseline.partners[p.name] for p in paths})
    controls = _map([(None, group[0]) for group in groups], baseline, args.workers, "controls")
    unsound = [c for c in controls if c.caught_by is not None]
    print(f"controls: {len(controls)} unaltered re-reads, {len(unsound)} with new flags (must be 0)")
    for control in unsound:
        print(f"  control {control.site.source_name}: {', '.join(control.rules)} {control.note}")

    defects = _defects(parser, args.defects)
    sites = [site for p in paths for site in find_sites(p, dataset, count=args.sites, seed=args.seed, defects=defects)]
    outcomes = _map([(site, site.source_name) for site in sites], baseline, args.workers, "sites")
    table = recall_table(outcomes)
    elapsed = time.perf_counter() - started

    print(f"\n{len(sites)} sites, ≤ {args.sites} per class and document, seed {args.seed}, scope {args.scope}\n")
    print("| defect | 类别 | injected | by rule | by reader only | missed | recall % | located |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for row in table.iter_rows(named=True):
        recall = "—" if row["recall_pct"] is None else f"{row['recall_pct']:.1f}"
        print(
            f"| {row['defect']} | {row['label']} | {row['injected']} | {row['by_rule']} | {row['by_reader_only']} "
            f"| {row['missed']} | {recall} | {row['located']} |"
        )
    missed = [o for o in outcomes if o.caught_by is None]
    print(f"\n## missed sites ({len(missed)})\n")
    for defect in DEFECTS:
        these = [o for o in missed if o.site.defect == defect]
        if these:
            print(f"### {defect} ({DEFECTS[defect][0]}): {len(these)}")
            for o in these:
                place = f"p.{o.site.page}" if o.site.page is not None else f"line {o.site.line}"
                note = f" — {o.note}" if o.note else ""
                print(f"- {o.site.source_name} {place}: {o.site.describe()}{note}")
    print(f"\nruntime: {elapsed:.0f} s with {args.workers} worker(s)")

    if args.json:
        report = {
            "corpus": str(args.corpus),
            "seed": args.seed,
            "sites_per_class": args.sites,
            "workers": args.workers,
            "scope": args.scope,
            "runtime_s": round(elapsed, 1),
            "refused": errors,
            "baseline_flags": flags.height,
            "determinism_identical": identical,
            "controls": [_site_row(c) for c in controls],
            "classes": table.to_dicts(),
            "sites": [_site_row(o) for o in outcomes],
            "missed": [_site_row(o) for o in missed],
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"JSON: {args.json}")
    return 0 if identical and not unsound else 1


if __name__ == "__main__":
    raise SystemExit(main())
