"""The checks on real documents: the whole default dataset, and altered copies of real disclosures in which one
figure or one sentence is changed so that exactly the rule that should fire does."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from analytics import open_dataset
from analytics import schema as s
from analytics.checks import run_checks
from analytics.ingest import read_disclosure
from analytics.store import Dataset
from tests.conftest import SEED


def test_real_arithmetic_raises_no_error(capsys: pytest.CaptureFixture[str]) -> None:
    ds = open_dataset()
    flags = run_checks(ds).join(ds.documents.select(s.DOC_ID, s.SOURCE_NAME), on=s.DOC_ID, how="left")
    per_document = flags.group_by(s.SOURCE_NAME, s.SEVERITY).len().sort(s.SOURCE_NAME, s.SEVERITY)
    with capsys.disabled():
        print("\nflags per document:")
        for name, severity, count in per_document.rows():
            print(f"  {name}: {count} {severity}")
    errors = flags.filter(pl.col(s.SEVERITY) == "error").select(s.SOURCE_NAME, s.RULE_ID, s.MESSAGE_EN)
    # The one error is a real defect, read on the page (pdftotext -layout, page 6 of the 万里街道 2023 budget):
    # "政府性基金拨款支出预算0万元，比2022年预算增加1421.25万元" — the 财政拨款 sentence's change copied onto a 0.
    # No arithmetic rule may raise an error on a real disclosure.
    assert errors.select(s.SOURCE_NAME, s.RULE_ID).rows() == [
        ("putuo_wanli_2023_dept_budget.pdf", "narrative.direction_words")
    ], errors
    assert "0万元，比2022年预算增加" in errors.get_column(s.MESSAGE_EN)[0]
    assert flags.height > 0
    # Every flag carries its evidence and both messages.
    assert flags.get_column(s.MESSAGE_ZH).str.len_chars().min() > 0
    assert flags.get_column(s.MESSAGE_EN).str.len_chars().min() > 0


def test_the_seed_has_the_findings_a_reader_finds_by_hand() -> None:
    flags = run_checks(read_disclosure(SEED))
    by_rule = flags.group_by(s.RULE_ID).len()
    rules = set(by_rule.get_column(s.RULE_ID).to_list())
    # 全年安全报告篇数: ≥30篇 this year against 不少于 60 篇 last year.
    assert "targets.less_ambitious" in rules
    # Item 1's explanation pays staff wages, welfare and insurance out of a project.
    assert "spending.personnel_in_projects" in rules
    # The 财政拨款 total fell by 282.43 万元 from 1647.62 (= 1365.19 + 282.43): 17.14 %, not the 17.09 % the text
    # copies from the department's total.
    change = flags.filter(pl.col(s.RULE_ID) == "narrative.change_pct").filter(pl.col(s.OBSERVED) == Decimal("17.09"))
    assert change.height >= 1
    assert change.get_column(s.EXPECTED).to_list()[0] == Decimal("17.1417")
    assert not flags.filter(pl.col(s.SEVERITY) == "error").height


def _altered_seed(tmp_path: Path, old: str, new: str) -> Dataset:
    text = SEED.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "altered.txt"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return read_disclosure(path)


def _new_flags(altered: Dataset) -> pl.DataFrame:
    baseline = set(run_checks(read_disclosure(SEED)).get_column(s.RULE_ID).to_list())
    flags = run_checks(altered)
    return flags.filter(~pl.col(s.RULE_ID).is_in(list(baseline)) | (pl.col(s.SEVERITY) == "error"))


def test_altered_total_breaks_the_table(tmp_path: Path) -> None:
    # The expenditure 合计 of 2023 printed 1371.19 instead of 1370.19.
    altered = _altered_seed(
        tmp_path, "合 计 1370.19 100% 1652.62 2330.28\n\n部门职能", "合 计 1371.19 100% 1652.62 2330.28\n\n部门职能"
    )
    flags = _new_flags(altered)
    fired = dict(flags.select(s.RULE_ID, s.VARIANCE).rows())
    assert fired["table.balance"] == Decimal("-10000.0000")  # income 1370.19 − expenditure 1371.19 万元
    assert fired["table.total_of_rows"] == Decimal("10000.0000")  # 合计 − (278.47 + 12.93 + 1078.79)
    evidence = flags.filter(pl.col(s.RULE_ID) == "table.total_of_rows").get_column(s.EVIDENCE).to_list()[0]
    assert any("1371.19" in (item[s.SOURCE_TEXT] or "") for item in evidence)


def test_altered_percentage_in_the_text(tmp_path: Path) -> None:
    # The narrative's first sentence states 18.09 % instead of 17.09 %.
    altered = _altered_seed(
        tmp_path, "282.43 万元，下降 17.09%，主要是压减了项目预算", "282.43 万元，下降 18.09%，主要是压减了项目预算"
    )
    flags = run_checks(altered).filter(
        (pl.col(s.RULE_ID) == "narrative.change_pct") & (pl.col(s.OBSERVED) == Decimal("18.09"))
    )
    assert flags.height == 1
    row = flags.row(0, named=True)
    assert row[s.EXPECTED] == Decimal("17.0898")  # 282.43 / 1652.62
    assert row[s.VARIANCE] == Decimal("1.0002")
    assert row[s.EVIDENCE][0][s.LINE] == 659  # the sentence's figure, 1370.19, starts on line 659


def test_altered_direction_word(tmp_path: Path) -> None:
    # "减少" turned into "增加" while the tables fall from 1652.62 to 1370.19 万元.
    altered = _altered_seed(
        tmp_path,
        "2023 年部门收入预算 1370.19 万元，比 2022 年预算减少",
        "2023 年部门收入预算 1370.19 万元，比 2022 年预算增加",
    )
    flags = run_checks(altered).filter(pl.col(s.RULE_ID) == "narrative.total_vs_tables")
    assert flags.height == 1
    row = flags.row(0, named=True)
    assert row[s.SEVERITY] == "error"
    assert row[s.OBSERVED] == Decimal("2824300.0000")  # +282.43 万元 as stated
    assert row[s.EXPECTED] == Decimal("-2824300.0000")  # 1370.19 − 1652.62 万元 in the table


def test_altered_share(tmp_path: Path) -> None:
    altered = _altered_seed(tmp_path, "基本\n\n支出 291.4 万元，占 21.27%", "基本\n\n支出 291.4 万元，占 31.27%")
    flags = run_checks(altered).filter(pl.col(s.RULE_ID) == "narrative.share")
    assert flags.height == 1
    assert flags.get_column(s.EXPECTED).to_list() == [Decimal("21.2671")]  # 291.4 / 1370.19


def test_altered_figure_in_a_real_pdf_table() -> None:
    # A real 普陀区 budget with one 项 amount changed after reading: its 款 and 类 no longer add up.
    ds = open_dataset()
    doc = ds.documents.filter(pl.col(s.SOURCE_NAME) == "putuo_wanli_2024_dept_budget.pdf").get_column(s.DOC_ID).item()
    target = (pl.col(s.DOC_ID) == doc) & (pl.col(s.TABLE) == "income_summary") & (pl.col(s.CODE) == "2010507")
    target &= pl.col(s.COLUMN) == "total"
    assert ds.lines.filter(target).height == 1
    lines = ds.lines.with_columns(
        pl.when(target)
        .then(pl.col(s.AMOUNT_YUAN) + Decimal("1000"))
        .otherwise(pl.col(s.AMOUNT_YUAN))
        .alias(s.AMOUNT_YUAN)
    )
    flags = run_checks(dataclasses.replace(ds, lines=lines), rules=["table.parent_sum"])
    mine = flags.filter(pl.col(s.DOC_ID) == doc)
    # Only the 款 above the changed 项: the 类 adds up its 款, which were not changed.
    assert mine.get_column(s.SUBJECT).to_list() == ["income_summary · 20105 统计信息事务 · total"]
    assert set(mine.get_column(s.VARIANCE).to_list()) == {Decimal("-1000.0000")}
