"""The assistant's fixtures: the fake OpenAI-compatible model and a workspace that uses it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from switchboard.workspace import Workspace
from tests.support.assistant import assisted_workspace
from tests.support.fake_llm import FakeLlm, serve_fake_llm


@pytest.fixture
def llm() -> Iterator[FakeLlm]:
    with serve_fake_llm() as fake:
        yield fake


@pytest.fixture
def ws(llm: FakeLlm, demo_agent: str) -> Iterator[Workspace]:
    workspace = assisted_workspace(llm.url, demo_agent)
    try:
        yield workspace
    finally:
        workspace.close()
