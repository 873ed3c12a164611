"""The `switchboard` command: run the app (any `streamlit run` option passes through), or serve
the demo agent alone."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from switchboard.config import CONFIG_ENV

USAGE = """\
switchboard [--config FILE] [streamlit run options…]  run the app (no config: the embedded demo)
switchboard demo-agent [--port P] [--host H]        serve the demo A2A agent alone
switchboard demo-mcp [--transport stdio|http|sse] [--port P]   serve the demo MCP server alone
"""


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] in (["-h"], ["--help"]):
        print(USAGE, end="")
        return 0
    if args[:1] == ["demo-agent"]:
        return demo_agent(args[1:])
    if args[:1] == ["demo-mcp"]:
        return demo_mcp(args[1:])
    return run_app(args)


def run_app(args: list[str]) -> int:
    """`streamlit run` on the packaged app; `--config FILE` is handed over in the environment."""
    parser = argparse.ArgumentParser(prog="switchboard", add_help=False)
    parser.add_argument("--config")
    known, streamlit_options = parser.parse_known_args(args)
    if known.config:
        config = Path(known.config).expanduser().resolve()
        if not config.is_file():
            print(f"switchboard: no config file at {config}", file=sys.stderr)
            return 2
        os.environ[CONFIG_ENV] = str(config)
    # Safe defaults, overridden by flags or by these variables: loopback only, no telemetry.
    os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
    if not any(option.startswith("--server.address") for option in streamlit_options):
        os.environ.setdefault("STREAMLIT_SERVER_ADDRESS", "127.0.0.1")
    from switchboard.ui.launch import run  # Streamlit is only loaded to run the app

    return run(streamlit_options)


def demo_agent(args: list[str]) -> int:
    """Serve the bundled demo agent until interrupted."""
    parser = argparse.ArgumentParser(prog="switchboard demo-agent")
    parser.add_argument("--port", type=int, default=9999, help="0 picks a free port")
    parser.add_argument("--host", default="127.0.0.1")
    options = parser.parse_args(args)
    from switchboard.demo.agent import main as serve_demo

    serve_demo(port=options.port, host=options.host)
    return 0


def demo_mcp(args: list[str]) -> int:
    """Serve the bundled demo MCP server (stdio by default) until interrupted."""
    parser = argparse.ArgumentParser(prog="switchboard demo-mcp")
    parser.add_argument("--transport", choices=("stdio", "http", "sse"), default="stdio")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--host", default="127.0.0.1")
    options = parser.parse_args(args)
    from switchboard.demo.mcp_server import main as serve_demo

    serve_demo(transport=options.transport, port=options.port, host=options.host)
    return 0
