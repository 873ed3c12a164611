"""A2A agents that misbehave the ways agents in the wild do, served by the a2a-sdk with one
thing changed, and counting every JSON-RPC call they get.

- `ending_subscriptions`: a task is left working, and every SubscribeToTask stream ends at
  once, cleanly, without an event (a client that resubscribes at once spins forever).
- `odd_states`: the task passes through a state number outside the enum, then completes.
- `deep_data`: a data part nested 50 deep, then the rest of the answer.
- `parrot`: says back, as markdown, whatever it is sent (content a test chooses).
- `repeating_status`: asks a question, then sends the same state again with no message.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import Any

from a2a.helpers import new_task_from_user_message, new_text_message, new_text_part
from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.events import EventQueue
from a2a.server.request_handlers import DefaultRequestHandler
from a2a.server.routes import create_agent_card_routes, create_jsonrpc_routes
from a2a.server.tasks import InMemoryTaskStore, TaskUpdater
from a2a.types import AgentCapabilities, AgentCard, AgentInterface, AgentSkill
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send


class CallCounter:
    """ASGI middleware counting the JSON-RPC methods the agent is sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.calls: Counter[str] = Counter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        body = await Request(scope, receive).body()
        try:
            self.calls[str(json.loads(body).get("method", "?"))] += 1
        except (ValueError, AttributeError):
            self.calls["?"] += 1
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


class LeftWorking(AgentExecutor):
    """Starts the task and leaves it working: the stream ends, the task does not."""

    async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        assert context.message is not None
        task = context.current_task or new_task_from_user_message(context.message)
        await event_queue.enqueue_event(task)
        updater = TaskUpdater(event_queue, task.id, task.context_id)
        await updater.start_work(updater.new_agent_message([new_text_part("Working on it…")]))

    async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
        assert context.task_id is not None and context.context_id is not None
        await TaskUpdater(event_queue, context.task_id, context.context_id).cancel()


class EndingSubscriptions(DefaultRequestHandler):
    """Every SubscribeToTask ends at once, without an event."""

    async def on_subscribe_to_task(  # type: ignore[override]
        self, params: Any, context: Any
    ) -> AsyncGenerator[Any, None]:
        return
        yield


class Parrot(AgentExecutor):
    """Replies with one message: the text it was sent, labelled `media_type`."""

    def __init__(self, media_type: str = "text/markdown") -> None:
        self.media_type = media_type

    async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        text = context.get_user_input()
        reply = new_text_message(text, context_id=context.context_id)
        reply.parts[0].media_type = self.media_type
        await event_queue.enqueue_event(reply)

    async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
        return


def card(
    base_url: str, name: str, description: str = "An agent that misbehaves on purpose."
) -> AgentCard:
    return AgentCard(
        name=name,
        description=description,
        version="1.0",
        capabilities=AgentCapabilities(streaming=True),
        default_input_modes=["text/plain"],
        default_output_modes=["text/plain"],
        skills=[AgentSkill(id="misbehave", name="Misbehave", description=name, tags=["test"])],
        supported_interfaces=[
            AgentInterface(url=base_url + "/", protocol_binding="JSONRPC", protocol_version="1.0")
        ],
    )


def ending_subscriptions(base_url: str) -> CallCounter:
    """The agent whose subscriptions end at once; its call counter is the ASGI app."""
    agent_card = card(base_url, "Ending subscriptions")
    handler = EndingSubscriptions(
        agent_executor=LeftWorking(), task_store=InMemoryTaskStore(), agent_card=agent_card
    )
    routes = [*create_agent_card_routes(agent_card), *create_jsonrpc_routes(handler, "/")]
    return CallCounter(Starlette(routes=routes))


def odd_states(base_url: str) -> CallCounter:
    """An agent written by hand (no SDK on its side, which would refuse to send it) whose
    task passes through state 99, which no A2A version has, then completes."""
    ids = {"taskId": "t-odd", "contextId": "c-odd"}
    status = {"state": "TASK_STATE_WORKING"}
    odd = {
        "state": 99,
        "message": {"messageId": "m1", "role": "ROLE_AGENT", "parts": [{"text": "odd"}]},
    }
    done = {"state": "TASK_STATE_COMPLETED"}
    artifact = {"artifactId": "a", "parts": [{"text": "still here"}]}
    frames = [
        {"task": {"id": "t-odd", "contextId": "c-odd", "status": status}},
        {"statusUpdate": {**ids, "status": odd}},
        {"artifactUpdate": {**ids, "artifact": artifact, "lastChunk": True}},
        {"statusUpdate": {**ids, "status": done}},
    ]
    final = {"id": "t-odd", "contextId": "c-odd", "status": done, "artifacts": [artifact]}
    return hand_written(base_url, "Odd states", frames, final)


def hand_written(
    base_url: str,
    name: str,
    frames: list[dict[str, Any]],
    final: dict,
    card_json: dict[str, Any] | None = None,
) -> CallCounter:
    """An agent with no SDK on its side: each SendStreamingMessage gets `frames` as SSE events,
    and GetTask gets `final`; its card is `card_json` as given (the endpoint is added), or one
    the SDK writes."""
    agent_card = card(base_url, name)
    card_routes = create_agent_card_routes(agent_card)
    if card_json is not None:
        interface = {"url": base_url + "/", "protocolBinding": "JSONRPC", "protocolVersion": "1.0"}
        served = {"supportedInterfaces": [interface], **card_json}

        async def card_document(_request: Request) -> Response:
            return JSONResponse(served)

        card_routes = [Route("/.well-known/agent-card.json", card_document)]

    async def rpc(request: Request) -> Response:
        body = await request.json()
        if body.get("method") == "GetTask":
            return JSONResponse({"jsonrpc": "2.0", "id": body["id"], "result": final})

        async def events() -> AsyncIterator[bytes]:
            for frame in frames:
                answer = {"jsonrpc": "2.0", "id": body["id"], "result": frame}
                yield f"data: {json.dumps(answer)}\n\n".encode()

        return StreamingResponse(events(), media_type="text/event-stream")

    routes = [*card_routes, Route("/", rpc, methods=["POST"])]
    return CallCounter(Starlette(routes=routes))


def nested(depth: int) -> dict[str, Any]:
    """{"level": {"level": … {"bottom": true}}}, `depth` objects deep."""
    value: dict[str, Any] = {"bottom": True}
    for _ in range(depth - 1):
        value = {"level": value}
    return value


def deep_data(base_url: str) -> CallCounter:
    """A data part nested 50 objects deep, then a text artifact, then completed."""
    ids = {"taskId": "t-deep", "contextId": "c-deep"}
    deep = {"artifactId": "deep", "parts": [{"data": nested(50)}]}
    rest = {"artifactId": "rest", "parts": [{"text": "after the deep part"}]}
    done = {"state": "TASK_STATE_COMPLETED"}
    frames = [
        {
            "task": {
                "id": "t-deep",
                "contextId": "c-deep",
                "status": {"state": "TASK_STATE_WORKING"},
            }
        },
        {"artifactUpdate": {**ids, "artifact": deep, "lastChunk": True}},
        {"artifactUpdate": {**ids, "artifact": rest, "lastChunk": True}},
        {"statusUpdate": {**ids, "status": done}},
    ]
    final = {"id": "t-deep", "contextId": "c-deep", "status": done, "artifacts": [deep, rest]}
    return hand_written(base_url, "Deep data", frames, final)


def repeating_status(base_url: str) -> CallCounter:
    """input-required with a question, then input-required again saying nothing."""
    ids = {"taskId": "t-ask", "contextId": "c-ask"}
    question = {"messageId": "q", "role": "ROLE_AGENT", "parts": [{"text": "Which colour?"}]}
    asked = {"state": "TASK_STATE_INPUT_REQUIRED", "message": question}
    again = {"state": "TASK_STATE_INPUT_REQUIRED"}
    frames = [
        {"task": {"id": "t-ask", "contextId": "c-ask", "status": {"state": "TASK_STATE_WORKING"}}},
        {"statusUpdate": {**ids, "status": asked}},
        {"statusUpdate": {**ids, "status": again}},
    ]
    final = {"id": "t-ask", "contextId": "c-ask", "status": again}
    return hand_written(base_url, "Repeating status", frames, final)


def parrot(
    description: str = "Says back what it is sent.", media_type: str = "text/markdown"
) -> Callable[[str], Starlette]:
    """An agent that says back what it is sent, as `media_type`; its card's description is
    `description`."""

    def build(base_url: str) -> Starlette:
        agent_card = card(base_url, "Parrot", description)
        executor = Parrot(media_type)
        handler = DefaultRequestHandler(
            agent_executor=executor, task_store=InMemoryTaskStore(), agent_card=agent_card
        )
        routes = [*create_agent_card_routes(agent_card), *create_jsonrpc_routes(handler, "/")]
        return Starlette(routes=routes)

    return build
