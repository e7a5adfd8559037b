"""A worker's first start on new topics logs no ERROR line.

The ERRORs it guards against (Faust's leader topic "not found in cluster metadata", offsets asked
of partitions whose leader does not serve them yet) showed only on a broker started moments
before: a new deployment's, or `make test`'s when its run begins. Integration files run in name
order, and this one's comes first on purpose; a standalone run starts a broker of its own.
"""

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
