"""What every page shares: the workspace is built with the key in Streamlit's secrets."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from switchboard.connections.vault import Item, VaultKey
from tests.support.apps import APP, app_workspace


def test_secrets_toml_secret_key_seals_the_vault(
    config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SWITCHBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("SWITCHBOARD_SECRET_KEY", raising=False)
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["secret_key"] = "from secrets.toml"
    at.run()
    ws = app_workspace()
    assert ws.settings.secret_key == "from secrets.toml"
    ws.signing.vault.put(VaultKey("local", "mcp", "Files", Item.TOKENS), b"at-SECRET-0a9b")
    assert not (tmp_path / "data" / "vault.key").exists(), "the configured key, not a made one"
