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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from switchboard.chat.conversation import Conversation
from switchboard.chat.counterparts import (
    NO_TASK,
    Counterpart,
    Counterparts,
    Prompt,
    Request,
    Resume,
    ToolCall,
    Turn,
)
from switchboard.chat.questions import TurnQuestions
from switchboard.chat.store import LOCAL_OWNER, Store
from switchboard.chat.store.base import new_id
from switchboard.chat.turns import data_attachment
from switchboard.connections.owner import CallError
from switchboard.connections.redaction import Redactor
from switchboard.connections.updates import SETTLED, TERMINAL, Ending, Kind, Level, TaskState
from switchboard.connections.wire import ORIGIN
from switchboard.runtime import Runtime

log = logging.getLogger(__name__)

INTERRUPTED_NOTICE = {
    "level": Level.WARNING,
    "text": "Interrupted: the app stopped during this turn.",
    "hint": "Send the message again if you still need the answer.",
}


def cancel_notice(task_id: str, state: str) -> dict[str, Any]:
    """What the agent's answer to CancelTask means: cancelled, still going, or already over."""
    if state == TaskState.CANCELED or state not in TERMINAL:
        still = "" if state == TaskState.CANCELED else f"; the agent still reports it {state}"
        return {"level": Level.INFO, "text": f"Cancel requested for task {task_id}{still}."}
    text = f"Task {task_id} had already ended ({state}): it was not cancelled."
    return {"level": Level.WARNING, "text": text}


class ConversationBusy(Exception):
    """Another replica of the app is running a turn in this conversation."""


@dataclass(eq=False)
class _Turn:
    """A running turn. `task` and `ended` are only written on the loop thread."""

    conversation: Conversation
    number: int
    counterpart: Counterpart
    task: asyncio.Task[None] | None = None
    ended: bool = False


class ChatService:
    """Starts, stops and cancels turns; one running turn per conversation."""

    def __init__(
        self,
        runtime: Runtime,
        store: Store,
        counterparts: Counterparts,
        secrets: Callable[[], Iterable[str]] = tuple,
    ) -> None:
        self.runtime = runtime
        self.store = store
        self.counterparts = counterparts
        self.secrets = secrets  # every configured secret value, kept out of what is recorded
        self.questions = TurnQuestions(runtime)
        self._turns: dict[str, _Turn] = {}
        self._lock = threading.Lock()
        self._shutting_down = False

    def new_conversation(self, counterpart: str, owner: str = LOCAL_OWNER) -> Conversation:
        """A new conversation (a new A2A context) with `counterpart`, for `owner`."""
        return self.store.create(counterpart, owner=owner)

    def send(
        self,
        conversation_id: str,
        text: str,
        prompt: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
    ) -> int:
        """Record the prompt and start its turn on the loop; returns the turn number.

        A prompt sent while a turn runs supersedes it (that turn stops listening first). A
        prompt after input-required answers that task (same taskId). `prompt` is a chosen MCP
        prompt ({server, messages}): the assistant's model gets its messages, an agent `text`.
        `data` (a JSON object) goes with the message as a data part, attached to it in the
        log just before it, the way attached resources go with the next message."""
        conversation = self._claimed(conversation_id)
        turn = conversation.next_turn()
        if data is not None:
            conversation.record(turn, Kind.ATTACHMENT, self._redacted(data_attachment(data)))
        conversation.record(
            turn, Kind.USER, {"text": text, **({"prompt": prompt} if prompt else {})}
        )
        if not conversation.title:
            self.store.rename(conversation.id, (text.strip().splitlines() or ["…"])[0][:60])
        self._start(conversation, turn, Prompt(text, prompt))
        return turn

    def resume(self, conversation_id: str) -> int | None:
        """Listen again to the last task (after Stop or a lost connection); None if none."""
        task_id = self._conversation(conversation_id).last_task()
        if task_id is None or self.is_running(conversation_id):
            return None
        return self.follow(conversation_id, task_id)

    def follow(self, conversation_id: str, task_id: str) -> int:
        """Listen to one of the agent's tasks in the conversation (a task opened from the
        task explorer, or the last one after Stop): resubscribe, else poll it."""
        conversation = self._claimed(conversation_id)
        turn = conversation.next_turn()
        conversation.record(turn, Kind.RESUME, {"task_id": task_id})
        self._start(conversation, turn, Resume(task_id))
        return turn

    def call_tool(
        self, conversation_id: str, server: str, tool: str, arguments: dict[str, Any]
    ) -> int:
        """Call an MCP tool as a turn of the conversation: its progress, the server's questions
        and its result land in the log. Stop cancels the call."""
        conversation = self._claimed(conversation_id)
        turn = conversation.next_turn()
        data = {"server": server, "tool": tool, "arguments": arguments}
        conversation.record(turn, Kind.TOOL_CALL, self._redacted(data))
        if not conversation.title:
            self.store.rename(conversation.id, f"🔧 {tool} · {server}")
        self._start(conversation, turn, ToolCall(server, tool, arguments))
        return turn

    def call_tool_alone(
        self, server: str, tool: str, arguments: dict[str, Any], owner: str
    ) -> Conversation:
        """Call an MCP tool outside every stored conversation (a run on the MCP page): a
        conversation of one turn in this process's memory, run like any turn (progress,
        questions, Stop); whoever asked keeps it."""
        conversation = Conversation(new_id(), server, owner=owner)
        data = {"server": server, "tool": tool, "arguments": arguments}
        conversation.record(1, Kind.TOOL_CALL, self._redacted(data))
        self._start(conversation, 1, ToolCall(server, tool, arguments))
        return conversation

    def attach(self, conversation_id: str, server: str, contents: list[dict[str, Any]]) -> int:
        """Attach a resource's contents to the conversation: shown in the chat, and sent with
        the next message as further parts."""
        conversation = self._conversation(conversation_id)
        turn = conversation.next_turn()
        for item in contents:
            conversation.record(turn, Kind.ATTACHMENT, self._redacted({"server": server, **item}))
        conversation.record(turn, Kind.TURN_END, {"reason": Ending.ATTACHED})
        return turn

    def answer(self, question_id: str, action: str, content: dict[str, Any] | None = None) -> bool:
        """The person's answer to a question of a running turn (a server's question, an
        approval): accept (with content), decline or cancel. False when it is no longer open."""
        return self.questions.answer(question_id, action, content)

    def recover(self, conversation: Conversation) -> None:
        """After a restart: follow again, in the same turn, the agent task the app was
        listening to; mark any other unfinished turn interrupted. A conversation another replica
        is running a turn in is left to it."""
        unfinished = conversation.open_turns()
        if not unfinished or not self.store.claim(conversation.id):
            return
        for number, task_id in unfinished:
            last = number == unfinished[-1][0]
            if last and task_id and self.counterparts.resumable(conversation):
                text = f"The app restarted during this turn; following task {task_id} again."
                conversation.record(number, Kind.NOTICE, {"level": Level.INFO, "text": text})
                self._start(conversation, number, Resume(task_id))
                return  # the claim is released when that turn ends
            conversation.record(number, Kind.NOTICE, INTERRUPTED_NOTICE)
            conversation.record(number, Kind.TURN_END, {"reason": Ending.INTERRUPTED})
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
        """Ask the counterpart to cancel the conversation's last task (CancelTask); the
        outcome, or why it could not be done, lands in the log."""
        conversation = self._conversation(conversation_id)
        return self.runtime.submit(self._cancel(conversation))

    def is_running(self, conversation_id: str) -> bool:
        return self._running(conversation_id) is not None

    def _running(self, conversation_id: str) -> _Turn | None:
        """The conversation's turn that is running now, if one is."""
        with self._lock:
            turn = self._turns.get(conversation_id)
        return turn if turn is not None and not turn.ended else None

    def _start(self, conversation: Conversation, number: int, request: Request) -> None:
        turn = _Turn(conversation, number, self.counterparts.of(conversation, request))
        with self._lock:
            previous = self._turns.get(conversation.id)
            self._turns[conversation.id] = turn
        self.runtime.submit(self._run(turn, request, previous))

    def _stop(self, turn: _Turn) -> None:
        """On the loop: cancel a running turn, or end one that has not started yet."""
        if turn.ended:
            return
        if turn.task is None:
            self._finish(turn, Ending.STOPPED, notice=turn.counterpart.stop_notice(""))
        else:
            turn.task.cancel()

    async def _run(self, turn: _Turn, request: Request, previous: _Turn | None) -> None:
        if turn.ended:  # stopped before it started
            return
        turn.task = asyncio.current_task()
        conversation = turn.conversation
        ORIGIN.set(conversation.owner)  # this task's traffic is the owner's (its own context)
        try:
            if previous is not None and not previous.ended:
                self._stop(previous)
                if previous.task is not None:
                    await asyncio.wait({previous.task})
            # Read after the previous turn has finished: its context, task, attachments.
            questions = self.questions.of(conversation, turn.number)
            updates = turn.counterpart.respond(request, Turn(conversation, turn.number, questions))
            redactor = self._redactor()  # a counterpart may echo a token: not kept
            async with contextlib.aclosing(updates) as stream:
                async for update in stream:
                    data = redactor.data(update.data) if redactor else update.data
                    conversation.record(turn.number, update.kind, data)
        except asyncio.CancelledError:
            if self._shutting_down:  # left open on purpose: the next start recovers it
                raise
            outcome = conversation.outcome(turn.number)
            if outcome in SETTLED:
                self._finish(turn, outcome)
            else:
                said = turn.counterpart.stop_notice(conversation.task_of(turn.number))
                self._finish(turn, Ending.STOPPED, notice=said)
            raise
        except CallError as error:
            notice = {"level": Level.ERROR, "text": error.message, "hint": error.hint}
            conversation.record(turn.number, Kind.NOTICE, self._redacted(notice))
        except Exception as error:  # a bug or an unexpected SDK error: say so, keep the app up
            log.exception("turn %s of %s failed", turn.number, conversation.id)
            text = f"Unexpected error: {type(error).__name__}: {error}"
            notice = {"level": Level.ERROR, "text": text}
            conversation.record(turn.number, Kind.NOTICE, self._redacted(notice))
        outcome = conversation.outcome(turn.number)
        # Every normal path ends settled (or replied); anything else stopped on an error.
        self._finish(turn, outcome if outcome in (*SETTLED, Ending.REPLIED) else Ending.ERROR)

    def _finish(self, turn: _Turn, reason: str, notice: str = "") -> None:
        """On the loop: record the end of a turn, once."""
        if turn.ended:
            return
        turn.ended = True
        if notice:
            data = {"level": Level.INFO, "text": notice}
            turn.conversation.record(turn.number, Kind.NOTICE, data)
        turn.conversation.record(turn.number, Kind.TURN_END, {"reason": reason})
        with self._lock:  # an ended turn holds nothing: its conversation may leave memory
            if self._turns.get(turn.conversation.id) is turn:
                del self._turns[turn.conversation.id]
        if self.store.shared:  # off the loop: the shared database is a round trip away
            self.runtime.loop.run_in_executor(None, self.store.release, turn.conversation.id)

    async def _cancel(self, conversation: Conversation) -> None:
        ORIGIN.set(conversation.owner)
        task_id = conversation.last_task()
        turn = max(conversation.next_turn() - 1, 1)
        if task_id is None:
            conversation.record(turn, Kind.NOTICE, {"level": Level.WARNING, "text": NO_TASK})
            return
        try:
            snapshot = await self.counterparts.of(conversation).cancel(task_id)
        except CallError as error:
            notice = {"level": Level.WARNING, "text": error.message, "hint": error.hint}
            conversation.record(turn, Kind.NOTICE, notice)
            return
        data = self._redacted(snapshot.data)
        if self._streaming(conversation, turn):
            # Its stream is behind the agent: the chunks still coming are in the snapshot
            # already, so only the state is taken from it; the stream brings the rest.
            data = {key: value for key, value in data.items() if key != "artifacts"}
            conversation.record(turn, Kind.STATUS, data)
        else:
            conversation.record(turn, snapshot.kind, data)
        conversation.record(turn, Kind.NOTICE, cancel_notice(task_id, snapshot.data["state"]))

    def _streaming(self, conversation: Conversation, turn: int) -> bool:
        """Whether turn `turn` of `conversation` is running (a stream may still feed it)."""
        running = self._running(conversation.id)
        return running is not None and running.number == turn

    def _redactor(self) -> Redactor:
        """Masks every configured secret value: none is ever recorded, so none is stored,
        exported or shown, whoever typed or echoed it."""
        return Redactor(self.secrets())

    def _redacted(self, data: dict[str, Any]) -> dict[str, Any]:
        redactor = self._redactor()
        return redactor.data(data) if redactor else data

    def _claimed(self, conversation_id: str) -> Conversation:
        conversation = self._conversation(conversation_id)
        self._claim(conversation)
        return conversation

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
