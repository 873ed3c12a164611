"""An MCP tool call as a stream of updates: progress and the server's questions as they come,
then the result. Used by direct calls from the MCP page and by the assistant's steps."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any, Protocol

from switchboard.connections.mcp_server import Interaction, McpConnection
from switchboard.connections.updates import Update

Resolver = Callable[[str, dict[str, Any] | None], None]


class Questions(Protocol):
    """Where a turn's questions for the person are registered until answered or withdrawn."""

    def open(self, question_id: str, resolve: Resolver) -> None:
        """Make a question answerable: `resolve(action, content)` runs on the loop."""

    def close(self, question_id: str) -> None:
        """Withdraw a question (its call ended or was stopped)."""


async def call_updates(
    server: McpConnection, tool: str, arguments: dict[str, Any], questions: Questions
) -> AsyncIterator[Update]:
    """Yield `progress` and `question` updates while the call runs, then its `tool_result`.
    Closing the generator (Stop) cancels the call and withdraws its open questions."""
    updates: asyncio.Queue[Update] = asyncio.Queue()
    asked: list[Interaction] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        updates.put_nowait(
            Update("progress", {"progress": progress, "total": total, "message": message or ""})
        )

    async def on_question(interaction: Interaction) -> None:
        asked.append(interaction)
        questions.open(
            interaction.id, lambda action, content: server.answer(interaction, action, content)
        )
        updates.put_nowait(Update("question", interaction.describe()))

    call = asyncio.create_task(server.call_tool(tool, arguments, on_progress, on_question))
    try:
        while not call.done() or not updates.empty():
            if updates.empty():
                waiter = asyncio.ensure_future(updates.get())
                await asyncio.wait({call, waiter}, return_when=asyncio.FIRST_COMPLETED)
                if not waiter.done():
                    waiter.cancel()
                    continue
                yield waiter.result()
            else:
                yield updates.get_nowait()
        yield Update("tool_result", call.result())
    finally:
        if not call.done():
            call.cancel()
            await asyncio.wait({call})
        for interaction in asked:
            questions.close(interaction.id)
            server.answer(interaction, "cancel", None)
