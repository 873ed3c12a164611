"""The screenshots in docs/screenshots: the MCP servers page, the inspector and the task
explorer at 1440 by 900 and 390 by 844 pixels, from the app on its embedded demo, in real
Chromium.

Usage, from the project root: .venv/bin/python -m scripts.screenshots (or `make screenshots`).
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from benchmarks.servers import free_port
from benchmarks.startup import SERVER_FLAGS, launched, wait_healthy
from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
SIZES = {"1440": (1440, 900), "390": (390, 844)}
WAIT = 30_000  # ms for any one thing to show


def main() -> int:
    """Start the app, make a little history, take each page at each size."""
    OUT.mkdir(parents=True, exist_ok=True)
    with app() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"]
        )
        for name, (width, height) in SIZES.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            take_all(page, url, name)
            page.close()
        browser.close()
    print(f"wrote {len(SIZES) * 3} screenshots to {OUT.relative_to(ROOT)}")
    return 0


def take_all(page: Page, url: str, size: str) -> None:
    page.goto(url)
    chat(page, "story", "was appended to one artifact.")
    chat(page, "ask", "Which colour")
    page.goto(url + "/mcp")
    expect(page.get_by_text("Add two numbers").first).to_be_visible(timeout=WAIT)
    page.get_by_label("A *").fill("2")
    page.get_by_label("B *").fill("40")
    page.get_by_label("B *").press("Enter")
    page.get_by_role("button", name="▶ Run").click()
    expect(page.get_by_text("✅ done").first).to_be_visible(timeout=WAIT)
    shot(page, f"mcp-{size}")
    page.goto(url + "/inspector")
    expect(page.get_by_text("Counterparts")).to_be_visible(timeout=WAIT)
    row = page.get_by_test_id("stExpander").filter(has_text="SendStreamingMessage").first
    row.get_by_text("SendStreamingMessage").first.click()
    expect(row.get_by_text("stream event").first).to_be_visible(timeout=WAIT)
    expect(row.locator("code").get_by_text('"jsonrpc"').first).to_be_visible(timeout=WAIT)
    shot(page, f"inspector-{size}")
    page.goto(url + "/tasks")
    details = page.get_by_role("button", name="Details").first
    details.click()
    expect(page.get_by_text("History (").first).to_be_visible(timeout=WAIT)
    shot(page, f"tasks-{size}")


def chat(page: Page, prompt: str, answer: str) -> None:
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(prompt)
    box.press("Enter")
    expect(page.get_by_text(answer).last).to_be_visible(timeout=WAIT)
    idle(page)


def shot(page: Page, name: str) -> None:
    """The viewport as it is once the page has settled (no pointer over anything)."""
    page.mouse.move(1, 1)
    idle(page)
    page.wait_for_timeout(500)  # let fonts, highlighting and tooltips settle: a picture only
    page.screenshot(path=OUT / f"{name}.png")


def idle(page: Page) -> None:
    settled = page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')
    expect(settled).to_have_count(1, timeout=WAIT)


@contextlib.contextmanager
def app() -> Iterator[str]:
    """The app on the embedded demo, in an empty directory, until the block ends."""
    with tempfile.TemporaryDirectory() as workdir:
        command = [sys.executable, "-m", "switchboard", "--server.port", str(free_port())]
        env = {"PATH": "/usr/bin:/bin", "SWITCHBOARD_DATA_DIR": workdir}
        with launched([*command, *SERVER_FLAGS], Path(workdir), env) as served:
            wait_healthy(served.url, time.perf_counter())
            yield served.url


if __name__ == "__main__":
    sys.exit(main())
