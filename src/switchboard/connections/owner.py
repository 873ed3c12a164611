"""The owner of one long-lived connection: one task opens it, holds it, closes it, reopens it.

Protocol objects are bound to the task that entered them (anyio cancel scopes), so exactly one
task, the owner, enters every context of a connection, on one exit stack, and leaves them in
LIFO order when it is closed or the connection breaks; then, with a backoff policy, it opens a
new one. Calls do not go through a queue: they run in the caller's task against the session
the owner holds (`session()`), so cancelling the caller cancels the call and nothing else.
Modelled on anyio's `run_async_cm` and its `started()` handshake.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

S = TypeVar("S")


class Status(StrEnum):
    """Where a connection stands."""

    IDLE = "idle"  # not started yet
    CONNECTING = "connecting"  # the first attempt is under way
    READY = "ready"
    RECONNECTING = "reconnecting"  # it was ready, broke, and is being opened again
    FAILED = "failed"  # it could not be opened (the owner may still be retrying)
    CLOSED = "closed"
    DISABLED = "disabled"  # switched off in its settings


class CallError(Exception):
    """A request to a counterpart (agent, MCP server, model) failed. `message` says what
    happened, `hint` what the person can do; `transient` errors are worth retrying."""

    def __init__(
        self, message: str, hint: str = "", transient: bool = False, final: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.transient = transient
        self.final = final  # opening again would fail the same way: the owner stops trying


@dataclass(frozen=True)
class Backoff:
    """Delays between attempts to reopen a connection: `first`, then doubling up to `most`."""

    first: float = 0.5
    most: float = 30.0

    def delays(self) -> Iterator[float]:
        delay = self.first
        while True:
            yield delay
            delay = min(delay * 2, self.most)


class Breakage:
    """Set by whoever finds the connection dead (a transport's end, a failed call); the owner
    hears of it at once (`on_set`), before its task wakes up."""

    def __init__(self, on_set: Callable[[str], None] | None = None) -> None:
        self._event = asyncio.Event()
        self._on_set = on_set
        self.reason = ""

    def set(self, reason: str) -> None:
        if not self._event.is_set():
            self.reason = reason
            self._event.set()
            if self._on_set is not None:
                self._on_set(reason)

    async def wait(self) -> None:
        await self._event.wait()


# Opens everything the connection needs on the exit stack and returns the session; the
# breakage is handed to whatever can notice the connection die.
Opener = Callable[[contextlib.AsyncExitStack, Breakage], Awaitable[S]]
Describer = Callable[[BaseException], str]


class Owner(Generic[S]):
    """Holds one connection open in its own task. Every method runs on the background loop."""

    def __init__(
        self,
        name: str,
        opener: Opener[S],
        describe: Describer,
        backoff: Backoff | None = None,
        hint: str = "",
        on_error: Callable[[str, bool], None] | None = None,
        disabled: bool = False,
    ) -> None:
        self.name = name
        self.status = Status.DISABLED if disabled else Status.IDLE
        self.error = ""
        self._opener = opener
        self._describe = describe
        self._backoff = backoff  # None: a failure is final until the next `start`
        self._hint = hint  # what to do when there is no session
        self._on_error = on_error  # (reason, was it up), for the connection's own log
        self._session: S | None = None
        self._task: asyncio.Task[None] | None = None
        self._settled = asyncio.Event()  # the current run's first attempt is over
        self._up = asyncio.Event()  # a session is there to use
        self._closing = asyncio.Event()
        self._breakage: Breakage | None = None

    @property
    def current(self) -> S | None:
        """The session if there is one now (without waiting), for the session's own callbacks."""
        return self._session

    @property
    def running(self) -> bool:
        """True while the owner task is alive (holding, opening or waiting to reopen)."""
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        """Start the owner task unless it runs (or is disabled), and wait until its first
        attempt is over: `status` and `error` then say how it went."""
        if self.status == Status.DISABLED:
            return
        if not self.running:
            self._settled, self._closing = asyncio.Event(), asyncio.Event()
            self.status, self.error = Status.CONNECTING, ""
            # A context of its own: what the caller had set (a call's context variables) must
            # not leak into everything the session's tasks do later.
            self._task = asyncio.create_task(
                self._own(), name=f"owner:{self.name}", context=contextvars.Context()
            )
        await self._settled.wait()

    async def session(self, wait: float) -> S:
        """The live session: the owner is started if it never was or its last try failed, and
        waited for (at most `wait` seconds) while it is opening; CallError when there is none.
        A closed connection stays closed (a call holding a replaced one must not revive it)."""
        idle = self.status in (Status.IDLE, Status.FAILED)
        if self._session is None and not self.running and idle:
            await self.start()
        if self._session is None and self.status in (Status.CONNECTING, Status.RECONNECTING):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._up.wait(), wait)
        if self._session is None:
            reason = self.error or f"the connection is {self.status}"
            end = "" if reason.endswith((".", "?", "!")) else "."
            raise CallError(f"Not connected to {self.name}: {reason}{end}", hint=self._hint)
        return self._session

    def broken(self, reason: str, session: S) -> None:
        """A call found the connection dead: stop handing out its session; the owner closes
        it and (with a backoff policy) opens a new one. A call that used an older session
        (already replaced) changes nothing."""
        if self._breakage is not None and session is self._session:
            self._breakage.set(reason)

    async def close(self, status: Status = Status.CLOSED) -> None:
        """Ask the owner task to leave its contexts, wait for it, and end in `status`
        (CLOSED, or DISABLED for a connection switched off)."""
        task = self._task
        if task is not None and not task.done():
            self._closing.set()
            await asyncio.wait({task})
        self.status = status
        self.error = ""

    async def _own(self) -> None:
        """The connection's whole lifetime: open, report ready, hold until closed or broken,
        close in LIFO order; then reopen after a delay, or stop."""
        delays = self._backoff.delays() if self._backoff else None
        was_up = False
        try:
            while not self._closing.is_set():
                self._breakage = Breakage(self._noticed)
                reason, final = "", False
                try:
                    async with contextlib.AsyncExitStack() as stack:
                        session = await self._opener(stack, self._breakage)
                        self._ready(session)
                        was_up, delays = True, self._backoff.delays() if self._backoff else None
                        await _first_of(self._closing.wait(), self._breakage.wait())
                        reason = self._breakage.reason
                except asyncio.CancelledError:
                    if self._closing.is_set() or _cancelled_from_outside():
                        raise
                    reason = "the connection dropped"  # the transport cancelled what it held
                except CallError as exc:  # the opener's own words, and what to do
                    reason = " ".join(part for part in (exc.message, exc.hint) if part)
                    final = exc.final
                except (Exception, BaseExceptionGroup) as exc:  # whatever a counterpart causes
                    reason = self._describe(exc)
                finally:
                    self._session = None
                    self._up.clear()
                if self._closing.is_set():
                    return
                self._lost(reason or "the other side closed the connection", was_up)
                if delays is None or final:
                    return
                await _sleep_unless(self._closing, next(delays))
        finally:
            self._settled.set()

    def _ready(self, session: S) -> None:
        self._session = session
        self.status, self.error = Status.READY, ""
        self._up.set()
        self._settled.set()

    def _noticed(self, reason: str) -> None:
        """The connection broke: nobody gets its session from now on."""
        if self._session is not None:
            self._forget(Status.RECONNECTING if self._backoff else Status.FAILED, reason)

    def _lost(self, reason: str, was_up: bool) -> None:
        self._forget(Status.RECONNECTING if was_up and self._backoff else Status.FAILED, reason)
        if self._on_error is not None:
            self._on_error(reason, was_up)
        self._settled.set()

    def _forget(self, status: Status, reason: str) -> None:
        self._session = None
        self._up.clear()
        self.status, self.error = status, reason


class Named(Protocol):
    """A connection's settings: all that is shared is its name."""

    name: str


class Connection:
    """What every connection shows of itself: its name (from its settings), whose it is, and
    its owner's status and error; `connect` starts the owner and waits for its first try."""

    settings: Named
    owner: Owner[Any]
    user: str | None = None  # whose connection it is (added in the UI); None: shared
    copy_of_shared = False  # `user`'s own copy of a shared one, for their own sign-in

    @property
    def name(self) -> str:
        return self.settings.name

    @property
    def each_person(self) -> bool:
        """Whether this shared connection stopped at a person's sign-in that each person
        makes for themselves (on a copy of their own)."""
        return False

    @property
    def status(self) -> Status:
        return self.owner.status

    @property
    def error(self) -> str:
        return self.owner.error

    def sign_out(self) -> None:
        """Forget what a person's sign-in left for it (nothing, unless it signs people in)."""

    async def connect(self) -> None:
        """Start the owner if needed and wait for its first attempt's outcome."""
        await self.owner.start()

    async def close(self) -> None:
        """Ask the owner to leave its contexts (in its own task), and wait for it."""
        await self.owner.close()


async def cancel_and_wait(task: asyncio.Task[object]) -> None:
    """Cancel `task` and wait until it has finished (for exit stacks)."""
    task.cancel()
    await asyncio.wait({task})


async def _first_of(*waits: Awaitable[object]) -> None:
    """Wait until one of `waits` is done; cancel the rest."""
    tasks = [asyncio.ensure_future(w) for w in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _sleep_unless(event: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)


def _cancelled_from_outside() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
