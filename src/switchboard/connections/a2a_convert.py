"""A2A protobuf objects → plain `Update`s and dicts (the SDK boundary for A2A)."""

from __future__ import annotations

import base64
from typing import Any

from a2a.helpers import new_data_part, new_raw_part, new_text_part
from a2a.types import Artifact, Message, Part, StreamResponse, Task
from a2a.types import TaskState as SdkTaskState
from google.protobuf.json_format import MessageToDict

from switchboard.connections.updates import Kind, TaskState, Update


def to_updates(event: StreamResponse) -> list[Update]:
    """Convert one stream event (or the single reply of a blocking send)."""
    kind = event.WhichOneof("payload")
    if kind == "task":
        return [task_update(event.task)]
    if kind == "message":
        return [message_update(event.message)]
    if kind == "status_update":
        status = event.status_update
        return [
            Update(
                Kind.STATUS,
                {
                    "task_id": status.task_id,
                    "context_id": status.context_id,
                    "state": state_name(status.status.state),
                    "message": message_parts(status.status.message)
                    if status.status.HasField("message")
                    else [],
                },
            )
        ]
    if kind == "artifact_update":
        chunk = event.artifact_update
        return [
            Update(
                Kind.ARTIFACT,
                {
                    "task_id": chunk.task_id,
                    "context_id": chunk.context_id,
                    **artifact_dict(chunk.artifact),
                    "append": chunk.append,
                    "last_chunk": chunk.last_chunk,
                },
            )
        ]
    return []


def task_update(task: Task) -> Update:
    """A task snapshot: state, status message and every artifact as the agent has them now."""
    return Update(
        Kind.TASK,
        {
            "task_id": task.id,
            "context_id": task.context_id,
            "state": state_name(task.status.state),
            "message": message_parts(task.status.message)
            if task.status.HasField("message")
            else [],
            "artifacts": [artifact_dict(artifact) for artifact in task.artifacts],
        },
    )


def message_update(message: Message) -> Update:
    """A direct message reply (no task)."""
    return Update(
        Kind.MESSAGE,
        {
            "context_id": message.context_id,
            "task_id": message.task_id,
            "parts": message_parts(message),
        },
    )


def state_name(state: int) -> str:
    """TASK_STATE_INPUT_REQUIRED → "input-required"; UNSPECIFIED → "unknown"; a number outside
    the enum (a newer or broken agent) is kept as what it is, and the stream goes on."""
    try:
        name = SdkTaskState.Name(state).removeprefix("TASK_STATE_").lower().replace("_", "-")
    except ValueError:
        return f"unrecognized state {state}"
    return TaskState.UNKNOWN if name == "unspecified" else TaskState(name)


def artifact_dict(artifact: Artifact) -> dict[str, Any]:
    """An artifact's id, name and parts."""
    return {
        "artifact_id": artifact.artifact_id,
        "name": artifact.name,
        "parts": [part_dict(part) for part in artifact.parts],
    }


def message_parts(message: Message) -> list[dict[str, Any]]:
    """The parts of a message as plain dicts."""
    return [part_dict(part) for part in message.parts]


def part_dict(part: Part) -> dict[str, Any]:
    """One part as a plain dict (see `updates` for the shapes)."""
    content = part.WhichOneof("content")
    common = {"media_type": part.media_type, "filename": part.filename}
    if content == "text":
        return {"type": "text", "text": part.text, **common}
    if content == "data":
        return {"type": "data", "data": MessageToDict(part.data), **common}
    if content == "raw":
        return {"type": "file", "bytes": base64.b64encode(part.raw).decode("ascii"), **common}
    if content == "url":
        return {"type": "file", "url": part.url, **common}
    return {"type": "text", "text": "", **common}


def attachment_part(attachment: dict[str, Any]) -> Part:
    """An attached resource as a message part: its text with its media type, or its bytes;
    JSON the person sends as a data part."""
    name = attachment.get("uri", "").rsplit("/", 1)[-1]
    media_type = attachment.get("media_type") or ""
    if "data" in attachment:
        return new_data_part(attachment["data"], media_type=media_type)
    if "bytes" in attachment:
        data = base64.b64decode(attachment["bytes"])
        return new_raw_part(data, media_type=media_type, filename=name)
    return new_text_part(attachment.get("text", ""), media_type=media_type or "text/plain")
