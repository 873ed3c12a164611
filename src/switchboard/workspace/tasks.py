"""The task explorer's questions (`ws.tasks`): an agent's tasks page by page, one task's
details, and opening a task in a conversation (the one that holds it, or a new one that
follows it)."""

from __future__ import annotations

from switchboard.chat.conversation import Conversation
from switchboard.chat.service import ChatService
from switchboard.chat.store import Store
from switchboard.connections.a2a_agent import AgentConnection
from switchboard.connections.a2a_tasks import TaskDetails, TaskPage
from switchboard.connections.owner import CallError
from switchboard.connections.registry import Registry
from switchboard.connections.updates import TERMINAL
from switchboard.runtime import Runtime
from switchboard.workspace.pending import StopCheck, call_for

TASKS_WAIT = 30.0  # seconds a page waits for ListTasks or GetTask


class TaskDesk:
    """Each person's view of the tasks of the agents they see."""

    def __init__(self, runtime: Runtime, registry: Registry, chat: ChatService, store: Store):
        self._runtime, self._registry, self._chat, self._store = runtime, registry, chat, store

    def page(
        self,
        agent: str,
        user: str,
        context_id: str = "",
        state: str = "",
        token: str = "",
        stop_check: StopCheck | None = None,
    ) -> TaskPage:
        """One page of the agent's tasks (ListTasks), filtered; CallError says why not."""
        coro = self._agent(agent, user).list_tasks(context_id, state, token)
        return call_for(self._runtime, user, coro, TASKS_WAIT, stop_check)

    def details(
        self, agent: str, user: str, task_id: str, stop_check: StopCheck | None = None
    ) -> TaskDetails:
        """The task with its history and artifacts (GetTask)."""
        coro = self._agent(agent, user).task_details(task_id)
        return call_for(self._runtime, user, coro, TASKS_WAIT, stop_check)

    def open(self, agent: str, user: str, task_id: str, state: str) -> Conversation:
        """The conversation of `user`'s that holds the task, else a new one with the agent;
        a task still going (`state` not terminal) is listened to there at once."""
        self._agent(agent, user)
        held = self._store.with_task(task_id, user)
        conversation = held or self._chat.new_conversation(agent, user)
        going = state not in TERMINAL and not self._chat.is_running(conversation.id)
        if going or held is None:  # a new conversation gets an ended task's last state, once
            self._chat.follow(conversation.id, task_id)
        return conversation

    def _agent(self, name: str, user: str) -> AgentConnection:
        agent = self._registry.agent(name, user)
        if agent is None:
            raise CallError(f"There is no agent called {name!r} any more.")
        return agent
