"""Each person's model, as the pages change it (`ws.models`): the models their endpoint
lists, their settings (a key stays with the host it was given for), their approvals."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from switchboard.assistant import Assistant
from switchboard.config import same_origin
from switchboard.connections.url_guard import UrlGuard
from switchboard.runtime import Runtime
from switchboard.workspace.access import reachable
from switchboard.workspace.pending import StopCheck, call_for


class ModelDesk:
    """What a person may do with their own model settings."""

    def __init__(self, runtime: Runtime, assistant: Assistant, urls: UrlGuard) -> None:
        self._runtime, self._assistant, self._urls = runtime, assistant, urls

    def listed(self, user: str, timeout: float, stop_check: StopCheck | None = None) -> list[str]:
        """The models `user`'s endpoint lists ([] when it has none or does not answer in time)."""
        try:
            coro = self._assistant.models(user)
            return call_for(self._runtime, user, coro, timeout, stop_check)
        except TimeoutError:
            return []

    def configure(self, user: str, key: str = "", **changes: Any) -> bool:
        """Change `user`'s model settings; ConfigError for a bad base URL. A key stays with the
        host it was given for: True when a new host dropped the old key."""
        if changes.get("base_url"):
            reachable(self._urls, changes["base_url"], "Base URL")
        settings = self._assistant.settings(user)
        new = replace(settings, **changes)
        kept = settings.api_key if same_origin(new.endpoint, settings.endpoint) else ""
        new = replace(new, api_key=key.strip() or kept)
        self._assistant.configure(user, new, self._urls)
        return bool(settings.api_key) and not new.api_key

    def approve(self, user: str, rules: dict[str, str]) -> None:
        """Which of `user`'s calls ask first and which are allowed, from the next call on."""
        settings = self._assistant.settings(user)
        self._assistant.configure(user, replace(settings, approval=rules))
