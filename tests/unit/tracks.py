"""An event the stage finished whose send Kafka has not acknowledged yet."""

import asyncio
from typing import Any

from agents.plumbing.delivery import CURRENT_TRACK, DeliveryGuard, track_send


async def finished_awaiting_ack(
    guard: DeliveryGuard, tp: Any, offset: int
) -> "asyncio.Future[Any]":
    """Begin and finish the event at `offset` with one tracked send; returns that send's
    future (resolve it to acknowledge the send)."""
    track = await guard.begin(tp, offset)
    assert track is not None
    sent: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    token = CURRENT_TRACK.set(track)
    track_send(sent)
    CURRENT_TRACK.reset(token)
    track.finish()
    return sent
