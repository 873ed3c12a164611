"""A minimal handshake-era MCP server over stdio that never answers `server/discover` (as many
servers in the wild do) and writes a line to stderr at start, with its arguments and its
SERVICE_TOKEN (as servers that log their settings do). Run: python silent_legacy_mcp.py [DEPTH]
(with DEPTH, its tool's input schema is nested that many objects deep) or [off-spec] (its
tool's results carry a text block without its text, and its tools list a `notes` field)."""

from __future__ import annotations

import json
import os
import sys

OFF_SPEC = "off-spec"
TOOLS = [
    {
        "name": "echo",
        "description": "Echo the text back.",
        "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}},
    }
]


def answer(request: dict) -> dict | None:
    """The result for a request, or None to stay silent."""
    method, params = request.get("method"), request.get("params") or {}
    if method == "initialize":
        return {
            "protocolVersion": "2025-06-18",
            "capabilities": {"tools": {}},
            "serverInfo": {"name": "silent-legacy", "version": "1.0"},
        }
    if method == "tools/list":
        return {"tools": TOOLS}
    if method == "tools/call":
        text = params.get("arguments", {}).get("text", "")
        if OFF_SPEC in sys.argv:
            return {"content": [{"type": "text"}, {"type": "text", "text": text}]}
        return {"content": [{"type": "text", "text": text}], "isError": False}
    if method == "ping":
        return {}
    return None  # server/discover and anything else: no answer at all


def nested_schema(depth: int) -> dict:
    """An object schema with one property, `depth` objects deep."""
    schema: dict = {"type": "string"}
    for _ in range(depth):
        schema = {"type": "object", "properties": {"x": schema}}
    return schema


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1].isdigit():
        TOOLS[0]["inputSchema"] = nested_schema(int(sys.argv[1]))
    token = os.environ.get("SERVICE_TOKEN", "")
    print("silent legacy server starting", *sys.argv[1:], token, file=sys.stderr, flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        if "id" not in request:
            continue
        result = answer(request)
        if result is not None:
            reply = {"jsonrpc": "2.0", "id": request["id"], "result": result}
            sys.stdout.write(json.dumps(reply) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
