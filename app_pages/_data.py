"""Every ``st.cache_*`` wrapper of the app: pages call these, never ``analytics`` loaders directly."""

from __future__ import annotations

import polars as pl
import streamlit as st

import analytics
from analytics import compare


@st.cache_resource(show_spinner=False)
def load_dataset(path: str | None = None) -> analytics.Dataset:
    """The dataset (collected frames), loaded once per process and path."""
    return analytics.open_dataset(path)


@st.cache_data(show_spinner=False)
def totals(path: str | None = None) -> pl.DataFrame:
    """Income and expenditure totals by department and year."""
    ds = load_dataset(path)
    return compare.yearly_totals(ds.lines, ds.departments)
