"""The rule catalog: importing this package registers every rule with the engine."""

from analytics.checks._rules import completeness, cross, narrative, spending, table, targets

__all__ = ["completeness", "cross", "narrative", "spending", "table", "targets"]
