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


def test_parallel_calls_with_split_arguments_run_at_once(ws: Workspace, llm: FakeLlm) -> None:
    """The slow agent task and a quick tool run together: the tool's result comes back while
    the agent is still working (one after the other, it would come after the agent's end)."""
    llm.script(
        Reply(
            tool_calls=[
                ToolCall("ask_Demo", '{"message": "slow"}'),
                ToolCall("demo__add", '{"a": 20, "b": 22}'),
            ],
            split=4,
        ),
        Reply(text=["Both done."]),
    )
    conversation = chat(ws)
    turn = ws.chat.send(conversation.id, "Count slowly and add 20 and 22")
    view = wait_turn(conversation, turn)
    agent_step, add_step = steps(view)
    assert add_step.result["structured"] == {"result": 42}
    assert agent_step.state == "completed" and "step 40 of 40" in agent_step.text()
    ends = [e.data["step"] for e in conversation.events() if e.kind == "step_end"]
    assert ends == [add_step.step["id"], agent_step.step["id"]]
    results = {m["tool_call_id"]: m["content"] for m in tool_messages(llm.requests[1])}
    assert "42" in results[add_step.step["call_id"]]
    assert "step 40 of 40" in results[agent_step.step["call_id"]]
    assert view.text() == "Both done."


def test_an_agent_asking_for_input_goes_back_to_the_model_which_answers_it(
    ws: Workspace, llm: FakeLlm
) -> None:
    llm.script(
        Reply(tool_calls=[ToolCall("ask_Demo", '{"message": "ask"}')]),
        Reply(text=["The agent asks which colour you like."]),
    )
    conversation = chat(ws)
    run_turn(ws, conversation, "Ask the demo agent what it wants")
    llm.wait_for_requests(2)
    (question,) = tool_messages(llm.requests[1])
    assert "Which colour do you like" in question["content"]
    task_id = question["content"].split("task_id '")[1].split("'")[0]
    assert task_id
    # The model answered with text only, so the turn ended; the next turn it answers the agent.
    llm.script(
        Reply(tool_calls=[ToolCall("ask_Demo", json.dumps({"message": "blue", "task_id": task_id}))]),
        Reply(text=["You chose blue."]),
    )
    view = run_turn(ws, conversation, "Say blue")
    (step,) = steps(view)
    assert step.state == "completed" and step.task_id == task_id
    first = steps(conversation.turns()[0])[0]
    assert step.context_id == first.context_id, "the agent keeps this conversation's context"
    history = llm.requests[2]["body"]["messages"]
    assert any("Which colour" in m["content"] for m in history if m["role"] == "tool")
    assert "You chose **blue**." in tool_messages(llm.requests[3])[-1]["content"]


def test_a_malformed_or_unknown_call_is_explained_to_the_model(ws: Workspace, llm: FakeLlm) -> None:
    llm.script(
        Reply(
            tool_calls=[
                ToolCall("demo__add", '{"a": 1, "b": '),
                ToolCall("demo__nope", "{}"),
                ToolCall("demo__add", '{"a": 1, "b": 1}'),
            ]
        ),
        Reply(text=["Sorry, one more try gave 2."]),
    )
    view = run_turn(ws, chat(ws), "Add")
    broken, unknown, good = steps(view)
    assert broken.step_end["status"] == "error" and "not valid JSON" in broken.step_end["content"]
    assert unknown.step_end["status"] == "error" and "no tool called 'demo__nope'" in unknown.step_end["content"]
    assert good.result["structured"] == {"result": 2}
    contents = [m["content"] for m in tool_messages(llm.requests[1])]
    assert "not valid JSON" in contents[0] and "demo__add" in contents[1] and "2" in contents[2]
    # The broken arguments are sent back as {} so strict servers accept the history.
    calls = llm.requests[1]["body"]["messages"][-4]["tool_calls"]
    assert calls[0]["function"]["arguments"] == "{}"
    assert view.text() == "Sorry, one more try gave 2."


def test_a_model_error_is_shown_and_the_conversation_goes_on(ws: Workspace, llm: FakeLlm) -> None:
    llm.script(Reply(status=500, error="the GPU caught fire"), Reply(text=["Back again."]))
    conversation = chat(ws)
    view = run_turn(ws, conversation, "Hello?")
    (problem,) = view.notices
    assert problem["level"] == "error" and "500: the GPU caught fire" in problem["text"]
    assert view.end_reason == "error"
    assert run_turn(ws, conversation, "Hello again?").text() == "Back again."


def test_tool_errors_and_a_server_dying_mid_call_go_back_to_the_model(
    ws: Workspace, llm: FakeLlm
) -> None:
    llm.script(
        Reply(tool_calls=[ToolCall("demo__fail", "{}"), ToolCall("demo__crash", "{}")]),
        Reply(text=["Both failed."]),
    )
    view = run_turn(ws, chat(ws), "Try the failing tools")
    failed, crashed = steps(view)
    assert failed.step_end["status"] == "error" and failed.result["is_error"]
    assert crashed.step_end["status"] == "error"
    assert "connection closed" in crashed.step_end["content"]
    contents = [m["content"] for m in tool_messages(llm.requests[1])]
    assert contents[0].startswith("ERROR:") and "connection closed" in contents[1]
    assert view.text() == "Both failed."
