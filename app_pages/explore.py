"""钻取与搜索: one department's spending 类 → 款 → 项 with the change on the year before; keyword search."""

from __future__ import annotations

import polars as pl
import streamlit as st

import analytics
from analytics import schema as s
from analytics.compare import _columns as c
from analytics.compare._drilldown import (
    CODE_CHANGE,
    COMPARISON,
    HAS_CHILDREN,
    IDENTITY,
    IDENTITY_DIFFERENCE_YUAN,
    PREVIOUS_YUAN,
)
from analytics.search import DEPARTMENT_NAME, KIND, KINDS, SNIPPET
from app_pages import _data
from app_pages._i18n import number_formats, phase_labels, pick, t
from app_pages._inventory import phase_word, show_inventory, shown_years
from app_pages._markdown import escape_markdown
from app_pages._marks import wan_text
from app_pages._url import bound, bound_text

#: The most search results the page lists (one more is asked for, to know whether there are more).
SEARCH_LIMIT = 200
#: The codes drilled into, 类 first (UI state only).
PATH = "explore_path"
_CODE_CHANGES = ("renamed", "added", "removed", "widened", "narrowed", "code_reused")

st.title(t("explore_title"))
st.caption(t("explore_caption"))
dataset = _data.dataset_or_stop()


def _reset_path() -> None:
    """Another department, classification, phase or year: back to its 类."""
    st.session_state[PATH] = []


def _go_up(depth: int) -> None:
    """A breadcrumb: keep the first ``depth`` codes of the path."""
    st.session_state[PATH] = st.session_state.get(PATH, [])[:depth]


def _drill_from_picker(key: str) -> None:
    """The picker below the table chose a 科目: open it (and empty the picker for the next level)."""
    code = st.session_state.get(key)
    if code:
        st.session_state[PATH] = [*st.session_state.get(PATH, []), code]


def _drill_from_table(key: str, codes: list[str | None]) -> None:
    """A row of the table was clicked: open it when it has 科目 under it (``codes`` holds None for the others)."""
    rows = st.session_state[key]["selection"]["rows"]
    if rows and codes[rows[0]]:
        st.session_state[PATH] = [*st.session_state.get(PATH, []), codes[rows[0]]]


def _identity_text() -> pl.Expr:
    """A row's identity with the 科目 under it, in words (the difference in 万元 where it fails)."""
    words = {"holds": t("explore_identity_holds"), "no_children": t("explore_identity_no_children")}
    before, after = t("explore_identity_broken").split("{diff}")
    return (
        pl.when(pl.col(IDENTITY) == "broken")
        .then(pl.concat_str(pl.lit(before), wan_text(IDENTITY_DIFFERENCE_YUAN), pl.lit(after)))
        .otherwise(pl.col(IDENTITY).replace_strict(words, default=t("none")))
    )


def _comparison_text() -> pl.Expr:
    """How a row compares with the year before, in words (why not, for a code whose meaning changed)."""
    changes = {change: t(f"explore_change_{change}") for change in _CODE_CHANGES}
    words = {key: t(f"explore_comparison_{key}") for key in ("compared", "new", "no_prior_year")}
    before, after = t("explore_comparison_code_changed").split("{why}")
    why = pl.col(CODE_CHANGE).replace_strict(changes, default=t("explore_change_other"))
    return (
        pl.when(pl.col(COMPARISON) == "code_changed")
        .then(pl.concat_str(pl.lit(before), why, pl.lit(after)))
        .otherwise(pl.col(COMPARISON).replace_strict(words, default=t("none")))
    )


def _percent_text(column: str, factor: int = 1) -> pl.Expr:
    """A Float64 column as a percentage with one decimal (“-1.5%”), a dash where there is none."""
    return ((pl.col(column) * factor).round(1).cast(pl.String) + "%").fill_null(t("none"))


def _choices() -> tuple[str, str, str, int] | None:
    """The department, classification, phase and year picked; None (with a note) when there is nothing to show."""
    classifications = {k: t(f"explore_{k}") for k in ("function", "economic")}
    phases = phase_labels()
    pick_department, pick_year = st.columns([3, 1])
    pick_classification, pick_phase = st.columns([3, 1])
    classification = bound(
        pick_classification.radio,
        "class",
        t("explore_classification"),
        list(classifications),
        format_func=classifications.get,
        horizontal=True,
        key="explore_classification",
        on_change=_reset_path,
    )
    phase = bound(
        pick_phase.radio,
        "phase",
        t("explore_phase"),
        list(phases),
        format_func=phases.get,
        horizontal=True,
        key="explore_phase",
        on_change=_reset_path,
    )
    options = _data.department_options()
    years_of = dict(
        _data.drilldown_years(classification, phase).group_by(s.DEPARTMENT_ID).agg(pl.col(s.FISCAL_YEAR).sort()).rows()
    )
    # Departments with figures of this classification and phase first, most years first: the first view has a table.
    names = sorted(options, key=lambda n: (-len(years_of.get(options[n], [])), n))
    name = bound(
        pick_department.selectbox,
        "dept",
        t("pick_department"),
        names,
        encode=options.get,
        placeholder=t("choose_one"),
        key="explore_department",
        on_change=_reset_path,
    )
    department_id = options[name]
    years = years_of.get(department_id, [])
    # The years with documents as every page counts them, and those of them (or a prior year a budget prints) the
    # drill-down has 类 figures of this classification and phase for.
    show_inventory(department_id)
    what = t("inventory_what_drilldown").format(phase=phase_word(phase), classification=classifications[classification])
    st.caption(shown_years(what, years))
    if not years:
        st.info(t("explore_no_figures"))
        return None
    year = bound(
        pick_year.selectbox,
        "year",
        t("explore_year"),
        list(reversed(years)),
        placeholder=t("choose_one"),
        key=f"explore_year_{department_id}_{classification}_{phase}",
        on_change=_reset_path,
    )
    return department_id, classification, phase, year


def _breadcrumb(frames: list[pl.DataFrame], path: list[str]) -> None:
    """The 类 list, then each 科目 opened; every step but the last goes back up to it. Below it, the 科目 opened
    as the level above printed it: its amount and whether the 科目 under it add up to it."""
    labels = [t("explore_top")]
    for depth, code in enumerate(path):
        row = frames[depth].filter(pl.col(s.CODE) == code)
        labels.append(f"{code} {row.get_column(s.NAME).item()}" if row.height else code)
    crumbs = st.container(horizontal=True, vertical_alignment="center", gap="small", key="explore_breadcrumb")
    crumbs.caption(t("explore_breadcrumb") + t("colon"), width="content")
    for depth, label in enumerate(labels):
        if depth:
            crumbs.caption("›", width="content")
        last = depth == len(labels) - 1
        crumbs.button(
            escape_markdown(label),
            key=f"explore_crumb_{depth}",
            on_click=_go_up,
            args=(depth,),
            disabled=last,
            type="tertiary",
        )
    opened = frames[-2].filter(pl.col(s.CODE) == path[-1]) if path else None
    if opened is not None and opened.height:
        row = opened.with_columns(_identity_text().alias("_identity"), wan_text(s.AMOUNT_YUAN).alias("_wan")).row(
            0, named=True
        )
        name = escape_markdown(f"{row[s.CODE]} {row[s.NAME]}")
        st.markdown(t("explore_parent_line").format(name=name, amount=row["_wan"], identity=row["_identity"]))


def _level(frame: pl.DataFrame, table_key: str) -> None:
    """The 科目 of one level, with a way to open each that has 科目 under it: a click on its row, or the picker."""
    documents = dict(dataset.documents.select(s.DOC_ID, s.SOURCE_NAME).rows())
    page_line = t("explore_page_line").replace("{page}", "{}").replace("{line}", "{}")
    where = pl.when(pl.col(s.PAGE).is_not_null() & pl.col(s.LINE).is_not_null()).then(
        pl.format(page_line, pl.col(s.PAGE), pl.col(s.LINE))
    )
    openable = frame.filter(pl.col(HAS_CHILDREN))
    columns = [
        pl.col(s.CODE).alias(t("explore_col_code")),
        pl.col(s.NAME).alias(t("explore_col_name")),
        analytics.wan_yuan(s.AMOUNT_YUAN).alias(t("explore_col_amount")),
        wan_text(PREVIOUS_YUAN).alias(t("explore_col_previous")),
        wan_text(c.CHANGE_YUAN).alias(t("explore_col_change")),
        _percent_text(c.CHANGE_PCT).alias(t("explore_col_rate")),
        _percent_text(c.SHARE, 100).alias(t("explore_col_share")),
        # A level of leaves has nothing to add up: the line above the table says whether they add up to their 科目.
        *([_identity_text().alias(t("explore_col_identity"))] if openable.height else []),
        _comparison_text().alias(t("explore_col_comparison")),
        pl.concat_str(
            pl.col(s.DOC_ID).replace_strict(documents, default=pl.col(s.DOC_ID)),
            where,
            separator=" ",
            ignore_nulls=True,
        ).alias(t("explore_col_source")),
    ]
    shown = frame.select(columns)
    drillable = frame.select(pl.when(pl.col(HAS_CHILDREN)).then(pl.col(s.CODE))).to_series().to_list()
    right = st.column_config.TextColumn(alignment="right")
    texts = ("explore_col_previous", "explore_col_change", "explore_col_rate", "explore_col_share")
    st.dataframe(
        shown,
        hide_index=True,
        column_config={
            **number_formats(money=("explore_col_amount",)),
            **dict.fromkeys((t(key) for key in texts), right),
            t("explore_col_code"): st.column_config.TextColumn(width="small"),
        },
        height=_data.table_height(shown.height),
        on_select=lambda: _drill_from_table(table_key, drillable),
        selection_mode="single-row",
        key=table_key,
    )
    if openable.is_empty():
        return
    st.caption(t("explore_pick_row"))
    picker = f"explore_pick_{table_key}"
    choices = dict(openable.select(s.CODE, pl.concat_str(s.CODE, s.NAME, separator=" ").alias("_label")).rows())
    st.selectbox(
        t("explore_drill_into"),
        list(choices),
        index=None,
        format_func=choices.get,
        placeholder=t("explore_drill_placeholder"),
        key=picker,
        on_change=_drill_from_picker,
        args=(picker,),
    )


def _drill() -> None:
    """The 类 of a department-year, or the 科目 under the one opened, with the breadcrumb back up."""
    chosen = _choices()
    if chosen is None:
        return
    department_id, classification, phase, year = chosen
    path: list[str] = list(st.session_state.get(PATH, []))
    try:
        frames = [_data.drilldown(department_id, classification, phase, year, None)]
        frames += [_data.drilldown(department_id, classification, phase, year, code) for code in path]
    except analytics.AnalyticsError:
        # The path belongs to figures no longer shown (the dataset changed under it): start again from the 类.
        _reset_path()
        st.rerun()
    _breadcrumb(frames, path)
    frame = frames[-1]
    alone = frame.height and frame.get_column(COMPARISON).first() == "no_prior_year"
    period = t("explore_period_alone" if alone else "explore_period")
    st.caption(period.format(year=year, phase=phase_labels()[phase], previous=year - 1))
    if frame.is_empty():
        st.info(t("explore_no_children"))
        return
    _level(frame, f"explore_table_{department_id}_{classification}_{phase}_{year}_{'_'.join(path)}")


def _search() -> None:
    """The search box and what it finds."""
    phases = phase_labels()
    kind_labels = {kind: t(f"explore_kind_{kind}") for kind in KINDS}
    query = bound_text(
        st.text_input, "q", t("explore_query"), placeholder=t("explore_query_placeholder"), key="explore_query"
    )
    kinds = st.multiselect(
        t("explore_kinds"),
        list(KINDS),
        default=list(KINDS),
        format_func=kind_labels.get,
        placeholder=t("choose_many"),
        key="explore_kinds",
    )
    if not query.strip():
        st.caption(t("explore_search_hint"))
        return
    if not kinds:
        st.info(t("explore_no_kinds"))
        return
    found = _data.search(query, tuple(kinds), SEARCH_LIMIT + 1)
    if found.is_empty():
        st.info(t("explore_no_results"))
        return
    if found.height > SEARCH_LIMIT:
        st.caption(t("explore_results_more").format(n=SEARCH_LIMIT))
        found = found.head(SEARCH_LIMIT)
    else:
        st.caption(t("explore_results").format(n=found.height))
    dash = t("none")
    scopes = {scope: t(f"scope_{scope}") for scope in s.SCOPES}
    # Whether a line is the department's as a whole (部门) or one unit's (单位): its document says.
    found = found.join(dataset.documents.select(s.DOC_ID, s.SCOPE), on=s.DOC_ID, how="left", maintain_order="left")
    results = found.select(
        pl.col(KIND).replace_strict(kind_labels).alias(t("explore_col_kind")),
        pl.coalesce(DEPARTMENT_NAME, s.DEPARTMENT_ID).fill_null(dash).alias(t("explore_col_department")),
        pl.col(s.SCOPE).replace_strict(scopes, default=dash).alias(t("col_scope")),
        pl.col(s.FISCAL_YEAR).cast(pl.String).fill_null(dash).alias(t("explore_col_year")),
        pl.col(s.PHASE).replace_strict(phases, default=dash).alias(t("explore_col_phase")),
        pl.col(SNIPPET).alias(t("explore_col_snippet")),
        wan_text(s.AMOUNT_YUAN).alias(t("explore_col_found_amount")),
        # Where it was published, last: the file (a long name shortened in its middle), then the page and line (a
        # text disclosure has no pages).
        _short_name(pl.col(s.SOURCE_NAME)).fill_null(dash).alias(t("explore_col_file")),
        pl.col(s.PAGE).cast(pl.String).fill_null(dash).alias(t("explore_col_page")),
        pl.col(s.LINE).cast(pl.String).fill_null(dash).alias(t("explore_col_line")),
    )
    files = found.get_column(s.SOURCE_NAME).drop_nulls().unique(maintain_order=True)
    st.dataframe(
        results,
        hide_index=True,
        column_config={t(key): column for key, column in _result_columns(files.to_list()).items()},
        height=_data.table_height(results.height),
        key="explore_results",
    )
    # The files' full names, below the table (a cell shows a long one shortened).
    shortened = files.filter(files.str.len_chars() > _FILE_CHARS)
    if len(shortened):
        st.caption(
            pick(("完整文件名：", "Full file names: "))
            + t("list_separator").join(escape_markdown(f) for f in shortened)
        )


#: The most characters of a file name the results show; a longer one keeps its start and end around an ellipsis.
_FILE_CHARS = 26
#: Characters a shortened name keeps of its end: the year, scope, phase and extension (``2018_dept_budget.pdf``).
_FILE_TAIL = 20


def _short_name(name: pl.Expr) -> pl.Expr:
    """A file name of at most ``_FILE_CHARS`` characters: a longer one keeps its start and its end (the year, the
    phase and the extension) around “…”."""
    head = _FILE_CHARS - _FILE_TAIL - 1
    return (
        pl.when(name.str.len_chars() > _FILE_CHARS)
        .then(pl.concat_str(name.str.slice(0, head), pl.lit("…"), name.str.slice(-_FILE_TAIL)))
        .otherwise(name)
    )


def _result_columns(files: list[str]) -> dict[str, object]:
    """Column widths (in pixels) of the search results, by UI string key: together 940, so that the file and its
    page fit a page beside the sidebar (a window 1,400 wide) without scrolling sideways."""
    right = {"alignment": "right"}
    shortened = pick(
        (
            "文件名过长时中间以“…”省略，完整文件名列在表格下方",
            "A long file name is shortened in its middle; the full names are listed below the table",
        )
    )
    file_help = shortened if any(len(name) > _FILE_CHARS for name in files) else None
    widths = {
        "explore_col_kind": (72, {}),
        "explore_col_department": (170, {}),
        "col_scope": (48, {}),
        "explore_col_year": (46, right),
        "explore_col_phase": (44, {}),
        "explore_col_snippet": (188, {}),
        "explore_col_found_amount": (92, right),
        "explore_col_file": (200, {"help": file_help}),
        "explore_col_page": (40, right),
        "explore_col_line": (40, right),
    }
    return {key: st.column_config.TextColumn(width=width, **options) for key, (width, options) in widths.items()}


drill_tab, search_tab = st.tabs([t("explore_drill"), t("explore_search")])
with drill_tab:
    _drill()
with search_tab:
    _search()
