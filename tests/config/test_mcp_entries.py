"""The `mcpServers` map in every shape in use; a bad entry names the server and the field."""

from __future__ import annotations

import pytest

from switchboard.config import ConfigError, parse_mcp_server, parse_settings

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


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"url": 8080}, "'url': must be an http(s) URL such as http://127.0.0.1:9999, not int"),
        ({"url": ["http://127.0.0.1:1/mcp"]}, "not list"),
        ({"url": "http://[::1/mcp"}, "(Invalid IPv6 URL)"),
        ({"url": "http://127.0.0.1:99999/mcp"}, "(Port out of range 0-65535)"),
        ({"url": "http://127.0.0.1:0/mcp"}, "has port 0"),
        ({"command": "x", "timeout": True}, "'timeout' must be a positive number of seconds"),
        ({"command": "x", "disabled": "sometimes"}, "'disabled' must be true or false"),
    ],
)
def test_a_mistake_is_named_by_server_and_field_and_the_rest_load(
    entry: dict, message: str
) -> None:
    document = {"mcpServers": {"bad": entry, "good": {"command": "npx"}}}
    settings = parse_settings(document, env={})
    assert [s.name for s in settings.mcp_servers] == ["good"]
    (problem,) = settings.problems
    assert problem.startswith("mcpServers.bad") and message in problem


def test_disabled_spelled_as_a_string_means_what_it_says() -> None:
    document = {
        "mcpServers": {
            "on": {"command": "a", "disabled": "false"},
            "off": {"command": "b", "disabled": "true"},
        }
    }
    servers = {s.name: s.disabled for s in parse_settings(document, env={}).mcp_servers}
    assert servers == {"on": False, "off": True}


def test_the_same_name_under_mcp_servers_and_servers_is_kept_once() -> None:
    document = {"mcpServers": {"x": {"command": "a"}}, "servers": {"x": {"command": "b"}}}
    settings = parse_settings(document, env={})
    assert [(s.name, s.command) for s in settings.mcp_servers] == [("x", "a")]
    assert settings.problems == ("servers.x: the name is used by mcpServers.x too; skipped.",)


def test_a_servers_own_roots_are_read_and_checked() -> None:
    entry = {"command": "x", "roots": ["file:///home/me/src"]}
    assert parse_mcp_server("files", entry, {}).roots == ("file:///home/me/src",)
    assert parse_mcp_server("files", {"command": "x"}, {}).roots is None
    with pytest.raises(ConfigError, match="'roots' must be a list of URIs"):
        parse_mcp_server("files", {"command": "x", "roots": "file:///a"}, {})
