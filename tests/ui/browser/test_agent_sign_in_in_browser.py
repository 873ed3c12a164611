"""A person signs in to an OpenID Connect-protected agent in a real browser: the Agents page's
Sign in opens the certified provider (oidc-provider), where they log in and consent; the tab
comes back to the app's callback page and the agent connects, and after the app restarts it
needs no new sign-in. Afterwards no token or code is anywhere on disk but sealed, nor in the
app's log."""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from switchboard.config import Settings
from switchboard.connections.vault import Item, VaultKey
from switchboard.workspace import Workspace
from tests.support.browser import PAGE_TIMEOUT, STEP, assistant_bubbles, running_app, send
from tests.support.oidc import oidc_provider, public_client
from tests.support.protected_agent import Scheme, protected_agent
from tests.support.secret_scan import leaks
from tests.support.servers import free_port

pytestmark = pytest.mark.browser

SECRET_KEY = "a passphrase only this test knows"
TOKENS = VaultKey("", "agent", "agent", Item.TOKENS)


def sign_in_on_the_provider(context: BrowserContext, page: Page) -> Page:
    """Click Sign in; on the provider's pages log in as grace and consent; the tab it ends on."""
    with context.expect_page() as opened:
        page.get_by_role("link", name="🔐 Sign in").click()
    provider = opened.value
    provider.locator("input[name=login]").fill("grace", timeout=STEP)
    provider.locator("input[name=password]").fill("any")
    provider.locator("button[type=submit]").click()
    provider.locator("button[type=submit]").click(timeout=STEP)  # the consent
    return provider


def ready(page: Page) -> None:
    """The agent's row says it is ready, and nothing asks for a sign-in."""
    expect(page.locator("summary").filter(has_text="ready")).to_be_visible(timeout=STEP)
    expect(page.get_by_text("Sign in required")).to_have_count(0)


def test_an_agent_sign_in_connects_it_and_survives_a_restart(
    browser: Browser, tmp_path: Path
) -> None:
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    with (
        oidc_provider([public_client(f"{public}/oauth_callback")]) as issuer,
        protected_agent(issuer, Scheme.OIDC) as (agent_url, guard),
    ):
        entry = {"name": "agent", "url": agent_url, "auth": {"oidc": {"clientId": "switchboard"}}}
        (tmp_path / "switchboard.json").write_text(
            json.dumps({"publicUrl": public, "agents": [entry]})
        )
        env = dict(os.environ, SWITCHBOARD_CONFIG=str(tmp_path / "switchboard.json"))
        env |= {
            "SWITCHBOARD_DATA_DIR": str(tmp_path / "data"),
            "SWITCHBOARD_SECRET_KEY": SECRET_KEY,
        }
        log = tmp_path / "server.log"
        context = browser.new_context()
        codes: list[str] = []
        context.on("request", lambda r: codes.extend(_codes(r.url)))
        try:
            with running_app(tmp_path, env, log, port) as url:
                page = context.new_page()
                page.goto(f"{url}agents", timeout=PAGE_TIMEOUT)
                expect(page.get_by_text("Sign in required")).to_be_visible(timeout=STEP)
                back = sign_in_on_the_provider(context, page)
                expect(back.get_by_text("Signed in: agent connects now.")).to_be_visible(
                    timeout=STEP
                )
                assert "code=" not in back.url, "the callback page clears the query"
                page.reload()
                ready(page)
            with running_app(tmp_path, env, log, port) as url:  # the app again, same store
                page = context.new_page()
                page.goto(f"{url}agents", timeout=PAGE_TIMEOUT)
                ready(page)
                page.goto(url, timeout=PAGE_TIMEOUT)
                send(page, "hello")
                expect(assistant_bubbles(page).last).to_contain_text("Hi!", timeout=STEP)
        finally:
            context.close()
        assert set(guard.subjects) == {"grace"}, "after the restart, called as the person"
    secrets = [*codes, *kept_tokens(tmp_path / "data")]
    assert len(secrets) >= 2, "the code and the access token at least"
    assert leaks(secrets, [tmp_path]) == [], "no token or code on disk or in the log, but sealed"


def _codes(url: str) -> list[str]:
    """The authorization code in a request to the callback page, if any."""
    parts = urlsplit(url)
    if not parts.path.endswith("/oauth_callback"):
        return []
    return [value for key, value in parse_qsl(parts.query) if key == "code"]


def kept_tokens(data_dir: Path) -> list[str]:
    """The tokens the vault keeps for the agent (unsealed with the app's key)."""
    settings = Settings(source="test", data_dir=str(data_dir), secret_key=SECRET_KEY)
    ws = Workspace(settings)
    try:
        raw = ws.signing.vault.get(TOKENS)
    finally:
        ws.close()
    assert raw is not None, "the sign-in is kept"
    token = json.loads(raw)["token"]
    return [value for value in (token["access_token"], token.get("refresh_token")) if value]
