"""The Agents page: the card in full, adding an agent by URL with a token (masked), and what
a bad URL gets."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apps import app_workspace

TOKEN = "tok-0123456789-abcdefghij"


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
