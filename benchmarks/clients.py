"""Client-side helpers shared by the benchmarks: the product's path and the bare SDK's."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import gc
import math
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import httpx2
import mcp
from a2a.client import A2ACardResolver, ClientConfig, ClientFactory
from a2a.client.client import Client
from a2a.helpers import new_text_message
from a2a.types import Role, SendMessageRequest, StreamResponse
from mcp.client.streamable_http import streamable_http_client

from switchboard.chat.conversation import Conversation
from switchboard.config import AgentSettings, McpServerSettings, Settings
from switchboard.connections.a2a_agent import AgentConnection
from switchboard.connections.updates import Update
from switchboard.runtime import Runtime
from switchboard.workspace import Workspace

WAIT = 60.0  # upper bound for any single wait; never a measurement
BINDINGS = ["JSONRPC", "HTTP+JSON"]
DEFAULT_TIMEOUT = httpx.Timeout(5.0)  # httpx's own default
STREAM_TIMEOUT = httpx.Timeout(10.0, read=None)  # what the product's connections use
MCP_TIMEOUT = httpx2.Timeout(30, read=None)  # what the product's MCP connections use


@dataclass
class Span:
    """perf_counter() times of one exchange as seen on the loop."""

    start: float
    first_chunk: float | None = None
    end: float = math.nan

    @property
    def seconds(self) -> float:
        """Start to end."""
        return self.end - self.start


def open_workspace(url: str, name: str = "agent") -> tuple[Workspace, AgentConnection]:
    """A workspace (its own runtime) with one agent added once and connected."""
    ws = Workspace(Settings(source="benchmark"))
    view = ws.add_agent(AgentSettings(name=name, url=url)).wait(WAIT)
    agent = ws.registry.agent(view.name)
    if agent is None or view.status != "ready":
        ws.close()
        raise RuntimeError(f"could not connect to {url}: {view.error}")
    return ws, agent


def freeze_heap() -> None:
    """What the app does after start-up: collect once, then keep long-lived objects out of GC."""
    gc.collect()
    gc.freeze()


def follow_turn(conversation: Conversation, turn: int) -> None:
    """Tail the conversation log from a script thread until `turn` ends (like the chat page)."""
    for _batch in conversation.log.follow(0, until=lambda e: e.ends(turn), timeout=WAIT):
        pass


async def consume(agent: AgentConnection, text: str) -> list[Update]:
    """Send `text` on the connection and collect every update until the task settles."""
    async with contextlib.aclosing(agent.converse(text)) as updates:
        return [update async for update in updates]


def request(text: str) -> SendMessageRequest:
    """A SendMessage request with one user text part."""
    return SendMessageRequest(message=new_text_message(text, role=Role.ROLE_USER))


async def sdk_events(client: Client, text: str) -> AsyncIterator[StreamResponse]:
    """The SDK's own stream of events for one message, closed by the caller's task."""
    async with contextlib.aclosing(client.send_message(request(text))) as events:
        async for event in events:
            yield event


@contextlib.asynccontextmanager
async def sdk_client(url: str, timeouts: httpx.Timeout = DEFAULT_TIMEOUT) -> AsyncIterator[Client]:
    """A bare SDK client: a new httpx client, the card fetched, `ClientFactory(...).create`."""
    async with httpx.AsyncClient(timeout=timeouts) as http:
        card = await A2ACardResolver(http, url).get_agent_card()
        config = ClientConfig(
            httpx_client=http, streaming=True, supported_protocol_bindings=BINDINGS
        )
        client = ClientFactory(config).create(card)
        try:
            yield client
        finally:
            await client.close()


class ConverseClock:
    """Times each `agent.converse(...)` on the loop: start, first artifact chunk, end."""

    # It wraps the method on this one instance; the product code is not changed.

    def __init__(self, agent: AgentConnection) -> None:
        self.spans: list[Span] = []
        original = agent.converse

        async def timed(*args: object, **kwargs: object) -> AsyncIterator[Update]:
            span = Span(time.perf_counter())
            try:
                async with contextlib.aclosing(original(*args, **kwargs)) as updates:
                    async for update in updates:
                        if update.kind == "artifact" and span.first_chunk is None:
                            span.first_chunk = time.perf_counter()
                        yield update
            finally:
                span.end = time.perf_counter()
                self.spans.append(span)

        agent.converse = timed  # type: ignore[method-assign]


class BareClient:
    """A bare SDK client held open on the runtime's loop by one owner task."""

    # The owner enters and exits the client's contexts itself, like the product's owners.

    def __init__(
        self, runtime: Runtime, url: str, timeouts: httpx.Timeout = STREAM_TIMEOUT
    ) -> None:
        self._runtime = runtime
        self._ready: concurrent.futures.Future[Client] = concurrent.futures.Future()
        self._stop = asyncio.Event()
        self._owner = runtime.submit(self._own(url, timeouts))
        self._owner.add_done_callback(self._failed)
        self.client = self._ready.result(WAIT)

    async def _own(self, url: str, timeouts: httpx.Timeout) -> None:
        async with sdk_client(url, timeouts) as client:
            self._ready.set_result(client)
            await self._stop.wait()

    def _failed(self, owner: concurrent.futures.Future[None]) -> None:
        if not self._ready.done():
            error = None if owner.cancelled() else owner.exception()
            self._ready.set_exception(error or RuntimeError("the SDK client owner stopped"))

    def close(self) -> None:
        """Ask the owner to close the client, and wait for it."""
        self._runtime.loop.call_soon_threadsafe(self._stop.set)
        self._owner.result(WAIT)


@contextlib.asynccontextmanager
async def sdk_mcp_client(settings: McpServerSettings) -> AsyncIterator[mcp.Client]:
    """A bare `mcp.Client` session in `settings.era`: over stdio its own server process, over
    streamable HTTP a new `httpx2.AsyncClient` (with the product's timeouts) and session."""
    if settings.transport == "stdio":
        params = mcp.StdioServerParameters(command=settings.command, args=list(settings.args))
        async with mcp.Client(params, mode=settings.era) as client:
            yield client
        return
    async with httpx2.AsyncClient(timeout=MCP_TIMEOUT) as http:
        transport = streamable_http_client(settings.url, http_client=http)
        async with mcp.Client(transport, mode=settings.era) as client:
            yield client


class BareMcpClient:
    """A bare `mcp.Client` session held open on the runtime's loop by one owner task."""

    # Like BareClient: the owner enters and exits the session's contexts itself.

    def __init__(self, runtime: Runtime, settings: McpServerSettings) -> None:
        self._runtime = runtime
        self._ready: concurrent.futures.Future[mcp.Client] = concurrent.futures.Future()
        self._stop = asyncio.Event()
        self._owner = runtime.submit(self._own(settings))
        self._owner.add_done_callback(self._failed)
        self.client = self._ready.result(WAIT)

    async def _own(self, settings: McpServerSettings) -> None:
        async with sdk_mcp_client(settings) as client:
            self._ready.set_result(client)
            await self._stop.wait()

    def _failed(self, owner: concurrent.futures.Future[None]) -> None:
        if not self._ready.done():
            error = None if owner.cancelled() else owner.exception()
            self._ready.set_exception(error or RuntimeError("the MCP client owner stopped"))

    def close(self) -> None:
        """Ask the owner to close the session, and wait for it."""
        self._runtime.loop.call_soon_threadsafe(self._stop.set)
        self._owner.result(WAIT)
