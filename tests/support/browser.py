"""Driving the app in a real browser: the app as a subprocess, Debian's chromium through
Playwright (no browser download), and what a chat page is made of.

Every wait is bounded; nothing here sleeps to make a test pass."""

from __future__ import annotations

import contextlib
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.support.servers import end_process, free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROME_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
STARTUP_TIMEOUT = 60.0  # seconds for the app to answer /_stcore/health
STOP_TIMEOUT = 15.0  # seconds for the app to exit after SIGTERM before it is killed
PAGE_TIMEOUT = 30_000  # ms for the chat input of a freshly opened page
LOG_TAIL = 20_000  # characters of the server log attached to a failure


def healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as response:
            return response.read().strip() == b"ok"
    except (OSError, urllib.error.URLError):
        return False


def tail(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        return f"(no server log: {error})"
    return text[-LOG_TAIL:]


@contextlib.contextmanager
def running_app(
    workdir: Path,
    env: dict[str, str],
    log_path: Path,
    port: int | None = None,
    stop: signal.Signals = signal.SIGTERM,
) -> Iterator[str]:
    """The app as a subprocess on a loopback port until the block ends (then sent `stop`: a
    server being stopped, or with SIGKILL a crash); yields its URL. Fails with the server log
    if it does not start."""
    port = port or free_port()
    command = [
        sys.executable,
        "-m",
        "switchboard",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    base = f"http://127.0.0.1:{port}"
    with log_path.open("ab") as log:
        proc = subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not healthy(base):
            if proc.poll() is not None:
                pytest.fail(
                    f"the app exited with code {proc.returncode} before it was healthy.\n"
                    f"command: {command}\n--- server log ---\n{tail(log_path)}",
                    pytrace=False,
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"the app did not answer {base}/_stcore/health within {STARTUP_TIMEOUT:g} s."
                    f"\ncommand: {command}\n--- server log ---\n{tail(log_path)}",
                    pytrace=False,
                )
            time.sleep(0.2)  # polling interval of a bounded wait, not a pass condition
        yield base + "/"
    finally:
        end_process(proc, stop, STOP_TIMEOUT)


@contextlib.contextmanager
def chat_page(browser: Browser, url: str) -> Iterator[Page]:
    """A fresh browser context (so a fresh Streamlit session) on the app at `url`, ready for
    a prompt; closed when the block ends."""
    context = browser.new_context()
    try:
        opened = context.new_page()
        opened.goto(url, timeout=PAGE_TIMEOUT)
        opened.get_by_test_id("stChatInputTextArea").wait_for(timeout=PAGE_TIMEOUT)
        yield opened
    finally:
        context.close()


STEP = 10_000  # ms: upper bound for one visible change (a bubble, a rerun, a notice)
STREAM = 30_000  # ms: upper bound for a whole streamed answer (`slow` takes about 10 s)
STORY_END = "was appended to one artifact."
STEP_LINE = re.compile(r"\bstep (\d+) of 40\b")
ALL_STEPS = Counter({n: 1 for n in range(1, 41)})


def send(page: Page, text: str) -> None:
    """Type a prompt in the chat input and press Enter."""
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(text)
    box.press("Enter")


def messages(page: Page) -> Locator:
    return page.get_by_test_id("stChatMessage")


def user_bubbles(page: Page) -> Locator:
    return messages(page).filter(has=page.get_by_test_id("stChatMessageAvatarUser"))


def assistant_bubbles(page: Page) -> Locator:
    return messages(page).filter(has=page.get_by_test_id("stChatMessageAvatarAssistant"))


def status_label(bubble: Locator) -> Locator:
    """The task's status step (a status box or an expander): its label, e.g. "working — …"."""
    return bubble.get_by_test_id("stExpander").locator("summary")


def stop_button(page: Page) -> Locator:
    # Exact accessible name: Streamlit's own header "Stop" (stop the script) is another button,
    # and hidden copies of a button are not in the accessibility tree.
    return page.get_by_role("button", name="⏹ Stop", exact=True)


def resume_button(page: Page) -> Locator:
    return page.get_by_role("button", name="▶ Resume", exact=True)


def wait_settled(page: Page) -> None:
    """Wait until the running turn has ended and the page has settled: the run that follows the
    turn ends with a rerun, and only a finished run without a running turn drops the Stop button
    and lets the script state go back to notRunning."""
    expect(stop_button(page)).to_have_count(0, timeout=STREAM)
    expect(
        page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')
    ).to_have_count(1, timeout=STEP)


def step_counts(locator: Locator) -> Counter[int]:
    """How often each "step i of 40" line is on screen in the given element(s)."""
    text = "\n".join(locator.all_inner_texts())
    return Counter(int(n) for n in STEP_LINE.findall(text))


def cancel_while_streaming(page: Page, prompt: str, last_step: str) -> Locator:
    """Send `prompt` (a fresh task streaming steps), press Cancel task as soon as it is
    offered — while the stream still runs, Stop beside it — and wait until the bubble says
    canceled; the bubble."""
    send(page, prompt)
    bubble = assistant_bubbles(page).first
    cancel = page.get_by_role("button", name="✖ Cancel task", exact=True)
    expect(cancel).to_be_visible(timeout=STEP)
    expect(stop_button(page)).to_be_visible()
    assert last_step not in bubble.inner_text(), "offered while the task still streams"
    cancel.click()
    expect(status_label(bubble)).to_contain_text("canceled", timeout=STREAM)
    return bubble
