"""How a lost A2A task stream is tried again: a doubling delay, a limit on tries in a row."""

from __future__ import annotations

from switchboard.connections.owner import CallError
from switchboard.connections.updates import Level, Update, notice

MAX_BACKOFF = 8.0  # seconds between two tries at most


class Retries:
    """How often, and how long after, a lost task stream is tried again: the delay doubles
    up to MAX_BACKOFF; after `limit` tries in a row that brought nothing, it gives up."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.failures = 0
        self.delay = 0.0

    def reset(self) -> None:
        self.failures, self.delay = 0, 0.0

    def failed(self, error: CallError) -> Update:
        """The notice for one more failure (with the wait before the next try), or CallError
        when there is no try left."""
        if self.failures >= self.limit:
            raise CallError(
                f"Lost the agent's stream ({error.message}) and could not get it back after "
                f"{self.failures} attempts.",
                hint="The task may still be running on the agent: press Resume to listen "
                "again once it is reachable, or Cancel task.",
            ) from error
        self.failures += 1
        self.delay = min(self.delay * 2, MAX_BACKOFF) if self.delay else 0.5
        return notice(
            f"Lost the agent's stream ({error.message}); listening again in {self.delay:g} s "
            f"(attempt {self.failures} of {self.limit}).",
            Level.WARNING,
        )
