"""The one thread that writes to the database: queued operations in batches, one transaction
each, journalled first; a failed write is reported, never raised, and keeps the journal (the
next start replays it). A SQLite file that vanishes while the app runs is made again, with
everything this process holds."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import Engine

from switchboard.chat.store.journal import Journal, reason
from switchboard.chat.store.rows import Op, apply
from switchboard.chat.store.schema import migrate

log = logging.getLogger(__name__)

BATCH = 1000
_STOP: Op = ("stop",)


class Writer:
    """Takes operations from any thread and writes them on its own."""

    def __init__(
        self,
        engine: Engine,
        where: str,
        journal: Journal | None = None,
        watch: Path | None = None,
        everything: Callable[[], list[Op]] | None = None,
    ) -> None:
        self.error: str | None = None
        self._engine = engine
        self._where = where
        self._journal = journal
        self._unwritten = False  # a write failed: the journal must stay for the next start
        self._replay_until = 0  # ops queued before a rebuild: their rows may be there already
        self._watch = watch  # the SQLite file, to notice it vanish
        self._inode = _inode(watch)
        self._everything = everything  # every operation that makes what this process holds
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
                if self._vanished():
                    self._recreate()
                # What was queued before a rebuild may repeat rows the rebuild wrote.
                self._write(ops, replay=self._done < self._replay_until)
            with self._cond:
                self._done += len(batch)
                caught_up = self._done == self._queued and not self._unwritten
                if caught_up and self._journal is not None:
                    self._journal.empty()  # everything journalled is in the database
                self._cond.notify_all()
            if len(ops) < len(batch):
                if self._journal is not None:
                    self._journal.close()
                return

    def _write(self, ops: list[Op], replay: bool = False) -> None:
        """All of `ops` in one transaction; if that fails, each on its own, logging failures.
        With `replay`, rows already there are skipped."""
        try:
            with self._engine.begin() as conn:
                apply(conn, ops, replay=replay)
            return
        except Exception as error:  # a write failure must never stop the writer
            if len(ops) == 1:
                self._failed(ops, error)
                return
        for op in ops:
            try:
                with self._engine.begin() as conn:
                    apply(conn, [op], replay=replay)
            except Exception as error:
                self._failed([op], error)

    def _failed(self, ops: list[Op], error: Exception) -> None:
        self._unwritten = True
        what = ", ".join(sorted({op[0] for op in ops}))
        why = f"{reason(error)}. {advice(error, self._watch)}"
        self.error = f"Could not save to {self._where} ({what}): {why}"
        log.error("store write failed: %s", self.error)

    def _vanished(self) -> bool:
        """The SQLite file was deleted or replaced while the app ran (its writes would go to a
        file nobody will ever open again)."""
        return self._watch is not None and _inode(self._watch) != self._inode

    def _recreate(self) -> None:
        """Make the database again and write into it everything this process holds."""
        assert self._watch is not None
        log.error("store: %s vanished while the app ran; making it again", self._watch)
        self._engine.dispose()  # its connections write to the old, unlinked file
        with self._cond:
            self._replay_until = self._queued
        try:
            with self._engine.begin() as conn:
                migrate(conn, self._where)
                apply(conn, self._everything() if self._everything else [], replay=True)
        except Exception as error:  # the disk may be gone too: keep saying so
            self._failed([("recreate",)], error)
            return
        self._inode = _inode(self._watch)
        self.error = (
            f"The database file {self._watch} vanished while the app ran; it was made again "
            "with the conversations this process holds (others in it are lost)."
        )


def advice(error: Exception, sqlite_file: Path | None) -> str:
    """What a person can do about a failed write, by its cause."""
    text = reason(error).lower()
    if "readonly" in text or "read-only" in text or "permission" in text:
        return "The database cannot be written to: check the permissions of the file and folder."
    if ("disk" in text and "full" in text) or "no space" in text:
        return "The disk is full: free some space; what is not saved is kept in the journal."
    if "no such table" in text:
        return "The database was changed or replaced while the app ran: restart the app."
    if sqlite_file is not None:
        return "Check the disk and the file; what is not saved is kept in the journal."
    return "Check that the database server is running and reachable; the journal keeps the rest."


def _inode(path: Path | None) -> int | None:
    """The file's identity (None when it is not there)."""
    try:
        return path.stat().st_ino if path is not None else None
    except OSError:
        return None
