"""How a conversation reads in the sidebar: its day, how long ago, a preview."""

from __future__ import annotations

import datetime

from switchboard.chat.conversation import Conversation
from switchboard.ui.conversation_rows import ago, day_of, preview

NOON = datetime.datetime(2026, 12, 3, 12, 0).timestamp()
HOUR, DAY = 3600.0, 86_400.0


def test_days_read_today_yesterday_then_the_date() -> None:
    assert day_of(NOON - HOUR, NOON) == "Today"
    assert day_of(NOON - DAY, NOON) == "Yesterday"
    assert day_of(NOON - 3 * DAY, NOON) == "Mon 30 Nov"
    assert day_of(NOON - 400 * DAY, NOON) == "Wed 29 Oct 2025"


def test_how_long_ago_in_words() -> None:
    assert [ago(NOON - s, NOON) for s in (5, 90, 2 * HOUR, 3 * DAY)] == [
        "just now",
        "1 min ago",
        "2 h ago",
        "3 d ago",
    ]


def test_the_preview_is_the_last_prompt_on_one_line_cut_short() -> None:
    conversation = Conversation("c", "agent")
    assert preview(conversation.summary()) == ""
    conversation.record(1, "user", {"text": "first"})
    conversation.record(2, "user", {"text": "second\nline " + "x" * 80})
    shown = preview(conversation.summary())
    assert shown.startswith("second line xxx"), "the last prompt, on one line"
    assert len(shown) == 61 and shown.endswith("…")
