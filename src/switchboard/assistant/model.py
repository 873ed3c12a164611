"""The model: an OpenAI-compatible chat-completions endpoint reached through the `openai` SDK.

Its client is held by an owner (like every connection), created and used on the background
loop only. The API key goes to the configured endpoint and nowhere else; it is never logged
(the wire log records bodies, never headers).
"""

from __future__ import annotations

import contextlib
import importlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx2

from switchboard.config import LlmSettings
from switchboard.connections.owner import Breakage, CallError, Owner, Status
from switchboard.connections.redaction import Redactor
from switchboard.connections.url_guard import GuardedTransport2, UrlGuard
from switchboard.connections.wire import Direction, Role, WireLog

if TYPE_CHECKING:  # the SDK itself is imported on first use: half a second saved at start-up
    import openai
    from openai import AsyncOpenAI

NO_KEY = "no-key"  # local servers (Ollama, vLLM, LM Studio) want some key, and ignore it
OPEN_WAIT = 10.0  # seconds a request waits for the client being made


@dataclass(frozen=True)
class ModelToolCall:
    """A tool call as the model wrote it: `arguments` is its raw text (maybe not JSON)."""

    call_id: str
    name: str
    arguments: str


class Model:
    """One endpoint and model. `stream` yields text deltas, then the round's tool calls."""

    def __init__(self, settings: LlmSettings, guard: UrlGuard | None = None) -> None:
        if settings.configured or settings.base_url:  # it will be asked: import the SDK here,
            importlib.import_module("openai")  # in the caller's thread, never on the loop
        self.settings = settings
        self.guard = guard  # where requests may go (an endpoint entered in the UI)
        self.wire = WireLog(Redactor([settings.api_key] if settings.api_key else []))
        self.owner: Owner[AsyncOpenAI] = Owner(
            f"the model at {settings.endpoint}", self._open, describe_failure
        )

    @property
    def status(self) -> Status:
        return self.owner.status

    async def stream(
        self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]
    ) -> AsyncIterator[str | ModelToolCall]:
        """One model round: text as it streams, then every tool call, whole. Closing the
        generator (Stop) closes the HTTP stream, so the server stops generating."""
        import openai

        request: dict[str, Any] = {"model": self.settings.model, "messages": messages}
        if tools:
            request["tools"] = tools
        if self.settings.temperature is not None:
            request["temperature"] = self.settings.temperature
        title, key = f"chat.completions ({len(messages)} messages)", self.wire.new_key("llm")
        self.wire.record(Direction.REQUEST, title, request, **asked(key))
        calls: dict[int, dict[str, str]] = {}
        text: list[str] = []
        client = await self.owner.session(OPEN_WAIT)
        try:
            stream = await client.chat.completions.create(**request, stream=True)
            async with contextlib.aclosing(_chunks(stream)) as chunks:
                async for chunk in chunks:
                    if not chunk.choices:
                        continue
                    delta = chunk.choices[0].delta
                    if delta.content:
                        text.append(delta.content)
                        yield delta.content
                    for fragment in delta.tool_calls or []:
                        _gather(calls, fragment)
        except openai.OpenAIError as exc:
            error = describe_error(exc, self.settings)
            self.wire.record(Direction.ERROR, error.message, **answered(key, "error"))
            raise error from exc
        found = [
            ModelToolCall(c["id"] or f"call_{index}", c["name"], c["arguments"])
            for index, c in sorted(calls.items())
        ]
        self.wire.record(
            Direction.RESPONSE,
            f"{len(found)} tool call(s)" if found else "answer",
            {"content": "".join(text), "tool_calls": [c.__dict__ for c in found]},
            **answered(key),
        )
        for call in found:
            yield call

    async def complete(self, messages: list[dict[str, Any]], max_tokens: int | None) -> Any:
        """One answer, not streamed (for sampling requests): the SDK's ChatCompletion."""
        import openai

        request: dict[str, Any] = {"model": self.settings.model, "messages": messages}
        if max_tokens:
            request["max_tokens"] = max_tokens
        key = self.wire.new_key("llm")
        self.wire.record(Direction.REQUEST, "chat.completions (sampling)", request, **asked(key))
        client = await self.owner.session(OPEN_WAIT)
        try:
            response = await client.chat.completions.create(**request)
        except openai.OpenAIError as exc:
            error = describe_error(exc, self.settings)
            self.wire.record(Direction.ERROR, error.message, **answered(key, "error"))
            raise error from exc
        self.wire.record(Direction.RESPONSE, "sampling answer", response, **answered(key))
        return response

    async def models(self) -> list[str]:
        """The model ids the endpoint offers ([] when it has no /models list)."""
        import openai

        client = await self.owner.session(OPEN_WAIT)
        try:
            listed = await client.models.list()
        except openai.OpenAIError:
            return []
        return sorted(model.id for model in listed.data)

    async def close(self) -> None:
        """Close the HTTP client (through its owner, on the loop that used it)."""
        await self.owner.close()

    async def _open(self, stack: contextlib.AsyncExitStack, _breakage: Breakage) -> AsyncOpenAI:
        from openai import AsyncOpenAI, DefaultAsyncHttpx2Client

        guarded = None
        if self.guard is not None:
            transport = GuardedTransport2(httpx2.AsyncHTTPTransport(), self.guard)
            guarded = DefaultAsyncHttpx2Client(transport=transport)
        client = AsyncOpenAI(
            base_url=self.settings.endpoint,
            api_key=self.settings.api_key or NO_KEY,
            timeout=httpx2.Timeout(self.settings.timeout, connect=10.0),
            max_retries=0,  # a failure shows at once; the person decides to retry
            http_client=guarded,
        )
        return await stack.enter_async_context(client)


def describe_failure(exc: BaseException) -> str:
    """Why the client could not be made (a bad base URL, say)."""
    return f"{type(exc).__name__}: {exc}"


def describe_error(exc: openai.OpenAIError, settings: LlmSettings) -> CallError:
    """What went wrong with the model, in words, and what to do about it."""
    import openai

    where = settings.endpoint
    if isinstance(exc, openai.APITimeoutError):
        return CallError(
            f"The model at {where} did not answer within {settings.timeout:g} s.",
            "Try again, or raise the timeout in the llm settings.",
        )
    if isinstance(exc, openai.APIConnectionError):
        return CallError(
            f"Cannot reach the model at {where}.",
            "Is the server running, and is the base URL right (it usually ends in /v1)?",
        )
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return CallError(
            f"The model server refused the API key ({exc.status_code}).",
            "Set a valid key: SWITCHBOARD_LLM_API_KEY, Streamlit secrets, or the Assistant page.",
        )
    if isinstance(exc, openai.NotFoundError):
        return CallError(
            f"The model server answered 404: {_reason(exc)}",
            f"Is {settings.model!r} a model this server has, and the base URL right?",
        )
    if isinstance(exc, openai.APIStatusError):
        return CallError(
            f"The model server answered {exc.status_code}: {_reason(exc)}",
            "Try again; if it keeps failing, check the server's logs.",
        )
    return CallError(f"The model failed: {type(exc).__name__}: {exc}")


async def _chunks(stream: Any) -> AsyncIterator[Any]:
    """The stream's chunks; the HTTP response is closed however the iteration ends."""
    try:
        async for chunk in stream:
            yield chunk
    finally:
        await stream.close()


def _gather(calls: dict[int, dict[str, str]], fragment: Any) -> None:
    """Fold one tool-call fragment into the calls seen so far. Some servers send whole calls
    without an index, or leave `id` off later fragments."""
    index = fragment.index if fragment.index is not None else len(calls)
    slot = calls.setdefault(index, {"id": "", "name": "", "arguments": ""})
    if fragment.id:
        slot["id"] = fragment.id
    function = fragment.function
    if function is not None:
        slot["name"] += function.name or ""
        slot["arguments"] += function.arguments or ""


def _reason(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        message = body.get("message") or body.get("error", {})
        if isinstance(message, dict):
            message = message.get("message")
        if message:
            return str(message)
    return exc.message if isinstance(exc.message, str) else json.dumps(body)


def asked(key: str) -> dict[str, Any]:
    """A model request's place in the inspector: a call, named as the API names it."""
    return {"key": key, "role": Role.CALL, "method": "chat.completions"}


def answered(key: str, status: str = "ok") -> dict[str, Any]:
    """The answer's place: it closes the call `key`."""
    return {"key": key, "role": Role.ANSWER, "status": status}
