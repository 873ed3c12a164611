"""The secrets scan finds a secret however it was written down, and nothing else."""

from __future__ import annotations

import base64
from pathlib import Path

from tests.support.secret_scan import leaks

TOKEN = "eyJhbGciOi.access-token-0123456789"


def test_a_secret_is_found_in_any_spelling_and_a_clean_place_is_clean(tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "plain.log").write_text(f"Authorization: Bearer {TOKEN}")
    (tmp_path / "b64.bin").write_bytes(base64.b64encode(TOKEN.encode()))
    (tmp_path / "clean.txt").write_text("nothing to see")
    found = leaks([TOKEN], [tmp_path], ["ok", f'{{"t": "{TOKEN}"}}'])
    assert sorted(found) == sorted(
        [
            f"{tmp_path / 'db' / 'plain.log'}: eyJhbG…",
            f"{tmp_path / 'b64.bin'}: eyJhbG…",
            "text 1: eyJhbG…",
        ]
    )
    assert leaks([TOKEN], [tmp_path / "clean.txt"], ["ok"]) == []
