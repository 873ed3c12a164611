"""A conversation exported as JSON and imported back: the same events, the same text, and a
clear message for every kind of broken document."""

from __future__ import annotations

import json

import pytest

from switchboard.chat.conversation import Conversation
from switchboard.chat.events import Event
from switchboard.chat.export import ConversationImportError, from_json, to_json, to_markdown
from switchboard.runtime import EventLog
from tests.support.conversations import (
    everything,
    story,
)


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


def test_the_json_round_trip_gives_the_same_events_and_the_sametext_part() -> None:
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
