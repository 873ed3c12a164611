"""A fake OpenAI-compatible chat-completions server on 127.0.0.1 that plays scripted replies
over real HTTP (SSE streaming, tool-call fragments, errors, hanging streams), for SDK tests."""

from __future__ import annotations

import contextlib
import http
import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from tests.support.servers import serve_app

NO_REPLY_LEFT = "fake LLM: no scripted reply left"


@dataclass
class ToolCall:
    """One tool call the model "makes"; `arguments` is sent verbatim, valid JSON or not."""

    name: str
    arguments: str
    id: str = ""  # "" -> "call_<n>", numbered across the server's life


@dataclass
class Reply:
    """One scripted answer to one POST /v1/chat/completions."""

    text: tuple[str, ...] | list[str] = ()  # content pieces, one SSE event each
    tool_calls: tuple[ToolCall, ...] | list[ToolCall] = ()
    split: int = 3  # each call's arguments in up to this many fragments, interleaved by call
    status: int = 200  # != 200: this status with an OpenAI-style error body carrying `error`
    error: str = ""
    hang: bool = False  # send the deltas, never finish; count the client leaving (disconnects)
    finish_reason: str = ""  # "" -> "tool_calls" when there are tool calls, else "stop"


class FakeLlm:
    """Scripted replies, consumed in order; every request recorded."""

    def __init__(
        self, replies: Iterable[Reply] = (), models: Sequence[str] = ("fake-model",)
    ) -> None:
        self.url = ""
        self.requests: list[dict] = []
        self.model_requests: list[dict] = []
        self.disconnects = 0
        self._models = tuple(models)
        self._queue: deque[Reply] = deque(replies)
        self._changed = threading.Condition()
        self._call_ids = itertools.count(1)
        self._completion_ids = itertools.count(1)

    def script(self, *replies: Reply) -> None:
        """Append replies to the queue (thread-safe)."""
        with self._changed:
            self._queue.extend(replies)

    def wait_for_requests(self, count: int, timeout: float = 10.0) -> None:
        """Block (bounded) until `count` chat-completions requests arrived, else fail."""
        self._wait(lambda: len(self.requests), count, timeout, "chat-completions requests")

    def wait_for_disconnects(self, count: int, timeout: float = 10.0) -> None:
        """Block (bounded) until `count` hanging streams saw their client go away, else fail."""
        self._wait(lambda: self.disconnects, count, timeout, "client disconnects")

    # --- helpers -----------------------------------------------------------------------------

    def _wait(self, current: Callable[[], int], count: int, timeout: float, what: str) -> None:
        with self._changed:
            if not self._changed.wait_for(lambda: current() >= count, timeout):
                raise AssertionError(
                    f"fake LLM: expected {count} {what}, {current()} arrived within {timeout} s"
                )

    def _build(self, base: str) -> Starlette:
        return Starlette(
            routes=[
                Route("/v1/chat/completions", self._chat, methods=["POST"]),
                Route("/v1/models", self._list_models, methods=["GET"]),
            ]
        )

    async def _list_models(self, request: Request) -> Response:
        with self._changed:
            self.model_requests.append({"headers": dict(request.headers)})
            self._changed.notify_all()
        if not self._models:
            return _error(404, "fake LLM: this server does not list its models")
        data = [
            {"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in self._models
        ]
        return JSONResponse({"object": "list", "data": data})

    async def _chat(self, request: Request) -> Response:
        try:
            body = json.loads(await request.body())
        except ValueError:
            body = None
        with self._changed:
            self.requests.append({"body": body, "headers": dict(request.headers)})
            self._changed.notify_all()
            if not isinstance(body, dict):
                return _error(400, "fake LLM: the request body is not a JSON object")
            if not self._queue:
                # A retry would only meet the same empty queue: tell the SDK not to retry.
                return _error(500, NO_REPLY_LEFT, headers={"x-should-retry": "false"})
            reply = self._queue.popleft()
            call_ids = [c.id or f"call_{next(self._call_ids)}" for c in reply.tool_calls]
            completion_id = f"chatcmpl-fake-{next(self._completion_ids)}"
        if reply.status != 200:
            return _error(reply.status, reply.error)
        answer = _Answer(reply, call_ids, completion_id, str(body.get("model", "")))
        if not body.get("stream"):
            if reply.hang:
                return _Hang(None, self._client_left)
            return JSONResponse(answer.completion(body))
        options = body.get("stream_options") or {}
        head, tail = answer.chunks(include_usage=bool(options.get("include_usage")), request=body)
        if reply.hang:
            return _Hang(head, self._client_left)
        return _Events(head + tail)

    def _client_left(self) -> None:
        with self._changed:
            self.disconnects += 1
            self._changed.notify_all()


@contextlib.contextmanager
def serve_fake_llm(*replies: Reply, models: Sequence[str] = ("fake-model",)) -> Iterator[FakeLlm]:
    """Serve a FakeLlm on a free loopback port; yields it with `url` set."""
    fake = FakeLlm(replies, models)
    with serve_app(fake._build) as base:
        fake.url = f"{base}/v1"
        yield fake


# --- wire format -----------------------------------------------------------------------------


class _Answer:
    """One reply rendered in the OpenAI chat-completions wire format."""

    def __init__(self, reply: Reply, call_ids: list[str], completion_id: str, model: str) -> None:
        self.reply = reply
        self.call_ids = call_ids
        self.id = completion_id
        self.model = model
        self.created = int(time.time())
        default = "tool_calls" if reply.tool_calls else "stop"
        self.finish_reason = reply.finish_reason or default

    def completion(self, request: dict) -> dict:
        """The non-streaming `chat.completion` object."""
        message: dict[str, Any] = {
            "role": "assistant",
            "content": "".join(self.reply.text) if self.reply.text else None,
            "refusal": None,
        }
        if self.reply.tool_calls:
            message["tool_calls"] = [
                {
                    "id": call_id,
                    "type": "function",
                    "function": {"name": call.name, "arguments": call.arguments},
                }
                for call_id, call in zip(self.call_ids, self.reply.tool_calls, strict=True)
            ]
        choice = {"index": 0, "message": message, "finish_reason": self.finish_reason}
        return {**self._envelope("chat.completion", [choice]), "usage": self._usage(request)}

    def chunks(self, include_usage: bool, request: dict) -> tuple[list[dict], list[dict]]:
        """The `chat.completion.chunk` objects: (role, text and tool fragments; finish, usage)."""
        deltas: list[dict[str, Any]] = [{"role": "assistant"}]
        deltas += [{"content": piece} for piece in self.reply.text]
        deltas += [{"tool_calls": [fragment]} for fragment in self._fragments()]
        head = [self._chunk(delta, None) for delta in deltas]
        tail = [self._chunk({}, self.finish_reason)]
        if include_usage:
            tail.append(
                {**self._envelope("chat.completion.chunk", []), "usage": self._usage(request)}
            )
        return head, tail

    def _fragments(self) -> Iterator[dict]:
        """Tool-call fragments, interleaved across calls: piece 1 of each call, then piece 2..."""
        calls = [
            (call, call_id, _split(call.arguments, self.reply.split))
            for call, call_id in zip(self.reply.tool_calls, self.call_ids, strict=True)
        ]
        for round_ in range(max((len(pieces) for *_, pieces in calls), default=0)):
            for index, (call, call_id, pieces) in enumerate(calls):
                if round_ >= len(pieces):
                    continue
                function: dict[str, str] = {"arguments": pieces[round_]}
                fragment: dict[str, Any] = {"index": index, "function": function}
                if round_ == 0:
                    fragment.update(id=call_id, type="function")
                    function["name"] = call.name
                yield fragment

    def _chunk(self, delta: dict, finish_reason: str | None) -> dict:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
        return self._envelope("chat.completion.chunk", [choice])

    def _envelope(self, kind: str, choices: list[dict]) -> dict:
        return {
            "id": self.id,
            "object": kind,
            "created": self.created,
            "model": self.model,
            "choices": choices,
        }

    def _usage(self, request: dict) -> dict:
        """Word counts stand in for tokens: deterministic, and never zero for a real exchange."""
        prompt = len(json.dumps(request.get("messages", [])).split())
        written = "".join(self.reply.text) + "".join(c.arguments for c in self.reply.tool_calls)
        completion = len(written.split())
        return {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }


def _split(text: str, parts: int) -> list[str]:
    """`text` in up to `parts` contiguous pieces (at least one, possibly empty)."""
    count = max(1, min(parts, len(text)))
    size, extra = divmod(len(text), count)
    pieces, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        pieces.append(text[start:end])
        start = end
    return pieces


_ERROR_KINDS = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("permission_error", None),
    404: ("invalid_request_error", "not_found"),
    429: ("rate_limit_error", "rate_limit_exceeded"),
}


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """An OpenAI-style error response."""
    kind, code = _ERROR_KINDS.get(status, ("server_error" if status >= 500 else "api_error", None))
    if not message:
        with contextlib.suppress(ValueError):
            message = f"fake LLM: {http.HTTPStatus(status).phrase}"
        message = message or f"fake LLM: HTTP {status}"
    body = {"error": {"message": message, "type": kind, "param": None, "code": code}}
    return JSONResponse(body, status_code=status, headers=headers)


def _sse(chunk: dict | str) -> bytes:
    data = chunk if isinstance(chunk, str) else json.dumps(chunk, separators=(",", ":"))
    return f"data: {data}\n\n".encode()


_SSE_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache"),
]


class _Events(Response):
    """A complete SSE stream: every chunk as its own event, then `data: [DONE]`."""

    def __init__(self, chunks: list[dict]) -> None:
        super().__init__(media_type="text/event-stream")
        self.events = [_sse(c) for c in chunks] + [_sse("[DONE]")]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": _SSE_HEADERS})
        for event in self.events:
            await send({"type": "http.response.body", "body": event, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})


class _Hang(Response):
    """Stream the chunks (or, for `None`, not even start a response), then never finish: wait
    for the client to go away and report it. Server shutdown cancels the wait, not reported."""

    def __init__(self, chunks: list[dict] | None, on_leave: Callable[[], None]) -> None:
        super().__init__(media_type="text/event-stream")
        self.events = None if chunks is None else [_sse(c) for c in chunks]
        self.on_leave = on_leave

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.events is not None:
            await send({"type": "http.response.start", "status": 200, "headers": _SSE_HEADERS})
            for event in self.events:
                await send({"type": "http.response.body", "body": event, "more_body": True})
        while (await receive())["type"] != "http.disconnect":
            pass
        self.on_leave()
