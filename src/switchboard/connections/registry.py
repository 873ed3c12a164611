"""The connections of this process, by owner and name: registered from any thread, connected on
the loop. A connection is shared (from the config file: `owner` None) or one user's own (added
in the UI); each user sees the shared ones and their own, and their own come first."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from switchboard.config import AgentSettings, Limits, McpServerSettings
from switchboard.connections.a2a_agent import AgentConnection
from switchboard.connections.mcp_server import McpConnection
from switchboard.connections.owner import Connection, Status
from switchboard.connections.sign_in import Signing
from switchboard.connections.url_guard import UrlGuard

C = TypeVar("C", bound=Connection)
Key = tuple[str | None, str]  # (owner, name); owner None: shared


class Registry:
    """Every agent and MCP server connection, each with its own owner task; closes them all on
    shutdown."""

    def __init__(
        self,
        roots: tuple[str, ...] = (),
        limits: Limits | None = None,
        signing: Signing | None = None,
    ) -> None:
        self.roots = roots
        self.limits = limits or Limits()
        self.signing = signing  # what sign-ins need (None: no connection can sign a person in)
        self.launch: Callable[[Connection], object] = lambda _connection: None  # on the loop
        self._agents: dict[Key, AgentConnection] = {}
        self._servers: dict[Key, McpConnection] = {}
        self._retired: list[Connection] = []
        self._lock = threading.Lock()

    def secrets(self) -> list[str]:
        """Every configured secret value of every connection (to keep out of what is stored)."""
        connections: list[Connection] = [*self.agents(), *self.servers()]
        return [secret for c in connections for secret in c.settings.secrets]

    def agents(self, user: str | None = None) -> list[AgentConnection]:
        """The agents in the order they were added: all of them, or those `user` sees."""
        self._copy_shared(self._agents, user, self._agent)
        with self._lock:
            return _visible(self._agents, user)

    def agent(self, name: str, user: str | None = None) -> AgentConnection | None:
        """The agent called `name` that `user` sees (their own first), or a shared one."""
        self._copy_shared(self._agents, user, self._agent)
        with self._lock:
            return _find(self._agents, name, user)

    def servers(self, user: str | None = None) -> list[McpConnection]:
        """The MCP servers in the order they were added: all of them, or those `user` sees."""
        self._copy_shared(self._servers, user, self._server)
        with self._lock:
            return _visible(self._servers, user)

    def connecting(self, names: list[str] | None) -> list[AgentConnection | McpConnection]:
        """Those still being made (of `names`, else all), but not those waiting for a person
        to sign in: nobody waits on a page for a sign-in they have not made yet."""
        every = [*self.agents(), *self.servers()]
        return [
            c
            for c in every
            if c.status in (Status.IDLE, Status.CONNECTING)
            and not (c.asks_person() or (names is not None and c.name not in names))
        ]

    def server(self, name: str, user: str | None = None) -> McpConnection | None:
        """The MCP server called `name` that `user` sees (their own first), or a shared one."""
        self._copy_shared(self._servers, user, self._server)
        with self._lock:
            return _find(self._servers, name, user)

    def add_server(
        self,
        settings: McpServerSettings,
        replace: bool = False,
        owner: str | None = None,
        guard: UrlGuard | None = None,
    ) -> McpConnection:
        """Register an MCP server now (`connect` starts it on the loop): shared, or `owner`'s
        own; `replace` swaps out one of the same name and owner, which `connect` then closes
        (its followed resources carried over). A `guard` bounds where its requests go (a
        server entered in the UI)."""
        connection = self._server(settings, owner, guard)
        with self._lock:
            old = self._servers.get((owner, settings.name)) if replace else None
        if old is not None:  # reconnected with new settings: it follows what the old one did
            connection.subscriptions.carry(old.subscriptions)
        self._register(self._servers, connection, owner, replace, "An MCP server")
        return connection

    def add(
        self,
        settings: AgentSettings,
        replace: bool = False,
        owner: str | None = None,
        guard: UrlGuard | None = None,
    ) -> AgentConnection:
        """Register an agent now (it shows as idle until `connect` runs on the loop): shared, or
        `owner`'s own; `replace` swaps out one of the same name and owner; `guard` as above."""
        connection = self._agent(settings, owner, guard)
        self._register(self._agents, connection, owner, replace, "An agent")
        return connection

    async def connect(self, connection: C) -> C:
        """Close retired connections, then connect `connection` (a failure stays visible on it)."""
        await self._close_retired()
        await connection.connect()
        return connection

    def original(self, connection: C) -> C:
        """The shared connection a person's copy copies (else `connection` itself)."""
        if not connection.copy_of_shared:
            return connection
        find = self.agent if isinstance(connection, AgentConnection) else self.server
        return find(connection.name) or connection  # type: ignore[return-value]

    def rename(self, connection: AgentConnection, name: str) -> bool:
        """Give a registered agent another name, unless its owner sees one of that name."""
        with self._lock:
            key, new = (connection.user, connection.name), (connection.user, name)
            taken = new in self._agents or (None, name) in self._agents
            if taken or self._agents.get(key) is not connection:
                return False
            del self._agents[key]
            connection.settings = replace(connection.settings, name=name)
            self._agents[new] = connection
            return True

    async def remove(self, connection: Connection) -> None:
        """Close and forget a connection (an agent or an MCP server), and a shared one's
        copies."""
        with self._lock:
            for table in (self._agents, self._servers):
                key = (connection.user, connection.name)
                if table.get(key) is connection:  # type: ignore[comparison-overlap]
                    del table[key]
                    if connection.user is None:
                        self._retired += _drop_copies(table, connection.name)
        await self._close_retired()
        await connection.close()

    async def close_all(self) -> None:
        """Close every connection through its own owner task."""
        await self._close_retired()
        connections: list[Connection] = [*self.agents(), *self.servers()]
        await asyncio.gather(*(c.close() for c in connections), return_exceptions=True)

    def _register(
        self,
        table: dict[Key, C],
        connection: C,
        owner: str | None,
        replace: bool,
        what: str,
    ) -> None:
        connection.user = owner
        key = (owner, connection.name)
        with self._lock:
            old = table.get(key)
            if old is not None and not replace:
                raise ValueError(f"{what} called {connection.name!r} already exists.")
            table[key] = connection
            if old is not None:
                connection.copy_of_shared = old.copy_of_shared
                self._retired.append(old)
                if owner is None:  # a shared one changed: its copies follow it when next seen
                    self._retired += _drop_copies(table, connection.name)

    def _agent(
        self, settings: AgentSettings, owner: str | None, guard: UrlGuard | None
    ) -> AgentConnection:
        return AgentConnection(settings, self.limits, guard, self._signing(owner))

    def _server(
        self, settings: McpServerSettings, owner: str | None, guard: UrlGuard | None
    ) -> McpConnection:
        return McpConnection(settings, self.roots, self.limits, guard, self._signing(owner))

    def _signing(self, owner: str | None) -> tuple[Signing, str | None] | None:
        return (self.signing.for_owner(owner), owner) if self.signing is not None else None

    def _copy_shared(
        self,
        table: dict[Key, C],
        user: str | None,
        make: Callable[[Any, str | None, UrlGuard | None], C],
    ) -> None:
        """Give `user` a copy of their own of each shared connection that stopped at a
        person's sign-in each person makes for themselves, and start connecting it."""
        if user is None or self.signing is None or not self.signing.each_person:
            return
        with self._lock:
            wanted = [
                shared
                for (owner, name), shared in table.items()
                if owner is None and shared.each_person and (user, name) not in table
            ]
        for shared in wanted:
            copy = make(shared.settings, user, shared.guard)
            copy.user, copy.copy_of_shared = user, True
            with self._lock:
                if (user, shared.name) in table:
                    continue
                table[(user, shared.name)] = copy
            self.launch(copy)

    async def _close_retired(self) -> None:
        with self._lock:
            retired, self._retired = self._retired, []
        await asyncio.gather(*(c.close() for c in retired), return_exceptions=True)


def _visible(table: dict[Key, C], user: str | None) -> list[C]:
    """Everything (user None), or what `user` sees: the shared ones and their own (their
    copy of a shared one in its place)."""
    if user is None:
        return list(table.values())
    return [
        c
        for (owner, name), c in table.items()
        if owner == user or (owner is None and (user, name) not in table)
    ]


def _drop_copies(table: dict[Key, C], name: str) -> list[C]:
    """Take the people's copies of the shared connection `name` out of `table`."""
    keys = [key for key, c in table.items() if key[1] == name and c.copy_of_shared]
    return [table.pop(key) for key in keys]


def _find(table: dict[Key, C], name: str, user: str | None) -> C | None:
    """`user`'s own connection called `name`, else the shared one (with user None: the shared
    one, else the only one of that name)."""
    if user is not None:
        return table.get((user, name)) or table.get((None, name))
    found = table.get((None, name))
    if found is not None:
        return found
    named = [c for (_, each), c in table.items() if each == name]
    return named[0] if len(named) == 1 else None


ASKING_CHECK = 0.1  # seconds between looks at whether a connection now asks a person


async def settle(connections: Sequence[AgentConnection | McpConnection]) -> None:
    """Connect each of `connections` at once; back when each is ready, has failed, or asks a
    person to sign in (nobody waits on a page for a sign-in they have not made yet)."""
    tasks = [asyncio.ensure_future(connection.connect()) for connection in connections]
    try:
        while waiting := [
            t for t, c in zip(tasks, connections, strict=True) if not (t.done() or c.asks_person())
        ]:  # only those still waited for: a done one would end every wait at once (a spin)
            await asyncio.wait(waiting, timeout=ASKING_CHECK, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:  # only the waits: each owner goes on in its own task
            task.cancel()
