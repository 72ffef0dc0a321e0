"""Audit checks: a catalog of rules, each an identity that yields flags with observed, expected, variance and
evidence (document, page or line, source text of every figure involved).

Examples
--------
>>> from analytics.checks import rule_catalog
>>> "table.parent_sum" in rule_catalog().get_column("rule_id").to_list()
True
"""

from __future__ import annotations

import polars as pl

from analytics.checks._engine import (
    FAMILIES,
    RULES,
    Rule,
    Settings,
    checks_since,
    load_settings,
    run_checks,
    with_flags,
)

__all__ = [
    "FAMILIES",
    "RULES",
    "Rule",
    "Settings",
    "checks_since",
    "load_settings",
    "rule_catalog",
    "run_checks",
    "with_flags",
]


def rule_catalog() -> pl.DataFrame:
    """Every rule: id, family, default severity and what it checks, in Chinese and English."""
    from analytics.checks import _rules  # noqa: F401 - registers the catalog

    return pl.DataFrame(
        {
            "rule_id": list(RULES),
            "family": [r.family for r in RULES.values()],
            "severity": [r.severity for r in RULES.values()],
            "title_zh": [r.title_zh for r in RULES.values()],
            "title_en": [r.title_en for r in RULES.values()],
        }
    )
