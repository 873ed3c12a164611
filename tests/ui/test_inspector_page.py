"""The Inspector: each connection's wire log."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from switchboard.workspace.demo import DEMO_MCP
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
from tests.support.turns import call, connect_server, run_turn

TOKEN = "tok-0123456789-abcdefghij"
ADA, GRACE = "ada@example.com", "grace@example.com"


def inspector_page() -> None:
    from switchboard.ui.inspector_page import inspector_page as page

    page()


def labels_of(at: AppTest) -> list[str]:
    return [e.label for e in at.expander]


def row_labelled(at: AppTest, *words: str) -> Any:
    """The row (expander) whose label holds every one of `words`."""
    (row,) = [e for e in at.expander if all(w in e.label for w in words)]
    return row


def test_each_exchange_is_one_row_with_method_status_duration_and_checks(
    app: AppTest, config: Path
) -> None:
    app.chat_input[0].set_value("story").run()
    at = AppTest.from_function(inspector_page, default_timeout=30).run()
    assert not at.exception
    streamed = row_labelled(at, "**SendStreamingMessage**")
    assert re.search(r"\*\* 200 [\d,]+ ms \d+ events · 🛰️ Demo Agent ✅$", streamed.label)
    marks = [m.value for m in streamed.markdown]
    assert marks[0].startswith("→") and marks[1].startswith("←")
    assert all(m.startswith("⚡") and m.endswith("✅") for m in marks[2:]) and len(marks) > 3
    assert row_labelled(at, "GET /.well-known/agent-card.json", "200")
    assert any("Demo Agent's agent card meets the A2A spec" in c.value for c in at.caption)
    assert any(c.language == "bash" and c.value.startswith("curl -N -X POST") for c in at.code)


def test_filters_by_method_errors_and_text(app: AppTest, config: Path) -> None:
    app.chat_input[0].set_value("hello").run()
    at = AppTest.from_function(inspector_page, default_timeout=30).run()
    everything = len(at.expander)
    at.multiselect(key="inspect-methods").select("SendStreamingMessage").run()
    assert [label.split("**")[1] for label in labels_of(at)] == ["SendStreamingMessage"]
    at.multiselect(key="inspect-methods").unselect("SendStreamingMessage").run()
    at.text_input(key="inspect-search").input("agent-card").run()
    assert all("agent-card.json" in label for label in labels_of(at)) and labels_of(at)
    at.text_input(key="inspect-search").input("").run()
    at.toggle(key="inspect-errors").set_value(True).run()
    assert labels_of(at) == [] and at.caption[-1].value == f"0 of {everything} exchanges"


def test_a_request_edited_and_sent_again_shows_its_answer_and_joins_the_log(
    app: AppTest, config: Path
) -> None:
    app.chat_input[0].set_value("echo first").run()
    at = AppTest.from_function(inspector_page, default_timeout=30).run()
    before = len(row_labelled(at, "**SendStreamingMessage**").markdown)
    (replay,) = row_labelled(at, "**SendStreamingMessage**").button
    assert replay.label == "Edit and replay"
    replay.click().run()
    body = next(a for a in at.text_area if a.label == "Body")
    body.input(body.value.replace("echo first", "echo second")).run()
    next(b for b in at.button if b.label == "Send").click().run()
    assert not at.exception
    assert any(s.value == "Answer: 200" for s in at.success)
    assert any("second" in c.value for c in at.code if c.value.startswith(("data:", "event:")))
    rows = [e for e in at.expander if "**SendStreamingMessage**" in e.label]
    assert len(rows) == 2 and before > 0, "the replay is a row of its own"


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
            assert any("🔶" in e.label and "without a time zone" in e.label for e in at.expander)
            (card,) = [e for e in at.expander if "Pydantic's agent card" in e.label]
            assert card.label == "⚠️ Pydantic's agent card: 1 finding against the A2A spec"
            assert card.markdown[0].value == "- skills: required, but empty"
        finally:
            close_workspace()


def test_an_mcp_call_edited_and_sent_again_from_the_inspector(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "switchboard.json"
    config.write_text(json.dumps({"mcpServers": {}}))
    monkeypatch.setenv("SWITCHBOARD_CONFIG", str(config))
    try:
        ws = app_workspace()
        server = connect_server(ws, DEMO_MCP)
        call(ws, server, "add", a=1, b=2)
        at = AppTest.from_function(inspector_page, default_timeout=30).run()
        (row,) = [e for e in at.expander if "**tools/call**" in e.label]
        assert re.search(r"\*\* ok [\d,]+ ms · 🧰 Demo MCP ✅$", row.label)
        sent = '{"jsonrpc": "2.0", "id": 1, "method": "tools/call"'
        assert any(c.value.startswith(sent) for c in row.code)
        row.button[0].click().run()
        params = at.text_area(key=next(a.key for a in at.text_area if a.label == "Params (JSON)"))
        params.input(json.dumps({"name": "add", "arguments": {"a": 40, "b": 2}})).run()
        next(b for b in at.button if b.label == "Send").click().run()
        assert any(s.value == "Answer: ok" for s in at.success)
        assert any('"result": 42' in c.value for c in at.code)
        assert len([e for e in at.expander if "**tools/call**" in e.label]) == 2
    finally:
        close_workspace()
