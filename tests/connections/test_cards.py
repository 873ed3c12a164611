"""Finding and reading agent cards: base URL or full card URL, the legacy path, and a clear
message for each kind of broken card."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from switchboard.connections.cards import parse_card
from switchboard.workspace import Workspace
from tests.support.hostile_http import CARD, hostile_cards
from tests.support.servers import serve_app
from tests.support.turns import connect


@pytest.fixture(scope="module")
def demo_card(demo_agent: str) -> dict:
    return httpx.get(demo_agent + "/.well-known/agent-card.json").json()


@pytest.fixture(scope="module")
def odd_cards(demo_card: dict) -> Iterator[str]:
    """A server whose paths each hold a different kind of broken (or legacy) card."""

    def card(body: object, status: int = 200) -> Callable[[Request], Response]:
        return lambda _request: JSONResponse(body, status_code=status)

    routes = [
        Route("/html/.well-known/agent-card.json", lambda r: PlainTextResponse("<html>hi</html>")),
        Route("/noname/.well-known/agent-card.json", card({"description": "no name"})),
        Route("/nowhere/.well-known/agent-card.json", card({"name": "Nowhere", "version": "1"})),
        Route(
            "/badtypes/.well-known/agent-card.json",
            card({"name": "Bad", "supportedInterfaces": "not a list"}),
        ),
        Route("/locked/.well-known/agent-card.json", card({"error": "who are you"}, 401)),
        Route("/broken/.well-known/agent-card.json", card({"error": "oops"}, 500)),
        Route("/legacy/.well-known/agent.json", card(demo_card)),
    ]
    with serve_app(lambda _: Starlette(routes=routes)) as url:
        yield url


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", "No agent card at"),
        ("/html", "is not JSON"),
        ("/noname", "is JSON but not an A2A agent card"),
        ("/nowhere", "names no endpoint"),
        ("/badtypes", "is not a valid A2A agent card"),
        ("/locked", "wants credentials for its card"),
        ("/broken", "answered 500"),
    ],
)
def test_a_bad_card_gives_a_clear_message(
    workspace: Workspace, odd_cards: str, path: str, message: str
) -> None:
    agent = connect(workspace, odd_cards + path)
    assert agent.status == "failed"
    assert message in agent.error


def test_a_legacy_agent_json_card_is_found(workspace: Workspace, odd_cards: str) -> None:
    agent = connect(workspace, odd_cards + "/legacy")
    assert agent.status == "ready", agent.error
    assert agent.card is not None and agent.card.card_url.endswith("/.well-known/agent.json")


def test_a_full_card_url_works(workspace: Workspace, demo_agent: str) -> None:
    agent = connect(workspace, demo_agent + "/.well-known/agent-card.json")
    assert agent.status == "ready"


def test_the_card_is_shown_in_full(workspace: Workspace, demo_agent: str) -> None:
    card = connect(workspace, demo_agent).card
    assert card is not None
    assert card.name and card.description and card.version and card.provider
    assert card.streaming
    assert {(i["binding"], i["version"]) for i in card.interfaces} >= {
        ("JSONRPC", "1.0"),
        ("HTTP+JSON", "1.0"),
        ("JSONRPC", "0.3"),
    }
    examples = {e for skill in card.skills for e in skill["examples"]}
    assert {"story", "ask", "slow", "fail", "data", "image"} <= examples
    assert "text/plain" in card.input_modes and "image/png" in card.output_modes


@pytest.fixture(scope="module")
def hostile() -> Iterator[str]:
    with serve_app(hostile_cards) as url:
        yield url


def test_a_card_behind_a_redirect_connects(workspace: Workspace, hostile: str) -> None:
    agent = connect(workspace, hostile + "/redirect" + CARD)
    assert agent.status == "ready", agent.error
    titles = [e.title for e in agent.wire.entries.snapshot()]
    assert any(t.startswith("302") for t in titles) and any(t.startswith("200") for t in titles)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/silent", "did not send its card within 1 s"),
        ("/drip", "did not send its card within 1 s"),
        ("/gzip", "sent an answer that cannot be read (DecodingError"),
        ("/huge", "is larger than 1,000,000 bytes"),
    ],
)
def test_a_card_server_that_stalls_drips_lies_or_floods_fails_in_bounds_saying_why(
    workspace: Workspace, hostile: str, path: str, message: str
) -> None:
    agent = connect(workspace, hostile + path, connect_timeout=1.0)
    assert agent.status == "failed" and message in agent.error
    kept = sum(len(e.body) for e in agent.wire.entries.snapshot())
    assert kept < 100_000, "the wire log keeps an excerpt, never the body"


def test_a_scheme_in_both_shapes_keeps_its_device_code_flow_and_the_raw_card_stays() -> None:
    """The SDK's agents write each scheme in 1.0's shape and 0.3's (which has no device code):
    the 1.0 one is read, and the card shown raw is the one received."""
    device = {"deviceAuthorizationUrl": "http://127.0.0.1:1/device", "tokenUrl": "http://x/t"}
    scheme = {"oauth2SecurityScheme": {"flows": {"deviceCode": device}}}
    document = {
        "name": "Both shapes",
        "supportedInterfaces": [{"url": "http://127.0.0.1:1/", "protocolBinding": "JSONRPC"}],
        "securitySchemes": {"device": {**scheme, "type": "oauth2", "flows": {}}},
    }
    card, info = parse_card(json.dumps(document).encode())
    flows = card.security_schemes["device"].oauth2_security_scheme.flows
    assert flows.device_code.device_authorization_url == "http://127.0.0.1:1/device"
    assert info.raw["securitySchemes"]["device"]["type"] == "oauth2"
