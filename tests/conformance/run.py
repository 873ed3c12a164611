"""Run the official MCP conformance suite's client scenarios against the adapter (Switchboard's
connection layer), print each with its result and end with `conformance: N passed, M failed`.
`python -m tests.conformance.run [--suite auth] [scenario…]`; no scenario: every one of the
suite (the non-auth ones by default). Exit status 1 when any failed."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.support.node import CONFORMANCE, NODE, NODE_DIR, require_node

PROJECT = Path(__file__).parents[2]
ADAPTER = f"{sys.executable} -m tests.conformance.adapter"
SCENARIO_TIMEOUT = 120.0  # seconds for one scenario, the suite's own 30 s per step included
AUTH = "auth/"


@dataclass(frozen=True)
class Outcome:
    """One scenario's result: the failed checks' messages (none: it passed)."""

    scenario: str
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        """Every check succeeded (warnings allowed) and the client exited cleanly."""
        return not self.failures


def client_scenarios(suite: str = "") -> list[str]:
    """The suite's client scenarios, as `conformance list` names them: the auth ones when
    `suite` is "auth", every one when "all", else the others."""
    require_node()
    listing = subprocess.run(
        [str(NODE), str(CONFORMANCE), "list"],
        capture_output=True,
        text=True,
        check=True,
        cwd=NODE_DIR,
        timeout=SCENARIO_TIMEOUT,
    ).stdout
    client = listing.split("Client scenarios", 1)[1]
    names = [line.split()[1] for line in client.splitlines() if line.strip().startswith("- ")]
    return [n for n in names if suite == "all" or n.startswith(AUTH) == (suite == "auth")]


def run_scenario(scenario: str) -> Outcome:
    """Run one client scenario with the adapter; its failed checks from the suite's checks.json,
    or why the run itself failed."""
    with tempfile.TemporaryDirectory() as results:
        try:
            command = [str(NODE), str(CONFORMANCE), "client", "--command", ADAPTER]
            done = subprocess.run(
                [*command, "--scenario", scenario, "--output-dir", results],
                capture_output=True,
                text=True,
                cwd=PROJECT,
                timeout=SCENARIO_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            return Outcome(scenario, (f"no result within {SCENARIO_TIMEOUT:.0f} s",))
        failures = [_failure(check) for check in _checks(Path(results))]
        failures = [f for f in failures if f] + _tracebacks(Path(results))
        if done.returncode != 0 and not failures:
            tail = (done.stdout + done.stderr).strip().splitlines()[-3:]
            failures = [f"the suite exited with {done.returncode}: {' / '.join(tail)}"]
        return Outcome(scenario, tuple(failures))


def _checks(results: Path) -> list[dict]:
    checks: list[dict] = []
    for path in results.rglob("checks.json"):
        checks.extend(json.loads(path.read_text()))
    if not checks:
        return [{"status": "FAILURE", "name": "results", "errorMessage": "no checks written"}]
    return checks


def _tracebacks(results: Path) -> list[str]:
    logged = [p for p in results.rglob("stderr.txt") if "Traceback" in p.read_text()]
    return [f"the client logged a traceback ({p.parent.name}/stderr.txt)" for p in logged]


def _failure(check: dict) -> str:
    if check.get("status") != "FAILURE":
        return ""
    return f"{check.get('name')}: {check.get('errorMessage') or check.get('description')}"


def main(argv: list[str] | None = None) -> int:
    """Run the scenarios, print one line per scenario (and why it failed), then the tally."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--suite", default="", help='"auth" for the auth scenarios, "all" for every one'
    )
    parser.add_argument("scenarios", nargs="*", help="scenario names (default: the suite's)")
    options = parser.parse_args(argv)
    outcomes = []
    for scenario in options.scenarios or client_scenarios(options.suite):
        outcome = run_scenario(scenario)
        outcomes.append(outcome)
        print(f"{'PASS' if outcome.passed else 'FAIL'}  {scenario}", flush=True)
        for failure in outcome.failures:
            print(f"      {failure}", flush=True)
    passed = sum(o.passed for o in outcomes)
    print(f"conformance: {passed} passed, {len(outcomes) - passed} failed")
    return 0 if passed == len(outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
