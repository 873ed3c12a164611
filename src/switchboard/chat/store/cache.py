"""The conversations a process holds: one object per conversation for as long as anyone uses
it, and the most recently used kept besides; the rest leave memory and are read again."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

from switchboard.chat.conversation import Conversation

KEPT = 64  # conversations kept though nobody holds them (the sidebar's newest, say)


class ConversationCache:
    """Weakly by id (so a conversation a running turn or a page still holds is the same
    object for every reader), plus a strong reference to the `kept` most recently used.
    A conversation neither held nor recent is dropped; the store reads it again when asked."""

    def __init__(self, kept: int = KEPT) -> None:
        self._held: weakref.WeakValueDictionary[str, Conversation] = weakref.WeakValueDictionary()
        self._recent: OrderedDict[str, Conversation] = OrderedDict()
        self._kept = kept
        self._lock = threading.Lock()

    def get(self, conversation_id: str) -> Conversation | None:
        """The conversation, if this process holds it (it becomes the most recently used)."""
        with self._lock:
            found = self._held.get(conversation_id)
            if found is not None:
                self._use(found)
            return found

    def put(self, conversation: Conversation) -> Conversation:
        """Hold `conversation`, or the one already held under its id (which is returned)."""
        with self._lock:
            held = self._held.setdefault(conversation.id, conversation)
            self._use(held)
            return held

    def pop(self, conversation_id: str) -> Conversation | None:
        """Stop holding the conversation (deleted); it, if it was held."""
        with self._lock:
            self._recent.pop(conversation_id, None)
            return self._held.pop(conversation_id, None)

    def values(self) -> list[Conversation]:
        """Every conversation held now."""
        with self._lock:
            return list(self._held.values())

    def _use(self, conversation: Conversation) -> None:
        self._recent[conversation.id] = conversation
        self._recent.move_to_end(conversation.id)
        while len(self._recent) > self._kept:
            self._recent.popitem(last=False)
