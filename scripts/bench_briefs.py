"""Benchmark: printing every department's brief to PDF, WeasyPrint (ours) against headless Chromium.

Usage: python scripts/bench_briefs.py [--repeat N] [--dataset DIR]

Builds every department's brief of the default dataset once and renders its HTML, then prints the same HTML pages
to PDF with WeasyPrint (what ``analytics brief`` uses) and, in the same run, with the obvious alternative: Debian's
headless Chromium driven by Playwright, one browser for all pages (``page.pdf``, A4, CSS page size). Reports the
best of ``--repeat`` rounds for each, the ratio, and the page counts (a brief is meant to fit on two pages; the two
engines paginate alike when the counts agree). Chromium is the one at ``/usr/bin/chromium``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pypdfium2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import best

from analytics.report.brief import build_brief, render_html
from analytics.store import open_dataset

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--no-first-run"]  # fmt: skip


def _pages(pdf: bytes) -> int:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds per contender (best is reported)")
    parser.add_argument("--dataset", type=Path, default=None, help="dataset directory (default: the shipped one)")
    args = parser.parse_args()
    ds = open_dataset(args.dataset)
    departments = ds.departments.get_column("department_id").unique().sort().to_list()
    pages_html = [render_html(build_brief(ds, d)) for d in departments]
    print(f"{len(pages_html)} briefs (HTML rendered once, charts included)")

    import weasyprint

    ours: list[bytes] = []

    def weasy() -> None:
        ours[:] = [weasyprint.HTML(string=html).write_pdf() for html in pages_html]

    ours_s = best(args.repeat, weasy)

    from playwright.sync_api import sync_playwright

    theirs: list[bytes] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page = browser.new_page()

        def chromium() -> None:
            printed = []
            for html in pages_html:
                page.set_content(html, wait_until="load")
                printed.append(page.pdf(prefer_css_page_size=True, print_background=True))
            theirs[:] = printed

        theirs_s = best(args.repeat, chromium)
        browser.close()

    ours_pages = [_pages(pdf) for pdf in ours]
    theirs_pages = [_pages(pdf) for pdf in theirs]
    print(f"{'contender':<34}{'seconds':>9}{'per brief':>11}{'pages':>8}{'max':>5}")
    for name, seconds, pages in (
        ("WeasyPrint (ours)", ours_s, ours_pages),
        ("Chromium page.pdf (one browser)", theirs_s, theirs_pages),
    ):
        print(f"{name:<34}{seconds:>9.2f}{seconds / len(pages_html):>11.3f}{sum(pages):>8}{max(pages):>5}")
    same = sum(a == b for a, b in zip(ours_pages, theirs_pages, strict=True))
    print(f"Chromium / WeasyPrint time: {theirs_s / ours_s:.2f}×; same page count on {same} of {len(pages_html)}")


if __name__ == "__main__":
    main()
