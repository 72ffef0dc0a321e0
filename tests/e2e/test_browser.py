"""End to end, in a real browser: headless Chromium (Debian's) driven by Playwright against ``streamlit run``.

Opens every page, picks a department, uploads a document, marks a flag, reloads and sees the mark kept; draws every
chart; starts the working dataset by an upload and removes the document again (the shipped dataset byte for byte as
it was); opens views from their links and sees the address follow the widgets; shows a finding's and a key figure's
published page or lines; drills 类 → 款 → 项 and searches; signs a team in with roles. Screenshots of every step are
saved under ``build/e2e/`` (kept by CI as artifacts). The app runs on private copies of the dataset and the triage
database, or on a private data directory. Figures asserted are read from the documents (``pdftotext -layout`` of
the PDF, or the text file's line), each with where it was read in a comment.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from analytics.store import DEFAULT_DATASET
from analytics.triage import open_triage
from tests.synthetic import SyntheticDisclosure

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "build" / "e2e"
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--no-first-run"]  # fmt: skip

playwright_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def _serve(env: dict[str, str], log_name: str) -> Iterator[str]:
    """``streamlit run app.py`` with ``env`` on a free port until the block ends; yields its URL."""
    port = _free_port()
    # No file watcher (screenshots written under the project would flood it), and the server's log goes to a file:
    # a pipe nobody reads fills up and blocks the server's logging, which hangs it.
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
               "--server.port", str(port), "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none"]  # fmt: skip
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = (ARTIFACTS / log_name).open("w", encoding="utf-8")
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    break
        except OSError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            log.close()
            pytest.fail(f"streamlit did not come up: {(ARTIFACTS / log_name).read_text()[-2000:]}")
        time.sleep(0.5)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _require_chromium() -> None:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium chromium-driver)")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    _require_chromium()
    folder = tmp_path_factory.mktemp("e2e")
    dataset = folder / "ds"
    # The shipped dataset, not a working dataset the machine may have: the tests read its figures.
    shutil.copytree(DEFAULT_DATASET, dataset)
    triage = folder / "triage.sqlite"
    env = {**os.environ, "ANALYTICS_DATASET": str(dataset), "ANALYTICS_TRIAGE": str(triage),
           "XDG_DATA_HOME": str(folder / "data")}  # fmt: skip
    env.pop("ANALYTICS_USERS", None)  # one local user: no sign-in
    with _serve(env, "server.log") as url:
        yield {"url": url, "dataset": dataset, "triage": triage, "folder": folder}


#: The team's users (name → display name, role, password) of the server with sign-in.
TEAM = {"zhang": ("张审计", "auditor", "zhang-secret-1"), "li": ("李查看", "viewer", "li-secret-2")}


@pytest.fixture(scope="module")
def team_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """The app served to a team: a users file, sign-in, and no dataset or triage database named, so that both are
    the defaults of the user's data directory (a private ``XDG_DATA_HOME``): the working dataset starts as a copy
    of the shipped one on the first upload, and triage goes to SQLite there."""
    _require_chromium()
    folder = tmp_path_factory.mktemp("e2e-team")
    users = folder / "users.toml"
    env = {**os.environ, "XDG_DATA_HOME": str(folder / "data"), "ANALYTICS_USERS": str(users)}
    for variable in ("ANALYTICS_DATASET", "ANALYTICS_TRIAGE"):
        env.pop(variable, None)
    for name, (display_name, role, password) in TEAM.items():
        subprocess.run(
            [sys.executable, "-m", "analytics.cli", "user", name, "--role", role, "--display-name", display_name,
             "--users", str(users), "--password-stdin"],
            input=f"{password}\n", text=True, cwd=ROOT, env=env, check=True, capture_output=True,
        )  # fmt: skip
    data = folder / "data" / "budget-analytics"
    with _serve(env, "server-team.log") as url:
        yield {"url": url, "folder": folder, "working": data / "dataset", "triage": data / "triage.sqlite"}


@pytest.fixture(scope="module")
def workspace_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """The app as one person runs it: no dataset and no triage database named, a private ``XDG_DATA_HOME``. It reads
    the shipped dataset until the first upload starts the working dataset (a copy) in the data directory."""
    _require_chromium()
    folder = tmp_path_factory.mktemp("e2e-workspace")
    env = {**os.environ, "XDG_DATA_HOME": str(folder / "data")}
    for variable in ("ANALYTICS_DATASET", "ANALYTICS_TRIAGE", "ANALYTICS_USERS"):
        env.pop(variable, None)
    data = folder / "data" / "budget-analytics"
    with _serve(env, "server-workspace.log") as url:
        yield {"url": url, "folder": folder, "working": data / "dataset", "triage": data / "triage.sqlite"}


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    _require_chromium()
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    try:
        yield tab
    finally:
        context.close()


def _open(page: object, server: dict[str, object], path: str, title: str) -> None:
    page.goto(f"{server['url']}/{path}")  # type: ignore[attr-defined]
    page.get_by_role("heading", name=title).first.wait_for()  # type: ignore[attr-defined]
    _settle(page)


def _settle(page: object) -> None:
    """Wait until the app has finished running: no 'running' indicator twice in a row (a busy machine may start
    the next run late)."""
    status = page.locator('[data-testid="stStatusWidget"]')  # type: ignore[attr-defined]
    for _ in range(2):
        page.wait_for_timeout(700)  # type: ignore[attr-defined]
        status.wait_for(state="hidden")


def _until(check: object, timeout: float = 30.0) -> bool:
    """Poll ``check()`` until it is true or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.25)
    return False


def _shot(page: object, name: str) -> None:
    """A screenshot of the whole page. Streamlit scrolls its main block, not the document, so a full-page
    screenshot alone shows the first screen only: the window is made as tall as the page for the moment."""
    size = page.viewport_size  # type: ignore[attr-defined]
    height = page.evaluate(  # type: ignore[attr-defined]
        "() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight ?? 0"
    )
    tall = height > size["height"]
    if tall:
        page.set_viewport_size({"width": size["width"], "height": min(height, 16_000)})  # type: ignore[attr-defined]
        page.wait_for_timeout(500)  # type: ignore[attr-defined]
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]
    if tall:
        page.set_viewport_size(size)  # type: ignore[attr-defined]
        page.wait_for_timeout(300)  # type: ignore[attr-defined]


def _table(page: object, header: str) -> object:
    """The data frame with a column named ``header``."""
    frames = page.locator('[data-testid="stDataFrame"]')  # type: ignore[attr-defined]
    return frames.filter(has=page.locator("th", has_text=header)).first  # type: ignore[attr-defined]


def _rows(frame: object) -> list[list[str]]:
    """The cells of a data frame as text, row by row (its grid is a canvas; this reads the table it keeps for
    screen readers)."""
    frame.locator("tbody tr").first.wait_for(state="attached")  # type: ignore[attr-defined]
    return frame.locator("tbody tr").evaluate_all(  # type: ignore[attr-defined]
        "rows => rows.map(row => [...row.cells].map(cell => cell.textContent.trim()))"
    )


def _header(frame: object) -> list[str]:
    # The grid fills its screen-reader table after it is drawn: wait for it rather than read an empty one.
    frame.locator("thead th").first.wait_for(state="attached")  # type: ignore[attr-defined]
    return frame.locator("thead th").all_text_contents()  # type: ignore[attr-defined]


def _no_error(page: object) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0  # type: ignore[attr-defined]
    assert page.get_by_text("Page not found").count() == 0  # type: ignore[attr-defined]


def _choose(page: object, widget: object, option: str | re.Pattern[str]) -> None:
    """Pick ``option`` in a select box or multiselect and wait for the run it starts."""
    widget.click()  # type: ignore[attr-defined]
    page.get_by_role("option", name=option).first.click()  # type: ignore[attr-defined]
    page.keyboard.press("Escape")  # type: ignore[attr-defined]  # a multiselect stays open
    _settle(page)


def _tags(page: object, key: str) -> list[str]:
    """The options chosen in the multiselect of widget key ``key``."""
    return page.locator(f".st-key-{key} [data-tag] > span[title]").all_inner_texts()  # type: ignore[attr-defined]


def _sha256(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_every_page_opens(page: object, server: dict[str, object]) -> None:
    pages = {"overview": "部门与收支总览", "department": "部门画像", "compare": "对比", "flags": "疑点",
             "data": "数据", "brief": "简报"}  # fmt: skip
    for path, title in pages.items():
        _open(page, server, path, title)
        assert page.locator('[data-testid="stException"]').count() == 0  # type: ignore[attr-defined]
        _shot(page, f"page-{path}")


def test_pick_a_department(page: object, server: dict[str, object]) -> None:
    _open(page, server, "department", "部门画像")
    page.locator('[data-testid="stSelectbox"]').first.click()  # type: ignore[attr-defined]
    page.get_by_role("option", name="江苏省委办公厅").click()  # type: ignore[attr-defined]
    _settle(page)
    page.get_by_text("江苏省委办公厅").first.wait_for()  # type: ignore[attr-defined]
    assert page.locator('[data-testid="stException"]').count() == 0  # type: ignore[attr-defined]
    _shot(page, "department-picked")


def test_upload_a_document(page: object, server: dict[str, object]) -> None:
    shipped = _sha256(DEFAULT_DATASET)
    folder = Path(server["folder"])  # type: ignore[arg-type]
    upload = folder / "gulou_archives_2026.txt"
    upload.write_text(SyntheticDisclosure(region="南京市鼓楼区", short_name="鼓楼区档案馆").text(), encoding="utf-8")
    _open(page, server, "data", "数据")
    page.locator('input[type="file"]').set_input_files(str(upload))  # type: ignore[attr-defined]
    button = page.get_by_role("button", name="导入")  # type: ignore[attr-defined]
    deadline = time.monotonic() + 60
    while not button.is_enabled() and time.monotonic() < deadline:  # enabled once the upload is done
        page.wait_for_timeout(250)  # type: ignore[attr-defined]
    _shot(page, "data-selected")
    button.click()
    page.get_by_text("已导入 1 个文件").wait_for()  # type: ignore[attr-defined]
    _settle(page)
    _shot(page, "data-uploaded")
    from analytics import open_dataset

    names = open_dataset(server["dataset"]).documents.get_column("department").to_list()  # type: ignore[arg-type]
    assert "南京市鼓楼区档案馆" in names
    assert _sha256(DEFAULT_DATASET) == shipped  # ANALYTICS_DATASET names the copy: the shipped one is not written


def test_mark_a_flag_and_see_it_kept_after_a_reload(page: object, server: dict[str, object]) -> None:
    _open(page, server, "flags", "疑点")
    form = page.locator(".st-key-triage_box")  # type: ignore[attr-defined]
    form.wait_for()
    page.wait_for_timeout(1500)  # type: ignore[attr-defined]  # the first runs may still redraw the form
    # No sign-in on one's own machine: a decision carries the machine's user name (no field to type another in).
    note, author = "合计尾差，四舍五入所致", getpass.getuser()
    assert form.get_by_label("核实人").count() == 0
    assert form.get_by_text(f"核实人：{author}").is_visible()

    def filled() -> bool:
        return form.get_by_role("radio", name="误报").is_checked() and form.get_by_label("说明").input_value() == note

    for _ in range(3):  # a rerun still under way may redraw the widgets: fill again until both hold
        if not form.get_by_role("radio", name="误报").is_checked():
            form.get_by_text("误报", exact=True).click()
            _settle(page)
        form.get_by_label("说明").fill(note)
        form.get_by_label("说明").press("Control+Enter")  # a text area commits on Ctrl+Enter or when left
        _settle(page)
        if filled():
            break
    assert filled()
    _shot(page, "flags-filled")
    form.get_by_role("button", name="保存结论").click()
    store = open_triage(server["triage"])  # type: ignore[arg-type]
    assert _until(lambda: not store.current().is_empty())
    page.get_by_text("已保存。").wait_for()  # type: ignore[attr-defined]
    _settle(page)
    _shot(page, "flags-marked")
    assert store.current().select("status", "note", "author").rows() == [("误报", note, author)], store.history()
    page.reload()  # type: ignore[attr-defined]
    page.get_by_role("heading", name="疑点").first.wait_for()  # type: ignore[attr-defined]
    _settle(page)
    form = page.locator(".st-key-triage_box")  # type: ignore[attr-defined]
    assert _until(lambda: form.get_by_label("说明").input_value() == note)
    assert form.get_by_role("radio", name="误报").is_checked()
    _shot(page, "flags-after-reload")


def test_brief_shows_and_downloads_as_pdf(page: object, server: dict[str, object]) -> None:
    _open(page, server, "brief", "简报")
    page.locator('[data-testid="stSelectbox"]').first.click()  # type: ignore[attr-defined]
    page.get_by_role("option", name="江苏省人民检察院").click()  # type: ignore[attr-defined]
    _settle(page)
    frame = page.frame_locator('iframe[title="st.iframe"], [data-testid="stIFrame"]').first  # type: ignore[attr-defined]
    frame.get_by_role("heading", name="江苏省人民检察院").wait_for()
    frame.get_by_text("建议质询问题").wait_for()
    _shot(page, "brief-shown")
    with page.expect_download(timeout=120_000) as download:  # type: ignore[attr-defined]
        page.get_by_role("button", name="下载 PDF（打印用）").click()  # type: ignore[attr-defined]
    saved = Path(server["folder"]) / "brief.pdf"  # type: ignore[arg-type]
    download.value.save_as(saved)
    assert download.value.suggested_filename == "2018_江苏省人民检察院.pdf"
    assert saved.read_bytes()[:5] == b"%PDF-"
    import pypdfium2

    document = pypdfium2.PdfDocument(saved)
    try:
        assert 1 <= len(document) <= 2
        assert "江苏省人民检察院" in document[0].get_textpage().get_text_range()
    finally:
        document.close()


def test_download_the_audit_workbook(page: object, server: dict[str, object]) -> None:
    _open(page, server, "data", "数据")
    with page.expect_download(timeout=120_000) as download:  # type: ignore[attr-defined]
        page.get_by_role("button", name="下载全部数据表").click()  # type: ignore[attr-defined]
    saved = Path(server["folder"]) / "workbook.xlsx"  # type: ignore[arg-type]
    download.value.save_as(saved)
    import openpyxl

    book = openpyxl.load_workbook(saved, read_only=True)
    try:
        assert book.sheetnames[0] == "说明" and "疑点" in book.sheetnames
    finally:
        book.close()


def test_a_view_opens_from_its_link(page: object, server: dict[str, object]) -> None:
    """A shared link opens its page (no “Page not found”) with its filters, language and department applied."""
    import polars as pl

    from analytics import open_dataset

    # A department whose id (the link's code) is not its name: 委员会 is 委 in the id.
    department_id, name, year = "上海市普陀区商务委", "上海市普陀区商务委员会", 2025
    flags = open_dataset(server["dataset"]).flags.filter(  # type: ignore[arg-type]
        (pl.col("department_id") == department_id) & (pl.col("fiscal_year") == year)
    )
    expected = [str(flags.filter(pl.col("severity") == severity).height) for severity in ("error", "warning", "info")]
    _open(page, server, f"flags?severity=warning,error&dept={department_id}&year={year}", "疑点")
    assert page.get_by_text("Page not found").count() == 0  # type: ignore[attr-defined]
    severities = page.locator(".st-key-flags_severity").inner_text()  # type: ignore[attr-defined]
    assert "警示" in severities and "错误" in severities and "提示" not in severities
    assert page.locator(".st-key-flags_department input").input_value() == name  # type: ignore[attr-defined]
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()  # type: ignore[attr-defined]
    assert values[:3] == [*expected[:2], "0"]  # no 提示 chosen: none counted
    link = page.locator('[data-testid="stSidebar"] [data-testid="stCode"]').inner_text()  # type: ignore[attr-defined]
    assert f"dept={department_id}" in link and "/flags?" in link
    _shot(page, "url-flags")

    _open(page, server, f"department?dept={department_id}&lang=en", "Department profile")
    assert page.get_by_text("Page not found").count() == 0  # type: ignore[attr-defined]
    assert page.locator(".st-key-department_pick input").input_value() == name  # type: ignore[attr-defined]
    _shot(page, "url-department")
    # The language goes along to another page, and stays after a reload.
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Findings").click()  # type: ignore[attr-defined]
    page.get_by_role("heading", name="Findings").first.wait_for()  # type: ignore[attr-defined]
    _settle(page)
    assert _until(lambda: "lang=en" in page.url)  # type: ignore[attr-defined]
    page.reload()  # type: ignore[attr-defined]
    page.get_by_role("heading", name="Findings").first.wait_for()  # type: ignore[attr-defined]
    _settle(page)
    _shot(page, "url-flags-english")


def test_budget_against_actual(page: object, server: dict[str, object]) -> None:
    """A department with a final account (决算) shows its 年初预算, 决算数 and 执行率 side by side."""
    _open(page, server, "department?dept=西南大学", "部门画像")
    _no_error(page)
    page.get_by_role("heading", name="决算：年初预算与决算数").wait_for()  # type: ignore[attr-defined]
    table = _table(page, "执行率（%）")
    assert _header(table)[:6] == ["年度", "指标", "年初预算（万元）", "决算数（万元）", "执行率（%）", "年初预算出处"]
    rows = {row[1]: row for row in _rows(table)}
    # Read from the pages: chongqing_swu_2023_dept_budget.pdf p. 7 prints 支出总计 557,259.13 (万元);
    # chongqing_swu_2023_dept_final.pdf p. 9 (表1 收入支出决算总表) prints 合计 569,496.54. 569,496.54 / 557,259.13.
    assert rows["支出合计"][:6] == ["2023", "支出合计", "557,259.13", "569,496.54", "102.2",
                                   "chongqing_swu_2023_dept_budget.pdf"]  # fmt: skip
    assert all("None" not in cell for row in rows.values() for cell in row)
    table.scroll_into_view_if_needed()  # type: ignore[attr-defined]
    _shot(page, "department-final-accounts")


def _charts(page: object, name: str, expected: int) -> None:
    """Screenshot each chart of the page as ``chart_<name>_<n>.png`` and check that it is drawn: a sensible size
    and more than the background in it."""
    from PIL import Image

    charts = page.locator('[data-testid="stVegaLiteChart"]')  # type: ignore[attr-defined]
    assert _until(lambda: charts.count() == expected), f"{name}: {charts.count()} charts, expected {expected}"
    for number in range(1, expected + 1):
        chart = charts.nth(number - 1)
        chart.scroll_into_view_if_needed()
        chart.locator("svg.marks, canvas.marks").first.wait_for()
        page.wait_for_timeout(300)  # type: ignore[attr-defined]  # the marks' transitions
        path = ARTIFACTS / f"chart_{name}_{number}.png"
        chart.screenshot(path=str(path))
        image = Image.open(path).convert("RGB")
        width, height = image.size
        assert width >= 300 and height >= 150, f"{path.name}: {image.size}"
        colours = image.getcolors(maxcolors=width * height)
        background = max(colours)[0] / (width * height)
        assert len(colours) > 8 and background < 0.97, f"{path.name}: blank ({len(colours)} colours)"


def test_every_chart_is_drawn(page: object, server: dict[str, object]) -> None:
    _open(page, server, "overview", "部门与收支总览")
    _charts(page, "overview", 1)
    # The default department has the longest series: a trend and a structure.
    _open(page, server, "department", "部门画像")
    _charts(page, "department", 2)
    # Several departments with the same two years: small multiples, the two years' slope, the peers' strip and
    # the findings' heat map.
    jiangsu = ["江苏省人民检察院", "江苏省高级人民法院", "江苏省委办公厅", "江苏省政协办公厅"]
    _open(page, server, f"compare?dept={','.join(jiangsu)}&years=2017,2018", "对比")
    assert _tags(page, "compare_departments") == jiangsu
    _charts(page, "compare", 4)
    _shot(page, "compare-charts")


def _flag_id(dataset: Path, rule_id: str, doc_name: str, line: int) -> str:
    """The id of the flag of rule ``rule_id`` whose first evidence item is line ``line`` of file ``doc_name`` (ids
    are hashes: looked up, never typed in)."""
    import polars as pl

    from analytics import open_dataset

    ds = open_dataset(dataset)
    doc_id = ds.documents.filter(pl.col("source_name") == doc_name).item(0, "doc_id")
    first = pl.col("evidence").list.first().struct
    found = ds.flags.filter(
        (pl.col("rule_id") == rule_id) & (first.field("doc_id") == doc_id) & (first.field("line") == line)
    )
    assert found.height >= 1, f"no {rule_id} flag citing {doc_name} line {line}"
    return str(found.item(0, "flag_id"))


def _highlighted_pixels(png: bytes) -> tuple[int, int]:
    """How many pixels of a page image are in the highlight's fill (its translucent yellow over white paper) and
    in its orange outline."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = dict((colour, count) for count, colour in image.getcolors(maxcolors=image.width * image.height))
    fill = sum(n for (r, g, b), n in colours.items() if r >= 250 and 232 <= g <= 248 and 150 <= b <= 180)
    outline = sum(n for (r, g, b), n in colours.items() if 220 <= r <= 240 and 70 <= g <= 92 and b <= 12)
    return fill, outline


def test_evidence_shows_the_published_page_or_line(page: object, server: dict[str, object]) -> None:
    """A finding's evidence: a PDF's page as an image with the cited line boxed; a text document's lines with the
    cited one marked."""
    dataset = Path(server["dataset"])  # type: ignore[arg-type]
    # A PDF: js_procuratorate_2018_dept_budget.pdf, `pdftotext -layout -f 26 -l 26`: the 14th line of page 26 reads
    # "2．一般行政管理事务（项）支出 3,666 万元，与上年" (增加 21.8 万元, 增长 0.06 %: 21.8 / 3,644.2 is 0.60 %).
    pdf = "js_procuratorate_2018_dept_budget.pdf"
    flag = _flag_id(dataset, "narrative.change_pct", pdf, 14)
    _open(page, server, f"flags?dept=江苏省人民检察院&flag={flag}", "疑点")
    _no_error(page)
    box = page.locator(".st-key-flags_source_box")  # type: ignore[attr-defined]
    image = box.locator('[data-testid="stImage"] img').first
    image.wait_for()
    assert box.get_by_text(f"{pdf} · 第26页 · 第14行").count() == 1
    assert box.locator('[data-testid="stDataFrame"]').count() == 0  # the page, not the text lines
    source = image.get_attribute("src")
    png = page.request.get(source if source.startswith("http") else f"{server['url']}{source}").body()  # type: ignore[attr-defined]
    fill, outline = _highlighted_pixels(png)
    assert fill > 2_000 and outline > 500, (fill, outline)
    box.scroll_into_view_if_needed()
    _shot(page, "evidence-pdf")

    # A text document: hanyang_bigdata_2023_dept_budget.txt, line 131 of the file (`sed -n 131p`) reads
    # "合 计 1370.19 100% 1652.62 2330.28", line 129 "单位资金 5 0.36% 5 10" (the lines between are blank).
    text = "hanyang_bigdata_2023_dept_budget.txt"
    flag = _flag_id(dataset, "anomaly.profile_lof", text, 131)
    _open(page, server, f"flags?dept=武汉市汉阳区大数据中心&flag={flag}", "疑点")
    _no_error(page)
    box = page.locator(".st-key-flags_source_box")  # type: ignore[attr-defined]
    box.get_by_text(f"{text} · 第131行").wait_for()
    assert box.locator('[data-testid="stImage"]').count() == 0
    lines = box.locator('[data-testid="stDataFrame"]').first
    assert _header(lines)[-3:] == ["所引", "行号", "原文"]
    rows = {row[-2]: row[-3:] for row in _rows(lines)}
    assert rows["131"] == ["▶", "131", "合 计 1370.19 100% 1652.62 2330.28"]
    assert rows["129"] == ["", "129", "单位资金 5 0.36% 5 10"]
    assert [number for number, row in rows.items() if row[0] == "▶"] == ["131"]
    box.scroll_into_view_if_needed()
    _shot(page, "evidence-text")

    # A key figure of 部门画像 on its page: the same file's 收入 合计 of 2021 is 2330.28 万元, the last column
    # (“2021年”) of line 131.
    _open(page, server, "department?dept=武汉市汉阳区大数据中心", "部门画像")
    page.get_by_text("关键数字的原文页面").click()  # type: ignore[attr-defined]
    _settle(page)
    figure = page.locator('[data-testid="stExpander"]').filter(has_text="关键数字的原文页面")  # type: ignore[attr-defined]
    choices = [field.input_value() for field in figure.locator("input").all()]
    assert choices[0] == "收入合计 · 2021 · 2,330.28 万元", choices
    assert choices[1].startswith(f"{text} · 部门整体支出绩效目标申报表（总体资金情况） · 第131行 · "), choices
    figure.get_by_text(f"{text} · 第131行").wait_for()
    rows = {row[-2]: row[-3:] for row in _rows(figure.locator('[data-testid="stDataFrame"]').first)}
    assert rows["131"] == ["▶", "131", "合 计 1370.19 100% 1652.62 2330.28"]
    figure.scroll_into_view_if_needed()
    _shot(page, "evidence-figure")


def _figure(cell: str) -> str:
    """An amount in 万元 as ``12345.60``, whether drawn as printed (“12,345.60”) or kept as a number (“12345.6”)."""
    from decimal import Decimal

    return f"{Decimal(cell.replace(',', '')):.2f}" if re.fullmatch(r"-?[\d,]+(\.\d+)?", cell) else cell


def _drill_rows(page: object) -> dict[str, list[str]]:
    """The drill-down's table now on screen: code → (name, this year, year before, change, rate), amounts read by
    ``_figure`` (the grid draws 本年 as 3,666.00; the text it keeps for screen readers of a number column is 3666)."""
    table = _table(page, "科目编码")
    assert _header(table)[:6] == ["科目编码", "科目名称", "本年（万元）", "上年（万元）", "增减（万元）", "增减率"]
    return {row[0]: [row[1], *map(_figure, row[2:6])] for row in _rows(table)}


def _plain(rows: dict[str, list[str]]) -> dict[str, list[str]]:
    """Rows of figures as printed (“16,444.36”) read by ``_figure``, as ``_drill_rows`` reads the screen."""
    return {code: [row[0], *map(_figure, row[1:])] for code, row in rows.items()}


def _crumbs(page: object) -> list[str]:
    return page.locator(".st-key-explore_breadcrumb button").all_inner_texts()  # type: ignore[attr-defined]


def test_drill_down_and_search(page: object, server: dict[str, object]) -> None:
    """钻取与搜索: 类 → 款 → 项 of one department-year with the change on the year before, back up by the breadcrumb;
    a search finds table lines, statements, findings and projects."""
    # js_procuratorate_2018_dept_budget.pdf p. 17 (公开 07 表 一般公共预算支出预算表) against
    # js_procuratorate_2017_dept_budget.pdf p. 14 (八、一般公共预算支出预算表), `pdftotext -layout`, 万元:
    # 204 公共安全支出 16,444.36 / 13,641.34, 208 社会保障和就业支出 1,836.22 / 2,021.18, 221 住房保障支出 (2018 p. 18)
    # 3,660.38 / 2,319.16; 20404 检察 16,444.36 / 13,641.34; 2040401 行政运行 10,883.36 / 7,968.14 (its p. 26 prints
    # 增加 2,915.22 万元, 36.58 %), 2040402 一般行政管理事务 3,666.00 / 3,644.20 (增加 21.8 万元).
    classes = {
        "204": ["公共安全支出", "16,444.36", "13,641.34", "2,803.02", "20.5%"],
        "208": ["社会保障和就业支出", "1,836.22", "2,021.18", "-184.96", "-9.2%"],
        "221": ["住房保障支出", "3,660.38", "2,319.16", "1,341.22", "57.8%"],
    }
    sections = {"20404": ["检察", "16,444.36", "13,641.34", "2,803.02", "20.5%"]}
    items = {
        "2040401": ["行政运行", "10,883.36", "7,968.14", "2,915.22", "36.6%"],
        "2040402": ["一般行政管理事务", "3,666.00", "3,644.20", "21.80", "0.6%"],
    }
    _open(page, server, "explore?dept=江苏省人民检察院&year=2018", "钻取与搜索")
    _no_error(page)
    assert page.locator(".st-key-explore_department input").input_value() == "江苏省人民检察院"  # type: ignore[attr-defined]
    drill = page.get_by_role("tabpanel").first  # type: ignore[attr-defined]

    def open_line(label: str) -> None:
        _choose(page, drill.locator('[data-testid="stSelectbox"]').filter(has_text="查看下级科目").last, label)

    _shot(page, "explore-classes")
    rows = _drill_rows(page)
    assert rows == _plain(classes)
    assert _crumbs(page) == ["全部类"]
    open_line("204 公共安全支出")
    assert _until(lambda: _crumbs(page) == ["全部类", "204 公共安全支出"])
    assert _drill_rows(page) == _plain(sections)
    open_line("20404 检察")
    assert _until(lambda: _crumbs(page) == ["全部类", "204 公共安全支出", "20404 检察"])
    rows = _drill_rows(page)
    assert {code: rows[code] for code in items} == _plain(items)
    # 2040405 is 公诉、审判、侦查、执行等检察监督支出 in 2018, 公诉和审判监督 in 2017: not compared.
    assert rows["2040405"][:2] == ["公诉、审判、侦查、执行等检察监督支出", "1895.00"]  # printed 1895.00
    assert rows["2040405"][2:] == ["—", "—", "—"]
    _shot(page, "explore-items")
    page.locator(".st-key-explore_breadcrumb").get_by_role("button", name="204 公共安全支出").click()  # type: ignore[attr-defined]
    _settle(page)
    assert _until(lambda: _crumbs(page) == ["全部类", "204 公共安全支出"])
    assert _drill_rows(page) == _plain(sections)
    page.locator(".st-key-explore_breadcrumb").get_by_role("button", name="全部类").click()  # type: ignore[attr-defined]
    _settle(page)
    assert _until(lambda: _crumbs(page) == ["全部类"])
    assert _drill_rows(page) == _plain(classes)

    # Search: the p. 17 line 2040402 一般行政管理事务 3,666.00, the p. 26 sentence about it and the finding on it.
    # The results are wider than the page at 1400 px: the grid keeps only the columns in view, file, page and
    # line last. A wider window shows them all.
    page.set_viewport_size({"width": 2400, "height": 1000})  # type: ignore[attr-defined]
    page.get_by_role("tab", name="搜索").click()  # type: ignore[attr-defined]
    query = page.locator(".st-key-explore_query input")  # type: ignore[attr-defined]
    query.fill("一般行政管理事务 江苏省人民检察院 2018")
    query.press("Enter")
    _settle(page)
    _shot(page, "explore-search")
    found = _table(page, "摘录")
    header = _header(found)
    assert header == ["类型", "部门", "范围", "年度", "口径", "摘录", "金额（万元）", "文件", "页码", "行号"], header
    hits = _rows(found)
    kinds = [row[0] for row in hits]
    assert set(kinds) == {"表格行", "文字说明", "疑点"}, hits
    # A long file name is shortened around "…" (its start, and its year, phase and extension), in full below.
    assert ["表格行", "江苏省人民检察院", "部门", "2018", "预算", "2040402 一般行政管理事务", "3,666.00",
            "js_pr…2018_dept_budget.pdf", "17", "23"] in hits  # fmt: skip
    finding = next(row for row in hits if row[0] == "疑点")
    assert "21.80" in finding[5] and finding[7:] == ["js_pr…2018_dept_budget.pdf", "26", "14"]
    assert page.get_by_text("js_procuratorate_2018_dept_budget.pdf").count() >= 1  # type: ignore[attr-defined]
    assert "q=" in page.url  # type: ignore[attr-defined]
    # A project: hanyang_bigdata_2023_dept_budget.txt line 219 reads "专项业务类项目 本级支出项目 1062.29 1062.29".
    query.fill("专项业务类项目")
    query.press("Enter")
    _settle(page)
    project = ["项目", "武汉市汉阳区大数据中心", "部门", "2023", "预算", "专项业务类项目", "1,062.29",
               "hanya…2023_dept_budget.txt", "—", "219"]  # fmt: skip
    assert _until(lambda: project in _rows(_table(page, "摘录")))
    _shot(page, "explore-search-project")


def _query(page: object) -> dict[str, list[str]]:
    """The query parameters of the page's address now."""
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(page.url).query)  # type: ignore[attr-defined]


def test_views_open_from_their_links_and_write_them(page: object, server: dict[str, object]) -> None:
    """A link to 总览 or 钻取与搜索 opens that page (no “Page not found”) with the link's department, year, phase,
    classification, language and query shown in the widgets; changing a widget changes the address."""
    # chongqing_swu_2023_dept_final.pdf p. 9 (表1 收入支出决算总表), `pdftotext -layout` line 18: "合计 569,496.54
    # 合计 569,496.54" (万元), income and expenditure.
    _open(page, server, "overview?dept=西南大学&phase=final&lang=en", "Departments and totals")
    _no_error(page)
    assert page.locator(".st-key-overview_department input").input_value() == "西南大学"  # type: ignore[attr-defined]
    assert page.locator(".st-key-overview_phase").get_by_role("radio", name="Final").is_checked()  # type: ignore[attr-defined]
    assert page.locator(".st-key-lang_en input").is_checked()  # type: ignore[attr-defined]
    totals = [[name, year, side, _figure(amount)] for name, year, side, amount, *_ in _rows(_table(page, "Side"))]
    assert totals == [["西南大学", "2023", side, "569496.54"] for side in ("Income", "Expenditure")], totals
    _shot(page, "url-overview")
    # Back to the phase the department opens on (its budget): the parameter goes; another department: its id.
    page.locator(".st-key-overview_phase").get_by_text("Budget", exact=True).click()  # type: ignore[attr-defined]
    _settle(page)
    assert _until(lambda: "phase" not in _query(page)), page.url  # type: ignore[attr-defined]
    _choose(page, page.locator(".st-key-overview_department"), "上海市普陀区商务委员会")  # type: ignore[attr-defined]
    assert _until(lambda: _query(page).get("dept") == ["上海市普陀区商务委"]), page.url  # type: ignore[attr-defined]
    assert _query(page).get("lang") == ["en"]
    _no_error(page)

    # The root address opens the overview with the link's choices.
    _open(page, server, "?dept=西南大学", "部门与收支总览")
    assert _until(lambda: "/overview" in page.url)  # type: ignore[attr-defined]
    assert page.locator(".st-key-overview_department input").input_value() == "西南大学"  # type: ignore[attr-defined]

    _open(page, server, "explore?dept=江苏省人民检察院&year=2017&class=economic&q=公务接待", "钻取与搜索")
    _no_error(page)
    assert page.locator(".st-key-explore_department input").input_value() == "江苏省人民检察院"  # type: ignore[attr-defined]
    year = page.locator('[class*="st-key-explore_year_"]')  # type: ignore[attr-defined]
    assert year.locator("input").input_value() == "2017"
    assert page.locator(".st-key-explore_classification").get_by_role("radio", name="支出经济分类").is_checked()  # type: ignore[attr-defined]
    page.get_by_role("tab", name="搜索").click()  # type: ignore[attr-defined]
    assert page.locator(".st-key-explore_query input").input_value() == "公务接待"  # type: ignore[attr-defined]
    _shot(page, "url-explore")
    page.get_by_role("tab", name="逐级查看").click()  # type: ignore[attr-defined]
    _choose(page, year, "2018")  # the latest year is the default: no parameter
    assert _until(lambda: "year" not in _query(page)), page.url  # type: ignore[attr-defined]
    page.locator(".st-key-explore_classification").get_by_text("支出功能分类", exact=True).click()  # type: ignore[attr-defined]
    _settle(page)
    assert _until(lambda: "class" not in _query(page)), page.url  # type: ignore[attr-defined]
    page.locator(".st-key-explore_phase").get_by_text("决算", exact=True).click()  # type: ignore[attr-defined]
    _settle(page)
    assert _until(lambda: _query(page).get("phase") == ["final"]), page.url  # type: ignore[attr-defined]
    page.get_by_role("tab", name="搜索").click()  # type: ignore[attr-defined]
    query = page.locator(".st-key-explore_query input")  # type: ignore[attr-defined]
    query.fill("行政运行")
    query.press("Enter")
    _settle(page)
    assert _until(lambda: _query(page).get("q") == ["行政运行"]), page.url  # type: ignore[attr-defined]
    assert _query(page).get("dept") == ["江苏省人民检察院"]
    link = page.locator('[data-testid="stSidebar"] [data-testid="stCode"]').inner_text()  # type: ignore[attr-defined]
    assert "/explore?" in link and "q=行政运行" in link and "dept=江苏省人民检察院" in link, link
    _shot(page, "url-explore-changed")


def test_uploads_go_to_the_working_dataset_and_can_be_removed(
    page: object, workspace_server: dict[str, object]
) -> None:
    """数据: an upload starts the working dataset as a copy of the shipped one and goes there; the shipped dataset is
    byte for byte as it was. Removing the document takes it out again; a decision on one of its findings is kept."""
    import polars as pl

    from analytics import open_dataset

    server, working = workspace_server, Path(workspace_server["working"])  # type: ignore[arg-type]
    shipped = _sha256(DEFAULT_DATASET)
    documents = open_dataset(DEFAULT_DATASET).documents.height
    upload = Path(server["folder"]) / "xuanwu_archives_2024.txt"  # type: ignore[arg-type]
    upload.write_text(SyntheticDisclosure(region="南京市玄武区", short_name="玄武区档案馆").text(), encoding="utf-8")
    _open(page, server, "data", "数据")
    _no_error(page)
    assert page.get_by_text(f"数据集位置：{DEFAULT_DATASET}（{documents} 份文件）").count() == 1  # type: ignore[attr-defined]
    assert not working.exists()
    page.locator('input[type="file"]').set_input_files(str(upload))  # type: ignore[attr-defined]
    button = page.get_by_role("button", name="导入")  # type: ignore[attr-defined]
    assert _until(button.is_enabled, 60)  # enabled once the upload is done
    button.click()
    page.get_by_text(f"已导入 1 个文件；数据集现有 {documents + 1} 份文件。").wait_for()  # type: ignore[attr-defined]
    _settle(page)
    _shot(page, "workspace-uploaded")
    assert _sha256(DEFAULT_DATASET) == shipped, "the upload wrote to the shipped dataset"
    held = open_dataset(working).documents
    assert held.height == documents + 1
    added = held.filter(pl.col("source_name") == upload.name)
    assert added.select("department_id", "fiscal_year").rows() == [("南京市玄武区档案馆", 2024)]
    # The page now reads the working dataset.
    page.reload()  # type: ignore[attr-defined]
    page.get_by_role("heading", name="数据").first.wait_for()  # type: ignore[attr-defined]
    _settle(page)
    assert page.get_by_text(f"数据集位置：{working}（{documents + 1} 份文件）").count() == 1  # type: ignore[attr-defined]

    # A decision on one of the new document's findings, then the document removed on the page.
    flags = open_dataset(working).flags.filter(pl.col("department_id") == "南京市玄武区档案馆")
    assert not flags.is_empty()
    flag = flags.item(0, "flag_id")
    store = open_triage(Path(server["triage"]))  # type: ignore[arg-type]
    store.record(flag, "已解释", note="档案馆无政府性基金", author="e2e")
    label = f"{upload.name}（南京市玄武区档案馆 2024）"
    # The list is long and draws only the options in view: typed to filter it.
    page.locator(".st-key-remove_documents").click()  # type: ignore[attr-defined]
    page.keyboard.type("xuanwu")  # type: ignore[attr-defined]
    page.get_by_role("option", name=label).click()  # type: ignore[attr-defined]
    page.keyboard.press("Escape")  # type: ignore[attr-defined]
    _settle(page)
    assert _tags(page, "remove_documents") == [label]
    page.locator(".st-key-remove_sure").get_by_text("确认移除所选 1 份文件").click()  # type: ignore[attr-defined]
    _settle(page)
    remove = page.get_by_role("button", name="移除", exact=True)  # type: ignore[attr-defined]
    assert _until(remove.is_enabled)
    remove.click()
    page.get_by_text(f"已移除 1 份文件；数据集现有 {documents} 份文件。").wait_for()  # type: ignore[attr-defined]
    _settle(page)
    _shot(page, "workspace-removed")
    assert _sha256(DEFAULT_DATASET) == shipped, "removing a document wrote to the shipped dataset"
    after = open_dataset(working)
    assert after.documents.filter(pl.col("source_name") == upload.name).is_empty()
    assert after.documents.height == documents
    assert after.flags.filter(pl.col("flag_id") == flag).is_empty()
    assert store.current().filter(pl.col("flag_id") == flag).select("status", "note").rows() == [
        ("已解释", "档案馆无政府性基金")
    ]
    # 疑点 says the decision is kept though its finding is gone.
    _open(page, server, "flags", "疑点")
    _no_error(page)
    page.get_by_text("1 条结论所针对的疑点已不再出现").wait_for()  # type: ignore[attr-defined]
    _shot(page, "workspace-decision-kept")


def _sign_in(page: object, name: str, password: str) -> None:
    form = page.locator('[data-testid="stForm"]')  # type: ignore[attr-defined]
    form.get_by_label("用户名").fill(name)
    form.get_by_label("密码").fill(password)
    form.get_by_role("button", name="登录").click()
    _settle(page)


def _nav(page: object, title: str) -> None:
    """Open a page by the sidebar's navigation (a new address would start a new session: signed out)."""
    page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()  # type: ignore[attr-defined]
    page.get_by_role("heading", name=title, exact=True).first.wait_for()  # type: ignore[attr-defined]
    _settle(page)


def _pick_typed(page: object, key: str, typed: str, option: str | re.Pattern[str]) -> None:
    """Choose ``option`` in the select box of widget key ``key``, typing ``typed`` first: a long list draws only
    the options in view."""
    page.locator(f".st-key-{key}").click()  # type: ignore[attr-defined]
    page.keyboard.type(typed)  # type: ignore[attr-defined]
    page.get_by_role("option", name=option).first.click()  # type: ignore[attr-defined]
    _settle(page)


def test_team_roles_and_the_signed_in_author(page: object, team_server: dict[str, object]) -> None:
    """Served to a team: sign-in before any page; a viewer sees no triage form and cannot change the dataset; an
    auditor's decision carries the signed-in user's display name, from the session, with no field to type one."""
    shipped = _sha256(DEFAULT_DATASET)
    flag = _flag_id(DEFAULT_DATASET, "narrative.change_pct", "js_procuratorate_2018_dept_budget.pdf", 14)
    server = team_server
    page.goto(f"{server['url']}/flags")  # type: ignore[attr-defined]
    page.get_by_role("heading", name="登录").first.wait_for()  # type: ignore[attr-defined]
    _settle(page)
    assert page.get_by_role("heading", name="疑点", exact=True).count() == 0  # type: ignore[attr-defined]
    _sign_in(page, "li", "not-the-password")
    page.get_by_text("用户名或密码不正确，请重新输入。").wait_for()  # type: ignore[attr-defined]
    assert page.get_by_role("heading", name="疑点", exact=True).count() == 0  # type: ignore[attr-defined]
    _shot(page, "team-sign-in-refused")

    _sign_in(page, "li", TEAM["li"][2])
    # Signed in, the page the address names (疑点), not the overview.
    page.get_by_role("heading", name="疑点", exact=True).first.wait_for()  # type: ignore[attr-defined]
    sidebar = page.locator('[data-testid="stSidebar"]')  # type: ignore[attr-defined]
    assert sidebar.get_by_text("已登录：李查看（只读）").count() == 1
    _nav(page, "疑点")
    _no_error(page)
    assert page.get_by_text("你的角色为只读：可以查看疑点及其核实记录，但不能记录核实结论。").count() == 1  # type: ignore[attr-defined]
    assert page.locator(".st-key-triage_box").count() == 0  # type: ignore[attr-defined]
    assert page.get_by_role("button", name="保存结论").count() == 0  # type: ignore[attr-defined]
    _shot(page, "team-viewer-flags")
    _nav(page, "数据")
    assert page.get_by_text("你的角色为只读：可查看和下载数据，导入或移除文件需审计人员账号。").count() == 1  # type: ignore[attr-defined]
    assert page.locator('input[type="file"]').is_disabled()  # type: ignore[attr-defined]
    assert page.get_by_role("button", name="导入").is_disabled()  # type: ignore[attr-defined]
    assert page.get_by_role("button", name="移除", exact=True).is_disabled()  # type: ignore[attr-defined]
    _shot(page, "team-viewer-data")
    sidebar.get_by_role("button", name="退出登录").click()
    page.get_by_role("heading", name="登录").first.wait_for()  # type: ignore[attr-defined]
    _settle(page)

    _sign_in(page, "zhang", TEAM["zhang"][2])
    sidebar.get_by_text("已登录：张审计（核实人员）").wait_for()
    _shot(page, "team-auditor-signed-in")
    _nav(page, "疑点")
    _pick_typed(page, "flags_department", "人民检察院", "江苏省人民检察院")
    _pick_typed(page, "flags_pick", flag[:6], re.compile(re.escape(flag[:6])))
    assert _until(lambda: f"flag={flag}" in page.url), page.url  # type: ignore[attr-defined]
    form = page.locator(".st-key-triage_box")  # type: ignore[attr-defined]
    form.wait_for()
    page.wait_for_timeout(1500)  # type: ignore[attr-defined]  # the first runs may still redraw the form
    assert form.get_by_text("核实人：张审计").is_visible()
    assert form.get_by_label("核实人").count() == 0 and form.locator("input[type=text]").count() == 0
    note = "文中 0.06% 应为 0.60%，已请部门更正"

    def filled() -> bool:
        return form.get_by_role("radio", name="已解释").is_checked() and form.get_by_label("说明").input_value() == note

    for _ in range(3):  # a rerun still under way may redraw the widgets: fill again until both hold
        if not form.get_by_role("radio", name="已解释").is_checked():
            form.get_by_text("已解释", exact=True).click()
            _settle(page)
        form.get_by_label("说明").fill(note)
        form.get_by_label("说明").press("Control+Enter")
        _settle(page)
        if filled():
            break
    assert filled()
    form.get_by_role("button", name="保存结论").click()
    store = open_triage(Path(server["triage"]))  # type: ignore[arg-type]
    assert _until(lambda: not store.current().is_empty())
    page.get_by_text("已保存。").wait_for()  # type: ignore[attr-defined]
    _settle(page)
    assert store.current().select("flag_id", "status", "note", "author").rows() == [(flag, "已解释", note, "张审计")]
    history = _rows(_table(page, "核实人"))
    assert [row[-3:] for row in history] == [["已解释", note, "张审计"]], history
    _shot(page, "team-auditor-decided")
    assert _sha256(DEFAULT_DATASET) == shipped
    assert not Path(server["working"]).exists()  # type: ignore[arg-type]  # a decision does not touch the dataset


def test_a_link_opens_its_page_after_signing_in(page: object, team_server: dict[str, object]) -> None:
    """A team member opening a shared link signs in first, then sees the view the link names."""
    page.goto(f"{team_server['url']}/flags?dept=江苏省人民检察院&severity=warning")  # type: ignore[attr-defined]
    page.get_by_role("heading", name="登录").first.wait_for()  # type: ignore[attr-defined]
    _settle(page)
    _sign_in(page, "li", TEAM["li"][2])
    _shot(page, "team-link-after-sign-in")
    assert _until(lambda: "/flags?" in page.url, 15), page.url  # type: ignore[attr-defined]
    page.get_by_role("heading", name="疑点", exact=True).first.wait_for(timeout=10_000)  # type: ignore[attr-defined]
    assert page.locator(".st-key-flags_department input").input_value() == "江苏省人民检察院"  # type: ignore[attr-defined]
