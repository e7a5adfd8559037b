"""Before and after, alternating: the router's throughput under two or more variants.

This machine's speed drifts from run to run by more than most single changes move it, so a
variant is never measured in one block: the runs go A B B A A B ... (each pair reversed after the
last, so a steady drift weighs on every variant alike) and the medians are compared. A variant is
a git revision (run from a worktree of it, with this checkout's virtualenv) or a worker setting:

    python -m bench.ab --rev 212ff34~1 --rev 212ff34 --pairs 3
    python -m bench.ab --setting LEADROUTER_TUNING__GC_YOUNG_THRESHOLD=0,10000 --pairs 3

Each run is `bench/run.py` with only the router's throughput (`--skip-latency --skip-micro
--skip-topology --no-profile --workers 1`) plus what follows `--` (e.g. `-- --events 60000`), on
its own broker. The summary goes to `bench/results/<stamp>-ab.json`.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
WORKTREES = ROOT / ".run" / "ab"
KAFKA_CACHE = Path("dev") / "kafka" / "cache"
ROUTER_ONLY = (
    "--skip-latency",
    "--skip-micro",
    "--skip-topology",
    "--no-profile",
    "--workers",
    "1",
)
ROUTER = "leadrouter"


@dataclass(frozen=True, slots=True)
class Variant:
    """What one side runs: a checkout (`rev`, None for this one) and its worker settings."""

    label: str
    rev: str | None = None
    settings: tuple[str, ...] = ()


@dataclass(slots=True)
class Runs:
    """One variant's router runs: events/s and CPU ms per event, with their results files."""

    variant: Variant
    events_per_s: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    results: list[str] = field(default_factory=list)

    def median_rate(self) -> float:
        return statistics.median(self.events_per_s)

    def median_cpu(self) -> float:
        return statistics.median(self.cpu_ms)


def variants_of(revs: Sequence[str], setting: str | None) -> list[Variant]:
    """Revisions, or one setting's values (`NAME=a,b`), as variants; at least two."""
    if revs and setting:
        raise ValueError("compare revisions or a setting's values, not both")
    if setting:
        name, _, values = setting.partition("=")
        if not name.startswith("LEADROUTER_") or not values:
            raise ValueError(f"a setting is LEADROUTER_NAME=a,b: {setting!r}")
        pairs = [f"{name}={value}" for value in values.split(",")]
        found = [Variant(pair, None, (pair,)) for pair in pairs]
    else:
        found = [Variant(rev, rev) for rev in revs]
    if len(found) < 2:
        raise ValueError("name at least two variants")
    return found


def run_order(count: int, pairs: int) -> list[int]:
    """The variants' indexes in run order: each round forwards, then backwards (ABBA...)."""
    order: list[int] = []
    forwards = list(range(count))
    for round_ in range(pairs):
        order += forwards if round_ % 2 == 0 else forwards[::-1]
    return order


def router_figures(results: Mapping[str, object]) -> tuple[float, float]:
    """The router's events/s and CPU ms per event from one bench/run.py results file."""
    consumers = results.get("consumers")
    if not isinstance(consumers, list):
        raise ValueError("the results hold no consumers")
    for consumer in consumers:
        if isinstance(consumer, dict) and consumer.get("name") == ROUTER:
            rate, cpu = consumer["events_per_second"], consumer["cpu_seconds_per_1k_events"]
            return float(rate), float(cpu)
    raise ValueError("the results hold no router run")


def summary_lines(runs: Sequence[Runs]) -> list[str]:
    """The comparison: each variant's runs and medians, and each against the first."""
    base = runs[0]
    lines = []
    for side in runs:
        rates = ", ".join(f"{rate:,.0f}" for rate in side.events_per_s)
        cpus = ", ".join(f"{cpu:.3f}" for cpu in side.cpu_ms)
        line = (
            f"{side.variant.label}: events/s {rates} (median {side.median_rate():,.0f}); "
            f"CPU ms/event {cpus} (median {side.median_cpu():.3f})"
        )
        if side is not base:
            rate = side.median_rate() / base.median_rate() - 1
            cpu = side.median_cpu() / base.median_cpu() - 1
            line += f"; against {base.variant.label}: events/s {rate:+.1%}, CPU {cpu:+.1%}"
        lines.append(line)
    return lines


def checkout(rev: str) -> Path:
    """A detached worktree of `rev` under .run/ab (reused when it is there)."""
    found = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
    )
    if found.returncode != 0:
        raise RuntimeError(f"not a commit of this repository: {rev}")
    sha = found.stdout.strip()
    tree = WORKTREES / sha[:12]
    if not tree.exists():
        WORKTREES.mkdir(parents=True, exist_ok=True)
        # A worktree whose folder went (`make clean`) is still registered until pruned.
        subprocess.run(["git", "worktree", "prune"], cwd=ROOT, check=True)
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), sha], cwd=ROOT, check=True)
    jars = tree / KAFKA_CACHE
    if not jars.exists() and (ROOT / KAFKA_CACHE).exists():
        jars.symlink_to(ROOT / KAFKA_CACHE)  # the broker's jars, fetched once
    compile_domain = tree / "dev" / "compile_domain.py"
    if compile_domain.exists():  # a revision that compiles its domain runs it compiled
        subprocess.run([sys.executable, str(compile_domain)], cwd=tree, check=True)
    return tree


def run_once(variant: Variant, tree: Path, extra: Sequence[str]) -> Path:
    """One bench/run.py of the router for `variant`; the path of its results file."""
    command = [sys.executable, str(tree / "bench" / "run.py"), *ROUTER_ONLY, *extra]
    for setting in variant.settings:
        command += ["--worker-setting", setting]
    # The tree first; a PYTHONPATH of the caller's stays after it (a trial `sitecustomize`).
    inherited = os.environ.get("PYTHONPATH")
    path = str(tree) if not inherited else os.pathsep.join((str(tree), inherited))
    env = {**os.environ, "PYTHONPATH": path}
    done = subprocess.run(command, check=False, cwd=tree, env=env, capture_output=True, text=True)
    for line in done.stdout.splitlines():
        if line.startswith("results: "):
            produced = Path(line.removeprefix("results: ").strip())
            if done.returncode == 0:
                return produced
    raise RuntimeError(
        f"{variant.label}: bench/run.py exited {done.returncode}\n{done.stderr[-2000:]}"
    )


def _rounds(text: str) -> int:
    rounds = int(text)
    if rounds < 1:
        raise argparse.ArgumentTypeError("at least one round")
    return rounds


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rev", action="append", default=[], help="a git revision (repeat)")
    parser.add_argument("--setting", help="LEADROUTER_NAME=a,b: a worker setting's values")
    parser.add_argument("--pairs", type=_rounds, default=3, help="rounds over the variants (3)")
    parser.add_argument("bench_args", nargs="*", help="after --: more bench/run.py options")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        variants = variants_of(args.rev, args.setting)
    except ValueError as error:
        print(f"bench.ab: {error}", file=sys.stderr)
        return 2
    try:
        runs = compare(variants, args.pairs, args.bench_args)
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(f"bench.ab: {error}", file=sys.stderr)
        return 1
    lines = summary_lines(runs.sides)
    print("\n".join(lines))
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    summary = {
        "command": " ".join(["bench.ab", *(argv if argv is not None else sys.argv[1:])]),
        "checkouts": {label: str(tree) for label, tree in runs.trees.items()},
        "runs": [asdict(side) for side in runs.sides],
        "summary": lines,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{stamp}-ab.json"
    path.write_text(json.dumps(summary, indent=2) + "\n")
    print(f"results: {path}")
    return 0


@dataclass(frozen=True, slots=True)
class Comparison:
    trees: dict[str, Path]
    sides: list[Runs]


def compare(variants: Sequence[Variant], pairs: int, bench_args: Sequence[str]) -> Comparison:
    """Every variant's runs, alternating."""
    trees = {v.label: (checkout(v.rev) if v.rev else ROOT) for v in variants}
    runs = [Runs(v) for v in variants]
    for index in run_order(len(variants), pairs):
        side = runs[index]
        print(f"[ab] {side.variant.label}: run {len(side.events_per_s) + 1}", flush=True)
        produced = run_once(side.variant, trees[side.variant.label], bench_args)
        # The results land under the tree that ran; keep a copy next to this checkout's.
        rate, cpu = router_figures(json.loads(produced.read_text()))
        side.events_per_s.append(rate)
        side.cpu_ms.append(cpu)
        side.results.append(produced.name)
        if produced.parent != RESULTS:
            RESULTS.mkdir(parents=True, exist_ok=True)
            (RESULTS / produced.name).write_bytes(produced.read_bytes())
    return Comparison(trees, runs)


if __name__ == "__main__":
    sys.exit(main())
