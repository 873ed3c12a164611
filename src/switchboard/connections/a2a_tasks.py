"""An agent's tasks as the task explorer lists and opens them: ListTasks pages (A2A 1.0) and a
task's details (status, history, artifacts), as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from a2a.types import ListTasksRequest, Role, Task
from a2a.types import TaskState as SdkTaskState
from google.protobuf.timestamp_pb2 import Timestamp

from switchboard.connections.a2a_convert import artifact_dict, message_parts, state_name
from switchboard.connections.updates import TaskState

PAGE_SIZE = 50  # tasks per ListTasks page
NO_LIST = "A2A 0.3 has no way to list an agent's tasks (ListTasks came with 1.0)."
OPEN_BY_ID = "Open a task by its id instead, or connect over an A2A 1.0 interface."


@dataclass(frozen=True)
class TaskPage:
    """One page of an agent's tasks, and the token for the next (empty: the last page)."""

    tasks: list[dict[str, Any]]
    next_token: str = ""
    total: int | None = None


@dataclass(frozen=True)
class TaskDetails:
    """A task as GetTask returned it: its summary, every message of its history, its
    artifacts."""

    summary: dict[str, Any]
    history: list[dict[str, Any]] = field(default_factory=list)
    artifacts: list[dict[str, Any]] = field(default_factory=list)


def list_request(context_id: str, state: str, page_token: str) -> ListTasksRequest:
    """ListTasks for one page, filtered by context and by state ("" for any)."""
    request = ListTasksRequest(
        context_id=context_id.strip(),
        page_token=page_token,
        page_size=PAGE_SIZE,
        history_length=0,
        include_artifacts=False,
    )
    if state:
        request.status = SdkTaskState.Value("TASK_STATE_" + state.upper().replace("-", "_"))
    return request


def summary(task: Task) -> dict[str, Any]:
    """What a row of the explorer shows of a task."""
    status = task.status
    return {
        "task_id": task.id,
        "context_id": task.context_id,
        "state": state_name(status.state),
        "updated": _seconds(status.timestamp) if status.HasField("timestamp") else None,
        "message": message_parts(status.message) if status.HasField("message") else [],
        "artifacts": len(task.artifacts),
    }


def details(task: Task) -> TaskDetails:
    """A task with its history (who said what) and artifacts."""
    history = [
        {
            "role": "user" if message.role == Role.ROLE_USER else "agent",
            "parts": message_parts(message),
            "message_id": message.message_id,
        }
        for message in task.history
    ]
    artifacts = [artifact_dict(artifact) for artifact in task.artifacts]
    return TaskDetails(summary(task), history, artifacts)


def states() -> list[str]:
    """The states a person can filter by."""
    return [state.value for state in TaskState if state is not TaskState.UNKNOWN]


def _seconds(stamp: Timestamp) -> float:
    return stamp.seconds + stamp.nanos / 1e9
