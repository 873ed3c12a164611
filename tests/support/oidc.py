"""The OpenID provider the sign-in tests use (oidc-provider, tests/support/oidc_provider.mjs) on
a loopback port, and a person signing in on its own pages without a browser (the browser tests
fill the same forms with Playwright)."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx

from tests.support.node import node_server
from tests.support.servers import free_port

SCRIPT = Path(__file__).parent / "oidc_provider.mjs"
RESOURCE = "http://127.0.0.1/agent"  # the audience of its access tokens (a protected agent)
FORM = re.compile(r"<form[^>]*action=\"([^\"]+)\"[^>]*>(.*?)</form>", re.S)
HIDDEN = re.compile(r"<input[^>]*type=\"hidden\"[^>]*name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"")
MAX_HOPS = 12  # redirects and forms between the authorization URL and the redirect URI


@dataclass(frozen=True)
class Issuer:
    """A running provider: its issuer URL and its discovery document."""

    url: str
    metadata: dict[str, Any] = field(repr=False)

    @property
    def token_endpoint(self) -> str:
        return str(self.metadata["token_endpoint"])


DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def public_client(redirect_uri: str, device: bool = False) -> dict[str, Any]:
    """The provider's public client for Switchboard (no secret, PKCE), redirecting to the
    app's callback page; with `device`, allowed the device grant too."""
    grants = ["authorization_code", "refresh_token", *([DEVICE_GRANT] if device else [])]
    return {
        "client_id": "switchboard",
        "token_endpoint_auth_method": "none",
        "grant_types": grants,
        "redirect_uris": [redirect_uri],
        "response_types": ["code"],
    }


@contextlib.contextmanager
def oidc_provider(
    clients: list[dict[str, Any]], resource: str = RESOURCE, access_ttl: int = 3600
) -> Iterator[Issuer]:
    """Run the provider with `clients` (oidc-provider client metadata) until the block ends."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    discovery = f"{base}/.well-known/openid-configuration"
    env = {"CLIENTS": json.dumps(clients), "RESOURCE": resource, "ACCESS_TTL": str(access_ttl)}
    with node_server(SCRIPT, (), port, discovery, env):
        yield Issuer(base, httpx.get(discovery, timeout=10).json())


def sign_in(authorize_url: str, redirect_uri: str, username: str = "ada") -> dict[str, str]:
    """Open `authorize_url` as a person would, sign in as `username`, consent, and return the
    query parameters the provider sends to `redirect_uri` (code and state, or an error)."""
    return _walk(authorize_url, username, redirect_uri)


def approve_device(verification_url: str, username: str = "ada") -> None:
    """Open a device grant's complete verification URL, confirm the code, sign in and consent,
    as the person on another device would."""
    _walk(verification_url, username, "")


def _walk(url: str, username: str, redirect_uri: str) -> dict[str, str]:
    """Follow redirects and fill each form (the login, the consent, a confirmation) until the
    provider redirects to `redirect_uri` (its query) or shows a page without a form ({})."""
    with httpx.Client(timeout=10) as browser:
        response = browser.get(url)
        for _ in range(MAX_HOPS):
            location = response.headers.get("location", "")
            if redirect_uri and location.startswith(redirect_uri):
                return dict(parse_qsl(urlsplit(location).query))
            if location:
                response = browser.get(urljoin(str(response.url), location))
                continue
            form = _form(response.text)
            if form is None:
                if redirect_uri:
                    raise AssertionError(f"the provider's page has no form: {response.text[:300]}")
                return {}
            action, fields = form
            fields.update({"login": username, "password": "any", "confirm": "yes"})
            response = browser.post(urljoin(str(response.url), action), data=fields)
    raise AssertionError(f"not done after {MAX_HOPS} steps from {url}")


def _form(page: str) -> tuple[str, dict[str, str]] | None:
    """The first form of a provider page: where it posts and its hidden fields."""
    match = FORM.search(page)
    if match is None:
        return None
    hidden = {name: unescape(value) for name, value in HIDDEN.findall(match.group(2))}
    return unescape(match.group(1)), hidden
