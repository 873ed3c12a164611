"""The composition root and the facade the pages talk to.

One `Workspace` per process holds the runtime (the loop), the connections, the store, the
assistant and the chat service. The pages see only this: the chat service, read-only views
of the connections, and request methods that hand work to the loop and wait for it, bounded
and rerun-aware. Nothing here is Streamlit's: the same object serves tests and benchmarks.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine, Mapping
from dataclasses import replace
from typing import Any, TypeVar
from urllib.parse import urlsplit

from switchboard.assistant import Assistant
from switchboard.assistant.tools import Target, Toolbox
from switchboard.chat.conversation import Conversation
from switchboard.chat.counterparts import Counterparts
from switchboard.chat.export import from_json
from switchboard.chat.service import ChatService
from switchboard.chat.store import MemoryStore, Store, StoreError, open_store
from switchboard.config import (
    AgentSettings,
    ConfigError,
    McpServerSettings,
    Settings,
    check_http_url,
    parse_mcp_servers,
    same_origin,
)
from switchboard.connections.a2a_agent import AgentConnection
from switchboard.connections.mcp_server import McpConnection
from switchboard.connections.owner import CallError, Status
from switchboard.connections.registry import Registry
from switchboard.connections.wire import WireEntry, WireLog
from switchboard.runtime import Runtime
from switchboard.workspace.demo import DEMO_MCP, EmbeddedDemo
from switchboard.workspace.pending import Pending, StopCheck
from switchboard.workspace.views import AgentView, ModelView, ServerView, WireSource

T = TypeVar("T")
REQUEST_WAIT = 30.0  # seconds a page waits for a server's answer
MODEL = "Assistant's model"  # the inspector's name for the model's traffic


class Workspace:
    """Everything long-lived in one process. Build once (st.cache_resource in the app, directly
    in tests), close once: connections close through their owners, then the loop stops."""

    def __init__(self, settings: Settings, runtime: Runtime | None = None) -> None:
        self.settings = settings
        self.runtime = runtime or Runtime()
        self.registry = Registry(settings.roots, settings.limits)
        self.store_problem = ""
        try:
            self.store: Store = open_store(settings.data_dir, settings.database_url)
        except StoreError as exc:  # say so, and keep working in memory
            self.store, self.store_problem = MemoryStore(), str(exc)
        self.assistant = Assistant(self.registry, settings.llm)
        counterparts = Counterparts(self.registry, self.assistant)
        self.chat = ChatService(self.runtime, self.store, counterparts, self._secrets)
        self.demo = EmbeddedDemo(self.runtime)
        self.runtime.add_closer(self.demo.stop)
        self.runtime.add_closer(self.assistant.close)
        self.runtime.add_closer(self.registry.close_all)
        self.runtime.add_closer(self.chat.shutdown)  # closers run last-first: turns end first

    @classmethod
    def open(cls, settings: Settings) -> Workspace:
        """Start the runtime, the embedded demo when no config was given, and connect every
        configured agent in the background (the UI shows each one's status)."""
        workspace = cls(settings)
        if settings.embedded_demo:
            workspace.add_agent(workspace.demo.start())
            workspace.add_server(DEMO_MCP)
        for agent in settings.agents:
            workspace.add_agent(agent)
        for server in settings.mcp_servers:
            workspace.add_server(server)
        for conversation in workspace.store.unfinished():
            workspace.chat.recover(conversation)
        return workspace

    def is_alive(self) -> bool:
        return self.runtime.is_alive()

    def close(self, timeout: float = 10.0) -> None:
        """Close every connection, the demo server and the loop; then write what the store
        still holds (after the loop, whose last turns may still record)."""
        self.runtime.close(timeout)
        self.store.close(timeout)

    def close_soon(self) -> None:
        """Start closing without waiting (for Streamlit's `on_release`)."""
        self.runtime.close_soon()

    # Conversations

    def conversation(self, conversation_id: str, owner: str) -> Conversation | None:
        """`owner`'s conversation with this id, if there is one."""
        return self.store.get(conversation_id, owner)

    def conversations(self, owner: str, search: str = "") -> list[Conversation]:
        """`owner`'s conversations, newest first, matching `search`."""
        return self.store.list(owner, search)

    def rename(self, conversation_id: str, title: str) -> None:
        """Give a conversation the title the person typed (a blank one changes nothing)."""
        self.store.rename(conversation_id, title)

    def import_conversation(self, text: str, owner: str) -> Conversation:
        """A JSON export as a new conversation of `owner`'s; ConversationImportError says
        what is wrong with it."""
        counterpart, title, events = from_json(text)
        return self.store.add(counterpart, title, events, owner)

    def cancel_task(self, conversation_id: str) -> Pending[None]:
        """CancelTask for the conversation's last task; the outcome lands in its log."""
        return Pending(self.chat.cancel_task(conversation_id))

    def store_health(self) -> str | None:
        """Why conversations are not being saved, if they are not."""
        return self.store_problem or self.store.health()

    # Connections, as views

    def agents(self) -> list[AgentView]:
        return [AgentView.of(a) for a in self.registry.agents()]

    def agent(self, name: str) -> AgentView | None:
        agent = self.registry.agent(name)
        return AgentView.of(agent) if agent is not None else None

    def servers(self) -> list[ServerView]:
        return [ServerView.of(s) for s in self.registry.servers()]

    def server(self, name: str) -> ServerView | None:
        server = self.registry.server(name)
        return ServerView.of(server) if server is not None else None

    def model(self) -> ModelView:
        return ModelView.of(self.assistant.settings)

    def offered(self) -> list[Target]:
        """What the assistant's model may call now: every ready server's tools and agent."""
        return list(Toolbox.gather(self.registry).targets.values())

    def stderr(self, server: str) -> str:
        """The tail of a stdio server's stderr."""
        connection = self.registry.server(server)
        return connection.stderr_text() if connection is not None else ""

    def wire_sources(self) -> list[tuple[WireSource, str]]:
        """(kind, name) of every connection with a wire log: each agent, each MCP server, then
        the assistant's model when there is one."""
        return list(self._wire_logs())

    def wire_log(self, kind: WireSource, name: str) -> list[WireEntry]:
        """One connection's wire log, oldest first ([] for one no longer there)."""
        log = self._wire_logs().get((kind, name))
        return log.entries.snapshot() if log is not None else []

    def _wire_logs(self) -> dict[tuple[WireSource, str], WireLog]:
        logs = {(WireSource.AGENT, a.name): a.wire for a in self.registry.agents()}
        logs.update({(WireSource.SERVER, s.name): s.wire for s in self.registry.servers()})
        if self.assistant.configured:
            logs[(WireSource.MODEL, MODEL)] = self.assistant.model.wire
        return logs

    def connection_states(self) -> tuple[tuple[str, str], ...]:
        """(name, status) of every connection."""
        connections = [*self.registry.agents(), *self.registry.servers()]
        return tuple((c.name, c.status) for c in connections)

    def connecting(self, names: list[str] | None = None) -> bool:
        """True when one of these connections (all, by default) is still being made."""
        return bool(self._connecting(names))

    def await_connections(
        self, names: list[str] | None, timeout: float, stop_check: StopCheck | None = None
    ) -> None:
        """Give connections that are still connecting up to `timeout` seconds (rerun-aware):
        a first visit then shows their cards and tools instead of "connecting"."""
        pending = self._connecting(names)
        if pending:
            with contextlib.suppress(TimeoutError):
                self._call(_connect_all(pending), timeout, stop_check)

    def _connecting(self, names: list[str] | None) -> list[AgentConnection | McpConnection]:
        return [
            c
            for c in [*self.registry.agents(), *self.registry.servers()]
            if c.status in (Status.IDLE, Status.CONNECTING) and (names is None or c.name in names)
        ]

    # Requests: agents

    def add_agent(
        self, settings: AgentSettings, replace: bool = False, name_from_card: bool = False
    ) -> Pending[AgentView]:
        """Register an agent now and connect it on the loop; ready or failed when done. With
        `name_from_card`, the agent takes the name its card gives, when that name is free."""
        connection = self.registry.add(settings, replace=replace)
        return Pending(self.runtime.submit(self._connect_agent(connection, name_from_card)))

    def new_agent(
        self,
        url: str,
        name: str = "",
        headers: Mapping[str, str] | None = None,
        binding: str = "auto",
        version: str = "auto",
    ) -> Pending[AgentView]:
        """An agent the person added by URL; ConfigError naming what is wrong first."""
        url = url.strip()
        check_http_url(url, "Agent URL")
        chosen = name.strip() or urlsplit(url).netloc
        if self.registry.agent(chosen) is not None:
            raise ConfigError(f"An agent called {chosen!r} already exists: give it another name.")
        settings = AgentSettings(chosen, url, dict(headers or {}), binding, version)
        return self.add_agent(settings, name_from_card=not name.strip())

    def reconnect_agent(self, name: str) -> Pending[AgentView] | None:
        """Fetch the card again and rebuild the client."""
        agent = self.registry.agent(name)
        return self.add_agent(agent.settings, replace=True) if agent is not None else None

    def remove_agent(self, name: str) -> None:
        """Close and forget an agent (its conversations stay)."""
        self.runtime.submit(self.registry.remove(name))

    # Requests: MCP servers

    def add_server(self, settings: McpServerSettings, replace: bool = False) -> Pending[ServerView]:
        """Register an MCP server now and connect it on the loop (unless it is disabled); done
        after the first attempt (its status and error say how it went)."""
        connection = self.registry.add_server(settings, replace=replace)
        return Pending(self.runtime.submit(self._connect_server(connection)))

    def parse_servers(
        self, document: dict[str, Any], env: Mapping[str, str]
    ) -> tuple[list[McpServerSettings], list[str]]:
        """Servers from pasted `mcpServers` JSON (a bare map of servers works too)."""
        if not {"mcpServers", "servers"} & document.keys():
            document = {"mcpServers": document}
        return parse_mcp_servers(document, env)

    def change_server(self, name: str, **changes: Any) -> Pending[ServerView] | None:
        """Reconnect a server with some settings changed (era, timeout, disabled)."""
        server = self.registry.server(name)
        if server is None:
            return None
        return self.add_server(replace(server.settings, **changes), replace=True)

    def remove_server(self, name: str) -> None:
        """Close and forget an MCP server."""
        self.runtime.submit(self.registry.remove_server(name))

    def read_resource(
        self, server: str, uri: str, stop_check: StopCheck | None = None
    ) -> list[dict[str, Any]]:
        """A resource's contents; CallError or TimeoutError when it cannot be had."""
        return self._call(self._mcp(server).read_resource(uri), REQUEST_WAIT, stop_check)

    def complete(
        self,
        server: str,
        ref: dict[str, str],
        argument: str,
        value: str,
        stop_check: StopCheck | None = None,
    ) -> list[str]:
        """Completion values for a prompt's or template's argument."""
        coro = self._mcp(server).complete(ref, argument, value)
        return self._call(coro, REQUEST_WAIT, stop_check)

    def get_prompt(
        self, server: str, name: str, arguments: dict[str, str], stop_check: StopCheck | None = None
    ) -> list[dict[str, Any]]:
        """A prompt rendered with its arguments."""
        coro = self._mcp(server).get_prompt(name, arguments)
        return self._call(coro, REQUEST_WAIT, stop_check)

    # Requests: the assistant's model

    def list_models(self, timeout: float, stop_check: StopCheck | None = None) -> list[str]:
        """The models the endpoint lists ([] when it has none or does not answer in time)."""
        try:
            return self._call(self.assistant.models(), timeout, stop_check)
        except TimeoutError:
            return []

    def configure_model(self, key: str = "", **changes: Any) -> bool:
        """Change the model's settings; ConfigError for a bad base URL. A key stays with the
        host it was given for: True when a new host dropped the old key."""
        if changes.get("base_url"):
            check_http_url(changes["base_url"], "Base URL")
        settings = self.assistant.settings
        new = replace(settings, **changes)
        kept = settings.api_key if same_origin(new.endpoint, settings.endpoint) else ""
        new = replace(new, api_key=key.strip() or kept)
        self.assistant.configure(new)
        return bool(settings.api_key) and not new.api_key

    def set_approvals(self, rules: dict[str, str]) -> None:
        """Which calls ask first and which are allowed, from the next call on."""
        self.assistant.configure(replace(self.assistant.settings, approval=rules))

    def _secrets(self) -> list[str]:
        """Every configured secret value: connections' headers, env and ${VAR}s, the model's key."""
        key = self.assistant.settings.api_key
        return [*self.registry.secrets(), *([key] if key else [])]

    # On the loop

    async def _connect_agent(self, connection: AgentConnection, name_from_card: bool) -> AgentView:
        await self.registry.connect(connection)
        if name_from_card and connection.card and connection.card.name:
            self.registry.rename(connection, connection.card.name)
        return AgentView.of(connection)

    async def _connect_server(self, connection: McpConnection) -> ServerView:
        await self.registry.connect(connection)
        return ServerView.of(connection)

    def _mcp(self, name: str) -> McpConnection:
        server = self.registry.server(name)
        if server is None:
            raise CallError(f"There is no MCP server called {name!r} any more.")
        return server

    def _call(
        self, coro: Coroutine[Any, Any, T], timeout: float, stop_check: StopCheck | None
    ) -> T:
        return self.runtime.call(coro, timeout=timeout, stop_check=stop_check)


async def _connect_all(connections: list[AgentConnection | McpConnection]) -> None:
    await asyncio.gather(*(connection.connect() for connection in connections))
