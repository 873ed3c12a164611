"""Mutual TLS to an A2A agent: the demo agent served over HTTPS by uvicorn, requiring a
client certificate its private CA signed, with a card that declares the mutual TLS scheme.
The certificate from the config is presented to the agent's origin and to no other host;
each way of getting it wrong is a message saying what to give, and other agents keep
working."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from a2a.types import MutualTlsSecurityScheme, SecurityRequirement, SecurityScheme, StringList
from starlette.applications import Starlette

from switchboard.config import AgentSettings, SchemeCredentials
from switchboard.connections.http import make_http_client
from switchboard.connections.owner import CallError, Status
from switchboard.connections.tls import agent_tls
from switchboard.connections.wire import WireLog
from switchboard.demo.agent import build_app, build_card
from switchboard.workspace import Workspace
from tests.support.servers import serve_app
from tests.support.tls import Certificates, Pem, make_certificates, peer_reporting_server
from tests.support.tracebacks import no_tracebacks
from tests.support.turns import connect, run_turn

SCHEME = "client-cert"


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def mtls_agent(certs: Certificates) -> Iterator[str]:
    """The demo agent over HTTPS, client certificate required, its card saying so."""

    def build(base: str) -> Starlette:
        card = build_card(base)
        card.name = "Certificate Agent"
        scheme = MutualTlsSecurityScheme(description="A certificate from our CA")
        card.security_schemes[SCHEME].CopyFrom(SecurityScheme(mtls_security_scheme=scheme))
        card.security_requirements.append(SecurityRequirement(schemes={SCHEME: StringList()}))
        return build_app(base, card=card)

    with serve_app(build, tls=certs) as url:
        yield url


@pytest.fixture(autouse=True)
def clean_log() -> Iterator[None]:
    with no_tracebacks():
        yield


def with_cert(pem: Pem) -> dict[str, SchemeCredentials]:
    return {SCHEME: SchemeCredentials(cert_file=str(pem.cert), key_file=str(pem.key))}


def test_the_configured_certificate_signs_in_and_the_agent_answers(
    workspace: Workspace, certs: Certificates, mtls_agent: str
) -> None:
    agent = connect(workspace, mtls_agent, auth=with_cert(certs.client), ca_file=str(certs.ca))
    assert agent.status == Status.READY, agent.error
    (row,) = agent.schemes
    assert (row.name, row.kind, row.given) == (
        SCHEME,
        "mutual TLS",
        f"certificate {certs.client.cert}",
    )
    view = run_turn(workspace, workspace.chat.new_conversation(agent.name), "hello")
    assert "I am the Switchboard demo agent" in view.text()


@pytest.mark.parametrize("who", ["nobody", "stranger"])
def test_no_certificate_or_one_the_agent_does_not_trust_says_what_to_give(
    workspace: Workspace,
    certs: Certificates,
    mtls_agent: str,
    demo_agent: str,
    who: str,
) -> None:
    """TLS 1.3: the agent closes the connection without an alert, so the message names the
    likely cause and what to give."""
    auth = with_cert(certs.stranger) if who == "stranger" else {}
    agent = connect(workspace, mtls_agent, auth=auth, ca_file=str(certs.ca))
    assert agent.status == Status.FAILED
    assert "an agent that requires a client certificate" in agent.error
    assert "certFile and keyFile" in agent.error
    other = connect(workspace, demo_agent, name="demo")
    assert (
        "demo agent"
        in run_turn(workspace, workspace.chat.new_conversation(other.name), "hello").text()
    )


def test_a_private_ca_without_ca_file_is_named(
    workspace: Workspace, certs: Certificates, mtls_agent: str
) -> None:
    agent = connect(workspace, mtls_agent, auth=with_cert(certs.client))
    assert agent.status == Status.FAILED
    assert "its TLS certificate is not trusted" in agent.error and "caFile" in agent.error


def test_a_key_that_is_not_the_certificates_is_refused_before_connecting(
    certs: Certificates,
) -> None:
    wrong = Pem(certs.client.cert, certs.stranger.key)
    settings = AgentSettings("agent", "https://127.0.0.1:1", auth=with_cert(wrong))
    with pytest.raises(CallError, match="The TLS files for agent 'agent' cannot be used"):
        agent_tls(settings)


def test_the_certificate_goes_to_the_agents_origin_only(
    workspace: Workspace, certs: Certificates, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One client, a request to the agent's origin and one to another host that asks for a
    certificate but does not require one: only the agent's origin gets it."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certs.ca))  # the other host's trust, for httpx
    with (
        peer_reporting_server(certs) as (agent, at_agent),
        peer_reporting_server(certs) as (other, at_other),
    ):
        settings = AgentSettings("agent", agent, auth=with_cert(certs.client))

        async def both() -> None:
            client = make_http_client(agent, {}, WireLog(), 10_000, tls=agent_tls(settings))
            async with client as http:
                assert (await http.get(f"{agent}/card")).json() == {}
                assert (await http.get(f"{other}/card")).json() == {}

        workspace.runtime.call(both(), timeout=20)
    assert (at_agent, at_other) == (["test client"], [""])
