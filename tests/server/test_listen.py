"""``hngraph serve`` checks ``--host`` and ``--port`` and binds before it loads any data
(issue 15 item 6): one line on stderr, exit 2, no traceback, nothing printed on stdout.

The data file is a FIFO that nobody writes, which the RDF reader refuses: a server that read its
data before binding would report the data (or hang on it) instead of the host or port, so each
case proves the order, not just the message.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from serving import ROOT

from hngraph.server.listen import ListenError, bind, listen, parse_host, parse_port, url_of


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "never-written.ttl"
    os.mkfifo(path)
    return path


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield sock.getsockname()[1]


def serve(*options: str, data: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "hngraph", "serve", "--data", str(data), *options]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--port", "99999"), "--port 99999: out of range"),
        (("--port", "-1"), "--port -1: out of range"),
        (("--port", "eighty"), "--port eighty: not a number"),
        (
            ("--host", "no-such-host.invalid", "--port", "0"),
            "--host no-such-host.invalid: not an IP",
        ),
        (("--host", "192.0.2.1", "--port", "0"), "this machine has no such address"),
    ],
    ids=["port-too-large", "port-negative", "port-not-a-number", "host-name", "host-not-here"],
)
def test_bad_host_or_port_is_one_line_and_exit_2(
    fifo: Path, options: tuple[str, ...], message: str
) -> None:
    _one_line_exit_2(serve(*options, data=fifo), message)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--timeout", "-1"), "--timeout -1: must be greater than 0"),
        (("--timeout", "nan"), "--timeout nan: must be a finite number"),
        (("--timeout", "inf"), "--timeout inf: must be a finite number"),
        (("--workers", "0"), "--workers 0: must be greater than 0"),
        (("--max-rows", "ten"), "--max-rows ten: not a number"),
        (("--max-bytes", "-5"), "--max-bytes -5: must be greater than 0"),
        (("--client-limit", "0"), "--client-limit 0: must be greater than 0"),
        (("--memory-limit", "-1"), "--memory-limit -1: must be 0 or more"),
    ],
)
def test_bad_numbers_are_one_line_and_exit_2(
    fifo: Path, options: tuple[str, ...], message: str
) -> None:
    _one_line_exit_2(serve("--port", "0", *options, data=fifo), message)


def _one_line_exit_2(result: subprocess.CompletedProcess, message: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("hngraph serve: error: "), lines
    assert message in lines[0]


def test_port_in_use_is_reported_before_loading(fifo: Path, busy_port: int) -> None:
    result = serve("--port", str(busy_port), data=fifo)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        f"hngraph serve: error: --host 127.0.0.1 --port {busy_port}: the port is already in use "
        "(pick another, or --port 0 for a free one)"
    ]


def test_parse_port_and_host() -> None:
    assert parse_port("0") == 0 and parse_port("65535") == 65535
    for bad in ("65536", "-1", "", "8o"):
        with pytest.raises(ListenError, match="--port"):
            parse_port(bad)
    assert parse_host("localhost") == "127.0.0.1"
    assert parse_host("[::1]") == "::1" and parse_host("0.0.0.0") == "0.0.0.0"
    with pytest.raises(ListenError, match="names are not looked up"):
        parse_host("example.org")


def test_bind_does_not_listen_until_asked() -> None:
    sock = bind("127.0.0.1", 0)
    try:
        port = sock.getsockname()[1]
        with socket.socket() as probe, pytest.raises(ConnectionRefusedError):
            probe.connect(("127.0.0.1", port))
        listen(sock)
        with socket.socket() as probe:
            probe.connect(("127.0.0.1", port))
        assert url_of(sock) == f"http://127.0.0.1:{port}/"
    finally:
        sock.close()
