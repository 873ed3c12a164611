"""Routing prompts to counterparts: each turn runs as one task on the loop, writing the log.

The script thread only calls these methods and tails the log; it never waits on a turn.
Cancel only on intent: Stop (stop listening), a superseding prompt, Cancel task (CancelTask).
Every decision about stopping a turn is taken on the loop thread, so a Stop that arrives before
the turn has even started, or while it is finishing, still ends it exactly once.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from switchboard.assistant import ASSISTANT, Assistant
from switchboard.chat.conversation import Conversation, ConversationStore
from switchboard.chat.store import SqlStore
from switchboard.config import LlmSettings
from switchboard.connections.a2a_agent import AgentCallError, AgentConnection
from switchboard.connections.mcp_server import McpCallError
from switchboard.connections.registry import Registry
from switchboard.connections.tool_calls import Questions, Resolver, call_updates
from switchboard.connections.updates import SETTLED, Update
from switchboard.runtime import Runtime

log = logging.getLogger(__name__)

ASSISTANT_STOPPED = "Stopped: the model's answer and its running tool calls were cancelled."
STOPPED = "Stopped listening. The agent's task goes on: Cancel task stops it, Resume listens again."
CALL_STOPPED = "Stopped: the call was cancelled, and the server was told."

Updates = Callable[[], AsyncIterator[Update]]


class ConversationBusy(Exception):
    """Another replica of the app is running a turn in this conversation."""


@dataclass(eq=False)
class _Turn:
    """A running turn. `task` and `ended` are only written on the loop thread."""

    conversation: Conversation
    number: int
    stop_notice: str = STOPPED
    task: asyncio.Task[None] | None = None
    ended: bool = False


class ChatService:
    """Starts, stops and cancels turns; one running turn per conversation."""

    def __init__(
        self,
        runtime: Runtime,
        registry: Registry,
        store: ConversationStore | SqlStore,
        assistant: Assistant | None = None,
    ) -> None:
        self.runtime = runtime
        self.registry = registry
        self.store = store
        self.assistant = assistant or Assistant(registry, LlmSettings())
        self._turns: dict[str, _Turn] = {}
        self._questions: dict[str, tuple[Resolver, Conversation, int]] = {}
        self._lock = threading.Lock()
        self._shutting_down = False

    def new_conversation(self, counterpart: str, owner: str = "local") -> Conversation:
        """A new conversation (a new A2A context) with `counterpart`, for `owner`."""
        return self.store.create(counterpart, owner=owner)

    def send(self, conversation_id: str, text: str, prompt: dict[str, Any] | None = None) -> int:
        """Record the prompt and start its turn on the loop; returns the turn number.

        A prompt sent while a turn runs supersedes it (that turn stops listening first). A
        prompt after input-required answers that task (same taskId). `prompt` is a chosen MCP
        prompt ({server, messages}): the assistant's model gets its messages, an agent `text`."""
        conversation = self._conversation(conversation_id)
        self._claim(conversation)
        turn = conversation.next_turn()
        conversation.record(turn, "user", {"text": text, **({"prompt": prompt} if prompt else {})})
        if not conversation.title:
            conversation.title = text.strip().splitlines()[0][:60] if text.strip() else "…"
        if conversation.counterpart == ASSISTANT:
            updates = partial(self._assist, conversation, turn)
            self._start(conversation, turn, updates, stop_notice=ASSISTANT_STOPPED)
        else:
            self._start(conversation, turn, lambda: self._ask(conversation, text))
        return turn

    def resume(self, conversation_id: str) -> int | None:
        """Listen again to the last task (after Stop or a lost connection); None if none."""
        conversation = self._conversation(conversation_id)
        task_id = conversation.last_task()
        if task_id is None or self.is_running(conversation_id):
            return None
        self._claim(conversation)
        turn = conversation.next_turn()
        conversation.record(turn, "resume", {"task_id": task_id})
        self._start(conversation, turn, lambda: self._follow(conversation, task_id))
        return turn

    def call_tool(
        self, conversation_id: str, server: str, tool: str, arguments: dict[str, Any]
    ) -> int:
        """Call an MCP tool as a turn of the conversation: its progress, the server's questions
        and its result land in the log. Stop cancels the call."""
        conversation = self._conversation(conversation_id)
        self._claim(conversation)
        turn = conversation.next_turn()
        conversation.record(
            turn, "tool_call", {"server": server, "tool": tool, "arguments": arguments}
        )
        if not conversation.title:
            conversation.title = f"🔧 {tool} · {server}"
        self._start(
            conversation,
            turn,
            lambda: self._tool(conversation, turn, server, tool, arguments),
            stop_notice=CALL_STOPPED,
        )
        return turn

    def attach(self, conversation_id: str, server: str, contents: list[dict[str, Any]]) -> int:
        """Attach a resource's contents to the conversation: shown in the chat, and sent with
        the next message as further parts."""
        conversation = self._conversation(conversation_id)
        turn = conversation.next_turn()
        for item in contents:
            conversation.record(turn, "attachment", {"server": server, **item})
        conversation.record(turn, "turn_end", {"reason": "attached"})
        return turn

    def answer(self, question_id: str, action: str, content: dict[str, Any] | None = None) -> bool:
        """The person's answer to a question of a running turn (a server's question, an
        approval): accept (with content), decline or cancel. False when it is no longer open."""
        with self._lock:
            entry = self._questions.pop(question_id, None)
        if entry is None:
            return False
        resolve, conversation, turn = entry
        conversation.record(turn, "answer", {"id": question_id, "action": action})
        self.runtime.loop.call_soon_threadsafe(resolve, action, content)
        return True

    def questions(self, conversation: Conversation, turn: int) -> Questions:
        """Where turn `turn` of `conversation` registers its questions for the person."""
        return _TurnQuestions(self, conversation, turn)

    def recover(self, conversation: Conversation) -> None:
        """After a restart: follow again, in the same turn, the agent task the app was
        listening to; mark any other unfinished turn interrupted. A conversation another replica
        is running a turn in is left to it."""
        unfinished = conversation.open_turns()
        if not unfinished or not self.store.claim(conversation.id):
            return
        for number, task_id in unfinished:
            last = number == unfinished[-1][0]
            if last and task_id and self.registry.agent(conversation.counterpart) is not None:
                text = f"The app restarted during this turn; following task {task_id} again."
                conversation.record(number, "notice", {"level": "info", "text": text})
                self._start(conversation, number, lambda t=task_id: self._follow(conversation, t))
                return  # the claim is released when that turn ends
            notice = {
                "level": "warning",
                "text": "Interrupted: the app stopped during this turn.",
                "hint": "Send the message again if you still need the answer.",
            }
            conversation.record(number, "notice", notice)
            conversation.record(number, "turn_end", {"reason": "interrupted"})
        self.store.release(conversation.id)

    async def shutdown(self) -> None:
        """On the loop, when the app stops: end the running turns without recording an end, so
        that the next start can pick them up (`recover`). Not an intent to stop them."""
        self._shutting_down = True
        with self._lock:
            tasks = [t.task for t in self._turns.values() if t.task and not t.ended]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)

    def stop(self, conversation_id: str) -> bool:
        """Stop listening to the running turn (the agent's task goes on). True if one ran."""
        with self._lock:
            turn = self._turns.get(conversation_id)
        if turn is None or turn.ended:
            return False
        self.runtime.loop.call_soon_threadsafe(self._stop, turn)
        return True

    def delete(self, conversation_id: str) -> None:
        """Delete a conversation; a turn still running in it stops first (on intent)."""
        self.stop(conversation_id)
        with self._lock:
            self._turns.pop(conversation_id, None)
        self.store.delete(conversation_id)

    def cancel_task(self, conversation_id: str) -> concurrent.futures.Future[None]:
        """Ask the agent to cancel the conversation's last task (CancelTask); the outcome, or
        why it could not be done, lands in the log."""
        conversation = self._conversation(conversation_id)
        return self.runtime.submit(self._cancel(conversation))

    def is_running(self, conversation_id: str) -> bool:
        with self._lock:
            turn = self._turns.get(conversation_id)
        return turn is not None and not turn.ended

    def _start(
        self, conversation: Conversation, number: int, updates: Updates, stop_notice: str = STOPPED
    ) -> None:
        turn = _Turn(conversation, number, stop_notice)
        with self._lock:
            previous = self._turns.get(conversation.id)
            self._turns[conversation.id] = turn
        self.runtime.submit(self._run(turn, updates, previous))

    def _stop(self, turn: _Turn) -> None:
        """On the loop: cancel a running turn, or end one that has not started yet."""
        if turn.ended:
            return
        if turn.task is None:
            self._finish(turn, "stopped", notice=turn.stop_notice)
        else:
            turn.task.cancel()

    async def _run(self, turn: _Turn, updates: Updates, previous: _Turn | None) -> None:
        if turn.ended:  # stopped before it started
            return
        turn.task = asyncio.current_task()
        conversation = turn.conversation
        try:
            if previous is not None and not previous.ended:
                self._stop(previous)
                if previous.task is not None:
                    await asyncio.wait({previous.task})
            async with contextlib.aclosing(updates()) as stream:
                async for update in stream:
                    conversation.record(turn.number, update.kind, update.data)
        except asyncio.CancelledError:
            if self._shutting_down:  # left open on purpose: the next start recovers it
                raise
            outcome = self._outcome(turn)
            if outcome in SETTLED:
                self._finish(turn, outcome)
            else:
                self._finish(turn, "stopped", notice=turn.stop_notice)
            raise
        except AgentCallError as error:
            conversation.record(
                turn.number, "notice", {"level": "error", "text": error.message, "hint": error.hint}
            )
        except McpCallError as error:
            conversation.record(turn.number, "notice", {"level": "error", "text": str(error)})
        except Exception as error:  # a bug or an unexpected SDK error: say so, keep the app up
            log.exception("turn %s of %s failed", turn.number, conversation.id)
            conversation.record(
                turn.number,
                "notice",
                {"level": "error", "text": f"Unexpected error: {type(error).__name__}: {error}"},
            )
        outcome = self._outcome(turn)
        # Every normal path ends settled (or replied); anything else stopped on an error.
        self._finish(turn, outcome if outcome in SETTLED or outcome == "replied" else "error")

    def _finish(self, turn: _Turn, reason: str, notice: str = "") -> None:
        """On the loop: record the end of a turn, once."""
        if turn.ended:
            return
        turn.ended = True
        if notice:
            turn.conversation.record(turn.number, "notice", {"level": "info", "text": notice})
        turn.conversation.record(turn.number, "turn_end", {"reason": reason})
        if self.store.shared:  # off the loop: the shared database is a round trip away
            self.runtime.loop.run_in_executor(None, self.store.release, turn.conversation.id)

    async def _ask(self, conversation: Conversation, text: str) -> AsyncIterator[Update]:
        agent = self._agent(conversation)
        # Read after the previous turn has finished: its context, pending task, attachments.
        context_id, task_id = conversation.context_id(), conversation.pending_task()
        attachments = conversation.pending_attachments()
        updates = agent.converse(text, context_id, task_id, attachments)
        async with contextlib.aclosing(updates) as stream:
            async for update in stream:
                yield update

    async def _assist(self, conversation: Conversation, turn: int) -> AsyncIterator[Update]:
        questions = self.questions(conversation, turn)
        async with contextlib.aclosing(
            self.assistant.converse(conversation.events(), questions)
        ) as stream:
            async for update in stream:
                yield update

    async def _follow(self, conversation: Conversation, task_id: str) -> AsyncIterator[Update]:
        async with contextlib.aclosing(self._agent(conversation).follow(task_id)) as stream:
            async for update in stream:
                yield update

    def _tool(
        self,
        conversation: Conversation,
        turn: int,
        server_name: str,
        tool: str,
        arguments: dict[str, Any],
    ) -> AsyncIterator[Update]:
        server = self.registry.server(server_name)
        if server is None:
            raise McpCallError(f"There is no MCP server called {server_name!r} any more.")
        return call_updates(server, tool, arguments, self.questions(conversation, turn))

    def _agent(self, conversation: Conversation) -> AgentConnection:
        agent = self.registry.agent(conversation.counterpart)
        if agent is None:
            raise AgentCallError(
                f"{conversation.counterpart!r} is not connected any more.",
                hint="Add it again on the Agents page, or start a new conversation.",
            )
        return agent

    async def _cancel(self, conversation: Conversation) -> None:
        task_id = conversation.last_task()
        turn = max(conversation.next_turn() - 1, 1)
        agent = self.registry.agent(conversation.counterpart)
        if task_id is None or agent is None:
            conversation.record(
                turn, "notice", {"level": "warning", "text": "There is no task to cancel."}
            )
            return
        try:
            snapshot = await agent.cancel_task(task_id)
        except AgentCallError as error:
            conversation.record(
                turn, "notice", {"level": "warning", "text": error.message, "hint": error.hint}
            )
            return
        conversation.record(turn, snapshot.kind, snapshot.data)
        conversation.record(
            turn, "notice", {"level": "info", "text": f"Cancel requested for task {task_id}."}
        )

    def _outcome(self, turn: _Turn) -> str:
        return turn.conversation.outcome(turn.number)

    def _claim(self, conversation: Conversation) -> None:
        """Claim the conversation for a turn on this replica (released when the turn ends)."""
        if not self.store.claim(conversation.id):
            raise ConversationBusy(
                "Another replica of the app is running a turn in this conversation. Wait for "
                "it to finish (reload to see it), then send again."
            )

    def _conversation(self, conversation_id: str) -> Conversation:
        conversation = self.store.get(conversation_id, owner=None)  # the page checked the owner
        if conversation is None:
            raise KeyError(f"no conversation {conversation_id!r}")
        return conversation


@dataclass(eq=False)
class _TurnQuestions:
    """A turn's open questions, kept in the service so `answer` finds them by id."""

    service: ChatService
    conversation: Conversation
    turn: int

    def open(self, question_id: str, resolve: Resolver) -> None:
        with self.service._lock:
            self.service._questions[question_id] = (resolve, self.conversation, self.turn)

    def close(self, question_id: str) -> None:
        with self.service._lock:
            self.service._questions.pop(question_id, None)
