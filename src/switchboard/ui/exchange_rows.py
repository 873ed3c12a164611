"""One inspector row per exchange: the call and its answer (and a stream's events) with method,
status and duration; each received message marked ✅ or ⚠️ by its check against the spec."""

from __future__ import annotations

import json
import time
from typing import Any

import streamlit as st

from switchboard.ui.remote_content import safe
from switchboard.workspace import (
    Direction,
    Exchange,
    Row,
    WireEntry,
    curl_command,
    draft_of,
    findings,
    jsonrpc_text,
    mcp_curl,
)

ARROWS = {
    Direction.REQUEST: "→",
    Direction.RESPONSE: "←",
    Direction.EVENT: "⚡",
    Direction.ERROR: "⚠️",
    Direction.WARNING: "🔶",
    Direction.INFO: "ℹ️",
}
ROW_ICONS = {
    Row.CALL: "↔️",
    Row.SERVER_REQUEST: "↩️",
    Row.NOTIFICATION: "📣",
    Row.EVENT: "⚡",
    Row.NOTE: "",
}
REPLAY_KEY = "inspect-replay"  # session state: the row whose request the editor holds


def checks(row: Exchange) -> list[tuple[WireEntry, list[str] | None]]:
    """Each entry of the row with its findings (None: not a received message)."""
    return [(e, findings(e, row.method, row.protocol)) for e in row.entries]


def verdict(checked: list[tuple[WireEntry, list[str] | None]]) -> str:
    """⚠️ when a received message departs from the spec, ✅ when all checked are clean."""
    found = [f for _, f in checked if f is not None]
    if not found:
        return ""
    return "⚠️" if any(found) else "✅"


def row_id(row: Exchange) -> str:
    """A row's identity across reruns (an MCP id comes back after a reconnect: ts tells)."""
    return f"{row.source}|{row.first.ts:.6f}|{row.first.key or ''}"


def render_row(row: Exchange, where: str, editable: bool) -> None:
    """The row as an expander: its label says what, how it went and `where` (the connection);
    inside, each message with its check, the request as JSON and as curl, and (`editable`) a
    button to replay it."""
    checked = checks(row)
    with st.expander(_label(row, where, verdict(checked))):
        for entry, found in checked:
            _entry(entry, found)
        draft = draft_of(row.first)
        if draft is None:
            return
        if draft.http:
            st.caption("As a curl command (masked headers are left out: add your own)")
            st.code(curl_command(draft), language="bash")
        else:
            st.caption("As JSON-RPC")
            st.code(jsonrpc_text(draft), language="json")
            if row.endpoint:
                st.caption("As a curl command (add the server's credentials, if it has any)")
                st.code(mcp_curl(draft, row.endpoint, row.protocol), language="bash")
        if editable:
            st.button(
                "Edit and replay",
                key=f"replay-{row_id(row)}",
                on_click=st.session_state.__setitem__,
                args=(REPLAY_KEY, row_id(row)),
            )


def exported(rows: list[Exchange]) -> str:
    """The rows as JSON (secrets masked as they are on the page), for a download."""
    return json.dumps([_as_data(row) for row in rows], indent=2)


def stamp(ts: float) -> str:
    """A time of day to the millisecond."""
    return time.strftime("%H:%M:%S", time.localtime(ts)) + f".{int(ts * 1000) % 1000:03d}"


def _label(row: Exchange, where: str, mark: str) -> str:
    parts = [f"`{stamp(row.ts)}`", ROW_ICONS[row.row] or ARROWS.get(row.first.direction, "•")]
    parts.append(f"**{row.method}**" if row.row is not Row.NOTE else row.first.title)
    if row.status:
        parts.append(("❌ " if row.failed else "") + row.status)
    if row.duration_ms is not None:
        parts.append(f"{row.duration_ms:,.0f} ms")
    if row.events:
        parts.append(f"{len(row.events)} event" + ("s" if len(row.events) > 1 else ""))
    parts.append(f"· {where}")
    return safe(" ".join(parts) + (f" {mark}" if mark else ""))


def _entry(entry: WireEntry, found: list[str] | None) -> None:
    mark = "" if found is None else (" ⚠️" if found else " ✅")
    st.markdown(safe(f"{ARROWS.get(entry.direction, '•')} `{stamp(entry.ts)}` {entry.title}{mark}"))
    for finding in found or ():
        st.caption(safe(f"⚠️ {finding}"))
    if entry.body:
        json_like = entry.body.lstrip().startswith(("{", "["))
        st.code(entry.body, language="json" if json_like else None)


def _as_data(row: Exchange) -> dict[str, Any]:
    return {
        "connection": row.source,
        "row": row.row.value,
        "method": row.method,
        "status": row.status,
        "duration_ms": row.duration_ms,
        "entries": [
            {
                "ts": entry.ts,
                "direction": entry.direction.value,
                "title": entry.title,
                "body": entry.body,
                "findings": found,
            }
            for entry, found in checks(row)
        ],
    }
