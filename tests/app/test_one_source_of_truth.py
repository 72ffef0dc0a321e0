"""Every page says the same about a department's years and documents (``analytics.inventory``), and what it says is
what the documents' own names and years say: no page counts two years where another counts one.

Each page is opened for the same department, of the shipped dataset and of a synthetic one; its sentence “2 年有文件
（预算 1 份、决算 1 份）：2024 年决算；2025 年预算。…” is read back and compared with the files (their names carry
the department, year and phase), not with the code under test.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

import analytics
from analytics import schema as s
from analytics.pipeline import all_flags
from analytics.store import Dataset, save_dataset
from tests.app.conftest import table
from tests.synthetic import Composition, SyntheticDisclosure

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "datasets" / "raw"
#: ``putuo_finance_2024_dept_final.pdf``: who, year and phase.
FILE_NAME = re.compile(r"^(?P<who>.+?)_(?P<year>\d{4})_(?:dept|unit)_(?P<phase>budget|final)")
#: The sentence every page says: years with documents, the documents by phase, each year with its phases.
SENTENCE = re.compile(r"(?P<n>\d+) 年有文件（(?P<documents>[^）]*)）：(?P<years>[^。]*)。")
PHASE_WORDS = {"budget": "预算", "final": "决算"}

FINANCE = "上海市普陀区财政局"
RENEWAL = SyntheticDisclosure(region="长沙市岳麓区", short_name="岳麓区城市更新服务中心")
ARCHIVES = SyntheticDisclosure(region="长沙市岳麓区", short_name="岳麓区档案馆")


@dataclass(frozen=True)
class Truth:
    """What the files of one department say: its years, and each year's phases (from the file names)."""

    phases: dict[int, list[str]]

    @classmethod
    def of(cls, files: list[str], who: str) -> Truth:
        phases: dict[int, list[str]] = {}
        for name in files:
            match = FILE_NAME.match(name)
            if match and match["who"] == who:
                phases.setdefault(int(match["year"]), []).append(match["phase"])
        return cls({year: sorted(p, key=list(PHASE_WORDS).index) for year, p in sorted(phases.items())})

    def count(self, phase: str) -> int:
        return sum(p.count(phase) for p in self.phases.values())

    def documents(self) -> str:
        return "、".join(f"{PHASE_WORDS[p]} {self.count(p)} 份" for p in PHASE_WORDS if self.count(p))

    def years(self) -> str:
        words = {year: "、".join(PHASE_WORDS[p] for p in dict.fromkeys(phases)) for year, phases in self.phases.items()}
        return "；".join(f"{year} 年{word}" for year, word in words.items())


def _opened(path: str, choose: Callable[[AppTest], None]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    at.switch_page(path).run()
    assert not at.exception
    choose(at)
    at.run()
    assert not at.exception, at.exception
    return at


def _select(key: str, name: str) -> Callable[[AppTest], None]:
    return lambda at: at.selectbox(key=key).select(name)


#: How each page is told which department to show.
PAGES: dict[str, Callable[[str], Callable[[AppTest], None]]] = {
    "overview": lambda name: _select("overview_department", name),
    "department": lambda name: _select("department_pick", name),
    "compare": lambda name: lambda at: at.multiselect(key="compare_departments").set_value([name]),
    "flags": lambda name: _select("flags_department", name),
    "explore": lambda name: _select("explore_department", name),
    "data": lambda name: _select("reading_department", name),
    "brief": lambda name: _select("brief_department", name),
}


def _sentences(at: AppTest) -> list[re.Match[str]]:
    return [match for caption in at.caption if (match := SENTENCE.search(caption.value))]


def _assert_says(at: AppTest, truth: Truth) -> None:
    said = _sentences(at)
    assert said, "the page says the department's years and documents"
    for match in said:
        assert int(match["n"]) == len(truth.phases)
        assert match["documents"] == truth.documents()
        assert match["years"] == truth.years()


def _captions(at: AppTest) -> str:
    return "\n".join(caption.value for caption in at.caption)


# The shipped dataset: 普陀区财政局 published a 2024 决算 and a 2025 budget. 总览 drew both years as one line while
# 部门画像 (the budgets' trend) had one year and said the department had “只有一个年度的数据”.


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_counts_the_shipped_departments_years_alike(page: str) -> None:
    truth = Truth.of([path.name for path in RAW.iterdir()], "putuo_finance")
    assert truth.phases == {2024: ["final"], 2025: ["budget"]}  # what the file names say
    at = _opened(f"app_pages/{page}.py", PAGES[page](FINANCE))
    _assert_says(at, truth)


def test_the_overview_draws_one_phase_and_says_which_years_it_has() -> None:
    at = _opened("app_pages/overview.py", PAGES["overview"](FINANCE))
    totals = table(at, "口径", "金额（万元）")
    assert sorted(set(totals["年度"])) == [2025]  # its budget; the 2024 决算 is the other phase's
    assert "预算收支合计读出 1 年：2025；决算收支合计读出 1 年：2024" in _captions(at)
    assert "此处所示预算收支合计读出 1 年：2025。" in _captions(at)
    at.radio(key="overview_phase").set_value("final").run()
    assert not at.exception
    assert sorted(set(table(at, "口径", "金额（万元）")["年度"])) == [2024]
    assert "此处所示决算收支合计读出 1 年：2024。" in _captions(at)


def test_the_department_page_says_why_it_draws_no_trend() -> None:
    at = _opened("app_pages/department.py", PAGES["department"](FINANCE))
    assert "此处所示预算收支合计读出 1 年：2025。" in _captions(at)
    infos = [info.value for info in at.info]
    assert "预算收支合计只读出 1 年，无法显示趋势。" in infos
    assert not any("只有一个年度的数据" in text for text in infos)  # not what the other pages contradict


# A synthetic dataset: 城市更新服务中心 has budgets for 2023 and 2024 and a 决算 for 2023; 档案馆 one budget (2024).
# Each budget's 总体资金情况 form prints the two years before it, so the budgets' totals cover 2021–2024.
SYNTHETIC_FILES = {
    "yuelu_renewal_2023_dept_budget.txt": RENEWAL,
    "yuelu_renewal_2024_dept_budget.txt": SyntheticDisclosure(region=RENEWAL.region, short_name=RENEWAL.short_name),
    "yuelu_renewal_2023_dept_final.txt": RENEWAL,
    "yuelu_archives_2024_dept_budget.txt": ARCHIVES,
}


def _as_final(read: Dataset) -> Dataset:
    """A read budget as the 决算 of its year: the phase and basis of a final account, its own year's figures."""
    tables = read.tables
    final = pl.lit("final")
    tables[s.DOCUMENTS] = tables[s.DOCUMENTS].with_columns(final.alias(s.PHASE))
    tables[s.LINES] = (
        tables[s.LINES]
        .filter(pl.col(s.FISCAL_YEAR) == pl.col(s.AS_OF_YEAR))
        .with_columns(final.alias(s.PHASE), pl.lit("actual").alias(s.AMOUNT_BASIS))
    )
    return Dataset.from_tables(tables)


@pytest.fixture(scope="module")
def synthetic_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic")
    years = {"yuelu_renewal_2023_dept_budget.txt": 2023, "yuelu_renewal_2023_dept_final.txt": 2023}
    ds = Dataset.empty()
    for name, disclosure in SYNTHETIC_FILES.items():
        year = years.get(name, 2024)
        # The 决算 prints other figures (other bytes: another document).
        composition = Composition(appropriation=("2400", "2200", "1980.25")) if "_final" in name else Composition()
        written = folder / name
        written.write_text(
            SyntheticDisclosure(
                region=disclosure.region, short_name=disclosure.short_name, year=year, composition=composition
            ).text(),
            encoding="utf-8",
        )
        read = analytics.read_disclosure(written)
        ds = ds.replace_documents(_as_final(read) if "_final" in name else read)
    return save_dataset(all_flags(ds), folder / "ds").path


@pytest.fixture
def synthetic(synthetic_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ANALYTICS_DATASET", str(synthetic_path))
    return synthetic_path


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_counts_the_synthetic_departments_years_alike(synthetic: Path, page: str) -> None:
    truth = Truth.of(list(SYNTHETIC_FILES), "yuelu_renewal")
    assert truth.phases == {2023: ["budget", "final"], 2024: ["budget"]}
    at = _opened(f"app_pages/{page}.py", PAGES[page](RENEWAL.full_name))
    _assert_says(at, truth)


@pytest.mark.parametrize("page", ["overview", "department", "brief"])
def test_a_department_with_one_year_says_one_year(synthetic: Path, page: str) -> None:
    truth = Truth.of(list(SYNTHETIC_FILES), "yuelu_archives")
    assert truth.phases == {2024: ["budget"]}
    at = _opened(f"app_pages/{page}.py", PAGES[page](ARCHIVES.full_name))
    _assert_says(at, truth)


def test_pages_that_show_fewer_or_more_years_say_which(synthetic: Path) -> None:
    # Two budgets, each printing the two years before it: totals for 2021–2024; the 决算 states its own year.
    budget_years = "2021、2022、2023、2024"
    overview = _opened("app_pages/overview.py", PAGES["overview"](RENEWAL.full_name))
    assert sorted(set(table(overview, "口径", "金额（万元）")["年度"])) == [2021, 2022, 2023, 2024]
    said = _captions(overview)
    assert f"预算收支合计读出 4 年：{budget_years}（2021、2022 年为之后年度文件所列的往年数）" in said
    assert "决算收支合计读出 1 年：2023" in said
    department = _opened("app_pages/department.py", PAGES["department"](RENEWAL.full_name))
    assert f"此处所示预算收支合计读出 4 年：{budget_years}。" in _captions(department)
    compare = _opened("app_pages/compare.py", PAGES["compare"](RENEWAL.full_name))
    assert f"此处所示“收入合计”读出 4 年：{budget_years}。" in _captions(compare)
