"""The sidebar's conversations: listed newest first, searched, renamed, deleted, exported and
imported; kept across a restart; each signed-in user sees only their own."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from switchboard.ui import state
from tests.support.apps import APP, app_workspace, assistant_text
from tests.support.turns import wait_turn

TOKEN = "tok-0123456789-abcdefghij"


def test_conversations_are_listed_searched_renamed_and_deleted(app: AppTest, config: Path) -> None:
    app.chat_input[0].set_value("story").run()
    first = app.query_params["c"]
    next(b for b in app.button if b.label == "➕ New conversation").click().run()
    app.chat_input[0].set_value("hello there").run()
    second = app.query_params["c"]

    def listed() -> list[str]:
        return [b.label for b in app.button if b.key and b.key.startswith("open-")]

    assert listed() == ["hello there · Demo Agent", "story · Demo Agent"], "newest first"
    app.text_input(key="conversation-search").set_value("STORY").run()
    assert listed() == ["story · Demo Agent"]
    app.text_input(key="conversation-search").set_value("").run()

    menus = [b.key for b in app.button if b.key and b.key.startswith(("rename-", "delete-"))]
    assert menus == [f"rename-{second}", f"delete-{second}"], "only the open one has a menu"
    app.button(key=f"open-{first}").click().run()
    app.text_input(key=f"title-{first}").set_value("Tales")
    app.button(key=f"rename-{first}").click().run()
    assert "Tales · Demo Agent" in listed()

    app.button(key=f"open-{second}").click().run()
    app.button(key=f"delete-{second}").click().run()
    assert app.query_params["c"] not in (second, "")
    assert "hello there · Demo Agent" not in listed()
    assert app_workspace().store.get(second) is None


def test_a_visit_adds_no_row_until_something_is_said(app: AppTest, config: Path) -> None:
    AppTest.from_file(APP, default_timeout=30).run()  # another visit to `/`
    app.run()
    ws = app_workspace()
    assert ws.store.list() == [], "two visits, nothing said: no conversations"
    assert not [b for b in app.button if b.key and b.key.startswith("open-")]
    app.chat_input[0].set_value("hello, a rather long first message that will not fit whole").run()
    assert len(ws.store.list()) == 1, "said: now it is kept"
    assert [c.value for c in app.sidebar.caption if c.value.startswith("**")] == ["**Today**"]
    said = "hello, a rather long first message that will not fit whole"[:60]
    assert f"just now · {said}" in [c.value for c in app.sidebar.caption], "when, and a preview"


def test_a_conversation_exports_and_imports_back_to_the_same_chat(
    app: AppTest, config: Path
) -> None:
    from switchboard.chat.export import from_json, to_json, to_markdown

    app.chat_input[0].set_value("story").run()
    labels = [b.proto.label for b in app.get("download_button")]
    assert labels == ["⬇ Markdown", "⬇ JSON"]
    ws = app_workspace()
    original = ws.store.get(app.query_params["c"])
    assert original is not None
    assert "**You:** story" in to_markdown(original)

    exported = to_json(original)
    assert from_json(exported)[2] == original.events()

    other = AppTest.from_file(APP, default_timeout=30).run()
    other.file_uploader(key="import-file").set_value(
        ("c.json", exported.encode(), "application/json")
    )
    other.run()
    other.button(key="import").click().run()
    assert other.query_params["c"] not in ("", original.id), "imported under a new id"
    assert [m.name for m in other.chat_message] == ["assistant", "user", "assistant"]
    (marked,) = other.chat_message[0].info
    assert marked.icon == "📥" and marked.value.startswith("An imported copy (imported ")
    assert assistant_text(other) == assistant_text(app)
    rows = [b.label for b in other.button if b.label.endswith("story · Demo Agent")]
    assert rows == ["📥 story · Demo Agent", "story · Demo Agent"], "the copy is marked, first"
    assert any(c.value.startswith("just now · imported copy") for c in other.caption)


def test_a_conversation_survives_a_restart_of_the_app(app: AppTest, config: Path) -> None:
    app.chat_input[0].set_value("story").run()
    conversation_id, answer = app.query_params["c"], assistant_text(app)
    old = app_workspace()
    state.forget_workspace().close()  # the server process restarts: memory is gone

    reopened = AppTest.from_file(APP, default_timeout=30)
    reopened.query_params["c"] = conversation_id
    reopened.run()
    assert app_workspace() is not old
    assert [m.name for m in reopened.chat_message] == ["user", "assistant"]
    assert assistant_text(reopened) == answer
    assert any(b.label == "story · Demo Agent" for b in reopened.button)


def test_signed_in_users_see_only_their_own_conversations(config: Path) -> None:
    ada = AppTest.from_file(APP, default_timeout=30)
    ada.user = {"email": "ada@example.com", "is_logged_in": True}
    ada.run()
    adas = ada.query_params["c"]
    ws = app_workspace()
    conversation = ws.store.get(adas, "ada@example.com")
    assert conversation is not None, "created for the signed-in user"
    # (AppTest forgets `user` across an st.rerun, so the turn is sent here, not typed.)
    wait_turn(conversation, ws.chat.send(adas, "story"))
    ada.run()
    assert any("Signed in as ada@example.com" in c.value for c in ada.caption)
    assert "# The Night Operator" in assistant_text(ada)

    grace = AppTest.from_file(APP, default_timeout=30)
    grace.user = {"email": "grace@example.com", "is_logged_in": True}
    grace.query_params["c"] = adas  # a link to Ada's conversation
    grace.run()
    assert grace.query_params["c"] != adas, "someone else's conversation does not open"
    assert not grace.chat_message
    assert not any(b.label.startswith("story ·") for b in grace.button)
    assert [c.id for c in ws.store.list("ada@example.com")] == [adas]
    assert ws.store.get(adas, "grace@example.com") is None


def test_with_login_configured_nothing_shows_before_logging_in(config: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["auth"] = {"client_id": "x"}
    at.user = {}
    at.run()
    assert [b.label for b in at.button] == ["Log in"]
    assert not at.chat_input
