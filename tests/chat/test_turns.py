"""The fold of a conversation's events into turns (what one bubble shows), as pure data."""

from __future__ import annotations

from switchboard.chat.conversation import Conversation
from switchboard.chat.events import Event
from switchboard.chat.turns import TurnView, fold_turns, pending_task, text_of
from tests.support.conversations import ask_city, everything, story, text_part


def events_of(*builders: object) -> list[Event]:
    conversation = Conversation("c", "agent")
    for number, build in enumerate(builders, start=1):
        build(conversation, number)  # type: ignore[operator]
    return conversation.events()


def test_a_streamed_story_is_one_artifact_with_its_chunks_joined_and_its_states() -> None:
    (view,) = fold_turns(events_of(story))
    assert view.prompt == "Tell me a story" and view.ended and view.settled
    assert list(view.artifacts) == ["story"]
    (part,) = view.artifacts["story"].parts
    assert part["text"] == "Once upon a time, a fox *learned* to sing."
    assert view.artifacts["story"].complete
    assert [state for state, _ in view.history] == ["submitted", "working", "completed"]
    assert (view.task_id, view.context_id, view.outcome()) == ("task-1", "ctx-1", "completed")


def test_many_chunks_join_into_one_part_and_other_parts_stay_apart() -> None:
    view = TurnView(turn=1)
    chunk = {"task_id": "t", "artifact_id": "a", "append": True}
    view.apply("artifact", {**chunk, "append": False, "parts": [text_part("0")]})
    for n in range(1, 5000):
        view.apply("artifact", {**chunk, "parts": [text_part(str(n % 10))]})
    view.apply("artifact", {**chunk, "parts": [{"type": "data", "data": {"k": 1}}]})
    view.apply("artifact", {**chunk, "parts": [text_part("!")], "last_chunk": True})
    text, data, bang = view.artifacts["a"].parts
    assert text["text"] == "".join(str(n % 10) for n in range(5000))
    assert data == {"type": "data", "data": {"k": 1}} and bang["text"] == "!"
    assert view.text() == text["text"] + "!"


def test_a_task_snapshot_replaces_what_was_known_and_a_repeated_state_is_kept_once() -> None:
    view = TurnView(turn=1)
    chunk = {"task_id": "t", "artifact_id": "old", "append": False, "parts": [text_part("x")]}
    view.apply("artifact", chunk)
    working = {"task_id": "t", "state": "working", "message": [text_part("busy")]}
    view.apply("status", working)
    view.apply("status", working)
    snapshot = {
        "task_id": "t",
        "state": "completed",
        "message": [],
        "artifacts": [{"artifact_id": "new", "parts": [text_part("done")]}],
    }
    view.apply("task", snapshot)
    assert list(view.artifacts) == ["new"] and view.text() == "done"
    assert view.history == [("working", "busy"), ("completed", "")]


def test_input_required_leaves_the_task_pending_until_the_reply_completes_it() -> None:
    conversation = Conversation("c", "agent")
    ask_city(conversation, 1)
    asked, answered = fold_turns(conversation.events())
    assert asked.waiting_for_input and text_of(asked.status_parts) == "Which city?"
    assert pending_task([asked]) == "task-2"
    assert pending_task([asked, answered]) is None
    assert answered.task_id == asked.task_id and answered.outcome() == "completed"


def test_a_direct_reply_settles_without_a_task_and_ends_the_pending_one() -> None:
    view = TurnView(turn=1)
    view.apply("message", {"context_id": "ctx", "parts": [text_part("hi")]})
    assert view.settled and view.outcome() == "replied" and view.context_id == "ctx"
    waiting = TurnView(turn=0, task_id="t", state="input-required")
    assert pending_task([waiting, view]) is None


def test_an_mcp_call_ends_by_its_result() -> None:
    view = TurnView(turn=1)
    view.apply("tool_call", {"server": "s", "tool": "t", "arguments": {}})
    assert view.outcome() == "error", "no result, no reply: it failed"
    view.apply("tool_result", {"parts": [], "is_error": True})
    assert view.outcome() == "failed"
    view.apply("tool_result", {"parts": [], "is_error": False})
    assert view.outcome() == "completed"


def test_a_steps_events_go_to_the_step_and_its_questions_stay_with_the_turn() -> None:
    events = [
        Event(1, "user", {"text": "go"}),
        Event(1, "delta", {"text": "Let me "}),
        Event(1, "delta", {"text": "look."}),
        Event(1, "step", {"id": "s1", "kind": "agent", "label": "Demo"}),
        Event(1, "question", {"id": "approve-s1", "kind": "approval", "step": "s1"}),
        Event(1, "answer", {"id": "approve-s1", "action": "accept", "step": "s1"}),
        Event(1, "status", {"task_id": "agent-task", "state": "working", "step": "s1"}),
        Event(1, "step_end", {"status": "done", "content": "ok", "step": "s1"}),
        Event(1, "delta", {"text": "Done."}),
        Event(1, "turn_end", {"reason": "replied"}),
    ]
    (view,) = fold_turns(events)
    assert view.items == [("text", "Let me look."), ("step", "s1"), ("text", "Done.")]
    step = view.steps["s1"]
    assert step.task_id == "agent-task" and step.step_end["content"] == "ok"
    assert view.task_id == "", "the step's task is not the turn's"
    assert [q["id"] for q in view.step_questions("s1")] == ["approve-s1"]
    assert view.answers == {"approve-s1": "accept"} and view.open_questions == []
    assert view.replied and view.text() == "Let me look.Done."


def test_unknown_kinds_and_events_of_unknown_steps_change_nothing() -> None:
    view = TurnView(turn=1)
    view.apply("something-new", {"x": 1})
    view.apply_event(Event(1, "status", {"state": "failed", "step": "nope"}))
    assert view == TurnView(turn=1)


def test_every_turn_of_a_long_conversation_is_folded_in_turn_order() -> None:
    views = fold_turns(everything().events())
    assert [v.turn for v in views] == [1, 2, 3, 4, 5, 6, 7]
    assert all(v.ended for v in views)
    assert views[5].result["structured"]["days"][0] == {"high_c": 24}
    assert views[6].attachments[0]["uri"] == "file:///notes/todo.md"
