"""A worker waits for its reference views before the first lead, and says which one it waits for."""

import asyncio
import gc

import pytest
from prometheus_client import CollectorRegistry

from agents.plumbing.metrics import Metrics
from agents.plumbing.reference import ReferenceData
from agents.plumbing.settings import KafkaSettings
from agents.plumbing.views import CompactedView


def with_views(*topics: str) -> ReferenceData:
    reference = ReferenceData.start(Metrics.create(CollectorRegistry()), None)
    for topic in topics:
        reference.views.append(CompactedView(KafkaSettings(), topic, lambda key, value: None))
    return reference


async def test_waiting_returns_once_every_view_is_ready() -> None:
    reference = with_views("crm.accounts.v1", "crm.reps.v1")
    waiting = asyncio.ensure_future(reference.wait_ready())
    reference.views[0].ready.set()
    await asyncio.sleep(0.01)
    assert not waiting.done()

    reference.views[1].ready.set()

    await asyncio.wait_for(waiting, 1)


async def test_a_view_slow_to_load_is_named_with_where_it_stands(
    caplog: pytest.LogCaptureFixture,
) -> None:
    reference = with_views("crm.accounts.v1", "crm.reps.v1")
    reference.views[0].ready.set()
    reference.views[1].step = "asking the end offsets"
    waiting = asyncio.ensure_future(reference.wait_ready(warn_every=0.01))

    await asyncio.sleep(0.035)
    reference.views[1].ready.set()
    await asyncio.wait_for(waiting, 1)

    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings, "a view not ready in time must be named"
    assert all("crm.reps.v1 (0 records, asking the end offsets)" in w for w in warnings)
    assert not any("crm.accounts.v1" in w for w in warnings)


async def test_a_worker_stopped_while_waiting_leaves_no_unretrieved_error_behind() -> None:
    loop = asyncio.get_running_loop()
    errors: list[dict[str, object]] = []
    loop.set_exception_handler(lambda _, context: errors.append(context))
    reference = with_views("crm.accounts.v1", "crm.reps.v1")
    waiting = asyncio.ensure_future(reference.wait_ready())
    await asyncio.sleep(0.01)

    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    await asyncio.sleep(0.01)
    gc.collect()  # an unretrieved exception is reported when its future is collected

    assert errors == []
