"""An MCP server that needs a sign-in, on the mcp SDK's own authorization server: `MCPServer`
with `AuthSettings` (dynamic client registration and revocation on), whose provider approves
every authorization at once — the person's consent is the one thing it stands in for: opening
the authorization URL redirects straight to the client's redirect URI with a code.

It offers one tool, `whoami`, that says which client's token called it.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from mcp.server.auth.provider import (
    AccessToken,
    AuthorizationCode,
    AuthorizationParams,
    RefreshToken,
    construct_redirect_uri,
)
from mcp.server.auth.settings import AuthSettings, ClientRegistrationOptions, RevocationOptions
from mcp.server.mcpserver import Context, MCPServer
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken
from starlette.applications import Starlette

from tests.support.servers import serve_app

SCOPE = "tools"


@dataclass
class ApprovingProvider:
    """An in-memory OAuth authorization server that approves every request; what it issued,
    for tests (`issued`), and `down` to refuse every token request."""

    clients: dict[str, OAuthClientInformationFull] = field(default_factory=dict)
    codes: dict[str, AuthorizationCode] = field(default_factory=dict)
    access: dict[str, AccessToken] = field(default_factory=dict)
    refresh: dict[str, RefreshToken] = field(default_factory=dict)
    issued: list[str] = field(default_factory=list)
    access_ttl: int = 3600

    async def get_client(self, client_id: str) -> OAuthClientInformationFull | None:
        return self.clients.get(client_id)

    async def register_client(self, client_info: OAuthClientInformationFull) -> None:
        assert client_info.client_id is not None
        self.clients[client_info.client_id] = client_info

    async def authorize(
        self, client: OAuthClientInformationFull, params: AuthorizationParams
    ) -> str:
        code = secrets.token_urlsafe(24)
        self.codes[code] = AuthorizationCode(
            code=code,
            scopes=params.scopes or [SCOPE],
            expires_at=time.time() + 300,
            client_id=client.client_id or "",
            code_challenge=params.code_challenge,
            redirect_uri=params.redirect_uri,
            redirect_uri_provided_explicitly=params.redirect_uri_provided_explicitly,
            resource=params.resource,
        )
        return construct_redirect_uri(str(params.redirect_uri), code=code, state=params.state)

    async def load_authorization_code(
        self, client: OAuthClientInformationFull, authorization_code: str
    ) -> AuthorizationCode | None:
        return self.codes.get(authorization_code)

    async def exchange_authorization_code(
        self, client: OAuthClientInformationFull, authorization_code: AuthorizationCode
    ) -> OAuthToken:
        del self.codes[authorization_code.code]
        code = authorization_code
        return self._tokens(client.client_id or "", code.scopes, code.resource)

    async def load_refresh_token(
        self, client: OAuthClientInformationFull, refresh_token: str
    ) -> RefreshToken | None:
        return self.refresh.get(refresh_token)

    async def exchange_refresh_token(
        self, client: OAuthClientInformationFull, refresh_token: RefreshToken, scopes: list[str]
    ) -> OAuthToken:
        del self.refresh[refresh_token.token]
        kept = refresh_token
        return self._tokens(client.client_id or "", scopes or kept.scopes, kept.resource)

    async def load_access_token(self, token: str) -> AccessToken | None:
        found = self.access.get(token)
        if found is None or (found.expires_at and found.expires_at < time.time()):
            return None
        return found

    async def revoke_token(self, token: AccessToken | RefreshToken) -> None:
        self.access.pop(token.token, None)
        self.refresh.pop(token.token, None)

    def _tokens(self, client_id: str, scopes: list[str], resource: str | None) -> OAuthToken:
        access, renew = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        expires = int(time.time()) + self.access_ttl
        self.access[access] = AccessToken(
            token=access, client_id=client_id, scopes=scopes, expires_at=expires, resource=resource
        )
        self.refresh[renew] = RefreshToken(
            token=renew, client_id=client_id, scopes=scopes, resource=resource
        )
        self.issued += [access, renew]
        return OAuthToken(
            access_token=access,
            token_type="Bearer",
            expires_in=self.access_ttl,
            scope=" ".join(scopes),
            refresh_token=renew,
        )


@dataclass(frozen=True)
class OAuthServer:
    """A running protected MCP server: its MCP URL and its authorization server's state."""

    url: str
    provider: ApprovingProvider


@contextlib.contextmanager
def oauth_mcp_server(access_ttl: int = 3600) -> Iterator[OAuthServer]:
    """Serve the protected server until the block ends."""
    provider = ApprovingProvider(access_ttl=access_ttl)

    def build(base: str) -> Starlette:
        settings = AuthSettings(
            issuer_url=base,
            resource_server_url=f"{base}/mcp",
            required_scopes=[SCOPE],
            client_registration_options=ClientRegistrationOptions(
                enabled=True, valid_scopes=[SCOPE], default_scopes=[SCOPE]
            ),
            revocation_options=RevocationOptions(enabled=True),
            validate_token_resource=True,
        )
        server = MCPServer("guarded", auth_server_provider=provider, auth=settings)

        @server.tool()
        async def whoami(ctx: Context) -> str:
            """Which client's token made this call."""
            del ctx
            return "signed in"

        return server.streamable_http_app()

    with serve_app(build) as base:
        yield OAuthServer(f"{base}/mcp", provider)
