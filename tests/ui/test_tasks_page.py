"""The task explorer, with AppTest against the demo agent: its tasks listed and filtered by
state and context, a task's history and artifacts, a task opened in the conversation that
holds it, and an A2A 0.3 agent that cannot list opened by id."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apps import app_workspace, close_workspace, page_text
from tests.support.turns import run_turn


def tasks_page() -> None:
    from switchboard.ui.tasks_page import tasks_page as page

    page()


@pytest.fixture
def agent_config(
    tmp_path: Path, demo_agent: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict]:
    """The demo agent over A2A 1.0 JSON-RPC, and over HTTP+JSON 0.3 as a second agent."""
    agents = [
        {"name": "Demo", "url": demo_agent, "binding": "JSONRPC", "version": "1.0"},
        {"name": "Legacy", "url": demo_agent, "binding": "HTTP+JSON", "version": "0.3"},
    ]
    path = tmp_path / "switchboard.json"
    path.write_text(json.dumps({"agents": agents}))
    monkeypatch.setenv("SWITCHBOARD_CONFIG", str(path))
    yield {"agents": agents}
    close_workspace()


def two_tasks() -> tuple:
    """A story (completed, with an artifact) and a question (input-required), each in its
    own conversation; their conversations."""
    ws = app_workspace()
    story, asked = ws.chat.new_conversation("Demo"), ws.chat.new_conversation("Demo")
    assert run_turn(ws, story, "story").state == "completed"
    assert run_turn(ws, asked, "ask").state == "input-required"
    return story, asked


def rows(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value[:1] in "✅❓⏳🛑❌•" and "`" in m.value]


def test_the_agents_tasks_are_listed_and_filtered(agent_config: dict) -> None:
    story, asked = two_tasks()
    at = AppTest.from_function(tasks_page, default_timeout=30).run()
    assert not at.exception
    assert any(story.last_task() in row and "completed" in row for row in rows(at))
    assert any(asked.last_task() in row and "input-required" in row for row in rows(at))
    at.selectbox(key="tasks-state").set_value("input-required").run()
    assert rows(at) and all("input-required" in row for row in rows(at))
    at.selectbox(key="tasks-state").set_value("any state").run()
    at.text_input(key="tasks-context").input(story.context_id()).run()
    (only,) = rows(at)
    assert story.last_task() in only


def test_a_tasks_details_show_its_history_and_artifacts(agent_config: dict) -> None:
    story, _ = two_tasks()
    at = AppTest.from_function(tasks_page, default_timeout=30).run()
    next(b for b in at.button if b.key == f"task-details-{story.last_task()}").click().run()
    assert not at.exception
    shown = page_text(at)
    assert "**History** (" in shown and "**Artifacts** (1)" in shown
    assert "The Night Operator" in shown, "the artifact, drawn"
    said = [m.markdown[0].value for m in at.chat_message if m.markdown]
    assert "story" in said, "the person's message, in the history"


def test_opening_a_task_goes_to_the_conversation_that_holds_it(agent_config: dict) -> None:
    _, asked = two_tasks()
    at = AppTest.from_function(tasks_page, default_timeout=30).run()
    next(b for b in at.button if b.key == f"task-open-{asked.last_task()}").click().run()
    assert at.session_state["conversation"] == asked.id


def test_a_task_no_conversation_holds_is_followed_in_a_new_one(agent_config: dict) -> None:
    ws = app_workspace()
    someone_elses = ws.chat.new_conversation("Demo", "grace@example.com")
    run_turn(ws, someone_elses, "story")
    at = AppTest.from_function(tasks_page, default_timeout=30).run()
    task_id = someone_elses.last_task()
    next(b for b in at.button if b.key == f"task-open-{task_id}").click().run()
    opened = ws.conversation(at.session_state["conversation"], "local")
    assert opened is not None and opened.id != someone_elses.id
    assert opened.turns()[0].resumed_task == task_id


def test_an_a2a_03_agent_says_it_cannot_list_and_opens_a_task_by_id(agent_config: dict) -> None:
    story, _ = two_tasks()
    at = AppTest.from_function(tasks_page, default_timeout=30).run()
    at.selectbox(key="tasks-agent").set_value("Legacy").run()
    assert any("A2A 0.3 has no way to list" in i.value for i in at.info)
    at.text_input(key="tasks-by-id").input(story.last_task())
    next(b for b in at.button if b.label == "Show task").click().run()
    assert not at.exception
    assert "**Artifacts** (1)" in page_text(at)
