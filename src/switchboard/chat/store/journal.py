"""The journal: every write is appended to a file before it is queued for the database, so a
process killed before the writer got to it loses nothing; the next start replays it.

One journal per process using a data directory (journal.jsonl, journal-2.jsonl…), each locked
with `flock` for as long as its process lives, so two processes never replay or empty each
other's. It is not fsynced: it survives a killed process (the kernel keeps the write), not a
power cut.
"""

from __future__ import annotations

import fcntl
import itertools
import json
import logging
import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from switchboard.chat.store.base import StoreError
from switchboard.chat.store.rows import Op, apply, op_conversation

log = logging.getLogger(__name__)

GLOB = "journal*.jsonl"


class Journal:
    """This process's journal in `directory`: opened for appending and locked."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._fd: int | None = _own(directory)

    @property
    def working(self) -> bool:
        """False once the journal could not be written (a full disk): writes go on without it."""
        return self._fd is not None

    def replay_into(self, engine: Engine) -> None:
        """Write what dead processes (and this one's predecessor) journalled but may not have
        written, then empty their journals. Journals of live processes are left alone."""
        assert self._fd is not None
        for path, fd in _orphans(self.directory, self._fd):
            try:
                replay(engine, path, fd)
            finally:
                os.close(fd)

    def append(self, op: Op) -> None:
        """Journal `op` (before it is queued): it survives the process from here on."""
        if self._fd is None:
            return
        try:
            os.write(self._fd, encode(op))
        except OSError as error:  # a full disk: keep writing to the database without it
            log.error("store journal failed, continuing without it: %s", error)
            self.close()

    def empty(self) -> None:
        """Everything journalled is in the database."""
        if self._fd is not None:
            os.ftruncate(self._fd, 0)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def replay(engine: Engine, journal: Path, fd: int) -> None:
    """Write one journal's operations (rows already there are skipped; deleted conversations
    stay deleted; a line torn by a kill is ignored), then empty it."""
    if os.fstat(fd).st_size == 0:
        return
    ops: list[Op] = []
    for line in journal.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            ops.append(decode(line))
        except (ValueError, IndexError):  # a line torn by the kill
            continue
    deleted = {op[1] for op in ops if op[0] == "delete"}
    kept = [op for op in ops if op[0] == "delete" or op_conversation(op) not in deleted]
    try:
        with engine.begin() as conn:
            apply(conn, kept, replay=True)
    except sa.exc.SQLAlchemyError as error:
        raise StoreError(
            f"Could not replay the journal {journal} into {engine.url}: {reason(error)}. "
            "Move the journal aside to start without its last writes."
        ) from error
    os.ftruncate(fd, 0)
    log.info("store: replayed %d journalled writes from %s", len(kept), journal.name)


def encode(op: Op) -> bytes:
    """One journal line. An event's data is already JSON (it never holds a raw tab or newline),
    so it goes in as it is: encoding it again would cost the loop more than the write."""
    if op[0] == "event":
        r = op[1]
        head = f"E\t{r['conversation_id']}\t{r['seq']}\t{r['turn']}\t{r['kind']}\t{r['ts']!r}"
        return f"{head}\t{r['data']}\n".encode()
    return ("J\t" + json.dumps(op, default=str) + "\n").encode()


def decode(line: str) -> Op:
    """The inverse of `encode`; raises ValueError or IndexError for a torn line."""
    tag, rest = line.split("\t", 1)
    if tag == "J":
        return tuple(json.loads(rest))
    conversation_id, seq, turn, kind, ts, data = rest.split("\t", 5)
    json.loads(data)  # a torn line ends mid-JSON
    row: dict[str, Any] = {
        "conversation_id": conversation_id,
        "seq": int(seq),
        "turn": int(turn),
        "kind": kind,
        "data": data,
        "ts": float(ts),
    }
    return ("event", row)


def reason(error: Exception) -> str:
    """The driver's own message, without SQLAlchemy's statement dump."""
    original = getattr(error, "orig", None)
    return str(original or error).strip().splitlines()[0]


def _own(directory: Path) -> int:
    """Open and lock the first journal no other live process holds; its fd, appending."""
    for number in itertools.count(1):
        path = directory / ("journal.jsonl" if number == 1 else f"journal-{number}.jsonl")
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        return fd
    raise AssertionError("unreachable")


def _orphans(directory: Path, own: int) -> list[tuple[Path, int]]:
    """Every journal in `directory` no live process holds (our own included), locked."""
    found = []
    for path in sorted(directory.glob(GLOB)):
        if os.path.samestat(os.fstat(own), path.stat()):
            found.append((path, os.dup(own)))
            continue
        fd = os.open(path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a live process writes it: not ours to replay
            os.close(fd)
            continue
        found.append((path, fd))
    return found
