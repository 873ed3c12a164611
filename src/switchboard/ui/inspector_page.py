"""The Inspector: each connection's raw wire log (requests, responses, stream events)."""

from __future__ import annotations

import time

import streamlit as st

from switchboard.ui.remote_content import safe
from switchboard.ui.state import owner, workspace
from switchboard.workspace import Direction, WireEntry, WireSource

ARROWS = {
    Direction.REQUEST: "→",
    Direction.RESPONSE: "←",
    Direction.EVENT: "⚡",
    Direction.ERROR: "⚠️",
    Direction.WARNING: "🔶",
    Direction.INFO: "ℹ️",
}
SHOWN = 300
ICONS = {WireSource.AGENT: "🛰️", WireSource.SERVER: "🧰", WireSource.MODEL: "🧠"}


def inspector_page() -> None:
    """Pick a connection (agent or MCP server) and read its wire log, newest first: the
    connection's own traffic and the viewer's conversations', never another person's; secrets
    are masked when an entry is drawn."""
    ws, user = workspace(), owner()
    st.title("Inspector")
    sources = {f"{ICONS[kind]} {name}": (kind, name) for kind, name in ws.wire_sources(user)}
    if not sources:
        st.info("No connections yet.")
        return
    columns = st.columns([2, 3, 1])
    label = columns[0].selectbox("Connection", list(sources), key="inspect-connection")
    kinds = columns[1].multiselect("Show", list(ARROWS), default=list(ARROWS), key="inspect-kinds")
    live = columns[2].toggle("Live", key="inspect-live", help="Refresh every second.")

    @st.fragment(run_every=1.0 if live else None)
    def entries() -> None:
        shown = [e for e in ws.wire_log(*sources[label], user) if e.direction in kinds]
        st.caption(
            f"{len(shown)} entries" + (f" (newest {SHOWN} shown)" if len(shown) > SHOWN else "")
        )
        for entry in reversed(shown[-SHOWN:]):
            render_entry(entry)

    entries()


def render_entry(entry: WireEntry) -> None:
    """One wire entry: time, direction, title; its body inside."""
    stamp = (
        time.strftime("%H:%M:%S", time.localtime(entry.ts)) + f".{int(entry.ts * 1000) % 1000:03d}"
    )
    label = safe(f"`{stamp}` {ARROWS.get(entry.direction, '•')} {entry.title}")
    if not entry.body:
        st.markdown(label)
        return
    with st.expander(label):
        st.code(entry.body, language="json" if entry.body.lstrip().startswith(("{", "[")) else None)
