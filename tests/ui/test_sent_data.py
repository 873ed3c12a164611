"""What the JSON editor says of what it cannot send: each answer says what is wrong, how to fix
it, and that nothing was sent."""

from __future__ import annotations

import pytest

from switchboard.ui.sent_data import parse_data


def test_a_json_object_is_sent_as_it_was_written() -> None:
    assert parse_data(' {"city": "Paris", "days": 3, "nested": {"a": [1, null]}} ') == {
        "city": "Paris",
        "days": 3,
        "nested": {"a": [1, None]},
    }


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("", "Write a JSON object to send first"),
        ('{"city": "Paris",}', "not valid JSON: Expecting property name"),
        ("{'city': 'Paris'}", "(line 1, column 2)"),
        ("[1, 2]", "this is a list: wrap it"),
        ('"Paris"', "this is a string"),
        ("3", "this is a number"),
        ("null", "this is null"),
    ],
)
def test_what_is_not_a_json_object_is_said_and_not_sent(text: str, said: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_data(text)
    assert said in str(caught.value)
    assert text == "" or "Nothing was sent." in str(caught.value)
