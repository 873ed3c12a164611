"""A person signing in to an A2A agent: the authorization code with PKCE (the authorization
page opened from the Agents page, the redirect back to the app's callback page matched by
`state`) or the device code (a page and a code shown to the person), and the token kept in
the vault per (owner, agent), with the origin it was issued for, so a restart needs no new
sign-in and a token never follows the agent's name to another host.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

import httpx

from switchboard.config import Grant
from switchboard.connections.http import Origin
from switchboard.connections.oauth_device import start, wait_for_token
from switchboard.connections.oauth_metadata import GrantError, ServerMetadata
from switchboard.connections.oauth_tokens import (
    Client,
    Pkce,
    Token,
    authorization_url,
    exchange_code,
)
from switchboard.connections.sign_in import SHARED, EachPerson, RefusedSignIn, Signing
from switchboard.connections.vault import Item, VaultError, VaultKey

KIND = "agent"  # the vault's and the sign-ins' kind for agents
AGAIN = "Reconnect the agent on the Agents page to sign in again."


@dataclass(frozen=True)
class Prompt:
    """What the person is asked to do now: open `url` (and, for a device code, enter
    `user_code` there)."""

    url: str
    user_code: str = ""


class PersonSignIn:
    """One agent's sign-in as a person, for one owner (SHARED: a config agent's)."""

    def __init__(self, signing: Signing, owner: str | None, name: str, origin: Origin) -> None:
        self.signing, self.owner, self.name = signing, owner or SHARED, name
        self.origin = origin
        self.prompt: Prompt | None = None  # while the person is asked
        self.each_person = False  # refused: a shared agent's, while each signs in alone

    def _key(self) -> VaultKey:
        return VaultKey(self.owner, KIND, self.name, Item.TOKENS)

    def kept(self) -> Token | None:
        """The token kept for this agent, if it was issued for the agent's current origin."""
        try:
            raw = self.signing.vault.get(self._key())
            if raw is None:
                return None
            kept = json.loads(raw)
            if kept.get("origin") != list(self.origin):
                return None
            return Token(**kept["token"])
        except (VaultError, ValueError, TypeError, KeyError):
            return None

    def keep(self, token: Token) -> None:
        """Keep `token` (sealed by the vault) for the next connect and the next start."""
        data = {"origin": list(self.origin), "token": json.loads(token.to_json())}
        self.signing.vault.put(self._key(), json.dumps(data).encode())

    def forget(self) -> None:
        """Sign out: the kept token goes; the next connect asks the person again."""
        self.signing.vault.forget(self.owner, KIND, self.name)

    async def sign_in(
        self,
        http: httpx.AsyncClient,
        server: ServerMetadata,
        client: Client,
        grant: Grant,
        scopes: tuple[str, ...],
    ) -> Token:
        """Ask the person (GrantError when they or the server refuse, or time runs out)."""
        try:
            self.signing.ask(self.owner)
            if grant == Grant.DEVICE_CODE:
                return await self._device(http, server, client, scopes)
            return await self._code(http, server, client, scopes)
        except EachPerson as exc:
            self.each_person = True
            raise GrantError(str(exc), "Each person sees their own sign-in.") from exc
        except RefusedSignIn as exc:
            raise GrantError(str(exc), AGAIN) from exc
        finally:
            self.prompt = None

    async def _code(
        self,
        http: httpx.AsyncClient,
        server: ServerMetadata,
        client: Client,
        scopes: tuple[str, ...],
    ) -> Token:
        pkce, redirect_uri = Pkce.new(), self.signing.redirect_uri
        url = authorization_url(
            server, client, redirect_uri, scopes, secrets.token_urlsafe(24), pkce
        )
        waiting = self.signing.sign_ins.open(self.owner, KIND, self.name, url)
        self.prompt = Prompt(url)
        redirect = await self.signing.sign_ins.wait(waiting)
        if redirect.iss and redirect.iss.rstrip("/") != server.issuer.rstrip("/"):
            raise GrantError(  # RFC 9207: the code came from another authorization server
                f"The sign-in came back from {redirect.iss}, not {server.issuer}: refused.",
                AGAIN,
            )
        return await exchange_code(http, server, client, redirect.code, redirect_uri, pkce)

    async def _device(
        self,
        http: httpx.AsyncClient,
        server: ServerMetadata,
        client: Client,
        scopes: tuple[str, ...],
    ) -> Token:
        grant = await start(http, server, client, scopes)
        self.prompt = Prompt(
            grant.verification_uri_complete or grant.verification_uri, grant.user_code
        )
        return await wait_for_token(http, server, client, grant)
