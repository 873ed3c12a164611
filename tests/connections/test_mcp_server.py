"""MCP servers end to end: the demo server over stdio, streamable HTTP and SSE, in both protocol
eras, through the workspace's owner tasks and chat service; servers that die, restart, or write
garbage; closing with calls in flight."""

from __future__ import annotations

import base64
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from switchboard.config import Limits, McpServerSettings, Settings
from switchboard.connections.mcp_server import McpConnection
from switchboard.connections.owner import CallError
from switchboard.demo.mcp_server import http_app, sse_app
from switchboard.workspace import LOCAL_OWNER, Workspace
from tests.support.servers import DEMO_STDIO, FASTMCP, free_port, serve_app
from tests.support.turns import WAIT, call, child_pids, connect_server, wait_for, wait_turn

SILENT_LEGACY = str(Path(__file__).parents[1] / "support" / "silent_legacy_mcp.py")
ERAS = {"legacy": "2025-11-25", "auto": "2026-07-28"}


@pytest.fixture(scope="module")
def http_server() -> Iterator[str]:
    with serve_app(lambda _: http_app()) as url:
        yield url + "/mcp"


@pytest.fixture(scope="module")
def sse_server() -> Iterator[str]:
    with serve_app(lambda _: sse_app()) as url:
        yield url + "/sse"


@pytest.fixture(params=["stdio", "http", "sse"])
def transport(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(params=list(ERAS))
def era(request: pytest.FixtureRequest) -> str:
    return request.param


def demo_settings(transport: str, era: str, request: pytest.FixtureRequest) -> McpServerSettings:
    if transport == "stdio":
        command, args = DEMO_STDIO
        return McpServerSettings("demo", "stdio", command, args, era=era)
    url = request.getfixturevalue(f"{transport}_server")
    return McpServerSettings("demo", transport, url=url, era=era)


def test_everything_the_demo_offers_in_each_transport_and_era(
    workspace: Workspace, transport: str, era: str, request: pytest.FixtureRequest
) -> None:
    server = connect_server(workspace, demo_settings(transport, era, request))
    assert server.protocol_version == ERAS[era]
    assert server.server_name == "Switchboard Demo MCP"
    assert "each tool, resource and prompt" in server.instructions
    tools = {t["name"]: t for t in server.tools}
    assert {"add", "count", "greet", "fail", "image", "summarize", "list_roots"} <= tools.keys()
    assert tools["add"]["annotations"]["read_only_hint"] is True
    assert tools["add"]["input_schema"]["required"] == ["a", "b"]

    added = call(workspace, server, "add", a=2, b=3)
    assert added["structured"] == {"result": 5} and not added["is_error"]

    failed = call(workspace, server, "fail")
    assert failed["is_error"] and "always fails" in failed["parts"][0]["text"]

    image = call(workspace, server, "image", size=32)
    png = next(p for p in image["parts"] if p["type"] == "file")
    assert png["media_type"] == "image/png"
    assert base64.b64decode(png["bytes"]).startswith(b"\x89PNG")

    linked = call(workspace, server, "resource_link")
    assert any(p["type"] == "link" and p["uri"].startswith("demo://") for p in linked["parts"])

    runtime = workspace.runtime
    config = runtime.call(server.read_resource("demo://config"), timeout=WAIT)
    assert config[0]["media_type"] == "application/json" and json.loads(config[0]["text"])
    ref = {"type": "resource", "uri": "greeting://{name}"}
    assert "Ada" in runtime.call(server.complete(ref, "name", "A", None), timeout=WAIT)
    greeting = runtime.call(server.read_resource("greeting://Grace"), timeout=WAIT)
    assert "Grace" in greeting[0]["text"]
    prompt_ref = {"type": "prompt", "name": "review"}
    assert "java" in runtime.call(server.complete(prompt_ref, "language", "ja"), timeout=WAIT)
    messages = runtime.call(server.get_prompt("review", {"code": "x = 1"}), timeout=WAIT)
    assert messages[0]["role"] == "user" and "x = 1" in messages[0]["part"]["text"]


def test_progress_logs_and_the_wire_log(workspace: Workspace) -> None:
    command, args = DEMO_STDIO
    server = connect_server(workspace, McpServerSettings("demo", "stdio", command, args))
    conversation = workspace.chat.new_conversation("nobody")
    turn = workspace.chat.call_tool(conversation.id, "demo", "count", {"steps": 3, "delay": 0.01})
    view = wait_turn(conversation, turn)
    progress = [e.data for e in conversation.events() if e.kind == "progress"]
    assert [(p["progress"], p["total"]) for p in progress] == [(1, 3), (2, 3), (3, 3)]
    assert view.end_reason == "completed"
    assert sum(entry["level"] == "info" for entry in server.logs.snapshot()) >= 3
    titles = [e.title for e in server.wire.entries.snapshot()]
    assert "→ tools/call" in titles and "← notifications/progress" in titles


def test_stop_cancels_a_running_call_and_the_server_is_told(workspace: Workspace) -> None:
    command, args = DEMO_STDIO
    server = connect_server(workspace, McpServerSettings("demo", "stdio", command, args))
    conversation = workspace.chat.new_conversation("nobody")
    turn = workspace.chat.call_tool(conversation.id, "demo", "count", {"steps": 500, "delay": 0.05})
    wait_for(lambda: any(e.kind == "progress" for e in conversation.events()))
    assert workspace.chat.stop(conversation.id)
    view = wait_turn(conversation, turn)
    assert view.end_reason == "stopped" and "cancelled" in view.notices[-1]["text"]
    wait_for(
        lambda: "→ notifications/cancelled" in [e.title for e in server.wire.entries.snapshot()]
    )
    assert call(workspace, server, "add", a=1, b=1)["structured"] == {"result": 2}


def test_sampling_is_declined_clearly_and_roots_are_offered(tmp_path: Path) -> None:
    settings = Settings(source="test", roots=("file:///srv/project",))
    ws = Workspace(settings)
    try:
        command, args = DEMO_STDIO
        server = connect_server(ws, McpServerSettings("demo", "stdio", command, args, era="legacy"))
        roots = call(ws, server, "list_roots")
        assert "file:///srv/project" in json.dumps(roots)
        summary = call(ws, server, "summarize", text="a long text")
        assert "no LLM is configured" in json.dumps(summary)
    finally:
        ws.close()


def test_a_list_change_refreshes_the_tools(workspace: Workspace, era: str) -> None:
    command, args = DEMO_STDIO
    server = connect_server(workspace, McpServerSettings("demo", "stdio", command, args, era=era))
    call(workspace, server, "add_tool", name="fresh_tool")
    wait_for(lambda: "fresh_tool" in [t["name"] for t in server.tools])


def test_a_server_killed_mid_call_comes_back_by_itself(workspace: Workspace) -> None:
    command, args = DEMO_STDIO
    server = connect_server(workspace, McpServerSettings("demo", "stdio", command, args))
    before = child_pids("demo-mcp")
    with pytest.raises(CallError, match="connection closed"):
        call(workspace, server, "crash")
    assert call(workspace, server, "add", a=4, b=4)["structured"] == {"result": 8}
    assert server.status == "ready"
    assert child_pids("demo-mcp").isdisjoint(before), "a new process, the old one gone"


def test_garbage_on_stdout_does_not_break_the_session(workspace: Workspace) -> None:
    command, args = DEMO_STDIO
    server = connect_server(workspace, McpServerSettings("demo", "stdio", command, args))
    assert not call(workspace, server, "garbage")["is_error"]
    assert call(workspace, server, "add", a=1, b=2)["structured"] == {"result": 3}
    assert server.status == "ready"
    unread = [e for e in server.wire.entries.snapshot() if "not JSON-RPC" in str(e.body)]
    assert len(unread) == 1, "the line that could not be read is in the wire log once"


def test_an_http_server_restart_is_survived(workspace: Workspace) -> None:
    port = free_port()
    with serve_app(lambda _: http_app(), port=port) as url:
        server = connect_server(workspace, McpServerSettings("demo", "http", url=url + "/mcp"))
        assert call(workspace, server, "add", a=1, b=1)["structured"] == {"result": 2}
    with serve_app(lambda _: http_app(), port=port):  # a new process: the old session is gone
        wait_for(lambda: _adds_up(workspace, server))
    assert server.status == "ready"


def test_a_silent_legacy_server_connects_in_auto_mode_and_its_stderr_is_kept(
    workspace: Workspace,
) -> None:
    settings = McpServerSettings("old", "stdio", sys.executable, (SILENT_LEGACY,), era="auto")
    server = connect_server(workspace, settings)
    assert server.protocol_version == "2025-06-18"
    assert call(workspace, server, "echo", text="hi")["parts"][0]["text"] == "hi"
    assert "silent legacy server starting" in server.stderr_text()


def test_a_list_too_deep_to_read_fails_in_bounds_saying_so_without_a_traceback(
    workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    settings = McpServerSettings(
        "deep", "stdio", sys.executable, (SILENT_LEGACY, "400"), era="legacy", connect_timeout=2
    )
    view = workspace.add_server(settings).wait(WAIT)
    assert view.status == "failed"
    assert "listing its tools, resources and prompts took longer than 2 s" in view.error
    assert "it sent what could not be read" in view.error and "recursion" in view.error
    assert [r for r in caplog.records if r.name.startswith("mcp") and r.exc_info] == []
    assert any("Failed to parse JSONRPC message" in r.getMessage() for r in caplog.records)


def test_a_bad_server_is_named_and_the_others_still_work(workspace: Workspace) -> None:
    missing = workspace.add_server(McpServerSettings("ghost", "stdio", "no-such-command-xyz"))
    dead = workspace.add_server(
        McpServerSettings("dead", "http", url=f"http://127.0.0.1:{free_port()}/mcp")
    )
    assert "command not found" in missing.wait(WAIT).error
    assert "could not connect" in dead.wait(WAIT).error
    command, args = DEMO_STDIO
    server = connect_server(workspace, McpServerSettings("demo", "stdio", command, args))
    assert call(workspace, server, "add", a=1, b=1)["structured"] == {"result": 2}


def test_closing_with_calls_in_flight_leaves_no_process_and_no_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    ws = Workspace(Settings(source="test"))
    command, args = DEMO_STDIO
    for name in ("one", "two"):
        connect_server(ws, McpServerSettings(name, "stdio", command, args))
    conversation = ws.chat.new_conversation("nobody")
    for name in ("one", "two"):
        ws.chat.call_tool(conversation.id, name, "count", {"steps": 500, "delay": 0.05})
    wait_for(lambda: sum(e.kind == "progress" for e in conversation.events()) >= 2)
    assert len(child_pids("demo-mcp")) >= 2
    ws.close()
    assert child_pids("demo-mcp") == set()
    assert not [r for r in caplog.records if "cancel scope" in r.getMessage()]


def _adds_up(ws: Workspace, server: McpConnection) -> bool:
    try:
        return call(ws, server, "add", a=2, b=2)["structured"] == {"result": 4}
    except CallError:
        return False


def test_a_per_server_timeout_bounds_silence_not_a_call_that_reports_progress(
    workspace: Workspace,
) -> None:
    """`timeout` is an idle bound: a 1 s call reporting every 0.05 s outlives a 0.3 s timeout;
    one silent for 0.5 s between reports is cut; `maxTimeout` bounds the whole call."""
    command, args = DEMO_STDIO
    settings = McpServerSettings("demo", "stdio", command, args, timeout=0.3)
    server = connect_server(workspace, settings)
    assert not call(workspace, server, "count", steps=20, delay=0.05)["is_error"]
    with pytest.raises(CallError, match=r"timed out: the server sent no progress for 0\.3 s"):
        call(workspace, server, "count", steps=3, delay=0.5)
    assert call(workspace, server, "add", a=1, b=1)["structured"] == {"result": 2}
    whole = McpServerSettings("whole", "stdio", command, args, timeout=0.3, max_timeout=0.6)
    bounded = connect_server(workspace, whole)
    with pytest.raises(CallError, match=r"longer than its 0\.6 s in all \(maxTimeout\)"):
        call(workspace, bounded, "count", steps=40, delay=0.05)


MUTE = str(Path(__file__).parents[1] / "support" / "mute_mcp.py")


@pytest.mark.parametrize("era", ["legacy", "auto"])
def test_a_server_that_never_answers_fails_in_bounds_naming_the_phase(
    workspace: Workspace, era: str
) -> None:
    settings = McpServerSettings(
        "mute", "stdio", sys.executable, (MUTE,), era=era, connect_timeout=1.5
    )
    view = workspace.add_server(settings).wait(WAIT)
    assert view.status == "failed"
    assert "starting it and saying hello (initialize) took longer than 1.5 s" in view.error


def test_a_result_larger_than_the_limit_is_not_kept() -> None:
    ws = Workspace(Settings(source="test", limits=Limits(max_result_bytes=2_000)))
    try:
        command, args = DEMO_STDIO
        server = connect_server(ws, McpServerSettings("demo", "stdio", command, args))
        image = call(ws, server, "image", size=64)
        (note,) = image["parts"]
        assert "more than this app keeps (2,000; limits.maxResultBytes" in note["text"]
        assert call(ws, server, "add", a=1, b=2)["structured"] == {"result": 3}
    finally:
        ws.close()


@pytest.mark.parametrize("era", ["legacy", "auto"])
def test_the_log_level_is_asked_of_a_fastmcp_server(workspace: Workspace, era: str) -> None:
    """`logging/setLevel` in the handshake era, the level on each call in the 2026-07-28 era:
    either way the server sends only messages at or above it."""
    settings = McpServerSettings("fast", "stdio", sys.executable, (FASTMCP,), era=era)
    server = connect_server(workspace, settings)
    workspace.set_log_level("fast", "warning", LOCAL_OWNER)
    assert call(workspace, server, "chatty")["parts"][0]["text"] == "logged"
    wait_for(lambda: len(server.logs.snapshot()) >= 2)
    assert [entry["level"] for entry in server.logs.snapshot()] == ["warning", "error"]


def test_content_annotations_from_fastmcp_are_kept(workspace: Workspace) -> None:
    settings = McpServerSettings("fast", "stdio", sys.executable, (FASTMCP,))
    server = connect_server(workspace, settings)
    parts = call(workspace, server, "annotated")["parts"]
    assert [(p["text"], p["annotations"]) for p in parts] == [
        ("Your answer.", {"audience": ["user"], "priority": 0.9}),
        ("Details for the model.", {"audience": ["assistant"], "priority": 0.2}),
    ]


def test_a_servers_own_roots_replace_the_global_ones(tmp_path: Path) -> None:
    """Against fastmcp (`ctx.list_roots`, handshake era): the entry's `roots` are what that
    server is offered; another server still gets the global list."""
    ws = Workspace(Settings(source="test", roots=("file:///global",)))
    try:
        own = McpServerSettings(
            "own", "stdio", sys.executable, (FASTMCP,), era="legacy", roots=("file:///mine",)
        )
        plain = McpServerSettings("plain", "stdio", sys.executable, (FASTMCP,), era="legacy")
        for settings, expected in ((own, "file:///mine"), (plain, "file:///global")):
            server = connect_server(ws, settings)
            assert call(ws, server, "list_roots")["parts"][0]["text"] == expected
    finally:
        ws.close()


def test_completion_sends_the_arguments_already_filled(workspace: Workspace) -> None:
    """fastmcp completes `city` from the `country` in the request's context."""
    connect_server(workspace, McpServerSettings("fast", "stdio", sys.executable, (FASTMCP,)))
    ref = {"type": "prompt", "name": "city_guide"}

    def complete(context: dict[str, str] | None) -> list[str]:
        return workspace.complete("fast", ref, "city", "", LOCAL_OWNER, context=context)

    assert complete({"country": "Japan"}) == ["Tokyo", "Kyoto"]
    assert complete(None) == [], "no country given: nothing to suggest"
