"""Large content drawn at a bounded cost: a long text is shown up to SHOWN_CHARS, a message
or artifact of many parts SHOWN_PARTS at a time (more on request); the whole is a download,
made only when asked for, so a 20 MB artifact costs a rerun what its first screenfuls cost."""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

SHOWN_CHARS = 50_000  # of one text part
SHOWN_PARTS = 50  # of one message, artifact or tool result, until "Show more" is pressed


def cut_text(text: str) -> str:
    """The start of a long text (at a line's end when one is near), else the text."""
    if len(text) <= SHOWN_CHARS:
        return text
    cut = text.rfind("\n", SHOWN_CHARS // 2, SHOWN_CHARS)
    return text[: cut if cut > 0 else SHOWN_CHARS]


def rest_of_text(text: str, shown: str, live: bool, key: str) -> None:
    """Say how much of the text is not shown, and offer all of it (once the turn is over)."""
    st.caption(f"Showing {len(shown):,} of {len(text):,} characters.")
    if not live:
        st.download_button(
            "⬇ The whole text",
            lambda: text,
            file_name="text.txt",
            mime="text/plain",
            key=f"{key}-whole",
        )


def shown_parts(key: str) -> int:
    """How many parts of the content drawn under `key` this session shows."""
    return int(st.session_state.get(f"{key}-shown-parts", SHOWN_PARTS))


def rest_of_parts(parts: list[dict[str, Any]], live: bool, key: str) -> None:
    """Say how many parts are not shown; once the turn is over, offer SHOWN_PARTS more and
    all of them as JSON."""
    shown = shown_parts(key)
    st.caption(f"Showing {shown:,} of {len(parts):,} parts.")
    if not live:
        more = min(SHOWN_PARTS, len(parts) - shown)
        st.button(
            f"Show {more:,} more",
            key=f"{key}-more-parts",
            on_click=st.session_state.__setitem__,
            args=(f"{key}-shown-parts", shown + more),
        )
        st.download_button(
            "⬇ Every part (JSON)",
            lambda: json.dumps(parts, indent=2, default=str),
            file_name="parts.json",
            mime="application/json",
            key=f"{key}-parts",
        )
