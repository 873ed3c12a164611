"""A server's question reaches the call that asked it, with two calls running at once on one
real server (what the assistant does when its model calls two tools in one round)."""

from __future__ import annotations

import sys
from pathlib import Path

from switchboard.chat.conversation import Conversation
from switchboard.chat.events import Action
from switchboard.chat.turns import text_of
from switchboard.config import McpServerSettings
from switchboard.workspace import Workspace
from tests.support import fastmcp_server
from tests.support.servers import serve_app
from tests.support.turns import connect_server, wait_for, wait_turn

ASKING = str(Path(__file__).parents[1] / "support" / "asking_mcp.py")


def asking_server(era: str) -> McpServerSettings:
    return McpServerSettings("asking", "stdio", sys.executable, (ASKING,), era=era)


def questions_in(conversation: Conversation) -> list[dict]:
    return [e.data for e in conversation.events() if e.kind == "question"]


def started(ws: Workspace, conversation: Conversation, tool: str, signal: Path) -> int:
    """Call `tool` in the conversation and wait until the server has the call."""
    turn = ws.chat.call_tool(conversation.id, "asking", tool, {"signal": str(signal)})
    server = ws.registry.server("asking")
    assert server is not None
    wait_for(lambda: str(signal) in " ".join(e.body for e in server.wire.entries.snapshot()))
    return turn


def test_the_question_goes_to_the_call_that_asked_and_outlives_the_other_call(
    workspace: Workspace, tmp_path: Path
) -> None:
    """2026-07-28: the call is known exactly. The asking call started first, so "the newest
    call on that server" (how questions were routed before) is the other one."""
    connect_server(workspace, asking_server("auto"))
    asker, other = (workspace.chat.new_conversation("nobody") for _ in range(2))
    ask_signal, finish_signal = tmp_path / "ask", tmp_path / "finish"
    asking_turn = started(workspace, asker, "ask_when", ask_signal)
    other_turn = started(workspace, other, "finish_when", finish_signal)

    ask_signal.touch()
    wait_for(lambda: questions_in(asker) != [])
    (question,) = questions_in(asker)
    assert question["message"] == "Which name for ask?" and not question["shared"]
    assert questions_in(other) == []

    finish_signal.touch()
    assert wait_turn(other, other_turn).result["parts"][0]["text"] == "finished"
    view = asker.turns()[-1]
    assert not view.ended and [q["id"] for q in view.open_questions] == [question["id"]]

    assert workspace.chat.answer(question["id"], "accept", {"name": "Ada"})
    answered = wait_turn(asker, asking_turn)
    assert answered.result["parts"][0]["text"] == "named Ada"
    assert [e.kind for e in other.events()].count("answer") == 0


def test_a_push_question_with_two_calls_running_is_the_servers_and_waits_for_both(
    workspace: Workspace, tmp_path: Path
) -> None:
    """Handshake era: `elicitation/create` names no call, so both calls' turns show it as the
    server's; the other call's end leaves it open, and the answer reaches the server."""
    connect_server(workspace, asking_server("legacy"))
    asker, other = (workspace.chat.new_conversation("nobody") for _ in range(2))
    ask_signal, finish_signal = tmp_path / "ask", tmp_path / "finish"
    asking_turn = started(workspace, asker, "ask_when", ask_signal)
    other_turn = started(workspace, other, "finish_when", finish_signal)

    ask_signal.touch()
    wait_for(lambda: questions_in(asker) != [] and questions_in(other) != [])
    (question,) = questions_in(asker)
    assert questions_in(other) == [question] and question["shared"]

    finish_signal.touch()
    wait_turn(other, other_turn)
    assert [q["id"] for q in asker.turns()[-1].open_questions] == [question["id"]]

    assert workspace.chat.answer(question["id"], "accept", {"name": "Grace"})
    assert wait_turn(asker, asking_turn).result["parts"][0]["text"] == "named Grace"


def test_with_one_call_running_a_push_question_is_that_calls(
    workspace: Workspace, tmp_path: Path
) -> None:
    connect_server(workspace, asking_server("legacy"))
    conversation = workspace.chat.new_conversation("nobody")
    signal = tmp_path / "ask"
    turn = started(workspace, conversation, "ask_when", signal)
    signal.touch()
    wait_for(lambda: questions_in(conversation) != [])
    (question,) = questions_in(conversation)
    assert not question["shared"]
    assert workspace.chat.answer(question["id"], "decline")
    assert wait_turn(conversation, turn).result["parts"][0]["text"] == "declined"


def test_stopping_the_only_call_that_may_have_asked_withdraws_the_question(
    workspace: Workspace, tmp_path: Path
) -> None:
    connect_server(workspace, asking_server("legacy"))
    conversation = workspace.chat.new_conversation("nobody")
    signal = tmp_path / "ask"
    turn = started(workspace, conversation, "ask_when", signal)
    signal.touch()
    wait_for(lambda: questions_in(conversation) != [])
    (question,) = questions_in(conversation)
    assert workspace.chat.stop(conversation.id)
    assert wait_turn(conversation, turn).end_reason == "stopped"
    assert not workspace.chat.answer(question["id"], "accept", {"name": "late"})


def test_fastmcp_questions_from_two_calls_reach_their_own_conversations(
    workspace: Workspace,
) -> None:
    """fastmcp's `ctx.elicit` in the handshake era over streamable HTTP (each question comes
    on its call's own stream), two calls at once on one server: each question reaches the
    conversation whose call asked, and one answered after the other call ended still counts."""
    with serve_app(lambda _: fastmcp_server.server.http_app()) as url:
        settings = McpServerSettings("fast", "http", url=url + "/mcp", era="legacy")
        connect_server(workspace, settings)
        first, second = (workspace.chat.new_conversation("nobody") for _ in range(2))
        turns = [workspace.chat.call_tool(c.id, "fast", "ask_name", {}) for c in (first, second)]
        wait_for(lambda: len(questions_in(first)) == 1 and len(questions_in(second)) == 1)
        (asked_first,), (asked_second,) = questions_in(first), questions_in(second)
        assert asked_first["id"] != asked_second["id"] and not asked_first.get("shared")
        assert workspace.chat.answer(asked_second["id"], Action.ACCEPT, {"value": "Grace"})
        assert text_of(wait_turn(second, turns[1]).result["parts"]) == "Hello, Grace!"
        assert workspace.chat.answer(asked_first["id"], Action.ACCEPT, {"value": "Ada"})
        assert text_of(wait_turn(first, turns[0]).result["parts"]) == "Hello, Ada!"
