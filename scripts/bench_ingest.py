"""Benchmark: ingest the whole corpus with ``analytics.ingest`` and, in the same run, with plain pdfplumber.

Usage::

    python scripts/bench_ingest.py [--corpus DIR] [--repeat N] [--skip-pdfplumber]

Every measurement runs in a fresh interpreter, so each contender's peak memory is its own and no contender profits
from caches warmed by another. Inside that interpreter only the work is timed: start-up and imports are reported
apart. Contenders run in rounds (one of each per round) so that a noisy neighbour slows them all alike, and the
best round counts. pdfplumber is slow, so it runs at most twice.

The comparison covers the PDFs of the corpus only (pdfplumber cannot read the other formats). Besides speed it
checks that both sides find the same grand totals in each document's 收支总表, so that speed is not bought with
wrong figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import subprocess
import sys
import tempfile
import time
from decimal import Decimal, InvalidOperation
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERIAL, WATCHED, PARALLEL = "ours-serial", "ours-watched-1", "ours-parallel"
PLUMBER, PDFIUM = "pdfplumber", "pypdfium2-text"
TARGET = 10
#: More rounds of pdfplumber would add minutes and change little: it is slow enough that noise matters less.
PLUMBER_MAX_REPEAT = 2

# The 收支总表 in its budget (收支预算总表) and final-accounts (收入支出决算总表) titles; the 财政拨款 variant is
# another table with smaller totals.
_TITLE = re.compile(r"^(?!.*财政拨款).*收(?:入)?支(?:出)?(?:预算|决算)?总表\s*$", re.MULTILINE)
_UNIT = re.compile(r"单位\s*[:：]\s*(万元|元)")
_SPACE = re.compile(r"\s+")


# --------------------------------------------------------------------------------------------------- the children


def _peak_rss_mib() -> float:
    import resource

    # RUSAGE_CHILDREN counts the pool workers of the parallel run once they are reaped; it is the largest single
    # worker, not their sum.
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return kib / (1024 * 1024) if sys.platform == "darwin" else kib / 1024


def _run_ours(pdfs: list[Path], workers: int | None, *, watched: bool = True) -> dict[str, object]:
    start = time.perf_counter()
    from analytics import schema as s
    from analytics.ingest import read_batch

    imported = time.perf_counter()
    batch = read_batch(pdfs, workers=workers, watched=watched)
    seconds = time.perf_counter() - imported
    peak = _peak_rss_mib()

    pages = 0
    totals: dict[str, dict[str, str]] = {}
    for path, dataset in batch.read:
        pages += int(dataset.documents[s.PAGE_COUNT].sum())
        rows = dataset.lines.filter(
            (dataset.lines[s.TABLE] == "income_expenditure_summary")
            & (dataset.lines[s.CLASSIFICATION] == "total")
            & (dataset.lines[s.COLUMN] == "total")
        )
        for side, amount in rows.select(s.SIDE, s.AMOUNT_YUAN).iter_rows():
            totals.setdefault(path.name, {})[side] = str(amount)
    return {
        "files": len(batch.read),
        "errors": [str(e) for e in batch.errors],
        "pages": pages,
        "seconds": seconds,
        "import_seconds": imported - start,
        "peak_rss_mib": peak,
        "workers": workers or min(os.cpu_count() or 1, len(pdfs)),
        "totals": totals,
    }


def _run_pdfplumber(pdfs: list[Path], verify: bool) -> dict[str, object]:
    start = time.perf_counter()
    import pdfplumber

    imported = time.perf_counter()
    pages = 0
    tables: dict[str, list[list[list[list[str | None]]]]] = {}
    for path in pdfs:
        with pdfplumber.open(path) as pdf:
            per_page = []
            for page in pdf.pages:
                per_page.append(page.extract_tables())
                pages += 1
            tables[path.name] = per_page
    seconds = time.perf_counter() - imported
    # Read before the check below, which opens every file again and is no part of the contender.
    peak = _peak_rss_mib()

    totals: dict[str, dict[str, str]] = {}
    notes: dict[str, str] = {}
    if verify:
        for path in pdfs:
            found, note = _plumber_totals(path, tables[path.name])
            if found:
                totals[path.name] = {side: str(amount) for side, amount in found.items()}
            notes[path.name] = note
    return {
        "files": len(pdfs),
        "errors": [],
        "pages": pages,
        "seconds": seconds,
        "import_seconds": imported - start,
        "peak_rss_mib": peak,
        "workers": 1,
        "totals": totals,
        "notes": notes,
    }


def _plumber_totals(path: Path, tables: list[list[list[list[str | None]]]]) -> tuple[dict[str, Decimal], str]:
    """The grand totals of the 收支总表 in pdfplumber's tables, located and scaled by pdfplumber's page text."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for index, page in enumerate(pdf.pages):
            text = page.extract_text() or ""
            unit = _UNIT.search(text)
            # A table of contents names the table too, but states no unit.
            if not (_TITLE.search(text) and unit):
                continue
            rows = _summary_rows(pdf.pages, index, tables)
            if rows is None:
                return {}, f"p.{index + 1}: pdfplumber found other tables on a second pass"
            found = _table_totals(rows)
            if not found:
                return {}, f"p.{index + 1}: no 总计/合计 row in pdfplumber's tables"
            scale = Decimal(10000) if unit.group(1) == "万元" else Decimal(1)
            return {side: amount * scale for side, amount in found.items()}, f"p.{index + 1}, {unit.group(1)}"
    return {}, "no 收支总表 page"


def _summary_rows(pages: list, title: int, tables: list[list[list[list[str | None]]]]) -> list | None:
    """The table rows between the 收支总表's unit line and the next unit line, which opens the next table.

    The table may run over several pages, and pdfplumber may join its tail and the next table into one; so rows,
    not tables, are cut, by their place on the page (``find_tables`` gives the places, in ``extract_tables`` order).
    """
    events: list[tuple[int, float, int, list[str | None] | None]] = []
    for index in range(title, min(title + 4, len(pages))):
        page = pages[index]
        events.extend((index, match["top"], 0, None) for match in page.search(_UNIT.pattern))
        located = page.find_tables()
        if len(located) != len(tables[index]):
            return None
        for table, extracted in zip(located, tables[index], strict=True):
            events.extend((index, row.bbox[1], 1, cells) for row, cells in zip(table.rows, extracted, strict=True))
    events.sort(key=lambda event: event[:3])
    rows: list[list[str | None]] = []
    units = 0
    for _, _, kind, cells in events:
        if kind == 0:
            units += 1
            if units == 2:
                break
        elif units == 1 and cells is not None:
            rows.append(cells)
    return rows


def _table_totals(table: list[list[str | None]]) -> dict[str, Decimal]:
    """The last 总计/合计 of each side, and the number that follows its label in the same row."""
    found: dict[str, Decimal] = {}
    for row in table:
        cells = [_SPACE.sub("", cell or "") for cell in row]
        labels = [i for i, cell in enumerate(cells) if cell.endswith(("总计", "合计"))]
        for order, i in enumerate(labels):
            end = labels[order + 1] if order + 1 < len(labels) else len(cells)
            amount = next((a for a in map(_decimal, cells[i + 1 : end]) if a is not None), None)
            if amount is None:
                continue
            label = cells[i]
            # Labels that only say 总计 tell their side by their place: income is printed on the left.
            if label.startswith("收入"):
                side = "income"
            elif label.startswith("支出"):
                side = "expenditure"
            else:
                side = "income" if order == 0 else "expenditure"
            found[side] = amount
    return found


def _decimal(text: str) -> Decimal | None:
    if not text:
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def _run_pdfium(pdfs: list[Path]) -> dict[str, object]:
    start = time.perf_counter()
    import pypdfium2 as pdfium

    imported = time.perf_counter()
    pages = 0
    for path in pdfs:
        pdf = pdfium.PdfDocument(path)
        try:
            for index in range(len(pdf)):
                page = pdf[index]
                textpage = page.get_textpage()
                textpage.get_text_range()
                textpage.close()
                page.close()
                pages += 1
        finally:
            pdf.close()
    seconds = time.perf_counter() - imported
    return {
        "files": len(pdfs),
        "errors": [],
        "pages": pages,
        "seconds": seconds,
        "import_seconds": imported - start,
        "peak_rss_mib": _peak_rss_mib(),
        "workers": 1,
        "totals": {},
    }


def _child(contender: str, corpus: Path, out: Path, verify: bool) -> None:
    pdfs = _pdfs(corpus)
    if contender == SERIAL:
        result = _run_ours(pdfs, workers=1, watched=False)
    elif contender == WATCHED:
        result = _run_ours(pdfs, workers=1)
    elif contender == PARALLEL:
        result = _run_ours(pdfs, workers=None)
    elif contender == PLUMBER:
        result = _run_pdfplumber(pdfs, verify)
    else:
        result = _run_pdfium(pdfs)
    out.write_text(json.dumps(result, ensure_ascii=False))


# --------------------------------------------------------------------------------------------------- the parent


def _pdfs(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.iterdir() if p.suffix.lower() == ".pdf")


def _measure(contender: str, corpus: Path, verify: bool) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        command = [sys.executable, __file__, "--child", contender, "--corpus", str(corpus), "--out", str(out)]
        if verify:
            command.append("--verify")
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{contender} failed (exit {done.returncode}):\n{done.stderr}")
        return json.loads(out.read_text())


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def _amount(totals: dict[str, str] | None, side: str) -> str:
    if not totals or side not in totals:
        return "—"
    return f"{Decimal(totals[side]):,.2f}"


def _same(ours: dict[str, str] | None, reference: dict[str, str] | None) -> bool:
    if not ours or not reference or set(ours) != set(reference):
        return False
    return all(Decimal(ours[side]) == Decimal(reference[side]) for side in ours)


def _compare(pdfs: list[Path], ours: dict[str, object], reference: dict[str, object]) -> tuple[int, int]:
    """Print the per-file table of 收支总表 totals; return (identical, files with a 收支总表 on either side)."""
    ours_totals: dict[str, dict[str, str]] = ours["totals"]  # type: ignore[assignment]
    ref_totals: dict[str, dict[str, str]] = reference["totals"]  # type: ignore[assignment]
    notes: dict[str, str] = reference["notes"]  # type: ignore[assignment]
    print("| file | ours income | ours expenditure | pdfplumber income | pdfplumber expenditure | pdfplumber found | |")
    print("|---|---:|---:|---:|---:|---|---|")
    identical = compared = 0
    for path in pdfs:
        name = path.name
        mine, theirs = ours_totals.get(name), ref_totals.get(name)
        if mine or theirs:
            compared += 1
            same = _same(mine, theirs)
            identical += same
            verdict = "identical" if same else ("pdfplumber: no table found" if not theirs else "DIFFERENT")
        else:
            verdict = "no 收支总表 in either (narrative)"
        cells = (
            name,
            _amount(mine, "income"),
            _amount(mine, "expenditure"),
            _amount(theirs, "income"),
            _amount(theirs, "expenditure"),
            notes.get(name, ""),
            verdict,
        )
        print("| " + " | ".join(cells) + " |")
    return identical, compared


def _parent(args: argparse.Namespace) -> None:
    corpus = args.corpus.resolve()
    pdfs = _pdfs(corpus)
    others = sorted(p.name for p in corpus.iterdir() if p.is_file() and p.suffix.lower() != ".pdf")
    cores = os.cpu_count() or 1
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores

    print("# bench-ingest\n")
    print(f"command: {shlex.join(sys.orig_argv)}")
    print(f"corpus: {corpus} — {len(pdfs)} PDFs" + (f" (skipped, not PDF: {', '.join(others)})" if others else ""))
    print(f"machine: {platform.machine()}, {cores} cores (os.cpu_count), {usable} usable by this process")
    print(
        f"Python {platform.python_version()}; budget-disclosure-analytics {_version('budget-disclosure-analytics')}, "
        f"pypdfium2 {_version('pypdfium2')}, polars {_version('polars')}, pdfplumber {_version('pdfplumber')}, "
        f"pdfminer.six {_version('pdfminer.six')}"
    )

    contenders = [SERIAL, WATCHED, PARALLEL, *([] if args.skip_pdfplumber else [PLUMBER]), PDFIUM]
    plumber_rounds = min(args.repeat, PLUMBER_MAX_REPEAT)
    runs: dict[str, list[dict[str, object]]] = {c: [] for c in contenders}
    print(
        f"\nrounds: {args.repeat} (pdfplumber: {0 if args.skip_pdfplumber else plumber_rounds}), "
        "each contender in a fresh process per round, best round reported"
    )
    for round_ in range(args.repeat):
        for contender in contenders:
            if contender == PLUMBER and round_ >= plumber_rounds:
                continue
            result = _measure(contender, corpus, verify=contender == PLUMBER and round_ == 0)
            runs[contender].append(result)
            print(
                f"  round {round_ + 1} {contender:<15} {result['seconds']:7.2f} s  "
                f"{result['peak_rss_mib']:7.1f} MiB  (imports {result['import_seconds']:.2f} s, not timed)",
                flush=True,
            )

    best = {c: min(r, key=lambda result: result["seconds"]) for c, r in runs.items()}
    peak = {c: max(result["peak_rss_mib"] for result in r) for c, r in runs.items()}
    rate = {c: best[c]["pages"] / best[c]["seconds"] for c in contenders}
    labels = {
        SERIAL: "ours, serial in this process (`read_batch(pdfs, watched=False)`)",
        WATCHED: "ours, one watched worker (`read_batch(pdfs, workers=1)`)",
        PARALLEL: f"ours, parallel (`read_batch(pdfs)`, {best[PARALLEL]['workers']} workers)",
        PLUMBER: "pdfplumber `extract_tables()`, every page",
        PDFIUM: "pypdfium2 plain text, every page (floor)",
    }

    print("\n| contender | files | pages | seconds | pages/s | peak RSS MiB | vs pdfplumber |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for contender in contenders:
        result = best[contender]
        ratio = f"{rate[contender] / rate[PLUMBER]:.1f}×" if PLUMBER in rate else "—"
        print(
            f"| {labels[contender]} | {result['files']} | {result['pages']} | {result['seconds']:.2f} | "
            f"{rate[contender]:.0f} | {peak[contender]:.0f} | {ratio} |"
        )
    print(
        f"\nseconds: best of {args.repeat} rounds ({plumber_rounds} for pdfplumber), wall clock around the work only; "
        "the parallel time includes starting its worker processes. Peak RSS: the highest of the rounds; for the "
        "parallel run it is the parent plus its largest worker (the kernel reports no sum), so with "
        f"{best[PARALLEL]['workers']} workers alive at once the true total can reach parent + "
        f"{best[PARALLEL]['workers']} × worker."
    )

    for contender in (SERIAL, WATCHED, PARALLEL):
        for result in runs[contender]:
            for error in result["errors"]:
                print(f"{contender} error: {error}")
    if any(result["totals"] != runs[SERIAL][0]["totals"] for c in (SERIAL, WATCHED, PARALLEL) for result in runs[c]):
        print("\nWARNING: ours found different 收支总表 totals in different runs (serial, watched, parallel)")

    if PLUMBER not in runs:
        print("\ntotals identical: not checked (--skip-pdfplumber)")
        print(f"target ≥ {TARGET}× pdfplumber: not measured (--skip-pdfplumber)")
        return
    print("\n## 收支总表 grand totals, yuan (ours: lines rows total/total; pdfplumber: 总计/合计 cells)\n")
    identical, compared = _compare(pdfs, runs[SERIAL][0], runs[PLUMBER][0])
    print(f"\ntotals identical: {identical} of {compared} files")
    for contender in (PARALLEL, WATCHED, SERIAL):
        ratio = rate[contender] / rate[PLUMBER]
        met = ratio >= TARGET and identical == compared
        verdict = "MET" if met else "NOT MET"
        print(
            f"target ≥ {TARGET}× pdfplumber pages/s with identical totals, {contender}: {verdict} "
            f"({ratio:.1f}×, totals {identical}/{compared})"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "datasets" / "raw", help="default: datasets/raw")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the best counts (pdfplumber: at most 2)")
    parser.add_argument("--skip-pdfplumber", action="store_true", help="measure ours only")
    parser.add_argument("--child", choices=(SERIAL, WATCHED, PARALLEL, PLUMBER, PDFIUM), help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--verify", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.child:
        _child(args.child, args.corpus, args.out, args.verify)
    else:
        _parent(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
