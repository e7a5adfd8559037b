"""How fast one worker routes a burst of sales-ready leads (the assign stage's own pace).

    python -m bench.burst [--leads 1500] [--bootstrap HOST:PORT]

A fresh worker (its own topic prefix and group) with the shipped accounts and reps that are
always available; one lead warms it up, then `--leads` sales-ready leads for inside-sales are
produced at once. The figures: the time from the first of them produced to the last routed
record's Kafka timestamp, routed leads per second over it, and the worker's CPU per lead (from
the first record produced until the last routed record was read back). Every lead goes through
the profile and assign stages, so the assign stage's per-lead waits and costs show here and not
in the main bench, where about one lead in ten is routed.
Without --bootstrap the bench's own broker is started (throughput JVM settings) and stopped.
"""

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

from bench.broker import broker_address
from bench.processes import cpu_seconds
from tests.integration.kafka import WorkerProcess, consume, produce
from tests.integration.pipeline_data import as_record, reference_records, transactional_lead

QUEUE_TOPIC = "sales.queue.inside-sales.v1"


async def measure(bootstrap: str, leads: int, work: Path) -> dict[str, float]:
    worker = WorkerProcess(bootstrap, work)
    accounts, reps = reference_records()
    await produce(bootstrap, worker.topic("crm.accounts.v1"), accounts)
    await produce(bootstrap, worker.topic("crm.reps.v1"), reps)
    worker.start()
    try:
        source, queue = worker.topic("leads.events.v1"), worker.topic(QUEUE_TOPIC)
        await produce(bootstrap, source, [as_record(transactional_lead(0, "warm-up"))])
        if len(await consume(bootstrap, queue, 1, timeout=120)) != 1:
            raise RuntimeError(f"the warm-up lead was not routed:\n{worker.logs()}")
        burst = [as_record(transactional_lead(n, "burst")) for n in range(1, leads + 1)]
        assert worker.process is not None
        cpu_before = cpu_seconds(worker.process.pid)
        started = time.time()
        await produce(bootstrap, source, burst)
        routed = await consume(bootstrap, queue, leads + 1, timeout=600)
        cpu = cpu_seconds(worker.process.pid) - cpu_before
    finally:
        worker.stop()
    decisions = {json.loads(record.value)["decision"]["decision_id"] for record in routed}
    if len(decisions) != leads + 1:
        raise RuntimeError(f"{len(decisions) - 1} of {leads} leads routed")
    seconds = max(record.timestamp for record in routed) / 1000 - started
    return {
        "leads": leads,
        "seconds": round(seconds, 2),
        "routed_per_s": round(leads / seconds),
        "cpu_ms_per_lead": round(1000 * cpu / leads, 3),
    }


async def main(leads: int, bootstrap: str | None) -> None:
    work = Path(tempfile.mkdtemp(prefix="leadrouter-burst-"))
    with broker_address(bootstrap, work) as address:
        row = await measure(address, leads, work)
        print("  ".join(f"{key}={value}" for key, value in row.items()), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1500, help="sales-ready leads in the burst")
    parser.add_argument("--bootstrap", help="an existing broker (default: start one)")
    args = parser.parse_args()
    asyncio.run(main(args.leads, args.bootstrap))
