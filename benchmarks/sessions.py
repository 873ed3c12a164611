"""Many people at once, in real Chromium: 20 browser sessions (contexts of one Chromium)
streaming from one app process, against one session alone in the same run; then the same 20
split over two replicas sharing PostgreSQL. Chunk → visible, the app's CPU per streamed chunk,
its loop lag, and its memory per idle browser session."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from benchmarks.fast_agent import prompt
from benchmarks.first_chunk import WATCH
from benchmarks.results import Result
from benchmarks.servers import (
    ServerProcess,
    agent_process,
    fast_agent_command,
    free_port,
    named_cpu_seconds,
)
from benchmarks.startup import CHROMIUM, PAGE_TIMEOUT, SERVER_FLAGS, launched, wait_healthy
from benchmarks.stats import median, percentile, ratio
from benchmarks.ticking_app import lags

TITLE = "11. Many sessions at once (browser)"
SESSIONS = 20
QUICK_SESSIONS = 5  # --quick: fewer sessions, one round, no replicas (it stays under 3 min)
CHUNKS, DELAY_MS, SIZE = 40, 25, 16  # per stream: 40 lines 25 ms apart (1 s)
IDLE = 3.0  # seconds the opened sessions sit idle before their memory is read
BROWSER = "chrom"  # the command name of Chromium's processes (chromium, chrome, headless…)
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
DESCRIPTION = (
    f"The app (`benchmarks/ticking_app.py`: `python -m switchboard` with a 10 ms ticker on its "
    "runtime loop writing how late each tick fires) on the benchmark agent (its own process, "
    "noting when each request arrives and its first and last chunks leave). Alone: one "
    f"Chromium page sends a prompt for {CHUNKS} lines {DELAY_MS} ms apart, round after round, "
    f"in one conversation. Together (first, on the fresh app): {SESSIONS} browser contexts "
    "(each its own session and conversation) are opened and left idle "
    f"{IDLE:g} s (the app's RSS after the first and after the last, over the other "
    f"{SESSIONS - 1}: memory per idle session), "
    "then each round every page gets its prompt and Enter, one after the other, and the "
    "benchmark waits for every answer. A MutationObserver in each page notes when the first and "
    "the last line appear: first chunk sent → visible and last chunk sent → whole answer "
    "visible, p50 and p99 over sessions × rounds. The app's CPU per streamed chunk is its "
    "process's CPU time over the rounds / chunks streamed; loop lag is the ticker's p99 over "
    "the rounds. Replicas: two app processes on one throwaway PostgreSQL cluster "
    "(`SWITCHBOARD_DATABASE_URL`, each its own data directory, as `docs/deploy.md` runs them), "
    f"the {SESSIONS} sessions split between them; their CPU summed, their ticks pooled."
)


@dataclass
class Measured:
    """What one set-up measured: per-trial splits (s), CPU per chunk (ms), lags (ms), RSS."""

    first: list[float] = field(default_factory=list)
    whole: list[float] = field(default_factory=list)
    cpu_per_chunk: float = float("nan")
    lags: list[float] = field(default_factory=list)
    idle_mb: float = float("nan")
    app_cpu: float = float("nan")  # seconds of the app processes' CPU per round
    browser_cpu: float = float("nan")  # seconds of Chromium's CPU per round


@dataclass
class App:
    """An app process and the file its loop's ticks go to."""

    process: ServerProcess
    ticks: str


def run(quick: bool) -> Result:
    """Alone, 20 together on one process, 20 over two replicas."""
    result = Result(TITLE, DESCRIPTION)
    rounds, sessions = (1, QUICK_SESSIONS) if quick else (5, SESSIONS)
    with tempfile.TemporaryDirectory() as workdir, sync_playwright() as playwright:
        times = Path(workdir) / "times.jsonl"
        port = free_port()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        with agent_process(fast_agent_command(port, str(times)), port) as agent:
            with apps(Path(workdir) / "one", agent.url, [""]) as (one,):
                crowd = together(browser, [one], sessions, rounds, times)  # first: a fresh app
                alone = together(browser, [one], 1, rounds, times)
            replicas = None
            if not quick:
                with contextlib.suppress(Unavailable):
                    replicas = on_replicas(browser, Path(workdir), agent.url, rounds, times)
        browser.close()
    report(result, sessions, alone, crowd, replicas)
    return result


def report(
    result: Result, sessions: int, alone: Measured, crowd: Measured, replicas: Measured | None
) -> None:
    """The rows, the ratios against the session alone, and the targets."""
    shown = [("1 session", alone), (f"{sessions} sessions, one process", crowd)]
    if replicas is not None:
        shown.append((f"{sessions} sessions, two replicas on PostgreSQL", replicas))
    else:
        result.notes.append(
            "Replicas not measured: a quick run, or no PostgreSQL cluster could be started."
        )
    for name, m in shown:
        result.add(f"{name}: first chunk sent → visible, p50", 1000 * median(m.first), "ms")
        result.add(f"{name}: first chunk sent → visible, p99", 1000 * percentile(m.first, 99), "ms")
        result.add(f"{name}: last chunk sent → all visible, p50", 1000 * median(m.whole), "ms")
        result.add(f"{name}: app CPU per streamed chunk", m.cpu_per_chunk, "ms")
        result.add(f"{name}: loop lag p99", percentile(m.lags, 99), "ms")
        result.add(f"{name}: the app's CPU per round", m.app_cpu, "s")
        result.add(f"{name}: Chromium's CPU per round (all its pages)", m.browser_cpu, "s")
    for name, m in shown[1:]:
        p50 = ratio(median(m.first), median(alone.first))
        result.add(f"{name} / 1 session: first chunk → visible p50", p50, "×")
        result.add(
            f"{name} / 1 session: CPU per chunk", ratio(m.cpu_per_chunk, alone.cpu_per_chunk), "×"
        )
    result.notes.append(
        f"Every page is rendered by one Chromium on the app's own {os.cpu_count()} CPUs: "
        "Chromium's CPU per round against the app's shows whose work the crowd waits for. "
        "In use, each person's browser runs on their own machine."
    )
    result.add(f"app RSS per idle browser session (sessions 2–{sessions})", crowd.idle_mb, "MB")
    result.target(
        f"{sessions} sessions: first chunk → visible p99 ≤ 500 ms",
        1000 * percentile(crowd.first, 99),
        500,
        "ms",
    )


def on_replicas(
    browser: Browser, workdir: Path, agent_url: str, rounds: int, times: Path
) -> Measured:
    """The sessions over two app processes sharing one PostgreSQL database."""
    with postgres() as url, apps(workdir / "two", agent_url, [url, url]) as pair:
        return together(browser, pair, SESSIONS, rounds, times)


def together(
    browser: Browser, served: list[App], sessions: int, rounds: int, times: Path
) -> Measured:
    """`sessions` pages spread over the apps, each sending a prompt per round at once."""
    measured = Measured()
    contexts = [browser.new_context() for _ in range(sessions)]
    try:
        pages = [c.new_page() for c in contexts]
        for index, page in enumerate(pages):
            opened(page, served[index % len(served)].process.url)
            if index == len(served) - 1:  # one session per app: its first page's cost is paid
                time.sleep(IDLE)
                before = sum(app.process.rss_mb() for app in served)
        time.sleep(IDLE)
        more = sessions - len(served)
        if more > 0:
            measured.idle_mb = (sum(app.process.rss_mb() for app in served) - before) / more
        spans: list[tuple[float, float]] = []
        for number in range(rounds + 1):  # the first round warms the pages up
            start = time.time()
            marks = one_round(pages, f"r{sessions}x{number}-{len(served)}")
            if number == 0:
                cpu = sum(app.process.cpu_seconds() for app in served)
                browser_cpu = named_cpu_seconds(BROWSER)
                continue
            spans.append((start, time.time()))
            splits(measured, marks, times)
        used = sum(app.process.cpu_seconds() for app in served) - cpu
        measured.cpu_per_chunk = 1000 * used / (rounds * sessions * CHUNKS)
        measured.app_cpu = used / rounds
        measured.browser_cpu = (named_cpu_seconds(BROWSER) - browser_cpu) / rounds
        for app in served:
            for start, end in spans:
                measured.lags += lags(app.ticks, start, end)
    finally:
        for context in contexts:
            context.close()
    return measured


def opened(page: Page, url: str) -> None:
    """A page on the app, its chat input ready."""
    page.goto(url, timeout=PAGE_TIMEOUT)
    page.get_by_test_id("stChatInputTextArea").wait_for(state="visible", timeout=PAGE_TIMEOUT)
    page.wait_for_selector(READY, timeout=PAGE_TIMEOUT)


def one_round(pages: list[Page], label: str) -> dict[str, dict[str, float]]:
    """Every page sends its prompt (Enter, one after the other); when each saw its answer."""
    marks = {f"{label}-{n}": page for n, page in enumerate(pages)}
    for mark, page in marks.items():
        page.wait_for_selector(READY, timeout=PAGE_TIMEOUT)
        page.get_by_test_id("stChatInputTextArea").fill(prompt(CHUNKS, DELAY_MS, SIZE) + f" {mark}")
        page.evaluate(WATCH, ["x" * (SIZE - 1), CHUNKS, mark])
    for page in marks.values():
        page.get_by_test_id("stChatInputTextArea").press("Enter")
    seen: dict[str, dict[str, float]] = {}
    for mark, page in marks.items():
        page.wait_for_function("() => window.__seen && window.__seen.all", timeout=PAGE_TIMEOUT)
        seen[mark] = page.evaluate("() => window.__seen")
    return seen


def splits(measured: Measured, seen: dict[str, dict[str, float]], times: Path) -> None:
    """Each trial's chunk → visible splits, from the page's and the agent's clocks."""
    noted = {}
    for line in times.read_text().splitlines():
        record = json.loads(line)
        noted[record["prompt"].split()[-1]] = record
    for mark, page in seen.items():
        agent = noted.get(mark)
        if agent is not None:
            measured.first.append(page["first"] / 1000 - agent["first"])
            measured.whole.append(page["all"] / 1000 - agent["last"])


@contextlib.contextmanager
def apps(workdir: Path, agent_url: str, databases: list[str]) -> Iterator[list[App]]:
    """One app process per entry of `databases` ("": SQLite in its own data directory)."""
    with contextlib.ExitStack() as stack:
        served: list[App] = []
        for index, database in enumerate(databases):
            home = workdir / f"app-{index}"
            home.mkdir(parents=True)
            config = home / "switchboard.json"
            config.write_text(json.dumps({"agents": [{"name": "Fast", "url": agent_url}]}))
            env = {**os.environ, "SWITCHBOARD_CONFIG": str(config)}
            env["SWITCHBOARD_DATA_DIR"] = str(home / "data")
            if database:
                env["SWITCHBOARD_DATABASE_URL"] = database
            ticks = str(home / "ticks.txt")
            command = [sys.executable, "-m", "benchmarks.ticking_app", ticks]
            command += ["--server.port", str(free_port()), *SERVER_FLAGS]
            process = stack.enter_context(launched(command, home, env))
            wait_healthy(process.url, time.perf_counter())
            served.append(App(process, ticks))
        yield served


class Unavailable(Exception):
    """No PostgreSQL cluster could be started here."""


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    """A database in a throwaway PostgreSQL cluster (the tests' own helper), for the block."""
    import pytest
    from tests.support.postgres import cluster, database

    try:
        with cluster() as base, database(base) as url:
            yield url
    except pytest.skip.Exception as reason:
        raise Unavailable(str(reason)) from None
