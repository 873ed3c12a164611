"""A restart of the app in the middle of an agent's task, as a person lives it: the page is
reopened from its link and the answer completes, every line once."""

from __future__ import annotations

import json
import os
import signal
from collections import Counter
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from switchboard.demo.agent import build_app
from tests.support.browser import (
    ALL_STEPS,
    STEP,
    STREAM,
    assistant_bubbles,
    running_app,
    send,
    step_counts,
    wait_settled,
)
from tests.support.servers import serve_app

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["stopped", "killed"])
def test_a_restart_mid_task_reopens_and_the_answer_completes(
    browser: Browser, tmp_path: Path, stop: signal.Signals
) -> None:
    """Stopped (SIGTERM) or killed outright (SIGKILL: no shutdown, writes still queued), the
    app comes back with the conversation and the task's answer completes."""
    config = tmp_path / "switchboard.json"
    env = {k: v for k, v in os.environ.items()}
    env.update(SWITCHBOARD_CONFIG=str(config), SWITCHBOARD_DATA_DIR=str(tmp_path / "data"))
    log = tmp_path / "server.log"
    with serve_app(build_app) as agent:  # the agent runs on while the app restarts
        config.write_text(json.dumps({"agents": [{"name": "Demo Agent", "url": agent}]}))
        context = browser.new_context()
        try:
            page = context.new_page()
            with running_app(tmp_path, env, log, stop=stop) as url:
                page.goto(url)
                send(page, "slow")
                bubble = assistant_bubbles(page).last
                expect(bubble).to_contain_text("step 3 of 40", timeout=STREAM)
                link = page.url
            # the app process is gone here, in the middle of the task
            with running_app(tmp_path, env, log, port=int(link.split(":")[2].split("/")[0])):
                page.goto(link)
                bubble = assistant_bubbles(page).last
                expect(bubble).to_contain_text("step 40 of 40", timeout=STREAM)
                expect(bubble).to_contain_text("restarted during this turn", timeout=STEP)
                wait_settled(page)  # the turn's last rerun may redraw the bubble meanwhile
                bubble = assistant_bubbles(page).last
                assert step_counts(bubble) == Counter(ALL_STEPS)
                expect(assistant_bubbles(page)).to_have_count(1)
        finally:
            context.close()
