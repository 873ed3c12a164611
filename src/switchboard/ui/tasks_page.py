"""The task explorer: an agent's tasks (ListTasks, A2A 1.0) filtered by context and state; a
task's details (GetTask: status, history, artifacts); opening one in a conversation, which
listens to it again when it is still going."""

from __future__ import annotations

from typing import Any

import streamlit as st

from switchboard.ui.conversation_rows import ago
from switchboard.ui.links import PageName, switch_to
from switchboard.ui.remote_content import markdown, remote_content, safe
from switchboard.ui.render import render_parts
from switchboard.ui.state import CONVERSATION_PARAM, open_conversation, owner, stop_check, workspace
from switchboard.ui.step_box import STATE_ICONS
from switchboard.workspace import CallError, TaskPage, states

ANY = "any state"
PAGES_KEY = "tasks-pages"  # session state: the pages listed, by (agent, context, state)
CHOSEN_KEY = "tasks-chosen"  # session state: (agent, task id) whose details are shown


def tasks_page() -> None:
    """Choose an agent and filters; the tasks on the left, the chosen one's details right."""
    ws, user = workspace(), owner()
    st.title("Tasks")
    agents = [agent.name for agent in ws.agents(user)]
    if not agents:
        st.info("No agents yet: add one on the Agents page.")
        return
    top = st.columns([2, 3, 2, 1], vertical_alignment="bottom")
    agent = top[0].selectbox("Agent", agents, key="tasks-agent")
    context = top[1].text_input("Context", key="tasks-context", placeholder="any context id")
    state = top[2].selectbox("State", [ANY, *states()], key="tasks-state")
    refresh = top[3].button("🔄 Refresh", key="tasks-refresh")
    filters = (agent, context.strip(), "" if state == ANY else state)
    listed, detail = st.columns([3, 2])
    with listed:
        pages = listed_pages(filters, refresh)
        if pages is not None:
            task_rows(filters, pages)
        open_by_id(agent)
    with detail:
        chosen = st.session_state.get(CHOSEN_KEY)
        if chosen and chosen[0] == agent:
            task_detail(agent, chosen[1])


def listed_pages(filters: tuple[str, str, str], refresh: bool) -> list[TaskPage] | None:
    """The pages listed so far for these filters (the first one asked now, or again on
    Refresh); None, with why, when the agent cannot list its tasks."""
    pages: dict[tuple[str, str, str], list[TaskPage]] = st.session_state.setdefault(PAGES_KEY, {})
    if refresh or filters not in pages:
        agent, context, state = filters
        try:
            with st.spinner("ListTasks…"):
                first = workspace().tasks.page(agent, owner(), context, state, "", stop_check())
        except CallError as error:
            st.info(safe(error.message + (f"\n\n{error.hint}" if error.hint else "")))
            return None
        except TimeoutError:
            st.warning("The agent did not list its tasks in time; Refresh to ask again.")
            return None
        pages[filters] = [first]
    return pages[filters]


def task_rows(filters: tuple[str, str, str], pages: list[TaskPage]) -> None:
    """One row per task: its state, id, context, when it last changed; Details and Open."""
    agent = filters[0]
    tasks = [task for page in pages for task in page.tasks]
    total = pages[0].total
    st.caption(f"{len(tasks)} tasks" + (f" of {total}" if total and total > len(tasks) else ""))
    for task in tasks:
        with st.container(border=True):
            line, details, opened = st.columns([4, 1, 1], vertical_alignment="center")
            line.markdown(safe(row_text(task)))
            details.button(
                "Details",
                key=f"task-details-{task['task_id']}",
                on_click=st.session_state.__setitem__,
                args=(CHOSEN_KEY, (agent, task["task_id"])),
            )
            if opened.button("Open", key=f"task-open-{task['task_id']}"):
                open_task(agent, task)
    if not tasks:
        st.caption("No tasks match.")
    if pages[-1].next_token and st.button("More tasks", key="tasks-more"):
        more_tasks(filters, pages)


def row_text(task: dict[str, Any]) -> str:
    """A task in two lines: state and id; context, when, artifacts."""
    icon = STATE_ICONS.get(task["state"], "•")
    when = f" · {ago(task['updated'])}" if task["updated"] else ""
    artifacts = f" · {task['artifacts']} artifacts" if task["artifacts"] else ""
    return (
        f"{icon} **{task['state']}** `{task['task_id']}`  \ncontext `{task['context_id']}`"
        f"{when}{artifacts}"
    )


def more_tasks(filters: tuple[str, str, str], pages: list[TaskPage]) -> None:
    """The next page, added to those listed."""
    agent, context, state = filters
    token = pages[-1].next_token
    try:
        pages.append(workspace().tasks.page(agent, owner(), context, state, token, stop_check()))
    except (CallError, TimeoutError) as error:
        st.warning(safe(str(error) or "The agent did not answer in time."))
        return
    st.rerun()


def open_by_id(agent: str) -> None:
    """For an agent that cannot list (A2A 0.3), or a task from elsewhere: its id."""
    with st.form("task-by-id", border=False):
        wanted = st.text_input("Task id", key="tasks-by-id", placeholder="a task id to open")
        if st.form_submit_button("Show task") and wanted.strip():
            st.session_state[CHOSEN_KEY] = (agent, wanted.strip())


def task_detail(agent: str, task_id: str) -> None:
    """GetTask: the state, who said what, the artifacts; Open in a conversation."""
    try:
        found = workspace().tasks.details(agent, owner(), task_id, stop_check())
    except (CallError, TimeoutError) as error:
        st.warning(safe(str(error) or "The agent did not answer in time."))
        return
    task = found.summary
    with st.container(border=True), remote_content(None, f"task-{task_id}"):
        markdown(row_text(task))
        text = " ".join(p.get("text", "") for p in task["message"])
        if text:
            st.caption(safe(text))
        st.markdown(f"**History** ({len(found.history)} messages)")
        for index, message in enumerate(found.history):
            with st.chat_message("user" if message["role"] == "user" else "assistant"):
                render_parts(message["parts"], False, f"task-{task_id}-h{index}")
        st.markdown(f"**Artifacts** ({len(found.artifacts)})")
        for artifact in found.artifacts:
            st.caption(safe(artifact.get("name") or artifact["artifact_id"]))
            render_parts(artifact["parts"], False, f"task-{task_id}-{artifact['artifact_id']}")
        if st.button("💬 Open in a conversation", key=f"task-open-detail-{task_id}"):
            open_task(agent, task)


def open_task(agent: str, task: dict[str, Any]) -> None:
    """The conversation that holds the task (or a new one following it), on the chat page."""
    ws = workspace()
    conversation = ws.tasks.open(agent, owner(), task["task_id"], task["state"])
    open_conversation(conversation)
    switch_to(PageName.CHAT, **{CONVERSATION_PARAM: conversation.id})
