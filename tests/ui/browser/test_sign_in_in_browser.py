"""A person signs in to an OAuth-protected MCP server in a real browser: the MCP page's Sign in
opens the authorization server (the mcp SDK's own, approving at once), which sends the tab back
to the app's callback page; the server connects, and after the app restarts it needs no new
sign-in. Afterwards no token is anywhere on disk but encrypted, nor in the app's log."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.support.browser import PAGE_TIMEOUT, STEP, running_app
from tests.support.oauth_mcp import oauth_mcp_server
from tests.support.secret_scan import leaks
from tests.support.servers import free_port

pytestmark = pytest.mark.browser


def test_sign_in_connects_the_server_and_survives_a_restart(
    browser: Browser, tmp_path: Path
) -> None:
    port = free_port()
    with oauth_mcp_server() as server:
        config = {
            "publicUrl": f"http://127.0.0.1:{port}",
            "mcpServers": {"guarded": {"url": server.url}},
        }
        (tmp_path / "switchboard.json").write_text(json.dumps(config))
        env = dict(os.environ, SWITCHBOARD_CONFIG=str(tmp_path / "switchboard.json"))
        env |= {"SWITCHBOARD_DATA_DIR": str(tmp_path / "data")}
        env["SWITCHBOARD_SECRET_KEY"] = "a passphrase only this test knows"
        log = tmp_path / "server.log"
        context = browser.new_context()
        try:
            with running_app(tmp_path, env, log, port) as url:
                page = context.new_page()
                page.goto(f"{url}mcp", timeout=PAGE_TIMEOUT)
                expect(page.get_by_text("Sign in required")).to_be_visible(timeout=STEP)
                with context.expect_page() as opened:
                    page.get_by_role("link", name="🔐 Sign in").click()
                back = opened.value
                expect(back.get_by_text("Signed in: guarded connects now.")).to_be_visible(
                    timeout=STEP
                )
                assert "code=" not in back.url, "the callback page clears the query"
                page.reload()
                expect(page.get_by_text("Tools (1)")).to_be_visible(timeout=STEP)
            with running_app(tmp_path, env, log, port) as url:  # the app again, same store
                page = context.new_page()
                page.goto(f"{url}mcp", timeout=PAGE_TIMEOUT)
                expect(page.get_by_text("Tools (1)")).to_be_visible(timeout=STEP)
                expect(page.get_by_text("Sign in required")).to_have_count(0)
        finally:
            context.close()
        issued = server.provider.issued
        assert len(issued) == 2, "one sign-in: one access and one refresh token"
        assert leaks(issued, [tmp_path]) == [], "no token on disk or in the log, but sealed"
