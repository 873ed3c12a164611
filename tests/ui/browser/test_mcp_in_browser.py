"""An MCP tool call as a person makes it in a real browser: from the MCP servers page to the
chat, where its progress shows while it runs and its result when it is done."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import STEP, STREAM, assistant_bubbles

pytestmark = pytest.mark.browser


def test_a_tool_call_shows_its_progress_then_its_result(page: Page) -> None:
    page.get_by_role("link", name="MCP servers").click()
    server = page.get_by_test_id("stExpander").filter(has_text="Demo MCP")
    expect(server.first).to_contain_text("ready", timeout=STREAM)
    page.get_by_test_id("stSelectbox").filter(has_text="Tool").click()
    page.get_by_role("option", name="count", exact=True).click()
    expect(page.get_by_text("Steps", exact=True)).to_be_visible(timeout=STEP)
    page.get_by_role("button", name="▶ Call in the chat").click()

    bubble = assistant_bubbles(page).last
    expect(bubble).to_contain_text("Demo MCP · count", timeout=STEP)
    progress = bubble.get_by_test_id("stProgress")
    expect(progress).to_be_visible(timeout=STEP)  # while it runs
    expect(progress).to_contain_text("of 10", timeout=STEP)
    expect(bubble).to_contain_text("Counted to 10", timeout=STREAM)  # when it is done
    expect(bubble.get_by_test_id("stProgress")).to_have_count(0, timeout=STEP)
