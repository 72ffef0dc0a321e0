"""The rules that find each finding's evidence by joins over whole frames (table.parent_sum, narrative.items_sum,
the cross-table identities' cells, the anomaly profiles' evidence), on datasets of several departments that print
the same codes, subjects, pages and lines: a finding's evidence is its own document's figures, in their order, and
a department whose figures add up has no finding. Then ``scripts/_scale.replicate``: k copies, k times the
findings."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import polars as pl

from analytics import schema as s
from analytics.anomaly._flags import _profile_evidence
from analytics.checks import run_checks
from analytics.checks._rules.cross import _cells_of
from tests.test_checks import D, dataset, document, line, statement

ROOT = Path(__file__).resolve().parents[1]
#: Three departments, one document each; 甲 adds up, 乙 and 丙 do not.
DEPARTMENTS = {"甲": "doc-jia", "乙": "doc-yi", "丙": "doc-bing"}


def _class_rows(department: str, parent: str, *children: str) -> list[dict[str, Any]]:
    """201 一般公共服务支出 (line 5) and its children (lines 6, 7, …) of ``department``'s document."""
    doc = DEPARTMENTS[department]
    rows = [line("一般公共服务支出", parent, code="201", level=1, row=5, doc_id=doc, department=department)]
    for i, amount in enumerate(children):
        rows.append(
            line(
                f"科目{i + 1}", amount, code=f"2010{i + 1}", level=2, parent="201", row=6 + i, doc_id=doc,
                department=department,
            )
        )  # fmt: skip
    return rows


def _documents() -> list[dict[str, Any]]:
    return [document(doc, department=department) for department, doc in DEPARTMENTS.items()]


def _parent_sum_dataset() -> Any:
    return dataset(
        documents=_documents(),
        lines=[
            *_class_rows("甲", "1_000_000", "600_000", "400_000"),  # 60 + 40 = 100 万元
            *_class_rows("乙", "1_000_000", "600_000", "300_000"),  # 60 + 30 = 90, not 100
            *_class_rows("丙", "2_500_000", "1_200_000", "800_000", "300_000"),  # 120 + 80 + 30 = 230, not 250
        ],
    )


def test_parent_sum_over_several_departments_flags_each_its_own_figures() -> None:
    flags = run_checks(_parent_sum_dataset(), rules=["table.parent_sum"]).sort(s.DOC_ID)
    assert flags.get_column(s.DOC_ID).to_list() == ["doc-bing", "doc-yi"]
    assert flags.select(s.OBSERVED, s.EXPECTED, s.VARIANCE).rows() == [
        (D("2_500_000"), D("2_300_000"), D("200_000")),
        (D("1_000_000"), D("900_000"), D("100_000")),
    ]
    bing, yi = flags.get_column(s.EVIDENCE).to_list()
    # Every department prints 201 on line 5 and its children below it: each finding shows its own document's.
    assert [(e[s.DOC_ID], e[s.LINE], e[s.SOURCE_TEXT]) for e in yi] == [
        ("doc-yi", 5, "201 一般公共服务支出 1_000_000"),
        ("doc-yi", 6, "20101 科目1 600_000"),
        ("doc-yi", 7, "20102 科目2 300_000"),
    ]
    assert [(e[s.DOC_ID], e[s.LINE]) for e in bing] == [
        ("doc-bing", 5),
        ("doc-bing", 6),
        ("doc-bing", 7),
        ("doc-bing", 8),
    ]


def _breakdown(department: str, total: str, *items: str) -> list[dict[str, Any]]:
    """``department``'s 收入预算 ``total`` (seq 20, line 30) and its 其中 items (seq 21, 22, …)."""
    doc = DEPARTMENTS[department]
    names = ["财政拨款收入", "事业收入", "其他收入"]
    text = f"收入预算 {total} 元，其中：…"
    head = statement(20, "收入预算", total, doc_id=doc, department=department, text=text)
    return [
        head,
        *(
            statement(21 + i, names[i], amount, parent="收入预算", doc_id=doc, department=department, text=text)
            for i, amount in enumerate(items)
        ),
    ]


def test_items_sum_over_several_departments_shows_each_breakdown_in_its_own_document() -> None:
    ds = dataset(
        documents=_documents(),
        statements=[
            *_breakdown("甲", "23_504_000", "20_000_000", "3_504_000"),  # adds up
            *_breakdown("乙", "23_504_000", "20_000_000", "3_000_000"),  # 2,300 万元 of 2,350.40
            *_breakdown("丙", "10_000_000", "6_000_000", "3_000_000"),  # 900 万元 of 1,000
        ],
    )
    flags = run_checks(ds, rules=["narrative.items_sum"]).sort(s.DOC_ID)
    assert flags.get_column(s.DOC_ID).to_list() == ["doc-bing", "doc-yi"]
    assert flags.get_column(s.DEPARTMENT_ID).to_list() == ["丙", "乙"]
    assert flags.select(s.OBSERVED, s.EXPECTED).rows() == [
        (D("9_000_000"), D("10_000_000")),
        (D("23_000_000"), D("23_504_000")),
    ]
    # The total's sentence first, then the items' (each statement's line is its seq plus 10), own document only.
    for flag in flags.iter_rows(named=True):
        assert [(e[s.DOC_ID], e["table_or_part"], e[s.LINE]) for e in flag[s.EVIDENCE]] == [
            (flag[s.DOC_ID], "narrative", line_no) for line_no in (30, 31, 32)
        ]


def test_cells_of_a_filtered_frame_are_found_by_their_row_numbers_in_order() -> None:
    lines = pl.DataFrame({"_row": [0, 1, 2, 3, 4, 5], "name": list("abcdef")}).with_columns(
        pl.col("_row").cast(pl.UInt32)
    )
    kept = lines.filter(pl.col("name") != "c")  # row 2 gone, as a rule's filter leaves gaps
    assert _cells_of(kept, [5, 1, None, 2, 1, 9]).get_column("name").to_list() == ["b", "f"]
    assert _cells_of(kept, []).is_empty()


def test_profile_evidence_of_several_department_years_at_once() -> None:
    def total(department: str, doc: str, as_of: int, row: int, classification: str = "total") -> dict[str, Any]:
        return line(
            f"{department}合计", "1", table="income_expenditure_summary", classification=classification,
            doc_id=doc, department=department, as_of_year=as_of, row=row,
        )  # fmt: skip

    ds = dataset(
        documents=[document("x-2024", department="X"), document("x-2025", department="X", fiscal_year=2025)],
        lines=[
            total("X", "x-2025", 2025, 1),  # 2024 restated by the 2025 budget: after X's own
            line("行政运行", "1", code="2010101", doc_id="x-2024", department="X", row=2),  # not a total
            total("X", "x-2024", 2024, 9),
            total("X", "x-2024", 2024, 4, "category"),
            line("行政运行", "1", code="2010101", doc_id="y-2024", department="Y", row=7),  # Y prints no total
            total("Z", "z-2024", 2024, 1),  # not asked for
        ],
    )
    keys = pl.DataFrame({s.DEPARTMENT_ID: ["X", "Y", "X"], s.FISCAL_YEAR: [2024, 2024, 2024]})
    found = {key: [(e[s.DOC_ID], e[s.LINE]) for e in items] for key, items in _profile_evidence(ds, keys).items()}
    assert found == {
        ("X", 2024): [("x-2024", 4), ("x-2024", 9), ("x-2025", 1)],
        ("Y", 2024): [("y-2024", 7)],
    }


def _scale() -> ModuleType:
    path = ROOT / "scripts" / "_scale.py"
    spec = importlib.util.spec_from_file_location("_scale", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_replicate_makes_k_times_the_findings_each_in_its_own_copy() -> None:
    replicate = _scale().replicate
    ds = _parent_sum_dataset()
    assert replicate(ds, 1) == ds
    big = replicate(ds, 3)
    flags = run_checks(big, rules=["table.parent_sum"])
    assert sorted(flags.get_column(s.DOC_ID).to_list()) == sorted(
        f"{doc}{suffix}" for doc in ("doc-yi", "doc-bing") for suffix in ("", "#1", "#2")
    )
    assert flags.get_column(s.FLAG_ID).n_unique() == 6
    assert {e[s.DOC_ID] for e in flags.filter(pl.col(s.DOC_ID) == "doc-yi#2").item(0, s.EVIDENCE)} == {"doc-yi#2"}
    # Scaled, copy i's amounts are i + 1 times the original's: 乙's second copy misses 3 × 10 万元.
    scaled = run_checks(replicate(ds, 3, scaled=True), rules=["table.parent_sum"])
    assert scaled.filter(pl.col(s.DOC_ID) == "doc-yi#2").item(0, s.VARIANCE) == D("300_000")
