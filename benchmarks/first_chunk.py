"""Enter → first chunk visible, in real Chromium: the app on the benchmark agent (its own
process, which notes when each request arrives and each chunk leaves), a page that notes
when the answer's first line and its last appear (a MutationObserver), split into
Enter → request, the agent's own time, and chunk → visible."""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

from benchmarks.fast_agent import prompt
from benchmarks.results import Result
from benchmarks.servers import agent_process, fast_agent_command, free_port
from benchmarks.startup import CHROMIUM, PAGE_TIMEOUT, SERVER_FLAGS, launched, wait_healthy

CHUNKS, DELAY_MS, SIZE = 20, 10, 16  # a fast stream: 20 lines, 10 ms apart
HANDLED = "page: messages handled, Enter → first chunk visible"  # a count, not a time
OVER = "Enter → first chunk visible, over the agent's own"
REQUEST, VISIBLE = "Enter → request at the agent", "first chunk sent → visible"
WHOLE = "last chunk sent → whole answer visible"
BUSY_ROW = "page: main thread in long tasks, first chunk sent → visible"
FLOOR_ROWS = (REQUEST, VISIBLE, OVER, WHOLE, HANDLED)
# Notes, in the page's clock (wall-clock ms, as the agent's), when the answer to the prompt
# holding `mark` (the bubble after the one that shows it) first holds one chunk line, and when
# it holds them all. It reads textContent, not innerText, which lays the page out on each
# call: with many bubbles on the page the watching itself would delay what it watches.
WATCH = """
([chunk, count, mark]) => {
  window.__seen = {};
  const seen = window.__seen;
  new MutationObserver(() => {
    const all = [...document.querySelectorAll('[data-testid="stChatMessage"]')];
    const asked = all.findIndex((bubble) => bubble.textContent.includes(mark));
    const answer = asked >= 0 ? all[asked + 1] : undefined;
    if (!answer) return;
    const lines = (answer.textContent.match(new RegExp(chunk, "g")) || []).length;
    if (lines >= 1 && !seen.first) seen.first = Date.now();
    if (lines >= count && !seen.all) seen.all = Date.now();
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}
"""
# Before any page script: note when each websocket message (one per element the app sends)
# reaches the page's main thread, and the main thread's long tasks (> 50 ms: rendering).
BUSY = """
window.__frames = [];
window.__long = [];
new PerformanceObserver((list) => list.getEntries().forEach(
  (e) => window.__long.push([performance.timeOrigin + e.startTime, e.duration])
)).observe({type: "longtask", buffered: true});
const Socket = window.WebSocket;
window.WebSocket = class extends Socket {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", () => window.__frames.push(Date.now()));
  }
};
"""
# The moment the person presses Enter: the key event as the page sees it (not when the driver
# was asked to press it, which is a round trip earlier).
ENTER = """
() => document.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !window.__enter) window.__enter = Date.now();
}, {capture: true})
"""


def run(quick: bool) -> Result:
    """p50 of each split over the trials."""
    result = Result(
        "10. Enter → first chunk visible (browser)",
        f"Chromium types a prompt into the chat and presses Enter; the benchmark agent (its own "
        f"process) streams {CHUNKS} lines {DELAY_MS} ms apart and notes when the request "
        "arrived and when its first and last chunks left; a MutationObserver in the page notes "
        "when the bubble first shows a line and when it shows all of them. Clocks: both are "
        "this machine's wall clock. p50 over the trials, each in a fresh conversation. To "
        "show where the time goes, the page also counts the websocket messages it handled "
        "between Enter and the first line (Streamlit sends one per element drawn) and the "
        "time its main thread spent in long tasks (> 50 ms, rendering) between the agent's "
        "first chunk and the first line visible.",
    )
    trials = 8 if quick else 24
    with tempfile.TemporaryDirectory() as workdir:
        times = Path(workdir) / "times.jsonl"
        port = free_port()
        with agent_process(fast_agent_command(port, str(times)), port) as agent:
            seen = browse(*app_command(Path(workdir), agent.url), trials, {"t": ""})
            floor = browse(*floor_command(Path(workdir), agent.url), trials, {"f": ""})
        noted = [json.loads(line) for line in times.read_text().splitlines()]
    by_mark = {n["prompt"].split()[-1]: n for n in noted}
    rows = split(seen, by_mark)
    for name, values in rows.items():
        result.add(f"{name} (p50 of {len(values)})", *p50(name, values))
    floor_rows = split(floor, by_mark)
    for name in FLOOR_ROWS:
        result.add(f"baseline: {name} (p50)", *p50(name, floor_rows[name]))
    over = 1000 * statistics.median(rows[OVER])
    floor_over = 1000 * statistics.median(floor_rows[OVER])
    result.add("the app over the baseline: Enter → first chunk visible", over - floor_over, "ms")
    result.notes.append(
        "Each rerun sends the whole page again, one message per element (a sidebar row of the "
        "conversation list is two; the open one's, with its menu, about ten), and the page "
        "renders what it has received before the answer's first line; so while a turn runs "
        "the controls below the bubble and the sidebar are sent after its first words "
        "(`switchboard/ui/live_turn.py`), and the count above is what precedes them."
    )
    result.notes.append(
        "Baseline: `benchmarks/floor_app.py`, a Streamlit chat page as small as the pattern "
        "allows (a chat input, one persistent loop with a bare SDK client, the script "
        "following the stream and redrawing one bubble), run the same way on the same agent "
        "right after the app: what Streamlit itself costs on this machine."
    )
    result.target("Enter → first chunk visible ≤ 100 ms over the agent's own", over, 100, "ms")
    full = 1000 * statistics.median(rows[WHOLE])
    result.target("whole answer visible ≤ 100 ms after the agent's last chunk", full, 100, "ms")
    return result


def p50(name: str, values: list[float]) -> tuple[float, str]:
    """The median of a row, with its unit (a count, or seconds shown as ms)."""
    if name == HANDLED:
        return statistics.median(values), ""
    return 1000 * statistics.median(values), "ms"


def app_command(workdir: Path, agent_url: str) -> tuple[list[str], dict[str, str], Path]:
    """The app on the agent alone (a config naming it), its data in `workdir`."""
    config = workdir / "switchboard.json"
    config.write_text(json.dumps({"agents": [{"name": "Fast", "url": agent_url}]}))
    return served(config, workdir)


def served(config: Path, data: Path) -> tuple[list[str], dict[str, str], Path]:
    """The app on `config`, its data in `data`: the command, its environment, its folder."""
    env = {**os.environ, "SWITCHBOARD_CONFIG": str(config), "SWITCHBOARD_DATA_DIR": str(data)}
    command = [sys.executable, "-m", "switchboard", "--server.port", str(free_port())]
    return [*command, *SERVER_FLAGS], env, data


def floor_command(workdir: Path, agent_url: str) -> tuple[list[str], dict[str, str], Path]:
    """The baseline page on the same agent."""
    script = Path(__file__).with_name("floor_app.py")
    command = [sys.executable, "-m", "streamlit", "run", str(script)]
    command += ["--server.port", str(free_port()), *SERVER_FLAGS, "--", agent_url]
    return command, dict(os.environ), workdir


def browse(
    command: list[str], env: dict[str, str], workdir: Path, trials: int, visits: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """Run the trials on the server `command` starts, each visiting every page of `visits`
    (a trial mark's prefix → the page's query, in turn); the page's times by trial mark."""
    seen: dict[str, dict[str, Any]] = {}
    with launched(command, workdir, env) as app, sync_playwright() as playwright:
        wait_healthy(app.url, time.perf_counter())
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.add_init_script(BUSY)
        for index in range(trials + 1):
            for prefix, query in visits.items():
                mark = f"{prefix}{index}"
                times = one_trial(page, app.url + query, mark)
                if index:  # the first warms the page and the connection up
                    seen[mark] = times
        browser.close()
    return seen


def one_trial(page: Page, url: str, mark: str) -> dict[str, Any]:
    """The page at `url` in a new session (at the app's root: a new conversation), the
    prompt (marked `mark`) sent with Enter; when it was sent and seen."""
    page.goto(url, timeout=PAGE_TIMEOUT)
    box = page.get_by_test_id("stChatInputTextArea")
    box.wait_for(state="visible", timeout=PAGE_TIMEOUT)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    box.fill(prompt(CHUNKS, DELAY_MS, SIZE) + f" {mark}")
    page.evaluate(WATCH, ["x" * (SIZE - 1), CHUNKS, mark])
    page.evaluate("() => { window.__frames = []; window.__long = []; }")
    page.evaluate(ENTER)
    box.press("Enter")
    page.wait_for_function("() => window.__seen && window.__seen.all", timeout=PAGE_TIMEOUT)
    seen: dict[str, Any] = page.evaluate("() => window.__seen")
    frames: list[float] = page.evaluate("() => window.__frames")
    busy: list[list[float]] = page.evaluate("() => window.__long")
    enter: float = page.evaluate("() => window.__enter")
    return {
        "enter": enter / 1000,
        "first": seen["first"] / 1000,
        "all": seen["all"] / 1000,
        "frames": [t / 1000 for t in frames],
        "long": [[start / 1000, length / 1000] for start, length in busy],
    }


def split(seen: dict[str, dict[str, Any]], noted: dict[str, dict]) -> dict[str, list[float]]:
    """Each trial's splits, in seconds, by name."""
    rows: dict[str, list[float]] = {
        REQUEST: [],
        "agent: request → first chunk sent": [],
        VISIBLE: [],
        OVER: [],
        WHOLE: [],
        HANDLED: [],
        BUSY_ROW: [],
    }
    for mark, page in seen.items():
        agent = noted.get(mark)
        if agent is None:
            continue
        own = agent["first"] - agent["received"]
        rows[REQUEST].append(agent["received"] - page["enter"])
        rows["agent: request → first chunk sent"].append(own)
        rows[VISIBLE].append(page["first"] - agent["first"])
        rows[OVER].append(page["first"] - page["enter"] - own)
        rows[WHOLE].append(page["all"] - agent["last"])
        handled = [t for t in page["frames"] if t <= page["first"]]
        rows[HANDLED].append(len(handled))
        rows[BUSY_ROW].append(overlap(page["long"], agent["first"], page["first"]))
    return rows


def overlap(spans: list[list[float]], start: float, end: float) -> float:
    """Seconds of the [start, length] spans that fall between `start` and `end`."""
    return sum(max(0.0, min(end, s + length) - max(start, s)) for s, length in spans)
