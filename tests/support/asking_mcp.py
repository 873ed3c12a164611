"""An MCP server (the mcp SDK's `MCPServer`, over stdio) whose calls wait for a signal before
they go on, so a test can decide when a question is asked and when a call ends, whatever the
other calls are doing. Run: python asking_mcp.py

- `ask_when(signal)`: waits until the file `signal` exists, then asks the person for a name
  (elicitation, in either protocol era) and answers with it.
- `finish_when(signal)`: waits until the file `signal` exists, then answers "finished".
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Annotated

from mcp.server import MCPServer
from mcp.server.mcpserver import Elicit, ElicitationResult, Resolve
from pydantic import BaseModel, Field

POLL = 0.02  # seconds between looks at the signal file


class Name(BaseModel):
    """What `ask_when` asks for."""

    name: str = Field(description="A name")


async def wait_for_file(path: str) -> None:
    """Return once `path` exists (the test's signal, from another process: nothing to await
    but the file itself)."""
    while not os.path.exists(path):  # noqa: ASYNC110, ASYNC240 (a stat, no I/O wait)
        await asyncio.sleep(POLL)


async def _ask(signal: str) -> Elicit[Name]:
    await wait_for_file(signal)
    return Elicit(f"Which name for {Path(signal).name}?", Name)


def build() -> MCPServer:
    """The server and its two tools."""
    server = MCPServer("asking", instructions="Calls that wait for a signal file.")

    @server.tool(structured_output=False)
    def ask_when(signal: str, answer: Annotated[ElicitationResult[Name], Resolve(_ask)]) -> str:
        """Wait for the signal file, then ask for a name and answer with it."""
        if answer.action != "accept":
            return f"{answer.action}d"
        return f"named {answer.data.name}"

    @server.tool(structured_output=False)
    async def finish_when(signal: Annotated[str, Field(description="The signal file")]) -> str:
        """Wait for the signal file, then finish."""
        await wait_for_file(signal)
        return "finished"

    return server


if __name__ == "__main__":
    build().run("stdio")
