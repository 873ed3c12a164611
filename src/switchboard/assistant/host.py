"""The assistant: an OpenAI-compatible model that calls every enabled MCP tool and delegates to
every connected A2A agent, round by round, with the person's approval where it is asked for.

It runs on the background loop inside a chat turn: `converse` yields updates (the model's text,
each step and what happens in it) and the chat layer records them. Closing it (Stop) closes the
model's stream and cancels the running steps.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator, Sequence
from typing import Any

from switchboard.assistant.history import UNFINISHED, LoggedEvent, model_messages, tool_call
from switchboard.assistant.model import Model, ModelToolCall
from switchboard.assistant.seats import Seat, Seats
from switchboard.assistant.steps import Step, StepRunner, agent_contexts
from switchboard.assistant.tools import Toolbox
from switchboard.config import LlmSettings
from switchboard.connections.mcp_questions import Sampler
from switchboard.connections.owner import CallError, Status
from switchboard.connections.registry import Registry
from switchboard.connections.tool_calls import Questions
from switchboard.connections.updates import Kind, Level, Update, notice
from switchboard.connections.url_guard import UrlGuard

ASSISTANT = "Assistant"  # the counterpart name of conversations with the assistant
DEFAULT_SYSTEM_PROMPT = (
    "You are the assistant in Switchboard, a chat client connected to MCP servers and A2A "
    "agents. Their tools are offered to you as functions: MCP tools are named "
    "<server>__<tool>, and ask_<agent> sends a request to an A2A agent. Use them when they "
    "help, and say briefly what you did. If an agent needs more input and you cannot answer "
    "for the person, ask the person."
)
NOT_CONFIGURED = "No model is configured, so the assistant cannot answer yet."
HOW_TO_CONFIGURE = (
    "Set one on the **Assistant** page, or give Switchboard an `llm` entry in its config file "
    '(`"llm": {"base_url": "http://127.0.0.1:11434/v1", "model": "llama3.1"}`), or set '
    "SWITCHBOARD_LLM_BASE_URL, SWITCHBOARD_LLM_MODEL and SWITCHBOARD_LLM_API_KEY. Agents and "
    "MCP tools still work directly: pick an agent in the sidebar, or call a tool on the MCP page."
)


class Assistant:
    """The model host, one seat per person: settings can change while the app runs; a running
    turn keeps the model it started with. Every coroutine runs on the background loop."""

    def __init__(self, registry: Registry, settings: LlmSettings) -> None:
        self.registry = registry
        self.seats = Seats(settings, _sample)

    def settings(self, user: str) -> LlmSettings:
        """`user`'s model settings and approvals."""
        return self.seats.of(user).settings

    def model(self, user: str) -> Model:
        """`user`'s model client (its wire log is theirs)."""
        return self.seats.of(user).model

    def configured(self, user: str) -> bool:
        return self.settings(user).configured

    def configure(self, user: str, settings: LlmSettings, guard: UrlGuard | None = None) -> None:
        """Use these settings for `user` from their next turn on; `guard` bounds where a new
        endpoint's requests go."""
        self.seats.configure(user, settings, guard)

    def sampler(self, user: str) -> Sampler | None:
        """Who answers MCP sampling requests in `user`'s calls (None: no model, declined)."""
        seat = self.seats.of(user)
        return seat.sampler if seat.settings.configured else None

    async def converse(
        self, user: str, events: Sequence[LoggedEvent], questions: Questions
    ) -> AsyncIterator[Update]:
        """One turn of `user`'s: the conversation so far (its last event is the person's
        message) goes to their model; its tool calls run as steps, concurrently; their results
        go back to it; until it answers without calling a tool, or the round cap is reached."""
        seat = self.seats.of(user)
        settings, model = seat.settings, seat.model
        if not settings.configured:
            yield notice(NOT_CONFIGURED, Level.WARNING, HOW_TO_CONFIGURE)
            return
        toolbox = Toolbox.gather(self.registry, user)
        messages = [self._system_message(settings, user), *model_messages(events)]
        runner = StepRunner(
            self.registry,
            questions,
            user=user,
            approval=settings.approval,
            allow=functools.partial(self.seats.allow, user),
            sampler=seat.sampler,
            contexts=agent_contexts(events),
            timeout=settings.tool_timeout,
        )
        for round_number in range(1, settings.max_rounds + 1):
            text: list[str] = []
            calls: list[ModelToolCall] = []
            try:
                stream = _model_round(model, messages, toolbox, round_number, text, calls)
                async with contextlib.aclosing(stream) as pieces:
                    async for update in pieces:
                        yield update
            except CallError as error:
                yield notice(error.message, Level.ERROR, error.hint)
                return
            if not calls:
                return
            runner.approval = seat.settings.approval  # "always allow" from an earlier round
            steps = [Step.plan(call, toolbox, round_number) for call in calls]
            async with contextlib.aclosing(_run_steps(runner, steps, text, messages)) as updates:
                async for update in updates:
                    yield update
        yield notice(
            f"Stopped after {settings.max_rounds} model rounds in one turn.",
            Level.WARNING,
            "Ask the assistant to go on, or raise llm.max_rounds.",
        )

    async def models(self, user: str) -> list[str]:
        """The models `user`'s endpoint lists ([] when it does not)."""
        return await self.model(user).models()

    async def close(self) -> None:
        """Close every model client this process made."""
        models = self.seats.models()
        await asyncio.gather(*(m.close() for m in models), return_exceptions=True)

    def _system_message(self, settings: LlmSettings, user: str) -> dict[str, Any]:
        """The system prompt, then the instructions of each connected server `user` sees."""
        sections = [settings.system_prompt or DEFAULT_SYSTEM_PROMPT]
        for server in self.registry.servers(user):
            if server.status == Status.READY and server.instructions:
                sections.append(
                    f"Instructions from the MCP server {server.name!r}:\n{server.instructions}"
                )
        return {"role": "system", "content": "\n\n".join(sections)}


async def _sample(seat: Seat, request: dict[str, Any]) -> dict[str, Any]:
    """Answer an MCP server's sampling request (already approved) with the seat's model."""
    model = seat.model
    messages: list[dict[str, Any]] = []
    if request.get("system_prompt"):
        messages.append({"role": "system", "content": request["system_prompt"]})
    messages += [{"role": m["role"], "content": m["text"]} for m in request["messages"]]
    response = await model.complete(messages, request.get("max_tokens"))
    choice = response.choices[0]
    return {
        "text": choice.message.content or "",
        "model": response.model or model.settings.model,
        "stop_reason": "maxTokens" if choice.finish_reason == "length" else "endTurn",
    }


async def _model_round(
    model: Model,
    messages: list[dict[str, Any]],
    toolbox: Toolbox,
    round_number: int,
    text: list[str],
    calls: list[ModelToolCall],
) -> AsyncIterator[Update]:
    """One model round: its text as `delta` updates (kept in `text`), its tool calls in
    `calls`. Closing it closes the model's stream."""
    async with contextlib.aclosing(model.stream(messages, toolbox.specs)) as pieces:
        async for piece in pieces:
            if isinstance(piece, str):
                text.append(piece)
                yield Update(Kind.DELTA, {"text": piece, "round": round_number})
            else:
                calls.append(piece)


async def _run_steps(
    runner: StepRunner, steps: list[Step], text: list[str], messages: list[dict[str, Any]]
) -> AsyncIterator[Update]:
    """The round's calls: each step announced, then all run at once; the model's message and
    every call's result are added to `messages` for the next round."""
    described = [step.describe() for step in steps]
    calls = [tool_call(d) for d in described]
    messages.append({"role": "assistant", "content": "".join(text) or None, "tool_calls": calls})
    for data in described:
        yield Update(Kind.STEP, data)
    results: dict[str, str] = {}
    async with contextlib.aclosing(_concurrently(runner, steps)) as updates:
        async for update in updates:
            if update.kind == Kind.STEP_END:
                results[update.data["step"]] = update.data["content"]
            yield update
    for step in steps:
        content = results.get(step.id, UNFINISHED)
        messages.append({"role": "tool", "tool_call_id": step.call.call_id, "content": content})


async def _concurrently(runner: StepRunner, steps: list[Step]) -> AsyncIterator[Update]:
    """Run the steps at once, each in its own task; yield their updates (tagged with the
    step's id) as they come. Closing this generator cancels the steps still running."""
    queue: asyncio.Queue[Update | None] = asyncio.Queue()

    async def run(step: Step) -> None:
        try:
            async with contextlib.aclosing(runner.run(step)) as updates:
                async for update in updates:
                    queue.put_nowait(Update(update.kind, {**update.data, "step": step.id}))
        finally:
            queue.put_nowait(None)

    tasks = [asyncio.create_task(run(step), name=f"step:{step.id}") for step in steps]
    try:
        running = len(tasks)
        while running:
            update = await queue.get()
            if update is None:
                running -= 1
            else:
                yield update
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
