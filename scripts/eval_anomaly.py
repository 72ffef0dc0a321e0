"""Evaluate the anomaly detectors on known anomalies injected into copies of the real dataset.

Three kinds of injection, each in its own copy of the default dataset (``make eval-anomaly``):

* **scale** — one budget line (every table that prints it) multiplied by a factor (×2, ×3, ×5, ×10, or divided
  by it, by turns) in its year;
* **move** — 60 % of one line's amount moved to another line of the same department, year, classification,
  code level and column (two lines change; detecting either counts);
* **shift** — a department-year's project share moved by 25 percentage points (profile detectors; injected in
  the profile features, since a share is not one printed figure).

Only lines and department-years a detector can score are chosen (a group of comparable lines large enough).
Recall is the share of injections the detector flags; precision the share of its *new* findings (not already
flagged on the clean dataset) that are injected ones.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import sys
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import analytics  # noqa: E402
from analytics import schema as s  # noqa: E402
from analytics.anomaly import (  # noqa: E402
    LINE_DETECTORS,
    PROFILE_DETECTORS,
    line_growth,
    load_anomaly_settings,
    profiles,
    score_line_growth,
    score_profiles,
)
from analytics.store import Dataset  # noqa: E402

#: Sizes of the scale injection: a line multiplied (or divided, by turns) by each.
SCALE_FACTORS = (2, 3, 5, 10)
LINE_KEY = [s.DEPARTMENT_ID, s.FISCAL_YEAR, s.CLASSIFICATION, s.CODE, s.COLUMN]


@dataclass
class Tally:
    injected: int = 0
    detected: int = 0
    true_flags: int = 0
    false_flags: int = 0

    @property
    def recall(self) -> float:
        return self.detected / self.injected if self.injected else float("nan")

    @property
    def precision(self) -> float:
        flagged = self.true_flags + self.false_flags
        return self.true_flags / flagged if flagged else float("nan")


def _outlier_keys(ds: Dataset, settings: dict, detector: str) -> set[tuple]:
    growth = line_growth(ds, peer_basis=settings["peer_basis"], min_amount_yuan=settings["min_amount_yuan"])
    scored = score_line_growth(growth, settings, detector)
    return set(scored.filter(pl.col("outlier")).select(LINE_KEY).rows())


def _change(ds: Dataset, key: tuple, new_amount: pl.Expr) -> Dataset:
    """``ds`` with the line ``key`` (in every table that prints it, in its own year's budget) set to ``new_amount``."""
    department, year, classification, code, column = key
    hit = (
        (pl.col(s.DEPARTMENT_ID) == department)
        & (pl.col(s.FISCAL_YEAR) == year)
        & (pl.col(s.AS_OF_YEAR) == year)
        & (pl.col(s.CLASSIFICATION) == classification)
        & (pl.col(s.CODE) == code)
        & (pl.col(s.COLUMN) == column)
    )
    amount = pl.when(hit).then(new_amount.cast(s.MONEY)).otherwise(pl.col(s.AMOUNT_YUAN)).alias(s.AMOUNT_YUAN)
    return dataclasses.replace(ds, lines=ds.lines.with_columns(amount))


def _scale(ds: Dataset, key: tuple, factor: Decimal) -> Dataset:
    return _change(ds, key, (pl.col(s.AMOUNT_YUAN) * pl.lit(factor)).round(2))


def _add(ds: Dataset, key: tuple, delta: Decimal) -> Dataset:
    return _change(ds, key, pl.col(s.AMOUNT_YUAN) + pl.lit(delta))


def evaluate_lines(ds: Dataset, trials: int, seed: int) -> dict[tuple[str, str], Tally]:
    settings = load_anomaly_settings()["line_growth"]
    growth = line_growth(ds, peer_basis=settings["peer_basis"], min_amount_yuan=settings["min_amount_yuan"])
    scored = score_line_growth(growth, settings, "robust_z")
    candidates = scored.filter(pl.col("score").is_not_null() & ~pl.col("outlier"))
    baseline = {d: _outlier_keys(ds, settings, d) for d in LINE_DETECTORS}
    rng = random.Random(seed)
    kinds = [f"scale ×{f}" for f in SCALE_FACTORS] + ["move 60%"]
    tallies = {(kind, d): Tally() for kind in kinds for d in LINE_DETECTORS}
    rows = candidates.to_dicts()
    partners = candidates.group_by(
        ["peer_group", s.DEPARTMENT_ID, s.CLASSIFICATION, s.LEVEL, s.COLUMN, s.FISCAL_YEAR], maintain_order=True
    )
    groups = [g.to_dicts() for _, g in partners if g.height >= 2]
    for trial in range(trials):
        # scale one line, up or down by turns
        for size in SCALE_FACTORS:
            row = rng.choice(rows)
            key = tuple(row[k] for k in LINE_KEY)
            factor = Decimal(size) if trial % 2 == 0 else Decimal(1) / Decimal(size)
            changed = _scale(ds, key, factor)
            for detector in LINE_DETECTORS:
                found = _outlier_keys(changed, settings, detector)
                _count(tallies[(f"scale ×{size}", detector)], {key}, found, baseline[detector])
        # move an amount between two lines of one department
        a, b = rng.sample(rng.choice(groups), 2)
        moved = (a[s.AMOUNT_YUAN] * Decimal("0.6")).quantize(Decimal("0.01"))
        key_a, key_b = tuple(a[k] for k in LINE_KEY), tuple(b[k] for k in LINE_KEY)
        changed = _add(_add(ds, key_a, -moved), key_b, moved)
        for detector in LINE_DETECTORS:
            found = _outlier_keys(changed, settings, detector)
            _count(tallies[("move 60%", detector)], {key_a, key_b}, found, baseline[detector])
    return tallies


def _count(tally: Tally, injected: set[tuple], found: set[tuple], baseline: set[tuple]) -> None:
    new = found - baseline
    tally.injected += 1
    tally.detected += bool(injected & found)
    tally.true_flags += len(new & injected)
    tally.false_flags += len(new - injected)


def evaluate_profiles(ds: Dataset, trials: int, seed: int) -> dict[tuple[str, str], Tally]:
    settings = load_anomaly_settings()["profile"]
    frame = profiles(ds)
    base = score_profiles(frame, settings)
    baseline = {d: {i for i, *_ in base.found[d]} for d in PROFILE_DETECTORS}
    rng = random.Random(seed)
    tallies = {("shift 25pp", d): Tally() for d in PROFILE_DETECTORS}
    # Rows a detector already finds unusual on the clean data cannot tell whether an injection was caught.
    flagged = set().union(*baseline.values())
    shares = frame.get_column("project_share").to_list()
    usable = [i for i, v in enumerate(shares) if v is not None and i not in flagged]
    for _ in range(trials):
        index = rng.choice(usable)
        share = frame.get_column("project_share")[index]
        shifted = share + 0.25 if share < 0.5 else share - 0.25
        changed = frame.with_columns(
            pl.when(pl.int_range(pl.len()) == index)
            .then(pl.lit(shifted))
            .otherwise(pl.col("project_share"))
            .alias("project_share")
        )
        scores = score_profiles(changed, settings)
        for detector in PROFILE_DETECTORS:
            found = {i for i, *_ in scores.found[detector]}
            _count(tallies[("shift 25pp", detector)], {index}, found, baseline[detector])
    return tallies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=200, help="injections of each kind (default 200)")
    parser.add_argument("--seed", type=int, default=20261128)
    args = parser.parse_args()
    ds = analytics.open_dataset()
    started = time.perf_counter()
    results = {**evaluate_lines(ds, args.trials, args.seed), **evaluate_profiles(ds, args.trials, args.seed)}
    elapsed = time.perf_counter() - started
    print(f"{'injection':<12} {'detector':<18} {'injected':>8} {'recall':>7} {'precision':>9} {'flags':>6}")
    for (kind, detector), tally in results.items():
        flags = tally.true_flags + tally.false_flags
        print(f"{kind:<8} {detector:<18} {tally.injected:>8} {tally.recall:>7.2f} {tally.precision:>9.2f} {flags:>6}")
    print(f"{args.trials} trials per injection kind, seed {args.seed}, {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
