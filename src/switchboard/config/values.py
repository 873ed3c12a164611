"""Single config values: `${VAR}` expansion from the environment, and the URL checks that
keep secrets on the hosts they were meant for."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from switchboard.config.settings import ConfigError

_VAR = re.compile(r"\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def expand(value: Any, env: Mapping[str, str], what: str = "value") -> Any:
    """Expand `${VAR}`, `${env:VAR}` and `${VAR:-default}` in a string; other values pass."""
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match[str]) -> str:
        """The variable's value, else its default; an unset variable without one is an error."""
        name, default = match.group(1), match.group(2)
        if name in env and env[name] != "":
            return env[name]
        if default is not None:
            return default
        raise ConfigError(
            f"{what} uses ${{{name}}}, which is not set: set it in the environment or in "
            f"Streamlit secrets."
        )

    return _VAR.sub(substitute, value)


def check_http_url(url: str, what: str = "URL") -> None:
    """Raise ConfigError unless `url` is an absolute http(s) URL with a host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{what}: {url!r} is not an http(s) URL such as http://127.0.0.1:9999.")


def same_origin(first: str, second: str) -> bool:
    """True when both URLs name the same scheme, host and port (a key may go to both)."""
    return _origin(first) == _origin(second)


def _origin(url: str) -> tuple[str, str | None, int | None]:
    """The (scheme, host, port) a URL's requests go to, to compare where keys may be sent."""
    parts = urlsplit(url)
    return parts.scheme, parts.hostname, parts.port
