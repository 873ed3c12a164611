"""The MCP page: every server's state, adding servers from any client's config, and what each
server offers (tools, resources, templates, prompts, logs, stderr)."""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from switchboard.ui.mcp_panels import logs_panel, prompts_panel, resources_panel
from switchboard.ui.remote_content import markdown, remote_content, safe
from switchboard.ui.sign_in_page import sign_in_panel
from switchboard.ui.state import (
    SHARED_NOTE,
    STATUS_ICONS,
    YOURS,
    await_connections,
    listens_on_loopback,
    owner,
    pasted_environment,
    wait_connected,
    watch_connections,
    workspace,
)
from switchboard.ui.tool_bench import tools_panel
from switchboard.workspace import (
    ERAS,
    NotAllowed,
    Pending,
    ServerView,
    Status,
    Workspace,
    parse_pasted_servers,
)


def mcp_page() -> None:
    """Every MCP server with its status; a way to add more."""
    ws = workspace()
    st.title("MCP servers")
    for problem in ws.settings.problems:
        if "mcpServers" in problem or "servers" in problem:
            st.warning(problem, icon="⚠️")
    await_connections(ws)
    with st.expander("➕ Add servers from a config", expanded=not ws.servers(owner())):
        render_add(ws)
    servers = ws.servers(owner())  # after the form: those it just added are listed too
    for server in servers:
        render_server(ws, server, alone=len(servers) == 1)
    watch_connections(ws)


def stdio_allowed(ws: Workspace) -> bool:
    """Starting commands from the UI runs them on this host: allowed by the config switch, else
    only while the app listens on loopback."""
    if ws.settings.allow_stdio_from_ui is not None:
        return ws.settings.allow_stdio_from_ui
    return listens_on_loopback()


def render_add(ws: Workspace) -> None:
    """Paste or upload `mcpServers` JSON from Claude Desktop, Cursor, VS Code, Claude Code…"""
    st.caption(
        "Paste the `mcpServers` (or VS Code `servers`) JSON you already use, or upload the file. "
        "A server with a name already in use replaces it."
    )
    with st.form("add-servers"):
        pasted = st.text_area(
            "Config JSON",
            placeholder='{"mcpServers": {"fs": {"command": "npx", "args": ["-y", "server-fs"]}}}',
            height=140,
        )
        uploaded = st.file_uploader("…or a config file", type=["json"])
        submitted = st.form_submit_button("Add", type="primary")
    if not submitted:
        return
    text = uploaded.getvalue().decode("utf-8", "replace") if uploaded else pasted
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        st.error(f"That is not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).")
        return
    if not isinstance(document, dict):
        st.error("The config must be a JSON object with an `mcpServers` map.")
        return
    servers, problems = parse_pasted_servers(document, pasted_environment())
    for problem in problems:
        st.error(problem)
    allowed = stdio_allowed(ws)
    for settings in servers:
        if settings.transport == "stdio" and not allowed:
            st.error(
                f"{settings.name}: adding stdio servers from the UI is switched off, because it "
                "runs commands on this host. Put it in the config file, or set "
                '"allowStdioFromUi": true there.'
            )
            continue
        try:
            pending = ws.new_server(settings, owner())
        except NotAllowed as exc:
            st.error(f"{settings.name}: {exc}")
            continue
        if settings.disabled:
            st.info(f"{settings.name} added, disabled.")
        else:
            report(pending, settings.name)


def report(pending: Pending[ServerView], what: str) -> None:
    """Wait (bounded) for a server being connected and say how it went."""
    server = wait_connected(pending, what)
    if server is None:
        return
    if server.status == Status.READY:
        st.success(f"Connected to **{server.name}** (protocol {server.protocol_version}).")
    else:
        st.error(safe(f"{server.name}: {server.error}"))


def render_server(ws: Workspace, server: ServerView, alone: bool) -> None:
    """One server: state, facts, actions, and its panels."""
    icon = STATUS_ICONS.get(server.status, "•")
    label = f"{icon} **{server.name}** · {server.status}"
    if server.protocol_version:
        label += f" · protocol {server.protocol_version}"
    with (
        st.expander(label, expanded=server.status != Status.READY or alone),
        remote_content(None, f"server-{server.name}"),
    ):
        if server.error:
            st.error(safe(server.error), icon="⚠️")
        sign_in_panel(ws, server)
        st.caption(
            safe(
                f"{server.transport}: `{server.target}` · era setting: {server.era}"
                + (f" · server: {server.server}" if server.server else "")
                + (f" · timeout {server.timeout:g} s" if server.timeout else "")
            )
        )
        if server.list_note:
            st.warning(safe(f"Not everything is listed: {server.list_note}."))
        if server.instructions:  # folded: a long one would take over the page
            size = f"{len(server.instructions):,} characters"
            with st.popover(f"📜 Server instructions ({size})"):
                markdown(server.instructions)
        render_actions(ws, server)
        if server.status != Status.READY:
            if server.transport == "stdio":
                stderr_panel(ws, server)
            return
        tools, resources, prompts, logs, stderr = st.tabs(
            [
                f"Tools ({len(server.tools)})",
                f"Resources ({len(server.resources) + len(server.templates)})",
                f"Prompts ({len(server.prompts)})",
                f"Logs ({len(server.logs)})",
                "stderr",
            ]
        )
        with tools:
            tools_panel(ws, server)
        with resources:
            resources_panel(ws, server)
        with prompts:
            prompts_panel(ws, server)
        with logs:
            logs_panel(ws, server)
        with stderr:
            stderr_panel(ws, server)


def render_actions(ws: Workspace, server: ServerView) -> None:
    """Reconnect, era and timeout, enable/disable, remove: for the person's own servers, and
    the shared ones when they are an admin."""
    name, user = server.name, owner()
    if not ws.access.may_change(server, user):
        if server.personal:  # their own sign-in to it: they may connect it again
            st.caption(f"{SHARED_NOTE} {YOURS}")
            reconnect = ws.change_server
            st.button(
                "🔄 Reconnect", key=f"mcp-reconnect-{name}", on_click=reconnect, args=(name, user)
            )
        else:
            st.caption(f"{SHARED_NOTE} Only an admin can reconnect, change or remove it.")
        return
    reconnect, settings_column, toggle, remove = st.columns(4)
    reconnect.button(
        "🔄 Reconnect",
        key=f"mcp-reconnect-{name}",
        on_click=ws.change_server,
        args=(name, user),
        disabled=server.disabled,
    )
    with settings_column.popover("⚙️ Settings"):
        era = st.selectbox(
            "Protocol era",
            ERAS,
            index=ERAS.index(server.era),
            key=f"mcp-era-{name}",
            help="auto: the newest the server speaks (a silent server falls back within 1 s).",
        )
        timeout = st.number_input(
            "Call timeout (s, 0 = none)",
            min_value=0.0,
            value=float(server.timeout or 0),
            key=f"mcp-timeout-{name}",
        )
        if st.button("Apply and reconnect", key=f"mcp-apply-{name}"):
            ws.change_server(name, user, era=era, timeout=timeout or None)
            st.rerun()
    changes: dict[str, Any] = {"disabled": not server.disabled}
    toggle.button(
        "▶ Enable" if server.disabled else "⏸ Disable",
        key=f"mcp-toggle-{name}",
        on_click=ws.change_server,
        args=(name, user),
        kwargs=changes,
    )
    with remove.popover("🗑 Remove"):
        st.write(f"Remove **{name}**?")
        st.button(
            "Remove",
            key=f"mcp-remove-{name}",
            type="primary",
            on_click=ws.remove_server,
            args=(name, user),
        )


def stderr_panel(ws: Workspace, server: ServerView) -> None:
    """What a stdio server wrote to stderr (its logs and tracebacks)."""
    if server.transport != "stdio":
        st.caption("Only stdio servers have a stderr to show.")
        return
    text = ws.stderr(server.name, owner())
    if text:
        st.code(text, language=None)
    else:
        st.caption("Nothing on stderr yet.")
