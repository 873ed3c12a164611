"""The OpenID provider the sign-in tests rely on does what they assume: discovery, client
credentials with JWT access tokens for the agent, and a person's code + PKCE sign-in with a
refresh token that works."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
import pytest

from tests.support.oidc import RESOURCE, Issuer, oidc_provider, public_client, sign_in

REDIRECT = "http://127.0.0.1:8501/oauth_callback"
MACHINE = {
    "client_id": "machine",
    "client_secret": "machine-secret-0123456789",
    "grant_types": ["client_credentials"],
    "redirect_uris": [],
    "response_types": [],
}
PERSON = public_client(REDIRECT)


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    with oidc_provider([MACHINE, PERSON]) as running:
        yield running


def claims(jwt: str) -> dict:
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_discovery_names_every_flow_the_tests_use(issuer: Issuer) -> None:
    meta = issuer.metadata
    assert meta["issuer"] == issuer.url
    assert {"authorization_code", "client_credentials", "refresh_token"} <= set(
        meta["grant_types_supported"]
    )
    assert meta["device_authorization_endpoint"] and meta["revocation_endpoint"]
    assert "S256" in meta["code_challenge_methods_supported"]


def test_client_credentials_give_a_jwt_for_the_agent(issuer: Issuer) -> None:
    token = httpx.post(
        issuer.token_endpoint,
        data={"grant_type": "client_credentials", "scope": "agent.read", "resource": RESOURCE},
        auth=(MACHINE["client_id"], MACHINE["client_secret"]),
    ).json()
    assert token["token_type"] == "Bearer"
    assert claims(token["access_token"])["aud"] == RESOURCE


def test_a_person_signs_in_with_code_and_pkce_and_the_refresh_token_works(
    issuer: Issuer,
) -> None:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    query = {
        "client_id": "switchboard",
        "response_type": "code",
        "redirect_uri": REDIRECT,
        "scope": "openid offline_access agent.read",
        "state": "s-1",
        "code_challenge": challenge.decode().rstrip("="),
        "code_challenge_method": "S256",
        "resource": RESOURCE,
        "prompt": "consent",
    }
    back = sign_in(f"{issuer.metadata['authorization_endpoint']}?{urlencode(query)}", REDIRECT)
    assert back["state"] == "s-1" and back["code"]
    exchange = {"grant_type": "authorization_code", "code": back["code"], "resource": RESOURCE}
    exchange |= {"client_id": "switchboard", "redirect_uri": REDIRECT, "code_verifier": verifier}
    token = httpx.post(issuer.token_endpoint, data=exchange).json()
    assert claims(token["access_token"])["sub"] == "ada" and token["refresh_token"]
    refresh = {"grant_type": "refresh_token", "refresh_token": token["refresh_token"]}
    renewed = httpx.post(issuer.token_endpoint, data={**refresh, "client_id": "switchboard"})
    assert renewed.status_code == 200, renewed.text
    assert renewed.json()["access_token"] != token["access_token"]
