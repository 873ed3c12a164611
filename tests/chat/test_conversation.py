"""A conversation's own facts (context, pending task, outcome, open turns) kept as events are
recorded, always the same as folding its log afresh; and what it hands to its store."""

from __future__ import annotations

import threading

import pytest

from switchboard.chat.conversation import Conversation
from switchboard.chat.events import Event
from switchboard.chat.turns import fold_turns, pending_task
from tests.support.conversations import ask_city, everything, story


def test_the_facts_kept_while_recording_match_a_fresh_fold_at_every_step() -> None:
    source = everything().events()
    conversation = Conversation("c", "agent")
    for event in source:
        conversation.record(event.turn, event.kind, event.data)
        views = fold_turns(conversation.events())
        assert conversation.pending_task() == pending_task(views)
        assert conversation.outcome(event.turn) == views[-1].outcome()
        assert conversation.open_turns() == [(v.turn, v.task_id) for v in views if not v.ended]
        assert conversation.next_turn() == views[-1].turn + 1
    assert conversation.context_id() == "ctx-1" and conversation.last_task() == "task-3"


def test_a_conversation_made_from_its_events_knows_where_it_stands() -> None:
    recorded = Conversation("c", "agent")
    ask_city(recorded, 1)
    recorded.record(3, "user", {"text": "And tomorrow?"})
    again = Conversation("c", "agent", log=type(recorded.log)(recorded.events()))
    assert again.open_turns() == [(3, "")] and again.seq == len(recorded.events())
    assert again.outcome(2) == "completed" and again.outcome(99) == "error"


def test_attachments_go_with_the_next_message_only() -> None:
    conversation = Conversation("c", "agent")
    conversation.record(1, "attachment", {"server": "s", "uri": "a://1", "text": "one"})
    conversation.record(1, "turn_end", {"reason": "attached"})
    conversation.record(2, "user", {"text": "first"})
    assert [a["uri"] for a in conversation.pending_attachments()] == ["a://1"]
    conversation.record(3, "user", {"text": "second"})
    assert conversation.pending_attachments() == []


def test_the_sink_gets_every_event_once_in_the_logs_order_from_any_thread() -> None:
    conversation = Conversation("c", "agent")
    handed: list[tuple[str, int, Event]] = []
    conversation.attach(lambda cid, seq, event: handed.append((cid, seq, event)))
    threads = [
        threading.Thread(
            target=lambda w=w: [
                conversation.record(1, "notice", {"w": w, "n": n}) for n in range(200)
            ]
        )
        for w in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert [event for _, _, event in handed] == conversation.events()
    assert [seq for _, seq, _ in handed] == list(range(800))
    conversation.attach(None)
    conversation.record(2, "user", {"text": "not handed on"})
    assert len(handed) == 800


def test_events_another_replica_recorded_are_adopted_once_in_sequence() -> None:
    conversation = Conversation("c", "agent")
    story(conversation)
    mine = conversation.seq
    theirs = [Event(2, "user", {"text": "from elsewhere"}), Event(2, "turn_end", {"reason": "x"})]
    conversation.adopt([(mine - 1, theirs[0]), (mine, theirs[0]), (mine + 1, theirs[1])])
    conversation.adopt([(mine, theirs[0])])  # seen already
    assert conversation.events()[-2:] == theirs and conversation.seq == mine + 2
    assert conversation.next_turn() == 3


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        Conversation("c", "agent").record(1, "shout", {})
