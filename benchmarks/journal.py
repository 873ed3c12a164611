"""Benchmark 6: what journalling each event costs the thread that records it (the loop)."""

from __future__ import annotations

import tempfile
import time

from benchmarks.results import Result
from benchmarks.stats import median, percentile
from switchboard.chat.store import SqlStore

TITLE = "6. Journal cost per recorded event"
DESCRIPTION = (
    "`Conversation.record` on a SQLite-backed conversation, as a streamed artifact chunk is "
    "recorded on the loop: with the crash journal (one `write()` of the event's JSON before it "
    "is queued for the writer thread) and without it (the same store with its journal switched "
    "off), interleaved in blocks, each call timed alone. Medians and p99 in µs."
)
CHUNK = {
    "task_id": "t",
    "artifact_id": "a",
    "append": True,
    "parts": [{"type": "text", "text": "x" * 80}],
}


def run(quick: bool) -> Result:
    """Time record() with and without the journal, on one store, in alternating blocks."""
    rounds, block = (10, 500) if quick else (20, 2000)
    samples: dict[str, list[float]] = {"journal": [], "none": []}
    with tempfile.TemporaryDirectory() as directory:
        store = SqlStore(directory)
        try:
            conversation = store.create("bench")
            writer = store._writer
            journal = writer._journal
            for index in range(rounds):
                order = ["journal", "none"] if index % 2 == 0 else ["none", "journal"]
                for name in order:
                    store.flush(60)  # start each block with an idle writer
                    writer._journal = journal if name == "journal" else None
                    for _ in range(block):
                        start = time.perf_counter_ns()
                        conversation.record(1, "artifact", CHUNK)
                        samples[name].append((time.perf_counter_ns() - start) / 1000)
            writer._journal = journal
        finally:
            store.close(60)
    result = Result(TITLE, DESCRIPTION)
    count = rounds * block
    for name, label in (("journal", "with the journal"), ("none", "without it")):
        result.add(f"record(), {label}: median of {count}", median(samples[name]), "µs")
        result.add(f"record(), {label}: p99", percentile(samples[name], 99), "µs")
    added = median(samples["journal"]) - median(samples["none"])
    result.add("added by the journal (median)", added, "µs")
    result.target("the journal adds ≤ 10 µs per event (median)", added, 10.0, "µs")
    return result
