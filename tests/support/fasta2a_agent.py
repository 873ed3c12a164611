"""An A2A agent we did not write: a pydantic-ai `Agent` served by fasta2a with its stock
in-memory storage and broker, thinking with a scripted `FunctionModel` (no network, no key).

The model says back what it heard in the whole context, so a test sees what reached the
model: every prompt of the conversation so far ("You said: 'one' | 'two'") and each file by
its media type and size ("a file: image/png, 68 bytes"). A prompt starting with "fail" makes
the model raise, as a model error would; "slow" streams "step 1 " … "step 20 " over 2 s.
With `streaming`, the answer streams in words (chunks of one artifact, then the whole
artifact); without, it comes in one piece.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import anyio
from fasta2a.applications import FastA2A
from fasta2a.pydantic_ai import agent_to_a2a
from pydantic_ai import Agent, BinaryContent, ModelMessage, ModelRequest, UserPromptPart
from pydantic_ai.messages import ModelResponse, TextPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

NAME = "Pydantic echo"
SLOW_STEPS, SLOW_DELAY = 20, 0.1  # "slow": 20 words, one every 0.1 s (streaming only)


def heard(messages: list[ModelMessage]) -> list[str]:
    """What the person said in the context so far, oldest first: texts and files."""
    said: list[str] = []
    for message in messages:
        if not isinstance(message, ModelRequest):
            continue
        for part in message.parts:
            if isinstance(part, UserPromptPart):
                said += [describe(item) for item in _items(part.content)]
    return said


def _items(content: object) -> list[object]:
    return list(content) if isinstance(content, list | tuple) else [content]


def describe(item: object) -> str:
    """A prompt's text quoted; a file as its media type and size."""
    if isinstance(item, BinaryContent):
        return f"a file: {item.media_type}, {len(item.data)} bytes"
    return repr(item)


def answer(messages: list[ModelMessage]) -> list[str]:
    """The model's answer, word by word."""
    said = heard(messages)
    if said and said[-1].startswith("'fail"):
        raise RuntimeError("the scripted model fails on purpose")
    return ["You ", "said: ", *(f"{item} | " for item in said[:-1]), said[-1] if said else ""]


def _reply(messages: list[ModelMessage], _info: AgentInfo) -> ModelResponse:
    return ModelResponse(parts=[TextPart("".join(answer(messages)))])


async def _stream(messages: list[ModelMessage], _info: AgentInfo) -> AsyncIterator[str]:
    slow = heard(messages)[-1:] == ["'slow'"]
    for word in [f"step {i} " for i in range(1, SLOW_STEPS + 1)] if slow else answer(messages):
        yield word
        if slow:
            await anyio.sleep(SLOW_DELAY)


def echo_agent(streaming: bool = True) -> Callable[[str], FastA2A]:
    """Build(base_url) for `serve_app`: the fasta2a app whose card names `base_url`."""

    def build(base_url: str) -> FastA2A:
        model = FunctionModel(_reply, stream_function=_stream if streaming else None)
        return agent_to_a2a(Agent(model, name=NAME), url=base_url + "/")

    return build
