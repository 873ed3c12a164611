"""What a counterpart reports, as plain data: the only shape the layers above ever see.

Kinds: `task` (a snapshot: replaces what is known of the task), `status` (state change),
`artifact` (a chunk: `append` extends the artifact with the same id), `message` (a direct
reply), `notice` (something the person should know: a drop, a retry, an error).
Parts are dicts: {"type": "text", "text"}, {"type": "data", "data"},
{"type": "file", "media_type", "filename", "bytes" (base64) | "url"}.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TERMINAL = frozenset({"completed", "failed", "canceled", "rejected"})
INTERRUPTED = frozenset({"input-required", "auth-required"})
SETTLED = TERMINAL | INTERRUPTED


@dataclass(frozen=True)
class Update:
    """One thing that happened at the counterpart, in plain JSON-compatible data."""

    kind: str
    data: dict[str, Any] = field(default_factory=dict)


def notice(text: str, level: str = "info", hint: str = "") -> Update:
    """A message for the person: level is info, warning or error; hint says what to do."""
    return Update("notice", {"level": level, "text": text, "hint": hint})
