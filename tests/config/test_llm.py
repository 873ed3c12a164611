"""The model: the `llm` object in either case, the env's overrides, and where a key may go."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from switchboard.config import LlmSettings, load_settings, parse_settings

LLM_SNAKE = {
    "base_url": "http://${HOST}:11434/v1/",
    "model": "${MODEL}",
    "api_key": "${KEY}",
    "system_prompt": "Be brief.",
    "temperature": 0.2,
    "max_rounds": 5,
    "timeout": 60,
    "tool_timeout": 30,
    "approval": {"*": "ask", "fs": "allow"},
}
LLM_CAMEL = {
    "baseUrl": "http://${HOST}:11434/v1/",
    "model": "${MODEL}",
    "apiKey": "${KEY}",
    "systemPrompt": "Be brief.",
    "temperature": 0.2,
    "maxRounds": 5,
    "timeout": 60,
    "toolTimeout": 30,
    "approval": {"*": "ask", "fs": "allow"},
}


@pytest.mark.parametrize("llm", [LLM_SNAKE, LLM_CAMEL], ids=["snake_case", "camelCase"])
def test_the_llm_object_loads_in_either_case_with_variables_and_a_hidden_key(
    llm: dict[str, object],
) -> None:
    env = {"HOST": "127.0.0.1", "MODEL": "qwen3:8b", "KEY": "sk-local-123"}
    settings = parse_settings({"llm": llm}, env=env)
    assert settings.problems == ()
    assert settings.llm == LlmSettings(
        base_url="http://127.0.0.1:11434/v1/",
        model="qwen3:8b",
        api_key="sk-local-123",
        temperature=0.2,
        system_prompt="Be brief.",
        max_rounds=5,
        timeout=60.0,
        tool_timeout=30.0,
        approval={"*": "ask", "fs": "allow"},
    )
    assert settings.llm.endpoint == "http://127.0.0.1:11434/v1"
    assert "sk-local-123" not in repr(settings.llm)
    assert "sk-local-123" not in repr(settings)


@pytest.mark.parametrize(
    ("llm", "message"),
    [
        ({"temperature": 3}, "llm: 'temperature' must be a number from 0 to 2"),
        ({"max_rounds": 0}, "llm: 'max_rounds' must be a whole number from 1 to 100"),
        ({"base_url": "ftp://127.0.0.1/v1"}, "llm 'base_url': 'ftp://127.0.0.1/v1' is not an"),
        ({"approval": {"x": "maybe"}}, "llm: 'approval' must map"),
    ],
    ids=["temperature", "max_rounds", "base_url", "approval"],
)
def test_a_bad_llm_value_is_named_and_the_agents_still_load(
    llm: dict[str, object], message: str
) -> None:
    document = {
        "agents": [{"name": "a", "url": "http://127.0.0.1:1"}],
        "llm": {"model": "m", **llm},
    }
    settings = parse_settings(document, env={})
    assert [a.name for a in settings.agents] == ["a"]
    (problem,) = settings.problems
    assert message in problem
    assert not settings.llm.configured


def test_approval_given_as_one_string_applies_to_everything() -> None:
    settings = parse_settings({"llm": {"model": "m", "approval": "allow"}}, env={})
    assert settings.problems == ()
    assert settings.llm.approval == {"*": "allow"}


def test_the_env_overrides_the_file_url_and_model_and_supplies_a_missing_key(
    tmp_path: Path,
) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"llm": {"base_url": "http://127.0.0.1:1/v1", "model": "file"}}))
    env = {
        "SWITCHBOARD_LLM_BASE_URL": "http://127.0.0.1:2/v1",
        "SWITCHBOARD_LLM_MODEL": "env-model",
        "SWITCHBOARD_LLM_API_KEY": "env-key",
    }
    llm = load_settings(path, env=env).llm
    assert (llm.base_url, llm.model, llm.api_key) == (
        "http://127.0.0.1:2/v1",
        "env-model",
        "env-key",
    )


def test_a_key_in_the_file_wins_over_the_env(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"llm": {"model": "m", "apiKey": "file-key"}}))
    env = {"SWITCHBOARD_LLM_API_KEY": "env-key", "OPENAI_API_KEY": "sk-openai"}
    assert load_settings(path, env=env).llm.api_key == "file-key"


@pytest.mark.parametrize(
    ("llm", "env", "key"),
    [
        ({}, {}, "sk-openai"),
        ({"base_url": "https://api.openai.com/v1"}, {}, "sk-openai"),
        ({"base_url": "http://127.0.0.1:11434/v1"}, {}, ""),
        ({}, {"SWITCHBOARD_LLM_BASE_URL": "http://127.0.0.1:11434/v1"}, ""),
    ],
    ids=["no base_url", "openai", "local base_url", "local base_url from env"],
)
def test_openai_api_key_is_only_sent_to_openai(
    tmp_path: Path, llm: dict[str, str], env: dict[str, str], key: str
) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"llm": {"model": "m", **llm}}))
    settings = load_settings(path, env={"OPENAI_API_KEY": "sk-openai", **env})
    assert settings.problems == ()
    assert settings.llm.api_key == key


def test_without_a_config_file_the_env_alone_configures_the_model() -> None:
    assert not load_settings(None, env={}).llm.configured
    env = {
        "SWITCHBOARD_LLM_BASE_URL": "http://127.0.0.1:11434/v1/",
        "SWITCHBOARD_LLM_MODEL": "qwen3:8b",
        "SWITCHBOARD_LLM_API_KEY": "local-key",
    }
    settings = load_settings(None, env=env)
    assert settings.embedded_demo and settings.llm.configured
    assert settings.llm.endpoint == "http://127.0.0.1:11434/v1"
    assert (settings.llm.model, settings.llm.api_key) == ("qwen3:8b", "local-key")


def test_llm_settings_survive_other_problems_and_odd_values(tmp_path: Path) -> None:
    path = tmp_path / "switchboard.json"
    path.write_text(json.dumps({"dataDir": "${NOPE}", "llm": {"model": "m", "apiKey": None}}))
    env = {"SWITCHBOARD_LLM_API_KEY": "env-key-1234"}
    settings = load_settings(path, env=env)
    assert any("NOPE" in p for p in settings.problems)
    assert settings.llm.api_key == "env-key-1234", "a null key is no key"
    bad = parse_settings({"llm": {"base_url": 5, "model": "m"}}, env={})
    assert any("'base_url' must be a string" in p for p in bad.problems)
    assert any(
        "SWITCHBOARD_LLM_BASE_URL" in p
        for p in load_settings(None, env={"SWITCHBOARD_LLM_BASE_URL": "not a url"}).problems
    )


def test_a_key_never_follows_the_model_to_another_host(tmp_path: Path) -> None:
    path = tmp_path / "switchboard.json"
    path.write_text(
        json.dumps({"llm": {"base_url": "http://127.0.0.1:1/v1", "apiKey": "file-key"}})
    )
    moved = load_settings(path, env={"SWITCHBOARD_LLM_BASE_URL": "http://127.0.0.1:2/v1"})
    assert moved.llm.api_key == ""
    plain = load_settings(
        None,
        env={"SWITCHBOARD_LLM_BASE_URL": "http://api.openai.com/v1", "OPENAI_API_KEY": "sk-x"},
    )
    assert plain.llm.api_key == "", "OpenAI's key only over https"
