"""The background-loop runtime, without Streamlit or protocols."""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import re
import threading
from pathlib import Path

import pytest

from switchboard.runtime import EventLog, Runtime, RuntimeClosedError

SRC = Path(__file__).parents[1] / "src"


@pytest.fixture
def runtime():
    rt = Runtime()
    yield rt
    rt.close()


class Boom(Exception):
    pass


def test_every_submit_from_twenty_threads_runs_on_the_one_loop_thread(runtime: Runtime) -> None:
    seen: list[tuple[int, str]] = []

    async def record(n: int) -> int:
        await asyncio.sleep(0)
        seen.append((n, threading.current_thread().name))
        return n * n

    def worker(base: int) -> list[int]:
        return [runtime.call(record(base + i), timeout=10) for i in range(25)]

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        results = list(pool.map(worker, range(0, 500, 25)))

    assert sorted(r for batch in results for r in batch) == [n * n for n in range(500)]
    assert {name for _, name in seen} == {"switchboard-loop"}
    assert len(seen) == 500


def test_a_future_cancelled_from_another_thread_cancels_the_task_on_the_loop(
    runtime: Runtime,
) -> None:
    started, cleaned_up = threading.Event(), threading.Event()

    async def forever() -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        finally:
            cleaned_up.set()

    future = runtime.submit(forever())
    assert started.wait(10)
    canceller = threading.Thread(target=future.cancel)
    canceller.start()
    canceller.join()
    assert cleaned_up.wait(10)
    assert future.cancelled()


def test_exceptions_keep_their_type_through_submit_and_call(runtime: Runtime) -> None:
    async def fail() -> None:
        raise Boom("kept")

    async def time_out() -> None:
        raise TimeoutError("from the coroutine itself")

    with pytest.raises(Boom, match="kept"):
        runtime.submit(fail()).result(10)
    with pytest.raises(Boom, match="kept"):
        runtime.call(fail(), timeout=10)
    with pytest.raises(TimeoutError, match="from the coroutine itself"):
        runtime.call(time_out(), timeout=10, stop_check=lambda: None)


def test_call_times_out_and_cancels_the_work(runtime: Runtime) -> None:
    cancelled = threading.Event()

    async def slow() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    with pytest.raises(TimeoutError, match="no result within"):
        runtime.call(slow(), timeout=0.2)
    assert cancelled.wait(10)


def test_a_stop_check_abandons_the_wait_and_cancels_the_work(runtime: Runtime) -> None:
    class Rerun(BaseException):
        pass

    cancelled = threading.Event()
    checks = 0

    async def slow() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    def stop_check() -> None:
        nonlocal checks
        checks += 1
        if checks == 3:
            raise Rerun

    with pytest.raises(Rerun):
        runtime.call(slow(), timeout=60, stop_check=stop_check, poll=0.01)
    assert cancelled.wait(10)


def test_call_on_the_loop_thread_refuses_instead_of_deadlocking(runtime: Runtime) -> None:
    async def nested() -> str:
        async def inner() -> int:
            return 1

        try:
            runtime.call(inner(), timeout=1)
        except RuntimeError as exc:
            return str(exc)
        return "no error"

    assert "deadlock" in runtime.call(nested(), timeout=10)


def test_close_with_work_in_flight_runs_closers_cancels_tasks_and_joins() -> None:
    runtime = Runtime()
    order: list[str] = []
    cleaned = threading.Event()

    async def closer() -> None:
        order.append("closer")

    async def in_flight() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            order.append("task cleaned up")
            cleaned.set()

    runtime.add_closer(closer)
    futures = [runtime.submit(in_flight()) for _ in range(5)]
    runtime.close(timeout=10)

    assert order[0] == "closer"
    assert order.count("task cleaned up") == 5
    assert all(f.cancelled() for f in futures)
    assert not runtime.is_alive()
    with pytest.raises(RuntimeClosedError):
        runtime.submit(asyncio.sleep(0))
    runtime.close()  # twice is fine


def test_nothing_is_left_pending_or_unawaited_after_close() -> None:
    runtime = Runtime()

    async def spawn_children() -> None:
        for _ in range(10):
            asyncio.get_running_loop().create_task(asyncio.sleep(3600))
        await asyncio.sleep(3600)

    runtime.submit(spawn_children())
    runtime.close(timeout=10)
    # "Task was destroyed but it is pending" and "coroutine was never awaited" surface here as
    # warnings/log records on collection; the suite runs with warnings as errors.
    gc.collect()
    assert runtime.loop.is_closed()


def test_event_log_followers_see_every_item_once_in_order(runtime: Runtime) -> None:
    log: EventLog[int] = EventLog()

    async def produce() -> None:
        for n in range(200):
            log.append(n)
            if n % 20 == 0:
                await asyncio.sleep(0.001)

    def follow(start: int) -> list[int]:
        out: list[int] = []
        for batch in log.follow(start, until=lambda n: n == 199, timeout=10):
            out.extend(batch)
        return out

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        readers = [pool.submit(follow, 0) for _ in range(3)]
        runtime.submit(produce()).result(10)
        late = pool.submit(follow, 150)
        assert all(r.result(10) == list(range(200)) for r in readers)
        assert late.result(10) == list(range(150, 200))


def test_follow_gives_up_quietly_after_its_timeout() -> None:
    log: EventLog[int] = EventLog([1])
    assert list(log.follow(0, until=lambda n: n == 2, timeout=0.2, poll=0.05)) == [[1]]


def test_src_never_uses_the_patterns_this_project_replaces() -> None:
    forbidden = re.compile(r"asyncio\.run\(|run_until_complete|nest_asyncio|new_event_loop")
    offenders = []
    for path in SRC.rglob("*.py"):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if forbidden.search(line):
                offenders.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    allowed = ["switchboard/runtime/loop.py"]  # the runtime's own, single loop
    assert [o for o in offenders if not any(o.startswith(a) for a in allowed)] == []
    assert sum(o.startswith("switchboard/runtime/loop.py") for o in offenders) == 1
