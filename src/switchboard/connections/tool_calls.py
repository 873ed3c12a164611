"""An MCP tool call as a stream of updates: progress and the server's questions as they come,
then the result. Used by direct calls from the MCP page and by the assistant's steps."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any, Protocol

from switchboard.connections.mcp_questions import Interaction, Sampler
from switchboard.connections.mcp_server import McpConnection
from switchboard.connections.mcp_url_required import UrlRequired
from switchboard.connections.updates import Kind, Level, Update, notice

Resolver = Callable[[str, dict[str, Any] | None], None]


class Questions(Protocol):
    """Where a turn's questions for the person are registered until answered or withdrawn."""

    def open(self, question_id: str, resolve: Resolver) -> bool:
        """Make a question answerable: `resolve(action, content)` runs on the loop. False when
        this turn shows it already (two of its calls may have asked it): then draw it once."""

    def close(self, question_id: str) -> None:
        """Withdraw a question from this turn, once for each `open` (its call ended)."""


_DONE = Update(Kind.NOTICE)  # the call has finished: its result (or error) is there to take
# What a server says (fastmcp's `ctx.elicit`, say) when it asks a question by a request of its
# own during the call, which a 2026-07-28 connection does not carry.
ERA_MISMATCH = "server-initiated requests is unavailable on 2026-07-28"
ASKED_THE_OLD_WAY = (
    "{server} tried to ask you something the handshake-era way (a request from the server "
    "during the call), which its 2026-07-28 connection cannot carry."
)
USE_LEGACY = (
    'Set this server\'s era to `legacy` (MCP servers page, or `"era": "legacy"` in its '
    "config entry), then call the tool again."
)


async def call_updates(
    server: McpConnection,
    tool: str,
    arguments: dict[str, Any],
    questions: Questions,
    sampler: Sampler | None = None,
) -> AsyncIterator[Update]:
    """Yield `progress` and `question` updates while the call runs, then its `tool_result`.
    Closing the generator (Stop) cancels the call and withdraws its questions from the turn
    (the server's connection cancels a question once no call that may have asked it runs)."""
    updates: asyncio.Queue[Update] = asyncio.Queue()
    asked: list[str] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        data = {"progress": progress, "total": total, "message": message or ""}
        updates.put_nowait(Update(Kind.PROGRESS, data))

    async def on_question(interaction: Interaction) -> None:
        asked.append(interaction.id)
        if questions.open(interaction.id, interaction.resolve):
            updates.put_nowait(Update(Kind.QUESTION, interaction.describe()))

    call = asyncio.create_task(server.call_tool(tool, arguments, on_progress, on_question, sampler))
    call.add_done_callback(lambda _: updates.put_nowait(_DONE))
    try:
        while (update := await updates.get()) is not _DONE:
            yield update
        try:
            result = call.result()
        except UrlRequired as needed:  # the person opens the page, then retries the call
            retry = {"server": server.name, "tool": tool, "arguments": arguments}
            yield _url_notice(needed, retry)
            return
        yield Update(Kind.TOOL_RESULT, result)
        if result.get("is_error") and ERA_MISMATCH in _text(result):
            yield notice(ASKED_THE_OLD_WAY.format(server=server.name), Level.WARNING, USE_LEGACY)
    finally:
        if not call.done():
            call.cancel()
            await asyncio.wait({call})
        for question_id in asked:
            questions.close(question_id)


def _text(result: dict[str, Any]) -> str:
    return " ".join(part.get("text", "") for part in result.get("parts", []))


def _url_notice(needed: UrlRequired, retry: dict[str, Any]) -> Update:
    """The turn's notice for a call the server refused until the person opens its pages:
    the pages and the call to retry go with it."""
    update = notice(needed.message, Level.WARNING, needed.hint)
    return Update(Kind.NOTICE, {**update.data, "pages": needed.pages, "retry": retry})
