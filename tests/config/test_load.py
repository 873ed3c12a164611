"""Finding the config file and loading it: the flag, the env, ./switchboard.json, the demo."""

from __future__ import annotations

import json
from pathlib import Path

from switchboard.config import load_settings, resolve_config_path


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


def test_a_file_that_is_not_utf8_or_nests_too_deeply_is_one_problem(tmp_path: Path) -> None:
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"agents": [], "note": "caf\xe9"}')
    assert "is not UTF-8 text" in load_settings(latin).problems[0]
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    assert "nests too deeply" in load_settings(deep).problems[0]


def test_a_data_dir_that_is_not_a_string_is_named_and_the_rest_loads(tmp_path: Path) -> None:
    path = tmp_path / "switchboard.json"
    document = {"dataDir": 7, "agents": [{"name": "a", "url": "http://127.0.0.1:9"}]}
    path.write_text(json.dumps(document))
    settings = load_settings(path, env={})
    assert "'dataDir' must be a string, not 7." in settings.problems
    assert [a.name for a in settings.agents] == ["a"] and settings.data_dir == ""


def test_allow_stdio_from_ui_may_be_spelled_as_a_string(tmp_path: Path) -> None:
    path = tmp_path / "switchboard.json"
    path.write_text(json.dumps({"allowStdioFromUi": "false"}))
    assert load_settings(path, env={}).allow_stdio_from_ui is False
    path.write_text(json.dumps({"allowStdioFromUi": "maybe"}))
    settings = load_settings(path, env={})
    assert settings.allow_stdio_from_ui is None
    assert any("'allowStdioFromUi' must be true or false" in p for p in settings.problems)


def test_allowed_hosts_absent_empty_or_wrong(tmp_path: Path) -> None:
    path = tmp_path / "switchboard.json"
    path.write_text(json.dumps({}))
    assert load_settings(path, env={}).allowed_hosts is None, "absent: the configured hosts"
    path.write_text(json.dumps({"allowedHosts": ["a.example.com", "*.b.example.com"]}))
    assert load_settings(path, env={}).allowed_hosts == ("a.example.com", "*.b.example.com")
    path.write_text(json.dumps({"allowedHosts": "a.example.com"}))
    settings = load_settings(path, env={})
    assert any("'allowedHosts' must be a list of hosts" in p for p in settings.problems)
    assert settings.allowed_hosts == (), "a wrong list allows no host rather than any"
