"""The chat as a person sees it in a real browser, against the app on its embedded demo agent.

What is asserted is what is on screen: bubbles, their text, the task's status step, notices and
buttons. Every wait is an auto-retrying `expect(...)` or a bounded wait; no test sleeps to pass
and none asserts on durations."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from switchboard.ui.chat_page import SHOWN_TURNS
from tests.support.browser import (
    ALL_STEPS,
    STEP,
    STORY_END,
    STREAM,
    assistant_bubbles,
    cancel_while_streaming,
    messages,
    resume_button,
    send,
    status_label,
    step_counts,
    stop_button,
    user_bubbles,
    wait_settled,
)

pytestmark = pytest.mark.browser


def test_story_streams_to_completion(page: Page) -> None:
    send(page, "story")
    expect(user_bubbles(page)).to_have_count(1, timeout=STEP)
    expect(user_bubbles(page).first).to_contain_text("story")
    bubble = assistant_bubbles(page).first
    content = bubble.get_by_test_id("stChatMessageContent")
    expect(content).to_contain_text(STORY_END, timeout=STREAM)
    expect(status_label(bubble)).to_contain_text("completed", timeout=STEP)
    wait_settled(page)
    # The whole story, rendered as markdown, and the bubble ends with its last line.
    expect(content.locator("h1")).to_have_text("The Night Operator")
    expect(content.locator("strong", has_text="Ada")).to_be_visible()
    expect(content.locator("blockquote")).to_contain_text("Every chunk you just read " + STORY_END)
    assert content.inner_text().rstrip().endswith(STORY_END), content.inner_text()
    expect(assistant_bubbles(page)).to_have_count(1)
    expect(messages(page)).to_have_count(2)


def test_widget_rerun_mid_stream_keeps_one_complete_answer(page: Page) -> None:
    send(page, "slow")
    bubble = assistant_bubbles(page).first
    expect(bubble).to_contain_text("step 3 of 40", timeout=STEP)
    # The status step is collapsed: its state history ("⏳ working — Counting to 40…") is hidden.
    history = bubble.get_by_test_id("stExpanderDetails")
    working = history.get_by_text(re.compile(r"working — Counting to 40"))
    expect(history).to_be_hidden()
    expect(working).to_be_hidden()

    toggle = page.get_by_role("switch", name="Show task steps")
    expect(toggle).not_to_be_checked()
    # Click the label, as a person does (the switch's <input> itself is visually hidden).
    page.get_by_test_id("stSidebar").get_by_text("Show task steps", exact=True).click()

    expect(toggle).to_be_checked(timeout=STEP)
    # Only a script run that read the toggle as on draws the step expanded: the history is
    # visible without anyone opening it, so the rerun happened, while the turn was still live.
    expect(working).to_be_visible(timeout=STEP)
    expect(bubble.locator("details[open]")).to_have_count(1)
    expect(status_label(bubble)).to_contain_text("working")

    expect(bubble).to_contain_text("step 40 of 40", timeout=STREAM)
    wait_settled(page)
    expect(status_label(bubble)).to_contain_text("completed")
    expect(history.get_by_text(re.compile(r"completed"))).to_be_visible()  # still expanded
    expect(user_bubbles(page)).to_have_count(1)
    expect(assistant_bubbles(page)).to_have_count(1)
    expect(messages(page)).to_have_count(2)
    assert step_counts(page.get_by_test_id("stChatMessageContent")) == ALL_STEPS


def test_reload_mid_stream_reopens_the_conversation(page: Page) -> None:
    send(page, "slow")
    expect(assistant_bubbles(page).first).to_contain_text("step 3 of 40", timeout=STEP)
    match = re.search(r"[?&]c=([^&#]+)", page.url)
    assert match, f"the conversation is not in the URL: {page.url}"
    same_conversation = re.compile(rf"[?&]c={re.escape(match.group(1))}(?:[&#]|$)")

    page.reload()

    page.get_by_test_id("stChatInputTextArea").wait_for(timeout=STREAM)
    expect(page).to_have_url(same_conversation)
    bubble = assistant_bubbles(page).first
    expect(bubble).to_contain_text("step 40 of 40", timeout=STREAM)
    wait_settled(page)
    expect(status_label(bubble)).to_contain_text("completed")
    expect(user_bubbles(page)).to_have_count(1)
    expect(user_bubbles(page).first.get_by_test_id("stChatMessageContent")).to_have_text("slow")
    expect(assistant_bubbles(page)).to_have_count(1)
    expect(messages(page)).to_have_count(2)
    assert step_counts(page.get_by_test_id("stChatMessageContent")) == ALL_STEPS
    expect(page).to_have_url(same_conversation)  # the app did not switch conversations


def test_input_required_then_reply_completes_the_task(page: Page) -> None:
    send(page, "ask")
    bubble = assistant_bubbles(page).first
    notice = bubble.get_by_test_id("stAlert").filter(has_text="The agent needs your input")
    expect(notice).to_be_visible(timeout=STEP)
    expect(notice).to_contain_text("Which colour do you like: red, green or blue?")
    expect(status_label(bubble)).to_contain_text("input-required")
    wait_settled(page)
    # Not asserted here: the chat input's live placeholder ("Reply to the agent…" while the task
    # waits). It is computed before the prompt is sent, and when a turn ends before the run
    # follows it no rerun refreshes it, so it is stale now and then. Checked after a reload.

    send(page, "blue")

    answer = assistant_bubbles(page).nth(1)
    expect(answer).to_contain_text("You chose blue.", timeout=STEP)
    said = answer.get_by_test_id("stChatMessageContent").locator("p", has_text="You chose")
    expect(said.locator("strong")).to_have_text("blue")  # markdown bold, rendered
    expect(status_label(answer)).to_contain_text("completed", timeout=STEP)
    wait_settled(page)
    expect(user_bubbles(page).get_by_test_id("stChatMessageContent")).to_have_text(["ask", "blue"])
    expect(assistant_bubbles(page)).to_have_count(2)
    # The answer bubble does not ask again (the first bubble keeps showing its own turn).
    expect(answer.get_by_text("The agent needs your input")).to_have_count(0)

    page.reload()  # a fresh run: the conversation no longer waits for a reply

    box = page.get_by_test_id("stChatInputTextArea")
    expect(box).to_have_attribute("placeholder", "Message Demo Agent", timeout=STREAM)
    expect(messages(page)).to_have_count(4)


def test_stop_then_resume_gets_the_whole_answer(page: Page) -> None:
    send(page, "slow")
    stopped = assistant_bubbles(page).first
    expect(stopped).to_contain_text("step 3 of 40", timeout=STEP)

    stop_button(page).click()

    expect(stopped.get_by_text("Stopped listening")).to_be_visible(timeout=STEP)
    expect(resume_button(page)).to_be_visible(timeout=STEP)
    expect(stop_button(page)).to_have_count(0)
    partial = step_counts(stopped)
    assert 3 in partial and 40 not in partial, partial

    resume_button(page).click()

    # The same bubble goes on: one answer, whose state is the task's latest.
    resumed = assistant_bubbles(page).first
    expect(resumed).to_contain_text("Listening again to task", timeout=STEP)
    expect(resumed).to_contain_text("step 40 of 40", timeout=STREAM)
    wait_settled(page)
    expect(status_label(resumed)).to_contain_text("completed")
    expect(status_label(resumed)).to_have_count(1)
    expect(resume_button(page)).to_have_count(0)
    expect(user_bubbles(page)).to_have_count(1)
    expect(assistant_bubbles(page)).to_have_count(1)
    assert step_counts(resumed) == ALL_STEPS
    expect(resumed.get_by_text("Stopped listening")).to_have_count(0)


def test_cancel_task_is_offered_while_a_fresh_task_streams(page: Page) -> None:
    """The task's id arrives after the page run began: the page reruns for it, so Cancel task
    is there during the stream (not only on a later visit), and it cancels."""
    cancel_while_streaming(page, "slow", "step 40 of 40")


def test_a_live_turn_shows_no_examples_and_one_stop(page: Page) -> None:
    """The welcome's example buttons go as the turn starts (not left stale for the whole live
    turn), and the only Stop is the chat's own (Streamlit's header Stop is hidden)."""
    example = page.get_by_role("button", name="slow", exact=True)
    expect(example).to_be_visible(timeout=STEP)  # an empty conversation's welcome
    send(page, "slow")
    expect(stop_button(page)).to_be_visible(timeout=STEP)  # the live turn
    expect(example).to_have_count(0)
    expect(page.get_by_role("button", name="Stop", exact=True)).to_have_count(0)
    wait_settled(page)


def test_earlier_turns_stay_on_screen_once_while_a_turn_streams(page: Page) -> None:
    """While a turn runs, the finished turns above it are drawn after its first words: until
    then the browser keeps the last run's, in the same place, so none vanishes or shows twice
    (a full window of them: the window moves on only once the turn has ended)."""
    for count in range(1, SHOWN_TURNS + 1):
        send(page, "hello")
        expect(assistant_bubbles(page)).to_have_count(count, timeout=STEP)
        wait_settled(page)
    answers = [bubble.inner_text() for bubble in assistant_bubbles(page).all()]
    send(page, "slow")
    expect(assistant_bubbles(page).last).to_contain_text("step 3 of 40", timeout=STEP)
    texts = [
        b.get_by_test_id("stChatMessageContent").inner_text().strip()
        for b in user_bubbles(page).all()
    ]
    assert texts == ["hello"] * SHOWN_TURNS + ["slow"], texts  # mid-stream, as it is now
    assert messages(page).count() == 2 * SHOWN_TURNS + 2
    assert [b.inner_text() for b in assistant_bubbles(page).all()[:-1]] == answers
    expect(assistant_bubbles(page).last).to_contain_text("step 40 of 40", timeout=STREAM)
    wait_settled(page)
    expect(user_bubbles(page)).to_have_count(SHOWN_TURNS)  # the window has moved on
    expect(user_bubbles(page).last).to_contain_text("slow")
