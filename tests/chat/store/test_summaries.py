"""The conversation list read from rows, on SQLite and PostgreSQL: what each row shows (the
last prompt, an import) without loading logs; a window of the newest; search; a task found."""

from __future__ import annotations

from switchboard.chat.conversation import IMPORT_TURN, IMPORTED
from tests.support.stores import WAIT, Opener


def test_a_summary_shows_the_last_prompt_and_an_import_as_the_conversation_does(
    opener: Opener,
) -> None:
    store = opener()
    talked = store.create("Demo Agent", title="Talked")
    talked.record(1, "user", {"text": "first"})
    talked.record(1, "message", {"text": "a reply, not a prompt"})
    talked.record(2, "user", {"text": "and the last, wörld"})
    copy = store.add("Demo Agent", "Copy", [])  # its import's notice, recorded below
    copy.record(IMPORT_TURN, "notice", {"text": "📥 An imported copy", IMPORTED: True})
    copy.record(1, "user", {"text": "asked in the copy"})
    expected = {c.id: c.summary() for c in (talked, copy)}
    store.close(WAIT)

    again = opener()
    listed = again.list()
    assert [s.id for s in listed] == [copy.id, talked.id]
    assert {s.id: s for s in listed} == expected
    assert listed[1].last_prompt == "and the last, wörld" and not listed[1].imported
    assert listed[0].imported and listed[0].last_prompt == "asked in the copy"


def test_the_list_is_a_window_of_the_newest_and_search_looks_at_all(opener: Opener) -> None:
    store = opener()
    made = [store.create("a", title=f"c{n}") for n in range(12)]
    for n, conversation in enumerate(made):
        conversation.record(1, "user", {"text": "needle in the oldest" if n == 0 else "hay"})
    store.close(WAIT)
    again = opener()
    assert [s.title for s in again.list(limit=3)] == ["c11", "c10", "c9"]
    assert [s.title for s in again.list(search="NEEDLE", limit=3)] == ["c0"]
    assert len(again.list(search="hay")) == 11 and len(again.list()) == 12


def test_the_conversation_of_a_task_is_found_in_the_store(opener: Opener) -> None:
    store = opener()
    other = store.create("agent")
    other.record(1, "user", {"text": "hi"})
    other.record(1, "task", {"task_id": "task-10", "state": "completed"})
    held = store.create("agent")
    held.record(1, "user", {"text": "hi"})
    held.record(1, "task", {"task_id": "task-1", "state": "working"})
    mentioned = store.create("agent")  # the id in a prompt is not being in the task
    mentioned.record(1, "user", {"text": "task-1"})
    store.close(WAIT)
    again = opener()
    found = again.with_task("task-1")
    assert found is not None and found.id == held.id
    assert again.with_task("task-1", owner="someone else") is None
    assert again.with_task("task_%") is None, "LIKE's wildcards are only characters"
