"""What a running turn waits on from the person: the assistant's calls and a server's sampling
requests to approve, and a form for each question a server asked (MCP elicitation)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from switchboard.chat.events import Action, QuestionKind
from switchboard.chat.turns import TurnView
from switchboard.ui.remote_content import markdown, safe
from switchboard.ui.schema_form import missing_required, schema_form
from switchboard.ui.url_pages import render_pages
from switchboard.workspace import Workspace

SHARED = "(asked while several of its calls ran: it may belong to any of them)"
OPEN_THEN_ACCEPT = "Open the page above and finish there, then Accept (or Decline)."


def render_questions(ws: Workspace, view: TurnView) -> None:
    """Every question the turn still waits on."""
    for question in view.open_questions:
        if question["kind"] in (QuestionKind.APPROVAL, QuestionKind.SAMPLING):
            render_approval(ws, question)
        else:
            render_elicitation(ws, question)


def render_elicitation(ws: Workspace, question: dict[str, Any]) -> None:
    """A server's question as a form: Accept (with the fields filled in, and only once every
    required one is), Decline, Cancel. Each field redraws as it is filled, so Accept knows."""
    ident, schema = question["id"], question.get("schema") or {}
    if question.get("url"):  # URL mode: the page first
        page = {"url": question["url"], "openable": question.get("openable")}
        render_pages([page], f"question-{ident}")
    with st.container(border=True):
        markdown(f"❓ **{question['server']} asks:** {question['message']}")
        if question.get("shared"):
            st.caption(SHARED)
        if question.get("url"):
            st.caption(OPEN_THEN_ACCEPT)
        value = schema_form(schema, key=f"q-{ident}") if schema.get("properties") else {}
        missing = missing_required(schema, value) if value is not None else []
        if missing:
            st.caption(safe(f"Required before Accept: {', '.join(missing)}"))
        accept, decline, cancel = st.columns(3)
        blocked = value is None or bool(missing)
        # Read on the click's own run: a field typed just before the click is in `value`.
        accepted = accept.button("Accept", type="primary", key=f"accept-{ident}", disabled=blocked)
        if accepted and not blocked:
            ws.chat.answer(ident, Action.ACCEPT, value)
            st.rerun()
        decline.button(
            "Decline", key=f"decline-{ident}", on_click=ws.chat.answer, args=(ident, Action.DECLINE)
        )
        cancel.button(
            "Cancel", key=f"cancel-{ident}", on_click=ws.chat.answer, args=(ident, Action.CANCEL)
        )


def render_approval(ws: Workspace, question: dict[str, Any]) -> None:
    """Approve or deny a call of the assistant, or a server's request to use the model."""
    ident = question["id"]
    with st.container(border=True):
        if question["kind"] == QuestionKind.APPROVAL:
            markdown(f"🛡️ {question['message']}")
            st.json(question.get("arguments", {}), expanded=2)
        else:
            render_sampling_request(question)
        approve, always, deny = st.columns(3)
        approve.button(
            "Approve",
            key=f"approve-{ident}",
            type="primary",
            on_click=ws.chat.answer,
            args=(ident, Action.ACCEPT),
        )
        if question["kind"] == QuestionKind.APPROVAL:
            always.button(
                "Always allow",
                key=f"always-{ident}",
                help=safe(f"Stop asking for {question['policy_key']} while the app runs."),
                on_click=ws.chat.answer,
                args=(ident, Action.ACCEPT, {"always": True}),
            )
        deny.button(
            "Deny", key=f"deny-{ident}", on_click=ws.chat.answer, args=(ident, Action.DECLINE)
        )


def render_sampling_request(question: dict[str, Any]) -> None:
    """What a server wants the model to answer (MCP sampling), before it is sent."""
    details = question.get("details", {})
    markdown(f"🧠 **{question['server']}** {question['message']}")
    if question.get("shared"):
        st.caption(SHARED)
    if details.get("system_prompt"):
        st.caption(safe(f"System prompt: {details['system_prompt']}"))
    for message in details.get("messages", []):
        markdown(f"**{message['role']}:** {message['text']}")
    st.caption(f"At most {details.get('max_tokens')} tokens.")
