"""The faults of the two-worker scenarios: two workers in one consumer group, without static
membership, so that every start, stop or freeze moves partitions between them while events
flow."""

import asyncio
import random
import signal

from dev.faults.runs import Fault, has_work


async def rebalance_faults(fault: Fault) -> None:
    """The second worker joins mid-stream (its partitions are revoked from the first, events in
    flight); then `spec.faults` times, at seeded moments, a running worker is killed (-9) or
    stopped (SIGTERM: it leaves the group), as `spec.signals` allow, and stays down for a
    seeded while (`spec.down`; past the 10 s session timeout the other takes a killed worker's
    partitions), then starts again and takes partitions back."""
    spec, run, partner = fault.spec, fault.run, fault.partner
    assert partner is not None, "the rebalance scenario has two workers"
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
        signum = rng.choice(spec.signals)
        down = rng.uniform(*spec.down)
        await member.signal_and_hold(signum)
        await asyncio.sleep(down)
        await member.release()
        run.notes.append(f"{signal.Signals(signum).name} worker {members.index(member) + 1}, "
                         f"down {down:.1f} s")  # fmt: skip


async def freeze_faults(fault: Fault) -> None:
    """The second worker joins mid-stream; then `spec.faults` times, at seeded moments, a
    running worker is frozen (SIGSTOP: a long pause of its machine or its runtime) for a seeded
    while (`spec.frozen`, past the session timeout: the other takes its partitions), then let go.
    It resumes where it stood, with records fetched and sends queued for partitions it no longer
    owns, until it hears of the rebalance."""
    spec, run, partner = fault.spec, fault.run, fault.partner
    assert partner is not None, "the freeze scenario has two workers"
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
        frozen = rng.uniform(*spec.frozen)
        await member.freeze(frozen)
        run.notes.append(f"froze worker {members.index(member) + 1} for {frozen:.1f} s")
