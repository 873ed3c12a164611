"""The store's fixtures: each test's own database, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.postgres import database
from tests.support.stores import Opener


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.timeout(900))])
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens a store on this test's own database, as often as the test likes."""
    if request.param == "sqlite":
        opened = Opener(tmp_path)
        try:
            yield opened
        finally:
            opened.close_all()
        return
    with database(request.getfixturevalue("postgres")) as url:
        opened = Opener(tmp_path, url)
        try:
            yield opened
        finally:
            opened.close_all()
