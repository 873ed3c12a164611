"""Pages a server asks the person to open (MCP URL elicitation): each URL shown in full, so
its host is plain to see, opened by a link only when it is http or https; and the Retry of a
call the server refused until then."""

from __future__ import annotations

from typing import Any

import streamlit as st

from switchboard.chat.turns import TurnView
from switchboard.ui.remote_content import markdown, safe
from switchboard.ui.state import attempt
from switchboard.workspace import Workspace

NOT_A_LINK = "Not offered as a link: only http and https pages open from here."


def render_pages(pages: list[dict[str, Any]], key: str, live: bool = False) -> None:
    """Each page: the server's message, the full URL, and a button that opens it (http and
    https only; not while `live`, whose bubble is redrawn within one run)."""
    for index, page in enumerate(pages):
        if page.get("message"):
            markdown(page["message"])
        st.code(page["url"], language=None, wrap_lines=True)
        if not page.get("openable"):
            st.caption(NOT_A_LINK)
        elif not live:
            st.link_button("🌐 Open the page", page["url"], key=f"{key}-open-{index}")


def retries(view: TurnView) -> list[dict[str, Any]]:
    """The calls of a turn (direct, or the assistant's) that a server refused until the person
    opened its page: each notice's call to retry."""
    notices = [*view.notices, *(n for step in view.steps.values() for n in step.notices)]
    return [notice["retry"] for notice in notices if notice.get("retry")]


def render_retries(ws: Workspace, conversation_id: str, view: TurnView, key: str) -> None:
    """A Retry button for each refused call: the same tool with the same arguments, as a
    new turn of this conversation."""
    for index, call in enumerate(retries(view)):
        request = (call["server"], call["tool"], call["arguments"])
        st.button(
            safe(f"🔁 Retry {call['tool']}"),
            key=f"{key}-retry-{index}",
            help=safe(f"Call {call['tool']} of {call['server']} again with the same arguments."),
            on_click=attempt,
            args=(ws.chat.call_tool, conversation_id, *request),
        )
