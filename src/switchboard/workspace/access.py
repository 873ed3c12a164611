"""Who may change which connection. Everyone sees the shared connections (from the config
file) and their own (added in the UI); they change their own, and the shared ones only when
they are an admin: the one local user when nobody signs in, or a user the config's `admins`
names. And where the connections someone enters in the UI may send requests."""

from __future__ import annotations

from typing import TypeVar

from switchboard.chat.conversation import LOCAL_OWNER
from switchboard.config import ConfigError, Settings, check_http_url
from switchboard.connections.owner import Connection
from switchboard.connections.url_guard import UrlGuard, allowed_by_default
from switchboard.workspace.views import AgentView, ServerView

C = TypeVar("C", bound=Connection)


class NotAllowed(Exception):
    """The person may see this connection but not change it."""


class Access:
    """The rule above, for one deployment's admins."""

    def __init__(self, admins: tuple[str, ...]) -> None:
        self.admins = admins

    def is_admin(self, user: str) -> bool:
        """Whether `user` may change the shared connections."""
        return user == LOCAL_OWNER or user in self.admins

    def may_change(self, view: AgentView | ServerView, user: str) -> bool:
        """Whether `user` may reconnect, change or remove this connection they see."""
        return not view.shared or self.is_admin(user)

    def changeable(self, connection: C | None, user: str, sign_in_only: bool = False) -> C | None:
        """`connection`, if `user` may change it; NotAllowed if they only see it. A person's
        copy of a shared one counts as shared, but for their own sign-in (`sign_in_only`)."""
        if connection is None or (connection.copy_of_shared and sign_in_only):
            return connection
        shared = connection.user is None or connection.copy_of_shared
        if shared and not self.is_admin(user):
            raise NotAllowed(
                f"{connection.name!r} is shared (from the config file): only an admin may "
                "change it. Ask one, or add your own connection under another name."
            )
        return connection


def url_guard(settings: Settings, exposed: bool) -> UrlGuard:
    """Where connections entered in the UI may go: anywhere but link-local and metadata
    addresses while the app listens on loopback; served beyond it, only to `allowedHosts`
    (by default the hosts of the configured connections)."""
    if not exposed:
        return UrlGuard()
    if settings.allowed_hosts is not None:
        return UrlGuard(settings.allowed_hosts)
    urls = [agent.url for agent in settings.agents]
    urls += [server.url for server in settings.mcp_servers if server.url]
    return UrlGuard(allowed_by_default([*urls, settings.llm.endpoint]))


def reachable(guard: UrlGuard, url: str, what: str) -> None:
    """ConfigError unless `url` is a web address that connections from the UI may reach."""
    check_http_url(url, what)
    if reason := guard.refusal(url):
        raise ConfigError(f"{what}: {reason}")
