"""Signing in to an OAuth-protected MCP server (the mcp SDK's own authorization server, with
dynamic registration): the server waits with its authorization page, the redirect back to
the app connects it, tokens stay out of the inspector, and every way a sign-in goes wrong is
a clear message that stores nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from switchboard.config import McpServerSettings, Settings
from switchboard.connections.owner import Status
from switchboard.connections.sign_in import Outcome
from switchboard.connections.vault import Item, VaultKey
from switchboard.workspace import LOCAL_OWNER, Workspace
from switchboard.workspace.views import ServerView
from tests.support.oauth_mcp import OAuthServer, oauth_mcp_server
from tests.support.secret_scan import leaks
from tests.support.tracebacks import no_tracebacks
from tests.support.turns import WAIT, call, wait_for

APP = "http://127.0.0.1:8501"  # the public URL the redirect comes back to (no app needed)


@pytest.fixture
def guarded() -> Iterator[OAuthServer]:
    with no_tracebacks(), oauth_mcp_server() as server:
        yield server


@pytest.fixture
def ws() -> Iterator[Workspace]:
    workspace = Workspace(Settings(source="test", public_url=APP))
    try:
        yield workspace
    finally:
        workspace.close()


def view(ws: Workspace) -> ServerView:
    found = ws.server("guarded", LOCAL_OWNER)
    assert found is not None
    return found


def waiting_sign_in(ws: Workspace, server: OAuthServer, era: str = "auto") -> str:
    """Add the server; the authorization page it waits for the person to open."""
    settings = McpServerSettings(name="guarded", transport="http", url=server.url, era=era)
    ws.add_server(settings)
    wait_for(lambda: bool(view(ws).sign_in_url) or view(ws).status == Status.FAILED)
    assert view(ws).status == Status.CONNECTING, view(ws).error
    return view(ws).sign_in_url


def approve(sign_in_url: str) -> dict[str, str]:
    """The person opens the page; the server approves and redirects to the app's callback."""
    answer = httpx.get(sign_in_url, follow_redirects=False, timeout=10)
    location = answer.headers["location"]
    assert location.startswith(f"{APP}/oauth_callback?")
    return dict(parse_qsl(urlsplit(location).query))


def test_a_person_signs_in_and_the_server_connects(ws: Workspace, guarded: OAuthServer) -> None:
    url = waiting_sign_in(ws, guarded)
    assert urlsplit(url).netloc == urlsplit(guarded.url).netloc
    assert ws.signing.complete(approve(url)).outcome == Outcome.SIGNED_IN
    wait_for(lambda: view(ws).status == Status.READY)
    assert view(ws).signed_in and not view(ws).sign_in_url
    server = ws.registry.server("guarded", LOCAL_OWNER)
    assert server is not None
    assert call(ws, server, "whoami")["parts"][0]["text"] == "signed in"
    shown = [f"{e.title}\n{e.body}" for e in ws.wire_log("server", "guarded", LOCAL_OWNER)]
    assert leaks(guarded.provider.issued, texts=shown) == [], "no token in the inspector"


def test_a_redirect_is_used_once_and_an_unknown_state_changes_nothing(
    ws: Workspace, guarded: OAuthServer
) -> None:
    url = waiting_sign_in(ws, guarded)
    query = approve(url)
    forged = ws.signing.complete({**query, "state": "not-the-state"})
    assert forged.outcome == Outcome.UNKNOWN and "Start the sign-in again" in forged.message
    assert view(ws).sign_in_url == url, "still waiting for the real redirect"
    assert ws.signing.complete(query).outcome == Outcome.SIGNED_IN
    assert ws.signing.complete(query).outcome == Outcome.UNKNOWN, "single use"
    wait_for(lambda: view(ws).status == Status.READY)


def test_a_refused_sign_in_says_why_and_stores_nothing(ws: Workspace, guarded: OAuthServer) -> None:
    url = waiting_sign_in(ws, guarded)
    state = dict(parse_qsl(urlsplit(url).query))["state"]
    refusal = {"state": state, "error": "access_denied", "error_description": "the person said no"}
    assert ws.signing.complete(refusal).outcome == Outcome.REFUSED
    wait_for(lambda: view(ws).status == Status.FAILED)
    assert "the person said no" in view(ws).error
    key = VaultKey("", "mcp", "guarded", Item.TOKENS)
    assert ws.signing.vault.get(key) is None and not view(ws).signed_in


def test_signing_out_forgets_the_tokens_and_asks_again(ws: Workspace, guarded: OAuthServer) -> None:
    ws.signing.complete(approve(waiting_sign_in(ws, guarded)))
    wait_for(lambda: view(ws).status == Status.READY)
    pending = ws.change_server("guarded", LOCAL_OWNER, sign_out=True)
    assert pending is not None
    wait_for(lambda: bool(view(ws).sign_in_url))
    assert not view(ws).signed_in
    ws.signing.complete(approve(view(ws).sign_in_url))
    pending.wait(WAIT)
    assert view(ws).status == Status.READY


def test_a_reconnect_uses_the_kept_tokens(ws: Workspace, guarded: OAuthServer) -> None:
    ws.signing.complete(approve(waiting_sign_in(ws, guarded)))
    wait_for(lambda: view(ws).status == Status.READY)
    again = ws.change_server("guarded", LOCAL_OWNER, timeout=60.0)
    assert again is not None
    assert again.wait(WAIT).status == Status.READY and not view(ws).sign_in_url


def sealed_in(data_dir: Path) -> Settings:
    """Settings whose store (SQLite in `data_dir`) keeps sign-ins sealed."""
    return Settings(
        source="test", public_url=APP, data_dir=str(data_dir), secret_key="a long test passphrase"
    )


def sign_in_and_stop(
    settings: Settings, server: OAuthServer, then: Callable[[Workspace], None] = lambda _ws: None
) -> None:
    """One process: sign in to `server`, connect, do `then`, stop."""
    first = Workspace(settings)
    try:
        first.signing.complete(approve(waiting_sign_in(first, server)))
        wait_for(lambda: view(first).status == Status.READY)
        then(first)
    finally:
        first.close()


def test_a_sign_in_survives_a_restart_sealed_in_the_store(
    guarded: OAuthServer, tmp_path: Path
) -> None:
    """The tokens are kept in the SQLite store, encrypted: the next process connects without
    asking, and the database holds no token in any spelling."""
    settings = sealed_in(tmp_path)
    sign_in_and_stop(settings, guarded)
    second = Workspace(settings)
    try:
        second.add_server(McpServerSettings(name="guarded", transport="http", url=guarded.url))
        wait_for(lambda: view(second).status == Status.READY)
        assert not view(second).sign_in_url and view(second).signed_in
    finally:
        second.close()
    assert leaks(guarded.provider.issued, [tmp_path]) == []


def test_after_a_restart_an_expired_token_is_refreshed_without_a_new_sign_in(
    guarded: OAuthServer, tmp_path: Path
) -> None:
    settings = sealed_in(tmp_path)

    def expire(first: Workspace) -> None:
        key = VaultKey("", "mcp", "guarded", Item.TOKENS)
        kept = json.loads(first.signing.vault.get(key) or b"{}")
        kept["switchboard_expires_at"] = 1.0  # long expired by the next start
        first.signing.vault.put(key, json.dumps(kept).encode())

    sign_in_and_stop(settings, guarded, expire)
    guarded.provider.access.clear()  # the server agrees: that access token is no good
    second = Workspace(settings)
    try:
        second.add_server(McpServerSettings(name="guarded", transport="http", url=guarded.url))
        wait_for(lambda: view(second).status in (Status.READY, Status.FAILED))
        assert view(second).status == Status.READY and not view(second).sign_in_url
        assert len(guarded.provider.issued) == 4, "signed in once, refreshed once"
    finally:
        second.close()


def test_a_legacy_era_connection_waits_for_the_sign_in_inside_its_handshake(
    ws: Workspace, guarded: OAuthServer
) -> None:
    """No probe first: the sign-in happens within initialize, whose connect timeout pauses."""
    url = waiting_sign_in(ws, guarded, era="legacy")
    assert ws.signing.complete(approve(url)).outcome == Outcome.SIGNED_IN
    wait_for(lambda: view(ws).status == Status.READY)
    assert view(ws).protocol_version != "2026-07-28"
