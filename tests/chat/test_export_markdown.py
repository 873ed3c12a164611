"""A conversation exported as Markdown: a transcript for people, never the bytes of a file."""

from __future__ import annotations

import re
from datetime import datetime

from switchboard.chat.conversation import Conversation
from switchboard.chat.events import Event
from switchboard.chat.export import to_markdown
from switchboard.runtime import EventLog
from tests.support.conversations import (
    BLOB,
    BLOB_B64,
    PNG,
    PNG_B64,
    ask_city,
    attach,
    everything,
    fail,
    picture,
    story,
    text_part,
    tool_call,
    turn_section,
)


def test_markdown_opens_with_the_title_and_the_counterpart() -> None:
    conversation = Conversation(id="c", counterpart="Demo Agent", title="Weekend\nplans", created=0)
    story(conversation)
    markdown = to_markdown(conversation)
    assert markdown.startswith(
        "# Weekend plans\n\nWith **Demo Agent** · started 1970-01-01T00:00:00Z\n"
    )
    untitled = Conversation(id="c", counterpart="Demo Agent")
    assert to_markdown(untitled).startswith("# Conversation with Demo Agent\n")


def test_each_turn_heading_has_an_iso_utc_timestamp_of_its_first_event() -> None:
    conversation = everything()
    markdown = to_markdown(conversation)
    headings = re.findall(r"^### Turn (\d+) · (\S+)$", markdown, re.MULTILINE)
    assert [int(turn) for turn, _ in headings] == [1, 2, 3, 4, 5, 6, 7]
    first = {}
    for event in conversation.events():
        first.setdefault(event.turn, event.ts)
    for turn, stamp in headings:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp)
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        assert abs(moment.timestamp() - first[int(turn)]) < 1


def test_fixed_timestamps_render_exactly() -> None:
    log = EventLog(
        [
            Event(1, "user", {"text": "Hi"}, ts=1_700_000_000.75),
            Event(1, "message", {"parts": [text_part("Hello!")]}, ts=1_700_000_001.0),
        ]
    )
    conversation = Conversation(id="c", counterpart="Bot", created=1_700_000_000.0, log=log)
    assert to_markdown(conversation) == (
        "# Conversation with Bot\n"
        "\n"
        "With **Bot** · started 2023-11-14T22:13:20Z\n"
        "\n"
        "---\n"
        "\n"
        "### Turn 1 · 2023-11-14T22:13:20Z\n"
        "\n"
        "**You:** Hi\n"
        "\n"
        "**Bot:**\n"
        "\n"
        "Hello!\n"
    )


def test_a_streamed_story_reads_as_one_text_then_its_final_state() -> None:
    conversation = Conversation(id="c", counterpart="Demo Agent")
    story(conversation)
    turn = turn_section(to_markdown(conversation), 1)
    assert "**You:** Tell me a story\n\n**Demo Agent:**\n\n" in turn
    assert "Once upon a time, a fox *learned* to sing.\n\n_Task completed_" in turn
    assert "_Task working_" not in turn and "_Task submitted_" not in turn


def test_input_required_shows_the_question_then_the_reply_turn() -> None:
    conversation = Conversation(id="c", counterpart="Demo Agent")
    ask_city(conversation, 1)
    markdown = to_markdown(conversation)
    assert "**You:** What's the weather?" in turn_section(markdown, 1)
    assert "_Task input-required_ — Which city?" in turn_section(markdown, 1)
    reply = turn_section(markdown, 2)
    assert "**You:** Paris" in reply
    assert reply.index("Sunny in Paris.") < reply.index("_Task completed_")


def test_a_data_part_is_fenced_json() -> None:
    conversation = Conversation(id="c", counterpart="Demo Agent")
    ask_city(conversation, 1)
    reply = turn_section(to_markdown(conversation), 2)
    assert '```json\n{\n  "city": "Paris",\n  "high_c": 24\n}\n```' in reply


def test_a_failed_task_shows_its_reason_and_the_notice_as_a_blockquote() -> None:
    conversation = Conversation(id="c", counterpart="Demo Agent")
    fail(conversation, 1)
    turn = turn_section(to_markdown(conversation), 1)
    assert "_Task failed_ — The airline timed out." in turn
    assert "> ⚠️ **Error:** The agent gave up.\n>\n> Try again in a minute." in turn


def test_info_and_warning_notices_are_blockquotes_too() -> None:
    conversation = Conversation(id="c", counterpart="Demo Agent")
    conversation.record(1, "user", {"text": "Hi"})
    conversation.record(1, "notice", {"level": "info", "text": "Stopped listening."})
    conversation.record(1, "notice", {"level": "warning", "text": "Retrying.", "hint": ""})
    turn = turn_section(to_markdown(conversation), 1)
    assert "> Stopped listening.\n\n> **Warning:** Retrying." in turn


def test_files_are_one_line_with_name_type_and_size() -> None:
    conversation = Conversation(id="c", counterpart="Demo Agent")
    picture(conversation, 1)
    turn = turn_section(to_markdown(conversation), 1)
    assert "Here it is:" in turn
    assert f"📎 badge.png (image/png, {len(PNG)} bytes)" in turn
    assert "📎 [big.pdf](https://example.com/files/big.pdf) (application/pdf)" in turn


def test_a_tool_call_shows_arguments_question_answer_and_structured_result() -> None:
    conversation = Conversation(id="c", counterpart="Demo Agent")
    tool_call(conversation, 1)
    turn = turn_section(to_markdown(conversation), 1)
    assert "🔧 weather · forecast" in turn
    assert 'Arguments:\n\n```json\n{\n  "city": "Paris",\n  "days": 3\n}\n```' in turn
    assert "❓ **weather asks:** Use Celsius?\n\n_You answered: accept_" in turn
    assert "**Result:**\n\nThree sunny days." in turn
    assert f"📎 file (image/png, {len(PNG)} bytes)" in turn
    assert "🔗 **Paris report** `file:///reports/paris.txt` — the long version" in turn
    assert f"📎 raw.bin (application/octet-stream, {len(BLOB)} bytes)" in turn
    assert 'Structured content:\n\n```json\n{\n  "days": [\n    {\n      "high_c": 24' in turn
    assert "Progress" not in turn  # finished: the result replaces the progress


def test_an_unfinished_tool_call_shows_its_last_progress_and_open_question() -> None:
    conversation = Conversation(id="c", counterpart="Demo Agent")
    conversation.record(1, "tool_call", {"server": "s", "tool": "slow", "arguments": {}})
    conversation.record(1, "progress", {"progress": 2, "total": 5, "message": "copying"})
    conversation.record(
        1, "question", {"id": "q", "server": "s", "message": "Go on?", "url": "https://x.test/ok"}
    )
    turn = turn_section(to_markdown(conversation), 1)
    assert "Progress: 2 of 5 — copying" in turn
    assert "❓ **s asks:** Go on?\n<https://x.test/ok>\n\n_Not answered_" in turn


def test_a_tool_error_reads_as_an_error() -> None:
    conversation = Conversation(id="c", counterpart="Demo Agent")
    conversation.record(1, "tool_call", {"server": "s", "tool": "fail", "arguments": {}})
    conversation.record(
        1, "tool_result", {"parts": [text_part("disk full")], "structured": None, "is_error": True}
    )
    turn = turn_section(to_markdown(conversation), 1)
    assert "⚠️ **Error:** disk full" in turn
    assert "**Result:**" not in turn


def test_attachments_show_text_and_a_file_line_for_bytes() -> None:
    conversation = Conversation(id="c", counterpart="Demo Agent")
    attach(conversation, 1)
    turn = turn_section(to_markdown(conversation), 1)
    assert "📎 Attached `file:///notes/todo.md` from files\n\n- milk" in turn
    assert "📎 Attached `file:///notes/photo.png` from files" in turn
    assert f"📎 photo.png (image/png, {len(PNG)} bytes)" in turn
    assert "**You:**" not in turn


def test_embedded_resources_show_their_text_by_media_type() -> None:
    conversation = Conversation(id="c", counterpart="Demo Agent")
    conversation.record(1, "tool_call", {"server": "s", "tool": "read", "arguments": {}})
    resources = [
        {"type": "resource", "uri": "file:///a.json", "media_type": "application/json"},
        {"type": "resource", "uri": "file:///b.py", "media_type": "text/x-python"},
    ]
    resources[0]["text"] = '{"ok":true}'
    resources[1]["text"] = "print('hi')"
    conversation.record(
        1, "tool_result", {"parts": resources, "structured": None, "is_error": False}
    )
    turn = turn_section(to_markdown(conversation), 1)
    assert '📄 `file:///a.json`\n\n```json\n{\n  "ok": true\n}\n```' in turn
    assert "📄 `file:///b.py`\n\n```\nprint('hi')\n```" in turn
    assert "Structured content" not in turn


def test_json_text_is_fenced_with_a_fence_longer_than_its_backticks() -> None:
    conversation = Conversation(id="c", counterpart="Demo Agent")
    conversation.record(1, "user", {"text": "Quote"})
    data = {"type": "data", "data": {"code": "```python\nx = 1\n```"}}
    conversation.record(1, "message", {"parts": [data]})
    assert '````json\n{\n  "code": "```python\\nx = 1\\n```"\n}\n````' in to_markdown(conversation)


def test_the_markdown_never_contains_base64_file_bytes() -> None:
    markdown = to_markdown(everything())
    for encoded in (PNG_B64, BLOB_B64):
        assert encoded not in markdown
        assert encoded[:24] not in markdown  # not even a fragment
    assert "\n\n\n" not in markdown
