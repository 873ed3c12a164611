"""An MCP call as a stream of updates: stopped calls leave nothing behind on the loop; a
question a server cannot ask on its connection's era is explained."""

from __future__ import annotations

import asyncio
import gc
import sys
import time

import pytest

from switchboard.chat.events import Action
from switchboard.chat.turns import text_of
from switchboard.config import McpServerSettings
from switchboard.workspace import Workspace
from tests.support.servers import DEMO_MCP, FASTMCP
from tests.support.turns import WAIT, call, connect_server, wait_for, wait_turn


def loop_tasks(ws: Workspace) -> int:
    async def count() -> int:
        return len(asyncio.all_tasks()) - 1  # not this one

    return ws.runtime.call(count(), timeout=10)


def test_stopped_calls_leave_no_task_pending(workspace: Workspace) -> None:
    server = connect_server(workspace, DEMO_MCP)
    conversation = workspace.chat.new_conversation("nobody")
    call(workspace, server, "add", a=1, b=1)  # the session's own tasks are all up
    baseline = loop_tasks(workspace)
    for _ in range(5):
        arguments = {"steps": 500, "delay": 0.05}
        turn = workspace.chat.call_tool(conversation.id, "demo", "count", arguments)
        wait_for(
            lambda t=turn: any(e.kind == "progress" and e.turn == t for e in conversation.events())
        )
        assert workspace.chat.stop(conversation.id)
        assert wait_turn(conversation, turn).end_reason == "stopped"
    wait_for(lambda: loop_tasks(workspace) == baseline)
    gc.collect()  # a task left pending would be reported now (the autouse check fails on it)
    assert call(workspace, server, "add", a=2, b=2)["structured"] == {"result": 4}


@pytest.mark.parametrize("era", ["auto", "legacy"])
def test_a_fastmcp_question_on_a_2026_connection_says_how_to_get_it_asked(
    workspace: Workspace, era: str
) -> None:
    """fastmcp's `ctx.elicit` asks by a request of the server's own, which the 2026-07-28 era
    does not carry: the turn says so and what to do; in the handshake era the person is asked."""
    settings = McpServerSettings("fast", "stdio", sys.executable, (FASTMCP,), era=era)
    assert workspace.add_server(settings).wait(WAIT).status == "ready"
    conversation = workspace.chat.new_conversation("nobody")
    turn = workspace.chat.call_tool(conversation.id, "fast", "ask_name", {})
    if era == "auto":
        view = wait_turn(conversation, turn)
        assert view.result["is_error"]
        (warning,) = view.notices
        assert "handshake-era way" in warning["text"] and "`legacy`" in warning["hint"]
        return
    wait_for(lambda: bool(next(v for v in conversation.turns() if v.turn == turn).open_questions))
    view = next(v for v in conversation.turns() if v.turn == turn)
    assert workspace.chat.answer(view.open_questions[0]["id"], Action.ACCEPT, {"value": "Ada"})
    assert text_of(wait_turn(conversation, turn).result["parts"]) == "Hello, Ada!"


def test_waiting_for_the_person_does_not_count_as_the_servers_silence(
    workspace: Workspace,
) -> None:
    """A fastmcp call whose question is answered well after its 0.3 s timeout still ends well:
    the bound is the server's silence, and an open question is the person's."""
    settings = McpServerSettings(
        "fast", "stdio", sys.executable, (FASTMCP,), era="legacy", timeout=0.3
    )
    assert workspace.add_server(settings).wait(WAIT).status == "ready"
    conversation = workspace.chat.new_conversation("nobody")
    turn = workspace.chat.call_tool(conversation.id, "fast", "ask_name", {})
    wait_for(lambda: bool(next(v for v in conversation.turns() if v.turn == turn).open_questions))
    asked = next(v for v in conversation.turns() if v.turn == turn).open_questions[0]
    time.sleep(1.0)  # the person takes their time: longer than the server's timeout
    assert workspace.chat.answer(asked["id"], Action.ACCEPT, {"value": "Ada"})
    assert text_of(wait_turn(conversation, turn).result["parts"]) == "Hello, Ada!"
