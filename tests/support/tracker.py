"""A web server on loopback that serves a small image at any path and remembers every path it
was asked for: what a tracking pixel's owner would see."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from switchboard.demo.png import render_badge


@dataclass
class Tracker:
    """The server's address and the paths fetched from it, in order."""

    base: str
    fetched: list[str] = field(default_factory=list)

    @property
    def host(self) -> str:
        return self.base.removeprefix("http://")


@contextlib.contextmanager
def tracker() -> Iterator[Tracker]:
    """Serve until the block ends."""
    image = render_badge(8, 8)
    seen: list[str] = []

    class Pixel(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(image)))
            self.end_headers()
            self.wfile.write(image)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Pixel)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Tracker(f"http://127.0.0.1:{server.server_address[1]}", seen)
    finally:
        server.shutdown()
        server.server_close()
