"""Shared fixtures: the demo agent on a real loopback port, a workspace, and turn helpers."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from switchboard.chat.conversation import Conversation
from switchboard.chat.turns import TurnView
from switchboard.chat.workspace import Workspace
from switchboard.config import AgentSettings, Settings
from switchboard.connections.a2a_agent import AgentConnection
from switchboard.demo.agent import build_app
from tests.support.servers import serve_app

WAIT = 30.0  # upper bound for any single wait in a test; never a pass condition


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def no_asyncio_errors() -> Iterator[None]:
    """Fail a test whose loop logged an error: "Task was destroyed but it is pending", "Task
    exception was never retrieved", an unclosed transport… (asyncio logs these, never raises)."""
    handler = _Collect()
    logger = logging.getLogger("asyncio")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    assert [r.getMessage() for r in handler.records] == []


@pytest.fixture(autouse=True)
def own_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test keeps the app's conversations in its own directory, never in ~/.switchboard."""
    monkeypatch.setenv("SWITCHBOARD_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture(scope="session")
def demo_agent() -> Iterator[str]:
    """The demo agent (JSON-RPC + HTTP+JSON, A2A 1.0 + 0.3) served by uvicorn; its base URL."""
    with serve_app(build_app) as url:
        yield url


@pytest.fixture
def workspace() -> Iterator[Workspace]:
    """A workspace with no agents; closed (and checked closed) after the test."""
    ws = Workspace(Settings(source="test"))
    try:
        yield ws
    finally:
        ws.close()
        assert not ws.runtime.is_alive()


def connect(ws: Workspace, url: str, name: str = "agent", **options: object) -> AgentConnection:
    """Add an agent to the workspace and wait until it is ready or failed."""
    settings = AgentSettings(name=name, url=url, **options)  # type: ignore[arg-type]
    return ws.add_agent(settings).result(WAIT)


def run_turn(ws: Workspace, conversation: Conversation, prompt: str) -> TurnView:
    """Send a prompt and wait (bounded) for its turn to end; the turn as the UI would show it."""
    turn = ws.chat.send(conversation.id, prompt)
    return wait_turn(conversation, turn)


def wait_turn(conversation: Conversation, turn: int) -> TurnView:
    """Wait (bounded) for a turn to end and return it."""
    for _ in conversation.log.follow(0, until=lambda e: e.ends(turn), timeout=WAIT):
        pass
    view = next(v for v in conversation.turns() if v.turn == turn)
    assert view.ended, f"turn {turn} did not end within {WAIT} s"
    return view


def wait_for(condition: Callable[[], bool], timeout: float = WAIT) -> None:
    """Poll a condition (bounded); the test fails if it never holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)
