"""Signing in to an A2A agent as its card asks: the first requirement the config meets, its
fixed credentials (a2a_schemes) and, for an OAuth2 or OpenID Connect scheme, a token from the
authorization server — a machine's (client credentials) or a person's (a2a_person) — sent as
a bearer token only to the agent's own origin, renewed before it expires and once more when
the agent answers 401.

The client secret is secret too: it goes only to a token endpoint on the agent's own origin or
on the issuer the config names (`auth.<scheme>.issuer`), never to one the card alone names.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from functools import partial

import httpx
from a2a.types import AgentCard, SecurityScheme

from switchboard.config import AgentSettings, Grant, SchemeCredentials
from switchboard.connections.a2a_person import AGAIN, PersonSignIn
from switchboard.connections.a2a_schemes import (
    Fixed,
    SchemeKind,
    fixed,
    in_words,
    kind_of,
    met,
)
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
    """The OAuth2 or OpenID Connect scheme Switchboard signs in with, and how."""

    name: str
    credentials: SchemeCredentials
    scheme: SecurityScheme
    grant: Grant

    @property
    def scopes(self) -> tuple[str, ...]:
        """The configured scopes, else the flow's; OpenID Connect asks for `openid` too."""
        scopes = self.credentials.scopes or tuple(self._flow_scopes())
        if self.scheme.HasField("open_id_connect_security_scheme") and "openid" not in scopes:
            scopes = ("openid", *scopes)
        return scopes

    def _flow_scopes(self) -> list[str]:
        if not self.scheme.HasField("oauth2_security_scheme"):
            return []
        flow = getattr(self.scheme.oauth2_security_scheme.flows, self.grant.value, None)
        return list(getattr(flow, "scopes", {}))


def choose(
    card: AgentCard, names: list[str], auth: Mapping[str, SchemeCredentials]
) -> Choice | None:
    """Of a met requirement's `names`, the OAuth2 or OpenID Connect scheme and its grant
    (None when the requirement takes no sign-in)."""
    for name in names:
        scheme = card.security_schemes[name]
        if kind_of(scheme) in (SchemeKind.OAUTH2, SchemeKind.OPENID):
            return Choice(name, auth[name], scheme, grant_for(scheme, auth[name]))
    return None


def grant_for(scheme: SecurityScheme, credentials: SchemeCredentials) -> Grant:
    """The configured grant; else a machine's when a secret is given and the scheme allows
    it, else the person's (the code in the browser, or the device code when that is the
    only person's flow the scheme offers)."""
    if credentials.grant is not None:
        return credentials.grant
    if not scheme.HasField("oauth2_security_scheme"):
        return Grant.CLIENT_CREDENTIALS if credentials.client_secret else Grant.AUTHORIZATION_CODE
    flows = {f.name for f, _ in scheme.oauth2_security_scheme.flows.ListFields()}
    if "client_credentials" in flows and (credentials.client_secret or len(flows) == 1):
        return Grant.CLIENT_CREDENTIALS
    if "authorization_code" in flows:
        return Grant.AUTHORIZATION_CODE
    return Grant.DEVICE_CODE if "device_code" in flows else Grant.CLIENT_CREDENTIALS


def unmet(card: AgentCard, auth: Mapping[str, SchemeCredentials]) -> str:
    """What the card asks for that the config meets no requirement of, in words ("")."""
    return in_words(card) if met(card, auth) is None else ""


async def metadata(http: httpx.AsyncClient, choice: Choice) -> ServerMetadata:
    """Where the chosen scheme's tokens come from: OpenID discovery, the OAuth2 scheme's
    metadata URL, or the URLs its chosen flow names."""
    scheme = choice.scheme
    if scheme.HasField("open_id_connect_security_scheme"):
        return await discover(http, scheme.open_id_connect_security_scheme.open_id_connect_url)
    oauth = scheme.oauth2_security_scheme
    if oauth.oauth2_metadata_url:
        return await discover(http, oauth.oauth2_metadata_url)
    flows = oauth.flows
    token_url = getattr(flows, choice.grant.value).token_url
    return ServerMetadata(
        issuer=str(httpx.URL(token_url).copy_with(path="/", query=None)),
        token_endpoint=token_url,
        authorization_endpoint=flows.authorization_code.authorization_url,
        device_authorization_endpoint=flows.device_code.device_authorization_url,
    )


def check_token_endpoint(server: ServerMetadata, agent: Origin, choice: Choice) -> None:
    """Refuse (CallError) to send the client secret to a token endpoint the config did not
    agree to: one on neither the agent's origin nor the configured issuer's."""
    if not choice.credentials.client_secret:
        return
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
    """The scheme's current token: renewed before it expires (its refresh token, else
    `again`: the grant once more); `renewed` is told each new token (to mask and keep it)."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        server: ServerMetadata,
        client: Client,
        again: Callable[[], Awaitable[Token]],
        renewed: Callable[[Token], None],
        first: Token | None = None,
        ask_early: bool = True,
    ) -> None:
        self._http, self._server, self._client = http, server, client
        self.ask_early = ask_early  # ask `again` before the token expires (cheap: a machine's)
        self.again, self._renewed = again, renewed
        self._token = first
        self._lock = asyncio.Lock()

    async def token(self) -> Token:
        """A token that still holds (GrantError when none can be had)."""
        async with self._lock:
            token = self._token
            if token is not None and token.fresh():
                return token
            renewed = await self._refreshed(token)
            if renewed is None and token is not None and token.fresh(0) and not self.ask_early:
                return token  # no way to renew it but asking: used while it holds
            self._token = renewed or await self.again()
            self._renewed(self._token)
            return self._token

    async def _refreshed(self, token: Token | None) -> Token | None:
        """`token` renewed with its refresh token; None when it has none or it was refused."""
        if token is None or not token.refresh_token:
            return None
        try:
            return await refresh(self._http, self._server, self._client, token)
        except GrantError:
            return None

    def invalidate(self) -> None:
        """The agent refused the token: the next call asks for a new one."""
        self._token = None


class AgentAuth(httpx.Auth):
    """Adds the requirement's credentials to requests for the agent's origin only: the fixed
    ones, and a token from `source`; a 401 gets one new token."""

    def __init__(self, origin: Origin, fixed: Fixed, source: TokenSource | None) -> None:
        self.origin, self.fixed, self.source = origin, fixed, source

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if origin_of(request.url) != self.origin:
            yield request
            return
        self._add_fixed(request)
        await self._authorize(request)
        response = yield request
        if response.status_code == 401 and self.source is not None:
            self.source.invalidate()
            await self._authorize(request)
            yield request

    def _add_fixed(self, request: httpx.Request) -> None:
        request.headers.update(self.fixed.headers)
        if self.fixed.query:
            request.url = request.url.copy_merge_params(self.fixed.query)
        if self.fixed.cookies:
            pairs = [request.headers.get("cookie", "")]
            pairs += [f"{name}={value}" for name, value in self.fixed.cookies.items()]
            request.headers["cookie"] = "; ".join(pair for pair in pairs if pair)

    async def _authorize(self, request: httpx.Request) -> None:
        if self.source is None:
            return
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
    person: PersonSignIn | None = None,
) -> AgentAuth | None:
    """The auth for the agent's requests: the first requirement of its card the config
    meets, with its fixed credentials and its sign-in (a first token had already, so a wrong
    secret or a refused sign-in fails the connection with its message); None when it meets
    none or the card asks for nothing. Only for a sign-in is a client for the authorization
    server opened on `stack` (never wire-logged: its bodies hold secrets)."""
    names = met(card, settings.auth)
    if names is None:
        wire.record(Direction.WARNING, f"the card asks for {in_words(card)}: {NO_CREDENTIALS}")
        return None
    static = fixed(card, names, settings.auth)
    for value in [*static.headers.values(), *static.query.values(), *static.cookies.values()]:
        wire.redactor.add(value)
    choice = choose(card, names, settings.auth)
    source = None
    if choice is not None:
        source = await _source(stack, choice, settings, wire, guard, person)
    if not static and source is None:
        return None
    return AgentAuth(origin_of(settings.url), static, source)


async def _source(
    stack: contextlib.AsyncExitStack,
    choice: Choice,
    settings: AgentSettings,
    wire: WireLog,
    guard: UrlGuard | None,
    person: PersonSignIn | None,
) -> TokenSource:
    """Sign in for `choice`: a machine's token, or the person's (kept, else asked for)."""
    auth_http = await stack.enter_async_context(authorization_client(guard))
    try:
        server = await metadata(auth_http, choice)
        check_token_endpoint(server, origin_of(settings.url), choice)
        source = _token_source(auth_http, server, choice, wire, person)
        await source.token()
    except GrantError as exc:
        raise CallError(
            f"Signing in for scheme {choice.name!r} failed: {exc.message}", exc.hint
        ) from exc
    if person is not None and choice.grant != Grant.CLIENT_CREDENTIALS:
        source.again = _ended(person, choice)
    wire.record(Direction.INFO, f"signed in for scheme {choice.name!r} at {server.issuer}")
    return source


def _token_source(
    http: httpx.AsyncClient,
    server: ServerMetadata,
    choice: Choice,
    wire: WireLog,
    person: PersonSignIn | None,
) -> TokenSource:
    """The source for `choice`'s grant: the machine asks again itself; a person is asked
    (after the kept token, if any, could not be renewed)."""
    client = Client(choice.credentials.client_id, choice.credentials.client_secret)
    a_person = choice.grant != Grant.CLIENT_CREDENTIALS
    machine = partial(client_credentials, http, server, client)

    def renewed(token: Token) -> None:
        for secret in (token.access_token, token.refresh_token):
            if secret:
                wire.redactor.add(secret)
        if a_person and person is not None:
            person.keep(token)

    if not a_person:
        return TokenSource(http, server, client, partial(machine, choice.scopes), renewed)
    if person is None:
        raise GrantError(
            f"Scheme {choice.name!r} signs a person in, which needs the app's sign-in page.",
            "Connect the agent from the app, or configure a client-credentials client.",
        )
    ask = partial(person.sign_in, http, server, client, choice.grant, choice.scopes)
    return TokenSource(http, server, client, ask, renewed, person.kept(), ask_early=False)


def _ended(person: PersonSignIn, choice: Choice) -> Callable[[], Awaitable[Token]]:
    """Once connected, a person's sign-in that can no longer be renewed ends the call (nobody
    is kept waiting in a chat turn): the kept token goes, and reconnecting asks again."""

    async def ended() -> Token:
        person.forget()
        raise GrantError(f"The sign-in for scheme {choice.name!r} has ended.", AGAIN)

    return ended


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
