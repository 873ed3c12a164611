"""The bundled demo MCP server: a tool, resource or prompt for each feature an MCP client needs.

It serves stdio (the default), streamable HTTP at ``/mcp`` and SSE at ``/sse``, and answers both
protocol eras: handshake (``initialize``, up to 2025-11-25) and 2026-07-28 (``server/discover``).
Elicitation, sampling and roots go through ``Resolve(...)``, so they work in either era.
"""

import os
import socket

import uvicorn
from mcp.server import MCPServer
from starlette.applications import Starlette

from switchboard import __version__
from switchboard.demo.mcp_content import NAME, register_prompts, register_resources
from switchboard.demo.mcp_interactive import register_add_tool, register_client_tools
from switchboard.demo.mcp_results import register_output_tools, register_resource_tools
from switchboard.demo.mcp_tools import register_fault_tools, register_tools

INSTRUCTIONS = """\
Switchboard's demo MCP server: each tool, resource and prompt shows one MCP feature.
Tools:
- add: plain call, structured output ({"result": n}), read-only annotation.
- count: progress notifications and info log messages each step; cancel it mid-call.
- greet: elicitation, a form (name, age with a default, formal/casual); accept, decline or cancel.
- summarize: sampling, the server asks the client's LLM to summarize your text.
- list_roots: asks the client for its roots.
- add_tool: adds a tool at runtime and announces tools/list_changed.
- structured: structured content with an output schema, beside the JSON text.
- image: a PNG image with a text caption. audio: a short WAV tone.
- resource_link: links to resources. embedded_resource: embedded text and binary resources.
- fail: a tool error (is_error). crash: the server process exits mid-call.
- garbage: writes a non-JSON line to stdout (over stdio: onto the wire), then answers normally.
Resources: demo://readme (markdown), demo://config (JSON), demo://badge.png (binary PNG);
template greeting://{name} with name completion. Prompt: review(code, language) with language
completion.
"""


def build_server(*, stdout_fd: int | None = None) -> MCPServer:
    """Build the demo server; ``stdout_fd`` is where `garbage` writes (default: fd 1)."""
    server = MCPServer(NAME, instructions=INSTRUCTIONS, version=__version__, log_level="WARNING")
    register_tools(server)
    register_client_tools(server)
    register_add_tool(server)
    register_output_tools(server)
    register_resource_tools(server)
    register_fault_tools(server, stdout_fd=stdout_fd)
    register_resources(server)
    register_prompts(server)
    return server


def http_app(host: str = "127.0.0.1") -> Starlette:
    """A fresh server's streamable HTTP app (endpoint ``/mcp``; loopback Host headers only)."""
    return build_server().streamable_http_app(host=host)


def sse_app(host: str = "127.0.0.1") -> Starlette:
    """A fresh server's SSE app (stream at ``/sse``, posts to ``/messages/``)."""
    return build_server().sse_app(host=host)


def main(transport: str = "stdio", port: int = 0, host: str = "127.0.0.1") -> None:
    """Serve until interrupted (``switchboard demo-mcp``): stdio, or http/sse on host:port."""
    if transport == "stdio":
        # The SDK points fd 1 at stderr while it serves; keep a copy of the wire for `garbage`.
        build_server(stdout_fd=os.dup(1)).run()
        return
    if transport not in ("http", "sse"):
        raise ValueError(f"unknown transport {transport!r}: use stdio, http or sse")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, port), family=family)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # events are not held back
    app, path = (http_app(host), "/mcp") if transport == "http" else (sse_app(host), "/sse")
    print(f"Demo MCP server on {_base_url(sock)}{path}", flush=True)
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])


def _base_url(sock: socket.socket) -> str:
    """The http:// URL of a listening socket, bracketing IPv6 hosts."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
