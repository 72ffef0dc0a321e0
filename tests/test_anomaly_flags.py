"""Model flags: features, median polish, scoring and flags on datasets the tests build, and on the default one."""

from __future__ import annotations

import math
import random
from decimal import Decimal

import polars as pl
import pytest

import analytics
from analytics import schema as s
from analytics.anomaly import (
    MODEL_RULES,
    flag_anomalies,
    line_growth,
    load_anomaly_settings,
    profiles,
    score_line_growth,
    with_anomaly_flags,
)
from analytics.checks import run_checks
from analytics.errors import AnalyticsError
from analytics.store import Dataset

D = Decimal
DEPARTMENTS = ["甲局", "乙局", "丙局", "丁局", "戊局"]
CODES = [f"20101{i:02d}" for i in range(1, 9)]


def _dataset(planted: float = 4.0, seed: int = 7) -> Dataset:
    """Five departments of one district, eight 项-level function lines each, in 2023 and 2024.

    Every line grows by its department's rate (3–7 %) plus a little noise (±1 %), except 丙局's 2010103, which is
    multiplied by ``planted``.
    """
    rng = random.Random(seed)
    lines, departments = [], []
    for d_index, department in enumerate(DEPARTMENTS):
        rate = 1.03 + 0.01 * d_index
        for year in (2023, 2024):
            doc = f"{department}-{year}"
            departments.append(
                {s.DEPARTMENT_ID: department, s.FISCAL_YEAR: year, s.NAME: f"测试区{department}", s.REGION: "测试区",
                 s.DOC_ID: doc}
            )  # fmt: skip
            for c_index, code in enumerate(CODES):
                base = 1_000_000 + 250_000 * c_index + 100_000 * d_index
                amount = base if year == 2023 else base * (rate + rng.uniform(-0.01, 0.01))
                if year == 2024 and department == "丙局" and code == "2010103":
                    amount = base * planted
                lines.append(
                    {s.DOC_ID: doc, s.DEPARTMENT_ID: department, s.FISCAL_YEAR: year, s.AS_OF_YEAR: year,
                     s.PHASE: "budget", s.TABLE: "general_budget_function", s.SIDE: "expenditure",
                     s.CLASSIFICATION: "function", s.CODE: code, s.NAME: f"科目{code}", s.LEVEL: 3,
                     s.COLUMN: "total", s.AMOUNT_YUAN: D(f"{amount:.2f}"), s.PAGE: 5, s.LINE: 10 + c_index,
                     s.SOURCE_TEXT: f"{code} 科目{code} {amount / 10000:.2f}"}
                )  # fmt: skip
    frame = pl.DataFrame(lines, schema=s.TABLES[s.LINES].schema, orient="row")
    return Dataset.from_tables(
        {s.LINES: frame, s.DEPARTMENTS: pl.DataFrame(departments, schema=s.TABLES[s.DEPARTMENTS].schema)}
    )


def test_line_growth_pairs_consecutive_years_with_both_figures() -> None:
    growth = line_growth(_dataset())
    assert growth.height == len(DEPARTMENTS) * len(CODES)
    planted = growth.filter((pl.col(s.DEPARTMENT_ID) == "丙局") & (pl.col(s.CODE) == "2010103")).row(0, named=True)
    # 丙局 is department 2: base = 1,000,000 + 250,000 × 2 + 100,000 × 2 = 1,700,000; × 4 = 6,800,000.
    assert planted["previous_yuan"] == D("1700000.00")
    assert planted[s.AMOUNT_YUAN] == D("6800000.00")
    assert planted["log_change"] == pytest.approx(math.log(4))
    assert planted["peer_group"] == "测试区"
    assert planted["previous_line"] == 12 and planted[s.LINE] == 12


def test_the_planted_line_and_only_it_is_flagged_with_reason_and_evidence() -> None:
    flags = flag_anomalies(_dataset())
    growth = flags.filter(pl.col(s.RULE_ID) == "anomaly.line_growth")
    assert growth.height == 1
    flag = growth.row(0, named=True)
    assert flag[s.DEPARTMENT_ID] == "丙局" and flag[s.SOURCE] == "model" and flag[s.FAMILY] == "anomaly"
    assert flag[s.OBSERVED] == D("300.0000")  # ×4 is +300 %
    # Expected: the department's own rate, about +5 % (丙局 grows 1.05 ± 0.01).
    assert 3 < float(flag[s.EXPECTED]) < 7
    assert "增长 300.0%" in flag[s.MESSAGE_ZH] and "rose 300.0%" in flag[s.MESSAGE_EN]
    assert flag[s.SCORE] > 3.5 and flag[s.SEVERITY] == "warning"
    assert flag[s.PEER_STATS]["count"] == len(DEPARTMENTS) * len(CODES)
    assert "测试区" in flag[s.PEER_GROUP]
    pages_lines = {(e[s.DOC_ID], e[s.LINE]) for e in flag[s.EVIDENCE]}
    assert pages_lines == {("丙局-2024", 12), ("丙局-2023", 12)}


def test_a_department_wide_change_is_not_unusual() -> None:
    # Without the plant every department grows at its own steady rate: nothing stands out.
    flags = flag_anomalies(_dataset(planted=1.05))
    assert flags.filter(pl.col(s.RULE_ID) == "anomaly.line_growth").is_empty()


def test_small_groups_are_not_scored() -> None:
    settings = load_anomaly_settings({"line_growth": {"min_departments": 6}})["line_growth"]
    scored = score_line_growth(line_growth(_dataset()), settings)
    assert scored.get_column("score").null_count() == scored.height
    assert not scored.get_column("outlier").any()


def test_settings_override_and_unknown_section() -> None:
    strict = flag_anomalies(_dataset(planted=1.5), {"line_growth": {"threshold": 100}})
    assert strict.filter(pl.col(s.RULE_ID) == "anomaly.line_growth").is_empty()
    with pytest.raises(AnalyticsError, match="no section"):
        load_anomaly_settings({"nonsense": {}})


def test_with_anomaly_flags_keeps_rule_flags_and_replaces_model_flags() -> None:
    ds = analytics.open_dataset()
    rules = run_checks(ds)
    first = with_anomaly_flags(Dataset.from_tables({**ds.tables, s.FLAGS: rules}))
    again = with_anomaly_flags(first)
    # Rule and reader flags (the reader's doubts) stay as they were; only the model's are replaced.
    assert again.flags.filter(pl.col(s.SOURCE) != "model").height == rules.height
    assert again.flags.height == first.flags.height  # re-running replaces, never duplicates
    assert s.validate(s.FLAGS, again.flags).height == again.flags.height


def test_every_model_flag_on_the_default_dataset_has_a_reason_and_evidence() -> None:
    flags = flag_anomalies(analytics.open_dataset())
    assert flags.height > 0
    assert set(flags.get_column(s.RULE_ID)) <= set(MODEL_RULES)
    assert flags.filter(pl.col(s.MESSAGE_ZH).str.len_chars() < 10 | pl.col(s.MESSAGE_EN).is_null()).is_empty()
    assert flags.filter(pl.col(s.EVIDENCE).list.len() == 0).is_empty()
    assert (flags.get_column(s.SEVERITY) != "error").all()
    scored = flags.filter(pl.col(s.RULE_ID) != "anomaly.repeated_amount")
    assert scored.get_column(s.SCORE).null_count() == 0
    assert scored.get_column(s.PEER_GROUP).null_count() == 0


def test_profiles_of_the_default_dataset() -> None:
    frame = profiles(analytics.open_dataset())
    seed = frame.filter(pl.col(s.DEPARTMENT_ID) == "武汉市汉阳区大数据中心").sort(s.FISCAL_YEAR)
    assert seed.get_column(s.FISCAL_YEAR).to_list() == [2021, 2022, 2023]
    # 2022 against 2021: income 1652.62 / 2330.28 万元.
    assert seed.get_column("income_log_change")[1] == pytest.approx(math.log(1652.62 / 2330.28), abs=1e-6)
    shares = frame.get_column("project_share").drop_nulls()
    assert ((shares >= 0) & (shares <= 1)).all()


def test_empty_dataset_gives_no_flags() -> None:
    assert flag_anomalies(Dataset.empty()).height == 0
    assert line_growth(Dataset.empty()).height == 0


def test_evaluation_script_runs_and_reports_every_detector() -> None:
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "scripts" / "eval_anomaly.py"
    done = subprocess.run(
        [sys.executable, str(script), "--trials", "3"], capture_output=True, text=True, check=True, timeout=300
    )
    rows = [line.split() for line in done.stdout.splitlines()[1:-1]]
    detectors = {row[2] for row in rows}
    assert detectors == {"robust_z", "iqr", "isolation_forest", "lof"}
    assert all(row[3] == "3" for row in rows)  # three injections of each kind


# --- hearing wording and comparisons across a code change ----------------------------------------------------------
#: Economic 款 of a test district: eight steady lines per department, and the line that is planted.
STEADY = [f"302{i:02d}" for i in range(1, 9)]
TECHNICAL = ("z 值", "孤立森林", "局部离群因子", "n=", "robust z", "isolation", "outlier factor")


def _economic(planted: str, names: tuple[str, str], years: tuple[int, int], factor: float = 3.0) -> Dataset:
    """Five departments of 样例区 with the eight 302xx lines growing 2–6 % and ``planted`` printed under ``names``
    (first year, second year) in every department; 戌办's ``planted`` line is multiplied by ``factor``."""
    departments_ = ["子办", "丑办", "寅办", "卯办", "戌办"]
    lines, departments = [], []
    for d_index, department in enumerate(departments_):
        for y_index, year in enumerate(years):
            doc = f"{department}{year}"
            departments.append(
                {s.DEPARTMENT_ID: department, s.FISCAL_YEAR: year, s.NAME: f"样例区{department}", s.REGION: "样例区",
                 s.DOC_ID: doc}
            )  # fmt: skip
            for c_index, code in enumerate([*STEADY, planted]):
                base = 820_000 + 130_000 * c_index + 70_000 * d_index
                grown = base * (1.02 + 0.01 * d_index + 0.001 * c_index)
                amount = base if y_index == 0 else grown
                if y_index == 1 and code == planted and department == "戌办":
                    amount = base * factor
                name = names[y_index] if code == planted else f"商品服务{code}"
                lines.append(
                    {s.DOC_ID: doc, s.DEPARTMENT_ID: department, s.FISCAL_YEAR: year, s.AS_OF_YEAR: year,
                     s.PHASE: "budget", s.TABLE: "general_budget_basic_economic", s.SIDE: "expenditure",
                     s.CLASSIFICATION: "economic", s.CODE: code, s.NAME: name, s.LEVEL: 2, s.COLUMN: "total",
                     s.AMOUNT_YUAN: D(f"{amount:.2f}"), s.PAGE: 7, s.LINE: 30 + c_index,
                     s.SOURCE_TEXT: f"{code} {name} {amount / 10000:.2f}"}
                )  # fmt: skip
    return Dataset.from_tables(
        {
            s.LINES: pl.DataFrame(lines, schema=s.TABLES[s.LINES].schema, orient="row"),
            s.DEPARTMENTS: pl.DataFrame(departments, schema=s.TABLES[s.DEPARTMENTS].schema),
        }
    )


def _growth_flags(ds: Dataset) -> pl.DataFrame:
    return flag_anomalies(ds).filter(pl.col(s.RULE_ID) == "anomaly.line_growth")


@pytest.mark.parametrize(
    ("code", "names", "years"),
    [
        # The catalogue names 30307 医疗费 up to 2017 and 医疗费补助 from 2018 (its in-service part became 30114).
        pytest.param("30307", ("医疗费", "医疗费补助"), (2017, 2018), id="renamed in the catalogue"),
        # 30311 住房公积金 ends in 2017; from 2020 the number means 代缴社会保险费.
        pytest.param("30311", ("住房公积金", "代缴社会保险费"), (2019, 2020), id="number reused"),
        # A department printing the code under an unrelated name: the crosswalk's code_reused.
        pytest.param(
            "30299", ("其他商品和服务支出", "专项调研及课题评审"), (2023, 2024), id="printed under a new name"
        ),
    ],
)
def test_no_finding_across_a_code_whose_meaning_changed(
    code: str, names: tuple[str, str], years: tuple[int, int]
) -> None:
    ds = _economic(code, names, years)
    assert line_growth(ds).filter(pl.col(s.CODE) == code).is_empty()
    assert _growth_flags(ds).is_empty()


def test_a_recorded_widening_is_no_comparison_even_under_the_same_printed_name() -> None:
    # code_changes.csv records that 2040405 was widened in 2018; the name printed says nothing of it here.
    ds = _economic("2040405", ("检察监督事项", "检察监督事项"), (2017, 2018))
    ds = Dataset.from_tables(
        {**ds.tables, s.LINES: ds.lines.with_columns(
            pl.when(pl.col(s.CODE) == "2040405").then(pl.lit("function")).otherwise(pl.col(s.CLASSIFICATION))
            .alias(s.CLASSIFICATION))}
    )  # fmt: skip
    assert line_growth(ds).filter(pl.col(s.CODE) == "2040405").is_empty()


def test_a_same_code_growth_is_a_finding_worded_for_a_hearing() -> None:
    ds = _economic("30228", ("工会经费", "工会经费"), (2023, 2024))
    flag = _growth_flags(ds).row(0, named=True)
    assert _growth_flags(ds).height == 1 and flag[s.DEPARTMENT_ID] == "戌办"
    # 戌办 is department 4, the planted code the ninth: base 820,000 + 130,000 × 8 + 70,000 × 4 = 2,140,000; × 3.
    zh, en = flag[s.MESSAGE_ZH], flag[s.MESSAGE_EN]
    assert zh.startswith("工会经费（30228）2024年预算比上年增长 200.0%（由 214.00 万元增至 642.00 万元）")
    assert "同类部门同一科目的中位数为" in zh and "本部门其他科目的中位数为" in zh
    assert zh.endswith("请说明增长原因及测算依据。")
    assert en.startswith("工会经费 (30228) rose 200.0% in the 2024 budget") and "Ask what explains the increase" in en
    assert not [word for word in TECHNICAL if word in zh or word in en]
    # The detail stays in the flag's columns, for the app.
    assert flag[s.SCORE] > 3.5 and flag[s.PEER_STATS]["count"] == 5 * (len(STEADY) + 1)
    assert "样例区" in flag[s.PEER_GROUP]


def test_a_decrease_asks_for_its_reason_and_its_consequences() -> None:
    flag = _growth_flags(_economic("30228", ("工会经费", "工会经费"), (2023, 2024), factor=0.2)).row(0, named=True)
    assert "下降 80.0%" in flag[s.MESSAGE_ZH] and "减至" in flag[s.MESSAGE_ZH]
    assert flag[s.MESSAGE_ZH].endswith("请说明减少原因，以及相关工作是否受到影响。")
    assert "fell 80.0%" in flag[s.MESSAGE_EN]


def _profile_frame() -> pl.DataFrame:
    """Twelve department-years of 样例区 alike but 午办's 2024, which spends most on projects and cut its totals."""
    rows = []
    for index in range(12):
        odd = index == 11
        rows.append(
            {s.DEPARTMENT_ID: "午办" if odd else f"样{index}办", s.FISCAL_YEAR: 2024,
             "department_name": "样例区午办" if odd else f"样例区样{index}办",
             "project_share": 0.93 if odd else 0.30 + 0.01 * index,
             "personnel_share": 0.80 + 0.005 * index,
             "expenditure_log_change": math.log(0.45) if odd else 0.02 + 0.003 * index,
             "income_log_change": math.log(0.47) if odd else 0.02 + 0.002 * index}
        )  # fmt: skip
    return pl.DataFrame(rows)


def profile_flags(monkeypatch: pytest.MonkeyPatch, ds: Dataset | None = None) -> pl.DataFrame:
    """The profile findings ``flag_anomalies`` makes of ``_profile_frame`` (evidence from ``ds``, if any)."""
    import analytics.anomaly._flags as flags_module

    monkeypatch.setattr(flags_module, "profiles", lambda _: _profile_frame())
    found = flag_anomalies(ds if ds is not None else Dataset.empty())
    return found.filter(pl.col(s.RULE_ID).str.starts_with("anomaly.profile_"))


def test_both_whole_profile_models_tell_one_department_year_in_the_same_words(monkeypatch: pytest.MonkeyPatch) -> None:
    found = profile_flags(monkeypatch)
    odd = found.filter(pl.col(s.DEPARTMENT_ID) == "午办")
    whole = odd.filter(pl.col(s.RULE_ID).is_in(["anomaly.profile_isolation_forest", "anomaly.profile_lof"]))
    assert whole.height == 2
    assert whole.get_column(s.MESSAGE_ZH).n_unique() == 1 and whole.get_column(s.MESSAGE_EN).n_unique() == 1
    zh = whole.get_column(s.MESSAGE_ZH).first()
    assert zh.startswith("部门结构整体异常，") and "全部部门的中位数为" in zh and "请说明" in zh
    assert not [word for word in TECHNICAL if word in zh or word in whole.get_column(s.MESSAGE_EN).first()]
