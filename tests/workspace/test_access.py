"""Two people on one deployment: the config file's connections are everyone's and only an
admin changes them; a connection added in the UI is its adder's alone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from switchboard.config import AgentSettings, ConfigError, McpServerSettings, Settings
from switchboard.workspace import NotAllowed, Workspace
from tests.support.servers import DEMO_MCP
from tests.support.turns import WAIT, run_turn, wait_for

ADA, GRACE, ROOT = "ada@example.com", "grace@example.com", "root@example.com"


@pytest.fixture
def team(demo_agent: str) -> Iterator[Workspace]:
    """The demo agent and the demo MCP server from the config; ROOT is the one admin."""
    settings = Settings(
        source="test",
        agents=(AgentSettings("Demo", demo_agent),),
        mcp_servers=(DEMO_MCP,),
        admins=(ROOT,),
    )
    ws = Workspace.open(settings)
    try:
        ws.await_connections(None, WAIT)
        yield ws
    finally:
        ws.close()


def test_shared_connections_are_seen_by_all_and_changed_only_by_an_admin(team: Workspace) -> None:
    for user in (ADA, GRACE, ROOT):
        (agent,), (server,) = team.agents(user), team.servers(user)
        assert agent.shared and server.shared and agent.status == server.status == "ready"
    agent, server = team.agent("Demo", ADA), team.server("demo", ADA)
    assert agent is not None and server is not None
    assert not team.access.may_change(agent, ADA) and not team.access.may_change(server, ADA)
    for attempt in (
        lambda: team.remove_agent("Demo", ADA),
        lambda: team.reconnect_agent("Demo", ADA),
        lambda: team.remove_server("demo", ADA),
        lambda: team.change_server("demo", ADA, disabled=True),
    ):
        with pytest.raises(NotAllowed, match="only an admin may change it"):
            attempt()
    assert [a.status for a in team.agents(GRACE)] == ["ready"], "nothing changed"
    assert team.access.may_change(agent, ROOT)
    pending = team.change_server("demo", ROOT, disabled=True)
    assert pending is not None and pending.wait(WAIT).status == "disabled"
    assert [s.status for s in team.servers(GRACE)] == ["disabled"], "the admin's change is shared"


def test_an_agent_added_in_the_ui_is_its_adders_alone(team: Workspace, demo_agent: str) -> None:
    mine = team.new_agent(demo_agent, ADA, name="Ada's agent").wait(WAIT)
    assert mine.status == "ready" and not mine.shared
    assert [a.name for a in team.agents(ADA)] == ["Demo", "Ada's agent"]
    assert [a.name for a in team.agents(GRACE)] == ["Demo"]
    assert team.agent("Ada's agent", GRACE) is None
    assert team.access.may_change(mine, ADA)

    adas = team.chat.new_conversation("Ada's agent", ADA)
    assert run_turn(team, adas, "hello").text()
    graces = team.chat.new_conversation("Ada's agent", GRACE)  # e.g. an old link
    (notice,) = run_turn(team, graces, "hello").notices
    assert "is not connected any more" in notice["text"], "Grace cannot use Ada's agent"

    theirs = team.new_agent(demo_agent, GRACE, name="Ada's agent").wait(WAIT)
    assert theirs.status == "ready", "the same name, another person's own"
    team.remove_agent("Ada's agent", ADA)
    wait_for(lambda: team.agent("Ada's agent", ADA) is None)
    assert team.agent("Ada's agent", GRACE) is not None, "removing hers left Grace's"


def test_a_name_a_shared_connection_has_cannot_be_taken(team: Workspace, demo_agent: str) -> None:
    with pytest.raises(Exception, match="already exists"):
        team.new_agent(demo_agent, ADA, name="Demo")
    with pytest.raises(NotAllowed):
        team.new_server(DEMO_MCP, ADA)
    assert team.new_server(DEMO_MCP, ROOT).wait(WAIT).shared, "an admin replaces the shared one"


def test_served_beyond_loopback_what_people_enter_reaches_only_the_configured_hosts(
    demo_agent: str,
) -> None:
    settings = Settings(source="test", agents=(AgentSettings("Demo", demo_agent),))
    ws = Workspace.open(settings, exposed=True)
    try:
        other_port = demo_agent.replace("127.0.0.1", "localhost")
        with pytest.raises(ConfigError, match="localhost is not on this app's list"):
            ws.new_agent(other_port, ADA)
        with pytest.raises(ConfigError, match="never fetched"):
            ws.new_agent("http://169.254.169.254/", ADA)
        with pytest.raises(ConfigError, match="never fetched"):
            ws.models.configure(ADA, base_url="http://[fd00:ec2::254]/v1")
        remote = McpServerSettings("metadata", "http", url="http://metadata.google.internal/mcp")
        with pytest.raises(ConfigError, match="cloud metadata service"):
            ws.new_server(remote, ADA)
        view = ws.new_agent(demo_agent, ADA, name="Mine").wait(WAIT)
        assert view.status == "ready", "a configured host is allowed"
    finally:
        ws.close()


def test_on_loopback_any_host_but_metadata_may_be_entered(workspace: Workspace) -> None:
    with pytest.raises(ConfigError, match="never fetched"):
        workspace.new_agent("http://169.254.169.254/", ADA)
    view = workspace.new_agent("http://localhost:9/", ADA).wait(WAIT)
    assert view.status == "failed" and "not on this app's list" not in view.error
