"""Whose each MCP message is: two people's calls on one shared server, and the messages that
name no request."""

from __future__ import annotations

import mcp.types as types

from switchboard.connections.mcp_attribution import Attribution
from switchboard.connections.wire import SEVERAL, on_behalf_of
from switchboard.workspace import Workspace
from tests.support.servers import DEMO_MCP
from tests.support.turns import connect_server, wait_turn

ADA, GRACE = "ada@example.com", "grace@example.com"


def request(number: int, method: str = "tools/call") -> types.JSONRPCRequest:
    meta = {"_meta": {"progressToken": number}}
    return types.JSONRPCRequest(jsonrpc="2.0", id=number, method=method, params=meta)


def notification(method: str, **params: object) -> types.JSONRPCNotification:
    return types.JSONRPCNotification(jsonrpc="2.0", method=method, params=params)


def answer(number: int) -> types.JSONRPCResponse:
    return types.JSONRPCResponse(jsonrpc="2.0", id=number, result={})


def test_answers_and_progress_are_their_requests_owners() -> None:
    attribution = Attribution()
    with on_behalf_of(ADA):
        assert attribution.sent(request(1)) == ADA
    with on_behalf_of(GRACE):
        assert attribution.sent(request(2)) == GRACE
    assert attribution.sent(request(3, "tools/list")) is None, "the connection's own"
    assert attribution.received(notification("notifications/progress", progressToken=2)) == GRACE
    assert attribution.received(answer(1)) == ADA
    assert attribution.received(answer(3)) is None


def test_what_names_no_request_is_shown_only_when_one_person_can_own_it() -> None:
    attribution = Attribution()
    assert attribution.received(notification("notifications/tools/list_changed")) is None
    with on_behalf_of(ADA):
        attribution.sent(request(1))
    asked = types.JSONRPCRequest(jsonrpc="2.0", id=7, method="elicitation/create", params={})
    assert attribution.received(asked) == ADA, "only Ada's call is in flight"
    assert attribution.sent(answer(7)) == ADA, "the answer is hers too, whoever writes it"
    with on_behalf_of(GRACE):
        attribution.sent(request(2))
    assert attribution.received(notification("notifications/message", data="x")) == SEVERAL
    with on_behalf_of(ADA):
        attribution.sent(notification("notifications/cancelled", requestId=1))
    assert attribution.received(notification("notifications/message", data="y")) == GRACE


def test_each_person_reads_only_their_own_calls_on_a_shared_server(workspace: Workspace) -> None:
    server = connect_server(workspace, DEMO_MCP)
    for user in (ADA, GRACE):
        conversation = workspace.chat.new_conversation("nobody", user)
        turn = workspace.chat.call_tool(conversation.id, "demo", "echo", {"text": f"by {user}"})
        wait_turn(conversation, turn)
    for user, other in ((ADA, GRACE), (GRACE, ADA)):
        seen = " ".join(e.title + e.body for e in workspace.wire_log("server", "demo", user))
        assert f"by {user}" in seen and f"by {other}" not in seen
        assert "→ tools/list" in seen and "ready: protocol" in seen, "the connection's own traffic"
    everything = " ".join(e.body for e in server.wire.entries.snapshot())
    assert f"by {ADA}" in everything and f"by {GRACE}" in everything
