"""The coverage ledger: for each disclosure, which checks ran on it and which could not, and why.

A check that finds nothing and a check that could not look are different answers: "the narrative's percentages
agree" is not the same as "no narrative figures were read". Each rule's inputs are data
(``analytics/reference/rule_inputs.csv``: the standard tables it reads, or ``statements``, ``indicators``,
``projects``, ``staff``, ``prior_year`` …, with a Chinese and an English reason) and the phrases that say which
input is missing are data too (``rule_input_reasons.csv``). ``coverage`` looks at what the dataset holds for each
disclosure and says, per rule, ``ran`` or ``not_run`` with the reason. A rule the file does not list yet is listed
as ``ran`` with its needs unknown (``needs_known`` false): the ledger never hides a rule.

The ledger also carries analyses that are not checks, such as the per-staff figures (``analysis.per_staff``): a
department that does not disclose its staff numbers cannot be measured per member of staff, which is a fact about
the disclosure, not a question to it.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from analytics import schema as s
from analytics.errors import AnalyticsError
from analytics.reference import reference_rows, table_catalog
from analytics.store import Dataset

__all__ = [
    "ANALYSIS_FAMILY",
    "COVERAGE_COLUMNS",
    "MISSING_EN",
    "MISSING_ZH",
    "NEED_KINDS",
    "NOT_RUN",
    "RAN",
    "REASON_EN",
    "REASON_ZH",
    "coverage",
    "not_run_reasons",
    "rule_inputs",
]

#: Status of a rule on a disclosure.
RAN, NOT_RUN = "ran", "not_run"
#: The family of the ledger's rows that are analyses rather than checks of the catalog.
ANALYSIS_FAMILY = "analysis"
#: Needs that are not a standard table key (``rule_input_reasons.csv``; a table's reasons are ``table_…``).
NEED_KINDS = (
    "any_table",
    "coded_tables",
    "statements",
    "indicators",
    "projects",
    "staff",
    "prior_year",
    "second_document",
    "text",
)
SOURCES = "sources"
KIND = "kind"
TITLE_ZH, TITLE_EN = "title_zh", "title_en"
NEEDS, NEEDS_KNOWN = "needs", "needs_known"
MISSING_ZH, MISSING_EN = "missing_zh", "missing_en"
REASON_ZH, REASON_EN = "reason_zh", "reason_en"
#: Columns of ``coverage``.
COVERAGE_COLUMNS = (
    s.DISCLOSURE_ID,
    s.DOC_ID,
    SOURCES,
    s.DEPARTMENT_ID,
    s.DEPARTMENT,
    s.FISCAL_YEAR,
    s.PHASE,
    s.SCOPE,
    s.RULE_ID,
    KIND,
    s.FAMILY,
    TITLE_ZH,
    TITLE_EN,
    s.STATUS,
    NEEDS,
    NEEDS_KNOWN,
    MISSING_ZH,
    MISSING_EN,
    REASON_ZH,
    REASON_EN,
)
_SCHEMA: dict[str, pl.DataType] = {
    **{name: pl.String() for name in COVERAGE_COLUMNS},
    s.FISCAL_YEAR: pl.Int32(),
    NEEDS_KNOWN: pl.Boolean(),
}
#: A table's best state across the files of a disclosure: figures beat a table disclosed empty, and so on.
_TABLE_STATES = ("data", "empty", "no_rows", "unreadable")
_PHASES = {"budget": ("预算", "budget"), "final": ("决算", "final account")}


@cache
def rule_inputs() -> pl.DataFrame:
    """``rule_inputs.csv``: per rule (and per analysis), its ``needs`` and the reason templates.

    ``needs`` is a ``;``-separated list of requirements, each met when any of its ``|``-separated alternatives is
    (a standard table key, or one of ``NEED_KINDS``); empty for a rule that runs on every disclosure.

    Examples
    --------
    >>> rule_inputs().filter(pl.col("rule_id") == "narrative.share").get_column("needs").item()
    'statements'
    """
    return pl.DataFrame(list(reference_rows("rule_inputs.csv")), schema=dict.fromkeys(_CSV_COLUMNS, pl.String))


_CSV_COLUMNS = ("rule_id", "kind", "needs", "reason_zh", "reason_en", "title_zh", "title_en", "note")


@cache
def _reasons() -> dict[str, dict[str, str]]:
    return {row["need"]: row for row in reference_rows("rule_input_reasons.csv")}


@cache
def _table_names() -> dict[str, tuple[str, str]]:
    return {key: (zh, en) for key, zh, en in table_catalog().select("key", "name_zh", "name_en").rows()}


def _requirements(needs: str) -> list[list[str]]:
    return [[a.strip() for a in part.split("|") if a.strip()] for part in needs.split(";") if part.strip()]


def _check_needs(inputs: pl.DataFrame) -> None:
    known = set(NEED_KINDS) | set(_table_names())
    for rule_id, needs in inputs.select("rule_id", "needs").rows():
        unknown = [a for part in _requirements(needs or "") for a in part if a not in known]
        if unknown:
            raise AnalyticsError(
                f"rule_inputs.csv: rule {rule_id} needs {', '.join(unknown)}, which is neither a standard table key "
                f"(tables.csv) nor one of {', '.join(NEED_KINDS)}"
            )


def _facts(ds: Dataset) -> list[dict[str, object]]:
    """One dict per disclosure: what the dataset holds for it (tables by state, narrative figures, targets …)."""
    documents = ds.documents.sort(s.SOURCE_NAME)
    of_doc = documents.select(s.DOC_ID, s.DISCLOSURE_ID)

    def present(frame: pl.DataFrame, name: str) -> pl.DataFrame:
        return frame.join(of_doc, on=s.DOC_ID).select(s.DISCLOSURE_ID).unique().with_columns(pl.lit(True).alias(name))

    rank = {state: i for i, state in enumerate(_TABLE_STATES)}
    # A table with figures is read whatever document_tables says (a form read from the narrative has no row there).
    read = ds.lines.select(s.DOC_ID, s.TABLE, pl.lit("data").alias(s.STATUS))
    tables = (
        pl.concat([ds.document_tables.select(s.DOC_ID, s.TABLE, s.STATUS), read])
        .join(of_doc, on=s.DOC_ID)
        .with_columns(pl.col(s.STATUS).replace_strict(rank, default=len(rank), return_dtype=pl.Int32).alias("_rank"))
        .group_by(s.DISCLOSURE_ID, s.TABLE)
        .agg(pl.col(s.STATUS).sort_by("_rank").first())
        .group_by(s.DISCLOSURE_ID)
        .agg(pl.struct(s.TABLE, s.STATUS).alias("_tables"))
    )
    staffed = ds.departments.filter(
        pl.col(s.STAFF_AUTHORIZED).is_not_null() | pl.col(s.STAFF_ACTUAL).is_not_null()
    ).select(s.DEPARTMENT_ID, s.FISCAL_YEAR, pl.lit(True).alias("staff"))
    heads = documents.group_by(s.DISCLOSURE_ID, maintain_order=True).agg(
        pl.col(s.DOC_ID).first(),
        pl.col(s.SOURCE_NAME).str.join("、").alias(SOURCES),
        pl.col(s.DEPARTMENT_ID).first(),
        pl.col(s.DEPARTMENT).first(),
        pl.col(s.FISCAL_YEAR).first(),
        pl.col(s.PHASE).first(),
        pl.col(s.SCOPE).first(),
    )
    years = heads.select(s.DEPARTMENT_ID, s.PHASE, s.FISCAL_YEAR).unique()
    prior = years.with_columns((pl.col(s.FISCAL_YEAR) + 1).alias(s.FISCAL_YEAR), pl.lit(True).alias("prior_year"))
    second = (
        heads.group_by(s.DEPARTMENT_ID, s.FISCAL_YEAR)
        .agg((pl.len() > 1).alias("second_document"))
        .filter(pl.col("second_document"))
    )
    facts = heads.join(tables, on=s.DISCLOSURE_ID, how="left")
    for frame, name in (
        (ds.statements, "statements"),
        (ds.indicators, "indicators"),
        (ds.projects, "projects"),
        (ds.document_text, "text"),
    ):
        facts = facts.join(present(frame, name), on=s.DISCLOSURE_ID, how="left")
    facts = (
        facts.join(staffed.unique([s.DEPARTMENT_ID, s.FISCAL_YEAR]), on=[s.DEPARTMENT_ID, s.FISCAL_YEAR], how="left")
        .join(prior, on=[s.DEPARTMENT_ID, s.PHASE, s.FISCAL_YEAR], how="left")
        .join(second, on=[s.DEPARTMENT_ID, s.FISCAL_YEAR], how="left")
        .with_columns(
            pl.col("statements", "indicators", "projects", "text", "staff", "prior_year", "second_document").fill_null(
                False
            )
        )
    )
    return facts.to_dicts()


def _unmet(alternatives: list[str], fact: dict[str, object]) -> tuple[str, str] | None:
    """Why none of ``alternatives`` is met for the disclosure ``fact`` (Chinese, English), or ``None`` when one is.

    Tables missing for the same reason are named together ("未公开收支总表、财政拨款收支总表")."""
    tables = {t[s.TABLE]: t[s.STATUS] for t in (fact["_tables"] or [])}  # type: ignore[union-attr]
    reasons, names = _reasons(), _table_names()
    by_state: dict[str, list[str]] = {}
    others: list[tuple[str, str]] = []
    for need in alternatives:
        if need in names:
            if tables.get(need) == "data":
                return None
            by_state.setdefault(tables.get(need, "absent"), []).append(need)
            continue
        if need in ("any_table", "coded_tables"):
            wanted = list(names) if need == "any_table" else reasons[need]["members"].split("|")
            if any(tables.get(table) == "data" for table in wanted):
                return None
            others.append((reasons[need]["missing_zh"], reasons[need]["missing_en"]))
            continue
        if fact[need]:
            return None
        year, phase = fact[s.FISCAL_YEAR], _PHASES.get(str(fact[s.PHASE]), (str(fact[s.PHASE]),) * 2)
        values = {"prior_year": int(year) - 1, "phase_zh": phase[0], "phase_en": phase[1]}  # type: ignore[call-overload]
        others.append((reasons[need]["missing_zh"].format(**values), reasons[need]["missing_en"].format(**values)))
    phrases = [
        (
            reasons[f"table_{state}"]["missing_zh"].format(table_zh="、".join(names[k][0] for k in keys)),
            reasons[f"table_{state}"]["missing_en"].format(table_en=", ".join(names[k][1].lower() for k in keys)),
        )
        for state in ("absent", *_TABLE_STATES[::-1])
        if (keys := by_state.get(state))
    ]
    phrases += others
    return "或".join(p[0] for p in phrases), " or ".join(p[1] for p in phrases)


def coverage(ds: Dataset) -> pl.DataFrame:
    """The coverage ledger: one row per disclosure and rule (and analysis), ``ran`` or ``not_run`` with the reason.

    Parameters
    ----------
    ds
        Any dataset; the rule catalog is ``analytics.checks``'s, the inputs of each rule ``rule_inputs.csv``'s.

    Returns
    -------
    polars.DataFrame
        ``COVERAGE_COLUMNS``: the disclosure (its id, first ``doc_id``, file names, department, year, phase,
        scope), the rule (id, ``kind`` rule / analysis, family, titles), ``status`` (``ran`` / ``not_run``),
        ``needs`` as listed (``None`` and ``needs_known`` false for a rule the file does not list yet), the missing
        inputs (``missing_zh`` / ``missing_en``) and the reason (``reason_zh`` / ``reason_en``) of a rule that did
        not run.

    Examples
    --------
    >>> coverage(Dataset.empty()).columns[:3]
    ['disclosure_id', 'doc_id', 'sources']
    """
    from analytics.checks import rule_catalog

    inputs = rule_inputs()
    _check_needs(inputs)
    catalog = rule_catalog()
    listed = {row["rule_id"]: row for row in inputs.to_dicts()}
    entries = [
        (rule_id, "rule", family, zh, en, listed.get(rule_id))
        for rule_id, family, zh, en in catalog.select("rule_id", "family", "title_zh", "title_en").rows()
    ]
    entries += [
        (row["rule_id"], "analysis", ANALYSIS_FAMILY, row["title_zh"], row["title_en"], row)
        for row in listed.values()
        if row["kind"] == "analysis"
    ]
    out: list[dict[str, object]] = []
    for fact in _facts(ds):
        head = {name: fact[name] for name in COVERAGE_COLUMNS[:8]}
        for rule_id, kind, family, title_zh, title_en, row in entries:
            needs = None if row is None else (row["needs"] or "")
            missing = [
                why for alternatives in _requirements(needs or "") if (why := _unmet(alternatives, fact)) is not None
            ]
            record = {
                **head,
                s.RULE_ID: rule_id,
                KIND: kind,
                s.FAMILY: family,
                TITLE_ZH: title_zh,
                TITLE_EN: title_en,
                s.STATUS: NOT_RUN if missing else RAN,
                NEEDS: needs,
                NEEDS_KNOWN: row is not None,
                MISSING_ZH: None,
                MISSING_EN: None,
                REASON_ZH: None,
                REASON_EN: None,
            }
            if missing and row is not None:
                zh, en = "；".join(w[0] for w in missing), "; ".join(w[1] for w in missing)
                template_zh = row["reason_zh"] or "{missing}"
                template_en = row["reason_en"] or "{missing}"
                record |= {
                    MISSING_ZH: zh,
                    MISSING_EN: en,
                    REASON_ZH: template_zh.format(missing=zh),
                    REASON_EN: template_en.format(missing=en),
                }
            out.append(record)
    frame = pl.DataFrame(out, schema=_SCHEMA, orient="row") if out else pl.DataFrame(schema=_SCHEMA)
    return frame.select(COVERAGE_COLUMNS).sort(s.DEPARTMENT_ID, s.FISCAL_YEAR, s.PHASE, s.SCOPE, s.RULE_ID)


def not_run_reasons(ledger: pl.DataFrame, *, lang: str = "zh") -> pl.DataFrame:
    """The reasons checks did not run, with how many checks each stopped, most first: ``missing, checks`` (a check
    two missing inputs stopped counts under each).

    Examples
    --------
    >>> not_run_reasons(coverage(Dataset.empty())).columns
    ['missing', 'checks']
    """
    column, joiner = (MISSING_EN, "; ") if lang == "en" else (MISSING_ZH, "；")
    # A check two inputs stopped counts under each of them.
    return (
        ledger.filter(pl.col(s.STATUS) == NOT_RUN)
        .with_columns(pl.col(column).str.split(joiner).alias("missing"))
        .explode("missing")
        .group_by("missing")
        .agg(pl.col(s.RULE_ID).n_unique().cast(pl.Int64).alias("checks"))
        .sort(["checks", "missing"], descending=[True, False])
    )
