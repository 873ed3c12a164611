"""The connections of this process, by name: registered from any thread, connected on the loop."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace
from typing import TypeVar

from switchboard.config import AgentSettings, Limits, McpServerSettings
from switchboard.connections.a2a_agent import AgentConnection
from switchboard.connections.mcp_server import McpConnection, Sampler
from switchboard.connections.owner import Connection

C = TypeVar("C", bound=Connection)


class Registry:
    """Every agent and MCP server connection, each with its own owner task; closes them all on
    shutdown."""

    def __init__(self, roots: tuple[str, ...] = (), limits: Limits | None = None) -> None:
        self.roots = roots
        self.limits = limits or Limits()
        self.sampler: Sampler | None = None
        self._agents: dict[str, AgentConnection] = {}
        self._servers: dict[str, McpConnection] = {}
        self._retired: list[Connection] = []
        self._lock = threading.Lock()

    def secrets(self) -> list[str]:
        """Every configured secret value of every connection (to keep out of what is stored)."""
        with self._lock:
            connections = [*self._agents.values(), *self._servers.values()]
        return [secret for c in connections for secret in c.settings.secrets]

    def agents(self) -> list[AgentConnection]:
        """The agents in the order they were added."""
        with self._lock:
            return list(self._agents.values())

    def agent(self, name: str) -> AgentConnection | None:
        """The agent called `name`, if any."""
        with self._lock:
            return self._agents.get(name)

    def servers(self) -> list[McpConnection]:
        """The MCP servers in the order they were added."""
        with self._lock:
            return list(self._servers.values())

    def server(self, name: str) -> McpConnection | None:
        """The MCP server called `name`, if any."""
        with self._lock:
            return self._servers.get(name)

    def add_server(self, settings: McpServerSettings, replace: bool = False) -> McpConnection:
        """Register an MCP server now (`connect` starts it on the loop); `replace` swaps out
        one of the same name, which `connect` then closes."""
        with self._lock:
            old = self._servers.get(settings.name)
            if old is not None and not replace:
                raise ValueError(f"An MCP server called {settings.name!r} already exists.")
            connection = McpConnection(settings, self.roots, self.limits)
            connection.sampler = self.sampler
            self._servers[settings.name] = connection
            if old is not None:
                self._retired.append(old)
        return connection

    def set_sampler(self, sampler: Sampler | None) -> None:
        """Who answers the servers' sampling requests from now on (None: they are declined)."""
        with self._lock:
            self.sampler = sampler
            for connection in self._servers.values():
                connection.sampler = sampler

    async def remove_server(self, name: str) -> None:
        """Close and forget an MCP server."""
        with self._lock:
            connection = self._servers.pop(name, None)
        if connection is not None:
            await connection.close()

    def add(self, settings: AgentSettings, replace: bool = False) -> AgentConnection:
        """Register an agent now (it shows as idle until `connect` runs on the loop).
        `replace` swaps out an agent of the same name; the old one is closed by `connect`."""
        with self._lock:
            old = self._agents.get(settings.name)
            if old is not None and not replace:
                raise ValueError(f"An agent called {settings.name!r} already exists.")
            connection = AgentConnection(settings, self.limits)
            self._agents[settings.name] = connection
            if old is not None:
                self._retired.append(old)
        return connection

    async def connect(self, connection: C) -> C:
        """Close retired connections, then connect `connection` (a failure stays visible on it)."""
        await self._close_retired()
        await connection.connect()
        return connection

    def rename(self, connection: AgentConnection, name: str) -> bool:
        """Give a registered connection another name, unless that name is taken."""
        with self._lock:
            if name in self._agents or self._agents.get(connection.name) is not connection:
                return False
            del self._agents[connection.name]
            connection.settings = replace(connection.settings, name=name)
            self._agents[name] = connection
            return True

    async def remove(self, name: str) -> None:
        """Close and forget an agent."""
        with self._lock:
            connection = self._agents.pop(name, None)
        if connection is not None:
            await connection.close()

    async def close_all(self) -> None:
        """Close every connection through its own owner task."""
        await self._close_retired()
        connections = [*self.agents(), *self.servers()]
        await asyncio.gather(*(c.close() for c in connections), return_exceptions=True)

    async def _close_retired(self) -> None:
        with self._lock:
            retired, self._retired = self._retired, []
        await asyncio.gather(*(c.close() for c in retired), return_exceptions=True)
