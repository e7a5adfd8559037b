"""A worker's first start on new topics logs no ERROR line.

The ERRORs it guards against (Faust's leader topic "not found in cluster metadata", offsets asked
of partitions whose leader does not serve them yet) showed only on a broker started moments
before: a new deployment's, or `make test`'s when its run begins. Integration files run in name
order, and this one's comes first on purpose; a standalone run starts a broker of its own.
"""

import asyncio
from collections.abc import Callable

from tests.integration.kafka import WorkerProcess, consume, produce
from tests.integration.pipeline_data import as_record, transactional_lead


async def test_a_first_start_on_new_topics_logs_no_error_line(
    start_worker: Callable[..., WorkerProcess], bootstrap: str
) -> None:
    worker = start_worker()  # a topic prefix of its own: every topic is created now

    # Once a record went through, the worker has joined its group and found its offsets.
    await produce(bootstrap, worker.topic("leads.events.v1"), [as_record(transactional_lead(1))])
    assert len(await consume(bootstrap, worker.topic("leadrouter.leads.keyed.v1"), 1)) == 1

    errors = [line for line in worker.logs().splitlines() if "[ERROR]" in line]
    assert errors == []


async def test_a_worker_runs_on_uvloop_unless_told_otherwise(
    start_worker: Callable[..., WorkerProcess], bootstrap: str
) -> None:
    uv = start_worker()
    standard = start_worker(LEADROUTER_TUNING__EVENT_LOOP="asyncio")

    lead = as_record(transactional_lead(2))
    for worker in (uv, standard):
        await produce(bootstrap, worker.topic("leads.events.v1"), [lead])
        assert len(await consume(bootstrap, worker.topic("leadrouter.leads.keyed.v1"), 1)) == 1

    assert "event loop: uvloop" in uv.logs()
    assert "event loop: asyncio" in standard.logs()


async def test_a_worker_sweeps_its_frozen_objects_on_the_interval_it_is_given(
    start_worker: Callable[..., WorkerProcess], bootstrap: str
) -> None:
    worker = start_worker(LEADROUTER_TUNING__GC_SWEEP_MINUTES="0.02")  # every 1.2 s

    await produce(bootstrap, worker.topic("leads.events.v1"), [as_record(transactional_lead(3))])
    assert len(await consume(bootstrap, worker.topic("leadrouter.leads.keyed.v1"), 1)) == 1

    deadline = asyncio.get_running_loop().time() + 30
    while "collector sweep:" not in worker.logs():
        assert asyncio.get_running_loop().time() < deadline, "no sweep logged in 30 s"
        await asyncio.sleep(0.2)
    sweeps = [line for line in worker.logs().splitlines() if "collector sweep:" in line]
    assert "objects collected in" in sweeps[0]
