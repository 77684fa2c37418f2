"""A throw-away Virtuoso open-source server for the tests (Debian ``virtuoso-opensource-7-bin``).

``start_virtuoso(folder)`` writes a ``virtuoso.ini`` into ``folder`` (database, log and HTTP
root all there), starts ``virtuoso-t`` in the foreground on two free loopback ports (SQL and
HTTP), waits until its SPARQL endpoint answers, lets its anonymous SPARQL user write through
the Graph Store Protocol (``/sparql-graph-crud``) and gives the DBA account a random password;
``stop()`` ends it. Nothing listens beyond 127.0.0.1 and nothing outside ``folder`` is read or
written (``DirsAllowed``).
"""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PACKAGE = "virtuoso-opensource-7-bin"
#: the Debian package's programs (/usr/bin); never a guess at another install
SERVER, ISQL = "virtuoso-t", "isql-vt"
#: what lets the anonymous web user (``SPARQL``) write graphs through ``/sparql-graph-crud``
GRANT = 'GRANT SPARQL_UPDATE TO "SPARQL";'

INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
ServerThreads = 8
CheckpointInterval = 60
NumberOfBuffers = 4000
MaxDirtyBuffers = 3000
DirsAllowed = {folder}
AllowOSCalls = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}/www
ServerThreads = 8
MaxClientConnections = 8
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 0
"""


def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def find(name: str) -> str:
    """A program of the Debian package, or a test failure saying how to install it."""
    found = shutil.which(name)
    if found is None:
        pytest.fail(
            f"`{name}` is missing: install the Debian package {PACKAGE} (.ci/install-tools.sh)"
        )
    return found


@dataclass
class Virtuoso:
    """A running Virtuoso: its HTTP base, SPARQL endpoint and Graph Store."""

    base: str
    sql_port: int
    process: subprocess.Popen
    folder: Path
    password: str = "dba"  # a new database's; replaced at start
    started_in: float = field(default=0.0)  # seconds from launch to a writable store

    @property
    def query_url(self) -> str:
        return self.base + "/sparql"

    @property
    def store_url(self) -> str:
        return self.base + "/sparql-graph-crud"

    def log(self) -> str:
        """The end of the server's own log (for failure messages)."""
        path = self.folder / "virtuoso.log"
        return path.read_text("utf-8", "replace")[-2000:] if path.is_file() else ""

    def sql(self, statements: str) -> None:
        """Run SQL statements as the DBA through ``isql-vt`` (fails the test on an error)."""
        _isql(self.sql_port, self.password, statements)

    def stop(self) -> None:
        """SIGTERM (Virtuoso shuts down cleanly on it), then SIGKILL after 30 s."""
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def _answers(url: str) -> bool:
    query = urllib.parse.urlencode({"query": "ASK {}"})
    request = urllib.request.Request(
        f"{url}?{query}", headers={"Accept": "application/sparql-results+json"}
    )
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
    try:
        with direct.open(request, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _isql(sql_port: int, password: str, statements: str) -> None:
    done = subprocess.run(
        [find(ISQL), f"127.0.0.1:{sql_port}", "dba", password, f"exec={statements}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
        pytest.fail(f"isql-vt failed: {done.stdout[-500:]} {done.stderr[-500:]}")


def start_virtuoso(folder: Path, seconds: float = 120.0) -> Virtuoso:
    """A new, empty Virtuoso in ``folder`` whose anonymous SPARQL user may write graphs."""
    server = find(SERVER)
    (folder / "www").mkdir(parents=True, exist_ok=True)
    for _attempt in range(3):  # a port taken between free_port() and the bind: try others
        started = time.monotonic()
        sql_port, http_port = free_port(), free_port()
        ini = folder / "virtuoso.ini"
        ini.write_text(
            INI.format(folder=folder, sql_port=sql_port, http_port=http_port), encoding="utf-8"
        )
        process = subprocess.Popen(
            [server, "+foreground", "+configfile", str(ini)],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        found = Virtuoso(f"http://127.0.0.1:{http_port}", sql_port, process, folder)
        until = started + seconds
        while time.monotonic() < until and process.poll() is None:
            if _answers(found.query_url):
                password = secrets.token_hex(16)
                try:
                    found.sql(f'{GRANT} SET PASSWORD "dba" "{password}";')
                except BaseException:
                    found.stop()
                    raise
                found.password = password
                found.started_in = time.monotonic() - started
                return found
            time.sleep(0.1)
        log = found.log()
        found.stop()
        for name in ("virtuoso.db", "virtuoso.trx", "virtuoso.lck", "virtuoso-temp.db"):
            (folder / name).unlink(missing_ok=True)
    pytest.fail(f"virtuoso-t did not start on loopback within {seconds:g} s: {log}")
