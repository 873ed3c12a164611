"""Each person's tool runs on the MCP page (`ws.bench`): a run is a call outside every stored
conversation, kept in memory (the newest KEPT_RUNS per tool), and copied into a conversation
of its own only when the person asks."""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

from switchboard.chat.conversation import Conversation
from switchboard.chat.service import ChatService
from switchboard.chat.store import Store
from switchboard.connections.updates import Kind

KEPT_RUNS = 20  # runs kept per person, server and tool
Shelf = tuple[str, str, str]  # (person, server, tool)


class ToolBench:
    """Runs by person, server and tool, newest first."""

    def __init__(self, chat: ChatService, store: Store) -> None:
        self._chat, self._store = chat, store
        self._runs: dict[Shelf, deque[Conversation]] = {}
        self._lock = threading.Lock()

    def run(self, user: str, server: str, tool: str, arguments: dict[str, Any]) -> Conversation:
        """Start a call of `tool` for `user`; its progress, questions and result land in the
        run's log as they come (the oldest run of that tool is let go)."""
        started = self._chat.call_tool_alone(server, tool, arguments, user)
        with self._lock:
            shelf = self._runs.setdefault((user, server, tool), deque())
            shelf.appendleft(started)
            dropped = [shelf.pop() for _ in range(len(shelf) - KEPT_RUNS)]
        for old in dropped:
            self._chat.stop(old.id)
        return started

    def runs(self, user: str, server: str, tool: str) -> list[Conversation]:
        """`user`'s runs of `tool`, newest first."""
        with self._lock:
            return list(self._runs.get((user, server, tool), ()))

    def to_conversation(self, user: str, run: Conversation, counterpart: str) -> Conversation:
        """The run copied into a new conversation of `user`'s with `counterpart` (who answers
        what they send next), titled after the tool."""
        if run.owner != user:
            raise KeyError("that run is someone else's")
        events = run.log.snapshot()
        call = next((e.data for e in events if e.kind == Kind.TOOL_CALL), {})
        title = f"🔧 {call.get('tool', 'tool')} · {call.get('server', '')}".strip(" ·")
        return self._store.add(counterpart, title, events, user)
