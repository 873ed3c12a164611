"""The demo agent's v0.3 HTTP+JSON, with file bytes as v0.3 has them: base64 once.

a2a-sdk's v0.3 REST adapter, which serves it, decodes a file's bytes twice coming in and
encodes them twice going out (`connections.compat_bytes` says how). This ASGI wrapper undoes
that at the edge: a request's file bytes encoded once more before the SDK reads them, a
response's decoded once after it wrote them. So any client that sends correct v0.3 (the JS
SDK's, Switchboard's) gets the file it sent and the file the agent sent. A client with the
same SDK's defect sends them twice already: those are left as they are, and read right.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from switchboard.connections import compat_bytes

V03_REST = "/rest/v1/"  # where build_app mounts the SDK's v0.3 REST routes


class V03FileBytes:
    """ASGI middleware mending file bytes on the v0.3 REST routes (only while the SDK needs it)."""

    def __init__(self, app: ASGIApp, prefix: str = V03_REST) -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, mended when it is a v0.3 REST request."""
        if not (
            compat_bytes.ENCODES_TWICE
            and scope["type"] == "http"
            and str(scope["path"]).startswith(self.prefix)
        ):
            await self.app(scope, receive, send)
            return
        await self.app(scope, _mended_request(receive), _mended_response(send))


def _mended_request(receive: Receive) -> Receive:
    """`receive` giving the whole body at once, its file bytes encoded once more."""
    done = False

    async def whole() -> Message:
        nonlocal done
        if done:
            return await receive()
        body, message = bytearray(), await receive()
        while message["type"] == "http.request":
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
            message = await receive()
        else:
            return message  # the client went away
        done = True
        mended = compat_bytes.encode_once(bytes(body), lambda _note: None)
        return {"type": "http.request", "body": mended, "more_body": False}

    return whole


def _mended_response(send: Send) -> Send:
    """`send` with each body chunk's file bytes decoded once (its length is then unknown)."""

    async def mended(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [(k, v) for k, v in message.get("headers", []) if k != b"content-length"]
            message = {**message, "headers": headers}
        elif message["type"] == "http.response.body" and message.get("body"):
            message = {**message, "body": compat_bytes.decode_once(message["body"])}
        await send(message)

    return mended
