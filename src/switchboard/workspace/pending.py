"""Work handed to the loop that a page may wait for, bounded and rerun-aware."""

from __future__ import annotations

import concurrent.futures
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any, Generic, TypeVar

from switchboard.connections.wire import on_behalf_of
from switchboard.runtime import Runtime
from switchboard.runtime.loop import wait_for_future

T = TypeVar("T")
StopCheck = Callable[[], None]


class Pending(Generic[T]):
    """The result of work running on the loop, to wait for from a script thread."""

    def __init__(self, future: concurrent.futures.Future[T]) -> None:
        self._future = future

    def done(self) -> bool:
        return self._future.done()

    def wait(self, timeout: float, stop_check: StopCheck | None = None) -> T:
        """The result; TimeoutError (the work goes on) after `timeout` seconds; `stop_check`
        may raise to abandon the wait (a rerun)."""
        try:
            return wait_for_future(
                _shielded(self._future), timeout, stop_check=stop_check, poll=0.1
            )
        except concurrent.futures.CancelledError:
            raise TimeoutError("the work was cancelled") from None


def call_for(
    runtime: Runtime,
    user: str | None,
    coro: Coroutine[Any, Any, T],
    timeout: float,
    stop_check: StopCheck | None = None,
) -> T:
    """Run `coro` on the loop for `user` (their traffic in the wire log) and wait for it,
    bounded and rerun-aware."""
    return runtime.call(_on_behalf(user, coro), timeout=timeout, stop_check=stop_check)


async def _on_behalf(user: str | None, coro: Coroutine[Any, Any, T]) -> T:
    with on_behalf_of(user):
        return await coro


def _shielded(future: concurrent.futures.Future[T]) -> concurrent.futures.Future[T]:
    """A future that follows `future` but whose cancellation (a timed-out wait) leaves it be."""
    follower: concurrent.futures.Future[T] = concurrent.futures.Future()

    def copy(done: concurrent.futures.Future[T]) -> None:
        with contextlib.suppress(concurrent.futures.InvalidStateError):  # the wait gave up
            if done.cancelled():
                follower.cancel()
            elif done.exception() is not None:
                follower.set_exception(done.exception())  # type: ignore[arg-type]
            else:
                follower.set_result(done.result())

    future.add_done_callback(copy)
    return follower
