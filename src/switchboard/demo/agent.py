"""The bundled demo A2A agent: one prompt for each behaviour an A2A client must handle.

JSON-RPC is served at ``/`` and HTTP+JSON under ``/rest``. Both accept A2A 1.0 and 0.3
requests; the card lists whichever (binding, version) interfaces the caller asks for.
"""

import asyncio
import contextlib
import hashlib
import re
import socket
import string
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

import uvicorn
from a2a.helpers import (
    new_data_part,
    new_raw_part,
    new_task_from_user_message,
    new_text_message,
    new_text_part,
)
from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.events import EventQueue
from a2a.server.request_handlers import DefaultRequestHandler
from a2a.server.routes import create_agent_card_routes, create_jsonrpc_routes, create_rest_routes
from a2a.server.tasks import InMemoryTaskStore, TaskUpdater
from a2a.types import (
    AgentCapabilities,
    AgentCard,
    AgentInterface,
    AgentProvider,
    AgentSkill,
    Message,
    Part,
    TaskState,
)
from starlette.applications import Starlette
from starlette.middleware import Middleware

from switchboard.demo.png import render_badge
from switchboard.demo.v03_bytes import V03FileBytes

HELLO = "Hi! I am the Switchboard demo agent. Try: story, ask, slow, data, image, fail, reject."

SKILLS: list[AgentSkill] = [
    AgentSkill(
        id="hello",
        name="Direct reply",
        description="Answers with a single Message and creates no task.",
        tags=["message"],
        examples=["hello"],
    ),
    AgentSkill(
        id="story",
        name="Streamed story",
        description="A task whose markdown artifact arrives in about 12 appended chunks. "
        "Any prompt the agent does not know also gets a story.",
        tags=["task", "streaming", "artifact", "markdown"],
        examples=["story"],
        output_modes=["text/markdown"],
    ),
    AgentSkill(
        id="ask",
        name="Question (input-required)",
        description="Pauses in input-required to ask for a colour; "
        "reply on the same task (e.g. 'blue') to complete it.",
        tags=["task", "input-required", "multi-turn"],
        examples=["ask"],
    ),
    AgentSkill(
        id="slow",
        name="Slow, cancellable progress",
        description="Streams 40 progress lines, 0.25 s apart (10 s); "
        "cancel it or drop the stream and resubscribe.",
        tags=["task", "streaming", "cancel", "resubscribe"],
        examples=["slow"],
    ),
    AgentSkill(
        id="fail",
        name="Failure",
        description="Starts working, then gives up: the task ends FAILED with a reason.",
        tags=["task", "failed"],
        examples=["fail"],
    ),
    AgentSkill(
        id="crash",
        name="Agent bug",
        description="The agent's code raises an exception mid-task: the SDK marks the task "
        "FAILED and reports an internal error.",
        tags=["task", "error"],
        examples=["crash"],
    ),
    AgentSkill(
        id="reject",
        name="Rejection",
        description="The agent refuses the task: it ends REJECTED with a reason.",
        tags=["task", "rejected"],
        examples=["reject"],
    ),
    AgentSkill(
        id="data",
        name="Structured data",
        description="Returns an artifact with a JSON data part.",
        tags=["task", "data"],
        examples=["data"],
        output_modes=["application/json"],
    ),
    AgentSkill(
        id="received",
        name="Data and files in",
        description="Send it JSON data (a data part) or a file with any message: it sends back "
        "the data parts as it received them, and each file's name, size and SHA-256.",
        tags=["task", "data", "file", "input"],
        input_modes=["application/json", "application/octet-stream"],
        output_modes=["application/json", "text/plain"],
    ),
    AgentSkill(
        id="image",
        name="Image",
        description="Returns a PNG file part (badge.png) with a text caption.",
        tags=["task", "file", "image"],
        examples=["image"],
        output_modes=["image/png", "text/plain"],
    ),
]


def build_card(
    base_url: str,
    *,
    streaming: bool = True,
    bindings: Sequence[str] = ("JSONRPC", "HTTP+JSON"),
    versions: Sequence[str] = ("1.0", "0.3"),
) -> AgentCard:
    """Build the card, listing one interface per (version, binding): all 1.0 ones, then 0.3."""
    paths = {"JSONRPC": "/", "HTTP+JSON": "/rest"}
    return AgentCard(
        name="Switchboard Demo Agent",
        description="Shows what an A2A client must support. The first word of your message "
        "picks the behaviour: hello, story, ask, slow, data, image, fail, reject or crash.",
        version="1.0.0",
        provider=AgentProvider(organization="Switchboard", url=base_url),
        default_input_modes=["text/plain"],
        default_output_modes=["text/plain", "text/markdown", "application/json", "image/png"],
        capabilities=AgentCapabilities(streaming=streaming),
        supported_interfaces=[
            AgentInterface(protocol_binding=b, url=base_url + paths[b], protocol_version=v)
            for v in versions
            for b in bindings
        ],
        skills=SKILLS,
    )


def build_app(
    base_url: str,
    *,
    streaming: bool = True,
    bindings: Sequence[str] = ("JSONRPC", "HTTP+JSON"),
    versions: Sequence[str] = ("1.0", "0.3"),
    card: AgentCard | None = None,
    extended: AgentCard | None = None,
) -> Starlette:
    """Build the Starlette app: card, JSON-RPC at ``/`` and REST under ``/rest`` (1.0 and 0.3);
    `card` replaces the one `build_card` makes, `extended` is the authenticated extended card
    (a test's agent that asks for sign-in)."""
    card = card or build_card(base_url, streaming=streaming, bindings=bindings, versions=versions)
    handler = DefaultRequestHandler(
        agent_executor=DemoAgentExecutor(),
        task_store=InMemoryTaskStore(),
        agent_card=card,
        extended_agent_card=extended,
    )
    routes = [  # the card goes first: the REST routes end with a catch-all '/{tenant}' mount
        *create_agent_card_routes(card),
        *create_jsonrpc_routes(handler, "/", enable_v0_3_compat=True),
        *create_rest_routes(handler, enable_v0_3_compat=True, path_prefix="/rest"),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await handler.aclose()

    app = Starlette(routes=routes, lifespan=lifespan, middleware=[Middleware(V03FileBytes)])
    app.state.handler = handler
    return app


async def serve(sock: socket.socket, *, streaming: bool = True) -> None:
    """Serve the demo agent on a bound socket in the running loop; cancelling stops it cleanly."""
    app = build_app(_base_url(sock), streaming=streaming)
    server = uvicorn.Server(_config(app))
    running = asyncio.ensure_future(server.serve(sockets=[sock]))
    try:
        await asyncio.shield(running)
    except asyncio.CancelledError:
        server.should_exit = True
        await app.state.handler.aclose()  # ends live streams; uvicorn would wait for them
        await running
        raise


def main(port: int = 0, host: str = "127.0.0.1") -> None:
    """Run the demo agent in the foreground until interrupted (``switchboard demo-agent``)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, port), family=family)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # events are not held back
    server = uvicorn.Server(_config(build_app(_base_url(sock))))
    print(f"Demo agent on {_base_url(sock)}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises the Ctrl+C it handled
        server.run(sockets=[sock])


class DemoAgentExecutor(AgentExecutor):
    """Picks a behaviour from the first word of the user's text (see ``SKILLS``)."""

    async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        """Reply with a Message (hello) or run a task, enqueuing the Task before any update."""
        text = context.get_user_input().strip()
        task = context.current_task
        if task is None and _first_word(text) == "hello":
            await event_queue.enqueue_event(new_text_message(HELLO, context_id=context.context_id))
            return
        if task is None:
            assert context.message is not None
            task = new_task_from_user_message(context.message)
            await event_queue.enqueue_event(task)
        updater = TaskUpdater(event_queue, task.id, task.context_id)
        sent = context.message.parts if context.message is not None else []
        received = [part for part in sent if part.HasField("data") or part.HasField("raw")]
        if task.status.state == TaskState.TASK_STATE_INPUT_REQUIRED:
            await _answer(updater, text)
        elif received:
            await _received(updater, received)
        else:
            await _FLOWS.get(_first_word(text), _story)(updater, text)

    async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
        """Mark the task CANCELED; the SDK then cancels the running ``execute()``."""
        assert context.task_id is not None and context.context_id is not None
        updater = TaskUpdater(event_queue, context.task_id, context.context_id)
        await updater.cancel(_say(updater, "Cancelled by the client."))


_STORY = (
    "# The Night Operator\n\n",
    "Once upon a time, ",
    "in a city of humming wires, ",
    "an operator named **Ada** ",
    "patched every caller through ",
    "to exactly the voice they needed.\n\n",
    "One night a message arrived ",
    "that spoke *two protocols at once*. ",
    "Ada smiled, plugged in both cords, ",
    "and each end heard its own language.\n\n",
    "> Every chunk you just read ",
    "was appended to one artifact.\n",
)


async def _story(updater: TaskUpdater, text: str) -> None:
    chunks = list(_STORY)
    if text and _first_word(text) != "story":
        chunks[0] = f"You wrote: {_plain(text)}\n\nI don't know that one, so here is a story.\n\n"
        chunks.insert(1, _STORY[0])
    await updater.start_work(_say(updater, "Writing…"))
    await _stream(updater, "story", chunks, 0.05, "text/markdown")
    await updater.complete()


async def _ask(updater: TaskUpdater, _text: str) -> None:
    await updater.start_work(_say(updater, "Thinking of a question…"))
    await updater.requires_input(_say(updater, "Which colour do you like: red, green or blue?"))


async def _answer(updater: TaskUpdater, text: str) -> None:
    part = new_text_part(f"You chose **{_plain(text)}**.", media_type="text/markdown")
    await updater.add_artifact([part], artifact_id="answer", name="answer", last_chunk=True)
    await updater.complete()


async def _slow(updater: TaskUpdater, _text: str) -> None:
    await updater.start_work(_say(updater, "Counting to 40, one step every 0.25 s…"))
    steps = [f"step {i} of 40\n" for i in range(1, 41)]
    await _stream(updater, "progress", steps, 0.25, "text/plain")
    await updater.complete()


async def _fail(updater: TaskUpdater, _text: str) -> None:
    await updater.start_work(_say(updater, "Trying…"))
    await asyncio.sleep(0.05)
    await updater.failed(_say(updater, "Failed on purpose: the 'fail' prompt always fails."))


async def _crash(updater: TaskUpdater, _text: str) -> None:
    await updater.start_work(_say(updater, "About to crash…"))
    raise RuntimeError("The demo agent crashed on purpose: the 'crash' prompt always raises.")


async def _reject(updater: TaskUpdater, _text: str) -> None:
    await updater.reject(
        _say(updater, "Rejected on purpose: the 'reject' prompt shows how a refusal looks.")
    )


async def _data(updater: TaskUpdater, _text: str) -> None:
    reading = {"sensor": "demo-1", "temperature": 21.5, "unit": "C", "readings": [20.9, 21.2, 21.5]}
    part = new_data_part(reading, media_type="application/json")
    await updater.add_artifact([part], artifact_id="data", name="readings", last_chunk=True)
    await updater.complete()


async def _received(updater: TaskUpdater, received: list[Part]) -> None:
    data = [part for part in received if part.HasField("data")]
    files = [_described(part) for part in received if part.HasField("raw")]
    counted = [_counted(len(data), "data part"), _counted(len(files), "file")]
    said = f"Received {' and '.join(c for c in counted if c)}."
    parts = [new_text_part(said), *data, *files]
    await updater.add_artifact(parts, artifact_id="received", name="received", last_chunk=True)
    await updater.complete()


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count > 1 else ''}" if count else ""


def _described(file: Part) -> Part:
    """A file part as a data part: its name, media type, length and SHA-256."""
    facts = {"filename": file.filename, "media_type": file.media_type, "length": len(file.raw)}
    return new_data_part({**facts, "sha256": hashlib.sha256(file.raw).hexdigest()})


async def _image(updater: TaskUpdater, _text: str) -> None:
    parts = [
        new_raw_part(render_badge(), media_type="image/png", filename="badge.png"),
        new_text_part("A 96x96 badge drawn by the demo agent's own PNG encoder."),
    ]
    await updater.add_artifact(parts, artifact_id="badge", name="badge", last_chunk=True)
    await updater.complete()


_FLOWS: dict[str, Callable[[TaskUpdater, str], Awaitable[None]]] = {
    "story": _story,
    "ask": _ask,
    "slow": _slow,
    "fail": _fail,
    "crash": _crash,
    "reject": _reject,
    "data": _data,
    "image": _image,
}


async def _stream(
    updater: TaskUpdater, name: str, chunks: Sequence[str], delay: float, media_type: str
) -> None:
    for i, chunk in enumerate(chunks):
        await asyncio.sleep(delay)
        await updater.add_artifact(
            [new_text_part(chunk, media_type=media_type)],
            artifact_id=name,
            name=name,
            append=i > 0,
            last_chunk=i == len(chunks) - 1,
        )


def _say(updater: TaskUpdater, text: str) -> Message:
    return updater.new_agent_message([new_text_part(text)])


def _first_word(text: str) -> str:
    return (text.lower().split() or [""])[0].strip(string.punctuation)


def _plain(text: str) -> str:
    """Collapse to one short line and backslash-escape all ASCII punctuation for markdown."""
    line = " ".join(text.split())[:200]
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", line)


def _base_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _config(app: Starlette) -> uvicorn.Config:
    return uvicorn.Config(app, log_level="warning", lifespan="on")
