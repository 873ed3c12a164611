"""The authenticated extended card: fetched once signed in, when the public card says there is
one, and compared with the public card so the Agents page can say what signing in changed."""

from __future__ import annotations

from a2a.client import Client
from a2a.types import GetExtendedAgentCardRequest
from google.protobuf.json_format import MessageToDict

from switchboard.connections.cards import CardInfo, summarize
from switchboard.connections.wire import Direction, WireLog

FIELDS = {
    "name": "name",
    "description": "description",
    "version": "version",
    "input_modes": "input modes",
    "output_modes": "output modes",
    "extensions": "extensions",
    "streaming": "streaming",
    "push_notifications": "push notifications",
}


async def extended_card(client: Client, card_url: str, wire: WireLog) -> CardInfo | None:
    """The extended card, or None (with a warning in the wire log) when the agent would not
    give it: a public card stays usable whatever the extended one does."""
    try:
        card = await client.get_extended_agent_card(GetExtendedAgentCardRequest())
        return summarize(card, f"{card_url} (extended)", MessageToDict(card))
    except Exception as exc:  # the agent's answer, whatever it is, must not fail the connect
        wire.record(Direction.WARNING, f"the extended card could not be had: {exc}")
        return None


def changes(public: CardInfo, extended: CardInfo) -> list[str]:
    """What the extended card says differently from the public one, each in words."""
    found = [
        f"{label}: {getattr(public, key)!r} → {getattr(extended, key)!r}"
        for key, label in FIELDS.items()
        if getattr(public, key) != getattr(extended, key)
    ]
    before = {skill["id"]: skill for skill in public.skills}
    after = {skill["id"]: skill for skill in extended.skills}
    found += [f"skill added: {after[i]['name']}" for i in after if i not in before]
    found += [f"skill removed: {before[i]['name']}" for i in before if i not in after]
    found += [
        f"skill changed: {after[i]['name']}" for i in after if i in before and after[i] != before[i]
    ]
    return found
