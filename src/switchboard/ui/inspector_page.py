"""The Inspector: the connections' traffic as exchanges, filtered and searched, each received
message checked against its spec, any request sent again as it was or edited."""

from __future__ import annotations

import streamlit as st

from switchboard.ui.exchange_rows import exported, render_row
from switchboard.ui.remote_content import safe
from switchboard.ui.replay_panel import replay_panel
from switchboard.ui.state import owner, workspace
from switchboard.workspace import Exchange, WireSource, source_key

SHOWN = 200
ICONS = {WireSource.AGENT: "🛰️", WireSource.SERVER: "🧰", WireSource.MODEL: "🧠"}


def inspector_page() -> None:
    """Choose the counterparts, methods and what to look for; read the exchanges newest
    first: the connection's own traffic and the viewer's conversations', never another
    person's; secrets are masked when an entry is drawn."""
    ws, user = workspace(), owner()
    st.title("Inspector")
    sources = {f"{ICONS[kind]} {name}": (kind, name) for kind, name in ws.inspector.sources(user)}
    if not sources:
        st.info("No connections yet.")
        return
    top = st.columns(3, vertical_alignment="bottom")
    chosen = top[0].multiselect("Counterparts", list(sources), key="inspect-sources")
    search = top[2].text_input("Search", key="inspect-search", placeholder="text in a message")
    switches = st.columns([1, 1, 4])
    errors = switches[0].toggle("Errors only", key="inspect-errors")
    live = switches[1].toggle("Live", key="inspect-live", help="Refresh every second.")
    picked = [sources[label] for label in chosen] or list(sources.values())
    for kind, name in picked:
        if kind is WireSource.AGENT:
            card_checks(name)
    rows = ws.inspector.exchanges(user, picked)
    methods = top[1].multiselect("Methods", sorted({r.method for r in rows}), key="inspect-methods")
    labels = {source_key(source): label for label, source in sources.items()}
    unread = [rows]  # this run's read, taken once: the fragment's own reruns read the log anew

    @st.fragment(run_every=1.0 if live else None)
    def exchanges() -> None:
        found = unread.pop() if unread else ws.inspector.exchanges(user, picked)
        if replay_panel(found, sources):
            found = ws.inspector.exchanges(user, picked)
        shown = [r for r in found if _matches(r, methods, errors, search.strip().lower())]
        count, download = st.columns([4, 1])
        more = f" (newest {SHOWN} shown)" if len(shown) > SHOWN else ""
        count.caption(f"{len(shown)} of {len(found)} exchanges{more}")
        download.download_button(
            "Export JSON",
            lambda: exported(shown),  # made when asked for, not on every redraw
            file_name="switchboard-inspector.json",
            mime="application/json",
            key="inspect-export",
        )
        for row in sorted(shown, key=lambda r: r.last_ts, reverse=True)[:SHOWN]:
            render_row(row, labels.get(row.source, row.source), editable=True)

    exchanges()


def card_checks(name: str) -> None:
    """The agent card's check against the A2A spec: each finding, or that there is none."""
    found = workspace().inspector.card_findings(name, owner())
    if found is None:
        return
    if not found:
        st.caption(safe(f"✅ {name}'s agent card meets the A2A spec."))
        return
    count = f"{len(found)} finding" + ("s" if len(found) > 1 else "")
    with st.expander(safe(f"⚠️ {name}'s agent card: {count} against the A2A spec")):
        for finding in found:
            st.markdown(safe(f"- {finding}"))


def _matches(row: Exchange, methods: list[str], errors: bool, search: str) -> bool:
    if methods and row.method not in methods:
        return False
    if errors and not row.failed:
        return False
    if search:
        return any(search in f"{e.title}\n{e.body}".lower() for e in row.entries)
    return True
