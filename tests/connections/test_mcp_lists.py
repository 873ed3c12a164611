"""Paged MCP lists are read to their end: against a fastmcp server that pages by 3, and a list
that never ends or repeats its cursor is cut with a note instead of hanging."""

from __future__ import annotations

import asyncio
import sys
from types import SimpleNamespace

from switchboard.chat.events import StepKind
from switchboard.config import McpServerSettings
from switchboard.connections.mcp_lists import MAX_PAGES, every_page
from switchboard.workspace import LOCAL_OWNER, Workspace
from tests.support.servers import FASTMCP
from tests.support.turns import WAIT


def test_every_page_of_a_fastmcp_server_is_listed_on_the_page_and_to_the_assistant(
    workspace: Workspace,
) -> None:
    settings = McpServerSettings("paged", "stdio", sys.executable, (FASTMCP,))
    view = workspace.add_server(settings).wait(WAIT)
    assert view.status == "ready", view.error
    numbered = [t["name"] for t in view.tools if t["name"].startswith("tool_")]
    assert numbered == [f"tool_{i}" for i in range(8)]
    assert len(view.resources) == 4 and len(view.prompts) == 5 and view.list_note == ""
    offered = [t for t in workspace.offered(LOCAL_OWNER) if t.kind == StepKind.MCP]
    assert len(offered) == len(view.tools)


def pages(cursors: list[str | None]) -> object:
    async def fetch(cursor: str | None) -> SimpleNamespace:
        index = 0 if cursor is None else int(cursor.split("-")[0]) + 1
        following = cursors[index] if index < len(cursors) else f"{index}-more"
        return SimpleNamespace(items=[index], next_cursor=following)

    return fetch


def test_a_list_that_never_ends_is_cut_with_a_note() -> None:
    items, note = asyncio.run(every_page(pages([]), lambda p: p.items, "tool"))
    assert len(items) == MAX_PAGES and f"only the first {MAX_PAGES} pages" in note


def test_a_cursor_given_twice_ends_the_list_with_a_note() -> None:
    items, note = asyncio.run(every_page(pages(["0-a", "0-a"]), lambda p: p.items, "prompt"))
    assert items == [0, 1] and "same prompt page cursor twice" in note
