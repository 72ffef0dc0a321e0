"""Model findings as flags: what the detectors found, why, against whom, and where the figures were published.

Every model flag has ``source = "model"``, the family ``anomaly``, its score, its peer group and the group's
statistics, and evidence back to the lines. Its ``message_zh`` / ``message_en`` is the finding as a hearing hears
it, with what to ask (``analytics.anomaly._wording``): what is unusual, against whom and by how much, in plain
words, never a score, a detector or a group's key, which stay in the structured columns. Unusual is not wrong:
model flags are ``info`` unless far beyond the threshold (``warning``), never ``error``.
"""

from __future__ import annotations

import dataclasses
import math
from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl

from analytics import labels
from analytics import schema as s
from analytics.anomaly._estimators import (
    _MAD_TO_SIGMA,
    DedupLocalOutlierFactor,
    IQRFences,
    IsolationForest,
    RobustZScore,
)
from analytics.anomaly._features import PROFILE_FEATURES, line_growth, profiles
from analytics.anomaly._screens import DEPARTMENT_COUNT, DEPARTMENT_IDS, repeated_amounts
from analytics.anomaly._wording import line_growth_message, profile_message, repeated_amount_message
from analytics.checks._engine import finish_flags, flag_id, settings_values
from analytics.checks._rules._common import line_evidence
from analytics.errors import AnalyticsError
from analytics.store import Dataset
from analytics.units import format_wan

__all__ = [
    "LINE_DETECTORS",
    "MODEL_RULES",
    "PROFILE_DETECTORS",
    "ProfileScores",
    "flag_anomalies",
    "load_anomaly_settings",
    "score_line_growth",
    "score_profiles",
    "with_anomaly_flags",
]

FAMILY = "anomaly"
#: The model "rules": id → (Chinese title, English title).
MODEL_RULES: dict[str, tuple[str, str]] = {
    "anomaly.line_growth": ("科目增幅远离同类部门", "A line's change far from its peers'"),
    "anomaly.profile_iqr": ("部门结构指标超出四分位围栏", "A profile figure outside the IQR fences"),
    "anomaly.profile_isolation_forest": ("部门结构整体异常（孤立森林）", "An unusual profile (isolation forest)"),
    "anomaly.profile_lof": ("部门结构整体异常（局部离群因子）", "An unusual profile (local outlier factor)"),
    "anomaly.repeated_amount": ("不同部门出现相同金额", "The same amount in different departments"),
}
_COLUMN_ZH = {
    "total": "合计",
    "basic": "基本支出",
    "project": "项目支出",
    "personnel": "人员经费",
    "public": "公用经费",
    "fiscal_appropriation": "财政拨款",
    "operating_costs": "机关运行经费",
}
_LEVEL_ZH = {1: "类", 2: "款", 3: "项"}
_CLASSIFICATION_ZH = {k: labels.CLASSIFICATIONS[k][0] for k in ("function", "economic", "source", "project")}


def load_anomaly_settings(overrides: dict[str, dict[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    """The shipped thresholds (``analytics/anomaly/settings.toml``) with ``overrides`` applied per section.

    Examples
    --------
    >>> load_anomaly_settings({"line_growth": {"threshold": 5}})["line_growth"]["threshold"]
    5
    """
    return settings_values("analytics.anomaly", overrides, new_sections=False)


def _pct(value: float) -> Decimal:
    return Decimal(repr(round(value, 4))) if math.isfinite(value) else Decimal(0)


def _change_pct(log_change: float) -> float:
    """The percentage change a log change stands for."""
    return (math.exp(log_change) - 1) * 100


def _profile_pct(feature: str, value: float) -> float:
    """A profile figure as a percentage: a share × 100, a log change as the percentage change it stands for."""
    return _change_pct(value) if feature.endswith("log_change") else value * 100


#: Detectors that score a line's change within its group of comparable lines.
LINE_DETECTORS = ("robust_z", "iqr")


_GROUP_KEYS = ["peer_group", s.CLASSIFICATION, s.LEVEL, s.COLUMN, s.FISCAL_YEAR]
#: A group's statistics: the flags' peer statistics plus the residuals' centre.
_GROUP_STATS = pl.Struct({**s.PEER_STATS_ITEM.to_schema(), "center": pl.Float64})


def polish(growth: pl.DataFrame, *, iterations: int = 4, min_departments: int = 3, min_lines: int = 5) -> pl.DataFrame:
    """``growth`` with ``residual``: each log change less its department's and its code's typical change.

    Tukey's median polish within each group of comparable lines: the department effect (the median change of the
    department's lines, e.g. a budget cut across the board) and the code effect (the median change of the same code
    in the peer departments, where at least ``min_departments`` have it, e.g. a reclassification) are taken out in
    turns. A department with fewer than ``min_lines`` lines in the group keeps its changes: its median would be
    the anomaly itself. What remains is what is particular to the line; a line changing like its department and
    like the same code elsewhere is not unusual.

    Examples
    --------
    >>> frame = pl.DataFrame({"peer_group": ["g"] * 4, "classification": ["function"] * 4, "level": [3] * 4,
    ...     "column": ["total"] * 4, "fiscal_year": [2024] * 4, "department_id": ["a", "a", "b", "b"],
    ...     "code": ["1", "2", "1", "2"], "log_change": [0.5, 0.5, 0.0, 0.0]})
    >>> polish(frame, min_departments=3, min_lines=2).get_column("residual").to_list()
    [0.0, 0.0, 0.0, 0.0]
    """
    residual = pl.col("residual")
    code_keys = [*_GROUP_KEYS, s.CODE]
    shared = pl.col(s.DEPARTMENT_ID).n_unique().over(code_keys) >= min_departments
    department_keys = [*_GROUP_KEYS, s.DEPARTMENT_ID]
    enough = pl.len().over(department_keys) >= min_lines
    out = growth.with_columns(pl.col("log_change").alias("residual"))
    for _ in range(iterations):
        out = out.with_columns(residual - pl.when(enough).then(residual.median().over(department_keys)).otherwise(0.0))
        out = out.with_columns(residual - pl.when(shared).then(residual.median().over(code_keys)).otherwise(0.0))
    return out


def score_line_growth(growth: pl.DataFrame, settings: dict[str, Any], detector: str = "robust_z") -> pl.DataFrame:
    """``growth`` (from ``line_growth``) scored within groups of comparable lines of peer departments.

    Groups are peer group × classification × code level × column × year; a group smaller than ``min_group`` lines
    or ``min_departments`` departments is not scored (``score`` null). Both detectors look at the ``residual`` of
    ``polish`` (the change less the department's and the code's typical change): ``robust_z`` its robust z
    (outlier beyond ``threshold``; the scale never below ``min_scale``), ``iqr`` its exceedance beyond the IQR
    fences (``settings["iqr_k"]``, default 1.5).

    Returns
    -------
    pl.DataFrame
        ``growth`` plus ``residual``, ``score`` (Float64), ``outlier`` (Boolean), ``group_label`` and
        ``group_stats`` (the raw changes' median and quartiles in %, and the residuals' centre and scale).
    """
    if detector not in LINE_DETECTORS:
        raise AnalyticsError(f"unknown line detector {detector!r}; choose one of {', '.join(LINE_DETECTORS)}")
    threshold = float(settings["threshold"])
    growth = polish(
        growth,
        iterations=int(settings.get("polish_iterations", 4)),
        min_departments=int(settings.get("polish_min_code_departments", settings["min_departments"])),
        min_lines=int(settings.get("polish_min_lines", 5)),
    )
    parts: list[pl.DataFrame] = []
    for key, group in growth.group_by(_GROUP_KEYS, maintain_order=True):
        peer_group, classification, level, column, year = key
        level_zh, column_zh = _LEVEL_ZH.get(level, str(level)), _COLUMN_ZH.get(column, column)
        classification_zh = _CLASSIFICATION_ZH.get(classification, classification)
        label = f"{peer_group} · {classification_zh}{level_zh}级 · {column_zh} · {year}"
        scoreable = (
            group.height >= settings["min_group"] and group[s.DEPARTMENT_ID].n_unique() >= settings["min_departments"]
        )
        raw = group.get_column("log_change").to_numpy()
        x = group.get_column("residual").to_numpy().reshape(-1, 1)
        score: list[float | None] = [None] * group.height
        outlier = [False] * group.height
        stats: dict[str, float] | None = None
        if scoreable:
            q1, median, q3 = (float(q) for q in np.percentile(raw, [25, 50, 75]))
            if detector == "robust_z":
                model = RobustZScore(threshold=threshold, min_scale=float(settings["min_scale"])).fit(x)
                z = model.zscores(x)[:, 0]
                score = [float(v) for v in z]
                outlier = [bool(abs(v) > threshold) for v in z]
                center, scale = float(model.center_[0]), float(model.scale_[0])
            else:  # iqr
                fences = IQRFences(k=float(settings.get("iqr_k", 1.5))).fit(x)
                decision = fences.decision_function(x)
                score = [float(v) for v in decision]
                outlier = [bool(v < 0) for v in decision]
                center, scale = float(np.median(x[:, 0])), float(fences.q3_[0] - fences.q1_[0])
            stats = {
                "count": group.height,
                "median": _change_pct(median),
                "q1": _change_pct(q1),
                "q3": _change_pct(q3),
                "scale": scale,
                "center": center,
            }
        parts.append(
            group.with_columns(
                pl.Series("score", score, dtype=pl.Float64),
                pl.Series("outlier", outlier, dtype=pl.Boolean),
                pl.lit(label).alias("group_label"),
                pl.lit(stats, dtype=_GROUP_STATS).alias("group_stats"),
            )
        )
    if not parts:
        return growth.with_columns(
            pl.lit(None, pl.Float64).alias("score"),
            pl.lit(False).alias("outlier"),
            pl.lit(None, pl.String).alias("group_label"),
            pl.lit(None, _GROUP_STATS).alias("group_stats"),
        )
    return pl.concat(parts, how="vertical")


def _median_without(values: np.ndarray, removed: np.ndarray) -> float | None:
    """The median of the sorted ``values`` once the sorted ``removed`` (some of them) are taken out, as Polars
    computes a median (the lower middle plus half the gap to the upper); ``None`` when nothing is left.

    A rank of what is left is found among at most ``len(removed) + 1`` places of ``values``, so that the median of
    a group without one department costs that department's lines, not the group's.
    """
    left = len(values) - len(removed)
    if left <= 0:
        return None

    def ranked(k: int) -> float:
        # The smallest place j whose value has at least k + 1 values left at or below it.
        for j in range(k, min(k + len(removed), len(values) - 1) + 1):
            x = values[j]
            at_or_below = np.searchsorted(values, x, side="right") - np.searchsorted(removed, x, side="right")
            if at_or_below >= k + 1:
                return float(x)
        return float(values[-1])

    low, high = ranked((left - 1) // 2), ranked(left // 2)
    return low + (high - low) * 0.5


def _comparisons(scored: pl.DataFrame, found: pl.DataFrame) -> pl.DataFrame:
    """For each line found: what a hearing compares it with, as percentage changes.

    ``code_median`` / ``code_departments``: the same code's change in the other departments of its group;
    ``level_median``: the change of every line of the other departments in its group; ``own_median`` /
    ``own_lines``: the change of the department's other lines in the group.

    A group's changes are sorted once; the median without one department is read from them (``_median_without``),
    so that the cost grows with the lines and not with the lines found times the lines of their groups.
    """
    key = [*_GROUP_KEYS, s.CODE, s.DEPARTMENT_ID]
    # A line whose group is not known (a null key) is compared with nothing, as a join on the keys leaves it.
    lines = scored.drop_nulls(_GROUP_KEYS).select(
        *_GROUP_KEYS, s.CODE, s.DEPARTMENT_ID, pl.col("log_change").alias("_change")
    )
    wanted = found.select(key).unique().join(lines.select(_GROUP_KEYS).unique(), on=_GROUP_KEYS, how="semi")
    if wanted.is_empty():
        return wanted.with_columns(
            pl.lit(None, pl.Float64).alias("code_median"),
            pl.lit(0, pl.UInt32).alias("code_departments"),
            pl.lit(None, pl.Float64).alias("level_median"),
            pl.lit(None, pl.Float64).alias("own_median"),
            pl.lit(0, pl.UInt32).alias("own_lines"),
        )
    sorted_changes = pl.col("_change").drop_nulls().sort()

    def arrays(by: list[str]) -> dict[tuple[object, ...], np.ndarray]:
        frame = wanted.select(by).unique().join(lines, on=by).group_by(by).agg(sorted_changes)
        return {
            tuple(row[:-1]): np.asarray(row[-1], dtype=np.float64) for row in frame.select(*by, "_change").iter_rows()
        }

    group, in_group = arrays(_GROUP_KEYS), arrays([*_GROUP_KEYS, s.DEPARTMENT_ID])
    code, in_code = arrays([*_GROUP_KEYS, s.CODE]), arrays([*_GROUP_KEYS, s.CODE, s.DEPARTMENT_ID])
    empty = np.array([], dtype=np.float64)
    medians = []
    for row in wanted.iter_rows():
        place, code_key = row[: len(_GROUP_KEYS)], row[: len(_GROUP_KEYS) + 1]
        department = row[-1]
        level = _median_without(group.get(place, empty), in_group.get((*place, department), empty))
        same_code = (
            None
            if row[len(_GROUP_KEYS)] is None or department is None
            else _median_without(code.get(code_key, empty), in_code.get((*code_key, department), empty))
        )
        medians.append((level, same_code))
    wanted = wanted.with_columns(
        pl.Series("level_median", [m[0] for m in medians], dtype=pl.Float64),
        pl.Series("code_median", [m[1] for m in medians], dtype=pl.Float64),
    )
    # Departments printing the code in the group, the line's own left out.
    departments = (
        wanted.select(*_GROUP_KEYS, s.CODE)
        .unique()
        .join(lines, on=[*_GROUP_KEYS, s.CODE])
        .group_by(*_GROUP_KEYS, s.CODE)
        .agg(pl.col(s.DEPARTMENT_ID).drop_nulls().unique().alias("_departments"))
    )
    # The department's other lines of the group: as many as it prints, however many departments there are.
    own = (
        wanted.select(key)
        .join(lines.rename({s.CODE: "_code"}), on=[*_GROUP_KEYS, s.DEPARTMENT_ID])
        .group_by(key)
        .agg(
            pl.col("_change").filter(pl.col("_code") != pl.col(s.CODE)).median().alias("own_median"),
            pl.col("_change").filter(pl.col("_code") != pl.col(s.CODE)).len().alias("own_lines"),
        )
    )
    return (
        wanted.join(departments, on=[*_GROUP_KEYS, s.CODE], how="left")
        .join(own, on=key, how="left")
        .with_columns(
            (
                pl.col("_departments").list.len()
                - pl.col("_departments").list.contains(pl.col(s.DEPARTMENT_ID)).cast(pl.UInt32)
            )
            .fill_null(0)
            .cast(pl.UInt32)
            .alias("code_departments"),
            pl.col("own_lines").fill_null(0),
        )
        .select(*key, "code_median", "code_departments", "level_median", "own_median", "own_lines")
    )


def _line_growth_flags(ds: Dataset, settings: dict[str, Any]) -> list[dict[str, Any]]:
    growth = line_growth(ds, peer_basis=settings["peer_basis"], min_amount_yuan=settings["min_amount_yuan"])
    scored = score_line_growth(growth, settings)
    found = scored.filter(pl.col("outlier"))
    found = found.join(_comparisons(scored, found), on=[*_GROUP_KEYS, s.CODE, s.DEPARTMENT_ID], how="left")
    threshold = float(settings["threshold"])
    code_peers = int(settings.get("code_peer_departments", 3))
    own_lines = int(settings.get("polish_min_lines", 5))
    out: list[dict[str, Any]] = []
    for row in found.iter_rows(named=True):
        score, stats, year = row["score"], row["group_stats"], row[s.FISCAL_YEAR]
        # What the change would be were the line typical: its department's and its code's effects, plus the centre.
        fitted = row["log_change"] - row["residual"] + stats["center"]
        expected_pct = _change_pct(fitted)
        cutoff = _change_pct(fitted + math.copysign(threshold * stats["scale"], score))
        change = row["change_pct"]
        by_code = row["code_departments"] >= code_peers
        message_zh, message_en = line_growth_message(
            name=row[s.NAME],
            code=row[s.CODE],
            column=row[s.COLUMN],
            year=year,
            change_pct=change,
            previous=row["previous_yuan"],
            amount=row[s.AMOUNT_YUAN],
            peer_median_pct=_change_pct(row["code_median" if by_code else "level_median"]),
            peer_scope="code" if by_code else "level",
            department_median_pct=_change_pct(row["own_median"]) if row["own_lines"] >= own_lines else None,
        )
        what = f"{row[s.NAME]}（{row[s.CODE]}，{_COLUMN_ZH.get(row[s.COLUMN], row[s.COLUMN])}）"
        out.append(
            {
                s.FLAG_ID: flag_id(
                    "anomaly.line_growth",
                    f"{row[s.DEPARTMENT_ID]}|{year}|{row[s.CLASSIFICATION]}|{row[s.CODE]}|{row[s.COLUMN]}",
                ),
                s.RULE_ID: "anomaly.line_growth",
                s.SEVERITY: "warning" if abs(score) >= 2 * threshold else "info",
                s.DEPARTMENT_ID: row[s.DEPARTMENT_ID],
                s.FISCAL_YEAR: year,
                s.DOC_ID: row[s.DOC_ID],
                s.SUBJECT: f"{what} · {year}",
                s.MEASURE: "percent",
                s.OBSERVED: _pct(change),
                s.EXPECTED: _pct(expected_pct),
                s.VARIANCE: _pct(change - expected_pct),
                s.THRESHOLD: _pct(cutoff),
                s.MESSAGE_ZH: message_zh,
                s.MESSAGE_EN: message_en,
                s.EVIDENCE: [
                    {
                        s.DOC_ID: row[f"{p}{s.DOC_ID}"],
                        "table_or_part": row[f"{p}{s.TABLE}"],
                        s.PAGE: row[f"{p}{s.PAGE}"],
                        s.LINE: row[f"{p}{s.LINE}"],
                        s.SOURCE_TEXT: row[f"{p}{s.SOURCE_TEXT}"],
                    }
                    for p in ("", "previous_")
                ],
                s.SCORE: float(score),
                s.PEER_GROUP: row["group_label"],
                s.PEER_STATS: {k: v for k, v in stats.items() if k != "center"},
            }
        )
    return out


def _profile_evidence(ds: Dataset, keys: pl.DataFrame) -> dict[tuple[str, int], list[dict[str, Any]]]:
    """Per department-year of ``keys`` (``department_id``, ``fiscal_year``): its totals where they were printed
    (its own budget first, then a later one's), eight at most; its lines if it prints no total.

    One join, sort and group-by over the lines for every department-year at once.
    """
    at = [s.DEPARTMENT_ID, s.FISCAL_YEAR]
    is_total = pl.col(s.CLASSIFICATION).is_in(["total", "category"])
    lines = ds.lines.join(keys.select(at).unique(), on=at, how="semi")
    chosen = (
        lines.filter(is_total | ~is_total.fill_null(False).any().over(at))
        .sort(
            *at,
            pl.col(s.AS_OF_YEAR) != pl.col(s.FISCAL_YEAR),
            s.DOC_ID,
            s.PAGE,
            s.LINE,
            nulls_last=True,
            maintain_order=True,
        )
        .group_by(at, maintain_order=True)
        .head(8)
        .select(
            *at,
            pl.struct(
                s.DOC_ID,
                pl.col(s.TABLE).alias("table_or_part"),
                pl.col(s.PAGE).cast(pl.Int32),
                pl.col(s.LINE).cast(pl.Int32),
                s.SOURCE_TEXT,
            ).alias(s.EVIDENCE),
        )
        .group_by(at, maintain_order=True)
        .agg(s.EVIDENCE)
    )
    return {(department, year): items for department, year, items in chosen.iter_rows()}


PROFILE_DETECTORS = ("iqr", "isolation_forest", "lof")


def _feature_stats(values: np.ndarray) -> dict[str, float]:
    q1, median, q3 = (float(q) for q in np.percentile(values, [25, 50, 75]))
    mad = float(np.median(np.abs(values - median))) * _MAD_TO_SIGMA
    return {"count": len(values), "median": median, "q1": q1, "q3": q3, "scale": mad}


@dataclasses.dataclass(frozen=True)
class ProfileScores:
    """What the profile detectors found: per detector, the flagged rows, the feature behind each and a score."""

    frame: pl.DataFrame
    filled: np.ndarray
    stats: dict[str, dict[str, float]]
    #: detector → list of (row index, feature, score, cutoff)
    found: dict[str, list[tuple[int, str, float, float]]]


def score_profiles(frame: pl.DataFrame, settings: dict[str, Any]) -> ProfileScores:
    """Run the profile detectors over department-year ``frame`` (from ``profiles``).

    A missing feature is filled with the median of the disclosed values. IQR fences judge each feature on its own,
    on the disclosed values (a finding per feature outside its fences); IsolationForest and LOF judge the whole
    profile, scaled by each feature's median and interquartile range, and name as the reason the feature
    furthest from its median.
    """
    features = list(PROFILE_FEATURES)
    found: dict[str, list[tuple[int, str, float, float]]] = {d: [] for d in PROFILE_DETECTORS}
    if frame.height < settings["min_rows"]:
        return ProfileScores(frame, np.empty((frame.height, len(features))), {}, found)
    # Statistics, scaling and fences come from the values actually disclosed: a filled median would narrow them.
    disclosed = {f: frame.get_column(f).drop_nulls().cast(pl.Float64).to_numpy() for f in features}
    stats = {f: _feature_stats(v) if len(v) else _feature_stats(np.zeros(1)) for f, v in disclosed.items()}
    filled = frame.with_columns(pl.col(f).fill_null(stats[f]["median"]) for f in features)
    x = filled.select(features).to_numpy().astype(float)
    spans = [(stats[f]["q3"] - stats[f]["q1"]) or 1.0 for f in features]
    scaled = np.column_stack([(x[:, i] - stats[f]["median"]) / spans[i] for i, f in enumerate(features)])
    for feature in features:
        if len(disclosed[feature]) < settings["min_rows"]:
            continue
        fences = IQRFences(k=settings["iqr_k"]).fit(disclosed[feature].reshape(-1, 1))
        lower, upper = (float(v) for v in fences.fences_[0])
        span = float(fences.q3_[0] - fences.q1_[0]) or 1.0
        for i, value in enumerate(frame.get_column(feature).to_list()):
            if value is not None and not lower <= value <= upper:
                cutoff = upper if value > upper else lower
                found["iqr"].append((i, feature, (value - cutoff) / span, cutoff))
    models = {
        "isolation_forest": IsolationForest(
            n_estimators=settings["isolation_trees"],
            contamination=settings["contamination"],
            random_state=settings["random_state"],
        ),
        "lof": DedupLocalOutlierFactor(n_neighbors=settings["lof_neighbors"], contamination=settings["contamination"]),
    }
    for name, model in models.items():
        decision = model.fit(scaled).decision_function(scaled)
        for i in np.flatnonzero(decision < 0):
            j = int(np.argmax(np.abs(scaled[i])))
            found[name].append((int(i), features[j], float(decision[i]), float(model.offset_)))
    return ProfileScores(frame, x, stats, found)


#: Detectors that judge a department-year's whole profile (their findings are told as 部门结构整体异常).
_WHOLE_PROFILE = ("isolation_forest", "lof")


def _profile_flags(ds: Dataset, settings: dict[str, Any]) -> list[dict[str, Any]]:
    scores = score_profiles(profiles(ds), settings)
    rows = scores.frame.to_dicts()
    features = list(PROFILE_FEATURES)
    group = f"全部部门-年度（n={len(rows)}）"
    # One sentence per department-year and feature, whichever detectors found it: a brief tells it once.
    whole = {(index, feature) for d in _WHOLE_PROFILE for index, feature, _, _ in scores.found[d]}
    hit = sorted({index for hits in scores.found.values() for index, _, _, _ in hits})
    evidence = _profile_evidence(ds, scores.frame[hit] if hit else scores.frame.clear())
    out: list[dict[str, Any]] = []
    for detector, hits in scores.found.items():
        rule_id = f"anomaly.profile_{detector}"
        for index, feature, score, cutoff in hits:
            row = rows[index]
            name_zh, _ = PROFILE_FEATURES[feature]
            stats = scores.stats[feature]
            raw = float(scores.filled[index, features.index(feature)])
            if (index, feature) in whole and stats["q1"] <= raw <= stats["q3"]:
                # A whole profile unusual only in how its ordinary figures combine: the feature it would be told
                # by lies in the middle half of all departments, which is nothing to ask a hearing about.
                continue
            value = _profile_pct(feature, raw)
            median = _profile_pct(feature, stats["median"])
            message_zh, message_en = profile_message(
                feature=feature,
                label=PROFILE_FEATURES[feature],
                value_pct=value,
                median_pct=median,
                q1_pct=_profile_pct(feature, stats["q1"]),
                q3_pct=_profile_pct(feature, stats["q3"]),
                whole_profile=(index, feature) in whole,
                filled=row[feature] is None,
            )
            out.append(
                {
                    s.FLAG_ID: flag_id(rule_id, f"{row[s.DEPARTMENT_ID]}|{row[s.FISCAL_YEAR]}|{feature}"),
                    s.RULE_ID: rule_id,
                    s.SEVERITY: "info",
                    s.DEPARTMENT_ID: row[s.DEPARTMENT_ID],
                    s.FISCAL_YEAR: row[s.FISCAL_YEAR],
                    s.SUBJECT: f"{row['department_name']} · {row[s.FISCAL_YEAR]} · {name_zh}",
                    s.MEASURE: "percent",
                    s.OBSERVED: _pct(value),
                    s.EXPECTED: _pct(median),
                    s.VARIANCE: _pct(value - median),
                    s.THRESHOLD: _pct(_profile_pct(feature, cutoff)) if detector == "iqr" else None,
                    s.MESSAGE_ZH: message_zh,
                    s.MESSAGE_EN: message_en,
                    s.EVIDENCE: evidence.get((row[s.DEPARTMENT_ID], row[s.FISCAL_YEAR]), []),
                    s.SCORE: score,
                    s.PEER_GROUP: group,
                    s.PEER_STATS: stats,
                }
            )
    return out


def _repeated_flags(ds: Dataset, settings: dict[str, Any]) -> list[dict[str, Any]]:
    repeated = repeated_amounts(
        ds.lines.filter(pl.col(s.FISCAL_YEAR) == pl.col(s.AS_OF_YEAR)),
        min_amount=Decimal(settings["repeated_min_amount_yuan"]),
        exclude_round=Decimal(settings["repeated_exclude_round_yuan"]),
    )
    out = []
    for row in repeated.iter_rows(named=True):
        departments = row[DEPARTMENT_IDS]
        amount = row[s.AMOUNT_YUAN]
        wan = format_wan(amount)
        message_zh, message_en = repeated_amount_message(amount, departments)
        out.append(
            {
                s.FLAG_ID: flag_id("anomaly.repeated_amount", str(amount)),
                s.RULE_ID: "anomaly.repeated_amount",
                s.SEVERITY: "info",
                s.DEPARTMENT_ID: departments[0],
                s.SUBJECT: f"{wan} · {len(departments)} 个部门",
                s.MEASURE: "count",
                s.OBSERVED: Decimal(row[DEPARTMENT_COUNT]),
                s.MESSAGE_ZH: message_zh,
                s.MESSAGE_EN: message_en,
                s.EVIDENCE: [line_evidence(e) for e in row[s.EVIDENCE]],
            }
        )
    return out


def flag_anomalies(ds: Dataset, overrides: dict[str, dict[str, Any]] | None = None) -> pl.DataFrame:
    """Run every detector over ``ds`` and return their findings as a validated ``flags`` table (``source = model``).

    Parameters
    ----------
    ds
        The dataset.
    overrides
        Settings to change for this run, by section (``{"line_growth": {"threshold": 3}}``).

    Examples
    --------
    >>> from analytics.store import Dataset
    >>> flag_anomalies(Dataset.empty()).height
    0
    """
    settings = load_anomaly_settings(overrides)
    rows = [
        *_line_growth_flags(ds, settings["line_growth"]),
        *_profile_flags(ds, settings["profile"]),
        *_repeated_flags(ds, settings["screens"]),
    ]
    if not rows:
        return s.empty_frame(s.FLAGS)
    contract = s.TABLES[s.FLAGS]
    frame = pl.DataFrame(
        [{name: row.get(name) for name in contract.columns} for row in rows], schema=contract.schema, orient="row"
    ).with_columns(pl.lit("model").alias(s.SOURCE), pl.lit(FAMILY).alias(s.FAMILY))
    return finish_flags(frame)


def with_anomaly_flags(ds: Dataset, overrides: dict[str, dict[str, Any]] | None = None) -> Dataset:
    """``ds`` with its model flags replaced by a fresh run (rule flags are kept as they are)."""
    kept = ds.flags.filter(pl.col(s.SOURCE) != "model")
    return dataclasses.replace(ds, flags=pl.concat([kept, flag_anomalies(ds, overrides)], how="vertical"))
