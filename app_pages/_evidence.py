"""The published page behind a figure: a PDF page with the cited line highlighted, or the text lines around it.

``show_source`` renders one citation (document, page, line, text); ``pick_source`` lets the reader choose one of
several (a finding's evidence, the places a key figure is printed) and shows it. The work is done in
``analytics.evidence`` through the cached wrappers of ``_data``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl
import streamlit as st

import analytics
from analytics import schema as s
from analytics.evidence import CITED, NOT_FOUND, OFF_PAGE, TEXT_PART, SourceMissingError
from app_pages import _data
from app_pages._i18n import lang, t, table_labels
from app_pages._markdown import escape_markdown


def _name(doc_id: str) -> str:
    names = dict(_data.load_dataset().documents.select(s.DOC_ID, s.SOURCE_NAME).rows())
    return str(names.get(doc_id, doc_id))


def _caption(doc_id: str, page: int | None, line: int | None) -> str:
    """Where a line is, for a caption (Markdown): the file's name escaped."""
    name = escape_markdown(_name(doc_id))
    if page is not None and line is not None:
        return t("source_caption").format(name=name, page=page, line=line)
    if page is not None:
        return t("source_caption_page").format(name=name, page=page)
    return t("source_caption_text").format(name=name, line=line)


def source_label(item: Mapping[str, object]) -> str:
    """One citation as a reader picks it: file · table · 第N页 · 第M行 · the start of its text."""
    labels = {**table_labels(), TEXT_PART: t("part_narrative")}
    part = item.get("table_or_part")
    text = str(item.get(s.SOURCE_TEXT) or "")
    where = [
        _name(str(item[s.DOC_ID])),
        labels.get(str(part), str(part)) if part else None,
        t("evidence_page").format(n=item[s.PAGE]) if item.get(s.PAGE) is not None else None,
        t("evidence_line").format(n=item[s.LINE]) if item.get(s.LINE) is not None else None,
        text[:40] + ("…" if len(text) > 40 else ""),
    ]
    return " · ".join(w for w in where if w)


def _text_lines(doc_id: str, page: int | None, line: int, source_text: str | None, key: str) -> None:
    try:
        context = _data.text_context(doc_id, page, line, source_text)
    except analytics.AnalyticsError as exc:
        st.error(str(exc))
        return
    st.caption(t("source_text_lines") + " · " + _caption(doc_id, page, line))
    cited = context.get_column(CITED).to_list()
    frame = context.select(
        pl.when(pl.col(CITED)).then(pl.lit("▶")).otherwise(pl.lit("")).alias(t("col_cited")),
        pl.col(s.LINE).alias(t("col_line")),
        pl.col(s.SOURCE_TEXT).alias(t("col_source_text")),
    ).to_pandas()
    # The cited lines in the highlight colour of the page images.
    styled = frame.style.apply(
        lambda row: ["background-color: rgba(255, 214, 0, 0.35)" if cited[row.name] else "" for _ in row], axis=1
    )
    st.dataframe(
        styled,
        hide_index=True,
        column_config={
            t("col_cited"): st.column_config.TextColumn(width=48),
            t("col_line"): st.column_config.NumberColumn(format="%d", width=64),
        },
        key=f"{key}_text",
    )


def show_source(doc_id: str, page: int | None, line: int | None, source_text: str | None, *, key: str) -> None:
    """Show where a figure was published: the PDF page with its line highlighted (the band around the line, and the
    whole page on demand), or, for a text document or a PDF whose file is not at hand, the lines around it."""
    documents = _data.load_dataset().documents.filter(pl.col(s.DOC_ID) == doc_id)
    if documents.is_empty() or (page is None and line is None):
        st.info(t("source_no_place"))
        return
    if documents.item(0, s.SOURCE_FORMAT) != "pdf" or page is None:
        if line is None:
            st.info(t("source_no_place"))
        else:
            _text_lines(doc_id, page, line, source_text, key)
        return
    try:
        shown = _data.page_image(doc_id, page, line, source_text)
    except SourceMissingError:
        st.warning(t("source_missing"))
        st.caption(t("source_missing_hint"))
        if line is not None:
            _text_lines(doc_id, page, line, source_text, key)
        return
    except analytics.AnalyticsError as exc:
        st.error(str(exc))
        return
    caption = _caption(doc_id, page, line)
    if shown.note == NOT_FOUND:
        st.info(t("source_not_found"))
    elif shown.note == OFF_PAGE:
        st.info(t("source_off_page"))
    # The band around the line is legible at screen width; the whole page on demand (a toggle, not an expander:
    # this may already sit in one).
    whole = not shown.matched or st.toggle(t("source_whole_page"), key=f"{key}_whole")
    st.image(shown.png if whole else shown.excerpt(), caption=caption, width="stretch", output_format="PNG")


def pick_source(items: Sequence[Mapping[str, object]], *, label: str, key: str) -> None:
    """A select box of citations (``doc_id``, ``page``, ``line``, ``source_text``, optionally ``table_or_part``)
    and the chosen one shown on its page."""
    usable = [item for item in items if item.get(s.DOC_ID)]
    if not usable:
        st.info(t("source_no_place"))
        return
    # Labels made now, in this run's language (a format function reading the language later would not match them);
    # each language has its own widget, so that a switch shows the labels of the new one.
    labels = [source_label(item) for item in usable]
    chosen = st.selectbox(
        label, range(len(usable)), format_func=labels.__getitem__, placeholder=t("choose_one"), key=f"{key}_{lang()}"
    )
    item = usable[chosen if chosen is not None else 0]
    show_source(
        str(item[s.DOC_ID]),
        item.get(s.PAGE),  # type: ignore[arg-type]
        item.get(s.LINE),  # type: ignore[arg-type]
        item.get(s.SOURCE_TEXT),  # type: ignore[arg-type]
        key=f"{key}_shown",
    )


def show_figure_source(figures: pl.DataFrame, measure_names: Mapping[str, str], *, key: str) -> None:
    """A select box of key figures (``measure``, ``fiscal_year``, ``amount_yuan``, ``doc_id`` rows) and the
    chosen one shown where its document prints it. ``key`` names the figures shown (a department): each set of
    figures has its own choice."""
    from analytics.compare import _columns as c

    rows = figures.filter(pl.col(s.DOC_ID).is_not_null() & pl.col(s.AMOUNT_YUAN).is_not_null()).to_dicts()
    if not rows:
        st.info(t("figure_no_source"))
        return

    labels = [
        f"{measure_names.get(row[c.MEASURE], row[c.MEASURE])} · {row[s.FISCAL_YEAR]} · "
        f"{analytics.format_wan(row[s.AMOUNT_YUAN], lang=lang())}"
        for row in rows
    ]
    chosen = st.selectbox(
        t("pick_figure"),
        range(len(rows)),
        format_func=labels.__getitem__,
        placeholder=t("choose_one"),
        key=f"{key}_{lang()}",
    )
    row = rows[chosen if chosen is not None else 0]
    places = _data.figure_sources(row[s.DOC_ID], row[s.AMOUNT_YUAN], row[s.FISCAL_YEAR])
    if places.is_empty():
        st.info(t("figure_no_source"))
        return
    figure = f"{row[s.DOC_ID]}_{row[c.MEASURE]}_{row[s.FISCAL_YEAR]}"
    pick_source(places.to_dicts(), label=t("pick_figure_place"), key=f"{key}_place_{figure}")
