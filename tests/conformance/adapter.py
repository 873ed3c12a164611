"""The conformance suite's client under test: Switchboard's own connection layer, driven the way
the UI drives it. The suite runs `python -m tests.conformance.adapter <server-url>` with the
scenario in MCP_CONFORMANCE_SCENARIO; the adapter connects, lists, calls the scenario's tool in a
conversation, and answers a form question as a person would who accepts what it shows (its
defaults filled in, as the form draws them). When the server asks for a sign-in, the adapter
follows the authorization URL as the person's browser would (the suite's authorization
servers approve at once) and hands the redirect back to the app; that is the only stand-in for
the person. A pre-registered client or machine credentials come from MCP_CONFORMANCE_CONTEXT.
Exit status 0 when the turn ended without error; the app log goes to stderr, where a traceback
fails the scenario."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx

from switchboard.config import Grant, McpAuthSettings, McpServerSettings, Settings
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
    workspace = Workspace(Settings(source="conformance", public_url=APP))
    try:
        auth = _auth(json.loads(os.environ.get("MCP_CONFORMANCE_CONTEXT") or "{}"))
        settings = McpServerSettings("conformance", "http", url=url, timeout=WAIT, auth=auth)
        view = _connect(workspace, settings)
        print(f"connected: {view.status} {view.error}".rstrip())
        if view.status != "ready":
            return 1
        if scenario.startswith("auth/") and view.tools:  # a call may need more (step-up)
            first = view.tools[0]
            return _call(workspace, first["name"], example_value(first["input_schema"]))
        if scenario not in CALLS:
            return 0
        tool, arguments = CALLS[scenario]
        return _call(workspace, tool, arguments)
    finally:
        workspace.close()


APP = "http://127.0.0.1:8501"  # the app's public URL: the redirect comes back to its callback


# The client metadata document the suite knows Switchboard by (as a deployment publishes its
# own and names it in `auth.clientMetadataUrl`); used only where a server advertises CIMD.
CLIENT_METADATA_URL = "https://conformance-test.local/client-metadata.json"


def _auth(context: dict[str, Any]) -> McpAuthSettings:
    """A client the scenario registered beforehand, or machine credentials, from its context;
    else the client metadata document."""
    client_id, secret = context.get("client_id", ""), context.get("client_secret", "")
    if not client_id:
        return McpAuthSettings(client_metadata_url=CLIENT_METADATA_URL)
    machine = "client-credentials" in str(context.get("name", ""))
    grant = Grant.CLIENT_CREDENTIALS if machine else Grant.AUTHORIZATION_CODE
    key, algorithm = context.get("private_key_pem", ""), context.get("signing_algorithm", "RS256")
    return McpAuthSettings(
        grant=grant,
        client_id=client_id,
        client_secret=secret,
        private_key=key,
        signing_algorithm=algorithm,
    )


def _connect(workspace: Workspace, settings: McpServerSettings) -> Any:
    """Connect, signing in (each time the server asks: step-up asks again) until it is ready
    or failed."""
    workspace.add_server(settings)
    followed: set[str] = set()
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        view = workspace.server(settings.name, LOCAL_OWNER)
        if view is not None and view.status in ("ready", "failed"):
            return view
        _sign_in_if_asked(workspace, followed)
        time.sleep(0.05)  # a bounded wait's polling interval
    return workspace.server(settings.name, LOCAL_OWNER)


def _sign_in_if_asked(workspace: Workspace, followed: set[str]) -> None:
    """Follow a sign-in the server waits for, once each."""
    view = workspace.server("conformance", LOCAL_OWNER)
    if view is not None and view.sign_in_url and view.sign_in_url not in followed:
        followed.add(view.sign_in_url)
        done = workspace.signing.complete(_follow(view.sign_in_url))
        print(f"sign-in: {done.outcome} {done.message}")


def _follow(url: str) -> dict[str, str]:
    """Open the authorization URL as a browser would, to the redirect back to the app."""
    with httpx.Client(timeout=WAIT) as browser:
        for _ in range(10):
            location = browser.get(url).headers.get("location", "")
            if location.startswith(APP):
                return dict(parse_qsl(urlsplit(location).query))
            if not location:
                break
            url = urljoin(url, location)
    return {"state": "", "error": "no_redirect"}


def _call(workspace: Workspace, tool: str, arguments: dict[str, Any]) -> int:
    conversation = workspace.chat.new_conversation("conformance", LOCAL_OWNER)
    turn = workspace.chat.call_tool(conversation.id, "conformance", tool, arguments)
    answered: set[str] = set()
    followed: set[str] = set()

    def sign_in() -> None:  # between waits: a call may need more scopes (step-up)
        _sign_in_if_asked(workspace, followed)

    ends = conversation.log.follow(0, lambda e: e.ends(turn), stop_check=sign_in, timeout=WAIT)
    for batch in ends:
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
