"""Counterpart markdown: remote images held back until their host is allowed, links that would
run code made inert, and every trick checked by a CommonMark parser after the rewrite."""

from __future__ import annotations

import pytest

from switchboard.ui.markdown_guard import PARSER, Guarded, flatten, guard, host_of


def nothing(host: str) -> bool:
    return False


def fetched(text: str, kinds: tuple[str, ...] = ("image", "link_open")) -> list[str]:
    """What a CommonMark renderer would load (images) or link in `text`."""
    found: list[str] = []
    stack = list(PARSER.parse(text))
    while stack:
        token = stack.pop()
        stack.extend(token.children or [])
        if token.type in kinds:
            found.append(str(token.attrs.get("src") or token.attrs.get("href")))
    return found


def test_text_without_remote_content_is_left_as_it_came() -> None:
    text = "**Hi** [docs](https://example.com/docs) ![dot](data:image/png;base64,iVBORw0KGgo=)"
    assert guard(text, nothing).text == text
    assert guard(text, nothing).blocked == ()


def test_a_remote_image_is_a_note_naming_its_host_until_the_host_is_allowed() -> None:
    text = 'Here: ![the chart](https://tracker.test:8443/c.png?d=secret "t") done'
    held = guard(text, nothing)
    assert held.blocked == ("tracker.test:8443",)
    assert fetched(held.text) == [] and "the chart" in held.text and "tracker.test" in held.text
    assert held.text.endswith(" done") and not held.flattened
    assert guard(text, lambda host: host == "tracker.test:8443").text == text


@pytest.mark.parametrize(
    "text",
    [
        "![a](//evil.test/x.png)",  # protocol-relative
        "![a][ref]\n\n[ref]: https://evil.test/x.png",  # reference style
        "![a]\n\n[a]: https://evil.test/x.png",  # shortcut reference
        "![a](<https://evil.test/x y.png>)",  # angle-bracket destination
        "![a](https://evil.test/x_(1).png)",  # balanced parentheses
        "![a\\](data:image/png,x) b](https://evil.test/x.png)",  # an escaped bracket
        "![a `](data:image/png,x)` b](https://evil.test/x.png)",  # a code span in the alt
        "[![badge](https://evil.test/b.svg)](https://example.com)",  # an image in a link
        "| a |\n|---|\n| ![t](https://evil.test/t.png) |",  # in a table
        "![a](https&#58;//evil.test/x.png)",  # an entity in the scheme
        "> quote\n> ![a](\nhttps://evil.test/x.png)",  # a newline before the destination
        ">" * 20 + " ![a](https://evil.test/x.png)",  # past a parser's nesting limit
        "see[^a]\n\n[^a]: ![a](https://evil.test/x.png)",  # in a footnote (GFM)
        "$`$ ![a](https://evil.test/x.png) `",  # math a CommonMark parser reads as code
        "$$\n```\n$$\n![a](https://evil.test/x.png)\n```",  # a math block ends the fence
        "-     ![a](https://evil.test/x.png)",  # code to a parser, an image in a label
        "```\n![a](https://evil.test/x.png)\n```",  # in a fence (held all the same)
    ],
)
def test_no_way_of_writing_an_image_gets_it_fetched(text: str) -> None:
    """Whatever a renderer would make of it: a plain image is a note naming its host, and any
    other `![` is neutralized (what it names is left a link, which loads nothing)."""
    held = guard(text, nothing)
    assert fetched(held.text, ("image",)) == [] and "![" not in held.text.replace("\\![", "")
    assert "evil.test" in held.blocked or "&#33;[" in held.text


@pytest.mark.parametrize(
    "text",
    [
        "[open me](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[open me](javascript:alert(1))",
        "[open me](jav&#x09;ascript:alert(1))",
        "<javascript:alert(1)>",
        "[open me][x]\n\n[x]: vbscript:msgbox",
        "![x](javascript:alert(1))",
        ">" * 20 + " [c](javascript:alert(1))",  # past a parser's nesting limit
        "[c](<\x01javascript:alert(1)>)",  # a control character browsers skip
        "[c](data&colon;text/html,hi)",  # an entity for the colon
    ],
)
def test_a_link_that_would_run_code_leaves_the_whole_text_as_typed(text: str) -> None:
    held = guard(f"Look: {text}", nothing)
    assert held.flattened and fetched(held.text) == []
    assert PARSER.render(held.text).count("<a ") == 0


def test_a_relative_image_is_held_without_a_host_to_allow() -> None:
    held = guard("![x](/_stcore/health)", nothing)
    assert fetched(held.text) == [] and held.blocked == ()


def test_flatten_keeps_the_text_readable() -> None:
    assert PARSER.renderInline(flatten("*a* [b](c) `d`")) == "*a* [b](c) `d`"


def test_host_of_reads_only_web_addresses() -> None:
    assert host_of("https://Example.test:81/x") == "example.test:81"
    assert host_of("//cdn.test/x") == "cdn.test"
    assert host_of("http://x:99999/") is None
    assert host_of("/relative") is None and host_of("data:image/png,x") is None
    for two_readings in ("http://evil.test\\@ok.test/a.png", "http://u@ok.test/", "http://a b/"):
        assert host_of(two_readings) is None, "parsers disagree on its host: never allowed"


def test_ordinary_prose_with_colons_and_brackets_keeps_its_formatting() -> None:
    text = "**Data:** see [the docs](https://example.com) and <https://example.com>.\n\n[1]: x"
    assert guard(text, nothing) == Guarded(text)
