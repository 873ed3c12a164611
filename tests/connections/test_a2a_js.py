"""Switchboard against an agent written on @a2a-js/sdk 1.3, over each interface its card
declares (JSON-RPC and HTTP+JSON, A2A 1.0 and 0.3), through the path the chat page uses."""

from __future__ import annotations

import base64
import hashlib
import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from switchboard.chat.conversation import Conversation
from switchboard.chat.turns import TurnView, text_of
from switchboard.connections.a2a_agent import UNREAD_EVENT, AgentConnection
from switchboard.workspace import Workspace
from tests.support.a2a_js import FILE_BYTES, INTERFACES, js_agent
from tests.support.servers import CuttingProxy, free_port
from tests.support.turns import WAIT, connect, run_turn, wait_for, wait_turn, wire_titled


@pytest.fixture(autouse=True)
def no_traceback_in_the_app_log(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Nothing the JS agent does leaves an error or a traceback in the app log."""
    yield
    assert [r.getMessage() for r in caplog.records if r.exc_info or r.levelname == "ERROR"] == []


@pytest.fixture(scope="module")
def agent_url() -> Iterator[str]:
    with js_agent() as url:
        yield url


@pytest.fixture(params=INTERFACES, ids=lambda i: f"{i[0]}-{i[1]}")
def agent(request: pytest.FixtureRequest, workspace: Workspace, agent_url: str) -> AgentConnection:
    binding, version = request.param
    connection = connect(workspace, agent_url, binding=binding, version=version)
    assert connection.status == "ready", connection.error
    assert connection.protocol == f"{binding} {version}"
    return connection


def test_a_plain_reply(workspace: Workspace, agent: AgentConnection) -> None:
    view = run_turn(workspace, workspace.chat.new_conversation(agent.name), "hello")
    assert view.end_reason == "replied" and view.notices == []
    assert view.text() == "Hello from the JS agent."


def test_a_streamed_task(workspace: Workspace, agent: AgentConnection) -> None:
    view = run_turn(workspace, workspace.chat.new_conversation(agent.name), "steps 5 20")
    assert view.state == "completed" and view.notices == []
    assert view.text() == "".join(f"step {i} of 5\n" for i in range(1, 6))


def test_input_required_round_trip(workspace: Workspace, agent: AgentConnection) -> None:
    conversation = workspace.chat.new_conversation(agent.name)
    asked = run_turn(workspace, conversation, "ask")
    assert asked.state == "input-required"
    assert text_of(asked.status_parts) == "What is your name?"
    answered = run_turn(workspace, conversation, "Ada")
    assert answered.state == "completed" and answered.task_id == asked.task_id
    assert answered.text() == "Nice to meet you, Ada."


def test_a_file_the_agent_sends_arrives_intact(
    workspace: Workspace, agent: AgentConnection
) -> None:
    view = run_turn(workspace, workspace.chat.new_conversation(agent.name), "file")
    assert view.state == "completed" and view.notices == []
    [part] = view.artifacts["file"].parts
    assert (part["type"], part["filename"]) == ("file", named(agent, "bytes.bin"))
    assert base64.b64decode(part["bytes"]) == FILE_BYTES


def test_a_file_the_person_sends_arrives_intact(
    workspace: Workspace, agent: AgentConnection
) -> None:
    conversation = workspace.chat.new_conversation(agent.name)
    payload = bytes(range(255, -1, -1)) * 3  # not UTF-8, not base64 text
    attachment = {
        "uri": "file:///tmp/reversed.bin",
        "media_type": "application/octet-stream",
        "bytes": base64.b64encode(payload).decode(),
    }
    workspace.chat.attach(conversation.id, "files", [attachment])
    view = run_turn(workspace, conversation, "echo")
    assert view.end_reason == "replied" and view.notices == []
    received = received_parts(view)
    assert received[0] == {"kind": "text", "text": "echo", "mediaType": ""}
    assert received[1] == {
        "kind": "file",
        "filename": named(agent, "reversed.bin"),
        "mediaType": "application/octet-stream",
        "length": len(payload),
        "sha256": hashlib.sha256(payload).hexdigest(),
    }


def test_data_parts_the_agent_sends(workspace: Workspace, agent: AgentConnection) -> None:
    view = run_turn(workspace, workspace.chat.new_conversation(agent.name), "echo data")
    [reply] = view.messages
    assert [p["type"] for p in reply] == ["text", "data"]
    assert reply[1]["data"] == {
        "received": [{"kind": "text", "text": "echo data", "mediaType": ""}]
    }


def named(agent: AgentConnection, filename: str) -> str:
    """The file name as it crosses `agent`'s interface: the JS SDK's v0.3 HTTP+JSON proto has
    no FilePart.name (its own defect), so there the name is lost both ways."""
    return "" if agent.protocol == "HTTP+JSON 0.3" else filename


def received_parts(view: TurnView) -> list[dict[str, Any]]:
    """What the JS agent's `echo` says it received, part by part."""
    [reply] = view.messages
    return next(p["data"]["received"] for p in reply if p["type"] == "data")


@pytest.fixture(scope="module")
def lagging_url() -> Iterator[str]:
    """The JS agent behind a proxy that holds each piece of a stream a while: the stream runs
    behind the agent's task."""
    port = free_port()
    with CuttingProxy(port, cuts=0, lag=0.2) as proxy, js_agent(port=port, public_url=proxy.url):
        yield proxy.url


def test_cancel_during_a_lagging_stream_keeps_each_step_once(
    workspace: Workspace, lagging_url: str
) -> None:
    """The cancel answer (the task as the agent has it, ahead of the stream) and the chunks
    the stream still brings never add up to more than the agent's task."""
    agent = connect(workspace, lagging_url, binding="JSONRPC", version="1.0")
    conversation = workspace.chat.new_conversation(agent.name)
    turn = workspace.chat.send(conversation.id, "steps 40 50")
    wait_for(lambda: "step 4 of 40" in conversation.turns()[-1].text())
    workspace.chat.cancel_task(conversation.id).result(WAIT)
    view = wait_turn(conversation, turn)
    final = workspace.runtime.call(agent.get_task(view.task_id), timeout=WAIT)
    agents = "".join(p["text"] for a in final.data["artifacts"] for p in a["parts"])
    assert agents.count("\n") > 4, "the agent was ahead of the stream when it was cancelled"
    assert view.state == "canceled"
    assert view.text() == agents


@pytest.fixture(scope="module")
def blocking_url() -> Iterator[str]:
    """The JS agent with capabilities.streaming false."""
    with js_agent(streaming=False) as url:
        yield url


@pytest.fixture(params=INTERFACES, ids=lambda i: f"{i[0]}-{i[1]}")
def blocking_agent(
    request: pytest.FixtureRequest, workspace: Workspace, blocking_url: str
) -> AgentConnection:
    binding, version = request.param
    connection = connect(workspace, blocking_url, binding=binding, version=version)
    assert connection.status == "ready" and not connection.streaming, connection.error
    return connection


def running_task(conversation: Conversation) -> str:
    """Wait until the running turn knows its task (while it runs); the task id."""
    wait_for(lambda: bool(conversation.turns()[-1].task_id))
    view = conversation.turns()[-1]
    assert not view.ended, "the task was known only once it had finished"
    return view.task_id


def test_a_task_that_does_not_stream_can_be_cancelled_while_it_runs(
    workspace: Workspace, blocking_agent: AgentConnection
) -> None:
    conversation = workspace.chat.new_conversation(blocking_agent.name)
    turn = workspace.chat.send(conversation.id, "steps 40 50")
    running_task(conversation)
    workspace.chat.cancel_task(conversation.id).result(WAIT)
    view = wait_turn(conversation, turn)
    assert view.state == "canceled" and view.end_reason == "canceled"
    assert len(view.text().splitlines()) < 40


def test_a_task_that_does_not_stream_can_be_stopped_and_resumed(
    workspace: Workspace, blocking_agent: AgentConnection
) -> None:
    conversation = workspace.chat.new_conversation(blocking_agent.name)
    turn = workspace.chat.send(conversation.id, "steps 10 50")
    task_id = running_task(conversation)
    workspace.chat.stop(conversation.id)
    stopped = wait_turn(conversation, turn)
    assert stopped.end_reason == "stopped"
    assert "Cancel task stops it, Resume listens again" in stopped.notices[-1]["text"]
    resumed = workspace.chat.resume(conversation.id)
    assert resumed is not None
    view = wait_turn(conversation, resumed)
    assert view.task_id == task_id and view.state == "completed"
    assert view.text() == "".join(f"step {i} of 10\n" for i in range(1, 11))


def test_stopped_before_the_agent_named_a_task_says_there_is_none_to_cancel(
    workspace: Workspace, blocking_url: str
) -> None:
    agent = connect(workspace, blocking_url, binding="JSONRPC", version="1.0")
    conversation = workspace.chat.new_conversation(agent.name)
    turn = workspace.chat.send(conversation.id, "wait 10000")
    wait_for(lambda: any("send message" in e.title for e in agent.wire.entries.snapshot()))
    workspace.chat.stop(conversation.id)
    view = wait_turn(conversation, turn)
    assert view.end_reason == "stopped" and not view.task_id
    assert view.notices[-1]["text"].startswith("Stopped waiting. The agent had not named a task")


STORY = "Once upon a time there was a switchboard."


@pytest.mark.parametrize("prompt", ["adk", "adk cumulative"])
def test_partial_text_in_working_statuses_grows(
    workspace: Workspace, agent: AgentConnection, prompt: str
) -> None:
    """ADK-style: the answer streams as `working` status messages, each a piece (deltas) or
    the whole text so far (cumulative); the bubble shows it growing, never only the latest
    piece, then the final artifact."""
    conversation = workspace.chat.new_conversation(agent.name)
    view = run_turn(workspace, conversation, prompt)
    assert view.state == "completed" and view.text() == STORY
    replay, shown = TurnView(turn=view.turn), []
    for event in conversation.events():
        if event.turn == view.turn:
            replay.apply_event(event)
            if event.kind == "status" and replay.state == "working":
                shown.append(text_of(replay.status_parts))
    assert shown[-1] == STORY and len(shown) == 8
    assert all(later.startswith(earlier) for earlier, later in itertools.pairwise(shown))
    assert [entry for entry in view.history if entry[0] == "working"] == [("working", STORY)]


def test_a_stopped_stream_is_resumed_with_everything_it_missed(
    workspace: Workspace, agent: AgentConnection
) -> None:
    conversation = workspace.chat.new_conversation(agent.name)
    turn = workspace.chat.send(conversation.id, "steps 30 30")
    wait_for(lambda: "step 2 of 30" in conversation.turns()[-1].text())
    workspace.chat.stop(conversation.id)
    assert wait_turn(conversation, turn).end_reason == "stopped"
    resumed = workspace.chat.resume(conversation.id)
    assert resumed is not None
    view = wait_turn(conversation, resumed)
    assert view.state == "completed", view.notices
    assert view.text() == "".join(f"step {i} of 30\n" for i in range(1, 31))


def test_cancelling_a_finished_task_says_it_is_finished(
    workspace: Workspace, agent: AgentConnection
) -> None:
    conversation = workspace.chat.new_conversation(agent.name)
    done = run_turn(workspace, conversation, "steps 2 1")
    assert done.state == "completed"
    workspace.chat.cancel_task(conversation.id).result(WAIT)
    view = conversation.turns()[-1]
    assert view.state == "completed"
    assert "already" in view.notices[-1]["text"] or "finished" in view.notices[-1]["text"], (
        view.notices
    )


def test_auto_picks_an_interface_and_works(workspace: Workspace, agent_url: str) -> None:
    agent = connect(workspace, agent_url)
    assert agent.protocol in {f"{b} {v}" for b, v in INTERFACES}
    assert run_turn(workspace, workspace.chat.new_conversation(agent.name), "hello").text()


def test_a_file_part_by_url_and_a_task_whose_executor_throws(
    workspace: Workspace, agent: AgentConnection
) -> None:
    conversation = workspace.chat.new_conversation(agent.name)
    link = run_turn(workspace, conversation, "link")
    [reply] = link.messages
    assert reply[1]["type"] == "file" and reply[1]["url"].endswith("/files/report.pdf")
    crash = run_turn(workspace, conversation, "crash")
    assert crash.state == "failed" and crash.end_reason == "failed" and crash.notices == []
    assert crash.history[-1] == ("failed", "Agent execution error: the JS agent crashed on purpose")
    assert crash.context_id == link.context_id, "one conversation, one context"


@pytest.mark.parametrize("interface", [INTERFACES[0], INTERFACES[3]], ids=lambda i: " ".join(i))
def test_a_js_agent_that_dies_mid_stream_ends_the_turn_with_what_to_do(
    workspace: Workspace, interface: tuple[str, str]
) -> None:
    with js_agent() as url:
        agent = connect(workspace, url, binding=interface[0], version=interface[1])
        agent.resume_attempts = 2
        conversation = workspace.chat.new_conversation(agent.name)
        turn = workspace.chat.send(conversation.id, "steps 40 50")
        wait_for(lambda: "step 2 of 40" in conversation.turns()[-1].text())
    view = wait_turn(conversation, turn)  # the agent is gone now
    assert view.end_reason == "error"
    assert "could not get it back after 2 attempts" in view.notices[-1]["text"], view.notices
    assert "press Resume" in view.notices[-1]["hint"]


def test_a_failed_status_with_no_message_keeps_the_reason_given_before(
    workspace: Workspace, agent: AgentConnection
) -> None:
    view = run_turn(workspace, workspace.chat.new_conversation(agent.name), "fade")
    assert view.state == "failed"
    assert text_of(view.status_parts) == "The index is gone, so no answer."


def test_an_event_the_sdk_cannot_read_ends_the_turn_clearly_with_the_frame_in_the_inspector(
    workspace: Workspace, agent: AgentConnection
) -> None:
    """The JS SDK sends a status whose timestamp is "yesterday": the turn says what broke,
    the inspector has the frame as it came, the app log has no traceback (autouse)."""
    view = run_turn(workspace, workspace.chat.new_conversation(agent.name), "garbled")
    (notice,) = view.notices  # then the task, read as it is now, says how it ended
    assert view.state in {"", "completed"}
    assert notice["text"].startswith("The agent sent an event that is not valid A2A")
    assert "Inspector" in notice["hint"]
    [broke] = wire_titled(workspace, agent, UNREAD_EVENT)
    assert "yesterday" in broke.body and "Almost there" in broke.body
