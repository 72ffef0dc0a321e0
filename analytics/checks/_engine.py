"""The rule engine: a catalog of rules, each an identity that yields findings; the engine turns them into flags.

A rule is a function from the dataset (and the settings) to a frame of *findings*, one row per thing found, with
the columns of ``FINDING`` below. The engine adds what every flag has: a stable ``flag_id`` (a hash of the rule and
the finding's key, so re-running the checks never renumbers a flag an auditor has triaged), the rule's id, family
and severity, and validates the result against the ``flags`` table of the data contract.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any, TypeVar

import polars as pl

from analytics import labels
from analytics import schema as s
from analytics.errors import AnalyticsError
from analytics.store import Dataset

T = TypeVar("T")

__all__ = ["FINDING", "RULES", "Rule", "Settings", "load_settings", "rule", "run_checks", "shared", "with_flags"]

#: Columns a rule returns (``key`` makes the flag id stable; ``severity`` may override the rule's default).
FINDING: dict[str, pl.DataType] = {
    "key": pl.String,
    s.DEPARTMENT_ID: pl.String,
    s.FISCAL_YEAR: pl.Int32,
    s.DOC_ID: pl.String,
    s.SUBJECT: pl.String,
    s.MEASURE: pl.String,
    s.OBSERVED: s.FLAG_VALUE,
    s.EXPECTED: s.FLAG_VALUE,
    s.VARIANCE: s.FLAG_VALUE,
    s.THRESHOLD: s.FLAG_VALUE,
    s.MESSAGE_ZH: pl.String,
    s.MESSAGE_EN: pl.String,
    s.EVIDENCE: pl.List(s.EVIDENCE_ITEM),
    s.SEVERITY: pl.String,
    s.SCORE: pl.Float64,
    s.PEER_GROUP: pl.String,
    s.PEER_STATS: s.PEER_STATS_ITEM,
}

#: The rule families (their labels are ``analytics.labels``' one table).
FAMILIES = labels.FAMILIES


@dataclass(frozen=True)
class Settings:
    """Tolerances and thresholds of the rules (``analytics/checks/settings.toml``), overridable per run."""

    values: dict[str, Any] = field(default_factory=dict)

    def get(self, section: str, name: str) -> Any:
        try:
            return self.values[section][name]
        except KeyError:
            raise AnalyticsError(
                f"checks settings: no [{section}] {name}; see analytics/checks/settings.toml"
            ) from None

    def decimal(self, section: str, name: str) -> Decimal:
        return Decimal(str(self.get(section, name)))


@cache
def _settings_text(package: str) -> str:
    return resources.files(package).joinpath("settings.toml").read_text(encoding="utf-8")


def settings_values(
    package: str, overrides: dict[str, dict[str, Any]] | None = None, *, new_sections: bool = True
) -> dict[str, dict[str, Any]]:
    """The ``settings.toml`` shipped with ``package`` (read once), with ``overrides`` applied per section.

    An override of a section the file lacks adds it, or, with ``new_sections=False``, is an ``AnalyticsError``.
    """
    values = tomllib.loads(_settings_text(package))
    for section, items in (overrides or {}).items():
        if not new_sections and section not in values:
            where = package.replace(".", "/")
            raise AnalyticsError(
                f"{package.rsplit('.', 1)[-1]} settings: no section [{section}]; see {where}/settings.toml"
            )
        values.setdefault(section, {}).update(items)
    return values


def load_settings(overrides: dict[str, dict[str, Any]] | None = None) -> Settings:
    """The shipped settings, with ``overrides`` (``{"tolerance": {"yuan_per_figure": 2}}``) applied.

    Examples
    --------
    >>> load_settings().decimal("tolerance", "wan_per_figure_yuan")
    Decimal('100')
    """
    return Settings(settings_values("analytics.checks", overrides))


@dataclass(frozen=True)
class Rule:
    """One check: id, family, default severity, what it checks (Chinese and English), and its function."""

    id: str
    family: str
    severity: str
    title_zh: str
    title_en: str
    run: Callable[[Dataset, Settings], pl.DataFrame]
    #: Who raises its findings: a check of the catalog (``rule``) or the reader's own doubts (``reader``).
    source: str = "rule"


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str, family: str, severity: str, title_zh: str, title_en: str, *, source: str = "rule"
) -> Callable[[Callable[[Dataset, Settings], pl.DataFrame]], Callable[[Dataset, Settings], pl.DataFrame]]:
    """Register a rule function in the catalog."""
    if family not in FAMILIES or severity not in s.SEVERITIES or source not in s.FLAG_SOURCES:
        raise ValueError(f"rule {rule_id}: unknown family {family!r}, severity {severity!r} or source {source!r}")

    def register(function: Callable[[Dataset, Settings], pl.DataFrame]) -> Callable[[Dataset, Settings], pl.DataFrame]:
        RULES[rule_id] = Rule(rule_id, family, severity, title_zh, title_en, function, source)
        return function

    return register


def findings(rows: Iterable[dict[str, object]]) -> pl.DataFrame:
    """A findings frame from rule rows (missing columns are null)."""
    materialized = [{column: row.get(column) for column in FINDING} for row in rows]
    return pl.DataFrame(materialized, schema=FINDING, orient="row")


def evidence(frame: pl.DataFrame, part: str = s.TABLE, *, limit: int = 20) -> list[dict[str, object]]:
    """Evidence items (where each figure was published) from rows of ``lines`` / ``statements`` / … .

    ``part`` is a column of ``frame`` naming the table or part (``table``), or a literal label ("narrative").
    """
    return frame.head(limit).select(_evidence_items(frame, part)).unique(maintain_order=True).to_dicts()


#: The fields of an evidence item, in order.
_EVIDENCE_FIELDS = (s.DOC_ID, "table_or_part", s.PAGE, s.LINE, s.SOURCE_TEXT)


def _evidence_items(frame: pl.DataFrame, part: str) -> list[pl.Expr]:
    """The columns of an evidence item (``_EVIDENCE_FIELDS``) from rows of ``frame``; a column it lacks is null."""
    label = pl.col(part) if part in frame.columns else pl.lit(part)

    def column(name: str, dtype: pl.DataType) -> pl.Expr:
        return pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype).alias(name)

    return [
        pl.col(s.DOC_ID),
        label.cast(pl.String).alias("table_or_part"),
        column(s.PAGE, pl.Int32),
        column(s.LINE, pl.Int32),
        column(s.SOURCE_TEXT, pl.String),
    ]


def evidence_lists(matches: pl.DataFrame, by: str, order: str, part: str = s.TABLE, *, limit: int = 20) -> pl.DataFrame:
    """The evidence of many findings at once: ``evidence`` of each finding's rows, as one frame.

    ``matches`` holds, for every finding (its id in column ``by``), the rows it rests on, each once, with their
    place in the frame they come from in column ``order``: a finding's evidence lists them in that order, as
    ``evidence`` lists the rows of the frame filtered for that finding. Returns ``by`` and ``evidence`` (a list of
    evidence items), one row per finding that has rows; a join and a group-by, so that the cost grows with the rows
    and not with findings times rows.

    Examples
    --------
    >>> matches = pl.DataFrame({"f": [0, 0], "_n": [2, 1], "doc_id": ["d", "d"], "table": ["t", "t"],
    ...                         "page": [3, 1], "line": [4, 2], "source_text": ["b", "a"]})
    >>> [item["page"] for item in evidence_lists(matches, "f", "_n").row(0, named=True)["evidence"]]
    [1, 3]
    """
    return (
        matches.sort(by, order, maintain_order=True)
        .group_by(by, maintain_order=True)
        .head(limit)
        .select(pl.col(by), *_evidence_items(matches, part))
        .unique(maintain_order=True)
        .group_by(by, maintain_order=True)
        .agg(pl.struct(list(_EVIDENCE_FIELDS)).alias(s.EVIDENCE))
    )


def flag_id(rule_id: str, key: str | None) -> str:
    """The stable id of a finding: a hash of its rule and its key (what it is about), the same on every run."""
    return hashlib.sha256(f"{rule_id}|{key}".encode()).hexdigest()[:16]


#: What rules of one run share (the document text split into lines, the cross-table identities found together):
#: computed once per ``run_checks`` and dropped when it returns. ``None`` outside a run.
_SHARED: dict[str, Any] | None = None


def shared(name: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per run of the checks under ``name`` (every rule of the run gets the same value); outside
    a run (a rule called on its own) it is computed each time."""
    if _SHARED is None:
        return compute()
    if name not in _SHARED:
        _SHARED[name] = compute()
    return _SHARED[name]  # type: ignore[no-any-return]


def run_checks(
    dataset: Dataset, settings: Settings | None = None, *, rules: Iterable[str] | None = None
) -> pl.DataFrame:
    """Run the rule catalog over ``dataset`` and return the ``flags`` table (validated, sorted).

    Parameters
    ----------
    dataset
        The dataset to check.
    settings
        Tolerances and thresholds (default: ``load_settings()``).
    rules
        Ids of the rules to run (default: all).

    Examples
    --------
    >>> from analytics.store import Dataset
    >>> run_checks(Dataset.empty()).height
    0
    """
    from analytics.checks import _rules  # noqa: F401 - registers the catalog

    chosen = settings or load_settings()
    selected = list(RULES) if rules is None else list(rules)
    unknown = [r for r in selected if r not in RULES]
    if unknown:
        raise AnalyticsError(f"unknown rule(s) {unknown}; the catalog has {', '.join(sorted(RULES))}")
    global _SHARED  # noqa: PLW0603 - the memo lives exactly as long as one run
    frames: list[pl.DataFrame] = []
    _SHARED = {}
    try:
        found_by_rule = [(rule_id, RULES[rule_id].run(dataset, chosen)) for rule_id in selected]
    finally:
        _SHARED = None
    for rule_id, raw in found_by_rule:
        spec = RULES[rule_id]
        if raw.is_empty():
            continue
        asked = with_question(rule_id, raw)
        found = asked.with_columns(
            pl.Series(s.FLAG_ID, [flag_id(rule_id, key) for key in asked.get_column("key").to_list()], dtype=pl.String),
            pl.lit(spec.source).alias(s.SOURCE),
            pl.lit(rule_id).alias(s.RULE_ID),
            pl.lit(spec.family).alias(s.FAMILY),
            pl.col(s.SEVERITY).fill_null(spec.severity),
        )
        frames.append(found.select(list(s.TABLES[s.FLAGS].columns)))
    if not frames:
        return s.empty_frame(s.FLAGS)
    return finish_flags(pl.concat(frames, how="vertical"))


def checks_since(
    dataset: Dataset, flags: pl.DataFrame, departments: Iterable[str], settings: Settings | None = None
) -> pl.DataFrame:
    """The rule flags of ``dataset`` when only ``departments`` changed since ``flags`` were derived: every rule runs
    on those departments' rows, the other departments' rule flags are kept — the rows ``run_checks(dataset)``
    gives, at the cost of the changed departments only (every rule looks at one department's rows;
    ``tests/test_incremental.py`` holds the catalog to that). Sorted as ``run_checks`` sorts; flags that tie keep
    the order they come in (``flags`` from a run: that run's).
    """
    changed = sorted(set(departments))
    present = set(dataset.documents.get_column(s.DEPARTMENT_ID)) | set(dataset.departments.get_column(s.DEPARTMENT_ID))
    kept = flags.filter((pl.col(s.SOURCE) != "model") & ~pl.col(s.DEPARTMENT_ID).is_in(changed))
    fresh = [run_checks(dataset.for_department(d), settings) for d in changed if d in present]
    frames = [kept.select(list(s.TABLES[s.FLAGS].columns)), *fresh]
    return finish_flags(pl.concat(frames, how="vertical"))


@cache
def questions() -> dict[str, tuple[str, str]]:
    """What to ask about each rule's findings (``analytics/checks/questions.csv``): rule id → (Chinese, English)."""
    text = resources.files("analytics.checks").joinpath("questions.csv").read_text(encoding="utf-8")
    return {row["rule_id"]: (row["ask_zh"], row["ask_en"]) for row in csv.DictReader(io.StringIO(text))}


def with_question(rule_id: str, found: pl.DataFrame) -> pl.DataFrame:
    """Findings whose message says what to ask: the rule's question (``questions``) follows a message that does
    not already ask (a rule may word its own question: with 请 in Chinese, "ask" in English)."""
    if rule_id not in questions():
        return found
    ask_zh, ask_en = questions()[rule_id]
    message_zh, message_en = pl.col(s.MESSAGE_ZH), pl.col(s.MESSAGE_EN)
    asks_zh = message_zh.str.contains("请", literal=True)
    asks_en = message_en.str.contains(r"(?i)\bask")
    return found.with_columns(
        pl.when(asks_zh).then(message_zh).otherwise(message_zh.str.strip_chars_end("。") + f"。{ask_zh}。"),
        pl.when(asks_en).then(message_en).otherwise(message_en.str.strip_chars_end(".") + f"; {ask_en}."),
    )


def finish_flags(flags: pl.DataFrame) -> pl.DataFrame:
    """``flags`` as the ``flags`` table: one row per flag id (the first), most serious first, validated."""
    flags = flags.unique(s.FLAG_ID, keep="first", maintain_order=True)
    order = s.severity_rank()
    return s.validate(
        s.FLAGS, flags.sort([order, s.DEPARTMENT_ID, s.FISCAL_YEAR, s.RULE_ID], nulls_last=True, maintain_order=True)
    )


def with_flags(dataset: Dataset, settings: Settings | None = None) -> Dataset:
    """``dataset`` with its ``flags`` table recomputed by every rule.

    Examples
    --------
    >>> from analytics.store import Dataset
    >>> with_flags(Dataset.empty()).flags.height
    0
    """
    return dataclasses.replace(dataset, flags=run_checks(dataset, settings))
