"""The composition root: one runtime, the connections, the conversations, the chat service."""

from __future__ import annotations

import asyncio
import concurrent.futures
import socket
import sys
from collections.abc import Coroutine
from typing import Any

from switchboard.assistant import Assistant
from switchboard.chat.conversation import ConversationStore
from switchboard.chat.service import ChatService
from switchboard.chat.store import SqlStore, StoreError
from switchboard.config import AgentSettings, McpServerSettings, Settings
from switchboard.connections.a2a_agent import AgentConnection
from switchboard.connections.mcp_server import McpConnection
from switchboard.connections.registry import Registry
from switchboard.runtime import Runtime

DEMO_AGENT_NAME = "Demo Agent"
DEMO_MCP_NAME = "Demo MCP"


class Workspace:
    """Everything long-lived in one process. Build once (st.cache_resource in the app, directly
    in tests), close once: connections close through their owners, then the loop stops."""

    def __init__(self, settings: Settings, runtime: Runtime | None = None) -> None:
        self.settings = settings
        self.runtime = runtime or Runtime()
        self.registry = Registry(settings.roots)
        self.store_problem = ""
        try:
            self.store: ConversationStore | SqlStore = open_store(settings)
        except StoreError as exc:  # say so, and keep working in memory
            self.store, self.store_problem = ConversationStore(), str(exc)
        self.assistant = Assistant(self.registry, settings.llm)
        self.chat = ChatService(self.runtime, self.registry, self.store, self.assistant)
        self.demo_url = ""
        self._demo: asyncio.Task[None] | None = None
        self.runtime.add_closer(self._stop_demo)
        self.runtime.add_closer(self.assistant.close)
        self.runtime.add_closer(self.registry.close_all)
        self.runtime.add_closer(self.chat.shutdown)  # closers run last-first: turns end first

    @classmethod
    def open(cls, settings: Settings) -> Workspace:
        """Start the runtime, the embedded demo when no config was given, and connect every
        configured agent in the background (the UI shows each one's status)."""
        workspace = cls(settings)
        if settings.embedded_demo:
            workspace.start_demo()
        for agent in settings.agents:
            workspace.add_agent(agent)
        for server in settings.mcp_servers:
            workspace.add_server(server)
        for conversation in workspace.store.unfinished():
            workspace.chat.recover(conversation)
        return workspace

    def add_server(
        self, settings: McpServerSettings, replace: bool = False
    ) -> concurrent.futures.Future[McpConnection]:
        """Register an MCP server now and connect it on the loop (unless it is disabled); the
        future resolves after the first attempt (its status and error say how it went)."""
        connection = self.registry.add_server(settings, replace=replace)
        return self.runtime.submit(self.registry.connect(connection))

    def add_agent(
        self, settings: AgentSettings, replace: bool = False, name_from_card: bool = False
    ) -> concurrent.futures.Future[AgentConnection]:
        """Register an agent now and connect it on the loop; the future resolves when it is
        ready or has failed (its status and error say which). With `name_from_card`, the
        agent takes the name its card gives, when that name is free."""
        connection = self.registry.add(settings, replace=replace)
        return self.runtime.submit(self._connect(connection, name_from_card))

    async def _connect(self, connection: AgentConnection, name_from_card: bool) -> AgentConnection:
        await self.registry.connect(connection)
        if name_from_card and connection.card and connection.card.name:
            self.registry.rename(connection, connection.card.name)
        return connection

    def start_demo(self) -> str:
        """Serve the bundled demo agent on a free loopback port, on the loop, and add it and
        the demo MCP server (over stdio)."""
        from switchboard.demo.agent import serve  # the demo server is only loaded when used

        sock = socket.socket()
        # Accepted connections inherit it: stream events are not held back by delayed ACKs.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)
        self.demo_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self._demo = self.runtime.call(_spawn(serve(sock)), timeout=10)
        self.add_agent(AgentSettings(name=DEMO_AGENT_NAME, url=self.demo_url))
        demo_mcp = ("-m", "switchboard", "demo-mcp")
        self.add_server(McpServerSettings(DEMO_MCP_NAME, "stdio", sys.executable, demo_mcp))
        return self.demo_url

    def close(self, timeout: float = 10.0) -> None:
        """Close every connection, the demo server and the loop; then write what the store
        still holds (after the loop, whose last turns may still record)."""
        self.runtime.close(timeout)
        self.store.close(timeout)

    async def _stop_demo(self) -> None:
        if self._demo is not None and not self._demo.done():
            self._demo.cancel()
            await asyncio.wait({self._demo})


def open_store(settings: Settings) -> ConversationStore | SqlStore:
    """PostgreSQL when a database URL is set, SQLite in the data directory when one is set,
    else memory (tests, and workspaces that need not outlive their process)."""
    if settings.database_url:
        return SqlStore(settings.data_dir or None, url=settings.database_url)
    if settings.data_dir:
        return SqlStore(settings.data_dir)
    return ConversationStore()


async def _spawn(coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
    """Start `coro` as a task of the loop and hand back the task itself (cancelling a
    concurrent future would not wait for the task to finish)."""
    return asyncio.create_task(coro)
