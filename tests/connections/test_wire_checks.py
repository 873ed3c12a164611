"""Each received message checked against its spec: what real agents and servers send passes,
and what a hand-written counterpart leaves out is named, field by field."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from switchboard.config import McpServerSettings
from switchboard.connections.exchanges import Exchange, exchanges
from switchboard.connections.owner import CallError
from switchboard.connections.wire import WireLog
from switchboard.connections.wire_checks import findings
from switchboard.workspace import Workspace
from switchboard.workspace.demo import DEMO_MCP
from tests.support.a2a_js import js_agent
from tests.support.fasta2a_agent import echo_agent
from tests.support.hostile_agent import hand_written
from tests.support.servers import serve_app
from tests.support.turns import call, connect, connect_server, one_turn, run_turn

SILENT_LEGACY = str(Path(__file__).parents[1] / "support" / "silent_legacy_mcp.py")


def checked(log: WireLog) -> list[tuple[str, str, list[str]]]:
    """(method, entry title, findings) of every received message that was checked."""
    return [
        (row.method, entry.title, found)
        for row in exchanges(log.entries.snapshot(), protocol=log.protocol)
        for entry in row.entries
        if (found := findings(entry, row.method, row.protocol)) is not None
    ]


def events_of(log: WireLog) -> list[Exchange]:
    return [row for row in exchanges(log.entries.snapshot()) if row.events]


def test_what_the_demo_the_js_agent_and_fasta2a_stream_meets_the_spec(
    workspace: Workspace, demo_agent: str
) -> None:
    with js_agent() as js_url, serve_app(echo_agent()) as fasta2a_url:
        rest = {"binding": "HTTP+JSON", "version": "0.3"}
        rpc = {"binding": "JSONRPC", "version": "1.0"}
        asked = {
            "story": connect(workspace, demo_agent, name="rest", **rest),
            "story ": connect(workspace, demo_agent, name="rpc", **rpc),
            "steps 3 10": connect(workspace, js_url, name="js", **rpc),
            "hello": connect(workspace, fasta2a_url, name="fasta2a"),
        }
        for prompt, agent in asked.items():
            run_turn(workspace, workspace.chat.new_conversation(agent.name), prompt.strip())
    agents = list(asked.values())
    for agent in agents:
        seen = checked(agent.wire)
        assert sum(title.startswith("stream event") for _, title, _ in seen) >= 2, agent.name
        assert [found for _, _, found in seen if found] == [], agent.name


def test_an_event_missing_required_fields_is_marked_and_still_read(workspace: Workspace) -> None:
    ids = {"taskId": "t-m"}  # no contextId
    frames = [
        {"task": {"id": "t-m", "contextId": "c-m", "status": {"state": "TASK_STATE_WORKING"}}},
        {"artifactUpdate": {**ids, "artifact": {"parts": [{"text": "still read"}]}}},
        {"statusUpdate": {**ids, "contextId": "c-m", "status": {"state": "TASK_STATE_COMPLETED"}}},
    ]
    final = {"id": "t-m", "contextId": "c-m", "status": {"state": "TASK_STATE_COMPLETED"}}
    agent, view = one_turn(workspace, lambda base: hand_written(base, "Missing", frames, final))
    assert view.state == "completed" and view.text() == "still read"
    (row,) = events_of(agent.wire)
    marks = [findings(event) for event in row.events]
    assert marks == [
        [],
        [
            "artifact_update.context_id is required and missing",
            "artifact_update.artifact.artifact_id is required and missing",
        ],
        [],
    ]


def test_mcp_answers_and_notifications_are_checked_against_the_version_in_use(
    workspace: Workspace,
) -> None:
    server = connect_server(workspace, DEMO_MCP)
    assert call(workspace, server, "add", a=2, b=3)
    seen = checked(server.wire)
    methods = {method for method, _, _ in seen}
    assert {"tools/list", "tools/call"} <= methods
    assert [found for _, _, found in seen if found] == []


def test_an_mcp_result_off_the_schema_fails_the_call_clearly_and_is_marked_where(
    workspace: Workspace,
) -> None:
    settings = McpServerSettings("legacy", "stdio", sys.executable, (SILENT_LEGACY, "off-spec"))
    server = connect_server(workspace, settings)
    with pytest.raises(CallError, match="the answer to tools/call echo is not valid MCP"):
        call(workspace, server, "echo", text="hi")
    (found,) = [found for method, _, found in checked(server.wire) if method == "tools/call"]
    assert found == ["content.0.TextContent.text: Field required"]
    assert server.status == "ready", "the connection is fine; only that answer was off"
