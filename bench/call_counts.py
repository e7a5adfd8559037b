"""The calls the router makes per input event, counted by cProfile: a figure this machine's
speed does not move.

py-spy's samples (`bench/profiler.py`) say where the time goes, but this machine's speed changes
by ±10% from run to run, more than most changes to the per-event path save. How many calls an
input event costs does not follow the machine. With `--call-counts` the throughput phase's router
runs under cProfile, and the bench reports its calls per input event: in all, by area, the
functions called most, and counters that name the per-event machinery (records appended to the
producer's batches, the batches and the produce requests they left in, pydantic validations and
JSON dumps). The producer's batches and requests follow timing (records batch behind the request
in flight), so those two move from run to run; the rest repeat.

cProfile sees the worker's main thread only: the stages, the producer and the event loop's
callbacks run there; Faust's consumer thread is not counted. A coroutine's every resumption
counts as a call. It counts from start to exit, so start-up and recovery are in the totals (a
few thousand calls: nothing per event). It slows the worker several times over, so the router
of such a run measures no speed.

A counted process runs as `python -m bench.call_counts STATS MODULE [ARGS...]`: `python -m
MODULE ARGS` with cProfile on, its statistics written to STATS as the process exits. The router
is `agents.tools.cli worker` (`leadrouter worker`); with the three-stage passthrough
(`bench/passthrough_topology.py`) counted the same way, the bench also reports how many times
its calls per input event the router makes, like the events/s ratio, but free of the machine.
"""

import atexit
import cProfile
import math
import pstats
import runpy
import sys
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from bench import profiler
from bench.measurements import CallCounts

BUILTIN: Final = "~"  # cProfile's file for functions written in C
AREA_SHOWN: Final = 0.1  # areas with fewer calls per event are only counted in the report


Key = tuple[str, int, str]  # how cProfile names a function: its file, first line and name


def _code_of(function: Any) -> Key:
    code = function.__code__
    return (code.co_filename, code.co_firstlineno, code.co_name)


def _function(function: Any) -> Callable[[Key], bool]:
    key = _code_of(function)
    return lambda found: found == key


def _method_of(kind: str, prefix: str) -> Callable[[Key], bool]:
    """A C method of pydantic-core's `kind`, as cProfile names it."""
    return lambda found: found[0] == BUILTIN and found[2].startswith(prefix) and kind in found[2]


def counters() -> tuple[tuple[str, Callable[[Key], bool]], ...]:
    """The per-event machinery, by the functions cProfile counts for it. Each is a plain
    function: cProfile counts a coroutine's every resumption as a call."""
    from aiokafka.producer.message_accumulator import BatchBuilder, MessageAccumulator
    from aiokafka.producer.sender import SendProduceReqHandler

    return (
        ("records appended to producer batches", _function(BatchBuilder.append)),
        ("producer batches", _function(MessageAccumulator._append_batch)),
        ("produce requests", _function(SendProduceReqHandler.create_request)),
        ("pydantic validations", _method_of("SchemaValidator", "<method 'validate_")),
        ("pydantic JSON dumps", _method_of("SchemaSerializer", "<method 'to_json'")),
    )


ROUTER_MODULE: Final = ("agents.tools.cli", "worker")  # `leadrouter worker`


def command(stats: Path, module: Sequence[str] = ROUTER_MODULE) -> list[str]:
    """The command line that runs `module` (a module and its arguments, as `python -m` takes
    them; the router by default) with its calls counted into `stats`."""
    return [sys.executable, "-m", "bench.call_counts", str(stats), *module]


def area(path: str, function: str) -> str:
    """The area a counted function belongs to, named as the py-spy profile names them; the
    domain's compiled functions (C to cProfile) go to the domain."""
    if path == BUILTIN:
        for layer in ("service", "schemas"):
            if f"method {layer}." in function:
                return f"leadrouter {layer}/ (compiled)"
        return "builtins (C)"
    return profiler.area(f"{profiler.short_path(path)}:{function}")


def _name(path: str, line: int, function: str) -> str:
    return function if path == BUILTIN else f"{profiler.short_path(path)}:{line}:{function}"


# cProfile's statistics (`pstats.Stats.stats`): per (file, line, function), primitive calls,
# calls, own and cumulative time, and the callers.
Entries = Mapping[Key, tuple[Any, ...]]


def summarize(entries: Entries, events: int, top: int = 25) -> CallCounts:
    """Calls per input event, from cProfile's statistics of a run that handled `events`."""
    per = 1 / events if events else 0.0
    calls: Counter[str] = Counter()
    areas: Counter[str] = Counter()
    machinery = counters()
    counted: Counter[str] = Counter({name: 0 for name, _ in machinery})
    for key, (_, count, *_rest) in entries.items():
        path, line, function = key
        calls[_name(path, line, function)] += count
        areas[area(path, function)] += count
        for counter, matches in machinery:
            if matches(key):
                counted[counter] += count
    return CallCounts(
        events=events,
        per_event=sum(calls.values()) * per,
        areas=tuple((name, count * per) for name, count in areas.most_common()),
        top=tuple((name, count * per) for name, count in calls.most_common(top)),
        counters=tuple((name, counted[name] * per) for name, _ in machinery),
    )


def read(path: Path, events: int) -> CallCounts | None:
    """The counts a counted worker wrote to `path`; None when it wrote none."""
    if not path.exists():
        return None
    entries: Entries = pstats.Stats(str(path)).stats  # type: ignore[attr-defined]
    return summarize(entries, events)


def format_lines(counts: CallCounts, process: str = "the router") -> list[str]:
    """The report's section on `process`: counters, areas and the functions called most, per
    input event."""
    lines = [
        f"calls per input event (cProfile, {process}'s main thread, {counts.events:,} events; "
        f"not a speed figure): {counts.per_event:,.0f}"
    ]
    lines += [f"  {value:8.2f}  {name}" for name, value in counts.counters]
    lines.append("  by area:")
    shown = [(name, value) for name, value in counts.areas if value >= AREA_SHOWN]
    lines += [f"  {value:8.1f}  {name}" for name, value in shown]
    if len(shown) < len(counts.areas):
        lines.append(f"  ({len(counts.areas) - len(shown)} more, each under {AREA_SHOWN})")
    lines.append("  called most:")
    lines += [f"  {value:8.2f}  {name}" for name, value in counts.top]
    return lines


def format_ratio(router: CallCounts, baseline: CallCounts, name: str) -> str:
    """How many times the calls per input event of `baseline` the router makes."""
    times = router.per_event / baseline.per_event if baseline.per_event else math.inf
    return (
        f"router / {name}: {router.per_event:,.0f} / {baseline.per_event:,.0f} calls per input "
        f"event = {times:.2f}x"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m MODULE ARGS` with cProfile on; its statistics go to STATS at exit (also when
    the module exits with `sys.exit`, as a worker does)."""
    stats, module, *arguments = sys.argv[1:] if argv is None else argv
    counting = cProfile.Profile()

    def write() -> None:
        counting.disable()
        counting.dump_stats(stats)

    atexit.register(write)
    sys.argv = [module, *arguments]
    counting.enable()
    runpy.run_module(module, run_name="__main__", alter_sys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
