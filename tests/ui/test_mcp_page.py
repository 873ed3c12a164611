"""The MCP page and MCP turns in the chat, driven with AppTest against the demo MCP server."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from switchboard.chat.turns import TurnView
from switchboard.workspace import Workspace
from tests.support.apps import (
    APP,
    app_workspace,
    assistant_text,
    close_workspace,
    page_text,
    signed_in,
    step_marks,
)
from tests.support.servers import DEMO_ENTRY
from tests.support.turns import child_pids, wait_for

ADA, GRACE, ROOT = "ada@example.com", "grace@example.com", "root@example.com"


def write_config(path: Path, monkeypatch: pytest.MonkeyPatch, document: dict) -> Path:
    path.write_text(json.dumps(document))
    monkeypatch.setenv("SWITCHBOARD_CONFIG", str(path))
    return path


@pytest.fixture
def config(tmp_path: Path, demo_agent: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The demo agent and the demo MCP server; the app's workspace is closed afterwards."""
    document = {
        "agents": [{"name": "Demo Agent", "url": demo_agent}],
        "mcpServers": {"demo": DEMO_ENTRY},
    }
    path = write_config(tmp_path / "switchboard.json", monkeypatch, document)
    yield path
    close_workspace()


def mcp_page() -> None:
    from switchboard.ui.mcp_page import mcp_page as page

    page()


def page(config: Path) -> AppTest:
    at = AppTest.from_function(mcp_page, default_timeout=30).run()
    assert not at.exception
    return at


def test_the_page_shows_the_server_its_protocol_and_instructions(config: Path) -> None:
    at = page(config)
    assert any(e.label.startswith("🟢 **demo** · ready · protocol 2026-07-28") for e in at.expander)
    assert any("each tool, resource and prompt" in m.value for m in at.markdown)
    assert [t.label for t in at.tabs][:3] == ["Tools (14)", "Resources (4)", "Prompts (1)"]


def run_button(at: AppTest) -> Any:
    return next(b for b in at.button if b.label == "▶ Run")


def ran(at: AppTest, tool: str = "add") -> TurnView:
    """Wait for the newest run of `tool` to end, redraw the page; that run."""
    runs = app_workspace().bench.runs("local", "demo", tool)
    wait_for(lambda: runs[0].turns()[0].ended)
    at.run()
    return runs[0].turns()[0]


def fill_add(at: AppTest, a: int, b: int) -> None:
    next(n for n in at.number_input if n.label == "A *").set_value(a)
    next(n for n in at.number_input if n.label == "B *").set_value(b).run()


def test_a_tool_runs_beside_its_form_and_no_conversation_is_made(config: Path) -> None:
    at = page(config)
    fill_add(at, 2, 3)
    run_button(at).click().run()
    assert ran(at).result["structured"] == {"result": 5}
    assert any(j.value == '{"result": 5}' for j in at.json), "the structured output, shown"
    assert any(re.fullmatch(r"✅ done · [\d:]+ · [\d,]+ ms", m.value) for m in at.markdown)
    assert app_workspace().store.list() == [], "nothing filed in a conversation"


def test_run_stays_off_until_the_required_arguments_are_filled(config: Path) -> None:
    at = page(config)
    assert run_button(at).disabled
    assert "Required: a, b" in [c.value for c in at.caption]
    fill_add(at, 1, 1)
    assert not run_button(at).disabled and "Required: a, b" not in [c.value for c in at.caption]


def test_field_descriptions_are_shown_under_their_fields(config: Path) -> None:
    at = page(config)
    next(r for r in at.radio if r.label == "Tools").set_value("count").run()
    captions = [c.value for c in at.caption]
    assert "How many steps" in captions and "Seconds per step" in captions


def test_the_raw_json_editor_is_prefilled_and_runs_the_tool(config: Path) -> None:
    at = page(config)
    next(t for t in at.toggle if t.label == "Raw JSON").set_value(True).run()
    editor = next(t for t in at.text_area if t.label == "Arguments (JSON)")
    assert json.loads(editor.value) == {"a": 0, "b": 0}
    editor.set_value('{"a": 40, "b": 2}').run()
    run_button(at).click().run()
    assert ran(at).result["structured"] == {"result": 42}


def test_earlier_runs_stay_on_the_page_and_one_goes_to_a_conversation_of_its_own(
    config: Path,
) -> None:
    at = page(config)
    for a in (1, 2):
        fill_add(at, a, 10)
        run_button(at).click().run()
        ran(at)
    assert any(m.value == "**Earlier runs** (1)" for m in at.markdown)
    (earlier,) = [t for t in at.toggle if t.label.startswith("✅ done")]
    assert '{"a": 1, "b": 10}' in earlier.label
    earlier.set_value(True).run()
    assert {j.value for j in at.json} >= {'{"result": 11}', '{"result": 12}'}
    sends = [b for b in at.button if b.label == "💬 Send to a new conversation"]
    sends[-1].click().run()  # the earlier run's
    (listed,) = app_workspace().store.list()
    conversation = app_workspace().store.get(listed.id)
    assert conversation is not None
    assert conversation.title == "🔧 add · demo" and conversation.counterpart == "Demo Agent"
    assert conversation.turns()[0].result["structured"] == {"result": 11}


def test_resources_and_templates_are_read_and_shown_by_type(config: Path) -> None:
    at = page(config)
    listed = next(r for r in at.radio if r.label == "Resources")
    listed.set_value("r demo://config").run()
    next(b for b in at.button if b.label == "📖 Read").click().run()
    assert any(json.loads(j.value) for j in at.json)
    next(r for r in at.radio if r.label == "Resources").set_value("t greeting://{name}").run()
    assert next(b for b in at.button if b.label == "📖 Read").disabled, "its name is required"
    name = next(t for t in at.text_input if t.label == "name")
    name.set_value("A").run()
    suggestions = at.get("button_group")[0].proto.options
    assert {"Ada", "Alan"} <= {option.content for option in suggestions}
    name.set_value("Grace").run()
    next(b for b in at.button if b.label == "📖 Read").click().run()
    assert any("Grace" in c.value for c in at.code), "text/plain shows as text, not markdown"


def test_the_lists_are_searched_and_stay_on_the_page(config: Path) -> None:
    at = page(config)
    next(t for t in at.text_input if t.label == "Search tools").set_value("prog").run()
    (tools,) = [r for r in at.radio if r.label == "Tools"]
    assert tools.options == ["Count with progress"], "title and description are searched"
    assert any(m.value.startswith("**Count with progress**") for m in at.markdown)
    next(t for t in at.text_input if t.label == "Search resources").set_value("nothing").run()
    assert "No resources match “nothing”." in [c.value for c in at.caption]


def completion_requests(ws: Workspace) -> int:
    return sum("completion/complete" in e.body for e in ws.wire_log("server", "demo", "local"))


def test_drawing_the_page_sends_nothing_and_a_typed_value_is_completed_once(
    config: Path,
) -> None:
    at = page(config)
    at.run()
    ws = app_workspace()
    next(r for r in at.radio if r.label == "Resources").set_value("t greeting://{name}").run()
    assert completion_requests(ws) == 0, "the page sends nothing when it is drawn"
    next(t for t in at.text_input if t.label == "name").set_value("Gr").run()
    assert [p.options for p in at.pills if p.label == "Suggestions for name"] == [["Grace"]]
    at.run()  # any other rerun (a click elsewhere) asks nothing again
    assert completion_requests(ws) == 1


def test_long_server_instructions_stay_folded(config: Path) -> None:
    at = page(config)
    (folded,) = [p for p in at.get("popover") if "Server instructions" in p.proto.popover.label]
    shown = app_workspace().server("demo", "local")
    assert shown is not None and len(shown.instructions) > 500, "long enough to fold"
    size = f"{len(shown.instructions):,} characters"
    assert folded.proto.popover.label == f"📜 Server instructions ({size})"
    assert not folded.proto.popover.open
    assert any("each tool, resource and prompt" in m.value for m in folded.markdown)


def test_a_prompt_renders_with_completion_and_goes_to_the_chat(config: Path) -> None:
    at = page(config)
    next(t for t in at.text_input if t.label == "code *").set_value("x = 1").run()
    assert any("x = 1" in m.value for message in at.chat_message for m in message.markdown)
    next(b for b in at.button if b.label == "💬 Send to the chat").click().run()
    conversation = app_workspace().store.get(app_workspace().store.list()[0].id)
    assert conversation is not None and "x = 1" in conversation.turns()[0].prompt


def test_the_log_view_filters_by_level(config: Path) -> None:
    ws = app_workspace()
    server = ws.registry.server("demo")
    assert server is not None
    ws.runtime.call(server.connect(), timeout=30)
    ws.runtime.call(server.call_tool("count", {"steps": 2, "delay": 0.01}), timeout=30)
    at = page(config)
    assert sum("INFO" in t.value for t in at.text) >= 2
    next(s for s in at.select_slider if s.label == "Level").set_value("warning").run()
    assert not any("INFO" in t.value for t in at.text)


def test_pasted_stdio_servers_are_refused_when_switched_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_config(tmp_path / "a.json", monkeypatch, {"allowStdioFromUi": False})
    at = page(path)
    pasted = json.dumps({"mcpServers": {"local": DEMO_ENTRY}})
    next(t for t in at.text_area if t.label == "Config JSON").set_value(pasted)
    next(b for b in at.button if b.label == "Add").click().run()
    errors = [e.value for e in at.error]
    assert any("adding stdio servers from the UI is switched off" in e for e in errors), errors
    assert app_workspace().registry.servers() == []
    close_workspace()

    allowed = write_config(tmp_path / "b.json", monkeypatch, {"allowStdioFromUi": True})
    at = page(allowed)
    next(t for t in at.text_area if t.label == "Config JSON").set_value(pasted)
    next(b for b in at.button if b.label == "Add").click().run()
    assert any("Connected to **local**" in s.value for s in at.success)
    close_workspace()


def test_a_malformed_pasted_config_says_what_is_wrong(config: Path) -> None:
    at = page(config)
    area = next(t for t in at.text_area if t.label == "Config JSON")
    area.set_value('{"mcpServers": {"x": {"type": "websocket", "url": "http://127.0.0.1:1"}}}')
    next(b for b in at.button if b.label == "Add").click().run()
    assert any("mcpServers.x: 'type' 'websocket' is not one of" in e.value for e in at.error)
    next(t for t in at.text_area if t.label == "Config JSON").set_value("{not json")
    next(b for b in at.button if b.label == "Add").click().run()
    assert any("That is not JSON (line 1" in e.value for e in at.error)


def test_a_server_can_be_disabled_and_enabled(config: Path) -> None:
    at = page(config)
    next(b for b in at.button if b.label == "⏸ Disable").click().run()
    server = app_workspace().registry.server("demo")
    assert server is not None and server.settings.disabled
    wait_for(lambda: server.status == "disabled")
    at.run()
    next(b for b in at.button if b.label == "▶ Enable").click().run()
    enabled = app_workspace().registry.server("demo")
    assert enabled is not None
    wait_for(lambda: enabled.status == "ready")


def test_a_servers_question_is_answered_with_a_form_in_the_chat(config: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=30).run()
    ws = app_workspace()
    conversation = ws.store.get(at.query_params["c"])
    assert conversation is not None
    ws.chat.call_tool(conversation.id, "demo", "greet", {})
    wait_for(lambda: conversation.turns()[-1].open_questions != [])

    at.run()
    assert sum("asks:" in m.value for m in at.markdown) == 1, "the question, shown once"
    accept = next(b for b in at.button if b.label == "Accept")
    assert accept.disabled, "its required name is not filled yet"
    next(t for t in at.text_input if t.label.startswith("Name")).set_value("Grace").run()
    next(b for b in at.button if b.label == "Accept").click().run()
    assert not at.exception
    assert "Grace" in assistant_text(at)
    assert step_marks(at)[-1] == ("🔧 demo · greet", "complete")


@pytest.mark.parametrize(
    ("address", "allowed"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("0.0.0.0", False), ("", False)],
)
def test_stdio_from_the_ui_is_allowed_only_when_listening_on_loopback(
    address: str, allowed: bool
) -> None:
    from streamlit import config as streamlit_config

    from switchboard.config import Settings
    from switchboard.ui.mcp_page import stdio_allowed

    ws = Workspace(Settings(source="test"))
    previous = streamlit_config.get_option("server.address")
    try:
        streamlit_config.set_option("server.address", address)
        assert stdio_allowed(ws) is allowed
    finally:
        streamlit_config.set_option("server.address", previous)
        ws.close()


def inspector_page() -> None:
    from switchboard.ui.inspector_page import inspector_page as page

    page()


def test_the_inspector_shows_an_mcp_servers_json_rpc_traffic(config: Path) -> None:
    at = AppTest.from_function(inspector_page, default_timeout=30).run()
    choice = next(s for s in at.multiselect if s.label == "Counterparts")
    assert choice.options == ["🛰️ Demo Agent", "🧰 demo"]
    choice.select("🧰 demo").run()
    wait_for(lambda: app_workspace().registry.server("demo").status == "ready")
    at.run()
    labels = [e.label for e in at.expander]
    assert any("**initialize**" in label or "**server/discover**" in label for label in labels)
    assert any("**tools/list** ok" in label for label in labels)
    assert all("Demo Agent" not in label for label in labels), "only the chosen counterpart"


def test_a_read_resource_is_attached_to_the_conversation(config: Path) -> None:
    at = page(config)
    next(b for b in at.button if b.label == "📖 Read").click().run()  # the first: the README
    next(b for b in at.button if b.label.startswith("📎 Attach")).click().run()
    (listed,) = app_workspace().store.list()
    conversation = app_workspace().store.get(listed.id)
    assert (
        conversation is not None and conversation.pending_attachments()[0]["uri"] == "demo://readme"
    )


def test_one_session_serves_many_reruns_and_calls(config: Path) -> None:
    at = page(config)
    server = app_workspace().registry.server("demo")
    assert server is not None
    processes = child_pids("demo-mcp")
    for n in range(5):
        fill_add(at, n, 1)
        run_button(at).click().run()
        assert not at.exception
        ran(at)
        at = page(config)
    assert app_workspace().registry.server("demo") is server, "the same connection"
    assert child_pids("demo-mcp") == processes, "the same server process: no reconnect"
    runs = app_workspace().bench.runs("local", "demo", "add")
    assert sorted(r.turns()[0].result["structured"]["result"] for r in runs) == [1, 2, 3, 4, 5]


def test_a_shared_server_is_read_only_and_a_pasted_one_is_the_pasters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = {"mcpServers": {"demo": DEMO_ENTRY}, "allowStdioFromUi": True, "admins": [ROOT]}
    write_config(tmp_path / "team.json", monkeypatch, document)
    try:
        grace = signed_in(mcp_page, GRACE)
        assert "🔄 Reconnect" not in [b.label for b in grace.button]
        assert "Only an admin can reconnect, change or remove it" in page_text(grace)
        pasted = {"mcpServers": {"demo": DEMO_ENTRY, "mine": DEMO_ENTRY}}
        next(t for t in grace.text_area if t.label == "Config JSON").set_value(json.dumps(pasted))
        next(b for b in grace.button if b.label == "Add").click().run()
        assert any("demo: 'demo' is shared" in e.value for e in grace.error)
        assert any("Connected to **mine**" in s.value for s in grace.success)
        assert "🔄 Reconnect" in [b.label for b in grace.button], "she may change her own"

        ada = signed_in(mcp_page, ADA)
        assert not any("**mine**" in e.label for e in ada.expander), "Ada does not see it"
        assert "🔄 Reconnect" in [b.label for b in signed_in(mcp_page, ROOT).button]
    finally:
        close_workspace()


def test_a_tool_that_runs_only_as_a_task_says_so_on_the_page(everything_config: Path) -> None:
    at = AppTest.from_function(mcp_page, default_timeout=30).run()
    wait_for(lambda: app_workspace().registry.server("everything").status == "ready")
    at.run()
    next(r for r in at.radio if r.label == "Tools").set_value("simulate-research-query").run()
    assert not at.exception
    assert any("runs only as an MCP task" in w.value for w in at.warning)
    next(r for r in at.radio if r.label == "Tools").set_value("echo").run()
    assert not [w for w in at.warning if "MCP task" in w.value]


def test_a_pasted_server_cannot_expand_the_apps_own_secrets(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its headers would carry the app's sealing key to any host the paster chose."""
    monkeypatch.setenv("SWITCHBOARD_SECRET_KEY", "the-apps-sealing-key")
    at = page(config)
    entry = {"url": "http://127.0.0.1:1/mcp", "headers": {"X-Steal": "${SWITCHBOARD_SECRET_KEY}"}}
    area = next(t for t in at.text_area if t.label == "Config JSON")
    area.set_value(json.dumps({"mcpServers": {"thief": entry}}))
    next(b for b in at.button if b.label == "Add").click().run()
    assert any("SWITCHBOARD_SECRET_KEY" in e.value and "not set" in e.value for e in at.error)
    assert app_workspace().server("thief", "local") is None
