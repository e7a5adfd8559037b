"""The faults of the two-worker scenarios: two workers in one consumer group, without static
membership, so that every start, stop or freeze moves partitions between them while events
flow."""

import asyncio
import random
import signal
from collections.abc import Awaitable, Callable

from dev.faults.runs import Fault, has_work
from dev.faults.supervisor import Supervisor

# One fault on a worker (1 or 2), its draws taken from the run's generator; what it did.
Step = Callable[[Supervisor, int, random.Random], Awaitable[str]]


async def _paired(fault: Fault, step: Step) -> None:
    """The second worker joins mid-stream; then `spec.faults` times, at seeded moments while
    the pipeline has work, `step` on a worker drawn from the seed."""
    spec, run, partner = fault.spec, fault.run, fault.partner
    assert partner is not None, f"the {spec.scenario} scenario has two workers"
    members = (fault.supervisor, partner)
    rng = random.Random(spec.seed)
    await fault.watch.wait_after(fault.started, timeout=120)
    await asyncio.sleep(rng.uniform(*spec.gap))
    await partner.start()
    run.notes.append("second worker joined mid-stream")
    for number in range(spec.faults):
        await asyncio.sleep(rng.uniform(*spec.gap))
        if not await has_work(fault):
            run.notes.append(f"only {number} of {spec.faults} faults: the pipeline ran dry")
            return
        member = rng.choice(members)
        run.notes.append(await step(member, members.index(member) + 1, rng))


async def rebalance_faults(fault: Fault) -> None:
    """A running worker is killed (-9) or stopped (SIGTERM: it leaves the group), as
    `spec.signals` allow, and stays down for a seeded while (`spec.down`; past the 10 s session
    timeout the other takes a killed worker's partitions), then starts again and takes
    partitions back."""
    spec = fault.spec

    async def stop_and_start(member: Supervisor, number: int, rng: random.Random) -> str:
        signum = rng.choice(spec.signals)
        down = rng.uniform(*spec.down)
        await member.signal_and_hold(signum)
        await asyncio.sleep(down)
        await member.release()
        return f"{signal.Signals(signum).name} worker {number}, down {down:.1f} s"

    await _paired(fault, stop_and_start)


async def freeze_faults(fault: Fault) -> None:
    """A running worker is frozen (SIGSTOP: a long pause of its machine or its runtime) for a
    seeded while (`spec.frozen`, past the session timeout: the other takes its partitions),
    then let go. It resumes where it stood, with records fetched and sends queued for
    partitions it no longer owns, until it hears of the rebalance."""
    spec = fault.spec

    async def freeze(member: Supervisor, number: int, rng: random.Random) -> str:
        frozen = rng.uniform(*spec.frozen)
        await member.freeze(frozen)
        return f"froze worker {number} for {frozen:.1f} s"

    await _paired(fault, freeze)
