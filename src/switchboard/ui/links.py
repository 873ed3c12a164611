"""The app's pages by name, so any page can link to or switch to another without importing it
(the page modules import this; only `app.py` imports the page modules)."""

from __future__ import annotations

from enum import StrEnum

import streamlit as st


class PageName(StrEnum):
    """Each page, by its URL path."""

    CHAT = "chat"
    AGENTS = "agents"
    TASKS = "tasks"
    MCP = "mcp"
    ASSISTANT = "assistant"
    INSPECTOR = "inspector"
    OAUTH_CALLBACK = "oauth_callback"  # where authorization servers send the person back


_pages: dict[PageName, st.Page] = {}


def register(pages: dict[PageName, st.Page]) -> None:
    """The pages `st.navigation` runs (called by the entry point on every run)."""
    _pages.update(pages)


def page(name: PageName) -> st.Page:
    """The registered page, for `st.switch_page` and `st.page_link` (a page drawn on its own,
    as tests do, gets a stand-in with the same URL path)."""
    found = _pages.get(name)
    return found if found is not None else st.Page(_elsewhere, title=name, url_path=name)


def _elsewhere() -> None:
    """The stand-in's body: the real page is not part of this app run."""


def switch_to(name: PageName, **query: str) -> None:
    """Go to another page, with query parameters (e.g. the conversation)."""
    st.switch_page(page(name), query_params=query or None)
