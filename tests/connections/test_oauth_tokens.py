"""Tokens for A2A schemes from a real, certified OpenID provider (oidc-provider on loopback):
discovery, client credentials, a person's code with PKCE, refresh, the device flow, and each
refusal as a clear message."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from switchboard.connections import oauth_device
from switchboard.connections.oauth_metadata import GrantError, ServerMetadata, discover
from switchboard.connections.oauth_tokens import (
    Client,
    Pkce,
    Token,
    authorization_url,
    client_credentials,
    exchange_code,
    refresh,
    revoke,
)
from tests.support.oidc import Issuer, approve_device, oidc_provider, public_client, sign_in

REDIRECT = "http://127.0.0.1:8501/oauth_callback"
SECRET = "machine-secret-0123456789"
MACHINE = Client("machine", SECRET)
PERSON = Client("switchboard")
CLIENTS = [
    {
        "client_id": "machine",
        "client_secret": SECRET,
        "grant_types": ["client_credentials"],
        "redirect_uris": [],
        "response_types": [],
    },
    public_client(REDIRECT, device=True),
]


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    with oidc_provider(CLIENTS) as running:
        yield running


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


async def metadata(url: str) -> ServerMetadata:
    async with httpx.AsyncClient() as http:
        return await discover(http, url)


async def with_http(call: Any, *args: Any) -> Any:
    async with httpx.AsyncClient() as http:
        return await call(http, *args)


def subject(token: Token) -> str:
    payload = token.access_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]


def test_discovery_from_the_issuer_or_the_cards_discovery_url(issuer: Issuer) -> None:
    by_issuer = run(metadata(issuer.url))
    by_url = run(metadata(f"{issuer.url}/.well-known/openid-configuration"))
    assert by_issuer == by_url and by_issuer.issuer == issuer.url
    assert by_issuer.device_authorization_endpoint.startswith(issuer.url)


def test_client_credentials_give_a_token_and_a_wrong_secret_says_what_to_check(
    issuer: Issuer,
) -> None:
    server = run(metadata(issuer.url))
    token = run(with_http(client_credentials, server, MACHINE, ["agent.read"]))
    assert token.access_token and token.fresh() and subject(token) == "machine"
    with pytest.raises(GrantError) as refused:
        run(with_http(client_credentials, server, Client("machine", "wrong"), ["agent.read"]))
    assert "does not accept this client" in refused.value.message
    assert "client id and secret" in refused.value.hint and "wrong" not in str(refused.value)


def test_a_person_signs_in_with_a_code_and_pkce_then_refreshes(issuer: Issuer) -> None:
    server, pkce = run(metadata(issuer.url)), Pkce.new()
    scopes = ["openid", "offline_access", "agent.read"]
    url = authorization_url(server, PERSON, REDIRECT, scopes, "state-1", pkce)
    assert parse_qs(urlsplit(url).query)["code_challenge_method"] == ["S256"]
    back = sign_in(url, REDIRECT, "grace")
    assert back["state"] == "state-1"
    token = run(with_http(exchange_code, server, PERSON, back["code"], REDIRECT, pkce))
    assert subject(token) == "grace" and token.refresh_token
    renewed = run(with_http(refresh, server, PERSON, token))
    assert renewed.access_token != token.access_token and subject(renewed) == "grace"
    assert Token.from_json(renewed.to_json()) == renewed, "kept in the vault as JSON"
    with pytest.raises(GrantError) as reused:  # a code is single use
        run(with_http(exchange_code, server, PERSON, back["code"], REDIRECT, pkce))
    assert "used, expired or revoked" in reused.value.message and reused.value.hint
    assert run(with_http(revoke, server, PERSON, renewed)), "signed out at the server"
    with pytest.raises(GrantError) as revoked:
        run(with_http(refresh, server, PERSON, renewed))
    assert "used, expired or revoked" in revoked.value.message
    assert revoked.value.hint == "Sign in again."


def test_a_wrong_verifier_is_refused(issuer: Issuer) -> None:
    server, pkce = run(metadata(issuer.url)), Pkce.new()
    url = authorization_url(server, PERSON, REDIRECT, ["openid"], "state-2", pkce)
    back = sign_in(url, REDIRECT)
    with pytest.raises(GrantError, match="refused the grant"):
        run(with_http(exchange_code, server, PERSON, back["code"], REDIRECT, Pkce.new()))


def test_the_device_flow_waits_for_the_person_on_another_device(issuer: Issuer) -> None:
    server = run(metadata(issuer.url))

    async def flow() -> Token:
        async with httpx.AsyncClient() as http:
            grant = await oauth_device.start(http, server, PERSON, ["openid", "agent.read"])
            assert grant.user_code and grant.verification_uri.startswith(issuer.url)
            approving = asyncio.to_thread(approve_device, grant.verification_uri_complete, "lin")
            grant = oauth_device.DeviceGrant(**{**grant.__dict__, "interval": 0.2})
            token, _ = await asyncio.gather(
                oauth_device.wait_for_token(http, server, PERSON, grant), approving
            )
            return token

    assert subject(run(flow())) == "lin"


def test_metadata_that_sends_tokens_to_another_host_is_refused() -> None:
    forged = {
        "issuer": "http://127.0.0.1:9",
        "token_endpoint": "http://localhost:9/token",
        "authorization_endpoint": "http://127.0.0.1:9/auth",
    }
    with pytest.raises(GrantError) as refused:
        ServerMetadata.of(forged, "http://127.0.0.1:9/.well-known/openid-configuration")
    assert "another host" in refused.value.message and "token_endpoint" in refused.value.message


def test_an_authorization_server_that_is_down_says_so() -> None:
    with pytest.raises(GrantError) as down:
        run(metadata("http://127.0.0.1:9"))
    assert "cannot be reached" in down.value.message and "running" in down.value.hint
