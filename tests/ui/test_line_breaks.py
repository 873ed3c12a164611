"""Lines kept as lines in a counterpart's markdown, and nothing else changed."""

from __future__ import annotations

import pytest

from switchboard.ui.line_breaks import kept_lines


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("step 1 of 3\nstep 2 of 3\nstep 3 of 3\n", "step 1 of 3  \nstep 2 of 3  \nstep 3 of 3\n"),
        ("# Title\none\ntwo\n\nnext", "# Title\none  \ntwo\n\nnext"),
        ("> asked\n> again", "> asked  \n> again"),
        ("- a\n- b\n  still b", "- a\n- b  \n  still b"),
        ("ends here\\\nnext", "ends here\\\nnext"),
    ],
)
def test_a_paragraphs_lines_get_hard_breaks(text: str, shown: str) -> None:
    assert kept_lines(text) == shown


@pytest.mark.parametrize(
    "text",
    [
        "```\ncode\nmore\n```",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "    indented\n    code",
        "one line",
    ],
)
def test_code_tables_and_single_lines_are_left_alone(text: str) -> None:
    assert kept_lines(text) == text
