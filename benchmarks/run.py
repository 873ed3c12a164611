"""Run every benchmark, print a table, and rewrite benchmarks/README.md."""

# Usage, from the project root: python -m benchmarks.run [--quick] [--only NAME ...]

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace

from benchmarks import (
    exchange,
    first_chunk,
    journal,
    lag,
    long_history,
    mcp_calls,
    memory,
    report,
    reruns,
    sessions,
    soak,
    startup,
    streaming,
    submit,
)
from benchmarks.results import Result
from benchmarks.servers import (
    agent_process,
    demo_agent,
    demo_mcp_command,
    fast_agent_command,
    free_port,
    mcp_server_process,
)

NAMES = (
    "submit",
    "exchange",
    "streaming",
    "lag",
    "mcp_calls",
    "journal",
    "soak",
    "startup",
    "reruns",
    "first_chunk",
    "sessions",
    "memory",
    "long_history",
)


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer iterations (< 1 minute)")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=NAMES,
        help="run only these benchmarks; the README is left alone",
    )
    return parser.parse_args(argv)


def run_all(quick: bool, names: tuple[str, ...]) -> list[Result]:
    """Run the chosen benchmarks in order, each agent (and the HTTP MCP server) in its own
    process."""
    results: list[Result] = []
    if "submit" in names:
        results.append(submit.run(quick))
    if "exchange" in names:
        with demo_agent() as demo:
            results.append(exchange.run(quick, demo.url))
    if "streaming" in names or "lag" in names:
        port = free_port()
        with agent_process(fast_agent_command(port), port) as fast:
            if "streaming" in names:
                results.append(streaming.run(quick, fast.url))
            if "lag" in names:
                results.append(lag.run(quick, fast))
    if "mcp_calls" in names:
        with mcp_server_process(demo_mcp_command("http")) as mcp_http:
            results.append(mcp_calls.run(quick, mcp_http.url))
    if "journal" in names:
        results.append(journal.run(quick))
    if "soak" in names:
        with demo_agent() as demo:
            results.append(soak.run(quick, demo.url))
    if "startup" in names:
        results.append(startup.run(quick))
    if "reruns" in names:
        with demo_agent() as demo:
            results.append(reruns.run(quick, demo.url))
    if "first_chunk" in names:
        results.append(first_chunk.run(quick))
    if "sessions" in names:
        results.append(sessions.run(quick))
    if "memory" in names:
        results.append(memory.run(quick))
    if "long_history" in names:
        results.append(long_history.run(quick))
    return results


def python() -> str:
    """The interpreter as typed from the project root (e.g. .venv/bin/python)."""
    relative = os.path.relpath(sys.executable)
    return sys.executable if relative.startswith("..") else relative


def main(argv: list[str] | None = None) -> int:
    """Entry point: run, print, and (for a full set) rewrite the README."""
    options = parse(argv)
    names = tuple(options.only or NAMES)
    host = report.machine()
    started = time.perf_counter()
    results = run_all(options.quick, names)
    seconds = time.perf_counter() - started
    print(report.console(results))
    print(f"\n{len(results)} benchmark(s) in {seconds:.0f} s")
    if options.only is None:
        command = f"{python()} -m benchmarks.run" + (" --quick" if options.quick else "")
        host = replace(host, load_after=report.load())
        report.README.write_text(report.markdown(results, host, command, seconds), encoding="utf-8")
        print(f"wrote {report.README}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
