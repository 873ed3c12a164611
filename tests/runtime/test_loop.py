"""The background-loop runtime, without Streamlit or protocols."""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import logging
import threading
import warnings

import pytest

from switchboard.runtime import Runtime, RuntimeClosedError


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


def test_nothing_is_left_pending_or_unawaited_after_close(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Tasks a coroutine spawned and never awaited are cancelled and finish at close: none is
    collected pending ("Task was destroyed but it is pending"), no coroutine is left unawaited."""
    runtime = Runtime()
    started: list[int] = []
    finished: list[int] = []
    all_started = threading.Event()

    async def child(n: int) -> None:
        started.append(n)
        if len(started) == 10:
            all_started.set()
        try:
            await asyncio.sleep(3600)
        finally:
            finished.append(n)

    async def spawn_children() -> None:
        for n in range(10):
            asyncio.get_running_loop().create_task(child(n))
        await asyncio.sleep(3600)

    runtime.submit(spawn_children())
    assert all_started.wait(10)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        runtime.close(timeout=10)
        gc.collect()
    assert sorted(finished) == list(range(10)), "every child ran its cleanup"
    assert [str(w.message) for w in caught] == []
    pending = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in pending] == []
