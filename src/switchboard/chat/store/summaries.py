"""The conversation list from the database without reading any conversation's log: its rows,
each one's newest prompt and import notice, the prompts a search looks through, and the
conversations a task id appears in."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from switchboard.chat.conversation import IMPORT_TURN, IMPORTED, Summary, said_in
from switchboard.chat.store.schema import conversations, events
from switchboard.connections.updates import Kind

CHUNK = 500  # conversation ids per query


def summaries(
    conn: sa.Connection, owner: str, search: str = "", limit: int | None = None
) -> list[Summary]:
    """`owner`'s conversations, newest first, matching `search`, at most `limit` of them."""
    query = (
        sa.select(conversations)
        .where(conversations.c.owner == owner)
        .order_by(conversations.c.created.desc())
    )
    if search:
        prompts = _prompts(conn, owner)
        rows = [
            r
            for r in conn.execute(query).mappings()
            if said_in(search, r["title"], prompts.get(r["id"], ()))
        ][:limit]
    else:
        rows = list(conn.execute(query.limit(limit)).mappings())
    ids = [r["id"] for r in rows]
    newest, copies = _newest_prompts(conn, ids), _imported(conn, ids)
    return [
        Summary(
            r["id"],
            r["counterpart"],
            r["title"],
            r["created"],
            r["owner"],
            newest.get(r["id"], ""),
            r["id"] in copies,
        )
        for r in rows
    ]


def with_text(conn: sa.Connection, owner: str, text: str) -> list[str]:
    """Ids of `owner`'s conversations, newest first, with an event whose data holds `text` as
    a JSON string (a task id, say): candidates, for the caller to confirm on the log."""
    needle = json.dumps(text, ensure_ascii=False)
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    query = (
        sa.select(conversations.c.id)
        .where(
            conversations.c.owner == owner,
            conversations.c.id.in_(
                sa.select(events.c.conversation_id).where(
                    events.c.data.like(f"%{escaped}%", escape="\\")
                )
            ),
        )
        .order_by(conversations.c.created.desc())
    )
    return list(conn.execute(query).scalars())


def _prompts(conn: sa.Connection, owner: str) -> dict[str, list[str]]:
    """Everything `owner` said, by conversation (what a search looks through)."""
    query = (
        sa.select(events.c.conversation_id, events.c.data)
        .join(conversations, conversations.c.id == events.c.conversation_id)
        .where(conversations.c.owner == owner, events.c.kind == str(Kind.USER))
    )
    said: dict[str, list[str]] = {}
    for conversation_id, data in conn.execute(query):
        said.setdefault(conversation_id, []).append(_said(data))
    return said


def _newest_prompts(conn: sa.Connection, ids: list[str]) -> dict[str, str]:
    """What the person said last in each of these conversations (those they said anything in)."""
    newest: dict[str, str] = {}
    for chunk in chunks(ids):
        last = (
            sa.select(events.c.conversation_id, sa.func.max(events.c.seq).label("seq"))
            .where(events.c.conversation_id.in_(chunk), events.c.kind == str(Kind.USER))
            .group_by(events.c.conversation_id)
            .subquery()
        )
        query = sa.select(events.c.conversation_id, events.c.data).join(
            last,
            sa.and_(events.c.conversation_id == last.c.conversation_id, events.c.seq == last.c.seq),
        )
        newest.update((cid, _said(data)) for cid, data in conn.execute(query))
    return newest


def _imported(conn: sa.Connection, ids: list[str]) -> set[str]:
    """Which of these conversations are imported copies (their log opens with the notice)."""
    copies: set[str] = set()
    for chunk in chunks(ids):
        query = sa.select(events.c.conversation_id, events.c.data).where(
            events.c.conversation_id.in_(chunk),
            events.c.seq == 0,
            events.c.turn == IMPORT_TURN,
            events.c.kind == str(Kind.NOTICE),
        )
        copies.update(cid for cid, data in conn.execute(query) if _field(data, IMPORTED) is True)
    return copies


def _said(data: str) -> str:
    """The text of a stored prompt ("" when it has none)."""
    text = _field(data, "text")
    return text if isinstance(text, str) else ""


def _field(data: str, name: str) -> Any:
    """One field of an event's stored JSON (None when it is not an object or lacks it)."""
    try:
        value = json.loads(data)
    except ValueError:
        return None
    return value.get(name) if isinstance(value, dict) else None


def chunks(ids: list[str]) -> Iterator[list[str]]:
    """`ids` in runs short enough for one IN (…) each."""
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]
