"""Drawing parts by type: markdown never as raw HTML, data as JSON, files by media type."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image, UnidentifiedImageError
from streamlit.testing.v1 import AppTest

from tests.support.apps import step_marks
from tests.support.media import odd_png

TOKEN = "tok-0123456789-abcdefghij"


def every_part_type() -> None:
    import base64

    from switchboard.demo.png import render_badge
    from switchboard.ui.render import render_parts

    def raw(data: bytes, media_type: str, filename: str) -> dict:
        encoded = base64.b64encode(data).decode()
        return {"type": "file", "bytes": encoded, "media_type": media_type, "filename": filename}

    render_parts(
        [
            {"type": "text", "text": "**bold** <b>not html</b>"},
            {"type": "data", "data": {"k": [1, 2]}},
            raw(render_badge(), "image/png", "badge.png"),
            raw(b"RIFF....WAVEfmt ", "audio/wav", "a.wav"),
            raw(b"\x00\x00\x00\x18ftypmp42", "video/mp4", "v.mp4"),
            raw(b"%PDF-1.4", "application/pdf", "report.pdf"),
            {"type": "file", "url": "http://127.0.0.1:1/doc.txt", "media_type": "text/plain"},
        ],
        live=False,
        key="parts",
    )


def test_every_part_type_renders_by_media_type() -> None:
    at = AppTest.from_function(every_part_type, default_timeout=30).run()
    assert not at.exception
    assert (
        at.markdown[0].value == "**bold** <b>not html</b>" and not at.markdown[0].proto.allow_html
    )
    assert json.loads(at.json[0].value) == {"k": [1, 2]}
    assert at.get("image") and at.get("audio") and at.get("video")
    assert [b.proto.label for b in at.get("download_button")] == ["📎 Download report.pdf"]
    assert "[file](http://127.0.0.1:1/doc.txt)" in at.markdown[-1].value


def hostile_media() -> None:
    import base64

    import streamlit as st

    from switchboard.ui.render import render_parts
    from tests.support.media import odd_png, svg

    def raw(data: bytes, media_type: str, filename: str) -> dict:
        encoded = base64.b64encode(data).decode()
        return {"type": "file", "bytes": encoded, "media_type": media_type, "filename": filename}

    render_parts(
        [
            raw(odd_png(), "image/png", "odd.png"),
            raw(svg(), "image/svg+xml", "drawing.svg"),
            raw(b"this is not an image at all", "image/png", "liar.png"),
            {"type": "file", "bytes": "%%% not base64 %%%", "media_type": "image/png"},
            raw(b"\x00\x01 not audio", "audio/wav", "noise.wav"),
        ],
        live=False,
        key="hostile",
    )
    st.markdown("still drawing")


def test_media_no_library_can_read_never_breaks_the_page() -> None:
    """A PNG browsers show but Pillow rejects (st.image's path for bytes), an SVG, bytes that
    only claim to be an image, broken base64: the page draws, the browser gets to decode."""
    with pytest.raises(UnidentifiedImageError):
        Image.open(io.BytesIO(odd_png()))
    at = AppTest.from_function(hostile_media, default_timeout=30).run()
    assert not at.exception
    assert at.markdown[-1].value == "still drawing"
    assert len(at.get("image")) == 3, "each drawn as an image, for the browser to decode"
    assert any("not valid base64" in c.value for c in at.caption)


def annotated_parts() -> None:
    from switchboard.ui.render import render_parts

    annotations = {"audience": ["user"], "priority": 0.9, "lastModified": "2026-12-01T10:00:00Z"}
    render_parts([{"type": "text", "text": "hi", "annotations": annotations}], False, "a")


def test_annotations_are_shown_under_their_part() -> None:
    at = AppTest.from_function(annotated_parts).run()
    assert [c.value for c in at.caption] == [
        "🏷️ for user · priority 0.9 · modified 2026-12-01T10:00:00Z"
    ]


def streamed_status() -> None:
    from switchboard.chat.turns import TurnView
    from switchboard.ui.render import render_turn

    view = TurnView(turn=1)
    view.apply("task", {"task_id": "t", "state": "submitted"})
    for piece in [
        "Once upon a time, ",
        "in a long-distance exchange, ",
        "a switchboard.\n\n",
        "It",
    ]:
        view.apply(
            "status",
            {"task_id": "t", "state": "working", "message": [{"type": "text", "text": piece}]},
        )
    render_turn(view, live=True, key="turn")


def test_text_streamed_as_status_messages_is_drawn_whole_in_the_bubble() -> None:
    at = AppTest.from_function(streamed_status, default_timeout=30).run()
    assert not at.exception
    whole = "Once upon a time, in a long-distance exchange, a switchboard.\n\nIt"
    assert any(m.value == whole for m in at.markdown)
    assert step_marks(at) == [
        ("working — Once upon a time, in a long-distance exchange, a switchboard.…", "running")
    ], "the label holds its first line; a spinner while it runs, no tick"
