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
