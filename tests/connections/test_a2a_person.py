"""A person signing in to an A2A agent as its card asks, against a certified OpenID provider
(oidc-provider) and an agent that checks its JWTs: the authorization code with PKCE (through
the app's redirect, matched by state), the device code, tokens kept sealed across a restart
and renewed, and each way it goes wrong a clear message that keeps nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from switchboard.config import AgentSettings, SchemeCredentials, Settings
from switchboard.connections.a2a_person import KIND
from switchboard.connections.owner import Status
from switchboard.connections.sign_in import Outcome
from switchboard.connections.vault import Item, VaultKey
from switchboard.workspace import LOCAL_OWNER, Workspace
from switchboard.workspace.views import AgentView
from tests.support.oidc import Issuer, approve_device, oidc_provider, public_client, sign_in
from tests.support.protected_agent import PRIVATE, Scheme, protected_agent
from tests.support.secret_scan import leaks
from tests.support.tracebacks import no_tracebacks
from tests.support.turns import WAIT, run_turn, wait_for

APP = "http://127.0.0.1:8501"
REDIRECT = f"{APP}/oauth_callback"
PERSON = public_client(REDIRECT, device=True)
TOKENS = VaultKey("", KIND, "agent", Item.TOKENS)  # a config agent's (shared) token


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    with oidc_provider([PERSON], access_ttl=30) as running:  # under the renewal margin
        yield running


@pytest.fixture
def ws() -> Iterator[Workspace]:
    with no_tracebacks():
        workspace = Workspace(Settings(source="test", public_url=APP))
        try:
            yield workspace
        finally:
            workspace.close()


def person(kind: Scheme, url: str) -> AgentSettings:
    """A config entry with a public client for the card's person scheme."""
    return AgentSettings(
        name="agent", url=url, auth={kind.value: SchemeCredentials(client_id="switchboard")}
    )


def view(ws: Workspace) -> AgentView:
    found = ws.agent("agent", LOCAL_OWNER)
    assert found is not None
    return found


def asked(ws: Workspace) -> AgentView:
    """Wait until the agent asks the person to sign in (or fails); how it stands then."""
    wait_for(lambda: bool(view(ws).sign_in_url) or view(ws).status == Status.FAILED)
    assert view(ws).status == Status.CONNECTING, view(ws).error
    return view(ws)


def signs_in(ws: Workspace, url: str, kind: Scheme = Scheme.AUTHORIZATION_CODE) -> None:
    """Add the agent; the person signs in as grace on the provider's pages; it connects."""
    pending = ws.add_agent(person(kind, url))
    back = sign_in(asked(ws).sign_in_url, REDIRECT, "grace")
    assert ws.signing.complete(back).outcome == Outcome.SIGNED_IN
    assert pending.wait(WAIT).status == Status.READY, view(ws).error


@pytest.mark.parametrize("kind", [Scheme.AUTHORIZATION_CODE, Scheme.OIDC])
def test_a_person_signs_in_in_the_browser_and_talks_as_themselves(
    ws: Workspace, issuer: Issuer, kind: Scheme
) -> None:
    with protected_agent(issuer, kind) as (url, guard):
        signs_in(ws, url, kind)
        agent = view(ws)
        assert agent.signed_in and not agent.sign_in_url
        (scheme,) = agent.schemes
        assert (scheme.name, scheme.given) == (kind.value, "client switchboard")
        assert agent.extended_changes == (f"skill added: {PRIVATE}",), "the extended card"
        conversation = ws.chat.new_conversation("agent")
        first = run_turn(ws, conversation, "hello")
        assert first.text().startswith("Hi!"), first.notices
        assert run_turn(ws, conversation, "hello").text().startswith("Hi!"), "renewed"
        assert set(guard.subjects) == {"grace"}
        shown = [f"{e.title}\n{e.body}" for e in ws.wire_log("agent", "agent", LOCAL_OWNER)]
        assert not [t for t in shown if "eyJ" in t], "no token in the inspector"


def test_the_device_code_is_shown_and_approved_on_another_device(
    ws: Workspace, issuer: Issuer
) -> None:
    with protected_agent(issuer, Scheme.DEVICE_CODE) as (url, guard):
        pending = ws.add_agent(person(Scheme.DEVICE_CODE, url))
        waiting = asked(ws)
        assert waiting.user_code and waiting.user_code in waiting.sign_in_url
        approve_device(waiting.sign_in_url, "lin")
        assert pending.wait(WAIT).status == Status.READY, view(ws).error
        assert run_turn(ws, ws.chat.new_conversation("agent"), "hello").text()
        assert set(guard.subjects) == {"lin"}


def test_a_reconnect_and_a_restart_use_the_kept_token(issuer: Issuer, tmp_path: Path) -> None:
    """Sealed in the SQLite store: the next process connects without asking the person, and
    the database holds no token in any spelling."""
    settings = Settings(
        source="test", public_url=APP, data_dir=str(tmp_path), secret_key="a test passphrase"
    )
    with no_tracebacks(), protected_agent(issuer, Scheme.AUTHORIZATION_CODE) as (url, guard):
        first = Workspace(settings)
        try:
            signs_in(first, url)
            again = first.reconnect_agent("agent", LOCAL_OWNER)
            assert again is not None and again.wait(WAIT).status == Status.READY
            kept = first.signing.vault.get(TOKENS)
        finally:
            first.close()
        second = Workspace(settings)
        try:
            assert second.add_agent(person(Scheme.AUTHORIZATION_CODE, url)).wait(WAIT).status
            assert view(second).status == Status.READY and view(second).signed_in
            assert run_turn(second, second.chat.new_conversation("agent"), "hello").text()
        finally:
            second.close()
    assert guard.subjects and set(guard.subjects) == {"grace"}
    assert kept is not None and b"eyJ" in kept, "the vault hands back the token itself"
    assert leaks([kept.decode()], [tmp_path]) == [], "on disk only sealed"


def test_signing_out_forgets_the_token_and_the_next_connect_asks(
    ws: Workspace, issuer: Issuer
) -> None:
    with protected_agent(issuer, Scheme.AUTHORIZATION_CODE) as (url, _):
        signs_in(ws, url)
        again = ws.reconnect_agent("agent", LOCAL_OWNER, sign_out=True)
        assert again is not None
        assert asked(ws).sign_in_url and ws.signing.vault.get(TOKENS) is None


def test_a_refused_sign_in_says_why_keeps_nothing_and_others_keep_working(
    ws: Workspace, issuer: Issuer, demo_agent: str
) -> None:
    ws.add_agent(AgentSettings(name="demo", url=demo_agent)).wait(WAIT)
    with protected_agent(issuer, Scheme.AUTHORIZATION_CODE) as (url, _):
        pending = ws.add_agent(person(Scheme.AUTHORIZATION_CODE, url))
        state = asked(ws).sign_in_url.split("state=")[1].split("&")[0]
        forged = ws.signing.complete({"state": "forged", "code": "x"})
        assert forged.outcome == Outcome.UNKNOWN and view(ws).sign_in_url, "still waiting"
        refusal = {"state": state, "error": "access_denied", "error_description": "no thanks"}
        assert ws.signing.complete(refusal).outcome == Outcome.REFUSED
        assert pending.wait(WAIT).status == Status.FAILED
        assert "refused: no thanks" in view(ws).error and "sign in again" in view(ws).error
        assert ws.signing.vault.get(TOKENS) is None
        assert run_turn(ws, ws.chat.new_conversation("demo"), "hello").text().startswith("Hi!")


def test_a_code_from_another_authorization_server_is_refused(ws: Workspace, issuer: Issuer) -> None:
    """RFC 9207: a redirect whose `iss` is not the issuer the card named is a mix-up."""
    with protected_agent(issuer, Scheme.OIDC) as (url, _):
        pending = ws.add_agent(person(Scheme.OIDC, url))
        back = sign_in(asked(ws).sign_in_url, REDIRECT)
        ws.signing.complete({**back, "iss": "http://127.0.0.1:1"})
        assert pending.wait(WAIT).status == Status.FAILED
        assert "came back from http://127.0.0.1:1" in view(ws).error
        assert ws.signing.vault.get(TOKENS) is None
