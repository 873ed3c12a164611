"""Sending a logged request again, as it was or edited: an A2A HTTP request through the
agent's own client (its credentials go only to its own origin), an MCP request through the
server's session. What comes back is logged like any exchange, and returned."""

from __future__ import annotations

import asyncio
import json
import shlex
from dataclasses import dataclass
from typing import Any

import httpx
from mcp import MCPError
from mcp.client import Client
from mcp_types import JSONRPCRequest, Request
from pydantic import TypeAdapter

from switchboard.connections.http import WIRE_KEY, Origin, origin_of
from switchboard.connections.owner import CallError
from switchboard.connections.redaction import MASK
from switchboard.connections.wire import Direction, Role, WireEntry, WireLog

REPLAY_WAIT = 60.0  # seconds a replayed request may take, a stream to its end included
DROPPED = {"host", "content-length", "connection", "accept-encoding", "transfer-encoding"}
NOT_REPLAYED = {"initialize", "notifications/initialized"}
ANY_RESULT: TypeAdapter[dict[str, Any]] = TypeAdapter(dict[str, Any])
AnyRequest = Request[dict[str, Any], str]  # a request whose params are sent as given


@dataclass(frozen=True)
class Draft:
    """A request to send: an HTTP method and URL with headers and a body (A2A), or a JSON-RPC
    method with its params as JSON in `body` (MCP, `target` empty)."""

    method: str
    target: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""

    @property
    def http(self) -> bool:
        return bool(self.target)


@dataclass(frozen=True)
class Replayed:
    """What came back: an HTTP status (or "ok" / "error …" for MCP) and the body as text."""

    status: str
    body: str


def draft_of(entry: WireEntry) -> Draft | None:
    """The request a logged call made, ready to send again; None for what cannot be (an
    answer, a notification, the MCP handshake, an entry cut short)."""
    if entry.role is not Role.CALL or entry.direction is not Direction.REQUEST:
        return None
    payload = entry.payload
    if isinstance(payload, JSONRPCRequest):
        if payload.method in NOT_REPLAYED:
            return None
        return Draft(payload.method, body=json.dumps(payload.params or {}, indent=2))
    if not isinstance(payload, str) or " " not in entry.title or entry.body != payload:
        return None  # not an HTTP request, or cut short for the log
    method, _, url = entry.title.partition(" ")
    head, _, body = entry.body.partition("\n\n")
    headers = tuple(
        (name.strip(), value.strip())
        for name, _, value in (line.partition(":") for line in head.splitlines())
        if name.strip().lower() not in DROPPED and MASK not in value
    )
    return Draft(method, url, headers, body)


def curl_command(draft: Draft) -> str:
    """The request as a curl command line; headers that were masked are left for the person
    to add (they never leave Switchboard)."""
    parts = ["curl", "-N", "-X", draft.method, shlex.quote(draft.target)]
    for name, value in draft.headers:
        parts += ["-H", shlex.quote(f"{name}: {value}")]
    if draft.body:
        parts += ["--data-raw", shlex.quote(draft.body)]
    return " ".join(parts)


def mcp_curl(draft: Draft, endpoint: str, protocol: str) -> str:
    """An MCP request as a curl command for a streamable HTTP server, with the routing
    headers the 2026-07-28 era reads (a handshake-era server also wants its session's
    Mcp-Session-Id, and the server's own credentials are left for the person to add)."""
    params = json.loads(draft.body or "{}")
    headers = [("Content-Type", "application/json")]
    headers.append(("Accept", "application/json, text/event-stream"))
    if protocol:
        headers.append(("MCP-Protocol-Version", protocol))
    headers.append(("Mcp-Method", draft.method))
    if name := params.get("name") or params.get("uri"):
        headers.append(("Mcp-Name", str(name)))
    return curl_command(Draft("POST", endpoint, tuple(headers), jsonrpc_text(draft)))


def jsonrpc_text(draft: Draft) -> str:
    """An MCP draft as the JSON-RPC request it sends."""
    params = json.loads(draft.body or "{}")
    return json.dumps({"jsonrpc": "2.0", "id": 1, "method": draft.method, "params": params})


async def replay_http(
    http: httpx.AsyncClient, origins: set[Origin], wire: WireLog, draft: Draft
) -> Replayed:
    """Send an A2A draft with the agent's client, only to one of its own `origins`; a stream
    is read to its end (bounded) and filed as one event of the exchange."""
    if origin_of(draft.target) not in origins:
        raise CallError(
            f"{draft.target} is not this agent's address: a replay goes only to the agent it "
            "came from (its credentials stay with it)."
        )
    request = http.build_request(
        draft.method, draft.target, headers=list(draft.headers), content=draft.body.encode()
    )
    try:
        async with asyncio.timeout(REPLAY_WAIT):
            response = await http.send(request, stream=True)
            try:
                text = (await response.aread()).decode("utf-8", "replace")
            finally:
                await response.aclose()
    except TimeoutError as exc:
        raise CallError(f"The replay got no whole answer within {REPLAY_WAIT:g} s.") from exc
    except httpx.HTTPError as exc:
        raise CallError(f"The replay failed: {exc}") from exc
    if "text/event-stream" in response.headers.get("content-type", ""):
        key = request.extensions.get(WIRE_KEY)
        wire.record(Direction.EVENT, "the replayed stream, as it came", text, key=key)
    return Replayed(str(response.status_code), text)


async def replay_mcp(client: Client, draft: Draft) -> Replayed:
    """Send an MCP draft through the server's session; its answer, or its JSON-RPC error."""
    if draft.method in NOT_REPLAYED:
        raise CallError(f"{draft.method} belongs to the handshake and is not sent again.")
    try:
        params = json.loads(draft.body or "{}")
    except ValueError as exc:
        raise CallError(f"The params are not valid JSON: {exc}") from exc
    if not isinstance(params, dict):
        raise CallError("The params must be a JSON object.")
    try:
        async with asyncio.timeout(REPLAY_WAIT):
            result = await client.session.send_request(
                AnyRequest(method=draft.method, params=params), ANY_RESULT
            )
    except TimeoutError as exc:
        raise CallError(f"The server did not answer within {REPLAY_WAIT:g} s.") from exc
    except MCPError as exc:
        return Replayed(f"error {exc.error.code}", exc.error.message)
    return Replayed("ok", json.dumps(result, indent=2))
