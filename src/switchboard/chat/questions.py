"""The open questions of running turns, by id, until the person answers or they are withdrawn.

A question a server asked while several of its calls ran is open in each of their turns (it
may be any one's), once per turn however many of that turn's calls it went to: one answer
answers it everywhere, and it stays open while any of those calls still runs.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from switchboard.chat.conversation import Conversation
from switchboard.connections.tool_calls import Questions, Resolver
from switchboard.connections.updates import Kind
from switchboard.runtime import Runtime


@dataclass
class _Asked:
    """A question open in one turn, for `calls` of that turn's calls."""

    resolve: Resolver
    conversation: Conversation
    turn: int
    calls: int = 1


class TurnQuestions:
    """Every open question of this process's running turns."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._open: dict[str, list[_Asked]] = {}
        self._lock = threading.Lock()

    def of(self, conversation: Conversation, turn: int) -> Questions:
        """Where turn `turn` of `conversation` opens and withdraws its questions."""
        return _ForTurn(self, conversation, turn)

    def answer(self, question_id: str, action: str, content: dict[str, Any] | None) -> bool:
        """Record the answer in every turn that shows the question and hand it over (on the
        loop); False when it is no longer open."""
        with self._lock:
            asked = self._open.pop(question_id, [])
        if not asked:
            return False
        for entry in asked:
            entry.conversation.record(
                entry.turn, Kind.ANSWER, {"id": question_id, "action": action}
            )
        self._runtime.loop.call_soon_threadsafe(asked[0].resolve, action, content)
        return True

    def register(
        self, question_id: str, resolve: Resolver, conversation: Conversation, turn: int
    ) -> bool:
        """Open the question in this turn; False when the turn has it open already."""
        with self._lock:
            asked = self._open.setdefault(question_id, [])
            for entry in asked:
                if entry.conversation is conversation and entry.turn == turn:
                    entry.calls += 1
                    return False
            asked.append(_Asked(resolve, conversation, turn))
            return True

    def withdraw(self, question_id: str, conversation: Conversation, turn: int) -> None:
        """One of the turn's calls that had the question has ended."""
        with self._lock:
            asked = self._open.get(question_id, [])
            for entry in asked:
                if entry.conversation is conversation and entry.turn == turn:
                    entry.calls -= 1
            left = [entry for entry in asked if entry.calls > 0]
            if left:
                self._open[question_id] = left
            else:
                self._open.pop(question_id, None)


@dataclass(frozen=True)
class _ForTurn:
    """One turn's side of the questions (the `Questions` its counterpart is given)."""

    questions: TurnQuestions
    conversation: Conversation
    turn: int

    def open(self, question_id: str, resolve: Resolver) -> bool:
        return self.questions.register(question_id, resolve, self.conversation, self.turn)

    def close(self, question_id: str) -> None:
        self.questions.withdraw(question_id, self.conversation, self.turn)
