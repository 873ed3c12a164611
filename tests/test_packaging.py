"""The two commands and the Docker image: what a newcomer and CI rely on."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_ci_runs_make_test_which_lints_and_runs_the_whole_suite() -> None:
    """What `.ci/run` calls, and what `make test` then does (a dry run: nothing is executed)."""
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert [line for line in ci if line and not line.startswith(("#", "set ", "cd "))] == [
        "make test"
    ]
    plan = make_plan("test")
    assert any("ruff check" in line for line in plan)
    assert any("ruff format --check" in line for line in plan)
    assert plan[-1].endswith("-m pytest"), "the suite runs last, with the project's settings"


def test_make_run_starts_the_app_on_loopback() -> None:
    (command,) = [line for line in make_plan("run") if "switchboard" in line]
    assert "--server.address 127.0.0.1" in command and "--server.headless true" in command


def test_make_run_installs_only_what_running_needs() -> None:
    """On a fresh machine (`-B`: as if nothing were installed yet)."""
    run = [line for line in make_plan("run", fresh=True) if "pip install" in line]
    assert run and not [line for line in run if "[dev]" in line], run
    test = [line for line in make_plan("test", fresh=True) if "pip install" in line]
    assert any('-e ".[dev]"' in line for line in test), test


def test_the_apps_streamlit_settings_ship_inside_the_package() -> None:
    """Beside the app's script, where Streamlit reads them whatever the working directory,
    and named as package data so an installed package (the Docker image) has them."""
    settings = ROOT / "src" / "switchboard" / "ui" / ".streamlit" / "config.toml"
    assert 'toolbarMode = "viewer"' in settings.read_text()
    assert '"ui/.streamlit/config.toml"' in (ROOT / "pyproject.toml").read_text()


def make_plan(target: str, fresh: bool = False) -> list[str]:
    """The commands `make -n target` would run once the set-up is done (`fresh`: all of
    the set-up too)."""
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", *(["-B"] if fresh else []), target],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return [line.strip() for line in done.stdout.splitlines() if line.strip()]


def test_the_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    result = subprocess.run(
        [hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
