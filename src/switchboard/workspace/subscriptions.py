"""Following a server's resources from the pages: subscribe and unsubscribe (a setting of the
server's one session, so on a shared server an admin's, like its log level); what is followed
and its updates are on the server's view."""

from __future__ import annotations

from dataclasses import dataclass

from switchboard.connections.owner import CallError
from switchboard.connections.registry import Registry
from switchboard.runtime import Runtime
from switchboard.workspace.access import Access
from switchboard.workspace.pending import StopCheck, call_for

REQUEST_WAIT = 30.0  # seconds a page waits for the server's answer


@dataclass
class ResourceSubscriptions:
    """Subscribe to and unsubscribe from a server's resources, each server on its own."""

    runtime: Runtime
    registry: Registry
    access: Access

    def subscribe(
        self, server: str, uri: str, user: str, stop_check: StopCheck | None = None
    ) -> None:
        """Follow `uri`'s updates, kept across reconnects; CallError when the server refuses
        (or offers no subscriptions), NotAllowed on a shared server unless `user` is an admin."""
        self._change(server, uri, user, True, stop_check)

    def unsubscribe(
        self, server: str, uri: str, user: str, stop_check: StopCheck | None = None
    ) -> None:
        """Stop following `uri` (it stays unfollowed even if the server refuses)."""
        self._change(server, uri, user, False, stop_check)

    def _change(
        self, server: str, uri: str, user: str, follow: bool, stop_check: StopCheck | None
    ) -> None:
        connection = self.access.changeable(self.registry.server(server, user), user)
        if connection is None:
            raise CallError(f"There is no MCP server called {server!r} any more.")
        call_for(self.runtime, user, connection.follow(uri, follow), REQUEST_WAIT, stop_check)
