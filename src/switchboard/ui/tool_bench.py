"""The MCP page's tools tab: a searchable list of the server's tools; the chosen tool's form
with its result beside it (content by type, structured output, errors, duration) and the
history of its runs; a run goes into a conversation of its own only when asked."""

from __future__ import annotations

import json
import time
from typing import Any

import streamlit as st

from switchboard.chat.conversation import Conversation
from switchboard.chat.events import Kind
from switchboard.chat.turns import TurnView
from switchboard.ui.item_list import Item, item_list
from switchboard.ui.links import PageName, switch_to
from switchboard.ui.questions import render_questions
from switchboard.ui.remote_content import markdown, safe
from switchboard.ui.render import render_turn
from switchboard.ui.schema_form import missing_required, raw_json_editor, schema_form
from switchboard.ui.state import (
    CONVERSATION_PARAM,
    default_counterpart,
    open_conversation,
    owner,
)
from switchboard.workspace import ServerView, Workspace

POLL = 0.5  # seconds between looks at a running call


def tools_panel(ws: Workspace, server: ServerView) -> None:
    """The list on the left; the chosen tool, its form, its latest result and history."""
    if not server.tools:
        st.caption("This server offers no tools.")
        return
    listed, detail = st.columns([1, 3])
    with listed:
        items = [Item(t["name"], t["title"] or t["name"], t["description"]) for t in server.tools]
        chosen = item_list("Tools", items, key=f"tools-{server.name}")
    if chosen is None:
        return
    tool = next(t for t in server.tools if t["name"] == chosen.key)
    with detail:
        describe_tool(tool)
        form, result = st.columns(2)
        with form:
            tool_form(ws, server, tool)
        runs = ws.bench.runs(owner(), server.name, tool["name"])
        with result:
            latest_run(ws, runs[0] if runs else None)
        if len(runs) > 1:
            run_history(ws, runs[1:])


def describe_tool(tool: dict[str, Any]) -> None:
    """The tool's title and name, description, annotations."""
    markdown(
        f"**{tool['title'] or tool['name']}**" + (f" `{tool['name']}`" if tool["title"] else "")
    )
    markdown(tool["description"] or "_No description._")
    hints = [
        name.removesuffix("_hint").replace("_", "-")
        for name, on in tool["annotations"].items()
        if on is True
    ]
    if hints:
        st.caption("Annotations: " + ", ".join(f"`{h}`" for h in hints))
    if tool["task_only"]:
        st.warning("This tool runs only as an MCP task, which Switchboard does not run yet.")


def tool_form(ws: Workspace, server: ServerView, tool: dict[str, Any]) -> None:
    """The arguments (a form from the input schema, or raw JSON) and Run, which stays off
    until every required field is filled."""
    schema, key = tool["input_schema"], f"args-{server.name}-{tool['name']}"
    if st.toggle("Raw JSON", key=f"{key}-raw"):
        arguments, error = raw_json_editor(schema, key)
        if error:
            st.error(error)
    else:
        arguments = schema_form(schema, key=key) if schema.get("properties") else {}
    missing = missing_required(schema, arguments) if arguments is not None else []
    if missing:
        st.caption(safe(f"Required: {', '.join(missing)}"))
    if st.button(
        "▶ Run",
        key=f"{key}-run",
        type="primary",
        disabled=arguments is None or bool(missing),
    ):
        ws.bench.run(owner(), server.name, tool["name"], arguments or {})
        st.rerun()


def latest_run(ws: Workspace, run: Conversation | None) -> None:
    """The newest run, redrawn while it runs (progress, the server's questions) and once
    more when it ends."""
    if run is None:
        st.caption("Run the tool: its result shows here.")
        return
    was_running = ws.chat.is_running(run.id)

    @st.fragment(run_every=POLL if was_running else None)
    def drawn() -> None:
        view = run.turns()[0]
        render_run(ws, run, view, key=f"run-{run.id}")
        if view.ended and was_running:
            st.rerun()  # the whole page: the history and the Run button catch up

    drawn()


def render_run(ws: Workspace, run: Conversation, view: TurnView, key: str) -> None:
    """A run: how it went and how long it took, what the tool did, the server's questions;
    Stop while it runs, Send to a new conversation once it is done."""
    st.markdown(safe(f"{outcome(view)} · {when(run)}"))
    render_turn(view, live=not view.ended, key=key)
    render_questions(ws, view)
    if not view.ended:
        st.button("⏹ Stop", key=f"{key}-stop", on_click=ws.chat.stop, args=(run.id,))
    elif st.button("💬 Send to a new conversation", key=f"{key}-send"):
        conversation = ws.bench.to_conversation(owner(), run, default_counterpart(ws))
        open_conversation(conversation)
        switch_to(PageName.CHAT, **{CONVERSATION_PARAM: conversation.id})


def run_history(ws: Workspace, runs: list[Conversation]) -> None:
    """The earlier runs of this tool, newest first: each a line, opened on demand."""
    st.markdown(f"**Earlier runs** ({len(runs)})")
    for run in runs:
        view = run.turns()[0]
        arguments = json.dumps((view.tool or {}).get("arguments", {}))
        line = f"{outcome(view)} · {when(run)} · `{arguments[:80]}`"
        with st.container(border=True):
            if st.toggle(safe(line), key=f"show-{run.id}"):
                render_run(ws, run, view, key=f"old-{run.id}")


def outcome(view: TurnView) -> str:
    """✅ done, ❌ failed or stopped, ⏳ running; with the duration once it ended."""
    if not view.ended:
        return "⏳ running"
    failed = not view.result or view.result.get("is_error")
    return ("❌ " + ("error" if view.result else str(view.end_reason))) if failed else "✅ done"


def when(run: Conversation) -> str:
    """When the run started, and how long it took (or has taken so far)."""
    events = run.log.snapshot()
    started = events[0].ts
    ended = next((e.ts for e in events if e.kind == Kind.TURN_END), time.time())
    stamp = time.strftime("%H:%M:%S", time.localtime(started))
    return f"{stamp} · {1000 * (ended - started):,.0f} ms"
