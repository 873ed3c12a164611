"""The A2A agent written on @a2a-js/sdk (tests/support/a2a_js_agent.mjs), served by the project's
Node on a loopback port: one card with JSON-RPC and HTTP+JSON, each in A2A 1.0 and 0.3."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from tests.support.node import node_server
from tests.support.servers import free_port

SCRIPT = Path(__file__).parent / "a2a_js_agent.mjs"
# Every interface the JS agent's card declares, as (binding, version) for AgentSettings.
INTERFACES = [("JSONRPC", "1.0"), ("HTTP+JSON", "1.0"), ("JSONRPC", "0.3"), ("HTTP+JSON", "0.3")]
FILE_BYTES = bytes(range(256))  # what its `file` command sends


@contextlib.contextmanager
def js_agent(streaming: bool = True, port: int = 0, public_url: str = "") -> Iterator[str]:
    """Run the JS agent until the block ends; its base URL. `streaming=False` declares
    capabilities.streaming false (blocking sends only); `public_url` is the base its card
    names (a proxy in front of `port`)."""
    port = port or free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"STREAMING": "1" if streaming else "0", "PUBLIC_URL": public_url or base}
    with node_server(SCRIPT, (), port, f"{base}/.well-known/agent-card.json", env):
        yield public_url or base
