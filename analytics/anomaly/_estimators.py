"""Outlier detectors as scikit-learn estimators that follow :class:`~sklearn.ensemble.IsolationForest`'s contract.

Every detector here stores its constructor parameters untouched, learns its fitted attributes (names ending in ``_``)
in ``fit``, and then answers with

- ``score_samples(X)``: higher means more normal;
- ``decision_function(X) = score_samples(X) - offset_``: negative means outlier;
- ``predict(X)``: ``-1`` where the decision is negative, ``1`` elsewhere (``fit_predict`` comes from
  :class:`~sklearn.base.OutlierMixin`).

``contamination`` is either ``"auto"`` (a fixed cutoff documented on each detector) or a float in (0, 0.5], in which
case ``offset_`` is that percentile of the training scores, exactly as in ``IsolationForest``.
"""

# scikit-learn's API names the data matrix ``X``; keeping that name is the point of following its contract.
# ruff: noqa: N803, N806

from __future__ import annotations

from numbers import Integral, Real
from typing import TYPE_CHECKING, Self

import numpy as np
import polars as pl
from sklearn.base import BaseEstimator, OutlierMixin
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import LocalOutlierFactor
from sklearn.utils.validation import check_is_fitted, validate_data

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import ArrayLike, NDArray

__all__ = ["DETECTORS", "DedupLocalOutlierFactor", "IQRFences", "IsolationForest", "RobustZScore"]

# 1 / Φ⁻¹(3/4): makes the median absolute deviation estimate the standard deviation of normal data.
_MAD_TO_SIGMA = 1.4826
# √(π/2): the same for the mean absolute deviation, used where more than half the values are tied.
_MEAN_AD_TO_SIGMA = 1.2533
# LocalOutlierFactor's own "auto" cutoff: a local outlier factor above 1.5 is an outlier.
_LOF_AUTO_OFFSET = -1.5


def _check_contamination(contamination: object) -> None:
    """Raise ``ValueError`` unless ``contamination`` is ``"auto"`` or a real number in (0, 0.5]."""
    if isinstance(contamination, str) and contamination == "auto":
        return
    if isinstance(contamination, Real) and not isinstance(contamination, bool) and 0.0 < contamination <= 0.5:
        return
    msg = f"contamination must be 'auto' or a float in (0, 0.5]; got {contamination!r}."
    raise ValueError(msg)


def _check_positive_real(name: str, value: object, *, allow_zero: bool) -> None:
    """Raise ``ValueError`` unless ``value`` is a finite real number above zero (or at least zero)."""
    valid = isinstance(value, Real) and not isinstance(value, bool) and np.isfinite(float(value))
    if valid and (float(value) > 0.0 or (allow_zero and float(value) == 0.0)):
        return
    bound = ">= 0" if allow_zero else "> 0"
    msg = f"{name} must be a finite number {bound}; got {value!r}."
    raise ValueError(msg)


def _fitted_offset(contamination: object, training_scores: NDArray[np.float64], auto_offset: float) -> float:
    """The ``offset_`` for ``contamination``: ``auto_offset``, or that percentile of the training scores."""
    if isinstance(contamination, str):
        return float(auto_offset)
    return float(np.percentile(training_scores, 100.0 * float(contamination)))


def _labels_from_decision(decision: NDArray[np.float64]) -> NDArray[np.int_]:
    """``-1`` where the decision is strictly negative, ``1`` elsewhere (a decision of exactly 0 is an inlier)."""
    return np.where(decision < 0, -1, 1)


class _OutlierDetector(OutlierMixin, BaseEstimator):
    """IsolationForest's contract, shared: ``score_samples`` (higher is more normal), ``decision_function``
    (``score_samples - offset_``, negative for outliers) and ``predict`` (-1 for outliers, 1 for inliers).

    A subclass fits ``offset_`` and implements ``_scores`` on validated rows; its docstring says what the score is.
    """

    def _scores(self, X: NDArray[np.float64]) -> NDArray[np.float64]:  # pragma: no cover - abstract
        raise NotImplementedError

    def score_samples(self, X: ArrayLike) -> NDArray[np.float64]:
        """The detector's score of each row: higher is more normal.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to score.

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return self._scores(X)

    def decision_function(self, X: ArrayLike) -> NDArray[np.float64]:
        """``score_samples(X) - offset_``: negative for outliers.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to score.

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        return self.score_samples(X) - self.offset_

    def predict(self, X: ArrayLike) -> NDArray[np.int_]:
        """``-1`` for outliers (negative decision), ``1`` for inliers.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to label.

        Returns
        -------
        ndarray of shape (n_samples,)
            Labels in {-1, 1}.
        """
        return _labels_from_decision(self.decision_function(X))


class RobustZScore(_OutlierDetector):
    """Flag rows with a feature far from its median, measured in robust standard deviations.

    Each feature is centred on its training median and scaled by its median absolute deviation (MAD) times 1.4826,
    which equals the standard deviation for normally distributed data but is not dragged around by the outliers
    themselves. A row's score is minus its largest absolute robust z over all features, so one extreme feature is
    enough to flag it. With ``contamination="auto"`` a row is an outlier when that largest ``|z|`` exceeds
    ``threshold`` (3.5 is the cutoff proposed by Iglewicz and Hoaglin).

    Parameters
    ----------
    threshold : float, default=3.5
        The largest ``|z|`` still counted as normal when ``contamination="auto"``.
    contamination : "auto" or float, default="auto"
        ``"auto"`` sets ``offset_ = -threshold``; a float in (0, 0.5] sets ``offset_`` to that percentile of the
        training scores, so about that share of training rows is flagged.
    min_scale : float, default=0.0
        A floor under each feature's scale, in the feature's units: where nearly every value agrees, the robust
        scale shrinks towards 0 and a trivial departure would get a huge z; the floor says what difference is
        too small to matter (e.g. 0.05 for log changes: about 5 %).

    Attributes
    ----------
    center_ : ndarray of shape (n_features,)
        The median of each feature.
    scale_ : ndarray of shape (n_features,)
        The robust standard deviation of each feature: MAD × 1.4826. Budget data is full of repeated round
        numbers, so where more than half the values are equal the MAD is 0; there the mean absolute deviation from
        the median × 1.2533 is used instead, and where that is 0 too (all training values equal) the scale is 1.0,
        so any departure from the common value counts as a z of that many raw units.
    offset_ : float
        ``decision_function(X) = score_samples(X) - offset_``.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names seen during ``fit``, when ``X`` had string column names.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0], [2.0], [3.0], [4.0], [100.0]])
    >>> detector = RobustZScore().fit(X)
    >>> detector.center_, detector.scale_
    (array([3.]), array([1.4826]))
    >>> detector.predict(X).tolist()
    [1, 1, 1, 1, -1]
    """

    def __init__(self, threshold: float = 3.5, contamination: str | float = "auto", min_scale: float = 0.0) -> None:
        self.threshold = threshold
        self.contamination = contamination
        self.min_scale = min_scale

    def fit(self, X: ArrayLike, y: object = None) -> Self:
        """Learn each feature's median and robust scale.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data; NaN and infinity are rejected.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        RobustZScore
            The fitted detector.
        """
        _check_positive_real("threshold", self.threshold, allow_zero=False)
        _check_positive_real("min_scale", self.min_scale, allow_zero=True)
        _check_contamination(self.contamination)
        X = validate_data(self, X, dtype=np.float64)
        center = np.median(X, axis=0)
        abs_dev = np.abs(X - center)
        mad = np.median(abs_dev, axis=0)
        mean_ad = abs_dev.mean(axis=0)
        self.center_ = center
        scale = np.where(mad > 0, mad * _MAD_TO_SIGMA, np.where(mean_ad > 0, mean_ad * _MEAN_AD_TO_SIGMA, 1.0))
        self.scale_ = np.maximum(scale, float(self.min_scale))
        self.offset_ = _fitted_offset(self.contamination, self._scores(X), -float(self.threshold))
        return self

    def zscores(self, X: ArrayLike) -> NDArray[np.float64]:
        """Signed robust z of every value: ``(X - center_) / scale_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to measure.

        Returns
        -------
        ndarray of shape (n_samples, n_features)
            Positive above the median, negative below.

        Examples
        --------
        >>> import numpy as np
        >>> X = np.array([[1.0], [2.0], [3.0], [4.0], [100.0]])
        >>> RobustZScore().fit(X).zscores(X).ravel().round(2).tolist()
        [-1.35, -0.67, 0.0, 0.67, 65.43]
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return self._zscores(X)

    def _zscores(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        return (X - self.center_) / self.scale_

    def _scores(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        return -np.abs(self._zscores(X)).max(axis=1)


class IQRFences(_OutlierDetector):
    """Flag rows with a feature outside Tukey's fences, ``[Q1 - k·IQR, Q3 + k·IQR]``.

    For each feature the first and third quartiles (Q1, Q3) of the training data are taken with NumPy's default
    linear interpolation, and the fences lie ``k`` interquartile ranges (IQR = Q3 - Q1) beyond them. A value on or
    inside the fences is normal; a value outside scores by how far it lies beyond the nearer fence, in IQRs, and a
    row scores minus its worst feature. The fences are kept in ``fences_`` and shown by :meth:`fences_frame`, so
    every flag can be checked by hand.

    Parameters
    ----------
    k : float, default=1.5
        Width of the fences in IQRs (1.5 is Tukey's "outlier", 3 his "far out").
    contamination : "auto" or float, default="auto"
        ``"auto"`` sets ``offset_ = 0.0``: exactly the rows strictly outside the fences are outliers. A float in
        (0, 0.5] sets ``offset_`` to that percentile of the training scores; since every row inside the fences
        scores 0, fewer rows than that share may be flagged.

    Attributes
    ----------
    q1_ : ndarray of shape (n_features,)
        First quartile of each feature.
    q3_ : ndarray of shape (n_features,)
        Third quartile of each feature.
    fences_ : ndarray of shape (n_features, 2)
        Lower and upper fence of each feature: ``q1_ - k·IQR`` and ``q3_ + k·IQR``.
    offset_ : float
        ``decision_function(X) = score_samples(X) - offset_``.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names seen during ``fit``, when ``X`` had string column names.

    Notes
    -----
    Where a feature's IQR is 0 (more than half its values equal) its fences collapse onto that value, and the
    distance beyond them is measured in raw units instead of IQRs.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[2.0], [3.0], [4.0], [5.0], [6.0], [40.0]])
    >>> detector = IQRFences().fit(X)
    >>> detector.fences_.tolist()
    [[-0.5, 9.5]]
    >>> detector.predict(X).tolist()
    [1, 1, 1, 1, 1, -1]
    """

    def __init__(self, k: float = 1.5, contamination: str | float = "auto") -> None:
        self.k = k
        self.contamination = contamination

    def fit(self, X: ArrayLike, y: object = None) -> Self:
        """Learn each feature's quartiles and fences.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data; NaN and infinity are rejected.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        IQRFences
            The fitted detector.
        """
        _check_positive_real("k", self.k, allow_zero=True)
        _check_contamination(self.contamination)
        X = validate_data(self, X, dtype=np.float64)
        q1, q3 = np.percentile(X, [25.0, 75.0], axis=0)
        width = float(self.k) * (q3 - q1)
        self.q1_ = q1
        self.q3_ = q3
        self.fences_ = np.column_stack([q1 - width, q3 + width])
        self.offset_ = _fitted_offset(self.contamination, self._scores(X), 0.0)
        return self

    def fences_frame(self, feature_names: Sequence[str] | None = None) -> pl.DataFrame:
        """The quartiles and fences of each feature, one row per feature.

        Parameters
        ----------
        feature_names : sequence of str, optional
            One name per feature. Defaults to the column names seen in ``fit``, else ``x0``, ``x1``, ...

        Returns
        -------
        polars.DataFrame
            Columns ``feature`` (String) and ``q1``, ``q3``, ``lower``, ``upper`` (Float64).

        Raises
        ------
        ValueError
            If ``feature_names`` does not hold exactly one name per feature.

        Examples
        --------
        >>> import numpy as np
        >>> X = np.array([[2.0, 10.0], [3.0, 10.0], [4.0, 10.0], [5.0, 10.0], [6.0, 10.0], [40.0, 10.0]])
        >>> frame = IQRFences().fit(X).fences_frame(["支出", "人数"])
        >>> frame.columns
        ['feature', 'q1', 'q3', 'lower', 'upper']
        >>> frame.row(0)
        ('支出', 3.25, 5.75, -0.5, 9.5)
        """
        check_is_fitted(self)
        if feature_names is None:
            names = getattr(self, "feature_names_in_", None)
            feature_names = [str(n) for n in names] if names is not None else [f"x{i}" for i in range(self.q1_.size)]
        names_list = [str(name) for name in feature_names]
        if len(names_list) != self.n_features_in_:
            msg = (
                f"fences_frame needs one name per feature: the detector was fitted on {self.n_features_in_} "
                f"feature(s), got {len(names_list)} name(s): {names_list!r}."
            )
            raise ValueError(msg)
        return pl.DataFrame(
            {
                "feature": names_list,
                "q1": self.q1_,
                "q3": self.q3_,
                "lower": self.fences_[:, 0],
                "upper": self.fences_[:, 1],
            },
            schema={"feature": pl.String, "q1": pl.Float64, "q3": pl.Float64, "lower": pl.Float64, "upper": pl.Float64},
        )

    def _scores(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        iqr = self.q3_ - self.q1_
        unit = np.where(iqr > 0, iqr, 1.0)
        beyond = np.maximum((X - self.fences_[:, 1]) / unit, (self.fences_[:, 0] - X) / unit)
        # 0.0 - ... rather than unary minus, so rows inside the fences score 0.0, not -0.0.
        return 0.0 - np.maximum(beyond, 0.0).max(axis=1)


class DedupLocalOutlierFactor(_OutlierDetector):
    """Local outlier factor computed on the distinct rows, so repeated values cannot break it.

    The local outlier factor (LOF) compares how crowded a row's neighbourhood is with how crowded its neighbours'
    neighbourhoods are; about 1 is normal, well above 1 means the row sits in a sparse spot next to denser ones.
    Plain LOF breaks on repeated rows, which budget data is full of: a value repeated more than ``n_neighbors``
    times has a neighbourhood of radius 0 and an infinite density, and then any nearby distinct row looks
    extremely abnormal. This detector fits LOF on the distinct rows only, so a repeated value counts once.

    Parameters
    ----------
    n_neighbors : int, default=20
        Neighbourhood size; lowered to ``n_unique_ - 1`` when there are fewer distinct rows.
    contamination : "auto" or float, default="auto"
        ``"auto"`` sets ``offset_ = -1.5``, scikit-learn's LOF convention: a LOF above 1.5 is an outlier. A float in
        (0, 0.5] sets ``offset_`` to that percentile of the training scores.

    Attributes
    ----------
    unique_rows_ : ndarray of shape (n_unique_, n_features)
        The distinct training rows, sorted.
    n_unique_ : int
        Number of distinct training rows.
    n_neighbors_ : int
        Neighbourhood size actually used, ``min(n_neighbors, n_unique_ - 1)``.
    lof_ : LocalOutlierFactor or None
        The ``LocalOutlierFactor(novelty=True)`` fitted on ``unique_rows_``; None when there is one distinct row.
    offset_ : float
        ``decision_function(X) = score_samples(X) - offset_``.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names seen during ``fit``, when ``X`` had string column names.

    Notes
    -----
    A row's score is minus its LOF among the distinct training rows *other than itself*: a row equal to a training
    row gets that row's training LOF (``lof_.negative_outlier_factor_``), any other row gets
    ``lof_.score_samples``. Scoring a training row with ``lof_.score_samples`` alone would count the row as its own
    nearest neighbour and pull every score towards -1.

    Dropping duplicates also drops how often a value occurs: with only a few distinct rows every row's
    neighbourhood is nearly the whole data and every LOF is close to 1, however often each value repeats.

    When all training rows are equal there is nothing to compare with: rows equal to that row score -1.0 (a LOF
    of 1, normal) and any other row scores ``-(1 + d)`` with ``d`` its Euclidean distance to it in raw units, so
    with ``"auto"`` a row more than 0.5 away is an outlier.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0], [0.0], [0.0], [1.0], [1.0], [2.0], [3.0], [3.0], [4.0], [30.0]])
    >>> detector = DedupLocalOutlierFactor(n_neighbors=3).fit(X)
    >>> detector.n_unique_, detector.n_neighbors_
    (6, 3)
    >>> detector.predict(X).tolist()
    [1, 1, 1, 1, 1, 1, 1, 1, 1, -1]
    """

    def __init__(self, n_neighbors: int = 20, contamination: str | float = "auto") -> None:
        self.n_neighbors = n_neighbors
        self.contamination = contamination

    def fit(self, X: ArrayLike, y: object = None) -> Self:
        """Fit a local outlier factor model on the distinct rows of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data; NaN and infinity are rejected.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        DedupLocalOutlierFactor
            The fitted detector.
        """
        if not isinstance(self.n_neighbors, Integral) or isinstance(self.n_neighbors, bool) or self.n_neighbors < 1:
            msg = f"n_neighbors must be an integer >= 1; got {self.n_neighbors!r}."
            raise ValueError(msg)
        _check_contamination(self.contamination)
        X = validate_data(self, X, dtype=np.float64)
        unique_rows = np.unique(X, axis=0)
        self.unique_rows_ = unique_rows
        self.n_unique_ = int(unique_rows.shape[0])
        self.n_neighbors_ = min(int(self.n_neighbors), self.n_unique_ - 1)
        self.lof_: LocalOutlierFactor | None = None
        if self.n_unique_ > 1:
            self.lof_ = LocalOutlierFactor(n_neighbors=self.n_neighbors_, novelty=True).fit(unique_rows)
        self.offset_ = _fitted_offset(self.contamination, self._scores(X), _LOF_AUTO_OFFSET)
        return self

    def _scores(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        if self.lof_ is None:
            return -(1.0 + np.linalg.norm(X - self.unique_rows_[0], axis=1))
        scores = self.lof_.score_samples(X)
        _, nearest = self.lof_.kneighbors(X, n_neighbors=1)
        nearest = nearest[:, 0]
        is_training_row = np.all(self.unique_rows_[nearest] == X, axis=1)
        scores[is_training_row] = self.lof_.negative_outlier_factor_[nearest[is_training_row]]
        return scores


DETECTORS: dict[str, type[OutlierMixin]] = {
    "robust_z": RobustZScore,
    "iqr": IQRFences,
    "isolation_forest": IsolationForest,
    "lof": DedupLocalOutlierFactor,
}
"""Detector factories by short name: ``DETECTORS[name](**params)`` builds an unfitted detector."""
