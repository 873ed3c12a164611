"""The Agents page: add an agent by URL (with its headers), read its card, fix or remove it."""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from switchboard.chat.workspace import Workspace
from switchboard.config import BINDINGS, VERSIONS, AgentSettings, ConfigError, check_http_url
from switchboard.connections.a2a_agent import AgentConnection
from switchboard.connections.http import origin_of
from switchboard.connections.redaction import mask
from switchboard.ui import pages
from switchboard.ui.state import (
    CONVERSATION_PARAM,
    STATUS_ICONS,
    await_connections,
    start_conversation,
    wait_connected,
    workspace,
)


def agents_page() -> None:
    """Every agent: its status and card; a form to add another."""
    ws = workspace()
    st.title("Agents")
    st.caption(f"Configuration: {ws.settings.source}")
    for problem in ws.settings.problems:
        st.warning(problem, icon="⚠️")
    await_connections(ws)
    with st.expander("➕ Add an agent", expanded=not ws.registry.agents()):
        render_add_form(ws)
    for agent in ws.registry.agents():
        render_agent(ws, agent)


def render_add_form(ws: Workspace) -> None:
    """URL (base or full card URL), optional name, credentials, transport preferences."""
    with st.form("add-agent", clear_on_submit=False):
        url = st.text_input(
            "Agent URL",
            placeholder="http://127.0.0.1:9999  or  http://…/.well-known/agent-card.json",
        )
        name = st.text_input("Name", placeholder="optional: the name on the agent's card")
        st.markdown("**Credentials** (sent only to this URL's host, never shown again in full)")
        bearer = st.text_input("Bearer token", type="password")
        key_columns = st.columns([1, 2])
        key_header = key_columns[0].text_input("API-key header", value="X-API-Key")
        key_value = key_columns[1].text_input("API key", type="password")
        extra = st.text_area("Other headers", placeholder="One per line:  Name: value", height=80)
        columns = st.columns(2)
        binding = columns[0].selectbox("Transport", BINDINGS, help="auto: the card's preference")
        version = columns[1].selectbox("A2A version", VERSIONS, help="auto: 1.0 when offered")
        submitted = st.form_submit_button("Connect", type="primary")
    if not submitted:
        return
    try:
        check_http_url(url.strip(), "Agent URL")
        headers = parse_header_lines(extra)
    except ConfigError as exc:
        st.error(str(exc))
        return
    if bearer:
        headers["Authorization"] = f"Bearer {bearer.strip()}"
    if key_value:
        headers[key_header.strip() or "X-API-Key"] = key_value.strip()
    chosen = name.strip() or urlsplit(url.strip()).netloc
    if ws.registry.agent(chosen) is not None:
        st.error(f"An agent called {chosen!r} already exists: give this one another name.")
        return
    settings = AgentSettings(chosen, url.strip(), headers, binding, version)
    connect_and_report(ws, settings, name_from_card=not name.strip())


def connect_and_report(
    ws: Workspace, settings: AgentSettings, replace: bool = False, name_from_card: bool = False
) -> None:
    """Connect (waiting a bounded time) and say how it went."""
    future = ws.add_agent(settings, replace=replace, name_from_card=name_from_card)
    agent = wait_connected(future, settings.url)
    if agent is None:
        return
    if agent.status == "ready":
        st.success(f"Connected to **{agent.name}** ({agent.protocol}).")
    else:
        st.error(f"Could not connect: {agent.error}")


def render_agent(ws: Workspace, agent: AgentConnection) -> None:
    """One agent: status, card, credentials (masked), actions."""
    icon = STATUS_ICONS.get(agent.status, "•")
    with st.expander(
        f"{icon} **{agent.name}** · {agent.status}", expanded=agent.status == "failed"
    ):
        if agent.status == "failed":
            st.error(agent.error, icon="⚠️")
        st.caption(f"URL: {agent.settings.url}")
        if agent.settings.headers:
            st.caption(
                "Headers: "
                + ", ".join(f"`{k}: {mask(v)}`" for k, v in agent.settings.headers.items())
            )
        render_card(agent)
        columns = st.columns(3)
        if columns[0].button("💬 Chat", key=f"chat-{agent.name}", disabled=agent.status != "ready"):
            conversation = start_conversation(ws, agent.name)
            st.switch_page(pages.chat(), query_params={CONVERSATION_PARAM: conversation.id})
        columns[1].button(
            "🔄 Reconnect",
            key=f"reconnect-{agent.name}",
            help="Fetch the card again and rebuild the client.",
            on_click=ws.add_agent,
            args=(agent.settings, True),
        )
        with columns[2].popover("🗑 Remove"):
            st.write(f"Remove **{agent.name}**? Its conversations stay, but cannot continue.")
            st.button(
                "Remove",
                key=f"remove-{agent.name}",
                type="primary",
                on_click=lambda: ws.runtime.submit(ws.registry.remove(agent.name)),
            )


def render_card(agent: AgentConnection) -> None:
    """What the agent's card says: identity, capabilities, modes, interfaces, skills."""
    card = agent.card
    if card is None:
        return
    st.markdown(f"### {card.name} `v{card.version}`" if card.version else f"### {card.name}")
    if card.description:
        st.markdown(card.description)
    if card.provider:
        st.caption(
            f"Provider: {card.provider}" + (f" · {card.provider_url}" if card.provider_url else "")
        )
    capabilities = {
        "streaming": card.streaming,
        "push notifications": card.push_notifications,
        "extended card": card.extended_card,
    }
    st.markdown(
        "**Capabilities:** "
        + " · ".join(f"{'✅' if on else '—'} {label}" for label, on in capabilities.items())
        + ("  \n**Extensions:** " + ", ".join(card.extensions) if card.extensions else "")
    )
    st.markdown(
        f"**Input:** {', '.join(card.input_modes) or '—'}  \n"
        f"**Output:** {', '.join(card.output_modes) or '—'}"
    )
    st.markdown("**Interfaces**")
    st.dataframe(
        [
            {
                "binding": i["binding"],
                "A2A version": i["version"],
                "url": i["url"],
                "in use": "✔" if agent.protocol == f"{i['binding']} {i['version']}" else "",
            }
            for i in card.interfaces
        ],
        hide_index=True,
    )
    if (
        agent.endpoint
        and agent.settings.headers
        and origin_of(agent.endpoint) != origin_of(agent.settings.url)
    ):
        st.warning(
            f"The card sends requests to {agent.endpoint}, another host than the one you gave: "
            "your headers are not sent there."
        )
    st.markdown("**Skills**")
    lines = []
    for skill in card.skills:
        tags = " ".join(f"`{t}`" for t in skill["tags"])
        lines.append(f"- **{skill['name']}** {tags}  \n  {skill['description']}")
        if skill["examples"]:
            lines.append("  Try: " + ", ".join(f"_{e}_" for e in skill["examples"]))
    st.markdown("\n".join(lines))
    if st.toggle("Show the raw card", key=f"raw-{agent.name}"):
        st.caption(card.card_url)
        st.json(card.raw, expanded=False)


def parse_header_lines(text: str) -> dict[str, str]:
    """ "Name: value" lines → headers; ConfigError naming the first bad line."""
    headers: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            raise ConfigError(f"Other headers, line {number}: write it as 'Name: value'.")
        headers[name.strip()] = value.strip()
    return headers
