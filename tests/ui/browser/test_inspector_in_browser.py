"""The Inspector in a real browser: a streamed turn as one row with its events, a filter, the
export a person downloads, and a request edited and sent again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.support.browser import STEP, STORY_END, STREAM, assistant_bubbles, send, wait_settled

pytestmark = pytest.mark.browser
PROMPT = "a story for the inspector's export"


def open_inspector(page: Page, prompt: str, answer: str) -> None:
    send(page, prompt)
    expect(assistant_bubbles(page).last).to_contain_text(answer, timeout=STREAM)
    wait_settled(page)
    page.get_by_role("link", name="Inspector").click()
    expect(page.get_by_role("heading", name="Inspector")).to_be_visible(timeout=STEP)


def rows(page: Page, text: str) -> Locator:
    return page.get_by_test_id("stExpander").filter(has_text=text)


def exported_rows(page: Page, where: Path) -> list[dict[str, Any]]:
    """What Export JSON downloads, read."""
    with page.expect_download(timeout=STEP) as download:
        page.get_by_role("button", name="Export JSON").click()
    path = where / "export.json"
    download.value.save_as(path)
    return json.loads(path.read_text())


def test_a_streamed_turn_is_one_checked_row_and_the_export_holds_it(
    page: Page, tmp_path: Path
) -> None:
    open_inspector(page, PROMPT, STORY_END)  # a story: anything else is one too
    streamed = rows(page, "SendStreamingMessage")
    expect(streamed.first).to_contain_text("200", timeout=STEP)
    expect(streamed.first).to_contain_text("events · 🛰️ Demo Agent ✅")
    streamed.first.get_by_text("SendStreamingMessage").first.click()
    expect(streamed.first.get_by_text("stream event: artifact_update").first).to_be_visible()
    exported = exported_rows(page, tmp_path)
    methods = [row["method"] for row in exported]
    assert "SendStreamingMessage" in methods and "GET /.well-known/agent-card.json" in methods
    (story,) = [  # this test's: the session's app keeps other tests' exchanges too
        row
        for row in exported
        if row["method"] == "SendStreamingMessage" and PROMPT in row["entries"][0]["body"]
    ]
    assert story["status"] == "200" and len(story["entries"]) > 3
    assert all(e["findings"] == [] for e in story["entries"] if e["direction"] == "event")


def test_a_search_narrows_the_rows_and_a_replay_answers_beside_them(
    page: Page, tmp_path: Path
) -> None:
    open_inspector(page, "echo first try", "first try")
    search = page.get_by_label("Search")
    search.fill("agent-card")
    search.press("Enter")
    expect(rows(page, "SendStreamingMessage")).to_have_count(0, timeout=STEP)
    expect(rows(page, "agent-card.json").first).to_be_visible()
    search.fill("")
    search.press("Enter")
    expect(rows(page, "SendStreamingMessage").first).to_be_visible(timeout=STEP)
    streamed = rows(page, "SendStreamingMessage").first
    streamed.get_by_text("SendStreamingMessage").first.click()
    streamed.get_by_role("button", name="Edit and replay").click()
    body = page.get_by_label("Body")
    expect(body).to_be_visible(timeout=STEP)
    body.fill(body.input_value().replace("first try", "second try"))
    body.blur()
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Answer: 200")).to_be_visible(timeout=STREAM)
    expect(page.get_by_text("second try").first).to_be_visible()
    replayed = [  # the replay is an exchange of the log, as the export shows
        row
        for row in exported_rows(page, tmp_path)
        if row["method"] == "SendStreamingMessage" and "second try" in row["entries"][0]["body"]
    ]
    assert len(replayed) == 1 and replayed[0]["status"] == "200"
