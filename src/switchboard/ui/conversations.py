"""The sidebar's conversation list: search; newest first, grouped by day, each row with how long
ago it began and what was last said; open any, rename or delete the open one."""

from __future__ import annotations

import streamlit as st

from switchboard.chat.conversation import Conversation, Summary
from switchboard.ui.conversation_rows import ago, day_of, preview
from switchboard.ui.remote_content import safe
from switchboard.ui.state import CONVERSATION_PARAM, open_conversation, owner
from switchboard.workspace import ConversationImportError, Workspace, to_json, to_markdown

SHOWN = 50


def render_conversation_list(ws: Workspace, current: Conversation | None) -> None:
    """Newest first, filtered by the search box; each with a menu to rename or delete it."""
    st.caption("Conversations")
    if st.user.get("is_logged_in"):
        st.caption(f"Signed in as {owner()}")
        st.button("Log out", key="logout", on_click=st.logout)
    problem = ws.store_health()
    if problem:
        st.warning(f"Conversations are not being saved: {problem}", icon="⚠️")
    if current is not None and current.events():
        render_export(current)
    render_import(ws)
    search = st.text_input(
        "Search conversations",
        key="conversation-search",
        placeholder="Search titles and prompts",
        label_visibility="collapsed",
    )
    shown = ws.conversations(owner(), search, limit=SHOWN)
    if search and not shown:
        st.caption("No conversation matches.")
    day = ""
    for other in shown:
        if (group := day_of(other.created)) != day:
            day = group
            st.caption(f"**{day}**")
        render_row(ws, other, current is not None and other.id == current.id)


def render_row(ws: Workspace, conversation: Summary, is_current: bool) -> None:
    """One conversation: a button that opens it (title, counterpart) and a line saying how long
    ago it began and what was last said. Only the open one has the menu to rename or delete it:
    every rerun sends the whole list again, so the other rows stay two elements each."""
    if not is_current:
        render_open(conversation, is_current)
        return
    open_column, menu_column = st.columns([5, 1], vertical_alignment="center")
    with open_column:
        render_open(conversation, is_current)
    with menu_column.popover("⋯", help="Rename or delete this conversation"):
        render_menu(ws, conversation)


def render_open(conversation: Summary, is_current: bool) -> None:
    """The row's button (title, counterpart; the preview on hover) and its line below."""
    said = preview(conversation)
    st.button(
        safe(
            ("📥 " if conversation.imported else "")
            + f"{conversation.title or '(new conversation)'} · {conversation.counterpart}"
        ),
        key=f"open-{conversation.id}",
        disabled=is_current,
        width="stretch",
        on_click=open_conversation,
        args=(conversation,),
        help=safe(said) or None,
    )
    copy = " · imported copy" if conversation.imported else ""
    st.caption(safe(f"{ago(conversation.created)}{copy}" + (f" · {said}" if said else "")))


def render_menu(ws: Workspace, conversation: Summary) -> None:
    """The open conversation's menu: rename it, or delete it (which cannot be undone)."""
    title_key = f"title-{conversation.id}"
    st.text_input("Title", value=conversation.title, key=title_key)
    st.button(
        "Rename",
        key=f"rename-{conversation.id}",
        on_click=rename,
        args=(ws, conversation.id, title_key),
    )
    st.caption("Deleting cannot be undone.")
    st.button(
        "🗑 Delete",
        key=f"delete-{conversation.id}",
        type="primary",
        on_click=delete,
        args=(ws, conversation.id),
    )


def render_import(ws: Workspace) -> None:
    """Import a conversation exported as JSON; it opens under a new id."""
    with st.popover("⬆ Import a conversation", width="stretch"):
        uploaded = st.file_uploader("A Switchboard JSON export", type=["json"], key="import-file")
        if uploaded is None or not st.button("Import", key="import", type="primary"):
            return
        try:
            text = uploaded.getvalue().decode("utf-8", "replace")
            conversation = ws.import_conversation(text, owner())
        except ConversationImportError as exc:
            st.error(str(exc))
            return
        open_conversation(conversation)
        st.rerun()


def render_export(conversation: Conversation) -> None:
    """Download the conversation as Markdown (to read) or JSON (to import again), each made
    when asked for (not on every rerun: a long conversation is long to write)."""
    stem = f"switchboard-{conversation.id}"
    markdown, data = st.columns(2)
    markdown.download_button(
        "⬇ Markdown",
        lambda: to_markdown(conversation),
        file_name=f"{stem}.md",
        mime="text/markdown",
        key="export-md",
        width="stretch",
    )
    data.download_button(
        "⬇ JSON",
        lambda: to_json(conversation),
        file_name=f"{stem}.json",
        mime="application/json",
        key="export-json",
        width="stretch",
    )


def rename(ws: Workspace, conversation_id: str, title_key: str) -> None:
    """Button callback: give a conversation the title typed in its menu."""
    ws.rename(conversation_id, st.session_state.get(title_key, ""))


def delete(ws: Workspace, conversation_id: str) -> None:
    """Button callback: delete the open conversation (a running turn stops first); the page
    opens another."""
    ws.chat.delete(conversation_id)
    st.session_state.pop("conversation", None)
    st.query_params.pop(CONVERSATION_PARAM, None)
