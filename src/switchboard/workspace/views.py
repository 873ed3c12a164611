"""Read-only views of the connections, for the pages: plain snapshots taken when asked for,
never the live objects (which belong to the loop)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from switchboard.assistant import Assistant
from switchboard.assistant.tools import Target
from switchboard.config import LlmSettings
from switchboard.connections.a2a_agent import AgentConnection
from switchboard.connections.a2a_extended import changes
from switchboard.connections.a2a_schemes import SchemeRow
from switchboard.connections.cards import CardInfo
from switchboard.connections.http import origin_of
from switchboard.connections.mcp_server import McpConnection
from switchboard.connections.owner import Status
from switchboard.connections.redaction import mask
from switchboard.connections.registry import Registry
from switchboard.connections.wire import WireLog

__all__ = ["AgentView", "ModelView", "ServerView", "Target", "WireSource"]


class WireSource(StrEnum):
    """What kind of connection a wire log belongs to."""

    AGENT = "agent"
    SERVER = "server"
    MODEL = "model"  # the assistant's model


MODEL = "Assistant's model"  # the inspector's name for the model's traffic


def wire_logs(
    registry: Registry, assistant: Assistant, user: str
) -> dict[tuple[WireSource, str], WireLog]:
    """Every wire log `user` sees, by (kind, name): agents, MCP servers, their model."""
    logs = {(WireSource.AGENT, a.name): a.wire for a in registry.agents(user)}
    logs.update({(WireSource.SERVER, s.name): s.wire for s in registry.servers(user)})
    if assistant.configured(user):
        logs[(WireSource.MODEL, MODEL)] = assistant.model(user).wire
    return logs


@dataclass(frozen=True)
class AgentView:
    """An agent as the pages show it (credentials masked)."""

    name: str
    url: str
    status: Status
    error: str
    card: CardInfo | None
    endpoint: str
    protocol: str
    headers: dict[str, str]  # name → masked value
    binding: str
    version: str
    shared: bool = True  # from the config file (seen by everyone); else the viewer's own
    personal: bool = False  # the viewer's copy of a shared one: their own sign-in
    security: str = ""  # the card's requirements, in words
    schemes: tuple[SchemeRow, ...] = ()  # the card's schemes, with what the config gives
    security_findings: tuple[str, ...] = ()  # what is wrong in the card's declarations
    sign_in_url: str = ""  # the page the person opens to sign in, while the agent waits
    user_code: str = ""  # the code to enter there (a device-code sign-in)
    signed_in: bool = False  # a person's token is kept for it
    extended: CardInfo | None = None  # the authenticated extended card, when had
    extended_changes: tuple[str, ...] = ()  # what it says differently from the public card

    @property
    def headers_stay_home(self) -> bool:
        """True when the card sends requests to another host than the one configured, so the
        configured headers are not sent there."""
        return bool(self.endpoint and self.headers) and origin_of(self.endpoint) != origin_of(
            self.url
        )

    @property
    def url_on_card_host(self) -> str:
        """The configured URL moved to the host the card names: with it, the headers go
        wherever the card sends requests."""
        configured, card = urlsplit(self.url), urlsplit(self.endpoint)
        return urlunsplit((card.scheme, card.netloc, configured.path, configured.query, ""))

    @classmethod
    def of(cls, agent: AgentConnection) -> AgentView:
        settings = agent.settings
        return cls(
            name=agent.name,
            url=agent.wire.redactor.text(settings.url),
            status=agent.status,
            error=agent.error,
            card=agent.card,
            endpoint=agent.endpoint,
            protocol=agent.protocol,
            headers={k: mask(v) for k, v in settings.headers.items()},
            binding=settings.binding,
            version=settings.version,
            shared=agent.user is None or agent.copy_of_shared,
            personal=agent.copy_of_shared,
            security=agent.security,
            schemes=tuple(agent.schemes),
            security_findings=tuple(agent.security_findings),
            sign_in_url=agent.prompt.url if agent.prompt else "",
            user_code=agent.prompt.user_code if agent.prompt else "",
            signed_in=agent.signed_in(),
            extended=agent.extended,
            extended_changes=tuple(
                changes(agent.card, agent.extended) if agent.card and agent.extended else ()
            ),
        )


@dataclass(frozen=True)
class ServerView:
    """An MCP server as the pages show it: state, facts, and what it offers."""

    name: str
    status: Status
    error: str
    transport: str
    target: str  # the command line or URL, secrets masked
    era: str
    timeout: float | None
    disabled: bool
    protocol_version: str
    server: str  # the server's own name and version
    instructions: str
    tools: list[dict[str, Any]] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)
    templates: list[dict[str, Any]] = field(default_factory=list)
    prompts: list[dict[str, Any]] = field(default_factory=list)
    logs: list[dict[str, Any]] = field(default_factory=list)
    shared: bool = True  # from the config file (seen by everyone); else the viewer's own
    personal: bool = False  # the viewer's copy of a shared one: their own sign-in
    list_note: str = ""  # why a list was cut short, if one was
    subscribe: bool = False  # it offers resource subscriptions (`resources.subscribe`)
    followed: list[dict[str, Any]] = field(default_factory=list)  # uri, since, updated, …
    sign_in_url: str = ""  # the authorization page the server waits for the person to open
    signed_in: bool = False  # tokens are kept for it

    @classmethod
    def of(cls, server: McpConnection) -> ServerView:
        settings = server.settings
        return cls(
            name=server.name,
            status=server.status,
            error=server.error,
            transport=settings.transport,
            target=server.target,
            era=settings.era,
            timeout=settings.timeout,
            disabled=settings.disabled,
            protocol_version=server.protocol_version,
            server=f"{server.server_name} {server.server_version}".strip(),
            instructions=server.instructions,
            tools=list(server.tools),
            resources=list(server.resources),
            templates=list(server.templates),
            prompts=list(server.prompts),
            logs=server.logs.snapshot(),
            shared=server.user is None or server.copy_of_shared,
            personal=server.copy_of_shared,
            list_note=server.list_note,
            subscribe=server.subscriptions.offered,
            followed=server.subscriptions.snapshot(),
            sign_in_url=server.auth.waiting.url if server.auth.waiting else "",
            signed_in=server.auth.signed_in(),
        )


@dataclass(frozen=True)
class ModelView:
    """The assistant's model settings, without the key (only whether there is one)."""

    configured: bool
    base_url: str
    endpoint: str
    model: str
    has_key: bool
    temperature: float | None
    system_prompt: str
    max_rounds: int
    approval: dict[str, str]

    @classmethod
    def of(cls, settings: LlmSettings) -> ModelView:
        return cls(
            configured=settings.configured,
            base_url=settings.base_url,
            endpoint=settings.endpoint,
            model=settings.model,
            has_key=bool(settings.api_key),
            temperature=settings.temperature,
            system_prompt=settings.system_prompt,
            max_rounds=settings.max_rounds,
            approval=dict(settings.approval),
        )
