"""Running the app: `streamlit run` on the packaged entry point (the command line's default)."""

from __future__ import annotations

import importlib
import threading
import time
from pathlib import Path

APP = Path(__file__).parent / "app.py"
SERVER_WAIT = 60.0  # seconds the workspace's early opening waits for Streamlit's server

# What the first page imports (the SDKs, the store, every page): seconds of work that would
# otherwise fall on the first person's first page.
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
    come first (the health check turns ok only once the app can answer a page soon), and
    the workspace opens as soon as the server runs, before anyone asks for a page."""
    from streamlit.web import cli as streamlit_cli

    if _import_first_page():
        threading.Thread(target=_prepare, name="switchboard-prepare", daemon=True).start()

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


def _import_first_page() -> bool:
    """Import the first page's modules; False (the failure left to the first page, which
    shows it) when one cannot be."""
    for module in FIRST_PAGE:
        try:
            importlib.import_module(module)
        except Exception:
            return False
    return True


def _prepare() -> None:
    """Once Streamlit's server exists (its options read), open the workspace."""
    from streamlit import runtime

    from switchboard.ui.state import prepare_workspace

    deadline = time.monotonic() + SERVER_WAIT
    while not runtime.exists():
        if time.monotonic() > deadline:
            return
        time.sleep(0.02)
    prepare_workspace()
