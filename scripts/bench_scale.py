"""Benchmark: how each step's cost grows with the data, from the default dataset to a thousand times it.

Usage::

    python scripts/bench_scale.py [--sizes 1 10 100 1000] [--repeat 3]

Each size k is the default dataset with k copies of every department (``scripts/_scale.replicate``: keys suffixed
by the copy, each copy's money scaled by one whole factor, so every published identity stays true and the findings
grow exactly k-fold), saved to a temporary dataset. Every step runs in a fresh interpreter per size and round (its
peak RSS is its own; the best round's seconds count), twice inside it: the second, warm run is timed:

- ``open``: ``open_dataset``;
- ``checks``: ``analytics.checks.run_checks`` on the opened dataset;
- ``anomaly``: the anomaly models' flags (``analytics.anomaly.with_anomaly_flags``) on the checked dataset;
- ``compare``: every comparison (as ``scripts/bench_compare.py``);
- ``add one``: ``analytics ingest`` of one new disclosure into a copy of the dataset (reading, merging, the
  rules on its department, the anomaly models, the save: what a user waits for).

The growth exponent between two sizes is log(t₂/t₁) / log(k₂/k₁): 1 is linear.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = ("open", "checks", "anomaly", "compare", "add one")


def _new_document(folder: Path) -> Path:
    """The disclosure ``add one`` ingests: a synthetic department of another region, so that it adds a document."""
    sys.path.insert(0, str(ROOT))
    from tests.synthetic import SyntheticDisclosure

    path = folder / "gulou_archives_2026.txt"
    path.write_text(SyntheticDisclosure(region="南京市鼓楼区", short_name="鼓楼区档案馆").text(), encoding="utf-8")
    return path


def _child(step: str, dataset: Path) -> dict[str, float]:
    """Run one step on ``dataset`` in this (fresh) process: its seconds and this process's peak RSS."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "scripts"))
    # Nothing loaded before the command starts: a process's peak RSS starts from its parent's size at the fork.
    if step == "add one":
        start = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-m", "analytics.cli", "ingest", str(_new_document(dataset.parent)), "--dataset",
             str(dataset)],
            capture_output=True, text=True, cwd=ROOT, check=False,
        )  # fmt: skip
        seconds = time.perf_counter() - start
        if run.returncode != 0:
            raise SystemExit(f"add one failed: {run.stdout}{run.stderr}")
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        return {"seconds": seconds, "peak_mib": peak / 1024}
    from analytics.store import open_dataset

    ds = open_dataset(dataset)
    if step == "open":
        work = lambda: open_dataset(dataset)  # noqa: E731
    elif step == "checks":
        from analytics.checks import run_checks

        work = lambda: run_checks(ds)  # noqa: E731
    elif step == "anomaly":
        from analytics.anomaly import with_anomaly_flags
        from analytics.checks import with_flags

        checked = with_flags(ds)
        work = lambda: with_anomaly_flags(checked)  # noqa: E731
    else:
        from bench_compare import all_comparisons

        work = lambda: all_comparisons(ds)  # noqa: E731
    # Twice: the first run also pays for what is loaded once (reference tables, compiled patterns); the second counts.
    work()
    start = time.perf_counter()
    work()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_mib": _own_peak_mib()}


def _own_peak_mib() -> float:
    """This process's peak RSS since it started its program (``VmHWM``; ``ru_maxrss`` would count the benchmark's
    own size, which the kernel carries over from the fork)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(step: str, dataset: Path, scratch: Path) -> dict[str, float]:
    target = dataset
    if step == "add one":  # a copy: the step writes its dataset
        target = scratch / "add-one"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(dataset, target)
    run = subprocess.run(
        [sys.executable, __file__, "--child", step, str(target)],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    if run.returncode != 0:
        raise SystemExit(f"{step} on {dataset} failed:\n{run.stdout}{run.stderr}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def _build(size: int, folder: Path) -> tuple[Path, int, int]:
    """The dataset of ``size`` copies, saved in ``folder``; its documents and flags."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from _scale import replicate

    from analytics.pipeline import all_flags
    from analytics.store import open_dataset, refresh_dataset, save_dataset

    path = folder / f"x{size}"
    save_dataset(replicate(open_dataset(), size), path)
    # Checked in full once, as `analytics check` does: the manifest then records what the flags were derived from,
    # and adding a document re-checks only its department.
    ds = refresh_dataset(all_flags, path)
    return path, ds.documents.height, ds.flags.height


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100, 1000])
    parser.add_argument("--repeat", type=int, default=3, help="rounds per step and size; the best counts")
    parser.add_argument("--child", nargs=2, metavar=("STEP", "DATASET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child[0], Path(args.child[1]))))
        return
    print(f"# {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}")
    results: dict[int, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        folder = Path(tmp)
        for size in args.sizes:
            path, documents, flags = _build(size, folder)
            print(f"{size}×: {documents:,} documents, {flags:,} flags stored", flush=True)
            results[size] = {}
            for step in STEPS:
                rounds = [_measure(step, path, folder) for _ in range(args.repeat if size < 1000 else 1)]
                best = min(rounds, key=lambda r: r["seconds"])
                best["peak_mib"] = max(r["peak_mib"] for r in rounds)
                results[size][step] = best
                print(f"  {step:<8} {best['seconds']:8.2f} s  {best['peak_mib']:8.0f} MiB", flush=True)
            shutil.rmtree(path)
    sizes = args.sizes
    print("\n| step | " + " | ".join(f"{k}×" for k in sizes) + " | growth " + f"{sizes[-2]}× → {sizes[-1]}× |")
    print("|---|" + "---:|" * (len(sizes) + 1))
    for step in STEPS:
        cells = [f"{results[k][step]['seconds']:.2f} s, {results[k][step]['peak_mib']:,.0f} MiB" for k in sizes]
        first, last = results[sizes[-2]][step]["seconds"], results[sizes[-1]][step]["seconds"]
        growth = math.log(last / first) / math.log(sizes[-1] / sizes[-2]) if first > 0 and len(sizes) > 1 else 0
        print(f"| {step} | " + " | ".join(cells) + f" | n^{growth:.2f} |")


if __name__ == "__main__":
    main()
