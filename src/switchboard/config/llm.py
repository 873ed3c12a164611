"""The assistant's model: the config's `llm` object, then the environment's overrides, with
the rule that an API key never goes to a host it was not meant for."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from switchboard.config.settings import OPENAI_BASE_URL, ConfigError, LlmSettings
from switchboard.config.values import check_http_url, expand, same_origin

LLM_BASE_URL_ENV = "SWITCHBOARD_LLM_BASE_URL"
LLM_MODEL_ENV = "SWITCHBOARD_LLM_MODEL"
LLM_API_KEY_ENV = "SWITCHBOARD_LLM_API_KEY"
OPENAI_API_KEY_ENV = "OPENAI_API_KEY"  # sent only to OpenAI's own host
APPROVALS = ("ask", "allow")


def parse_llm(entry: Any, env: Mapping[str, str]) -> LlmSettings:
    """The `llm` object (snake_case or camelCase keys) → LlmSettings, or ConfigError."""
    if not isinstance(entry, dict):
        raise ConfigError('\'llm\' must be an object such as {"base_url": ..., "model": ...}.')

    def get(name: str, default: Any = None) -> Any:
        """The value under the snake_case `name`, else under its camelCase spelling."""
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


def _number(value: Any) -> bool:
    """True for an int or a float; a bool is not a number here."""
    return isinstance(value, int | float) and not isinstance(value, bool)
