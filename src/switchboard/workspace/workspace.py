"""The composition root and the facade the pages talk to.

One `Workspace` per process holds the runtime (the loop), the connections, the store, the
assistant and the chat service. The pages see only this: the chat service, read-only views
of the connections, and request methods that hand work to the loop and wait for it, bounded
and rerun-aware. Nothing here is Streamlit's: the same object serves tests and benchmarks.
"""

from __future__ import annotations

import contextlib
from collections.abc import Coroutine, Mapping
from dataclasses import replace
from typing import Any, TypeVar
from urllib.parse import urlsplit

from switchboard.assistant import Assistant
from switchboard.assistant.tools import Target, Toolbox
from switchboard.chat.conversation import Conversation, Summary
from switchboard.chat.counterparts import Counterparts
from switchboard.chat.export import from_json, marked_imported
from switchboard.chat.service import ChatService
from switchboard.chat.store import MemoryStore, Store, StoreError, open_store
from switchboard.config import (
    AgentSettings,
    ConfigError,
    McpServerSettings,
    Settings,
)
from switchboard.connections.a2a_agent import AgentConnection
from switchboard.connections.mcp_server import McpConnection
from switchboard.connections.owner import CallError
from switchboard.connections.registry import Registry, settle
from switchboard.connections.url_guard import UrlGuard
from switchboard.connections.wire import WireEntry, WireLog
from switchboard.runtime import Runtime
from switchboard.workspace.access import Access, reachable, url_guard
from switchboard.workspace.demo import DEMO_MCP, EmbeddedDemo
from switchboard.workspace.inspection import InspectorDesk
from switchboard.workspace.kept import KeptConnections
from switchboard.workspace.models import ModelDesk
from switchboard.workspace.pending import Pending, StopCheck, call_for
from switchboard.workspace.signing import SignInDesk
from switchboard.workspace.subscriptions import ResourceSubscriptions
from switchboard.workspace.tasks import TaskDesk
from switchboard.workspace.tool_bench import ToolBench
from switchboard.workspace.views import (
    AgentView,
    ModelView,
    ServerView,
    WireSource,
    wire_logs,
)

T = TypeVar("T")
REQUEST_WAIT = 30.0  # seconds a page waits for a server's answer


class Workspace:
    """Everything long-lived in one process. Build once (st.cache_resource in the app, directly
    in tests), close once: connections close through their owners, then the loop stops."""

    def __init__(
        self,
        settings: Settings,
        runtime: Runtime | None = None,
        exposed: bool = False,
        each_person: bool = False,
    ) -> None:
        self.settings = settings
        self.runtime = runtime or Runtime()
        self.access = Access(settings.admins)  # who may change which connection
        self.urls = url_guard(settings, exposed)  # where connections entered in the UI may go
        self.store_problem = ""
        try:
            self.store: Store = open_store(
                settings.data_dir, settings.database_url, settings.secret_key
            )
        except StoreError as exc:  # say so, and keep working in memory
            self.store, self.store_problem = MemoryStore(), str(exc)
        # Sealed in the store; `each_person` (people log in): nobody's sign-in serves another.
        self.signing = SignInDesk(settings.public_url, self.store.vault, each_person)
        self.registry = Registry(settings.roots, settings.limits, self.signing.context)
        self.registry.launch = lambda c: self.runtime.submit(self.registry.connect(c))
        self.assistant = Assistant(self.registry, settings.llm)
        self.models = ModelDesk(self.runtime, self.assistant, self.urls)
        self.inspector = InspectorDesk(self.runtime, self.registry, self.assistant)
        counterparts = Counterparts(self.registry, self.assistant)
        self.chat = ChatService(self.runtime, self.store, counterparts, self._secrets)
        self.bench = ToolBench(self.chat, self.store)
        self.tasks = TaskDesk(self.runtime, self.registry, self.chat, self.store)
        self.kept = KeptConnections(self.store.vault)  # what people added in the UI
        self.subscriptions = ResourceSubscriptions(self.runtime, self.registry, self.access)
        self.demo = EmbeddedDemo(self.runtime)
        self.runtime.add_closer(self.demo.stop)
        self.runtime.add_closer(self.assistant.close)
        self.runtime.add_closer(self.registry.close_all)
        self.runtime.add_closer(self.chat.shutdown)  # closers run last-first: turns end first

    @classmethod
    def open(
        cls, settings: Settings, exposed: bool = False, each_person: bool = False
    ) -> Workspace:
        """Start the runtime, the embedded demo when no config was given, and connect every
        configured agent in the background (the UI shows each one's status). `exposed`: the
        app listens beyond loopback, so what people enter in the UI is held to `allowedHosts`;
        `each_person`: people log in, and each signs in to a shared connection for themselves."""
        workspace = cls(settings, exposed=exposed, each_person=each_person)
        if settings.embedded_demo:
            workspace.add_agent(workspace.demo.start())
            workspace.add_server(DEMO_MCP)
        for agent in settings.agents:
            workspace.add_agent(agent)
        for server in settings.mcp_servers:
            workspace.add_server(server)
        stdio = settings.allow_stdio_from_ui
        workspace.kept.restore(
            lambda agent, user: workspace.add_agent(agent, owner=user, guard=workspace.urls),
            lambda server, user: workspace.add_server(server, owner=user, guard=workspace.urls),
            stdio=not exposed if stdio is None else stdio,  # as the MCP page allows it now
        )
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

    def conversations(
        self, owner: str, search: str = "", limit: int | None = None
    ) -> list[Summary]:
        """`owner`'s conversations, newest first, matching `search` (at most `limit`)."""
        return self.store.list(owner, search, limit)

    def rename(self, conversation_id: str, title: str) -> None:
        """Give a conversation the title the person typed (a blank one changes nothing)."""
        self.store.rename(conversation_id, title)

    def import_conversation(self, text: str, owner: str) -> Conversation:
        """A JSON export as a new conversation of `owner`'s; ConversationImportError says
        what is wrong with it."""
        counterpart, title, events = from_json(text)
        return self.store.add(counterpart, title, marked_imported(events), owner)

    def cancel_task(self, conversation_id: str) -> Pending[None]:
        """CancelTask for the conversation's last task; the outcome lands in its log."""
        return Pending(self.chat.cancel_task(conversation_id))

    def store_health(self) -> str | None:
        """Why conversations are not being saved, if they are not."""
        return self.store_problem or self.store.health()

    # Connections, as views: each person sees the shared ones and their own (see access.py)

    def agents(self, user: str) -> list[AgentView]:
        return [AgentView.of(a) for a in self.registry.agents(user)]

    def agent(self, name: str, user: str) -> AgentView | None:
        agent = self.registry.agent(name, user)
        return AgentView.of(agent) if agent is not None else None

    def servers(self, user: str) -> list[ServerView]:
        return [ServerView.of(s) for s in self.registry.servers(user)]

    def server(self, name: str, user: str) -> ServerView | None:
        server = self.registry.server(name, user)
        return ServerView.of(server) if server is not None else None

    def model(self, user: str) -> ModelView:
        """`user`'s model settings and approvals."""
        return ModelView.of(self.assistant.settings(user))

    def offered(self, user: str) -> list[Target]:
        """What `user`'s assistant may call now: the tools and agents they see that are ready."""
        return list(Toolbox.gather(self.registry, user).targets.values())

    def stderr(self, server: str, user: str) -> str:
        """The tail of a stdio server's stderr."""
        connection = self.registry.server(server, user)
        return connection.stderr_text() if connection is not None else ""

    def wire_log(self, kind: WireSource, name: str, user: str) -> list[WireEntry]:
        """What `user` may read of one connection's wire log (the connection's own traffic and
        their conversations'), oldest first; [] for one no longer there."""
        log = self._wire_logs(user).get((kind, name))
        return log.seen_by(user) if log is not None else []

    def _wire_logs(self, user: str) -> dict[tuple[WireSource, str], WireLog]:
        return wire_logs(self.registry, self.assistant, user)

    def connection_states(self) -> tuple[tuple[str, str], ...]:
        """(name, status) of every connection."""
        connections = [*self.registry.agents(), *self.registry.servers()]
        return tuple((c.name, c.status) for c in connections)

    def connecting(self, names: list[str] | None = None) -> bool:
        """True when one of these connections (all, by default) is still being made."""
        return bool(self.registry.connecting(names))

    def await_connections(
        self, names: list[str] | None, timeout: float, stop_check: StopCheck | None = None
    ) -> None:
        """Give connections that are still connecting up to `timeout` seconds (rerun-aware):
        a first visit then shows their cards and tools instead of "connecting"."""
        pending = self.registry.connecting(names)
        if pending:
            with contextlib.suppress(TimeoutError):
                self._call(settle(pending), timeout, stop_check)

    # Requests: agents

    def add_agent(
        self,
        settings: AgentSettings,
        replace: bool = False,
        name_from_card: bool = False,
        owner: str | None = None,
        guard: UrlGuard | None = None,
    ) -> Pending[AgentView]:
        """Register an agent (shared, or `owner`'s own; `guard`ed when entered in the UI) and
        connect it on the loop. With `name_from_card`, it takes its card's name, if free."""
        connection = self.registry.add(settings, replace, owner, guard)
        return Pending(self.runtime.submit(self._connect_agent(connection, name_from_card)))

    def new_agent(
        self,
        url: str,
        user: str,
        name: str = "",
        headers: Mapping[str, str] | None = None,
        binding: str = "auto",
        version: str = "auto",
    ) -> Pending[AgentView]:
        """An agent `user` added by URL, theirs alone; ConfigError naming what is wrong first."""
        url = url.strip()
        reachable(self.urls, url, "Agent URL")
        chosen = name.strip() or urlsplit(url).netloc
        if self.registry.agent(chosen, user) is not None:
            raise ConfigError(f"An agent called {chosen!r} already exists: give it another name.")
        settings = AgentSettings(chosen, url, dict(headers or {}), binding, version)
        return self.add_agent(settings, False, not name.strip(), user, self.urls)

    def reconnect_agent(
        self, name: str, user: str, sign_out: bool = False
    ) -> Pending[AgentView] | None:
        """Fetch the card again and rebuild the client (`sign_out`: forget the person's token
        first); NotAllowed for a shared agent unless `user` is an admin."""
        agent = self.access.changeable(self.registry.agent(name, user), user, sign_in_only=True)
        if agent is None:
            return None
        if sign_out:  # before the new connection exists: a page may start it at once
            agent.sign_out()
        return self.add_agent(agent.settings, True, owner=agent.user, guard=agent.guard)

    def remove_agent(self, name: str, user: str) -> None:
        """Close and forget an agent (its conversations stay); NotAllowed as above."""
        agent = self.access.changeable(self.registry.agent(name, user), user)
        if agent is not None:
            self.kept.drop(agent)
            self.runtime.submit(self.registry.remove(self.registry.original(agent)))

    # Requests: MCP servers

    def add_server(
        self,
        settings: McpServerSettings,
        replace: bool = False,
        owner: str | None = None,
        guard: UrlGuard | None = None,
    ) -> Pending[ServerView]:
        """Register an MCP server (shared, or `owner`'s own) and connect it on the loop (unless
        it is disabled); done after the first attempt (its status and error say how it went)."""
        connection = self.registry.add_server(settings, replace, owner, guard)
        return Pending(self.runtime.submit(self._connect_server(connection)))

    def new_server(self, settings: McpServerSettings, user: str) -> Pending[ServerView]:
        """A server `user` added in the UI, theirs alone; one of the same name they see is
        replaced (a shared one only by an admin: else NotAllowed)."""
        if settings.url:
            reachable(self.urls, settings.url, f"{settings.name}: url")
        existing = self.access.changeable(self.registry.server(settings.name, user), user)
        owner = self.registry.original(existing).user if existing is not None else user
        return self.add_server(settings, True, owner, self.urls)

    def change_server(
        self, name: str, user: str, sign_out: bool = False, **changes: Any
    ) -> Pending[ServerView] | None:
        """Reconnect a server with some settings changed (era, timeout, disabled), or signed
        out first; NotAllowed for a shared server unless `user` is an admin."""
        server = self.registry.server(name, user)
        server = self.access.changeable(server, user, sign_in_only=not changes)
        if server is None:
            return None
        if sign_out:  # before the new connection exists: a page may start it at once
            server.sign_out()
        if changes:  # to the shared one, when this is a person's copy of it
            server = self.registry.original(server)
        settings = replace(server.settings, **changes)
        connection = self.registry.add_server(settings, True, server.user, server.guard)
        return Pending(self.runtime.submit(self._connect_server(connection)))

    def set_log_level(self, name: str, level: str, user: str) -> None:
        """From which level a server sends its log messages (one setting per server: on a
        shared one, an admin's; NotAllowed otherwise); CallError when it refuses."""
        server = self.access.changeable(self.registry.server(name, user), user)
        if server is not None:
            self._call(server.set_log_level(level), REQUEST_WAIT, None, user)

    def remove_server(self, name: str, user: str) -> None:
        """Close and forget an MCP server; NotAllowed as above."""
        server = self.access.changeable(self.registry.server(name, user), user)
        if server is not None:
            self.kept.drop(server)
            self.runtime.submit(self.registry.remove(self.registry.original(server)))

    def read_resource(
        self, server: str, uri: str, user: str, stop_check: StopCheck | None = None
    ) -> list[dict[str, Any]]:
        """A resource's contents; CallError or TimeoutError when it cannot be had."""
        coro = self._mcp(server, user).read_resource(uri)
        return self._call(coro, REQUEST_WAIT, stop_check, user)

    def complete(
        self,
        server: str,
        ref: dict[str, str],
        argument: str,
        value: str,
        user: str,
        stop_check: StopCheck | None = None,
        context: dict[str, str] | None = None,
    ) -> list[str]:
        """Completion values for a prompt's or template's argument, given the others filled."""
        coro = self._mcp(server, user).complete(ref, argument, value, context)
        return self._call(coro, REQUEST_WAIT, stop_check, user)

    def get_prompt(
        self,
        server: str,
        name: str,
        arguments: dict[str, str],
        user: str,
        stop_check: StopCheck | None = None,
    ) -> list[dict[str, Any]]:
        """A prompt rendered with its arguments."""
        coro = self._mcp(server, user).get_prompt(name, arguments)
        return self._call(coro, REQUEST_WAIT, stop_check, user)

    def _secrets(self) -> list[str]:
        """Every configured secret value: connections' headers, env and ${VAR}s, model keys."""
        return [*self.registry.secrets(), *self.assistant.seats.secrets()]

    # On the loop

    async def _connect_agent(self, connection: AgentConnection, name_from_card: bool) -> AgentView:
        await self.registry.connect(connection)
        was = connection.name
        if name_from_card and connection.card and connection.card.name:
            self.registry.rename(connection, connection.card.name)
        await self.kept.connected(connection, was)
        return AgentView.of(connection)

    async def _connect_server(self, connection: McpConnection) -> ServerView:
        await self.registry.connect(connection)
        await self.kept.connected(connection)
        return ServerView.of(connection)

    def _mcp(self, name: str, user: str) -> McpConnection:
        server = self.registry.server(name, user)
        if server is None:
            raise CallError(f"There is no MCP server called {name!r} any more.")
        return server

    def _call(
        self,
        coro: Coroutine[Any, Any, T],
        timeout: float,
        stop_check: StopCheck | None,
        user: str | None = None,
    ) -> T:
        """Run `coro` on the loop for `user` (their traffic in the wire log), bounded."""
        return call_for(self.runtime, user, coro, timeout, stop_check)
