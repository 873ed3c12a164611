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


def substituted(raw: Any, env: Mapping[str, str]) -> tuple[str, ...]:
    """Every value a `${VAR}` anywhere in `raw` (a config entry, before expansion) stands for:
    what came from the environment or Streamlit secrets is kept out of sight like a header."""
    found: list[str] = []
    if isinstance(raw, str):
        for match in _VAR.finditer(raw):
            name, default = match.group(1), match.group(2)
            value = env.get(name) or default or ""
            if len(value) >= 4:
                found.append(value)
    elif isinstance(raw, dict):
        for value in raw.values():
            found += substituted(value, env)
    elif isinstance(raw, list):
        for value in raw:
            found += substituted(value, env)
    return tuple(found)


def check_http_url(url: Any, what: str = "URL") -> None:
    """Raise ConfigError unless `url` is an absolute http(s) URL with a host (and, if it has
    one, a port from 1 to 65535)."""
    example = "an http(s) URL such as http://127.0.0.1:9999"
    if not isinstance(url, str):
        raise ConfigError(f"{what}: must be {example}, not {type(url).__name__} {url!r}.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # "Invalid IPv6 URL", "Port out of range 0-65535"
        raise ConfigError(f"{what}: {url!r} is not {example} ({exc}).") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{what}: {url!r} is not {example}.")
    if port == 0:
        raise ConfigError(f"{what}: {url!r} has port 0; give the port the server listens on.")


def boolean(value: Any, what: str) -> bool:
    """true/false, also spelled as the strings "true"/"false" (and yes/no, on/off, 1/0) that
    other clients' configs sometimes hold; anything else is ConfigError."""
    if isinstance(value, bool):
        return value
    spelled = str(value).strip().lower() if isinstance(value, str | int) else None
    if spelled in ("true", "yes", "on", "1"):
        return True
    if spelled in ("false", "no", "off", "0", ""):
        return False
    raise ConfigError(f"{what} must be true or false, not {value!r}.")


def seconds(value: Any, what: str) -> float | None:
    """A positive number of seconds (None stays None); true/false and the rest are errors."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigError(f"{what} must be a positive number of seconds, not {value!r}.")
    return float(value)


def same_origin(first: str, second: str) -> bool:
    """True when both URLs name the same scheme, host and port (a key may go to both)."""
    return _origin(first) == _origin(second)


def _origin(url: str) -> tuple[str, str | None, int | None]:
    """The (scheme, host, port) a URL's requests go to, to compare where keys may be sent."""
    parts = urlsplit(url)
    return parts.scheme, parts.hostname, parts.port
