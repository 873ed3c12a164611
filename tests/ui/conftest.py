"""The UI's fixtures: a config naming the demo agent (or server-everything), and a fresh
session of the app on it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apps import APP, close_workspace
from tests.support.everything import config_entry


@pytest.fixture
def config(tmp_path: Path, demo_agent: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A config naming the demo agent; the app's cached workspace is closed afterwards."""
    path = tmp_path / "switchboard.json"
    path.write_text(json.dumps({"agents": [{"name": "Demo Agent", "url": demo_agent}]}))
    monkeypatch.setenv("SWITCHBOARD_CONFIG", str(path))
    yield path
    close_workspace()


@pytest.fixture
def everything_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A config naming server-everything over stdio; the app's workspace is closed after."""
    path = tmp_path / "switchboard.json"
    path.write_text(json.dumps({"mcpServers": {"everything": config_entry()}}))
    monkeypatch.setenv("SWITCHBOARD_CONFIG", str(path))
    yield path
    close_workspace()


@pytest.fixture
def app(config: Path) -> AppTest:
    return AppTest.from_file(APP, default_timeout=30).run()
