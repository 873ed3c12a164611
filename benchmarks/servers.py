"""Agents under load run in their own processes, so their CPU never counts against the client."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx

CARD_PATH = "/.well-known/agent-card.json"
START_TIMEOUT = 30.0


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def demo_agent_command(port: int) -> list[str]:
    """The bundled demo agent, served alone (`switchboard demo-agent`)."""
    return [sys.executable, "-m", "switchboard", "demo-agent", "--port", str(port)]


def fast_agent_command(port: int) -> list[str]:
    """The benchmark-only streaming agent (`benchmarks.fast_agent`)."""
    return [sys.executable, "-m", "benchmarks.fast_agent", "--port", str(port)]


@contextlib.contextmanager
def agent_process(command: list[str], port: int) -> Iterator[str]:
    """Start an agent subprocess, wait until its card answers, yield its base URL, stop it."""
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        wait_for_card(base, process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def wait_for_card(base: str, process: subprocess.Popen[bytes]) -> None:
    """Poll the agent card until it answers 200; fail if the process dies or takes too long."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"agent process exited with {process.returncode}: {process.args}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(base + CARD_PATH, timeout=1.0, trust_env=False).status_code == 200:
                return
        time.sleep(0.05)
    raise RuntimeError(f"agent at {base} did not answer within {START_TIMEOUT:g} s")
