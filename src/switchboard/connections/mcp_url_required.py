"""A call a server refuses until the person has opened a page of its own (MCP error -32042,
URL elicitation required): the pages it names, read liberally and checked before any is
offered as a link, and what the person is told to do."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from mcp_types import URL_ELICITATION_REQUIRED, ErrorData

from switchboard.connections.owner import CallError

OPENABLE = ("http", "https")  # the only pages offered as links; anything else is shown as text
OPEN_AND_RETRY = "Open the page, finish there, then retry the call."
NOT_OPENABLE = "not offered as a link: only http and https pages open from here"


class UrlRequired(CallError):
    """The server needs the person on one or more of its pages (`pages`: url, message,
    openable) before the call can go through; retrying the same call is what comes next."""

    def __init__(self, message: str, pages: list[dict[str, Any]]) -> None:
        super().__init__(message, OPEN_AND_RETRY)
        self.pages = pages


def url_required(server: str, what: str, error: ErrorData) -> UrlRequired | None:
    """The -32042 error as `UrlRequired` (None for any other error)."""
    if error.code != URL_ELICITATION_REQUIRED:
        return None
    pages = pages_of(error.data)
    named = ", ".join(page["url"] for page in pages) or "a page it did not name"
    reason = error.message.removeprefix(f"MCP error {URL_ELICITATION_REQUIRED}: ")
    return UrlRequired(f"{server}: {what} needs you to open {named} first. {reason}", pages)


def pages_of(data: Any) -> list[dict[str, Any]]:
    """The URL elicitations in an error's data, as plain dicts; entries that name no URL
    are left out (a server slightly off spec still gets its pages shown)."""
    found = data.get("elicitations") if isinstance(data, dict) else None
    pages = []
    for entry in found if isinstance(found, list) else []:
        url = entry.get("url") if isinstance(entry, dict) else None
        if not isinstance(url, str) or not url.strip():
            continue
        message = entry.get("message")
        pages.append(
            {
                "url": url.strip(),
                "message": message if isinstance(message, str) else "",
                "elicitation_id": str(entry.get("elicitationId") or ""),
                "openable": openable(url.strip()),
            }
        )
    return pages


def openable(url: str) -> bool:
    """True for an absolute http or https URL with a host that every URL parser reads alike
    (no backslash, space, control character or user part): the only kind offered as a link.
    Any other is shown as text, so a page cannot pass for another host's."""
    if "\\" in url or any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in OPENABLE and bool(parts.hostname) and "@" not in parts.netloc
