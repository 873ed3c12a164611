"""Keeping secrets out of the wire log, the inspector and the UI."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

MASK = "••••"
_SENSITIVE_NAME = re.compile(r"auth|token|key|secret|cookie|password|session", re.IGNORECASE)


def mask(value: str) -> str:
    """Show a secret without revealing it: long values keep their last 4 characters."""
    return MASK + value[-4:] if len(value) >= 16 else MASK


def is_sensitive_header(name: str) -> bool:
    """Header names whose values are secret whatever their value (Authorization, X-API-Key…)."""
    return bool(_SENSITIVE_NAME.search(name))


class Redactor:
    """Masks known secret values anywhere in text, and sensitive or configured headers."""

    def __init__(self, secrets: Iterable[str] = (), secret_headers: Iterable[str] = ()) -> None:
        self._secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)
        for value in list(self._secrets):
            if " " in value:  # "Bearer abc…": the credential alone may appear elsewhere too
                tail = value.split(" ", 1)[1]
                if len(tail) >= 4:
                    self._secrets.append(tail)
        self._secret_headers = {name.lower() for name in secret_headers}

    def add(self, secret: str) -> None:
        """Mask `secret` too from now on (a token obtained after the log began; entries are
        formatted when read, so earlier ones are masked as well)."""
        if len(secret) >= 4 and secret not in self._secrets:
            self._secrets = sorted({*self._secrets, secret}, key=len, reverse=True)

    def __bool__(self) -> bool:
        """True when there is a secret value to look for."""
        return bool(self._secrets)

    def data(self, value: Any) -> Any:
        """JSON-like `value` with every known secret value masked in its strings (file bytes,
        base64, are left as they are)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: v if k == "bytes" else self.data(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.data(item) for item in value]
        return value

    def text(self, text: str) -> str:
        """`text` with every known secret value masked."""
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        return text

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        """A copy of `headers` with sensitive and configured header values masked."""
        return {
            name: MASK
            if name.lower() in self._secret_headers or is_sensitive_header(name)
            else self.text(value)
            for name, value in headers.items()
        }
