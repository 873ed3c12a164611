"""The official `@modelcontextprotocol/server-everything` as a counterpart: its settings over
stdio, streamable HTTP (`/mcp`) and SSE (`/sse`), and its HTTP servers on loopback ports."""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from subprocess import Popen

from switchboard.config import McpServerSettings
from tests.support.node import EVERYTHING, node_command, node_server
from tests.support.servers import free_port


class Wire(StrEnum):
    """The three transports server-everything serves."""

    STDIO = "stdio"
    HTTP = "http"
    SSE = "sse"


# How server-everything names each transport on its command line, and where it listens.
ARGUMENT = {Wire.STDIO: "stdio", Wire.HTTP: "streamableHttp", Wire.SSE: "sse"}
PATH = {Wire.HTTP: "/mcp", Wire.SSE: "/sse"}
# What it offers a client that declares roots, sampling and elicitation (and not tasks: the
# two `-async` tools need task-augmented sampling and elicitation on the client).
TOOLS = frozenset(
    {
        "echo",
        "get-annotated-message",
        "get-env",
        "get-resource-links",
        "get-resource-reference",
        "get-structured-content",
        "get-sum",
        "get-tiny-image",
        "gzip-file-as-resource",
        "toggle-simulated-logging",
        "toggle-subscriber-updates",
        "trigger-long-running-operation",
        "get-roots-list",
        "trigger-elicitation-request",
        "trigger-url-elicitation",
        "trigger-sampling-request",
        "simulate-research-query",
    }
)
PROMPTS = {
    "simple-prompt": [],
    "args-prompt": ["city", "state"],
    "completable-prompt": ["department", "name"],
    "resource-prompt": ["resourceType", "resourceId"],
}
TEXT_TEMPLATE = "demo://resource/dynamic/text/{resourceId}"
BLOB_TEMPLATE = "demo://resource/dynamic/blob/{resourceId}"
HANDSHAKE = "2025-11-25"  # what it speaks: it answers no `server/discover`


@dataclass
class Served:
    """One server-everything process on a loopback port: its URL and the process."""

    url: str
    process: Popen[bytes]

    def kill(self) -> None:
        """Kill it outright, as when a server crashes (no goodbye to any client)."""
        self.process.kill()
        self.process.wait(10)


@contextlib.contextmanager
def serve_everything(wire: Wire, port: int = 0) -> Iterator[Served]:
    """server-everything over HTTP or SSE on a loopback port until the block ends."""
    port = port or free_port()
    base = f"http://127.0.0.1:{port}"
    # Any path answers once express listens (404); `/sse` itself would open a stream.
    with node_server(EVERYTHING, [ARGUMENT[wire]], port, f"{base}/ready") as process:
        yield Served(base + PATH[wire], process)


def everything(
    wire: Wire = Wire.STDIO, url: str = "", era: str = "auto", name: str = "everything"
) -> McpServerSettings:
    """Settings for server-everything over `wire` (`url` for HTTP and SSE; over stdio each
    connection runs its own process)."""
    if wire == Wire.STDIO:
        command, args = node_command(EVERYTHING, ARGUMENT[wire])
        return McpServerSettings(name, "stdio", command, args, era=era)
    return McpServerSettings(name, wire.value, url=url, era=era)


def config_entry() -> dict[str, object]:
    """server-everything over stdio as an `mcpServers` entry of the config file."""
    command, args = node_command(EVERYTHING, ARGUMENT[Wire.STDIO])
    return {"command": command, "args": list(args)}


def tiny_image() -> bytes:
    """The PNG its `get-tiny-image` tool returns (read from its source): an iCCP chunk with a
    bad CRC, which Pillow refuses and browsers draw."""
    source = (EVERYTHING.parent / "tools" / "get-tiny-image.js").read_text()
    encoded = source.split('MCP_TINY_IMAGE = "', 1)[1].split('"', 1)[0]
    return base64.b64decode(encoded)
