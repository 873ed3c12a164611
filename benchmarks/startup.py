"""Start-up: from launching the app to a chat page a person can type into, in real Chromium;
the same for a one-page Streamlit app with a chat input (the baseline) in the same run."""

from __future__ import annotations

import contextlib
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import sync_playwright

from benchmarks.results import Result
from benchmarks.servers import ServerProcess, free_port, stop

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[1]
HEALTH_TIMEOUT = 60.0
PAGE_TIMEOUT = 60_000  # ms
BASELINE_APP = textwrap.dedent(
    """
    import streamlit as st
    st.set_page_config(page_title="baseline", layout="wide")
    st.title("Baseline")
    st.chat_input("Message")
    """
)
SERVER_FLAGS = ["--server.headless", "true", "--server.address", "127.0.0.1"]
SERVER_FLAGS += ["--browser.gatherUsageStats", "false"]


def run(quick: bool) -> Result:
    """Warm starts (the first, cold one is left out) of the app and of the baseline, in turn."""
    result = Result(
        "8. Start-up",
        "The app (`python -m switchboard`, the embedded demo: its agent and MCP server start "
        "with it) and a one-page Streamlit app with a chat input (the baseline) are each "
        "launched, alternately, in an empty directory. Measured: launch → `/_stcore/health` "
        "answers ok, and health → a fresh Chromium page shows a chat input that takes text "
        "(the first page is usable). The first launch of each is a cold start (files not yet "
        "cached), left out; medians of the warm starts. The app imports what its first page "
        "needs before its server listens (so health means a page comes soon), and opens its "
        "workspace (loop, store, connections) as soon as the server runs, before any page "
        "asks; the OpenAI SDK is imported only once a model is configured.",
    )
    rounds = 2 if quick else 5
    timings: dict[str, list[tuple[float, float]]] = {"app": [], "baseline": []}
    with tempfile.TemporaryDirectory() as workdir, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        baseline = Path(workdir) / "baseline.py"
        baseline.write_text(BASELINE_APP)
        app = [sys.executable, "-m", "switchboard"]
        plain = [sys.executable, "-m", "streamlit", "run", str(baseline)]
        for index in range(rounds + 1):
            for name, command in (("app", app), ("baseline", plain)):
                measured = one_start(browser, command, Path(workdir) / f"{name}-{index}")
                if index:  # the first is the cold start
                    timings[name].append(measured)
        browser.close()
    for name in ("app", "baseline"):
        healths, usables = zip(*timings[name], strict=True)
        result.add(f"{name}: launch → health ok (median of {rounds})", median(healths), "s")
        result.add(f"{name}: health → first page usable (median of {rounds})", median(usables), "s")
    for name in ("app", "baseline"):
        total = median([h + u for h, u in timings[name]])
        result.add(f"{name}: launch → first page usable (median of {rounds})", total, "s")
    app_usable = median([u for _, u in timings["app"]])
    base_usable = median([u for _, u in timings["baseline"]])
    result.add("app / baseline, health → usable", app_usable / base_usable, "×")
    result.target("first page usable ≤ 3 s after health (warm start)", app_usable, 3.0, "s")
    return result


def one_start(browser: object, command: list[str], workdir: Path) -> tuple[float, float]:
    """(launch → health, health → a chat input that takes text), in seconds."""
    workdir.mkdir()
    port = free_port()
    env = {"SWITCHBOARD_DATA_DIR": str(workdir / "data"), "PATH": "/usr/bin:/bin"}
    started = time.perf_counter()
    with launched([*command, "--server.port", str(port), *SERVER_FLAGS], workdir, env) as app:
        base = app.url
        healthy = wait_healthy(base, started)
        page = browser.new_page()  # type: ignore[attr-defined]
        try:
            page.goto(base, timeout=PAGE_TIMEOUT)
            box = page.get_by_test_id("stChatInputTextArea")
            box.wait_for(state="visible", timeout=PAGE_TIMEOUT)
            box.fill("ready?", timeout=PAGE_TIMEOUT)
            usable = time.perf_counter()
        finally:
            page.close()
    return healthy - started, usable - healthy


@contextlib.contextmanager
def launched(command: list[str], workdir: Path, env: dict[str, str]) -> Iterator[ServerProcess]:
    """The server process (its URL and pid) until the block ends."""
    paths = [str(ROOT), *sys.path[1:]]  # the project's root: `-m benchmarks.…` works too
    environment = {**env, "HOME": str(workdir), "PYTHONPATH": ":".join(paths)}
    process = subprocess.Popen(
        command, cwd=workdir, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        yield ServerProcess(
            f"http://127.0.0.1:{command[command.index('--server.port') + 1]}", process.pid
        )
    finally:
        stop(process)


def wait_healthy(base: str, started: float) -> float:
    """When /_stcore/health first answered ok (perf_counter seconds)."""
    while time.perf_counter() - started < HEALTH_TIMEOUT:
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(base + "/_stcore/health", timeout=2) as response,
        ):
            if response.read().strip() == b"ok":
                return time.perf_counter()
        time.sleep(0.02)
    raise TimeoutError(f"{base} did not turn healthy within {HEALTH_TIMEOUT:g} s")


def median(values: list[float] | tuple[float, ...]) -> float:
    return statistics.median(values)
