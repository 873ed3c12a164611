"""One MCP server connection: an owner task enters and exits its session, and reconnects.

The owner task enters the transport and `mcp.Client` contexts, refreshes the server's lists,
and waits until it is closed or the connection breaks; then it exits them itself (anyio cancel
scopes must be left by the task that entered them) and, unless closing, reconnects with
backoff. Calls run in the caller's task on the loop: cancelling that task cancels the request
(the SDK sends `notifications/cancelled`).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import mcp.client.session as mcp_session
import mcp.types as types
from mcp import Client, MCPError, StdioServerParameters
from mcp.client.context import ClientRequestContext
from mcp.client.sse import sse_client
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

from switchboard.config import McpServerSettings
from switchboard.connections.mcp_convert import (
    prompt_entry,
    prompt_messages,
    resource_contents,
    resource_entry,
    template_entry,
    tool_entry,
    tool_result,
)
from switchboard.connections.mcp_transport import logged
from switchboard.connections.redaction import Redactor
from switchboard.connections.wire import WireLog
from switchboard.runtime import EventLog

# The SDK's `auto` era waits up to 10 s for a `server/discover` answer that a legacy server
# may never send; a second is plenty for a server that speaks it. (Read at call time.)
mcp_session.DISCOVER_TIMEOUT_SECONDS = 1.0

MAX_BACKOFF = 30.0
RECONNECT_WAIT = 15.0  # seconds a call waits for a reconnection under way
STDERR_SHOWN = 64_000
LOG_LEVELS = ("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency")

ProgressHandler = Callable[[float, float | None, str | None], Awaitable[None]]


class McpCallError(Exception):
    """A request to the server failed; `str()` says what happened and what to do."""


@dataclass
class Interaction:
    """A server's request for the person (elicitation or sampling), waiting for an answer."""

    id: str
    kind: str
    server: str
    message: str
    schema: dict[str, Any] = field(default_factory=dict)
    url: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    answer: asyncio.Future[types.ElicitResult | types.ErrorData] | None = field(
        default=None, repr=False
    )

    def describe(self) -> dict[str, Any]:
        """The question as plain data for the conversation log."""
        return {
            "id": self.id,
            "kind": self.kind,
            "server": self.server,
            "message": self.message,
            "schema": self.schema,
            "url": self.url,
            "details": self.details,
        }


InteractionHandler = Callable[[Interaction], Awaitable[None]]
# Answers a sampling request (plain data in, {"text", "model", "stop_reason"} out) with a model.
Sampler = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


class McpConnection:
    """A connected MCP server. Every method runs on the background loop."""

    def __init__(self, settings: McpServerSettings, roots: tuple[str, ...] = ()) -> None:
        self.settings = settings
        self.roots = roots
        self.wire = WireLog(Redactor(settings.secrets, settings.headers.keys()))
        self.logs: EventLog[dict[str, Any]] = EventLog()
        self.status = "disabled" if settings.disabled else "idle"
        self.error = ""
        self.protocol_version = ""
        self.server_name = ""
        self.server_version = ""
        self.instructions = ""
        self.tools: list[dict[str, Any]] = []
        self.resources: list[dict[str, Any]] = []
        self.templates: list[dict[str, Any]] = []
        self.prompts: list[dict[str, Any]] = []
        self.sampler: Sampler | None = None  # None: sampling requests are declined
        self._client: Client | None = None
        self._owner: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self._connected = asyncio.Event()
        self._closing = asyncio.Event()
        self._broken = asyncio.Event()
        self._handlers: list[InteractionHandler] = []
        self._ids = itertools.count(1)
        self._stderr_path: Path | None = None

    @property
    def name(self) -> str:
        return self.settings.name

    async def connect(self) -> None:
        """Start the owner task if needed and wait for the first connection attempt's outcome."""
        if self.settings.disabled:
            return
        if self._owner is None or self._owner.done():
            self._ready = asyncio.Event()
            self._closing = asyncio.Event()
            self.status, self.error = "connecting", ""
            self._owner = asyncio.create_task(self._own(), name=f"mcp-owner:{self.name}")
        await self._ready.wait()

    async def close(self) -> None:
        """Ask the owner task to leave its contexts (in its own task) and wait for it."""
        owner = self._owner
        if owner is not None and not owner.done():
            self._closing.set()
            await asyncio.wait({owner})
        self.status = "disabled" if self.settings.disabled else "closed"
        if self._stderr_path is not None:
            self._stderr_path.unlink(missing_ok=True)
            self._stderr_path = None

    async def call_tool(
        self,
        name: str,
        arguments: dict[str, Any],
        on_progress: ProgressHandler | None = None,
        on_interaction: InteractionHandler | None = None,
    ) -> dict[str, Any]:
        """Call a tool; progress and the server's questions go to the handlers. No timeout
        unless the server's settings give one; cancel the calling task to stop it."""
        client = await self._require_client()
        if on_interaction is not None:
            self._handlers.append(on_interaction)
        try:
            result = await client.call_tool(
                name,
                arguments,
                read_timeout_seconds=self.settings.timeout,
                progress_callback=on_progress,
            )
        except MCPError as exc:
            raise self._call_error(f"tools/call {name}", exc) from exc
        finally:
            if on_interaction is not None:
                self._handlers.remove(on_interaction)
        return tool_result(result)

    async def read_resource(self, uri: str) -> list[dict[str, Any]]:
        """A resource's contents (text or base64 bytes, with their media types)."""
        client = await self._require_client()
        try:
            result = await client.read_resource(uri)
        except MCPError as exc:
            raise self._call_error(f"resources/read {uri}", exc) from exc
        return [resource_contents(contents) for contents in result.contents]

    async def complete(self, ref: dict[str, str], argument: str, value: str) -> list[str]:
        """Completion values for a prompt or resource-template argument ([] if unsupported)."""
        client = await self._require_client()
        if ref["type"] == "prompt":
            reference: Any = types.PromptReference(type="ref/prompt", name=ref["name"])
        else:
            reference = types.ResourceTemplateReference(type="ref/resource", uri=ref["uri"])
        try:
            result = await client.complete(reference, {"name": argument, "value": value})
        except MCPError:
            return []
        return list(result.completion.values)

    async def get_prompt(self, name: str, arguments: dict[str, str]) -> list[dict[str, Any]]:
        """The prompt rendered with `arguments`: its messages (role, part)."""
        client = await self._require_client()
        try:
            result = await client.get_prompt(name, arguments)
        except MCPError as exc:
            raise self._call_error(f"prompts/get {name}", exc) from exc
        return prompt_messages(result)

    async def refresh(self) -> None:
        """List tools, resources, templates and prompts again."""
        client = await self._require_client()
        await self._refresh(client)

    def answer(
        self, interaction: Interaction, action: str, content: dict[str, Any] | None = None
    ) -> None:
        """Answer a pending question: accept (with content), decline or cancel (on the loop)."""
        if interaction.answer is not None and not interaction.answer.done():
            accepted = content if action == "accept" else None
            interaction.answer.set_result(types.ElicitResult(action=action, content=accepted))

    def stderr_text(self) -> str:
        """The tail of a stdio server's stderr (its logs and tracebacks)."""
        if self._stderr_path is None or not self._stderr_path.exists():
            return ""
        data = self._stderr_path.read_bytes()[-STDERR_SHOWN:]
        return data.decode("utf-8", "replace")

    def describe(self) -> dict[str, Any]:
        """Connection facts for the UI (no secrets)."""
        target = (
            " ".join([self.settings.command, *self.settings.args])
            if self.settings.transport == "stdio"
            else self.settings.url
        )
        return {
            "name": self.name,
            "transport": self.settings.transport,
            "target": self.wire.redactor.text(target),
            "status": self.status,
            "error": self.error,
            "protocol": self.protocol_version,
            "server": f"{self.server_name} {self.server_version}".strip(),
            "era": self.settings.era,
        }

    async def _require_client(self) -> Client:
        if self._client is None and self.status in ("idle", "closed"):
            await self.connect()
        if self._client is None and self.status in ("connecting", "reconnecting"):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._connected.wait(), RECONNECT_WAIT)
        if self._client is None:
            reason = self.error or f"the server is {self.status}"
            raise McpCallError(f"{self.name} is not connected: {reason}.")
        return self._client

    def _call_error(self, what: str, exc: MCPError) -> McpCallError:
        if exc.error.code == -32000:  # CONNECTION_CLOSED
            self._mark_broken("the connection closed")
            return McpCallError(
                f"{self.name}: the connection closed during {what}; reconnecting. Try again."
            )
        if exc.error.code == -32001:
            return McpCallError(f"{self.name}: {what} timed out ({exc.error.message}).")
        return McpCallError(f"{self.name}: {what} failed: {exc.error.message}")

    async def _own(self) -> None:
        delay = 0.5
        while not self._closing.is_set():
            self._broken = asyncio.Event()
            try:
                async with contextlib.AsyncExitStack() as stack:
                    client = await stack.enter_async_context(self._new_client(stack))
                    await self._adopt(client)
                    await self._listen_for_changes(client, stack)
                    self._connected.set()
                    self._ready.set()
                    delay = 0.5
                    closing = asyncio.ensure_future(self._closing.wait())
                    broken = asyncio.ensure_future(self._broken.wait())
                    try:
                        await asyncio.wait({closing, broken}, return_when=asyncio.FIRST_COMPLETED)
                    finally:
                        closing.cancel()
                        broken.cancel()
                        self._client = None
            except asyncio.CancelledError:
                if self._closing.is_set() or _cancelled_from_outside():
                    raise
                self._lost("the connection dropped")  # the transport cancelled our body
            except BaseException as exc:
                self._lost(describe_failure(exc))
            else:
                if not self._closing.is_set():
                    self._lost("the server closed the connection")
            finally:
                self._ready.set()
            if self._closing.is_set():
                break
            await _sleep_unless(self._closing, delay)
            delay = min(delay * 2, MAX_BACKOFF)
        self._client = None

    def _new_client(self, stack: contextlib.AsyncExitStack) -> Client:
        return Client(
            logged(self._transport(stack), self.wire, self._broken),
            mode=self.settings.era,
            read_timeout_seconds=None,
            logging_callback=self._on_log,
            message_handler=self._on_message,
            elicitation_callback=self._on_elicit,
            sampling_callback=self._on_sample,
            list_roots_callback=self._on_roots,
            log_level="debug",
        )

    def _transport(self, stack: contextlib.AsyncExitStack) -> Any:
        settings = self.settings
        if settings.transport == "stdio":
            if self._stderr_path is None:
                handle, name = tempfile.mkstemp(prefix="switchboard-mcp-", suffix=".stderr")
                os.close(handle)
                self._stderr_path = Path(name)
            errlog = stack.enter_context(self._stderr_path.open("a", encoding="utf-8"))
            params = StdioServerParameters(
                command=settings.command,
                args=list(settings.args),
                env=dict(settings.env) or None,
                cwd=settings.cwd,
            )
            return stdio_client(params, errlog=errlog)
        if settings.transport == "sse":
            return sse_client(settings.url, headers=dict(settings.headers), sse_read_timeout=3600)
        http = httpx2.AsyncClient(
            headers=dict(settings.headers), timeout=httpx2.Timeout(30, read=None)
        )
        return _owning(http, streamable_http_client(settings.url, http_client=http))

    async def _adopt(self, client: Client) -> None:
        self.protocol_version = client.protocol_version
        info = client.server_info
        self.server_name = info.name if info else ""
        self.server_version = info.version if info else ""
        self.instructions = getattr(client, "instructions", None) or ""
        await self._refresh(client)
        self._client = client
        self.status, self.error = "ready", ""
        self.wire.record("info", f"ready: protocol {self.protocol_version}")

    async def _listen_for_changes(self, client: Client, stack: contextlib.AsyncExitStack) -> None:
        """2026-07-28 servers announce list changes on a `listen` stream (older ones send
        notifications, handled in `_on_message`). Entered on the owner's stack, so the owner
        leaves it; the watcher task is cancelled first."""
        if self.protocol_version != "2026-07-28":
            return
        try:
            subscription = await stack.enter_async_context(
                client.listen(
                    tools_list_changed=True,
                    prompts_list_changed=True,
                    resources_list_changed=True,
                )
            )
        except Exception as exc:  # the server does not offer it: lists stay as listed
            self.wire.record("info", "no list-change subscription", f"{type(exc).__name__}: {exc}")
            return

        async def watch() -> None:
            with contextlib.suppress(Exception):
                async for _change in subscription:
                    await self._refresh(client)

        watcher = asyncio.create_task(watch(), name=f"mcp-listen:{self.name}")
        stack.push_async_callback(_cancel_and_wait, watcher)

    async def _refresh(self, client: Client) -> None:
        capabilities, fresh = client.server_capabilities, "refresh"  # never a cached list
        if capabilities.tools is not None:
            tools = (await client.list_tools(cache_mode=fresh)).tools
            self.tools = [tool_entry(t) for t in tools]
        if capabilities.resources is not None:
            resources = (await client.list_resources(cache_mode=fresh)).resources
            self.resources = [resource_entry(r) for r in resources]
            templates = (await client.list_resource_templates(cache_mode=fresh)).resource_templates
            self.templates = [template_entry(t) for t in templates]
        if capabilities.prompts is not None:
            prompts = (await client.list_prompts(cache_mode=fresh)).prompts
            self.prompts = [prompt_entry(p) for p in prompts]

    def _mark_broken(self, reason: str) -> None:
        """A call found the connection dead: stop using it now; the owner reconnects."""
        self._client = None
        self._connected.clear()
        self.status, self.error = "reconnecting", reason
        self._broken.set()

    def _lost(self, reason: str) -> None:
        self._client = None
        self._connected.clear()
        first = self.status == "connecting"  # never connected yet: a failure, not a loss
        self.status, self.error = ("failed" if first else "reconnecting"), reason
        self.wire.record("error", "connection lost" if not first else "connection failed", reason)

    async def _on_log(self, params: types.LoggingMessageNotificationParams) -> None:
        self.logs.append(
            {
                "ts": time.time(),
                "level": params.level,
                "logger": params.logger or "",
                "data": params.data,
            }
        )

    async def _on_message(self, message: Any) -> None:
        if isinstance(message, Exception):
            self.wire.record("error", "transport", f"{type(message).__name__}: {message}")
            return
        if (
            isinstance(
                message,
                types.ToolListChangedNotification
                | types.ResourceListChangedNotification
                | types.PromptListChangedNotification,
            )
            and self._client is not None
        ):
            await self._refresh(self._client)

    async def _on_elicit(
        self, context: ClientRequestContext, params: types.ElicitRequestParams
    ) -> types.ElicitResult | types.ErrorData:
        if not self._handlers:
            return types.ErrorData(code=-32603, message="No one is there to answer right now.")
        interaction = Interaction(
            id=f"{self.name}-{next(self._ids)}",
            kind="elicitation",
            server=self.name,
            message=params.message,
            schema=getattr(params, "requested_schema", None) or {},
            url=getattr(params, "url", "") or "",
            answer=asyncio.get_running_loop().create_future(),
        )
        await self._handlers[-1](interaction)
        assert interaction.answer is not None
        return await interaction.answer

    async def _on_sample(
        self, context: ClientRequestContext, params: types.CreateMessageRequestParams
    ) -> types.CreateMessageResult | types.ErrorData:
        """Sampling: the person approves the request in the chat, then the model answers it."""
        if self.sampler is None:
            return types.ErrorData(
                code=-32600, message="Sampling is declined: no LLM is configured in Switchboard."
            )
        if not self._handlers:
            return types.ErrorData(
                code=-32600, message="Sampling is declined: no one is there to approve it."
            )
        request = sampling_request(params)
        interaction = Interaction(
            id=f"{self.name}-{next(self._ids)}",
            kind="sampling",
            server=self.name,
            message="wants the model to answer this request. Approve to send it to the model.",
            details=request,
            answer=asyncio.get_running_loop().create_future(),
        )
        await self._handlers[-1](interaction)
        assert interaction.answer is not None
        decision = await interaction.answer
        if not isinstance(decision, types.ElicitResult) or decision.action != "accept":
            return types.ErrorData(code=-1, message="The person declined the sampling request.")
        try:
            answer = await self.sampler(request)
        except Exception as exc:  # the model failed: the server gets the reason
            return types.ErrorData(code=-32603, message=f"The model could not answer: {exc}")
        return types.CreateMessageResult(
            role="assistant",
            content=types.TextContent(type="text", text=answer["text"]),
            model=answer["model"],
            stop_reason=answer.get("stop_reason") or "endTurn",
        )

    async def _on_roots(self, context: ClientRequestContext) -> types.ListRootsResult:
        return types.ListRootsResult(roots=[types.Root(uri=uri) for uri in self.roots])


def sampling_request(params: types.CreateMessageRequestParams) -> dict[str, Any]:
    """A sampling request as plain data: messages (role, text), system prompt, limits, hints."""
    messages = []
    for message in params.messages:
        blocks = message.content if isinstance(message.content, list) else [message.content]
        text = "".join(
            b.text if isinstance(b, types.TextContent) else f"[{b.type}]" for b in blocks
        )
        messages.append({"role": message.role, "text": text})
    hints = params.model_preferences.hints if params.model_preferences else None
    return {
        "messages": messages,
        "system_prompt": params.system_prompt or "",
        "max_tokens": params.max_tokens,
        "temperature": params.temperature,
        "stop": list(params.stop_sequences or []),
        "model_hints": [h.name for h in hints or [] if h.name],
    }


def describe_failure(exc: BaseException) -> str:
    """The innermost cause of a connection failure (anyio wraps them in groups), in words."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    if isinstance(exc, FileNotFoundError):
        return f"command not found: {exc.filename or exc}"
    if isinstance(exc, MCPError):
        return f"{exc.error.message} (MCP error {exc.error.code})"
    if isinstance(exc, httpx2.ConnectError):
        return "could not connect: is the server running, and is the URL right?"
    if isinstance(exc, httpx2.HTTPError):
        return f"HTTP error: {exc}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


@contextlib.asynccontextmanager
async def _owning(http: httpx2.AsyncClient, transport: Any) -> Any:
    """Enter `transport` and close `http` after it, in the same task."""
    async with http, transport as streams:
        yield streams


async def _cancel_and_wait(task: asyncio.Task[None]) -> None:
    task.cancel()
    await asyncio.wait({task})


async def _sleep_unless(event: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)


def _cancelled_from_outside() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
