"""The config file: where it comes from, `${VAR}` expansion, bad entries named precisely."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from switchboard.config import load_settings, parse_settings, resolve_config_path


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
