"""Client-side helpers shared by the benchmarks: the product's path and the bare SDK's."""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import AsyncIterator, Callable

import httpx
from a2a.client import A2ACardResolver, ClientConfig, ClientFactory
from a2a.client.client import Client
from a2a.helpers import new_text_message
from a2a.types import Role, SendMessageRequest, StreamResponse

from switchboard.chat.conversation import Conversation
from switchboard.chat.events import Event
from switchboard.chat.workspace import Workspace
from switchboard.config import AgentSettings, Settings
from switchboard.connections.a2a_agent import AgentConnection
from switchboard.connections.updates import Update

WAIT = 60.0  # upper bound for any single wait; never a measurement
BINDINGS = ["JSONRPC", "HTTP+JSON"]


def open_workspace(url: str, name: str = "agent") -> tuple[Workspace, AgentConnection]:
    """A workspace (its own runtime) with one agent added once and connected."""
    ws = Workspace(Settings(source="benchmark"))
    agent = ws.add_agent(AgentSettings(name=name, url=url)).result(WAIT)
    if agent.status != "ready":
        ws.close()
        raise RuntimeError(f"could not connect to {url}: {agent.error}")
    return ws, agent


def freeze_heap() -> None:
    """What the app does after start-up: collect once, then keep long-lived objects out of GC."""
    gc.collect()
    gc.freeze()


def follow_turn(
    conversation: Conversation,
    turn: int,
    on_batch: Callable[[list[Event]], None] | None = None,
) -> None:
    """Tail the conversation log from a script thread until `turn` ends (like the chat page)."""
    for batch in conversation.log.follow(0, until=lambda e: e.ends(turn), timeout=WAIT):
        if on_batch is not None:
            on_batch(batch)


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
async def sdk_client(url: str) -> AsyncIterator[Client]:
    """A bare SDK client: a new httpx client, the card fetched, `ClientFactory(...).create`."""
    async with httpx.AsyncClient() as http:
        card = await A2ACardResolver(http, url).get_agent_card()
        config = ClientConfig(httpx_client=http, streaming=True, supported_protocol_bindings=BINDINGS)
        client = ClientFactory(config).create(card)
        try:
            yield client
        finally:
            await client.close()


class ConverseClock:
    """Times every `agent.converse(...)` on the loop, from its first step to its end, by
    wrapping the method on this one instance (the product code is not changed)."""

    def __init__(self, agent: AgentConnection) -> None:
        self.spans: list[float] = []
        self.starts: list[float] = []
        original = agent.converse

        async def timed(*args: object, **kwargs: object) -> AsyncIterator[Update]:
            start = time.perf_counter()
            self.starts.append(start)
            try:
                async with contextlib.aclosing(original(*args, **kwargs)) as updates:
                    async for update in updates:
                        yield update
            finally:
                self.spans.append(time.perf_counter() - start)

        agent.converse = timed  # type: ignore[method-assign]
