"""Driving the Streamlit app in tests (AppTest): its entry point and its cached workspace."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from switchboard.ui import state
from switchboard.ui.step_box import ICONS, Mark
from switchboard.workspace import Workspace

APP = str(Path(__file__).parents[2] / "src" / "switchboard" / "ui" / "app.py")


def app(run: bool = True) -> AppTest:
    """A fresh session of the whole app (the config comes from SWITCHBOARD_CONFIG)."""
    at = AppTest.from_file(APP, default_timeout=30)
    return at.run() if run else at


def app_workspace() -> Workspace:
    """The app's cached workspace for the configured file (the one its pages use)."""
    return state.workspace()


def close_workspace() -> None:
    """Forget and close the app's cached workspace, as when the server process stops."""
    state.forget_workspace().close()


def assistant_text(at: AppTest, index: int = -1) -> str:
    """The text of one assistant bubble (the last by default): its markdown and plain text,
    in the order drawn."""
    bubble = [m for m in at.chat_message if m.name == "assistant"][index]
    drawn = [e for e in bubble if e.type in ("markdown", "text")]
    return "\n".join(str(e.value) for e in drawn)


def signed_in(page: Callable[[], None], email: str) -> AppTest:
    """A page (a function, as AppTest.from_function takes) drawn for a person signed in with
    OIDC as `email`."""
    at = AppTest.from_function(page, default_timeout=30)
    at.user = {"email": email, "is_logged_in": True}
    return at.run()


def page_text(at: AppTest) -> str:
    """Everything a page shows as text: labels, captions, markdown, code, messages."""
    labelled = [*at.expander, *at.button, *at.selectbox, *at.text_input]
    valued = [*at.caption, *at.markdown, *at.code, *at.error, *at.warning, *at.info, *at.success]
    return "\n".join([*(e.label for e in labelled), *(str(e.value) for e in valued)])


# The marks drawn as Streamlit's status box draws them, by the state it would say.
DRAWN = {ICONS[m]: m.value for m in (Mark.RUNNING, Mark.DONE, Mark.FAILED)}


def step_marks(at: AppTest) -> list[tuple[str, str]]:
    """Each step box of the page, in order: its label and its one mark (running / complete /
    error for the spinner, tick and error mark; another box's icon, e.g. ❓ or 🛑)."""
    found: list[tuple[str, str]] = []

    def walk(node: Any) -> None:
        if node.type == "expander" and node.icon in ICONS.values():
            found.append((node.label, DRAWN.get(node.icon, node.icon)))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    return found
