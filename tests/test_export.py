"""Exporting conversations as Markdown and JSON, and importing the JSON again."""

from __future__ import annotations

import base64
import json
import re
from datetime import datetime

import pytest

from switchboard.chat.conversation import Conversation
from switchboard.chat.events import Event
from switchboard.chat.export import (
    ConversationImportError,
    from_json,
    to_json,
    to_markdown,
)
from switchboard.demo.png import render_badge
from switchboard.runtime import EventLog

PNG = render_badge(16, 16)
PNG_B64 = base64.b64encode(PNG).decode("ascii")
BLOB = bytes(range(256)) * 4
BLOB_B64 = base64.b64encode(BLOB).decode("ascii")


def story(conversation: Conversation, turn: int = 1) -> None:
    """A streamed story: a task that works, two artifact chunks, then completes."""
    task = {"task_id": "task-1", "context_id": "ctx-1"}
    conversation.record(turn, "user", {"text": "Tell me a story"})
    conversation.record(
        turn, "task", {**task, "state": "submitted", "message": [], "artifacts": []}
    )
    conversation.record(turn, "status", {**task, "state": "working", "message": []})
    chunk = {**task, "artifact_id": "story", "name": "story"}
    conversation.record(
        turn,
        "artifact",
        {**chunk, "parts": [_text("Once upon a time, ")], "append": False, "last_chunk": False},
    )
    conversation.record(
        turn,
        "artifact",
        {**chunk, "parts": [_text("a fox *learned* to sing.")], "append": True, "last_chunk": True},
    )
    conversation.record(turn, "status", {**task, "state": "completed", "message": []})
    conversation.record(turn, "turn_end", {"reason": "settled"})


def ask_city(conversation: Conversation, turn: int) -> None:
    """A task that needs input, then the person's reply completes it with a data part."""
    task = {"task_id": "task-2", "context_id": "ctx-1"}
    conversation.record(turn, "user", {"text": "What's the weather?"})
    conversation.record(
        turn, "status", {**task, "state": "input-required", "message": [_text("Which city?")]}
    )
    conversation.record(turn, "turn_end", {"reason": "settled"})
    conversation.record(turn + 1, "user", {"text": "Paris"})
    conversation.record(turn + 1, "status", {**task, "state": "working", "message": []})
    conversation.record(
        turn + 1,
        "artifact",
        {
            **task,
            "artifact_id": "forecast",
            "name": "forecast",
            "parts": [
                _text("Sunny in Paris."),
                {"type": "data", "data": {"city": "Paris", "high_c": 24}, "media_type": ""},
            ],
            "append": False,
            "last_chunk": True,
        },
    )
    conversation.record(turn + 1, "status", {**task, "state": "completed", "message": []})
    conversation.record(turn + 1, "turn_end", {"reason": "settled"})


def fail(conversation: Conversation, turn: int) -> None:
    """A task that fails with a reason, and the error notice that followed."""
    task = {"task_id": "task-3", "context_id": "ctx-1"}
    conversation.record(turn, "user", {"text": "Book a flight"})
    conversation.record(
        turn, "status", {**task, "state": "failed", "message": [_text("The airline timed out.")]}
    )
    conversation.record(
        turn,
        "notice",
        {"level": "error", "text": "The agent gave up.", "hint": "Try again in a minute."},
    )
    conversation.record(turn, "turn_end", {"reason": "settled"})


def picture(conversation: Conversation, turn: int) -> None:
    """A direct reply (no task) with an image file part and a file by URL."""
    conversation.record(turn, "user", {"text": "Draw me a badge"})
    parts = [
        _text("Here it is:"),
        {"type": "file", "bytes": PNG_B64, "media_type": "image/png", "filename": "badge.png"},
        {
            "type": "file",
            "url": "https://example.com/files/big.pdf",
            "media_type": "application/pdf",
            "filename": "",
        },
    ]
    conversation.record(turn, "message", {"context_id": "ctx-1", "task_id": "", "parts": parts})
    conversation.record(turn, "turn_end", {"reason": "settled"})


def tool_call(conversation: Conversation, turn: int) -> None:
    """An MCP tool call: progress, a question and its answer, then a structured result."""
    arguments = {"city": "Paris", "days": 3}
    conversation.record(
        turn, "tool_call", {"server": "weather", "tool": "forecast", "arguments": arguments}
    )
    conversation.record(turn, "progress", {"progress": 1, "total": 3, "message": "day 1"})
    conversation.record(turn, "progress", {"progress": 2, "total": 3, "message": "day 2"})
    question = {
        "id": "q-1",
        "kind": "elicitation",
        "server": "weather",
        "message": "Use Celsius?",
        "schema": {"type": "object", "properties": {}},
        "url": "",
    }
    conversation.record(turn, "question", question)
    conversation.record(turn, "answer", {"id": "q-1", "action": "accept"})
    result = {
        "parts": [
            {"type": "text", "text": "Three sunny days.", "media_type": "text/markdown"},
            {"type": "file", "bytes": PNG_B64, "media_type": "image/png", "filename": ""},
            {
                "type": "link",
                "uri": "file:///reports/paris.txt",
                "name": "Paris report",
                "media_type": "text/plain",
                "description": "the long version",
            },
            {
                "type": "resource",
                "uri": "file:///reports/raw.bin",
                "media_type": "application/octet-stream",
                "bytes": BLOB_B64,
            },
        ],
        "structured": {"days": [{"high_c": 24}, {"high_c": 25}, {"high_c": 23}]},
        "is_error": False,
    }
    conversation.record(turn, "tool_result", result)
    conversation.record(turn, "turn_end", {"reason": "settled"})


def attach(conversation: Conversation, turn: int) -> None:
    """Resources attached as context: one text, one blob (as `ChatService.attach` records)."""
    conversation.record(
        turn,
        "attachment",
        {"server": "files", "uri": "file:///notes/todo.md", "media_type": "", "text": "- milk"},
    )
    conversation.record(
        turn,
        "attachment",
        {
            "server": "files",
            "uri": "file:///notes/photo.png",
            "media_type": "image/png",
            "bytes": PNG_B64,
        },
    )
    conversation.record(turn, "turn_end", {"reason": "attached"})


def everything() -> Conversation:
    conversation = Conversation(id="conv-1", counterpart="Demo Agent", title="A day of tests")
    story(conversation, 1)
    ask_city(conversation, 2)
    fail(conversation, 4)
    picture(conversation, 5)
    tool_call(conversation, 6)
    attach(conversation, 7)
    return conversation


def turn_section(markdown: str, turn: int) -> str:
    """The Markdown of one turn, from its heading to the next rule."""
    start = markdown.index(f"### Turn {turn} ·")
    end = markdown.find("\n---\n", start)
    return markdown[start : end if end >= 0 else len(markdown)]


# --- Markdown ---------------------------------------------------------------------------------


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
            Event(1, "message", {"parts": [_text("Hello!")]}, ts=1_700_000_001.0),
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
        1, "tool_result", {"parts": [_text("disk full")], "structured": None, "is_error": True}
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


# --- JSON -------------------------------------------------------------------------------------


def test_the_json_document_has_its_header_then_every_event() -> None:
    conversation = everything()
    text = to_json(conversation)
    document = json.loads(text)
    assert list(document) == [
        "format",
        "version",
        "id",
        "counterpart",
        "title",
        "created",
        "events",
    ]
    assert document["format"] == "switchboard.conversation"
    assert document["version"] == 1
    assert document["id"] == "conv-1"
    assert document["created"] == conversation.created
    assert [list(event) for event in document["events"]] == [["turn", "kind", "data", "ts"]] * len(
        conversation.events()
    )
    assert text.startswith('{\n  "format": "switchboard.conversation",\n  "version": 1,')


def test_the_json_round_trip_gives_the_same_events_and_the_same_text() -> None:
    conversation = everything()
    text = to_json(conversation)
    counterpart, title, events = from_json(text)
    assert (counterpart, title) == ("Demo Agent", "A day of tests")
    assert events == conversation.events()
    assert [event.ts for event in events] == [event.ts for event in conversation.events()]
    again = Conversation(
        id="conv-1",
        counterpart=counterpart,
        title=title,
        created=conversation.created,
        log=EventLog(events),
    )
    assert to_json(again) == text
    assert to_markdown(again) == to_markdown(conversation)


def test_an_imported_conversation_picks_up_where_it_stood() -> None:
    conversation = Conversation(id="c", counterpart="Demo Agent")
    story(conversation, 1)
    conversation.record(2, "user", {"text": "What's the weather?"})
    conversation.record(
        2, "status", {"task_id": "task-9", "context_id": "ctx-1", "state": "input-required"}
    )
    counterpart, title, events = from_json(to_json(conversation))
    imported = Conversation(id="new", counterpart=counterpart, title=title, log=EventLog(events))
    assert imported.turns() == conversation.turns()
    assert imported.pending_task() == "task-9"
    assert imported.context_id() == "ctx-1"
    assert imported.next_turn() == 3
    assert imported.outcome(1) == "completed"


def test_an_export_holds_exactly_the_log_and_round_trips_exactly() -> None:
    """The log never holds credentials, and the export adds nothing to it: what goes out is
    the conversation's own facts and events, byte for byte back in."""
    conversation = everything()
    document = json.loads(to_json(conversation))
    assert document == {
        "format": "switchboard.conversation",
        "version": 1,
        "id": conversation.id,
        "counterpart": conversation.counterpart,
        "title": conversation.title,
        "created": conversation.created,
        "events": [event.to_dict() for event in conversation.events()],
    }
    _, _, events = from_json(to_json(conversation))
    assert [event.to_dict() for event in events] == document["events"]


def test_unicode_is_kept_readable() -> None:
    conversation = Conversation(id="c", counterpart="Agent ✨", title="Café")
    conversation.record(1, "user", {"text": "Grüße 👋"})
    text = to_json(conversation)
    assert "Grüße 👋" in text and "Agent ✨" in text
    assert from_json(text)[:2] == ("Agent ✨", "Café")


# --- Import errors ----------------------------------------------------------------------------


def _document(**changes: object) -> str:
    document = {
        "format": "switchboard.conversation",
        "version": 1,
        "id": "c",
        "counterpart": "Demo Agent",
        "title": "T",
        "created": 1.0,
        "events": [{"turn": 1, "kind": "user", "data": {"text": "Hi"}, "ts": 2.0}],
    }
    document.update(changes)
    return json.dumps(document)


def _events(*events: object) -> str:
    return _document(events=list(events))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Not JSON: Expecting value at line 1, column 1."),
        ('{\n  "format": "switchboard.conversation",\n  oops\n}', "Not JSON: "),
        ('{\n  "format": "x",\n  oops\n}', "at line 3, column 3."),
        ("[1, 2]", "Not a conversation export: expected a JSON object, got a list."),
        (_document(format="chat.log"), "format is 'chat.log', expected 'switchboard.conversation'"),
        (json.dumps({"events": []}), "format is None, expected 'switchboard.conversation'"),
        (_document(version=2), "Unsupported export version 2: this Switchboard reads version 1."),
        (_document(version="1"), "Unsupported export version '1'"),
        (_document(version=True), "Unsupported export version True"),
        (_document(counterpart=""), "The export names no counterpart"),
        (_document(counterpart=None), "The export names no counterpart"),
        (_document(title=3), "The title must be a string, got int."),
        (_document(events={"0": {}}), "'events' must be a list, got an object."),
        (_events("user"), "Event 0 must be an object, got a string."),
        (_events({"kind": "user", "data": {}}), "Event 0 is missing 'turn', 'ts'."),
        (_events({"turn": 1, "ts": 1.0}), "Event 0 is missing 'kind'."),
        (_events({"turn": "1", "kind": "user", "ts": 1.0}), "Event 0: turn must be an integer"),
        (_events({"turn": 1.5, "kind": "user", "ts": 1.0}), "turn must be an integer, got 1.5."),
        (_events({"turn": True, "kind": "user", "ts": 1.0}), "turn must be an integer, got True."),
        (
            _events({"turn": 1, "kind": "user", "ts": 1}, {"turn": 1, "kind": "shout", "ts": 1}),
            "Event 1: unknown kind 'shout' (known kinds: user, resume, task,",
        ),
        (_events({"turn": 1, "kind": "user", "ts": "noon"}), "Event 0: ts must be a number"),
        (
            '{"format": "switchboard.conversation", "version": 1, "counterpart": "A", '
            '"events": [{"turn": 1, "kind": "user", "ts": NaN}]}',
            "ts must be a number of seconds, got nan.",
        ),
        (_events({"turn": 1, "kind": "user", "ts": 1, "data": []}), "data must be an object"),
        (
            _events({"turn": 1, "kind": "artifact", "ts": 1, "data": {"parts": []}}),
            "Event 0 (artifact): data is missing 'artifact_id'.",
        ),
        (
            _events({"turn": 1, "kind": "tool_call", "ts": 1, "data": {"arguments": {}}}),
            "Event 0 (tool_call): data is missing 'server', 'tool'.",
        ),
        (
            _events({"turn": 1, "kind": "task", "ts": 1, "data": {"artifacts": [{"parts": []}]}}),
            "Event 0 (task): every artifact needs an 'artifact_id'.",
        ),
    ],
)
def test_import_errors_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ConversationImportError) as caught:
        from_json(text)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_an_export_without_title_or_data_still_imports() -> None:
    text = json.dumps(
        {
            "format": "switchboard.conversation",
            "version": 1,
            "counterpart": "Demo Agent",
            "events": [{"turn": 1, "kind": "user", "ts": 5}],
        }
    )
    assert from_json(text) == ("Demo Agent", "", [Event(1, "user", {}, 5.0)])


def _text(text: str) -> dict[str, str]:
    return {"type": "text", "text": text, "media_type": "text/plain", "filename": ""}
