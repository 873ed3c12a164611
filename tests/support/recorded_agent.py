"""The demo agent behind a recorder of which host each request went to, with which
credentials: where secrets went, seen from the agent's side."""

from __future__ import annotations

from collections.abc import Iterator

from starlette.applications import Starlette
from starlette.requests import Request

from switchboard.demo.agent import build_app
from tests.support.servers import free_port, serve_app


class Recorder:
    """ASGI middleware that remembers which host each request went to and what credentials
    it carried."""

    def __init__(self, app: Starlette) -> None:
        self.app = app
        self.seen: list[tuple[str, str, str, str]] = []

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] == "http":
            request = Request(scope)
            self.seen.append(
                (
                    request.headers.get("host", ""),
                    request.url.path,
                    request.headers.get("authorization", ""),
                    request.headers.get("x-api-key", ""),
                )
            )
        await self.app(scope, receive, send)


def serve_recorded(card_host: str) -> tuple[Recorder, Iterator[str]]:
    """The demo agent behind a recorder; its card names `card_host` as the endpoint host."""
    port = free_port()
    recorder = Recorder(build_app(f"http://{card_host}:{port}"))
    return recorder, serve_app(lambda _: recorder, port=port)  # type: ignore[arg-type,return-value]
