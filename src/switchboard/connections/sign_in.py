"""Sign-ins waiting for the person: each opened on the loop when a connection needs an
authorization page visited, finished by the redirect back to the app (`complete`, from the
page that reads the query) and matched by `state` — single use, and only for a while.

The redirect carries a code that is as good as a password for a minute: it goes only to the
waiting connection, never into a log; an unknown, used or expired state changes nothing.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from urllib.parse import parse_qs, urlsplit

from switchboard.connections.vault import MemoryVault, Vault

EXPIRES = 600.0  # seconds a sign-in waits for the person
CALLBACK_PATH = "/oauth_callback"  # the app's page the authorization server sends the person to
SHARED = ""  # the vault's owner for a connection from the config (shared by its users)


class Outcome(StrEnum):
    """What became of a redirect back to the app."""

    SIGNED_IN = "signed-in"  # handed to the connection, which now finishes the sign-in
    REFUSED = "refused"  # the authorization server said no (error=…): the sign-in ended
    UNKNOWN = "unknown"  # no sign-in waits with that state: used, expired, or never begun


@dataclass(frozen=True)
class Redirect:
    """The redirect's parameters, for the connection (the code is secret)."""

    code: str = field(repr=False)
    state: str
    iss: str | None = None


@dataclass
class SignIn:
    """One sign-in waiting: for whom and what, and the page the person opens."""

    owner: str
    kind: str  # "mcp" or "agent"
    name: str
    url: str
    state: str
    expires: float
    _answer: asyncio.Future[Redirect] = field(repr=False)
    _loop: asyncio.AbstractEventLoop = field(repr=False)


@dataclass(frozen=True)
class Signing:
    """What sign-ins need, one per workspace: where tokens are kept, the sign-ins waiting,
    and the app's public address (for the redirect URI). `each_person`: people log in to the
    app, so a shared connection never holds a person's sign-in (each signs in on their own
    copy of it)."""

    vault: Vault
    sign_ins: SignIns
    public_url: str
    each_person: bool = False

    @property
    def redirect_uri(self) -> str:
        return redirect_uri_for(self.public_url)

    def for_owner(self, owner: str | None) -> Signing:
        """What a connection of `owner` (None: shared) signs in with: with `each_person`, a
        shared one keeps nothing in the store (a machine's token only in memory), so no
        person's token is ever read for it."""
        if self.each_person and owner is None:
            return replace(self, vault=MemoryVault())
        return self

    def ask(self, owner: str) -> None:
        """Before asking a person to sign in for `owner`: EachPerson for a shared connection
        when each person signs in for themselves."""
        if self.each_person and owner == SHARED:
            raise EachPerson(EACH_PERSON)

    def open(self, owner: str, kind: str, name: str, url: str) -> SignIn:
        """`sign_ins.open`, once `ask` allows it."""
        self.ask(owner)
        return self.sign_ins.open(owner, kind, name, url)


def redirect_uri_for(public_url: str) -> str:
    """Where authorization servers send the person back: the app's callback page."""
    return public_url.rstrip("/") + CALLBACK_PATH


class RefusedSignIn(Exception):
    """The authorization server refused, the person gave up, or the wait expired."""


EACH_PERSON = "each person signs in to it for themselves"


class EachPerson(RefusedSignIn):
    """A shared connection reached a person's sign-in while each person signs in for
    themselves: the registry gives each viewer a copy of their own instead."""


@dataclass(frozen=True)
class Completed:
    """What `complete` did, for the page: the outcome, which sign-in, and in words."""

    outcome: Outcome
    sign_in: SignIn | None
    message: str


class SignIns:
    """The sign-ins waiting in this process, by state; safe from any thread."""

    def __init__(self, expires: float = EXPIRES) -> None:
        self._by_state: dict[str, SignIn] = {}
        self._lock = threading.Lock()
        self._expires = expires

    def open(self, owner: str, kind: str, name: str, url: str) -> SignIn:
        """On the loop: a sign-in for the authorization page `url` (its `state` parameter is
        the key; one is made when it has none). Any earlier one for the same thing ends."""
        state = (parse_qs(urlsplit(url).query).get("state") or [""])[0] or secrets.token_urlsafe()
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[Redirect] = loop.create_future()
        answer.add_done_callback(lambda f: f.cancelled() or f.exception())  # seen, if unawaited
        sign_in = SignIn(owner, kind, name, url, state, time.time() + self._expires, answer, loop)
        with self._lock:
            for earlier in [s for s in self._by_state.values() if _same(s, sign_in)]:
                self._drop(earlier, "A newer sign-in replaced this one.")
            self._by_state[state] = sign_in
        return sign_in

    async def wait(self, sign_in: SignIn) -> Redirect:
        """On the loop: the redirect for `sign_in`; RefusedSignIn when refused or expired."""
        try:
            async with asyncio.timeout(max(0.0, sign_in.expires - time.time())):
                return await asyncio.shield(sign_in._answer)
        except TimeoutError:
            raise RefusedSignIn(
                f"Nobody finished the sign-in within {self._expires / 60:g} minutes."
            ) from None
        finally:
            with self._lock:
                self._by_state.pop(sign_in.state, None)

    def pending(self, owner: str, kind: str, name: str) -> SignIn | None:
        """The sign-in waiting for that person's `kind` `name`, if any (for the page)."""
        now = time.time()
        with self._lock:
            found = [
                s
                for s in self._by_state.values()
                if (s.owner, s.kind, s.name) == (owner, kind, name) and s.expires > now
            ]
        return found[-1] if found else None

    def complete(
        self, query: Mapping[str, str], allowed: Callable[[SignIn], bool] = lambda _s: True
    ) -> Completed:
        """From the redirect page: hand `code` (or the server's `error`) to the sign-in its
        `state` names, once, when the person who came back is `allowed` to finish it (someone
        else's sign-in is left waiting, untouched)."""
        state = query.get("state", "")
        with self._lock:
            sign_in = self._by_state.get(state)
            if sign_in is not None and allowed(sign_in):
                del self._by_state[state]
            else:
                sign_in = None
        if sign_in is None or sign_in.expires <= time.time():
            return Completed(Outcome.UNKNOWN, None, UNKNOWN_STATE)
        if error := query.get("error"):
            why = query.get("error_description") or error
            self._settle(sign_in, RefusedSignIn(f"The authorization server refused: {why}."))
            return Completed(Outcome.REFUSED, sign_in, f"Sign-in refused: {why}.")
        code = query.get("code", "")
        if not code:
            self._settle(sign_in, RefusedSignIn("The redirect came back without a code."))
            return Completed(Outcome.REFUSED, sign_in, "The redirect came back without a code.")
        self._settle(sign_in, Redirect(code, state, query.get("iss")))
        return Completed(Outcome.SIGNED_IN, sign_in, f"Signed in: {sign_in.name} connects now.")

    def _drop(self, sign_in: SignIn, why: str) -> None:
        self._by_state.pop(sign_in.state, None)
        self._settle(sign_in, RefusedSignIn(why))

    @staticmethod
    def _settle(sign_in: SignIn, result: Redirect | Exception) -> None:
        def settle() -> None:
            if sign_in._answer.done():
                return
            if isinstance(result, Exception):
                sign_in._answer.set_exception(result)
            else:
                sign_in._answer.set_result(result)

        sign_in._loop.call_soon_threadsafe(settle)


UNKNOWN_STATE = (
    "This sign-in link is not waiting any more (already used, expired, or from another "
    "session). Start the sign-in again from the server's page."
)


def _same(a: SignIn, b: SignIn) -> bool:
    return (a.owner, a.kind, a.name) == (b.owner, b.kind, b.name)
