"""The person's side of a turn: their message with the JSON data sent along (an A2A data part),
and the editor that JSON is written in. Invalid JSON is said, and nothing is sent."""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from switchboard.chat.turns import TurnView
from switchboard.ui.remote_content import markdown
from switchboard.workspace import ConversationBusy, Workspace

EDITOR, MESSAGE, PROBLEM = "data-json", "data-message", "data-problem"  # session state keys
EXAMPLE = '{"city": "Paris", "days": 3}'
KINDS = {list: "a list", str: "a string", bool: "true or false", type(None): "null"}


def parse_data(text: str) -> dict[str, Any]:
    """The JSON object typed in the editor; ValueError saying what is wrong and how to fix it."""
    if not text.strip():
        raise ValueError(f"Write a JSON object to send first, e.g. {EXAMPLE}.")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"That is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}). "
            "Nothing was sent."
        ) from exc
    if not isinstance(value, dict):
        kind = KINDS.get(type(value), "a number")
        raise ValueError(
            f"Data is sent as a JSON object ({{…}}), and this is {kind}: wrap it, e.g. "
            '{"value": …}. Nothing was sent.'
        )
    return value


def render_person(view: TurnView) -> None:
    """The person's bubble: what they wrote and the JSON data they sent with it."""
    if not (view.prompt or view.sent_data):
        return
    with st.chat_message("user"):
        if view.prompt:
            markdown(view.prompt)
        for sent in view.sent_data:
            st.caption("🧾 JSON data sent with the message")
            st.json(sent["data"], expanded=2)


def render_data_editor(ws: Workspace, conversation_id: str) -> None:
    """A JSON editor with an optional message: "Send data" sends both as one message."""
    problem = st.session_state.pop(PROBLEM, None)
    with st.expander("🧾 Send JSON data", expanded=problem is not None):
        with st.form("send-data", border=False):
            st.text_area("JSON data (an object)", key=EDITOR, placeholder=EXAMPLE, height=120)
            st.text_input("Message (optional)", key=MESSAGE)
            st.form_submit_button("Send data", on_click=send_data, args=(ws, conversation_id))
        if problem is not None:
            st.error(problem, icon="⚠️")


def send_data(ws: Workspace, conversation_id: str) -> None:
    """Form callback: send the message with the data as a data part, or keep both and say
    what is wrong with the JSON."""
    try:
        data = parse_data(st.session_state.get(EDITOR, ""))
    except ValueError as exc:
        st.session_state[PROBLEM] = str(exc)
        return
    try:
        ws.chat.send(conversation_id, st.session_state.get(MESSAGE, ""), None, data)
    except ConversationBusy as busy:
        st.toast(str(busy), icon="⏳")
        return
    st.session_state[EDITOR] = st.session_state[MESSAGE] = ""
