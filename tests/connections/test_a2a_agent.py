"""An agent connection: what a failed one says, credentials that go only to their host and
never into the wire log, an agent that dies mid-stream."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest

from switchboard.chat.turns import text_of
from switchboard.connections.a2a_agent import UNREAD_EVENT
from switchboard.connections.redaction import MASK
from switchboard.demo.agent import build_app
from switchboard.workspace import LOCAL_OWNER, Workspace
from tests.support.hostile_agent import (
    CallCounter,
    deep_data,
    ending_subscriptions,
    hand_written,
    nested,
    odd_states,
    repeating_status,
)
from tests.support.recorded_agent import serve_recorded
from tests.support.servers import free_port, serve_app
from tests.support.turns import (
    connect,
    one_turn,
    run_turn,
    wait_for,
    wait_turn,
    wire_titled,
)

TOKEN = "s3cr3t-bearer-token-0123456789"
API_KEY = "k3y-abcdef-987654"
HEADERS = {"Authorization": f"Bearer {TOKEN}", "X-API-Key": API_KEY}


def test_nothing_listening_says_to_check_the_agent(workspace: Workspace) -> None:
    agent = connect(workspace, f"http://127.0.0.1:{free_port()}")
    assert agent.status == "failed"
    assert "Could not reach" in agent.error and "Check that the agent is running" in agent.error


def test_a_failed_agent_breaks_nothing_else(workspace: Workspace, demo_agent: str) -> None:
    broken = connect(workspace, f"http://127.0.0.1:{free_port()}", name="broken")
    good = connect(workspace, demo_agent, name="good")
    assert (broken.status, good.status) == ("failed", "ready")
    conversation = workspace.chat.new_conversation("good")
    assert run_turn(workspace, conversation, "story").state == "completed"

    doomed = workspace.chat.new_conversation("broken")
    view = run_turn(workspace, doomed, "hello")
    assert view.end_reason == "error"
    assert "Not connected to broken" in view.notices[0]["text"]


def test_credentials_go_to_the_configured_host(workspace: Workspace) -> None:
    recorder, server = serve_recorded("127.0.0.1")
    with server as url:
        agent = connect(workspace, url, headers=HEADERS)
        conversation = workspace.chat.new_conversation(agent.name)
        assert run_turn(workspace, conversation, "story").state == "completed"
    assert recorder.seen and all(
        (auth, key) == (f"Bearer {TOKEN}", API_KEY) for _, _, auth, key in recorder.seen
    )


def test_credentials_never_go_to_another_host_named_in_the_card(workspace: Workspace) -> None:
    recorder, server = serve_recorded("localhost")
    with server as url:
        agent = connect(workspace, url, headers=HEADERS)
        assert agent.endpoint.startswith("http://localhost:")
        conversation = workspace.chat.new_conversation(agent.name)
        run_turn(workspace, conversation, "story")
    card_fetches = [s for s in recorder.seen if s[0].startswith("127.0.0.1")]
    elsewhere = [s for s in recorder.seen if s[0].startswith("localhost")]
    assert card_fetches and all(s[2] == f"Bearer {TOKEN}" for s in card_fetches)
    assert elsewhere, "the messages went to the card's host"
    assert all(s[2] == "" and s[3] == "" for s in elsewhere)
    assert any("headers are not sent there" in e.title for e in agent.wire.entries.snapshot())


def test_secrets_never_reach_the_wire_log_or_the_ui_facts(workspace: Workspace) -> None:
    _, server = serve_recorded("127.0.0.1")
    with server as url:
        agent = connect(workspace, url, headers=HEADERS)
        conversation = workspace.chat.new_conversation(agent.name)
        run_turn(workspace, conversation, f"echo {TOKEN}")  # even when the agent echoes it
    entries = agent.wire.entries.snapshot()
    everything = "\n".join(e.title + "\n" + e.body for e in entries)
    assert {e.direction for e in entries} >= {"request", "response", "event", "info"}
    assert "/.well-known/agent-card.json" in everything
    assert TOKEN not in everything and API_KEY not in everything
    assert f"Authorization: {MASK}" in everything and f"X-API-Key: {MASK}" in everything
    shown = repr(workspace.agent(agent.name, LOCAL_OWNER))  # what the pages get
    assert TOKEN not in shown and API_KEY not in shown and "Authorization" in shown


def test_an_agent_that_dies_mid_stream_for_good_ends_the_turn_with_what_to_do(
    workspace: Workspace,
) -> None:
    with serve_app(build_app) as url:
        agent = connect(workspace, url)
        agent.resume_attempts = 2
        conversation = workspace.chat.new_conversation(agent.name)
        turn = workspace.chat.send(conversation.id, "slow")
        wait_for(lambda: any(e.kind == "artifact" for e in conversation.events()))
    view = wait_turn(conversation, turn)  # the server is gone now
    assert view.end_reason == "error"
    assert [n["level"] for n in view.notices] == ["warning", "warning", "warning", "error"]
    assert "could not get it back after 2 attempts" in view.notices[-1]["text"]
    assert "press Resume" in view.notices[-1]["hint"]


def test_a_stream_the_agent_keeps_ending_is_retried_with_backoff_then_given_up(
    workspace: Workspace,
) -> None:
    """SubscribeToTask ends at once, cleanly, while the task stays working: the client backs
    off, says so in the turn, and gives up after its attempts instead of spinning."""
    served: list[CallCounter] = []

    def build(base: str) -> CallCounter:
        served.append(ending_subscriptions(base))
        return served[0]

    with serve_app(build) as url:  # type: ignore[arg-type]
        agent = connect(workspace, url)
        agent.resume_attempts = 3
        conversation = workspace.chat.new_conversation(agent.name)
        view = run_turn(workspace, conversation, "work")
    calls = served[0].calls
    assert view.end_reason == "error" and view.state == "working"
    retrying = [n["text"] for n in view.notices if n["text"].startswith("Lost the agent's stream")]
    assert [text.split("listening again in ")[1] for text in retrying[:3]] == [
        "0.5 s (attempt 1 of 3).",
        "1 s (attempt 2 of 3).",
        "2 s (attempt 3 of 3).",
    ]
    assert "could not get it back after 3 attempts" in view.notices[-1]["text"]
    assert calls["SubscribeToTask"] == 4 and calls["GetTask"] <= 5
    assert len(conversation.events()) < 20


def test_a_state_outside_the_enum_is_shown_as_it_came_and_the_stream_goes_on(
    workspace: Workspace,
) -> None:
    _, view = one_turn(workspace, odd_states)
    assert view.state == "completed" and view.text() == "still here"
    assert ("unrecognized state 99", "odd") in view.history
    assert view.notices == []


def test_a_data_part_nested_50_deep_is_kept_as_it_came_and_the_stream_goes_on(
    workspace: Workspace,
) -> None:
    agent, view = one_turn(workspace, deep_data)
    assert view.state == "completed" and view.text() == "after the deep part"
    [part] = view.artifacts["deep"].parts
    value, levels = part["data"], 0
    while isinstance(value, dict):  # as structure down to where the SDK can read it...
        value, levels = value["level"], levels + 1
    assert json.loads(value) == nested(50 - levels), "...and from there on as its JSON text"
    assert view.notices == []
    warnings = workspace.wire_log("agent", agent.name, LOCAL_OWNER)
    assert any("nested deeper than" in e.title for e in warnings if e.direction == "warning")


def test_a_repeated_state_with_no_message_keeps_the_question(workspace: Workspace) -> None:
    _, view = one_turn(workspace, repeating_status)
    assert view.state == "input-required" and text_of(view.status_parts) == "Which colour?"


def test_naive_timestamps_are_read_as_utc_with_a_warning(workspace: Workspace) -> None:
    """As fasta2a sends them: a status timestamp with no time zone, which the SDK refuses."""
    ids, naive = {"taskId": "t-n", "contextId": "c-n"}, "2026-12-01T10:00:00.123456"
    done = {"state": "TASK_STATE_COMPLETED", "timestamp": naive}
    answer = {"artifactId": "a", "parts": [{"text": "on time"}]}
    frames = [
        {
            "task": {
                "id": "t-n",
                "contextId": "c-n",
                "status": {**done, "state": "TASK_STATE_WORKING"},
            }
        },
        {"artifactUpdate": {**ids, "artifact": answer, "lastChunk": True}},
        {"statusUpdate": {**ids, "status": done}},
    ]
    final = {"id": "t-n", "contextId": "c-n", "status": done, "artifacts": [answer]}
    agent, view = one_turn(workspace, lambda base: hand_written(base, "Naive", frames, final))
    assert view.state == "completed" and view.text() == "on time" and view.notices == []
    warnings = workspace.wire_log("agent", agent.name, LOCAL_OWNER)
    assert any("without a time zone" in e.title for e in warnings if e.direction == "warning")


def test_an_event_the_sdk_cannot_read_ends_the_turn_clearly_without_a_traceback(
    workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    ids = {"taskId": "t-b", "contextId": "c-b"}
    broken = {"state": "TASK_STATE_WORKING", "timestamp": "yesterday"}
    frames = [
        {"task": {"id": "t-b", "contextId": "c-b", "status": {"state": "TASK_STATE_WORKING"}}},
        {"statusUpdate": {**ids, "status": broken}},
    ]
    final = {"id": "t-b", "contextId": "c-b", "status": {"state": "TASK_STATE_WORKING"}}
    agent, view = one_turn(workspace, lambda base: hand_written(base, "Broken", frames, final))
    (notice,) = view.notices
    assert notice["text"].startswith("The agent sent an event that is not valid A2A")
    assert "timestamp" in notice["text"] and "Inspector" in notice["hint"]
    assert not [r for r in caplog.records if r.exc_info], "no traceback in the app log"
    [broke] = wire_titled(workspace, agent, UNREAD_EVENT)
    assert '"timestamp": "yesterday"' in broke.body, "the raw frame, as it came"


@pytest.mark.parametrize(("binding", "version"), [("JSONRPC", "1.0"), ("HTTP+JSON", "0.3")])
def test_a_data_part_the_person_sends_reaches_the_agent(
    workspace: Workspace, demo_agent: str, binding: str, version: str
) -> None:
    """The demo agent sends back the data parts it received, as it received them."""
    agent = connect(workspace, demo_agent, binding=binding, version=version)
    conversation = workspace.chat.new_conversation(agent.name)
    data = {"city": "Paris", "days": 3, "tags": ["museum", "food"], "pets": None}
    view = wait_turn(conversation, workspace.chat.send(conversation.id, "plan", data=data))
    assert view.state == "completed"
    text, echoed = view.artifacts["received"].parts
    assert text["text"] == "Received 1 data part." and echoed["data"] == data


BINDINGS = [("JSONRPC", "1.0"), ("JSONRPC", "0.3"), ("HTTP+JSON", "1.0"), ("HTTP+JSON", "0.3")]


@pytest.mark.parametrize(("binding", "version"), BINDINGS)
def test_files_reach_the_demo_agent_and_come_back_intact(
    workspace: Workspace, demo_agent: str, binding: str, version: str
) -> None:
    """Both ways on every interface, v0.3 HTTP+JSON included (where a2a-sdk's own server
    would misread correct bytes): the demo agent states the file's size and SHA-256, and its
    PNG arrives as it drew it, with no warning about how it was encoded."""
    agent = connect(workspace, demo_agent, binding=binding, version=version)
    conversation = workspace.chat.new_conversation(agent.name)
    payload = bytes(range(255, -1, -1)) * 3  # not UTF-8, not base64 text
    encoded = base64.b64encode(payload).decode()
    attachment = {"uri": "file:///tmp/r.bin", "media_type": "application/octet-stream"}
    workspace.chat.attach(conversation.id, "files", [{**attachment, "bytes": encoded}])
    view = wait_turn(conversation, workspace.chat.send(conversation.id, "check"))
    assert view.state == "completed" and view.notices == []
    text, described = view.artifacts["received"].parts
    assert text["text"] == "Received 1 file."
    assert described["data"]["length"] == len(payload)
    assert described["data"]["sha256"] == hashlib.sha256(payload).hexdigest()

    image = wait_turn(conversation, workspace.chat.send(conversation.id, "image"))
    png = base64.b64decode(image.artifacts["badge"].parts[0]["bytes"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and image.notices == []
    entries = workspace.wire_log("agent", agent.name, LOCAL_OWNER)
    assert not [e.title for e in entries if e.direction == "warning"]
