"""The owner of a connection, with plain asyncio openers: one task opens, holds and closes
everything (in LIFO order, in that task), every failure becomes a status with its reason, a
broken connection is reopened with backoff, and callers never disturb it."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import AsyncIterator, Iterator

import pytest

from switchboard.connections.owner import Backoff, Breakage, CallError, Owner, Status
from switchboard.runtime import Runtime

FAST = Backoff(first=0.01, most=0.02)
WAIT = 10.0


@pytest.fixture
def runtime() -> Iterator[Runtime]:
    rt = Runtime()
    yield rt
    rt.close()


def describe(exc: BaseException) -> str:
    return f"described: {exc}"


class Remote:
    """A pretend counterpart: how often it was opened, what was entered and left, by which task."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.opened = 0
        self.trail: list[tuple[str, str]] = []
        self.breakage: Breakage | None = None
        self.gate: asyncio.Event | None = None

    @contextlib.asynccontextmanager
    async def part(self, name: str) -> AsyncIterator[str]:
        self.trail.append((f"enter {name}", task_name()))
        try:
            yield name
        finally:
            self.trail.append((f"leave {name}", task_name()))

    async def open(self, stack: contextlib.AsyncExitStack, breakage: Breakage) -> str:
        self.opened += 1
        self.breakage = breakage
        if self.gate is not None:
            await self.gate.wait()
        if self.opened <= self.failures:
            raise ConnectionError(f"attempt {self.opened} refused")
        await stack.enter_async_context(self.part("transport"))
        await stack.enter_async_context(self.part("session"))
        return f"session {self.opened}"


def task_name() -> str:
    task = asyncio.current_task()
    return task.get_name() if task else ""


def test_one_task_opens_holds_and_leaves_everything_in_lifo_order(runtime: Runtime) -> None:
    remote = Remote()
    owner: Owner[str] = Owner("remote", remote.open, describe)

    async def scenario() -> tuple[str, Status, Status]:
        await owner.start()
        ready, session = owner.status, await owner.session(WAIT)
        await owner.close()
        return session, ready, owner.status

    session, ready, closed = runtime.call(scenario(), timeout=WAIT)
    assert (session, ready, closed) == ("session 1", Status.READY, Status.CLOSED)
    assert [step for step, _ in remote.trail] == [
        "enter transport",
        "enter session",
        "leave session",
        "leave transport",
    ]
    assert {task for _, task in remote.trail} == {"owner:remote"}


def test_a_failure_to_open_is_a_status_with_its_reason_and_calls_say_so(runtime: Runtime) -> None:
    owner: Owner[str] = Owner("remote", Remote(failures=9).open, describe, hint="Fix the URL.")

    async def scenario() -> tuple[Status, str, CallError]:
        await owner.start()
        status, error = owner.status, owner.error
        try:
            await owner.session(WAIT)  # tries again, and fails again
        except CallError as refused:
            return status, error, refused
        raise AssertionError("a session from a failed connection")

    status, error, refused = runtime.call(scenario(), timeout=WAIT)
    assert (status, error) == (Status.FAILED, "described: attempt 1 refused")
    assert refused.message == "Not connected to remote: described: attempt 2 refused."
    assert refused.hint == "Fix the URL." and not refused.transient


def test_without_backoff_a_failure_is_final_until_a_call_starts_it_again(
    runtime: Runtime,
) -> None:
    remote = Remote(failures=1)
    owner: Owner[str] = Owner("remote", remote.open, describe)

    async def scenario() -> str:
        await owner.start()
        assert owner.status == Status.FAILED and not owner.running
        return await owner.session(WAIT)

    assert runtime.call(scenario(), timeout=WAIT) == "session 2"
    assert owner.status == Status.READY


def test_a_broken_connection_is_closed_and_reopened_with_backoff(runtime: Runtime) -> None:
    remote = Remote()
    lost: list[tuple[str, bool]] = []
    owner: Owner[str] = Owner(
        "remote", remote.open, describe, backoff=FAST, on_error=lambda *a: lost.append(a)
    )

    async def scenario() -> tuple[Status, str]:
        first = await owner.session(WAIT)
        owner.broken("a call found it dead", first)
        status = owner.status
        second = await owner.session(WAIT)
        owner.broken("a late failure of the first session", first)  # changes nothing
        return status, second

    status, session = runtime.call(scenario(), timeout=WAIT)
    assert status == Status.RECONNECTING and session == "session 2"
    assert lost == [("a call found it dead", True)] and owner.status == Status.READY
    assert [step for step, _ in remote.trail][2:4] == ["leave session", "leave transport"]
    runtime.call(owner.close(), timeout=WAIT)


def test_the_transport_noticing_the_end_reopens_it_and_failures_retry(runtime: Runtime) -> None:
    remote = Remote()
    lost: list[str] = []
    owner: Owner[str] = Owner(
        "remote", remote.open, describe, backoff=FAST, on_error=lambda r, _: lost.append(r)
    )

    async def scenario() -> tuple[Status, str]:
        await owner.start()
        remote.failures = 3  # the next two attempts are refused, the third succeeds
        assert remote.breakage is not None
        remote.breakage.set("the stream ended")
        return owner.status, await owner.session(WAIT)  # waits while it reconnects

    assert runtime.call(scenario(), timeout=WAIT) == (Status.RECONNECTING, "session 4")
    assert lost == [
        "the stream ended",
        "described: attempt 2 refused",
        "described: attempt 3 refused",
    ]
    runtime.call(owner.close(), timeout=WAIT)


def test_a_caller_cancelled_while_waiting_leaves_the_owner_opening(runtime: Runtime) -> None:
    remote = Remote()
    owner: Owner[str] = Owner("remote", remote.open, describe)

    async def scenario() -> str:
        remote.gate = asyncio.Event()
        waiting = asyncio.create_task(owner.session(WAIT))
        await asyncio.sleep(0.05)
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
        remote.gate.set()
        return await owner.session(WAIT)

    assert runtime.call(scenario(), timeout=WAIT) == "session 1"
    runtime.call(owner.close(), timeout=WAIT)


def test_the_owner_does_not_inherit_the_callers_context() -> None:
    marker: contextvars.ContextVar[str] = contextvars.ContextVar("marker", default="none")
    seen: list[str] = []

    async def opener(stack: contextlib.AsyncExitStack, breakage: Breakage) -> str:
        seen.append(marker.get())
        return "session"

    async def scenario() -> None:
        marker.set("a caller's")
        owner: Owner[str] = Owner("remote", opener, describe)
        await owner.session(WAIT)
        await owner.close()

    runtime = Runtime()
    try:
        runtime.call(scenario(), timeout=WAIT)
    finally:
        runtime.close()
    assert seen == ["none"]


def test_a_disabled_connection_never_opens(runtime: Runtime) -> None:
    remote = Remote()
    owner: Owner[str] = Owner("remote", remote.open, describe, disabled=True)

    async def scenario() -> str:
        await owner.start()
        with pytest.raises(CallError) as raised:
            await owner.session(WAIT)
        return raised.value.message

    assert "disabled" in runtime.call(scenario(), timeout=WAIT)
    assert remote.opened == 0 and owner.status == Status.DISABLED


def test_a_closed_connection_is_not_revived_by_a_call(runtime: Runtime) -> None:
    remote = Remote()
    owner: Owner[str] = Owner("remote", remote.open, describe, backoff=FAST)

    async def scenario() -> str:
        await owner.session(WAIT)
        await owner.close()
        with pytest.raises(CallError) as raised:
            await owner.session(WAIT)
        return raised.value.message

    assert (
        runtime.call(scenario(), timeout=WAIT)
        == "Not connected to remote: the connection is closed."
    )
    assert remote.opened == 1 and not owner.running
