"""A connection's settings as plain JSON data and back: how a connection a person added in the
UI is kept (sealed) across restarts."""

from __future__ import annotations

import dataclasses
from typing import Any

from switchboard.config.settings import (
    AgentSettings,
    Grant,
    McpAuthSettings,
    McpServerSettings,
    SchemeCredentials,
)

TUPLES = ("args", "roots", "scopes", "substituted")  # fields JSON gives back as lists


def settings_data(settings: AgentSettings | McpServerSettings) -> dict[str, Any]:
    """Every field, as JSON can hold it (secrets included: seal it)."""
    return _plain(dataclasses.asdict(settings))


def agent_from_data(data: dict[str, Any]) -> AgentSettings:
    """The agent settings `settings_data` made; TypeError or ValueError when they are not."""
    fields = _known(AgentSettings, data)
    auth = {name: _credentials(value) for name, value in (fields.get("auth") or {}).items()}
    return AgentSettings(**{**fields, "auth": auth})


def server_from_data(data: dict[str, Any]) -> McpServerSettings:
    """The MCP server settings `settings_data` made; TypeError or ValueError when not."""
    fields = _known(McpServerSettings, data)
    auth = fields.get("auth")
    if auth is not None:
        auth = McpAuthSettings(**_tuples({**auth, "grant": Grant(auth["grant"])}))
    return McpServerSettings(**{**fields, "auth": auth})


def _credentials(data: dict[str, Any]) -> SchemeCredentials:
    grant = Grant(data["grant"]) if data.get("grant") else None
    return SchemeCredentials(**_tuples({**data, "grant": grant}))


def _known(kind: type, data: dict[str, Any]) -> dict[str, Any]:
    """The fields `kind` has (a field a newer version kept is left out), tuples restored."""
    names = {f.name for f in dataclasses.fields(kind)}
    return _tuples({key: value for key, value in data.items() if key in names})


def _tuples(data: dict[str, Any]) -> dict[str, Any]:
    return {k: tuple(v) if k in TUPLES and isinstance(v, list) else v for k, v in data.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value
