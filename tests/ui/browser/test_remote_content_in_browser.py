"""Remote content as a person meets it in a real browser: an agent's card and answer that name
images on another host load nothing until the person allows that host, and a link that would
open a page it makes up is shown as text."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import STEP, assistant_bubbles, chat_page, running_app, send
from tests.support.hostile_agent import parrot
from tests.support.servers import serve_app
from tests.support.tracker import Tracker, tracker

pytestmark = pytest.mark.browser


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[Tracker]:
    with tracker() as pixel:
        yield pixel


@pytest.fixture
def page(browser: Browser, tmp_path: Path, watched: Tracker) -> Iterator[Page]:
    """The app on a config naming an agent whose card shows the tracker's logo."""
    description = f"I say back what you send. ![logo]({watched.base}/logo.png)"
    with serve_app(parrot(description)) as agent:
        config = tmp_path / "switchboard.json"
        config.write_text(json.dumps({"agents": [{"name": "Parrot", "url": agent}]}))
        env = dict(os.environ, SWITCHBOARD_CONFIG=str(config))
        env["SWITCHBOARD_DATA_DIR"] = str(tmp_path / "data")
        with (
            running_app(tmp_path, env, tmp_path / "server.log") as url,
            chat_page(browser, url) as opened,
        ):
            yield opened


def test_remote_images_load_only_once_their_host_is_allowed(page: Page, watched: Tracker) -> None:
    expect(page.get_by_text("I say back what you send.")).to_be_visible(timeout=STEP)
    expect(page.get_by_text(f"logo (image from {watched.host}, not loaded)")).to_be_visible()
    send(page, f"Look: ![chart]({watched.base}/chart.png?d=secret)")
    bubble = assistant_bubbles(page).last
    expect(bubble).to_contain_text(f"chart (image from {watched.host}, not loaded)", timeout=STEP)
    assert page.locator(f"img[src^='{watched.base}']").count() == 0
    assert watched.fetched == [], "nothing was fetched from the tracker"

    page.get_by_role("button", name=f"Load from {watched.host}").last.click()
    image = assistant_bubbles(page).last.locator(f"img[src='{watched.base}/chart.png?d=secret']")
    expect(image).to_be_visible(timeout=STEP)
    page.wait_for_function(
        "url => [...document.images].some(i => i.src === url && i.complete)",
        arg=f"{watched.base}/chart.png?d=secret",
        timeout=STEP,
    )
    assert "/chart.png?d=secret" in watched.fetched


def test_a_link_that_would_open_a_made_up_page_is_shown_as_text(page: Page) -> None:
    forged = "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="
    send(page, f"[open me]({forged})")
    bubble = assistant_bubbles(page).last
    expect(bubble).to_contain_text(f"[open me]({forged})", timeout=STEP)
    expect(bubble).to_contain_text("shown as sent")
    assert page.locator("a[href^='data:']").count() == 0
