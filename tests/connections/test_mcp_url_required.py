"""A call server-everything refuses until the person opens a page (-32042): the turn ends with
a notice naming the page, what to do and the call to retry; the retry asks in-band (a URL
elicitation), and the page the server names is offered only when it is http or https."""

from __future__ import annotations

import pytest

from switchboard.chat.events import Action
from switchboard.connections.mcp_url_required import OPEN_AND_RETRY, openable, pages_of
from switchboard.workspace import Workspace
from tests.support.everything import everything
from tests.support.turns import connect_server, wait_for, wait_turn

TOOL = "trigger-url-elicitation"
ARGUMENTS = {"url": "https://example.com/finish", "errorPath": True}
PREREQUISITE = "https://modelcontextprotocol.io"  # the page server-everything names


def test_a_url_required_error_ends_the_turn_with_the_page_and_the_retry(
    workspace: Workspace,
) -> None:
    server = connect_server(workspace, everything())
    conversation = workspace.chat.new_conversation("nobody")
    view = wait_turn(
        conversation, workspace.chat.call_tool(conversation.id, "everything", TOOL, ARGUMENTS)
    )
    assert view.end_reason == "error" and not view.result
    (notice,) = view.notices
    assert notice["level"] == "warning" and notice["hint"] == OPEN_AND_RETRY
    assert PREREQUISITE in notice["text"] and "browser-based authorization" in notice["text"]
    assert "-32042" not in notice["text"]
    (page,) = notice["pages"]
    assert page["url"] == PREREQUISITE and page["openable"]
    assert "satisfy the prerequisite" in page["message"]
    assert notice["retry"] == {"server": "everything", "tool": TOOL, "arguments": ARGUMENTS}
    recorded = [e for e in server.wire.entries.snapshot() if e.title == "URL elicitation required"]
    assert [e.body for e in recorded] == [notice["text"]], "the inspector has it too"


def test_the_retry_goes_through_and_asks_in_band_with_the_page(workspace: Workspace) -> None:
    """The same call again: server-everything now sends `elicitation/create` in URL mode, shown
    as a question carrying the URL; accepting it completes the call."""
    connect_server(workspace, everything())
    conversation = workspace.chat.new_conversation("nobody")
    wait_turn(
        conversation, workspace.chat.call_tool(conversation.id, "everything", TOOL, ARGUMENTS)
    )
    turn = workspace.chat.call_tool(conversation.id, "everything", TOOL, ARGUMENTS)
    wait_for(lambda: any(v.questions for v in conversation.turns() if v.turn == turn))
    (question,) = next(v for v in conversation.turns() if v.turn == turn).questions
    assert question["url"] == ARGUMENTS["url"]
    assert workspace.chat.answer(question["id"], Action.ACCEPT)
    view = wait_turn(conversation, turn)
    assert not view.result["is_error"]
    assert "User completed the URL elicitation flow" in view.result["parts"][0]["text"]


def test_only_http_and_https_pages_are_offered_as_links() -> None:
    data = {
        "elicitations": [
            {"mode": "url", "url": "javascript:alert(1)", "message": "x"},
            {"mode": "url", "url": "https://auth.example/start", "elicitationId": "e1"},
            {"mode": "url", "url": "http:///no-host"},
            {"mode": "url"},  # no URL: left out
            "not an object",
        ]
    }
    assert [(p["url"], p["openable"]) for p in pages_of(data)] == [
        ("javascript:alert(1)", False),
        ("https://auth.example/start", True),
        ("http:///no-host", False),
    ]
    assert pages_of(None) == [] and not openable("file:///etc/passwd")


@pytest.mark.parametrize(
    "url",
    [
        "https://bank.example@evil.example/login",  # reads as bank.example at a glance
        "https://evil.example\\@bank.example/",  # parsers disagree on the host
        "https://bank.example /x",
        "https://bank.example\t.evil/",
        "//bank.example/relative",
    ],
)
def test_a_page_that_could_pass_for_another_host_is_shown_as_text(url: str) -> None:
    assert not openable(url)
