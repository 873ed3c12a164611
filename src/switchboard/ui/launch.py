"""Running the app: `streamlit run` on the packaged entry point (the command line's default)."""

from __future__ import annotations

from pathlib import Path

APP = Path(__file__).parent / "app.py"


def run(streamlit_options: list[str]) -> int:
    """`streamlit run` the app with these options; its exit status."""
    from streamlit.web import cli as streamlit_cli

    return (
        streamlit_cli.main.main(
            args=["run", str(APP), *streamlit_options],
            prog_name="switchboard",
            standalone_mode=False,
        )
        or 0
    )
