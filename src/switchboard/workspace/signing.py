"""Sign-ins as the pages see them (`ws.signing`): the redirect back to the app handed to the
connection waiting for it, and the vault their tokens are kept in (signing out is
`ws.change_server(…, sign_out=True)`)."""

from __future__ import annotations

from collections.abc import Mapping

from switchboard.connections.mcp_auth import Signing
from switchboard.connections.sign_in import Completed, SignIns
from switchboard.connections.vault import MemoryVault, Vault


class SignInDesk:
    """The sign-ins waiting in this process, the vault, and what connections need of both."""

    def __init__(self, public_url: str, vault: Vault | None = None) -> None:
        self.vault: Vault = vault or MemoryVault()
        self.sign_ins = SignIns()
        self.context = Signing(self.vault, self.sign_ins, public_url)

    def complete(self, query: Mapping[str, str]) -> Completed:
        """The redirect page's query (code and state, or an error) → the waiting sign-in."""
        return self.sign_ins.complete(query)
