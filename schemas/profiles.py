"""Per-lead state kept by the profile stage (a Faust table keyed by lead identity)."""

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, Field

from schemas.base import OutputModel
from schemas.events import ActivityType, LeadAttributes
from schemas.pipeline import SourceRecord

LeadStatus = Literal["nurture", "routed"]
# The lane of records read from the keyed topic (the re-key hop); a direct lane is named by
# its input topic.
KEYED_LANE = ""


class ActivityRecord(OutputModel):
    type: ActivityType
    occurred_at: AwareDatetime
    campaign: str | None = None
    duration_seconds: float | None = None
    page_count: int | None = None


class RoutedSnapshot(OutputModel):
    """What the conversion model saw when the lead was routed, to learn from its outcome: the
    features at decision time, and what the model in force then predicted (None during its
    cold start or when no model existed)."""

    decision_id: str
    categories: dict[str, str]
    numbers: dict[str, float]
    predicted: float | None = None
    model_version: str | None = None


class LeadProfile(OutputModel):
    """Attributes merged across events plus the recent activities that drive engagement.

    `generation` counts qualifications: it increases each time a nurtured lead becomes
    sales-ready again, and together with `identity` names a routing decision.
    `recent_event_ids` is the de-duplication window: the last event ids applied to this lead.
    `last_offset` is the position of the last record applied (in the lead's partition of the
    keyed topic): a record at or before it is a replay after a crash, not a new event, and its
    outputs are sent again. Records that skipped the re-key hop (their input was already keyed
    by the lead's identity) have positions of their own input topic, the lead's partition of it:
    `direct_offsets` holds the last applied per input topic, and `latest_lane` names where the
    latest applied record came from ("" for the keyed topic, else the input topic), see
    `position` and `is_latest`. `applied_inputs` holds, per input partition the lead's records
    came from ("topic:partition"), the highest offset and the latest Kafka timestamp (ms) of the
    records applied, whichever path they took: a copy of one of them read again (re-keyed twice,
    or direct after its keyed copy) is known as such even once its event id has left the
    window, see `has_applied`. `routed_event_id` names the event that made the current generation
    sales-ready. `routed_snapshot` holds the model features of the current routing decision;
    `labelled_decisions` the decisions whose outcome was already sent to the model (the newest
    few), so a late or repeated outcome is learned once.
    """

    identity: str
    source: str
    attributes: LeadAttributes
    first_seen_at: AwareDatetime
    last_event_at: AwareDatetime
    event_count: int = 0
    activities: tuple[ActivityRecord, ...] = ()
    status: LeadStatus = "nurture"
    generation: int = 0
    recent_event_ids: tuple[str, ...] = ()
    last_offset: int = -1
    direct_offsets: dict[str, int] = Field(default_factory=dict)
    latest_lane: str = ""
    applied_inputs: dict[str, tuple[int, int]] = Field(default_factory=dict)
    routed_event_id: str | None = None
    routed_snapshot: RoutedSnapshot | None = None
    labelled_decisions: tuple[str, ...] = ()
    # What sales last heard of a routed lead (`sales.updates.v1`), and events since then.
    sales_heard_at: AwareDatetime | None = None
    sales_heard_total: int | None = None
    unheard_events: int = 0

    def stored(self) -> bytes:
        """The profile as the profile table stores it: JSON without the fields (nested ones
        included) that hold their default, which reading it back restores. A fifth of a
        profile's bytes were such fields (`None` attributes, empty collections, zero counts),
        written to the changelog with every event. So a default is part of the stored format:
        changing one changes what stored profiles read as."""
        return self.model_dump_json(exclude_defaults=True).encode()

    def position(self, lane: str) -> int:
        """The last applied offset of a lane: "" the keyed topic, else a direct input topic."""
        return self.last_offset if lane == KEYED_LANE else self.direct_offsets.get(lane, -1)

    def is_latest(self, lane: str, offset: int) -> bool:
        """Whether the record at `offset` of `lane` is the latest one applied to the lead."""
        return self.latest_lane == lane and self.position(lane) == offset

    def positioned(self, lane: str, offset: int) -> dict[str, object]:
        """The fields that record `offset` of `lane` as the latest applied (a model update)."""
        if lane == KEYED_LANE:
            return {"last_offset": offset, "latest_lane": lane}
        return {"direct_offsets": {**self.direct_offsets, lane: offset}, "latest_lane": lane}

    def has_applied(self, source: SourceRecord) -> bool:
        """Whether the input record `source` is a copy of one already applied. A lead's records
        from one input partition are applied in offset order (the direct path waits for the
        lead's re-keyed records, `agents/plumbing/direct.py`), so any offset up to the highest
        applied was applied. The record must also be no later than the latest applied: a topic
        deleted and created again numbers its records from 0 anew."""
        mark = self.applied_inputs.get(_input_key(source))
        if mark is None:
            return False
        highest, latest_ms = mark
        return source.offset <= highest and _millis(source.timestamp) <= latest_ms

    def input_applied(self, source: SourceRecord) -> dict[str, object]:
        """The field that records the input record `source` as applied (a model update)."""
        key = _input_key(source)
        highest, latest_ms = self.applied_inputs.get(key, (-1, 0))
        mark = (max(highest, source.offset), max(latest_ms, _millis(source.timestamp)))
        return {"applied_inputs": {**self.applied_inputs, key: mark}}


def _input_key(source: SourceRecord) -> str:
    """An input partition's name in `applied_inputs`."""
    return f"{source.topic}:{source.partition}"


def _millis(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)
