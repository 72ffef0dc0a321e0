"""对比: several departments and years side by side; where a department stands among its peers."""

from __future__ import annotations

import polars as pl
import streamlit as st

import analytics
from analytics import charts, compare
from analytics import schema as s
from analytics.compare import MEASURE_LABELS
from analytics.compare import _columns as c
from app_pages import _data
from app_pages._i18n import english, lang, number_formats, pick, t
from app_pages._inventory import department_summary, shown_years
from app_pages._markdown import escape_markdown
from app_pages._marks import mark, mark_captions, mark_columns, mark_config
from app_pages._url import bound

st.title(t("compare_title"))
st.caption(t("compare_caption"))
language = lang()

dataset = _data.dataset_or_stop()

trends = _data.trends()
shown = set(trends.get_column(c.MEASURE).to_list())
# Labels fixed when the page runs (a lambda calling pick() later would read another run's language).
measure_names = {m: pick(pair) for m, pair in MEASURE_LABELS.items() if m in shown}
measure = bound(
    st.selectbox,
    "measure",
    t("pick_measure"),
    list(measure_names),
    format_func=measure_names.get,
    placeholder=t("choose_one"),
    key="compare_measure",
)
names = dict(trends.select(s.NAME, s.DEPARTMENT_ID).unique().sort(s.NAME).rows())
# Default: the departments with the longest series, which make the most telling first view.
chosen = bound(
    st.multiselect, "dept", t("pick_departments"), list(names), encode=names.get, default=_data.longest_series()[:4],
    placeholder=t("choose_many"), key="compare_departments",
)  # fmt: skip
if not chosen:
    st.info(t("nothing_to_compare"))
    st.stop()
selected = trends.filter((pl.col(c.MEASURE) == measure) & pl.col(s.DEPARTMENT_ID).is_in([names[n] for n in chosen]))


def marked_figures(frame: pl.DataFrame, key: str) -> None:
    """Below a chart: its figures that no table prints, or whose reading is in doubt, with their marks (a chart
    draws every figure alike)."""
    marked = frame.filter(mark() != "").sort(s.NAME, s.FISCAL_YEAR)
    if marked.is_empty():
        return
    st.caption(t("compare_marked"))
    st.dataframe(
        marked.select(
            pl.col(s.NAME).alias(t("col_name")),
            pl.col(s.FISCAL_YEAR).alias(t("col_year")),
            analytics.wan_yuan(s.AMOUNT_YUAN).alias(t("col_amount")),
            *mark_columns(marked),
        ),
        hide_index=True,
        column_config={**number_formats(money=("col_amount",), year=("col_year",)), **mark_config()},
        key=key,
    )
    mark_captions(marked)


st.subheader(t("trend"))
st.altair_chart(charts.small_multiples_chart(selected, measure=measure, lang=language), key="compare_multiples")
marked_figures(selected, "compare_marked")
# Each chosen department's years and documents as every page counts them, and the years the chart has of this
# measure (of their budgets): fewer when a year's document does not state it, more when a budget prints the
# years before it.
with st.expander(t("inventory_title")):
    what = t("inventory_what_measure").format(measure=measure_names[measure])
    for chosen_name in chosen:
        years_shown = selected.filter(pl.col(s.DEPARTMENT_ID) == names[chosen_name]).get_column(s.FISCAL_YEAR)
        text = f"{department_summary(names[chosen_name])}{' ' if english() else ''}{shown_years(what, years_shown)}"
        st.caption(t("inventory_of").format(name=escape_markdown(chosen_name), text=text))

years = sorted(selected.get_column(s.FISCAL_YEAR).unique().to_list())
if len(years) >= 2:
    st.subheader(t("slope"))
    first, last = bound(
        st.select_slider, "years", t("pick_years"), years, value=(years[-2], years[-1]), key="compare_years"
    )
    both = selected.filter(pl.col(s.FISCAL_YEAR).is_in([first, last])).group_by(s.DEPARTMENT_ID).len()
    if first != last and both.filter(pl.col("len") == 2).is_empty():
        st.info(t("no_pair"))
        # Which chosen department lacks which year (a drawn chart says it in its subtitle).
        for note in charts.slope_chart_gaps(selected, first, last, measure=measure, lang=language):
            st.caption(escape_markdown(note))
    elif first != last:
        st.altair_chart(charts.slope_chart(selected, first, last, measure=measure, lang=language), key="compare_slope")

st.subheader(t("peers"))
basis = bound(
    st.radio,
    "peers",
    t("pick_peer_basis"),
    ["region", "unit_type", "function"],
    format_func={b: t(f"peer_{b}") for b in ("region", "unit_type", "function")}.get,
    horizontal=True,
    key="compare_peer_basis",
)
peers = _data.peers(basis, measure)

# Default focus: the first chosen department that has peers to stand among.
groups = {n: compare.latest_peer_group(peers, names[n]) for n in chosen}
default_focus = next((i for i, group in enumerate(groups.values()) if group.height >= 2), 0)
focus_name = bound(
    st.selectbox, "focus", t("pick_focus"), chosen, encode=names.get, index=default_focus,
    placeholder=t("choose_one"), key="compare_focus",
)  # fmt: skip
group = groups[focus_name]
if group.height < 2:
    st.info(t("no_peers"))
else:
    st.altair_chart(
        charts.peer_strip_chart(group, focus_department_id=names[focus_name], measure=measure, lang=language),
        key="compare_peers",
    )
    # The peers' figures of the year the strip shows; the chosen departments' are listed above.
    marked_figures(
        group.filter(~pl.col(s.DEPARTMENT_ID).is_in(selected.get_column(s.DEPARTMENT_ID).implode())), "peers_marked"
    )

st.subheader(t("heatmap"))
heatmap = charts.flags_heatmap(dataset.flags, departments=dataset.departments, lang=language)
# At its own width: stretched or squeezed to the page, its columns would no longer fit their headings.
st.altair_chart(heatmap, width="content", key="compare_heatmap")
