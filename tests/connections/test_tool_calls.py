"""An MCP call as a stream of updates: stopped calls leave nothing behind on the loop."""

from __future__ import annotations

import asyncio
import gc

from switchboard.workspace import Workspace
from tests.support.servers import DEMO_MCP
from tests.support.turns import call, connect_server, wait_for, wait_turn


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
