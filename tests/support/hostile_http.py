"""An HTTP server whose paths each answer an agent card the way a broken or hostile server
does: a redirect, silence, a byte now and then, a lying Content-Encoding, a body far too big."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from google.protobuf.json_format import MessageToDict
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from switchboard.demo.agent import build_card

CARD = "/.well-known/agent-card.json"
HUGE = 5_000_000  # bytes of the huge card
DRIP = 0.2  # seconds between the drip's bytes


def hostile_cards(base: str) -> Starlette:
    """The server; `base` is where it listens."""
    real = MessageToDict(build_card(base + "/real"))

    async def redirect(_request: Request) -> Response:
        return RedirectResponse(base + "/real" + CARD, status_code=302)

    async def card(_request: Request) -> Response:
        return JSONResponse(real)

    async def silent(_request: Request) -> Response:
        await asyncio.sleep(3600)
        return Response()

    async def drip(_request: Request) -> Response:
        async def bytes_now_and_then() -> AsyncIterator[bytes]:
            yield b"{"
            while True:
                await asyncio.sleep(DRIP)
                yield b" "

        return StreamingResponse(bytes_now_and_then(), media_type="application/json")

    async def lying_gzip(_request: Request) -> Response:
        return Response(b'{"name": "not gzip"}', headers={"Content-Encoding": "gzip"})

    async def huge(_request: Request) -> Response:
        async def chunks() -> AsyncIterator[bytes]:
            yield b'{"name": "huge", "description": "'
            for _ in range(HUGE // 65536 + 1):
                yield b"x" * 65536
            yield b'"}'

        return StreamingResponse(chunks(), media_type="application/json")

    routes = [
        Route("/redirect" + CARD, redirect),
        Route("/real" + CARD, card),
        Route("/silent" + CARD, silent),
        Route("/drip" + CARD, drip),
        Route("/gzip" + CARD, lying_gzip),
        Route("/huge" + CARD, huge),
    ]
    return Starlette(routes=routes)
