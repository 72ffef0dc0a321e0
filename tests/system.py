"""What the tests need from the system beyond Python, and the skip for a machine without it (issue 15: a machine
without Pango or a CJK font failed 11 tests). ``make test`` installs these where it can (scripts/system_packages.sh);
elsewhere the tests that need them skip, naming what to install."""

from __future__ import annotations

import functools

import pytest

from analytics import charts


@functools.cache
def pdf_printing_missing() -> str | None:
    """Why briefs cannot be printed to PDF here (the Debian packages to install), or ``None`` when they can."""
    try:
        import weasyprint  # noqa: F401 - importing it loads Pango
    except (ImportError, OSError):
        return "printing a brief needs Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
    if not charts.cjk_font_directories():
        return "printing a Chinese brief needs a CJK font: apt-get install fonts-noto-cjk fontconfig"
    return None


#: Marks a test that prints a brief to PDF: skipped, with the packages to install, where that cannot be done.
needs_pdf_printing = pytest.mark.skipif(pdf_printing_missing() is not None, reason=str(pdf_printing_missing()))
