"""A short soak (the long one is `python -m benchmarks.run --only soak`): 120 mixed turns
through one workspace against the demo agent and the demo MCP server leave no seed error, no
stuck turn, and threads, fds and loop tasks where they were after the warm-up."""

from __future__ import annotations

from benchmarks.soak import SEEDS, Soak

from switchboard.config import AgentSettings
from switchboard.workspace import Workspace
from tests.support.servers import DEMO_MCP
from tests.support.turns import WAIT

TURNS = 120


def test_a_short_soak_leaves_nothing_behind(workspace: Workspace, demo_agent: str) -> None:
    workspace.add_agent(AgentSettings("demo-agent", demo_agent)).wait(WAIT)
    assert workspace.add_server(DEMO_MCP).wait(WAIT).status == "ready"
    report = Soak(workspace, "demo-agent", DEMO_MCP.name).run(TURNS)
    assert sum(report.turns.values()) == TURNS and report.stuck == []
    assert {seed: report.seeds[seed] for seed in SEEDS} == dict.fromkeys(SEEDS, 0)
    before, after = report.baseline, report.after
    assert before is not None and after is not None
    assert after.threads <= before.threads, (before, after)
    assert after.tasks <= before.tasks, (before, after)
    assert after.fds <= before.fds, (before, after)
