"""What the model may call: every enabled MCP tool and every connected A2A agent, under names
the API accepts (^[a-zA-Z0-9_-]{1,64}$), with the reverse map back to the real target."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Container, Mapping
from dataclasses import dataclass
from typing import Any

from switchboard.connections.owner import Status
from switchboard.connections.registry import Registry
from switchboard.connections.updates import StepKind

MAX_NAME = 64
MAX_DESCRIPTION = 1024
AGENT_PARAMETERS = {
    "type": "object",
    "properties": {
        "message": {
            "type": "string",
            "description": "What to ask or tell the agent, in plain language.",
        },
        "task_id": {
            "type": "string",
            "description": "Only to answer an agent that asked for more input: the task_id "
            "its answer gave.",
        },
    },
    "required": ["message"],
}


@dataclass(frozen=True)
class Target:
    """The real thing behind a tool name: an MCP server's tool, or an A2A agent."""

    kind: StepKind  # MCP or AGENT
    owner: str  # the server's or the agent's name
    tool: str = ""

    @property
    def label(self) -> str:
        """How the person sees it."""
        return f"{self.owner} · {self.tool}" if self.kind == StepKind.MCP else self.owner

    def policy(self, approval: Mapping[str, str]) -> str:
        """ "ask" or "allow": the tool's own rule, else its server's (or agent's), else "*"."""
        keys = [f"{self.owner}/{self.tool}"] if self.kind == StepKind.MCP else []
        for key in (*keys, self.owner, "*"):
            if key in approval:
                return approval[key]
        return "ask"


@dataclass
class Toolbox:
    """The tools offered in one turn: their specs for the API and where each name leads."""

    specs: list[dict[str, Any]]
    targets: dict[str, Target]

    @classmethod
    def gather(cls, registry: Registry, user: str) -> Toolbox:
        """Every tool of every ready MCP server, and every ready agent, that `user` sees."""
        box = cls([], {})
        for server in registry.servers(user):
            if server.status != Status.READY:
                continue
            for tool in server.tools:
                if tool["task_only"]:
                    continue  # it cannot be called without MCP tasks
                description = tool["description"] or tool["title"] or tool["name"]
                box._add(
                    Target(StepKind.MCP, server.name, tool["name"]),
                    description,
                    tool["input_schema"],
                )
        for agent in registry.agents(user):
            if agent.status != Status.READY or agent.card is None:
                continue
            box._add(Target(StepKind.AGENT, agent.name), agent_description(agent.name, agent.card))
        return box

    def _add(self, target: Target, description: str, schema: dict[str, Any] | None = None) -> None:
        wanted = (
            f"{target.owner}__{target.tool}"
            if target.kind == StepKind.MCP
            else f"ask_{target.owner}"
        )
        name = api_name(wanted, taken=self.targets)
        parameters = dict(schema or AGENT_PARAMETERS)
        parameters.setdefault("type", "object")
        parameters.setdefault("properties", {})
        self.targets[name] = target
        self.specs.append(
            {
                "type": "function",
                "function": {
                    "name": name,
                    "description": description[:MAX_DESCRIPTION],
                    "parameters": parameters,
                },
            }
        )


def api_name(wanted: str, taken: Container[str] = ()) -> str:
    """`wanted` made valid for the API: other characters become "_", and a name that is too
    long or already taken ends in a short hash of `wanted` instead."""
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", wanted).strip("_") or "tool"
    if len(name) <= MAX_NAME and name not in taken:
        return name
    digest = hashlib.sha1(wanted.encode()).hexdigest()
    for size in range(8, 41):
        candidate = f"{name[: MAX_NAME - size - 1]}_{digest[:size]}"
        if candidate not in taken:
            return candidate
    raise ValueError(f"no free tool name for {wanted!r}")


def agent_description(name: str, card: Any) -> str:
    """An agent as a tool: what its card says it does, skill by skill, with examples."""
    lines = [f"Delegate to the A2A agent {name!r}. {card.description}".strip()]
    for skill in card.skills:
        line = f"- {skill['name']}: {skill.get('description') or ''}".rstrip(": ")
        if skill.get("examples"):
            line += " (e.g. " + "; ".join(repr(e) for e in skill["examples"][:3]) + ")"
        lines.append(line)
    return "\n".join(lines)
