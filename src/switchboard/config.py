"""Settings: the JSON config file (agents, mcpServers, llm), `${VAR}` expansion, the demo default.

Where the file comes from: `--config FILE` / `SWITCHBOARD_CONFIG`, else `./switchboard.json` if
present, else the embedded demo. A config file replaces the demo: only what it lists connects.
A malformed entry is reported by name and field; the other entries still load.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

CONFIG_ENV = "SWITCHBOARD_CONFIG"
DATA_DIR_ENV = "SWITCHBOARD_DATA_DIR"
DATABASE_URL_ENV = "SWITCHBOARD_DATABASE_URL"
LLM_BASE_URL_ENV = "SWITCHBOARD_LLM_BASE_URL"
LLM_MODEL_ENV = "SWITCHBOARD_LLM_MODEL"
LLM_API_KEY_ENV = "SWITCHBOARD_LLM_API_KEY"
OPENAI_API_KEY_ENV = "OPENAI_API_KEY"  # sent only to OpenAI's own host
OPENAI_BASE_URL = "https://api.openai.com/v1"
APPROVALS = ("ask", "allow")
DEFAULT_DATA_DIR = "~/.switchboard"
DEFAULT_CONFIG_FILE = "switchboard.json"
BINDINGS = ("auto", "JSONRPC", "HTTP+JSON")
VERSIONS = ("auto", "1.0", "0.3")
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


class ConfigError(ValueError):
    """A config entry or value that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class AgentSettings:
    """One A2A agent: where it is, the headers to send it (secret), transport preferences."""

    name: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    binding: str = "auto"
    version: str = "auto"


@dataclass(frozen=True)
class McpServerSettings:
    """One MCP server: stdio (command, args, env, cwd) or remote (url, headers); secrets in
    `env` and `headers`. `era` is the protocol era; `timeout` bounds each call (None: none)."""

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

    @property
    def secrets(self) -> list[str]:
        """The values to mask wherever this server's traffic is shown."""
        return [*self.headers.values(), *self.env.values()]


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
    agents: tuple[AgentSettings, ...] = ()
    mcp_servers: tuple[McpServerSettings, ...] = ()
    roots: tuple[str, ...] = ()
    allow_stdio_from_ui: bool | None = None  # None: only when the app listens on loopback
    llm: LlmSettings = field(default_factory=LlmSettings)
    data_dir: str = ""  # SQLite conversations here ("" keeps them in memory)
    database_url: str = field(default="", repr=False)  # PostgreSQL instead, for several replicas
    problems: tuple[str, ...] = ()
    embedded_demo: bool = False
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)


def resolve_config_path(
    explicit: str | None = None, env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> Path | None:
    """The config file to use, or None for the embedded demo."""
    env = os.environ if env is None else env
    chosen = explicit or env.get(CONFIG_ENV)
    if chosen:
        return Path(chosen).expanduser()
    candidate = (cwd or Path.cwd()) / DEFAULT_CONFIG_FILE
    return candidate if candidate.is_file() else None


def load_settings(path: Path | None, env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate the config at `path` (None: the embedded demo), with where the
    conversations are stored (env, else the config, else ~/.switchboard) and the model's
    overrides from the environment. Never raises."""
    env = os.environ if env is None else env
    settings = _load_settings(path, env)
    problems = list(settings.problems)
    data_dir = env.get(DATA_DIR_ENV) or settings.raw.get("dataDir") or DEFAULT_DATA_DIR
    url = env.get(DATABASE_URL_ENV) or settings.raw.get("databaseUrl") or ""
    try:
        data_dir = str(Path(expand(data_dir, env, "'dataDir'")).expanduser())
        url = expand(url, env, "'databaseUrl'")
    except ConfigError as exc:
        problems.append(str(exc))
        data_dir, url = "", ""
    llm = settings.llm
    try:
        llm = llm_from_env(llm, env)
    except ConfigError as exc:
        problems.append(str(exc))
    return replace(settings, data_dir=data_dir, database_url=url, llm=llm, problems=tuple(problems))


def llm_from_env(llm: LlmSettings, env: Mapping[str, str]) -> LlmSettings:
    """The model settings with the environment's (or Streamlit secrets') overrides. The API key
    comes from the config, else SWITCHBOARD_LLM_API_KEY, else OPENAI_API_KEY, the last only for
    OpenAI's own endpoint over https. A key is never sent to a host it was not meant for: the
    config's key is dropped when the environment points the model at another host."""
    base_url = env.get(LLM_BASE_URL_ENV, "")
    if base_url:
        check_http_url(base_url, LLM_BASE_URL_ENV)
    moved = bool(base_url) and not same_origin(base_url, llm.endpoint)
    key = "" if moved else llm.api_key
    llm = replace(llm, base_url=base_url or llm.base_url, model=env.get(LLM_MODEL_ENV) or llm.model)
    key = key or env.get(LLM_API_KEY_ENV, "")
    if not key and same_origin(llm.endpoint, OPENAI_BASE_URL):
        key = env.get(OPENAI_API_KEY_ENV, "")
    return replace(llm, api_key=key)


def same_origin(first: str, second: str) -> bool:
    """True when both URLs name the same scheme, host and port (a key may go to both)."""
    return _origin(first) == _origin(second)


def _origin(url: str) -> tuple[str, str | None, int | None]:
    parts = urlsplit(url)
    return parts.scheme, parts.hostname, parts.port


def _load_settings(path: Path | None, env: Mapping[str, str]) -> Settings:
    if path is None:
        return Settings(source="embedded demo", embedded_demo=True)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return Settings(source=str(path), problems=(f"Cannot read config file {path}: {exc}",))
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        return Settings(
            source=str(path),
            problems=(
                f"Config file {path} is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                f"{exc.msg}). Fix the file and restart, or add agents from the Agents page.",
            ),
        )
    return parse_settings(document, source=str(path), env=env)


def parse_settings(
    document: Any, source: str = "config", env: Mapping[str, str] | None = None
) -> Settings:
    """Validate a parsed config document; bad entries become problems, good ones load."""
    env = os.environ if env is None else env
    if not isinstance(document, dict):
        return Settings(
            source=source, problems=(f"{source}: the top level must be a JSON object.",)
        )
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
    servers, server_problems = parse_mcp_servers(document, env)
    roots = document.get("roots", [])
    if not isinstance(roots, list) or not all(isinstance(r, str) for r in roots):
        problems.append(
            f"{source}: 'roots' must be a list of URIs such as file:///home/me/project."
        )
        roots = []
    allow_stdio = document.get("allowStdioFromUi")
    if allow_stdio is not None and not isinstance(allow_stdio, bool):
        problems.append(f"{source}: 'allowStdioFromUi' must be true or false.")
        allow_stdio = None
    llm = LlmSettings()
    if document.get("llm") is not None:
        try:
            llm = parse_llm(document["llm"], env)
        except ConfigError as exc:
            problems.append(str(exc))
    return Settings(
        source=source,
        agents=tuple(agents),
        mcp_servers=tuple(servers),
        roots=tuple(roots),
        llm=llm,
        allow_stdio_from_ui=allow_stdio,
        problems=tuple(problems + server_problems),
        raw=document,
    )


def parse_llm(entry: Any, env: Mapping[str, str]) -> LlmSettings:
    """The `llm` object (snake_case or camelCase keys) → LlmSettings, or ConfigError."""
    if not isinstance(entry, dict):
        raise ConfigError('\'llm\' must be an object such as {"base_url": ..., "model": ...}.')

    def get(name: str, default: Any = None) -> Any:
        camel = re.sub(r"_(\w)", lambda m: m.group(1).upper(), name)
        return entry.get(name, entry.get(camel, default))

    base_url = expand(get("base_url", ""), env, "llm 'base_url'")
    if not isinstance(base_url, str):
        raise ConfigError("llm: 'base_url' must be a string such as http://127.0.0.1:11434/v1.")
    if base_url:
        check_http_url(base_url, "llm 'base_url'")
    model, prompt = get("model", ""), get("system_prompt", "")
    if not isinstance(model, str) or not isinstance(prompt, str):
        raise ConfigError("llm: 'model' and 'system_prompt' must be strings.")
    temperature = get("temperature")
    if temperature is not None and (not _number(temperature) or not 0 <= temperature <= 2):
        raise ConfigError("llm: 'temperature' must be a number from 0 to 2.")
    rounds = get("max_rounds", 8)
    if not isinstance(rounds, int) or isinstance(rounds, bool) or not 1 <= rounds <= 100:
        raise ConfigError("llm: 'max_rounds' must be a whole number from 1 to 100.")
    timeout = get("timeout", 120)
    if not _number(timeout) or timeout <= 0:
        raise ConfigError("llm: 'timeout' must be a positive number of seconds.")
    tool_timeout = get("tool_timeout", 300)
    if not _number(tool_timeout) or tool_timeout <= 0:
        raise ConfigError("llm: 'tool_timeout' must be a positive number of seconds.")
    approval = get("approval", {})
    if isinstance(approval, str):
        approval = {"*": approval}
    if not isinstance(approval, dict) or not all(v in APPROVALS for v in approval.values()):
        raise ConfigError(
            'llm: \'approval\' must map "*", a server, "server/tool" or an agent to '
            '"ask" or "allow".'
        )
    return LlmSettings(
        base_url=base_url,
        model=expand(model, env, "llm 'model'"),
        api_key=expand(str(get("api_key") or ""), env, "llm 'api_key'"),
        temperature=float(temperature) if temperature is not None else None,
        system_prompt=prompt,
        max_rounds=rounds,
        timeout=float(timeout),
        tool_timeout=float(tool_timeout),
        approval={str(k): str(v) for k, v in approval.items()},
    )


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def parse_mcp_servers(
    document: Mapping[str, Any], env: Mapping[str, str]
) -> tuple[list[McpServerSettings], list[str]]:
    """The `mcpServers` map (Claude Desktop, Cursor, Claude Code, LibreChat…) or VS Code's
    `servers`; a bad entry becomes a problem naming the server and the field."""
    servers: list[McpServerSettings] = []
    problems: list[str] = []
    for key in ("mcpServers", "servers"):
        entries = document.get(key, {})
        if not isinstance(entries, dict):
            problems.append(f"'{key}' must map server names to their settings.")
            continue
        for name, entry in entries.items():
            try:
                servers.append(parse_mcp_server(name, entry, env, where=f"{key}.{name}"))
            except ConfigError as exc:
                problems.append(str(exc))
    return servers, problems


def parse_mcp_server(
    name: str, entry: Any, env: Mapping[str, str], where: str = "server"
) -> McpServerSettings:
    """One MCP server entry in any of the shapes in use → McpServerSettings, or ConfigError."""
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: must be an object with 'command' or 'url'.")
    spelled = str(entry.get("type") or entry.get("transport") or entry.get("client") or "")
    url = expand(
        entry.get("url") or entry.get("serverUrl") or entry.get("httpUrl") or "",
        env,
        f"{where} 'url'",
    )
    if spelled:
        transport = TRANSPORTS.get(spelled.lower())
        if transport is None:
            raise ConfigError(
                f"{where}: 'type' {spelled!r} is not one of stdio, http, streamable-http, sse."
            )
    elif "command" in entry:
        transport = "stdio"
    elif url:
        transport = "sse" if url.rstrip("/").endswith("/sse") else "http"
    else:
        raise ConfigError(f"{where}: needs 'command' (a local server) or 'url' (a remote one).")
    era = str(entry.get("era", entry.get("protocolEra", "auto")))
    if era == "modern":
        era = "2026-07-28"
    if era not in ERAS:
        raise ConfigError(f"{where}: 'era' must be one of {', '.join(ERAS)}.")
    timeout = entry.get("timeout")
    if timeout is not None and (not isinstance(timeout, int | float) or timeout <= 0):
        raise ConfigError(f"{where}: 'timeout' must be a positive number of seconds.")
    common = {
        "name": name,
        "era": era,
        "timeout": float(timeout) if timeout is not None else None,
        "disabled": bool(entry.get("disabled", False)),
    }
    if transport == "stdio":
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
    check_http_url(url, f"{where} 'url'")
    return McpServerSettings(
        transport=transport,
        url=url,
        headers=_string_map(entry.get("headers", {}), env, f"{where} 'headers'"),
        **common,
    )


def _string_map(raw: Any, env: Mapping[str, str], what: str) -> dict[str, str]:
    if not isinstance(raw, dict) or not all(isinstance(v, str | int | float) for v in raw.values()):
        raise ConfigError(f"{what} must map names to string values.")
    return {str(k): expand(str(v), env, f"{what}.{k}") for k, v in raw.items()}


def parse_agent(entry: Any, env: Mapping[str, str], where: str = "agent") -> AgentSettings:
    """One `agents[]` entry → AgentSettings, or ConfigError naming the entry and the field."""
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: must be an object with 'name' and 'url'.")
    name = entry.get("name")
    label = f"{where} ({name!r})" if isinstance(name, str) and name else where
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{label}: 'name' is missing or empty.")
    url = expand(entry.get("url"), env, f"{label} 'url'")
    if not isinstance(url, str) or not url:
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
    return AgentSettings(
        name=name.strip(), url=url, headers=expanded, binding=binding, version=version
    )


_VAR = re.compile(r"\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def expand(value: Any, env: Mapping[str, str], what: str = "value") -> Any:
    """Expand `${VAR}`, `${env:VAR}` and `${VAR:-default}` in a string; other values pass."""
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if name in env and env[name] != "":
            return env[name]
        if default is not None:
            return default
        raise ConfigError(
            f"{what} uses ${{{name}}}, which is not set: set it in the environment or in "
            f"Streamlit secrets."
        )

    return _VAR.sub(substitute, value)


def check_http_url(url: str, what: str = "URL") -> None:
    """Raise ConfigError unless `url` is an absolute http(s) URL with a host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{what}: {url!r} is not an http(s) URL such as http://127.0.0.1:9999.")
