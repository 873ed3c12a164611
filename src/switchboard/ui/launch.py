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


def unknown_option(options: list[str]) -> str | None:
    """The first of `options` that is not a `--section.name [value]` Streamlit knows."""
    from streamlit import config

    template = getattr(config, "_config_options_template", None)  # Streamlit's option table
    if not template:
        return None  # a Streamlit without it: Streamlit itself says what it does not know
    known = {name for name in template if not name.startswith("_")}
    expect_value = False
    for option in options:
        if expect_value and not option.startswith("--"):
            expect_value = False
            continue
        name = option.removeprefix("--").split("=", 1)[0]
        if not option.startswith("--") or name not in known:
            return option
        expect_value = "=" not in option
    return None
