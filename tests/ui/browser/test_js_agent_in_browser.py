"""The chat in a real browser against the agent written on @a2a-js/sdk: what was proven against
the demo agent holds against an implementation we did not write."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.a2a_js import js_agent
from tests.support.browser import (
    STEP,
    assistant_bubbles,
    cancel_while_streaming,
    chat_page,
    running_app,
    send,
    status_label,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def js_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a config naming only the JS agent; its URL."""
    workdir = tmp_path_factory.mktemp("switchboard-js")
    with js_agent() as agent:
        config = workdir / "switchboard.json"
        config.write_text(json.dumps({"agents": [{"name": "JS", "url": agent}]}))
        env = dict(os.environ, SWITCHBOARD_CONFIG=str(config))
        env["SWITCHBOARD_DATA_DIR"] = str(workdir / "data")
        with running_app(workdir, env, workdir / "server.log") as url:
            yield url


@pytest.fixture
def page(browser: Browser, js_app: str) -> Iterator[Page]:
    with chat_page(browser, js_app) as opened:
        yield opened


def test_cancel_task_is_offered_while_a_fresh_js_task_streams(page: Page) -> None:
    """The JS agent names its task in the stream's first event, after the page run began."""
    bubble = cancel_while_streaming(page, "steps 40 150", "step 40 of 40")
    text = bubble.get_by_test_id("stChatMessageContent").inner_text()
    shown = [line for line in text.splitlines() if line.startswith("step ")]
    assert len(shown) == len(set(shown)), "each step once, after the cancel too"


def test_a_bare_failure_shows_the_reason_given_before(page: Page) -> None:
    send(page, "fade")
    bubble = assistant_bubbles(page).first
    expect(status_label(bubble)).to_contain_text("failed", timeout=STEP)
    expect(status_label(bubble)).to_contain_text("The index is gone, so no answer.")


def test_streamed_progress_lines_show_as_lines(page: Page) -> None:
    """The JS agent streams "step i of N\\n" appends as text without a media type: markdown,
    whose single newlines would join the steps into one line."""
    send(page, "steps 5 20")
    content = assistant_bubbles(page).first.get_by_test_id("stChatMessageContent")
    expect(content).to_contain_text("step 5 of 5", timeout=STEP)
    lines = [line for line in content.inner_text().splitlines() if line.startswith("step ")]
    assert lines == [f"step {i} of 5" for i in range(1, 6)]
