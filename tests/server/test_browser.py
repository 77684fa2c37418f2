"""A person's view: headless Chromium (Debian chromium + chromium-driver) on ``hngraph serve``.

Loads the index, a task page and a department page, checks the visible Chinese and English text
and that the charts rendered, runs a catalogue query from the SPARQL page and sees its rows.
Opens each chart on its own under the server's Content-Security-Policy and checks its pixels are
in colour, not black; searches the site, reads a concept's hierarchy and the A–Z list, gets the
HTML 404 page, and searches a static release opened from files (no server).
A page on another origin POSTs a query to ``/sparql`` (CORS preflight included) and reads the
result and an exposed header.
Screenshots go to tests/artifacts/. Without Chromium the test is skipped, except in CI (CI=true),
where a missing browser is a failure: .ci/install-browser.sh installs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
DATASET = ROOT / "data" / "dataset" / "hngraph.ttl"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
TASK_7 = "id/list/hunan-vet-reform/task/7"
EDUCATION = "id/org/hunan-education-department"


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
    assert DATASET.exists(), "the built dataset is missing; run hngraph build"
    command = [sys.executable, "-m", "hngraph", "serve", "--port", "0", "--data", str(DATASET)]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    found: list[str] = []
    reader = threading.Thread(target=lambda: found.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(120)
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
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    _require_browser()
    NET_LOG[0] = tmp_path_factory.mktemp("chromium-net-log") / "net-log.json"
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager download anything
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (*LOOPBACK_ONLY, f"--log-net-log={NET_LOG[0]}"):
        options.add_argument(argument)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


# Chromium resolves and connects to loopback only: every host name maps to "not found" (no DNS
# query leaves the machine), and the first-run, sync, update, autofill, translation, safe-browsing
# and metrics services are off. test_chromium_touched_loopback_only reads its net log to prove it.
LOOPBACK_ONLY = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-breakpad",
    "--metrics-recording-only",
    "--no-pings",
    "--disable-features=OptimizationHints,AutofillServerCommunication,Translate,MediaRouter,"
    "CertificateTransparencyComponentUpdater,SafeBrowsing",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
    "--disable-dev-shm-usage",
    "--no-proxy-server",
    "--window-size=1280,1600",
)
NET_LOG: list[Path] = [ARTIFACTS / "chromium-net-log.json"]


def _screenshot(driver: object, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))  # type: ignore[attr-defined]


def _visible_text(driver: object) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.TAG_NAME, "body").text  # type: ignore[attr-defined]


def _console_errors(driver: object, expected: str = "favicon") -> list[str]:
    entries = driver.get_log("browser")  # type: ignore[attr-defined]
    return [
        e["message"] for e in entries if e["level"] == "SEVERE" and expected not in e["message"]
    ]


def _colours(png: bytes) -> tuple[float, float, set[tuple[int, int, int]]]:
    """Share of black pixels, share of white pixels, and the set of colours of a screenshot."""
    import io

    import numpy
    from PIL import Image

    pixels = numpy.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3)
    black = float((pixels.max(axis=1) < 40).mean())
    white = float((pixels.min(axis=1) > 245).mean())
    return black, white, {(int(r), int(g), int(b)) for r, g, b in numpy.unique(pixels, axis=0)}


def _near(colours: set[tuple[int, int, int]], hex_colour: str, tolerance: int = 12) -> bool:
    want = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return any(all(abs(c - w) <= tolerance for c, w in zip(p, want, strict=True)) for p in colours)


def test_index_shows_both_languages_and_rendered_charts(server: str, browser: object) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server)  # type: ignore[attr-defined]
    text = _visible_text(browser)
    for words in (
        "任务清单",
        "Task lists",
        "部门任务量",
        "Department workload",
        "共同责任网络",
        "Co-responsibility network",
        "下载",
        "Downloads",
    ):
        assert words in text
    charts = browser.find_elements(By.CSS_SELECTOR, "img.chart-image")  # type: ignore[attr-defined]
    assert len(charts) == 3
    for chart in charts:
        browser.execute_script("arguments[0].scrollIntoView();", chart)  # type: ignore[attr-defined]
        rendered = browser.execute_script(  # type: ignore[attr-defined]
            "return arguments[0].complete && arguments[0].naturalWidth", chart
        )
        assert rendered and rendered > 100, chart.get_attribute("src")
    browser.execute_script("window.scrollTo(0, 0);")  # type: ignore[attr-defined]
    _screenshot(browser, "index")
    assert not _console_errors(browser)


@pytest.mark.parametrize("name", ["workload", "network", "areas"])
def test_a_chart_opened_alone_renders_in_colour_under_the_policy(
    server: str, browser: object, name: str
) -> None:
    """Opened from ``serve`` (not inside a page), the SVG is a document under the server's
    Content-Security-Policy, which allows no inline style: it must still draw in colour."""
    import urllib.request

    url = f"{server}charts/{name}.svg"
    with urllib.request.urlopen(url, timeout=30) as response:
        policy = response.headers["Content-Security-Policy"]
        assert "style-src 'self'" in policy and "unsafe-inline" not in policy
        assert response.headers["Content-Type"] == "image/svg+xml"
    browser.get(url)  # type: ignore[attr-defined]
    assert not _console_errors(browser), name
    png = browser.get_screenshot_as_png()  # type: ignore[attr-defined]
    _screenshot(browser, f"chart-{name}")
    black, white, colours = _colours(png)
    assert black < 0.05, f"{name}: {black:.1%} of the pixels are black"
    assert white > 0.3, f"{name}: {white:.1%} white"
    if name == "areas":  # the heat map's blues, darkest to lightest
        assert _near(colours, "#08306b", 30) and _near(colours, "#deebf7", 12)
    else:  # the lead and supporting colours
        assert _near(colours, "#1f4e79") and _near(colours, "#9dc3e6")
    fill = browser.execute_script(  # type: ignore[attr-defined]
        "return getComputedStyle(document.querySelector('#patch_1 path')).fill"
    )
    assert fill == "rgb(255, 255, 255)", fill  # the figure's background, not the default black


def test_charts_in_the_index_are_in_colour(server: str, browser: object) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server)  # type: ignore[attr-defined]
    chart = browser.find_element(By.CSS_SELECTOR, "#chart-workload img.chart-image")  # type: ignore[attr-defined]
    browser.execute_script("arguments[0].scrollIntoView();", chart)  # type: ignore[attr-defined]
    black, white, colours = _colours(chart.screenshot_as_png)
    assert black < 0.05 and white > 0.3 and _near(colours, "#1f4e79"), (black, white)


def test_search_finds_departments_concepts_and_tasks(server: str, browser: object) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server + EDUCATION)  # type: ignore[attr-defined]
    box = browser.find_element(By.CSS_SELECTOR, "header form.search input[name=q]")  # type: ignore[attr-defined]
    box.send_keys("教育厅")
    box.submit()
    WebDriverWait(browser, 30).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "#search-results li"))
    )
    assert browser.current_url.startswith(server + "search?q=")  # type: ignore[attr-defined]
    first = browser.find_element(By.CSS_SELECTOR, "#search-results li a")  # type: ignore[attr-defined]
    assert first.get_attribute("href") == server + EDUCATION
    assert "Department of Education of Hunan Province" in first.text
    # English words, and a word found in a task's text only
    query = browser.find_element(By.ID, "search-q")  # type: ignore[attr-defined]
    for words, href in (
        ("vocational colleges", None),
        ("教学条件建设标准", server + TASK_7),
        ("Short-cycle higher", server + "id/concept/education-level/higher-vocational"),
    ):
        query.clear()
        query.send_keys(words)
        browser.find_element(By.CSS_SELECTOR, "#search-form button").click()  # type: ignore[attr-defined]
        links = browser.find_elements(By.CSS_SELECTOR, "#search-results li a")  # type: ignore[attr-defined]
        assert links, words
        if href:
            assert href in [link.get_attribute("href") for link in links], words
    _screenshot(browser, "search")
    assert not _console_errors(browser)


def test_concept_page_shows_hierarchy_and_labelled_mapping(server: str, browser: object) -> None:
    browser.get(server + "id/concept/education-level/five-year-higher-vocational")  # type: ignore[attr-defined]
    text = _visible_text(browser)
    tree = text.split("Hierarchy", 1)[1]
    assert tree.index("高职专科") < tree.index("五年制高职 Five-year")
    browser.get(server + "id/concept/education-level/higher-vocational")  # type: ignore[attr-defined]
    text = _visible_text(browser)
    assert "Mappings" in text and "Short-cycle tertiary education" in text
    assert "https://w3id.org/kim/isced-2011/level5" in text
    _screenshot(browser, "concept")
    assert not _console_errors(browser)


def test_az_list_names_departments_in_both_languages(server: str, browser: object) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server + "az")  # type: ignore[attr-defined]
    text = _visible_text(browser)
    assert "Department of Education of Hunan Province 湖南省教育厅" in text
    letters = browser.find_elements(By.CSS_SELECTOR, "#departments nav.letters a")  # type: ignore[attr-defined]
    assert len(letters) > 5
    assert not _console_errors(browser)


def test_an_unknown_path_gets_the_html_404_page(server: str, browser: object) -> None:
    import urllib.error
    import urllib.request

    for path in ("no/such/page", "id/no-such-thing", "charts/none.svg"):
        request = urllib.request.Request(server + path, headers={"Accept": "text/html"})
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(request, timeout=30)
        assert error.value.code == 404
        assert error.value.headers["Content-Type"].startswith("text/html")
    browser.get(server + "no/such/page")  # type: ignore[attr-defined]
    text = _visible_text(browser)
    assert "未找到" in text and "Not found" in text and "/no/such/page" in text
    _screenshot(browser, "not-found")
    assert not _console_errors(browser, expected="404")


def test_static_release_search_works_from_files(browser: object, tmp_path: Path) -> None:
    """A release opened from disk (file: URLs, no server): search and its links work."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    from hngraph.publish.graph import SiteGraph
    from hngraph.publish.site import PublishConfig, render_release, write_release
    from hngraph.rdf.read import read_triples

    site = SiteGraph(read_triples(ROOT / "tests" / "fixtures" / "publish" / "mini.ttl"))
    write_release(render_release(site, "mini.ttl", PublishConfig()), tmp_path / "release")
    page = (tmp_path / "release" / "search" / "index.html").as_uri()
    browser.get(page + "?q=governance")  # type: ignore[attr-defined]
    WebDriverWait(browser, 30).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "#search-results li a"))
    )
    link = browser.find_element(By.CSS_SELECTOR, "#search-results li a")  # type: ignore[attr-defined]
    target = link.get_attribute("href")
    assert target.startswith((tmp_path / "release").as_uri()) and target.endswith("/index.html")
    link.click()
    assert "governance" in _visible_text(browser)


def test_task_page_shows_source_text_and_translation(server: str, browser: object) -> None:
    browser.get(server + TASK_7)  # type: ignore[attr-defined]
    text = _visible_text(browser)
    assert "出台专科高职院校教学条件建设标准" in text
    assert "任务 7" in text and "Task 7" in text
    assert "责任部门" in text and "Responsible departments" in text
    assert "English (unofficial)" in text
    _screenshot(browser, "task-7")
    assert not _console_errors(browser)


def test_department_page_lists_led_and_supported_tasks(server: str, browser: object) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server + EDUCATION)  # type: ignore[attr-defined]
    text = _visible_text(browser)
    assert "湖南省教育厅" in text and "Department of Education of Hunan Province" in text
    assert "牵头的任务" in text and "Tasks it leads" in text
    assert "配合的任务" in text and "Tasks it supports" in text
    links = browser.find_elements(By.CSS_SELECTOR, "a[href^='/id/list/hunan-vet-reform/task/']")  # type: ignore[attr-defined]
    assert len({link.get_attribute("href") for link in links}) >= 20
    _screenshot(browser, "department")


def test_catalogue_query_from_the_query_page_shows_rows(server: str, browser: object) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser.get(server + "sparql")  # type: ignore[attr-defined]
    assert "只读 SPARQL 1.1 端点" in _visible_text(browser)
    Select(browser.find_element(By.ID, "example")).select_by_value("department-workload")  # type: ignore[attr-defined]
    query = browser.find_element(By.ID, "query").get_attribute("value")  # type: ignore[attr-defined]
    assert "?lead_count" in query
    browser.find_element(By.ID, "run").click()  # type: ignore[attr-defined]
    WebDriverWait(browser, 30).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "#results tbody tr"))
    )
    rows = browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")  # type: ignore[attr-defined]
    assert len(rows) >= 20
    assert "省教育厅" in rows[0].text or "湖南省教育厅" in rows[0].text
    _screenshot(browser, "sparql-results")
    assert not _console_errors(browser)


CROSS_ORIGIN_PAGE = """<!doctype html><meta charset="utf-8"><title>waiting</title><script>
fetch("ENDPOINT", {
  method: "POST",
  headers: {"Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json"},
  body: "SELECT (COUNT(*) AS ?n) WHERE { ?t a <https://w3id.org/hngraph/def/Task> }"
}).then(r => r.json().then(j => {
  document.title = ["ok", r.status, j.results.bindings[0].n.value,
                    r.headers.get("X-Hngraph-Max-Rows")].join(" ");
})).catch(e => { document.title = "error " + e; });
</script>"""


@pytest.fixture
def other_origin(server: str) -> Iterator[str]:
    """A page on another origin (another loopback port) whose script POSTs a query to /sparql."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    page = CROSS_ORIGIN_PAGE.replace("ENDPOINT", server + "sparql").encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/" else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page if self.path == "/" else b"")

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def test_a_page_on_another_origin_can_post_a_query(other_origin: str, browser: object) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(other_origin)  # type: ignore[attr-defined]
    WebDriverWait(browser, 30).until(lambda driver: driver.title != "waiting")
    # the preflight passed, the POST answered, and the exposed limit header is readable
    assert browser.title == "ok 200 30 10000", browser.title  # type: ignore[attr-defined]


def _loopback(address: str) -> bool:
    host = address.rsplit(":", 1)[0].strip("[]")
    return host in ("127.0.0.1", "::1", "localhost") or host.startswith("127.")


def test_chromium_touched_loopback_only(server: str, browser: object) -> None:
    """Runs last: quits the browser (which completes its net log) and reads every event."""
    import json

    browser.get(server)  # type: ignore[attr-defined]
    browser.quit()  # type: ignore[attr-defined]
    log = json.loads(NET_LOG[0].read_text(encoding="utf-8"))
    kinds = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    sources = {number: name for name, number in log["constants"]["logSourceType"].items()}
    hosts, connects, sent = set(), set(), []
    for event in log["events"]:
        kind, params = kinds[event["type"]], event.get("params", {})
        source = sources[event["source"]["type"]]
        if kind.startswith("HOST_RESOLVER") and "host" in params:
            hosts.add(params["host"].split("://")[-1].rsplit(":", 1)[0])
        connecting = kind in ("TCP_CONNECT", "TCP_CONNECT_ATTEMPT", "SOCKET_CONNECT")
        if connecting and "address" in params and not source.startswith("UDP"):
            connects.add(params["address"])
        if kind in ("DNS_TRANSACTION", "UDP_SEND_ERROR") or kind.startswith("UDP_BYTES_SENT"):
            sent.append((kind, params))
    # A UDP "connect" only asks the kernel for a route (Chromium's IPv6 probe); no datagram is
    # sent, which the absence of UDP_BYTES_SENT events shows.
    assert sent == []
    assert hosts <= {"~notfound", "127.0.0.1", "localhost"}, hosts
    assert connects and all(_loopback(address) for address in connects), connects
