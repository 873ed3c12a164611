"""Sign-ins as the pages see them (`ws.signing`): the redirect back to the app handed to the
connection waiting for it, and the vault their tokens are kept in (signing out is
`ws.change_server(…, sign_out=True)`)."""

from __future__ import annotations

from collections.abc import Mapping

from switchboard.chat.conversation import LOCAL_OWNER
from switchboard.connections.sign_in import SHARED, Completed, SignIn, Signing, SignIns
from switchboard.connections.vault import MemoryVault, Vault
from switchboard.workspace.access import Access


class SignInDesk:
    """The sign-ins waiting in this process, the vault, and what connections need of both."""

    def __init__(
        self, public_url: str, vault: Vault | None = None, each_person: bool = False
    ) -> None:
        self.vault: Vault = vault or MemoryVault()
        self.sign_ins = SignIns()
        self.context = Signing(self.vault, self.sign_ins, public_url, each_person)

    def complete(
        self, query: Mapping[str, str], viewer: str = LOCAL_OWNER, access: Access | None = None
    ) -> Completed:
        """The redirect page's query (code and state, or an error) → the waiting sign-in, when
        it is `viewer`'s own (a shared server's: when they are an admin). Another person's
        redirect never finishes it: their account would serve someone else."""

        def allowed(sign_in: SignIn) -> bool:
            if sign_in.owner == SHARED:
                return access is None or access.is_admin(viewer)
            return sign_in.owner == viewer

        return self.sign_ins.complete(query, allowed)
