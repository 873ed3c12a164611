"""The assistant against real parts: a fake OpenAI-compatible server on loopback (real HTTP and
SSE through the real `openai` SDK), the demo MCP server over stdio and the demo agent."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import replace

import pytest

from switchboard.assistant import ASSISTANT
from switchboard.chat.conversation import Conversation
from switchboard.chat.turns import TurnView
from switchboard.chat.workspace import Workspace
from switchboard.config import AgentSettings, LlmSettings, McpServerSettings, Settings
from tests.conftest import WAIT, run_turn, wait_for, wait_turn
from tests.support.fake_llm import FakeLlm, Reply, ToolCall, serve_fake_llm

DEMO_MCP = McpServerSettings("demo", "stdio", sys.executable, ("-m", "switchboard", "demo-mcp"))
KEY = "sk-test-assistant-0123456789"


@pytest.fixture
def llm() -> Iterator[FakeLlm]:
    with serve_fake_llm() as fake:
        yield fake


@pytest.fixture
def ws(llm: FakeLlm, demo_agent: str) -> Iterator[Workspace]:
    """A workspace whose assistant uses the fake model, with the demo MCP server and agent;
    every call allowed unless a test asks otherwise."""
    settings = Settings(
        source="test",
        llm=LlmSettings(base_url=llm.url, model="fake-model", api_key=KEY, approval={"*": "allow"}),
    )
    workspace = Workspace(settings)
    try:
        assert workspace.add_server(DEMO_MCP).result(WAIT).status == "ready"
        assert workspace.add_agent(AgentSettings("Demo", demo_agent)).result(WAIT).status == "ready"
        yield workspace
    finally:
        workspace.close()


def chat(ws: Workspace) -> Conversation:
    return ws.chat.new_conversation(ASSISTANT)


def steps(view: TurnView) -> list[TurnView]:
    return [view.steps[value] for kind, value in view.items if kind == "step"]


def tool_messages(request: dict) -> list[dict]:
    return [m for m in request["body"]["messages"] if m["role"] == "tool"]


def test_plain_text_streams_into_one_answer(ws: Workspace, llm: FakeLlm) -> None:
    llm.script(Reply(text=["The answer ", "is ", "42."]))
    view = run_turn(ws, chat(ws), "What is the answer?")
    assert view.text() == "The answer is 42." and view.end_reason == "replied"
    body = llm.requests[0]["body"]
    assert body["model"] == "fake-model" and body["stream"] is True
    assert body["messages"][0]["role"] == "system"
    assert body["messages"][-1] == {"role": "user", "content": "What is the answer?"}
    assert llm.requests[0]["headers"]["authorization"] == f"Bearer {KEY}"
    names = {t["function"]["name"] for t in body["tools"]}
    assert {"demo__add", "demo__summarize", "ask_Demo"} <= names


def test_a_tool_call_runs_and_its_result_goes_back_to_the_model(
    ws: Workspace, llm: FakeLlm
) -> None:
    llm.script(
        Reply(text=["Let me add."], tool_calls=[ToolCall("demo__add", '{"a": 2, "b": 3}')]),
        Reply(text=["2 + 3 = 5."]),
    )
    view = run_turn(ws, chat(ws), "Add 2 and 3")
    (step,) = steps(view)
    assert step.tool == {"server": "demo", "tool": "add", "arguments": {"a": 2, "b": 3}}
    assert step.result["structured"] == {"result": 5}
    assert step.step_end["status"] == "done"
    assert [kind for kind, _ in view.items] == ["text", "step", "text"]
    assert view.text() == "Let me add.2 + 3 = 5."
    (result,) = tool_messages(llm.requests[1])
    assert "5" in result["content"]
    assistant = llm.requests[1]["body"]["messages"][-2]
    assert assistant["tool_calls"][0]["function"] == {
        "name": "demo__add",
        "arguments": '{"a": 2, "b": 3}',
    }
    assert result["tool_call_id"] == assistant["tool_calls"][0]["id"]
