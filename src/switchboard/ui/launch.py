"""Running the app: `streamlit run` on the packaged entry point (the command line's default)."""

from __future__ import annotations

import importlib
import threading
from pathlib import Path

APP = Path(__file__).parent / "app.py"


# What the first page imports (the SDKs, the store, every page): seconds of work that would
# otherwise fall on the first person's first page, done while the server starts.
FIRST_PAGE = (
    "switchboard.workspace",
    "switchboard.ui.chat_page",
    "switchboard.ui.agents_page",
    "switchboard.ui.tasks_page",
    "switchboard.ui.mcp_page",
    "switchboard.ui.assistant_page",
    "switchboard.ui.inspector_page",
    "switchboard.ui.sign_in_page",
)


def run(streamlit_options: list[str]) -> int:
    """`streamlit run` the app with these options; its exit status. The first page's imports
    start at once, beside the server's own start."""
    from streamlit.web import cli as streamlit_cli

    threading.Thread(target=_import_first_page, name="switchboard-imports", daemon=True).start()

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


def _import_first_page() -> None:
    """Import the first page's modules; a failure is left to the page, which shows it."""
    for module in FIRST_PAGE:
        try:
            importlib.import_module(module)
        except Exception:
            return
