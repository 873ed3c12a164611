"""A counterpart's lines kept as lines: in chat, a newline inside a paragraph means a new line
(an agent streaming "step 1 of 40\\n", "step 2 of 40\\n"…), where CommonMark would join them
into one. Code, tables and blank-line paragraphs are left as they are."""

from __future__ import annotations

from functools import lru_cache

from switchboard.ui.markdown_guard import PARSER

KEPT = 512  # texts whose breaks are remembered (a page draws the same texts each rerun)
LONGEST = 200_000  # characters: a longer text is drawn as it is


def kept_lines(text: str) -> str:
    """`text` with a hard break at the end of each line a paragraph goes on after."""
    if "\n" not in text or len(text) > LONGEST:
        return text
    return _broken(text)


@lru_cache(maxsize=KEPT)
def _broken(text: str) -> str:
    lines = text.split("\n")
    for token in PARSER.parse(text):
        if token.type != "paragraph_open" or token.map is None:
            continue
        start, end = token.map
        for number in range(start, end - 1):  # every line but the paragraph's last
            line = lines[number]
            if line.strip() and not line.endswith(("\\", "  ")):
                lines[number] = line + "  "
    return "\n".join(lines)
