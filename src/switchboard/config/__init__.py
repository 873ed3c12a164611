"""Settings: the JSON config file (agents, mcpServers, llm), `${VAR}` expansion, the demo default.

Where the file comes from: `--config FILE` / `SWITCHBOARD_CONFIG`, else `./switchboard.json` if
present, else the embedded demo. A config file replaces the demo: only what it lists connects.
A malformed entry is reported by name and field; the other entries still load.

The bottom layer: it imports nothing else from switchboard. Read top-down: `settings` (what a
config yields), `values` (`${VAR}` and URL checks), `agents`, `mcp_entries` and `llm` (one part
of the document each), `load` (finding the file and putting the parts together).
"""

from __future__ import annotations

from switchboard.config.agents import BINDINGS, VERSIONS, parse_agent, parse_agents
from switchboard.config.llm import (
    APPROVALS,
    LLM_API_KEY_ENV,
    LLM_BASE_URL_ENV,
    LLM_MODEL_ENV,
    OPENAI_API_KEY_ENV,
    llm_from_env,
    parse_llm,
)
from switchboard.config.load import (
    APP_SECRET_ENVS,
    CONFIG_ENV,
    DATA_DIR_ENV,
    DATABASE_URL_ENV,
    DEFAULT_CONFIG_FILE,
    DEFAULT_DATA_DIR,
    load_settings,
    parse_settings,
    resolve_config_path,
)
from switchboard.config.mcp_entries import (
    ERAS,
    TRANSPORTS,
    parse_mcp_server,
    parse_mcp_servers,
    parse_pasted_servers,
)
from switchboard.config.settings import (
    OPENAI_BASE_URL,
    AgentSettings,
    ConfigError,
    Grant,
    Limits,
    LlmSettings,
    McpAuthSettings,
    McpServerSettings,
    SchemeCredentials,
    Settings,
)
from switchboard.config.settings_data import agent_from_data, server_from_data, settings_data
from switchboard.config.values import check_http_url, expand, same_origin

__all__ = [
    "APPROVALS",
    "APP_SECRET_ENVS",
    "BINDINGS",
    "CONFIG_ENV",
    "DATABASE_URL_ENV",
    "DATA_DIR_ENV",
    "DEFAULT_CONFIG_FILE",
    "DEFAULT_DATA_DIR",
    "ERAS",
    "LLM_API_KEY_ENV",
    "LLM_BASE_URL_ENV",
    "LLM_MODEL_ENV",
    "OPENAI_API_KEY_ENV",
    "OPENAI_BASE_URL",
    "TRANSPORTS",
    "VERSIONS",
    "AgentSettings",
    "ConfigError",
    "Grant",
    "Limits",
    "LlmSettings",
    "McpAuthSettings",
    "McpServerSettings",
    "SchemeCredentials",
    "Settings",
    "agent_from_data",
    "check_http_url",
    "expand",
    "llm_from_env",
    "load_settings",
    "parse_agent",
    "parse_agents",
    "parse_llm",
    "parse_mcp_server",
    "parse_mcp_servers",
    "parse_pasted_servers",
    "parse_settings",
    "resolve_config_path",
    "same_origin",
    "server_from_data",
    "settings_data",
]
