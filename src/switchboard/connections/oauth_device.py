"""The device authorization grant (RFC 8628): the person opens a page and types a short code
anywhere, while Switchboard polls for the token — sign-in without a redirect back to the app.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from switchboard.connections.oauth_metadata import GrantError, ServerMetadata
from switchboard.connections.oauth_tokens import Client, Token, post_token

SLOW_DOWN = 5.0  # seconds added to the interval when the server says slow_down (RFC 8628)


@dataclass(frozen=True)
class DeviceGrant:
    """What the person is shown (the page and the code), and what the poll sends."""

    user_code: str
    verification_uri: str
    verification_uri_complete: str
    expires_at: float
    interval: float
    device_code: str  # secret: never shown


async def start(
    http: httpx.AsyncClient, server: ServerMetadata, client: Client, scopes: Sequence[str]
) -> DeviceGrant:
    """Ask for a device code; GrantError when the server offers no device flow."""
    if not server.device_authorization_endpoint:
        raise GrantError(
            f"{server.issuer} offers no device authorization endpoint.",
            "Use another flow the card lists, or ask the server's operator to enable it.",
        )
    form = {"client_id": client.client_id, "scope": " ".join(scopes)}
    try:
        response = await http.post(server.device_authorization_endpoint, data=form)
        answer = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise GrantError(
            f"The device authorization endpoint did not answer ({type(exc).__name__}).",
            "Check that the authorization server is running, then retry.",
        ) from exc
    if response.status_code != 200 or not isinstance(answer, dict) or "device_code" not in answer:
        raise GrantError(f"The device authorization endpoint answered {response.status_code}.")
    return DeviceGrant(
        user_code=str(answer["user_code"]),
        verification_uri=str(answer["verification_uri"]),
        verification_uri_complete=str(answer.get("verification_uri_complete") or ""),
        expires_at=time.time() + float(answer.get("expires_in") or 600),
        interval=float(answer.get("interval") or 5),
        device_code=str(answer["device_code"]),
    )


async def wait_for_token(
    http: httpx.AsyncClient, server: ServerMetadata, client: Client, grant: DeviceGrant
) -> Token:
    """Poll until the person approved (the token), denied, or the code expired (GrantError).
    Cancel the calling task to give up."""
    interval = grant.interval
    form = {
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "device_code": grant.device_code,
    }
    while time.time() < grant.expires_at:
        await asyncio.sleep(interval)
        try:
            return Token.of(await post_token(http, server, client, form))
        except GrantError as exc:
            pending = _pending(exc)
            if pending is None:
                raise
            interval += pending
    raise GrantError("The code expired before it was entered.", "Start the sign-in again.")


def _pending(error: GrantError) -> float | None:
    """How much longer to wait when the answer means "not yet"; None when it means "no"."""
    return {"authorization_pending": 0.0, "slow_down": SLOW_DOWN}.get(error.code)
