"""An agent card checked against the A2A spec: its required fields, interfaces (URLs, bindings,
protocol versions), media types, skills and security schemes, each finding with where it is."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from a2a.types import AgentCard, SecurityScheme

from switchboard.connections.wire_checks import required_missing

BINDINGS = ("JSONRPC", "HTTP+JSON", "GRPC")
VERSIONS = ("1.0", "0.3")
MEDIA_TYPE = re.compile(r"^[\w.+-]+/[\w.+*-]+(\s*;.*)?$")
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def card_findings(card: AgentCard, raw: dict[str, Any]) -> list[str]:
    """Each way `card` (parsed from `raw`, the JSON as it came) departs from the spec, as
    "where: what"; [] for a card with nothing to say."""
    legacy = "supportedInterfaces" not in raw and "url" in raw  # a 0.3 card, read as one
    found = [
        f"{path}: required, {'but empty' if _camel(path) in raw else 'missing'}"
        for path in required_missing(card)
        if not (legacy and path.endswith(".protocol_version"))
    ]
    found += _interfaces(card, legacy)
    found += _modes("default_input_modes", card.default_input_modes)
    found += _modes("default_output_modes", card.default_output_modes)
    found += _skills(card)
    found += _security(card)
    for name in ("documentation_url", "icon_url"):
        if getattr(card, name) and not _absolute(getattr(card, name)):
            found.append(f"{name}: {getattr(card, name)!r} is not an absolute http(s) URL")
    if card.HasField("provider") and card.provider.url and not _absolute(card.provider.url):
        found.append(f"provider.url: {card.provider.url!r} is not an absolute http(s) URL")
    return found


def _interfaces(card: AgentCard, legacy: bool) -> list[str]:
    found = []
    for index, interface in enumerate(card.supported_interfaces):
        where = f"supported_interfaces[{index}]"
        url = interface.url
        if url and not _absolute(url, schemes=("http", "https", "grpc", "grpcs")):
            found.append(f"{where}.url: {url!r} is not an absolute URL")
        elif url.startswith("http://") and urlsplit(url).hostname not in LOOPBACK:
            found.append(f"{where}.url: plain http; the spec requires HTTPS in production")
        if interface.protocol_binding and interface.protocol_binding not in BINDINGS:
            found.append(
                f"{where}.protocol_binding: {interface.protocol_binding!r} is not one of "
                f"{', '.join(BINDINGS)} (a custom binding)"
            )
        version = interface.protocol_version or ("0.3" if legacy else "")
        if version and not version.startswith(VERSIONS):
            found.append(f"{where}.protocol_version: {version!r} is not an A2A version")
    if card.supported_interfaces and not any(
        i.protocol_binding in BINDINGS[:2] for i in card.supported_interfaces
    ):
        found.append("supported_interfaces: none over JSONRPC or HTTP+JSON (what clients speak)")
    return found


def _modes(where: str, modes: Any) -> list[str]:
    return [
        f"{where}[{index}]: {mode!r} is not a media type (like text/plain)"
        for index, mode in enumerate(modes)
        if not MEDIA_TYPE.match(mode)
    ]


def _skills(card: AgentCard) -> list[str]:
    found, seen = [], set()
    for index, skill in enumerate(card.skills):
        where = f"skills[{index}]"
        if skill.id in seen:
            found.append(f"{where}.id: {skill.id!r} is used by another skill")
        seen.add(skill.id)
        found += _modes(f"{where}.input_modes", skill.input_modes)
        found += _modes(f"{where}.output_modes", skill.output_modes)
    return found


def _security(card: AgentCard) -> list[str]:
    found = []
    for name, scheme in card.security_schemes.items():
        found += _scheme(f"security_schemes[{name!r}]", scheme)
    for index, requirement in enumerate(card.security_requirements):
        for name, scopes in requirement.schemes.items():
            where = f"security_requirements[{index}]"
            if name not in card.security_schemes:
                found.append(f"{where}: names scheme {name!r}, which security_schemes lacks")
                continue
            offered = _scopes(card.security_schemes[name])
            for scope in scopes.list:
                if offered is not None and scope not in offered:
                    found.append(f"{where}: scope {scope!r} is not among {name!r}'s flows' scopes")
    if card.capabilities.extended_agent_card and not card.security_schemes:
        found.append("capabilities.extended_agent_card: set, but no security scheme to get it with")
    return found


def _scheme(where: str, scheme: SecurityScheme) -> list[str]:
    kind = scheme.WhichOneof("scheme")
    if kind is None:
        return [f"{where}: names no kind of scheme"]
    if kind == "open_id_connect_security_scheme":
        url = scheme.open_id_connect_security_scheme.open_id_connect_url
        return [] if _absolute(url) else [f"{where}.open_id_connect_url: not an absolute URL"]
    if kind != "oauth2_security_scheme":
        return []
    flows = scheme.oauth2_security_scheme.flows
    chosen = flows.WhichOneof("flow")
    if chosen is None:
        return [f"{where}.flows: no OAuth flow"]
    flow = getattr(flows, chosen)
    return [
        f"{where}.flows.{chosen}.{field}: {value!r} is not an absolute http(s) URL"
        for field in ("authorization_url", "token_url", "device_authorization_url", "refresh_url")
        if (value := getattr(flow, field, "")) and not _absolute(value)
    ]


def _scopes(scheme: SecurityScheme) -> set[str] | None:
    """The scopes an OAuth scheme's flow offers; None for schemes without scopes."""
    if scheme.WhichOneof("scheme") != "oauth2_security_scheme":
        return None
    flows = scheme.oauth2_security_scheme.flows
    chosen = flows.WhichOneof("flow")
    return set(getattr(flows, chosen).scopes) if chosen else None


def _absolute(url: str, schemes: tuple[str, ...] = ("http", "https")) -> bool:
    parts = urlsplit(url)
    return parts.scheme in schemes and bool(parts.hostname)


def _camel(path: str) -> str:
    """A top-level field's name as the JSON has it (nested paths match nothing)."""
    head, *rest = path.split("_")
    return head + "".join(word.title() for word in rest)
