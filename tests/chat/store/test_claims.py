"""Replicas sharing PostgreSQL: each sees what the others recorded, and a conversation's turns
are claimed by one replica at a time (claims nest, and go with a replica that stops)."""

from __future__ import annotations

import pytest

from switchboard.chat.store import SqlStore
from tests.support.turns import wait_for


@pytest.mark.timeout(900)
def test_replicas_see_each_others_events_and_claim_conversations_in_turn(
    shared_database: str,
) -> None:
    first, second = SqlStore(url=shared_database), SqlStore(url=shared_database)
    try:
        conversation = first.create("demo", title="shared")
        conversation.record(1, "user", {"text": "hi"})
        first.flush()
        seen = second.get(conversation.id)
        assert seen is not None and [e.kind for e in seen.events()] == ["user"]
        conversation.record(1, "message", {"parts": [{"type": "text", "text": "hello"}]})
        first.rename(conversation.id, "renamed")
        first.flush()
        again = second.get(conversation.id)
        assert again is seen, "the cached conversation caught up"
        assert [e.kind for e in again.events()] == ["user", "message"]
        assert again.title == "renamed"

        assert first.claim(conversation.id) and first.claim(conversation.id), "claims nest"
        assert not second.claim(conversation.id)
        first.release(conversation.id)
        assert not second.claim(conversation.id), "still held once"
        first.release(conversation.id)
        assert second.claim(conversation.id)
        second.release(conversation.id)
        assert first.claim(conversation.id)
        first.close()  # a replica that stops (or dies) lets go of what it held
        # The server drops a closed session's locks as it notices the close: wait (bounded).
        wait_for(lambda: second.claim(conversation.id))
    finally:
        first.close()
        second.close()
