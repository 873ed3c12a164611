"""The `switchboard` command: run the app (Streamlit's own options pass through), or serve the
demo agent or the demo MCP server alone. A mistake on the command line is one line saying what
to do, never a traceback."""

from __future__ import annotations

import argparse
import os
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import NoReturn

from switchboard.config import CONFIG_ENV

HELP = """\
usage: switchboard [--config FILE] [STREAMLIT OPTIONS…]
       switchboard demo-agent [--port P] [--host H]
       switchboard demo-mcp [--transport stdio|http|sse] [--port P] [--host H]

Switchboard: one place to talk to A2A agents and MCP servers. With no config file it runs on
its embedded demo agent and demo MCP server.

options:
  --config FILE       the config file (JSON: agents, mcpServers, llm, …; also SWITCHBOARD_CONFIG)
  --version           print the version and exit
  -h, --help          print this help and exit
  --SECTION.NAME V    any option of `streamlit run`, passed through, for example
                      --server.port 8501, --server.address 0.0.0.0, --server.baseUrlPath /sb,
                      --logger.level debug (`streamlit config show` lists them all)

commands:
  demo-agent          serve the demo A2A agent alone: --port (default 9999, 0 picks a free
                      port), --host (default 127.0.0.1)
  demo-mcp            serve the demo MCP server alone: --transport (default stdio), --port
                      (default 0: a free port), --host (default 127.0.0.1)

environment:
  SWITCHBOARD_CONFIG        the config file, as --config
  SWITCHBOARD_DATA_DIR      where conversations are stored (default ~/.switchboard)
  SWITCHBOARD_DATABASE_URL  a database instead (postgresql://…)
  SWITCHBOARD_SECRET_KEY    seals sign-ins kept in the store
  SWITCHBOARD_PUBLIC_URL    the app's address as people type it (for sign-in redirects)
  SWITCHBOARD_LLM_BASE_URL, SWITCHBOARD_LLM_API_KEY, SWITCHBOARD_LLM_MODEL   the assistant's model
"""


class UsageError(Exception):
    """A mistake on the command line: its one-line message."""


class Parser(argparse.ArgumentParser):
    """argparse, with a mistake raised as UsageError instead of printing usage and exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        return _dispatch(args)
    except UsageError as exc:
        print(f"{exc} (see switchboard --help)", file=sys.stderr)
        return 2


def _dispatch(args: list[str]) -> int:
    if args[:1] in (["-h"], ["--help"]):
        print(HELP, end="")
        return 0
    if args[:1] == ["--version"]:
        print(f"switchboard {package_version()}")
        return 0
    if args[:1] == ["demo-agent"]:
        return demo_agent(args[1:])
    if args[:1] == ["demo-mcp"]:
        return demo_mcp(args[1:])
    return run_app(args)


def package_version() -> str:
    """The installed package's version."""
    try:
        return version("switchboard")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def run_app(args: list[str]) -> int:
    """`streamlit run` on the packaged app; `--config FILE` is handed over in the environment."""
    parser = Parser(prog="switchboard", add_help=False)
    parser.add_argument("--config")
    known, streamlit_options = parser.parse_known_args(args)
    from switchboard.ui.launch import run, unknown_option  # Streamlit loads only to run

    if (unknown := unknown_option(streamlit_options)) is not None:
        raise UsageError(f"switchboard: unknown option {unknown}")
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
    return run(streamlit_options)


def demo_agent(args: list[str]) -> int:
    """Serve the bundled demo agent until interrupted."""
    parser = Parser(prog="switchboard demo-agent")
    parser.add_argument("--port", type=int, default=9999, help="0 picks a free port")
    parser.add_argument("--host", default="127.0.0.1")
    options = parser.parse_args(args)
    from switchboard.demo.agent import main as serve_demo

    serve_demo(port=options.port, host=options.host)
    return 0


def demo_mcp(args: list[str]) -> int:
    """Serve the bundled demo MCP server (stdio by default) until interrupted."""
    parser = Parser(prog="switchboard demo-mcp")
    parser.add_argument("--transport", choices=("stdio", "http", "sse"), default="stdio")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--background",
        action="store_true",
        help="run at a lower CPU priority (the app's embedded demo: its pages come first)",
    )
    options = parser.parse_args(args)
    if options.background:
        os.nice(10)  # before the imports: they are most of its start
    from switchboard.demo.mcp_server import main as serve_demo

    serve_demo(transport=options.transport, port=options.port, host=options.host)
    return 0
