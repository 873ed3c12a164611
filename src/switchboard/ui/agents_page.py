"""The Agents page: add an agent by URL (with its headers), read its card, fix or remove it."""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from switchboard.ui.links import PageName, switch_to
from switchboard.ui.remote_content import markdown, remote_content, safe
from switchboard.ui.sign_in_page import sign_in_panel
from switchboard.ui.state import (
    CONVERSATION_PARAM,
    SHARED_NOTE,
    STATUS_ICONS,
    YOURS,
    await_connections,
    owner,
    start_conversation,
    wait_connected,
    watch_connections,
    workspace,
)
from switchboard.workspace import (
    BINDINGS,
    VERSIONS,
    AgentView,
    CardInfo,
    ConfigError,
    Pending,
    Status,
    Workspace,
)


def agents_page() -> None:
    """Every agent: its status and card; a form to add another."""
    ws = workspace()
    st.title("Agents")
    st.caption(f"Configuration: {ws.settings.source}")
    for problem in ws.settings.problems:
        st.warning(problem, icon="⚠️")
    await_connections(ws)
    with st.expander("➕ Add an agent", expanded=not ws.agents(owner())):
        render_add_form(ws)
    for agent in ws.agents(owner()):  # after the form: one it just added is listed too
        render_agent(ws, agent)
    watch_connections(ws)  # a sign-in finished elsewhere, a reconnect: redrawn when it lands


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
        headers = parse_header_lines(extra)
        if bearer:
            headers["Authorization"] = f"Bearer {bearer.strip()}"
        if key_value:
            headers[key_header.strip() or "X-API-Key"] = key_value.strip()
        pending = ws.new_agent(url, owner(), name, headers, binding, version)
    except ConfigError as exc:
        st.error(str(exc))
        return
    report(pending, url.strip())


def report(pending: Pending[AgentView], what: str) -> None:
    """Wait (bounded) for a connection being made and say how it went."""
    agent = wait_connected(pending, what)
    if agent is None:
        return
    if agent.status == Status.READY:
        st.success(safe(f"Connected to **{agent.name}** ({agent.protocol})."))
    else:
        st.error(safe(f"Could not connect: {agent.error}"))


def render_agent(ws: Workspace, agent: AgentView) -> None:
    """One agent: status, card, credentials (masked), actions."""
    icon = STATUS_ICONS.get(agent.status, "•")
    failed = agent.status == Status.FAILED
    label = f"{icon} **{agent.name}** · {agent.status}" + (
        " · ⚠️ headers not sent" if agent.headers_stay_home else ""
    )
    asks = bool(agent.sign_in_url)
    with st.expander(safe(label), expanded=failed or asks or agent.headers_stay_home):
        if failed:
            st.error(safe(agent.error), icon="⚠️")
        sign_in_panel(ws, agent)
        st.caption(f"URL: {agent.url}")
        if agent.headers:
            st.caption("Headers: " + ", ".join(f"`{k}: {v}`" for k, v in agent.headers.items()))
        if agent.headers_stay_home:
            render_headers_stay_home(agent)
        render_security(agent)
        render_card(agent)
        render_actions(ws, agent)


def render_headers_stay_home(agent: AgentView) -> None:
    """The card names another host than the URL typed: say which headers do not go there,
    and the URL that would send them (host pinning: headers go only to the host given)."""
    names = ", ".join(f"`{name}`" for name in agent.headers)
    typed, card = urlsplit(agent.url).netloc, urlsplit(agent.endpoint).netloc
    st.warning(
        safe(
            f"Your headers {names} are not sent to {card}, where the card sends every "
            f"request ({agent.endpoint}): they went only to the card fetch at {typed}. "
            "Headers go only to the host you give. To send them, set the agent's URL to "
            f"{agent.url_on_card_host} (the host the card names): remove the agent and add it "
            "with that URL, or change it in the config file."
        ),
        icon="⚠️",
    )


def render_security(agent: AgentView) -> None:
    """What the card asks for (its schemes and requirements), what the config gives for each,
    and what is wrong in the card's declarations."""
    if not agent.schemes:
        return
    markdown(f"**Security:** {agent.security}" if agent.security else "**Security**")
    st.dataframe(
        [
            {
                "scheme": row.name,
                "kind": str(row.kind),
                "details": row.detail,
                "the config gives": row.given or "—",
                "description": row.description,
            }
            for row in agent.schemes
        ],
        hide_index=True,
    )
    for finding in agent.security_findings:
        st.warning(safe(f"The card's security: {finding}"), icon="⚠️")


def render_actions(ws: Workspace, agent: AgentView) -> None:
    """Chat; reconnect and remove for the person's own agents, and the shared ones when they
    are an admin."""
    columns = st.columns(3)
    ready = agent.status == Status.READY
    if columns[0].button("💬 Chat", key=f"chat-{agent.name}", disabled=not ready):
        conversation = start_conversation(ws, agent.name)
        switch_to(PageName.CHAT, **{CONVERSATION_PARAM: conversation.id})
    user = owner()
    reconnect = {
        "label": "🔄 Reconnect",
        "key": f"reconnect-{agent.name}",
        "help": "Fetch the card again and rebuild the client.",
        "on_click": ws.reconnect_agent,
        "args": (agent.name, user),
    }
    if not ws.access.may_change(agent, user):
        if agent.personal:  # their own sign-in to it: they may connect it again
            columns[1].caption(f"{SHARED_NOTE} {YOURS}")
            columns[2].button(**reconnect)
        else:
            columns[1].caption(f"{SHARED_NOTE} Only an admin can reconnect or remove it.")
        return
    columns[1].button(**reconnect)
    with columns[2].popover("🗑 Remove"):
        st.write(safe(f"Remove **{agent.name}**? Its conversations stay, but cannot continue."))
        st.button(
            "Remove",
            key=f"remove-{agent.name}",
            type="primary",
            on_click=ws.remove_agent,
            args=(agent.name, user),
        )


def render_card(agent: AgentView) -> None:
    """What the agent's card says: identity, capabilities, modes, interfaces, skills (remote
    images in it held back until allowed)."""
    if agent.card is not None:
        with remote_content(None, f"card-{agent.name}"):
            draw_card(agent, agent.card)
    if agent.extended is not None:
        render_extended(agent, agent.extended)


def render_extended(agent: AgentView, extended: CardInfo) -> None:
    """The authenticated extended card next to the public one: what signing in changed."""
    markdown("**Extended card** (with your credentials)")
    if agent.extended_changes:
        markdown("\n".join(f"- {change}" for change in agent.extended_changes))
    else:
        st.caption("The same as the public card.")
    if st.toggle("Show the raw extended card", key=f"raw-extended-{agent.name}"):
        st.json(extended.raw, expanded=False)


def draw_card(agent: AgentView, card: CardInfo) -> None:
    """The card's sections, every string from it drawn safely."""
    markdown(f"### {card.name} `v{card.version}`" if card.version else f"### {card.name}")
    if card.description:
        markdown(card.description)
    if card.provider:
        provider_url = f" · {card.provider_url}" if card.provider_url else ""
        st.caption(safe(f"Provider: {card.provider}{provider_url}"))
    capabilities = {
        "streaming": card.streaming,
        "push notifications": card.push_notifications,
        "extended card": card.extended_card,
    }
    markdown(
        "**Capabilities:** "
        + " · ".join(f"{'✅' if on else '—'} {label}" for label, on in capabilities.items())
        + ("  \n**Extensions:** " + ", ".join(card.extensions) if card.extensions else "")
    )
    markdown(
        f"**Input:** {', '.join(card.input_modes) or '—'}  \n"
        f"**Output:** {', '.join(card.output_modes) or '—'}"
    )
    markdown("**Interfaces**")
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
    markdown("**Skills**")
    lines = []
    for skill in card.skills:
        tags = " ".join(f"`{t}`" for t in skill["tags"])
        lines.append(f"- **{skill['name']}** {tags}  \n  {skill['description']}")
        if skill["examples"]:
            lines.append("  Try: " + ", ".join(f"_{e}_" for e in skill["examples"]))
    markdown("\n".join(lines))
    if st.toggle("Show the raw card", key=f"raw-{agent.name}"):
        st.caption(safe(card.card_url))
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
