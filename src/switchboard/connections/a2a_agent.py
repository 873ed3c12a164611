"""One A2A agent connection: its owner holds the HTTP and SDK clients for the app's lifetime.

The owner enters the `httpx.AsyncClient`, fetches the card and builds the SDK client; on close
it leaves them itself. Streams are consumed by the caller's task (a chat turn) and closed
there, so cancelling that task is "stop listening" and never touches the agent's task;
`cancel_task` is the separate CancelTask call.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from typing import Any

import httpx
from a2a.client import ClientConfig, ClientFactory
from a2a.client.client import Client
from a2a.helpers import new_message, new_text_part
from a2a.types import (
    AgentCard,
    CancelTaskRequest,
    GetTaskRequest,
    Role,
    SendMessageRequest,
    StreamResponse,
    SubscribeToTaskRequest,
)
from a2a.utils.errors import A2AError, TaskNotCancelableError
from google.protobuf.json_format import ParseError

from switchboard.config import AgentSettings, Limits
from switchboard.connections.a2a_convert import attachment_part, task_update, to_updates
from switchboard.connections.a2a_errors import call_error
from switchboard.connections.a2a_extended import extended_card
from switchboard.connections.a2a_oauth import signed_in
from switchboard.connections.a2a_person import PersonSignIn, Prompt
from switchboard.connections.a2a_retries import Retries
from switchboard.connections.a2a_schemes import SchemeRow, findings, in_words, rows
from switchboard.connections.a2a_tasks import (
    NO_LIST,
    OPEN_BY_ID,
    TaskDetails,
    TaskPage,
    details,
    list_request,
    summary,
)
from switchboard.connections.cards import CardError, CardInfo, fetch_card, prefer_interfaces
from switchboard.connections.deep_json import ReadTail, tail_kept
from switchboard.connections.fold import Reply
from switchboard.connections.http import make_http_client, origin_of
from switchboard.connections.owner import Breakage, CallError, Connection, Owner
from switchboard.connections.redaction import Redactor
from switchboard.connections.replay import Draft, Replayed, replay_http
from switchboard.connections.sign_in import Signing
from switchboard.connections.tls import agent_tls
from switchboard.connections.updates import SETTLED, TERMINAL, Level, Update, notice
from switchboard.connections.url_guard import UrlGuard, UrlRefused
from switchboard.connections.wire import STREAM, Direction, WireLog

BINDINGS = ["JSONRPC", "HTTP+JSON"]
RESUME_ATTEMPTS = 8
UNREADABLE = "The agent sent an event that is not valid A2A, so the turn stops here"
UNREAD_EVENT = "an event that could not be read"  # its wire entry's title
UNREADABLE_HINT = "The Inspector shows where the event broke off. Tell the agent's authors."
POLL_FIRST, POLL_GROWTH, POLL_MAX = 0.25, 1.5, 5.0  # seconds between GetTask polls
POLL_FOR = 1800.0  # seconds a task that does not stream is polled before it is given up
CONNECT_WAIT = 30.0  # seconds a call waits for a connection being made
FIX_HINT = "Fix the agent's URL or headers on the Agents page, then reconnect."


class AgentConnection(Connection):
    """A connected A2A agent. Every coroutine runs on the background loop."""

    def __init__(
        self,
        settings: AgentSettings,
        limits: Limits | None = None,
        guard: UrlGuard | None = None,
        signing: tuple[Signing, str | None] | None = None,
    ) -> None:
        self.settings = settings
        self.signing = signing  # where a person's sign-in goes, and for whom
        self.person: PersonSignIn | None = None  # this connection's, once a card asks
        self.limits = limits or Limits()
        self.guard = guard  # where requests may go (a connection entered in the UI)
        self.wire = WireLog(Redactor(settings.secrets, settings.headers.keys()))
        self.resume_attempts = RESUME_ATTEMPTS
        self.poll_for = POLL_FOR
        self.card: CardInfo | None = None
        self.extended: CardInfo | None = None  # the card as signed in, when it offers one
        self.security = ""  # what its card asks for, in words
        self.schemes: list[SchemeRow] = []  # its card's schemes, with what the config gives
        self.security_findings: list[str] = []  # what is wrong in the card's declarations
        self.endpoint = ""
        self.http: httpx.AsyncClient | None = None  # the connection's client, once open
        self.protocol = ""
        self.owner: Owner[Client] = Owner(
            settings.name, self._open, describe_failure, hint=FIX_HINT, on_error=self._failed
        )

    @property
    def streaming(self) -> bool:
        """True when the agent's card says it streams."""
        return bool(self.card and self.card.streaming)

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
        client = await self.owner.session(CONNECT_WAIT)
        said = [new_text_part(text)] if text or not attachments else []  # data may go alone
        parts = [*said, *(attachment_part(a) for a in attachments)]
        message = new_message(parts, role=Role.ROLE_USER, context_id=context_id, task_id=task_id)
        seen = Reply(task_id=task_id or "")
        request = SendMessageRequest(message=message)
        # Not streaming: the answer comes back at once with the task, which is then polled,
        # so the task can be cancelled and listened to again while it runs.
        request.configuration.return_immediately = not self.streaming
        how = "stream" if self.streaming else "returning at once, then polling the task"
        self.wire.record(Direction.INFO, f"send message ({how})")
        try:
            request = client.send_message(request)
            async with contextlib.aclosing(self._updates(request, task_id)) as updates:
                async for update in updates:
                    seen.apply(update.kind, update.data)
                    yield update
        except CallError as error:
            if not seen.task_id:
                raise
            if not error.transient:
                # The stream failed but the task exists: show how the agent left it.
                with contextlib.suppress(CallError):
                    yield await self.get_task(seen.task_id)
                raise
            yield notice(f"The stream dropped ({error.message}); reconnecting…", Level.WARNING)
        if seen.task_id and not seen.settled:
            async with contextlib.aclosing(self.follow(seen.task_id)) as updates:
                async for update in updates:
                    yield update

    async def follow(self, task_id: str) -> AsyncIterator[Update]:
        """Yield a task's updates until it settles: a snapshot first (GetTask), then
        SubscribeToTask, or polling when the agent does not stream. A dropped connection, or a
        stream the agent ends while the task goes on, is retried with backoff (and given up
        after `resume_attempts` tries that brought nothing); a final snapshot makes sure
        nothing was missed between reconnects."""
        seen = Reply(task_id=task_id)
        retries = Retries(self.resume_attempts)
        while not seen.settled:
            heard = 0
            try:
                if not self.streaming:
                    async with contextlib.aclosing(self._polled(task_id)) as updates:
                        async for update in updates:
                            heard += 1
                            yield update
                    return
                snapshot = await self.get_task(task_id)
                seen.apply(snapshot.kind, snapshot.data)
                yield snapshot
                if seen.settled:
                    return
                async with contextlib.aclosing(self._subscription(task_id)) as updates:
                    async for update in updates:
                        heard += 1
                        seen.apply(update.kind, update.data)
                        yield update
                if not seen.settled:
                    state = seen.state or "unfinished"
                    raise CallError(f"it ended the stream, the task still {state}", transient=True)
            except CallError as error:
                if not error.transient:
                    raise
                if heard:  # it went on before it stopped: count from here
                    retries.reset()
                yield retries.failed(error)
                await asyncio.sleep(retries.delay)
        yield await self.get_task(task_id)

    async def _polled(self, task_id: str) -> AsyncIterator[Update]:
        """GetTask until the task settles, yielding each snapshot that differs from the one
        before. The wait between polls grows while nothing changes (back to the shortest when
        something does); a task unsettled after `poll_for` seconds is given up with a
        CallError saying what can still be done."""
        delay, last = POLL_FIRST, None
        deadline = time.monotonic() + self.poll_for
        while True:
            snapshot = await self.get_task(task_id)
            if snapshot.data != last:
                last, delay = snapshot.data, POLL_FIRST
                yield snapshot
            if snapshot.data["state"] in SETTLED:
                return
            if time.monotonic() + delay > deadline:
                raise CallError(
                    f"The task is still {snapshot.data['state']} after {self.poll_for:g} s of "
                    "asking; Switchboard stopped asking.",
                    hint="Resume asks again; Cancel task stops it.",
                )
            await asyncio.sleep(delay)
            delay = min(delay * POLL_GROWTH, POLL_MAX)

    async def _subscription(self, task_id: str) -> AsyncIterator[Update]:
        client = await self.owner.session(CONNECT_WAIT)
        request = client.subscribe(SubscribeToTaskRequest(id=task_id))
        async with contextlib.aclosing(self._updates(request, task_id)) as updates:
            async for update in updates:
                yield update

    async def get_task(self, task_id: str) -> Update:
        """The task as the agent has it now (a `task` snapshot update)."""
        client = await self.owner.session(CONNECT_WAIT)
        try:
            task = await client.get_task(GetTaskRequest(id=task_id))
        except A2AError as exc:
            raise call_error(exc, task_id, self.security) from exc
        self.wire.record(Direction.EVENT, f"GetTask {task_id}", task)
        return task_update(task)

    async def list_tasks(self, context_id: str = "", state: str = "", token: str = "") -> TaskPage:
        """ListTasks (A2A 1.0): one page of the agent's tasks, filtered by context and state."""
        client = await self.owner.session(CONNECT_WAIT)
        try:
            found = await client.list_tasks(list_request(context_id, state, token))
        except A2AError as exc:
            raise call_error(exc, None, self.security) from exc
        except NotImplementedError as exc:  # the SDK's 0.3 transports: no such method
            raise CallError(f"{self.name} speaks {self.protocol}: {NO_LIST}", OPEN_BY_ID) from exc
        tasks = [summary(task) for task in found.tasks]
        return TaskPage(tasks, found.next_page_token, found.total_size or None)

    async def task_details(self, task_id: str) -> TaskDetails:
        """GetTask with its whole history and artifacts."""
        client = await self.owner.session(CONNECT_WAIT)
        try:
            return details(await client.get_task(GetTaskRequest(id=task_id.strip())))
        except A2AError as exc:
            raise call_error(exc, task_id, self.security) from exc

    async def replay(self, draft: Draft) -> Replayed:
        """Send a logged request again, as edited: with this agent's client, only to it."""
        await self.owner.session(CONNECT_WAIT)
        origins = {origin_of(self.settings.url), origin_of(self.endpoint or self.settings.url)}
        assert self.http is not None  # set by the opening
        return await replay_http(self.http, origins, self.wire, draft)

    async def cancel_task(self, task_id: str) -> Update:
        """CancelTask; the returned snapshot shows the task's state after the request."""
        client = await self.owner.session(CONNECT_WAIT)
        try:
            task = await client.cancel_task(CancelTaskRequest(id=task_id))
        except A2AError as exc:
            error = call_error(exc, task_id, self.security)
            if not isinstance(exc, TaskNotCancelableError) and not error.transient:
                # Some transports (0.3 HTTP+JSON) send a bare 400: ask the task how it is.
                with contextlib.suppress(CallError):
                    if (await self.get_task(task_id)).data["state"] in TERMINAL:
                        error = call_error(TaskNotCancelableError(), task_id)
            raise error from exc
        self.wire.record(Direction.EVENT, f"CancelTask {task_id}", task)
        return task_update(task)

    async def _open(self, stack: contextlib.AsyncExitStack, _breakage: Breakage) -> Client:
        """The owner's opening: the HTTP client, the card, the SDK client (closed first)."""
        started = time.monotonic()
        settings, limits = self.settings, self.limits
        http = await stack.enter_async_context(
            make_http_client(
                settings.url,
                settings.headers,
                self.wire,
                limits.max_body_bytes,
                self.guard,
                agent_tls(settings),
            )
        )
        self.http = http
        card, info = await fetch_card(
            http, settings.url, limits.max_card_bytes, settings.connect_timeout
        )
        card = prefer_interfaces(card, self.settings.binding, self.settings.version)
        self.security = in_words(card)
        self.schemes, self.security_findings = rows(card, settings.auth), findings(card)
        for finding in self.security_findings:
            self.wire.record(Direction.WARNING, f"the card's security: {finding}")
        self.person = self._person()
        http.auth = await signed_in(stack, card, settings, self.wire, self.guard, self.person)
        config = ClientConfig(
            httpx_client=http, streaming=True, supported_protocol_bindings=BINDINGS
        )
        client = ClientFactory(config).create(card)
        stack.push_async_callback(client.close)
        self.card = info
        self.extended = None
        if card.capabilities.extended_agent_card and http.auth is not None:
            self.extended = await extended_card(client, info.card_url, self.wire)
        self._describe_endpoint(client, card)
        elapsed = 1000 * (time.monotonic() - started)
        self.wire.record(
            Direction.INFO, f"connected in {elapsed:.0f} ms via {self.protocol} at {self.endpoint}"
        )
        return client

    async def _updates(
        self, events: AsyncGenerator[StreamResponse, None], task_id: str | None
    ) -> AsyncIterator[Update]:
        """The updates of one SDK stream, logged to the wire; SDK errors become CallErrors.
        The stream is closed here, in the consuming task."""
        tail = ReadTail()
        STREAM.set(None)  # set again when this stream's response arrives
        try:
            with tail_kept(tail):
                async with contextlib.aclosing(events) as stream:
                    async for event in stream:
                        kind = event.WhichOneof("payload")
                        self.wire.record(
                            Direction.EVENT, f"stream event: {kind}", event, key=STREAM.get()
                        )
                        for update in to_updates(event):
                            yield update
        except A2AError as exc:
            raise call_error(exc, task_id, self.security) from exc
        except (ParseError, ValueError) as exc:  # the SDK could not read an event (0.3: a
            # ValueError from its conversion): the agent's doing
            raw = f"{exc}\n\nAs it came (the last bytes read):\n{tail.text()}"
            self.wire.record(Direction.ERROR, UNREAD_EVENT, raw)
            raise CallError(f"{UNREADABLE}: {exc}", UNREADABLE_HINT) from exc
        finally:
            STREAM.set(None)  # not reset: the stream may be closed from another context

    def _person(self) -> PersonSignIn | None:
        if self.signing is None:
            return None
        signing, owner = self.signing
        return PersonSignIn(signing, owner, self.name, origin_of(self.settings.url))

    @property
    def prompt(self) -> Prompt | None:
        """What the person is asked to do to sign in, while the connection waits for it."""
        return self.person.prompt if self.person else None

    def asks_person(self) -> bool:
        """Whether the connection waits for the person to sign in."""
        return self.prompt is not None

    @property
    def each_person(self) -> bool:
        return self.person is not None and self.person.each_person

    def signed_in(self) -> bool:
        """Whether a person's token is kept for this agent (and its current origin)."""
        person = self.person or self._person()
        return person is not None and person.kept() is not None

    def sign_out(self) -> None:
        """Forget the person's token (the next connect asks for a sign-in again)."""
        if person := self.person or self._person():
            person.forget()

    def _failed(self, reason: str, _was_up: bool) -> None:
        self.wire.record(Direction.ERROR, "connection failed", reason)

    def _describe_endpoint(self, client: Client, card: AgentCard) -> None:
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
                Direction.INFO,
                f"the card's endpoint {chosen.url} is on another host than {self.settings.url}: "
                "the configured headers are not sent there",
            )


def describe_failure(exc: BaseException) -> str:
    """Why the connection could not be made, in words."""
    if isinstance(exc, CardError | UrlRefused):
        return str(exc)
    if isinstance(exc, ValueError):  # the factory: no interface this client supports
        return f"The agent's card offers no interface Switchboard can use: {exc}"
    if isinstance(exc, A2AError):
        return call_error(exc, None).message
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
