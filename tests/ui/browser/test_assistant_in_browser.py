"""The assistant in a real browser: a scripted model turn that calls a demo MCP tool and the
demo agent at once; the person approves both and sees both steps and the final answer."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import STEP, STREAM, assistant_bubbles, chat_page, running_app
from tests.support.fake_llm import FakeLlm, Reply, ToolCall, serve_fake_llm

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def llm() -> Iterator[FakeLlm]:
    with serve_fake_llm() as fake:
        yield fake


@pytest.fixture(scope="module")
def assistant_app(
    llm: FakeLlm, tmp_path_factory: pytest.TempPathFactory, server_log: Path
) -> Iterator[str]:
    """The app on the embedded demo, with the fake model configured through the environment."""
    workdir = tmp_path_factory.mktemp("switchboard-assistant")
    env = {k: v for k, v in os.environ.items() if k != "SWITCHBOARD_CONFIG"}
    env.update(
        SWITCHBOARD_DATA_DIR=str(workdir / "data"),
        SWITCHBOARD_LLM_BASE_URL=llm.url,
        SWITCHBOARD_LLM_MODEL="fake-model",
    )
    with running_app(workdir, env, server_log) as url:
        yield url


@pytest.fixture
def assistant_page(browser: Browser, assistant_app: str) -> Iterator[Page]:
    with chat_page(browser, assistant_app) as opened:
        yield opened


def test_the_model_calls_a_tool_and_the_agent_with_approval(
    assistant_page: Page, llm: FakeLlm
) -> None:
    page = assistant_page
    expect(page.get_by_role("heading", name="Assistant")).to_be_visible(timeout=STEP)
    llm.script(
        Reply(
            text=["I'll ask both."],
            tool_calls=[
                ToolCall("Demo_MCP__add", '{"a": 19, "b": 23}'),
                ToolCall("ask_Demo_Agent", '{"message": "hello"}'),
            ],
        ),
        Reply(text=["The sum is **42** and the agent said hi."]),
    )
    page.get_by_test_id("stChatInputTextArea").fill("Add 19 and 23, and greet the demo agent")
    page.get_by_test_id("stChatInputTextArea").press("Enter")

    bubble = assistant_bubbles(page).last
    expect(bubble).to_contain_text("I'll ask both.", timeout=STREAM)
    approvals = page.get_by_role("button", name="Approve", exact=True)
    for left in (1, 0):  # one approval per call, answered one after the other
        expect(approvals.first).to_be_visible(timeout=STREAM)
        approvals.first.click()
        expect(approvals).to_have_count(left, timeout=STREAM)
    bubble = assistant_bubbles(page).last
    expect(bubble).to_contain_text("The sum is 42 and the agent said hi.", timeout=STREAM)
    expect(bubble).to_contain_text("Demo MCP · add", timeout=STEP)
    expect(bubble).to_contain_text("Demo Agent", timeout=STEP)
    statuses = bubble.get_by_test_id("stExpander")
    expect(statuses).to_have_count(2, timeout=STEP)
    statuses.filter(has_text="Demo MCP · add").locator("summary").click()
    expect(bubble).to_contain_text('{"result":42}', timeout=STEP)
    statuses.filter(has_text="Demo Agent").locator("summary").click()
    expect(bubble).to_contain_text("Hi! I am the Switchboard demo agent", timeout=STEP)
