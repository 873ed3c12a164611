"""Interop with fasta2a (the pydantic-ai ecosystem's A2A server), stock storage and broker, a
pydantic-ai agent with a scripted model: turns complete, whatever fasta2a is slightly off
spec in (timestamps without a time zone) is a warning in the wire log, never a failed turn
or a traceback in the app log."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest

from switchboard.chat.turns import TurnView
from switchboard.connections.a2a_agent import AgentConnection
from switchboard.demo.png import render_badge
from switchboard.workspace import LOCAL_OWNER, Workspace
from tests.support.fasta2a_agent import echo_agent
from tests.support.servers import serve_app
from tests.support.turns import WAIT, connect, run_turn, wait_for, wait_turn

ANSWER = "You said: 'hello'"


@pytest.fixture(scope="module")
def fasta2a_agent() -> Iterator[str]:
    """The fasta2a agent whose model streams; its base URL."""
    with serve_app(echo_agent()) as url:
        yield url


@pytest.fixture(scope="module")
def blocking_fasta2a_agent() -> Iterator[str]:
    """The fasta2a agent whose model does not stream (its answer comes in one piece)."""
    with serve_app(echo_agent(streaming=False)) as url:
        yield url


@pytest.fixture
def agent(workspace: Workspace, fasta2a_agent: str) -> AgentConnection:
    connection = connect(workspace, fasta2a_agent)
    assert connection.status == "ready", connection.error
    return connection


def no_traceback(caplog: pytest.LogCaptureFixture) -> bool:
    """Nothing in the app log carries a traceback."""
    return not [r for r in caplog.records if r.exc_info]


def completed(view: TurnView) -> bool:
    return view.state == "completed" and view.end_reason == "completed" and view.notices == []


def test_its_card_is_read_and_a_turn_completes_with_its_reply(
    workspace: Workspace, agent: AgentConnection, caplog: pytest.LogCaptureFixture
) -> None:
    assert agent.protocol == "JSONRPC 1.0" and agent.streaming
    view = run_turn(workspace, workspace.chat.new_conversation(agent.name), "hello")
    assert completed(view) and view.text() == ANSWER
    warnings = workspace.wire_log("agent", agent.name, LOCAL_OWNER)
    assert any("without a time zone" in e.title for e in warnings if e.direction == "warning")
    assert no_traceback(caplog)


def test_the_streamed_answer_is_one_artifact_shown_once(
    workspace: Workspace, agent: AgentConnection
) -> None:
    """fasta2a streams the answer as appended chunks, then sends the whole artifact again
    under the same id: the bubble holds it once."""
    view = run_turn(workspace, workspace.chat.new_conversation(agent.name), "hello")
    (artifact,) = view.artifacts.values()
    assert artifact.name == "result" and [p["text"] for p in artifact.parts] == [ANSWER]


def test_a_second_turn_continues_the_context(workspace: Workspace, agent: AgentConnection) -> None:
    conversation = workspace.chat.new_conversation(agent.name)
    first = run_turn(workspace, conversation, "one")
    second = run_turn(workspace, conversation, "two")
    assert completed(first) and completed(second)
    assert second.context_id == first.context_id and second.task_id != first.task_id
    assert second.text() == "You said: 'one' | 'two'", "the model heard the whole context"


def test_an_attached_file_reaches_the_model(workspace: Workspace, agent: AgentConnection) -> None:
    png = render_badge(16, 16)
    conversation = workspace.chat.new_conversation(agent.name)
    item = {"uri": "file:///badge.png", "media_type": "image/png"}
    workspace.chat.attach(
        conversation.id, "files", [{**item, "bytes": base64.b64encode(png).decode()}]
    )
    view = run_turn(workspace, conversation, "look")
    assert completed(view)
    assert view.text() == f"You said: 'look' | a file: image/png, {len(png)} bytes"


def test_the_task_as_fasta2a_keeps_it_is_read_for_resume(
    workspace: Workspace, agent: AgentConnection
) -> None:
    """GetTask (what Resume and polling use) is a JSON answer with naive timestamps too."""
    view = run_turn(workspace, workspace.chat.new_conversation(agent.name), "hello")
    snapshot = workspace.runtime.call(agent.get_task(view.task_id), timeout=30)
    assert snapshot.data["state"] == "completed"
    assert [p["text"] for a in snapshot.data["artifacts"] for p in a["parts"]] == [ANSWER]


def test_a_model_that_fails_ends_the_task_failed_without_a_traceback(
    workspace: Workspace, agent: AgentConnection, caplog: pytest.LogCaptureFixture
) -> None:
    view = run_turn(workspace, workspace.chat.new_conversation(agent.name), "fail now")
    assert view.state == "failed" and view.end_reason == "failed"
    assert no_traceback(caplog)


def test_a_model_that_does_not_stream_still_completes(
    workspace: Workspace, blocking_fasta2a_agent: str, caplog: pytest.LogCaptureFixture
) -> None:
    agent = connect(workspace, blocking_fasta2a_agent)
    conversation = workspace.chat.new_conversation(agent.name)
    view = run_turn(workspace, conversation, "hello")
    assert completed(view) and view.text() == ANSWER
    assert run_turn(workspace, conversation, "again").text() == "You said: 'hello' | 'again'"
    assert no_traceback(caplog)


def test_a_data_part_is_refused_by_fasta2a_and_the_turn_ends_cleanly(
    workspace: Workspace, agent: AgentConnection, caplog: pytest.LogCaptureFixture
) -> None:
    """fasta2a's pydantic-ai bridge does not take data parts (NotImplementedError in its
    worker): the task fails, and that is all the person sees go wrong."""
    conversation = workspace.chat.new_conversation(agent.name)
    turn = workspace.chat.send(conversation.id, "plan", data={"city": "Paris"})
    view = wait_turn(conversation, turn)
    assert view.state == "failed" and view.end_reason == "failed" and view.notices == []
    assert no_traceback(caplog)
    assert run_turn(workspace, conversation, "hello").state == "completed", "it goes on"


def test_cancel_says_when_the_agent_did_not_cancel(
    workspace: Workspace, agent: AgentConnection, caplog: pytest.LogCaptureFixture
) -> None:
    """fasta2a answers CancelTask only once the running task has ended (its worker takes the
    cancel after the run), and its pydantic-ai worker cancels nothing: the person is told the
    task was not cancelled, not that a cancel went through."""
    conversation = workspace.chat.new_conversation(agent.name)
    turn = workspace.chat.send(conversation.id, "slow")
    wait_for(lambda: sum(e.kind == "artifact" for e in conversation.events()) >= 2)
    workspace.chat.cancel_task(conversation.id).result(WAIT)
    view = wait_turn(conversation, turn)
    assert view.state == "completed" and view.text().count("step 20 ") == 1
    (notice,) = view.notices
    assert notice["level"] == "warning"
    assert notice["text"].endswith("had already ended (completed): it was not cancelled.")
    assert no_traceback(caplog)


def test_stop_then_resume_gets_the_whole_answer_once(
    workspace: Workspace, agent: AgentConnection, caplog: pytest.LogCaptureFixture
) -> None:
    """Resume is GetTask then SubscribeToTask (fasta2a's tasks/resubscribe)."""
    conversation = workspace.chat.new_conversation(agent.name)
    turn = workspace.chat.send(conversation.id, "slow")
    wait_for(lambda: sum(e.kind == "artifact" for e in conversation.events()) >= 2)
    workspace.chat.stop(conversation.id)
    assert wait_turn(conversation, turn).end_reason == "stopped"
    resumed = workspace.chat.resume(conversation.id)
    assert resumed is not None
    view = wait_turn(conversation, resumed)
    assert view.state == "completed" and view.notices == []
    steps = "".join(f"step {i} " for i in range(1, 21))
    assert view.text() == steps
    assert no_traceback(caplog)
