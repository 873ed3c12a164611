"""The baseline of the Enter → first chunk benchmark: a Streamlit chat page as small as the
pattern allows (one persistent loop thread holding a bare SDK client, the script following
the stream and redrawing one bubble), so the benchmark can show what Streamlit itself costs
on this machine between a chunk and the page showing it.

Usage: streamlit run benchmarks/floor_app.py -- AGENT_URL
"""

from __future__ import annotations

import sys

import streamlit as st

from benchmarks.clients import BareClient, sdk_events
from switchboard.runtime import Runtime
from switchboard.runtime.log import EventLog


@st.cache_resource
def connected(url: str) -> tuple[Runtime, BareClient]:
    """One loop and one SDK client for the process, as the app holds its connections."""
    runtime = Runtime(name="floor")
    return runtime, BareClient(runtime, url)


async def stream(bare: BareClient, text: str, log: EventLog[str | None]) -> None:
    """The answer's text chunks into `log`, then None for its end."""
    try:
        async for event in sdk_events(bare.client, text):
            if event.WhichOneof("payload") == "artifact_update":
                for part in event.artifact_update.artifact.parts:
                    log.append(part.text)
    finally:
        log.append(None)


def page() -> None:
    """The chat input; on a prompt, its bubble and the answer's, redrawn as chunks come."""
    runtime, bare = connected(sys.argv[1])
    prompt = st.chat_input("Message")
    if not prompt:
        return
    st.chat_message("user").write(prompt)
    log: EventLog[str | None] = EventLog()
    runtime.submit(stream(bare, prompt, log))
    with st.chat_message("assistant"):
        slot = st.empty()
    lines: list[str] = []
    for batch in log.follow(0, until=lambda chunk: chunk is None, timeout=60):
        lines += [chunk for chunk in batch if chunk is not None]
        slot.text("\n".join(lines))


page()
