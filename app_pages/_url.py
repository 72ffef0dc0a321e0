"""Views that can be shared: widgets bound to the URL's query parameters.

A bound widget starts from its query parameter (``?dept=…&year=2024``) when the page is opened, and writes its value
back when it changes, so that the address in the browser is always a link to the view on screen. Values go in the
URL as stable codes (a department's ``department_id``, a measure's key, a year), never as the labels the widget shows
(a label changes with the language). A value the URL names that is not an option (a department not in the dataset, a
year mistyped) is ignored with a small notice, never a traceback.

Streamlit's own ``bind="query-params"`` is not used: it writes the shown label (a department's name, in the
language of the moment) under the widget's key.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote

import streamlit as st

from app_pages._i18n import t

#: The query parameter of the language; its one value other than Chinese (the default, shown as no parameter).
LANG_PARAM, LANG_EN = "lang", "en"
#: How several values are written in one parameter (several ``?x=a&x=b`` are read as well).
SEPARATOR = ","

#: Where the link to the view is drawn (UI state: the sidebar's slot of this run, and the page's address).
_LINK_SLOT = "_url_link_slot"
#: Widgets that take options, with the keyword their initial value goes in.
_INITIAL = {"selectbox": "index", "radio": "index", "multiselect": "default", "select_slider": "value"}


def bound(
    widget: Callable[..., Any],
    param: str,
    label: str,
    options: Sequence[Any],
    *,
    encode: Callable[[Any], object] = str,
    **kwargs: Any,
) -> Any:
    """Show ``widget`` (``st.selectbox``, ``st.radio``, ``st.multiselect``, ``st.select_slider``, or the same
    method of a column) bound to the query parameter ``param``, and return its value.

    Parameters
    ----------
    widget
        The widget function, e.g. ``st.selectbox`` or ``left.multiselect``; it must be given a ``key``.
    param
        The query parameter's name.
    label, options, kwargs
        The widget's own arguments. Its default (``index``, ``default`` or ``value``) is the value shown when the
        URL names none; a widget already on screen keeps its state (its key is its identity).
    encode
        An option → its code in the URL (default ``str``); codes must be unique.

    Examples
    --------
    >>> year = bound(st.selectbox, "year", "年度", [2024, 2023], key="brief_year")  # doctest: +SKIP
    """
    options = list(options)
    kind = getattr(widget, "__name__", "")
    if kind not in _INITIAL:
        raise TypeError(f"bound() takes one of {sorted(_INITIAL)}, not {kind!r}")
    codes = {str(encode(option)): option for option in options}
    default = _default(kind, options, kwargs)
    initial = _from_url(param, label, codes, default)
    if kind in {"selectbox", "radio"}:
        kwargs["index"] = options.index(initial) if initial in options else kwargs.get("index", 0)
    else:
        kwargs[_INITIAL[kind]] = initial
    value = widget(label, options, **kwargs)
    _to_url(param, value, default, encode)
    _show_link()
    return value


def bound_text(widget: Callable[..., Any], param: str, label: str, **kwargs: Any) -> str:
    """Show a text widget (``st.text_input`` or a column's) bound to the query parameter ``param``: it starts from
    the URL's text when first shown, and an empty text is no parameter. ``kwargs`` must hold a ``key``."""
    key = kwargs["key"]
    if key not in st.session_state and param in st.query_params:
        st.session_state[key] = st.query_params.get(param, "")
    value = widget(label, **kwargs) or ""
    _write(param, value.strip() or None)
    _show_link()
    return value


def language_toggle() -> bool:
    """The sidebar's English switch, bound to ``?lang=en``: the language carries across page switches (the switch
    is the app's, on every page) and reloads (the URL keeps it)."""
    english = st.query_params.get(LANG_PARAM) == LANG_EN
    value = st.sidebar.toggle("English", value=english, key="lang_en")
    _write(LANG_PARAM, LANG_EN if value else None)
    return value


def current_link(url_path: str) -> str:
    """The link to the view on screen: the page's address (``url_path``, relative when the browser's is unknown)
    with the query parameters of its bound widgets.

    Examples
    --------
    >>> current_link("flags")  # doctest: +SKIP
    'http://localhost:8501/flags?severity=error&lang=en'
    """
    page = st.context.url or f"/{quote(url_path)}"
    query = "&".join(
        f"{_readable(key)}={_readable(value)}" for key in st.query_params for value in st.query_params.get_all(key)
    )
    return f"{page}?{query}" if query else page


def share_link(url_path: str) -> None:
    """The sidebar's “copy the link to this view”: the link in a code block, whose button copies it. Shown before
    the page runs and redrawn by every bound widget the page shows (a page may stop early: nothing after it runs)."""
    st.sidebar.caption(t("share_link"))
    st.session_state[_LINK_SLOT] = (st.sidebar.empty(), url_path)
    _show_link()


def _show_link() -> None:
    """Redraw the link to the view, if the app shows one."""
    if (shown := st.session_state.get(_LINK_SLOT)) is not None:
        slot, url_path = shown
        slot.code(current_link(url_path), language=None, wrap_lines=True)


def _readable(text: str) -> str:
    """``text`` escaped for a query string, its Chinese kept as it is (a link a reader can read; browsers and
    mail clients take it as it is)."""
    return "".join(quote(char, safe=SEPARATOR) if char.isascii() else char for char in text)


def _default(kind: str, options: list[Any], kwargs: dict[str, Any]) -> Any:
    """The value the widget shows when the URL names none."""
    if kind in {"selectbox", "radio"}:
        index = kwargs.get("index", 0)
        return options[index] if index is not None and options else None
    if kind == "multiselect":
        given = kwargs.get("default")
        return [] if given is None else list(given) if isinstance(given, (list, tuple)) else [given]
    value = kwargs.get("value")
    return options[0] if value is None and options else value


def _from_url(param: str, label: str, codes: dict[str, Any], default: Any) -> Any:
    """The value the URL gives ``param``, or ``default`` (with a notice when the URL's is not an option)."""
    if param not in st.query_params:
        return default
    raw = [part for value in st.query_params.get_all(param) for part in value.split(SEPARATOR)]
    known = [codes[code] for code in raw if code in codes]
    unknown = [code for code in raw if code and code not in codes]
    if unknown:
        st.toast(t("url_ignored").format(label=label, values="、".join(unknown)), icon=":material/link_off:")
    if isinstance(default, list):
        # ``?x=`` (an empty value) is an empty choice; only unknown values leave the default.
        return known if known or not unknown else default
    if isinstance(default, tuple):
        # A range (two ends of a slider): both ends, else the default.
        return (known[0], known[-1]) if len(known) == 2 else default
    return known[-1] if known else default


def _to_url(param: str, value: Any, default: Any, encode: Callable[[Any], object]) -> None:
    """Write ``value`` under ``param`` (removed when it is the default: short links, and a default that moves with
    the data is not pinned)."""
    if value == default or (value is None and default is None):
        _write(param, None)
    elif isinstance(value, (list, tuple)):
        _write(param, SEPARATOR.join(str(encode(v)) for v in value))
    else:
        _write(param, str(encode(value)))


def _write(param: str, code: str | None) -> None:
    """Set (or, for ``None``, remove) one query parameter, only when it changes: each write is a message to the
    browser."""
    if code is None:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get_all(param) != [code]:
        st.query_params[param] = code
