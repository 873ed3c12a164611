"""The config file: where it comes from, `${VAR}` expansion, bad entries named precisely."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from switchboard.config import LlmSettings, load_settings, parse_settings, resolve_config_path


def test_no_config_means_the_embedded_demo(tmp_path: Path) -> None:
    assert resolve_config_path(env={}, cwd=tmp_path) is None
    settings = load_settings(None)
    assert settings.embedded_demo and settings.agents == ()


def test_the_config_comes_from_the_flag_then_the_env_then_the_working_directory(
    tmp_path: Path,
) -> None:
    (tmp_path / "switchboard.json").write_text("{}")
    assert resolve_config_path(env={}, cwd=tmp_path) == tmp_path / "switchboard.json"
    assert resolve_config_path(env={"SWITCHBOARD_CONFIG": "/x.json"}, cwd=tmp_path) == Path(
        "/x.json"
    )
    assert resolve_config_path("/y.json", env={"SWITCHBOARD_CONFIG": "/x.json"}) == Path("/y.json")


def test_agents_load_with_expanded_variables_and_defaults() -> None:
    document = {
        "agents": [
            {
                "name": "weather",
                "url": "http://127.0.0.1:${PORT}",
                "headers": {"Authorization": "Bearer ${TOKEN}", "X-Team": "${TEAM:-blue}"},
            },
            {
                "name": "legacy",
                "url": "${env:LEGACY_URL}",
                "binding": "HTTP+JSON",
                "version": "0.3",
            },
        ]
    }
    env = {"PORT": "9100", "TOKEN": "s3cr3t-token", "LEGACY_URL": "http://127.0.0.1:9200"}
    settings = parse_settings(document, env=env)
    assert settings.problems == ()
    weather, legacy = settings.agents
    assert weather.url == "http://127.0.0.1:9100"
    assert weather.headers == {"Authorization": "Bearer s3cr3t-token", "X-Team": "blue"}
    assert (legacy.url, legacy.binding, legacy.version) == (
        "http://127.0.0.1:9200",
        "HTTP+JSON",
        "0.3",
    )
    assert "s3cr3t-token" not in repr(weather)


def test_a_bad_entry_is_named_with_its_field_and_the_others_still_load() -> None:
    document = {
        "agents": [
            {"name": "good", "url": "http://127.0.0.1:9000"},
            {"name": "no-url"},
            {"name": "ftp", "url": "ftp://127.0.0.1/"},
            {"name": "secret", "url": "http://127.0.0.1:1", "headers": {"X-Key": "${MISSING}"}},
            {"name": "odd", "url": "http://127.0.0.1:2", "binding": "GRPC"},
            {"name": "good", "url": "http://127.0.0.1:9001"},
            "not an object",
        ]
    }
    settings = parse_settings(document, source="my.json", env={})
    assert [a.name for a in settings.agents] == ["good"]
    problems = "\n".join(settings.problems)
    assert "agents[1] ('no-url'): 'url' is missing" in problems
    assert "agents[2] ('ftp') 'url': 'ftp://127.0.0.1/' is not an http(s) URL" in problems
    assert "agents[3] ('secret') 'headers.X-Key' uses ${MISSING}, which is not set" in problems
    assert "agents[4] ('odd'): 'binding' must be one of" in problems
    assert "agents[5] ('good'): the name is used twice" in problems
    assert "agents[6]: must be an object" in problems


def test_a_file_that_is_not_json_says_where(tmp_path: Path) -> None:
    path = tmp_path / "switchboard.json"
    path.write_text('{"agents": [\n  {"name": "a",}\n]}')
    settings = load_settings(path)
    assert settings.agents == () and not settings.embedded_demo
    assert "is not valid JSON (line 2" in settings.problems[0]


def test_a_missing_file_says_so(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "nope.json")
    assert "Cannot read config file" in settings.problems[0]


def test_a_config_file_replaces_the_demo(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"agents": [{"name": "a", "url": "http://127.0.0.1:1"}]}))
    settings = load_settings(path)
    assert not settings.embedded_demo and [a.name for a in settings.agents] == ["a"]


SHAPES = [
    # (client, document, expected (name, transport, command|url, args))
    (
        "Claude Desktop",
        {"mcpServers": {"fs": {"command": "npx", "args": ["-y", "server-fs", "/tmp"]}}},
        ("fs", "stdio", "npx", ("-y", "server-fs", "/tmp")),
    ),
    (
        "Cursor (remote, ${env:VAR})",
        {"mcpServers": {"gh": {"url": "http://127.0.0.1:9/mcp", "headers": {"A": "${env:TOK}"}}}},
        ("gh", "http", "http://127.0.0.1:9/mcp", ()),
    ),
    (
        "Claude Code",
        {"mcpServers": {"s": {"type": "sse", "url": "http://127.0.0.1:9/sse"}}},
        ("s", "sse", "http://127.0.0.1:9/sse", ()),
    ),
    (
        "VS Code (servers key)",
        {"servers": {"v": {"type": "stdio", "command": "uvx", "args": ["srv"]}}},
        ("v", "stdio", "uvx", ("srv",)),
    ),
    (
        "LibreChat (streamable-http)",
        {"mcpServers": {"l": {"type": "streamable-http", "url": "http://127.0.0.1:9/mcp"}}},
        ("l", "http", "http://127.0.0.1:9/mcp", ()),
    ),
    (
        "langchain-mcp-adapters (transport key)",
        {"mcpServers": {"t": {"transport": "streamable_http", "url": "http://127.0.0.1:9/mcp"}}},
        ("t", "http", "http://127.0.0.1:9/mcp", ()),
    ),
    (
        "Cline (streamableHttp)",
        {"mcpServers": {"c": {"type": "streamableHttp", "url": "http://127.0.0.1:9/x"}}},
        ("c", "http", "http://127.0.0.1:9/x", ()),
    ),
    (
        "missing type, URL ending in /sse",
        {"mcpServers": {"m": {"url": "http://127.0.0.1:9/sse/"}}},
        ("m", "sse", "http://127.0.0.1:9/sse/", ()),
    ),
    (
        "Chainlit (one command string)",
        {"mcpServers": {"ch": {"client": "stdio", "command": "python -m srv --fast"}}},
        ("ch", "stdio", "python", ("-m", "srv", "--fast")),
    ),
]


@pytest.mark.parametrize(("client", "document", "expected"), SHAPES, ids=[s[0] for s in SHAPES])
def test_mcp_server_configs_in_every_shape_in_use(client: str, document: dict, expected) -> None:
    settings = parse_settings(document, env={"TOK": "secret"})
    assert settings.problems == ()
    (server,) = settings.mcp_servers
    name, transport, where, args = expected
    got = server.command if transport == "stdio" else server.url
    assert (server.name, server.transport, got, server.args) == (name, transport, where, args)


def test_mcp_entries_expand_variables_and_keep_env_cwd_disabled_era_timeout() -> None:
    document = {
        "mcpServers": {
            "a": {
                "command": "${BIN:-python}",
                "args": ["-m", "srv", "--root", "${ROOT}"],
                "env": {"API_KEY": "${KEY}"},
                "cwd": "/tmp",
                "disabled": True,
                "era": "legacy",
                "timeout": 30,
            }
        },
        "roots": ["file:///tmp/project"],
    }
    settings = parse_settings(document, env={"ROOT": "/data", "KEY": "k-123"})
    (server,) = settings.mcp_servers
    assert server.command == "python" and server.args == ("-m", "srv", "--root", "/data")
    assert server.env == {"API_KEY": "k-123"} and server.cwd == "/tmp"
    assert (server.disabled, server.era, server.timeout) == (True, "legacy", 30.0)
    assert settings.roots == ("file:///tmp/project",)
    assert "k-123" not in repr(server)


def test_a_malformed_mcp_entry_names_the_server_and_field_and_the_rest_load() -> None:
    document = {
        "mcpServers": {
            "good": {"command": "python"},
            "typo": {"type": "websocket", "url": "http://127.0.0.1:9"},
            "empty": {},
            "badargs": {"command": "x", "args": "not-a-list"},
            "badurl": {"type": "http", "url": "127.0.0.1:9/mcp"},
            "badera": {"command": "x", "era": "2025"},
            "badenv": {"command": "x", "env": {"K": "${NOPE}"}},
        }
    }
    settings = parse_settings(document, env={})
    assert [s.name for s in settings.mcp_servers] == ["good"]
    problems = "\n".join(settings.problems)
    assert "mcpServers.typo: 'type' 'websocket' is not one of" in problems
    assert "mcpServers.empty: needs 'command'" in problems
    assert "mcpServers.badargs: 'args' must be a list" in problems
    assert "mcpServers.badurl 'url': '127.0.0.1:9/mcp' is not an http(s) URL" in problems
    assert "mcpServers.badera: 'era' must be one of" in problems
    assert "mcpServers.badenv 'env'.K uses ${NOPE}, which is not set" in problems


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
