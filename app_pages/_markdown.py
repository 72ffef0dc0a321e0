"""Document text shown through Streamlit's Markdown (``st.markdown``, ``st.caption``, ``st.info`` …) as the text
it is: a department name or a printed line never becomes a link, a heading or coloured text."""

from __future__ import annotations

import re

__all__ = ["escape_markdown"]

# What Markdown (CommonMark, GFM, Streamlit's ``:color[…]`` directives, ``$`` maths) reads as syntax anywhere in
# a line: emphasis, code, links and images (``[``), autolinks and HTML (``<``, a URL's ``:``, an e-mail's ``@``),
# strikethrough, maths, tables, entities; ``_`` unless between letters or digits (``a_b`` is never emphasis).
# A backslash escapes any ASCII punctuation, so the text renders unchanged.
_INLINE = re.compile(r"([\\`*\[\]<>~$|:@&]|(?<![^\W_])_|_(?![^\W_]))")
# At the start of a line only: a heading, a quote, a list item, a rule or setext underline (``0.06%`` is none).
_LINE_START = re.compile(r"^([ \t]*)(#{1,6}(?=[ \t]|$)|>|[-+](?=[ \t]|$)|[-=]+[ \t]*$)", re.MULTILINE)
_ORDERED = re.compile(r"^([ \t]*\d{1,9})([.)])(?=[ \t]|$)", re.MULTILINE)
# A bare ``www.`` link (GFM autolinks it without any ``:``).
_WWW = re.compile(r"(?i)\b(www)\.")


def escape_markdown(text: object) -> str:
    r"""``text`` with every character Markdown could read as syntax backslash-escaped: shown as it is.

    Examples
    --------
    >>> escape_markdown("[x](//evil.example)")
    '\\[x\\](//evil.example)'
    >>> escape_markdown("南京市鼓楼区档案馆 0.06% js_2017.pdf _斜_")
    '南京市鼓楼区档案馆 0.06% js_2017.pdf \\_斜\\_'
    >>> escape_markdown("# 1. www.evil.example")
    '\\# 1. www\\.evil.example'
    """
    escaped = _INLINE.sub(r"\\\1", "" if text is None else str(text))
    escaped = _ORDERED.sub(r"\1\\\2", _LINE_START.sub(r"\1\\\2", escaped))
    return _WWW.sub(r"\1\\.", escaped)
