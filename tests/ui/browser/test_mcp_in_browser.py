"""An MCP tool run as a person makes it in a real browser: on the MCP servers page, its
progress beside the form while it runs and its result when it is done, then into a
conversation of its own; an image from server-everything that Pillow refuses, drawn by the
browser beside the form, in that conversation, and on a revisit."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.support.browser import (
    CHROMIUM,
    STEP,
    STREAM,
    assistant_bubbles,
    chat_page,
    running_app,
    send,
    wait_settled,
)
from tests.support.everything import TOOLS, config_entry

pytestmark = pytest.mark.browser
TINY_IMAGE_TITLE = "Get Tiny Image Tool"


def choose_tool(page: Page, search: str, title: str) -> None:
    """Search the tool list and pick the tool titled `title`."""
    page.get_by_label("Search tools").fill(search)
    page.get_by_label("Search tools").press("Enter")
    page.get_by_test_id("stRadio").get_by_text(title, exact=True).click()
    expect(page.get_by_test_id("stMarkdown").get_by_text(title, exact=True)).to_be_visible()
    expect(idle(page)).to_have_count(1, timeout=STEP)  # the form is the chosen tool's


def test_a_tool_run_shows_its_progress_then_its_result_beside_the_form(page: Page) -> None:
    page.get_by_role("link", name="MCP servers").click()
    server = page.get_by_test_id("stExpander").filter(has_text="Demo MCP")
    expect(server.first).to_contain_text("ready", timeout=STREAM)
    choose_tool(page, "progress", "Count with progress")
    expect(page.get_by_text("How many steps")).to_be_visible(timeout=STEP)
    page.get_by_role("button", name="▶ Run").click()
    progress = page.get_by_test_id("stProgress")
    expect(progress).to_be_visible(timeout=STEP)  # while it runs
    expect(progress).to_contain_text("of 10", timeout=STEP)
    expect(page.get_by_text("Counted to 10")).to_be_visible(timeout=STREAM)  # when it is done
    expect(page.get_by_test_id("stProgress")).to_have_count(0, timeout=STEP)
    expect(page.get_by_text(re.compile(r"✅ done · [\d:]+ · [\d,]+ ms"))).to_be_visible()
    page.get_by_role("button", name="💬 Send to a new conversation").click()
    bubble = assistant_bubbles(page).last
    expect(bubble).to_contain_text("Counted to 10", timeout=STEP)
    expect(page.get_by_test_id("stSidebar")).to_contain_text("🔧 count · Demo MCP")


@pytest.fixture(scope="module")
def everything_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app with server-everything (over stdio) in its config; its URL."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (the Makefile's `browser` target installs chromium)")
    workdir = tmp_path_factory.mktemp("everything-app")
    config = workdir / "switchboard.json"
    config.write_text(json.dumps({"mcpServers": {"everything": config_entry()}}))
    env = {**os.environ, "SWITCHBOARD_CONFIG": str(config)}
    env["SWITCHBOARD_DATA_DIR"] = str(workdir / "data")
    with running_app(workdir, env, workdir / "server.log") as url:
        yield url


def test_server_everythings_tiny_image_is_drawn_and_survives_a_revisit(
    browser: Browser, everything_app: str
) -> None:
    """Its PNG, which Pillow refuses, is decoded by the browser: drawn in the bubble, and
    again when the conversation is opened anew."""
    with chat_page(browser, everything_app) as page:
        page.get_by_role("link", name="MCP servers").click()
        server = page.get_by_test_id("stExpander").filter(has_text="everything")
        expect(server.first).to_contain_text("ready", timeout=STREAM)
        # Some tools are registered after the handshake: wait until all are listed.
        expect(page.get_by_text(f"Tools ({len(TOOLS)})")).to_be_visible(timeout=STREAM)
        choose_tool(page, "tiny", TINY_IMAGE_TITLE)
        page.get_by_role("button", name="▶ Run").click()
        beside = page.get_by_test_id("stVerticalBlock").filter(
            has=page.get_by_role("button", name="💬 Send to a new conversation")
        )
        expect(beside.last).to_contain_text("The image above is the MCP logo.", timeout=STREAM)
        assert_drawn(beside.last)
        page.get_by_role("button", name="💬 Send to a new conversation").click()
        bubble = assistant_bubbles(page).last
        expect(bubble).to_contain_text("The image above is the MCP logo.", timeout=STREAM)
        assert_drawn(bubble)
        link = page.url
        wait_settled(page)
    with chat_page(browser, link) as revisit:
        bubble = assistant_bubbles(revisit).last
        expect(bubble).to_contain_text("The image above is the MCP logo.", timeout=STREAM)
        assert_drawn(bubble)
        send(revisit, "still here")  # the page keeps working
        expect(revisit.get_by_test_id("stChatMessage").last).to_be_visible(timeout=STEP)


def idle(page: Page) -> Locator:
    """The app when no script run is under way."""
    return page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')


def assert_drawn(bubble: Locator) -> None:
    """The bubble's image came as a data URL and the browser decoded it (20 by 20 pixels)."""
    image = bubble.locator("img[src^='data:image/png;base64,']")
    expect(image).to_have_count(1, timeout=STEP)
    expect(image).to_be_visible(timeout=STEP)
    image.evaluate("img => img.decode()")  # waits for decoding; rejects if it cannot
    assert image.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [20, 20]
