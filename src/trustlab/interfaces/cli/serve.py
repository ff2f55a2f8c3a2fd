"""``trustlab serve``: the explorable web page, served from this computer."""

from __future__ import annotations

import errno
import ipaddress
import socket
import sys
import threading
import webbrowser
from typing import Annotated

import typer
from rich.table import Table

from trustlab.interfaces.cli._common import FormatOpt, OutputFormat, emit, fail

__all__ = ["register", "serve_command"]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve_command(
    port: Annotated[int, typer.Option("--port", help="Port to listen on (1024-65535).")] = 8000,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Address to bind (default loopback: only this computer can connect).",
        ),
    ] = "127.0.0.1",
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the page in the default browser.")
    ] = False,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Serve the explorable: chapters a reader steps through, computed live by trustlab.

    The address is printed first (as a table, or with --format json|csv for scripts); the server
    then runs until Ctrl+C.

    Example: trustlab serve --port 8000 --open
    """
    if not 1024 <= port <= 65535:
        fail(f"--port must be between 1024 and 65535, got {port}")
    _check_free(host.strip("[]"), port)
    import uvicorn

    from trustlab.interfaces.web.app import LOOPBACK_HOSTS, create_app
    from trustlab.interfaces.web.limits import MAX_MESSAGE_BYTES

    loopback = _is_loopback(host)
    app = create_app(allowed_hosts=list(LOOPBACK_HOSTS) if loopback else None)
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    url = f"http://{shown}:{port}/"
    payload = {"url": url, "host": host, "port": port, "loopback": loopback}
    emit(payload, fmt, _table, lambda p: [p])
    if not loopback:
        sys.stderr.write(f"warning: listening on {host}: other computers can reach this page\n")
    sys.stdout.flush()
    if open_browser:
        _open_soon(url)
    uvicorn.run(
        app,
        host=host.strip("[]"),
        port=port,
        log_level="warning",
        ws_max_size=MAX_MESSAGE_BYTES * 2,
        # frames are small and made many times a second: compressing them cost more CPU than
        # everything else the server does per frame (measured with cProfile, 20 sessions)
        ws_per_message_deflate=False,
        limit_concurrency=200,
    )


def _check_free(host: str, port: int) -> None:
    """Refuse, in one line, an address that cannot be listened on (in use, or not this
    computer's) before anything is printed or started."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        fail(f"--host {host[:60]!r} is not an address of this computer")
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                fail(f"port {port} on {host[:60]} is in use; choose another with --port")
            fail(f"cannot listen on {host[:60]}:{port} ({exc.strerror})")


def _open_soon(url: str) -> None:
    """Open ``url`` in the default browser a second from now (the server starts meanwhile)."""
    threading.Timer(1.0, webbrowser.open, args=(url,)).start()


def _table(payload: dict[str, object]) -> Table:
    t = Table(title="trustlab explorable (Ctrl+C to stop)", show_header=False)
    t.add_row("address", str(payload["url"]))
    t.add_row("reachable from", "this computer only" if payload["loopback"] else "the network")
    return t


def register(app: typer.Typer) -> None:
    """Add ``serve`` to ``app``."""
    app.command("serve")(serve_command)
