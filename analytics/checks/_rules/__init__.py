"""The rule catalog: importing this package registers every rule with the engine."""

from analytics.checks._rules import (
    completeness,
    cross,
    facts,
    hygiene,
    narrative,
    narrative_direction,
    narrative_items,
    reading,
    spending,
    table,
    targets,
)

__all__ = [
    "completeness",
    "cross",
    "facts",
    "hygiene",
    "narrative",
    "narrative_direction",
    "narrative_items",
    "reading",
    "spending",
    "table",
    "targets",
]
