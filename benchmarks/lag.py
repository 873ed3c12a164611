"""Benchmark 4: how late a 10 ms ticker on the runtime loop fires while 50 conversations stream."""

from __future__ import annotations

import asyncio
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.clients import WAIT, freeze_heap, open_workspace
from benchmarks.fast_agent import prompt
from benchmarks.gcwatch import Collections, GcWatch
from benchmarks.results import Result
from benchmarks.servers import ServerProcess
from benchmarks.stats import median, percentile
from switchboard.chat.conversation import Conversation
from switchboard.chat.events import Event
from switchboard.chat.turns import TurnView
from switchboard.workspace import Workspace

TITLE = "4. Loop lag under 50 streams"
PERIOD = 0.010
STREAMS = 50
CHUNKS, DELAY_MS = 60, 50  # per stream: 60 chunks, 50 ms apart (3 s); 1,000 chunks/s in all
COALESCE = 0.03  # the chat page's pause between redraws
NOTES = (
    "Started together, the 50 streams emit their chunks in lock-step (every 50 ms), so the "
    "loop receives ~50 chunk events in the same few milliseconds and handles them in one or "
    "two loop iterations, waking up to 50 script threads at the same moment; spread over one "
    "second, the sends fall into 5 phases 10 ms apart (20 ms spacing, 50 ms period), ~10 "
    "streams each.",
)
REPEATS = 3  # runs of each loaded variant (1 with --quick)
FIRST_TURN = 1
LATE = 5.0  # ms: ticks later than this are looked at more closely
DESCRIPTION = (
    f"A ticker task on the runtime loop sleeps {PERIOD * 1000:g} ms and records how late each "
    f"tick fires, while {STREAMS} conversations stream at once from the benchmark agent (its "
    f"own process): {CHUNKS} chunks each, {DELAY_MS} ms apart (≈ {CHUNKS * DELAY_MS / 1000:g} s "
    f"per stream, ≈ {STREAMS * 1000 // DELAY_MS:,} chunk events/s in all). Each conversation "
    "is started with `ws.chat.send` and followed by its own script thread, started beforehand, "
    "as the chat page does (`log.follow`, fold into a `TurnView`, 30 ms coalescing): 50 "
    "browser sessions. "
    "Two variants: all 50 sent together, and sends spread evenly over one second, run "
    f"{REPEATS} times each, alternating (once with `--quick`); the target is judged on the "
    "median of the runs' p99s, so one busy moment of a shared machine does not decide it. "
    "The baseline is the same ticker on the idle loop (1 s before and after each round). "
    "As the app does after start-up (`ui/state.py`), the benchmark calls "
    "`gc.collect(); gc.freeze()` after set-up; "
    "garbage collections during each window are counted with `gc.callbacks`. For each tick "
    "the ticker also takes the loop thread's CPU time (`time.thread_time()`) and its time "
    "runnable but waiting for a CPU (Linux `/proc/self/task/<tid>/schedstat`); over the late "
    "ticks, CPU means the loop itself was busy (long callbacks or a GC pass), run-queue "
    "means the OS gave the CPUs to others, and the rest is the thread blocked: waiting for "
    "the GIL while another thread of the process runs (or, rarely, idle)."
)


@dataclass(frozen=True)
class Tick:
    """One tick (ms): lateness; the loop thread's CPU time and OS run-queue wait meanwhile."""

    lag: float
    cpu: float
    queued: float
    interval: float


def _queued_ns(path: str) -> float:
    """Nanoseconds this thread has spent runnable but waiting for a CPU (Linux schedstat)."""
    try:
        with open(path, encoding="ascii") as schedstat:
            return float(schedstat.read().split()[1])
    except (OSError, IndexError, ValueError):
        return math.nan


async def _ticker(stop: asyncio.Event, ticks: list[Tick]) -> None:
    path = f"/proc/self/task/{threading.get_native_id()}/schedstat"  # the loop thread's
    while not stop.is_set():
        queued, cpu, start = _queued_ns(path), time.thread_time(), time.perf_counter()
        await asyncio.sleep(PERIOD)
        now = time.perf_counter()
        used, queued = time.thread_time() - cpu, _queued_ns(path) - queued
        lag, interval = 1000 * (now - start - PERIOD), 1000 * (now - start)
        ticks.append(Tick(lag, 1000 * used, queued / 1e6, interval))


class Ticker:
    """The ticker task on the loop, from creation to `stop()`."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws
        self._stop = asyncio.Event()
        self.ticks: list[Tick] = []
        self._task = ws.runtime.submit(_ticker(self._stop, self.ticks))

    def stop(self) -> list[Tick]:
        """Stop ticking and return the ticks."""
        self._ws.runtime.loop.call_soon_threadsafe(self._stop.set)
        self._task.result(WAIT)
        return self.ticks


def _ends_first_turn(event: Event) -> bool:
    return event.ends(FIRST_TURN)


def _follow(conversation: Conversation, views: dict[str, TurnView]) -> None:
    """A script thread tailing one new conversation until its first turn ends."""
    view = TurnView(turn=FIRST_TURN)
    for batch in conversation.log.follow(0, until=_ends_first_turn, timeout=WAIT):
        for event in batch:
            view.apply_event(event)
        time.sleep(COALESCE)
    views[conversation.id] = view


def _streams(ws: Workspace, spread: float) -> tuple[list[Tick], float]:
    """Start the streams (over `spread` seconds), follow each, return lags and wall seconds."""
    conversations = [ws.chat.new_conversation("fast") for _ in range(STREAMS)]
    views: dict[str, TurnView] = {}
    followers = [threading.Thread(target=_follow, args=(c, views)) for c in conversations]
    for follower in followers:  # like sessions already open, waiting for a prompt
        follower.start()
    text = prompt(CHUNKS, DELAY_MS)
    ticker = Ticker(ws)
    time.sleep(0.1)
    start = time.perf_counter()
    for index, conversation in enumerate(conversations):
        time.sleep(max(0.0, start + index * spread / STREAMS - time.perf_counter()))
        if ws.chat.send(conversation.id, text) != FIRST_TURN:
            raise RuntimeError("a new conversation's first turn should be turn 1")
    for follower in followers:
        follower.join(WAIT)
    wall = time.perf_counter() - start
    ticks = ticker.stop()
    done = [v for v in views.values() if v.end_reason == "completed"]
    if len(done) != STREAMS or any(len(v.text()) != CHUNKS * 16 for v in done):
        raise RuntimeError(f"only {len(done)} of {STREAMS} streams completed whole")
    return ticks, wall


def _idle(ws: Workspace, seconds: float) -> tuple[list[Tick], float]:
    ticker = Ticker(ws)
    time.sleep(seconds)
    return ticker.stop(), math.nan


@dataclass
class Window:
    """One measured run of a variant, and what the machine did meanwhile."""

    ticks: list[Tick]
    wall: float
    gc: Collections
    load: float
    client_cpu: float  # % of one CPU
    agent_cpu: float  # % of one CPU

    @property
    def p99(self) -> float:
        """The p99 lag of this run (ms)."""
        return percentile([tick.lag for tick in self.ticks], 99)


def _measure(
    variant: Callable[[], tuple[list[Tick], float]], watch: GcWatch, agent: ServerProcess
) -> Window:
    load = os.getloadavg()[0]
    client, server, start = time.process_time(), agent.cpu_seconds(), time.perf_counter()
    with watch.window() as collections:
        ticks, wall = variant()
    seconds = time.perf_counter() - start
    client_cpu = 100 * (time.process_time() - client) / seconds
    return Window(
        ticks, wall, collections, load, client_cpu, 100 * (agent.cpu_seconds() - server) / seconds
    )


def _report(result: Result, name: str, windows: list[Window]) -> float:
    """Add a variant's rows (ticks pooled over its runs); return the median of per-run p99s."""
    ticks = [tick for window in windows for tick in window.ticks]
    lags = [tick.lag for tick in ticks]
    p99s = [window.p99 for window in windows]
    runs = f"{len(windows)} run{'s' if len(windows) > 1 else ''}"
    result.add(f"{name}: lag p50 ({len(lags)} ticks, {runs})", median(lags), "ms")
    result.add(f"{name}: lag p99, median of the runs' p99", median(p99s), "ms")
    if len(windows) > 1:
        result.add(f"{name}: lag p99, best run", min(p99s), "ms")
        result.add(f"{name}: lag p99, worst run", max(p99s), "ms")
    result.add(f"{name}: lag max", max(lags), "ms")
    busy = sum(tick.cpu for tick in ticks) / sum(tick.interval for tick in ticks)
    result.add(f"{name}: loop thread on CPU", 100 * busy, "%")
    late = [tick for tick in ticks if tick.lag > LATE]
    result.add(f"{name}: ticks > {LATE:g} ms late", len(late), "")
    if late:
        interval = sum(tick.interval for tick in late)
        cpu, queued = sum(t.cpu for t in late) / interval, sum(t.queued for t in late) / interval
        result.add(f"{name}: … of their time, loop thread on CPU", 100 * cpu, "%")
        result.add(f"{name}: … waiting for a CPU (OS run queue)", 100 * queued, "%")
        result.add(
            f"{name}: … blocked (GIL held elsewhere, or idle)", 100 * (1 - cpu - queued), "%"
        )
    result.add(f"{name}: machine load average (1 min), max", max(w.load for w in windows), "")
    result.add(f"{name}: client process CPU", median([w.client_cpu for w in windows]), "%")
    result.add(f"{name}: agent process CPU", median([w.agent_cpu for w in windows]), "%")
    walls = [w.wall for w in windows if not math.isnan(w.wall)]
    if walls:
        result.add(f"{name}: wall time per run", median(walls), "s")
    result.add(f"{name}: GC passes, any generation", sum(w.gc.total() for w in windows), "")
    result.add(f"{name}: GC passes, generation 2", sum(w.gc.counts[2] for w in windows), "")
    result.add(f"{name}: longest GC pass", max(w.gc.longest_ms() for w in windows), "ms")
    return median(p99s)


def run(quick: bool, agent: ServerProcess) -> Result:
    """Idle baseline, then 50 streams started together and spread over one second."""
    result = Result(TITLE, DESCRIPTION, notes=list(NOTES))
    ws, _connection = open_workspace(agent.url, "fast")
    watch = GcWatch()
    try:
        ws.chat.send(ws.chat.new_conversation("fast").id, prompt(5))  # warm the connection
        time.sleep(0.5)
        freeze_heap()
        idle = [_measure(lambda: _idle(ws, 1.0), watch, agent)]
        spreads = {"50 together": 0.0, "50 spread over 1 s": 1.0}
        windows: dict[str, list[Window]] = {name: [] for name in spreads}
        for _ in range(1 if quick else REPEATS):  # alternate, so a busy moment hits both
            for name, spread in spreads.items():
                windows[name].append(_measure(lambda s=spread: _streams(ws, s), watch, agent))
            idle.append(_measure(lambda: _idle(ws, 1.0), watch, agent))
        _report(result, "idle loop (baseline)", idle)
        together = _report(result, "50 together", windows["50 together"])
        spread = _report(result, "50 spread over 1 s", windows["50 spread over 1 s"])
        result.target("spread over 1 s: p99 lag ≤ 5 ms", spread, 5.0, "ms")
        result.target("started together: p99 lag ≤ 10 ms", together, 10.0, "ms")
    finally:
        watch.close()
        ws.close()
    return result
