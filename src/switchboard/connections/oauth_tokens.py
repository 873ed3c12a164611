"""OAuth 2.0 tokens for the A2A schemes that need one: the token itself (kept in the vault as
JSON), and the token endpoint's grants — client credentials, a code with PKCE, refresh.

The mcp SDK does all of this for MCP servers; an A2A client has no such SDK part, and the
grants are a few form posts, so they are here. Nothing here logs a token, a code or a secret.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from switchboard.connections.oauth_metadata import GrantError, ServerMetadata

REFRESH_MARGIN = 60.0  # seconds before expiry a token is renewed


@dataclass(frozen=True)
class Client:
    """Who asks for tokens: a client id, its secret (none for a public client), and how the
    secret is sent (client_secret_basic or client_secret_post)."""

    client_id: str
    secret: str = ""
    auth_method: str = ""

    def method(self, server: ServerMetadata) -> str:
        """The auth method to use: the configured one, else basic or post as the server says."""
        if not self.secret:
            return "none"
        if self.auth_method:
            return self.auth_method
        return (
            "client_secret_post"
            if "client_secret_basic" not in server.auth_methods
            else ("client_secret_basic")
        )


@dataclass(frozen=True)
class Token:
    """An access token, until when it holds, and what renews it."""

    access_token: str
    expires_at: float | None = None  # epoch seconds; None: the server did not say
    refresh_token: str = ""
    scope: str = ""
    token_type: str = "Bearer"

    def fresh(self, margin: float = REFRESH_MARGIN) -> bool:
        """Whether it still holds `margin` seconds from now."""
        return self.expires_at is None or self.expires_at - time.time() > margin

    def to_json(self) -> bytes:
        return json.dumps(asdict(self)).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Token:
        return cls(**json.loads(data))

    @classmethod
    def of(cls, answer: dict[str, Any], kept_refresh: str = "") -> Token:
        """A token endpoint's answer; a refresh answer without a new refresh token keeps
        `kept_refresh`."""
        expires = answer.get("expires_in")
        return cls(
            access_token=str(answer["access_token"]),
            expires_at=time.time() + float(expires) if expires else None,
            refresh_token=str(answer.get("refresh_token") or kept_refresh),
            scope=str(answer.get("scope") or ""),
            token_type=str(answer.get("token_type") or "Bearer"),
        )


@dataclass(frozen=True)
class Pkce:
    """A PKCE verifier and its S256 challenge."""

    verifier: str
    challenge: str

    @classmethod
    def new(cls) -> Pkce:
        verifier = secrets.token_urlsafe(48)
        digest = hashlib.sha256(verifier.encode()).digest()
        return cls(verifier, base64.urlsafe_b64encode(digest).decode().rstrip("="))


def authorization_url(
    server: ServerMetadata,
    client: Client,
    redirect_uri: str,
    scopes: Sequence[str],
    state: str,
    pkce: Pkce,
) -> str:
    """Where the person signs in (a code with PKCE); the redirect comes back with `state`."""
    if not server.authorization_endpoint:
        raise GrantError(
            f"{server.issuer} has no authorization endpoint: it cannot sign a person in."
        )
    query = {
        "response_type": "code",
        "client_id": client.client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(scopes),
        "state": state,
        "code_challenge": pkce.challenge,
        "code_challenge_method": "S256",
    }
    joiner = "&" if "?" in server.authorization_endpoint else "?"
    return f"{server.authorization_endpoint}{joiner}{urlencode(query)}"


async def exchange_code(
    http: httpx.AsyncClient,
    server: ServerMetadata,
    client: Client,
    code: str,
    redirect_uri: str,
    pkce: Pkce,
) -> Token:
    """The token for a code the redirect brought back."""
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    return Token.of(
        await post_token(http, server, client, {**form, "code_verifier": pkce.verifier})
    )


async def client_credentials(
    http: httpx.AsyncClient, server: ServerMetadata, client: Client, scopes: Sequence[str]
) -> Token:
    """A machine's own token (no person involved)."""
    form = {"grant_type": "client_credentials"}
    if scopes:
        form["scope"] = " ".join(scopes)
    return Token.of(await post_token(http, server, client, form))


async def refresh(
    http: httpx.AsyncClient, server: ServerMetadata, client: Client, token: Token
) -> Token:
    """A new access token from `token`'s refresh token; GrantError when it was revoked or
    expired (the person signs in again)."""
    if not token.refresh_token:
        raise GrantError("The token expired and no refresh token came with it.", SIGN_IN_AGAIN)
    form = {"grant_type": "refresh_token", "refresh_token": token.refresh_token}
    return Token.of(await post_token(http, server, client, form), token.refresh_token)


async def revoke(
    http: httpx.AsyncClient, server: ServerMetadata, client: Client, token: Token
) -> bool:
    """Tell the server to forget `token` (signing out); False when it has no revocation
    endpoint or could not be told (the token is forgotten here all the same)."""
    if not server.revocation_endpoint:
        return False
    form = {"token": token.refresh_token or token.access_token}
    if client.method(server) != "client_secret_basic":
        form["client_id"] = client.client_id
    auth = httpx.BasicAuth(client.client_id, client.secret) if client.secret else None
    try:
        response = await http.post(server.revocation_endpoint, data=form, auth=auth)
    except httpx.HTTPError:
        return False
    return response.status_code == 200


SIGN_IN_AGAIN = "Sign in again."
ERRORS = {
    "invalid_client": (
        "The authorization server does not accept this client.",
        "Check the client id and secret in the config.",
    ),
    "invalid_grant": (
        "The authorization server refused the grant: the code or refresh token "
        "is used, expired or revoked.",
        SIGN_IN_AGAIN,
    ),
    "invalid_scope": (
        "The authorization server refused the scopes asked for.",
        "Check the scopes in the config against what the server offers.",
    ),
    "unauthorized_client": (
        "This client may not use this grant.",
        "Allow the grant for the client at the authorization server.",
    ),
    "access_denied": ("The sign-in was declined.", "Start it again to retry."),
    "expired_token": ("The code expired before it was entered.", "Start the sign-in again."),
}


async def post_token(
    http: httpx.AsyncClient, server: ServerMetadata, client: Client, form: dict[str, str]
) -> dict[str, Any]:
    """POST `form` to the token endpoint, authenticated as `client` says; its JSON answer, or
    GrantError saying what the server's refusal means."""
    method, auth = client.method(server), None
    if method == "client_secret_basic":
        auth = httpx.BasicAuth(client.client_id, client.secret)
    else:
        form = {**form, "client_id": client.client_id}
        if method == "client_secret_post":
            form["client_secret"] = client.secret
    try:
        response = await http.post(server.token_endpoint, data=form, auth=auth)
    except httpx.HTTPError as exc:
        raise GrantError(
            f"The authorization server's token endpoint cannot be reached ({type(exc).__name__}).",
            "Check that it is running, then retry.",
        ) from exc
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if response.status_code == 200 and isinstance(answer, dict) and answer.get("access_token"):
        return answer
    code = answer.get("error", "") if isinstance(answer, dict) else ""
    message, hint = ERRORS.get(code, (f"The token endpoint answered {response.status_code}.", ""))
    detail = answer.get("error_description", "") if isinstance(answer, dict) else ""
    raise GrantError(f"{message}{f' ({detail:.200})' if detail else ''}", hint, str(code))
