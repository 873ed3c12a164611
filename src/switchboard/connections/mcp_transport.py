"""Wrapping an MCP transport: every JSON-RPC message goes to the wire log, and the end of the
server's stream is noticed at once (a stdio server that dies while idle)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from types import TracebackType
from typing import Any, Self

import anyio
from mcp.shared.message import SessionMessage

from switchboard.connections.mcp_attribution import Attribution
from switchboard.connections.mcp_sdk_log import WIRE
from switchboard.connections.owner import Breakage
from switchboard.connections.wire import Direction, Role, WireLog

UNREAD = "message that could not be read"  # a wire entry's title, after its arrow


@contextlib.asynccontextmanager
async def logged(transport: Any, wire: WireLog, ended: Breakage) -> AsyncIterator[Any]:
    """Enter `transport` and yield its (read, write) streams wrapped for the wire log; `ended`
    is set when the server's side of the stream ends. Each message is logged as its owner's."""
    attribution = Attribution()
    WIRE.set(wire)  # before the transport starts its tasks: they write to this wire log
    async with transport as (read, write):
        yield (
            LoggedReadStream(read, wire, ended, attribution),
            LoggedWriteStream(write, wire, attribution),
        )


class _Stream:
    """`async with stream:` closes the wrapped stream, as the SDK's streams do."""

    _inner: Any

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class LoggedReadStream(_Stream):
    """The server → client stream, logging each message (the SDK's ReadStream protocol)."""

    def __init__(
        self, inner: Any, wire: WireLog, ended: Breakage, attribution: Attribution
    ) -> None:
        self._inner = inner
        self._wire = wire
        self._ended = ended
        self._attribution = attribution

    @property
    def last_context(self) -> Any:
        return getattr(self._inner, "last_context", None)

    async def receive(self) -> Any:
        try:
            item = await self._inner.receive()
        except Exception:  # end of stream, closed resource: the server is gone
            self._ended.set("the server closed the connection")
            raise
        _log(self._wire, "←", item, self._attribution.received)
        return item

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> Any:
        try:
            return await self.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            raise StopAsyncIteration from None


class LoggedWriteStream(_Stream):
    """The client → server stream, logging each message (the SDK's WriteStream protocol)."""

    def __init__(self, inner: Any, wire: WireLog, attribution: Attribution) -> None:
        self._inner = inner
        self._wire = wire
        self._attribution = attribution

    async def send(self, item: SessionMessage, /) -> None:
        _log(self._wire, "→", item, self._attribution.sent)
        await self._inner.send(item)


def _log(wire: WireLog, arrow: str, item: Any, owner_of: Callable[[Any], str | None]) -> None:
    if isinstance(item, SessionMessage):
        message = item.message
        direction = Direction.REQUEST if arrow == "→" else Direction.RESPONSE
        title, exchange = _exchange(arrow, message)
        wire.record(direction, f"{arrow} {title}", message, owner_of(message), **exchange)
    elif isinstance(item, Exception):
        wire.record(Direction.ERROR, f"{arrow} {UNREAD}", f"{type(item).__name__}: {item}")


def _exchange(arrow: str, message: Any) -> tuple[str, dict[str, Any]]:
    """A JSON-RPC message's title and its place in an exchange: a call and its answer share a
    key made of who called and the id (each side numbers its own calls)."""
    method, ident = getattr(message, "method", None), getattr(message, "id", None)
    if method and ident is not None:
        return method, {"key": f"{arrow}{ident}", "role": Role.CALL, "method": method}
    if method:
        return method, {"role": Role.NOTIFICATION, "method": method}
    caller = "←" if arrow == "→" else "→"
    error = getattr(message, "error", None)
    if error is not None:
        status, title = f"error {error.code}", f"error for #{ident}"
    else:
        result = getattr(message, "result", None) or {}
        status = "tool error" if isinstance(result, dict) and result.get("isError") else "ok"
        title = f"result for #{ident}"
    return title, {"key": f"{caller}{ident}", "role": Role.ANSWER, "status": status}
