"""Following resources on the MCP servers page (AppTest against server-everything, whose
toggle-subscriber-updates tool sends updates for subscribed resources): Subscribe is offered
because its capabilities say `resources.subscribe`, an update shows with its time, Read again
reads it, Unsubscribe stops following."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.support.apps import app_workspace, page_text
from tests.support.turns import call, wait_for

URI = "demo://resource/static/document/architecture.md"


def mcp_page() -> None:
    from switchboard.ui.mcp_page import mcp_page as page

    page()


def test_a_followed_resource_shows_its_updates_and_is_read_again(everything_config: Path) -> None:
    at = AppTest.from_function(mcp_page, default_timeout=30).run()
    assert not at.exception
    next(r for r in at.radio if r.label == "Resources").set_value(f"r {URI}").run()
    next(b for b in at.button if b.label == "🔔 Subscribe").click().run()
    assert not at.exception
    assert any(b.label == "🔕 Unsubscribe" for b in at.button)
    assert f"`{URI}` · no update yet" in page_text(at)

    ws = app_workspace()
    server = ws.registry.server("everything")
    assert server is not None
    call(ws, server, "toggle-subscriber-updates")
    wait_for(lambda: server.subscriptions.snapshot()[0]["updates"] >= 1)
    at.run()
    shown = [m.value for m in at.markdown if m.value.startswith(f"`{URI}` · 🔔 updated at ")]
    assert shown, page_text(at)
    next(b for b in at.button if b.label == "📖 Read again").click().run()
    assert not at.exception
    assert "Architecture" in page_text(at)

    next(b for b in at.button if b.label == "🔕 Unsubscribe").click().run()
    assert any(b.label == "🔔 Subscribe" for b in at.button)
    assert "Followed resources" not in page_text(at)
