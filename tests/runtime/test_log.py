"""The append-only log that script threads follow while the loop writes it."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Iterator

import pytest

from switchboard.runtime import EventLog, Runtime


@pytest.fixture
def runtime() -> Iterator[Runtime]:
    rt = Runtime()
    yield rt
    rt.close()


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
