"""The assistant's calls as steps: approvals (ask first, deny, always allow), sampling
requests, Stop during the model's stream and during calls, and a call's time limit."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from switchboard.config import McpServerSettings
from switchboard.workspace import LOCAL_OWNER, Workspace
from tests.support.assistant import (
    ask_first,
    change_model,
    chat,
    question_of,
    steps,
    tool_messages,
)
from tests.support.everything import everything
from tests.support.fake_llm import FakeLlm, Reply, ToolCall
from tests.support.turns import WAIT, run_turn, wait_for, wait_turn

ASKING = str(Path(__file__).parents[1] / "support" / "asking_mcp.py")


def test_ask_first_waits_for_approval_then_runs(ws: Workspace, llm: FakeLlm) -> None:
    ask_first(ws)
    llm.script(Reply(tool_calls=[ToolCall("demo__add", '{"a": 1, "b": 2}')]), Reply(text=["3"]))
    conversation = chat(ws)
    turn = ws.chat.send(conversation.id, "Add 1 and 2")
    question = question_of(conversation, "approval")
    assert question["arguments"] == {"a": 1, "b": 2} and "demo · add" in question["message"]
    assert len(llm.requests) == 1, "nothing runs before the approval"
    view = conversation.turns()[-1]
    assert [q["id"] for q in view.open_questions] == [question["id"]]
    assert ws.chat.answer(question["id"], "accept")
    view = wait_turn(conversation, turn)
    assert steps(view)[0].result["structured"] == {"result": 3}
    assert view.answers == {question["id"]: "accept"} and view.text() == "3"


def test_a_denial_goes_back_to_the_model_as_the_result(ws: Workspace, llm: FakeLlm) -> None:
    ask_first(ws)
    llm.script(
        Reply(tool_calls=[ToolCall("demo__add", '{"a": 1, "b": 2}')]),
        Reply(text=["You said no."]),
    )
    conversation = chat(ws)
    turn = ws.chat.send(conversation.id, "Add 1 and 2")
    assert ws.chat.answer(question_of(conversation, "approval")["id"], "decline")
    view = wait_turn(conversation, turn)
    (step,) = steps(view)
    assert step.step_end["status"] == "denied" and not step.result
    assert "denied" in tool_messages(llm.requests[1])[0]["content"]
    assert view.text() == "You said no."


def test_always_allow_stops_asking_for_that_tool(ws: Workspace, llm: FakeLlm) -> None:
    ask_first(ws)
    llm.script(
        Reply(tool_calls=[ToolCall("demo__add", '{"a": 1, "b": 2}')]),
        Reply(tool_calls=[ToolCall("demo__add", '{"a": 3, "b": 4}')]),
        Reply(text=["3 and 7."]),
    )
    conversation = chat(ws)
    turn = ws.chat.send(conversation.id, "Add twice")
    assert ws.chat.answer(question_of(conversation, "approval")["id"], "accept", {"always": True})
    view = wait_turn(conversation, turn)
    assert [s.result["structured"]["result"] for s in steps(view)] == [3, 7]
    assert len(view.questions) == 1, "the second call did not ask"
    assert ws.assistant.settings(LOCAL_OWNER).approval["demo/add"] == "allow"


def test_sampling_is_answered_by_the_model_after_approval(ws: Workspace, llm: FakeLlm) -> None:
    llm.script(
        Reply(tool_calls=[ToolCall("demo__summarize", '{"text": "A long text about cats."}')]),
        Reply(text=["Cats, briefly."]),  # the sampling request (not streamed)
        Reply(text=["Summarized."]),
    )
    conversation = chat(ws)
    turn = ws.chat.send(conversation.id, "Summarize my text")
    question = question_of(conversation, "sampling")
    assert "cats" in question["details"]["messages"][0]["text"]
    assert len(llm.requests) == 1, "the model is not asked before the person approves"
    assert ws.chat.answer(question["id"], "accept")
    view = wait_turn(conversation, turn)
    sampling = llm.requests[1]["body"]
    assert "stream" not in sampling or not sampling["stream"]
    assert "cats" in sampling["messages"][-1]["content"]
    assert "Cats, briefly." in tool_messages(llm.requests[2])[0]["content"]
    assert "fake-model" in steps(view)[0].step_end["content"]


def test_declined_sampling_reaches_the_server_as_an_error(ws: Workspace, llm: FakeLlm) -> None:
    llm.script(
        Reply(tool_calls=[ToolCall("demo__summarize", '{"text": "Dogs."}')]),
        Reply(text=["No summary then."]),
    )
    conversation = chat(ws)
    turn = ws.chat.send(conversation.id, "Summarize")
    assert ws.chat.answer(question_of(conversation, "sampling")["id"], "decline")
    view = wait_turn(conversation, turn)
    assert "declined" in steps(view)[0].step_end["content"]
    assert len(llm.requests) == 2, "the model never saw the declined request"


def test_stop_ends_the_model_stream(ws: Workspace, llm: FakeLlm) -> None:
    llm.script(Reply(text=["Let me think"], hang=True))
    conversation = chat(ws)
    turn = ws.chat.send(conversation.id, "Think forever")
    wait_for(lambda: any(e.kind == "delta" for e in conversation.events()))
    assert ws.chat.stop(conversation.id)
    view = wait_turn(conversation, turn)
    assert view.end_reason == "stopped" and view.text() == "Let me think"
    llm.wait_for_disconnects(1)


def test_stop_cancels_the_running_tool_calls(ws: Workspace, llm: FakeLlm) -> None:
    llm.script(
        Reply(
            tool_calls=[
                ToolCall("demo__count", '{"steps": 500, "delay": 0.05}'),
                ToolCall("ask_Demo", '{"message": "slow"}'),
            ]
        )
    )
    conversation = chat(ws)
    turn = ws.chat.send(conversation.id, "Count a lot")
    wait_for(lambda: any(e.kind == "progress" for e in conversation.events()))
    assert ws.chat.stop(conversation.id)
    view = wait_turn(conversation, turn)
    assert view.end_reason == "stopped"
    server = ws.registry.server("demo")
    assert server is not None
    wait_for(
        lambda: "→ notifications/cancelled" in [e.title for e in server.wire.entries.snapshot()]
    )
    assert all(not s.step_end for s in steps(view)), "neither call finished"
    assert len(llm.requests) == 1, "the model was not asked again"


def test_agents_are_offered_with_their_skills_and_calls_have_a_time_limit(
    ws: Workspace, llm: FakeLlm
) -> None:
    change_model(ws, tool_timeout=0.5)
    llm.script(
        Reply(tool_calls=[ToolCall("demo__count", '{"steps": 200, "delay": 0.05}')]),
        Reply(text=["It took too long."]),
    )
    view = run_turn(ws, chat(ws), "Count to 200")
    (step,) = steps(view)
    assert step.step_end["status"] == "error"
    assert "No answer within 0.5 s" in tool_messages(llm.requests[1])[0]["content"]
    tools = {t["function"]["name"]: t["function"] for t in llm.requests[0]["body"]["tools"]}
    agent = tools["ask_Demo"]
    assert "'story'" in agent["description"] and agent["parameters"]["required"] == ["message"]
    assert tools["demo__add"]["parameters"]["properties"].keys() == {"a", "b"}


def test_one_question_two_steps_of_one_turn_may_have_asked_is_shown_once_and_outlives_one(
    ws: Workspace, llm: FakeLlm, tmp_path: Path
) -> None:
    """The model calls two tools of one handshake-era server at once and the server pushes a
    question (which names no call): the turn shows it once, and after the other step ends
    the answer still reaches the server."""
    asking = McpServerSettings("asking", "stdio", sys.executable, (ASKING,), era="legacy")
    assert ws.add_server(asking).wait(WAIT).status == "ready"
    ask, finish = tmp_path / "ask", tmp_path / "finish"
    llm.script(
        Reply(
            tool_calls=[
                ToolCall("asking__ask_when", json.dumps({"signal": str(ask)})),
                ToolCall("asking__finish_when", json.dumps({"signal": str(finish)})),
            ]
        ),
        Reply(text=["Both done."]),
    )
    conversation = chat(ws)
    turn = ws.chat.send(conversation.id, "Ask and finish")
    wait_for(lambda: len(steps(conversation.turns()[-1])) == 2)
    server = ws.registry.server("asking")
    assert server is not None
    wait_for(lambda: sum(e.title == "→ tools/call" for e in server.wire.entries.snapshot()) == 2)
    ask.touch()
    question = question_of(conversation, "elicitation")
    finish.touch()
    wait_for(lambda: any(s.step_end for s in steps(conversation.turns()[-1])))
    view = conversation.turns()[-1]
    assert [q["id"] for q in view.open_questions] == [question["id"]], "shown once, still open"
    assert ws.chat.answer(question["id"], "accept", {"name": "Ada"})
    view = wait_turn(conversation, turn)
    assert sorted(s.step_end["content"] for s in steps(view)) == ["finished", "named Ada"]
    assert [e.kind for e in conversation.events()].count("answer") == 1


def test_a_call_that_needs_a_page_tells_the_model_and_offers_the_retry(
    ws: Workspace, llm: FakeLlm
) -> None:
    """server-everything refuses the call with -32042: the step shows the page and the call to
    retry, and the model hears that the person must open it first."""
    assert ws.add_server(everything()).wait(WAIT).status == "ready"
    arguments = {"url": "https://example.com/finish", "errorPath": True}
    call = ToolCall("everything__trigger-url-elicitation", json.dumps(arguments))
    llm.script(Reply(tool_calls=[call]), Reply(text=["Please open the page."]))
    view = run_turn(ws, chat(ws), "Do the thing")
    (step,) = steps(view)
    assert step.step_end["status"] == "error"
    (notice,) = step.notices
    assert notice["pages"][0]["url"] == "https://modelcontextprotocol.io"
    assert notice["retry"]["arguments"] == arguments
    (told,) = tool_messages(llm.requests[1])
    assert "https://modelcontextprotocol.io" in told["content"]
    assert "Retry button" in told["content"]
