"""Real-browser fixtures: the app as a subprocess (on the embedded demo), headless Chromium, and a
fresh page (a fresh Streamlit session) per test.

Every wait is bounded; nothing here sleeps to make a test pass. Debian's chromium is driven by
Playwright over CDP (no `playwright install`); without /usr/bin/chromium the tests are skipped."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as response:
            return response.read().strip() == b"ok"
    except (OSError, urllib.error.URLError):
        return False


def _tail(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        return f"(no server log: {error})"
    return text[-LOG_TAIL:]


@pytest.fixture(scope="session")
def server_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the app's stdout and stderr go."""
    return tmp_path_factory.mktemp("switchboard-log") / "server.log"


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory, server_log: Path) -> Iterator[str]:
    """`python -m switchboard` on a free loopback port, in an empty directory and without
    SWITCHBOARD_CONFIG, so it runs on the embedded demo agent. Yields the app's URL."""
    if not CHROMIUM.exists():  # no browser: do not even start the server
        pytest.skip(f"{CHROMIUM} is missing (the Makefile's `browser` target installs chromium)")
    workdir = tmp_path_factory.mktemp("switchboard-cwd")
    env = {k: v for k, v in os.environ.items() if k != "SWITCHBOARD_CONFIG"}
    env["SWITCHBOARD_DATA_DIR"] = str(workdir / "data")  # conversations stay in this run
    with running_app(workdir, env, server_log) as url:
        yield url


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
    port = port or _free_port()
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
        while not _healthy(base):
            if proc.poll() is not None:
                pytest.fail(
                    f"the app exited with code {proc.returncode} before it was healthy.\n"
                    f"command: {command}\n--- server log ---\n{_tail(log_path)}",
                    pytrace=False,
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"the app did not answer {base}/_stcore/health within {STARTUP_TIMEOUT:g} s."
                    f"\ncommand: {command}\n--- server log ---\n{_tail(log_path)}",
                    pytrace=False,
                )
            time.sleep(0.2)  # polling interval of a bounded wait, not a pass condition
        yield base + "/"
    finally:
        proc.send_signal(stop)
        try:
            proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(STOP_TIMEOUT)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian chromium, one per test session."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (the Makefile's `browser` target installs chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROME_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser, app_url: str) -> Iterator[Page]:
    """A fresh page on the embedded-demo app, ready for a prompt."""
    with chat_page(browser, app_url) as opened:
        yield opened


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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach the app's log to a failed browser test: the server side of what the browser saw."""
    report = yield
    path = getattr(item, "funcargs", {}).get("server_log")
    if report.failed and isinstance(path, Path):
        report.sections.append(("switchboard server log (tail)", _tail(path)))
    return report
