"""The settings' derived values: which secrets to mask, where the model's requests go."""

from __future__ import annotations

from switchboard.config import OPENAI_BASE_URL, LlmSettings, McpServerSettings


def test_a_servers_secrets_are_its_header_and_env_values() -> None:
    server = McpServerSettings(
        name="s", transport="stdio", env={"KEY": "k-1"}, headers={"Authorization": "Bearer t"}
    )
    assert server.secrets == ["Bearer t", "k-1"]
    assert "k-1" not in repr(server) and "Bearer t" not in repr(server)


def test_the_model_goes_to_openai_unless_told_otherwise() -> None:
    assert LlmSettings().endpoint == OPENAI_BASE_URL and not LlmSettings().configured
    local = LlmSettings(base_url="http://127.0.0.1:11434/v1/", model="m")
    assert local.endpoint == "http://127.0.0.1:11434/v1" and local.configured
