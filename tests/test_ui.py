"""The pages, driven with Streamlit's AppTest against the demo agent on a real loopback port."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from switchboard.chat.workspace import Workspace
from switchboard.ui import state
from tests.conftest import wait_for, wait_turn

APP = str(Path(__file__).parents[1] / "src" / "switchboard" / "ui" / "app.py")
TOKEN = "tok-0123456789-abcdefghij"


@pytest.fixture
def config(tmp_path: Path, demo_agent: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A config naming the demo agent; the app's cached workspace is closed afterwards."""
    path = tmp_path / "switchboard.json"
    path.write_text(json.dumps({"agents": [{"name": "Demo Agent", "url": demo_agent}]}))
    monkeypatch.setenv("SWITCHBOARD_CONFIG", str(path))
    yield path
    close_workspace(path)


@pytest.fixture
def app(config: Path) -> AppTest:
    return AppTest.from_file(APP, default_timeout=30).run()


def workspace_of(config: Path) -> Workspace:
    """The app's cached workspace for this config (the one its pages use)."""
    return state._workspace(str(config))


def close_workspace(path: Path) -> None:
    """Forget and close the app's cached workspace, as when the server process stops."""
    ws = workspace_of(path)
    state._workspace.clear()
    ws.close()


def assistant_text(at: AppTest, index: int = -1) -> str:
    """The markdown of one assistant bubble (the last by default)."""
    bubbles = [m for m in at.chat_message if m.name == "assistant"]
    return "\n".join(m.value for m in bubbles[index].markdown)


def test_a_prompt_gets_its_streamed_answer_rendered_in_one_bubble(app: AppTest) -> None:
    assert not app.exception
    app.chat_input[0].set_value("story").run()
    assert not app.exception
    assert [m.name for m in app.chat_message] == ["user", "assistant"]
    assert app.chat_message[0].markdown[0].value == "story"
    assert "# The Night Operator" in assistant_text(app)
    assert [s.label for s in app.status] == ["✅ completed"]
    assert app.query_params["c"], "the conversation id is in the URL"


def test_the_empty_conversation_offers_the_agents_examples(app: AppTest) -> None:
    labels = [b.label for b in app.button]
    assert {"story", "ask", "slow", "fail", "data", "image"} <= set(labels)
    next(b for b in app.button if b.label == "hello").click().run()
    assert "Hi! I am the Switchboard demo agent" in assistant_text(app)


def test_input_required_asks_and_the_reply_completes_the_task(app: AppTest) -> None:
    app.chat_input[0].set_value("ask").run()
    assert "The agent needs your input" in app.info[0].value
    assert "Which colour" in app.info[0].value
    assert app.chat_input[0].placeholder == "Reply to the agent…"

    app.chat_input[0].set_value("blue").run()
    assert "You chose **blue**." in assistant_text(app)
    assert [s.label for s in app.status][-1] == "✅ completed"
    assert app.chat_input[0].placeholder == "Message Demo Agent"


def test_failed_and_rejected_tasks_show_their_state(app: AppTest) -> None:
    app.chat_input[0].set_value("fail").run()
    assert app.status[-1].label == "❌ failed — Failed on purpose: the 'fail' prompt always fails."
    app.chat_input[0].set_value("crash").run()
    assert app.status[-1].label.startswith("❌ failed")
    assert "internal error" in app.error[-1].value, "the agent's error is shown"
    app.chat_input[0].set_value("reject").run()
    assert app.status[-1].label.startswith("⛔ rejected")


def test_data_parts_render_as_json_and_images_as_images(app: AppTest) -> None:
    app.chat_input[0].set_value("data").run()
    assert app.json and isinstance(json.loads(app.json[0].value), dict)
    app.chat_input[0].set_value("image").run()
    assert app.get("image"), "the PNG part is drawn as an image"


def test_text_is_markdown_and_never_raw_html(app: AppTest) -> None:
    app.chat_input[0].set_value("<script>alert(1)</script> story").run()
    markdown = app.chat_message[1].markdown
    assert markdown and all(not m.proto.allow_html for m in markdown)
    assert any("<script>" in m.value for m in [*markdown, *app.chat_message[0].markdown])


def stop_a_slow_turn(ws: Workspace, conversation_id: str) -> None:
    """Start the demo's `slow` task and stop listening after its second chunk."""
    conversation = ws.store.get(conversation_id)
    assert conversation is not None
    turn = ws.chat.send(conversation_id, "slow")
    wait_for(lambda: sum(e.kind == "artifact" for e in conversation.events()) >= 2)
    ws.chat.stop(conversation_id)
    wait_turn(conversation, turn)


def test_stop_leaves_the_task_running_then_cancel_task_cancels_it(
    app: AppTest, config: Path
) -> None:
    stop_a_slow_turn(workspace_of(config), app.query_params["c"])

    app.run()
    assert any("Stopped listening" in i.value for i in app.info)
    assert app.expander[-1].label == "working · not listening"
    assert {"▶ Resume", "✖ Cancel task"} <= {b.label for b in app.button}

    app.button(key="cancel-task").click().run()
    assert app.status[-1].label.startswith("🚫 canceled")
    assert any("Cancel requested" in i.value for i in app.info)
    assert "✖ Cancel task" not in {b.label for b in app.button}


def test_resume_after_stop_shows_the_whole_answer_once(app: AppTest, config: Path) -> None:
    stop_a_slow_turn(workspace_of(config), app.query_params["c"])
    app.run()

    app.button(key="resume").click().run()
    assert not app.exception
    lines = assistant_text(app).splitlines()
    assert [line for line in lines if line.startswith("step ")] == [
        f"step {i} of 40" for i in range(1, 41)
    ]


def test_a_reload_opens_the_same_conversation_from_the_url(app: AppTest, config: Path) -> None:
    app.chat_input[0].set_value("story").run()
    conversation_id = app.query_params["c"]

    reloaded = AppTest.from_file(APP, default_timeout=30)
    reloaded.query_params["c"] = conversation_id
    reloaded.run()
    assert reloaded.query_params["c"] == conversation_id
    assert [m.name for m in reloaded.chat_message] == ["user", "assistant"]
    assert "# The Night Operator" in assistant_text(reloaded)


def test_new_conversation_starts_a_new_context(app: AppTest, config: Path) -> None:
    app.chat_input[0].set_value("story").run()
    first = app.query_params["c"]
    next(b for b in app.button if b.label == "➕ New conversation").click().run()
    assert app.query_params["c"] != first
    assert not app.chat_message
    app.chat_input[0].set_value("story").run()
    ws = workspace_of(config)
    contexts = {ws.store.get(c).context_id() for c in (first, app.query_params["c"])}
    assert len(contexts) == 2 and None not in contexts


def agents_page() -> None:
    from switchboard.ui.agents_page import agents_page as page

    page()


def inspector_page() -> None:
    from switchboard.ui.inspector_page import inspector_page as page

    page()


def test_the_agents_page_shows_the_card(config: Path) -> None:
    at = AppTest.from_function(agents_page, default_timeout=30).run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert "Switchboard Demo Agent" in text
    assert "Streamed story" in text and "Try: _story_" in text
    assert "✅ streaming" in text
    assert at.dataframe, "the interfaces table"


def test_adding_an_agent_by_url_with_a_token_connects_and_masks_it(
    config: Path, demo_agent: str
) -> None:
    at = AppTest.from_function(agents_page, default_timeout=30).run()
    field = {t.label: t for t in at.text_input}
    field["Agent URL"].input(demo_agent + "/.well-known/agent-card.json")
    field["Name"].input("Second")
    field["Bearer token"].input(TOKEN)
    next(b for b in at.button if b.label == "Connect").click().run()
    assert not at.exception
    assert any("Connected to **Second**" in s.value for s in at.success)
    shown = "\n".join(e.value for e in [*at.caption, *at.markdown])
    assert "Authorization: ••••" in shown and TOKEN not in shown
    assert workspace_of(config).registry.agent("Second").status == "ready"


@pytest.mark.parametrize(
    ("url", "message"),
    [("not a url", "is not an http(s) URL"), ("http://127.0.0.1:1", "Could not reach")],
)
def test_a_bad_agent_url_says_what_is_wrong(config: Path, url: str, message: str) -> None:
    at = AppTest.from_function(agents_page, default_timeout=30).run()
    next(t for t in at.text_input if t.label == "Agent URL").input(url)
    next(b for b in at.button if b.label == "Connect").click().run()
    assert any(message in e.value for e in at.error)
    assert workspace_of(config).registry.agent("Demo Agent").status == "ready"


def test_the_inspector_shows_the_wire_log(app: AppTest, config: Path) -> None:
    app.chat_input[0].set_value("hello").run()
    at = AppTest.from_function(inspector_page, default_timeout=30).run()
    assert not at.exception
    labels = [e.label for e in at.expander]
    assert any("GET" in label and "agent-card.json" in label for label in labels)
    assert any("stream event" in label or "POST" in label for label in labels)


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

    app.text_input(key=f"title-{first}").set_value("Tales")
    app.button(key=f"rename-{first}").click().run()
    assert "Tales · Demo Agent" in listed()

    app.button(key=f"delete-{second}").click().run()
    assert app.query_params["c"] not in (second, "")
    assert "hello there · Demo Agent" not in listed()
    assert workspace_of(config).store.get(second) is None


def test_a_conversation_exports_and_imports_back_to_the_same_chat(
    app: AppTest, config: Path
) -> None:
    from switchboard.chat.export import from_json, to_json, to_markdown

    app.chat_input[0].set_value("story").run()
    labels = [b.proto.label for b in app.get("download_button")]
    assert labels == ["⬇ Markdown", "⬇ JSON"]
    ws = workspace_of(config)
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
    assert [m.name for m in other.chat_message] == ["user", "assistant"]
    assert assistant_text(other) == assistant_text(app)


def test_a_conversation_survives_a_restart_of_the_app(app: AppTest, config: Path) -> None:
    app.chat_input[0].set_value("story").run()
    conversation_id, answer = app.query_params["c"], assistant_text(app)
    old = workspace_of(config)
    state._workspace.clear()  # the server process restarts: every in-memory object is gone
    old.close()

    reopened = AppTest.from_file(APP, default_timeout=30)
    reopened.query_params["c"] = conversation_id
    reopened.run()
    assert workspace_of(config) is not old
    assert [m.name for m in reopened.chat_message] == ["user", "assistant"]
    assert assistant_text(reopened) == answer
    assert any(b.label == "story · Demo Agent" for b in reopened.button)


def test_signed_in_users_see_only_their_own_conversations(config: Path) -> None:
    ada = AppTest.from_file(APP, default_timeout=30)
    ada.user = {"email": "ada@example.com", "is_logged_in": True}
    ada.run()
    adas = ada.query_params["c"]
    ws = workspace_of(config)
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
