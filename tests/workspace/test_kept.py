"""Connections people add in the UI come back after a restart, for them alone, their secrets
sealed; a removed one stays gone; one that fails on the way back stays listed, to retry or
remove."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from switchboard.config import McpServerSettings, Settings
from switchboard.demo.agent import build_app
from switchboard.workspace import Workspace
from switchboard.workspace.demo import DEMO_MCP
from tests.support.servers import free_port, serve_app
from tests.support.turns import WAIT, wait_for

ADA, GRACE = "ada@example.com", "grace@example.com"
TOKEN = "kept-sealed-token-0123456789"
CARD_NAME = "Switchboard Demo Agent"


@contextmanager
def opened(data: Path, exposed: bool = False) -> Iterator[Workspace]:
    """The app's workspace on the data directory, as a start of the app opens it."""
    ws = Workspace.open(Settings(source="test", data_dir=str(data)), exposed=exposed)
    try:
        yield ws
    finally:
        ws.close()


def settled(ws: Workspace) -> None:
    """Wait until every connection has connected or failed."""
    wait_for(lambda: not ws.connecting(None))


def test_an_added_agent_and_server_come_back_for_their_owner_alone(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = McpServerSettings("tools", DEMO_MCP.transport, DEMO_MCP.command, DEMO_MCP.args)
    with serve_app(build_app) as url:
        with opened(data) as ws:
            added = ws.new_agent(url, ADA, headers={"Authorization": f"Bearer {TOKEN}"})
            assert added.wait(WAIT).name == CARD_NAME, "named after its card"
            assert ws.new_server(server, ADA).wait(WAIT).status == "ready"
        with opened(data) as ws:
            settled(ws)
            agents = ws.agents(ADA)
            assert [(a.name, a.status) for a in agents] == [(CARD_NAME, "ready")]
            assert [(s.name, s.status) for s in ws.servers(ADA)] == [("tools", "ready")]
            assert ws.agents(GRACE) == [] and ws.servers(GRACE) == []
            kept = ws.registry.agent(CARD_NAME, ADA)
            assert kept is not None and kept.settings.headers == {
                "Authorization": f"Bearer {TOKEN}"
            }
    stored = b"".join(p.read_bytes() for p in data.iterdir() if p.is_file())
    assert TOKEN.encode() not in stored, "kept sealed"


def test_a_changed_server_comes_back_changed_and_a_removed_one_stays_gone(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    first = McpServerSettings("first", DEMO_MCP.transport, DEMO_MCP.command, DEMO_MCP.args)
    second = McpServerSettings("second", DEMO_MCP.transport, DEMO_MCP.command, DEMO_MCP.args)
    with opened(data) as ws:
        ws.new_server(first, ADA).wait(WAIT)
        ws.new_server(second, ADA).wait(WAIT)
        changed = ws.change_server("first", ADA, era="legacy", timeout=7.0)
        assert changed is not None and changed.wait(WAIT).status == "ready"
        ws.remove_server("second", ADA)
        wait_for(lambda: ws.server("second", ADA) is None)
    with opened(data) as ws:
        settled(ws)
        (kept,) = ws.servers(ADA)
        assert (kept.name, kept.era, kept.timeout) == ("first", "legacy", 7.0)


def test_an_agent_that_fails_on_the_way_back_stays_to_retry_or_remove(tmp_path: Path) -> None:
    data = tmp_path / "data"
    port = free_port()
    with serve_app(build_app, port=port) as url, opened(data) as ws:
        assert ws.new_agent(url, ADA, name="flaky").wait(WAIT).status == "ready"
    with opened(data) as ws:  # the agent is down now
        settled(ws)
        (agent,) = ws.agents(ADA)
        assert (agent.name, agent.status) == ("flaky", "failed")
        with serve_app(build_app, port=port):
            retried = ws.reconnect_agent("flaky", ADA)
            assert retried is not None and retried.wait(WAIT).status == "ready"
        ws.remove_agent("flaky", ADA)
        wait_for(lambda: ws.agents(ADA) == [])
    with opened(data) as ws:
        assert ws.agents(ADA) == []


def test_a_kept_stdio_server_is_not_started_once_the_app_is_exposed(tmp_path: Path) -> None:
    """It runs a command on this host: allowed from the UI only on loopback (or when the
    config says so), then as now."""
    data = tmp_path / "data"
    server = McpServerSettings("tools", DEMO_MCP.transport, DEMO_MCP.command, DEMO_MCP.args)
    with opened(data) as ws:
        assert ws.new_server(server, ADA).wait(WAIT).status == "ready"
    with opened(data, exposed=True) as ws:
        assert ws.servers(ADA) == []
    with opened(data) as ws:
        assert [s.name for s in ws.servers(ADA)] == ["tools"], "kept, for when it is allowed"
