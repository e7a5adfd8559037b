"""Per-lead state kept by the profile stage (a Faust table keyed by lead identity)."""

from typing import Literal

from pydantic import AwareDatetime

from schemas.base import OutputModel
from schemas.events import ActivityType, LeadAttributes

LeadStatus = Literal["nurture", "routed"]


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
    outputs are sent again. `routed_event_id` names the event that made the current generation
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
    routed_event_id: str | None = None
    routed_snapshot: RoutedSnapshot | None = None
    labelled_decisions: tuple[str, ...] = ()
    # What sales last heard of a routed lead (`sales.updates.v1`), and events since then.
    sales_heard_at: AwareDatetime | None = None
    sales_heard_total: int | None = None
    unheard_events: int = 0
