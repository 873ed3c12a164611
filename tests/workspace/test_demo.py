"""The embedded demo: with no config file the workspace serves the demo agent on the loop and
starts the demo MCP server, and closes both without an error logged."""

from __future__ import annotations

import logging

import httpx
import pytest

from switchboard.workspace import Settings, Workspace
from tests.support.turns import WAIT, run_turn, wait_turn


def test_the_embedded_demo_starts_serves_and_closes_without_an_error_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    uvicorn_log = logging.getLogger("uvicorn")  # it does not propagate to the root logger
    uvicorn_log.addHandler(caplog.handler)
    ws = Workspace.open(Settings(source="embedded demo", embedded_demo=True))
    agent = ws.registry.agents()[0]
    ws.runtime.call(agent.connect(), timeout=30)
    assert agent.status == "ready"
    conversation = ws.chat.new_conversation(agent.name)
    assert run_turn(ws, conversation, "story").state == "completed"
    ws.close()
    uvicorn_log.removeHandler(caplog.handler)
    assert not ws.runtime.is_alive()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    with pytest.raises(httpx.ConnectError):
        httpx.get(ws.demo.url + "/.well-known/agent-card.json", timeout=5)


def test_an_embedded_demo_workspace_has_the_demo_mcp_server() -> None:
    ws = Workspace.open(Settings(source="embedded demo", embedded_demo=True))
    try:
        server = ws.registry.server("Demo MCP")
        assert server is not None
        ws.runtime.call(server.connect(), timeout=WAIT)
        conversation = ws.chat.new_conversation("Demo Agent")
        assert run_turn(ws, conversation, "hello").end_reason == "replied"
        turn = ws.chat.call_tool(conversation.id, "Demo MCP", "add", {"a": 20, "b": 22})
        assert wait_turn(conversation, turn).result["structured"] == {"result": 42}
    finally:
        ws.close()
