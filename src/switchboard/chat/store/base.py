"""What every store offers: the `Store` protocol, its error, and the title search."""

from __future__ import annotations

import time
import uuid
from typing import Protocol

from switchboard.chat.conversation import LOCAL_OWNER, Conversation, Summary
from switchboard.chat.events import Event
from switchboard.connections.vault import Vault
from switchboard.runtime import EventLog


class StoreError(Exception):
    """The store cannot be opened or read; the message says what happened and what to do."""


class Store(Protocol):
    """Conversations by id and owner. One object per conversation per process, so every
    reader shares one log; what is recorded on it is kept by the store."""

    shared: bool  # other processes (replicas) see the same conversations
    vault: Vault  # sign-ins per person and counterpart, sealed at rest

    def create(self, counterpart: str, title: str = "", owner: str = LOCAL_OWNER) -> Conversation:
        """A new, empty conversation."""

    def add(
        self, counterpart: str, title: str, events: list[Event], owner: str = LOCAL_OWNER
    ) -> Conversation:
        """A new conversation holding `events` (an import), under a new id."""

    def get(self, conversation_id: str, owner: str | None = LOCAL_OWNER) -> Conversation | None:
        """The conversation, or None (unknown, or someone else's; `owner` None: anyone's)."""

    def list(
        self, owner: str = LOCAL_OWNER, search: str = "", limit: int | None = None
    ) -> list[Summary]:
        """Newest first, at most `limit`; `search` matches titles and the person's prompts, in
        any case. Summaries only: `get` loads a conversation."""

    def with_task(self, task_id: str, owner: str = LOCAL_OWNER) -> Conversation | None:
        """`owner`'s newest conversation that was in task `task_id`, if any."""

    def rename(self, conversation_id: str, title: str) -> None:
        """Give the conversation a new title (a blank one keeps the old title)."""

    def delete(self, conversation_id: str) -> None:
        """Forget the conversation and its events."""

    def unfinished(self) -> list[Conversation]:
        """Conversations (of every owner) with a turn that started but never ended."""

    def claim(self, conversation_id: str) -> bool:
        """Make this process the one that runs turns in the conversation (claims nest)."""

    def release(self, conversation_id: str) -> None:
        """Undo one `claim`."""

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything recorded so far is kept; False on timeout."""

    def health(self) -> str | None:
        """The last write failure, for the UI; None while everything is kept."""

    def close(self, timeout: float = 10.0) -> None:
        """Keep what is pending and let go of the storage."""


def new_id() -> str:
    """A new conversation id (short, random, URL-safe)."""
    return uuid.uuid4().hex[:12]


def imported(counterpart: str, title: str, events: list[Event]) -> Conversation:
    """A new conversation holding `events` (an import), under a new id, created when its
    first event was."""
    created = events[0].ts if events else time.time()
    return Conversation(new_id(), counterpart, title, created, log=EventLog(events))
