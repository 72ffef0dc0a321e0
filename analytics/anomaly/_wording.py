r"""How a model finding is put to a budget hearing: what is unusual, against whom, by how much, and what to ask.

A model flag's ``message_zh`` / ``message_en`` is this hearing wording and nothing else, so that every place that
shows a finding (the brief, the app's tables) shows the same sentence: one source of truth. The technical detail
stays in the flag's structured columns, where the app's details show it: the detector (``rule_id``), its score
(``score``: a robust z, an isolation forest or local outlier factor decision), the peer group and its statistics
(``peer_group``, ``peer_stats``: how many, median, quartiles, scale), the modelled expectation (``expected``) and
the cut-off (``threshold``). A sentence never names a score, a detector, a group's key or its size.

Every sentence ends with what to ask (请说明… / Ask …), as the rules' messages do (``analytics.checks``), so that a
brief adds no question of its own.

Examples
--------
>>> zh, en = line_growth_message(
...     name="工会经费", code="30228", column="total", year=2018, change_pct=60.5, previous=Decimal("126000"),
...     amount=Decimal("202200"), peer_median_pct=0.0, peer_scope="code", department_median_pct=None)
>>> print(zh.replace("，", "，\n"))
工会经费（30228）2018年预算比上年增长 60.5%（由 12.60 万元增至 20.22 万元），
同类部门同一科目的中位数为 0.0%。请说明增长原因及测算依据。
>>> en.split(";")[0]
'工会经费 (30228) rose 60.5% in the 2018 budget (from 12.60 × 10k yuan to 20.22 × 10k yuan)'
"""

from __future__ import annotations

from decimal import Decimal

from analytics.units import format_wan

__all__ = ["line_growth_message", "profile_message", "repeated_amount_message"]

#: Spending columns named after a line (the total column is the line itself).
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "basic": ("基本支出", "basic spending"),
    "project": ("项目支出", "project spending"),
    "personnel": ("人员经费", "personnel"),
    "public": ("公用经费", "public expenses"),
    "fiscal_appropriation": ("财政拨款", "fiscal appropriation"),
    "operating_costs": ("机关运行经费", "operating costs"),
}
#: Who the line is compared with: the same code in peer departments, or (too few have it) their lines of its level.
_PEERS = {
    "code": ("同类部门同一科目的中位数", "the median change of the same line in peer departments"),
    "level": ("同类部门同级科目的中位数", "the median change of peer departments' lines of the same level"),
}
#: What a profile feature's sentence is about: a change (of a total) or a share.
_CHANGE_SUBJECTS = {
    "expenditure_log_change": ("支出总额", "total spending"),
    "income_log_change": ("收入总额", "total income"),
}


#: How a finding of a whole-profile detector begins.
_WHOLE_PROFILE_LEAD = ("部门结构整体异常，", "the department's profile is unusual overall; ")


def _num(value: float) -> str:
    return f"{value:.1f}%"


def line_growth_message(
    *,
    name: str,
    code: str,
    column: str,
    year: int,
    change_pct: float,
    previous: Decimal,
    amount: Decimal,
    peer_median_pct: float,
    peer_scope: str,
    department_median_pct: float | None,
) -> tuple[str, str]:
    """A line's change put to a hearing (Chinese, English), with the question to ask.

    ``previous`` and ``amount`` are the two years' figures (元, shown in 万元 in each language); ``peer_scope`` is
    ``code`` when ``peer_median_pct`` is the same code's in peer departments, ``level`` when it is their lines of
    the same level; ``department_median_pct`` the median change of the department's other lines, if it has enough.
    """
    label_zh, label_en = COLUMN_LABELS.get(column, ("", ""))
    # The code, as the tables print it beside the name, tells a reader which 行政运行 (every 款 has one) it is.
    what_zh = f"{name}（{code}{'，' + label_zh if label_zh else ''}）"
    what_en = f"{name} ({code}{', ' + label_en if label_en else ''})"
    up = change_pct >= 0
    peers_zh, peers_en = _PEERS[peer_scope]
    zh = (
        f"{what_zh}{year}年预算比上年{'增长' if up else '下降'} {abs(change_pct):.1f}%"
        f"（由 {format_wan(previous)}{'增至' if up else '减至'} {format_wan(amount)}），"
        f"{peers_zh}为 {_num(peer_median_pct)}"
    )
    en = (
        f"{what_en} {'rose' if up else 'fell'} {abs(change_pct):.1f}% in the {year} budget (from "
        f"{format_wan(previous, lang='en')} to {format_wan(amount, lang='en')}); {peers_en} is {_num(peer_median_pct)}"
    )
    if department_median_pct is not None:
        zh += f"，本部门其他科目的中位数为 {_num(department_median_pct)}"
        en += f", and of the department's other lines {_num(department_median_pct)}"
    if up:
        zh += "。请说明增长原因及测算依据。"
        en += ". Ask what explains the increase and how the amount was set."
    else:
        zh += "。请说明减少原因，以及相关工作是否受到影响。"
        en += ". Ask what explains the decrease and whether the work it pays for is affected."
    return zh, en


def profile_message(
    *,
    feature: str,
    label: tuple[str, str],
    value_pct: float,
    median_pct: float,
    q1_pct: float,
    q3_pct: float,
    whole_profile: bool,
    filled: bool,
) -> tuple[str, str]:
    r"""A department-year's profile figure put to a hearing (Chinese, English), with the question to ask.

    ``whole_profile``: a detector of the whole profile (isolation forest, local outlier factor) found it, and the
    sentence says so (部门结构整体异常); otherwise the figure alone is outside the usual range. The sentence is the
    same whichever detectors found it, so that one finding is told once.

    Examples
    --------
    >>> zh, _ = profile_message(feature="project_share", label=("项目支出占比", "project share of spending"),
    ...     value_pct=80.0, median_pct=30.0, q1_pct=20.0, q3_pct=40.0, whole_profile=True, filled=False)
    >>> print(zh.replace("，", "，\n"))
    部门结构整体异常，
    项目支出占比 80.0%，
    全部部门的中位数为 30.0%（中间一半部门在 20.0% 至 40.0% 之间）。请说明项目支出占比偏高的原因。
    """
    high = value_pct > median_pct
    label_zh, label_en = label
    if feature in _CHANGE_SUBJECTS:
        subject_zh, subject_en = _CHANGE_SUBJECTS[feature]
        up = value_pct >= 0
        figure_zh = f"{subject_zh}比上年{'增长' if up else '下降'} {abs(value_pct):.1f}%"
        figure_en = f"{subject_en} {'rose' if up else 'fell'} {abs(value_pct):.1f}% on the year before"
        ask_zh = f"请说明{subject_zh}{'增幅' if high else '变化'}与其他部门差异较大的原因。"
        ask_en = f"Ask why the change of {subject_en} differs so much from other departments'."
    else:
        figure_zh, figure_en = f"{label_zh} {value_pct:.1f}%", f"{label_en} {value_pct:.1f}%"
        ask_zh = f"请说明{label_zh}{'偏高' if high else '偏低'}的原因。"
        ask_en = f"Ask why the {label_en} is so {'high' if high else 'low'}."
    if filled:
        figure_zh += "（未披露，按中位数计）"
        figure_en += " (not disclosed; the median was used)"
    lead_zh, lead_en = _WHOLE_PROFILE_LEAD if whole_profile else ("", "")
    zh = (
        f"{lead_zh}{figure_zh}，全部部门的中位数为 {_num(median_pct)}"
        f"（中间一半部门在 {_num(q1_pct)} 至 {_num(q3_pct)} 之间）。{ask_zh}"
    )
    en = (
        f"{lead_en}{figure_en}; the median of all departments is {_num(median_pct)} (the middle half lie between "
        f"{_num(q1_pct)} and {_num(q3_pct)}). {ask_en}"
    )
    return zh, en


def repeated_amount_message(amount: Decimal, departments: list[str]) -> tuple[str, str]:
    """The same non-round amount in several departments, put to a hearing (Chinese, English).

    Examples
    --------
    >>> zh, en = repeated_amount_message(Decimal("123400"), ["甲局", "乙局"])
    >>> zh
    '同一非整数金额 12.34 万元出现在 2 个部门：甲局、乙局。请说明该金额的测算依据，是否按同一标准核定。'
    >>> en.split(" appears")[0]
    'the same non-round amount 12.34 × 10k yuan'
    """
    zh = (
        f"同一非整数金额 {format_wan(amount)}出现在 {len(departments)} 个部门：{'、'.join(departments)}。"
        "请说明该金额的测算依据，是否按同一标准核定。"
    )
    en = (
        f"the same non-round amount {format_wan(amount, lang='en')} appears in {len(departments)} departments: "
        f"{', '.join(departments)}. "
        "Ask how the amount was calculated and whether the departments share one standard."
    )
    return zh, en
