"""对比: several departments and years side by side; where a department stands among its peers."""

from __future__ import annotations

import polars as pl
import streamlit as st

from analytics import charts, compare
from analytics import schema as s
from analytics.compare import MEASURE_LABELS
from analytics.compare import _columns as c
from app_pages import _data
from app_pages._i18n import t

st.title(t("compare_title"))
st.caption(t("compare_caption"))
english = bool(st.session_state.get("lang_en"))
lang = "en" if english else "zh"

dataset = _data.dataset_or_stop()

trends = _data.trends()
measures = [m for m in MEASURE_LABELS if m in set(trends.get_column(c.MEASURE).to_list())]
measure = st.selectbox(
    t("pick_measure"),
    measures,
    format_func=lambda m: MEASURE_LABELS[m][1 if english else 0],
    key="compare_measure",
)
names = dict(trends.select(s.NAME, s.DEPARTMENT_ID).unique().sort(s.NAME).rows())
# Default: the departments with the longest series, which make the most telling first view.
longest = (
    trends.group_by(s.NAME)
    .agg(pl.col(s.FISCAL_YEAR).n_unique().alias("years"))
    .sort(["years", s.NAME], descending=[True, False])
    .get_column(s.NAME)
    .head(4)
    .to_list()
)
chosen = st.multiselect(t("pick_departments"), list(names), default=longest, key="compare_departments")
if not chosen:
    st.info(t("nothing_to_compare"))
    st.stop()
selected = trends.filter((pl.col(c.MEASURE) == measure) & pl.col(s.DEPARTMENT_ID).is_in([names[n] for n in chosen]))

st.subheader(t("trend"))
st.altair_chart(charts.small_multiples_chart(selected, measure=measure, lang=lang), key="compare_multiples")

years = sorted(selected.get_column(s.FISCAL_YEAR).unique().to_list())
if len(years) >= 2:
    st.subheader(t("slope"))
    first, last = st.select_slider(t("pick_years"), options=years, value=(years[-2], years[-1]), key="compare_years")
    both = selected.filter(pl.col(s.FISCAL_YEAR).is_in([first, last])).group_by(s.DEPARTMENT_ID).len()
    if first != last and both.filter(pl.col("len") == 2).is_empty():
        st.info(t("no_pair"))
    elif first != last:
        st.altair_chart(charts.slope_chart(selected, first, last, measure=measure, lang=lang), key="compare_slope")

st.subheader(t("peers"))
basis = st.radio(
    t("pick_peer_basis"),
    ["region", "unit_type", "function"],
    format_func={b: t(f"peer_{b}") for b in ("region", "unit_type", "function")}.get,
    horizontal=True,
    key="compare_peer_basis",
)
peers = _data.peers(basis, measure)


# Default focus: the first chosen department that has peers to stand among.
sizes = [compare.latest_peer_group(peers, names[n]).height for n in chosen]
default_focus = next((i for i, size in enumerate(sizes) if size >= 2), 0)
focus_name = st.selectbox(t("pick_focus"), chosen, index=default_focus, key="compare_focus")
group = compare.latest_peer_group(peers, names[focus_name])
if group.height < 2:
    st.info(t("no_peers"))
else:
    st.altair_chart(
        charts.peer_strip_chart(group, focus_department_id=names[focus_name], measure=measure, lang=lang),
        key="compare_peers",
    )

st.subheader(t("heatmap"))
st.altair_chart(charts.flags_heatmap(dataset.flags, departments=dataset.departments, lang=lang), key="compare_heatmap")
