"""The reference views run for the life of the service that starts them with the app."""

import asyncio

from agents.plumbing.views import ViewsService


class FakeView:
    """Follows its topic until cancelled, as `CompactedView.run` does."""

    def __init__(self) -> None:
        self.running = asyncio.Event()
        self.stopped = False

    async def run(self) -> None:
        self.running.set()
        try:
            await asyncio.Event().wait()
        finally:
            self.stopped = True


async def test_every_view_runs_from_the_services_start_until_it_stops() -> None:
    views = [FakeView(), FakeView()]
    service = ViewsService(views)  # type: ignore[arg-type]

    await service.start()
    await asyncio.wait_for(asyncio.gather(*(view.running.wait() for view in views)), 1)
    await service.stop()

    assert [view.stopped for view in views] == [True, True]
