"""What the model may call: API-safe names, and which rule says whether a call asks first."""

from __future__ import annotations

from switchboard.assistant.tools import Target, api_name
from switchboard.connections.updates import StepKind


def test_tool_names_are_made_valid_and_unique_with_a_way_back() -> None:
    assert api_name("my server.v2__read file") == "my_server_v2__read_file"
    long = api_name("s" * 40 + "__" + "t" * 40)
    assert len(long) == 64 and long.startswith("s" * 20)
    taken = {"a_b": object()}
    assert api_name("a b", taken) != "a_b" and api_name("a b", taken).startswith("a_b_")
    assert api_name("ünïcode!") == "n_code"


def test_the_most_specific_approval_rule_wins() -> None:
    add = Target(StepKind.MCP, "files", "write")
    agent = Target(StepKind.AGENT, "weather")
    rules = {"*": "allow", "files": "ask", "files/write": "allow"}
    assert add.policy(rules) == "allow"
    assert Target(StepKind.MCP, "files", "read").policy(rules) == "ask"
    assert agent.policy(rules) == "allow"
    assert agent.policy({}) == "ask", "asking first is the default"
    assert add.label == "files · write" and agent.label == "weather"
