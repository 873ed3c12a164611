"""Agents under load run in their own processes, so their CPU never counts against the client."""

from __future__ import annotations

import contextlib
import math
import os
import select
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import httpx

CARD_PATH = "/.well-known/agent-card.json"
START_TIMEOUT = 30.0
MCP_READY = "Demo MCP server on "  # what `switchboard demo-mcp` prints once it listens


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def demo_agent_command(port: int) -> list[str]:
    """The bundled demo agent, served alone (`switchboard demo-agent`)."""
    return [sys.executable, "-m", "switchboard", "demo-agent", "--port", str(port)]


def fast_agent_command(port: int, times: str = "") -> list[str]:
    """The benchmark-only streaming agent (`benchmarks.fast_agent`); with `times`, it appends
    each task's timestamps to that file."""
    command = [sys.executable, "-m", "benchmarks.fast_agent", "--port", str(port)]
    return [*command, "--times", times] if times else command


def demo_mcp_command(transport: str = "stdio") -> list[str]:
    """The bundled demo MCP server (`switchboard demo-mcp`); over HTTP/SSE on a port it picks."""
    command = [sys.executable, "-m", "switchboard", "demo-mcp"]
    return command if transport == "stdio" else [*command, "--transport", transport, "--port", "0"]


@dataclass(frozen=True)
class ServerProcess:
    """A running server (an agent, an MCP server, the app): its base URL and process id."""

    url: str
    pid: int

    def cpu_seconds(self) -> float:
        """User + system CPU seconds the process has used so far (NaN if unknown)."""
        return cpu_seconds(self.pid)

    def rss_mb(self) -> float:
        """The process's resident memory now, in MB (NaN if unknown)."""
        try:
            with open(f"/proc/{self.pid}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        except (OSError, IndexError, ValueError):
            pass
        return math.nan


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds process `pid` has used so far (NaN if unknown)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return math.nan


def named_cpu_seconds(name: str) -> float:
    """CPU seconds used so far by every running process whose command name starts with
    `name` (Chromium's browser, renderer and GPU processes, say)."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/comm", encoding="utf-8") as comm:
                if not comm.read().startswith(name):
                    continue
        except OSError:
            continue
        used = cpu_seconds(int(entry))
        total += 0.0 if math.isnan(used) else used
    return total


@contextlib.contextmanager
def demo_agent() -> Iterator[ServerProcess]:
    """The bundled demo agent in its own process, on a free port."""
    port = free_port()
    with agent_process(demo_agent_command(port), port) as demo:
        yield demo


@contextlib.contextmanager
def agent_process(command: list[str], port: int) -> Iterator[ServerProcess]:
    """Start an agent process, wait for its card, yield it; stop it at the end."""
    # Its stderr (the SDK logs every abandoned stream) is kept aside, shown only on failure.
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
        try:
            wait_for_card(base, process)
            yield ServerProcess(base, process.pid)
        except BaseException:
            show_stderr(errors)
            raise
        finally:
            stop(process)


def show_stderr(errors: IO[bytes]) -> None:
    """Print the tail of what a server process wrote to stderr (why it failed to start)."""
    errors.seek(0)
    sys.stderr.write(errors.read()[-4000:].decode("utf-8", "replace"))


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate a server process, killing it if it does not exit in 10 s."""
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


@contextlib.contextmanager
def mcp_server_process(command: list[str]) -> Iterator[ServerProcess]:
    """Start an MCP server that prints its URL (`demo-mcp --port 0`); stop it at the end."""
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, bufsize=0)
        try:
            line = read_line(process, START_TIMEOUT)
            if not line.startswith(MCP_READY):
                raise RuntimeError(f"MCP server process said {line!r}: {process.args}")
            yield ServerProcess(line.removeprefix(MCP_READY).strip(), process.pid)
        except BaseException:
            show_stderr(errors)
            raise
        finally:
            stop(process)
            if process.stdout is not None:
                process.stdout.close()


def read_line(process: subprocess.Popen[bytes], timeout: float) -> str:
    """The next line the process prints on stdout; fail if it exits or stays silent too long."""
    # stdout must be unbuffered (bufsize=0): a line left in a buffer would escape select().
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    line = process.stdout.readline().decode("utf-8", "replace") if ready else ""
    if not line:
        state = "exited" if process.poll() is not None else f"printed nothing in {timeout:g} s"
        raise RuntimeError(f"process {state}: {process.args}")
    return line
