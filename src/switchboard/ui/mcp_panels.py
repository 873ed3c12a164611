"""What one MCP server offers, as panels: tools (a form per tool), resources and templates
(with argument completion), prompts (with completion), and the server's log."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from switchboard.ui.followed import follow_button, followed_panel
from switchboard.ui.links import PageName, switch_to
from switchboard.ui.remote_content import markdown, safe
from switchboard.ui.render import render_resource
from switchboard.ui.schema_form import missing_required, raw_json_editor, schema_form
from switchboard.ui.state import (
    CONVERSATION_PARAM,
    attempt,
    current_conversation,
    owner,
    stop_check,
)
from switchboard.workspace import LOG_LEVELS, CallError, NotAllowed, ServerView, Workspace

T = TypeVar("T")
TEMPLATE_VARIABLE = re.compile(r"\{([^}]+)\}")


def tools_panel(ws: Workspace, server: ServerView) -> None:
    """Pick a tool, fill its form (or raw JSON), and call it in the current conversation."""
    if not server.tools:
        st.caption("This server offers no tools.")
        return
    names = [tool["name"] for tool in server.tools]
    chosen = st.selectbox("Tool", names, key=f"tool-{server.name}")
    tool = next(t for t in server.tools if t["name"] == chosen)
    if tool["title"]:
        markdown(f"**{tool['title']}**")
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
    schema = tool["input_schema"]
    key = f"args-{server.name}-{chosen}"
    if st.toggle("Raw JSON", key=f"{key}-raw"):
        arguments, error = raw_json_editor(schema, key)
        if error:
            st.error(error)
    else:
        arguments = schema_form(schema, key=key) if schema.get("properties") else {}
    if st.button("▶ Call in the chat", key=f"{key}-call", type="primary"):
        if arguments is None:
            return
        missing = missing_required(schema, arguments)
        if missing:
            st.error(safe(f"Please fill in: {', '.join(missing)}."))
            return
        conversation = current_conversation(ws)
        attempt(ws.chat.call_tool, conversation.id, server.name, chosen, arguments)
        switch_to(PageName.CHAT, **{CONVERSATION_PARAM: conversation.id})


def resources_panel(ws: Workspace, server: ServerView) -> None:
    """Read a resource or a template with its arguments (completion offered); show it by type."""
    if not server.resources and not server.templates:
        st.caption("This server offers no resources.")
        return
    if server.resources:
        labels = {f"{r['name']} · {r['uri']}": r["uri"] for r in server.resources}
        chosen = st.selectbox("Resource", list(labels), key=f"res-{server.name}")
        read_column, follow_column = st.columns(2)
        clicked = read_column.button("📖 Read", key=f"read-{server.name}")
        with follow_column:
            follow_button(ws, server, labels[chosen])
        if clicked:
            show_resource(ws, server, labels[chosen])
    followed_panel(ws, server, lambda uri: show_resource(ws, server, uri))
    for template in server.templates:
        markdown(f"**{template['name']}** `{template['uri_template']}`")
        if template["description"]:
            st.caption(safe(template["description"]))
        uri, filled = template["uri_template"], {}
        for variable in TEMPLATE_VARIABLE.findall(template["uri_template"]):
            ref = {"type": "resource", "uri": template["uri_template"]}
            key = f"tpl-{server.name}-{template['uri_template']}"
            value = completed_input(ws, server, ref, variable, key=key, filled=dict(filled))
            filled[variable] = value
            uri = uri.replace("{" + variable + "}", value)
        if st.button("📖 Read", key=f"read-tpl-{server.name}-{template['uri_template']}"):
            show_resource(ws, server, uri)
    attach_button(ws, server)


def prompts_panel(ws: Workspace, server: ServerView) -> None:
    """Fill a prompt's arguments (completion offered), preview it, send it to the chat."""
    if not server.prompts:
        st.caption("This server offers no prompts.")
        return
    names = [prompt["name"] for prompt in server.prompts]
    chosen = st.selectbox("Prompt", names, key=f"prompt-{server.name}")
    prompt = next(p for p in server.prompts if p["name"] == chosen)
    if prompt["description"]:
        st.caption(safe(prompt["description"]))
    arguments: dict[str, str] = {}
    for argument in prompt["arguments"]:
        ref = {"type": "prompt", "name": chosen}
        label = argument["name"] + (" *" if argument["required"] else "")
        value = completed_input(
            ws,
            server,
            ref,
            argument["name"],
            key=f"parg-{server.name}-{chosen}",
            label=label,
            filled=dict(arguments),
        )
        if value:
            arguments[argument["name"]] = value
    missing = [
        a["name"] for a in prompt["arguments"] if a["required"] and a["name"] not in arguments
    ]
    if missing:
        st.caption(safe(f"Required: {', '.join(missing)}"))
        return
    messages = request(lambda: ws.get_prompt(server.name, chosen, arguments, owner(), stop_check()))
    if messages is None:
        return
    for message in messages:
        with st.chat_message(message["role"]):
            part = message["part"]
            if part.get("type") == "text":
                markdown(part["text"])
            else:
                render_resource(part, live=False, key=f"pmsg-{server.name}-{chosen}")
    text = "\n\n".join(
        m["part"].get("text", "") for m in messages if m["role"] == "user" and m["part"].get("text")
    )
    if text and st.button("💬 Send to the chat", key=f"send-prompt-{server.name}-{chosen}"):
        conversation = current_conversation(ws)
        prompt = {"server": server.name, "messages": messages}
        attempt(ws.chat.send, conversation.id, text, prompt)
        switch_to(PageName.CHAT, **{CONVERSATION_PARAM: conversation.id})


def logs_panel(ws: Workspace, server: ServerView) -> None:
    """The server's log messages at or above the chosen level, newest first; the level is
    also asked of the server (`logging/setLevel`) by whoever may change it."""
    key = f"log-level-{server.name}"
    changeable = ws.access.may_change(server, owner())
    level = st.select_slider(
        "Level",
        LOG_LEVELS,
        value="info",
        key=key,
        on_change=ask_log_level if changeable else None,
        args=(ws, server.name, key),
        help="Filters what is shown, and asks the server to send only this level and above."
        if changeable
        else "Filters what is shown (only an admin sets the level of a shared server).",
    )
    threshold = LOG_LEVELS.index(level)
    entries = [e for e in server.logs if LOG_LEVELS.index(e["level"]) >= threshold]
    if not entries:
        st.caption("No log messages at this level.")
    for entry in reversed(entries[-300:]):
        stamp = time.strftime("%H:%M:%S", time.localtime(entry["ts"]))
        logger = f" {entry['logger']}" if entry["logger"] else ""
        data = entry["data"] if isinstance(entry["data"], str) else repr(entry["data"])
        st.text(f"{stamp} {entry['level'].upper():<9}{logger} {data}")


def ask_log_level(ws: Workspace, server: str, key: str) -> None:
    """Slider callback: ask the server for the chosen level; a refusal is shown as a toast."""
    try:
        ws.set_log_level(server, st.session_state[key], owner())
    except (CallError, TimeoutError, NotAllowed) as exc:
        st.toast(safe(f"{server} kept its log level: {exc}"))


def completed_input(
    ws: Workspace,
    server: ServerView,
    ref: dict[str, str],
    argument: str,
    key: str,
    label: str | None = None,
    filled: dict[str, str] | None = None,
) -> str:
    """A text input whose completions (from the server, given the arguments `filled` so far)
    are offered as choices beneath it."""
    value = st.text_input(safe(label or argument), key=f"{key}-{argument}")
    suggestions = [s for s in completions(ws, server, ref, argument, value, filled) if s != value]
    suggestions = suggestions[:8]
    if suggestions:
        picked = st.pills(
            safe(f"Suggestions for {argument}"),
            suggestions,
            format_func=lambda suggestion: safe(str(suggestion)),
            key=f"{key}-{argument}-pick",
        )
        if picked:
            return str(picked)
    return value


KEPT_COMPLETIONS = 200  # answers a session keeps, oldest dropped first


def completions(
    ws: Workspace,
    server: ServerView,
    ref: dict[str, str],
    argument: str,
    value: str,
    filled: dict[str, str] | None,
) -> list[str]:
    """The server's completions for what the person typed: asked once per distinct input
    (a rerun asks nothing again), and nothing asked before they type (the page sends
    nothing when drawn)."""
    if not value:
        return []
    asked = (server.name, json.dumps([ref, argument, value, filled or {}], sort_keys=True))
    cache: dict[tuple[str, str], list[str]] = st.session_state.setdefault("completions", {})
    if asked not in cache:
        found = request(
            lambda: ws.complete(server.name, ref, argument, value, owner(), stop_check(), filled),
            True,
        )
        cache[asked] = found or []
        while len(cache) > KEPT_COMPLETIONS:
            cache.pop(next(iter(cache)))
    return cache[asked]


def show_resource(ws: Workspace, server: ServerView, uri: str) -> None:
    """Read a resource and draw its contents; it can then be attached to the conversation."""
    contents = request(lambda: ws.read_resource(server.name, uri, owner(), stop_check()))
    for index, part in enumerate(contents or []):
        render_resource(part, live=False, key=f"res-{server.name}-{uri}-{index}")
    if contents:
        st.session_state[f"last-read-{server.name}"] = (uri, contents)


def attach_button(ws: Workspace, server: ServerView) -> None:
    """Attach the resource read last to the current conversation (it goes with the next
    message)."""
    read = st.session_state.get(f"last-read-{server.name}")
    if not read:
        return
    uri, contents = read
    if st.button(safe(f"📎 Attach `{uri}` to the conversation"), key=f"attach-{server.name}"):
        conversation = current_conversation(ws)
        if conversation is None:
            st.error("There is no conversation to attach it to: add an agent first.")
            return
        ws.chat.attach(conversation.id, server.name, contents)
        switch_to(PageName.CHAT, **{CONVERSATION_PARAM: conversation.id})


def request(make: Callable[[], T], quiet: bool = False) -> T | None:
    """A server request (bounded, rerun-aware); its error, if any, shown unless `quiet`."""
    try:
        return make()
    except (CallError, TimeoutError) as exc:
        if not quiet:
            st.error(safe(str(exc)) or "The server did not answer in time.")
        return None
