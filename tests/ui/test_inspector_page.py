"""The Inspector: each connection's wire log."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

TOKEN = "tok-0123456789-abcdefghij"


def inspector_page() -> None:
    from switchboard.ui.inspector_page import inspector_page as page

    page()


def test_the_inspector_shows_the_wire_log(app: AppTest, config: Path) -> None:
    app.chat_input[0].set_value("hello").run()
    at = AppTest.from_function(inspector_page, default_timeout=30).run()
    assert not at.exception
    labels = [e.label for e in at.expander]
    assert any("GET" in label and "agent-card.json" in label for label in labels)
    assert any("stream event" in label or "POST" in label for label in labels)
