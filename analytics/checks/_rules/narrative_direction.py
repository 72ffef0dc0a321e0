"""Rules on the direction of a change the narrative states: is 增加 / 减少 / 大于 / 小于 what the figures say?

Three places can tell, each used only where it is unambiguous:

- **The same clause**: "与上年相比减少 1751.62 万元，增长 87.56%" names two directions for one change.
- **The two amounts the text states**: "年初预算为 187.75 万元，支出决算为 187.19 万元。决算数大于预算数" compares
  figures it has just printed.
- **Last year's disclosure**: a figure stated "比上年减少 10 万元" whose department's disclosure of the year before is
  in the dataset (a table or narrative figure of the same measure, ``analytics.compare.measures``). Only the
  direction is judged: when the stated change has the size of the true one and the opposite sign. A change of
  another size may compare another basis (上年预算执行数, 调整预算): that is no finding here.

The words are data (``lexicon.csv``: ``change_word``, ``change_comparative``).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

import polars as pl

from analytics import schema as s
from analytics.checks._engine import Settings, findings, rule
from analytics.checks._rules._common import line_evidence, wan, wan_en
from analytics.checks._rules.hygiene import _Flow, _flows, _Line
from analytics.checks._rules.narrative import _with_parent
from analytics.ingest.lexicon import alternation, meanings
from analytics.ingest.numbers import parse_decimal
from analytics.store import Dataset

_PART = "narrative"
_SIGN = {"增加": 1, "减少": -1, "持平": 0}
_NUMBER = r"(\d[\d,]*(?:\.\d+)?)"
_UNIT = r"(亿元|万元|元)"


@cache
def _change_words() -> dict[str, int]:
    return {word: _SIGN[direction] for word, direction in meanings("change_word").items() if direction in _SIGN}


@cache
def _clause() -> re.Pattern[str]:
    """A change amount and its percentage in one clause: "增加 2248.37 万元，增长 16.47 %"."""
    word = alternation("change_word")
    return re.compile(rf"({word})\s*{_NUMBER}\s*{_UNIT}\s*[，,、]?\s*(?:同比)?\s*({word})(?:幅度)?\s*{_NUMBER}\s*[%％]")


@cache
def _comparison() -> re.Pattern[str]:
    """ "决算数小于预算数" / "决算数大于年初预算数": a comparison of the 决算 with the budget it was printed beside."""
    word = alternation("change_comparative")
    return re.compile(rf"决算(?:数)?\s*({word})\s*(?:年初)?(?:调整)?预算(?:数)?")


#: A figure of 0 said to exceed (or to have risen on) the year before: no budget figure is below 0. Not a change of
#: 0 ("增加 0 万元") nor a template's 增加（减少） (hygiene.template_residue's).
_ZERO_RISING = re.compile(
    r"(?<![\d.,])0(?:\.0+)?\s*万?元\s*[，,]\s*(?:本年数?)?\s*(?:比|较|与)?\s*(?:上年|\d{4}\s*年)?[^，。；]{0,8}?"
    r"(大于|高于|多于|超过|增加|增长)(?!持平)(?!\s*[（(])(?!\s*0(?:\.0+)?\s*(?:万?元|[%％]))"
)
#: The two figures a comparison speaks of, printed before it (within ``_LOOK_BACK`` characters).
_BUDGET_STATED = re.compile(rf"(?:年初)?(?:调整)?预算(?:数)?(?:为|是)?\s*{_NUMBER}\s*{_UNIT}")
_ACTUAL_STATED = re.compile(rf"(?:支出)?决算(?:数)?(?:为|是)?\s*{_NUMBER}\s*{_UNIT}")
_LOOK_BACK = 160


def _yuan(number: str, unit: str) -> Decimal:
    return (parse_decimal(number) or Decimal(0)) * {
        "亿元": Decimal(100_000_000),
        "万元": Decimal(10_000),
        "元": Decimal(1),
    }[unit]


def _documents(ds: Dataset) -> dict[str, dict[str, object]]:
    return {row[s.DOC_ID]: row for row in ds.documents.iter_rows(named=True)}


def _text_finding(
    document: dict[str, object], flow: _Flow, offset: int, key: str, texts: tuple[str, str], **extra: object
) -> dict[str, object]:
    line = flow.line_at(offset)
    zh, en = texts
    return {
        "key": f"{document[s.DOC_ID]}|{line.seq}|{key}",
        s.DEPARTMENT_ID: document[s.DEPARTMENT_ID],
        s.FISCAL_YEAR: document[s.FISCAL_YEAR],
        s.DOC_ID: document[s.DOC_ID],
        s.SUBJECT: "增减方向",
        s.MESSAGE_ZH: zh,
        s.MESSAGE_EN: en,
        s.EVIDENCE: [_line_evidence(line)],
        **extra,
    }


def _line_evidence(line: _Line) -> dict[str, object]:
    return {s.DOC_ID: line.doc_id, "table_or_part": _PART, s.PAGE: line.page, s.LINE: line.line,
            s.SOURCE_TEXT: line.text}  # fmt: skip


def _where(flow: _Flow, offset: int) -> str:
    line = flow.line_at(offset)
    return f"第 {line.page} 页" if line.page is not None else f"第 {line.line} 行"


@rule(
    "narrative.direction_words",
    "narrative",
    "error",
    "同一增减说明中的方向词前后矛盾，或“大于 / 小于”与所列两数不符",
    "Direction words that contradict each other in one clause, or a 大于 / 小于 against the two figures stated",
)
def direction_words(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """ "减少 N 万元，增长 P%" (two directions for one change), and "决算数大于预算数" where the 决算 and budget the
    text has just stated say otherwise (beyond the rounding of the two printed figures)."""
    step = settings.decimal("tolerance", "wan_per_figure_yuan")
    documents = _documents(ds)
    words = _change_words()
    comparatives = {w: _SIGN[d] for w, d in meanings("change_comparative").items() if d in _SIGN}
    out = []
    for doc_id, flow in _flows(ds).items():
        document = documents.get(doc_id)
        if document is None:
            continue
        for match in _clause().finditer(flow.text):
            first, second = words.get(match[1]), words.get(match[4])
            if first is None or second is None or first == second or 0 in (first, second):
                continue
            out.append(
                _text_finding(
                    document,
                    flow,
                    match.start(),
                    f"clause|{match[0]}",
                    (
                        f"{_where(flow, match.start())}同一增减说明方向矛盾：“{match[0]}”（增减额为“{match[1]}”，"
                        f"增减率为“{match[4]}”）。请说明实际是增加还是减少",
                        f"{_where_en(flow, match.start())}: one change is stated in two directions ({match[0]!r}); "
                        "ask whether it rose or fell",
                    ),
                )
            )
        for match in _comparison().finditer(flow.text):
            sign = comparatives.get(match[1])
            before = flow.text[max(match.start() - _LOOK_BACK, 0) : match.start()]
            budget = list(_BUDGET_STATED.finditer(before))
            actual = list(_ACTUAL_STATED.finditer(before))
            if sign is None or not budget or not actual:
                continue
            planned, spent = _yuan(budget[-1][1], budget[-1][2]), _yuan(actual[-1][1], actual[-1][2])
            true = 1 if spent - planned > 2 * step else -1 if spent - planned < -2 * step else 0
            if true == sign or (true == 0 and sign != 0):
                continue
            out.append(
                _text_finding(
                    document,
                    flow,
                    match.start(),
                    f"comparison|{match[0]}",
                    (
                        f"{_where(flow, match.start())}称“{match[0]}”，而前文所列预算数 {wan(planned)}、决算数 "
                        f"{wan(spent)}。请说明决算数与预算数的实际关系",
                        f"{_where_en(flow, match.start())} says {match[0]!r} but the text states a budget of "
                        f"{wan_en(planned)} and an actual of {wan_en(spent)}; ask which is right",
                    ),
                    measure="yuan",
                    observed=spent,
                    expected=planned,
                    variance=spent - planned,
                )
            )
        for match in _ZERO_RISING.finditer(flow.text):
            out.append(
                _text_finding(
                    document,
                    flow,
                    match.start(),
                    f"zero|{match[0]}",
                    (
                        f"{_where(flow, match.start())}称本年为 0 却“{match[1]}”：“{match[0]}”。请说明实际的增减方向",
                        f"{_where_en(flow, match.start())}: a figure of 0 is said to exceed the year before "
                        f"({match[0]!r}); ask which direction is right",
                    ),
                )
            )
    return findings(
        [*out, *_opposite_pairs(ds), *_part_changes(ds, step), *_reason_directions(ds), *_reason_actions(ds)]
    )


def _signed(row: dict[str, object]) -> Decimal | None:
    """A statement's change with its sign (持平: 0), or ``None`` when it states none."""
    direction = row[s.DIRECTION]
    if direction == "持平":
        return Decimal(0)
    change = row[s.STATED_CHANGE_YUAN]
    if direction not in ("增加", "减少") or change is None:
        return None
    return abs(change) * _SIGN[str(direction)]  # type: ignore[arg-type]


def _part_changes(ds: Dataset, step: Decimal) -> list[dict[str, object]]:
    """A total and its 其中 parts that add up to it, each with its change on the same year: the parts' changes must
    add up to the total's ("支出 324970.32 万元，比上年减少 145261.52 万元。其中：基本支出 …增加 4824.58 万元；项目支出
    …减少 150086.1 万元"). When they do not, a direction (or a change) is misstated."""
    linked = _with_parent(ds.statements).filter(pl.col("parent_seq").is_not_null())
    if linked.is_empty():
        return []
    by_seq = {(row[s.DOC_ID], row[s.SEQ]): row for row in ds.statements.iter_rows(named=True)}
    groups: dict[tuple[object, object], list[dict[str, object]]] = {}
    for row in linked.iter_rows(named=True):
        groups.setdefault((row[s.DOC_ID], row["parent_seq"]), []).append(row)
    out = []
    for (doc_id, parent_seq), parts in groups.items():
        parent = by_seq[(doc_id, parent_seq)]
        total_change = _signed(parent)
        changes = [_signed(p) for p in parts]
        amounts = [p[s.AMOUNT_YUAN] for p in parts]
        if total_change is None or len(parts) < 2 or any(c is None for c in changes) or None in amounts:
            continue
        if any(p[s.COMPARE_YEAR] != parent[s.COMPARE_YEAR] for p in parts) or parent[s.AMOUNT_YUAN] is None:
            continue
        tolerance = step * (len(parts) + 1)
        if abs(sum(amounts, Decimal(0)) - parent[s.AMOUNT_YUAN]) > tolerance:
            continue  # not the whole of the total: its parts' changes need not add up to its change
        summed = sum((c for c in changes if c is not None), Decimal(0))
        if abs(summed - total_change) <= tolerance:
            continue
        out.append(
            {
                "key": f"{doc_id}|{parent_seq}|part_changes",
                s.DEPARTMENT_ID: parent[s.DEPARTMENT_ID],
                s.FISCAL_YEAR: parent[s.FISCAL_YEAR],
                s.DOC_ID: doc_id,
                s.SUBJECT: "增减方向",
                s.MEASURE: "yuan",
                s.OBSERVED: total_change,
                s.EXPECTED: summed,
                s.VARIANCE: total_change - summed,
                s.MESSAGE_ZH: f"{parent[s.SUBJECT]}比上年{_say(total_change)}，而其中各项（"
                + "、".join(str(p[s.SUBJECT]) for p in parts)
                + f"）合计{_say(summed)}。请说明哪一项的增减方向或增减额有误",
                s.MESSAGE_EN: f"{parent[s.SUBJECT]} is said to change by {_say_en(total_change)} while its parts ("
                + ", ".join(str(p[s.SUBJECT]) for p in parts)
                + f") change by {_say_en(summed)} together; ask which direction or change is wrong",
                s.EVIDENCE: [line_evidence(parent, part=_PART), *(line_evidence(p, part=_PART) for p in parts)],
            }
        )
    return out


def _say(change: Decimal) -> str:
    return "持平" if change == 0 else f"{'增加' if change > 0 else '减少'} {wan(abs(change))}"


def _say_en(change: Decimal) -> str:
    return "nothing" if change == 0 else f"{'+' if change > 0 else '−'}{wan_en(abs(change))}"


#: "财政拨款收入支出增加的主要原因是…": the direction a reason names for the figures it explains.
_REASON = re.compile(r"([^，,。；;：:\s]{2,24}?)(增加|增长|上升|减少|下降|持平)的(?:主要)?原因")
_WENT = {1: "rose", -1: "fell", 0: "stayed flat"}
_REASON_SIGN = {"增加": 1, "增长": 1, "上升": 1, "减少": -1, "下降": -1, "持平": 0}
#: What a subject may end with that does not change what it names (财政拨款支出预算 = 财政拨款支出).
_SUBJECT_TAIL = re.compile(r"(预算|决算)(数)?$")


def _named(subject: str) -> set[str]:
    """What a reason's subject names: "财政拨款收入支出" names 财政拨款收入 and 财政拨款支出."""
    subject = _SUBJECT_TAIL.sub("", subject)
    if subject.endswith("收入支出"):
        stem = subject[: -len("收入支出")]
        return {stem + "收入", stem + "支出"}
    return {subject}


def _reason_directions(ds: Dataset) -> list[dict[str, object]]:
    """A reason that names a direction ("财政拨款收入支出增加的主要原因是…") against the direction stated for the
    figures it names, earlier in the document: one of the two is wrong."""
    stated = ds.statements.filter(pl.col(s.DIRECTION).is_in(["增加", "减少", "持平"])).sort(s.DOC_ID, s.SEQ)
    if stated.is_empty():
        return []
    by_doc: dict[str, list[dict[str, object]]] = {}
    for row in stated.iter_rows(named=True):
        by_doc.setdefault(str(row[s.DOC_ID]), []).append(row)
    documents = _documents(ds)
    out = []
    for doc_id, flow in _flows(ds).items():
        document = documents.get(doc_id)
        rows = by_doc.get(doc_id)
        if document is None or not rows:
            continue
        for match in _REASON.finditer(flow.text):
            sign = _REASON_SIGN[match[2]]
            line = flow.line_at(match.start())
            names = _named(match[1])
            here = (line.page or 0, line.line or 0)
            earlier = [r for r in rows if (r[s.PAGE] or 0, r[s.LINE] or 0) <= here]
            for name in sorted(names):
                row = next(
                    (r for r in reversed(earlier) if _SUBJECT_TAIL.sub("", str(r[s.SUBJECT] or "")) == name), None
                )
                if row is None or _SIGN[str(row[s.DIRECTION])] == sign:
                    continue
                out.append(
                    _text_finding(
                        document,
                        flow,
                        match.start(),
                        f"reason|{row[s.SEQ]}|{match[0]}",
                        (
                            f"{_where(flow, match.start())}称“{match[0]}”，而前文称{row[s.SUBJECT]}"
                            f"比上年{row[s.DIRECTION]}。请说明实际的增减方向",
                            f"{_where_en(flow, match.start())} explains why {match[1]} {_WENT[sign]} ({match[0]!r}), "
                            f"but the text said {row[s.SUBJECT]} {_WENT[_SIGN[str(row[s.DIRECTION])]]}; ask which is "
                            "right",
                        ),
                    )
                )
    return out


@cache
def _explained_change() -> re.Pattern[str]:
    """A change stated against a year before and then its reason: "本年数小于上年预算数的主要原因是…压减了公务接待费的
    预算安排". Groups: the direction word, the reason (the sentence before it is ``_sentence_before``'s)."""
    word = f"{alternation('change_word')}|{alternation('change_comparative')}"
    return re.compile(
        rf"(?:本年数?|本年度|比上年|较上年|与上年相比|比\d{{4}}\s*年|较\d{{4}}\s*年)[^。；;，,]{{0,12}}?"
        rf"({word})[^。；;]{{0,30}}?(?:主要)?(?:原因|主要是)(?:是|为|：|:)?([^。；;]{{1,160}})"
    )


_SENTENCE_END = re.compile(r"[。；;]")
_SENTENCE_LOOK_BACK = 200


def _sentence_before(text: str, end: int) -> str:
    """The sentence ``text`` holds up to ``end`` (at most ``_SENTENCE_LOOK_BACK`` characters)."""
    window = text[max(end - _SENTENCE_LOOK_BACK, 0) : end]
    stops = list(_SENTENCE_END.finditer(window))
    return window[stops[-1].end() :] if stops else window


#: What a reason's verb acts on: "压减了公务接待费的…" (the words after the verb) and "从会议费预算中调减" (the
#: source of a transfer).
_NAME = r"([\u4e00-\u9fff（）“”]{2,12}?)"
_ACTED_ON = _NAME + r"(?=的|预算|支出|经费|开支|安排|[，,。；;]|$)"
#: Money moved from one item to another: "从会议费预算中调减 403.75 万元用于培训费开支" raises 培训费.
_TRANSFER = r"从[^，,。；;]{2,16}?中(?:调减|调出|调剂|划出)[^，,。；;]{0,16}?"
#: A reason that first speaks of an earlier year ("上年一次性追加了…") explains by last year's figure, not this one's.
_EARLIER_YEAR = re.compile(r"上年|去年|\d{4}\s*年")


def _reason_actions(ds: Dataset) -> list[dict[str, object]]:
    """A change stated in one direction whose reason does the opposite to the very figure it explains: "会议费…本年数
    大于上年预算数，原因是从会议费预算中调减 403.75 万元". Only a verb acting on a name the sentence itself gives
    before the direction word is read: money moved from another item to this one ("从会议费预算中调减…用于培训费")
    raises this one."""
    verbs = {word: _SIGN[direction] for word, direction in meanings("reason_verb").items()}
    words = {**_change_words(), **{w: _SIGN[d] for w, d in meanings("change_comparative").items() if d in _SIGN}}
    verb_word = alternation("reason_verb")
    documents = _documents(ds)
    out = []
    for doc_id, flow in _flows(ds).items():
        document = documents.get(doc_id)
        if document is None:
            continue
        for match in _explained_change().finditer(flow.text):
            sign = words.get(match[1])
            if not sign:
                continue
            head, reason = _sentence_before(flow.text, match.start(1)), match[2]
            acts = [
                *((m, verbs[m[1]], m[2]) for m in re.finditer(rf"({verb_word})了?{_ACTED_ON}", reason)),
                *((m, verbs[m[2]], m[1]) for m in re.finditer(rf"从{_NAME}(?:预算|经费|支出)?中({verb_word})", reason)),
                *((m, 1, m[1]) for m in re.finditer(rf"{_TRANSFER}用于{_ACTED_ON}", reason)),
            ]
            for act, acted, name in acts:
                if acted != -sign or len(name) < 3 or name not in head or _EARLIER_YEAR.search(reason[: act.start()]):
                    continue
                at = match.start(1)
                out.append(
                    _text_finding(
                        document,
                        flow,
                        at,
                        f"action|{match[0][-60:]}",
                        (
                            f"{_where(flow, at)}称{name}“{match[1]}”，而所述原因是“{act[0]}”。请说明实际的增减方向",
                            f"{_where_en(flow, at)} says {name} {_WENT[sign]} ({match[1]!r}) for the reason "
                            f"{act[0]!r}, which does the opposite; ask which direction is right",
                        ),
                    )
                )
                break
            else:
                said = _austerity().search(reason) if sign == 1 else None
                if said is not None and not _raising().search(reason):
                    out.append(_austere_rise(document, flow, match, said[0]))
    return out


@cache
def _austerity() -> re.Pattern[str]:
    return re.compile(alternation("reason_austerity"))


@cache
def _raising() -> re.Pattern[str]:
    """Any word of a reason that raises something (新增, 提高, 用于 …): a reason of austerity and of new spending is
    a mixed reason, and explains a rise as well as a fall."""
    raising = [w for w, d in (*meanings("reason_verb").items(), *meanings("change_word").items()) if d == "增加"]
    return re.compile("|".join(sorted({*map(re.escape, raising), "用于"}, key=len, reverse=True)))


def _austere_rise(document: dict[str, object], flow: _Flow, match: re.Match[str], said: str) -> dict[str, object]:
    """ "本年数大于上年预算数 29.65 万元，主要是…厉行节约相关规定作出的选择": a rise explained only by spending less."""
    at = match.start(1)
    return _text_finding(
        document,
        flow,
        at,
        f"austerity|{match[0][-60:]}",
        (
            f"{_where(flow, at)}称比上年“{match[1]}”，而所述原因只讲压减支出（“{said}”）。请说明实际的增减方向",
            f"{_where_en(flow, at)} says the figure rose ({match[1]!r}) but gives only a reason of spending less "
            f"({said!r}); ask which direction is right",
        ),
    )


def _opposite_pairs(ds: Dataset) -> list[dict[str, object]]:
    """Two figures of one document with the same amount and the same change, stated in opposite directions (a
    balanced budget's 收入 and 支出, its 财政拨款 and 一般公共预算 figures): one of the two direction words is wrong."""
    changed = ds.statements.filter(
        pl.col(s.DIRECTION).is_in(["增加", "减少"])
        & pl.col(s.STATED_CHANGE_YUAN).is_not_null()
        & (pl.col(s.STATED_CHANGE_YUAN) != 0)
    )
    key = [s.DOC_ID, s.AMOUNT_YUAN, s.COMPARE_YEAR, pl.col(s.STATED_CHANGE_YUAN).abs().alias("_size")]
    out = []
    for _, group in changed.sort(s.DOC_ID, s.SEQ).group_by(key, maintain_order=True):
        rising = group.filter(pl.col(s.DIRECTION) == "增加")
        falling = group.filter(pl.col(s.DIRECTION) == "减少")
        if rising.is_empty() or falling.is_empty():
            continue
        up, down = rising.row(0, named=True), falling.row(0, named=True)
        first = min(up, down, key=lambda row: row[s.SEQ])
        out.append(
            {
                "key": f"{first[s.DOC_ID]}|{up[s.SEQ]}|{down[s.SEQ]}|opposite",
                s.DEPARTMENT_ID: first[s.DEPARTMENT_ID],
                s.FISCAL_YEAR: first[s.FISCAL_YEAR],
                s.DOC_ID: first[s.DOC_ID],
                s.SUBJECT: "增减方向",
                s.MEASURE: "yuan",
                s.OBSERVED: up[s.STATED_CHANGE_YUAN],
                s.MESSAGE_ZH: f"同为 {wan(up[s.AMOUNT_YUAN])} 的两项，文中一处称{up[s.SUBJECT]}比上年增加 "
                f"{wan(abs(up[s.STATED_CHANGE_YUAN]))}，另一处称{down[s.SUBJECT]}比上年减少 "
                f"{wan(abs(down[s.STATED_CHANGE_YUAN]))}。请说明实际是增加还是减少",
                s.MESSAGE_EN: f"two figures of {wan_en(up[s.AMOUNT_YUAN])} with the same change are said to rise "
                f"({up[s.SUBJECT]}) and to fall ({down[s.SUBJECT]}); ask which is right",
                s.EVIDENCE: [line_evidence(up, part=_PART), line_evidence(down, part=_PART)],
            }
        )
    return out


def _where_en(flow: _Flow, offset: int) -> str:
    line = flow.line_at(offset)
    return f"page {line.page}" if line.page is not None else f"line {line.line}"


def _prior_figures(ds: Dataset, wanted: pl.DataFrame) -> pl.DataFrame:
    """The figures of every measure the department-years ``wanted`` (``department_id``, ``compare_year``,
    ``phase``) printed for their own year on their phase's own basis: the table cells a narrative measure speaks of
    (``narrative_cells.csv``) and the narrative figures that name a measure."""
    from analytics.checks._rules.narrative import _cells, _with_measure

    documents = ds.documents.join(
        wanted.rename({s.COMPARE_YEAR: s.FISCAL_YEAR}).unique(), on=[s.DEPARTMENT_ID, s.FISCAL_YEAR, s.PHASE]
    ).select(s.DOC_ID, s.DEPARTMENT_ID, pl.col(s.FISCAL_YEAR).alias(s.COMPARE_YEAR), s.PHASE)
    own_basis = pl.col(s.AMOUNT_BASIS) == pl.when(pl.col(s.PHASE) == "final").then(pl.lit("actual")).otherwise(
        pl.lit("budget")
    )
    cells = (
        _cells(ds)
        .join(documents, left_on="_cell_doc", right_on=s.DOC_ID)
        .filter((pl.col(s.FISCAL_YEAR) == pl.col(s.COMPARE_YEAR)) & own_basis)
        .select(s.DEPARTMENT_ID, s.COMPARE_YEAR, s.PHASE, s.MEASURE, s.AMOUNT_YUAN, pl.col("_cell_doc").alias("_doc"))
    )
    stated = (
        _with_measure(ds.statements.join(documents.select(s.DOC_ID), on=s.DOC_ID))
        .filter(pl.col(s.MEASURE).is_not_null())
        .drop(s.COMPARE_YEAR)
        .join(documents, on=[s.DOC_ID, s.DEPARTMENT_ID])
        .filter(pl.col(s.FISCAL_YEAR) == pl.col(s.COMPARE_YEAR))
        .select(s.DEPARTMENT_ID, s.COMPARE_YEAR, s.PHASE, s.MEASURE, s.AMOUNT_YUAN, pl.col(s.DOC_ID).alias("_doc"))
    )
    return pl.concat([cells, stated], how="vertical_relaxed").select(
        s.DEPARTMENT_ID,
        s.COMPARE_YEAR,
        s.PHASE,
        pl.col(s.MEASURE).alias("measure"),
        pl.col(s.AMOUNT_YUAN).alias("_prior"),
        pl.col("_doc").alias("_prior_doc"),
    )


@rule(
    "narrative.change_vs_prior_year",
    "narrative",
    "error",
    "文中所述增减方向与上年公开的数字相反",
    "A change stated in the opposite direction to last year's disclosed figure",
)
def change_vs_prior_year(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """A narrative figure with a stated change against the same measure in the department's disclosure of the year
    it is compared with: when the stated change has the size of the true one (this year's figure less last
    year's, within the rounding of three printed figures) and the opposite sign, its direction word is wrong."""
    from analytics.checks._rules.narrative import _with_measure

    step = settings.decimal("tolerance", "wan_per_figure_yuan")
    stated = ds.statements.filter(
        pl.col(s.STATED_CHANGE_YUAN).is_not_null()
        & pl.col(s.DIRECTION).is_in(["增加", "减少"])
        & pl.col(s.COMPARE_YEAR).is_not_null()
        & (pl.col(s.STATED_CHANGE_YUAN) != 0)
    )
    if stated.is_empty():
        return findings([])
    measured = _with_measure(stated).filter(pl.col(s.MEASURE).is_not_null())
    if measured.is_empty():
        return findings([])
    measured = measured.join(ds.documents.select(s.DOC_ID, s.PHASE), on=s.DOC_ID)
    prior = _prior_figures(ds, measured.select(s.DEPARTMENT_ID, s.COMPARE_YEAR, s.PHASE))
    linked = measured.join(prior, on=[s.DEPARTMENT_ID, s.COMPARE_YEAR, s.PHASE, "measure"])
    out = []
    tolerance = 3 * step
    for _, group in linked.group_by([s.DOC_ID, s.SEQ], maintain_order=True):
        row = group.row(0, named=True)
        amount, change, stated_sign = row[s.AMOUNT_YUAN], row[s.STATED_CHANGE_YUAN], _SIGN[row[s.DIRECTION]]
        # Last year's disclosure may print the measure in several cells (收入 and 支出 of a balanced budget): the
        # direction is wrong only if a figure of last year gives the stated size with the other sign, and none
        # gives it with the stated sign.
        sized = [
            (amount - prior, prior, doc)
            for prior, doc in group.select("_prior", "_prior_doc").iter_rows()
            if abs(amount - prior) > tolerance and abs(abs(change) - abs(amount - prior)) <= tolerance
        ]
        if not sized or any((1 if true > 0 else -1) == stated_sign for true, _, _ in sized):
            continue
        true, previous, prior_doc = sized[0]
        row = {**row, "_prior": previous, "_prior_doc": prior_doc}
        sign = 1 if true > 0 else -1
        actual = "增加" if sign > 0 else "减少"
        out.append(
            {
                "key": f"{row[s.DOC_ID]}|{row[s.SEQ]}|prior",
                s.DEPARTMENT_ID: row[s.DEPARTMENT_ID],
                s.FISCAL_YEAR: row[s.FISCAL_YEAR],
                s.DOC_ID: row[s.DOC_ID],
                s.SUBJECT: row[s.SUBJECT],
                s.MEASURE: "yuan",
                s.OBSERVED: _SIGN[row[s.DIRECTION]] * abs(change),
                s.EXPECTED: true,
                s.VARIANCE: _SIGN[row[s.DIRECTION]] * abs(change) - true,
                s.THRESHOLD: tolerance,
                s.MESSAGE_ZH: f"{row[s.SUBJECT]} {wan(amount)}，文中称比 {row[s.COMPARE_YEAR]} 年{row[s.DIRECTION]} "
                f"{wan(abs(change))}，而 {row[s.COMPARE_YEAR]} 年公开数为 {wan(previous)}，实为{actual} {wan(abs(true))}。"
                "请说明增减方向",
                s.MESSAGE_EN: f"{row[s.SUBJECT]} {wan_en(amount)} is said to be {row[s.DIRECTION]} {wan_en(abs(change))} on "
                f"{row[s.COMPARE_YEAR]}, whose disclosure prints {wan_en(previous)}: it is {actual} {wan_en(abs(true))}; "
                "ask which direction is right",
                s.EVIDENCE: [
                    line_evidence(row, part=_PART),
                    {
                        s.DOC_ID: row["_prior_doc"],
                        "table_or_part": f"{row[s.COMPARE_YEAR]} 年公开",
                        s.PAGE: None,
                        s.LINE: None,
                        s.SOURCE_TEXT: f"{row['measure']} {wan(previous)}",
                    },
                ],
            }
        )
    return findings(out)
