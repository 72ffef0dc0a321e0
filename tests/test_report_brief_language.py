"""One language through and through: the English brief of every department of the shipped dataset has no Chinese
but the documents' own (names, file names, line names and text quoted from them, marked ``lang="zh-CN"``), and the
Chinese brief no English status words or raw codes."""

from __future__ import annotations

import html as html_module
import re
from collections.abc import Iterator
from functools import cache

import polars as pl
import pytest

from analytics import schema as s
from analytics.report.brief import build_brief, render_html
from analytics.store import Dataset, open_dataset
from tests.shipped import shipped_dataset_untouched

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+")
#: Words of the brief itself that must never be left in Chinese in the English brief, even beside a quote.
STATUS_WORDS = re.compile(r"核实|读数存疑|警示|严重|错误|提示|待核实|误报|已解释|移交|万元|比上年|第\s*\d+\s*[页行]")
#: What no brief shows: a key of the code (``expenditure_total``, ``income_summary``) or a missing value as Python
#: prints it; nor, in Chinese, an English status word.
CODE = r"\b(?:None|nan|NaN|null)\b|\b[a-z]+(?:_[a-z0-9]+)+\b"
RAW = re.compile(rf"\b(?:error|warning|info|true|false)\b|{CODE}")
FILE_NAME = re.compile(r"[\w.-]+\.(?:pdf|txt|xlsx?|docx?|html?)\b", re.IGNORECASE)
QUOTED_SPAN = re.compile(r'<span class="quoted" lang="zh-CN">[^<]*</span>')
#: Quotes inside a finding's English wording: what it cites from the document.
QUOTES = re.compile(r"'[^']*'|“[^”]*”|‘[^’]*’|\"[^\"]*\"")


@pytest.fixture(autouse=True)
def _shipped_dataset_is_read_only() -> Iterator[None]:
    """No test of the brief writes into ``datasets/normalized`` (it reads it, or a copy in ``tmp_path``)."""
    with shipped_dataset_untouched():
        yield


@cache
def _shipped() -> Dataset:
    return open_dataset()


def _briefs() -> list[tuple[str, int, str]]:
    return (
        _shipped()
        .documents.select(s.DEPARTMENT_ID, s.FISCAL_YEAR, s.PHASE)
        .unique()
        .sort(s.DEPARTMENT_ID, s.FISCAL_YEAR, s.PHASE)
        .rows()
    )


def _body(page: str) -> str:
    """The page without its head (styles and the title) and without the charts (their text is tested apart)."""
    return re.sub(r"<svg.*?</svg>", "", page.split("</head>", 1)[1], flags=re.S)


def _text(markup: str) -> str:
    return html_module.unescape(re.sub(r"<[^>]+>", "\n", markup))


@cache
def _document_words(department_id: str) -> str:
    """Everything the department's documents print, and the names of departments (a finding comparing departments
    names them): where a finding's wording may quote Chinese from."""
    ds = _shipped()
    docs = ds.documents.filter(pl.col(s.DEPARTMENT_ID) == department_id).select(s.DOC_ID)
    parts = [
        ds.tables["document_text"].join(docs, on=s.DOC_ID, how="semi").get_column(s.SOURCE_TEXT),
        ds.lines.join(docs, on=s.DOC_ID, how="semi").get_column(s.NAME),
        ds.statements.join(docs, on=s.DOC_ID, how="semi").get_column(s.SUBJECT),
        ds.departments.get_column(s.NAME),
    ]
    # Without spaces: a reader keeps a line's words as printed, a wrapped line's with spaces in between.
    return re.sub(r"\s+", "", "\n".join("\n".join(part.drop_nulls().to_list()) for part in parts))


@pytest.mark.parametrize(("department_id", "fiscal_year", "phase"), _briefs())
def test_the_english_brief_has_no_chinese_but_the_documents_own(
    department_id: str, fiscal_year: int, phase: str
) -> None:
    brief = build_brief(_shipped(), department_id, fiscal_year, phase=phase)
    page = render_html(brief, lang="en", charts_svg=False)
    body = _body(page)
    questions = re.findall(r'<span class="question">([^<]*)</span>', body)
    rest = QUOTED_SPAN.sub("", re.sub(r'<span class="question">[^<]*</span>', "", body))
    left = sorted({run for run in CJK.findall(_text(rest))})
    assert not left, f"Chinese in the English brief of {brief.name} {fiscal_year} {phase}: {left}"
    # No key of the code either (a table's ``income_summary``), nor a missing value as Python prints it.
    raw = re.findall(CODE, FILE_NAME.sub("", _text(rest) + "\n".join(questions)))
    assert not raw, f"{brief.name} {fiscal_year} {phase}: {sorted(set(raw))}"
    words = _document_words(department_id)
    for question in map(html_module.unescape, questions):
        unquoted = QUOTES.sub("", question)
        assert not STATUS_WORDS.search(unquoted), question
        # What a finding's English names in Chinese (a line, a subject of the text) is the document's own words.
        foreign = [run for run in CJK.findall(unquoted) if run not in words]
        assert not foreign, f"{foreign} in {question!r}"


def test_the_english_charts_name_only_departments_in_chinese() -> None:
    ds = _shipped()
    names = set(ds.departments.get_column(s.NAME).to_list())
    page = render_html(build_brief(ds, "江苏省人民检察院"), lang="en")
    charts = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert len(charts) == 2  # the trend and the peers
    texts = {html_module.unescape(t).strip() for t in re.findall(r">([^<]*)<", "".join(charts))}
    # Proper names stay Chinese: departments, and the region a peer group is named by ("Peer group: 江苏省 (5, …)").
    regions = set(ds.departments.get_column(s.REGION).drop_nulls().to_list())
    proper = sorted(names | regions, key=len, reverse=True)
    left = {re.sub("|".join(map(re.escape, proper)), "", t) for t in texts if CJK.search(t)}
    assert not {t for t in left if CJK.search(t)}, left


@pytest.mark.parametrize(("department_id", "fiscal_year", "phase"), _briefs())
def test_the_chinese_brief_has_no_english_status_words_or_codes(
    department_id: str, fiscal_year: int, phase: str
) -> None:
    brief = build_brief(_shipped(), department_id, fiscal_year, phase=phase)
    page = render_html(brief, charts_svg=False)
    text = FILE_NAME.sub("", _text(_body(page)))
    assert not RAW.findall(text), f"{brief.name} {fiscal_year} {phase}: {sorted(set(RAW.findall(text)))}"


def test_the_english_targets_say_their_level_in_english_and_quote_the_rest() -> None:
    """武汉市汉阳区大数据中心 2023: 产出指标 · 全年发布信息数量 ≥3300条, earlier 2021 无, 2022 3000条以上."""
    page = render_html(build_brief(_shipped(), "武汉市汉阳区大数据中心", 2023), lang="en", charts_svg=False)
    quoted = '<span class="quoted" lang="zh-CN">{}</span>'.format
    assert f"<td>Output · {quoted('全年发布信息数量')}</td>" in page
    assert f"<td>2021: {quoted('无')}; 2022: {quoted('3000条以上')}</td>" in page
    chinese = render_html(build_brief(_shipped(), "武汉市汉阳区大数据中心", 2023), charts_svg=False)
    assert "<td>产出指标 · 全年发布信息数量</td>" in chinese and "<td>2021：无；2022：3000条以上</td>" in chinese
