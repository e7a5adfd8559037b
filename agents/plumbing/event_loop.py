"""Which asyncio event loop a Faust process runs on.

uvloop (libuv, in C) runs the loop's callbacks, timers and socket reads and writes with less
Python work per step. A routed or nurtured event costs the worker about fifteen loop callbacks
(its sends' acknowledgements, the stages' task steps), and the loop was 17-22% of the router's
CPU. Alternating runs of 60,000 events measured 3.5% less CPU per event with it (README,
Performance). `asyncio` keeps the standard library's loop. Faust's consumer thread builds its
own loop through the same policy, so it runs on uvloop too.
"""

import asyncio
import logging
from typing import Any, Literal

log = logging.getLogger(__name__)

EventLoop = Literal["uvloop", "asyncio"]


def use_event_loop(name: EventLoop) -> None:
    """Make the loops this process creates from now on `name`'s (call it before Faust starts)."""
    if name == "uvloop":
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    else:
        asyncio.set_event_loop_policy(None)  # the standard library's default policy


def event_loop_name(loop: asyncio.AbstractEventLoop) -> str:
    """`uvloop` or `asyncio`, for the worker's start-up line."""
    return "uvloop" if type(loop).__module__.startswith("uvloop") else "asyncio"


def register_loop_line(app: Any) -> None:
    """Log at start which loop the worker runs on (`event loop: uvloop`)."""

    async def name_the_loop() -> None:
        log.info("event loop: %s", event_loop_name(asyncio.get_running_loop()))

    app.task(name_the_loop)
