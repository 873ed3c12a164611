"""A searchable list that stays on the page: a search box above a scrolling list of items (a
server's tools, resources, templates, prompts), one of them chosen."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from switchboard.ui.remote_content import safe

LIST_HEIGHT = 320  # px of the scrolling list
CAPTION_CHARS = 90


@dataclass(frozen=True)
class Item:
    """One entry: what identifies it, what it is called, a line about it."""

    key: str
    name: str
    about: str = ""


def item_list(label: str, items: list[Item], key: str) -> Item | None:
    """The list with its search (name and line, any case); the chosen item, kept while the
    search changes, or the first one shown; None when the search matches nothing."""
    search = st.text_input(
        f"Search {label.lower()}", key=f"{key}-search", placeholder=f"Filter {len(items)}…"
    )
    words = search.strip().lower()
    shown = [i for i in items if words in f"{i.name}\n{i.key}\n{i.about}".lower()]
    if not shown:
        st.caption(safe(f"No {label.lower()} match “{search.strip()}”."))
        return None
    chosen_key = f"{key}-chosen"
    keys = [item.key for item in shown]
    index = (
        keys.index(st.session_state[chosen_key]) if st.session_state.get(chosen_key) in keys else 0
    )
    with st.container(height=LIST_HEIGHT if len(shown) > 6 else "content", border=True):
        picked = st.radio(
            safe(label),
            keys,
            index=index,
            format_func=lambda k: safe(next(i.name for i in shown if i.key == k)),
            captions=[safe(_line(item.about)) for item in shown],
            key=f"{key}-pick-{words}",
            label_visibility="collapsed",
        )
    st.session_state[chosen_key] = picked
    return next(item for item in shown if item.key == picked)


def _line(text: str) -> str:
    first = (text.strip().splitlines() or [""])[0]
    return first if len(first) <= CAPTION_CHARS else first[:CAPTION_CHARS].rstrip() + "…"
