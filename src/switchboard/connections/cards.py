"""Finding and reading an A2A agent card: base URL or full card URL, legacy path fallback."""

from __future__ import annotations

import asyncio
import copy
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from a2a.client.card_resolver import parse_agent_card
from a2a.types import AgentCard
from google.protobuf.json_format import MessageToDict

from switchboard.connections.card_checks import card_findings
from switchboard.connections.http import MAX_BYTES, BodyTooLarge
from switchboard.connections.tls import tls_failure
from switchboard.connections.url_guard import UrlRefused

CARD_PATH = "/.well-known/agent-card.json"
LEGACY_CARD_PATH = "/.well-known/agent.json"


class CardError(Exception):
    """The card could not be fetched or read; `str()` says what happened and what to do."""


@dataclass(frozen=True)
class CardInfo:
    """What the person sees of an agent card (plain data, no protobuf)."""

    name: str
    description: str
    version: str
    provider: str
    provider_url: str
    documentation_url: str
    streaming: bool
    push_notifications: bool
    extended_card: bool
    extensions: list[str]
    input_modes: list[str]
    output_modes: list[str]
    skills: list[dict[str, Any]]
    interfaces: list[dict[str, str]]
    card_url: str
    raw: dict[str, Any] = field(repr=False)
    findings: list[str] = field(default_factory=list)  # where it departs from the A2A spec


def card_locations(url: str) -> list[str]:
    """The URLs to try, in order: a URL naming a .json document is the card itself; a base URL
    gets the current well-known path, then the pre-0.3 one."""
    parts = urlsplit(url.strip())
    if parts.path.endswith(".json"):
        return [urlunsplit(parts)]
    base = urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))
    return [base + CARD_PATH, base + LEGACY_CARD_PATH]


async def fetch_card(
    http: httpx.AsyncClient, url: str, max_bytes: int, within: float
) -> tuple[AgentCard, CardInfo]:
    """Fetch and parse the card for `url`, in at most `within` seconds all told (an agent that
    drips its answer cannot hold the connection) and at most `max_bytes`; raise CardError with
    a message a person can act on."""
    misses: list[str] = []
    for location in card_locations(url):
        try:
            async with asyncio.timeout(within):
                response = await http.get(
                    location,
                    headers={"Accept": "application/json"},
                    timeout=httpx.Timeout(within),
                    extensions={MAX_BYTES: max_bytes},
                )
        except TimeoutError as exc:
            raise CardError(
                f"{location} did not send its card within {within:g} s. Check that the agent is "
                "healthy, or raise its connectTimeout."
            ) from exc
        except httpx.HTTPError as exc:
            raise CardError(unreadable(location, exc, max_bytes)) from exc
        if response.status_code == 404:
            misses.append(location)
            continue
        if response.status_code in (401, 403):
            raise CardError(
                f"{location} answered {response.status_code} {response.reason_phrase}: the agent "
                "wants credentials for its card. Add its Authorization or API-key header."
            )
        if response.status_code >= 400:
            raise CardError(
                f"{location} answered {response.status_code} {response.reason_phrase}. "
                "Check the URL, or try again when the agent is healthy."
            )
        return parse_card(response.content, location)
    raise CardError(
        f"No agent card at {' or '.join(misses)} (404). Give the agent's base URL or the full "
        "URL of its card."
    )


def parse_card(content: bytes, location: str = "the card") -> tuple[AgentCard, CardInfo]:
    """Parse card JSON into the SDK card and its plain summary; CardError if it is not one."""
    try:
        document = json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CardError(f"{location} is not JSON ({exc}); it is not an A2A agent card.") from exc
    if not isinstance(document, dict) or not document.get("name"):
        raise CardError(f"{location} is JSON but not an A2A agent card (it has no 'name').")
    try:
        card = parse_agent_card(modern_schemes(copy.deepcopy(document)))
    except Exception as exc:  # the SDK raises ParseError or ValueError with details
        raise CardError(f"{location} is not a valid A2A agent card: {exc}") from exc
    if not card.supported_interfaces:
        raise CardError(
            f"{location} names no endpoint (no 'supportedInterfaces' and no 'url'), so there is "
            "nowhere to send messages."
        )
    return card, summarize(card, location, document)


SCHEME_SHAPES = (
    "apiKeySecurityScheme",
    "httpAuthSecurityScheme",
    "oauth2SecurityScheme",
    "openIdConnectSecurityScheme",
    "mtlsSecurityScheme",
)


def modern_schemes(document: dict[str, Any]) -> dict[str, Any]:
    """A scheme written in both shapes (1.0's wrapper beside 0.3's `type`, as the SDK's own
    agents serve it) keeps the 1.0 one: the SDK's reader would replace it with the 0.3 one,
    which cannot hold a device-code flow."""
    schemes = document.get("securitySchemes")
    for scheme in schemes.values() if isinstance(schemes, dict) else ():
        if isinstance(scheme, dict) and any(shape in scheme for shape in SCHEME_SHAPES):
            for legacy in [key for key in scheme if key not in SCHEME_SHAPES]:
                del scheme[legacy]
    return document


def summarize(card: AgentCard, location: str, raw: dict[str, Any]) -> CardInfo:
    """The plain summary of a parsed card."""
    return CardInfo(
        name=card.name,
        description=card.description,
        version=card.version,
        provider=card.provider.organization if card.HasField("provider") else "",
        provider_url=card.provider.url if card.HasField("provider") else "",
        documentation_url=card.documentation_url,
        streaming=card.capabilities.streaming,
        push_notifications=card.capabilities.push_notifications,
        extended_card=card.capabilities.extended_agent_card,
        extensions=[ext.uri for ext in card.capabilities.extensions],
        input_modes=list(card.default_input_modes),
        output_modes=list(card.default_output_modes),
        skills=[
            {
                "id": skill.id,
                "name": skill.name,
                "description": skill.description,
                "tags": list(skill.tags),
                "examples": list(skill.examples),
            }
            for skill in card.skills
        ],
        interfaces=[
            {
                "binding": interface.protocol_binding,
                "url": interface.url,
                "version": interface.protocol_version or "0.3",
            }
            for interface in card.supported_interfaces
        ],
        card_url=location,
        raw=raw or MessageToDict(card),
        findings=card_findings(card, raw),
    )


def prefer_interfaces(card: AgentCard, binding: str, version: str) -> AgentCard:
    """A copy of `card` keeping only the interfaces that match the person's preference
    ("auto" matches all); raise CardError when none does."""
    if binding == "auto" and version == "auto":
        return card
    chosen = [
        interface
        for interface in card.supported_interfaces
        if binding in ("auto", interface.protocol_binding)
        and (version == "auto" or (interface.protocol_version or "0.3").startswith(version))
    ]
    if not chosen:
        offered = ", ".join(
            f"{i.protocol_binding} {i.protocol_version or '0.3'}" for i in card.supported_interfaces
        )
        raise CardError(
            f"The agent offers no {binding} interface for A2A {version} (it offers: {offered})."
        )
    narrowed = AgentCard()
    narrowed.CopyFrom(card)
    del narrowed.supported_interfaces[:]
    narrowed.supported_interfaces.extend(chosen)
    return narrowed


def unreadable(location: str, exc: httpx.HTTPError, max_bytes: int) -> str:
    """Why the card at `location` could not be had, and what to do."""
    if isinstance(exc, BodyTooLarge):
        return (
            f"{location} is larger than {max_bytes:,} bytes, which is not a card Switchboard "
            "reads. Check the URL, or raise limits.maxCardBytes in the config."
        )
    if isinstance(exc, UrlRefused):
        return f"Not fetched: {exc}"
    if isinstance(exc, httpx.TransportError) and (failed := tls_failure(exc)):
        return f"Could not fetch {location}: {failed[0]}. {failed[1]}"
    if isinstance(exc, httpx.TransportError):
        return (
            f"Could not reach {location}: {describe_transport_error(exc)}. "
            "Check that the agent is running and that the URL is right."
        )
    return f"{location} sent an answer that cannot be read ({type(exc).__name__}: {exc})."


def describe_transport_error(exc: httpx.TransportError) -> str:
    """A short human phrase for a connection failure."""
    if isinstance(exc, httpx.ConnectError):
        return "connection refused or host not found"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    return str(exc) or type(exc).__name__
