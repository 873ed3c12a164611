"""The Agents page: the card in full, adding an agent by URL with a token (masked), and what
a bad URL gets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apps import app_workspace, close_workspace, page_text, signed_in
from tests.support.hostile_agent import parrot
from tests.support.servers import serve_app

TOKEN = "tok-0123456789-abcdefghij"
ADA, GRACE, ROOT = "ada@example.com", "grace@example.com", "root@example.com"


def agents_page() -> None:
    from switchboard.ui.agents_page import agents_page as page

    page()


def test_the_agents_page_shows_the_card(config: Path) -> None:
    at = AppTest.from_function(agents_page, default_timeout=30).run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert "Switchboard Demo Agent" in text
    assert "Streamed story" in text and "Try: _story_" in text
    assert "✅ streaming" in text
    assert at.dataframe, "the interfaces table"


def test_adding_an_agent_by_url_with_a_token_connects_and_masks_it(
    config: Path, demo_agent: str
) -> None:
    at = AppTest.from_function(agents_page, default_timeout=30).run()
    field = {t.label: t for t in at.text_input}
    field["Agent URL"].input(demo_agent + "/.well-known/agent-card.json")
    field["Name"].input("Second")
    field["Bearer token"].input(TOKEN)
    next(b for b in at.button if b.label == "Connect").click().run()
    assert not at.exception
    assert any("Connected to **Second**" in s.value for s in at.success)
    shown = "\n".join(e.value for e in [*at.caption, *at.markdown])
    assert "Authorization: ••••" in shown and TOKEN not in shown
    assert app_workspace().registry.agent("Second").status == "ready"


@pytest.mark.parametrize(
    ("url", "message"),
    [("not a url", "is not an http(s) URL"), ("http://127.0.0.1:1", "Could not reach")],
)
def test_a_bad_agent_url_says_what_is_wrong(config: Path, url: str, message: str) -> None:
    at = AppTest.from_function(agents_page, default_timeout=30).run()
    next(t for t in at.text_input if t.label == "Agent URL").input(url)
    next(b for b in at.button if b.label == "Connect").click().run()
    assert any(message in e.value for e in at.error)
    assert app_workspace().registry.agent("Demo Agent").status == "ready"


def test_shared_agents_are_read_only_and_an_added_one_is_the_adders(
    tmp_path: Path, demo_agent: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = {"agents": [{"name": "Demo Agent", "url": demo_agent}], "admins": [ROOT]}
    (tmp_path / "team.json").write_text(json.dumps(document))
    monkeypatch.setenv("SWITCHBOARD_CONFIG", str(tmp_path / "team.json"))
    try:
        grace = signed_in(agents_page, GRACE)
        assert "🔄 Reconnect" not in [b.label for b in grace.button]
        assert "Only an admin can reconnect or remove it" in page_text(grace)
        assert "🔄 Reconnect" in [b.label for b in signed_in(agents_page, ROOT).button]

        ada = signed_in(agents_page, ADA)
        next(t for t in ada.text_input if t.label == "Agent URL").input(demo_agent)
        next(t for t in ada.text_input if t.label == "Name").input("Ada's own")
        next(b for b in ada.button if b.label == "Connect").click().run()
        assert any("Connected to **Ada's own**" in s.value for s in ada.success)
        assert "🔄 Reconnect" in [b.label for b in ada.button], "she may change her own"
        assert "Ada's own" not in page_text(grace.run()), "Grace does not see it"
    finally:
        close_workspace()


def test_a_card_that_names_another_host_says_the_headers_stay_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typed as 127.0.0.1, the card says localhost: the token goes only to the card fetch, and
    the Agents page says so (not only the wire log)."""
    card_says_localhost = parrot()
    with serve_app(lambda base: card_says_localhost(base.replace("127.0.0.1", "localhost"))) as url:
        config = tmp_path / "switchboard.json"
        headers = {"Authorization": f"Bearer {TOKEN}", "X-API-Key": TOKEN}
        agent = {"name": "Parrot", "url": url, "headers": headers}
        config.write_text(json.dumps({"agents": [agent]}))
        monkeypatch.setenv("SWITCHBOARD_CONFIG", str(config))
        card_host = url.replace("127.0.0.1", "localhost")
        try:
            at = AppTest.from_function(agents_page, default_timeout=30).run()
            (warning,) = [w.value for w in at.warning if "not sent" in w.value]
            assert "`Authorization`, `X-API-Key`" in warning, "which headers"
            assert f"not sent to {card_host.removeprefix('http://')}" in warning, "to which host"
            assert f"only to the card fetch at {url.removeprefix('http://')}" in warning
            assert f"set the agent's URL to {card_host}" in warning, "how to fix it"
            (expander,) = [e for e in at.expander if "Parrot" in e.label]
            assert "⚠️" in expander.label and expander.proto.expanded, "seen without a click"
            assert TOKEN not in page_text(at)
        finally:
            close_workspace()
