"""Comparisons across departments and years (pure Polars: lazy inside, collected at the boundary).

Frames returned here use the column names of ``analytics.compare._columns`` and the data contract's
(``department_id``, ``fiscal_year``, ``amount_yuan`` …). Money stays exact (``Decimal`` 元); ratios and percentages
are ``Float64``.
"""

from __future__ import annotations

from analytics.compare._analysis import (
    DIMENSIONS,
    MIN_PEER_GROUP,
    components,
    composition_shift,
    decompose_change,
    execution_rates,
    latest_peer_group,
    peer_groups,
    peer_stats,
    per_staff,
    structure,
)
from analytics.compare._crosswalk import crosswalk_codes, crosswalk_summary
from analytics.compare._drilldown import drilldown
from analytics.compare._execution import (
    BUDGET_SOURCE,
    DIFFERENCE_YUAN,
    NARRATIVE_AGREES,
    NARRATIVE_FINAL_YUAN,
    execution_by_line,
)
from analytics.compare._measures import COMPONENT_LABELS, MEASURE_LABELS, measures, trends
from analytics.compare._targets import PRIOR_TEXT, TARGET_CHANGED, target_history
from analytics.compare._totals import TOTAL_SOURCES, yearly_totals

__all__ = [
    "BUDGET_SOURCE",
    "COMPONENT_LABELS",
    "DIFFERENCE_YUAN",
    "DIMENSIONS",
    "MEASURE_LABELS",
    "MIN_PEER_GROUP",
    "NARRATIVE_AGREES",
    "NARRATIVE_FINAL_YUAN",
    "PRIOR_TEXT",
    "TARGET_CHANGED",
    "TOTAL_SOURCES",
    "components",
    "composition_shift",
    "crosswalk_codes",
    "crosswalk_summary",
    "decompose_change",
    "drilldown",
    "execution_by_line",
    "execution_rates",
    "latest_peer_group",
    "measures",
    "peer_groups",
    "peer_stats",
    "per_staff",
    "structure",
    "target_history",
    "trends",
    "yearly_totals",
]
