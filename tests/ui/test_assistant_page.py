"""The assistant in the UI, with AppTest: answers, steps, Approve / Deny, the settings page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from switchboard.workspace import LOCAL_OWNER
from tests.support.apps import (
    APP,
    app_workspace,
    assistant_text,
    close_workspace,
    signed_in,
    step_marks,
)
from tests.support.fake_llm import FakeLlm, Reply, ToolCall, serve_fake_llm
from tests.support.servers import DEMO_ENTRY

KEY = "sk-ui-secret-key-9876543210"
ADA, GRACE = "ada@example.com", "grace@example.com"


@pytest.fixture
def llm() -> Iterator[FakeLlm]:
    with serve_fake_llm(models=("fake-model", "fake-large")) as fake:
        yield fake


@pytest.fixture
def config(
    tmp_path: Path, demo_agent: str, llm: FakeLlm, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """The demo agent, the demo MCP server over stdio, and the fake model (asking first)."""
    path = tmp_path / "switchboard.json"
    document = {
        "agents": [{"name": "Demo Agent", "url": demo_agent}],
        "mcpServers": {"demo": DEMO_ENTRY},
        "llm": {"base_url": llm.url, "model": "fake-model", "api_key": "${LLM_KEY}"},
    }
    path.write_text(json.dumps(document))
    monkeypatch.setenv("SWITCHBOARD_CONFIG", str(path))
    monkeypatch.setenv("LLM_KEY", KEY)
    yield path
    close_workspace()


@pytest.fixture
def app(config: Path) -> AppTest:
    return AppTest.from_file(APP, default_timeout=30).run()


def test_a_new_conversation_is_with_the_assistant_and_its_answer_streams_in(
    app: AppTest, llm: FakeLlm
) -> None:
    assert not app.exception
    assert app.subheader[0].value == "Assistant"
    assert (
        "`fake-model`" in app.caption[0].value and "asks before each call" in app.caption[0].value
    )
    llm.script(Reply(text=["Hello ", "there."]))
    app.chat_input[0].set_value("Hi").run()
    assert assistant_text(app) == "Hello there."
    assert app.chat_input[0].placeholder == "Message Assistant"


def test_a_call_waits_for_approve_then_shows_its_step_and_the_answer(
    app: AppTest, llm: FakeLlm
) -> None:
    llm.script(
        Reply(text=["Adding."], tool_calls=[ToolCall("demo__add", '{"a": 40, "b": 2}')]),
        Reply(text=["It is 42."]),
    )
    app.chat_input[0].set_value("What is 40 + 2?").run()
    assert any("wants to call **demo · add**" in m.value for m in app.markdown)
    assert step_marks(app) == [("🔧 demo · add — waiting for you", "❓")]
    next(b for b in app.button if b.label == "Approve").click().run()
    assert not app.exception
    assert step_marks(app) == [("🔧 demo · add", "complete")]
    assert "It is 42." in assistant_text(app) and "Adding." in assistant_text(app)
    assert not [b for b in app.button if b.label == "Approve"]


def test_deny_tells_the_model_and_shows_the_denial(app: AppTest, llm: FakeLlm) -> None:
    llm.script(
        Reply(tool_calls=[ToolCall("ask_Demo_Agent", '{"message": "story"}')]),
        Reply(text=["Fine, no story."]),
    )
    app.chat_input[0].set_value("Tell me a story").run()
    next(b for b in app.button if b.label == "Deny").click().run()
    assert step_marks(app) == [("🛰️ Demo Agent — denied", "error")]
    assert "Fine, no story." in assistant_text(app)
    assert "denied" in llm.requests[1]["body"]["messages"][-1]["content"]


def test_the_settings_page_lists_models_never_shows_the_key_and_saves(
    config: Path, llm: FakeLlm
) -> None:
    ws = app_workspace()
    page = AppTest.from_function(_assistant_page, default_timeout=30).run()
    assert not page.exception
    model = next(s for s in page.selectbox if s.label == "Model")
    assert model.options == ["fake-large", "fake-model"] and model.value == "fake-model"
    key = next(t for t in page.text_input if t.label == "API key")
    assert key.value == "" and "A key is set" in (key.placeholder or "")
    assert all(KEY not in str(element.value) for element in page.text_input)
    model.set_value("fake-large")
    next(b for b in page.button if b.label == "Save").click().run()
    assert ws.assistant.settings(LOCAL_OWNER).model == "fake-large"
    assert ws.assistant.settings(LOCAL_OWNER).api_key == KEY, "an empty key field keeps the key"
    assert llm.model_requests[0]["headers"]["authorization"] == f"Bearer {KEY}"

    page.selectbox(key="policy-demo").set_value("allow")
    page.selectbox(key="policy-demo/add").set_value("ask")
    next(b for b in page.button if b.label == "Save approvals").click().run()
    assert ws.assistant.settings(LOCAL_OWNER).approval == {
        "*": "ask",
        "demo": "allow",
        "demo/add": "ask",
    }


def test_without_a_model_the_assistant_says_how_to_set_one_up(config: Path, llm: FakeLlm) -> None:
    document = json.loads(config.read_text())
    del document["llm"]
    config.write_text(json.dumps(document))
    app = AppTest.from_file(APP, default_timeout=30).run()
    assert app.subheader[0].value == "Demo Agent", "without a model, the first agent"
    talk_to = app.sidebar.selectbox[0]
    assert talk_to.options[0] == "Assistant"
    talk_to.set_value("Assistant").run()
    assert "No model is configured" in app.info[0].value
    app.chat_input[0].set_value("Hello?").run()
    assert "SWITCHBOARD_LLM_MODEL" in app.warning[0].value
    assert not llm.requests


def _assistant_page() -> None:
    from switchboard.ui.assistant_page import assistant_page

    assistant_page()


def test_each_person_sets_their_own_model_and_approvals(config: Path, llm: FakeLlm) -> None:
    ada = signed_in(_assistant_page, ADA)
    next(s for s in ada.selectbox if s.label == "Model").set_value("fake-large")
    next(b for b in ada.button if b.label == "Save").click().run()
    ada.selectbox(key="policy-*").set_value("allow")
    next(b for b in ada.button if b.label == "Save approvals").click().run()
    assert not ada.exception and any("Approvals saved" in s.value for s in ada.success)

    grace = signed_in(_assistant_page, GRACE)
    assert next(s for s in grace.selectbox if s.label == "Model").value == "fake-model"
    assert grace.selectbox(key="policy-*").value == "ask", "Ada's '*: allow' is not Grace's"
    ws = app_workspace()
    assert ws.model(ADA).model == "fake-large" and ws.model(ADA).approval == {"*": "allow"}
    assert ws.model(GRACE).model == "fake-model" and ws.model(GRACE).approval == {}
