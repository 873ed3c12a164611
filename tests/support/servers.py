"""Real servers on ephemeral 127.0.0.1 ports for tests: uvicorn in a thread, a cutting proxy,
and the end of a server process."""

from __future__ import annotations

import contextlib
import signal
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import uvicorn
from starlette.applications import Starlette

from switchboard.config import McpServerSettings
from tests.support.tls import Certificates

# The demo MCP server over stdio: its command line, its settings, its config-file entry.
DEMO_STDIO = (sys.executable, ("-m", "switchboard", "demo-mcp"))
DEMO_MCP = McpServerSettings("demo", "stdio", *DEMO_STDIO)
DEMO_ENTRY = {"command": DEMO_STDIO[0], "args": list(DEMO_STDIO[1])}
# A server written with fastmcp (tests/support/fastmcp_server.py), run over stdio.
FASTMCP = str(Path(__file__).parent / "fastmcp_server.py")


def end_process(
    process: subprocess.Popen[bytes], stop: signal.Signals = signal.SIGTERM, wait: float = 10.0
) -> None:
    """Send a server process `stop`, and kill it if it has not exited within `wait` seconds."""
    process.send_signal(stop)
    try:
        process.wait(wait)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(wait)


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve_app(
    build: Callable[[str], Starlette],
    port: int = 0,
    grace: float = 0.2,
    tls: Certificates | None = None,
) -> Iterator[str]:
    """Serve `build(base_url)` with uvicorn on a loopback port in a thread; yield the base URL.
    On exit, open connections get `grace` seconds, then are cut, as when a server dies. With
    `tls`, it serves HTTPS with the server certificate and requires a client certificate
    signed by the CA (mutual TLS)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", port))
    base = f"{'https' if tls else 'http'}://127.0.0.1:{sock.getsockname()[1]}"
    secure = {}
    if tls is not None:
        secure = {
            "ssl_certfile": str(tls.server.cert),
            "ssl_keyfile": str(tls.server.key),
            "ssl_ca_certs": str(tls.ca),
            "ssl_cert_reqs": ssl.CERT_REQUIRED,
        }
    config = uvicorn.Config(
        build(base),
        log_level="critical",
        lifespan="on",
        timeout_graceful_shutdown=grace,
        **secure,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.01)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


class CuttingProxy:
    """A TCP proxy to `upstream` that drops the first `cuts` streaming responses after
    `after_events` SSE events, the way a flaky network or a restarting proxy does; with `lag`,
    it holds each piece of a streaming response that long, so the stream falls behind the
    agent, as over a slow link."""

    STREAM_MARKERS = (b"SendStreamingMessage", b"message:stream", b"message/stream")

    def __init__(
        self, upstream_port: int, after_events: int = 3, cuts: int = 1, lag: float = 0.0
    ) -> None:
        self.upstream_port = upstream_port
        self.after_events = after_events
        self.lag = lag
        self.cuts_left = cuts
        self.cut_count = 0
        self._lock = threading.Lock()
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                proxy._relay(self.request)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> CuttingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _relay(self, client: socket.socket) -> None:
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        seen_request = bytearray()
        state = {"streaming": False}

        def client_to_upstream() -> None:
            with contextlib.suppress(OSError):
                while data := client.recv(65536):
                    seen_request.extend(data)
                    if any(m in seen_request for m in self.STREAM_MARKERS):
                        state["streaming"] = True
                    upstream.sendall(data)
            with contextlib.suppress(OSError):
                upstream.shutdown(socket.SHUT_WR)

        pump = threading.Thread(target=client_to_upstream, daemon=True)
        pump.start()
        events = 0
        cut_this = None
        try:
            while data := upstream.recv(65536):
                if cut_this is None and state["streaming"]:
                    with self._lock:
                        cut_this = self.cuts_left > 0
                        if cut_this:
                            self.cuts_left -= 1
                events += data.count(b"data:")
                if self.lag and state["streaming"]:
                    time.sleep(self.lag)
                client.sendall(data)
                if cut_this and events >= self.after_events:
                    self.cut_count += 1
                    client.shutdown(socket.SHUT_RDWR)
                    break
        except OSError:
            pass
        finally:
            for sock in (client, upstream):
                with contextlib.suppress(OSError):
                    sock.close()
