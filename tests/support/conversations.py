"""Conversations built event by event for tests of what is made of a log (exports, the fold):
a streamed story, input-required and its reply, a failure, files, an MCP tool call,
attachments — each recorded the way the chat service records them."""

from __future__ import annotations

import base64

from switchboard.chat.conversation import Conversation
from switchboard.demo.png import render_badge

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
        {**chunk, "parts": [text_part("Once upon a time, ")], "append": False, "last_chunk": False},
    )
    conversation.record(
        turn,
        "artifact",
        {
            **chunk,
            "parts": [text_part("a fox *learned* to sing.")],
            "append": True,
            "last_chunk": True,
        },
    )
    conversation.record(turn, "status", {**task, "state": "completed", "message": []})
    conversation.record(turn, "turn_end", {"reason": "settled"})


def ask_city(conversation: Conversation, turn: int) -> None:
    """A task that needs input, then the person's reply completes it with a data part."""
    task = {"task_id": "task-2", "context_id": "ctx-1"}
    conversation.record(turn, "user", {"text": "What's the weather?"})
    conversation.record(
        turn, "status", {**task, "state": "input-required", "message": [text_part("Which city?")]}
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
                text_part("Sunny in Paris."),
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
        turn,
        "status",
        {**task, "state": "failed", "message": [text_part("The airline timed out.")]},
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
        text_part("Here it is:"),
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


def text_part(text: str) -> dict[str, str]:
    """A plain-text part as an agent sends it."""
    return {"type": "text", "text": text, "media_type": "text/plain", "filename": ""}
