"""An MCP list read to its end: `tools/list`, `resources/list`, `resources/templates/list` and
`prompts/list` come in pages (`nextCursor`); every page is followed, within a bound, so a
server that pages by 3 shows all its tools, and one that never stops paging cannot hang us."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

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
