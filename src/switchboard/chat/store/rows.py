"""What the store writes: operations (a conversation, an event, a title, a deletion) as rows,
applied in order in one transaction."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from switchboard.chat.conversation import Conversation
from switchboard.chat.events import Event
from switchboard.chat.store.schema import conversations, events

# ("conversation", row) | ("event", row) | ("title", id, title) | ("delete", id)
Op = tuple[Any, ...]


def conversation_row(conversation: Conversation, owner: str) -> dict[str, Any]:
    """A conversation as its `conversations` row."""
    return {
        "id": conversation.id,
        "counterpart": conversation.counterpart,
        "title": conversation.title,
        "created": conversation.created,
        "owner": owner,
    }


def event_row(conversation_id: str, seq: int, event: Event) -> dict[str, Any]:
    """An event as its `events` row (data as JSON text)."""
    return {
        "conversation_id": conversation_id,
        "seq": seq,
        "turn": event.turn,
        "kind": str(event.kind),
        "data": json.dumps(event.data, ensure_ascii=False, default=str),
        "ts": event.ts,
    }


def row_event(row: Any) -> Event:
    """The inverse of `event_row`, for a row read back."""
    return Event.from_dict({**row, "data": json.loads(row["data"])})


def op_conversation(op: Op) -> str:
    """The id of the conversation an operation is about."""
    if op[0] == "event":
        return str(op[1]["conversation_id"])
    if op[0] == "conversation":
        return str(op[1]["id"])
    return str(op[1])


def apply(conn: Connection, ops: Sequence[Op], replay: bool = False) -> None:
    """Run `ops` in order, inserting runs of consecutive events together. On `replay`, rows
    that are already there are skipped."""
    insert = _insert_ignoring(conn) if replay else sa.insert
    rows: list[dict[str, Any]] = []
    for op in ops:
        if op[0] == "event":
            rows.append(op[1])
            continue
        if rows:
            conn.execute(insert(events), rows)
            rows = []
        if op[0] == "conversation":
            conn.execute(insert(conversations), [op[1]])
        elif op[0] == "title":
            conn.execute(
                sa.update(conversations).where(conversations.c.id == op[1]).values(title=op[2])
            )
        elif op[0] == "delete":
            conn.execute(sa.delete(events).where(events.c.conversation_id == op[1]))
            conn.execute(sa.delete(conversations).where(conversations.c.id == op[1]))
    if rows:
        conn.execute(insert(events), rows)


def _insert_ignoring(conn: Connection) -> Callable[[sa.Table], Any]:
    """INSERT … ON CONFLICT DO NOTHING in the connection's dialect."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return lambda table: insert(table).on_conflict_do_nothing()
