"""Anomaly models: what is unusual for a department, among its peers (scikit-learn detectors → flags).

Rules (``analytics.checks``) say what is wrong; these models say what is unusual, and why:

* detectors as scikit-learn estimators (``RobustZScore``, ``IQRFences``, ``DedupLocalOutlierFactor`` and
  scikit-learn's ``IsolationForest``), all with IsolationForest's contract (``offset_``, ``decision_function``,
  ``score_samples``, ``predict`` in {-1, 1});
* what they look at: ``line_growth`` (a line's year-on-year change among comparable lines of peer departments)
  and ``profiles`` (department-year shares and growth);
* portfolio screens: ``benford_first_digit``, ``round_number_share``, ``repeated_amounts``;
* ``flag_anomalies`` writes their findings to the ``flags`` table with a reason, the score, the peer group and its
  statistics, and evidence back to the lines. Thresholds live in ``analytics/anomaly/settings.toml``.
"""

from __future__ import annotations

from analytics.anomaly._estimators import (
    DETECTORS,
    DedupLocalOutlierFactor,
    IQRFences,
    IsolationForest,
    RobustZScore,
)
from analytics.anomaly._features import PROFILE_FEATURES, line_growth, profiles
from analytics.anomaly._flags import (
    LINE_DETECTORS,
    MODEL_RULES,
    PROFILE_DETECTORS,
    ProfileScores,
    flag_anomalies,
    load_anomaly_settings,
    score_line_growth,
    score_profiles,
    with_anomaly_flags,
)
from analytics.anomaly._screens import (
    BenfordResult,
    ScreenRefused,
    benford_first_digit,
    repeated_amounts,
    round_number_share,
)

__all__ = [
    "DETECTORS",
    "LINE_DETECTORS",
    "MODEL_RULES",
    "PROFILE_DETECTORS",
    "PROFILE_FEATURES",
    "BenfordResult",
    "DedupLocalOutlierFactor",
    "IQRFences",
    "IsolationForest",
    "ProfileScores",
    "RobustZScore",
    "ScreenRefused",
    "benford_first_digit",
    "flag_anomalies",
    "line_growth",
    "load_anomaly_settings",
    "profiles",
    "repeated_amounts",
    "round_number_share",
    "score_line_growth",
    "score_profiles",
    "with_anomaly_flags",
]
