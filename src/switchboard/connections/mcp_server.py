"""One MCP server connection: its owner enters and leaves the session, and reconnects.

The owner enters the transport and `mcp.Client` (anyio cancel scopes must be left by the task
that entered them), lists what the server offers, and holds the session until it is closed or
breaks; then, unless closing, it opens a new one with backoff. Calls run in the caller's task
on the loop: cancelling that task cancels the request (the SDK sends `notifications/cancelled`).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from functools import partial
from typing import Any

import mcp.client.session as mcp_session
import mcp.types as types
from mcp import Client, MCPError
from mcp.client.context import ClientRequestContext
from mcp_types import LOG_LEVEL_META_KEY
from pydantic import ValidationError

from switchboard.config import Limits, McpServerSettings
from switchboard.connections.call_bounds import CallBounds
from switchboard.connections.mcp_auth import ServerAuth, sign_in_first
from switchboard.connections.mcp_convert import (
    TASK_ONLY,
    TASK_ONLY_HINT,
    prompt_messages,
    resource_contents,
    tool_result,
)
from switchboard.connections.mcp_lists import list_everything
from switchboard.connections.mcp_questions import Asking, Interaction, InteractionHandler, Sampler
from switchboard.connections.mcp_sampling import answer_sampling
from switchboard.connections.mcp_session import (
    StderrFile,
    describe_failure,
    guarded_client,
    set_level,
    transport,
)
from switchboard.connections.mcp_subscriptions import Subscriptions
from switchboard.connections.mcp_transport import UNREAD, logged
from switchboard.connections.mcp_url_required import url_required
from switchboard.connections.owner import (
    Backoff,
    Breakage,
    CallError,
    Connection,
    Owner,
    Status,
    cancel_and_wait,
)
from switchboard.connections.redaction import Redactor
from switchboard.connections.replay import Draft, Replayed, replay_mcp
from switchboard.connections.sign_in import Signing
from switchboard.connections.updates import QuestionKind
from switchboard.connections.url_guard import UrlGuard
from switchboard.connections.wire import Direction, WireLog
from switchboard.runtime import EventLog

# The SDK's `auto` era waits up to 10 s for a `server/discover` answer that a legacy server
# may never send; a second is plenty for a server that speaks it. (Read at call time.)
mcp_session.DISCOVER_TIMEOUT_SECONDS = 1.0

MODERN = "2026-07-28"  # the stateless era: no handshake, levels and questions per request
RECONNECT_WAIT = 15.0  # seconds a call waits for a reconnection under way
LOG_LEVELS = ("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency")
BACKOFF = Backoff(first=0.5, most=30.0)

ProgressHandler = Callable[[float, float | None, str | None], Awaitable[None]]


class McpConnection(Connection):
    """A connected MCP server. Every coroutine runs on the background loop."""

    def __init__(
        self,
        settings: McpServerSettings,
        roots: tuple[str, ...] = (),
        limits: Limits | None = None,
        guard: UrlGuard | None = None,
        signing: tuple[Signing, str | None] | None = None,
    ) -> None:
        """`signing`: what sign-ins need, and whose connection this is (None: shared)."""
        self.settings = settings
        self.roots = settings.roots if settings.roots is not None else roots  # its own first
        self.limits = limits or Limits()
        self.guard = guard  # where requests may go (a server entered in the UI)
        self.wire = WireLog(Redactor(settings.secrets, settings.headers.keys()))
        signer, whose = signing or (None, None)
        self.auth = ServerAuth(settings, whose, signer, self.wire.redactor)
        self.logs: EventLog[dict[str, Any]] = EventLog()
        self.protocol_version = ""
        self.server_name = ""
        self.server_version = ""
        self.instructions = ""
        self.tools: list[dict[str, Any]] = []
        self.resources: list[dict[str, Any]] = []
        self.templates: list[dict[str, Any]] = []
        self.prompts: list[dict[str, Any]] = []
        self.list_note = ""  # why a list was cut short, if one was
        self.log_level: Any = "debug"  # from which level the server sends its log messages
        self.asking = Asking(settings.name)
        self.subscriptions = Subscriptions(settings.name, self.wire)  # kept across sessions
        self.stderr = StderrFile()
        self.owner: Owner[Client] = Owner(
            settings.name,
            self._open,
            describe_failure,
            backoff=BACKOFF,
            on_error=self._lost,
            disabled=settings.disabled,
        )

    async def close(self) -> None:
        """Ask the owner to leave its contexts (in its own task) and wait for it."""
        await self.owner.close(Status.DISABLED if self.settings.disabled else Status.CLOSED)
        self.stderr.remove()

    async def call_tool(
        self,
        name: str,
        arguments: dict[str, Any],
        on_progress: ProgressHandler | None = None,
        on_question: InteractionHandler | None = None,
        sampler: Sampler | None = None,
    ) -> dict[str, Any]:
        """Call a tool; progress and the server's questions for this call go to the handlers,
        its sampling requests to `sampler` (None: declined). Bounded as the server's settings
        say (silence, and the whole call: `call_bounds`); cancel the calling task to stop it."""
        if any(t["name"] == name and t["task_only"] for t in self.tools):
            raise CallError(TASK_ONLY.format(name=name), TASK_ONLY_HINT)  # it would refuse
        client = await self.owner.session(RECONNECT_WAIT)
        bounds = CallBounds(self.settings.timeout, self.settings.max_timeout)

        async def asked(interaction: Interaction) -> None:
            bounds.asking(interaction.answer)
            if on_question is not None:
                await on_question(interaction)

        with self.asking.call(asked if on_question else None, sampler):
            sent = client.call_tool(
                name,
                arguments,
                progress_callback=bounds.progress(on_progress),
                meta={LOG_LEVEL_META_KEY: self.log_level},  # 2026-07-28: per request
            )
            try:
                with self._asking(f"tools/call {name}", client):
                    result = await bounds.run(sent)
            except TimeoutError as exc:
                hint = "Raise the server's timeout (or maxTimeout) if it needs longer."
                raise CallError(f"tools/call {name} timed out: {exc}", hint) from exc
        return tool_result(result, self.limits.max_result_bytes)

    async def set_log_level(self, level: str) -> None:
        """From which level the server sends its log messages, kept across reconnects: sent
        as `logging/setLevel` in the handshake era, with each call in the 2026-07-28 era."""
        self.log_level = level
        client = await self.owner.session(RECONNECT_WAIT)
        if self.protocol_version != MODERN and client.server_capabilities.logging is not None:
            with self._asking("logging/setLevel", client):
                await set_level(client, level)

    async def read_resource(self, uri: str) -> list[dict[str, Any]]:
        """A resource's contents (text or base64 bytes, with their media types)."""
        client = await self.owner.session(RECONNECT_WAIT)
        with self._asking(f"resources/read {uri}", client):
            result = await client.read_resource(uri)
        return [resource_contents(contents) for contents in result.contents]

    async def follow(self, uri: str, follow: bool = True) -> None:
        """Subscribe to a resource's updates (or unsubscribe), kept across reconnects."""
        client = await self.owner.session(RECONNECT_WAIT)
        what = f"resources/{'subscribe' if follow else 'unsubscribe'} {uri}"
        with self._asking(what, client):
            await self.subscriptions.change(client, uri, follow)

    async def complete(
        self, ref: dict[str, str], argument: str, value: str, context: dict[str, str] | None = None
    ) -> list[str]:
        """Completion values for a prompt or resource-template argument ([] if unsupported),
        `context` the arguments already filled (a dependent argument's suggestions need them)."""
        client = await self.owner.session(RECONNECT_WAIT)
        if ref["type"] == "prompt":
            reference: Any = types.PromptReference(type="ref/prompt", name=ref["name"])
        else:
            reference = types.ResourceTemplateReference(type="ref/resource", uri=ref["uri"])
        try:
            result = await client.complete(
                reference, {"name": argument, "value": value}, context_arguments=context or None
            )
        except MCPError:
            return []
        return list(result.completion.values)

    async def get_prompt(self, name: str, arguments: dict[str, str]) -> list[dict[str, Any]]:
        """The prompt rendered with `arguments`: its messages (role, part)."""
        client = await self.owner.session(RECONNECT_WAIT)
        with self._asking(f"prompts/get {name}", client):
            result = await client.get_prompt(name, arguments)
        return prompt_messages(result)

    async def replay(self, draft: Draft) -> Replayed:
        """Send a logged request again, as edited, through the session."""
        return await replay_mcp(await self.owner.session(RECONNECT_WAIT), draft)

    async def refresh(self) -> None:
        """List tools, resources, templates and prompts again."""
        await self._refresh(await self.owner.session(RECONNECT_WAIT))

    def asks_person(self) -> bool:
        """Whether the connection waits for the person to sign in."""
        return self.auth.waiting is not None

    @property
    def each_person(self) -> bool:
        return self.auth.each_person

    def sign_out(self) -> None:
        """Forget the tokens and the registered client (the next connect signs in again)."""
        self.auth.sign_out()

    def stderr_text(self) -> str:
        """The tail of a stdio server's stderr (its logs and tracebacks), secrets masked."""
        return self.wire.redactor.text(self.stderr.tail())

    @property
    def target(self) -> str:
        """What it runs or where it is: the command line or the URL, secrets masked."""
        settings = self.settings
        shown = settings.url
        if settings.transport == "stdio":
            shown = " ".join([settings.command, *settings.args])
        return self.wire.redactor.text(shown)

    @contextlib.contextmanager
    def _asking(self, what: str, client: Client) -> Iterator[None]:
        """The server's errors, and answers off the schema, as CallErrors that say what to do."""
        try:
            yield
        except MCPError as exc:
            raise self._call_error(what, exc, client) from exc
        except ValidationError as exc:
            raise CallError(
                f"{self.name}: the answer to {what} is not valid MCP "
                f"({exc.error_count()} problems); the Inspector marks where."
            ) from exc

    def _call_error(self, what: str, exc: MCPError, client: Client) -> CallError:
        if exc.error.code == -32000:  # CONNECTION_CLOSED
            self.owner.broken("the connection closed", client)
            return CallError(
                f"{self.name}: the connection closed during {what}; reconnecting. Try again.",
                transient=True,
            )
        if exc.error.code == -32001:
            return CallError(f"{self.name}: {what} timed out ({exc.error.message}).")
        if (needed := url_required(self.name, what, exc.error)) is not None:
            self.wire.record(Direction.INFO, "URL elicitation required", needed.message)
            return needed
        return CallError(f"{self.name}: {what} failed: {exc.error.message}")

    async def _open(self, stack: contextlib.AsyncExitStack, breakage: Breakage) -> Client:
        """The owner's opening: transport and session, what the server offers, and (2026-07-28)
        the list-change subscription; all on the owner's stack, each phase bounded."""
        await sign_in_first(self.auth, self.settings, partial(guarded_client, guard=self.guard))
        opened = transport(self.settings, stack, self.stderr, self.guard, self.auth.http_auth)
        wrapped = logged(opened, self.wire, breakage)
        client = Client(
            wrapped,
            mode=self.settings.era,
            read_timeout_seconds=None,
            logging_callback=self._on_log,
            message_handler=self._on_message,
            elicitation_callback=self._on_elicit,
            sampling_callback=self._on_sample,
            list_roots_callback=self._on_roots,
            log_level=self.log_level,
        )
        async with self._phase("starting it and saying hello (initialize)"):
            await stack.enter_async_context(client)
        self.protocol_version = self.wire.protocol = client.protocol_version
        info = client.server_info
        self.server_name = info.name if info else ""
        self.server_version = info.version if info else ""
        self.instructions = getattr(client, "instructions", None) or ""
        async with self._phase("listing its tools, resources and prompts"):
            await self._refresh(client)
            if self.protocol_version != MODERN and client.server_capabilities.logging is not None:
                with contextlib.suppress(MCPError):  # its logs keep the server's own level
                    await set_level(client, self.log_level)
        async with self._phase("subscribing to its list changes and followed resources"):
            await self._listen_for_changes(client, stack)
            await self.subscriptions.restore(client, self.protocol_version != MODERN, stack)
        self.wire.record(Direction.INFO, f"ready: protocol {self.protocol_version}")
        return client

    @contextlib.asynccontextmanager
    async def _phase(self, what: str) -> AsyncIterator[None]:
        """One phase of connecting, bounded by the server's connect timeout."""
        limit, started = self.settings.connect_timeout, time.time()
        try:
            async with asyncio.timeout(limit) as bound:
                self.auth.bounding((bound, limit))  # no bound while the person signs in
                try:
                    yield
                finally:
                    self.auth.bounding(None)
        except TimeoutError as exc:
            entries = self.wire.entries.snapshot()
            unread = [e.body for e in entries if e.ts >= started and e.title.endswith(UNREAD)]
            why = f": it sent what could not be read ({unread[-1][:300]})" if unread else ""
            raise CallError(f"{what} took longer than {limit:g} s{why}") from exc

    async def _listen_for_changes(self, client: Client, stack: contextlib.AsyncExitStack) -> None:
        """2026-07-28 servers announce list changes on a `listen` stream (older ones send
        notifications, handled in `_on_message`). Entered on the owner's stack, so the owner
        leaves it; the watcher task is cancelled first."""
        if self.protocol_version != MODERN:
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
            message = f"{type(exc).__name__}: {exc}"
            self.wire.record(Direction.INFO, "no list-change subscription", message)
            return

        async def watch() -> None:
            with contextlib.suppress(Exception):
                async for _change in subscription:
                    await self._refresh(client)

        watcher = asyncio.create_task(watch(), name=f"mcp-listen:{self.name}")
        stack.push_async_callback(cancel_and_wait, watcher)

    async def _refresh(self, client: Client) -> None:
        listed = await list_everything(client)
        self.tools, self.resources, self.templates, self.prompts = listed.entries()
        self.list_note = listed.note
        if self.list_note:
            self.wire.record(Direction.WARNING, "lists cut short", self.list_note)

    def _lost(self, reason: str, was_up: bool) -> None:
        title = "connection lost" if was_up else "connection failed"
        self.wire.record(Direction.ERROR, title, reason)

    async def _on_log(self, params: types.LoggingMessageNotificationParams) -> None:
        entry = {"ts": time.time(), "level": params.level, "logger": params.logger or ""}
        self.logs.append({**entry, "data": params.data})

    async def _on_message(self, message: Any) -> None:
        if isinstance(message, Exception):  # the logged read stream has recorded it already
            return
        changed = (
            types.ToolListChangedNotification
            | types.ResourceListChangedNotification
            | types.PromptListChangedNotification
        )
        client = self.owner.current
        if isinstance(message, changed) and client is not None:
            await self._refresh(client)
        elif isinstance(message, types.ResourceUpdatedNotification):
            self.subscriptions.notified(message.params.uri)

    async def _on_elicit(
        self, context: ClientRequestContext, params: types.ElicitRequestParams
    ) -> types.ElicitResult | types.ErrorData:
        interaction = await self.asking.ask(
            QuestionKind.ELICITATION,
            params.message,
            schema=getattr(params, "requested_schema", None) or {},
            url=getattr(params, "url", "") or "",
        )
        if interaction is None:
            return types.ErrorData(code=-32603, message="No one is there to answer right now.")
        try:
            return await interaction.answer
        finally:
            self.asking.done(interaction)

    async def _on_sample(
        self, context: ClientRequestContext, params: types.CreateMessageRequestParams
    ) -> types.CreateMessageResult | types.ErrorData:
        return await answer_sampling(self.asking, params)

    async def _on_roots(self, context: ClientRequestContext) -> types.ListRootsResult:
        return types.ListRootsResult(roots=[types.Root(uri=uri) for uri in self.roots])
