"""The app log stays free of tracebacks: a check over every record any logger writes while a
test runs (at DEBUG, whatever the loggers' own levels say)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

TRACEBACK = "Traceback (most recent call last)"


class Tracebacks(logging.Handler):
    """Keeps each record that carries a traceback (exc_info, or one in its text)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        carried = record.exc_info or record.exc_text or record.stack_info
        if carried or TRACEBACK in record.getMessage():
            self.records.append(record)

    def described(self) -> list[str]:
        """Each offending record: its logger, level and message."""
        return [f"{r.name} {r.levelname}: {r.getMessage()}" for r in self.records]


@contextlib.contextmanager
def no_tracebacks() -> Iterator[Tracebacks]:
    """Fail the block if any record logged during it carries a traceback."""
    root = logging.getLogger()
    handler, level = Tracebacks(), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.setLevel(level)
        root.removeHandler(handler)
    assert handler.described() == [], "tracebacks in the app log"
