"""The settings a config yields: frozen dataclasses for agents, MCP servers and the model,
the whole `Settings`, and `ConfigError`, which every parser raises for a value it cannot use."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

OPENAI_BASE_URL = "https://api.openai.com/v1"


class ConfigError(ValueError):
    """A config entry or value that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Limits:
    """How much a counterpart may send before it is refused (bytes): an agent's card, one
    HTTP response body or stream event, one tool result."""

    max_card_bytes: int = 1_000_000
    max_body_bytes: int = 32_000_000
    max_result_bytes: int = 16_000_000


class Grant(StrEnum):
    """How Switchboard gets a token from an authorization server."""

    AUTHORIZATION_CODE = "authorization_code"  # a person, in the browser (the default)
    CLIENT_CREDENTIALS = "client_credentials"  # a machine, with the client's own secret
    DEVICE_CODE = "device_code"  # a person, on another device, with a code shown here


@dataclass(frozen=True)
class SchemeCredentials:
    """What Switchboard signs in with for one security scheme of an agent's card (`auth` in
    its entry): an OAuth2 / OpenID Connect client (and the grant, when the card's flows leave
    a choice), a bearer token, a user name and password, an API key, or a client certificate.
    """

    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    scopes: tuple[str, ...] = ()
    issuer: str = ""  # an authorization server on another origin the secret may go to
    grant: Grant | None = None  # None: the scheme's flows and the client decide
    token: str = field(default="", repr=False)  # HTTP bearer
    username: str = ""  # HTTP basic
    password: str = field(default="", repr=False)
    api_key: str = field(default="", repr=False)
    cert_file: str = ""  # mutual TLS: the client certificate (PEM), and its key
    key_file: str = ""

    @property
    def secrets(self) -> list[str]:
        values = (self.client_secret, self.token, self.password, self.api_key)
        return [value for value in values if value]


@dataclass(frozen=True)
class AgentSettings:
    """One A2A agent: where it is, the headers to send it (secret), transport preferences."""

    name: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    binding: str = "auto"
    version: str = "auto"
    connect_timeout: float = 15.0  # seconds for the card and the client, all told
    substituted: tuple[str, ...] = field(default=(), repr=False)  # what ${VAR}s stood for
    auth: Mapping[str, SchemeCredentials] = field(default_factory=dict, repr=False)
    ca_file: str = ""  # the PEM of a private CA that signs the agent's server certificate

    @property
    def secrets(self) -> list[str]:
        """The values to mask wherever this agent's traffic is shown."""
        schemes = [secret for c in self.auth.values() for secret in c.secrets]
        return [*self.headers.values(), *self.substituted, *schemes]


@dataclass(frozen=True)
class McpAuthSettings:
    """A remote MCP server's `auth`: a pre-registered client (else the server's dynamic
    registration, or `clientMetadataUrl` where it takes one), its scopes, and the grant."""

    grant: Grant = Grant.AUTHORIZATION_CODE
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    scopes: tuple[str, ...] = ()
    issuer: str = ""  # client credentials: the authorization server's issuer
    client_metadata_url: str = ""
    private_key: str = field(default="", repr=False)  # PEM: client credentials by signed JWT
    signing_algorithm: str = "RS256"


@dataclass(frozen=True)
class McpServerSettings:
    """One MCP server: stdio (command, args, env, cwd) or remote (url, headers); secrets in
    `env` and `headers`. `era` is the protocol era; `timeout` bounds each call's silence (its
    progress and open questions reset it; None: no bound), `max_timeout` its whole length."""

    name: str
    transport: str
    command: str = ""
    args: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict, repr=False)
    cwd: str | None = None
    url: str = ""
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    era: str = "auto"
    timeout: float | None = None
    disabled: bool = False
    connect_timeout: float = 30.0  # seconds for each phase of connecting
    max_timeout: float | None = None
    roots: tuple[str, ...] | None = None  # offered to this server instead of the global roots
    substituted: tuple[str, ...] = field(default=(), repr=False)  # what ${VAR}s stood for
    auth: McpAuthSettings | None = None

    @property
    def secrets(self) -> list[str]:
        """The values to mask wherever this server's traffic is shown."""
        secret = [self.auth.client_secret, self.auth.private_key] if self.auth else []
        return [*self.headers.values(), *self.env.values(), *self.substituted, *secret]


@dataclass(frozen=True)
class LlmSettings:
    """The assistant's model: an OpenAI-compatible endpoint. `api_key` is secret (never stored
    or shown); `approval` maps "*", a server, "server/tool" or an agent to "ask" or "allow"."""

    base_url: str = ""
    model: str = ""
    api_key: str = field(default="", repr=False)
    temperature: float | None = None
    system_prompt: str = ""
    max_rounds: int = 8
    timeout: float = 120.0
    tool_timeout: float = 300.0
    approval: Mapping[str, str] = field(default_factory=dict)

    @property
    def configured(self) -> bool:
        """True when there is a model to talk to."""
        return bool(self.model)

    @property
    def endpoint(self) -> str:
        """The base URL requests go to (OpenAI's when none is given)."""
        return (self.base_url or OPENAI_BASE_URL).rstrip("/")


@dataclass(frozen=True)
class Settings:
    """Everything loaded from one config source, with the problems found on the way."""

    source: str
    public_url: str = "http://127.0.0.1:8501"  # the app's address, for sign-in redirects
    agents: tuple[AgentSettings, ...] = ()
    mcp_servers: tuple[McpServerSettings, ...] = ()
    roots: tuple[str, ...] = ()
    admins: tuple[str, ...] = ()  # signed-in users who may change the shared connections
    allow_stdio_from_ui: bool | None = None  # None: only when the app listens on loopback
    # Hosts that connections entered in the UI may reach when the app listens beyond loopback
    # (None: the hosts of the configured connections).
    allowed_hosts: tuple[str, ...] | None = None
    llm: LlmSettings = field(default_factory=LlmSettings)
    limits: Limits = field(default_factory=Limits)
    data_dir: str = ""  # SQLite conversations here ("" keeps them in memory)
    database_url: str = field(default="", repr=False)  # PostgreSQL instead, for several replicas
    secret_key: str = field(default="", repr=False)  # seals sign-ins in the store
    problems: tuple[str, ...] = ()
    embedded_demo: bool = False
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)
