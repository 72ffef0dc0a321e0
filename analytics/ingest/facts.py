"""Department facts and the tables of the 部门整体支出绩效目标申报表 other than its indicators.

* ``identify_document``: department name, region, fiscal year, phase (预算 / 决算) and scope (部门 / 单位);
* ``extract_department``: unit type, 编制, 实有人数 and the number of subordinate units;
* ``extract_fund_composition``: the 总体资金情况 table (收入构成 / 支出构成, current year with its share, and the
  prior years the form prints);
* ``extract_projects``: the 项目支出情况 table (name, category, total budget, this year's budget, purpose).

All of them read the line form (``SourceDocument``) and work on any document of the layout: the vocabulary they
look for is the national form's, never one document's names or figures.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from analytics import schema as s
from analytics.errors import ReaderError
from analytics.ingest._flow import Flow
from analytics.ingest._source import SourceDocument, SourceLine
from analytics.ingest.lexicon import alternation, entries, meaning, numeral_value
from analytics.ingest.numbers import normalize_text, parse_amount, parse_percent

__all__ = [
    "DocumentIdentity",
    "extract_department",
    "extract_fund_composition",
    "extract_projects",
    "find_unit",
    "identify_document",
]

#: Canonical key of the 总体资金情况 table of the 部门整体支出绩效目标申报表 (see analytics/reference/tables.csv).
FUND_COMPOSITION_TABLE = "performance_fund_composition"

_TITLE = re.compile(
    rf"(?P<year>(?:19|20)\d{{2}})年度?{alternation('title_level')}?"
    rf"(?:(?P<scope>{alternation('title_scope')})|.{{2,30}}?)(?P<phase>{alternation('title_phase')})(?!执行|调整|数)"
)
_NAME_CELL = re.compile(r"^部门\s*[(（]\s*单位\s*[)）]")
_REGION = re.compile(
    r"^(?P<region>(?:[^省市区县旗州]{1,8}(?:省|自治区))?(?:[^省市区县旗州]{1,8}(?:市|自治州|盟))?"
    r"(?:[^省市区县旗州]{1,8}(?:区|县|旗|市))?)"
)


@dataclass(frozen=True)
class DocumentIdentity:
    """Who published the document and for which year and phase."""

    department: str
    region: str | None
    fiscal_year: int | None
    phase: str
    scope: str
    line: SourceLine

    @property
    def department_id(self) -> str:
        """A stable id across years: the full name without spaces, without a party prefix (中共 …), with
        委员会 shortened to 委.

        Party organs print their name with and without "中共" in the same year's two files.
        """
        name = re.sub(r"^(中共|中国共产党)", "", self.department)
        # "…省委员会办公厅" and "…省委办公厅" are one body; 委员会 and its short form 委 are used interchangeably.
        return name.replace("委员会", "委")


def _small_int(text: str) -> int:
    """Parse a head-count: Arabic digits or a small Chinese numeral (零 … 九十九)."""
    return numeral_value(normalize_text(text))


def split_region(name: str) -> tuple[str | None, str]:
    """Split a full department name into its administrative region prefix and the rest.

    Examples
    --------
    >>> split_region("武汉市汉阳区大数据中心")
    ('武汉市汉阳区', '大数据中心')
    >>> split_region("江苏省人民检察院")
    ('江苏省', '人民检察院')
    >>> split_region("大数据中心")
    (None, '大数据中心')
    """
    match = _REGION.match(name)
    region = match["region"] if match else ""
    if not region or len(region) == len(name):
        return None, name
    return region, name[len(region) :]


def identify_document(doc: SourceDocument, *, require_year: bool = True) -> DocumentIdentity:
    """Find the department, year, phase and scope a disclosure is about.

    The year, phase and scope come from the title ("… 2023 年部门预算", "2024年区级部门预算", "2018 年度…预算公开"),
    read on single lines and on pairs of lines (a cover title often wraps). The department is taken, in this order,
    from a label that names it ("预算主管部门：", "预算单位：", the 部门(单位)名称 cell of the 绩效目标申报表), from
    the words before the title in a heading, or from the name most often printed by the tables' "部门：" labels.

    Parameters
    ----------
    require_year
        A tables-only PDF of a disclosure split into two files may print no year; with ``require_year=False`` its
        identity has ``fiscal_year=None`` and the reader pairs it with the other file.

    Raises
    ------
    ReaderError
        When no title of a budget or final-account disclosure, or no department name, is found.
    """
    lines = doc.nonblank()[:400]
    texts = [normalize_text(ln.text) for ln in lines]
    title = _find_title(lines, texts)
    labelled = _name_from_label(texts) or _name_from_cell(texts)
    titled = _name_from_title(texts)
    # A label's value may wrap onto the next line ("部门名称：江苏省人大" / "常委会办公厅"): the title then holds
    # the whole name.
    if labelled and titled and titled.startswith(labelled):
        labelled = titled
    department = labelled or titled or _most_common_label(texts)
    department = re.sub(r"[(（](部门|单位|本级)[)）]$", "", department) if department else department
    if title is None and (require_year or not department):
        raise ReaderError(
            doc.name,
            "",
            "not a budget disclosure: no title like 'YYYY 年部门预算' / '单位决算' was found in the first 400 lines",
        )
    where = f"line {title[0].number}" if title else ""
    if not department:
        raise ReaderError(
            doc.name,
            where,
            "found the title but no department name (expected '<部门名称> YYYY 年部门预算', '预算主管部门：…' "
            "or a 部门(单位)名称 cell)",
        )
    region, _ = split_region(department)
    match = title[1] if title else None
    unit_scope = (match and match["scope"] == "单位") or any(t.startswith("预算单位:") for t in texts[:5])
    return DocumentIdentity(
        department=department,
        region=region,
        fiscal_year=int(match["year"]) if match else None,
        phase=meaning("title_phase", match["phase"]) if match else "budget",
        scope="unit" if unit_scope else "department",
        line=title[0] if title else lines[0],
    )


_OWNER_LABEL = re.compile(rf"^{alternation('owner_label')}[:：](?P<name>[^:：]{{2,40}}?)(?:单位[:：].*)?$")
_TABLE_LABEL = re.compile(rf"^{alternation('table_owner_label')}[:：](?P<name>[^:：]{{2,40}}?)(?:单位[:：].*)?$")


def _find_title(lines: list[SourceLine], texts: list[str]) -> tuple[SourceLine, re.Match[str]] | None:
    candidates: list[tuple[int, SourceLine, re.Match[str]]] = []
    for index, (line, text) in enumerate(zip(lines, texts, strict=True)):
        joined = text + (texts[index + 1] if index + 1 < len(texts) else "")
        match = _TITLE.search(text) or _TITLE.search(joined)
        if match:
            # Prefer a heading or cover line over a sentence that mentions the year's budget.
            rank = 0 if _HEADING_PREFIX.match(text) or len(text) <= 30 else 1
            candidates.append((rank, line, match))
    if not candidates:
        return None
    _, line, match = min(candidates, key=lambda c: (c[0], c[1].number))
    return line, match


def _name_from_label(texts: list[str]) -> str | None:
    """The name a "预算主管部门：" / "预算单位：" / "部门名称：" label gives."""
    return next((m["name"] for text in texts if (m := _OWNER_LABEL.match(text))), None)


def _most_common_label(texts: list[str]) -> str | None:
    names = [m["name"] for t in texts if (m := _TABLE_LABEL.match(t))]
    return Counter(names).most_common(1)[0][0] if names else None


def _name_from_cell(texts: list[str]) -> str | None:
    for index, text in enumerate(texts):
        if not _NAME_CELL.match(text):
            continue
        rest = re.sub(r"^部门\(单位\)(名称)?", "", text)
        # The label may wrap ("部门(单位)" / "名称") and the value follow on the next line.
        candidates = [rest] if rest else []
        candidates += texts[index + 1 : index + 3]
        for printed in candidates:
            candidate = printed.removeprefix("名称")
            if candidate and not re.search(r"\d|填报人|联系电话", candidate):
                return candidate
    return None


_HEADING_PREFIX = re.compile(rf"^{alternation('heading_prefix')}")


_NAME_AFTER_YEAR = re.compile(r"^(?:19|20)\d{2}年度?(?P<name>.{2,30}?)(?:部门|单位)?(?:预算|决算)(?:公开|表)?$")


def _name_from_title(normalized: list[str]) -> str | None:
    """The department name printed in a title: before the year ("XX 2023 年部门预算表") or after it ("2018 年度
    XX 预算公开"). A cover title wraps over up to three short lines, so windows of neighbouring lines are tried and
    the longest clean name of the first title wins."""
    texts = [_HEADING_PREFIX.sub("", text) for text in normalized]
    for index in range(len(texts)):
        names: list[str] = []
        for back in (0, 1, 2):
            for forward in (0, 1):
                if index - back < 0 or index + forward >= len(texts):
                    continue
                window = texts[index - back : index + forward + 1]
                if back and any(len(t) > 24 for t in window[:back]):
                    continue  # only short cover lines wrap a name; a paragraph before a heading is no name
                names.extend(_title_names("".join(window)))
        clean = [n for n in names if 2 <= len(n) <= 40 and not re.search(r"[，。；：:、,()（）\d]", n)]
        if clean:
            return max(clean, key=len)
    return None


def _title_names(text: str) -> list[str]:
    names: list[str] = []
    match = _TITLE.search(text)
    # Only headings: the title ends the text (or is followed by 表 / 公开 / 说明), not a sentence around it.
    if match and match["scope"] and re.fullmatch(r"(表|公开|情况说明|说明|编制说明|预算表)?", text[match.end() :]):
        names.append(text[: match.start()])
    after = _NAME_AFTER_YEAR.match(text)
    if after and split_region(after["name"])[0]:
        names.append(after["name"])
    return names


_UNIT_LABEL = re.compile(rf"单位[:：]\s*({alternation('money_unit')})")


def find_unit(doc: SourceDocument, after: int = 0) -> tuple[str, SourceLine] | None:
    """The money unit printed as "单位：万元" on or after line number ``after``, with its line."""
    for line in doc.lines:
        if line.number < after:
            continue
        match = _UNIT_LABEL.search(line.text)
        if match:
            return match[1], line
    return None


# --- department facts -------------------------------------------------------------------------------------------

#: (pattern, unit type) in the lexicon's order: the first that matches the sentence wins.
_UNIT_TYPES = tuple((re.compile(term), type_) for _, term, type_ in entries("unit_type"))
_NUMBER_WORD = r"(\d+|[零〇一二两三四五六七八九十]+)"
_COUNTER = alternation("person_counter")
#: The total of posts: "总编制人数 21 人", "核定编制 40 名", "编制 338 名，其中行政编制 200 名" (not the 其中 parts).
_AUTHORIZED = re.compile(rf"{alternation('staff_authorized')}(?:人数|数)?(?:为|共|是)?\s*{_NUMBER_WORD}\s*{_COUNTER}")
_ACTUAL = re.compile(rf"{alternation('staff_actual')}(?:为|共|是)?\s*{_NUMBER_WORD}\s*{_COUNTER}")
#: "下属 2 个二级单位", "下属4家预算单位", "下属的8个二级事业单位16个三级事业单位" (the 二级 units are the 下属).
_SUBORDINATE = re.compile(alternation("subordinate"))


#: A part heading after the first (第二部分 …): where the overview ends.
_PART = re.compile(rf"^(?!第[一]部分){alternation('part_heading')}")
_UNIT_TYPE_STATED = re.compile(
    r"(?:(?:为|是|属于|(?<![所直下附从])属|系)(?:(?!包括|以及|下属|所属|和|及)[^，。；：,;:]){0,25}?"
    r"|(?:单位|机构)(?:性质|类型)[:：为是]\s*)"
    rf"{alternation('unit_type_stated')}"
)


def _overview_lines(doc: SourceDocument) -> list[SourceLine]:
    """The lines of the 概况 part: from its heading (the last "第一部分": a table of contents lists it first) to the
    next part's heading, or the first 200 lines that hold text when the document has no part headings."""
    lines = doc.nonblank()
    texts = [normalize_text(ln.text) for ln in lines]
    firsts = [i for i, t in enumerate(texts) if t.startswith("第一部分")]
    start = firsts[-1] if firsts else 0
    end = next((i for i in range(start + 1, len(lines)) if _PART.match(texts[i])), None)
    return lines[start : end if end is not None else min(len(lines), start + 200)]


def extract_department(doc: SourceDocument, identity: DocumentIdentity) -> dict[str, object]:
    """Unit type, staffing and subordinate units from the overview (第一部分 概况), with provenance.

    Facts the document does not state are ``None``; ``line`` points at the first fact found and ``source_text``
    holds every sentence a fact was read from, in document order.
    """
    flow = Flow.of(_overview_lines(doc))
    text = flow.text
    row: dict[str, object] = {
        s.DEPARTMENT_ID: identity.department_id,
        s.FISCAL_YEAR: identity.fiscal_year,
        s.NAME: identity.department,
        s.REGION: identity.region,
        s.UNIT_TYPE: None,
        s.STAFF_AUTHORIZED: None,
        s.STAFF_ACTUAL: None,
        s.SUBORDINATE_UNITS: None,
        s.PAGE: None,
        s.LINE: None,
        s.SOURCE_TEXT: None,
    }
    evidence: list[int] = []
    # The unit type must be said of the unit itself ("XX 为区政府直属事业单位，公益一类"; "单位性质：行政单位"), not
    # of the subordinate units an overview lists ("下属事业单位 3 家").
    stated = _UNIT_TYPE_STATED.search(text)
    if stated:
        sentence = _sentence(text, stated.start())
        rank = next(r for r, (p, _) in enumerate(_UNIT_TYPES) if p.search(sentence))
        row[s.UNIT_TYPE] = _UNIT_TYPES[rank][1]
        evidence.append(stated.start())
    for column, pattern in (
        (s.STAFF_AUTHORIZED, _AUTHORIZED),
        (s.STAFF_ACTUAL, _ACTUAL),
        (s.SUBORDINATE_UNITS, _SUBORDINATE),
    ):
        match = pattern.search(text)
        if match:
            row[column] = _small_int(match[1])
            evidence.append(match.start())
    if evidence:
        evidence.sort()
        first_line = flow.line_at(evidence[0])
        row[s.LINE], row[s.PAGE] = first_line.number, first_line.page
        row[s.SOURCE_TEXT] = "".join(dict.fromkeys(_sentence(text, offset) for offset in evidence))
    return row


def _sentence(text: str, offset: int) -> str:
    start = max(text.rfind(mark, 0, offset) for mark in "。；\n") + 1
    ends = [i for i in (text.find(mark, offset) for mark in "。；") if i >= 0]
    end = min(ends) + 1 if ends else len(text)
    return text[start:end].strip()


# --- 总体资金情况 (fund composition) -------------------------------------------------------------------------------

_NUMBER_TOKEN = re.compile(r"^[-(（]?[\d,，.．]+[)）]?%?$|^[\d.]+％$|^无$")
_SIDE_WORDS = {"收入": "income", "支出": "expenditure"}
_NOISE_WORDS = {"构成", "总体资金情况"}


def _split_row(text: str) -> tuple[str, list[str]]:
    """Split '合 计 1370.19 100% 1652.62' into its label ('合计') and its number tokens."""
    tokens = normalize_text_keep_spaces(text).split()
    numbers: list[str] = []
    while tokens and _NUMBER_TOKEN.match(tokens[-1]):
        numbers.insert(0, tokens.pop())
    return "".join(tokens), numbers


def normalize_text_keep_spaces(text: str) -> str:
    """Full-width forms folded like ``normalize_text`` but spaces kept as token separators."""
    return " ".join(normalize_text(part) for part in text.split())


def extract_fund_composition(  # noqa: PLR0912 - one pass over a table's lines, states kept together
    doc: SourceDocument, identity: DocumentIdentity
) -> list[dict[str, object]]:
    """The 总体资金情况 table: one row per (side, item, year) in exact 元.

    The current year's column carries the printed share (占比); the prior-year columns take their years from the
    header ("2022年 2021年"). Returns an empty list when the document has no such table.

    Raises
    ------
    ReaderError
        When the table is there but no unit is printed, a row has the wrong number of figures, or a figure is not
        a number.
    """
    lines = doc.nonblank()
    start = next((i for i, ln in enumerate(lines) if "总体资金情况" in normalize_text(ln.text)), None)
    if start is None:
        return []
    unit_found = find_unit(doc, after=max(lines[start].number - 40, 0))
    if unit_found is None or unit_found[1].number > lines[start].number:
        raise ReaderError(
            doc.name,
            f"line {lines[start].number}",
            "the 总体资金情况 table has no unit; expected '单位：万元' (or 元) in the form's header",
        )
    unit = unit_found[0]
    years: list[int] = [identity.fiscal_year]
    rows: list[dict[str, object]] = []
    side: str | None = None
    label_prefix = ""
    pending: tuple[str, list[str], list[SourceLine]] | None = None

    def flush() -> None:
        nonlocal pending
        if pending is not None:
            rows.extend(_composition_rows(doc, identity, unit, years, side, *pending))
            pending = None

    for line in lines[start + 1 :]:
        header_years = re.findall(r"((?:19|20)\d{2})年", normalize_text(line.text))
        if header_years and not rows and pending is None:
            years = [identity.fiscal_year, *map(int, header_years)]
            continue
        label, numbers = _split_row(line.text)
        if not numbers:
            flush()
            if label.removesuffix("构成") in _SIDE_WORDS:
                side = _SIDE_WORDS[label.removesuffix("构成")]
            elif label in _NOISE_WORDS or "金额" in label or label == "占比" or not rows:
                continue
            elif any(r[s.SIDE] == "expenditure" and r[s.CLASSIFICATION] == "total" for r in rows):
                break  # the table ends after the 支出构成 合计 row
            else:
                label_prefix += label  # a label wrapped onto the next line: "特定目标类项" / "目支出 1078.79"
            continue
        if label:
            flush()
            pending = (label_prefix + label, numbers, [line])
            label_prefix = ""
        elif pending is not None:
            pending[1].extend(numbers)
            pending[2].append(line)
        else:
            raise ReaderError(doc.name, f"line {line.number}", f"figures {numbers} with no row label before them")
    flush()
    totals = {r[s.SIDE] for r in rows if r[s.CLASSIFICATION] == "total"}
    if totals != {"income", "expenditure"}:
        missing = "、".join(label for key, label in (("income", "收入"), ("expenditure", "支出")) if key not in totals)
        raise ReaderError(
            doc.name,
            f"line {lines[start].number}",
            f"the 总体资金情况 table has no {missing} 合计 row; the table is cut off or not in the expected layout",
        )
    return rows


def _composition_rows(  # noqa: PLR0917 - one row's whole context, called from one place
    doc: SourceDocument,
    identity: DocumentIdentity,
    unit: str,
    years: list[int],
    side: str | None,
    label: str,
    tokens: list[str],
    source: list[SourceLine],
) -> list[dict[str, object]]:
    where = f"line {source[0].number}"
    if side is None:
        raise ReaderError(doc.name, where, f"row {label!r} comes before any 收入构成 / 支出构成 heading")
    shares = [t for t in tokens if t.endswith(("%", "％"))]
    amounts = [t for t in tokens if not t.endswith(("%", "％"))]
    if not shares and len(amounts) == len(years) + 1:
        # A zero share is often printed without its percent sign ("0 0 0 0").
        shares, amounts = [amounts[1]], [amounts[0], *amounts[2:]]
    if len(amounts) != len(years) or len(shares) > 1:
        raise ReaderError(
            doc.name,
            where,
            f"row {label!r} has figures {tokens}; expected {len(years)} amounts (years {years}) and at most one share",
        )
    try:
        share = parse_percent(shares[0] if shares[0].endswith(("%", "％")) else shares[0] + "%") if shares else None
        values = [parse_amount(a, unit) for a in amounts]
    except ValueError as exc:
        raise ReaderError(doc.name, where, f"row {label!r}: {exc}") from None
    classification = "total" if label in {"合计", "总计", "小计"} else ("source" if side == "income" else "category")
    source_text = " ".join(ln.text.strip() for ln in source)
    return [
        {
            s.FISCAL_YEAR: year,
            s.AS_OF_YEAR: identity.fiscal_year,
            s.PHASE: identity.phase,
            s.TABLE: FUND_COMPOSITION_TABLE,
            s.SIDE: side,
            s.CLASSIFICATION: classification,
            s.CODE: None,
            s.NAME: label,
            s.LEVEL: None,
            s.PARENT_CODE: None,
            s.COLUMN: "total",
            s.AMOUNT_YUAN: value,
            s.STATED_SHARE_PCT: share if year == identity.fiscal_year else None,
            s.PAGE: source[0].page,
            s.LINE: source[0].number,
            s.SOURCE_TEXT: source_text,
        }
        for year, value in zip(years, values, strict=True)
    ]


# --- 项目支出情况 (project list) -----------------------------------------------------------------------------------

_PROJECT_ROW = re.compile(
    r"^(?P<name>\S+)\s+(?P<category>\S+)\s+(?P<total>[-\d,.()（）]+|无)\s+(?P<year>[-\d,.()（）]+|无)\s*(?P<purpose>.*)$"
)
_PROJECT_END = re.compile(r"^(整体绩效|总目标|长期目标|年度目标|绩效指标|部门整体|项目绩效)")


def extract_projects(doc: SourceDocument, identity: DocumentIdentity) -> list[dict[str, object]]:
    """The 项目支出情况 table of the 绩效目标申报表: one row per project, amounts in exact 元.

    The purpose cell wraps over several short lines; they are re-joined. Returns an empty list when the document
    has no such table.
    """
    lines = doc.nonblank()
    start = next((i for i, ln in enumerate(lines) if normalize_text(ln.text) == "项目支出情况"), None)
    if start is None:
        return []
    unit_found = find_unit(doc)
    unit = unit_found[0] if unit_found and unit_found[1].number < lines[start].number else None
    if unit is None:
        raise ReaderError(
            doc.name,
            f"line {lines[start].number}",
            "the 项目支出情况 table has no unit; expected '单位：万元' above it",
        )
    projects: list[dict[str, object]] = []
    in_header = True
    for line in lines[start + 1 :]:
        text = normalize_text_keep_spaces(line.text)
        if _PROJECT_END.match(text.replace(" ", "")):
            break
        match = _PROJECT_ROW.match(text)
        if match is None:
            if in_header:
                continue
            projects[-1][s.PURPOSE] = f"{projects[-1][s.PURPOSE] or ''}{text.replace(' ', '')}"
            projects[-1][s.SOURCE_TEXT] = f"{projects[-1][s.SOURCE_TEXT]} {line.text.strip()}"
            continue
        in_header = False
        try:
            total = parse_amount(match["total"], unit)
            year_budget = parse_amount(match["year"], unit)
        except ValueError as exc:
            raise ReaderError(doc.name, f"line {line.number}", f"project {match['name']!r}: {exc}") from None
        projects.append(
            {
                s.FISCAL_YEAR: identity.fiscal_year,
                s.NAME: match["name"],
                s.CATEGORY: match["category"],
                s.TOTAL_BUDGET_YUAN: total,
                s.YEAR_BUDGET_YUAN: year_budget,
                s.PURPOSE: match["purpose"].replace(" ", "") or None,
                s.PAGE: line.page,
                s.LINE: line.number,
                s.SOURCE_TEXT: line.text.strip(),
            }
        )
    return projects
