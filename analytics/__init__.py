"""Budget-disclosure analytics: Chinese department budget disclosures as one comparable dataset.

The public API. Nothing here does I/O at import time.

Examples
--------
>>> import analytics
>>> ds = analytics.open_dataset()
>>> ds.lines.schema["amount_yuan"]
Decimal(precision=18, scale=2)
"""

from __future__ import annotations

from analytics.errors import AnalyticsError, DatasetError, OutputError, QueryError, ReaderError, SchemaError
from analytics.ingest import read_disclosure
from analytics.labels import column_label, label
from analytics.schema import TABLES, validate
from analytics.search import search
from analytics.store import Dataset, open_dataset, save_dataset, update_dataset
from analytics.units import format_wan, to_yuan, wan_yuan, yuan_to_wan

__all__ = [
    "TABLES",
    "AnalyticsError",
    "Dataset",
    "DatasetError",
    "OutputError",
    "QueryError",
    "ReaderError",
    "SchemaError",
    "column_label",
    "format_wan",
    "label",
    "open_dataset",
    "read_disclosure",
    "save_dataset",
    "search",
    "to_yuan",
    "update_dataset",
    "validate",
    "wan_yuan",
    "yuan_to_wan",
]
__version__ = "0.1.0"
