"""A conversation's log as the model's chat messages: the person's prompts (with attached
resources and chosen MCP prompts), each round's text and tool calls, and what each call gave
back. Rebuilt from the log, so a reload or a restart gives the model the same context."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from switchboard.connections.updates import Kind

UNFINISHED = "The call did not finish: it was stopped before it returned."


class LoggedEvent(Protocol):
    """What the assistant reads of a conversation event."""

    turn: int
    kind: Kind
    data: dict[str, Any]


def model_messages(events: Iterable[LoggedEvent]) -> list[dict[str, Any]]:
    """Every turn of the conversation as chat messages, oldest first."""
    turns: dict[int, _Turn] = {}
    steps: dict[str, dict[str, Any]] = {}
    results: dict[str, str] = {}
    attached: list[dict[str, Any]] = []
    for event in events:
        turn, data = turns.setdefault(event.turn, _Turn()), event.data
        if event.kind == Kind.ATTACHMENT:
            attached.append(data)
        elif event.kind == Kind.USER:
            turn.messages = user_messages(data, attached)
            attached = []
        elif event.kind == Kind.DELTA:
            turn.round(data.get("round", 1)).text.append(data.get("text", ""))
        elif event.kind == Kind.STEP:
            turn.round(data.get("round", 1)).steps.append(data["id"])
            steps[data["id"]] = data
        elif event.kind == Kind.STEP_END:
            results[data["step"]] = data.get("content", "")
        elif event.kind in (Kind.TOOL_CALL, Kind.TOOL_RESULT) and "step" not in data:
            turn.direct[event.kind] = data
    messages: list[dict[str, Any]] = []
    for number in sorted(turns):
        messages += turns[number].as_messages(steps, results)
    return messages


def user_messages(data: dict[str, Any], attached: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The person's message, after the resources attached to it; a chosen MCP prompt gives
    its own messages, role by role."""
    context = [attachment_text(item) for item in attached]
    prompt = data.get("prompt") or {}
    if prompt.get("messages"):
        rendered = [
            {"role": m["role"], "content": part_text(m["part"])} for m in prompt["messages"]
        ]
        if context:
            rendered.insert(0, {"role": "user", "content": "\n\n".join(context)})
        return rendered
    return [{"role": "user", "content": "\n\n".join([*context, data.get("text", "")])}]


def attachment_text(item: dict[str, Any]) -> str:
    """An attached resource, or data the person sent, as context for the model."""
    if "data" in item:
        return f"Data the person sent (JSON):\n{json.dumps(item['data'], ensure_ascii=False)}"
    head = f"Attached resource {item.get('uri', '')} ({item.get('media_type') or 'text'})"
    if "bytes" in item:
        return f"{head}: binary, {len(item['bytes']) * 3 // 4} bytes, not shown."
    return f"{head}:\n{item.get('text', '')}"


def part_text(part: dict[str, Any]) -> str:
    """A part (MCP content or A2A part) as text for the model."""
    kind = part.get("type")
    if kind == "text":
        return part.get("text", "")
    if kind == "data":
        return json.dumps(part.get("data"))
    if kind == "resource":
        return attachment_text(part)
    if kind == "link":
        return f"[resource link {part.get('uri', '')}: {part.get('name', '')}]"
    if kind == "file":
        return f"[{part.get('media_type') or 'file'} {part.get('filename') or ''}]".replace(
            " ]", "]"
        )
    return json.dumps(part)


@dataclass
class _Round:
    text: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)


@dataclass
class _Turn:
    messages: list[dict[str, Any]] = field(default_factory=list)
    rounds: dict[int, _Round] = field(default_factory=dict)
    direct: dict[str, dict[str, Any]] = field(default_factory=dict)

    def round(self, number: int) -> _Round:
        return self.rounds.setdefault(number, _Round())

    def as_messages(
        self, steps: dict[str, dict[str, Any]], results: dict[str, str]
    ) -> list[dict[str, Any]]:
        messages = list(self.messages)
        if "tool_call" in self.direct:  # a call the person made from the MCP page
            call, result = self.direct["tool_call"], self.direct.get("tool_result", {})
            outcome = "\n".join(part_text(p) for p in result.get("parts", [])) or "no result"
            messages.append(
                {
                    "role": "user",
                    "content": f"(I called the tool {call['tool']} of {call['server']} with "
                    f"{json.dumps(call.get('arguments', {}))}. It returned: {outcome})",
                }
            )
        for number in sorted(self.rounds):
            text, ids = "".join(self.rounds[number].text), self.rounds[number].steps
            if not text and not ids:
                continue
            message: dict[str, Any] = {"role": "assistant", "content": text or None}
            if ids:
                message["tool_calls"] = [tool_call(steps[i]) for i in ids]
            messages.append(message)
            for step_id in ids:
                messages.append(
                    {
                        "role": "tool",
                        "tool_call_id": steps[step_id]["call_id"],
                        "content": results.get(step_id) or UNFINISHED,
                    }
                )
        return messages


def tool_call(step: dict[str, Any]) -> dict[str, Any]:
    """A step as the tool call the model made (arguments that were not JSON become {})."""
    arguments = step.get("arguments_text", "")
    try:
        json.loads(arguments or "{}")
    except ValueError:
        arguments = "{}"
    return {
        "id": step["call_id"],
        "type": "function",
        "function": {"name": step["name"], "arguments": arguments or "{}"},
    }
