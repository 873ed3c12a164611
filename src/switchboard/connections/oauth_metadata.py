"""An authorization server's metadata, for the A2A schemes that need a token (OAuth2, OpenID
Connect): read from OpenID discovery or RFC 8414, and refused when it sends tokens elsewhere.

A card may name any URL; the metadata it leads to then says where codes and secrets go. An
endpoint on another host than the issuer is how a forged document would collect them, so it
is refused with a message rather than followed (loopback ports may differ: same host only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from switchboard.connections.owner import CallError

OPENID = "/.well-known/openid-configuration"
OAUTH = "/.well-known/oauth-authorization-server"
ENDPOINTS = ("authorization_endpoint", "token_endpoint", "device_authorization_endpoint")
MAX_METADATA = 256_000  # bytes of a metadata document read at all


class GrantError(CallError):
    """A token could not be had (a `CallError`: what happened, what to do), with the
    server's OAuth error `code` when it gave one."""

    def __init__(self, message: str, hint: str = "", code: str = "") -> None:
        super().__init__(message, hint)
        self.code = code


@dataclass(frozen=True)
class ServerMetadata:
    """Where an authorization server takes requests, and what it supports."""

    issuer: str
    token_endpoint: str
    authorization_endpoint: str = ""
    device_authorization_endpoint: str = ""
    revocation_endpoint: str = ""
    auth_methods: tuple[str, ...] = ("client_secret_basic",)
    scopes: tuple[str, ...] = ()
    discovered: bool = False  # read from a metadata document (its issuer is the real one)

    @classmethod
    def of(cls, document: dict[str, Any], source: str) -> ServerMetadata:
        """Read a metadata document fetched from `source`; GrantError when it is not one or
        sends requests to another host."""
        issuer, token = document.get("issuer"), document.get("token_endpoint")
        if not isinstance(issuer, str) or not isinstance(token, str):
            raise GrantError(
                f"{source} is not authorization server metadata (no issuer or token_endpoint).",
                "Check the URL in the agent's card, or set the token URL in the config.",
            )
        for name in (*ENDPOINTS, "revocation_endpoint"):
            _same_host(document.get(name), issuer, name)
        return cls(
            issuer=issuer,
            token_endpoint=token,
            authorization_endpoint=str(document.get("authorization_endpoint") or ""),
            device_authorization_endpoint=str(document.get("device_authorization_endpoint") or ""),
            revocation_endpoint=str(document.get("revocation_endpoint") or ""),
            auth_methods=tuple(
                document.get("token_endpoint_auth_methods_supported") or ("client_secret_basic",)
            ),
            scopes=tuple(document.get("scopes_supported") or ()),
            discovered=True,
        )


async def discover(http: httpx.AsyncClient, url: str) -> ServerMetadata:
    """The metadata at `url` (an OpenID Connect discovery URL, as a card's
    openIdConnectUrl gives it), or at an issuer's well-known paths (OpenID, then RFC 8414)."""
    tried = [url] if "/.well-known/" in url else [url.rstrip("/") + OPENID, _rfc8414(url)]
    problem = ""
    for candidate in tried:
        try:
            response = await http.get(candidate, headers={"accept": "application/json"})
        except httpx.HTTPError as exc:
            raise GrantError(
                f"The authorization server at {candidate} cannot be reached "
                f"({type(exc).__name__}).",
                "Check that it is running and its URL in the card or config, then retry.",
            ) from exc
        if response.status_code == 200 and len(response.content) <= MAX_METADATA:
            try:
                document = response.json()
            except ValueError:
                problem = f"{candidate} did not answer with JSON"
                continue
            if isinstance(document, dict):
                return ServerMetadata.of(document, candidate)
        problem = f"{candidate} answered {response.status_code}"
    raise GrantError(
        f"No authorization server metadata: {problem}.",
        "Check the card's URL for it, or set the token URL in the config.",
    )


def _rfc8414(issuer: str) -> str:
    """RFC 8414's well-known URL: inserted before the issuer's path."""
    parsed = httpx.URL(issuer)
    path = parsed.path.rstrip("/")
    return str(parsed.copy_with(path=OAUTH + (path if path != "/" else "")))


def _same_host(endpoint: object, issuer: str, name: str) -> None:
    if not endpoint:
        return
    if not isinstance(endpoint, str) or httpx.URL(endpoint).host != httpx.URL(issuer).host:
        raise GrantError(
            f"The authorization server's metadata sends its {name} to another host "
            f"({endpoint!s:.200}) than its issuer {issuer}: refused, so no code or secret "
            "goes there.",
            "Tell the server's operator; a genuine server keeps its endpoints on its own host.",
        )
