"""What a process holds of the stored conversations, on SQLite and PostgreSQL: one object per
conversation while anyone uses it; the rest, past the few most recent, leave memory and come
back from the store whole."""

from __future__ import annotations

import gc
import weakref

from tests.support.stores import WAIT, Opener


def test_a_conversation_nobody_holds_leaves_memory_and_comes_back_whole(opener: Opener) -> None:
    store = opener(kept=2)
    made = [store.create("a", title=f"c{n}") for n in range(5)]
    for conversation in made:
        conversation.record(1, "user", {"text": f"hello from {conversation.title}"})
    expected = {c.id: c.events() for c in made}
    gone = [weakref.ref(c) for c in made]
    del made, conversation
    assert store.flush(WAIT)
    gc.collect()
    alive = [ref() for ref in gone if ref() is not None]
    assert [c.title for c in alive if c] == ["c3", "c4"], "the two most recent stay"
    for summary in store.list():
        again = store.get(summary.id)
        assert again is not None and again.events() == expected[summary.id]
        again.record(2, "user", {"text": "later"})  # and it goes on being written
    store.close(WAIT)
    reopened = opener()
    assert all(len(c.events()) == 2 for c in map(reopened.get, expected) if c)


def test_a_held_conversation_stays_one_object_however_many_others_are_read(
    opener: Opener,
) -> None:
    store = opener(kept=1)
    held = store.create("a", title="held")
    held.record(1, "user", {"text": "hi"})
    for n in range(4):
        store.create("a", title=f"other {n}").record(1, "user", {"text": "hi"})
    for summary in store.list():
        store.get(summary.id)
    assert store.get(held.id) is held, "every reader shares the log a turn records on"
