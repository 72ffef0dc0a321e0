"""Benchmark: what each class of hostile input costs the CLI, against the obvious reading without limits.

Usage::

    python scripts/bench_limits.py [--cap-mb 3000] [--cap-s 120] [--only NAME …]

For every bomb class (tests/bombs.py builds them; each is a small file) two contenders run in fresh processes:

- ours: ``analytics ingest FILE --dataset TMP``, the CLI a user runs (its reading in watched worker processes);
- plain: the obvious reading of the format with no limits — ``openpyxl.load_workbook`` and every cell for a
  workbook, pypdfium2's text of every page for a PDF, the whole file decoded for a text.

A contender's peak RSS is the largest resident memory of its process or of any process it started (``getrusage``
of the reaped children, so a worker counts). The plain contender is stopped when its processes pass ``--cap-mb``
or ``--cap-s``: "stopped at" then says where it was when it was stopped, a lower bound of what it would take.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import bombs  # noqa: E402 - the builders live with the tests, which use them too

MB = 1024 * 1024
SEED = ROOT / "datasets" / "raw" / "hanyang_bigdata_2023_dept_budget.txt"


def _copies(times: int) -> bytes:
    """The largest PDF of the corpus (40 pages, 27,842 characters) ``times`` over in one file."""
    import io

    import pypdfium2

    source = pypdfium2.PdfDocument(ROOT / "datasets" / "raw" / "chongqing_swu_2023_dept_budget.pdf")
    copy = pypdfium2.PdfDocument.new()
    for _ in range(times):
        copy.import_pages(source)
    out = io.BytesIO()
    copy.save(out)
    return out.getvalue()


def _text_of(megabytes: float) -> bytes:
    seed = SEED.read_bytes()
    return seed * max(1, int(megabytes * MB // len(seed)))


#: name → (file name, what it is, builder of its bytes; ``None`` for a special file made in place)
CASES: dict[str, tuple[str, str, Callable[[], bytes] | None]] = {
    "xlsx-merged": ("merged.xlsx", "one merged range A100:XFD1048576", bombs.merged_range_workbook),
    "xlsx-cells": (
        "cells.xlsx",
        "5,000,000 cells in one sheet",
        lambda: bombs.many_cells_workbook(2_500, 2_000),
    ),
    "xlsx-string": (
        "string.xlsx",
        "one cell of 400 million characters",
        lambda: bombs.long_text_workbook("预" * 400 * 10**6),
    ),
    "xlsx-zip": ("zip.xlsx", "a member inflating to 2 GB", lambda: bombs.zip_bomb_workbook(2048 * MB)),
    "pdf-pages": ("pages.pdf", "100,000 pages", lambda: bombs.pages_pdf(100_000)),
    "pdf-objects": ("objects.pdf", "500,000 objects", lambda: bombs.pages_pdf(1, extra=500_000)),
    "pdf-inflate": ("inflate.pdf", "a content stream inflating to 4 GB", lambda: bombs.inflating_pdf(4096 * MB)),
    "pdf-text": ("text.pdf", "400 pages of 100,000 characters", lambda: bombs.dense_text_pdf(400, 100_000)),
    "pdf-states": (
        "states.pdf",
        "16 million graphics states on one page",
        lambda: bombs.pages_pdf(1, b"BT /F1 12 Tf 72 720 Td (1) Tj ET\n" + b"q\n" * (16 * MB)),
    ),
    "text-big": ("big.txt", "49 MB of disclosure text", lambda: _text_of(49)),
    # Just under the limits: what an input that is not refused can cost.
    "edge-xlsx": ("edge.xlsx", "300,000 cells (at the limit)", lambda: bombs.many_cells_workbook(3_000, 100)),
    "edge-pdf": (
        "edge.pdf",
        "2,000 pages of 916 characters (under the limits)",
        lambda: bombs.dense_text_pdf(2000, 900),
    ),
    "edge-disclosure": (
        "edge-real.pdf",
        "a published PDF copied to 2,000 pages (under the limits)",
        lambda: _copies(50),
    ),
    "edge-text": ("edge.txt", "9.9 MB of disclosure text (under the limit)", lambda: _text_of(9.9)),
    "fifo": ("pipe.txt", "a named pipe nobody writes to", None),
    "device": ("zero.txt", "a link to /dev/zero", None),
}

_PLAIN = {
    ".xlsx": "import openpyxl, sys\n"
    "book = openpyxl.load_workbook(sys.argv[1])\n"
    "print(sum(1 for sheet in book for row in sheet.iter_rows() for cell in row))",
    ".pdf": "import pypdfium2, sys\n"
    "pdf = pypdfium2.PdfDocument(sys.argv[1])\n"
    "print(sum(len(pdf[i].get_textpage().get_text_range()) for i in range(len(pdf))))",
    ".txt": "import sys\nprint(len(open(sys.argv[1], 'rb').read().decode('utf-8', 'replace').splitlines()))",
}


def _make(folder: Path, name: str) -> Path:
    file_name, _, build = CASES[name]
    path = folder / file_name
    if name == "fifo":
        os.mkfifo(path)
    elif name == "device":
        path.symlink_to("/dev/zero")
    else:
        assert build is not None
        path.write_bytes(build())
    return path


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and every process under it (Linux /proc)."""
    children: dict[int, list[int]] = {}
    resident: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text().rpartition(")")[2].split()
            statm = Path(f"/proc/{entry}/statm").read_text().split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(stat[1]), []).append(int(entry))
        resident[int(entry)] = int(statm[1]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += resident.get(current, 0)
        todo.extend(children.get(current, []))
    return total


def _run_one(command: list[str], cap_bytes: int, cap_seconds: float) -> dict[str, object]:
    """Run ``command`` (in its own session), stopping it past the caps; what it cost and how it ended."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    stopped = ""
    output = b""
    while True:
        try:
            output, _ = process.communicate(timeout=0.05)
            break
        except subprocess.TimeoutExpired:
            pass
        if _tree_rss(process.pid) > cap_bytes:
            stopped = f"stopped at {cap_bytes // MB} MB"
        elif time.perf_counter() - start > cap_seconds:
            stopped = f"stopped at {cap_seconds:.0f} s"
        if stopped:
            os.killpg(process.pid, 9)
            output, _ = process.communicate()
            break
    seconds = time.perf_counter() - start
    lines = [line.strip() for line in output.decode("utf-8", "replace").splitlines() if line.strip()]
    return {"seconds": seconds, "stopped": stopped, "code": process.returncode, "lines": lines[-20:]}


def _measure(contender: str, path: Path, cap_bytes: int, cap_seconds: float) -> dict[str, object]:
    """One contender on one file, in a fresh interpreter that reports the peak of its children."""
    script = (
        "import json, resource, sys; sys.path.insert(0, sys.argv[1]); from scripts.bench_limits import _run_one; "
        "out = _run_one(json.loads(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])); "
        "out['peak'] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024; print(json.dumps(out))"
    )
    if contender == "ours":
        dataset = tempfile.mkdtemp(prefix="bench-limits-")
        command = [sys.executable, "-m", "analytics.cli", "ingest", str(path), "--dataset", dataset]
    else:
        suffix = path.suffix if path.suffix in _PLAIN else ".txt"
        command = [sys.executable, "-c", _PLAIN[suffix], str(path)]
    run = subprocess.run(
        [sys.executable, "-c", script, str(ROOT), json.dumps(command), str(cap_bytes), str(cap_seconds)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap-mb", type=int, default=3000, help="stop the plain contender past this RSS")
    parser.add_argument("--cap-s", type=float, default=120, help="stop the plain contender after this long")
    parser.add_argument("--only", nargs="*", choices=sorted(CASES), help="run these classes only")
    args = parser.parse_args()
    print(f"# {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}")
    print("| input | file | ours: s | ours: peak MiB | ours: outcome | plain: s | plain: peak MiB | plain: outcome |")
    print("|---|---:|---:|---:|---|---:|---:|---|")
    with tempfile.TemporaryDirectory(prefix="bench-limits-") as folder:
        for name in args.only or CASES:
            path = _make(Path(folder), name)
            size = path.stat().st_size if path.is_file() and not path.is_symlink() else 0
            ours = _measure("ours", path, 10 * 1024 * MB, 600)
            said = next((line for line in ours["lines"] if path.name in line), (ours["lines"] or [""])[-1])
            # The error up to its "; expected …" (the limits are in the README's table), or "read".
            said = "read" if ours["code"] == 0 else said.removeprefix("错误 error ").split("; ")[0]
            # A pipe blocks a plain reader for ever: there the plain contender is the time cap itself.
            plain = _measure("plain", path, args.cap_mb * MB, 10 if name == "fifo" else args.cap_s)
            cells = [
                f"{CASES[name][1]} ({name})",
                f"{size / 1024:,.0f} KB" if size else "—",
                f"{ours['seconds']:.1f}",
                f"{ours['peak'] / MB:,.0f}",
                said.replace(str(path.parent) + "/", "").replace("|", "/")[:150],
                f"{plain['seconds']:.1f}",
                f"{plain['peak'] / MB:,.0f}",
                str(plain["stopped"] or ("read" if plain["code"] == 0 else f"error: {plain['lines'][-1:]}")),
            ]
            print("| " + " | ".join(cells) + " |", flush=True)
            path.unlink()


if __name__ == "__main__":
    main()
