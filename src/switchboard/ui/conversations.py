"""The sidebar's conversation list: search, open, rename, delete (with confirmation)."""

from __future__ import annotations

import streamlit as st

from switchboard.chat.conversation import Conversation
from switchboard.chat.workspace import Workspace
from switchboard.ui.state import CONVERSATION_PARAM, open_conversation

SHOWN = 50


def render_conversation_list(ws: Workspace, current: Conversation | None) -> None:
    """Newest first, filtered by the search box; each with a menu to rename or delete it."""
    st.caption("Conversations")
    search = st.text_input(
        "Search conversations",
        key="conversation-search",
        placeholder="Search titles and prompts",
        label_visibility="collapsed",
    )
    shown = ws.store.list(search=search)[:SHOWN]
    if search and not shown:
        st.caption("No conversation matches.")
    for other in shown:
        is_current = current is not None and other.id == current.id
        open_column, menu_column = st.columns([5, 1], vertical_alignment="center")
        open_column.button(
            f"{other.title or '(new conversation)'} · {other.counterpart}",
            key=f"open-{other.id}",
            disabled=is_current,
            width="stretch",
            on_click=open_conversation,
            args=(other,),
        )
        with menu_column.popover("⋯", help="Rename or delete"):
            title_key = f"title-{other.id}"
            st.text_input("Title", value=other.title, key=title_key)
            st.button(
                "Rename", key=f"rename-{other.id}", on_click=rename, args=(ws, other.id, title_key)
            )
            st.caption("Deleting cannot be undone.")
            st.button(
                "🗑 Delete",
                key=f"delete-{other.id}",
                type="primary",
                on_click=delete,
                args=(ws, other.id, is_current),
            )


def rename(ws: Workspace, conversation_id: str, title_key: str) -> None:
    """Button callback: give a conversation the title typed in its menu."""
    ws.store.rename(conversation_id, st.session_state.get(title_key, ""))


def delete(ws: Workspace, conversation_id: str, is_current: bool) -> None:
    """Button callback: delete a conversation (a running turn stops first)."""
    ws.chat.delete(conversation_id)
    if is_current:
        st.session_state.pop("conversation", None)
        st.query_params.pop(CONVERSATION_PARAM, None)
