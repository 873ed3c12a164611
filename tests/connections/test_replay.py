"""A logged request sent again, as it was or edited: to an A2A agent with its credentials
(which go nowhere else), to an MCP server through its session; the answer logged too."""

from __future__ import annotations

import json
import shlex
import subprocess
from dataclasses import replace

import pytest

from switchboard.config import McpServerSettings
from switchboard.connections.exchanges import Exchange, exchanges
from switchboard.connections.owner import CallError
from switchboard.connections.replay import Draft, curl_command, draft_of, mcp_curl
from switchboard.connections.wire import WireLog
from switchboard.demo.mcp_server import http_app
from switchboard.workspace import Workspace
from switchboard.workspace.demo import DEMO_MCP
from tests.support.recorded_agent import serve_recorded
from tests.support.servers import free_port, serve_app
from tests.support.turns import WAIT, call, connect, connect_server, run_turn

TOKEN = "s3cr3t-bearer-token-0123456789"


def last_call(log: WireLog, method: str) -> Exchange:
    """The newest exchange of `log` that asked `method`."""
    return [row for row in exchanges(log.entries.snapshot()) if row.method == method][-1]


def test_an_a2a_request_sent_again_carries_the_credentials_and_is_logged(
    workspace: Workspace,
) -> None:
    recorder, server = serve_recorded("127.0.0.1")
    with server as url:
        agent = connect(workspace, url, headers={"Authorization": f"Bearer {TOKEN}"})
        run_turn(workspace, workspace.chat.new_conversation(agent.name), "echo first")
        draft = draft_of(last_call(agent.wire, "SendStreamingMessage").first)
        assert draft is not None and draft.http and TOKEN not in repr(draft)
        edited = replace(draft, body=draft.body.replace("echo first", "echo again"))
        before = len(recorder.seen)
        answer = workspace.runtime.call(agent.replay(edited), timeout=WAIT)
    assert answer.status == "200" and "again" in answer.body
    assert recorder.seen[before:] and all(s[2] == f"Bearer {TOKEN}" for s in recorder.seen[before:])
    replayed = last_call(agent.wire, "SendStreamingMessage")
    assert replayed.status == "200" and "echo again" in replayed.first.body
    assert [e.title for e in replayed.events] == ["the replayed stream, as it came"]
    assert TOKEN not in "".join(e.body for e in replayed.entries)


def test_a_replay_goes_only_to_the_agent_it_came_from(workspace: Workspace) -> None:
    _, server = serve_recorded("127.0.0.1")
    with server as url:
        agent = connect(workspace, url, headers={"Authorization": f"Bearer {TOKEN}"})
        card = draft_of(last_call(agent.wire, "GET /.well-known/agent-card.json").first)
        assert card is not None
        elsewhere = replace(card, target=f"http://127.0.0.1:{free_port()}/steal")
        with pytest.raises(CallError, match="not this agent's address"):
            workspace.runtime.call(agent.replay(elsewhere), timeout=WAIT)


def test_curl_has_the_request_but_never_a_secret(workspace: Workspace) -> None:
    _, server = serve_recorded("127.0.0.1")
    with server as url:
        agent = connect(workspace, url, headers={"Authorization": f"Bearer {TOKEN}"})
        run_turn(workspace, workspace.chat.new_conversation(agent.name), "hello")
    draft = draft_of(last_call(agent.wire, "SendStreamingMessage").first)
    assert draft is not None
    command = curl_command(draft)
    assert command.startswith(f"curl -N -X POST {url}")
    assert "SendStreamingMessage" in command and "hello" in command
    assert TOKEN not in command and "authorization" not in command.lower()


def test_an_mcp_request_sent_again_with_other_params(workspace: Workspace) -> None:
    server = connect_server(workspace, DEMO_MCP)
    call(workspace, server, "add", a=2, b=3)
    draft = draft_of(last_call(server.wire, "tools/call").first)
    assert draft is not None and not draft.http
    sent = json.loads(draft.body)
    assert (sent["name"], sent["arguments"]) == ("add", {"a": 2, "b": 3})
    params = {"name": "add", "arguments": {"a": 20, "b": 22}}
    answer = workspace.runtime.call(server.replay(replace(draft, body=json.dumps(params))), WAIT)
    assert answer.status == "ok" and json.loads(answer.body)["structuredContent"] == {"result": 42}
    assert last_call(server.wire, "tools/call").status == "ok"


def test_an_mcp_replay_says_what_is_wrong_with_it(workspace: Workspace) -> None:
    server = connect_server(workspace, DEMO_MCP)
    with pytest.raises(CallError, match="not valid JSON"):
        workspace.runtime.call(server.replay(Draft("tools/list", body="{oops")), WAIT)
    unknown = workspace.runtime.call(server.replay(Draft("tools/unknown", body="{}")), WAIT)
    assert unknown.status.startswith("error -32601")
    assert server.status == "ready"


def test_an_mcp_requests_curl_command_runs_against_the_server(workspace: Workspace) -> None:
    """Over streamable HTTP in the 2026-07-28 era a request stands alone: the command the
    inspector offers, run as it is, gets the same answer."""
    with serve_app(lambda _: http_app()) as base:
        settings = McpServerSettings("web", "http", url=base + "/mcp")
        server = connect_server(workspace, settings)
        call(workspace, server, "add", a=20, b=22)
        row = last_call(server.wire, "tools/call")
        draft = draft_of(row.first)
        assert draft is not None
        command = mcp_curl(draft, base + "/mcp", server.protocol_version)
        ran = subprocess.run([*shlex.split(command), "-s"], capture_output=True, timeout=WAIT)
    assert ran.returncode == 0, ran.stderr
    lines = ran.stdout.decode().splitlines()  # JSON, or one event of a stream
    (body,) = [line.removeprefix("data:") for line in lines if line.startswith(("{", "data:"))]
    answer = json.loads(body)
    assert answer["result"]["structuredContent"] == {"result": 42}
