"""A soak: many mixed turns through one workspace against the demo agent and the demo MCP
server — reruns, stops, resumes, task cancels, questions, a server that kills itself — then
the seed errors counted and threads, fds, loop tasks and RSS compared with their baseline.

The suite runs a short one (tests/test_soak.py); `python -m benchmarks.run --only soak` the
long one."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import random
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from benchmarks.results import Result
from benchmarks.servers import demo_mcp_command
from switchboard.chat.conversation import Conversation
from switchboard.chat.events import Action
from switchboard.chat.turns import TurnView
from switchboard.config import AgentSettings, McpServerSettings, Settings
from switchboard.workspace import LOCAL_OWNER, Workspace

SEEDS = (
    "cannot be called from a running event loop",
    "Event loop is closed",
    "cancel scope in a different task",
    "Task was destroyed but it is pending",
)
WAIT = 30.0  # seconds any one step of a turn may take before the soak calls it stuck
KINDS = {  # kind of turn → weight in the mix
    "hello": 3,
    "story, read by a rerun": 3,
    "stop, then cancel the task": 2,
    "stop, resume, cancel": 1,
    "input required, answered": 2,
    "failing task": 1,
    "tool call": 3,
    "tool call stopped": 2,
    "tool question answered": 2,
    "server kills itself mid-call": 1,
}
GUEST = {"name": "Ada", "age": 36, "style": "formal"}


@dataclass(frozen=True)
class Resources:
    """What a leak would grow."""

    threads: int
    fds: int
    tasks: int
    rss_kb: int

    @classmethod
    def of(cls, ws: Workspace) -> Resources:
        async def tasks() -> int:
            return len(asyncio.all_tasks()) - 1  # this one

        return cls(
            threading.active_count(),
            len(os.listdir("/proc/self/fd")),
            ws.runtime.call(tasks(), timeout=WAIT),
            _rss_kb(),
        )


@dataclass
class SoakReport:
    """What one soak did and found."""

    turns: Counter[str] = field(default_factory=Counter)
    seeds: Counter[str] = field(default_factory=Counter)
    stuck: list[str] = field(default_factory=list)  # turns that did not end in time
    baseline: Resources | None = None
    after: Resources | None = None
    seconds: float = 0.0


class SeedWatch(logging.Handler):
    """Counts the seed errors wherever Python reports them: log records (asyncio's "Task was
    destroyed…" among them), unraisable exceptions and uncaught thread exceptions."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.found: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            text += "".join(traceback.format_exception(record.exc_info[1]))
        self.scan(text)

    def scan(self, text: str) -> None:
        for seed in SEEDS:
            if seed in text:
                self.found[seed] += 1

    @contextmanager
    def watching(self) -> Iterator[SeedWatch]:
        root, unraisable, excepthook = logging.getLogger(), sys.unraisablehook, threading.excepthook

        def on_unraisable(info: Any) -> None:
            self.scan(f"{info.err_msg or ''} {info.exc_value!r} {info.object!r}")
            unraisable(info)

        def on_thread(args: threading.ExceptHookArgs) -> None:
            self.scan(repr(args.exc_value))
            excepthook(args)

        root.addHandler(self)
        sys.unraisablehook, threading.excepthook = on_unraisable, on_thread
        try:
            yield self
        finally:
            root.removeHandler(self)
            sys.unraisablehook, threading.excepthook = unraisable, excepthook


class Soak:
    """Drives the mix through `ws`, on the agent and the MCP server of those names."""

    def __init__(self, ws: Workspace, agent: str, server: str, seed: int = 7) -> None:
        self.ws, self.agent, self.server = ws, agent, server
        self.random = random.Random(seed)
        self.report = SoakReport()
        self._conversations: dict[str, Conversation] = {}
        self._steps: dict[str, Callable[[], None]] = {
            "hello": lambda: self._prompt("hello"),
            "story, read by a rerun": self._story_with_rerun,
            "stop, then cancel the task": self._stop_then_cancel,
            "stop, resume, cancel": self._stop_resume_cancel,
            "input required, answered": self._input_required,
            "failing task": lambda: self._prompt("fail"),
            "tool call": lambda: self._tool("add", {"a": 2, "b": 3}),
            "tool call stopped": self._tool_stopped,
            "tool question answered": self._tool_question,
            "server kills itself mid-call": self._server_kill,
        }

    def run(self, turns: int) -> SoakReport:
        """`turns` turns of the mix, after a warm-up of one of each kind that sets the
        baseline; then the resources once everything has settled."""
        started = time.monotonic()
        with SeedWatch().watching() as watch:
            for kind in KINDS:
                self._step(kind)
            self.report.baseline = self._settled()
            self.report.turns.clear()
            kinds, weights = list(KINDS), list(KINDS.values())
            for kind in self.random.choices(kinds, weights, k=turns):
                self._step(kind)
            self.report.after = self._settled()
        self.report.seeds = watch.found
        self.report.seconds = time.monotonic() - started
        return self.report

    def _step(self, kind: str) -> None:
        try:
            self._steps[kind]()
        except TimeoutError as exc:
            self.report.stuck.append(f"{kind}: {exc}")
        self.report.turns[kind] += 1

    def _settled(self) -> Resources:
        """Resources once no turn runs and garbage is collected (pending tasks that leaked
        would be destroyed, and reported, here)."""
        deadline = time.monotonic() + WAIT
        while any(self.ws.chat.is_running(c.id) for c in self._conversations.values()):
            if time.monotonic() > deadline:
                self.report.stuck.append("turns still running at the end")
                break
            time.sleep(0.05)
        self._server_ready()
        for _ in range(3):
            gc.collect()
            time.sleep(0.2)
        return Resources.of(self.ws)

    # Turns

    def _conversation(self, kind: str, counterpart: str) -> Conversation:
        """One conversation per kind, renewed every 50 turns so none grows without end."""
        current = self._conversations.get(kind)
        if current is None or len(current.turns()) >= 50:
            current = self.ws.chat.new_conversation(counterpart)
            self._conversations[kind] = current
        return current

    def _prompt(self, text: str, kind: str = "") -> tuple[Conversation, TurnView]:
        conversation = self._conversation(kind or text, self.agent)
        turn = self.ws.chat.send(conversation.id, text)
        return conversation, _wait_end(conversation, turn)

    def _story_with_rerun(self) -> None:
        conversation = self._conversation("story", self.agent)
        turn = self.ws.chat.send(conversation.id, "story")
        stopped = threading.Event()
        for _batch in conversation.log.follow(
            0, until=lambda e: e.ends(turn), stop_check=stopped.is_set, timeout=WAIT
        ):
            stopped.set()  # a rerun: this reader goes away after its first batch
        _wait_end(conversation, turn)

    def _stop_then_cancel(self) -> None:
        conversation, turn = self._started("slow", "stop")
        self.ws.chat.stop(conversation.id)
        _wait_end(conversation, turn)
        self.ws.chat.cancel_task(conversation.id).result(WAIT)

    def _stop_resume_cancel(self) -> None:
        conversation, turn = self._started("slow", "resume")
        self.ws.chat.stop(conversation.id)
        _wait_end(conversation, turn)
        resumed = self.ws.chat.resume(conversation.id)
        if resumed is not None:
            _wait_event(conversation, resumed)
            self.ws.chat.cancel_task(conversation.id).result(WAIT)
            _wait_end(conversation, resumed)

    def _input_required(self) -> None:
        conversation, _view = self._prompt("ask", "ask")
        turn = self.ws.chat.send(conversation.id, "red")
        _wait_end(conversation, turn)

    def _started(self, text: str, kind: str) -> tuple[Conversation, int]:
        conversation = self._conversation(kind, self.agent)
        turn = self.ws.chat.send(conversation.id, text)
        _wait_event(conversation, turn)
        return conversation, turn

    def _tool(self, tool: str, arguments: dict[str, Any], kind: str = "tool") -> None:
        conversation = self._conversation(kind, "nobody")
        turn = self.ws.chat.call_tool(conversation.id, self.server, tool, arguments)
        _wait_end(conversation, turn)

    def _tool_stopped(self) -> None:
        conversation = self._conversation("tool stopped", "nobody")
        arguments = {"steps": 50, "delay": 0.02}
        turn = self.ws.chat.call_tool(conversation.id, self.server, "count", arguments)
        _wait_event(conversation, turn)
        self.ws.chat.stop(conversation.id)
        _wait_end(conversation, turn)

    def _tool_question(self) -> None:
        conversation = self._conversation("question", "nobody")
        turn = self.ws.chat.call_tool(conversation.id, self.server, "greet", {})
        question = _wait_question(conversation, turn)
        accept = self.random.random() < 0.5
        action = Action.ACCEPT if accept else Action.DECLINE
        self.ws.chat.answer(question, action, GUEST if accept else None)
        _wait_end(conversation, turn)

    def _server_kill(self) -> None:
        self._tool("crash", {}, kind="crash")
        self._server_ready()

    def _server_ready(self) -> None:
        deadline = time.monotonic() + WAIT
        while (view := self.ws.server(self.server, LOCAL_OWNER)) is None or view.status != "ready":
            if time.monotonic() > deadline:
                raise TimeoutError(f"the MCP server did not come back ({view and view.error})")
            time.sleep(0.05)


def _wait_end(conversation: Conversation, turn: int) -> TurnView:
    for _ in conversation.log.follow(0, until=lambda e: e.ends(turn), timeout=WAIT):
        pass
    view = next((v for v in conversation.turns() if v.turn == turn), None)
    if view is None or not view.ended:
        raise TimeoutError(f"turn {turn} did not end within {WAIT:g} s")
    return view


def _wait_event(conversation: Conversation, turn: int) -> None:
    """Until the counterpart has said something in `turn` beyond its start."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        view = next((v for v in conversation.turns() if v.turn == turn), None)
        if view is not None and (view.ended or view.state or view.progress or view.items):
            return
        time.sleep(0.01)
    raise TimeoutError(f"turn {turn} showed nothing within {WAIT:g} s")


def _wait_question(conversation: Conversation, turn: int) -> str:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        view = next((v for v in conversation.turns() if v.turn == turn), None)
        if view is not None and view.open_questions:
            return str(view.open_questions[0]["id"])
        time.sleep(0.01)
    raise TimeoutError(f"turn {turn} asked nothing within {WAIT:g} s")


def _rss_kb() -> int:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1])


TITLE = "7. Soak"
DESCRIPTION = (
    "Mixed turns through one workspace (the demo agent in its own process, the demo MCP server "
    "over stdio): hello, a story read by a reader that goes away (a rerun), stop then cancel, "
    "stop-resume-cancel, input required, a failing task, tool calls, stopped tool calls, "
    "questions answered, and a server that kills itself mid-call. Baseline: after one turn of "
    "each kind; after: once every turn has ended and garbage is collected."
)


def run(quick: bool, agent_url: str) -> Result:
    """The soak on its own workspace; the seed errors, stuck turns and resources it left."""
    turns = 100 if quick else 1000
    ws = Workspace(Settings(source="soak"))
    try:
        ws.add_agent(AgentSettings("demo-agent", agent_url)).wait(WAIT)
        command = demo_mcp_command("stdio")
        ws.add_server(McpServerSettings("demo", "stdio", command[0], tuple(command[1:])))
        ws.await_connections(None, WAIT)
        gc.collect()
        gc.freeze()
        report = Soak(ws, "demo-agent", "demo").run(turns)
    finally:
        ws.close()
    result = Result(TITLE, DESCRIPTION)
    result.add("turns after the warm-up", sum(report.turns.values()), "")
    result.add("seconds", report.seconds, "s")
    for seed in SEEDS:
        result.add(f'"{seed}"', report.seeds[seed], "")
    result.add("turns that did not end in time", len(report.stuck), "")
    before, after = report.baseline, report.after
    assert before is not None and after is not None
    for name in ("threads", "fds", "tasks"):
        result.add(f"{name}: baseline", getattr(before, name), "")
        result.add(f"{name}: after", getattr(after, name), "")
    result.add("RSS growth", (after.rss_kb - before.rss_kb) / 1024, "MiB")
    result.target("seed errors", sum(report.seeds[seed] for seed in SEEDS), 0, "")
    result.target("loop tasks over the baseline", after.tasks - before.tasks, 0, "")
    result.target("threads over the baseline", after.threads - before.threads, 0, "")
    result.target("fds over the baseline", after.fds - before.fds, 0, "")
    result.notes.extend(report.stuck[:5])
    return result
