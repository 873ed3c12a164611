"""Shared fixtures: the asyncio error check, a data directory per test, the demo agent on a
real loopback port, a workspace, a PostgreSQL cluster. Helpers live in `tests/support/`."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit import config as streamlit_config

from switchboard.demo.agent import build_app
from switchboard.workspace import Settings, Workspace
from tests.support.apps import APP
from tests.support.postgres import cluster, database
from tests.support.servers import serve_app

# Pages under AppTest listen nowhere: they get the app's own Streamlit settings (beside its
# script, which AppTest does not run from), as the `switchboard` command serves them.
streamlit_config._main_script_path = str(APP)
streamlit_config.get_config_options(force_reparse=True)


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
    """A workspace with no agents (conversations in memory); closed, and checked closed, after
    the test."""
    ws = Workspace(Settings(source="test"))
    try:
        yield ws
    finally:
        ws.close()
        assert not ws.is_alive()


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """A throwaway PostgreSQL cluster for the whole run; its base URL (no database)."""
    with cluster() as url:
        yield url


@pytest.fixture
def shared_database(postgres: str) -> Iterator[str]:
    """A fresh PostgreSQL database for replicas to share; its URL."""
    with database(postgres) as url:
        yield url
