"""Turns with each kind of counterpart that is not an agent's own chat: MCP tools the person
calls (progress, the server's questions, the result) and resources attached to a message."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from switchboard.config import McpServerSettings, parse_settings
from switchboard.workspace import LOCAL_OWNER, Workspace, to_json, to_markdown
from tests.support.servers import DEMO_STDIO
from tests.support.turns import WAIT, connect, connect_server, run_turn, wait_for, wait_turn

SILENT_LEGACY = str(Path(__file__).parents[1] / "support" / "silent_legacy_mcp.py")


@pytest.fixture(params=["legacy", "auto"])
def era(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_a_servers_question_becomes_a_question_in_the_chat(
    workspace: Workspace, era: str, action: str
) -> None:
    command, args = DEMO_STDIO
    connect_server(workspace, McpServerSettings("demo", "stdio", command, args, era=era))
    conversation = workspace.chat.new_conversation("nobody")
    turn = workspace.chat.call_tool(conversation.id, "demo", "greet", {})
    wait_for(lambda: conversation.turns()[-1].open_questions != [])
    (question,) = conversation.turns()[-1].open_questions
    assert {"name", "age", "style"} <= question["schema"]["properties"].keys()

    answer = {"name": "Grace", "age": 85, "style": "formal"} if action == "accept" else None
    assert workspace.chat.answer(question["id"], action, answer)
    view = wait_turn(conversation, turn)
    text = view.result["parts"][0]["text"]
    assert ("Grace" in text) if action == "accept" else ("declined" in text.lower())
    assert view.answers == {question["id"]: action}
    assert not workspace.chat.answer(question["id"], "accept", answer), "answered once only"


def test_an_attached_resource_goes_with_the_next_message_only(
    workspace: Workspace, demo_agent: str
) -> None:
    command, args = DEMO_STDIO
    server = connect_server(workspace, McpServerSettings("demo", "stdio", command, args))
    agent = connect(workspace, demo_agent)
    conversation = workspace.chat.new_conversation(agent.name)
    contents = workspace.runtime.call(server.read_resource("demo://config"), timeout=WAIT)
    workspace.chat.attach(conversation.id, "demo", contents)
    assert conversation.turns()[-1].attachments[0]["uri"] == "demo://config"

    run_turn(workspace, conversation, "story")
    run_turn(workspace, conversation, "story")
    sent = [e.body for e in agent.wire.entries.snapshot() if e.direction == "request"]
    bodies = [json.loads(b.split("\n\n", 1)[1]) for b in sent if "SendStreamingMessage" in b]
    first, second = (body["params"]["message"]["parts"] for body in bodies)
    assert first[1] == {"text": contents[0]["text"], "mediaType": "application/json"}
    assert len(second) == 1


def test_configured_secrets_never_show_or_get_stored_wherever_they_turn_up(tmp_path: Path) -> None:
    """A ${VAR} in a stdio server's args and env: masked in what the pages show (the command
    line, stderr), and when a tool echoes it, in what is stored and exported."""
    token = "tok-from-env-0123456789"
    document = {
        "mcpServers": {
            "old": {
                "command": sys.executable,
                "args": [SILENT_LEGACY, "--token=${TOK}"],
                "env": {"SERVICE_TOKEN": "${TOK}"},
            }
        }
    }
    settings = parse_settings(document, env={"TOK": token})
    settings = replace(settings, data_dir=str(tmp_path / "data"))
    ws = Workspace.open(settings)
    try:
        view = ws.add_server(settings.mcp_servers[0], replace=True).wait(WAIT)
        assert view.status == "ready", view.error
        wait_for(lambda: "starting" in ws.stderr("old", LOCAL_OWNER))
        conversation = ws.chat.new_conversation("nobody")
        turn = ws.chat.call_tool(conversation.id, "old", "echo", {"text": f"I saw {token}"})
        result = wait_turn(conversation, turn).result
        shown = [
            ws.server("old", LOCAL_OWNER).target,
            ws.stderr("old", LOCAL_OWNER),
            result["parts"][0]["text"],
        ]
        assert all(token not in text for text in shown) and "I saw ••••" in shown[2]
        exported = to_json(conversation) + to_markdown(conversation)
        assert token not in exported
    finally:
        ws.close()
    stored = b"".join(p.read_bytes() for p in (tmp_path / "data").iterdir() if p.is_file())
    assert b"I saw" in stored and token.encode() not in stored
