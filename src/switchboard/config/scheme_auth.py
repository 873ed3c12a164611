"""An agent entry's `auth`: credentials for the security schemes its card names, by scheme
name. OAuth2 and OpenID Connect schemes take a client (`clientId`, `clientSecret`, `scopes`,
and `issuer` when the authorization server is on another origin than the agent);
values may be ${VAR}s, and every secret joins the agent's masked values."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from switchboard.config.settings import (
    ConfigError,
    Grant,
    McpAuthSettings,
    SchemeCredentials,
)
from switchboard.config.values import check_http_url, expand


def parse_scheme_auth(raw: Any, env: Mapping[str, str], label: str) -> dict[str, SchemeCredentials]:
    """`auth` → credentials by scheme name, or ConfigError naming the field."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise ConfigError(
            f"{label}: 'auth' must map the card's scheme names to objects such as "
            '{"clientId": "…", "clientSecret": "${SECRET}", "scopes": ["…"]}.'
        )
    return {name: _one(entry, env, f"{label} 'auth.{name}'") for name, entry in raw.items()}


STRINGS = {  # config key → SchemeCredentials field
    "clientId": "client_id",
    "clientSecret": "client_secret",
    "issuer": "issuer",
    "token": "token",
    "username": "username",
    "password": "password",
    "apiKey": "api_key",
    "certFile": "cert_file",
    "keyFile": "key_file",
}
GRANTS = {
    "authorizationCode": Grant.AUTHORIZATION_CODE,
    "clientCredentials": Grant.CLIENT_CREDENTIALS,
    "deviceCode": Grant.DEVICE_CODE,
    "oauth": Grant.AUTHORIZATION_CODE,
}
WHAT = "clientId (OAuth2, OpenID Connect), token, username, apiKey or certFile"


def _one(entry: dict[str, Any], env: Mapping[str, str], label: str) -> SchemeCredentials:
    scopes = entry.get("scopes", [])
    if isinstance(scopes, str):
        scopes = scopes.split()
    if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
        raise ConfigError(f"{label}.scopes: must be a list of scope names.")
    values = {}
    for key, name in STRINGS.items():
        value = entry.get(key, "")
        if not isinstance(value, str):
            raise ConfigError(f"{label}.{key}: must be a string.")
        values[name] = expand(value, env, f"{label}.{key}") or ""
    if not any(values[name] for name in ("client_id", "token", "username", "api_key", "cert_file")):
        raise ConfigError(f"{label}: give {WHAT}.")
    if values["issuer"]:
        check_http_url(values["issuer"], f"{label}.issuer")
    for path in ("cert_file", "key_file"):
        if values[path] and not Path(values[path]).expanduser().is_file():
            raise ConfigError(f"{label}: no file at {values[path]}.")
    grant = _grant(entry.get("grant", entry.get("type")), f"{label}.grant")
    return SchemeCredentials(**values, scopes=tuple(scopes), grant=grant)


def _grant(raw: Any, label: str) -> Grant | None:
    """`grant` (camelCase or the RFC's snake_case) → Grant; None when not given."""
    if raw is None:
        return None
    grant = GRANTS.get(str(raw), str(raw))
    if grant not in set(Grant):
        raise ConfigError(f"{label}: must be one of {', '.join(GRANTS)}.")
    return Grant(grant)


def parse_mcp_auth(raw: Any, env: Mapping[str, str], label: str) -> McpAuthSettings | None:
    """A remote MCP server's `auth` → McpAuthSettings, or ConfigError naming the field."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ConfigError(
            f"{label}: 'auth' must be an object such as "
            '{"clientId": "…", "clientSecret": "${SECRET}", "scopes": ["…"]}.'
        )
    grant = _grant(raw.get("grant", raw.get("type")), f"{label} 'auth.grant'")
    grant = grant or Grant.AUTHORIZATION_CODE
    if grant == Grant.DEVICE_CODE:
        raise ConfigError(
            f"{label} 'auth.grant': MCP signs in with authorizationCode or clientCredentials."
        )
    client = _one({"clientId": "-", **raw}, env, f"{label} 'auth'")
    metadata_url = expand(str(raw.get("clientMetadataUrl", "")), env, f"{label} 'auth'") or ""
    key = _private_key(raw, env, f"{label} 'auth'")
    if grant == Grant.CLIENT_CREDENTIALS and not (
        raw.get("clientId") and (client.client_secret or key)
    ):
        raise ConfigError(
            f"{label} 'auth': clientCredentials needs clientId, and clientSecret or privateKeyPath."
        )
    return McpAuthSettings(
        grant=grant,
        client_id="" if client.client_id == "-" else client.client_id,
        client_secret=client.client_secret,
        scopes=client.scopes,
        issuer=client.issuer,
        client_metadata_url=metadata_url,
        private_key=key,
        signing_algorithm=str(raw.get("signingAlgorithm", "RS256")),
    )


def _private_key(raw: dict[str, Any], env: Mapping[str, str], label: str) -> str:
    """The PEM a machine signs its client assertions with: `privateKeyPath` (read now)."""
    path = expand(str(raw.get("privateKeyPath", "")), env, f"{label}.privateKeyPath") or ""
    if not path:
        return ""
    try:
        return Path(path).expanduser().read_text()
    except OSError as exc:
        raise ConfigError(f"{label}.privateKeyPath: cannot read {path} ({exc.strerror}).") from exc
