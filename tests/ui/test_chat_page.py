"""The chat page with AppTest against the demo agent on a real loopback port: answers,
questions, task states, Stop / Resume / Cancel task, reloads and new conversations."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pytest
from PIL import Image, UnidentifiedImageError
from streamlit.testing.v1 import AppTest

from switchboard.chat.export import to_markdown
from switchboard.ui.large_content import SHOWN_PARTS
from switchboard.workspace import Workspace
from tests.support.a2a_js import js_agent
from tests.support.apps import APP, app_workspace, assistant_text, close_workspace, step_marks
from tests.support.everything import config_entry, tiny_image
from tests.support.hostile_agent import parrot
from tests.support.servers import free_port, serve_app
from tests.support.turns import run_turn, wait_for, wait_turn

TOKEN = "tok-0123456789-abcdefghij"


def test_a_prompt_gets_its_streamed_answer_rendered_in_one_bubble(app: AppTest) -> None:
    assert not app.exception
    app.chat_input[0].set_value("story").run()
    assert not app.exception
    assert [m.name for m in app.chat_message] == ["user", "assistant"]
    assert app.chat_message[0].markdown[0].value == "story"
    assert "# The Night Operator" in assistant_text(app)
    assert step_marks(app) == [("completed", "complete")], "one tick, not two"
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
    assert step_marks(app) == [("input-required", "❓")], "a question mark, not a tick"

    app.chat_input[0].set_value("blue").run()
    assert "You chose **blue**." in assistant_text(app)
    assert step_marks(app)[-1] == ("completed", "complete")
    assert app.chat_input[0].placeholder == "Message Demo Agent"


def test_failed_and_rejected_tasks_show_their_state(app: AppTest) -> None:
    app.chat_input[0].set_value("fail").run()
    assert step_marks(app)[-1] == (
        "failed — Failed on purpose: the 'fail' prompt always fails.",
        "error",
    )
    app.chat_input[0].set_value("crash").run()
    assert step_marks(app)[-1][0].startswith("failed") and step_marks(app)[-1][1] == "error"
    assert "internal error" in app.error[-1].value, "the agent's error is shown"
    app.chat_input[0].set_value("reject").run()
    assert step_marks(app)[-1][0].startswith("rejected") and step_marks(app)[-1][1] == "error"


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
    stop_a_slow_turn(app_workspace(), app.query_params["c"])

    app.run()
    assert any("Stopped listening" in i.value for i in app.info)
    assert app.chat_message[-1].expander[-1].label == "working · not listening"
    assert {"▶ Resume", "✖ Cancel task"} <= {b.label for b in app.button}

    app.button(key="cancel-task").click().run()
    assert step_marks(app)[-1][0].startswith("canceled") and step_marks(app)[-1][1] == "🛑"
    assert any("Cancel requested" in i.value for i in app.info)
    assert "✖ Cancel task" not in {b.label for b in app.button}


def test_resume_after_stop_shows_the_whole_answer_once(app: AppTest, config: Path) -> None:
    stop_a_slow_turn(app_workspace(), app.query_params["c"])
    app.run()

    app.button(key="resume").click().run()
    assert not app.exception
    lines = assistant_text(app).splitlines()
    assert [line for line in lines if line.startswith("step ")] == [
        f"step {i} of 40" for i in range(1, 41)
    ]
    assert [m.name for m in app.chat_message] == ["user", "assistant"], "one turn, one bubble"
    assert step_marks(app) == [("completed", "complete")], "its first part is not left working"


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
    ws = app_workspace()
    contexts = {ws.store.get(c).context_id() for c in (first, app.query_params["c"])}
    assert len(contexts) == 2 and None not in contexts


def test_talk_to_offers_a_person_the_shared_agents_and_their_own(
    app: AppTest, demo_agent: str
) -> None:
    ada, grace = "ada@example.com", "grace@example.com"
    ws = app_workspace()
    assert ws.new_agent(demo_agent, ada, name="Ada's own").wait(30).status == "ready"

    def talk_to(email: str) -> list[str]:
        at = AppTest.from_file(APP, default_timeout=30)
        at.user = {"email": email, "is_logged_in": True}
        at.run()
        assert not at.exception
        return next(s for s in at.selectbox if s.label == "Talk to").options

    assert talk_to(ada) == ["Assistant", "Demo Agent", "Ada's own"]
    assert talk_to(grace) == ["Assistant", "Demo Agent"]
    failed = ws.new_agent(f"http://127.0.0.1:{free_port()}", ada, name="Down").wait(30)
    assert failed.status == "failed"
    assert talk_to(ada) == ["Assistant", "Demo Agent", "Ada's own"], "not until it works"


def test_plain_text_keeps_its_lines_and_is_not_read_as_markdown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve_app(parrot(media_type="text/plain")) as url:
        config = tmp_path / "switchboard.json"
        config.write_text(json.dumps({"agents": [{"name": "Parrot", "url": url}]}))
        monkeypatch.setenv("SWITCHBOARD_CONFIG", str(config))
        try:
            at = AppTest.from_file(APP, default_timeout=30).run()
            sent = "line one\nline two\n  * not a list *"
            at.chat_input[0].set_value(sent).run()
            assert [t.value for t in at.chat_message[1].text] == [sent]
            assert not at.chat_message[1].markdown
        finally:
            close_workspace()


def test_the_person_sends_json_data_with_a_message(app: AppTest, config: Path) -> None:
    """Invalid JSON is said and sends nothing; valid JSON goes as a data part (the demo agent
    sends back what it received), is shown in the person's bubble, and survives a reload and
    the export."""
    app.text_area(key="data-json").input('{"city": "Paris",}')
    next(b for b in app.button if b.label == "Send data").click().run()
    assert any("not valid JSON" in e.value and "Nothing was sent" in e.value for e in app.error)
    assert not app.chat_message and app.text_area(key="data-json").value == '{"city": "Paris",}'

    sent = {"city": "Paris", "days": 3}
    app.text_area(key="data-json").input(json.dumps(sent))
    app.text_input(key="data-message").input("plan")
    next(b for b in app.button if b.label == "Send data").click().run()
    assert not app.exception and not app.error
    person, agent = app.chat_message
    assert (person.name, person.markdown[0].value) == ("user", "plan")
    assert [json.loads(j.value) for j in person.json] == [sent]
    assert "Received 1 data part." in assistant_text(app)
    assert [json.loads(j.value) for j in agent.json] == [sent], "the agent got it as sent"
    assert app.text_area(key="data-json").value == "", "the editor is cleared once sent"

    reloaded = AppTest.from_file(APP, default_timeout=30)
    reloaded.query_params["c"] = app.query_params["c"]
    reloaded.run()
    assert [json.loads(j.value) for j in reloaded.chat_message[0].json] == [sent]
    exported = to_markdown(app_workspace().store.get(app.query_params["c"]))
    assert '**You:** plan\n\n**You sent data:**\n\n```json\n{\n  "city": "Paris"' in exported


def test_a_task_of_an_agent_that_does_not_stream_offers_resume_and_cancel_after_stop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The JS agent with streaming off: its task is known while it runs, so after Stop the
    page says it goes on and offers Resume and Cancel task, and Cancel task cancels it."""
    with js_agent(streaming=False) as url:
        config = tmp_path / "switchboard.json"
        config.write_text(json.dumps({"agents": [{"name": "JS", "url": url}]}))
        monkeypatch.setenv("SWITCHBOARD_CONFIG", str(config))
        try:
            at = AppTest.from_file(APP, default_timeout=30).run()
            ws, conversation_id = app_workspace(), at.query_params["c"]
            conversation = ws.store.get(conversation_id)
            assert conversation is not None
            turn = ws.chat.send(conversation_id, "steps 40 100")
            wait_for(lambda: bool(conversation.turns()[-1].task_id))
            ws.chat.stop(conversation_id)
            wait_turn(conversation, turn)
            at.run()
            assert any("Cancel task stops it, Resume listens again" in i.value for i in at.info)
            assert {"▶ Resume", "✖ Cancel task"} <= {b.label for b in at.button}
            at.button(key="cancel-task").click().run()
            assert step_marks(at)[-1][0].startswith("canceled") and step_marks(at)[-1][1] == "🛑"
        finally:
            close_workspace()


def test_server_everythings_tiny_image_shows_and_the_page_survives_revisits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its PNG (a bad iCCP CRC) once broke the chat page for good: Pillow refuses it. The
    browser gets it as a data URL; the page draws now and on every visit after."""
    with pytest.raises(UnidentifiedImageError):
        Image.open(io.BytesIO(tiny_image()))
    config = tmp_path / "switchboard.json"
    config.write_text(json.dumps({"mcpServers": {"everything": config_entry()}}))
    monkeypatch.setenv("SWITCHBOARD_CONFIG", str(config))
    try:
        at = AppTest.from_file(APP, default_timeout=30).run()
        ws = app_workspace()
        conversation = ws.store.get(at.query_params["c"])
        assert conversation is not None
        turn = ws.chat.call_tool(conversation.id, "everything", "get-tiny-image", {})
        wait_turn(conversation, turn)
        expected = "data:image/png;base64," + base64.b64encode(tiny_image()).decode()
        for visit in (at, AppTest.from_file(APP, default_timeout=30)):
            visit.query_params["c"] = conversation.id
            visit.run()
            assert not visit.exception
            (image,) = visit.get("image")
            assert [i.url for i in image.proto.imgs] == [expected]
            assert "The image above is the MCP logo." in assistant_text(visit)
    finally:
        close_workspace()


def test_a_long_conversation_opens_on_its_newest_turns_and_shows_earlier_ones_on_request(
    app: AppTest, config: Path
) -> None:
    """A rerun draws the newest turns only (its cost does not grow with the conversation);
    the rest is one click away, and the store keeps all of it."""
    from switchboard.chat.events import Event
    from switchboard.ui.chat_page import MORE_TURNS, SHOWN_TURNS

    ws = app_workspace()
    conversation = ws.store.get(app.query_params["c"])
    assert conversation is not None
    run_turn(ws, conversation, "hello")
    one = conversation.events()
    turns = SHOWN_TURNS + MORE_TURNS + 3
    events = [Event(n, e.kind, e.data, e.ts) for n in range(1, turns + 1) for e in one]
    long = ws.store.add("Demo Agent", "long", events)
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["c"] = long.id
    at.run()
    assert len([m for m in at.chat_message if m.name == "user"]) == SHOWN_TURNS
    earlier = next(b for b in at.button if b.label.startswith("⬆ Show earlier turns"))
    assert earlier.label == f"⬆ Show earlier turns ({turns - SHOWN_TURNS} not shown)"
    earlier.click().run()
    assert len([m for m in at.chat_message if m.name == "user"]) == SHOWN_TURNS + MORE_TURNS
    next(b for b in at.button if b.label.startswith("⬆ Show earlier turns")).click().run()
    assert len([m for m in at.chat_message if m.name == "user"]) == turns
    assert not [b for b in at.button if b.label.startswith("⬆ Show earlier turns")]
    assert len(ws.store.get(long.id).turns()) == turns, "the store has all of it"


@pytest.mark.parametrize(
    ("parts", "said"),
    [
        ([{"type": "text", "text": ("x" * 99 + "\n") * 200_000}], "of 20,000,000 characters."),
        (
            [{"type": "data", "data": {"block": i}} for i in range(20_000)],
            f"Showing {SHOWN_PARTS} of 20,000 parts.",
        ),
    ],
    ids=["a 20 MB text", "20,000 blocks"],
)
def test_large_content_is_drawn_in_part_and_offered_whole(
    app: AppTest, config: Path, parts: list, said: str
) -> None:
    """What is drawn is bounded (a rerun costs what its first screenfuls cost); the whole is
    a download."""
    from switchboard.chat.events import Event

    ws = app_workspace()
    conversation = ws.store.get(app.query_params["c"])
    assert conversation is not None
    run_turn(ws, conversation, "story")
    events, placed = [], False
    for event in conversation.events():
        if event.kind == "artifact":
            if placed:
                continue
            event = Event(event.turn, event.kind, {**event.data, "parts": parts, "append": False})
            placed = True
        events.append(event)
    large = ws.store.add("Demo Agent", "large", events)
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["c"] = large.id
    at.run()
    assert not at.exception
    assert any(c.value.endswith(said) for c in at.caption)
    drawn = sum(len(str(e.value)) for e in [*at.markdown, *at.text])
    assert drawn < 200_000, "a bounded part of it is drawn"
    labels = [b.proto.label for b in at.get("download_button")]
    assert "⬇ The whole text" in labels or "⬇ Every part (JSON)" in labels
    more = [b for b in at.button if b.label == f"Show {SHOWN_PARTS} more"]
    if "parts" in said:  # the window goes on by SHOWN_PARTS a press
        more[0].click().run()
        assert any(c.value == f"Showing {2 * SHOWN_PARTS} of 20,000 parts." for c in at.caption)
        assert len(at.json) >= 2 * SHOWN_PARTS
