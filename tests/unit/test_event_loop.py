"""The worker's event loop: uvloop by default, asyncio's own when the settings say so."""

import asyncio
from collections.abc import Iterator

import pytest
from pydantic import ValidationError

from agents.plumbing.event_loop import event_loop_name, use_event_loop
from agents.plumbing.settings import TuningSettings


@pytest.fixture
def restored_policy() -> Iterator[None]:
    policy = asyncio.get_event_loop_policy()
    yield
    asyncio.set_event_loop_policy(policy)


def new_loop_name() -> str:
    loop = asyncio.new_event_loop()
    try:
        return event_loop_name(loop)
    finally:
        loop.close()


@pytest.mark.usefixtures("restored_policy")
def test_uvloop_makes_the_loops_created_after_it_uvloops() -> None:
    use_event_loop("uvloop")

    assert new_loop_name() == "uvloop"


@pytest.mark.usefixtures("restored_policy")
def test_asyncio_brings_back_the_standard_librarys_loop() -> None:
    use_event_loop("uvloop")
    use_event_loop("asyncio")

    assert new_loop_name() == "asyncio"


def test_the_worker_runs_on_uvloop_unless_told_otherwise() -> None:
    assert TuningSettings().event_loop == "uvloop"
    assert TuningSettings(event_loop="asyncio").event_loop == "asyncio"


def test_an_unknown_event_loop_is_refused() -> None:
    with pytest.raises(ValidationError, match="event_loop"):
        TuningSettings(event_loop="trio")
