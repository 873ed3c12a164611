"""The two commands, the console script, the Dockerfile: what a newcomer and CI rely on."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import httpx

from tests.conftest import WAIT

ROOT = Path(__file__).parents[1]


def test_the_readme_gives_the_two_commands_and_ci_runs_the_second() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_the_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    result = subprocess.run(
        [hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_dockerfile_runs_as_a_user_with_a_healthcheck() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "\nUSER " in dockerfile and "USER root" not in dockerfile
    assert "EXPOSE 8501" in dockerfile and "/_stcore/health" in dockerfile


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
