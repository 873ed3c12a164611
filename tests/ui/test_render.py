"""Drawing parts by type: markdown never as raw HTML, data as JSON, files by media type."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

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
