"""Measuring one consumer of the input topic: how fast, at what CPU cost, with how much memory.

Completion:
- a passthrough is done when its output topic holds as many records as the input;
- the router is done when its consumer group has committed every record of the input and of its
  internal topics (keyed, qualified) and its output topics have not grown for `settle` seconds
  (longer than Faust's commit interval): every input then has its record on exactly one of the
  queue topics, nurture, decisions (already routed) or dead-letter, which the caller checks;
- with a time box, a consumer still running `time_box` seconds after its first output is
  stopped there and measured on what it completed (records on its `completed` topics).
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bench.measurements import ConsumerRun
from bench.processes import Process
from bench.topics import TopicProbe


class StalledError(RuntimeError):
    """A consumer made no progress for too long."""


@dataclass(frozen=True, slots=True)
class Watch:
    """Which topics tell how far a consumer got.

    `outputs` are its final outputs (the last of their records ends the window).
    `completed` hold one record per input event it finished (a subset of `outputs`).
    `first` are every topic it writes (the first of their records starts the window).
    `progress` are counted at the first sign of life, to know how many events the CPU window
    covers (about one record per input event).
    `group`/`sources`: when set, completion waits for the group's committed offsets on `sources`.
    """

    outputs: tuple[str, ...]
    completed: tuple[str, ...]
    first: tuple[str, ...]
    progress: tuple[str, ...]
    expected: int
    group: str | None = None
    sources: tuple[str, ...] = ()


Hook = Callable[[], Awaitable[None]]


async def _nothing() -> None:
    return None


async def measure_consumer(
    child: Process,
    probe: TopicProbe,
    watch: Watch,
    *,
    launched_at: float,
    time_box: float | None = None,
    poll: float = 0.5,
    settle: float = 4.0,
    stall_timeout: float = 180.0,
    on_first_output: Hook = _nothing,
    before_stop: Hook = _nothing,
) -> ConsumerRun:
    """Poll until `child` has consumed all `watch.expected` events (or the time box is over),
    then stop it and measure. `launched_at` is the wall-clock time the child was started."""
    counted = tuple(dict.fromkeys(watch.outputs + watch.progress))
    previous: dict[str, int] | None = None
    last_change = time.monotonic()
    first_output: float | None = None
    window_cpu = 0.0
    done_before = 0
    boxed = False
    while True:
        child.ensure_running()
        counts = await probe.counts(counted)
        cpu = child.cpu_seconds()
        now = time.monotonic()
        if first_output is None and sum(counts[topic] for topic in watch.progress) > 0:
            first_output, window_cpu = now, cpu
            done_before = sum(counts[topic] for topic in watch.progress)
            await on_first_output()
        if counts != previous:
            last_change = now
        elif now - last_change > stall_timeout:
            raise StalledError(
                f"{child.name} made no progress for {stall_timeout:.0f}s at {counts}; "
                f"log {child.log_path}:\n{child.log_tail()}"
            )
        if watch.group is None:
            done = sum(counts[topic] for topic in watch.completed) >= watch.expected
        else:
            done = now - last_change >= settle and await probe.lag(watch.group, watch.sources) == 0
        boxed = not done and time_box is not None and first_output is not None
        boxed = boxed and now - (first_output or now) >= (time_box or 0.0)
        if done or boxed:
            break
        previous = counts
        await asyncio.sleep(poll)
    cpu_end = child.cpu_seconds()
    peak_rss = child.peak_rss_bytes()
    await before_stop()
    child.stop()
    final = await probe.counts(tuple(dict.fromkeys(watch.outputs + watch.progress)))
    first = await probe.time_span(watch.first)
    last = await probe.time_span(watch.outputs)
    if first is None or last is None:
        raise RuntimeError(f"{child.name} wrote no records")
    completed = min(watch.expected, sum(final[topic] for topic in watch.completed))
    if boxed:
        completion = f"time box of {time_box:.0f}s: completed {completed:,} of {watch.expected:,}"
    elif watch.group:
        completion = "group committed all input, outputs settled"
    else:
        completion = "output count reached the input count"
    return ConsumerRun(
        name=child.name,
        events=completed,
        input_events=watch.expected,
        outputs={topic: count for topic, count in final.items() if count},
        window_seconds=last.last - first.first,
        startup_seconds=first.first - launched_at,
        cpu_seconds=cpu_end - window_cpu,
        cpu_events=completed - done_before,
        total_cpu_seconds=cpu_end,
        peak_rss_bytes=peak_rss,
        completion=completion,
        time_boxed=boxed,
    )
