"""Real-browser fixtures: the app as a subprocess (on the embedded demo), headless Chromium, and a
fresh page (a fresh Streamlit session) per test. Without /usr/bin/chromium they are skipped."""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.support.browser import CHROME_ARGS, CHROMIUM, chat_page, running_app, tail


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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach the app's log to a failed browser test: the server side of what the browser saw."""
    report = yield
    path = getattr(item, "funcargs", {}).get("server_log")
    if report.failed and isinstance(path, Path):
        report.sections.append(("switchboard server log (tail)", tail(path)))
    return report
