"""One process-wide asyncio loop on a daemon thread; every protocol object lives on it."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

StopCheck = Callable[[], None]
"""Called between short waits; raises to abandon the wait (Streamlit's stop check)."""


class RuntimeClosedError(RuntimeError):
    """Work was submitted to a runtime that is closing or closed."""


class Runtime:
    """Owns the single background event loop: submit work from any thread, close it cleanly.

    Closing first runs the registered closers on the loop (each connection closes through its own
    owner task), then cancels whatever is still running, then stops the loop and joins the thread.
    """

    def __init__(self, name: str = "switchboard-loop") -> None:
        self._loop = asyncio.new_event_loop()
        self._closers: list[Callable[[], Awaitable[None]]] = []
        self._closing = False
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._started = threading.Event()
        self._thread.start()
        self._started.wait()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The loop, for code already running on it (never run it from elsewhere)."""
        return self._loop

    def is_alive(self) -> bool:
        """True while the loop thread runs and accepts work."""
        return self._thread.is_alive() and not self._closing and not self._loop.is_closed()

    def in_loop_thread(self) -> bool:
        """True when called from the loop's own thread."""
        return threading.current_thread() is self._thread

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Schedule `coro` on the loop from any thread; cancel the returned future to cancel it."""
        with self._lock:
            if self._closing or self._loop.is_closed():
                coro.close()
                raise RuntimeClosedError("the background loop is closed")
            return asyncio.run_coroutine_threadsafe(coro, self._loop)

    def call(
        self,
        coro: Coroutine[Any, Any, T],
        timeout: float,
        stop_check: StopCheck | None = None,
        poll: float = 0.1,
    ) -> T:
        """Run `coro` on the loop and wait for its result from a foreign thread.

        Raises `TimeoutError` (and cancels the work) after `timeout` seconds; with `stop_check`,
        waits in `poll`-second slices and lets the check abort the wait (the work is cancelled).
        Exceptions from the coroutine propagate with their own type.
        """
        if self.in_loop_thread():
            coro.close()
            raise RuntimeError("Runtime.call() would deadlock on the loop thread; await instead")
        future = self.submit(coro)
        return wait_for_future(future, timeout, stop_check=stop_check, poll=poll)

    def add_closer(self, closer: Callable[[], Awaitable[None]]) -> None:
        """Register an async callable that `close()` awaits on the loop before stopping it."""
        self._closers.append(closer)

    def close(self, timeout: float = 10.0) -> None:
        """Close every registered owner, cancel leftover tasks, stop the loop, join the thread.

        Safe to call twice and from any thread but the loop's own; a second call waits for the
        first to finish.
        """
        with self._lock:
            already = self._closing
            self._closing = True
        if already:
            self._closed.wait(timeout)
            return
        try:
            if self._thread.is_alive():
                future = asyncio.run_coroutine_threadsafe(self._shutdown(timeout), self._loop)
                with contextlib.suppress(Exception):
                    future.result(timeout + 1)
                self._loop.call_soon_threadsafe(self._loop.stop)
                self._thread.join(timeout)
        finally:
            self._closed.set()

    def close_soon(self) -> None:
        """Start closing without waiting (for Streamlit's `on_release`, which must not block)."""
        threading.Thread(target=self.close, name="switchboard-close", daemon=True).start()

    async def _shutdown(self, budget: float) -> None:
        deadline = time.monotonic() + budget
        for closer in reversed(self._closers):
            remaining = max(0.1, deadline - time.monotonic())
            with contextlib.suppress(Exception):
                await asyncio.wait_for(closer(), remaining)
        me = asyncio.current_task()
        leftovers = [task for task in asyncio.all_tasks() if task is not me]
        for task in leftovers:
            task.cancel()
        if leftovers:
            await asyncio.wait(leftovers, timeout=max(0.1, deadline - time.monotonic()))
        await self._loop.shutdown_asyncgens()
        await self._loop.shutdown_default_executor()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.call_soon(self._started.set)
        try:
            self._loop.run_forever()
        finally:
            self._loop.close()


def wait_for_future(
    future: concurrent.futures.Future[T],
    timeout: float,
    stop_check: StopCheck | None = None,
    poll: float = 0.1,
) -> T:
    """Wait for a loop future from a script thread in short slices; cancel it on timeout/abort."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        wait = max(0.0, remaining if stop_check is None else min(poll, remaining))
        try:
            return future.result(wait)
        except TimeoutError:
            if future.done():  # the coroutine's own TimeoutError keeps its meaning
                raise
        except BaseException:
            future.cancel()
            raise
        if time.monotonic() >= deadline:
            future.cancel()
            raise TimeoutError(f"no result within {timeout:g} s")
        if stop_check is not None:
            try:
                stop_check()
            except BaseException:
                future.cancel()
                raise
