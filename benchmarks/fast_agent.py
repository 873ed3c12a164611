"""A benchmark-only A2A agent that streams as many small artifact chunks as it is asked for."""

# The prompt is ``COUNT [DELAY_MS [SIZE]]``: COUNT text chunks of SIZE characters, DELAY_MS
# apart (0: as fast as the server can). Serve it alone: python -m benchmarks.fast_agent --port P

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import time

import uvicorn
from a2a.helpers import new_task_from_user_message, new_text_part
from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.events import EventQueue
from a2a.server.request_handlers import DefaultRequestHandler
from a2a.server.routes import create_agent_card_routes, create_jsonrpc_routes
from a2a.server.tasks import InMemoryTaskStore, TaskUpdater
from a2a.types import AgentCapabilities, AgentCard, AgentInterface, AgentSkill
from starlette.applications import Starlette


def prompt(count: int, delay_ms: float = 0.0, size: int = 16) -> str:
    """The prompt that asks for `count` chunks of `size` characters, `delay_ms` apart."""
    return f"{count} {delay_ms:g} {size}"


def parse_prompt(text: str) -> tuple[int, float, int]:
    """(count, delay in seconds, size) from a prompt made by `prompt`."""
    words = text.split()
    defaults = ["0", "0", "16"]
    count, delay_ms, size = [*words[:3], *defaults[len(words[:3]) :]]
    return int(count), float(delay_ms) / 1000, max(1, int(size))


TIMES: list[str] = []  # the file (`--times`) each task's timestamps are appended to


class StreamingExecutor(AgentExecutor):
    """Creates a task, marks it working, streams the chunks into one artifact, completes."""

    async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        """Stream the chunks the prompt asks for (and, with `--times`, say when)."""
        received = time.time()
        count, delay, size = parse_prompt(context.get_user_input())
        assert context.message is not None
        task = new_task_from_user_message(context.message)
        await event_queue.enqueue_event(task)
        updater = TaskUpdater(event_queue, task.id, task.context_id)
        await updater.start_work()
        chunk = "x" * (size - 1) + "\n"
        sent: list[float] = []
        for i in range(count):
            await asyncio.sleep(delay)
            await updater.add_artifact(
                [new_text_part(chunk)],
                artifact_id="stream",
                name="stream",
                append=i > 0,
                last_chunk=i == count - 1,
            )
            sent.append(time.time())
        await updater.complete()
        if TIMES and sent:
            line = {"prompt": context.get_user_input(), "received": received}
            await asyncio.to_thread(_append, {**line, "first": sent[0], "last": sent[-1]})

    async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
        """Mark the task canceled."""
        assert context.task_id is not None and context.context_id is not None
        await TaskUpdater(event_queue, context.task_id, context.context_id).cancel()


def _append(record: dict[str, object]) -> None:
    with open(TIMES[0], "a", encoding="utf-8") as times:
        times.write(json.dumps(record) + "\n")


def build_app(base_url: str) -> Starlette:
    """The agent card and JSON-RPC (A2A 1.0) at ``/``."""
    card = AgentCard(
        name="Benchmark streamer",
        description="Streams COUNT small artifact chunks, DELAY_MS apart.",
        version="1.0.0",
        default_input_modes=["text/plain"],
        default_output_modes=["text/plain"],
        capabilities=AgentCapabilities(streaming=True),
        supported_interfaces=[
            AgentInterface(protocol_binding="JSONRPC", url=base_url + "/", protocol_version="1.0")
        ],
        skills=[
            AgentSkill(
                id="stream",
                name="Stream chunks",
                description="Streams the chunks the prompt asks for into one artifact.",
                tags=["benchmark", "streaming"],
                examples=["2000 0 16"],
            )
        ],
    )
    handler = DefaultRequestHandler(
        agent_executor=StreamingExecutor(), task_store=InMemoryTaskStore(), agent_card=card
    )
    routes = [*create_agent_card_routes(card), *create_jsonrpc_routes(handler, "/")]
    return Starlette(routes=routes)


def main() -> None:
    """Serve the agent on 127.0.0.1 until terminated."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fast_agent")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--times", default="", help="append each task's timestamps here")
    options = parser.parse_args()
    port = options.port
    if options.times:
        TIMES.append(options.times)
    sock = socket.create_server(("127.0.0.1", port))
    # Accepted sockets inherit this; asyncio only sets it itself for proto=IPPROTO_TCP sockets,
    # and without it Nagle holds back small SSE writes on reused connections (~40 ms).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    app = build_app(f"http://127.0.0.1:{port}")
    config = uvicorn.Config(app, log_level="warning", lifespan="off", backlog=256)
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
