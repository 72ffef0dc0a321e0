"""The stored dataset is plain Parquet that other tools read without this library (issue 16): DuckDB SQL over the
files the manifest names gives the figures the documents print, exactly (DECIMAL, not float)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from analytics.ingest import read_batch
from analytics.store import MANIFEST, save_dataset
from tests.synthetic import Composition, SyntheticDisclosure

duckdb = pytest.importorskip("duckdb", reason="the DuckDB test needs duckdb (the dev extra)")


def test_duckdb_sums_the_printed_totals_from_the_stored_files(tmp_path: Path) -> None:
    first = SyntheticDisclosure(region="南京市鼓楼区", short_name="鼓楼区档案馆")  # 2410.5 + 89.5 = 2500 万元 in 2024
    second = SyntheticDisclosure(
        region="成都市武侯区",
        short_name="武侯区政务服务中心",
        composition=Composition(appropriation=("3000", "2800", "2500"), unit_funds=("0", "0", "0"),
                                personnel=("1000", "900", "800"), operation=("500", "400", "300"),
                                specific=("1500", "1500", "1400")),
    )  # fmt: skip
    files = []
    for n, disclosure in enumerate((first, second)):
        files.append(tmp_path / f"d{n}.txt")
        files[-1].write_text(disclosure.text(), encoding="utf-8")
    save_dataset(read_batch(files, watched=False).merged(), tmp_path / "ds")
    tables = json.loads((tmp_path / "ds" / MANIFEST).read_text(encoding="utf-8"))["tables"]
    lines, documents = (str(tmp_path / "ds" / tables[name]) for name in ("lines", "documents"))
    rows = duckdb.sql(
        f"""
        SELECT d.department, l.fiscal_year, l.amount_yuan
        FROM read_parquet('{lines}') AS l JOIN read_parquet('{documents}') AS d USING (doc_id)
        WHERE l."table" = 'performance_fund_composition' AND l.side = 'income' AND l.classification = 'total'
          AND l.fiscal_year = 2024
        ORDER BY d.department
        """
    ).fetchall()
    assert rows == [
        ("南京市鼓楼区档案馆", 2024, Decimal("25000000.00")),
        ("成都市武侯区政务服务中心", 2024, Decimal("30000000.00")),
    ]
    assert all(isinstance(amount, Decimal) for *_, amount in rows)
