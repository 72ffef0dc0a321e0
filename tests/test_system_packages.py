"""``make test`` on a machine it cannot install on (issue 15): one line names what to install, and the tests that
need a missing package skip saying so instead of failing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_without_root_the_set_up_names_what_to_install_in_one_line(tmp_path: Path) -> None:
    stubs = tmp_path / "bin"
    stubs.mkdir()
    # Not root, and fontconfig knows no Chinese font: the script must not try apt-get, and must say what is missing.
    (stubs / "id").write_text("#!/bin/sh\necho 1000\n")
    (stubs / "fc-list").write_text("#!/bin/sh\nexit 0\n")
    (stubs / "apt-get").write_text("#!/bin/sh\necho apt-get was run >&2\nexit 1\n")
    for stub in stubs.iterdir():
        stub.chmod(0o755)
    run = subprocess.run(
        ["bash", str(ROOT / "scripts" / "system_packages.sh")],
        env={**os.environ, "PATH": f"{stubs}:{os.environ['PATH']}"},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert run.returncode == 0
    assert run.stderr == ""
    lines = run.stdout.splitlines()
    assert len(lines) == 1, run.stdout
    assert lines[0].startswith("missing system packages: ")
    assert "fonts-noto-cjk" in lines[0] and "apt-get install" in lines[0]


def test_brief_printing_names_pango_when_weasyprint_cannot_load() -> None:
    # WeasyPrint without Pango fails on import; the skip reason then names the Debian packages.
    script = (
        "import sys; sys.modules['weasyprint'] = None; from tests.system import pdf_printing_missing; "
        "print(pdf_printing_missing())"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         check=True)  # fmt: skip
    assert run.stdout.strip() == (
        "printing a brief needs Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
    )


def test_the_brief_printing_tests_are_marked() -> None:
    source = (ROOT / "tests" / "test_report_brief.py").read_text(encoding="utf-8")
    printing = [block for block in source.split("\n\n\n") if "render_pdf(" in block or '"--format", "pdf"' in block]
    assert printing and all("@needs_pdf_printing" in block for block in printing if "def test_" in block)
