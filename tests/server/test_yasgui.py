"""The query editor: vendored YASGUI on ``hngraph serve``, driven in headless Chromium.

YASGUI runs a catalogue query against the server and shows the rows; the chart view draws them;
an edited query runs too. Every answer is checked against the oracle (``tests/expected/oracle.py``).
The browser resolves no name but 127.0.0.1 (``--host-resolver-rules``) and runs without
background networking, and the test checks that every file the page loaded came from the server,
so the editor is proven to load nothing from a CDN. Without Chromium the browser tests are
skipped, except in CI (CI=true), where .ci/install-browser.sh installs it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from hngraph.publish.graph import load_site_graph
from hngraph.publish.pages import STATIC, editor_policy, yasgui_style_sources
from hngraph.publish.site import PublishConfig, render_release
from hngraph.server.resources import EDITOR_CSP
from hngraph.server.responses import SECURITY_HEADERS
from hngraph.sparql.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
DATASET = ROOT / "data" / "dataset" / "hngraph.ttl"
QUERIES = ROOT / "queries"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
WAIT = 60  # seconds a step may take on a loaded machine (a limit, not a measurement)


def _load_oracle() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "hngraph_test_oracle", ROOT / "tests" / "expected" / "oracle.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


oracle = _load_oracle()


@pytest.fixture(scope="module")
def workload(project_root: Path) -> list[tuple[str, str, str, int, int, int]]:
    """The oracle's department-workload rows as plain values (IRI, zh and en name, counts)."""
    rows = oracle.department_workload(oracle.World(project_root), {})
    return [(r[0].value, r[1].value, r[2].value, *(int(v.value) for v in r[3:])) for r in rows]


# --- the editor in the release and the server (no browser) ----------------------------------


@pytest.fixture(scope="module")
def release() -> dict[str, bytes]:
    config = PublishConfig(queries=QUERIES, deploy_url="https://hngraph.example.net/data/")
    return render_release(load_site_graph(DATASET), DATASET.name, config)


def _editor_config(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="editor-config">(.*?)</script>', html)
    assert found, "the editor page has no #editor-config block"
    return json.loads(found.group(1))


def test_release_ships_the_editor_and_yasgui_unchanged(release: dict[str, bytes]) -> None:
    readme = (STATIC / "yasgui" / "README.md").read_text(encoding="utf-8")
    for name in ("yasgui.min.js", "yasgui.min.css"):
        data = release[f"static/yasgui/{name}"]
        assert data == (STATIC / "yasgui" / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() in readme, f"README states {name}'s checksum"
    assert "static/yasgui/LICENSES.txt" in release
    html = release["editor/index.html"].decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assets = [s for s in sources if s.endswith((".js", ".css"))]
    assert sorted(assets) == sorted(
        [
            "../static/style.css",
            "../static/yasgui/yasgui.min.css",
            "../static/yasgui/yasgui.min.js",
            "../static/editor.js",
        ]
    )
    config = _editor_config(html)
    assert config["endpoint"] == "https://hngraph.example.net/data/sparql"
    catalogue = load_catalogue(QUERIES)
    assert [e["name"] for e in config["examples"]] == sorted(catalogue)
    for page in ("index.html", "queries/index.html", "def/index.html"):
        assert "editor/index.html" in release[page].decode(), page


def test_editor_policy_allows_its_endpoint_and_its_one_injected_style() -> None:
    base = SECURITY_HEADERS[0][1].decode()
    assert "connect-src" not in base  # every other page may connect nowhere
    policy = editor_policy(base)
    assert policy == EDITOR_CSP
    directives = {d.split()[0]: d.split()[1:] for d in policy.split("; ")}
    assert directives["connect-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    hashes = yasgui_style_sources()
    assert len(hashes) == 1  # the column resizer's stylesheet
    assert directives["style-src"] == ["'self'", *hashes]
    for name, value in directives.items():
        assert "'unsafe-inline'" not in value and "'unsafe-eval'" not in value, name


# --- in Chromium --------------------------------------------------------------------------------


def _require_browser() -> None:
    if CHROMIUM and CHROMEDRIVER:
        return
    reason = "chromium and chromium-driver are not installed (run .ci/install-browser.sh)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    _require_browser()
    command = [
        *(sys.executable, "-m", "hngraph", "serve", "--port", "0"),
        *("--data", str(DATASET), "--queries", str(QUERIES)),
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    found: list[str] = []
    reader = threading.Thread(target=lambda: found.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(180)
    try:
        if not found or not found[0].startswith("http://127.0.0.1:"):
            raise AssertionError(f"serve did not start: {found} {process.stderr.read()}")
        yield found[0].strip()
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    _require_browser()
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager download anything
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--no-proxy-server",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--window-size=1280,1600",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(WAIT)
    try:
        yield driver
    finally:
        driver.quit()


def _console_errors(driver: Any) -> list[str]:
    entries = driver.get_log("browser")
    return [
        e["message"] for e in entries if e["level"] == "SEVERE" and "favicon" not in e["message"]
    ]


def _loaded_from(driver: Any) -> set[str]:
    """Origins of every file the page fetched (scripts, styles, queries)."""
    names = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    return {re.match(r"^[a-z]+://[^/]+", name).group(0) for name in names}


def _open_editor(driver: Any, url: str) -> None:
    """Open the editor page at ``url`` and wait until YASGUI has started."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    WebDriverWait(driver, WAIT).until(
        lambda d: d.execute_script("return Boolean(window.hngraphEditor)")
    )


def _run_example(driver: Any, name: str, expected_rows: int) -> list[Any]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.find_element(By.CSS_SELECTOR, f'#examples button[data-name="{name}"]').click()
    rows = ".yasr_results table tbody tr"
    WebDriverWait(driver, WAIT).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, rows)) >= expected_rows
    )
    return driver.find_elements(By.CSS_SELECTOR, rows)


def test_yasgui_runs_a_catalogue_query_and_shows_the_rows(
    server: str, browser: Any, workload: list
) -> None:
    from selenium.webdriver.common.by import By

    _open_editor(browser, server + "editor")
    assert browser.find_elements(By.CSS_SELECTOR, "#yasgui .CodeMirror")  # the YASQE editor
    rows = _run_example(browser, "department-workload", len(workload))
    assert len(rows) == len(workload)
    assert browser.execute_script("return window.hngraphEditor.getTab().getName()") == (
        "department-workload"
    )
    for row, (iri, name, name_en, lead, supporting, total) in zip(rows, workload, strict=True):
        cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
        assert cells[1] == "hnid:" + iri.removeprefix("https://w3id.org/hngraph/id/")
        assert name in cells[2]
        assert name_en in cells[3]
        assert [re.sub(r"\D", "", c.split("^^")[0]) for c in cells[4:7]] == [
            str(lead),
            str(supporting),
            str(total),
        ]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "yasgui-table.png"))
    assert _loaded_from(browser) == {server.rstrip("/")}
    assert not _console_errors(browser)  # CSP violations are console errors


def test_yasgui_chart_view_draws_the_rows(server: str, browser: Any, workload: list) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    _open_editor(browser, server + "editor")
    _run_example(browser, "department-workload", len(workload))
    browser.find_element(By.CSS_SELECTOR, ".yasr .select_chart").click()
    WebDriverWait(browser, WAIT).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, ".hngraph-chart rect.bar")) == len(workload)
    )
    Select(browser.find_element(By.CSS_SELECTOR, ".hngraph-chart-column")).select_by_value(
        "total_count"
    )
    WebDriverWait(browser, WAIT).until(
        lambda d: d.find_element(By.CSS_SELECTOR, ".hngraph-chart text.axis").text == "total_count"
    )
    names = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".hngraph-chart text.name")]
    values = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".hngraph-chart text.value")]
    assert names == [f"{w[1]} · {w[2]}" for w in workload]  # bilingual labels
    assert values == [str(w[5]) for w in workload]
    browser.save_screenshot(str(ARTIFACTS / "yasgui-chart.png"))
    assert not _console_errors(browser)


def test_yasgui_runs_an_edited_query(server: str, browser: Any, project_root: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _open_editor(browser, server + "editor")
    world = oracle.World(project_root)
    browser.execute_script(
        "const tab = window.hngraphEditor.getTab(); tab.setQuery(arguments[0]);"
        "tab.getYasqe().query();",
        "PREFIX hn: <https://w3id.org/hngraph/def/>\n"
        "SELECT (COUNT(?task) AS ?tasks) WHERE { ?task a hn:Task }",
    )
    cell = ".yasr_results table tbody tr td:nth-child(2)"
    WebDriverWait(browser, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, cell))
    text = browser.find_element(By.CSS_SELECTOR, cell).text
    assert re.sub(r"\D", "", text.split("^^")[0]) == str(len(world.tasks))
    assert not _console_errors(browser)


@pytest.fixture(scope="module")
def static_host(server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A static release whose editor queries ``server``, served from another loopback origin."""
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from hngraph.publish.site import write_release

    config = PublishConfig(queries=QUERIES, endpoint_url=server + "sparql")
    folder = tmp_path_factory.mktemp("static") / "release"
    write_release(render_release(load_site_graph(DATASET), DATASET.name, config), folder)

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_the_static_release_editor_queries_the_endpoint_across_origins(
    static_host: str, server: str, browser: Any, workload: list
) -> None:
    _open_editor(browser, static_host + "editor/index.html")
    rows = _run_example(browser, "department-workload", len(workload))
    assert len(rows) == len(workload)
    assert _loaded_from(browser) == {static_host.rstrip("/"), server.rstrip("/")}
    assert not _console_errors(browser)
