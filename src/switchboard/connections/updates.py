"""What a counterpart reports, as plain data: the only shape the layers above ever see.

`Kind` is the one vocabulary of what can happen in a conversation: the first group is what a
counterpart reports (an `Update`), the second what the chat records around it. Task states
are `TaskState`. Both are `StrEnum`s, so they are stored and exported as the plain strings
they always were. Parts are dicts: {"type": "text", "text"}, {"type": "data", "data"},
{"type": "file", "media_type", "filename", "bytes" (base64) | "url"}, and from MCP
{"type": "link", "uri", …} and {"type": "resource", "uri", "text" | "bytes"}.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """What one update or conversation event is: reported by a counterpart (C) or recorded
    by the chat around it (chat)."""

    USER = "user"  # chat: the person's prompt
    RESUME = "resume"  # chat: listening again to a task
    TASK = "task"  # C: a task snapshot, replacing what is known of the task
    STATUS = "status"  # C: the task's state changed
    ARTIFACT = "artifact"  # C: an artifact chunk; `append` extends the one with the same id
    MESSAGE = "message"  # C: a direct reply
    NOTICE = "notice"  # C: something the person should know (a drop, a retry, an error)
    TOOL_CALL = "tool_call"  # chat: the person called an MCP tool
    PROGRESS = "progress"  # C: an MCP call's progress
    QUESTION = "question"  # C: a question for the person (elicitation, sampling, approval)
    ANSWER = "answer"  # chat: the person answered a question
    TOOL_RESULT = "tool_result"  # C: an MCP call's result
    ATTACHMENT = "attachment"  # chat: a resource attached as context for the next message
    DELTA = "delta"  # C: text the assistant's model streamed
    STEP = "step"  # C: a call the model made; events inside it carry its id in data["step"]
    STEP_END = "step_end"  # C: what that call gave back to the model
    TURN_END = "turn_end"  # chat: the turn is over


class TaskState(StrEnum):
    """An A2A task's state, as A2A 1.0 names it in kebab case."""

    SUBMITTED = "submitted"
    WORKING = "working"
    INPUT_REQUIRED = "input-required"
    AUTH_REQUIRED = "auth-required"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELED = "canceled"
    REJECTED = "rejected"
    UNKNOWN = "unknown"


TERMINAL = frozenset(
    {TaskState.COMPLETED, TaskState.FAILED, TaskState.CANCELED, TaskState.REJECTED}
)
INTERRUPTED = frozenset({TaskState.INPUT_REQUIRED, TaskState.AUTH_REQUIRED})
SETTLED = TERMINAL | INTERRUPTED


class Ending(StrEnum):
    """How an exchange ended when not in a task state (a turn's end reason is one of these
    or a `TaskState`)."""

    REPLIED = "replied"  # a direct reply, no task
    ERROR = "error"  # it failed before settling
    STOPPED = "stopped"  # the person stopped it (or a new prompt superseded it)
    INTERRUPTED = "interrupted"  # the app stopped during it
    ATTACHED = "attached"  # not an exchange: resources attached to the conversation


class StepKind(StrEnum):
    """What one of the assistant's calls goes to."""

    MCP = "mcp"  # a tool of an MCP server
    AGENT = "agent"  # an A2A agent
    INVALID = "invalid"  # nothing: the model named no tool offered, or sent bad arguments


class StepStatus(StrEnum):
    """How one of the assistant's calls ended, as the model is told."""

    DONE = "done"
    ERROR = "error"
    DENIED = "denied"  # the person said no
    WAITING = "waiting"  # the agent asks for more input


class Level(StrEnum):
    """How much a notice matters."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class QuestionKind(StrEnum):
    """What a question for the person is about."""

    ELICITATION = "elicitation"  # an MCP server asks for input
    SAMPLING = "sampling"  # an MCP server wants the model to answer something
    APPROVAL = "approval"  # the assistant wants to make a call


class Action(StrEnum):
    """How the person answered a question (MCP's elicitation actions)."""

    ACCEPT = "accept"
    DECLINE = "decline"
    CANCEL = "cancel"


@dataclass(frozen=True)
class Update:
    """One thing that happened at the counterpart, in plain JSON-compatible data."""

    kind: Kind
    data: dict[str, Any] = field(default_factory=dict)


def notice(text: str, level: Level = Level.INFO, hint: str = "") -> Update:
    """A message for the person; `hint` says what to do."""
    return Update(Kind.NOTICE, {"level": level, "text": text, "hint": hint})
