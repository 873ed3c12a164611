"""One tool call the model made, as a step: checked, approved (or not), run against its MCP
server or A2A agent, and summed up as the text the model gets back. Every step ends with a
`step_end` update, whatever happened: the model always gets an answer to its call."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from switchboard.assistant.history import part_text
from switchboard.assistant.model import ModelToolCall
from switchboard.assistant.tools import Target, Toolbox
from switchboard.connections.fold import Reply
from switchboard.connections.mcp_questions import Sampler
from switchboard.connections.owner import CallError
from switchboard.connections.registry import Registry
from switchboard.connections.tool_calls import Questions, call_updates
from switchboard.connections.updates import (
    INTERRUPTED,
    Action,
    Kind,
    QuestionKind,
    StepKind,
    StepStatus,
    TaskState,
    Update,
)

log = logging.getLogger(__name__)
DENIED = "The person denied this call. Do not try it again unless they ask you to."
PAGE_SHOWN = (
    "The person has been shown the page and a Retry button for this call; tell them to open "
    "it, and do not call the tool again until they say they have finished there."
)


@dataclass
class Step:
    """A tool call of the model: where it goes and with what, or why it cannot run."""

    id: str
    call: ModelToolCall
    round: int
    target: Target | None = None
    arguments: dict[str, Any] = field(default_factory=dict)
    problem: str = ""

    @classmethod
    def plan(cls, call: ModelToolCall, toolbox: Toolbox, round_number: int) -> Step:
        """Resolve the call's name and parse its arguments; a problem is kept, not raised."""
        step = cls(f"s{uuid.uuid4().hex[:10]}", call, round_number)
        step.target = toolbox.targets.get(call.name)
        if step.target is None:
            step.problem = (
                f"There is no tool called {call.name!r}. Use one of the tools offered: "
                + ", ".join(sorted(toolbox.targets))
            )
            return step
        try:
            arguments = json.loads(call.arguments or "{}")
        except ValueError as exc:
            step.problem = (
                f"The arguments were not valid JSON ({exc}). Call it again with a JSON object."
            )
            return step
        if not isinstance(arguments, dict):
            step.problem = "The arguments must be a JSON object. Call it again with one."
            return step
        step.arguments = arguments
        return step

    def describe(self) -> dict[str, Any]:
        """The step as it is logged (and rebuilt for the model on later turns)."""
        target = self.target
        return {
            "id": self.id,
            "call_id": self.call.call_id,
            "name": self.call.name,
            "round": self.round,
            "kind": target.kind if target and not self.problem else StepKind.INVALID,
            "server": target.owner if target and target.kind == StepKind.MCP else "",
            "agent": target.owner if target and target.kind == StepKind.AGENT else "",
            "tool": target.tool if target else "",
            "label": target.label if target else self.call.name,
            "arguments": self.arguments if not self.problem else {},
            "arguments_text": self.call.arguments,
        }


@dataclass
class StepRunner:
    """Runs steps for one turn: approvals through `questions`, calls through the registry."""

    registry: Registry
    questions: Questions
    user: str  # whose turn: the connections they see, their model for sampling
    approval: Mapping[str, str]
    allow: Callable[[str], None]  # "always allow" for a policy key
    sampler: Sampler | None  # answers the servers' sampling requests (None: declined)
    contexts: dict[str, str]  # agent name → the A2A context this conversation has with it
    timeout: float

    async def run(self, step: Step) -> AsyncIterator[Update]:
        """The step's updates, then its `step_end` ({status, content})."""
        outcome = _Outcome()
        try:
            async with contextlib.aclosing(self._body(step, outcome)) as updates:
                async for update in updates:
                    yield update
        except TimeoutError:
            outcome.fail(f"No answer within {self.timeout:g} s; the call was cancelled.")
        except CallError as exc:
            outcome.fail(exc.message)
        except Exception as exc:  # a bug or an unexpected SDK error: the model still hears
            log.exception("step %s failed", step.id)
            outcome.fail(f"Unexpected error: {type(exc).__name__}: {exc}")
        yield Update(Kind.STEP_END, {"status": outcome.status, "content": outcome.content})

    async def _body(self, step: Step, outcome: _Outcome) -> AsyncIterator[Update]:
        if step.problem:
            outcome.fail(step.problem)
            return
        assert step.target is not None
        if step.target.policy(self.approval) == "ask":
            allowed = [False]
            async with contextlib.aclosing(self._approval(step, allowed)) as asked:
                async for update in asked:
                    yield update
            if not allowed[0]:
                outcome.status, outcome.content = StepStatus.DENIED, DENIED
                return
        runner = self._mcp if step.target.kind == StepKind.MCP else self._agent
        async with asyncio.timeout(self.timeout):
            async with contextlib.aclosing(runner(step, outcome)) as updates:
                async for update in updates:
                    yield update

    async def _approval(self, step: Step, allowed: list[bool]) -> AsyncIterator[Update]:
        """Ask the person first; `allowed[0]` says what they chose."""
        assert step.target is not None
        target, question_id = step.target, f"approve-{step.id}"
        answer: asyncio.Future[tuple[str, dict[str, Any] | None]] = (
            asyncio.get_running_loop().create_future()
        )

        def resolve(action: str, content: dict[str, Any] | None) -> None:
            if not answer.done():
                answer.set_result((action, content))

        self.questions.open(question_id, resolve)
        try:
            yield Update(
                Kind.QUESTION,
                {
                    "id": question_id,
                    "kind": QuestionKind.APPROVAL,
                    "server": target.owner,
                    "message": f"The assistant wants to call **{target.label}**.",
                    "arguments": step.arguments,
                    "policy_key": policy_key(target),
                },
            )
            action, content = await answer
        finally:
            self.questions.close(question_id)
        allowed[0] = action == Action.ACCEPT
        if allowed[0] and content and content.get("always"):
            self.allow(policy_key(target))

    async def _mcp(self, step: Step, outcome: _Outcome) -> AsyncIterator[Update]:
        assert step.target is not None
        server = self.registry.server(step.target.owner, self.user)
        if server is None:
            raise CallError(f"The MCP server {step.target.owner!r} is not connected any more.")
        updates = call_updates(
            server, step.target.tool, step.arguments, self.questions, self.sampler
        )
        async with contextlib.aclosing(updates) as stream:
            async for update in stream:
                if update.kind == Kind.TOOL_RESULT:
                    outcome.see_result(update.data)
                elif update.kind == Kind.NOTICE and update.data.get("pages"):
                    outcome.fail(f"{update.data['text']} {PAGE_SHOWN}")
                yield update

    async def _agent(self, step: Step, outcome: _Outcome) -> AsyncIterator[Update]:
        assert step.target is not None
        name = step.target.owner
        agent = self.registry.agent(name, self.user)
        if agent is None:
            raise CallError(f"The agent {name!r} is not connected any more.")
        message = step.arguments.get("message")
        if not isinstance(message, str) or not message.strip():
            outcome.fail("Give the agent a 'message' (a string) saying what you need.")
            return
        task_id = step.arguments.get("task_id") or None
        updates = agent.converse(message, self.contexts.get(name), task_id)
        async with contextlib.aclosing(updates) as stream:
            async for update in stream:
                outcome.agent.apply(update.kind, update.data)
                yield update
        if outcome.agent.context_id:
            self.contexts[name] = outcome.agent.context_id
        outcome.settle_agent(step.call.name)


def policy_key(target: Target) -> str:
    """The approval key that "always allow" sets: the tool for MCP, the agent itself."""
    return f"{target.owner}/{target.tool}" if target.kind == StepKind.MCP else target.owner


def agent_contexts(events: Any) -> dict[str, str]:
    """Agent name → the A2A context of this conversation with it, from the log."""
    agents: dict[str, str] = {}
    contexts: dict[str, str] = {}
    for event in events:
        data = event.data
        if event.kind == Kind.STEP and data.get("agent"):
            agents[data["id"]] = data["agent"]
        elif data.get("step") in agents and data.get("context_id"):
            contexts[agents[data["step"]]] = data["context_id"]
    return contexts


def texts(parts: list[dict[str, Any]]) -> str:
    """Parts of any type as the model reads them (data as JSON, files by name), joined."""
    return "".join(part_text(p) for p in parts)


@dataclass
class _Outcome:
    """What a call gave back, summed up for the model."""

    status: StepStatus = StepStatus.DONE
    content: str = ""
    agent: Reply = field(default_factory=Reply)  # what the agent did, folded

    def fail(self, reason: str) -> None:
        self.status, self.content = StepStatus.ERROR, reason

    def see_result(self, result: dict[str, Any]) -> None:
        found = [part_text(p) for p in result.get("parts", [])]
        if not any(found) and result.get("structured") is not None:
            found = [json.dumps(result["structured"])]
        self.content = "\n".join(t for t in found if t) or "(no content)"
        if result.get("is_error"):
            self.status, self.content = StepStatus.ERROR, "ERROR: " + self.content

    def settle_agent(self, tool_name: str) -> None:
        seen = self.agent
        status_text = texts(seen.status_parts)
        answers = [texts(a.parts) for a in seen.artifacts.values()]
        answer = "\n".join([*answers, *(texts(m) for m in seen.messages)]).strip()
        if seen.state in INTERRUPTED:
            self.status = StepStatus.WAITING
            self.content = (
                f"The agent needs more input: {status_text or '(no question given)'}\n"
                f"To answer it, call {tool_name} again with task_id {seen.task_id!r} and the "
                "answer as the message; if only the person can answer, ask them."
            )
        elif seen.state in (TaskState.FAILED, TaskState.REJECTED, TaskState.CANCELED):
            self.status = StepStatus.ERROR
            self.content = f"The agent's task ended {seen.state}: {status_text or answer}"
        elif seen.state and seen.state != TaskState.COMPLETED:
            self.status = StepStatus.ERROR
            self.content = f"The agent's task is still {seen.state}; listening stopped. {answer}"
        else:
            self.content = answer or status_text or "(the agent answered without text)"
