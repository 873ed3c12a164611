"""The one fold of a counterpart's updates (`Reply`): where a task stands, when it has settled."""

from __future__ import annotations

from switchboard.connections.fold import Artifact, Reply
from switchboard.connections.updates import Kind, TaskState


def test_a_task_is_settled_when_terminal_or_waiting_for_the_person() -> None:
    reply = Reply(task_id="t")
    for state in TaskState:
        reply.apply(Kind.STATUS, {"task_id": "t", "state": state})
        expected = state not in (TaskState.SUBMITTED, TaskState.WORKING, TaskState.UNKNOWN)
        assert reply.settled is expected, state
    assert Reply(state=TaskState.AUTH_REQUIRED).waiting_for_input


def test_a_reply_without_a_task_settles_but_one_inside_a_task_does_not() -> None:
    direct = Reply()
    direct.apply(Kind.MESSAGE, {"parts": [{"type": "text", "text": "hi"}]})
    assert direct.settled and direct.outcome() == "replied" and direct.text() == "hi"
    in_task = Reply()
    in_task.apply(Kind.MESSAGE, {"task_id": "t", "parts": []})
    assert in_task.task_id == "t" and not in_task.settled, "the task goes on: follow it"


def test_progress_questions_notices_and_a_result_are_kept() -> None:
    reply = Reply()
    reply.apply(Kind.PROGRESS, {"progress": 1, "total": 2})
    reply.apply(Kind.PROGRESS, {"progress": 2, "total": 2})
    reply.apply(Kind.QUESTION, {"id": "q"})
    reply.apply(Kind.NOTICE, {"level": "info", "text": "n"})
    reply.apply(Kind.TOOL_RESULT, {"parts": [], "is_error": False})
    assert reply.progress == {"progress": 2, "total": 2} and reply.questions == [{"id": "q"}]
    assert len(reply.notices) == 1 and reply.outcome() == "completed"
    assert Reply().outcome() == "error", "nothing came back"


def test_an_artifact_joins_text_chunks_and_keeps_other_parts_apart() -> None:
    artifact = Artifact("a", "answer")
    for chunk in ("one ", "two ", "three"):
        artifact.add({"type": "text", "text": chunk})
    artifact.add({"type": "file", "url": "http://127.0.0.1:1/x.png"})
    artifact.add({"type": "text", "text": "caption"})
    assert [p.get("text") for p in artifact.parts] == ["one two three", None, "caption"]
    assert artifact.text() == "one two threecaption"


def test_a_repeated_status_with_no_message_keeps_what_was_said() -> None:
    asked = [{"type": "text", "text": "Which colour?"}]
    reply = Reply(task_id="t")
    reply.apply(Kind.STATUS, {"state": TaskState.INPUT_REQUIRED, "message": asked})
    reply.apply(Kind.STATUS, {"state": TaskState.INPUT_REQUIRED, "message": []})
    assert reply.status_parts == asked and reply.history == [("input-required", "Which colour?")]
    reply.apply(Kind.STATUS, {"state": TaskState.FAILED, "message": []})
    assert reply.state == "failed" and reply.status_parts == asked, "the last reason given"


def working(text: str, kind: Kind = Kind.STATUS, state: str = TaskState.WORKING) -> tuple:
    """A status update (or a task snapshot) of task t saying `text`."""
    message = [{"type": "text", "text": text}] if text else []
    return kind, {"task_id": "t", "state": state, "message": message}


def test_a_snapshot_after_streamed_pieces_keeps_the_text_they_made() -> None:
    reply = Reply()
    for update in (working("Once "), working("upon "), working("a time")):
        reply.apply(*update)
    reply.apply(*working("a time", Kind.TASK))  # the agent's latest message: had already
    assert reply.history == [("working", "Once upon a time")]
    reply.apply(*working("Elsewhere", Kind.TASK))  # something else: the agent's word holds
    assert reply.history[-1] == ("working", "Elsewhere")


def test_pieces_join_only_within_one_running_state() -> None:
    reply = Reply()
    for update in (working("a"), working("b"), working("", state=TaskState.INPUT_REQUIRED)):
        reply.apply(*update)
    reply.apply(*working("c", state=TaskState.INPUT_REQUIRED))
    reply.apply(*working("d", state=TaskState.INPUT_REQUIRED))
    assert reply.history == [
        ("working", "ab"),
        ("input-required", ""),
        ("input-required", "c"),
        ("input-required", "d"),
    ]
