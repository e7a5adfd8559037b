"""Where a lead event stands in the profile stage's lanes, and the lanes' replay floors.

The lanes are the keyed topic and, for events applied directly, their input topics
(`agents/plumbing/lanes.py`); a lane's replay floor comes from the delivery guard.
"""

from dataclasses import dataclass
from typing import Any

from agents.plumbing.delivery import DeliveryGuard, Partition
from agents.plumbing.lanes import keyed_record_lane
from schemas.pipeline import KeyedLeadEvent
from schemas.profiles import KEYED_LANE, LeadProfile


@dataclass(frozen=True, slots=True)
class At:
    """Where a lead event stands: its lane, offset there, the lane's replay floor, and the
    partition of the lead (the tables' partition)."""

    lane: str
    offset: int
    floor: int
    partition: int


class ProfileLanes:
    """The replay floors of the profile stage's lanes, and where a keyed record stands."""

    __slots__ = ("_delivery", "_keyed_name")

    def __init__(self, delivery: DeliveryGuard | None, keyed_name: str) -> None:
        self._delivery = delivery
        self._keyed_name = keyed_name

    def floor_of(self, topic: str, partition: int) -> int:
        delivery = self._delivery
        return delivery.replay_floor(Partition(topic, partition)) if delivery is not None else 0

    def lane_floor(self, lane: str, partition: int) -> int:
        """A lane's replay floor in the lead's `partition` (lanes number it alike)."""
        return self.floor_of(lane or self._keyed_name, partition)

    def keyed_at(self, record: KeyedLeadEvent, message: Any, previous: LeadProfile | None) -> At:
        """Where a keyed record stands: in the keyed lane, unless it is the replay of an input
        record applied directly (`agents/plumbing/lanes.py`)."""
        lane, offset = keyed_record_lane(previous, record, message.partition, message.offset)
        if lane == KEYED_LANE:
            floor = self.floor_of(message.topic, message.partition)
            return At(lane, offset, floor, message.partition)
        floor = self.floor_of(record.source.topic, record.source.partition)
        return At(lane, offset, floor, message.partition)
