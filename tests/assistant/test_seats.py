"""Each person's assistant: their model settings, approvals, model traffic and sampling are
theirs alone, starting from the config's."""

from __future__ import annotations

from dataclasses import replace

import pytest

from switchboard.assistant import ASSISTANT
from switchboard.chat.turns import TurnView
from switchboard.config import LlmSettings
from switchboard.connections.owner import CallError
from switchboard.workspace import Workspace
from tests.support.assistant import question_of
from tests.support.fake_llm import FakeLlm, Reply, ToolCall
from tests.support.turns import call, run_turn, wait_turn

ADA, GRACE = "ada@example.com", "grace@example.com"


def outcome(view: TurnView) -> str:
    """What a direct tool call came to: its result, or the error it ended with."""
    return str(view.result) + str(view.notices)


def test_one_persons_settings_and_approvals_are_not_anothers(ws: Workspace, llm: FakeLlm) -> None:
    ws.models.configure(ADA, model="fake-large", temperature=0.2)
    ws.models.approve(ADA, {"*": "ask"})
    assert ws.model(ADA).model == "fake-large" and ws.model(ADA).approval == {"*": "ask"}
    assert ws.model(GRACE).model == "fake-model", "Grace keeps the config's model"
    assert ws.model(GRACE).approval == {"*": "allow"}, "and its approvals"

    llm.script(
        Reply(tool_calls=[ToolCall("demo__add", '{"a": 1, "b": 2}')]),
        Reply(text=["3."]),
        Reply(tool_calls=[ToolCall("demo__add", '{"a": 2, "b": 2}')]),
        Reply(text=["4."]),
    )
    graces = ws.chat.new_conversation(ASSISTANT, GRACE)
    assert run_turn(ws, graces, "Add").text() == "3.", "Grace's calls run without asking"
    adas = ws.chat.new_conversation(ASSISTANT, ADA)
    turn = ws.chat.send(adas.id, "Add")
    question = question_of(adas, "approval")
    assert ws.chat.answer(question["id"], "accept", {"always": True})
    assert wait_turn(adas, turn).text() == "4."
    assert ws.model(ADA).approval["demo/add"] == "allow"
    assert "demo/add" not in ws.model(GRACE).approval, "Ada's 'always allow' is hers"
    assert [r["body"]["model"] for r in llm.requests] == [*["fake-model"] * 2, *["fake-large"] * 2]


def test_each_persons_model_traffic_is_in_their_own_inspector(ws: Workspace, llm: FakeLlm) -> None:
    ws.assistant.configure(GRACE, replace(ws.assistant.settings(GRACE), system_prompt="Grace's"))
    llm.script(Reply(text=["For Ada."]), Reply(text=["For Grace."]))
    run_turn(ws, ws.chat.new_conversation(ASSISTANT, ADA), "question from Ada")
    run_turn(ws, ws.chat.new_conversation(ASSISTANT, GRACE), "question from Grace")
    for user, other in ((ADA, "Grace"), (GRACE, "Ada")):
        seen = " ".join(e.body for e in ws.wire_log("model", "Assistant's model", user))
        assert f"from {user.split('@')[0].title()}" in seen and f"from {other}" not in seen


def test_sampling_is_answered_by_the_callers_own_model(ws: Workspace, llm: FakeLlm) -> None:
    ws.assistant.configure(GRACE, LlmSettings())  # Grace has no model
    server = ws.registry.server("demo")
    assert server is not None
    graces = ws.chat.new_conversation("nobody", GRACE)
    turn = ws.chat.call_tool(graces.id, "demo", "summarize", {"text": "Grace's text"})
    assert "no LLM is configured" in outcome(wait_turn(graces, turn))
    assert llm.requests == [], "Grace's request never reached Ada's (the config's) model"

    llm.script(Reply(text=["Short."]))
    adas = ws.chat.new_conversation("nobody", ADA)
    turn = ws.chat.call_tool(adas.id, "demo", "summarize", {"text": "Ada's text"})
    assert ws.chat.answer(question_of(adas, "sampling")["id"], "accept")
    assert "Short." in outcome(wait_turn(adas, turn))
    assert "Ada's text" in llm.requests[0]["body"]["messages"][-1]["content"]
    with pytest.raises(CallError, match="no LLM is configured"):
        call(ws, server, "summarize", text="nobody's")  # a call no person made: no model
    assert len(llm.requests) == 1
