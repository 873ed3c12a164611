"""The wire log read as exchanges, against real counterparts: a streamed A2A call with its
events under it, MCP calls paired with their answers, notifications and server requests in
rows of their own."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from switchboard.config import McpServerSettings
from switchboard.connections.exchanges import Row, exchanges
from switchboard.connections.wire import Direction, WireLog
from switchboard.workspace import Workspace
from switchboard.workspace.demo import DEMO_MCP
from tests.support.turns import call, connect, connect_server, run_turn, wait_for, wait_turn

ASKING = str(Path(__file__).parents[1] / "support" / "asking_mcp.py")


def rows_of(log: WireLog) -> list:
    return exchanges(log.entries.snapshot())


@pytest.mark.parametrize(
    ("binding", "version", "method"),
    [
        ("JSONRPC", "1.0", "SendStreamingMessage"),
        ("HTTP+JSON", "0.3", "POST /rest/v1/message:stream"),
    ],
)
def test_a_streamed_turn_is_one_exchange_with_its_events_under_it(
    workspace: Workspace, demo_agent: str, binding: str, version: str, method: str
) -> None:
    agent = connect(workspace, demo_agent, binding=binding, version=version)
    run_turn(workspace, workspace.chat.new_conversation(agent.name), "story")
    streamed = [row for row in rows_of(agent.wire) if row.method == method]
    events = [e for e in agent.wire.entries.snapshot() if e.title.startswith("stream event")]
    (row,) = streamed
    assert row.row is Row.CALL and row.status == "200" and not row.failed
    assert row.events == events and len(events) >= 3, "every event of the stream, under it"
    assert row.duration_ms is not None and row.duration_ms >= 0
    (card,) = [row for row in rows_of(agent.wire) if "agent-card.json" in row.method]
    assert card.status == "200" and card.events == []


def test_mcp_calls_pair_with_their_answers_and_notifications_stand_alone(
    workspace: Workspace,
) -> None:
    server = connect_server(workspace, DEMO_MCP)
    call(workspace, server, "add", a=2, b=3)
    call(workspace, server, "count", steps=3, delay=0)
    call(workspace, server, "fail", message="no")
    rows = rows_of(server.wire)
    calls = [row for row in rows if row.method == "tools/call"]
    assert [row.status for row in calls] == ["ok", "ok", "tool error"]
    assert [row.failed for row in calls] == [False, False, True]
    assert all(
        row.answer is not None and row.answer.direction is Direction.RESPONSE for row in calls
    )
    progress = [row for row in rows if row.method == "notifications/progress"]
    assert len(progress) == 3 and all(row.row is Row.NOTIFICATION for row in progress)
    assert all(row.status == "" and row.duration_ms is None for row in progress)


def test_a_server_request_is_a_row_of_its_own_answered_by_ours(
    workspace: Workspace, tmp_path: Path
) -> None:
    settings = McpServerSettings("asking", "stdio", sys.executable, (ASKING,), era="legacy")
    server = connect_server(workspace, settings)
    conversation = workspace.chat.new_conversation("nobody")
    signal = tmp_path / "ask"
    signal.touch()
    turn = workspace.chat.call_tool(conversation.id, "asking", "ask_when", {"signal": str(signal)})
    wait_for(lambda: [e for e in conversation.events() if e.kind == "question"] != [])
    (question,) = [e.data for e in conversation.events() if e.kind == "question"]
    workspace.chat.answer(question["id"], "accept", {"name": "Ada"})
    wait_turn(conversation, turn)
    (asked,) = [row for row in rows_of(server.wire) if row.row is Row.SERVER_REQUEST]
    assert asked.method == "elicitation/create"
    assert asked.answer is not None and asked.answer.direction is Direction.REQUEST
    assert asked.status == "ok"
    (tool_call,) = [row for row in rows_of(server.wire) if row.method == "tools/call"]
    assert tool_call.ts < asked.ts < tool_call.answer.ts, "the question came during the call"
