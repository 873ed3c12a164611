"""Signing in to an A2A agent as its card asks, with a client from the config: for an OAuth2
scheme with a client-credentials flow, or an OpenID Connect scheme, a token from the
authorization server, sent as a bearer token only to the agent's own origin, renewed before
it expires and once more when the agent answers 401.

The client secret is secret too: it goes only to a token endpoint on the agent's own origin or
on the issuer the config names (`auth.<scheme>.issuer`), never to one the card alone names.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Callable, Mapping
from dataclasses import dataclass

import httpx
from a2a.types import AgentCard, SecurityScheme

from switchboard.config import AgentSettings, SchemeCredentials
from switchboard.connections.http import Origin, origin_of
from switchboard.connections.oauth_metadata import GrantError, ServerMetadata, discover
from switchboard.connections.oauth_tokens import Client, Token, client_credentials, refresh
from switchboard.connections.owner import CallError
from switchboard.connections.url_guard import GuardedTransport, UrlGuard
from switchboard.connections.wire import Direction, WireLog


class SignInFailed(httpx.RequestError):
    """A token could not be renewed during a call (the SDK reports it as the call's error)."""

    def __init__(self, error: GrantError) -> None:
        super().__init__(error.message)
        self.grant = error


@dataclass(frozen=True)
class Choice:
    """The scheme Switchboard signs in with, and where its token endpoint is."""

    name: str
    credentials: SchemeCredentials
    scheme: SecurityScheme


def required(card: AgentCard) -> list[list[str]]:
    """The card's security requirements: each a list of scheme names that together suffice."""
    return [list(requirement.schemes) for requirement in card.security_requirements]


def choose(card: AgentCard, auth: Mapping[str, SchemeCredentials]) -> Choice | None:
    """The requirement Switchboard can meet by signing in (one OAuth2 or OpenID Connect
    scheme with a configured client), or None when the card asks for no such sign-in."""
    for names in required(card):
        if len(names) != 1 or names[0] not in auth or names[0] not in card.security_schemes:
            continue
        scheme = card.security_schemes[names[0]]
        if scheme.HasField("open_id_connect_security_scheme") or _client_flow(scheme):
            return Choice(names[0], auth[names[0]], scheme)
    return None


def _client_flow(scheme: SecurityScheme) -> bool:
    return scheme.HasField(
        "oauth2_security_scheme"
    ) and scheme.oauth2_security_scheme.flows.HasField("client_credentials")


def in_words(card: AgentCard) -> str:
    """The card's requirements as a person reads them ("" when it has none)."""
    return " or ".join(" and ".join(f"scheme {n!r}" for n in names) for names in required(card))


def unmet(card: AgentCard, auth: Mapping[str, SchemeCredentials]) -> str:
    """What the card asks for that the config gives nothing for, in words ("" when nothing)."""
    needs = required(card)
    if not needs or any(all(name in auth for name in names) for names in needs):
        return ""
    return in_words(card)


async def metadata(http: httpx.AsyncClient, choice: Choice) -> ServerMetadata:
    """Where the chosen scheme's tokens come from: OpenID discovery, the OAuth2 scheme's
    metadata URL, or its client-credentials flow's token URL."""
    scheme = choice.scheme
    if scheme.HasField("open_id_connect_security_scheme"):
        return await discover(http, scheme.open_id_connect_security_scheme.open_id_connect_url)
    oauth = scheme.oauth2_security_scheme
    if oauth.oauth2_metadata_url:
        return await discover(http, oauth.oauth2_metadata_url)
    token_url = oauth.flows.client_credentials.token_url
    return ServerMetadata(
        issuer=str(httpx.URL(token_url).copy_with(path="/")), token_endpoint=token_url
    )


def check_token_endpoint(server: ServerMetadata, agent: Origin, choice: Choice) -> None:
    """Refuse (CallError) to send the client secret to a token endpoint the config did not
    agree to: one on neither the agent's origin nor the configured issuer's."""
    where = origin_of(server.token_endpoint)
    trusted = {agent} | (
        {origin_of(choice.credentials.issuer)} if choice.credentials.issuer else set()
    )
    if where not in trusted:
        raise CallError(
            f"The card sends sign-in for scheme {choice.name!r} to {server.token_endpoint}, "
            "another host than the agent's: the client secret was not sent there.",
            hint=f"If that authorization server is the right one, set auth.{choice.name}.issuer "
            f"to {server.issuer} in the agent's config entry.",
        )


class TokenSource:
    """The scheme's current token: asked for when there is none, renewed before it expires
    (refresh token, else the grant again); `renewed` is told each new token (to mask it)."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        server: ServerMetadata,
        choice: Choice,
        renewed: Callable[[Token], None],
    ) -> None:
        self._http, self._server, self._renewed = http, server, renewed
        self._client = Client(choice.credentials.client_id, choice.credentials.client_secret)
        self._scopes = choice.credentials.scopes or _scheme_scopes(choice)
        self._token: Token | None = None
        self._lock = asyncio.Lock()

    async def token(self) -> Token:
        """A token that still holds (GrantError when none can be had)."""
        async with self._lock:
            if self._token is not None and self._token.fresh():
                return self._token
            if self._token is not None and self._token.refresh_token:
                try:
                    self._token = await refresh(self._http, self._server, self._client, self._token)
                except GrantError:
                    self._token = None
            if self._token is None or not self._token.fresh():
                self._token = await client_credentials(
                    self._http, self._server, self._client, self._scopes
                )
            self._renewed(self._token)
            return self._token

    def invalidate(self) -> None:
        """The agent refused the token: the next call asks for a new one."""
        self._token = None


def _scheme_scopes(choice: Choice) -> tuple[str, ...]:
    scheme = choice.scheme
    if scheme.HasField("oauth2_security_scheme"):
        return tuple(scheme.oauth2_security_scheme.flows.client_credentials.scopes)
    return ()


class BearerAuth(httpx.Auth):
    """Adds the token to requests for the agent's origin only; a 401 gets one new token."""

    def __init__(self, origin: Origin, source: TokenSource) -> None:
        self.origin = origin
        self.source = source

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if origin_of(request.url) != self.origin:
            yield request
            return
        await self._authorize(request)
        response = yield request
        if response.status_code == 401:
            self.source.invalidate()
            await self._authorize(request)
            yield request

    async def _authorize(self, request: httpx.Request) -> None:
        try:
            token = await self.source.token()
        except GrantError as exc:
            raise SignInFailed(exc) from exc
        request.headers["Authorization"] = f"Bearer {token.access_token}"


async def signed_in(
    stack: contextlib.AsyncExitStack,
    card: AgentCard,
    settings: AgentSettings,
    wire: WireLog,
    guard: UrlGuard | None,
) -> BearerAuth | None:
    """The bearer auth for the agent's requests when its card asks for a sign-in the config
    has a client for (a first token had already, so a wrong secret fails the connection with
    its message); None when it asks for none. Only then is a client for the authorization
    server opened on `stack` (never wire-logged: its bodies hold secrets)."""
    choice = choose(card, settings.auth)
    if choice is None:
        if missing := unmet(card, settings.auth):
            wire.record(Direction.WARNING, f"the card asks for {missing}: {NO_CREDENTIALS}")
        return None
    auth_http = await stack.enter_async_context(authorization_client(guard))
    try:
        server = await metadata(auth_http, choice)
        agent = origin_of(settings.url)
        check_token_endpoint(server, agent, choice)
        source = TokenSource(auth_http, server, choice, lambda t: wire.redactor.add(t.access_token))
        await source.token()
    except GrantError as exc:
        raise CallError(
            f"Signing in for scheme {choice.name!r} failed: {exc.message}", exc.hint
        ) from exc
    wire.record(Direction.INFO, f"signed in for scheme {choice.name!r} at {server.issuer}")
    return BearerAuth(agent, source)


NO_CREDENTIALS = (
    "the config gives no credentials for it (a 401 will follow if the agent enforces it)"
)


def authorization_client(guard: UrlGuard | None) -> httpx.AsyncClient:
    """The client for authorization servers: guarded as the agent's own (entered in the UI:
    only where the guard allows), no redirects followed (a token request is never moved)."""
    transport: httpx.AsyncBaseTransport = httpx.AsyncHTTPTransport()
    if guard is not None:
        transport = GuardedTransport(transport, guard)
    return httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(15.0))
