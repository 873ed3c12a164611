"""Resource subscriptions against server-everything (its toggle-subscriber-updates tool sends
`notifications/resources/updated` for each subscribed resource, once at once and then every
5 s): updates are recorded on the followed resource, unsubscribing stops them, and a new
session (the server killed and restarted, or reconnected with new settings) is subscribed
again."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from switchboard.config import McpServerSettings
from switchboard.connections.owner import CallError
from switchboard.workspace import LOCAL_OWNER, NotAllowed, Workspace
from tests.support.everything import everything
from tests.support.node import EVERYTHING, node_server
from tests.support.servers import free_port
from tests.support.turns import WAIT, call, child_pids, connect_server, wait_for

DOC = "demo://resource/static/document/"
FIRST, SECOND = DOC + "architecture.md", DOC + "features.md"
TOGGLE = "toggle-subscriber-updates"
NOT_FOLLOWED = "update for a resource not followed"
UPDATING = str(Path(__file__).parents[1] / "support" / "updating_mcp.py")
MARKER = "index.js stdio"  # the stdio process (the HTTP one is a child of ours too)


@pytest.fixture(scope="module")
def everything_http() -> Iterator[str]:
    """server-everything over streamable HTTP, once for the module; its URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/mcp"
    with node_server(EVERYTHING, ["streamableHttp"], port, url):
        yield url


def updates(ws: Workspace, uri: str, name: str = "everything") -> int:
    """How many updates the server's view shows for a followed resource (-1: not followed)."""
    view = ws.server(name, LOCAL_OWNER)
    assert view is not None
    found = [f for f in view.followed if f["uri"] == uri]
    return found[0]["updates"] if found else -1


def strays(ws: Workspace, after: int, name: str = "everything") -> list[str]:
    """Updates for resources no longer followed, recorded in the wire log after `after`."""
    server = ws.registry.server(name)
    assert server is not None
    entries = server.wire.entries.snapshot()[after:]
    return [e.body for e in entries if e.title == NOT_FOLLOWED]


@pytest.mark.parametrize("transport", ["stdio", "http"])
def test_subscribing_records_updates_and_unsubscribing_stops_them(
    workspace: Workspace, transport: str, request: pytest.FixtureRequest
) -> None:
    if transport == "http":
        url = request.getfixturevalue("everything_http")
        settings = McpServerSettings("everything", "http", url=url)
    else:
        settings = everything()
    server = connect_server(workspace, settings)
    view = workspace.server("everything", LOCAL_OWNER)
    assert view is not None and view.subscribe and view.followed == []
    workspace.subscriptions.subscribe("everything", FIRST, LOCAL_OWNER)
    assert updates(workspace, FIRST) == 0
    call(workspace, server, TOGGLE)  # updates start: one for each subscription at once
    wait_for(lambda: updates(workspace, FIRST) >= 1)
    followed = workspace.server("everything", LOCAL_OWNER).followed[0]
    assert followed["updated"] >= followed["since"]

    workspace.subscriptions.unsubscribe("everything", FIRST, LOCAL_OWNER)
    assert updates(workspace, FIRST) == -1
    mark = len(server.wire.entries.snapshot())
    workspace.subscriptions.subscribe("everything", SECOND, LOCAL_OWNER)
    call(workspace, server, TOGGLE)  # off
    call(workspace, server, TOGGLE)  # on: sends for what is subscribed, in the order subscribed
    wait_for(lambda: updates(workspace, SECOND) >= 1)
    assert strays(workspace, mark) == [], "no update for the resource unsubscribed"


def test_subscriptions_survive_the_server_dying_and_coming_back(workspace: Workspace) -> None:
    server = connect_server(workspace, everything())
    workspace.subscriptions.subscribe("everything", FIRST, LOCAL_OWNER)
    (pid,) = child_pids(MARKER)
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: server.status == "ready" and child_pids(MARKER) - {pid} != set())
    call(workspace, server, TOGGLE)  # a new process: it knows the subscription only if re-sent
    wait_for(lambda: updates(workspace, FIRST) >= 1)


def test_subscriptions_survive_a_reconnect_with_new_settings(workspace: Workspace) -> None:
    connect_server(workspace, everything())
    workspace.subscriptions.subscribe("everything", FIRST, LOCAL_OWNER)
    pending = workspace.change_server("everything", LOCAL_OWNER, timeout=120.0)
    assert pending is not None and pending.wait(WAIT).status == "ready"
    server = workspace.registry.server("everything")
    assert server is not None
    call(workspace, server, TOGGLE)
    wait_for(lambda: updates(workspace, FIRST) >= 1)


def test_subscriptions_are_per_server_and_a_shared_one_is_an_admins(
    workspace: Workspace,
) -> None:
    connect_server(workspace, everything())
    connect_server(workspace, everything(name="other"))
    workspace.subscriptions.subscribe("everything", FIRST, LOCAL_OWNER)
    other = workspace.server("other", LOCAL_OWNER)
    assert other is not None and other.followed == []
    with pytest.raises(NotAllowed):
        workspace.subscriptions.subscribe("everything", SECOND, "someone@example.com")
    with pytest.raises(CallError, match="no MCP server called 'gone'"):
        workspace.subscriptions.subscribe("gone", FIRST, LOCAL_OWNER)


def test_a_2026_server_is_followed_on_one_listen_stream(workspace: Workspace) -> None:
    """The Python SDK's MCPServer on 2026-07-28: following opens a `subscriptions/listen`
    stream naming the followed URIs, opened anew when they change and after a reconnect."""
    settings = McpServerSettings("updating", "stdio", sys.executable, (UPDATING,))
    server = connect_server(workspace, settings)
    assert server.protocol_version == "2026-07-28"
    assert workspace.server("updating", LOCAL_OWNER).subscribe
    workspace.subscriptions.subscribe("updating", "note://one", LOCAL_OWNER)
    call(workspace, server, "touch", uri="note://one")
    wait_for(lambda: updates(workspace, "note://one", "updating") == 1)

    workspace.subscriptions.subscribe("updating", "note://two", LOCAL_OWNER)
    workspace.subscriptions.unsubscribe("updating", "note://one", LOCAL_OWNER)
    mark = len(server.wire.entries.snapshot())
    call(workspace, server, "touch", uri="note://one")
    call(workspace, server, "touch", uri="note://two")
    wait_for(lambda: updates(workspace, "note://two", "updating") == 1)
    assert strays(workspace, mark, "updating") == []

    (pid,) = child_pids("updating_mcp.py")
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: server.status == "ready" and child_pids("updating_mcp.py") - {pid} != set())
    call(workspace, server, "touch", uri="note://two")
    wait_for(lambda: updates(workspace, "note://two", "updating") == 2)
    assert [f["problem"] for f in workspace.server("updating", LOCAL_OWNER).followed] == [""]
