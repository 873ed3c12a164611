"""The one thread that writes to the database: queued operations in batches, one transaction
each, journalled first; a failed write is reported, never raised."""

from __future__ import annotations

import logging
import queue
import threading
import time

from sqlalchemy.engine import Engine

from switchboard.chat.store.journal import Journal, reason
from switchboard.chat.store.rows import Op, apply

log = logging.getLogger(__name__)

BATCH = 1000
_STOP: Op = ("stop",)


class Writer:
    """Takes operations from any thread and writes them on its own."""

    def __init__(self, engine: Engine, where: str, journal: Journal | None = None) -> None:
        self.error: str | None = None
        self._engine = engine
        self._where = where
        self._journal = journal
        self._queue: queue.SimpleQueue[Op] = queue.SimpleQueue()
        self._cond = threading.Condition()
        self._queued = 0
        self._done = 0
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="switchboard-store", daemon=True)
        self._thread.start()

    @property
    def alive(self) -> bool:
        """True until `close` has let the thread finish."""
        return self._thread.is_alive()

    def put(self, op: Op) -> None:
        """Journal `op`, then queue it (nothing is written once closed)."""
        with self._cond:
            if self._closed:
                log.warning("store %s is closed: %s not written", self._where, op[0])
                return
            if self._journal is not None:
                self._journal.append(op)
            self._queued += 1
            self._queue.put(op)

    def flush(self, timeout: float) -> bool:
        """Wait until what is queued now is written (or failed); False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            target = self._queued
            while self._done < target:
                left = deadline - time.monotonic()
                if left <= 0 or not self._thread.is_alive():
                    return False
                self._cond.wait(left)
        return True

    def close(self, timeout: float) -> None:
        """Write what is queued, then stop the thread."""
        with self._cond:
            if self._closed:
                return
            self._queued += 1
            self._queue.put(_STOP)
            self._closed = True
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.error("store %s: the writer did not finish within %.1f s", self._where, timeout)

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            ops = [op for op in batch if op is not _STOP]
            if ops:
                self._write(ops)
            with self._cond:
                self._done += len(batch)
                if self._done == self._queued and self._journal is not None:
                    self._journal.empty()  # everything journalled is in the database
                self._cond.notify_all()
            if len(ops) < len(batch):
                if self._journal is not None:
                    self._journal.close()
                return

    def _write(self, ops: list[Op]) -> None:
        """All of `ops` in one transaction; if that fails, each on its own, logging failures."""
        try:
            with self._engine.begin() as conn:
                apply(conn, ops)
            return
        except Exception as error:  # a write failure must never stop the writer
            if len(ops) == 1:
                self._failed(ops, error)
                return
        for op in ops:
            try:
                with self._engine.begin() as conn:
                    apply(conn, [op])
            except Exception as error:
                self._failed([op], error)

    def _failed(self, ops: list[Op], error: Exception) -> None:
        what = ", ".join(sorted({op[0] for op in ops}))
        self.error = (
            f"Could not save to {self._where} ({what}): {reason(error)}. This session's "
            "conversations stay in memory; check the disk, the file's permissions or the server."
        )
        log.error("store write failed: %s", self.error)
