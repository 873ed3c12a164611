"""The conformance suite's client under test: Switchboard's own connection layer, driven the way
the UI drives it. The suite runs `python -m tests.conformance.adapter <server-url>` with the
scenario in MCP_CONFORMANCE_SCENARIO; the adapter connects, lists, calls the scenario's tool in a
conversation, and answers a form question as a person would who accepts what it shows (its
defaults filled in, as the form draws them). Exit status 0 when the turn ended without error;
the app log goes to stderr, where a traceback fails the scenario."""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from switchboard.config import McpServerSettings, Settings
from switchboard.connections.updates import Ending
from switchboard.ui.schema_form import example_value
from switchboard.workspace import LOCAL_OWNER, Workspace

WAIT = 30.0  # seconds for connecting and for the call; the suite's own timeout is the bound
# What each scenario's tool is called with: (tool, arguments); no entry: connect and list only.
CALLS: dict[str, tuple[str, dict[str, Any]]] = {
    "tools_call": ("add_numbers", {"a": 5, "b": 3}),
    "elicitation-sep1034-client-defaults": ("test_client_elicitation_defaults", {}),
    "sse-retry": ("test_reconnection", {}),
}


def run(url: str, scenario: str) -> int:
    """Connect to `url`, run the scenario's call; 0 when all went as the scenario asked."""
    workspace = Workspace(Settings(source="conformance"))
    try:
        settings = McpServerSettings("conformance", "http", url=url, timeout=WAIT)
        view = workspace.add_server(settings).wait(WAIT)
        print(f"connected: {view.status} {view.error}".rstrip())
        if view.status != "ready":
            return 1
        if scenario not in CALLS:
            return 0
        tool, arguments = CALLS[scenario]
        return _call(workspace, tool, arguments)
    finally:
        workspace.close()


def _call(workspace: Workspace, tool: str, arguments: dict[str, Any]) -> int:
    conversation = workspace.chat.new_conversation("conformance", LOCAL_OWNER)
    turn = workspace.chat.call_tool(conversation.id, "conformance", tool, arguments)
    answered: set[str] = set()
    for batch in conversation.log.follow(0, until=lambda e: e.ends(turn), timeout=WAIT):
        for event in batch:
            if event.kind == "question" and event.data["id"] not in answered:
                answered.add(event.data["id"])
                content = example_value(event.data["schema"])
                print(f"question: {event.data['message']!r}, accepting {content}")
                workspace.chat.answer(event.data["id"], "accept", content)
    view = next(v for v in conversation.turns() if v.turn == turn)
    failed = view.result.get("is_error") or view.end_reason == Ending.ERROR
    print(f"turn: {view.end_reason or 'not ended'} {view.result} {view.notices}")
    return 0 if view.ended and not failed else 1


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)  # the app log, on stderr: run.py reads it
    sys.exit(run(sys.argv[-1], os.environ.get("MCP_CONFORMANCE_SCENARIO", "")))
