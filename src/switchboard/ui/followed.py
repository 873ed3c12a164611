"""Following a server's resources on the MCP servers page: Subscribe / Unsubscribe beside the
chosen resource (when the server offers subscriptions), and the followed resources with their
last update, redrawn every few seconds, each read again on demand."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import streamlit as st

from switchboard.ui.remote_content import safe
from switchboard.ui.state import owner, stop_check
from switchboard.workspace import CallError, NotAllowed, ServerView, Workspace

REDRAW = 3.0  # seconds between redraws of the followed resources (updates arrive meanwhile)


def follow_button(ws: Workspace, server: ServerView, uri: str) -> None:
    """Subscribe to the chosen resource, or Unsubscribe when it is followed."""
    if not server.subscribe:
        return
    followed = any(f["uri"] == uri for f in server.followed)
    if not ws.access.may_change(server, owner()):
        st.caption("Only an admin follows the resources of a shared server.")
        return
    label = "🔕 Unsubscribe" if followed else "🔔 Subscribe"
    st.button(
        label,
        key=f"follow-{server.name}-{uri}",
        help="Get the server's updates of this resource (kept across reconnects).",
        on_click=change,
        args=(ws, server.name, uri, not followed),
    )


def change(ws: Workspace, server: str, uri: str, follow: bool) -> None:
    """Button callback: subscribe or unsubscribe; a refusal is shown as a toast."""
    action = ws.subscriptions.subscribe if follow else ws.subscriptions.unsubscribe
    try:
        action(server, uri, owner(), stop_check())
    except (CallError, TimeoutError, NotAllowed) as exc:
        st.toast(safe(f"{server}: {exc}"))


def followed_panel(ws: Workspace, server: ServerView, read: Callable[[str], None]) -> None:
    """The followed resources, redrawn every few seconds; `read(uri)` draws one read again."""
    if not server.followed:
        return

    @st.fragment(run_every=REDRAW)
    def panel() -> None:
        view = ws.server(server.name, owner()) or server
        st.caption("Followed resources")
        for followed in view.followed:
            render_followed(view, followed, read)

    panel()


def render_followed(
    server: ServerView, followed: dict[str, Any], read: Callable[[str], None]
) -> None:
    """One followed resource: when it was last updated (new since this person read it?),
    why it is not subscribed now if it is not, and Read again."""
    uri = followed["uri"]
    seen_key = f"seen-{server.name}-{uri}"
    line = f"`{uri}` · " + describe(followed, st.session_state.get(seen_key, 0.0))
    with st.container(border=True):
        st.markdown(safe(line))
        if followed["problem"]:
            st.caption(safe(f"⚠️ {followed['problem']}"))
        if st.button("📖 Read again", key=f"reread-{server.name}-{uri}"):
            st.session_state[seen_key] = time.time()
            read(uri)


def describe(followed: dict[str, Any], seen: float) -> str:
    """ "updated at 12:00:05 (3 updates)", marked new when after `seen`, or "no update yet"."""
    if followed["updated"] is None:
        return "no update yet"
    stamp = time.strftime("%H:%M:%S", time.localtime(followed["updated"]))
    count = followed["updates"]
    new = "🔔 " if followed["updated"] > seen else ""
    return f"{new}updated at {stamp} ({count} update{'s' if count != 1 else ''})"
