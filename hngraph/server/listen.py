"""The listening socket of ``hngraph serve``: check ``--host`` and ``--port`` and bind first.

``serve`` binds before it loads any data, so a port in use or an address this machine does not
have is reported at once (one line, exit 2) instead of after the data has loaded. The socket
starts listening only when everything is ready (``listen``), so no connection is accepted
before the server can answer it.

``--host`` is an IP address (or ``localhost``), never a name to look up: resolving a name would
query DNS, and a server should not depend on it to start. Standard library only, so this runs
before the heavy imports.
"""

from __future__ import annotations

import errno
import ipaddress
import socket

from hngraph.errors import HngraphError

BACKLOG = 128
LOCALHOST = "127.0.0.1"


class ListenError(HngraphError):
    """``--host`` or ``--port`` cannot be used, named with the option and the reason."""


def parse_port(text: str) -> int:
    """The port number of ``--port TEXT`` (0: any free port)."""
    try:
        port = int(text.strip())
    except ValueError:
        raise ListenError(f"--port {text}: not a number (0 to 65535)") from None
    if not 0 <= port <= 65535:
        raise ListenError(f"--port {text}: out of range (0 to 65535; 0 picks a free port)")
    return port


def parse_host(text: str) -> str:
    """The IP address of ``--host TEXT``; ``localhost`` means 127.0.0.1."""
    if text == "localhost":
        return LOCALHOST
    try:
        return str(ipaddress.ip_address(text.strip("[]")))
    except ValueError:
        raise ListenError(
            f"--host {text}: not an IP address of this machine (for example 127.0.0.1, ::1 "
            "or 0.0.0.0); names are not looked up"
        ) from None


def bind(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host``:``port``, not yet listening; a clear error if it cannot be."""
    address = parse_host(host)
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((address, port))
    except OSError as error:
        sock.close()
        raise ListenError(_reason(host, port, error)) from None
    return sock


def listen(sock: socket.socket) -> None:
    """Start accepting connections on a socket from ``bind``."""
    host, port = sock.getsockname()[:2]
    try:
        sock.listen(BACKLOG)
    except OSError as error:
        sock.close()
        raise ListenError(_reason(host, port, error)) from None


def _reason(host: str, port: int, error: OSError) -> str:
    where = f"--host {host} --port {port}"
    if error.errno == errno.EADDRINUSE:
        return f"{where}: the port is already in use (pick another, or --port 0 for a free one)"
    if error.errno == errno.EADDRNOTAVAIL:
        return f"{where}: this machine has no such address"
    if error.errno == errno.EACCES:
        return f"{where}: not allowed to listen there (ports below 1024 need privileges)"
    return f"{where}: cannot listen: {error.strerror or error}"


def url_of(sock: socket.socket) -> str:
    """The http URL a bound socket answers at."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"
