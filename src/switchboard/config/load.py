"""Where the config comes from and how it becomes `Settings`: `--config FILE` or
SWITCHBOARD_CONFIG, else ./switchboard.json, else the embedded demo; then the whole document
is validated entry by entry, so one bad entry never stops the rest."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from switchboard.config.agents import parse_agents
from switchboard.config.llm import LLM_API_KEY_ENV, OPENAI_API_KEY_ENV, llm_from_env, parse_llm
from switchboard.config.mcp_entries import parse_mcp_servers
from switchboard.config.settings import ConfigError, Limits, LlmSettings, Settings
from switchboard.config.values import boolean, check_http_url, expand

CONFIG_ENV = "SWITCHBOARD_CONFIG"
DATA_DIR_ENV = "SWITCHBOARD_DATA_DIR"
DATABASE_URL_ENV = "SWITCHBOARD_DATABASE_URL"
SECRET_KEY_ENV = "SWITCHBOARD_SECRET_KEY"  # seals sign-ins in the store; never in the file
DEFAULT_DATA_DIR = "~/.switchboard"
DEFAULT_CONFIG_FILE = "switchboard.json"


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
        for value, name in ((data_dir, "dataDir"), (url, "databaseUrl")):
            if not isinstance(value, str):
                raise ConfigError(f"'{name}' must be a string, not {value!r}.")
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
    secret_key = env.get(SECRET_KEY_ENV, "")
    return replace(
        settings,
        data_dir=data_dir,
        database_url=url,
        secret_key=secret_key,
        llm=llm,
        problems=tuple(problems),
    )


def _load_settings(path: Path | None, env: Mapping[str, str]) -> Settings:
    """The settings in the file at `path` (None: the embedded demo); a file that cannot be read
    or is not JSON yields no entries and one problem saying where."""
    if path is None:
        return Settings(source="embedded demo", embedded_demo=True)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return Settings(source=str(path), problems=(f"Cannot read config file {path}: {exc}",))
    except UnicodeDecodeError as exc:
        problem = f"Config file {path} is not UTF-8 text ({exc.reason} at byte {exc.start})."
        return Settings(source=str(path), problems=(problem + " Save it as UTF-8 JSON.",))
    try:
        document = json.loads(text)
    except RecursionError:
        problem = f"Config file {path} nests too deeply to read: it is not a config."
        return Settings(source=str(path), problems=(problem,))
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
    agents, problems = parse_agents(document, env, source)
    servers, server_problems = parse_mcp_servers(document, env)
    roots_problem = f"{source}: 'roots' must be a list of URIs such as file:///home/me/project."
    roots = _strings(document, "roots", roots_problem, problems)
    admins_problem = f"{source}: 'admins' must be a list of e-mail addresses, such as {ADMINS}."
    admins = _strings(document, "admins", admins_problem, problems)
    hosts_problem = f"{source}: 'allowedHosts' must be a list of hosts, such as {ALLOWED_HOSTS}."
    allowed_hosts = _strings(document, "allowedHosts", hosts_problem, problems)
    allow_stdio = document.get("allowStdioFromUi")
    if allow_stdio is not None:
        try:
            allow_stdio = boolean(allow_stdio, f"{source}: 'allowStdioFromUi'")
        except ConfigError as exc:
            problems.append(str(exc))
            allow_stdio = None
    limits, limit_problems = parse_limits(document.get("limits"), source)
    problems += limit_problems
    llm = LlmSettings()
    if document.get("llm") is not None:
        try:
            llm = parse_llm(document["llm"], env)
        except ConfigError as exc:
            problems.append(str(exc))
    public_url = str(document.get("publicUrl") or env.get(PUBLIC_URL_ENV) or DEFAULT_PUBLIC_URL)
    try:
        check_http_url(public_url, f"{source}: 'publicUrl'")
    except ConfigError as exc:
        problems.append(str(exc))
        public_url = DEFAULT_PUBLIC_URL
    return Settings(
        source=source,
        public_url=public_url,
        agents=tuple(agents),
        mcp_servers=tuple(servers),
        roots=roots,
        admins=admins,
        allowed_hosts=allowed_hosts if "allowedHosts" in document else None,
        llm=llm,
        limits=limits,
        allow_stdio_from_ui=allow_stdio,
        problems=tuple(problems + server_problems),
        raw=document,
    )


ADMINS = '["ada@example.com"]'
# Where people reach the app (behind a proxy: its public address), for sign-in redirects.
PUBLIC_URL_ENV = "SWITCHBOARD_PUBLIC_URL"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8501"
ALLOWED_HOSTS = '["agents.example.com", "*.internal.example.com", "10.0.0.5:8080"]'


def _strings(
    document: dict[str, Any], key: str, problem: str, problems: list[str]
) -> tuple[str, ...]:
    """A list of strings at `key` (none if absent); anything else is `problem`."""
    found = document.get(key, [])
    if isinstance(found, list) and all(isinstance(each, str) for each in found):
        return tuple(found)
    problems.append(problem)
    return ()


LIMIT_KEYS = {"maxCardBytes": "max_card_bytes", "maxBodyBytes": "max_body_bytes"}
LIMIT_KEYS["maxResultBytes"] = "max_result_bytes"


def parse_limits(raw: Any, source: str) -> tuple[Limits, list[str]]:
    """The `limits` object ({"maxCardBytes", "maxBodyBytes", "maxResultBytes"}); a bad value
    is named and keeps its default."""
    if raw is None:
        return Limits(), []
    if not isinstance(raw, dict):
        return Limits(), [
            f"{source}: 'limits' must be an object such as {{\"maxCardBytes\": 1000000}}."
        ]
    chosen: dict[str, int] = {}
    problems = []
    for key, value in raw.items():
        field_name = LIMIT_KEYS.get(key)
        if field_name is None:
            problems.append(f"{source}: 'limits.{key}' is not a limit ({', '.join(LIMIT_KEYS)}).")
        elif isinstance(value, bool) or not isinstance(value, int) or value < 1:
            problems.append(f"{source}: 'limits.{key}' must be a whole number of bytes.")
        else:
            chosen[field_name] = value
    return Limits(**chosen), problems


# The app's own secrets among the environment: never expanded into a server someone pastes
# in the UI (its headers would carry them to a host of their choosing).
APP_SECRET_ENVS = (SECRET_KEY_ENV, DATABASE_URL_ENV, LLM_API_KEY_ENV, OPENAI_API_KEY_ENV)
