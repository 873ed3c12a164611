"""The `agents` list: each entry → AgentSettings; a bad entry becomes a problem naming it and
its field, and the other entries still load."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from switchboard.config.scheme_auth import parse_scheme_auth
from switchboard.config.settings import AgentSettings, ConfigError
from switchboard.config.values import check_http_url, expand, seconds, substituted

BINDINGS = ("auto", "JSONRPC", "HTTP+JSON")
VERSIONS = ("auto", "1.0", "0.3")


def parse_agents(
    document: Mapping[str, Any], env: Mapping[str, str], source: str = "config"
) -> tuple[list[AgentSettings], list[str]]:
    """The document's `agents` list → the agents that load and the problems with the rest;
    a name used twice keeps its first entry."""
    problems: list[str] = []
    agents: list[AgentSettings] = []
    raw_agents = document.get("agents", [])
    if not isinstance(raw_agents, list):
        problems.append(f"{source}: 'agents' must be a list of {{name, url, headers}} objects.")
        raw_agents = []
    seen: set[str] = set()
    for index, entry in enumerate(raw_agents):
        try:
            agent = parse_agent(entry, env=env, where=f"agents[{index}]")
        except ConfigError as exc:
            problems.append(str(exc))
            continue
        if agent.name in seen:
            problems.append(f"agents[{index}] ({agent.name!r}): the name is used twice; skipped.")
            continue
        seen.add(agent.name)
        agents.append(agent)
    return agents, problems


def parse_agent(entry: Any, env: Mapping[str, str], where: str = "agent") -> AgentSettings:
    """One `agents[]` entry → AgentSettings, or ConfigError naming the entry and the field."""
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: must be an object with 'name' and 'url'.")
    name = entry.get("name")
    label = f"{where} ({name!r})" if isinstance(name, str) and name else where
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{label}: 'name' is missing or empty.")
    url = expand(entry.get("url"), env, f"{label} 'url'")
    if url is None or url == "":
        raise ConfigError(f"{label}: 'url' is missing.")
    check_http_url(url, f"{label} 'url'")
    headers = entry.get("headers", {})
    if not isinstance(headers, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
    ):
        raise ConfigError(f"{label}: 'headers' must map header names to string values.")
    expanded = {k: expand(v, env, f"{label} 'headers.{k}'") for k, v in headers.items()}
    binding = entry.get("binding", entry.get("transport", "auto"))
    if binding not in BINDINGS:
        raise ConfigError(f"{label}: 'binding' must be one of {', '.join(BINDINGS)}.")
    version = str(entry.get("protocolVersion", entry.get("version", "auto")))
    if version not in VERSIONS:
        raise ConfigError(f"{label}: 'protocolVersion' must be one of {', '.join(VERSIONS)}.")
    connect_timeout = seconds(entry.get("connectTimeout"), f"{label}: 'connectTimeout'")
    ca_file = expand(str(entry.get("caFile", "")), env, f"{label} 'caFile'") or ""
    if ca_file and not Path(ca_file).expanduser().is_file():
        raise ConfigError(f"{label}: 'caFile': no file at {ca_file}.")
    return AgentSettings(
        name=name.strip(),
        url=url,
        headers=expanded,
        binding=binding,
        version=version,
        connect_timeout=connect_timeout or AgentSettings.connect_timeout,
        substituted=substituted(entry, env),
        auth=parse_scheme_auth(entry.get("auth"), env, label),
        ca_file=ca_file,
    )
