"""An append-only log written on the loop and followed from any thread with short timed waits."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class EventLog(Generic[T]):
    """Append-only, thread-safe sequence of items; readers re-read from any offset.

    Writers are tasks on the background loop; readers are script threads that re-render from
    offset 0 on every rerun, so a rerun or a reload never loses or duplicates an item.
    """

    def __init__(self, items: Iterable[T] = ()) -> None:
        self._items: list[T] = list(items)
        self._cond = threading.Condition()
        self._waiting = 0  # readers blocked in wait_beyond

    def __len__(self) -> int:
        with self._cond:
            return len(self._items)

    def append(self, item: T) -> int:
        """Add an item, wake every waiting reader, and return the item's offset.

        A woken reader also needs the GIL, which this thread (the loop, reading the rest of a
        stream) would otherwise keep until it next blocks: it is handed over at once."""
        with self._cond:
            self._items.append(item)
            self._cond.notify_all()
            woken = self._waiting
            offset = len(self._items) - 1
        if woken:
            time.sleep(0)
        return offset

    def snapshot(self, start: int = 0) -> list[T]:
        """The items from `start` on, as they are now."""
        with self._cond:
            return self._items[start:]

    def wait_beyond(self, start: int, timeout: float) -> list[T]:
        """Items from `start` on; waits up to `timeout` seconds when there are none yet."""
        with self._cond:
            if len(self._items) <= start:
                self._waiting += 1
                try:
                    self._cond.wait(timeout)
                finally:
                    self._waiting -= 1
            return self._items[start:]

    def follow(
        self,
        start: int,
        until: Callable[[T], bool],
        stop_check: Callable[[], None] | None = None,
        poll: float = 0.1,
        timeout: float | None = None,
    ) -> Iterator[list[T]]:
        """Yield batches of new items until one satisfies `until` (inclusive).

        Between waits it calls `stop_check`, which may raise to abandon the tail (a rerun).
        Returns quietly after `timeout` seconds without the closing item.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        offset = start
        while True:
            batch = self.wait_beyond(offset, poll)
            if batch:
                offset += len(batch)
                yield batch
                if any(until(item) for item in batch):
                    return
            elif deadline is not None and time.monotonic() > deadline:
                return
            if stop_check is not None:
                stop_check()
