"""Opening an MCP server's transport (stdio, streamable HTTP, SSE) and saying why it failed."""

from __future__ import annotations

import contextlib
import os
import tempfile
import warnings
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path
from typing import Any

import httpx2
from mcp import MCPError, StdioServerParameters
from mcp.client import Client
from mcp.client.sse import sse_client
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import (
    MCP_DEFAULT_SSE_READ_TIMEOUT,
    MCP_DEFAULT_TIMEOUT,
    create_mcp_http_client,
)
from mcp.shared.exceptions import MCPDeprecationWarning

from switchboard.config import McpServerSettings
from switchboard.connections.url_guard import GuardedTransport2, UrlGuard, UrlRefused

STDERR_SHOWN = 64_000


class StderrFile:
    """Where a stdio server's stderr goes (its logs and tracebacks), kept for the UI."""

    def __init__(self) -> None:
        self.path: Path | None = None

    def open(self, stack: contextlib.ExitStack | contextlib.AsyncExitStack) -> Any:
        """The file to hand the server, appended to (created on first use)."""
        if self.path is None:
            handle, name = tempfile.mkstemp(prefix="switchboard-mcp-", suffix=".stderr")
            os.close(handle)
            self.path = Path(name)
        return stack.enter_context(self.path.open("a", encoding="utf-8"))

    def tail(self) -> str:
        """The last `STDERR_SHOWN` bytes, as text."""
        if self.path is None or not self.path.exists():
            return ""
        return self.path.read_bytes()[-STDERR_SHOWN:].decode("utf-8", "replace")

    def remove(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path = None


def transport(
    settings: McpServerSettings,
    stack: contextlib.AsyncExitStack,
    stderr: StderrFile,
    guard: UrlGuard | None = None,
    auth: httpx2.Auth | None = None,
) -> Any:
    """The SDK transport for `settings` (an async context manager of the two streams); over
    HTTP with a `guard`, requests go only where it allows; `auth` signs them in."""
    if settings.transport == "stdio":
        params = StdioServerParameters(
            command=settings.command,
            args=list(settings.args),
            env=dict(settings.env) or None,
            cwd=settings.cwd,
            encoding_error_handler="replace",  # a stray non-UTF-8 byte is noise, not the end
        )
        return stdio_client(params, errlog=stderr.open(stack))
    if settings.transport == "sse":
        factory = partial(guarded_client, guard=guard)
        return sse_client(
            settings.url,
            headers=dict(settings.headers),
            sse_read_timeout=3600,
            httpx_client_factory=factory,
            auth=auth,
        )
    timeout = httpx2.Timeout(30, read=None)
    http = guarded_client(dict(settings.headers), timeout, auth=auth, guard=guard)
    return _owning(http, streamable_http_client(settings.url, http_client=http))


def guarded_client(
    headers: dict[str, str] | None = None,
    timeout: httpx2.Timeout | None = None,
    auth: httpx2.Auth | None = None,
    guard: UrlGuard | None = None,
) -> httpx2.AsyncClient:
    """A client like the SDK's own (its timeouts; redirects left to the SDK, which stays
    within the server's origin), sending only where `guard` allows."""
    if guard is None:
        return create_mcp_http_client(headers, timeout, auth)
    transport = GuardedTransport2(httpx2.AsyncHTTPTransport(), guard)
    timeout = timeout or httpx2.Timeout(MCP_DEFAULT_TIMEOUT, read=MCP_DEFAULT_SSE_READ_TIMEOUT)
    return httpx2.AsyncClient(headers=headers, timeout=timeout, auth=auth, transport=transport)


def describe_failure(exc: BaseException) -> str:
    """The innermost cause of a connection failure (anyio wraps them in groups), in words."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    if isinstance(exc, FileNotFoundError):
        return f"command not found: {exc.filename or exc}"
    if isinstance(exc, MCPError):
        return f"{exc.error.message} (MCP error {exc.error.code})"
    if isinstance(exc, UrlRefused):
        return f"not fetched: {exc}"
    if isinstance(exc, httpx2.ConnectError):
        return "could not connect: is the server running, and is the URL right?"
    if isinstance(exc, httpx2.HTTPError):
        return f"HTTP error: {exc}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


@contextlib.asynccontextmanager
async def _owning(http: httpx2.AsyncClient, inner: Any) -> AsyncIterator[Any]:
    """Enter `inner` and close `http` after it, in the same task."""
    async with http, inner as streams:
        yield streams


async def set_level(client: Client, level: Any) -> None:
    """`logging/setLevel`, which the SDK marks deprecated (the handshake era's way to do it)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MCPDeprecationWarning)
        await client.set_logging_level(level)
