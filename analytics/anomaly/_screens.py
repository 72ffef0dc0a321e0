"""Portfolio screens: patterns across a whole dataset (a district, every department and year) worth a look.

These screens point a reader to where to look; none of them shows that a figure is wrong. They run over the
``lines`` table as a whole, not over one department's tables, and they are meant for orientation before the
department-level checks and detectors:

- ``benford_first_digit``: do the first significant digits of the amounts follow Benford's law? Budget figures
  break the law for ordinary reasons (a few large totals reprinted in many tables, planned figures rounded to whole
  万元, small samples), so a poor fit is a lead, never a finding.
- ``round_number_share``: how many amounts per department and year are whole 万元 or whole 10万元. Budgets are
  planned in round figures, so a high share is normal for a budget and says more about a final account.
- ``repeated_amounts``: identical, non-round amounts printed by different departments. Departments share
  standard allocations (a per-capita subsidy, a district-wide programme), so a repetition may be legitimate.

Every line counts once as printed: a total reprinted in several tables of the same document, or a year printed by
two documents, counts every time it appears. Money stays exact: the tests of roundness and the first digit work on
the ``Decimal`` value, never on a float.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

import polars as pl

from analytics import schema as s
from analytics.errors import AnalyticsError, SchemaError

__all__ = [
    "BENFORD_BANDS",
    "COUNT",
    "DEPARTMENT_COUNT",
    "DEPARTMENT_IDS",
    "DIFFERENCE",
    "DIGIT",
    "EXPECTED_SHARE",
    "MAD_ACCEPTABLE",
    "MAD_CLOSE",
    "MAD_MARGINAL",
    "NONZERO_COUNT",
    "OBSERVED_SHARE",
    "OCCURRENCES",
    "ROUND_UNITS",
    "BenfordResult",
    "ScreenRefused",
    "benford_first_digit",
    "repeated_amounts",
    "round_number_share",
]

# --- column names of the frames these screens return -------------------------------------------------------------
DIGIT = "digit"
COUNT = "count"
OBSERVED_SHARE = "observed_share"
EXPECTED_SHARE = "expected_share"
DIFFERENCE = "difference"
NONZERO_COUNT = "nonzero_count"
DEPARTMENT_COUNT = "department_count"
#: The sorted department ids sharing a repeated amount.
DEPARTMENT_IDS = "departments"
OCCURRENCES = "occurrences"

# --- Benford conformity -------------------------------------------------------------------------------------------
# Critical values of the mean absolute deviation (MAD) for first digits, from M. J. Nigrini, "Benford's Law:
# Applications for Forensic Accounting, Auditing, and Fraud Detection" (Wiley, 2012). A MAD up to each edge
# (inclusive) falls in that band; above the last edge is nonconformity.
MAD_CLOSE = 0.006
MAD_ACCEPTABLE = 0.012
MAD_MARGINAL = 0.015
#: Conformity bands, tightest first: (upper MAD edge, label, Chinese label, English label).
BENFORD_BANDS: tuple[tuple[float, str, str, str], ...] = (
    (MAD_CLOSE, "close", "高度符合", "close conformity"),
    (MAD_ACCEPTABLE, "acceptable", "可接受", "acceptable conformity"),
    (MAD_MARGINAL, "marginal", "勉强可接受", "marginally acceptable conformity"),
    (math.inf, "nonconformity", "不符合", "nonconformity"),
)

# --- round numbers ------------------------------------------------------------------------------------------------
#: Units a round amount is a whole multiple of, by the label used in the column names (``round_10k_share`` …).
ROUND_UNITS: Mapping[str, Decimal] = MappingProxyType({"10k": Decimal("10000"), "100k": Decimal("100000")})

#: At most this many lines are cited as evidence for one repeated amount.
_EVIDENCE_LIMIT = 20
_EVIDENCE_FIELDS = (s.DOC_ID, s.TABLE, s.PAGE, s.LINE, s.SOURCE_TEXT)


class ScreenRefused(AnalyticsError):  # noqa: N818 - the name says what happened: the screen refused
    """A screen cannot say anything meaningful about the data given (too few amounts, typically)."""


@dataclass(frozen=True, eq=False)  # eq=False: a DataFrame field has no truth value to compare with
class BenfordResult:
    """The outcome of the first-digit screen.

    Attributes
    ----------
    table
        One row per digit 1–9: ``digit``, ``count``, ``observed_share``, ``expected_share`` (log10(1 + 1/d)) and
        ``difference`` (observed − expected).
    count
        How many amounts were tested.
    mad
        Mean absolute deviation between observed and expected shares over the nine digits.
    conformity
        Nigrini's band for ``mad``: ``close``, ``acceptable``, ``marginal`` or ``nonconformity``.
    """

    table: pl.DataFrame
    count: int
    mad: float
    conformity: str

    def _band(self) -> tuple[float, str, str, str]:
        return next(band for band in BENFORD_BANDS if band[1] == self.conformity)

    @property
    def label_zh(self) -> str:
        """One line in Chinese, e.g. ``首位数字分布与本福特定律：可接受（MAD 0.0090，n=1234）；仅为筛查线索``."""
        return f"首位数字分布与本福特定律：{self._band()[2]}（MAD {self.mad:.4f}，n={self.count}）；仅为筛查线索"

    @property
    def label_en(self) -> str:
        """One line in English, e.g. ``First digits vs Benford's law: acceptable conformity (MAD 0.0090, …``."""
        return (
            f"First digits vs Benford's law: {self._band()[3]} (MAD {self.mad:.4f}, n={self.count}); "
            "a screening lead only"
        )


def _conformity(mad: float) -> str:
    return next(label for edge, label, _, _ in BENFORD_BANDS if mad <= edge)


def _exact(amounts: pl.Series, where: str) -> pl.Series:
    """``amounts`` as an exact Decimal series; floats are refused because their digits are not the printed ones."""
    dtype = amounts.dtype
    if isinstance(dtype, pl.Decimal):
        return amounts
    if dtype.is_integer():
        return amounts.cast(pl.Decimal(38, 0))
    raise SchemaError(f"{where}: amounts must be exact (Decimal 元 or integers), got {dtype}")


def _require(frame: pl.DataFrame, columns: Sequence[str], where: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise SchemaError(
            f"{where}: missing column(s) {', '.join(map(repr, missing))}; the frame has {', '.join(frame.columns)}"
        )
    _exact(frame.get_column(s.AMOUNT_YUAN).head(0), where)


def benford_first_digit(
    amounts: pl.Series, *, min_count: int = 300, min_amount: Decimal = Decimal("10")
) -> BenfordResult:
    """Compare the first significant digits of ``amounts`` with Benford's law (a screen, not a test of error).

    The first digit is read from the exact decimal value. The sign is ignored (a reduction has the digits of its
    size). Zero has no first digit and is left out; so is every amount below ``min_amount`` in absolute value:
    a few 元 are rounding residues or token entries, not magnitudes that grew naturally, and tables printed in
    万元 with two decimals cannot show anything finer than 100 元, so their small figures have digits set by
    rounding.

    Parameters
    ----------
    amounts
        Amounts in 元, ``Decimal`` (or integer); nulls are ignored.
    min_count
        Fewest usable amounts the screen accepts: with fewer, the nine shares are noise.
    min_amount
        Smallest absolute amount tested.

    Returns
    -------
    BenfordResult
        The digit table, the count, the MAD and Nigrini's conformity band, with one-line labels.

    Raises
    ------
    ScreenRefused
        When fewer than ``min_count`` amounts are usable.
    SchemaError
        When ``amounts`` are floats.

    Examples
    --------
    >>> from decimal import Decimal
    >>> amounts = pl.Series([Decimal("123.45"), Decimal("-1800.00"), Decimal("27.00"), Decimal("0.00")])
    >>> result = benford_first_digit(amounts, min_count=3)
    >>> result.count, result.table[COUNT].to_list()
    (3, [2, 1, 0, 0, 0, 0, 0, 0, 0])
    >>> result.conformity
    'nonconformity'
    >>> benford_first_digit(amounts)
    Traceback (most recent call last):
    ...
    analytics.anomaly._screens.ScreenRefused: Benford first-digit screen: 3 usable amount(s) of 4 given (non-zero, \
|amount| ≥ 10 元); at least 300 are needed
    """
    where = "benford_first_digit"
    exact = _exact(amounts, where).alias("amount")
    magnitude = pl.col("amount").abs()
    digits = (
        exact.to_frame()
        .lazy()
        .filter(magnitude > 0, magnitude >= min_amount)
        # The exact decimal text ("0.05", "1234.50"): its first non-zero digit is the first significant digit.
        .select(magnitude.cast(pl.String).str.extract(r"([1-9])", 1).cast(pl.Int8).alias(DIGIT))
        .collect()
    )
    if digits.height < min_count:
        raise ScreenRefused(
            f"Benford first-digit screen: {digits.height} usable amount(s) of {exact.len()} given "
            f"(non-zero, |amount| ≥ {min_amount} 元); at least {min_count} are needed"
        )
    n = digits.height
    counts = digits.group_by(DIGIT).agg(pl.len().cast(pl.Int64).alias(COUNT))
    table = (
        pl.DataFrame({DIGIT: range(1, 10)}, schema={DIGIT: pl.Int8})
        .join(counts, on=DIGIT, how="left")
        .with_columns(pl.col(COUNT).fill_null(0))
        .with_columns(
            (pl.col(COUNT) / n).alias(OBSERVED_SHARE),
            (1 + 1 / pl.col(DIGIT).cast(pl.Float64)).log10().alias(EXPECTED_SHARE),
        )
        .with_columns((pl.col(OBSERVED_SHARE) - pl.col(EXPECTED_SHARE)).alias(DIFFERENCE))
        .sort(DIGIT)
    )
    mad = float(table.get_column(DIFFERENCE).abs().mean())
    return BenfordResult(table=table, count=n, mad=mad, conformity=_conformity(mad))


def _check_units(units: Mapping[str, Decimal]) -> None:
    if not units:
        raise ValueError("round_number_share: units is empty; give at least one, e.g. {'10k': Decimal('10000')}")
    for label, unit in units.items():
        if not isinstance(unit, Decimal) or unit <= 0:
            raise ValueError(f"round_number_share: unit {label!r} must be a positive Decimal in 元, got {unit!r}")


def round_number_share(
    lines: pl.DataFrame,
    *,
    by: Sequence[str] = (s.DEPARTMENT_ID, s.FISCAL_YEAR),
    units: Mapping[str, Decimal] | None = None,
) -> pl.DataFrame:
    """Per group, how many non-zero amounts are whole multiples of round units (by default 1万元 and 10万元).

    Tables printed in 万元 with two decimals make every amount a multiple of 100 元, so the 1万元 share measures
    figures that are whole 万元 (no decimals in print), and the 10万元 share figures that are whole tens of 万元.
    Roundness is tested on the exact ``Decimal`` value; the sign does not matter; zero and null amounts are left
    out of both the numerator and the denominator.

    Parameters
    ----------
    lines
        The ``lines`` table (at least the ``by`` columns and ``amount_yuan``).
    by
        Grouping columns.
    units
        Round units in 元 by label; each label gives the columns ``round_<label>_count`` and
        ``round_<label>_share``. Default ``ROUND_UNITS``: ``10k`` = 10,000 元, ``100k`` = 100,000 元.

    Returns
    -------
    pl.DataFrame
        The ``by`` columns, ``nonzero_count`` and per unit ``round_<label>_count`` and ``round_<label>_share``
        (``Float64``; null for a group with no non-zero amount), sorted by ``by``.

    Examples
    --------
    >>> from decimal import Decimal
    >>> lines = pl.DataFrame(
    ...     {"department_id": ["a", "a", "a"], "amount_yuan": [Decimal("30000"), Decimal("250000"), Decimal("1.5")]},
    ...     schema={"department_id": pl.String, "amount_yuan": pl.Decimal(18, 2)},
    ... )
    >>> round_number_share(lines, by=["department_id"]).row(0)
    ('a', 3, 2, 0.6666666666666666, 0, 0.0)
    """
    units = ROUND_UNITS if units is None else units
    _check_units(units)
    keys = list(by)
    _require(lines, [*keys, s.AMOUNT_YUAN], "round_number_share")
    amount = pl.col(s.AMOUNT_YUAN)
    nonzero = amount.is_not_null() & (amount != 0)
    counts = [nonzero.sum().cast(pl.Int64).alias(NONZERO_COUNT)]
    shares: list[pl.Expr] = []
    order = [*keys, NONZERO_COUNT]
    for label, unit in units.items():
        count, share = f"round_{label}_count", f"round_{label}_share"
        counts.append((nonzero & (amount % unit == 0)).sum().cast(pl.Int64).alias(count))
        shares.append(
            pl.when(pl.col(NONZERO_COUNT) > 0).then(pl.col(count) / pl.col(NONZERO_COUNT)).otherwise(None).alias(share)
        )
        order += [count, share]
    return lines.lazy().group_by(keys).agg(counts).with_columns(shares).select(order).sort(keys).collect()


def repeated_amounts(
    lines: pl.DataFrame,
    *,
    min_departments: int = 2,
    min_amount: Decimal = Decimal("100000"),
    exclude_round: Decimal | None = Decimal("100000"),
) -> pl.DataFrame:
    """Identical amounts printed by at least ``min_departments`` different departments.

    Only amounts of at least ``min_amount`` (absolute value) count, and by default not whole multiples of
    ``exclude_round``: round budgets legitimately repeat. The same amount several times within one department (a
    total reprinted in several tables, a year printed by two documents) counts as one department. Amounts are
    compared exactly and with their sign.

    Parameters
    ----------
    lines
        The ``lines`` table.
    min_departments
        Fewest different departments an amount must appear in.
    min_amount
        Smallest absolute amount in 元.
    exclude_round
        Leave out whole multiples of this many 元; ``None`` keeps them.

    Returns
    -------
    pl.DataFrame
        One row per amount: ``amount_yuan``, ``department_count``, ``departments`` (sorted ids), ``occurrences``
        (lines) and ``evidence`` (up to 20 distinct structs ``doc_id, table, page, line, source_text``, taking
        each department's first line before any department's second), most departments first.

    Examples
    --------
    >>> from analytics.schema import empty_frame
    >>> repeated_amounts(empty_frame("lines")).columns
    ['amount_yuan', 'department_count', 'departments', 'occurrences', 'evidence']
    """
    if min_departments < 1:
        raise ValueError(f"repeated_amounts: min_departments must be at least 1, got {min_departments}")
    _require(lines, [s.DEPARTMENT_ID, s.AMOUNT_YUAN, *_EVIDENCE_FIELDS], "repeated_amounts")
    amount = pl.col(s.AMOUNT_YUAN)
    keep = amount.is_not_null() & (amount != 0) & (amount.abs() >= min_amount)
    if exclude_round is not None:
        keep &= amount % exclude_round != 0
    provenance = [s.DOC_ID, s.PAGE, s.LINE, s.TABLE]
    return (
        lines.lazy()
        .filter(keep)
        .sort([s.AMOUNT_YUAN, s.DEPARTMENT_ID, *provenance], nulls_last=True)
        # Rank each line within its department so the evidence cites every department before repeating one.
        .with_columns(pl.int_range(pl.len()).over([s.AMOUNT_YUAN, s.DEPARTMENT_ID]).alias("_rank"))
        .sort([s.AMOUNT_YUAN, "_rank", s.DEPARTMENT_ID], maintain_order=True)
        .group_by(s.AMOUNT_YUAN, maintain_order=True)
        .agg(
            pl.col(s.DEPARTMENT_ID).n_unique().cast(pl.Int64).alias(DEPARTMENT_COUNT),
            pl.col(s.DEPARTMENT_ID).unique().sort().alias(DEPARTMENT_IDS),
            pl.len().cast(pl.Int64).alias(OCCURRENCES),
            # Two columns of one printed line cite the same place: cite it once.
            pl.struct(_EVIDENCE_FIELDS).unique(maintain_order=True).head(_EVIDENCE_LIMIT).alias(s.EVIDENCE),
        )
        .filter(pl.col(DEPARTMENT_COUNT) >= min_departments)
        .sort([DEPARTMENT_COUNT, OCCURRENCES, s.AMOUNT_YUAN], descending=True)
        .collect()
    )
