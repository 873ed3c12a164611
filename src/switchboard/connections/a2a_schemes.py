"""The security an agent's card asks for, as a person reads it and as Switchboard meets it:
each scheme with what the config gives for it, the first requirement the config can meet,
the fixed credentials it sends (HTTP bearer and basic, an API key in a header, the query or a
cookie), and what is wrong in the card's declarations (shown as warnings, never a failure).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from a2a.types import AgentCard, SecurityScheme

from switchboard.config import SchemeCredentials


class SchemeKind(StrEnum):
    """The five kinds of security scheme A2A cards declare."""

    API_KEY = "API key"
    HTTP = "HTTP"
    OAUTH2 = "OAuth2"
    OPENID = "OpenID Connect"
    MTLS = "mutual TLS"
    UNKNOWN = "unknown"


KINDS = {
    "api_key_security_scheme": SchemeKind.API_KEY,
    "http_auth_security_scheme": SchemeKind.HTTP,
    "oauth2_security_scheme": SchemeKind.OAUTH2,
    "open_id_connect_security_scheme": SchemeKind.OPENID,
    "mtls_security_scheme": SchemeKind.MTLS,
}
FLOWS = {  # the OAuth2 flows Switchboard signs in with, as a person reads them
    "authorization_code": "authorization code",
    "client_credentials": "client credentials",
    "device_code": "device code",
}
OLD_FLOWS = ("implicit", "password")  # OAuth 2.1 drops them; Switchboard does not use them
LOCATIONS = ("header", "query", "cookie")


def kind_of(scheme: SecurityScheme) -> SchemeKind:
    return KINDS.get(scheme.WhichOneof("scheme") or "", SchemeKind.UNKNOWN)


@dataclass(frozen=True)
class SchemeRow:
    """One scheme as the Agents page lists it."""

    name: str
    kind: SchemeKind
    detail: str  # what it takes: "bearer (JWT)", "header X-API-Key", the flows and where
    given: str  # what the config gives for it ("" when nothing)
    description: str = ""


def rows(card: AgentCard, auth: Mapping[str, SchemeCredentials]) -> list[SchemeRow]:
    """Every scheme the card declares, with what the config gives for it."""
    return [
        SchemeRow(
            name, kind_of(scheme), _detail(scheme), _given(scheme, auth.get(name)), _about(scheme)
        )
        for name, scheme in sorted(card.security_schemes.items())
    ]


def _detail(scheme: SecurityScheme) -> str:
    kind = kind_of(scheme)
    if kind == SchemeKind.API_KEY:
        key = scheme.api_key_security_scheme
        return f"{key.location or '?'} {key.name or '?'}"
    if kind == SchemeKind.HTTP:
        http = scheme.http_auth_security_scheme
        return http.scheme.lower() + (f" ({http.bearer_format})" if http.bearer_format else "")
    if kind == SchemeKind.OAUTH2:
        oauth = scheme.oauth2_security_scheme
        flows = [FLOWS.get(f.name, f.name) for f, _ in oauth.flows.ListFields()]
        where = oauth.oauth2_metadata_url or _token_url(scheme)
        return ", ".join(flows) + (f" · {where}" if where else "")
    if kind == SchemeKind.OPENID:
        return scheme.open_id_connect_security_scheme.open_id_connect_url
    return "a client certificate" if kind == SchemeKind.MTLS else ""


def _about(scheme: SecurityScheme) -> str:
    which = scheme.WhichOneof("scheme")
    return str(getattr(getattr(scheme, which), "description", "")) if which else ""


def _token_url(scheme: SecurityScheme) -> str:
    for flow, _ in scheme.oauth2_security_scheme.flows.ListFields():
        return str(getattr(scheme.oauth2_security_scheme.flows, flow.name).token_url)
    return ""


def _given(scheme: SecurityScheme, credentials: SchemeCredentials | None) -> str:
    if credentials is None or not meets(scheme, credentials):
        return ""
    kind = kind_of(scheme)
    if kind in (SchemeKind.OAUTH2, SchemeKind.OPENID):
        return f"client {credentials.client_id}"
    if kind == SchemeKind.MTLS:
        return f"certificate {credentials.cert_file}"
    if kind == SchemeKind.HTTP and credentials.username:
        return f"user {credentials.username}"
    return "a token" if kind == SchemeKind.HTTP else "a key"


def meets(scheme: SecurityScheme, credentials: SchemeCredentials) -> bool:
    """Whether `credentials` give what `scheme` takes."""
    kind = kind_of(scheme)
    if kind == SchemeKind.API_KEY:
        return bool(credentials.api_key) and _api_key_usable(scheme)
    if kind == SchemeKind.HTTP:
        http = scheme.http_auth_security_scheme.scheme.lower()
        return (
            bool(credentials.token)
            if http == "bearer"
            else (http == "basic" and bool(credentials.username))
        )
    if kind == SchemeKind.OAUTH2:
        flows = {f.name for f, _ in scheme.oauth2_security_scheme.flows.ListFields()}
        return bool(credentials.client_id) and bool(flows & set(FLOWS))
    if kind == SchemeKind.OPENID:
        return bool(credentials.client_id)
    return kind == SchemeKind.MTLS and bool(credentials.cert_file)


def _api_key_usable(scheme: SecurityScheme) -> bool:
    key = scheme.api_key_security_scheme
    return bool(key.name) and key.location.lower() in LOCATIONS


def requirements(card: AgentCard) -> list[list[str]]:
    """The card's security requirements: each a list of scheme names that together suffice."""
    return [list(requirement.schemes) for requirement in card.security_requirements]


def met(card: AgentCard, auth: Mapping[str, SchemeCredentials]) -> list[str] | None:
    """The first requirement the config meets in full (its scheme names), [] when the card
    asks for none, None when it meets none."""
    needs = requirements(card)
    if not needs:
        return []
    for names in needs:
        if all(
            name in card.security_schemes
            and name in auth
            and meets(card.security_schemes[name], auth[name])
            for name in names
        ):
            return names
    return None


def in_words(card: AgentCard) -> str:
    """The card's requirements as a person reads them ("" when it has none)."""
    return " or ".join(" and ".join(f"scheme {n!r}" for n in names) for names in requirements(card))


def findings(card: AgentCard) -> list[str]:
    """What is wrong in the card's security declarations, each in words."""
    found = []
    for names in requirements(card):
        found += [
            f"the card requires scheme {n!r} but declares no such scheme"
            for n in names
            if n not in card.security_schemes
        ]
    for name, scheme in sorted(card.security_schemes.items()):
        found += [f"scheme {name!r}: {problem}" for problem in _problems(scheme)]
    return found


def _problems(scheme: SecurityScheme) -> list[str]:
    kind = kind_of(scheme)
    if kind == SchemeKind.UNKNOWN:
        return ["declares no kind of scheme"]
    if kind == SchemeKind.API_KEY and not _api_key_usable(scheme):
        return [f"an API key needs a name and a location ({', '.join(LOCATIONS)})"]
    if kind == SchemeKind.HTTP and scheme.http_auth_security_scheme.scheme.lower() not in (
        "bearer",
        "basic",
    ):
        return [
            f"HTTP {scheme.http_auth_security_scheme.scheme!r}: Switchboard sends bearer "
            "or basic only"
        ]
    if kind == SchemeKind.OPENID and not scheme.open_id_connect_security_scheme.open_id_connect_url:
        return ["OpenID Connect without its discovery URL"]
    if kind != SchemeKind.OAUTH2:
        return []
    flows = {f.name for f, _ in scheme.oauth2_security_scheme.flows.ListFields()}
    problems = [f"the {f} flow is not used (OAuth 2.1 drops it)" for f in OLD_FLOWS if f in flows]
    return problems + ([] if flows else ["OAuth2 without any flow"])


@dataclass(frozen=True)
class Fixed:
    """The fixed credentials of a requirement: sent only to the agent's origin."""

    headers: dict[str, str] = field(default_factory=dict, repr=False)
    query: dict[str, str] = field(default_factory=dict, repr=False)
    cookies: dict[str, str] = field(default_factory=dict, repr=False)

    def __bool__(self) -> bool:
        return bool(self.headers or self.query or self.cookies)


def fixed(card: AgentCard, names: list[str], auth: Mapping[str, SchemeCredentials]) -> Fixed:
    """The bearer tokens, basic credentials and API keys `names` (a met requirement) take."""
    out = Fixed()
    for name in names:
        scheme, credentials = card.security_schemes[name], auth[name]
        kind = kind_of(scheme)
        if kind == SchemeKind.HTTP and credentials.token:
            out.headers["Authorization"] = f"Bearer {credentials.token}"
        elif kind == SchemeKind.HTTP:
            pair = f"{credentials.username}:{credentials.password}".encode()
            out.headers["Authorization"] = f"Basic {base64.b64encode(pair).decode()}"
        elif kind == SchemeKind.API_KEY:
            key = scheme.api_key_security_scheme
            where = {"header": out.headers, "query": out.query, "cookie": out.cookies}
            where[key.location.lower()][key.name] = credentials.api_key
    return out
