"""An agent's tasks as the task explorer reads them, from the demo agent (A2A 1.0 over JSON-RPC
and HTTP+JSON, and 0.3) and the JS agent: ListTasks filtered, GetTask with its history."""

from __future__ import annotations

import pytest

from switchboard.connections.owner import CallError
from switchboard.workspace import Workspace
from tests.support.a2a_js import js_agent
from tests.support.turns import WAIT, connect, run_turn


@pytest.mark.parametrize("binding", ["JSONRPC", "HTTP+JSON"])
def test_the_demo_agents_tasks_are_listed_by_state_and_context(
    workspace: Workspace, demo_agent: str, binding: str
) -> None:
    agent = connect(workspace, demo_agent, binding=binding, version="1.0")
    asked = workspace.chat.new_conversation(agent.name)
    run_turn(workspace, asked, "ask")
    run_turn(workspace, workspace.chat.new_conversation(agent.name), "story")
    listed = workspace.runtime.call(agent.list_tasks(), timeout=WAIT)
    assert asked.last_task() in [task["task_id"] for task in listed.tasks]
    waiting = workspace.runtime.call(agent.list_tasks(state="input-required"), timeout=WAIT)
    assert waiting.tasks and {t["state"] for t in waiting.tasks} == {"input-required"}
    mine = workspace.runtime.call(agent.list_tasks(context_id=asked.context_id()), timeout=WAIT)
    assert [task["task_id"] for task in mine.tasks] == [asked.last_task()]
    (task,) = mine.tasks
    assert task["updated"] and "colour" in task["message"][0]["text"]


def test_a_tasks_details_hold_its_history(workspace: Workspace, demo_agent: str) -> None:
    agent = connect(workspace, demo_agent, binding="JSONRPC", version="1.0")
    conversation = workspace.chat.new_conversation(agent.name)
    run_turn(workspace, conversation, "ask")
    details = workspace.runtime.call(agent.task_details(conversation.last_task()), timeout=WAIT)
    assert details.summary["state"] == "input-required"
    assert details.history[0] == {
        "role": "user",
        "parts": [{"type": "text", "text": "ask", "media_type": "", "filename": ""}],
        "message_id": details.history[0]["message_id"],
    }


def test_the_js_agent_lists_its_tasks(workspace: Workspace) -> None:
    with js_agent() as url:
        agent = connect(workspace, url, binding="JSONRPC", version="1.0")
        conversation = workspace.chat.new_conversation(agent.name)
        run_turn(workspace, conversation, "steps 2 10")
        listed = workspace.runtime.call(agent.list_tasks(), timeout=WAIT)
    assert conversation.last_task() in [task["task_id"] for task in listed.tasks]


def test_an_a2a_03_agent_says_it_cannot_list_its_tasks(
    workspace: Workspace, demo_agent: str
) -> None:
    agent = connect(workspace, demo_agent, binding="HTTP+JSON", version="0.3")
    with pytest.raises(CallError, match=r"A2A 0\.3 has no way to list") as raised:
        workspace.runtime.call(agent.list_tasks(), timeout=WAIT)
    assert "Open a task by its id" in raised.value.hint
