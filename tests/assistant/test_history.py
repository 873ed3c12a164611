"""The model's context rebuilt from a conversation's log: what the model is shown of each turn,
so a reload or a restart gives it the same context."""

from __future__ import annotations

import json

from switchboard.assistant.history import UNFINISHED, model_messages, part_text
from switchboard.chat.events import Event
from switchboard.chat.turns import data_attachment


def test_prompts_attachments_rounds_and_results_in_order() -> None:
    events = [
        Event(1, "attachment", {"server": "s", "uri": "notes://a", "text": "milk"}),
        Event(1, "turn_end", {"reason": "attached"}),
        Event(2, "user", {"text": "What is on my list?"}),
        Event(2, "delta", {"text": "Checking", "round": 1}),
        Event(2, "step", step("s1", "c1", "demo__add", '{"a": 1}', round=1)),
        Event(2, "step_end", {"step": "s1", "status": "done", "content": "2"}),
        Event(2, "delta", {"text": "Milk.", "round": 2}),
        Event(2, "turn_end", {"reason": "replied"}),
    ]
    user, assistant, tool, answer = model_messages(events)
    assert user["role"] == "user" and user["content"].endswith("What is on my list?")
    assert "notes://a" in user["content"] and "milk" in user["content"]
    assert assistant == {
        "role": "assistant",
        "content": "Checking",
        "tool_calls": [
            {
                "id": "c1",
                "type": "function",
                "function": {"name": "demo__add", "arguments": '{"a": 1}'},
            }
        ],
    }
    assert tool == {"role": "tool", "tool_call_id": "c1", "content": "2"}
    assert answer == {"role": "assistant", "content": "Milk."}


def test_a_call_that_did_not_finish_and_arguments_that_were_not_json() -> None:
    events = [
        Event(1, "user", {"text": "go"}),
        Event(1, "step", step("s1", "c1", "demo__add", '{"a": ')),
        Event(1, "turn_end", {"reason": "stopped"}),
    ]
    _, assistant, tool = model_messages(events)
    assert assistant["tool_calls"][0]["function"]["arguments"] == "{}"
    assert tool["content"] == UNFINISHED


def test_a_chosen_prompt_gives_its_own_messages_role_by_role() -> None:
    messages = [
        {"role": "user", "part": {"type": "text", "text": "Review:"}},
        {"role": "assistant", "part": {"type": "text", "text": "Paste it."}},
    ]
    events = [
        Event(1, "user", {"text": "Review:", "prompt": {"server": "s", "messages": messages}})
    ]
    assert model_messages(events) == [
        {"role": "user", "content": "Review:"},
        {"role": "assistant", "content": "Paste it."},
    ]


def test_a_tool_the_person_called_is_told_to_the_model_as_a_note() -> None:
    call = {"server": "demo", "tool": "add", "arguments": {"a": 1, "b": 2}}
    result = {"parts": [{"type": "text", "text": "3"}], "is_error": False}
    events = [Event(1, "tool_call", call), Event(1, "tool_result", result)]
    (note,) = model_messages(events)
    assert note["role"] == "user"
    assert "add of demo" in note["content"] and json.dumps(call["arguments"]) in note["content"]
    assert note["content"].endswith("It returned: 3)")


def test_parts_of_every_type_read_as_text() -> None:
    assert part_text({"type": "text", "text": "hi"}) == "hi"
    assert part_text({"type": "data", "data": {"k": 1}}) == '{"k": 1}'
    assert part_text({"type": "file", "media_type": "image/png", "filename": "a.png"}) == (
        "[image/png a.png]"
    )
    assert part_text({"type": "file"}) == "[file]"
    assert part_text({"type": "link", "uri": "x://y", "name": "Y"}) == "[resource link x://y: Y]"
    assert "binary, 3 bytes" in part_text({"type": "resource", "uri": "r", "bytes": "AAAA"})


def step(ident: str, call_id: str, name: str, arguments: str, round: int = 1) -> dict:
    return {
        "id": ident,
        "call_id": call_id,
        "name": name,
        "arguments_text": arguments,
        "round": round,
    }


def test_data_the_person_sent_with_a_message_reaches_the_model() -> None:
    events = [
        Event(1, "attachment", data_attachment({"city": "Paris", "days": 3})),
        Event(1, "user", {"text": "Plan my trip"}),
        Event(1, "turn_end", {"reason": "replied"}),
    ]
    (user,) = model_messages(events)
    sent = 'Data the person sent (JSON):\n{"city": "Paris", "days": 3}'
    assert user["content"] == sent + "\n\nPlan my trip"
