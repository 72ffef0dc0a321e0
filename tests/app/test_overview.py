from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from analytics import schema as s
from analytics.store import Dataset, save_dataset
from tests.app.conftest import built_dataset, table
from tests.app.doubtful import DoubtfulDisclosure

ROOT = Path(__file__).resolve().parents[2]


def _app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


def test_overview_shows_departments_and_totals() -> None:
    at = _app().run()
    assert not at.exception
    assert at.title[0].value == "部门与收支总览"
    departments = at.dataframe[0].value
    assert "武汉市汉阳区大数据中心" in departments["部门名称"].to_list()
    assert not departments.isna().any().any()  # a fact no document states is a dash, never "None"
    totals = at.dataframe[1].value
    income = totals[(totals["口径"] == "收入") & (totals["部门名称"] == "武汉市汉阳区大数据中心")].sort_values("年度")
    assert income["金额（万元）"].to_list() == [2330.28, 1652.62, 1370.19]


def test_picking_a_department_and_english_switch() -> None:
    at = _app().run()
    at.selectbox(key="overview_department").select("武汉市汉阳区大数据中心").run()
    assert not at.exception
    assert set(at.dataframe[1].value["部门名称"]) == {"武汉市汉阳区大数据中心"}
    at.toggle(key="lang_en").set_value(True).run()
    assert at.title[0].value == "Departments and totals"


def test_empty_dataset_has_an_honest_empty_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANALYTICS_DATASET", str(tmp_path))
    at = _app().run()
    assert not at.exception
    assert "数据集" in at.error[0].value or "数据集为空" in at.info[0].value


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_streamlit_serves_the_app() -> None:
    port = _free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.headless", "true", "--server.port", str(port), "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=os.environ)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                    assert response.read() == b"ok"
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail(f"streamlit did not come up: {process.stderr.read().decode()[-2000:]}")
                time.sleep(0.5)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            assert response.status == 200
            assert b"<noscript>" in response.read()
    finally:
        process.terminate()
        process.wait(timeout=20)
        process.stderr.close()


def test_overview_shows_findings_by_severity_and_what_is_missing() -> None:
    import analytics

    at = _app().run()
    assert not at.exception
    flags = analytics.open_dataset().flags
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["提示"] == str(flags.filter(flags["severity"] == "info").height)
    assert metrics["待核实"] == str(flags.height)  # nobody has decided anything in a fresh triage database
    missing = table(at, "部门名称", "年度", "说明")  # 缺失与未公开 (the score's tables come after it)
    assert missing is not None and any("未披露" in text or "空表" in text for text in missing["说明"].to_list())


def test_overview_counts_the_reading_doubts_apart(doubtful_dataset: Dataset) -> None:
    at = _app().run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    readers = doubtful_dataset.flags.filter(pl.col(s.SOURCE) == "reader").height
    assert metrics["读数存疑"] == str(readers) == "1"
    assert metrics["待核实"] == str(doubtful_dataset.flags.height)
    # No total of either department is doubted: the totals carry no mark.
    assert "读数" not in table(at, "口径", "金额（万元）").columns


def test_a_contradicted_total_is_marked_beside_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The 收支总表's 收入总计 of the doubtful department, marked as a reading that contradicts 支出总计."""
    built = built_dataset(tmp_path)
    doubtful = DoubtfulDisclosure()
    total = (
        (pl.col(s.DEPARTMENT_ID) == doubtful.department)
        & (pl.col(s.TABLE) == "income_expenditure_summary")
        & (pl.col(s.CLASSIFICATION) == "total")
        & (pl.col(s.SIDE) == "income")
    )
    assert built.lines.filter(total).height == 1
    why = "不符：收入总计 = 支出总计"
    lines = built.lines.with_columns(
        pl.when(total).then(pl.lit("contradicted")).otherwise(pl.col(s.VERIFICATION)).alias(s.VERIFICATION),
        pl.when(total).then(pl.lit(why)).otherwise(pl.col(s.VERIFIED_BY)).alias(s.VERIFIED_BY),
    )
    stored = save_dataset(Dataset.from_tables({**built.tables, s.LINES: lines}), tmp_path / "ds")
    monkeypatch.setenv("ANALYTICS_DATASET", str(stored.path))
    at = _app().run()
    assert not at.exception
    totals = table(at, "口径", "金额（万元）")
    marked = totals[totals["读数"] == "⚠ 读数存疑"]
    assert marked[["部门名称", "口径", "核实依据"]].values.tolist() == [[doubtful.department, "收入", why]]
    assert marked["金额（万元）"].item() == float(doubtful.total)
    assert (totals.loc[totals["读数"] == "", "口径"] == "支出").any()
    assert any("读数存疑" in c.value for c in at.caption)


def _chart_spec(at: AppTest, index: int = 0) -> dict[str, object]:
    import json

    return json.loads(at.get("vega_lite_chart")[index].proto.spec)


def test_totals_open_as_a_panel_per_department_each_axis_from_zero() -> None:
    # 西南大学's ~50亿 flattened every other department on one shared axis: by default a panel per department, each
    # y scale its own and from zero; no highlight to pick, two colours (income, expenditure).
    at = _app().run()
    view = at.radio(key="overview_view")
    assert view.label == "显示方式"
    assert view.value == "multiples"
    assert view.options == ["各部门分图（纵轴各自从0起）", "指数（各部门首年=100）", "金额（同一纵轴）"]
    assert "overview_highlight" not in [box.key for box in at.selectbox]
    spec = _chart_spec(at)
    assert spec["title"]["text"] == "年度收支总额：各部门分图（纵轴各自从0起，万元）"
    assert spec["resolve"]["scale"]["y"] == "independent"
    assert spec["facet"]["field"] == "部门"
    assert spec["facet"]["sort"][0] == "西南大学"  # the largest first
    assert len(spec["facet"]["sort"]) == 13
    assert all(layer["encoding"]["y"]["scale"]["zero"] is True for layer in spec["spec"]["layer"])
    # The index of each department's first year, titled so, on an axis from zero.
    view.set_value("index").run()
    assert not at.exception
    spec = _chart_spec(at)
    assert spec["title"] == "年度收支总额指数（各部门首年=100）"
    y = spec["spec"]["layer"][0]["encoding"]["y"]
    assert (y["field"], y["title"], y["scale"]["zero"]) == ("指数", "指数（首年=100）", True)
    assert at.selectbox(key="overview_highlight").value == "上海市普陀区人民政府万里街道办事处"
    at.toggle(key="lang_en").set_value(True).run()
    assert at.radio(key="overview_view").label == "Show as"


def test_many_departments_highlight_one_and_grey_the_others() -> None:
    at = _app().run()
    at.radio(key="overview_view").set_value("amounts").run()
    # The shipped dataset has 13 departments with budget totals (the chart draws one phase), more than eight colours
    # can tell apart.
    highlight = at.selectbox(key="overview_highlight")
    assert highlight.value == "上海市普陀区人民政府万里街道办事处"
    color = _chart_spec(at)["spec"]["layer"][0]["encoding"]["color"]
    assert color["scale"]["domain"] == ["上海市普陀区人民政府万里街道办事处", "其他12个部门（灰色）"]
    highlight.select("武汉市汉阳区大数据中心").run()
    assert not at.exception
    color = _chart_spec(at)["spec"]["layer"][0]["encoding"]["color"]
    assert color["scale"]["domain"] == ["武汉市汉阳区大数据中心", "其他12个部门（灰色）"]
    # One department: its own colour, nothing to highlight.
    at.selectbox(key="overview_department").select("武汉市汉阳区大数据中心").run()
    assert not at.exception
    assert "overview_highlight" not in [box.key for box in at.selectbox]
    assert _chart_spec(at)["spec"]["layer"][0]["encoding"]["color"]["field"] == "部门"
