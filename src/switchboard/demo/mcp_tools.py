"""The demo MCP server's plain tools: a call with structured output, progress, and failures."""

import asyncio
import contextlib
import os
import re
import time
import warnings
from collections.abc import Iterator
from typing import Annotated

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.shared.exceptions import MCPDeprecationWarning
from mcp_types import ToolAnnotations
from pydantic import Field

READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False)


def register_tools(server: MCPServer) -> None:
    """Add `add` (a plain call with structured output) and `count` (progress and logging)."""

    @server.tool(title="Add two numbers", annotations=READ_ONLY)
    def add(a: int, b: int) -> int:
        """Add two integers; the result also comes back as structured content."""
        return a + b

    @server.tool(
        title="Count with progress",
        annotations=READ_ONLY,
        structured_output=False,
        description="Count to `steps`, one step every `delay` seconds, reporting progress and "
        "logging each step at info level. Cancel it to stop early.",
    )
    async def count(
        ctx: Context,
        steps: Annotated[int, Field(ge=1, le=1000, description="How many steps")] = 10,
        delay: Annotated[float, Field(ge=0, le=10, description="Seconds per step")] = 0.2,
    ) -> str:
        started = time.monotonic()
        for i in range(1, steps + 1):
            await asyncio.sleep(delay)
            await ctx.report_progress(i, steps, f"step {i} of {steps}")
            await _log(ctx, f"count: step {i} of {steps}")
        return f"Counted to {steps} in {time.monotonic() - started:.1f} s."


def register_fault_tools(server: MCPServer, *, stdout_fd: int | None = None) -> None:
    """Add `fail`, `crash` and `garbage`, which misbehave on purpose (`garbage` on stdout_fd)."""

    @server.tool(title="Fail", annotations=READ_ONLY, structured_output=False)
    def fail(
        message: Annotated[str, Field(description="The error text")] = "This tool always fails.",
    ) -> str:
        """Raise an error, so the result comes back with is_error set and `message` as its text."""
        raise ToolError(message)

    @server.tool(
        title="Crash the server",
        annotations=ToolAnnotations(destructive_hint=True, open_world_hint=False),
        structured_output=False,
    )
    def crash() -> str:
        """Exit the server process mid-call (exit code 3), to try reconnecting."""
        os._exit(3)

    @server.tool(title="Garbage on stdout", annotations=READ_ONLY, structured_output=False)
    def garbage() -> str:
        """Write a non-JSON line to stdout (the wire, over stdio), then answer normally."""
        os.write(1 if stdout_fd is None else stdout_fd, b"this line is not JSON-RPC {oops\n")
        return "I wrote a line of garbage to stdout; if you can read this, the client coped."


async def _log(ctx: Context, message: str) -> None:
    """Send an info log message for this request (logging is deprecated in 2026-07-28)."""
    with _deprecated_on_purpose():
        sending = ctx.session.send_log_message(
            "info", message, logger="demo", related_request_id=ctx.request_id
        )
    await sending


@contextlib.contextmanager
def _deprecated_on_purpose() -> Iterator[None]:
    """Silence MCPDeprecationWarning for calls made from this module, inside the block only."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", category=MCPDeprecationWarning, module=re.escape(__name__) + r"\Z"
        )
        yield
