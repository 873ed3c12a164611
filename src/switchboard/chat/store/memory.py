"""Conversations kept in this process's memory only (tests, and no data directory)."""

from __future__ import annotations

import threading

from switchboard.chat.conversation import Conversation, Summary, matches
from switchboard.chat.events import Event
from switchboard.chat.store.base import LOCAL_OWNER, imported, new_id
from switchboard.chat.store.sealed import memory_vault


class MemoryStore:
    """The `Store` of one process: nothing survives a restart, nobody else shares it."""

    shared = False

    def __init__(self) -> None:
        self._conversations: dict[str, tuple[str, Conversation]] = {}
        self._lock = threading.Lock()
        self.vault = memory_vault()  # sign-ins, sealed, for this process only

    def create(self, counterpart: str, title: str = "", owner: str = LOCAL_OWNER) -> Conversation:
        return self._keep(Conversation(new_id(), counterpart, title), owner)

    def add(
        self, counterpart: str, title: str, events: list[Event], owner: str = LOCAL_OWNER
    ) -> Conversation:
        return self._keep(imported(counterpart, title, events), owner)

    def get(self, conversation_id: str, owner: str | None = LOCAL_OWNER) -> Conversation | None:
        with self._lock:
            found = self._conversations.get(conversation_id)
        return found[1] if found and owner in (None, found[0]) else None

    def list(
        self, owner: str = LOCAL_OWNER, search: str = "", limit: int | None = None
    ) -> list[Summary]:
        return [c.summary() for c in self._mine(owner, search)[:limit]]

    def with_task(self, task_id: str, owner: str = LOCAL_OWNER) -> Conversation | None:
        return next((c for c in self._mine(owner) if c.holds_task(task_id)), None)

    def rename(self, conversation_id: str, title: str) -> None:
        conversation = self.get(conversation_id, owner=None)
        if conversation is not None:
            conversation.title = title.strip() or conversation.title

    def delete(self, conversation_id: str) -> None:
        with self._lock:
            self._conversations.pop(conversation_id, None)

    def unfinished(self) -> list[Conversation]:
        with self._lock:
            everything = [c for _, c in self._conversations.values()]
        return [c for c in everything if c.open_turns()]

    def claim(self, conversation_id: str) -> bool:
        """Always granted: no other process shares these conversations."""
        return True

    def release(self, conversation_id: str) -> None:
        """Nothing to give back."""

    def flush(self, timeout: float = 10.0) -> bool:
        """Nothing to write: everything is in memory."""
        return True

    def health(self) -> str | None:
        """Always healthy (and always forgetful)."""
        return None

    def close(self, timeout: float = 10.0) -> None:
        """Nothing to release."""

    def _mine(self, owner: str, search: str = "") -> list[Conversation]:
        """`owner`'s conversations, newest first, matching `search`."""
        with self._lock:
            # A conversation is listed once it holds something (as the SQL store writes it).
            mine = [c for who, c in self._conversations.values() if who == owner and c.seq]
        if search:
            mine = [c for c in mine if matches(c, search)]
        return sorted(mine, key=lambda c: c.created, reverse=True)

    def _keep(self, conversation: Conversation, owner: str) -> Conversation:
        conversation.owner = owner
        with self._lock:
            self._conversations[conversation.id] = (owner, conversation)
        return conversation
