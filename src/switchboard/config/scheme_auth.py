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


def _one(entry: dict[str, Any], env: Mapping[str, str], label: str) -> SchemeCredentials:
    scopes = entry.get("scopes", [])
    if isinstance(scopes, str):
        scopes = scopes.split()
    if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
        raise ConfigError(f"{label}.scopes: must be a list of scope names.")
    values = {}
    for key in ("clientId", "clientSecret", "issuer"):
        value = entry.get(key, "")
        if not isinstance(value, str):
            raise ConfigError(f"{label}.{key}: must be a string.")
        values[key] = expand(value, env, f"{label}.{key}") or ""
    if not values["clientId"]:
        raise ConfigError(f"{label}.clientId: is missing.")
    if values["issuer"]:
        check_http_url(values["issuer"], f"{label}.issuer")
    return SchemeCredentials(
        values["clientId"], values["clientSecret"], tuple(scopes), values["issuer"]
    )


def parse_mcp_auth(raw: Any, env: Mapping[str, str], label: str) -> McpAuthSettings | None:
    """A remote MCP server's `auth` → McpAuthSettings, or ConfigError naming the field."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ConfigError(
            f"{label}: 'auth' must be an object such as "
            '{"clientId": "…", "clientSecret": "${SECRET}", "scopes": ["…"]}.'
        )
    grant = str(raw.get("grant", raw.get("type", Grant.AUTHORIZATION_CODE)))
    grant = {"clientCredentials": Grant.CLIENT_CREDENTIALS, "oauth": Grant.AUTHORIZATION_CODE}.get(
        grant, grant
    )
    if grant not in set(Grant):
        raise ConfigError(f"{label} 'auth.grant': must be one of {', '.join(Grant)}.")
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
        grant=Grant(grant),
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
