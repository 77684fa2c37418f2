"""Shared fixtures: the project root, the built dataset, command-line tools, real SPARQL servers.

``start_oxigraph`` starts ``oxigraph serve`` (PyPI package ``oxigraph``, in the test extra) on a
free loopback port with a temporary store location and stops it when the session ends;
``oxigraph_server`` is one such server, loaded with the dataset through ``hngraph load`` (SPARQL 1.1
Graph Store Protocol). ``tool`` finds the test extra's commands (``oxigraph``, ``ruff``) beside the
running interpreter first, so the suite runs from a virtual environment that is not activated.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from hngraph.store import Store

ROOT = Path(__file__).resolve().parent.parent


#: Test files with the longest runs (``--durations`` on the 2-core machine), collected first: with
#: pytest-xdist (``-n auto --dist loadfile`` in pyproject.toml) a file runs on one worker, and a
#: long file left for last would keep one core busy while the other idles.
LONGEST_FIRST = (
    "validation/test_portability.py",
    "publish/test_site.py",
    "server/test_browser.py",
    "server/test_yasgui.py",
    "sparql/test_grlc.py",
    "test_package.py",
    "store/test_virtuoso.py",
    "validation/test_w3c.py",
    "validation/fast/test_engine.py",
    "test_hardening.py",
    "server/test_load.py",
    "server/test_app.py",
    "test_bench.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the files of ``LONGEST_FIRST`` first, in that order; the rest keep their order."""
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}

    def key(item: pytest.Item) -> int:
        name = item.path.relative_to(ROOT / "tests").as_posix()
        return rank.get(name, len(rank))

    items.sort(key=key)


@pytest.fixture(scope="session", autouse=True)
def serve_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``hngraph serve`` started by any test caches into a temporary folder, never the user's."""
    folder = tmp_path_factory.mktemp("serve-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HNGRAPH_CACHE", str(folder))
        yield folder


@pytest.fixture(scope="session")
def project_root() -> Path:
    """The checkout this test run belongs to."""
    return ROOT


@pytest.fixture(scope="session")
def dataset_path(project_root: Path) -> Path:
    """The committed, built dataset (``data/dataset/hngraph.ttl``)."""
    path = project_root / "data" / "dataset" / "hngraph.ttl"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `hngraph build` first")
    return path


@dataclass(frozen=True)
class Server:
    """A running SPARQL server: its base URL, query endpoint and graph store."""

    base: str

    @property
    def query_url(self) -> str:
        return self.base + "/query"

    @property
    def store_url(self) -> str:
        return self.base + "/store"


def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def find_tool(name: str) -> str | None:
    """A command of the test extra: beside this interpreter (a venv's ``bin``), else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return str(beside)
    return shutil.which(name)


@pytest.fixture(scope="session")
def tool() -> Callable[[str], str]:
    """``tool(name)``: the path of a command the tests need, or a failure saying how to get it."""

    def find(name: str) -> str:
        found = find_tool(name)
        if found is None:
            pytest.fail(f"the `{name}` command is missing: pip install -e '.[test]'")
        return found

    return find


def _wait_until_up(process: subprocess.Popen, base: str, seconds: float = 15.0) -> bool:
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(base + "/", timeout=1) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            time.sleep(0.05)
    return False


def stop_process(process: subprocess.Popen) -> None:
    """Terminate a server process, killing it if it does not stop within 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def start_oxigraph(
    tool: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[], Server]]:
    """``start_oxigraph()``: a new empty ``oxigraph serve`` on loopback, stopped at session end."""
    binary = tool("oxigraph")
    processes: list[subprocess.Popen] = []

    def start() -> Server:
        location = tmp_path_factory.mktemp("oxigraph-store")
        for _attempt in range(3):
            base = f"http://127.0.0.1:{free_port()}"
            process = subprocess.Popen(
                [binary, "serve", "--location", str(location), "--bind", base[len("http://") :]],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if _wait_until_up(process, base):
                processes.append(process)
                return Server(base)
            stop_process(process)
        pytest.fail("oxigraph serve did not start on a loopback port")

    try:
        yield start
    finally:
        for process in processes:
            stop_process(process)


@pytest.fixture(scope="session")
def oxigraph_server(start_oxigraph: Callable[[], Server], dataset_path: Path) -> Server:
    """A real ``oxigraph serve`` on loopback, loaded with the dataset via ``hngraph load``."""
    from hngraph.commands.main import main

    server = start_oxigraph()
    assert main(["load", "--endpoint", server.store_url, "--data", str(dataset_path)]) == 0
    return server


@pytest.fixture(scope="session")
def embedded_store(dataset_path: Path) -> Store:
    """The default backend over the built dataset."""
    from hngraph.store.embedded import EmbeddedStore

    return EmbeddedStore([dataset_path])


@pytest.fixture(scope="session")
def rdflib_store(dataset_path: Path) -> Store:
    """The rdflib reference backend over the built dataset."""
    from hngraph.store.reference import RdflibStore

    return RdflibStore([dataset_path])


@pytest.fixture(scope="session")
def remote_store(oxigraph_server: Server) -> Store:
    """The remote backend, talking to the session's Oxigraph server."""
    from hngraph.store.http import Policy
    from hngraph.store.remote import RemoteStore

    return RemoteStore(oxigraph_server.query_url, Policy(timeout=30, deadline=60))


BACKENDS = ("embedded", "rdflib", "remote")


@pytest.fixture(scope="session", params=BACKENDS)
def any_store(request: pytest.FixtureRequest) -> Store:
    """Each backend in turn: embedded, rdflib, remote (real server)."""
    return request.getfixturevalue(f"{request.param}_store")


# --- a loopback listener that counts connections (the guard and hardening tests) ---


class Listener:
    """A loopback TCP listener that counts the connections it receives."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def connection_listener() -> Iterator[Listener]:
    """A loopback listener; tests assert it received no connection."""
    found = Listener()
    yield found
    found.close()
