"""The official reference server, `@modelcontextprotocol/server-everything`, over stdio,
streamable HTTP and SSE, through the path the UI takes (the workspace and the chat): every tool
it offers, every kind of resource, every prompt, completion, logging, list changes, questions
and sampling; and no traceback in the app log for anything it does, dying included."""

from __future__ import annotations

import base64
import gzip
import json
import os
import signal
from collections.abc import Iterator
from typing import Any

import pytest

from switchboard.assistant.tools import Toolbox
from switchboard.chat.conversation import Conversation
from switchboard.chat.events import Action
from switchboard.chat.turns import TurnView, text_of
from switchboard.config import LlmSettings, McpServerSettings, Settings
from switchboard.connections.mcp_server import McpConnection
from switchboard.connections.owner import Status
from switchboard.connections.wire import Direction
from switchboard.workspace import LOCAL_OWNER, Workspace
from tests.support.assistant import question_of
from tests.support.everything import (
    BLOB_TEMPLATE,
    HANDSHAKE,
    PROMPTS,
    TEXT_TEMPLATE,
    TOOLS,
    Wire,
    everything,
    serve_everything,
)
from tests.support.fake_llm import FakeLlm, Reply, serve_fake_llm
from tests.support.servers import free_port
from tests.support.tracebacks import no_tracebacks
from tests.support.turns import child_pids, connect_server, wait_for, wait_turn

ROOT = "file:///srv/project"
STDIO_MARK = "server-everything/dist/index.js stdio"  # its command line, not the HTTP ones'
HELLO = "data:text/plain;base64," + base64.b64encode(b"hello, everything").decode()


@pytest.fixture(scope="module")
def http_url() -> Iterator[str]:
    with serve_everything(Wire.HTTP) as served:
        yield served.url


@pytest.fixture(scope="module")
def sse_url() -> Iterator[str]:
    with serve_everything(Wire.SSE) as served:
        yield served.url


@pytest.fixture(autouse=True)
def clean_log() -> Iterator[None]:
    """No traceback in the app log across the matrix."""
    with no_tracebacks():
        yield


@pytest.fixture(params=list(Wire))
def wire(request: pytest.FixtureRequest) -> Wire:
    return request.param


@pytest.fixture
def ws() -> Iterator[Workspace]:
    workspace = Workspace(Settings(source="test", roots=(ROOT,)))
    try:
        yield workspace
    finally:
        workspace.close()


def settings_for(
    wire: Wire, request: pytest.FixtureRequest, era: str = "auto"
) -> McpServerSettings:
    url = request.getfixturevalue(f"{wire.value}_url") if wire != Wire.STDIO else ""
    return everything(wire, url, era)


@pytest.fixture
def server(ws: Workspace, wire: Wire, request: pytest.FixtureRequest) -> McpConnection:
    return connect_server(ws, settings_for(wire, request))


def in_chat(ws: Workspace, tool: str, **arguments: Any) -> tuple[Conversation, int]:
    """Call `tool` as a person does from the MCP page: a turn of a new conversation."""
    conversation = ws.chat.new_conversation("nobody")
    return conversation, ws.chat.call_tool(conversation.id, "everything", tool, arguments)


def called(ws: Workspace, tool: str, **arguments: Any) -> TurnView:
    """The ended turn of a call of `tool` in the chat."""
    conversation, turn = in_chat(ws, tool, **arguments)
    return wait_turn(conversation, turn)


def parts(view: TurnView) -> list[dict[str, Any]]:
    assert view.result is not None, view.notices
    return view.result["parts"]


def read(ws: Workspace, uri: str) -> list[dict[str, Any]]:
    return ws.read_resource("everything", uri, LOCAL_OWNER)


@pytest.mark.parametrize("era", ["auto", "legacy"])
def test_both_eras_speak_the_handshake_era_and_offer_everything(
    ws: Workspace, wire: Wire, era: str, request: pytest.FixtureRequest
) -> None:
    """It answers no `server/discover`: `auto` falls back to the handshake by itself."""
    server = connect_server(ws, settings_for(wire, request, era))
    assert server.protocol_version == HANDSHAKE
    assert server.server_name == "mcp-servers/everything"
    assert "everything" in server.instructions.lower()
    wait_for(lambda: {t["name"] for t in server.tools} == TOOLS)  # some come after hello
    assert {p["name"]: [a["name"] for a in p["arguments"]] for p in server.prompts} == PROMPTS
    assert {t["uri_template"] for t in server.templates} == {TEXT_TEMPLATE, BLOB_TEMPLATE}
    assert len(server.resources) >= 1
    assert called(ws, "echo", message="hi").result == {
        "parts": [{"type": "text", "text": "Echo: hi", "media_type": "text/markdown"}],
        "structured": None,
        "is_error": False,
    }


def test_the_simple_tools_answer_as_they_should(ws: Workspace, server: McpConnection) -> None:
    assert text_of(parts(called(ws, "get-sum", a=2, b=40))) == "The sum of 2 and 40 is 42."
    env = json.loads(text_of(parts(called(ws, "get-env"))))
    assert "PATH" in env
    weather = called(ws, "get-structured-content", location="Chicago").result
    assert weather is not None and set(weather["structured"]) == {
        "temperature",
        "conditions",
        "humidity",
    }
    assert json.loads(weather["parts"][0]["text"]) == weather["structured"]
    roots = text_of(parts(called(ws, "get-roots-list")))
    assert "Current MCP Roots (1 total)" in roots and ROOT in roots


def test_images_and_annotations_are_kept(ws: Workspace, server: McpConnection) -> None:
    caption, image, note = parts(called(ws, "get-tiny-image"))
    assert caption["text"] == "Here's the image you requested:"
    assert note["text"] == "The image above is the MCP logo."
    assert image["type"] == "file" and image["media_type"] == "image/png"
    assert base64.b64decode(image["bytes"]).startswith(b"\x89PNG")
    message, annotated = parts(
        called(ws, "get-annotated-message", messageType="error", includeImage=True)
    )
    assert message["text"] == "Error: Operation failed"
    assert message["annotations"] == {"audience": ["user", "assistant"], "priority": 1.0}
    assert annotated["type"] == "file" and annotated["annotations"]["audience"] == ["user"]
    (debug,) = parts(called(ws, "get-annotated-message", messageType="debug"))
    assert debug["annotations"]["audience"] == ["assistant"]


def test_resource_links_and_references_lead_to_readable_resources(
    ws: Workspace, server: McpConnection
) -> None:
    intro, *links = parts(called(ws, "get-resource-links", count=2))
    assert "2 resource links" in intro["text"]
    assert [link["type"] for link in links] == ["link", "link"]
    for link in links:
        (contents,) = read(ws, link["uri"])
        assert contents["uri"] == link["uri"] and ("text" in contents or "bytes" in contents)
    for kind in ("Text", "Blob"):
        shown = parts(called(ws, "get-resource-reference", resourceType=kind, resourceId=3))
        (embedded,) = [p for p in shown if p["type"] == "resource"]
        assert embedded["uri"] == f"demo://resource/dynamic/{kind.lower()}/3"
        assert ("text" if kind == "Text" else "bytes") in embedded


def test_a_gzip_of_a_data_url_comes_back_as_a_resource_and_as_a_link(
    ws: Workspace, server: McpConnection
) -> None:
    """A `data:` URL keeps it off the network (its default fetches a README from GitHub)."""
    (embedded,) = parts(
        called(ws, "gzip-file-as-resource", name="a.gz", data=HELLO, outputType="resource")
    )
    assert embedded["media_type"] == "application/gzip"
    assert gzip.decompress(base64.b64decode(embedded["bytes"])) == b"hello, everything"
    (link,) = parts(called(ws, "gzip-file-as-resource", name="b.gz", data=HELLO))
    assert link["type"] == "link" and link["uri"] == "demo://resource/session/b.gz"
    (contents,) = read(ws, link["uri"])
    assert gzip.decompress(base64.b64decode(contents["bytes"])) == b"hello, everything"
    # The new session resource is announced (resources/list_changed) and listed again.
    wait_for(lambda: link["uri"] in [r["uri"] for r in server.resources])


def test_a_long_running_operation_reports_its_progress(
    ws: Workspace, server: McpConnection
) -> None:
    conversation, turn = in_chat(ws, "trigger-long-running-operation", duration=0.3, steps=3)
    view = wait_turn(conversation, turn)
    progress = [e.data for e in conversation.events() if e.kind == "progress"]
    assert [(p["progress"], p["total"]) for p in progress] == [(1, 3), (2, 3), (3, 3)]
    assert "Duration: 0.3 seconds, Steps: 3" in text_of(parts(view))


def test_an_elicitation_is_answered_in_the_chat(ws: Workspace, server: McpConnection) -> None:
    conversation, turn = in_chat(ws, "trigger-elicitation-request")
    question = question_of(conversation, "elicitation")
    assert question["message"] == "Please provide inputs for the following fields:"
    schema = question["schema"]
    assert schema["required"] == ["name"] and "titledMultipleSelectEnum" in schema["properties"]
    answer = {"name": "Ada Lovelace", "check": True, "integer": 7, "email": "ada@example.com"}
    assert ws.chat.answer(question["id"], Action.ACCEPT, answer)
    shown = text_of(parts(wait_turn(conversation, turn)))
    assert "User provided the requested information" in shown
    assert "- Name: Ada Lovelace" in shown and "- Favorite Integer: 7" in shown

    conversation, turn = in_chat(ws, "trigger-elicitation-request")
    assert ws.chat.answer(question_of(conversation, "elicitation")["id"], Action.DECLINE)
    assert "User declined" in text_of(parts(wait_turn(conversation, turn)))


def test_sampling_without_a_model_is_declined_clearly(ws: Workspace, server: McpConnection) -> None:
    view = called(ws, "trigger-sampling-request", prompt="Say hi")
    assert view.result is not None and view.result["is_error"]
    assert "Sampling is declined: no LLM is configured in Switchboard." in text_of(parts(view))


def test_sampling_is_answered_by_the_configured_model(
    wire: Wire, request: pytest.FixtureRequest
) -> None:
    with serve_fake_llm() as llm:
        ws = Workspace(Settings(source="test", llm=model(llm)))
        try:
            connect_server(ws, settings_for(wire, request))
            llm.script(Reply(text=["Hi from the model."]))
            conversation, turn = in_chat(ws, "trigger-sampling-request", prompt="Say hi")
            question = question_of(conversation, "sampling")
            assert "Say hi" in json.dumps(question["details"])
            assert ws.chat.answer(question["id"], Action.ACCEPT)
            shown = text_of(parts(wait_turn(conversation, turn)))
            assert "LLM sampling result" in shown and "Hi from the model." in shown
            sent = llm.requests[0]["body"]["messages"]
            assert sent[0] == {"role": "system", "content": "You are a helpful test server."}
            assert "Say hi" in sent[-1]["content"]
        finally:
            ws.close()


def test_a_tool_that_runs_only_as_a_task_is_refused_with_what_to_do(
    ws: Workspace, server: McpConnection
) -> None:
    """simulate-research-query declares execution.taskSupport "required": the call is not
    sent (the server would refuse it), the turn says why, the assistant is not offered it."""
    wait_for(lambda: any(t["name"] == "simulate-research-query" for t in server.tools))
    [tool] = [t for t in server.tools if t["name"] == "simulate-research-query"]
    assert tool["task_only"] and not any(t["task_only"] for t in server.tools if t is not tool)
    view = called(ws, "simulate-research-query", topic="switchboards")
    (notice,) = view.notices
    assert "runs only as an MCP task" in notice["text"] and "other tools" in notice["hint"]
    sent = [e.title for e in server.wire.seen_by(LOCAL_OWNER) if e.direction == Direction.REQUEST]
    assert not [t for t in sent if "simulate-research-query" in t]
    offered = Toolbox.gather(ws.registry, LOCAL_OWNER).targets.values()
    tools = {t.tool for t in offered if t.owner == "everything"}
    assert "echo" in tools and "simulate-research-query" not in tools


def model(llm: FakeLlm) -> LlmSettings:
    return LlmSettings(base_url=llm.url, model="fake-model", api_key="sk-test-everything")


def test_resources_of_every_kind_are_read(ws: Workspace, server: McpConnection) -> None:
    for resource in server.resources:
        (contents,) = read(ws, resource["uri"])
        assert contents["uri"] == resource["uri"]
        assert contents.get("text") or contents.get("bytes")
    (text,) = read(ws, TEXT_TEMPLATE.format(resourceId=5))
    assert text["media_type"] == "text/plain" and text["text"].startswith("Resource 5:")
    (blob,) = read(ws, BLOB_TEMPLATE.format(resourceId=5))
    assert blob["media_type"] == "text/plain" and base64.b64decode(blob["bytes"])


def test_every_prompt_renders_with_its_arguments(ws: Workspace, server: McpConnection) -> None:
    def prompt(prompt: str, **arguments: str) -> list[dict[str, Any]]:
        return ws.get_prompt("everything", prompt, arguments, LOCAL_OWNER)

    (simple,) = prompt("simple-prompt")
    assert simple["part"]["text"] == "This is a simple prompt without arguments."
    (weather,) = prompt("args-prompt", city="Austin", state="Texas")
    assert (weather["role"], weather["part"]["text"]) == (
        "user",
        "What's weather in Austin, Texas?",
    )
    (promote,) = prompt("completable-prompt", department="Sales", name="Eve")
    assert promote["part"]["text"] == "Please promote Eve to the head of the Sales team."
    intro, embedded = prompt("resource-prompt", resourceType="Blob", resourceId="2")
    assert "Blob resource with id: 2" in intro["part"]["text"]
    assert embedded["part"]["type"] == "resource" and "bytes" in embedded["part"]


def test_completion_follows_the_arguments_already_filled(
    ws: Workspace, server: McpConnection
) -> None:
    team = {"type": "prompt", "name": "completable-prompt"}

    def complete(ref: dict[str, str], argument: str, value: str, **context: str) -> list[str]:
        return ws.complete("everything", ref, argument, value, LOCAL_OWNER, context=context)

    assert complete(team, "department", "S") == ["Sales", "Support"]
    assert complete(team, "name", "", department="Engineering") == ["Alice", "Bob", "Charlie"]
    assert complete(team, "name", "", department="Marketing") == ["Grace", "Henry", "Iris"]
    assert complete(team, "name", "") == [], "no department: nothing to suggest"
    resource = {"type": "prompt", "name": "resource-prompt"}
    assert complete(resource, "resourceType", "B") == ["Blob"]
    template = {"type": "resource", "uri": TEXT_TEMPLATE}
    assert complete(template, "resourceId", "12") == ["12"]
    assert complete(template, "resourceId", "x") == []


def test_logging_arrives_at_the_level_asked(ws: Workspace, server: McpConnection) -> None:
    """It logs the roots it received (info) once connected; its simulated logging sends one
    random-level message at once, then one every 5 s, each only at or above the level set."""
    wait_for(lambda: any("Roots updated" in str(e["data"]) for e in server.logs.snapshot()))
    started = text_of(parts(called(ws, "toggle-simulated-logging")))
    assert started.startswith("Started simulated, random-leveled logging")
    wait_for(lambda: any("-level message" in str(e["data"]) for e in server.logs.snapshot()))
    ws.set_log_level("everything", "emergency", LOCAL_OWNER)
    asked = [e for e in server.wire.entries.snapshot() if e.title == "→ logging/setLevel"]
    assert '"emergency"' in asked[-1].body
    seen = len(server.logs.snapshot())
    assert "Stopped" in text_of(parts(called(ws, "toggle-simulated-logging")))
    later = server.logs.snapshot()[seen:]
    assert all(e["level"] == "emergency" for e in later)


@pytest.mark.parametrize("moment", ["idle", "mid-call"])
@pytest.mark.parametrize("wire", [Wire.HTTP, Wire.SSE])
def test_a_server_that_dies_leaves_a_clear_turn_and_comes_back(
    ws: Workspace, wire: Wire, moment: str
) -> None:
    """Killed outright while idle or in the middle of a call: the call's turn ends with a
    clear error, the server is shown lost, and once it runs again the next call works."""
    port = free_port()
    with serve_everything(wire, port) as served:
        server = connect_server(ws, everything(wire, served.url))
        if moment == "mid-call":
            conversation, turn = in_chat(
                ws, "trigger-long-running-operation", duration=60, steps=60
            )
            wait_for(lambda: any(e.kind == "progress" for e in conversation.events()))
            served.kill()
            view = wait_turn(conversation, turn)
            assert view.end_reason == "error"
            assert "connection closed" in json.dumps([*view.notices, view.result])
        else:
            served.kill()
            view = called(ws, "echo", message="anyone?")
            assert view.end_reason == "error", view.result
            said = view.notices[-1]["text"]  # how it was noticed differs: each says which
            assert said in (
                "everything: the connection closed during tools/call echo; reconnecting. "
                "Try again.",
                "Not connected to everything: could not connect: is the server running, and "
                "is the URL right?",
            )
        if wire == Wire.SSE:  # its reader's exception: a warning in the wire log
            warned = [e for e in server.wire.entries.snapshot() if e.direction == Direction.WARNING]
            assert any(e.title == "transport: Error in sse_reader" for e in warned)
    with serve_everything(wire, port):
        wait_for(lambda: echoes(ws))
        assert server.status == Status.READY


def echoes(ws: Workspace) -> bool:
    """Whether a call in the chat works (a failed one ends its turn with an error)."""
    view = called(ws, "echo", message="again")
    return view.end_reason == "completed" and text_of(parts(view)) == "Echo: again"


@pytest.mark.parametrize("moment", ["idle", "mid-call"])
def test_a_stdio_server_killed_comes_back_by_itself(ws: Workspace, moment: str) -> None:
    server = connect_server(ws, everything(Wire.STDIO))
    (pid,) = child_pids(STDIO_MARK)
    if moment == "mid-call":
        conversation, turn = in_chat(ws, "trigger-long-running-operation", duration=60, steps=60)
        wait_for(lambda: any(e.kind == "progress" for e in conversation.events()))
        os.kill(pid, signal.SIGKILL)
        assert wait_turn(conversation, turn).end_reason == "error"
    else:
        os.kill(pid, signal.SIGKILL)
    wait_for(lambda: echoes(ws))
    assert server.status == Status.READY and child_pids(STDIO_MARK) != {pid}
