"""Whom a turn talks to, behind one interface: an A2A agent, the assistant, or an MCP tool the
person calls directly. The chat service drives every turn through `Counterpart.respond`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from switchboard.assistant import ASSISTANT, Assistant
from switchboard.chat.conversation import Conversation
from switchboard.connections.a2a_agent import AgentConnection
from switchboard.connections.owner import CallError
from switchboard.connections.registry import Registry
from switchboard.connections.tool_calls import Questions, call_updates
from switchboard.connections.updates import Update

STOPPED = "Stopped listening. The agent's task goes on: Cancel task stops it, Resume listens again."
STOPPED_UNTASKED = (
    "Stopped waiting. The agent had not named a task yet, so there is none to cancel or "
    "listen to again: send the message again if you still need the answer."
)
ASSISTANT_STOPPED = "Stopped: the model's answer and its running tool calls were cancelled."
CALL_STOPPED = "Stopped: the call was cancelled, and the server was told."
NO_TASK = "There is no task to cancel."


@dataclass(frozen=True)
class Prompt:
    """The person's message; `prompt` is a chosen MCP prompt ({server, messages})."""

    text: str
    prompt: dict[str, Any] | None = None


@dataclass(frozen=True)
class Resume:
    """Listen again to a task the conversation started."""

    task_id: str


@dataclass(frozen=True)
class ToolCall:
    """An MCP tool the person calls from the MCP page."""

    server: str
    tool: str
    arguments: dict[str, Any] = field(default_factory=dict)


Request = Prompt | Resume | ToolCall


@dataclass(frozen=True)
class Turn:
    """The turn a counterpart responds in: its conversation (read after the previous turn
    ended), its number, and where its questions for the person go."""

    conversation: Conversation
    number: int
    questions: Questions


class Counterpart(Protocol):
    """Something a conversation talks to."""

    def stop_notice(self, task_id: str) -> str:
        """What the person is told when they stop a turn (`task_id`: its task, "" if none)."""
        ...

    def respond(self, request: Request, turn: Turn) -> AsyncIterator[Update]:
        """What happens for `request`, as updates, until it settles; CallError if it cannot
        even start. Closing the iterator stops it."""
        ...

    async def cancel(self, task_id: str) -> Update:
        """Cancel a task it runs (A2A CancelTask); the task as it stands after the request."""
        ...


@dataclass
class AgentCounterpart:
    """An A2A agent, by name, as `user` sees it (it may be removed or replaced while
    conversations go on)."""

    registry: Registry
    name: str
    user: str

    def stop_notice(self, task_id: str) -> str:
        return STOPPED if task_id else STOPPED_UNTASKED

    def respond(self, request: Request, turn: Turn) -> AsyncIterator[Update]:
        agent = self._agent()
        if isinstance(request, Resume):
            return agent.follow(request.task_id)
        if not isinstance(request, Prompt):
            raise CallError(f"{self.name} is an agent: it takes messages, not tool calls.")
        conversation = turn.conversation
        return agent.converse(
            request.text,
            conversation.context_id(),
            conversation.pending_task(),
            conversation.pending_attachments(),
        )

    async def cancel(self, task_id: str) -> Update:
        return await self._agent().cancel_task(task_id)

    def _agent(self) -> AgentConnection:
        agent = self.registry.agent(self.name, self.user)
        if agent is None:
            raise CallError(
                f"{self.name!r} is not connected any more.",
                hint="Add it again on the Agents page, or start a new conversation.",
            )
        return agent


@dataclass
class AssistantCounterpart:
    """The assistant: its model answers from the whole conversation, calling tools and agents."""

    assistant: Assistant

    def stop_notice(self, task_id: str) -> str:
        return ASSISTANT_STOPPED

    def respond(self, request: Request, turn: Turn) -> AsyncIterator[Update]:
        if not isinstance(request, Prompt):
            raise CallError("The assistant has no task to resume; send it a message.")
        conversation = turn.conversation
        return self.assistant.converse(conversation.owner, conversation.events(), turn.questions)

    async def cancel(self, task_id: str) -> Update:
        raise CallError(NO_TASK)


@dataclass
class ToolCounterpart:
    """MCP tools called directly by the person, on any server they see; sampling requests go
    to their model."""

    registry: Registry
    assistant: Assistant
    user: str

    def stop_notice(self, task_id: str) -> str:
        return CALL_STOPPED

    def respond(self, request: Request, turn: Turn) -> AsyncIterator[Update]:
        if not isinstance(request, ToolCall):
            raise CallError("A tool call turn takes a tool call.")
        server = self.registry.server(request.server, self.user)
        if server is None:
            raise CallError(f"There is no MCP server called {request.server!r} any more.")
        sampler = self.assistant.sampler(self.user)
        return call_updates(server, request.tool, request.arguments, turn.questions, sampler)

    async def cancel(self, task_id: str) -> Update:
        raise CallError(NO_TASK)


@dataclass
class Counterparts:
    """Finds the counterpart of a conversation, or of a request."""

    registry: Registry
    assistant: Assistant

    def of(self, conversation: Conversation, request: Request | None = None) -> Counterpart:
        """Who answers `request` in `conversation`: a direct tool call is the MCP tools',
        everything else goes to the conversation's counterpart."""
        if isinstance(request, ToolCall):
            return ToolCounterpart(self.registry, self.assistant, conversation.owner)
        if conversation.counterpart == ASSISTANT:
            return AssistantCounterpart(self.assistant)
        return AgentCounterpart(self.registry, conversation.counterpart, conversation.owner)

    def resumable(self, conversation: Conversation) -> bool:
        """True when the conversation's counterpart is an agent its owner still sees."""
        return self.registry.agent(conversation.counterpart, conversation.owner) is not None
