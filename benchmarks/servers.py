"""Agents under load run in their own processes, so their CPU never counts against the client."""

from __future__ import annotations

import contextlib
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass

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


@dataclass(frozen=True)
class AgentProcess:
    """A running agent: its base URL and process id."""

    url: str
    pid: int

    def cpu_seconds(self) -> float:
        """User + system CPU seconds the agent process has used so far (NaN if unknown)."""
        try:
            with open(f"/proc/{self.pid}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return math.nan


@contextlib.contextmanager
def agent_process(command: list[str], port: int) -> Iterator[AgentProcess]:
    """Start an agent process, wait for its card, yield it; stop it at the end."""
    # Its stderr (the SDK logs every abandoned stream) is kept aside, shown only on failure.
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
        try:
            wait_for_card(base, process)
            yield AgentProcess(base, process.pid)
        except BaseException:
            errors.seek(0)
            sys.stderr.write(errors.read()[-4000:].decode("utf-8", "replace"))
            raise
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
