"""Reading on a cluster (issue 16): ``read_batch`` on any ``concurrent.futures.Executor``, a local Dask cluster of
worker processes here; the CLI's ``--scheduler``."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from analytics import schema as s
from analytics.cluster import ClusterError, connect
from analytics.ingest import read_batch
from analytics.store import open_dataset
from tests.conftest import ROOT
from tests.synthetic import SyntheticDisclosure

distributed = pytest.importorskip("distributed", reason="reading on a cluster needs distributed (the dev extra)")

DEPARTMENTS = (
    ("南京市鼓楼区", "鼓楼区档案馆"),
    ("成都市武侯区", "武侯区政务服务中心"),
    ("南宁市青秀区", "青秀区档案馆"),
)


def _files(folder: Path) -> list[Path]:
    paths = []
    for region, short_name in DEPARTMENTS:
        path = folder / f"{short_name}.txt"
        path.write_text(SyntheticDisclosure(region=region, short_name=short_name).text(), encoding="utf-8")
        paths.append(path)
    return [*paths, folder / "missing.txt"]


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A local Dask cluster of two worker processes; its scheduler's address."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50
    ) as local:
        yield local.scheduler_address


def test_a_batch_read_on_a_dask_cluster_is_the_batch_read_here(tmp_path: Path, cluster: str) -> None:
    files = _files(tmp_path)
    here = read_batch(files, watched=False)
    seen: list[Path] = []
    there = read_batch(files, executor=connect(cluster), progress=seen.append)
    # The unreadable file is reported the same way, the others read to the same rows, in the order given.
    assert (
        [str(e) for e in there.errors]
        == [str(e) for e in here.errors]
        == ["missing.txt: cannot read the file (no such file); expected a disclosure file"]
    )
    assert [path for path, _ in there.read] == [path for path, _ in here.read] == files[:3]
    assert sorted(seen) == sorted(files)
    for name in s.TABLES:
        assert_frame_equal(getattr(there.merged(), name), getattr(here.merged(), name))
    names = there.merged().documents.get_column(s.DEPARTMENT).to_list()
    assert sorted(names) == sorted(["南京市鼓楼区档案馆", "成都市武侯区政务服务中心", "南宁市青秀区档案馆"])


def test_any_executor_will_do(tmp_path: Path) -> None:
    files = _files(tmp_path)[:2]
    with ThreadPoolExecutor(max_workers=2) as pool:
        batch = read_batch(files, executor=pool)
    assert batch.errors == [] and [path for path, _ in batch.read] == files


def test_the_cli_ingests_on_the_cluster(tmp_path: Path, cluster: str) -> None:
    files = _files(tmp_path)[:3]
    run = subprocess.run(
        [sys.executable, "-m", "analytics.cli", "ingest", *map(str, files), "--dataset", str(tmp_path / "ds"),
         "--scheduler", cluster],
        capture_output=True, text=True, timeout=300, cwd=ROOT, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert open_dataset(tmp_path / "ds").documents.height == 3


def test_no_scheduler_at_the_address_is_a_clear_error() -> None:
    with pytest.raises(ClusterError, match=r"no Dask scheduler answers at tcp://127\.0\.0\.1:9"):
        connect("tcp://127.0.0.1:9", timeout=2)
