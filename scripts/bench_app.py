"""Benchmark: server-side time of page interactions in the app, on the default dataset (target: under 300 ms).

Usage: python scripts/bench_app.py [--repeat N]

Each interaction runs the page script as Streamlit's test harness does (``AppTest``, in process: the server's work,
not the browser's drawing): with the caches warm, as a user's second click finds them, and, in the same run, with
every cache cleared first, the obvious alternative of loading and computing on every interaction (the ratio is what
to read: the machines are shared and noisy).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import streamlit as st
from streamlit import logger as streamlit_logger
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

INTERACTIONS: dict[str, tuple[str, Callable[[AppTest], object]]] = {
    "总览: pick a department": (
        "app_pages/overview.py",
        lambda at: at.selectbox(key="overview_department").select("武汉市汉阳区大数据中心").run(),
    ),
    "部门画像: pick a department": (
        "app_pages/department.py",
        lambda at: at.selectbox(key="department_pick").select("江苏省委办公厅").run(),
    ),
    "对比: change the measure": (
        "app_pages/compare.py",
        lambda at: at.selectbox(key="compare_measure").select("expenditure_total").run(),
    ),
    "疑点: filter by severity": (
        "app_pages/flags.py",
        lambda at: at.multiselect(key="flags_severity").set_value(["warning"]).run(),
    ),
    "钻取与搜索: pick a department": (
        "app_pages/explore.py",
        lambda at: at.selectbox(key="explore_department").select("江苏省人民检察院").run(),
    ),
    "钻取与搜索: search": (
        "app_pages/explore.py",
        lambda at: at.text_input(key="explore_query").input("行政运行").run(),
    ),
    "简报: pick a department": (
        "app_pages/brief.py",
        lambda at: at.selectbox(key="brief_department").select("西南大学").run(),
    ),
}


def measure(page: str, action: Callable[[AppTest], object], repeat: int, *, cold: bool) -> float:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page(page).run()
    times = []
    for _ in range(repeat):
        if cold:
            st.cache_data.clear()
            st.cache_resource.clear()
        start = time.perf_counter()
        action(at)
        times.append(time.perf_counter() - start)
        if at.exception:
            raise SystemExit(f"{page}: {at.exception[0].message}")
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    streamlit_logger.set_log_level("error")  # the test harness warns of every bare run
    os.environ.setdefault("ANALYTICS_TRIAGE", str(Path(tempfile.mkdtemp()) / "triage.sqlite"))
    print(f"# bench-app\n\nPython {platform.python_version()}, streamlit {st.__version__}, {platform.machine()}")
    print("| interaction | warm caches (ms) | caches cleared (ms) | ratio | target < 300 ms |")
    print("|---|---:|---:|---:|---|")
    for name, (page, action) in INTERACTIONS.items():
        warm = measure(page, action, args.repeat, cold=False)
        cold = measure(page, action, max(2, args.repeat // 2), cold=True)
        verdict = "met" if warm < 0.3 else "NOT met"
        print(f"| {name} | {warm * 1000:.0f} | {cold * 1000:.0f} | {cold / warm:.1f}× | {verdict} |")


if __name__ == "__main__":
    main()
