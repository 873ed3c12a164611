"""How a conversation reads in the sidebar list: the day it falls under, how long ago it
began, and a preview of what was last said in it."""

from __future__ import annotations

import datetime
import time

from switchboard.chat.conversation import Summary

PREVIEW_CHARS = 60


def day_of(created: float, now: float | None = None) -> str:
    """The list's group for a conversation begun at `created`: Today, Yesterday, else its date."""
    today = datetime.date.fromtimestamp(time.time() if now is None else now)
    day = datetime.date.fromtimestamp(created)
    if day == today:
        return "Today"
    if day == today - datetime.timedelta(days=1):
        return "Yesterday"
    return day.strftime("%a %d %b %Y") if day.year != today.year else day.strftime("%a %d %b")


def ago(created: float, now: float | None = None) -> str:
    """How long ago, in words a person reads at a glance: just now, 5 min, 3 h, 2 d."""
    seconds = max(0.0, (time.time() if now is None else now) - created)
    if seconds < 60:
        return "just now"
    for unit, size in (("d", 86_400), ("h", 3_600)):
        if seconds >= size:
            return f"{int(seconds // size)} {unit} ago"
    return f"{int(seconds // 60)} min ago"


def preview(conversation: Summary) -> str:
    """The last thing the person said in it, on one line and cut short."""
    said = " ".join(conversation.last_prompt.split())
    if len(said) <= PREVIEW_CHARS:
        return said
    return said[:PREVIEW_CHARS].rstrip() + "…"
