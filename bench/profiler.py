"""Sampling the router with py-spy (from PyPI, installed into the virtualenv on first use) and
reading its raw output into hotspots: each function's share of the samples, alone and with
what it calls."""

import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bench.measurements import Hotspot, Profile

ROOT = Path(__file__).resolve().parent.parent


def py_spy_path() -> Path:
    return Path(sys.executable).parent / "py-spy"


def ensure_py_spy() -> Path | None:
    """py-spy's path, installing it with pip if missing; None when it cannot be installed."""
    path = py_spy_path()
    if path.exists():
        return path
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "py-spy"],
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0 or not path.exists():
        print(f"py-spy could not be installed, no profile:\n{result.stderr}", file=sys.stderr)
        return None
    return path


def record_command(py_spy: Path, pid: int, output: Path, rate: int = 50) -> list[str]:
    """Attach to a running process; --nonblocking never pauses it, --function groups samples by
    function rather than by line. 50 samples a second: at 100, py-spy fell seconds behind on a
    loaded 2-core machine."""
    return [
        str(py_spy),
        "record",
        "--pid",
        str(pid),
        "--rate",
        str(rate),
        "--nonblocking",
        "--function",
        "--format",
        "raw",
        "--output",
        str(output),
    ]


def short_path(path: str) -> str:
    """A source path relative to the repository or to site-packages; the standard library's
    relative to its directory."""
    for marker in ("/site-packages/", f"{ROOT}/"):
        if marker in path:
            return path.split(marker, 1)[1]
    if "/lib/python3." in path:
        return path.split("/lib/python3.", 1)[1].split("/", 1)[-1]
    return path


def frame_name(frame: str) -> str:
    """`handle (/work/main/agents/profiling.py:131)` -> `agents/profiling.py:handle`.

    py-spy names files relative to the sys.path entry they were found in where it can
    (`asyncio/events.py`, `faust/streams.py`), else by absolute path.
    """
    function, _, location = frame.rpartition(" (")
    if not function:
        return frame
    path = location.removesuffix(")").rsplit(":", 1)[0]
    return f"{short_path(path)}:{function}"


def area(function: str) -> str:
    """Where a function lives: one of leadrouter's layers, asyncio, a library's top-level
    package, or `modules` for single-file modules (mostly the standard library)."""
    path = function.split(":", 1)[0]
    top, slash, _ = path.partition("/")
    if top in ("agents", "service", "schemas", "bench"):
        return f"leadrouter {top}/"
    if not slash:
        return "modules (stdlib)"
    return top


# Frames that only run someone else's code: a sample is charged to the first frame below them.
_RUNNERS = ("Handle._run", "Agent._execute_actor", "Service._execute_task")


def task_of(frames: list[str]) -> str:
    """The asyncio task or callback a sample belongs to: the first frame under the event loop's
    `Handle._run` that is not a generic runner (an agent, a producer's sender, a fetcher...);
    `(event loop)` for the loop itself (waiting in select, scheduling)."""
    for position, frame in enumerate(frames):
        if frame.endswith(":Handle._run"):
            for inner in frames[position + 1 :]:
                if not inner.endswith(_RUNNERS):
                    return inner
            return frame
    return "(event loop)"


@dataclass
class Samples:
    """Sample counts from py-spy's raw (collapsed stack) format."""

    own: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    tasks: Counter[str] = field(default_factory=Counter)
    count: int = 0


def parse_raw(lines: Iterable[str]) -> Samples:
    """Per function: samples in itself (`own`) and with callees (`total`); per task; in all.
    Each line is `frame;frame;...;frame count`, the innermost frame last."""
    samples = Samples()
    for line in lines:
        stack, _, count_text = line.strip().rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [frame_name(frame) for frame in stack.split(";")]
        samples.count += count
        samples.own[frames[-1]] += count
        samples.tasks[task_of(frames)] += count
        for function in set(frames):  # a recursive function counts once per sample
            samples.total[function] += count
    return samples


def summarize_profile(lines: list[str], raw_file: str, top: int = 30) -> Profile:
    """Hotspots by own share of the samples; leadrouter's functions by share with callees
    (where its time goes, stage by stage); shares by task and by area."""
    samples = parse_raw(lines)
    total = samples.count
    if total == 0:
        return Profile(samples=0, raw_file=raw_file, hotspots=(), leadrouter=(), tasks=(), areas=())

    def spot(function: str) -> Hotspot:
        return Hotspot(
            function=function,
            self_share=samples.own[function] / total,
            total_share=samples.total[function] / total,
        )

    ours = sorted(
        (name for name in samples.total if area(name).startswith("leadrouter")),
        key=lambda name: -samples.total[name],
    )
    by_area: Counter[str] = Counter()
    for function, count in samples.own.items():
        by_area[area(function)] += count
    return Profile(
        samples=total,
        raw_file=raw_file,
        hotspots=tuple(spot(name) for name, _ in samples.own.most_common(top)),
        leadrouter=tuple(spot(name) for name in ours[:top]),
        tasks=tuple((name, count / total) for name, count in samples.tasks.most_common(top)),
        areas=tuple((name, count / total) for name, count in by_area.most_common()),
    )
