"""The offer under held-back media: allowing a host loads it wherever it appears this session;
allowing a conversation loads everything in that conversation, and only there."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

IMAGE = "![chart](https://charts.test/c.png)"


def page() -> None:
    import streamlit as st

    from switchboard.ui.remote_content import markdown, remote_content

    for conversation in ("one", "two"):
        with remote_content(conversation, key=conversation):
            markdown(f"{conversation}: ![chart](https://charts.test/c.png)")
    st.caption("end")


def drawn(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def test_nothing_loads_until_allowed_then_per_conversation_or_per_host() -> None:
    at = AppTest.from_function(page).run()
    assert not [text for text in drawn(at) if IMAGE in text]
    assert "one: 🖼️ _chart (image from charts.test, not loaded)_" in drawn(at)
    at.button(key="one-allow-all").click().run()
    assert f"one: {IMAGE}" in drawn(at) and f"two: {IMAGE}" not in drawn(at)
    at.button(key="two-allow-charts.test").click().run()
    assert f"two: {IMAGE}" in drawn(at)
    assert not [button for button in at.button if "Load" in button.label], "nothing left held"
