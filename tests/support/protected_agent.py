"""An A2A agent that asks for sign-in: the demo agent with a card declaring OAuth2 (client
credentials, authorization code with PKCE, device code) or OpenID Connect, both at the
OpenID provider of tests/support/oidc, and every request but the card's checked there. Its
authenticated extended card lists one more skill (PRIVATE).

Tokens are checked as a resource server checks a JWT access token: signed by a key of the
provider's JWKS, from its issuer, for this agent's audience, not expired. A request without
one gets 401 with a `WWW-Authenticate` naming what is missing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from enum import StrEnum

import httpx
import jwt
from a2a.types import (
    AgentCard,
    AgentSkill,
    AuthorizationCodeOAuthFlow,
    ClientCredentialsOAuthFlow,
    DeviceCodeOAuthFlow,
    OAuth2SecurityScheme,
    OAuthFlows,
    OpenIdConnectSecurityScheme,
    SecurityRequirement,
    SecurityScheme,
    StringList,
)
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from switchboard.demo.agent import build_app, build_card
from tests.support.oidc import RESOURCE, Issuer
from tests.support.servers import serve_app

CARD_PATH = "/.well-known/agent-card.json"
SCOPES = {"agent.read": "Talk to the agent"}
PRIVATE = "Private skill"  # the skill only the extended card lists


class Scheme(StrEnum):
    """What the card declares (A2A 1.0 gives each OAuth2 scheme one flow): its name there."""

    CLIENT_CREDENTIALS = "machine"
    AUTHORIZATION_CODE = "person"
    DEVICE_CODE = "device"
    OIDC = "oidc"


def security(kind: Scheme, issuer: Issuer) -> SecurityScheme:
    """The card's scheme: one OAuth2 flow, or OpenID Connect discovery, at `issuer`."""
    meta, scopes = issuer.metadata, SCOPES
    token = meta["token_endpoint"]
    if kind == Scheme.OIDC:
        url = f"{issuer.url}/.well-known/openid-configuration"
        oidc = OpenIdConnectSecurityScheme(open_id_connect_url=url, description="Test provider")
        return SecurityScheme(open_id_connect_security_scheme=oidc)
    if kind == Scheme.CLIENT_CREDENTIALS:
        flows = OAuthFlows(
            client_credentials=ClientCredentialsOAuthFlow(token_url=token, scopes=scopes)
        )
    elif kind == Scheme.AUTHORIZATION_CODE:
        authorization = meta["authorization_endpoint"]
        flows = OAuthFlows(
            authorization_code=AuthorizationCodeOAuthFlow(
                authorization_url=authorization, token_url=token, scopes=scopes, pkce_required=True
            )
        )
    else:
        device = meta["device_authorization_endpoint"]
        flows = OAuthFlows(
            device_code=DeviceCodeOAuthFlow(
                device_authorization_url=device, token_url=token, scopes=scopes
            )
        )
    return SecurityScheme(oauth2_security_scheme=OAuth2SecurityScheme(flows=flows))


class RequireToken:
    """ASGI middleware: every request but the card's needs a bearer JWT from `issuer` for
    RESOURCE; the subjects seen are kept (`subjects`), for tests."""

    def __init__(self, app: ASGIApp, issuer: Issuer) -> None:
        self.app = app
        self.issuer = issuer.url
        self.keys = jwt.PyJWKSet.from_dict(httpx.get(issuer.metadata["jwks_uri"]).json())
        self.subjects: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] == CARD_PATH:
            await self.app(scope, receive, send)
            return
        header = Request(scope).headers.get("authorization", "")
        problem = self._problem(header.removeprefix("Bearer ").strip())
        if problem:
            challenge = f'Bearer error="invalid_token", error_description="{problem}"'
            answer = JSONResponse({"error": problem}, 401, {"WWW-Authenticate": challenge})
            await answer(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _problem(self, token: str) -> str:
        if not token:
            return "no bearer token"
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            key = next(k for k in self.keys.keys if k.key_id == kid)
            claims = jwt.decode(
                token, key, algorithms=[key.algorithm_name], audience=RESOURCE, issuer=self.issuer
            )
        except (jwt.PyJWTError, StopIteration) as exc:
            return f"the token is not valid here ({type(exc).__name__})"
        self.subjects.append(str(claims.get("sub", "")))
        return ""


@contextlib.contextmanager
def protected_agent(
    issuer: Issuer, kind: Scheme = Scheme.CLIENT_CREDENTIALS
) -> Iterator[tuple[str, RequireToken]]:
    """Serve the protected agent until the block ends: its base URL and its token check."""
    guards: list[RequireToken] = []

    def build(base: str) -> RequireToken:
        card = build_card(base)
        card.name = "Protected Agent"
        card.security_schemes[kind.value].CopyFrom(security(kind, issuer))
        card.security_requirements.append(
            SecurityRequirement(schemes={kind.value: StringList(list=list(SCOPES))})
        )
        card.capabilities.extended_agent_card = True
        extended = AgentCard()
        extended.CopyFrom(card)
        extended.skills.append(AgentSkill(id="private", name=PRIVATE, description="Signed in"))
        guard = RequireToken(build_app(base, card=card, extended=extended), issuer)
        guards.append(guard)
        return guard

    with serve_app(build) as url:
        yield url, guards[0]
