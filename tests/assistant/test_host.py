"""The assistant against real parts: a fake OpenAI-compatible server on loopback (real HTTP and
SSE through the real `openai` SDK), the demo MCP server over stdio and the demo agent."""

from __future__ import annotations

import json
from pathlib import Path

from switchboard.config import LlmSettings, Settings
from switchboard.workspace import ASSISTANT, LOCAL_OWNER, Workspace
from tests.support.assistant import (
    KEY,
    change_model,
    chat,
    steps,
    tool_messages,
)
from tests.support.fake_llm import FakeLlm, Reply, ToolCall
from tests.support.turns import run_turn, wait_for, wait_turn


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
        Reply(
            tool_calls=[ToolCall("ask_Demo", json.dumps({"message": "blue", "task_id": task_id}))]
        ),
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
    assert (
        unknown.step_end["status"] == "error"
        and "no tool called 'demo__nope'" in unknown.step_end["content"]
    )
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
        Reply(tool_calls=[ToolCall("demo__fail", "{}")]),
        Reply(tool_calls=[ToolCall("demo__crash", "{}")]),
        Reply(text=["Both failed."]),
    )
    view = run_turn(ws, chat(ws), "Try the failing tools")
    failed, crashed = steps(view)
    assert failed.step_end["status"] == "error" and failed.result["is_error"]
    assert crashed.step_end["status"] == "error"
    assert "connection closed" in crashed.step_end["content"]
    assert tool_messages(llm.requests[1])[0]["content"].startswith("ERROR:")
    assert "connection closed" in tool_messages(llm.requests[2])[-1]["content"]
    assert view.text() == "Both failed."


def test_without_a_model_the_assistant_says_how_to_configure_one(ws: Workspace) -> None:
    ws.assistant.configure(LOCAL_OWNER, LlmSettings())
    view = run_turn(ws, chat(ws), "Hello?")
    (notice,) = view.notices
    assert "No model is configured" in notice["text"] and "SWITCHBOARD_LLM_MODEL" in notice["hint"]
    assert ws.assistant.sampler(LOCAL_OWNER) is None, "sampling is declined without a model"


def test_instructions_attachments_and_chosen_prompts_reach_the_model(
    ws: Workspace, llm: FakeLlm
) -> None:
    server = ws.registry.server("demo")
    assert server is not None and server.instructions
    conversation = chat(ws)
    contents = [{"uri": "demo://notes", "media_type": "text/plain", "text": "Buy milk."}]
    ws.chat.attach(conversation.id, "demo", contents)
    llm.script(Reply(text=["Noted."]), Reply(text=["Reviewed."]))
    run_turn(ws, conversation, "What is on my list?")
    system, *_, user = llm.requests[0]["body"]["messages"]
    assert server.instructions in system["content"]
    assert "demo://notes" in user["content"] and "Buy milk." in user["content"]
    assert user["content"].endswith("What is on my list?")
    messages = [
        {"role": "user", "part": {"type": "text", "text": "Review this code."}},
        {"role": "assistant", "part": {"type": "text", "text": "Paste it."}},
        {"role": "user", "part": {"type": "text", "text": "print(1)"}},
    ]
    turn = ws.chat.send(
        conversation.id, "Review this code.\n\nprint(1)", {"server": "demo", "messages": messages}
    )
    wait_turn(conversation, turn)
    sent = llm.requests[1]["body"]["messages"][-3:]
    assert sent == [
        {"role": "user", "content": "Review this code."},
        {"role": "assistant", "content": "Paste it."},
        {"role": "user", "content": "print(1)"},
    ]
    # The earlier turn is in the history, its attachment with it.
    assert "Buy milk." in json.dumps(llm.requests[1]["body"]["messages"])


def test_a_turn_stops_at_the_round_cap(ws: Workspace, llm: FakeLlm) -> None:
    change_model(ws, max_rounds=2)
    add = ToolCall("demo__add", '{"a": 1, "b": 1}')
    llm.script(Reply(tool_calls=[add]), Reply(tool_calls=[add]))
    view = run_turn(ws, chat(ws), "Add forever")
    assert len(steps(view)) == 2 and len(llm.requests) == 2
    assert "Stopped after 2 model rounds" in view.notices[-1]["text"]


def test_the_key_is_never_recorded_and_only_sent_to_the_model(ws: Workspace, llm: FakeLlm) -> None:
    llm.script(Reply(tool_calls=[ToolCall("demo__add", '{"a": 1, "b": 1}')]), Reply(text=["2"]))
    conversation = chat(ws)
    run_turn(ws, conversation, "Add")
    from switchboard.chat.export import to_json, to_markdown

    recorded = [
        json.dumps([e.to_dict() for e in conversation.events()]),
        to_json(conversation),
        to_markdown(conversation),
        *(e.body + e.title for e in ws.assistant.model(LOCAL_OWNER).wire.entries.snapshot()),
    ]
    server = ws.registry.server("demo")
    agent = ws.registry.agent("Demo")
    assert server is not None and agent is not None
    recorded += [e.body + e.title for e in server.wire.entries.snapshot()]
    recorded += [e.body + e.title for e in agent.wire.entries.snapshot()]
    assert all(KEY not in text for text in recorded)
    transcript = to_markdown(conversation)
    assert "🔧 **demo · add** (called by the model)" in transcript
    assert "Result (done):" in transcript and "**Assistant:**\n\n2" in transcript
    assert len(ws.assistant.model(LOCAL_OWNER).wire.entries) >= 4, (
        "the model's traffic is in the inspector"
    )
    assert all(r["headers"]["authorization"] == f"Bearer {KEY}" for r in llm.requests)


def test_a_restart_marks_an_assistant_turn_interrupted(llm: FakeLlm, tmp_path: Path) -> None:
    llm.script(Reply(text=["Half an answer"], hang=True))
    settings = Settings(
        source="test",
        data_dir=str(tmp_path / "data"),
        llm=LlmSettings(base_url=llm.url, model="fake-model"),
    )
    first = Workspace.open(settings)
    conversation = first.chat.new_conversation(ASSISTANT)
    turn = first.chat.send(conversation.id, "Tell me everything")
    wait_for(lambda: any(e.kind == "delta" for e in conversation.events()))
    first.close()
    second = Workspace.open(settings)
    try:
        reopened = second.store.get(conversation.id)
        assert reopened is not None
        view = wait_turn(reopened, turn)
        assert view.end_reason == "interrupted" and view.text() == "Half an answer"
        assert "Interrupted" in view.notices[-1]["text"]
    finally:
        second.close()
