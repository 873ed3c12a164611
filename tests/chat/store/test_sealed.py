"""The store's vault: sign-ins kept per person and counterpart, sealed at rest (no plaintext in
the database file or the journal), opened by another store with the same key, absent (with
one warning, no traceback) under a wrong key, refused on a shared database without a key."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from switchboard.chat.export import to_json, to_markdown
from switchboard.chat.store import MemoryStore, SqlStore
from switchboard.chat.store.keys import KEY_FILE, REFUSAL
from switchboard.connections.vault import Item, VaultError, VaultKey
from tests.support.secret_scan import leaks
from tests.support.stores import WAIT, Opener
from tests.support.tracebacks import no_tracebacks

TOKEN = b'{"access_token": "at-SECRET-7f3c9e21", "refresh_token": "rt-SECRET-5b8d"}'
SECRETS = ["at-SECRET-7f3c9e21", "rt-SECRET-5b8d"]
ALICE = VaultKey("alice@example.com", "mcp", "Files", Item.TOKENS)


def keyed(opener: Opener, key: str) -> SqlStore:
    """A store on the opener's database sealing with `key`."""
    return opener(secret_key=key)


def test_round_trip_and_another_store_with_the_key_reads_it(opener: Opener) -> None:
    key = Fernet.generate_key().decode()
    store = keyed(opener, key)
    store.vault.put(ALICE, TOKEN)
    assert store.vault.get(ALICE) == TOKEN
    other = keyed(opener, key)  # another replica, or the next start
    assert other.vault.get(ALICE) == TOKEN
    other.vault.put(ALICE, b"renewed")
    assert store.vault.get(ALICE) == (b"renewed" if store.shared else TOKEN)
    store.close(WAIT)
    assert keyed(opener, key).vault.get(ALICE) == b"renewed"


def test_a_passphrase_works_as_the_key(opener: Opener) -> None:
    keyed(opener, "correct horse battery staple").vault.put(ALICE, TOKEN)
    assert keyed(opener, "correct horse battery staple").vault.get(ALICE) == TOKEN


def test_rotation_new_key_first_opens_what_the_old_one_sealed(opener: Opener) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    keyed(opener, old).vault.put(ALICE, TOKEN)
    rotated = keyed(opener, f"{new},{old}")
    assert rotated.vault.get(ALICE) == TOKEN
    rotated.vault.put(ALICE, b"renewed")  # sealed with the new key
    assert keyed(opener, new).vault.get(ALICE) == b"renewed"


def test_no_plaintext_in_the_database_or_the_journal(opener: Opener) -> None:
    store = keyed(opener, "a passphrase for the test")
    conversation = store.create("Files", owner=ALICE.owner)
    conversation.record(1, "user", {"text": "hello"})
    store.vault.put(ALICE, TOKEN)
    store.vault.put(
        VaultKey(ALICE.owner, "mcp", "Files", Item.CLIENT), b'{"secret": "cs-SECRET-91"}'
    )
    assert store.flush(WAIT)
    with opener.database() as conn:
        rows = [tuple(r) for r in conn.exec_driver_sql("SELECT * FROM vault")]
    assert len(rows) == 2
    texts = [repr(rows), to_json(conversation), to_markdown(conversation)]
    assert leaks([*SECRETS, "cs-SECRET-91"], places=[opener.data_dir], texts=texts) == []


def test_a_wrong_key_reads_none_with_one_warning_and_no_traceback(
    opener: Opener, caplog: pytest.LogCaptureFixture
) -> None:
    keyed(opener, Fernet.generate_key().decode()).vault.put(ALICE, TOKEN)
    wrong = keyed(opener, "not the key it was sealed with")
    with no_tracebacks() as seen, caplog.at_level(logging.WARNING):
        assert wrong.vault.get(ALICE) is None
        assert wrong.vault.get(ALICE) is None
    warnings = [r.getMessage() for r in caplog.records if "cannot be opened" in r.getMessage()]
    assert len(warnings) == 1 and "SWITCHBOARD_SECRET_KEY" in warnings[0]
    assert seen.records == []
    wrong.vault.put(ALICE, b"signed in again")  # a new sign-in replaces what it cannot open
    assert wrong.vault.get(ALICE) == b"signed in again"


@pytest.mark.parametrize("store_kind", ["memory", "sql"])
def test_forget_drops_that_counterpart_only_and_owners_are_apart(
    store_kind: str, opener: Opener
) -> None:
    vault = MemoryStore().vault if store_kind == "memory" else keyed(opener, "k" * 20).vault
    client = VaultKey(ALICE.owner, "mcp", "Files", Item.CLIENT)
    other_server = VaultKey(ALICE.owner, "mcp", "Mail", Item.TOKENS)
    same_name_agent = VaultKey(ALICE.owner, "agent", "Files", Item.TOKENS)
    bob = VaultKey("bob@example.com", "mcp", "Files", Item.TOKENS)
    for key in (ALICE, client, other_server, same_name_agent):
        vault.put(key, key.name.encode() + key.kind.encode())
    assert vault.get(bob) is None  # another owner's sign-in never serves bob
    vault.put(bob, b"bob's")
    vault.forget(ALICE.owner, "mcp", "Files")
    assert vault.get(ALICE) is None and vault.get(client) is None
    assert vault.get(other_server) == b"Mailmcp"
    assert vault.get(same_name_agent) == b"Filesagent"
    assert vault.get(bob) == b"bob's"


def test_without_a_key_one_machine_generates_one_readable_only_by_its_owner(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = SqlStore(tmp_path)
    try:
        assert store.vault.get(ALICE) is None and not (tmp_path / KEY_FILE).exists()
        with caplog.at_level(logging.WARNING):
            store.vault.put(ALICE, TOKEN)
            store.vault.put(ALICE, TOKEN)
        assert len([r for r in caplog.records if KEY_FILE in r.getMessage()]) == 1
        assert stat.S_IMODE(os.stat(tmp_path / KEY_FILE).st_mode) == 0o600
    finally:
        store.close(WAIT)
    again = SqlStore(tmp_path)
    try:
        assert again.vault.get(ALICE) == TOKEN
    finally:
        again.close(WAIT)


def test_a_shared_database_without_a_key_refuses_to_keep_secrets(opener: Opener) -> None:
    store = keyed(opener, "")
    if not store.shared:
        pytest.skip("only a shared (PostgreSQL) database refuses")
    conversation = store.create("Files")
    with pytest.raises(VaultError) as refused:
        store.vault.put(ALICE, TOKEN)
    assert str(refused.value) == REFUSAL and "SWITCHBOARD_SECRET_KEY" in REFUSAL
    assert store.vault.get(ALICE) is None
    conversation.record(1, "user", {"text": "still working"})
    assert store.flush(WAIT) and store.health() is None
