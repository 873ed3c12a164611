"""The official MCP conformance suite's client scenarios (all but the auth ones, which belong to
the sign-in work) pass through the adapter, that is, through Switchboard's connection layer."""

from __future__ import annotations

import pytest

from tests.conformance.run import client_scenarios, run_scenario


@pytest.mark.parametrize("scenario", client_scenarios())
def test_the_client_scenario_passes(scenario: str) -> None:
    outcome = run_scenario(scenario)
    assert outcome.passed, "\n".join(outcome.failures)
