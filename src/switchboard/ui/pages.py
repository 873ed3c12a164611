"""The page list, so that any page can send the person to another (`st.switch_page`)."""

from __future__ import annotations

import streamlit as st


def chat() -> st.Page:
    return st.Page(_chat, title="Chat", icon="💬", url_path="chat", default=True)


def agents() -> st.Page:
    return st.Page(_agents, title="Agents", icon="🛰️", url_path="agents")


def mcp() -> st.Page:
    return st.Page(_mcp, title="MCP servers", icon="🧰", url_path="mcp")


def assistant() -> st.Page:
    return st.Page(_assistant, title="Assistant", icon="🧠", url_path="assistant")


def inspector() -> st.Page:
    return st.Page(_inspector, title="Inspector", icon="🔎", url_path="inspector")


def all_pages() -> list[st.Page]:
    return [chat(), agents(), mcp(), assistant(), inspector()]


def _chat() -> None:
    from switchboard.ui.chat_page import chat_page

    chat_page()


def _agents() -> None:
    from switchboard.ui.agents_page import agents_page

    agents_page()


def _mcp() -> None:
    from switchboard.ui.mcp_page import mcp_page

    mcp_page()


def _assistant() -> None:
    from switchboard.ui.assistant_page import assistant_page

    assistant_page()


def _inspector() -> None:
    from switchboard.ui.inspector_page import inspector_page

    inspector_page()
