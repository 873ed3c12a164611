"""The assistant in tests: a workspace whose model is the fake LLM, and reading its turns."""

from __future__ import annotations

from dataclasses import replace

from switchboard.assistant import ASSISTANT
from switchboard.chat.conversation import Conversation
from switchboard.chat.turns import StepView, TurnView
from switchboard.config import AgentSettings, LlmSettings, Settings
from switchboard.workspace import LOCAL_OWNER, Workspace
from tests.support.servers import DEMO_MCP
from tests.support.turns import WAIT, wait_for

KEY = "sk-test-assistant-0123456789"


def assisted_workspace(llm_url: str, agent_url: str) -> Workspace:
    """A workspace whose assistant uses the model at `llm_url`, with the demo MCP server and
    the agent at `agent_url` ("Demo"); every call allowed unless a test asks otherwise."""
    llm = LlmSettings(base_url=llm_url, model="fake-model", api_key=KEY, approval={"*": "allow"})
    workspace = Workspace(Settings(source="test", llm=llm))
    assert workspace.add_server(DEMO_MCP).wait(WAIT).status == "ready"
    assert workspace.add_agent(AgentSettings("Demo", agent_url)).wait(WAIT).status == "ready"
    return workspace


def chat(ws: Workspace) -> Conversation:
    """A new conversation with the assistant."""
    return ws.chat.new_conversation(ASSISTANT)


def steps(view: TurnView) -> list[StepView]:
    """The calls the model made in a turn, in order."""
    return [view.steps[value] for kind, value in view.items if kind == "step"]


def tool_messages(request: dict) -> list[dict]:
    """The tool results a model request carried."""
    return [m for m in request["body"]["messages"] if m["role"] == "tool"]


def question_of(conversation: Conversation, kind: str, number: int = 1) -> dict:
    """Wait (bounded) for the `number`-th question of `kind` and return it."""

    def asked() -> list[dict]:
        events = conversation.events()
        return [e.data for e in events if e.kind == "question" and e.data["kind"] == kind]

    wait_for(lambda: len(asked()) >= number)
    return asked()[number - 1]


def ask_first(ws: Workspace) -> None:
    """Every call asks for the person's approval."""
    ws.models.approve(LOCAL_OWNER, {"*": "ask"})


def change_model(ws: Workspace, **changes: object) -> None:
    """Change the assistant's settings (max rounds, time limits…) from the next turn on."""
    ws.assistant.configure(LOCAL_OWNER, replace(ws.assistant.settings(LOCAL_OWNER), **changes))
