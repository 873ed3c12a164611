"""What the inspector asks of the connections (`ws.inspector`): their exchanges, merged across
the counterparts chosen; an agent card's findings; a request sent again."""

from __future__ import annotations

from switchboard.assistant import Assistant
from switchboard.connections.exchanges import Exchange, exchanges
from switchboard.connections.owner import CallError
from switchboard.connections.registry import Registry
from switchboard.connections.replay import Draft, Replayed
from switchboard.runtime import Runtime
from switchboard.workspace.pending import StopCheck, call_for
from switchboard.workspace.views import WireSource, wire_logs

Source = tuple[WireSource, str]
REPLAY_WAIT = 75.0  # seconds a page waits for a replay (the replay's own bound, and a margin)


def source_key(source: Source) -> str:
    """How a row names the connection it came from (names may repeat across kinds)."""
    return f"{source[0].value}:{source[1]}"


class InspectorDesk:
    """The inspector's questions, each for one person: only what they may read and send."""

    def __init__(self, runtime: Runtime, registry: Registry, assistant: Assistant) -> None:
        self._runtime, self._registry, self._assistant = runtime, registry, assistant

    def sources(self, user: str) -> list[Source]:
        """The connections whose traffic `user` may read."""
        return list(wire_logs(self._registry, self._assistant, user))

    def exchanges(self, user: str, chosen: list[Source]) -> list[Exchange]:
        """The rows of the `chosen` connections' logs that `user` may read, oldest first."""
        logs = wire_logs(self._registry, self._assistant, user)
        rows: list[Exchange] = []
        for source in chosen:
            if (log := logs.get(source)) is not None:
                key, endpoint = source_key(source), self._endpoint(source, user)
                rows += exchanges(log.seen_by(user), key, log.protocol, endpoint)
        return sorted(rows, key=lambda row: row.ts)

    def _endpoint(self, source: Source, user: str) -> str:
        """An MCP server's URL when it is reached over HTTP (masked), else ""."""
        server = self._registry.server(source[1], user) if source[0] is WireSource.SERVER else None
        return server.target if server is not None and server.settings.url else ""

    def card_findings(self, name: str, user: str) -> list[str] | None:
        """Where the agent's card departs from the A2A spec; None before it was read."""
        agent = self._registry.agent(name, user)
        return None if agent is None or agent.card is None else agent.card.findings

    def replay(
        self,
        source: Source,
        user: str,
        draft: Draft,
        stop_check: StopCheck | None = None,
    ) -> Replayed:
        """Send `draft` to the connection again for `user`; its answer lands in the log too."""
        kind, name = source
        find = {WireSource.AGENT: self._registry.agent, WireSource.SERVER: self._registry.server}
        connection = find[kind](name, user) if kind in find else None  # the model: no replay
        if connection is None:
            raise CallError(f"{name} cannot be sent a request again from here.")
        return call_for(self._runtime, user, connection.replay(draft), REPLAY_WAIT, stop_check)
