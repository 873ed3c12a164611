"""The `mcpServers` map (or VS Code's `servers`) in every shape the MCP clients write it:
each entry → McpServerSettings, or a problem naming the server and the field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from switchboard.config.scheme_auth import parse_mcp_auth
from switchboard.config.settings import ConfigError, McpServerSettings
from switchboard.config.values import boolean, check_http_url, expand, seconds, substituted

ERAS = ("auto", "legacy", "2026-07-28")
# Every spelling of an MCP transport in the configs people already have.
TRANSPORTS = {
    "stdio": "stdio",
    "local": "stdio",
    "http": "http",
    "streamable-http": "http",
    "streamable_http": "http",
    "streamablehttp": "http",
    "remote": "http",
    "sse": "sse",
}


def parse_pasted_servers(
    document: Mapping[str, Any], env: Mapping[str, str]
) -> tuple[list[McpServerSettings], list[str]]:
    """Servers from pasted `mcpServers` JSON (a bare map of servers works too)."""
    if not {"mcpServers", "servers"} & document.keys():
        document = {"mcpServers": document}
    return parse_mcp_servers(document, env)


def parse_mcp_servers(
    document: Mapping[str, Any], env: Mapping[str, str]
) -> tuple[list[McpServerSettings], list[str]]:
    """The `mcpServers` map (Claude Desktop, Cursor, Claude Code, LibreChat…) or VS Code's
    `servers`; a bad entry becomes a problem naming the server and the field."""
    servers: list[McpServerSettings] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for key in ("mcpServers", "servers"):
        entries = document.get(key, {})
        if not isinstance(entries, dict):
            problems.append(f"'{key}' must map server names to their settings.")
            continue
        for name, entry in entries.items():
            where = f"{key}.{name}"
            if name in seen:
                problems.append(f"{where}: the name is used by {seen[name]} too; skipped.")
                continue
            try:
                servers.append(parse_mcp_server(name, entry, env, where=where))
            except ConfigError as exc:
                problems.append(str(exc))
            seen[name] = where
    return servers, problems


def parse_mcp_server(
    name: str, entry: Any, env: Mapping[str, str], where: str = "server"
) -> McpServerSettings:
    """One MCP server entry in any of the shapes in use → McpServerSettings, or ConfigError."""
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: must be an object with 'command' or 'url'.")
    url = entry.get("url") or entry.get("serverUrl") or entry.get("httpUrl") or ""
    if not isinstance(url, str):
        check_http_url(url, f"{where} 'url'")  # says what is wrong with it
    url = expand(url, env, f"{where} 'url'")
    transport = _transport(entry, url, where)
    common = _common_fields(name, entry, where, env)
    if transport == "stdio":
        return _stdio_server(entry, env, where, common)
    check_http_url(url, f"{where} 'url'")
    return McpServerSettings(
        transport=transport,
        url=url,
        headers=_string_map(entry.get("headers", {}), env, f"{where} 'headers'"),
        auth=parse_mcp_auth(entry.get("auth"), env, where),
        **common,
    )


def _transport(entry: Mapping[str, Any], url: str, where: str) -> str:
    """The transport ("stdio", "http" or "sse") as spelled in `type`/`transport`/`client`, else
    guessed from a `command` (stdio) or the URL (sse when it ends in /sse)."""
    spelled = str(entry.get("type") or entry.get("transport") or entry.get("client") or "")
    if spelled:
        transport = TRANSPORTS.get(spelled.lower())
        if transport is None:
            raise ConfigError(
                f"{where}: 'type' {spelled!r} is not one of stdio, http, streamable-http, sse."
            )
        return transport
    if "command" in entry:
        return "stdio"
    if url:
        return "sse" if url.rstrip("/").endswith("/sse") else "http"
    raise ConfigError(f"{where}: needs 'command' (a local server) or 'url' (a remote one).")


def _common_fields(
    name: str, entry: Mapping[str, Any], where: str, env: Mapping[str, str]
) -> dict[str, Any]:
    """The fields every transport shares (name, era, timeout, disabled), checked; "modern"
    is accepted as the newest era."""
    era = str(entry.get("era", entry.get("protocolEra", "auto")))
    if era == "modern":
        era = "2026-07-28"
    if era not in ERAS:
        raise ConfigError(f"{where}: 'era' must be one of {', '.join(ERAS)}.")
    connect = seconds(entry.get("connectTimeout"), f"{where}: 'connectTimeout'")
    return {
        "substituted": substituted(entry, env),
        "name": name,
        "era": era,
        "timeout": seconds(entry.get("timeout"), f"{where}: 'timeout'"),
        "disabled": boolean(entry.get("disabled", False), f"{where}: 'disabled'"),
        "connect_timeout": connect or McpServerSettings.connect_timeout,
        "max_timeout": seconds(entry.get("maxTimeout"), f"{where}: 'maxTimeout'"),
        "roots": _roots(entry.get("roots"), where),
    }


def _roots(raw: Any, where: str) -> tuple[str, ...] | None:
    """A server's own `roots` (URIs), which replace the global list for it."""
    if raw is None:
        return None
    if not isinstance(raw, list) or not all(isinstance(uri, str) for uri in raw):
        raise ConfigError(f"{where}: 'roots' must be a list of URIs such as file:///home/me/src.")
    return tuple(raw)


def _stdio_server(
    entry: Mapping[str, Any], env: Mapping[str, str], where: str, common: Mapping[str, Any]
) -> McpServerSettings:
    """A local server: `command` as a string, a list or one line with its arguments (Chainlit),
    plus `args`, `env` and `cwd`, all expanded."""
    command, args = entry.get("command"), entry.get("args", [])
    if isinstance(command, list) and command:  # ["npx", "-y", "server"]
        command, args = command[0], [*command[1:], *args]
    if isinstance(command, str) and " " in command.strip() and not args:
        command, *args = command.split()  # Chainlit writes one string
    if not isinstance(command, str) or not command.strip():
        raise ConfigError(f"{where}: 'command' is missing or empty.")
    if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        raise ConfigError(f"{where}: 'args' must be a list of strings.")
    return McpServerSettings(
        transport="stdio",
        command=expand(command, env, f"{where} 'command'"),
        args=tuple(expand(a, env, f"{where} 'args'") for a in args),
        env=_string_map(entry.get("env", {}), env, f"{where} 'env'"),
        cwd=expand(entry["cwd"], env, f"{where} 'cwd'") if entry.get("cwd") else None,
        **common,
    )


def _string_map(raw: Any, env: Mapping[str, str], what: str) -> dict[str, str]:
    """`env` or `headers`: names to string (or number) values, expanded, or ConfigError."""
    if not isinstance(raw, dict) or not all(isinstance(v, str | int | float) for v in raw.values()):
        raise ConfigError(f"{what} must map names to string values.")
    return {str(k): expand(str(v), env, f"{what}.{k}") for k, v in raw.items()}
