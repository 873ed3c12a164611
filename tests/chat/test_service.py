"""Chatting with A2A agents end to end: the demo agent on a real loopback port, both protocol
versions over both bindings, through the workspace's runtime, connections and chat service."""

from __future__ import annotations

import base64
import gc
import threading
import weakref
from pathlib import Path

import pytest

from switchboard.chat.store.cache import KEPT
from switchboard.config import Settings
from switchboard.demo.agent import build_app
from switchboard.workspace import LOCAL_OWNER, Workspace
from tests.support.servers import CuttingProxy, free_port, serve_app
from tests.support.turns import connect, run_turn, wait_for, wait_turn

COMBINATIONS = [
    ("JSONRPC", "1.0"),
    ("HTTP+JSON", "1.0"),
    ("JSONRPC", "0.3"),
    ("HTTP+JSON", "0.3"),
]
IDS = [f"{b}-{v}" for b, v in COMBINATIONS]


@pytest.fixture(params=COMBINATIONS, ids=IDS)
def agent_chat(request: pytest.FixtureRequest, workspace: Workspace, demo_agent: str):
    binding, version = request.param
    agent = connect(workspace, demo_agent, binding=binding, version=version)
    assert agent.status == "ready", agent.error
    assert agent.protocol == f"{binding} {version}"
    return workspace, workspace.chat.new_conversation(agent.name)


def test_streamed_artifact_chunks_grow_one_answer(agent_chat) -> None:
    ws, conversation = agent_chat
    view = run_turn(ws, conversation, "story")

    chunks = [e for e in conversation.events() if e.kind == "artifact"]
    assert len(chunks) > 3, "the story should arrive in several chunks"
    assert [c.data["append"] for c in chunks] == [False] + [True] * (len(chunks) - 1)
    assert view.state == "completed" and view.end_reason == "completed"
    assert list(view.artifacts) == ["story"]
    assert view.text() == "".join(c.data["parts"][0]["text"] for c in chunks)
    assert ("working", "Writing…") in view.history


def test_a_direct_message_reply_needs_no_task(agent_chat) -> None:
    ws, conversation = agent_chat
    view = run_turn(ws, conversation, "hello")
    assert view.task_id == "" and view.end_reason == "replied"
    assert view.text().startswith("Hi! I am the Switchboard demo agent")


def test_input_required_reply_continues_the_same_task_and_context(agent_chat) -> None:
    ws, conversation = agent_chat
    asked = run_turn(ws, conversation, "ask")
    assert asked.state == "input-required"
    assert "Which colour" in "".join(p["text"] for p in asked.status_parts)
    assert conversation.pending_task() == asked.task_id

    answered = run_turn(ws, conversation, "blue")
    assert answered.task_id == asked.task_id
    assert answered.context_id == asked.context_id
    assert answered.state == "completed"
    assert answered.text() == "You chose **blue**."
    assert conversation.pending_task() is None


def test_failed_and_rejected_tasks_say_so(agent_chat) -> None:
    ws, conversation = agent_chat
    failed = run_turn(ws, conversation, "fail")
    assert failed.state == "failed" and failed.end_reason == "failed"
    assert failed.history[-1] == ("failed", "Failed on purpose: the 'fail' prompt always fails.")
    assert failed.notices == []

    crashed = run_turn(ws, conversation, "crash")
    assert crashed.state == "failed" and crashed.end_reason == "failed"
    assert crashed.notices[-1]["level"] in ("error", "warning"), "the person is told"

    rejected = run_turn(ws, conversation, "reject")
    assert rejected.state == "rejected"
    assert rejected.history[-1][1], "a rejection carries the agent's reason"


def test_data_and_image_parts_arrive_typed(agent_chat) -> None:
    ws, conversation = agent_chat
    data = run_turn(ws, conversation, "data")
    parts = [p for a in data.artifacts.values() for p in a.parts]
    assert [p["type"] for p in parts] == ["data"]
    assert isinstance(parts[0]["data"], dict) and parts[0]["data"]

    image = run_turn(ws, conversation, "image")
    files = [p for a in image.artifacts.values() for p in a.parts if p["type"] == "file"]
    assert files[0]["media_type"] == "image/png"
    assert base64.b64decode(files[0]["bytes"]).startswith(b"\x89PNG\r\n\x1a\n")


def test_cancel_task_cancels_a_running_task_and_explains_a_finished_one(agent_chat) -> None:
    ws, conversation = agent_chat
    turn = ws.chat.send(conversation.id, "slow")
    wait_for(lambda: any(e.kind == "artifact" for e in conversation.events()))
    ws.chat.cancel_task(conversation.id).result(30)
    view = wait_turn(conversation, turn)
    assert view.state == "canceled" and view.end_reason == "canceled"

    ws.chat.cancel_task(conversation.id).result(30)
    last = conversation.turns()[-1]
    assert "already finished, so there is nothing to cancel" in last.notices[-1]["text"]


def test_stop_listening_leaves_the_task_running_and_resume_gets_all_of_it(
    workspace: Workspace, demo_agent: str
) -> None:
    agent = connect(workspace, demo_agent)
    conversation = workspace.chat.new_conversation(agent.name)
    turn = workspace.chat.send(conversation.id, "slow")
    wait_for(lambda: sum(e.kind == "artifact" for e in conversation.events()) >= 2)
    assert workspace.chat.stop(conversation.id)
    stopped = wait_turn(conversation, turn)
    assert stopped.end_reason == "stopped"
    assert "Stopped listening" in stopped.notices[-1]["text"]

    still = workspace.runtime.call(agent.get_task(stopped.task_id), timeout=10)
    assert still.data["state"] == "working", "stopping must not cancel the agent's task"

    resumed_turn = workspace.chat.resume(conversation.id)
    assert resumed_turn is not None
    resumed = wait_turn(conversation, resumed_turn)
    assert resumed.state == "completed"
    lines = resumed.text().splitlines()
    assert lines == [f"step {i} of 40" for i in range(1, 41)], "every chunk exactly once"
    assert len(resumed.artifacts["progress"].parts) == 1, "chunks join into one text part"


def test_a_stream_cut_mid_flight_is_resumed_with_nothing_lost_or_doubled(
    workspace: Workspace,
) -> None:
    upstream = free_port()
    with (
        CuttingProxy(upstream, after_events=4) as proxy,
        serve_app(lambda _: build_app(proxy.url), port=upstream),
    ):
        agent = connect(workspace, proxy.url)
        conversation = workspace.chat.new_conversation(agent.name)
        view = run_turn(workspace, conversation, "slow")

    assert proxy.cut_count == 1
    assert any(n["level"] == "warning" and "dropped" in n["text"] for n in view.notices)
    assert view.state == "completed"
    assert view.text().splitlines() == [f"step {i} of 40" for i in range(1, 41)]


def test_an_agent_that_does_not_stream_answers_in_task_snapshots(workspace: Workspace) -> None:
    """The send returns at once with the task (returnImmediately), which is polled until it
    settles: every event of the turn is a snapshot of it."""
    with serve_app(lambda base: build_app(base, streaming=False)) as url:
        agent = connect(workspace, url)
        assert agent.card is not None and not agent.card.streaming
        conversation = workspace.chat.new_conversation(agent.name)
        view = run_turn(workspace, conversation, "story")

    kinds = [e.kind for e in conversation.events() if e.turn == view.turn]
    assert kinds[0] == "user" and set(kinds[1:-1]) == {"task"} and kinds[-1] == "turn_end"
    assert view.state == "completed" and "Night Operator" in view.text()


def test_an_agent_speaking_only_0_3_is_detected_from_its_card(workspace: Workspace) -> None:
    with serve_app(lambda base: build_app(base, versions=("0.3",))) as url:
        agent = connect(workspace, url)
        assert agent.protocol == "JSONRPC 0.3"
        conversation = workspace.chat.new_conversation(agent.name)
        assert run_turn(workspace, conversation, "story").state == "completed"


def test_each_conversation_keeps_its_context_and_a_new_one_starts_another(
    workspace: Workspace, demo_agent: str
) -> None:
    agent = connect(workspace, demo_agent)
    first = workspace.chat.new_conversation(agent.name)
    one = run_turn(workspace, first, "story")
    two = run_turn(workspace, first, "story")
    assert one.context_id and two.context_id == one.context_id
    assert one.task_id != two.task_id

    second = workspace.chat.new_conversation(agent.name)
    other = run_turn(workspace, second, "story")
    assert other.context_id != one.context_id


def test_a_new_prompt_supersedes_the_running_turn(workspace: Workspace, demo_agent: str) -> None:
    agent = connect(workspace, demo_agent)
    conversation = workspace.chat.new_conversation(agent.name)
    slow = workspace.chat.send(conversation.id, "slow")
    wait_for(lambda: any(e.kind == "artifact" for e in conversation.events()))
    story = workspace.chat.send(conversation.id, "story")

    assert wait_turn(conversation, slow).end_reason == "stopped"
    assert wait_turn(conversation, story).state == "completed"


def test_several_agents_at_once_each_conversation_with_its_own(
    workspace: Workspace, demo_agent: str
) -> None:
    rest = connect(workspace, demo_agent, name="rest", binding="HTTP+JSON")
    legacy = connect(workspace, demo_agent, name="legacy", version="0.3")
    conversations = [workspace.chat.new_conversation(a.name) for a in (rest, legacy)]
    turns = [workspace.chat.send(c.id, "story") for c in conversations]
    views = [wait_turn(c, t) for c, t in zip(conversations, turns, strict=True)]
    assert [v.state for v in views] == ["completed", "completed"]
    assert [c.counterpart for c in conversations] == ["rest", "legacy"]


def test_a_stop_that_arrives_before_the_turn_starts_still_ends_it(
    workspace: Workspace, demo_agent: str
) -> None:
    agent = connect(workspace, demo_agent)
    conversation = workspace.chat.new_conversation(agent.name)
    release = threading.Event()

    async def hold_the_loop() -> None:
        release.wait(10)  # blocks the loop on purpose: send and stop queue up behind it

    workspace.runtime.submit(hold_the_loop())
    turn = workspace.chat.send(conversation.id, "slow")
    assert workspace.chat.stop(conversation.id)
    release.set()
    view = wait_turn(conversation, turn)
    assert view.end_reason == "stopped" and view.task_id == ""
    assert [e.kind for e in conversation.events()].count("turn_end") == 1
    assert run_turn(workspace, conversation, "hello").end_reason == "replied"


def test_each_person_reads_only_their_own_turns_in_a_shared_agents_wire_log(
    workspace: Workspace, demo_agent: str
) -> None:
    agent = connect(workspace, demo_agent, name="Demo")
    ada, grace = "ada@example.com", "grace@example.com"
    for user in (ada, grace):
        run_turn(workspace, workspace.chat.new_conversation("Demo", user), f"echo from {user}")
    for user, other in ((ada, grace), (grace, ada)):
        seen = " ".join(e.title + e.body for e in agent.wire.seen_by(user))
        assert f"from {user}" in seen and f"from {other}" not in seen
        assert "agent-card.json" in seen, "the card fetch is the connection's own: everyone's"


def test_an_ended_turn_lets_its_conversation_leave_memory(tmp_path: Path, demo_agent: str) -> None:
    """With conversations on disk, one whose turn has ended and that nobody shows any more is
    not held by the chat service: it leaves memory once others are more recent, and comes back
    from the store whole."""
    ws = Workspace(Settings(source="test", data_dir=str(tmp_path)))
    try:
        agent = connect(ws, demo_agent)
        conversation = ws.chat.new_conversation(agent.name)
        run_turn(ws, conversation, "hello")
        kept_id, events, gone = conversation.id, conversation.events(), weakref.ref(conversation)
        wait_for(lambda: not ws.chat.is_running(kept_id))  # its end is seen, then it is let go
        del conversation
        for n in range(KEPT):
            ws.chat.new_conversation(agent.name).record(1, "user", {"text": f"other {n}"})
        gc.collect()
        assert gone() is None, "neither running, shown nor recent: not in memory"
        again = ws.conversation(kept_id, LOCAL_OWNER)
        assert again is not None and again.events() == events
    finally:
        ws.close()
