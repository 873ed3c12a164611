"""An agent card checked against the A2A spec: the cards real agents serve, and one written to
break each rule, each finding saying where."""

from __future__ import annotations

from switchboard.workspace import Workspace
from tests.support.a2a_js import js_agent
from tests.support.fasta2a_agent import echo_agent
from tests.support.hostile_agent import hand_written
from tests.support.servers import serve_app
from tests.support.turns import connect

OFF_SPEC = {
    "name": "Off spec",
    "description": "",
    "version": "1.0",
    "capabilities": {"extendedAgentCard": True},
    "defaultInputModes": ["text"],
    "defaultOutputModes": ["text/plain"],
    "documentationUrl": "docs/index.html",
    "skills": [
        {"id": "s", "name": "One", "description": "d", "tags": ["a"], "inputModes": ["pdf"]},
        {"id": "s", "name": "Two", "description": "d", "tags": ["b"]},
    ],
    "securitySchemes": {
        "oauth": {
            "oauth2SecurityScheme": {
                "flows": {"clientCredentials": {"tokenUrl": "/token", "scopes": {"read": "r"}}}
            }
        }
    },
    "securityRequirements": [
        {"schemes": {"oauth": {"list": ["write"]}}},
        {"schemes": {"missing": {"list": []}}},
    ],
}


def test_the_cards_of_the_demo_and_the_js_agent_meet_the_spec(
    workspace: Workspace, demo_agent: str
) -> None:
    demo = connect(workspace, demo_agent, name="demo")
    with js_agent() as url:
        js = connect(workspace, url, name="js")
    assert demo.card is not None and demo.card.findings == []
    assert js.card is not None and js.card.findings == []


def test_fasta2a_serves_an_empty_skills_list_which_the_spec_requires_filled(
    workspace: Workspace,
) -> None:
    with serve_app(echo_agent()) as url:
        agent = connect(workspace, url)
    assert agent.card is not None and agent.card.findings == ["skills: required, but empty"]


def test_each_rule_a_card_breaks_is_a_finding_that_says_where(workspace: Workspace) -> None:
    with serve_app(lambda base: hand_written(base, "Off spec", [], {}, OFF_SPEC)) as url:
        agent = connect(workspace, url)
    assert agent.status == "ready", "a card off the spec is still used"
    assert agent.card is not None
    assert sorted(agent.card.findings) == sorted(
        [
            "description: required, but empty",
            "default_input_modes[0]: 'text' is not a media type (like text/plain)",
            "skills[0].input_modes[0]: 'pdf' is not a media type (like text/plain)",
            "skills[1].id: 's' is used by another skill",
            "documentation_url: 'docs/index.html' is not an absolute http(s) URL",
            "security_schemes['oauth'].flows.client_credentials.token_url: '/token' is not an "
            "absolute http(s) URL",
            "security_requirements[0]: scope 'write' is not among 'oauth''s flows' scopes",
            "security_requirements[1]: names scheme 'missing', which security_schemes lacks",
        ]
    )
