"""The resources a server's person follows (MCP resource subscriptions): subscribing and
unsubscribing (`resources/subscribe`, `resources/unsubscribe`), the updates the server sends
(`notifications/resources/updated`), and subscribing again to each after a reconnect, since a
new session knows none of them. An update marks the resource updated, with its time; it is
read again when the person asks (reading it on every update would cost a request each time,
for resources nobody may be looking at)."""

from __future__ import annotations

import time
import warnings
from dataclasses import asdict, dataclass
from typing import Any

from mcp import Client, MCPError
from mcp.shared.exceptions import MCPDeprecationWarning

from switchboard.connections.owner import CallError
from switchboard.connections.wire import Direction, WireLog

NOT_OFFERED = "{server} does not offer resource subscriptions (its capabilities do not say so)."


@dataclass
class Followed:
    """One resource followed: since when, its last update and how many came, and why the
    server last refused to subscribe to it again (after a reconnect), if it did."""

    uri: str
    since: float
    updated: float | None = None
    updates: int = 0
    problem: str = ""


class Subscriptions:
    """One server's followed resources, kept across its sessions. Runs on the loop."""

    def __init__(self, server: str, wire: WireLog) -> None:
        self.server = server
        self.wire = wire
        self.offered = False  # the server's capabilities say `resources.subscribe`
        self._followed: dict[str, Followed] = {}

    def snapshot(self) -> list[dict[str, Any]]:
        """The followed resources as plain data, in the order they were followed."""
        return [asdict(followed) for followed in self._followed.values()]

    def carry(self, other: Subscriptions) -> None:
        """Follow what `other` followed (the same server, connected anew with new settings)."""
        self._followed = {uri: Followed(uri, f.since) for uri, f in other._followed.items()}

    async def change(self, client: Client, uri: str, follow: bool) -> None:
        """Subscribe to `uri` (or unsubscribe); MCPError when the server refuses. A resource
        unfollowed stays unfollowed even then (the person asked to stop)."""
        if not follow:
            self._followed.pop(uri, None)
            await _send(client.unsubscribe_resource, uri)
            return
        if not self.offered:
            raise CallError(NOT_OFFERED.format(server=self.server))
        await _send(client.subscribe_resource, uri)
        self._followed.setdefault(uri, Followed(uri, time.time())).problem = ""

    async def restore(self, client: Client, handshake: bool) -> None:
        """A new session: read what it offers (on a `handshake`-era connection), and subscribe
        again to every followed resource (a refusal is kept on that resource and in the wire
        log, not a failed connection)."""
        resources = client.server_capabilities.resources
        self.offered = handshake and bool(resources is not None and resources.subscribe)
        for followed in list(self._followed.values()):
            if not self.offered:
                followed.problem = NOT_OFFERED.format(server=self.server)
                continue
            try:
                await _send(client.subscribe_resource, followed.uri)
                followed.problem = ""
            except MCPError as exc:
                followed.problem = f"subscribing again failed: {exc.error.message}"
                self.wire.record(Direction.WARNING, "resource not subscribed again", followed.uri)

    def updated(self, uri: str) -> None:
        """The server says `uri` changed: mark it, if it is followed (else note it)."""
        followed = self._followed.get(uri)
        if followed is None:
            self.wire.record(Direction.INFO, "update for a resource not followed", uri)
            return
        followed.updated, followed.updates = time.time(), followed.updates + 1


async def _send(request: Any, uri: str) -> None:
    """`resources/subscribe` or `unsubscribe`, which the SDK marks deprecated (the handshake
    era's way; 2026-07-28 servers are not offered subscriptions here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MCPDeprecationWarning)
        await request(uri)
