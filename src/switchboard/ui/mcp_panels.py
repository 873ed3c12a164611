"""What one MCP server offers, as panels: resources and templates (with argument completion),
prompts (with completion), and the server's log. The tools tab is `tool_bench`."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from switchboard.ui.followed import follow_button, followed_panel
from switchboard.ui.item_list import Item, item_list
from switchboard.ui.links import PageName, switch_to
from switchboard.ui.remote_content import markdown, safe
from switchboard.ui.render import render_resource
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


def resources_panel(ws: Workspace, server: ServerView) -> None:
    """A searchable list of resources and templates; the chosen one read (a template with its
    arguments, completion offered) and shown by type beside it."""
    if not server.resources and not server.templates:
        st.caption("This server offers no resources.")
        return
    items = [Item(f"r {r['uri']}", r["name"], r["uri"]) for r in server.resources]
    items += [
        Item(f"t {t['uri_template']}", f"🧩 {t['name']}", t["uri_template"])
        for t in server.templates
    ]
    listed, detail = st.columns([1, 3])
    with listed:
        chosen = item_list("Resources", items, key=f"res-{server.name}")
    with detail:
        if chosen is not None and chosen.key.startswith("r "):
            resource_detail(
                ws, server, next(r for r in server.resources if r["uri"] == chosen.about)
            )
        elif chosen is not None:
            template = next(t for t in server.templates if t["uri_template"] == chosen.about)
            template_detail(ws, server, template)
        followed_panel(ws, server, lambda uri: show_resource(ws, server, uri))
        attach_button(ws, server)


def resource_detail(ws: Workspace, server: ServerView, resource: dict[str, Any]) -> None:
    """What the resource is; Read (shown below) and Follow."""
    markdown(f"**{resource['name']}** `{resource['uri']}`")
    facts = [resource["media_type"], resource["description"]]
    if any(facts):
        st.caption(safe(" · ".join(f for f in facts if f)))
    read_column, follow_column = st.columns(2)
    clicked = read_column.button("📖 Read", key=f"read-{server.name}")
    with follow_column:
        follow_button(ws, server, resource["uri"])
    if clicked:
        show_resource(ws, server, resource["uri"])


def template_detail(ws: Workspace, server: ServerView, template: dict[str, Any]) -> None:
    """A template's arguments (the server's completions offered) and Read."""
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
    blank = [name for name, value in filled.items() if not value]
    if blank:
        st.caption(safe(f"Required: {', '.join(blank)}"))
    key = f"read-tpl-{server.name}-{template['uri_template']}"
    if st.button("📖 Read", key=key, disabled=bool(blank)):
        show_resource(ws, server, uri)


def prompts_panel(ws: Workspace, server: ServerView) -> None:
    """A searchable list of prompts; the chosen one's arguments (completion offered), its
    preview, and sending it to the chat."""
    if not server.prompts:
        st.caption("This server offers no prompts.")
        return
    items = [Item(p["name"], p["title"] or p["name"], p["description"]) for p in server.prompts]
    listed, detail = st.columns([1, 3])
    with listed:
        chosen = item_list("Prompts", items, key=f"prompt-{server.name}")
    if chosen is not None:
        with detail:
            prompt_detail(ws, server, next(p for p in server.prompts if p["name"] == chosen.key))


def prompt_detail(ws: Workspace, server: ServerView, prompt: dict[str, Any]) -> None:
    """The prompt's arguments, its messages as rendered, and Send to the chat."""
    chosen = prompt["name"]
    markdown(f"**{prompt['title'] or chosen}**" + (f" `{chosen}`" if prompt["title"] else ""))
    if prompt["description"]:
        st.caption(safe(prompt["description"]))
    arguments: dict[str, str] = {}
    for argument in prompt["arguments"]:
        ref = {"type": "prompt", "name": chosen}
        label = argument["name"] + (" *" if argument["required"] else "")
        key = f"parg-{server.name}-{chosen}"
        value = completed_input(ws, server, ref, argument["name"], key, label, dict(arguments))
        if argument["description"]:
            st.caption(safe(argument["description"]))
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
