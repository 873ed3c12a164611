"""Pages a server asks the person to open, in the chat (AppTest against server-everything):
a call refused with -32042 shows the page in full with a button to open it and a Retry that
runs the same call again; the retry's in-band URL question shows its page the same way."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.support.apps import APP, app_workspace, assistant_text
from tests.support.turns import wait_for, wait_turn

TOOL = "trigger-url-elicitation"
ARGUMENTS = {"url": "https://example.com/finish", "errorPath": True}
PREREQUISITE = "https://modelcontextprotocol.io"


def test_a_refused_call_shows_the_page_and_retry_runs_it_again(everything_config: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=30).run()
    ws = app_workspace()
    conversation = ws.store.get(at.query_params["c"])
    assert conversation is not None
    wait_for(lambda: ws.registry.server("everything").status == "ready")
    wait_turn(conversation, ws.chat.call_tool(conversation.id, "everything", TOOL, ARGUMENTS))

    at.run()
    assert not at.exception
    assert [w.value for w in at.warning if PREREQUISITE in w.value], "the notice names the page"
    assert any("Open the page, finish there, then retry" in w.value for w in at.warning)
    assert [c.value for c in at.code if c.value == PREREQUISITE], "the URL is shown in full"
    (link,) = at.link_button
    assert link.proto.url == PREREQUISITE
    retry = next(b for b in at.button if b.label == f"🔁 Retry {TOOL}")

    retry.click().run()  # the same call again: now the server asks in-band, with its page
    wait_for(lambda: conversation.turns()[-1].open_questions != [])
    at.run()
    assert not at.exception
    assert [c.value for c in at.code if c.value == ARGUMENTS["url"]]
    assert any(b.proto.url == ARGUMENTS["url"] for b in at.link_button)
    next(b for b in at.button if b.label == "Accept").click().run()
    assert not at.exception
    wait_turn(conversation, conversation.turns()[-1].turn)
    at.run()
    assert "User completed the URL elicitation flow" in assistant_text(at)
    turns = [v for v in conversation.turns() if v.tool]
    assert [v.tool["arguments"] for v in turns] == [ARGUMENTS, ARGUMENTS]
