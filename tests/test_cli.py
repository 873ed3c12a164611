"""The `switchboard` command: its help, a missing config, the demo agent served alone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.turns import WAIT

ROOT = Path(__file__).parents[1]


def test_the_command_explains_itself_and_refuses_a_missing_config(tmp_path: Path) -> None:
    usage = subprocess.run(
        [sys.executable, "-m", "switchboard", "--help"], capture_output=True, text=True, timeout=60
    )
    assert usage.returncode == 0 and "demo-agent" in usage.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "switchboard", "--config", str(tmp_path / "nope.json")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 2 and "no config file" in missing.stderr


def test_demo_agent_serves_its_card_alone() -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "switchboard", "demo-agent", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            assert line.startswith("Demo agent on http://127.0.0.1:"), line
            url = line.split(" on ", 1)[1].strip()
            card = httpx.get(url + "/.well-known/agent-card.json", timeout=WAIT).json()
            assert card["name"] == "Switchboard Demo Agent"
        finally:
            process.terminate()
            process.wait(WAIT)


def switchboard(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "switchboard", *args], capture_output=True, text=True, timeout=60
    )


def test_the_version_and_a_help_that_names_every_option_and_variable() -> None:
    from importlib.metadata import version

    assert switchboard("--version").stdout == f"switchboard {version('switchboard')}\n"
    usage = switchboard("--help").stdout
    for named in ("--config", "--version", "--help", "--server.port", "demo-agent", "demo-mcp"):
        assert named in usage, named
    for option in ("--port", "--host", "--transport"):
        assert option in usage, option
    for variable in ("CONFIG", "DATA_DIR", "DATABASE_URL", "SECRET_KEY", "PUBLIC_URL", "LLM_"):
        assert f"SWITCHBOARD_{variable}" in usage, variable


@pytest.mark.parametrize(
    "args",
    [
        ("--bogus",),
        ("--server.prot", "8501"),
        ("stray",),
        ("demo-agent", "--nope"),
        ("demo-mcp", "--transport", "carrier-pigeon"),
    ],
)
def test_an_unknown_option_is_one_line_saying_where_help_is(args: tuple[str, ...]) -> None:
    done = switchboard(*args)
    assert done.returncode == 2 and done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith("switchboard") and line.endswith("(see switchboard --help)"), line
