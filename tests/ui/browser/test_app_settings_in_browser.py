"""The app's own Streamlit settings (src/switchboard/ui/.streamlit/config.toml) apply wherever
it is started: the browser fixtures start it in an empty directory, as the Docker image and an
installed package do."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import STEP

pytestmark = pytest.mark.browser


def test_the_apps_settings_apply_outside_the_project_directory(page: Page) -> None:
    expect(page.get_by_role("link", name="Agents")).to_be_visible(timeout=STEP)
    # toolbarMode "viewer": a person using the app is not offered to deploy it.
    expect(page.get_by_role("button", name="Deploy")).to_have_count(0)
