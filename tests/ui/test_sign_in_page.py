"""Signing in from the pages, with AppTest: an OAuth-protected MCP server on the mcp SDK's
own authorization server, and an OpenID Connect-protected agent at oidc-provider. The page
asks for the sign-in with a button to the authorization page, the callback page finishes it
once, and Sign out asks again."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from switchboard.connections.vault import Item, VaultKey
from tests.support.apps import app_workspace, close_workspace
from tests.support.oauth_mcp import OAuthServer, oauth_mcp_server
from tests.support.oidc import oidc_provider, public_client, sign_in
from tests.support.protected_agent import Scheme, protected_agent
from tests.support.turns import wait_for

PUBLIC = "http://127.0.0.1:8599"


@pytest.fixture
def guarded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OAuthServer]:
    with oauth_mcp_server() as server:
        config = {"publicUrl": PUBLIC, "mcpServers": {"guarded": {"url": server.url}}}
        path = tmp_path / "switchboard.json"
        path.write_text(json.dumps(config))
        monkeypatch.setenv("SWITCHBOARD_CONFIG", str(path))
        try:
            yield server
        finally:
            close_workspace()


def mcp_page() -> None:
    from switchboard.ui.mcp_page import mcp_page as page

    page()


def callback_page() -> None:
    from switchboard.ui.sign_in_page import oauth_callback_page

    oauth_callback_page()


def waiting(at: AppTest) -> str:
    """Run the MCP page until it asks for the sign-in; the button's URL."""
    ws = app_workspace()
    wait_for(lambda: bool((view := ws.server("guarded", "local")) and view.sign_in_url))
    at.run()
    assert any("Sign in required" in w.value for w in at.warning)
    (button,) = [b for b in at.link_button if b.label == "🔐 Sign in"]
    return str(button.proto.url)


def come_back(url: str) -> AppTest:
    """The person signs in (the server approves at once) and lands on the callback page."""
    location = httpx.get(url, follow_redirects=False, timeout=10).headers["location"]
    assert location.startswith(f"{PUBLIC}/oauth_callback?")
    callback = AppTest.from_function(callback_page, default_timeout=30)
    for key, value in parse_qsl(urlsplit(location).query):
        callback.query_params[key] = value
    return callback.run()


def test_the_mcp_page_asks_for_the_sign_in_and_the_callback_connects_it(
    guarded: OAuthServer,
) -> None:
    at = AppTest.from_function(mcp_page, default_timeout=30).run()
    callback = come_back(waiting(at))
    assert not callback.exception
    assert [s.value for s in callback.success] == ["Signed in: guarded connects now."]
    assert dict(callback.query_params) == {}, "a reload redeems nothing"
    ws = app_workspace()
    wait_for(lambda: ws.server("guarded", "local").status == "ready")
    at.run()
    assert not [w for w in at.warning if "Sign in required" in w.value]
    assert next(t.label for t in at.tabs) == "Tools (1)"
    next(b for b in at.button if b.label == "🚪 Sign out").click().run()
    assert waiting(at), "signed out: it asks again"


def test_a_used_or_unknown_redirect_says_to_start_again(guarded: OAuthServer) -> None:
    at = AppTest.from_function(mcp_page, default_timeout=30).run()
    url = waiting(at)
    location = httpx.get(url, follow_redirects=False, timeout=10).headers["location"]
    replay = AppTest.from_function(callback_page, default_timeout=30)
    replay.query_params.update({"state": "forged", "code": "stolen"})
    replay.run()
    assert any("Start the sign-in again" in e.value for e in replay.error)
    assert app_workspace().server("guarded", "local").sign_in_url == url, "still waiting"
    first = come_back(url)
    assert first.success
    again = AppTest.from_function(callback_page, default_timeout=30)
    again.query_params.update(dict(parse_qsl(urlsplit(location).query)))
    again.run()
    assert any("not waiting any more" in e.value for e in again.error), "single use"


AGENT_REDIRECT = f"{PUBLIC}/oauth_callback"
PERSON = public_client(AGENT_REDIRECT)


@pytest.fixture
def oidc_agent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A config naming an OpenID Connect-protected agent, with a public client for it."""
    with oidc_provider([PERSON]) as issuer, protected_agent(issuer, Scheme.OIDC) as (url, _):
        entry = {"name": "agent", "url": url, "auth": {"oidc": {"clientId": "switchboard"}}}
        path = tmp_path / "switchboard.json"
        path.write_text(json.dumps({"publicUrl": PUBLIC, "agents": [entry]}))
        monkeypatch.setenv("SWITCHBOARD_CONFIG", str(path))
        try:
            yield
        finally:
            close_workspace()


def agents_page() -> None:
    from switchboard.ui.agents_page import agents_page as page

    page()


def test_the_agents_page_lists_the_schemes_and_signs_the_person_in(oidc_agent: None) -> None:
    at = AppTest.from_function(agents_page, default_timeout=30).run()
    ws = app_workspace()
    wait_for(lambda: bool((view := ws.agent("agent", "local")) and view.sign_in_url))
    at.run()
    assert not at.exception
    assert any("Sign in required" in w.value for w in at.warning)
    schemes = next(d.value for d in at.dataframe if "scheme" in d.value.columns)
    assert list(schemes["scheme"]) == ["oidc"]
    assert list(schemes["the config gives"]) == ["client switchboard"]
    (button,) = [b for b in at.link_button if b.label == "🔐 Sign in"]
    back = sign_in(str(button.proto.url), AGENT_REDIRECT, "grace")
    callback = AppTest.from_function(callback_page, default_timeout=30)
    for key, value in back.items():
        callback.query_params[key] = value
    assert [s.value for s in callback.run().success] == ["Signed in: agent connects now."]
    wait_for(lambda: ws.agent("agent", "local").status == "ready")
    at.run()
    assert not [w for w in at.warning if "Sign in required" in w.value]
    assert "- skill added: Private skill" in [m.value for m in at.markdown], "the extended card"
    next(b for b in at.button if b.label == "🚪 Sign out").click().run()
    wait_for(lambda: bool(ws.agent("agent", "local").sign_in_url))
    assert ws.signing.vault.get(VaultKey("", "agent", "agent", Item.TOKENS)) is None


def as_person(page: Callable[[], None], email: str) -> AppTest:
    """`page` for `email`, logged in to an app with logins configured."""
    at = AppTest.from_function(page, default_timeout=30)
    at.secrets["auth"] = {"client_id": "x"}
    at.user = {"email": email, "is_logged_in": True}
    return at


def test_with_logins_each_person_signs_in_to_the_shared_agent_themselves(
    oidc_agent: None,
) -> None:
    ada = as_person(agents_page, "ada@example.com").run()
    ws = app_workspace()
    for email in ("ada@example.com", "bob@example.com"):
        wait_for(lambda email=email: bool((v := ws.agent("agent", email)) and v.sign_in_url))
    bob = as_person(agents_page, "bob@example.com").run()
    urls = {}
    for email, at in (("ada@example.com", ada), ("bob@example.com", bob)):
        at.run()
        assert any("Sign in required" in w.value for w in at.warning), email
        (button,) = [b for b in at.link_button if b.label == "🔐 Sign in"]
        urls[email] = str(button.proto.url)
    assert urls["ada@example.com"] != urls["bob@example.com"], "a sign-in each"
    back = sign_in(urls["ada@example.com"], AGENT_REDIRECT, "ada")
    callback = as_person(callback_page, "ada@example.com")
    callback.query_params.update(back)
    assert [s.value for s in callback.run().success] == ["Signed in: agent connects now."]
    wait_for(lambda: ws.agent("agent", "ada@example.com").status == "ready")
    labels = [b.label for b in ada.run().button]
    assert "🚪 Sign out" in labels and "🔄 Reconnect" in labels, "her own sign-in, hers to redo"
    assert "Remove" not in labels, "the agent stays the config's"
    assert any("Your sign-in to it is your own" in c.value for c in ada.caption)
    assert any("Sign in required" in w.value for w in bob.run().warning), "ada's is hers"
