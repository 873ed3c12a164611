"""The embedded demo: the bundled demo agent served on the loop, the demo MCP server over stdio."""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import Coroutine
from typing import Any

from switchboard.config import AgentSettings, McpServerSettings
from switchboard.runtime import Runtime

DEMO_AGENT_NAME = "Demo Agent"
DEMO_MCP_NAME = "Demo MCP"
DEMO_MCP = McpServerSettings(
    DEMO_MCP_NAME, "stdio", sys.executable, ("-m", "switchboard", "demo-mcp", "--background")
)


class EmbeddedDemo:
    """The demo agent on a free loopback port, served by a task of the loop."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._task: asyncio.Task[None] | None = None
        self.url = ""

    def start(self) -> AgentSettings:
        """Serve the demo agent; the settings to connect to it."""
        from switchboard.demo.agent import serve  # the demo server is only loaded when used

        sock = socket.socket()
        # Accepted connections inherit it: stream events are not held back by delayed ACKs.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self._task = self._runtime.call(_spawn(serve(sock)), timeout=10)
        return AgentSettings(name=DEMO_AGENT_NAME, url=self.url)

    async def stop(self) -> None:
        """On the loop: stop serving (open streams end at once)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.wait({self._task})


async def _spawn(coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
    """Start `coro` as a task of the loop and hand back the task itself (cancelling a
    concurrent future would not wait for the task to finish)."""
    return asyncio.create_task(coro)
