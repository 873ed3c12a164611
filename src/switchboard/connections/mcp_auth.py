"""Signing in to a remote MCP server: the mcp SDK's OAuth providers do the protocol (protected
resource metadata, authorization server metadata, registration, PKCE, scopes and step-up,
refresh); this module does the person's side and the keeping.

Every remote server gets the SDK's `OAuthClientProvider` unless its entry sends its own
Authorization header: it adds nothing until the server answers 401. Then the authorization page
waits in `SignIns` until the person opens it and the redirect comes back to the app. Tokens and
the registered client are kept in the `Vault` per (owner, server), as JSON the vault encrypts.
A `clientCredentials` entry signs in as a machine, with no person.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx2
from mcp.client.auth import OAuthClientProvider
from mcp.client.auth.extensions.client_credentials import (
    ClientCredentialsOAuthProvider,
    PrivateKeyJWTOAuthProvider,
    SignedJWTParameters,
)
from mcp.shared.auth import (
    AuthorizationCodeResult,
    OAuthClientInformationFull,
    OAuthClientMetadata,
    OAuthToken,
)

from switchboard.config import Grant, McpAuthSettings, McpServerSettings
from switchboard.connections.owner import CallError
from switchboard.connections.redaction import Redactor
from switchboard.connections.sign_in import SHARED, EachPerson, SignIn, Signing
from switchboard.connections.vault import Item, Vault, VaultKey

Model = TypeVar("Model", OAuthToken, OAuthClientInformationFull)
EXPIRES_AT = "switchboard_expires_at"  # kept beside the token response: when it expires
KIND = "mcp"
CLIENT_NAME = "Switchboard"


class VaultStorage:
    """The SDK's `TokenStorage` over the vault, for one (owner, server); a configured client
    is the stored client when nothing was registered."""

    def __init__(
        self, vault: Vault, owner: str, settings: McpServerSettings, redirect_uri: str
    ) -> None:
        self._vault, self._owner, self._name = vault, owner, settings.name
        self._configured = _configured_client(settings, redirect_uri)
        self.tokens_seen: Callable[[OAuthToken], None] = lambda _t: None

    def _key(self, item: Item) -> VaultKey:
        return VaultKey(self._owner, KIND, self._name, item)

    async def get_tokens(self) -> OAuthToken | None:
        return _read(self._vault.get(self._key(Item.TOKENS)), OAuthToken)

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens_seen(tokens)
        kept = tokens.model_dump(mode="json")
        if tokens.expires_in is not None:  # when, not how long: it is read after a restart
            kept[EXPIRES_AT] = time.time() + tokens.expires_in
        self._vault.put(self._key(Item.TOKENS), json.dumps(kept).encode())

    def expires_at(self) -> float | None:
        """When the kept access token expires (None: not said, or nothing kept)."""
        data = self._vault.get(self._key(Item.TOKENS))
        try:
            value = json.loads(data).get(EXPIRES_AT) if data else None
        except (ValueError, AttributeError):
            return None
        return float(value) if isinstance(value, int | float) else None

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        stored = _read(self._vault.get(self._key(Item.CLIENT)), OAuthClientInformationFull)
        return stored or self._configured

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self._vault.put(self._key(Item.CLIENT), client_info.model_dump_json().encode())


class KeptTokensProvider(OAuthClientProvider):
    """The SDK's provider, knowing when kept tokens expire: it loads them without their
    expiry, so after a restart it would send an expired token and, on the 401, ask the
    person to sign in again instead of using the refresh token."""

    def __init__(self, *args: Any, storage: VaultStorage, **kwargs: Any) -> None:
        super().__init__(*args, storage=storage, **kwargs)
        self._kept = storage

    async def _initialize(self) -> None:
        await super()._initialize()
        if self.context.current_tokens is not None:
            self.context.token_expiry_time = self._kept.expires_at()


def _read(data: bytes | None, model: type[Model]) -> Model | None:
    if data is None:
        return None
    try:
        return model.model_validate_json(data)
    except ValueError:  # kept by an older version, or unreadable: as if never kept
        return None


def _configured_client(
    settings: McpServerSettings, redirect_uri: str
) -> OAuthClientInformationFull | None:
    auth = settings.auth
    if auth is None or not auth.client_id:
        return None
    return OAuthClientInformationFull(
        client_id=auth.client_id,
        client_secret=auth.client_secret or None,
        redirect_uris=[redirect_uri],
        token_endpoint_auth_method="client_secret_basic" if auth.client_secret else "none",
        grant_types=["authorization_code", "refresh_token"],
        response_types=["code"],
        scope=" ".join(auth.scopes) or None,
    )


def oauth_for(
    settings: McpServerSettings,
    owner: str,
    signing: Signing,
    on_wait: Callable[[SignIn | None], None],
    on_each_person: Callable[[], None] = lambda: None,
) -> tuple[OAuthClientProvider, VaultStorage] | None:
    """The SDK auth for a remote server (None: stdio, or its own Authorization header).
    `on_wait` is told when the person is asked to sign in, and None when they came back;
    `on_each_person` when a shared server may not ask (each person signs in alone)."""
    if settings.transport == "stdio" or any(h.lower() == "authorization" for h in settings.headers):
        return None
    redirect_uri, sign_ins = signing.redirect_uri, signing.sign_ins
    storage = VaultStorage(signing.vault, owner, settings, redirect_uri)
    auth = settings.auth
    if auth is not None and auth.grant == Grant.CLIENT_CREDENTIALS:
        return _machine(settings.url, auth, storage), storage
    waiting: list[SignIn] = []

    async def redirect(url: str) -> None:
        try:
            waiting[:] = [signing.open(owner, KIND, settings.name, url)]
        except EachPerson:
            on_each_person()
            raise
        on_wait(waiting[0])

    async def callback() -> AuthorizationCodeResult:
        try:
            answer = await sign_ins.wait(waiting[0])
        finally:
            on_wait(None)
        return AuthorizationCodeResult(code=answer.code, state=answer.state, iss=answer.iss)

    metadata = OAuthClientMetadata(
        client_name=CLIENT_NAME,
        redirect_uris=[redirect_uri],
        grant_types=["authorization_code", "refresh_token"],
        response_types=["code"],
        token_endpoint_auth_method="none",
        scope=" ".join(auth.scopes) if auth and auth.scopes else None,
    )
    provider = KeptTokensProvider(
        settings.url,
        metadata,
        storage=storage,
        redirect_handler=redirect,
        callback_handler=callback,
        client_metadata_url=(auth.client_metadata_url or None) if auth else None,
    )
    return provider, storage


def _machine(url: str, auth: McpAuthSettings, storage: VaultStorage) -> OAuthClientProvider:
    """A machine's sign-in (client credentials): by signed JWT when a private key is given,
    else by the client secret."""
    scope, issuer = " ".join(auth.scopes) or None, auth.issuer or None
    if auth.private_key:
        signed = SignedJWTParameters(
            issuer=auth.client_id,
            subject=auth.client_id,
            signing_key=auth.private_key,
            signing_algorithm=auth.signing_algorithm,
        )
        assertion = signed.create_assertion_provider()
        return PrivateKeyJWTOAuthProvider(
            url, storage, auth.client_id, assertion, scope=scope, issuer=issuer
        )
    return ClientCredentialsOAuthProvider(
        url, storage, auth.client_id, auth.client_secret, scope=scope, issuer=issuer
    )


class ServerAuth:
    """One server's sign-in: the SDK auth for its HTTP client, the sign-in waiting (for the
    page), and while the person signs in, no connect timeout (they may take minutes)."""

    def __init__(
        self,
        settings: McpServerSettings,
        owner: str | None,
        signing: Signing | None,
        redactor: Redactor,
    ) -> None:
        self.owner = owner or SHARED
        self.name = settings.name
        self.signing = signing
        self.waiting: SignIn | None = None
        self.each_person = False  # a shared server's person sign-in, refused (see Signing)
        self._phase: tuple[asyncio.Timeout, float] | None = None
        built = None
        if signing is not None:
            built = oauth_for(settings, self.owner, signing, self._waiting, self._refused)
        self.http_auth: httpx2.Auth | None = built[0] if built else None
        if built:
            built[1].tokens_seen = lambda t: _mask(redactor, t)

    def bounding(self, phase: tuple[asyncio.Timeout, float] | None) -> None:
        """The connect phase's timeout and its limit while it runs (suspended while the
        person signs in); None once it ended."""
        self._phase = phase

    def signed_in(self) -> bool:
        """Whether tokens are kept for this server and owner."""
        if self.signing is None:
            return False
        return (
            self.signing.vault.get(VaultKey(self.owner, KIND, self.name, Item.TOKENS)) is not None
        )

    def sign_out(self) -> None:
        """Forget the tokens and the registered client (the next connect signs in again)."""
        if self.signing is not None:
            self.signing.vault.forget(self.owner, KIND, self.name)

    def _refused(self) -> None:
        self.each_person = True

    def _waiting(self, sign_in: SignIn | None) -> None:
        self.waiting = sign_in
        if self._phase is not None:
            timeout, limit = self._phase
            if not timeout.expired():
                loop = asyncio.get_running_loop()
                timeout.reschedule(None if sign_in else loop.time() + limit)


def _mask(redactor: Redactor, tokens: OAuthToken) -> None:
    redactor.add(tokens.access_token)
    if tokens.refresh_token:
        redactor.add(tokens.refresh_token)


PING = {"jsonrpc": "2.0", "id": "switchboard-sign-in-check", "method": "ping"}


async def sign_in_first(
    auth: ServerAuth, settings: McpServerSettings, client: Callable[..., httpx2.AsyncClient]
) -> None:
    """Before connecting, ask once with `client(auth=…)` (a client like the session's, with
    the SDK provider as its auth): a server that needs a sign-in answers 401 and the person
    signs in now, unbounded by the SDK's fixed 10 s `server/discover` probe (which would end
    the sign-in and start another); CallError (final) for a shared server each person signs
    in to for themselves. Only over streamable HTTP in an era that probes (not
    `legacy`), and only while no tokens are kept; what it answers is not read."""
    probes = settings.era != "legacy"
    if settings.transport != "http" or not probes or auth.http_auth is None or auth.signed_in():
        return
    headers = {"accept": "application/json, text/event-stream", **settings.headers}
    async with client(auth=auth.http_auth) as http:
        try:
            with contextlib.suppress(httpx2.HTTPError):
                await http.post(settings.url, json=PING, headers=headers)
        except EachPerson as exc:  # a shared server: each person signs in on their own copy
            raise CallError(f"{settings.name}: {exc}.", final=True) from exc
