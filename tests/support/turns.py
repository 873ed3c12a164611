"""Driving a workspace from a test: connect, send, wait (every wait bounded, never a pass
condition)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from switchboard.chat.conversation import Conversation
from switchboard.chat.turns import TurnView
from switchboard.config import AgentSettings, McpServerSettings
from switchboard.connections.a2a_agent import AgentConnection
from switchboard.connections.mcp_server import McpConnection
from switchboard.connections.wire import WireEntry
from switchboard.workspace import LOCAL_OWNER, Workspace
from tests.support.servers import serve_app

WAIT = 30.0  # upper bound for any single wait in a test; never a pass condition


def connect(ws: Workspace, url: str, name: str = "agent", **options: Any) -> AgentConnection:
    """Add an agent to the workspace and wait until it is ready or failed; its connection."""
    view = ws.add_agent(AgentSettings(name=name, url=url, **options)).wait(WAIT)
    connection = ws.registry.agent(view.name)
    assert connection is not None
    return connection


def connect_server(ws: Workspace, settings: McpServerSettings) -> McpConnection:
    """Add an MCP server and wait until it is ready; its connection."""
    view = ws.add_server(settings).wait(WAIT)
    assert view.status == "ready", view.error
    connection = ws.registry.server(settings.name)
    assert connection is not None
    return connection


def call(ws: Workspace, server: McpConnection, tool: str, **arguments: object) -> dict:
    """Call a tool directly on the loop (no chat) and wait for its result."""
    return ws.runtime.call(server.call_tool(tool, arguments), timeout=WAIT)


def wire_titled(ws: Workspace, agent: AgentConnection, title: str) -> list[WireEntry]:
    """The entries of `agent`'s wire log titled `title`, as its local person sees them."""
    return [e for e in ws.wire_log("agent", agent.name, LOCAL_OWNER) if e.title == title]


def one_turn(ws: Workspace, build: Callable[[str], Any]) -> tuple[AgentConnection, TurnView]:
    """Serve `build(base_url)` as an agent, connect to it and run one turn ("go") while it is
    up; the connection and the turn."""
    with serve_app(build) as url:
        agent = connect(ws, url)
        return agent, run_turn(ws, ws.chat.new_conversation(agent.name), "go")


def run_turn(ws: Workspace, conversation: Conversation, prompt: str) -> TurnView:
    """Send a prompt and wait (bounded) for its turn to end; the turn as the UI would show it."""
    turn = ws.chat.send(conversation.id, prompt)
    return wait_turn(conversation, turn)


def wait_turn(conversation: Conversation, turn: int) -> TurnView:
    """Wait (bounded) for a turn to end and return it."""
    for _ in conversation.log.follow(0, until=lambda e: e.ends(turn), timeout=WAIT):
        pass
    view = next(v for v in conversation.turns() if v.turn == turn)
    assert view.ended, f"turn {turn} did not end within {WAIT} s"
    return view


def wait_for(condition: Callable[[], bool], timeout: float = WAIT) -> None:
    """Poll a condition (bounded); the test fails if it never holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


def child_pids(marker: str) -> set[int]:
    """Our child processes whose command line contains `marker` (Linux /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        parent = next(
            int(line.split()[1]) for line in status.splitlines() if line.startswith("PPid:")
        )
        if parent == os.getpid() and marker in cmdline:
            found.add(int(entry.name))
    return found
