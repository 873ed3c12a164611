"""The resources a server's person follows (MCP resource subscriptions): subscribing and
unsubscribing, the updates the server sends, and subscribing again to each after a reconnect,
since a new session knows none of them. Handshake era: `resources/subscribe`, `unsubscribe`
and `notifications/resources/updated`; 2026-07-28: one `subscriptions/listen` stream naming
every followed URI, opened again (in a task of its own) whenever that set changes.

An update marks the resource updated, with its time; it is read again when the person asks
(reading it on every update would cost a request each time, for resources nobody may be
looking at)."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import time
import warnings
from dataclasses import asdict, dataclass
from typing import Any

from mcp import Client, MCPError
from mcp.client.subscriptions import ResourceUpdated
from mcp.shared.exceptions import MCPDeprecationWarning

from switchboard.connections.owner import CallError, cancel_and_wait
from switchboard.connections.wire import Direction, WireLog

ACK_WAIT = 30.0  # seconds a 2026-07-28 server gets to acknowledge a listen stream
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
        self._handshake = True  # the session's era: requests, or one listen stream
        self._listener: asyncio.Task[None] | None = None  # 2026-07-28: the listen stream
        self._relisten = asyncio.Lock()

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
            if self._handshake:
                await _send(client.unsubscribe_resource, uri)
            else:
                await self._listen(client)
            return
        if not self.offered:
            raise CallError(NOT_OFFERED.format(server=self.server))
        if self._handshake:
            await _send(client.subscribe_resource, uri)
        self._followed.setdefault(uri, Followed(uri, time.time())).problem = ""
        if not self._handshake:
            await self._listen(client)

    async def restore(
        self, client: Client, handshake: bool, stack: contextlib.AsyncExitStack
    ) -> None:
        """A new session: read what it offers, and subscribe again to every followed resource
        (a refusal is kept on that resource and in the wire log, not a failed connection).
        A listen stream is left on `stack`, before the session it runs on."""
        resources = client.server_capabilities.resources
        self.offered = bool(resources is not None and resources.subscribe)
        self._handshake = handshake
        stack.push_async_callback(self._stop)
        if not handshake:
            if self._followed and self.offered:
                with contextlib.suppress(MCPError, CallError):  # kept on each resource
                    await self._listen(client)
            return
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

    async def _listen(self, client: Client) -> None:
        """2026-07-28: replace the listen stream by one naming every followed URI (none:
        no stream), and wait for the server to acknowledge it."""
        async with self._relisten:  # one stream at a time, each acknowledged before the next
            await self._stop()
            uris = list(self._followed)
            if not uris:
                return
            acknowledged = asyncio.get_running_loop().create_future()
            acknowledged.add_done_callback(_retrieved)  # whether or not anyone still waits
            self._listener = asyncio.create_task(
                self._follow(client, uris, acknowledged),
                name=f"mcp-resources:{self.server}",
                context=contextvars.Context(),  # its traffic is no caller's
            )
            try:
                await asyncio.wait_for(asyncio.shield(acknowledged), ACK_WAIT)
            except (MCPError, TimeoutError, RuntimeError) as exc:
                reason = getattr(getattr(exc, "error", None), "message", "") or str(exc)
                for followed in self._followed.values():
                    followed.problem = f"not subscribed: {reason}"
                await self._stop()
                raise CallError(f"{self.server}: subscriptions/listen failed: {reason}") from exc
            for followed in self._followed.values():
                followed.problem = ""

    async def _follow(
        self, client: Client, uris: list[str], acknowledged: asyncio.Future[None]
    ) -> None:
        """The listen stream's task: enter it, mark each update, leave it (in this task)."""
        try:
            async with client.listen(resource_subscriptions=uris) as stream:
                acknowledged.set_result(None)
                async for event in stream:
                    if isinstance(event, ResourceUpdated):
                        self.updated(event.uri)
        except Exception as exc:  # refused, or dropped: the followed resources say so
            if not acknowledged.done():
                acknowledged.set_exception(exc)
                return
            self.wire.record(Direction.WARNING, "resource updates stopped", str(exc))
            for followed in self._followed.values():
                followed.problem = f"updates stopped: {exc}"
        finally:  # stopped before the server acknowledged it
            if not acknowledged.done():
                acknowledged.set_exception(RuntimeError("the listen stream was closed"))

    async def _stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            await cancel_and_wait(listener)

    def notified(self, uri: str) -> None:
        """A `notifications/resources/updated` the session handed on: an update in the
        handshake era (in 2026-07-28 the SDK hands it on too, besides the listen stream)."""
        if self._handshake:
            self.updated(uri)

    def updated(self, uri: str) -> None:
        """The server says `uri` changed: mark it, if it is followed (else note it)."""
        followed = self._followed.get(uri)
        if followed is None:
            self.wire.record(Direction.INFO, "update for a resource not followed", uri)
            return
        followed.updated, followed.updates = time.time(), followed.updates + 1


def _retrieved(future: asyncio.Future[None]) -> None:
    """Take a settled future's exception, so none is reported as never retrieved."""
    if not future.cancelled():
        future.exception()


async def _send(request: Any, uri: str) -> None:
    """`resources/subscribe` or `unsubscribe`, which the SDK marks deprecated (the handshake
    era's way; 2026-07-28 has the listen stream instead)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MCPDeprecationWarning)
        await request(uri)
