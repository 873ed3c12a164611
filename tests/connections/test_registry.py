"""When people log in to the app, each signs in to a shared (config) agent or MCP server for
themselves: the registry gives each viewer a copy of their own, signed in as them, and
nobody's sign-in serves anybody else. Against oidc-provider (an agent that checks its JWTs)
and the mcp SDK's own authorization server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from switchboard.config import McpServerSettings, Settings
from switchboard.connections.a2a_person import KIND
from switchboard.connections.owner import Status
from switchboard.connections.sign_in import SHARED, Outcome
from switchboard.connections.vault import Item, VaultKey
from switchboard.workspace import Workspace
from switchboard.workspace.access import NotAllowed
from switchboard.workspace.views import AgentView, ServerView
from tests.connections.test_a2a_person import APP, PERSON, REDIRECT, person
from tests.connections.test_mcp_auth import approve
from tests.support.oauth_mcp import oauth_mcp_server
from tests.support.oidc import Issuer, oidc_provider, sign_in
from tests.support.protected_agent import Scheme, protected_agent
from tests.support.tracebacks import no_tracebacks
from tests.support.turns import WAIT, call, run_turn, wait_for

ADMIN = "root@example.com"


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    with oidc_provider([PERSON]) as running:
        yield running


def team(data_dir: Path) -> Workspace:
    """A workspace as the app opens one when people log in (sealed SQLite store)."""
    settings = Settings(
        source="test",
        public_url=APP,
        admins=(ADMIN,),
        data_dir=str(data_dir),
        secret_key="a test passphrase",
    )
    return Workspace(settings, each_person=True)


def asks(ws: Workspace, user: str) -> AgentView:
    """`user`'s view of the agent once it asks them to sign in."""
    wait_for(lambda: bool(seen(ws, user).sign_in_url) or seen(ws, user).status == Status.FAILED)
    assert seen(ws, user).sign_in_url, seen(ws, user).error
    return seen(ws, user)


def seen(ws: Workspace, user: str) -> AgentView:
    found = ws.agent("agent", user)
    assert found is not None
    return found


def test_each_person_signs_in_to_a_shared_agent_as_themselves(
    issuer: Issuer, tmp_path: Path
) -> None:
    with no_tracebacks(), protected_agent(issuer, Scheme.AUTHORIZATION_CODE) as (url, guard):
        ws = team(tmp_path)
        try:
            ws.add_agent(person(Scheme.AUTHORIZATION_CODE, url)).wait(WAIT)  # the config's
            ada, bob = asks(ws, "ada"), asks(ws, "bob")
            assert ada.shared and ada.personal and ada.sign_in_url != bob.sign_in_url
            back = sign_in(ada.sign_in_url, REDIRECT, "ada")
            assert ws.signing.complete(back, "bob", ws.access).outcome == Outcome.UNKNOWN
            assert ws.signing.complete(back, "ada", ws.access).outcome == Outcome.SIGNED_IN
            wait_for(lambda: seen(ws, "ada").status == Status.READY)
            assert seen(ws, "bob").sign_in_url, "ada's sign-in does not serve bob"
            assert [a.name for a in ws.agents("bob")] == ["agent"], "one row: bob's copy"
            conversation = ws.chat.new_conversation("agent", owner="ada")
            assert run_turn(ws, conversation, "hello").text().startswith("Hi!")
            assert set(guard.subjects) == {"ada"}
            with pytest.raises(NotAllowed):  # the copy is still the config's agent
                ws.remove_agent("agent", "ada")
            kept = ws.signing.vault
            assert kept.get(VaultKey(SHARED, KIND, "agent", Item.TOKENS)) is None
            assert kept.get(VaultKey("bob", KIND, "agent", Item.TOKENS)) is None
        finally:
            ws.close()
        again = team(tmp_path)  # a restart: ada's copy connects on her kept token
        try:
            again.add_agent(person(Scheme.AUTHORIZATION_CODE, url)).wait(WAIT)
            wait_for(lambda: seen(again, "ada").status == Status.READY)
            assert not seen(again, "ada").sign_in_url
        finally:
            again.close()


def test_each_person_signs_in_to_a_shared_mcp_server_and_an_admin_still_changes_it(
    tmp_path: Path,
) -> None:
    def server(user: str) -> ServerView:
        found = ws.server("guarded", user)
        assert found is not None
        return found

    with no_tracebacks(), oauth_mcp_server() as guarded:
        ws = team(tmp_path)
        try:
            ws.add_server(McpServerSettings("guarded", "http", url=guarded.url)).wait(WAIT)
            for user in ("ada", "bob"):
                wait_for(lambda user=user: bool(server(user).sign_in_url))
                back = approve(server(user).sign_in_url)
                assert ws.signing.complete(back, user, ws.access).outcome == Outcome.SIGNED_IN
                wait_for(lambda user=user: server(user).status == Status.READY)
            tokens = [
                ws.signing.vault.get(VaultKey(user, "mcp", "guarded", Item.TOKENS))
                for user in ("ada", "bob", SHARED)
            ]
            assert tokens[0] and tokens[1] and tokens[0] != tokens[1] and tokens[2] is None
            ada = ws.registry.server("guarded", "ada")
            assert ada is not None and call(ws, ada, "whoami")["parts"][0]["text"] == "signed in"
            with pytest.raises(NotAllowed):
                ws.change_server("guarded", "ada", timeout=5.0)
            changed = ws.change_server("guarded", ADMIN, timeout=5.0)
            assert changed is not None and changed.wait(WAIT).status == Status.FAILED  # shared
            wait_for(lambda: server("ada").status == Status.READY)  # a new copy, her tokens
            assert server("ada").timeout == 5.0
            wait_for(lambda: server("bob").status == Status.READY)  # his copy, his tokens
            signed_out = ws.change_server("guarded", "bob", sign_out=True)
            assert signed_out is not None
            wait_for(lambda: bool(server("bob").sign_in_url))
            assert server("ada").status == Status.READY, "bob's sign-out is his alone"
        finally:
            ws.close()
