"""A workspace across restarts: conversations come back, a running task is followed again in
the same turn, what cannot be resumed says so; a store that cannot open leaves the app
working; credentials never reach the store; replicas leave each other's turns alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from switchboard.chat.store import SqlStore
from switchboard.config import AgentSettings, Settings, load_settings
from switchboard.connections.vault import Item, VaultKey
from switchboard.demo.agent import build_app
from switchboard.workspace import Workspace
from tests.support.servers import serve_app
from tests.support.turns import connect, run_turn, wait_for, wait_turn


def test_a_workspace_keeps_its_conversations_across_a_restart(tmp_path: Path) -> None:

    settings = Settings(source="test", data_dir=str(tmp_path / "data"))
    with serve_app(build_app) as url:
        first = Workspace(settings)
        agent = connect(first, url)
        conversation = first.chat.new_conversation(agent.name)
        answer = run_turn(first, conversation, "story").text()
        first.close()

        second = Workspace(settings)
        try:
            again = second.store.get(conversation.id)
            assert again is not None and again.title == "story"
            assert [e.to_dict() for e in again.events()] == [
                e.to_dict() for e in conversation.events()
            ]
            assert again.turns()[-1].text() == answer
            assert again.context_id() == conversation.context_id()
        finally:
            second.close()


def test_a_store_that_cannot_open_leaves_the_app_working_and_says_why(tmp_path: Path) -> None:

    data = tmp_path / "data"
    data.mkdir()
    (data / "conversations.db").write_bytes(b"this is not a database" * 100)
    ws = Workspace(Settings(source="test", data_dir=str(data)))
    try:
        assert "damaged" in ws.store_problem and str(data) in ws.store_problem
        assert ws.chat.new_conversation("someone").id
    finally:
        ws.close()


def test_a_restart_mid_task_resumes_the_task_and_the_answer_completes(tmp_path: Path) -> None:

    with serve_app(build_app) as url:  # the agent outlives the app
        settings = Settings(
            source="test",
            data_dir=str(tmp_path / "data"),
            agents=(AgentSettings(name="demo", url=url),),
        )
        first = Workspace.open(settings)
        conversation = first.chat.new_conversation("demo")
        turn = first.chat.send(conversation.id, "slow")
        wait_for(lambda: sum(e.kind == "artifact" for e in conversation.events()) >= 3)
        first.close()  # the app stops in the middle of the task
        assert conversation.open_turns() == [(turn, conversation.last_task())]

        second = Workspace.open(settings)
        try:
            reopened = second.store.get(conversation.id)
            assert reopened is not None
            view = wait_turn(reopened, turn)
            assert view.state == "completed"
            assert view.text().splitlines() == [f"step {i} of 40" for i in range(1, 41)]
            assert "restarted during this turn" in view.notices[0]["text"]
            assert [e.kind for e in reopened.events()].count("turn_end") == 1
        finally:
            second.close()


def test_a_restart_marks_a_turn_it_cannot_resume_as_interrupted(tmp_path: Path) -> None:

    settings = Settings(source="test", data_dir=str(tmp_path / "data"))
    first = Workspace(settings)
    conversation = first.chat.new_conversation("gone")
    conversation.record(1, "user", {"text": "hello?"})  # the app stopped right after this
    first.close()

    second = Workspace.open(settings)
    try:
        view = second.store.get(conversation.id).turns()[-1]
        assert view.end_reason == "interrupted"
        assert "Interrupted" in view.notices[-1]["text"]
    finally:
        second.close()


def test_credentials_never_reach_the_store(tmp_path: Path) -> None:

    token = "never-stored-0123456789abcdef"
    data = tmp_path / "data"
    with serve_app(build_app) as url:
        ws = Workspace(Settings(source="test", data_dir=str(data)))
        try:
            agent = connect(ws, url, headers={"Authorization": f"Bearer {token}"})
            conversation = ws.chat.new_conversation(agent.name)
            assert run_turn(ws, conversation, "story").state == "completed"
        finally:
            ws.close()
    stored = b"".join(p.read_bytes() for p in data.iterdir())
    assert b"Night Operator" in stored, "the conversation was written"
    assert token.encode() not in stored


@pytest.mark.timeout(900)
def test_a_replica_starting_leaves_another_ones_running_turn_alone(
    shared_database: str, demo_agent: str
) -> None:

    settings = Settings(
        source="test",
        database_url=shared_database,
        agents=(AgentSettings(name="demo", url=demo_agent),),
    )
    first = Workspace.open(settings)
    conversation = first.chat.new_conversation("demo")
    turn = first.chat.send(conversation.id, "slow")
    wait_for(lambda: sum(e.kind == "artifact" for e in conversation.events()) >= 2)
    second = Workspace.open(settings)  # another replica starts meanwhile
    try:
        assert not second.chat.is_running(conversation.id)
        first.close()  # the replica running the turn stops in the middle of it
        probe = SqlStore(url=shared_database)
        stored = probe.get(conversation.id)
        probe.close()
        assert stored is not None and stored.open_turns() == [(turn, conversation.last_task())]
        kinds = {e.kind for e in stored.events()}
        assert "notice" not in kinds, "the second replica did not touch the running turn"
        third = Workspace.open(settings)  # a restart picks it up
        try:
            reopened = third.store.get(conversation.id)
            assert reopened is not None
            view = wait_turn(reopened, turn)
            assert view.state == "completed" and "step 40 of 40" in view.text()
        finally:
            third.close()
    finally:
        second.close()


def test_a_sign_in_kept_in_the_vault_survives_a_restart_sealed_with_the_configured_key(
    tmp_path: Path,
) -> None:
    env = {"SWITCHBOARD_DATA_DIR": str(tmp_path / "data"), "SWITCHBOARD_SECRET_KEY": "pass phrase"}
    settings = load_settings(None, env=env)
    assert settings.secret_key == "pass phrase" and "pass phrase" not in repr(settings)
    key = VaultKey("local", "mcp", "Files", Item.TOKENS)
    first = Workspace(settings)
    first.signing.vault.put(key, b"at-SECRET-2c1d")
    first.close()
    second = Workspace(settings)
    try:
        assert (
            second.signing.vault is second.store.vault
            and second.signing.vault.get(key) == b"at-SECRET-2c1d"
        )
    finally:
        second.close()
    wrong = Workspace(Settings(source="test", data_dir=str(tmp_path / "data")))
    try:
        assert wrong.signing.vault.get(key) is None  # the generated key is not the configured one
    finally:
        wrong.close()
