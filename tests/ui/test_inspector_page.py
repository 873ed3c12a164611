"""The Inspector: each connection's wire log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apps import (
    APP,
    app_workspace,
    assistant_text,
    close_workspace,
    page_text,
    signed_in,
    step_marks,
)
from tests.support.fasta2a_agent import echo_agent
from tests.support.servers import serve_app
from tests.support.turns import run_turn

TOKEN = "tok-0123456789-abcdefghij"
ADA, GRACE = "ada@example.com", "grace@example.com"


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


def test_a_person_reads_only_their_own_traffic(app: AppTest, config: Path) -> None:
    ws = app_workspace()
    run_turn(ws, ws.chat.new_conversation("Demo Agent", ADA), "echo Ada's private question")
    grace, ada = signed_in(inspector_page, GRACE), signed_in(inspector_page, ADA)
    assert not grace.exception and not ada.exception
    assert "agent-card.json" in page_text(grace), "the connection's own traffic is everyone's"
    assert "private question" not in page_text(grace)
    assert "Ada's private question" in page_text(ada)


def test_a_fasta2a_turn_is_shown_once_and_its_naive_timestamps_are_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Against fasta2a: the chat page draws its streamed answer once, and the Inspector shows
    the timestamps it sends without a time zone as a warning."""
    with serve_app(echo_agent()) as url:
        config = tmp_path / "switchboard.json"
        config.write_text(json.dumps({"agents": [{"name": "Pydantic", "url": url}]}))
        monkeypatch.setenv("SWITCHBOARD_CONFIG", str(config))
        try:
            chat = AppTest.from_file(APP, default_timeout=30).run()
            chat.chat_input[0].set_value("hello").run()
            shown = assistant_text(chat)
            assert not chat.exception and shown.count("You said") == 1
            assert shown.endswith("\nYou said: 'hello'")
            assert step_marks(chat) == [("completed", "complete")]
            at = AppTest.from_function(inspector_page, default_timeout=30).run()
            assert any("🔶" in m.value and "without a time zone" in m.value for m in at.markdown)
        finally:
            close_workspace()
