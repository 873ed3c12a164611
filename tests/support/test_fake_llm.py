"""The fake LLM server, driven through the real `openai` SDK: each scripted behaviour arrives
as the SDK sees it."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
from collections.abc import Coroutine
from typing import Any, TypeVar

import openai
import pytest

from tests.support.fake_llm import NO_REPLY_LEFT, Reply, ToolCall, serve_fake_llm

T = TypeVar("T")


def run_apart(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` on its own loop in its own thread: the browser tests' Playwright keeps a loop
    running in the main thread for the whole session."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result(WAIT)


WAIT = 10.0
USER = [{"role": "user", "content": "hi"}]


def client(url: str, **options: Any) -> openai.AsyncOpenAI:
    """An SDK client for the fake, with bounded timeouts."""
    return openai.AsyncOpenAI(base_url=url, api_key="k", timeout=WAIT, **options)


def test_streamed_text_arrives_as_content_deltas_and_the_request_is_recorded() -> None:
    async def run(url: str) -> tuple[list[str], list[str | None]]:
        async with client(url) as llm:
            stream = await llm.chat.completions.create(
                model="m1", messages=USER, stream=True, stream_options={"include_usage": True}
            )
            pieces, finishes, usage = [], [], None
            async for chunk in stream:
                usage = chunk.usage or usage
                for choice in chunk.choices:
                    pieces.append(choice.delta.content or "")
                    finishes.append(choice.finish_reason)
                    assert chunk.model == "m1"
            assert usage is not None and usage.total_tokens > 0
            return pieces, finishes

    with serve_fake_llm(Reply(text=["Hel", "lo ", "world"])) as fake:
        pieces, finishes = run_apart(run(fake.url))
        assert "".join(pieces) == "Hello world"
        assert finishes[-1] == "stop" and set(finishes[:-1]) == {None}
        [request] = fake.requests
        assert request["body"]["model"] == "m1" and request["body"]["messages"] == USER
        assert request["headers"]["authorization"] == "Bearer k"


def test_parallel_tool_calls_stream_in_interleaved_fragments() -> None:
    calls = [ToolCall("search", '{"q": "weather in Paris"}', id="call_a"), ToolCall("now", "{}")]

    async def run(url: str) -> tuple[dict[int, dict], list[int], str | None]:
        async with client(url) as llm:
            stream = await llm.chat.completions.create(model="m", messages=USER, stream=True)
            assembled: dict[int, dict] = {}
            order, finish = [], None
            async for chunk in stream:
                choice = chunk.choices[0]
                finish = choice.finish_reason or finish
                for part in choice.delta.tool_calls or []:
                    order.append(part.index)
                    call = assembled.setdefault(part.index, {"id": "", "name": "", "args": ""})
                    call["id"] += part.id or ""
                    call["name"] += (part.function and part.function.name) or ""
                    call["args"] += (part.function and part.function.arguments) or ""
            return assembled, order, finish

    with serve_fake_llm(Reply(tool_calls=calls, split=3)) as fake:
        assembled, order, finish = run_apart(run(fake.url))
    assert assembled == {
        0: {"id": "call_a", "name": "search", "args": '{"q": "weather in Paris"}'},
        1: {"id": "call_1", "name": "now", "args": "{}"},
    }
    assert order == [0, 1, 0, 1, 0]  # "{}" has only two characters: two pieces
    assert finish == "tool_calls"


def test_error_statuses_raise_the_sdk_errors() -> None:
    async def run(url: str) -> list[openai.APIStatusError]:
        errors = []
        for retries in (0, 0, 2):  # the empty queue tells the SDK not to retry
            async with client(url, max_retries=retries) as llm:
                with pytest.raises(openai.APIStatusError) as caught:
                    await llm.chat.completions.create(model="m", messages=USER, stream=True)
                errors.append(caught.value)
        return errors

    replies = [Reply(status=500, error="boom"), Reply(status=401, error="bad key")]
    with serve_fake_llm(*replies) as fake:
        server_error, auth_error, exhausted = run_apart(run(fake.url))
        assert len(fake.requests) == 3
    assert isinstance(server_error, openai.InternalServerError)
    assert server_error.body == {
        "message": "boom",
        "type": "server_error",
        "param": None,
        "code": None,
    }
    assert isinstance(auth_error, openai.AuthenticationError) and "bad key" in str(auth_error)
    assert isinstance(exhausted, openai.InternalServerError) and NO_REPLY_LEFT in str(exhausted)


def test_non_streaming_reply_is_a_chat_completion() -> None:
    async def run(url: str) -> openai.types.chat.ChatCompletion:
        async with client(url) as llm:
            return await llm.chat.completions.create(model="m", messages=USER)

    reply = Reply(text=["all ", "at once"], tool_calls=[ToolCall("f", "{not json")])
    with serve_fake_llm(reply) as fake:
        completion = run_apart(run(fake.url))
    message = completion.choices[0].message
    assert message.content == "all at once" and completion.choices[0].finish_reason == "tool_calls"
    [call] = message.tool_calls or []
    assert call.type == "function" and (call.function.name, call.function.arguments) == (
        "f",
        "{not json",
    )


def test_a_hanging_stream_reports_the_client_leaving() -> None:
    async def run(url: str) -> str | None:
        async with client(url) as llm:
            stream = await llm.chat.completions.create(model="m", messages=USER, stream=True)
            async with stream:
                await anext(stream)  # the role chunk
                return (await anext(stream)).choices[0].delta.content

    with serve_fake_llm(Reply(text=["partial"], hang=True)) as fake:
        assert run_apart(run(fake.url)) == "partial"
        fake.wait_for_disconnects(1, timeout=WAIT)


def test_server_shutdown_cuts_a_hanging_stream_without_counting_a_disconnect() -> None:
    async def run() -> None:
        with contextlib.ExitStack() as stack:
            fake = stack.enter_context(serve_fake_llm(Reply(text=["never ends"], hang=True)))
            async with client(fake.url, max_retries=0) as llm:
                stream = await llm.chat.completions.create(model="m", messages=USER, stream=True)
                async with stream:
                    await anext(stream)
                    await asyncio.wait_for(asyncio.to_thread(stack.close), WAIT)
                    with pytest.raises(openai.APIConnectionError):
                        async for _ in stream:
                            pass
            assert fake.disconnects == 0

    run_apart(run())


def test_models_list_and_a_server_without_one() -> None:
    async def run(url: str) -> list[str]:
        async with client(url) as llm:
            return [model.id async for model in llm.models.list()]

    with serve_fake_llm(models=["a", "b"]) as fake:
        assert run_apart(run(fake.url)) == ["a", "b"]
        assert fake.model_requests[0]["headers"]["authorization"] == "Bearer k"
    with serve_fake_llm(models=()) as fake, pytest.raises(openai.NotFoundError):
        run_apart(run(fake.url))
