"""Signing in to an A2A agent as its card asks, against a certified OpenID provider
(oidc-provider) and an agent that checks its JWTs: OAuth2 client credentials and OpenID
Connect, tokens renewed, the secret and tokens kept out of every log, and each refusal a
clear message while other agents keep working."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from switchboard.config import SchemeCredentials
from switchboard.connections.owner import Status
from switchboard.workspace import LOCAL_OWNER, Workspace
from tests.support.oidc import Issuer, oidc_provider
from tests.support.protected_agent import Scheme, protected_agent
from tests.support.secret_scan import leaks
from tests.support.tracebacks import no_tracebacks
from tests.support.turns import connect, run_turn

SECRET = "machine-secret-0123456789"
MACHINE = {
    "client_id": "machine",
    "client_secret": SECRET,
    "grant_types": ["client_credentials"],
    "redirect_uris": [],
    "response_types": [],
}


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    with oidc_provider([MACHINE], access_ttl=30) as running:  # under the renewal margin
        yield running


@pytest.fixture(autouse=True)
def clean_log() -> Iterator[None]:
    with no_tracebacks():
        yield


def machine(issuer: Issuer, secret: str = SECRET, **more: str) -> dict[str, SchemeCredentials]:
    credentials = SchemeCredentials("machine", secret, ("agent.read",), issuer.url)
    return {name: credentials for name in (more.get("scheme", "machine"),)}


@pytest.mark.parametrize("kind", [Scheme.CLIENT_CREDENTIALS, Scheme.OIDC])
def test_a_configured_client_signs_in_and_talks(
    workspace: Workspace, issuer: Issuer, kind: Scheme
) -> None:
    with protected_agent(issuer, kind) as (url, guard):
        agent = connect(workspace, url, auth=machine(issuer, scheme=kind.value))
        assert agent.status == Status.READY, agent.error
        conversation = workspace.chat.new_conversation(agent.name)
        first = run_turn(workspace, conversation, "hello")
        second = run_turn(workspace, conversation, "hello")
        assert first.text().startswith("Hi!") and second.text().startswith("Hi!")
        assert guard.subjects and set(guard.subjects) == {"machine"}
        entries = workspace.wire_log("agent", agent.name, LOCAL_OWNER)
        assert any("signed in for scheme" in e.title for e in entries)
        shown = [f"{e.title}\n{e.body}" for e in entries]
        assert leaks([SECRET], texts=shown) == [], "the client secret is never in the inspector"
        assert not [t for t in shown if "eyJ" in t], "no token in the inspector"


def test_a_wrong_secret_fails_the_connection_with_what_to_check(
    workspace: Workspace, issuer: Issuer, demo_agent: str
) -> None:
    with protected_agent(issuer) as (url, _):
        agent = connect(workspace, url, auth=machine(issuer, secret="not-the-secret"))
        assert agent.status == Status.FAILED
        assert "Signing in for scheme 'machine' failed" in agent.error
        assert "client id and secret" in agent.error
        other = connect(workspace, demo_agent, name="demo")
        assert run_turn(workspace, workspace.chat.new_conversation(other.name), "hello").text()


def test_no_credentials_name_the_scheme_the_card_asks_for(
    workspace: Workspace, issuer: Issuer
) -> None:
    with protected_agent(issuer) as (url, _):
        agent = connect(workspace, url)
        view = run_turn(workspace, workspace.chat.new_conversation(agent.name), "hello")
        (notice,) = view.notices
        assert notice["text"] == "The agent answered 401: its card asks for scheme 'machine'."
        assert "'auth'" in notice["hint"] and "clientSecret" in notice["hint"]


def test_a_token_endpoint_on_a_host_the_config_did_not_name_gets_no_secret(
    workspace: Workspace, issuer: Issuer
) -> None:
    """Without `issuer`, the card alone names where the secret would go: refused."""
    credentials = {"machine": SchemeCredentials("machine", SECRET, ("agent.read",))}
    with protected_agent(issuer) as (url, _):
        agent = connect(workspace, url, auth=credentials)
        assert agent.status == Status.FAILED
        assert "the client secret was not sent there" in agent.error
        assert f"auth.machine.issuer to {issuer.url}" in agent.error
