"""The MCP page: every server's state, adding servers from any client's config, and what each
server offers (tools, resources, templates, prompts, logs, stderr)."""

from __future__ import annotations

import ipaddress
import json
from dataclasses import replace

import streamlit as st

from switchboard.chat.workspace import Workspace
from switchboard.config import ERAS, McpServerSettings, parse_mcp_servers
from switchboard.connections.mcp_server import McpConnection
from switchboard.ui.mcp_panels import logs_panel, prompts_panel, resources_panel, tools_panel
from switchboard.ui.state import (
    STATUS_ICONS,
    await_connections,
    environment,
    wait_connected,
    watch_connections,
    workspace,
)


def mcp_page() -> None:
    """Every MCP server with its status; a way to add more."""
    ws = workspace()
    st.title("MCP servers")
    for problem in ws.settings.problems:
        if "mcpServers" in problem or "servers" in problem:
            st.warning(problem, icon="⚠️")
    await_connections(ws)
    with st.expander("➕ Add servers from a config", expanded=not ws.registry.servers()):
        render_add(ws)
    for server in ws.registry.servers():
        render_server(ws, server)
    watch_connections(ws)


def stdio_allowed(ws: Workspace) -> bool:
    """Starting commands from the UI runs them on this host: allowed by the config switch, else
    only while the app listens on loopback."""
    if ws.settings.allow_stdio_from_ui is not None:
        return ws.settings.allow_stdio_from_ui
    address = str(st.get_option("server.address") or "")
    if address in ("localhost", ""):
        return address == "localhost"
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


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
    if isinstance(document, dict) and not {"mcpServers", "servers"} & document.keys():
        document = {"mcpServers": document}  # a bare map of servers
    if not isinstance(document, dict):
        st.error("The config must be a JSON object with an `mcpServers` map.")
        return
    servers, problems = parse_mcp_servers(document, environment())
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
        connect_and_report(ws, settings, replace=ws.registry.server(settings.name) is not None)


def connect_and_report(ws: Workspace, settings: McpServerSettings, replace: bool = False) -> None:
    """Connect a server (bounded wait) and say how it went."""
    future = ws.add_server(settings, replace=replace)
    if settings.disabled:
        st.info(f"{settings.name} added, disabled.")
        return
    server = wait_connected(future, settings.name)
    if server is None:
        return
    if server.status == "ready":
        st.success(f"Connected to **{server.name}** (protocol {server.protocol_version}).")
    else:
        st.error(f"{server.name}: {server.error}")


def render_server(ws: Workspace, server: McpConnection) -> None:
    """One server: state, facts, actions, and its panels."""
    facts = server.describe()
    icon = STATUS_ICONS.get(server.status, "•")
    label = f"{icon} **{server.name}** · {server.status}"
    if server.protocol_version:
        label += f" · protocol {server.protocol_version}"
    with st.expander(label, expanded=server.status != "ready" or len(ws.registry.servers()) == 1):
        if server.error:
            st.error(server.error, icon="⚠️")
        st.caption(
            f"{facts['transport']}: `{facts['target']}` · era setting: {facts['era']}"
            + (f" · server: {facts['server']}" if facts["server"] else "")
            + (f" · timeout {server.settings.timeout:g} s" if server.settings.timeout else "")
        )
        if server.instructions:
            with st.container(border=True):
                st.caption("Server instructions")
                st.markdown(server.instructions)
        render_actions(ws, server)
        if server.status != "ready":
            if server.settings.transport == "stdio":
                stderr_panel(server)
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
            logs_panel(server)
        with stderr:
            stderr_panel(server)


def render_actions(ws: Workspace, server: McpConnection) -> None:
    """Reconnect, era and timeout, enable/disable, remove."""
    name = server.name
    reconnect, settings_column, toggle, remove = st.columns(4)
    reconnect.button(
        "🔄 Reconnect",
        key=f"mcp-reconnect-{name}",
        on_click=ws.add_server,
        args=(server.settings, True),
        disabled=server.settings.disabled,
    )
    with settings_column.popover("⚙️ Settings"):
        era = st.selectbox(
            "Protocol era",
            ERAS,
            index=ERAS.index(server.settings.era),
            key=f"mcp-era-{name}",
            help="auto: the newest the server speaks (a silent server falls back within 1 s).",
        )
        timeout = st.number_input(
            "Call timeout (s, 0 = none)",
            min_value=0.0,
            value=float(server.settings.timeout or 0),
            key=f"mcp-timeout-{name}",
        )
        if st.button("Apply and reconnect", key=f"mcp-apply-{name}"):
            changed = replace(server.settings, era=era, timeout=timeout or None)
            ws.add_server(changed, replace=True)
            st.rerun()
    disabled = server.settings.disabled
    toggle.button(
        "▶ Enable" if disabled else "⏸ Disable",
        key=f"mcp-toggle-{name}",
        on_click=ws.add_server,
        args=(replace(server.settings, disabled=not disabled), True),
    )
    with remove.popover("🗑 Remove"):
        st.write(f"Remove **{name}**?")
        st.button(
            "Remove",
            key=f"mcp-remove-{name}",
            type="primary",
            on_click=lambda: ws.runtime.submit(ws.registry.remove_server(name)),
        )


def stderr_panel(server: McpConnection) -> None:
    """What a stdio server wrote to stderr (its logs and tracebacks)."""
    if server.settings.transport != "stdio":
        st.caption("Only stdio servers have a stderr to show.")
        return
    text = server.stderr_text()
    if text:
        st.code(text, language=None)
    else:
        st.caption("Nothing on stderr yet.")
