"""An MCP list read to its end: `tools/list`, `resources/list`, `resources/templates/list` and
`prompts/list` come in pages (`nextCursor`); every page is followed, within a bound, so a
server that pages by 3 shows all its tools, and one that never stops paging cannot hang us."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from mcp import Client

from switchboard.connections.mcp_convert import (
    prompt_entry,
    resource_entry,
    template_entry,
    tool_entry,
)

Entries = list[dict[str, Any]]
MAX_PAGES = 100  # pages of one list read before the rest is left out, with a note


async def every_page(
    fetch: Callable[[str | None], Awaitable[Any]], items: Callable[[Any], list[Any]], what: str
) -> tuple[list[Any], str]:
    """All items of a paged list, and a note when it was cut short ("" when it was not):
    past MAX_PAGES pages, or when the server hands back a cursor it gave before."""
    found: list[Any] = []
    cursor: str | None = None
    seen: set[str] = set()
    for _ in range(MAX_PAGES):
        page = await fetch(cursor)
        found += items(page)
        cursor = page.next_cursor
        if not cursor:
            return found, ""
        if cursor in seen:
            return found, f"the server sent the same {what} page cursor twice; {len(found)} shown"
        seen.add(cursor)
    return found, f"{what}: only the first {MAX_PAGES} pages ({len(found)} items) are shown"


@dataclass
class Listed:
    """Everything a server offers, as the SDK gave it, and why a list was cut short."""

    tools: list[Any] = field(default_factory=list)
    resources: list[Any] = field(default_factory=list)
    templates: list[Any] = field(default_factory=list)
    prompts: list[Any] = field(default_factory=list)
    note: str = ""

    def entries(self) -> tuple[Entries, Entries, Entries, Entries]:
        """Tools, resources, templates and prompts as the pages and the assistant use them."""
        return (
            [tool_entry(t) for t in self.tools],
            [resource_entry(r) for r in self.resources],
            [template_entry(t) for t in self.templates],
            [prompt_entry(p) for p in self.prompts],
        )


async def list_everything(client: Client) -> Listed:
    """Every list the server's capabilities say it has, each read to its end (never from
    the SDK's cache)."""
    capabilities, listed, notes = client.server_capabilities, Listed(), []

    async def read(method: Any, attribute: str, what: str) -> list[Any]:
        async def page(cursor: str | None) -> Any:
            return await method(cursor=cursor, cache_mode="refresh")

        items, note = await every_page(page, lambda found: getattr(found, attribute), what)
        notes.append(note)
        return items

    if capabilities.tools is not None:
        listed.tools = await read(client.list_tools, "tools", "tool")
    if capabilities.resources is not None:
        listed.resources = await read(client.list_resources, "resources", "resource")
        listed.templates = await read(
            client.list_resource_templates, "resource_templates", "template"
        )
    if capabilities.prompts is not None:
        listed.prompts = await read(client.list_prompts, "prompts", "prompt")
    listed.note = "; ".join(note for note in notes if note)
    return listed
