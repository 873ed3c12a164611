"""One A2A agent connection: an owner task holds its HTTP and SDK clients for the app's lifetime.

The owner task enters the `httpx.AsyncClient` context, fetches the card, builds the SDK client,
and waits; on close it exits them itself. Streams are consumed by the caller's task (a chat
turn) and closed there, so cancelling that task is "stop listening" and never touches the
agent's task; `cancel_task` is the separate CancelTask call.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import time
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from typing import Any

import httpx
from a2a.client import A2AClientError, A2AClientTimeoutError, ClientConfig, ClientFactory
from a2a.client.client import Client
from a2a.helpers import new_message, new_raw_part, new_text_part
from a2a.types import (
    CancelTaskRequest,
    GetTaskRequest,
    Part,
    Role,
    SendMessageRequest,
    StreamResponse,
    SubscribeToTaskRequest,
)
from a2a.utils.errors import (
    A2AError,
    InternalError,
    TaskNotCancelableError,
    TaskNotFoundError,
    UnsupportedOperationError,
)

from switchboard.config import AgentSettings
from switchboard.connections.a2a_convert import task_update, to_updates
from switchboard.connections.cards import CardError, CardInfo, fetch_card, prefer_interfaces
from switchboard.connections.http import make_http_client, origin_of
from switchboard.connections.redaction import Redactor
from switchboard.connections.updates import SETTLED, TERMINAL, Update, notice
from switchboard.connections.wire import WireLog

BINDINGS = ["JSONRPC", "HTTP+JSON"]
RESUME_ATTEMPTS = 8
MAX_BACKOFF = 8.0
POLL_INTERVAL = 1.0


class AgentCallError(Exception):
    """A call to the agent failed. `transient` errors (network, timeouts) are worth retrying."""

    def __init__(self, message: str, hint: str = "", transient: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.transient = transient


class AgentConnection:
    """A connected A2A agent. Every method runs on the background loop."""

    def __init__(self, settings: AgentSettings) -> None:
        self.settings = settings
        self.wire = WireLog(Redactor(settings.headers.values(), settings.headers.keys()))
        self.status = "idle"  # idle → connecting → ready | failed; closed
        self.resume_attempts = RESUME_ATTEMPTS
        self.error = ""
        self.card: CardInfo | None = None
        self.endpoint = ""
        self.protocol = ""
        self._client: Client | None = None
        self._owner: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self._closing = asyncio.Event()

    @property
    def name(self) -> str:
        return self.settings.name

    @property
    def streaming(self) -> bool:
        """True when the agent's card says it streams."""
        return bool(self.card and self.card.streaming)

    async def connect(self) -> None:
        """Start the owner task (again, after a failure or close) and wait until it is ready or
        has failed; `status` and `error` say which."""
        if self._owner is not None and not self._owner.done():
            await self._ready.wait()
            return
        self._ready = asyncio.Event()
        self._closing = asyncio.Event()
        self.status, self.error = "connecting", ""
        self._owner = asyncio.create_task(self._own(), name=f"agent-owner:{self.name}")
        await self._ready.wait()

    async def close(self) -> None:
        """Ask the owner task to exit its contexts, and wait for it."""
        owner = self._owner
        if owner is None or owner.done():
            self.status = "closed"
            return
        self._closing.set()
        await asyncio.wait({owner})
        self.status = "closed"

    async def converse(
        self,
        text: str,
        context_id: str | None = None,
        task_id: str | None = None,
        attachments: Sequence[dict[str, Any]] = (),
    ) -> AsyncIterator[Update]:
        """Send one user message (attached resources go as further parts) and yield what
        happens until the task settles (terminal or interrupted). A stream that ends early is
        resumed: resubscribe, else poll."""
        client = await self._require_client()
        parts = [new_text_part(text), *(attachment_part(a) for a in attachments)]
        message = new_message(parts, role=Role.ROLE_USER, context_id=context_id, task_id=task_id)
        tracker = _Tracker(task_id)
        self.wire.record("info", f"send message ({'stream' if self.streaming else 'blocking'})")
        try:
            request = client.send_message(SendMessageRequest(message=message))
            async with contextlib.aclosing(self._updates(request, task_id)) as updates:
                async for update in updates:
                    tracker.see(update)
                    yield update
        except AgentCallError as error:
            if not tracker.task_id:
                raise
            if not error.transient:
                # The stream failed but the task exists: show how the agent left it.
                with contextlib.suppress(AgentCallError):
                    yield await self.get_task(tracker.task_id)
                raise
            yield notice(f"The stream dropped ({error.message}); reconnecting…", "warning")
        if tracker.task_id and not tracker.settled:
            async with contextlib.aclosing(self.follow(tracker.task_id)) as updates:
                async for update in updates:
                    yield update

    async def follow(self, task_id: str) -> AsyncIterator[Update]:
        """Yield a task's updates until it settles: a snapshot first (GetTask), then
        SubscribeToTask, or polling when the agent does not stream. Transient failures retry
        with backoff; a final snapshot makes sure nothing was missed between reconnects."""
        tracker = _Tracker(task_id)
        failures, delay = 0, 0.5
        while not tracker.settled:
            try:
                snapshot = await self.get_task(task_id)
                tracker.see(snapshot)
                yield snapshot
                if tracker.settled:
                    return
                if not self.streaming:
                    await asyncio.sleep(POLL_INTERVAL)
                    continue
                client = await self._require_client()
                request = client.subscribe(SubscribeToTaskRequest(id=task_id))
                async with contextlib.aclosing(self._updates(request, task_id)) as updates:
                    async for update in updates:
                        tracker.see(update)
                        yield update
                failures, delay = 0, 0.5
            except AgentCallError as error:
                if not error.transient:
                    raise
                if failures >= self.resume_attempts:
                    raise AgentCallError(
                        f"Lost the connection to the agent ({error.message}) and could not get "
                        f"it back after {failures} attempts.",
                        hint="The task may still be running on the agent: press Resume to "
                        "listen again once it is reachable, or Cancel task.",
                    ) from error
                failures += 1
                yield notice(
                    f"Lost the connection to the agent ({error.message}); retrying in "
                    f"{delay:g} s (attempt {failures} of {self.resume_attempts}).",
                    "warning",
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF)
        yield await self.get_task(task_id)

    async def get_task(self, task_id: str) -> Update:
        """The task as the agent has it now (a `task` snapshot update)."""
        client = await self._require_client()
        try:
            task = await client.get_task(GetTaskRequest(id=task_id))
        except A2AError as exc:
            raise call_error(exc, task_id) from exc
        self.wire.record("event", f"GetTask {task_id}", task)
        return task_update(task)

    async def cancel_task(self, task_id: str) -> Update:
        """CancelTask; the returned snapshot shows the task's state after the request."""
        client = await self._require_client()
        try:
            task = await client.cancel_task(CancelTaskRequest(id=task_id))
        except A2AError as exc:
            error = call_error(exc, task_id)
            if not isinstance(exc, TaskNotCancelableError) and not error.transient:
                # Some transports (0.3 HTTP+JSON) send a bare 400: ask the task how it is.
                with contextlib.suppress(AgentCallError):
                    if (await self.get_task(task_id)).data["state"] in TERMINAL:
                        error = call_error(TaskNotCancelableError(), task_id)
            raise error from exc
        self.wire.record("event", f"CancelTask {task_id}", task)
        return task_update(task)

    def describe(self) -> dict[str, Any]:
        """Connection facts for the UI (no secrets)."""
        return {
            "name": self.name,
            "url": self.settings.url,
            "status": self.status,
            "error": self.error,
            "endpoint": self.endpoint,
            "protocol": self.protocol,
            "headers": sorted(self.settings.headers),
        }

    async def _require_client(self) -> Client:
        if self._client is None:
            await self.connect()
        if self._client is None:
            raise AgentCallError(
                f"Not connected to {self.name}: {self.error or 'the connection is closed'}",
                hint="Fix the agent's URL or headers on the Agents page, then reconnect.",
            )
        return self._client

    async def _updates(
        self, events: AsyncGenerator[StreamResponse, None], task_id: str | None
    ) -> AsyncIterator[Update]:
        """The updates of one SDK stream, logged to the wire; SDK errors become AgentCallError.
        The stream is closed here, in the consuming task."""
        try:
            async with contextlib.aclosing(events) as stream:
                async for event in stream:
                    self.wire.record("event", f"stream event: {event.WhichOneof('payload')}", event)
                    for update in to_updates(event):
                        yield update
        except A2AError as exc:
            raise call_error(exc, task_id) from exc

    async def _own(self) -> None:
        started = time.monotonic()
        try:
            async with make_http_client(
                self.settings.url, self.settings.headers, self.wire
            ) as http:
                card, info = await fetch_card(http, self.settings.url)
                card = prefer_interfaces(card, self.settings.binding, self.settings.version)
                factory = ClientFactory(
                    ClientConfig(
                        httpx_client=http, streaming=True, supported_protocol_bindings=BINDINGS
                    )
                )
                client = factory.create(card)
                self.card, self._client = info, client
                self._describe_endpoint(client, card)
                self.status = "ready"
                self.wire.record(
                    "info",
                    f"connected in {1000 * (time.monotonic() - started):.0f} ms via "
                    f"{self.protocol} at {self.endpoint}",
                )
                self._ready.set()
                try:
                    await self._closing.wait()
                finally:
                    self._client = None
                    await client.close()
        except CardError as exc:
            self._fail(str(exc))
        except ValueError as exc:  # the factory: no interface this client supports
            self._fail(f"The agent's card offers no interface Switchboard can use: {exc}")
        except A2AError as exc:
            self._fail(call_error(exc, None).message)
        finally:
            if self.status != "failed":
                self.status = "closed"
            self._client = None
            self._ready.set()

    def _fail(self, message: str) -> None:
        self.status, self.error = "failed", message
        self.wire.record("error", "connection failed", message)

    def _describe_endpoint(self, client: Client, card: Any) -> None:
        transport = getattr(client, "_transport", None)
        chosen = next(
            (
                i
                for i in card.supported_interfaces
                if i.protocol_binding in BINDINGS and getattr(transport, "url", i.url) == i.url
            ),
            card.supported_interfaces[0],
        )
        self.endpoint = chosen.url
        self.protocol = f"{chosen.protocol_binding} {chosen.protocol_version or '0.3'}"
        if origin_of(chosen.url) != origin_of(self.settings.url) and self.settings.headers:
            self.wire.record(
                "info",
                f"the card's endpoint {chosen.url} is on another host than {self.settings.url}: "
                "the configured headers are not sent there",
            )


class _Tracker:
    """Follows the task id and state across updates to know when a task has settled."""

    def __init__(self, task_id: str | None) -> None:
        self.task_id = task_id
        self.state = ""
        self.replied = False

    @property
    def settled(self) -> bool:
        return self.state in SETTLED or (self.replied and not self.task_id)

    def see(self, update: Update) -> None:
        if update.kind == "message":
            self.replied = True
        self.task_id = update.data.get("task_id") or self.task_id
        self.state = update.data.get("state") or self.state


def call_error(exc: Exception, task_id: str | None) -> AgentCallError:
    """Map an SDK error to a message a person can act on."""
    task = f"task {task_id}" if task_id else "the task"
    if isinstance(exc, A2AClientTimeoutError):
        return AgentCallError("the agent did not answer in time", transient=True)
    if isinstance(exc, TaskNotFoundError):
        return AgentCallError(
            f"The agent no longer knows {task}.",
            hint="It may have restarted without keeping its tasks; send the message again.",
        )
    if isinstance(exc, TaskNotCancelableError):
        return AgentCallError(
            f"{task.capitalize()} has already finished, so there is nothing to cancel."
        )
    if isinstance(exc, UnsupportedOperationError):
        return AgentCallError(
            f"The agent refused: {exc.message or 'unsupported operation'}.",
            hint="A finished task takes no more messages: start a new conversation.",
        )
    if isinstance(exc, InternalError):
        return AgentCallError(f"The agent reported an internal error: {exc.message}")
    if isinstance(exc, A2AClientError):
        cause = exc.__cause__
        if isinstance(cause, httpx.TransportError):
            return AgentCallError(f"network error: {cause or type(cause).__name__}", transient=True)
        if isinstance(cause, httpx.HTTPStatusError) and cause.response.status_code in (
            502,
            503,
            504,
        ):
            return AgentCallError(f"HTTP {cause.response.status_code}", transient=True)
        if isinstance(cause, httpx.HTTPStatusError) and cause.response.status_code in (401, 403):
            return AgentCallError(
                f"The agent answered {cause.response.status_code}: it wants credentials.",
                hint="Add or fix its Authorization or API-key header on the Agents page.",
            )
        if isinstance(cause, httpx.HTTPStatusError):
            return AgentCallError(
                f"The agent answered HTTP {cause.response.status_code}: "
                f"{body_message(cause.response) or error_text(exc)}"
            )
        return AgentCallError(f"The agent answered with an error: {error_text(exc)}")
    message = getattr(exc, "message", "") or str(exc) or type(exc).__name__
    return AgentCallError(f"{type(exc).__name__}: {message}")


def error_text(exc: A2AError) -> str:
    """The agent's own words from an error: the `message` of a JSON error body when there is
    one (REST agents answer `{"error": {"code", "status", "message"}}`), else the SDK's text."""
    text = exc.message or str(exc)
    start = text.find("{")
    if start >= 0:
        with contextlib.suppress(ValueError):
            body = json.loads(text[start:])
            error = body.get("error", body) if isinstance(body, dict) else {}
            if isinstance(error, dict) and error.get("message"):
                status = error.get("status") or error.get("code") or ""
                return f"{error['message']} ({status})" if status else str(error["message"])
    return text


def body_message(response: httpx.Response) -> str:
    """The message in a JSON error body (`{"error": {"message"}}`, `{"message"}`, `{"error"}`)."""
    with contextlib.suppress(Exception):
        body = response.json()
        error = body.get("error", body) if isinstance(body, dict) else body
        if isinstance(error, dict):
            return str(error.get("message") or error.get("detail") or "")
        if isinstance(error, str):
            return error
    return ""


def attachment_part(attachment: dict[str, Any]) -> Part:
    """An attached resource as a message part: its text with its media type, or its bytes."""
    name = attachment.get("uri", "").rsplit("/", 1)[-1]
    media_type = attachment.get("media_type") or ""
    if "bytes" in attachment:
        data = base64.b64decode(attachment["bytes"])
        return new_raw_part(data, media_type=media_type, filename=name)
    return new_text_part(attachment.get("text", ""), media_type=media_type or "text/plain")
