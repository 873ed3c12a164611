"""Benchmark 5: one MCP tool call through the persistent owner vs the bare SDK, stdio and HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mcp
import mcp.client.session as mcp_session

from benchmarks.clients import WAIT, BareMcpClient, freeze_heap, sdk_mcp_client
from benchmarks.results import Result
from benchmarks.servers import demo_mcp_command, read_line
from benchmarks.stats import median, percentile, ratio
from switchboard.config import McpServerSettings
from switchboard.connections.mcp_server import McpConnection
from switchboard.runtime import Runtime

TITLE = "5. MCP tool calls"
DESCRIPTION = (
    "One call of the demo MCP server's `add` tool (a=1, b=2), over stdio (the server a child "
    "process of the client) and over streamable HTTP (`switchboard demo-mcp --transport http "
    "--port 0`, its own process), in both protocol eras: `auto` (the default: "
    "`server/discover`, which the demo server answers, so 2026-07-28) and `legacy` "
    "(`initialize`, 2025-11-25). Variants, in blocks interleaved per round (the fresh runs "
    "spread over the rounds): **owner** — the product's path: an `McpConnection` owner task on "
    "a `Runtime`, each call submitted from this (foreign) thread with "
    "`runtime.call(conn.call_tool(...), timeout=...)`, as the UI does; **owner on the loop** — "
    "the same `conn.call_tool` awaited on the loop (no bridge), to split the owner's cost into "
    "the connection layer and the bridge; **direct** — the floor: a plain open `mcp.Client` "
    "session on the same loop, `await client.call_tool(...)` timed inside one coroutine, call "
    "by call; **fresh** — the pattern this project replaces (the asyncio write-ups, "
    "langchain-mcp-adapters' default): per call a new thread running `asyncio.run(...)` that "
    "opens a new `mcp.Client` session (stdio: spawns the server; HTTP: a new "
    "`httpx2.AsyncClient` and session), calls the tool and closes. Medians and p99 in ms; the "
    "targets are judged on the default era, `auto`. Last, connecting to a handshake-era stdio "
    "server that never answers `server/discover` (`tests/support/silent_legacy_mcp.py`): "
    "`McpConnection.connect()` in era `auto` (the product bounds the probe) and `legacy`, "
    "alternating, timed from this thread until the connection is ready (lists included), and "
    "the bare SDK's own `mcp.Client(..., mode='auto')`, unbounded, in a process of its own."
)
TOOL = "add"
ARGUMENTS = {"a": 1, "b": 2}
ANSWER = {"result": 3}
TRANSPORTS = ("stdio", "http")
ERAS = ("auto", "legacy")
TARGET_ERA = "auto"  # the product's default era: the targets are judged on it
ROOT = Path(__file__).resolve().parents[1]
SILENT = ROOT / "tests" / "support" / "silent_legacy_mcp.py"
SILENT_PROTOCOL = "2025-06-18"  # what the silent server answers to `initialize`
# Counts as (quick, full): rounds and calls per block of the persistent variants; fresh runs.
ROUNDS, BLOCK = (5, 10), (40, 60)
FRESH = {
    ("stdio", "auto"): (5, 20),
    ("stdio", "legacy"): (3, 10),
    ("http", "auto"): (15, 50),
    ("http", "legacy"): (10, 30),
}
OWNER_RATIO, OWNER_ADDED = 1.15, 0.3  # targets: owner at most this ratio / ms over direct
SPEED_UP = {"stdio": 400.0, "http": 12.0}  # target: fresh / owner, per transport
PROBE_BOUND = 1000.0  # ms the product lets an unanswered `server/discover` cost
SILENT_CONNECTS = (2, 4)  # per era
SDK_CONNECTS = (1, 2)  # the SDK's unbounded probe, run side by side in one process
# The SDK's connects run in a process that has not imported the product (whose import sets
# the SDK's module-wide discover timeout); that process prints its timeout, then each connect.
SDK_MAIN = (
    "import sys, mcp.client.session as s; sdk_timeout = s.DISCOVER_TIMEOUT_SECONDS; "
    "from benchmarks.mcp_calls import sdk_connects; sdk_connects(sdk_timeout, int(sys.argv[1]))"
)
NOTES = (
    "A stdio session per call is dominated by starting the server: a new Python process that "
    "imports the MCP SDK and the demo server, then the handshake; the owner pays it once.",
    "Importing `switchboard.connections.mcp_server` sets the SDK's module-wide "
    "`mcp.client.session.DISCOVER_TIMEOUT_SECONDS` to 1 s, so in this process the direct and "
    "fresh `auto` sessions carry the product's bound too (the demo server answers the probe, so "
    "it never fires there); the SDK's own 10 s is measured in a separate process, started "
    "first and idle (waiting on the probe) while the calls are timed.",
    "Over stdio the owner and the direct session each have a server process of their own, so "
    "owner − direct also carries the difference between two processes (run to run, ±0.1 ms); "
    "the bridge row compares calls on the same connection.",
)

Samples = dict[str, list[float]]  # per variant: ms per call


@dataclass(frozen=True)
class Calls:
    """One transport in one era: ms per call for each variant, and the protocols negotiated."""

    samples: Samples
    owner_protocol: str
    direct_protocol: str


def _count(counts: tuple[int, int], quick: bool) -> int:
    return counts[0] if quick else counts[1]


def _settings(transport: str, era: str, url: str) -> McpServerSettings:
    name = f"demo-{transport}-{era}"
    if transport == "stdio":
        command, *args = demo_mcp_command()
        return McpServerSettings(name, "stdio", command, tuple(args), era=era)
    return McpServerSettings(name, "http", url=url, era=era)


def _check(structured: Any) -> None:
    if structured != ANSWER:
        raise RuntimeError(f"{TOOL}{ARGUMENTS} answered {structured!r}, expected {ANSWER!r}")


def _bridged(runtime: Runtime, conn: McpConnection, count: int) -> list[float]:
    samples = []
    for _ in range(count):
        start = time.perf_counter_ns()
        result = runtime.call(conn.call_tool(TOOL, ARGUMENTS), timeout=WAIT)
        samples.append((time.perf_counter_ns() - start) / 1e6)
        _check(result["structured"])
    return samples


async def _owner_on_loop(conn: McpConnection, count: int) -> list[float]:
    samples = []
    for _ in range(count):
        start = time.perf_counter_ns()
        result = await conn.call_tool(TOOL, ARGUMENTS)
        samples.append((time.perf_counter_ns() - start) / 1e6)
        _check(result["structured"])
    return samples


async def _direct(client: mcp.Client, count: int) -> list[float]:
    samples = []
    for _ in range(count):
        start = time.perf_counter_ns()
        result = await client.call_tool(TOOL, ARGUMENTS)
        samples.append((time.perf_counter_ns() - start) / 1e6)
        _check(result.structured_content)
    return samples


async def _fresh_call(settings: McpServerSettings) -> Any:
    async with sdk_mcp_client(settings) as client:
        return (await client.call_tool(TOOL, ARGUMENTS)).structured_content


def _fresh(settings: McpServerSettings) -> float:
    box: dict[str, Any] = {}

    def main() -> None:
        try:
            box["answer"] = asyncio.run(_fresh_call(settings))
        except Exception as error:
            box["error"] = error

    start = time.perf_counter_ns()
    thread = threading.Thread(target=main, name="bench-fresh-mcp")
    thread.start()
    thread.join(WAIT)
    elapsed = (time.perf_counter_ns() - start) / 1e6
    if thread.is_alive():
        raise TimeoutError(f"a fresh call to {settings.name} took over {WAIT:g} s")
    if "error" in box:
        raise box["error"]
    _check(box.get("answer"))
    return elapsed


def _connect(runtime: Runtime, settings: McpServerSettings) -> McpConnection:
    conn = McpConnection(settings)
    runtime.call(conn.connect(), timeout=WAIT)
    if conn.status != "ready":
        runtime.call(conn.close(), timeout=WAIT)
        raise RuntimeError(f"{settings.name} did not connect: {conn.status}, {conn.error}")
    return conn


def _calls(runtime: Runtime, settings: McpServerSettings, quick: bool) -> Calls:
    """Owner, owner on the loop and direct in interleaved blocks, fresh runs spread over them."""
    rounds, block = _count(ROUNDS, quick), _count(BLOCK, quick)
    fresh = _count(FRESH[settings.transport, settings.era], quick)
    conn = _connect(runtime, settings)
    bare = None
    try:
        bare = BareMcpClient(runtime, settings)
        client = bare.client
        variants: dict[str, Callable[[int], list[float]]] = {
            "owner": lambda n: _bridged(runtime, conn, n),
            "loop": lambda n: runtime.call(_owner_on_loop(conn, n), timeout=WAIT),
            "direct": lambda n: runtime.call(_direct(client, n), timeout=WAIT),
        }
        freeze_heap()
        for variant in variants.values():  # warm-up, not recorded
            variant(block)
        samples: Samples = {name: [] for name in [*variants, "fresh"]}
        names = list(variants)
        for index in range(rounds):  # rotate the order so no variant always runs first
            shift = index % len(names)
            for name in names[shift:] + names[:shift]:
                samples[name] += variants[name](block)
            for _ in range(fresh // rounds + (index < fresh % rounds)):
                samples["fresh"].append(_fresh(settings))
        return Calls(samples, conn.protocol_version, client.protocol_version or "")
    finally:
        if bare is not None:
            bare.close()
        runtime.call(conn.close(), timeout=WAIT)


def _silent_connect(runtime: Runtime, era: str) -> float:
    """Milliseconds from `connect()` submitted to the connection ready (lists included)."""
    settings = McpServerSettings(f"silent-{era}", "stdio", sys.executable, (str(SILENT),), era=era)
    conn = McpConnection(settings)
    try:
        start = time.perf_counter_ns()
        runtime.call(conn.connect(), timeout=WAIT)
        elapsed = (time.perf_counter_ns() - start) / 1e6
        if conn.status != "ready" or conn.protocol_version != SILENT_PROTOCOL:
            raise RuntimeError(f"silent server, era {era}: {conn.status} {conn.error}")
    finally:
        runtime.call(conn.close(), timeout=WAIT)
    return elapsed


def sdk_connects(sdk_timeout: float, count: int) -> None:
    """In a process of its own: `count` side-by-side connects of the bare SDK, era `auto`, to
    the silent server; prints the SDK's discover timeout, then each connect's seconds."""
    mcp_session.DISCOVER_TIMEOUT_SECONDS = sdk_timeout  # as the SDK ships it
    print(f"timeout {sdk_timeout}", flush=True)

    async def connects() -> list[tuple[float, str]]:
        return list(await asyncio.gather(*(_sdk_connect() for _ in range(count))))

    for seconds, protocol in asyncio.run(connects()):
        print(f"connect {seconds} {protocol}", flush=True)


async def _sdk_connect() -> tuple[float, str]:
    params = mcp.StdioServerParameters(command=sys.executable, args=[str(SILENT)])
    start = time.perf_counter()
    async with mcp.Client(params, mode="auto") as client:
        return time.perf_counter() - start, client.protocol_version or ""


@contextlib.contextmanager
def _sdk_process(count: int) -> Iterator[subprocess.Popen[bytes]]:
    """The SDK's connects in their own process; its stderr shown only on failure."""
    command = [sys.executable, "-c", SDK_MAIN, str(count)]
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=errors, bufsize=0
        )
        try:
            yield process
        except BaseException:
            errors.seek(0)
            sys.stderr.write(errors.read()[-4000:].decode("utf-8", "replace"))
            raise
        finally:
            if process.poll() is None:
                process.kill()
            process.wait(10)
            if process.stdout is not None:
                process.stdout.close()


def _sdk_results(process: subprocess.Popen[bytes], count: int) -> list[float]:
    """The SDK process's connect times, in ms, as they come."""
    seconds = []
    for _ in range(count):
        _, value, protocol = read_line(process, WAIT).split()
        if protocol != SILENT_PROTOCOL:
            raise RuntimeError(f"the SDK connected to the silent server at {protocol!r}")
        seconds.append(float(value))
    return [1000 * value for value in seconds]


def _report_calls(result: Result, transport: str, era: str, calls: Calls) -> None:
    samples, label = calls.samples, f"{transport}, {era}"
    owner, direct = median(samples["owner"]), median(samples["direct"])
    on_loop = median(samples["loop"])
    count, fresh_count = len(samples["owner"]), len(samples["fresh"])
    owner_ratio, added = ratio(owner, direct), owner - direct
    speed_up = ratio(median(samples["fresh"]), owner)
    result.add(f"{label}: owner, Runtime.call from a thread (median of {count})", owner, "ms")
    result.add(f"{label}: owner — p99", percentile(samples["owner"], 99), "ms")
    result.add(f"{label}: owner awaited on the loop, no bridge", on_loop, "ms")
    result.add(f"{label}: the bridge (owner − owner on the loop)", owner - on_loop, "ms")
    result.add(f"{label}: direct await of mcp.Client.call_tool (floor)", direct, "ms")
    result.add(f"{label}: direct — p99", percentile(samples["direct"], 99), "ms")
    result.add(
        f"{label}: fresh session per call (median of {fresh_count})",
        median(samples["fresh"]),
        "ms",
    )
    result.add(f"{label}: owner / direct", owner_ratio, "×")
    result.add(f"{label}: owner − direct", added, "ms")
    result.add(f"{label}: fresh / owner (speed-up)", speed_up, "×")
    if era != TARGET_ERA:
        return
    result.target(f"{label}: owner ≤ {OWNER_RATIO:g}× direct", owner_ratio, OWNER_RATIO, "×")
    result.target(f"{label}: owner ≤ direct + {OWNER_ADDED:g} ms", added, OWNER_ADDED, "ms")
    result.target(
        f"{label}: owner ≥ {SPEED_UP[transport]:g}× faster than fresh",
        speed_up,
        SPEED_UP[transport],
        "×",
        True,
    )


def _report_silent(
    result: Result, silent: dict[str, list[float]], sdk: list[float], sdk_timeout: float
) -> None:
    auto, legacy = median(silent["auto"]), median(silent["legacy"])
    count, label = len(silent["auto"]), "silent server"
    result.add(f"{label}: connect, era legacy (median of {count})", legacy, "ms")
    result.add(f"{label}: connect, era auto, probe bounded (median of {count})", auto, "ms")
    result.add(f"{label}: connect, era auto, slowest", max(silent["auto"]), "ms")
    result.add(f"{label}: auto − legacy (the unanswered probe)", auto - legacy, "ms")
    result.add(f"{label}: bare SDK, mode='auto' (median of {len(sdk)})", median(sdk), "ms")
    result.add("discover timeout: the SDK's own", sdk_timeout * 1000, "ms")
    result.add("discover timeout: the product's", mcp_session.DISCOVER_TIMEOUT_SECONDS * 1000, "ms")
    result.target(
        f"silent server: auto connect ≤ legacy connect + {PROBE_BOUND:g} ms",
        auto,
        round(legacy + PROBE_BOUND, 1),
        "ms",
    )


def _protocols(calls: dict[tuple[str, str], Calls]) -> str:
    agreed = []
    for (transport, era), measured in calls.items():
        direct = measured.direct_protocol
        same = direct == measured.owner_protocol
        agreed.append(
            f"{transport} {era} → {measured.owner_protocol}"
            + ("" if same else f" (direct {direct})")
        )
    return "Protocols the demo server agreed to: " + ", ".join(agreed) + "."


def run(quick: bool, http_url: str) -> Result:
    """Tool calls over stdio and streamable HTTP in both eras; connects to the silent server."""
    result = Result(TITLE, DESCRIPTION, notes=list(NOTES))
    sdk_count = _count(SDK_CONNECTS, quick)
    runtime = Runtime(name="bench-mcp")
    try:
        with _sdk_process(sdk_count) as sdk:
            sdk_timeout = float(read_line(sdk, WAIT).split()[1])  # imported, now connecting
            calls = {
                (transport, era): _calls(runtime, _settings(transport, era, http_url), quick)
                for transport in TRANSPORTS
                for era in ERAS
            }
            silent: dict[str, list[float]] = {era: [] for era in ERAS}
            for index in range(_count(SILENT_CONNECTS, quick)):  # alternate which goes first
                for era in ERAS if index % 2 == 0 else ERAS[::-1]:
                    silent[era].append(_silent_connect(runtime, era))
            sdk_seconds = _sdk_results(sdk, sdk_count)
    finally:
        runtime.close()
    for (transport, era), measured in calls.items():
        _report_calls(result, transport, era, measured)
    _report_silent(result, silent, sdk_seconds, sdk_timeout)
    result.notes.append(_protocols(calls))
    return result
