"""Per-lead profiles: merging events into one lead, de-duplicating them, the routing lifecycle."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from schemas.events import LeadAttributes, LeadEvent
from schemas.profiles import ActivityRecord, LeadProfile
from service.normalize import clean_text, normalize_email

# Consent flags only ever tighten: one event saying "do not email" is enough, and a later form
# that does not tick the box (False is the default) must not undo the opt-out.
_STICKY_FLAGS = frozenset({"do_not_email", "do_not_call"})
_NAME_FIELDS = frozenset({"first_name", "last_name", "company_name"})


@dataclass(frozen=True, slots=True)
class ProfileUpdate:
    """The profile after an event, and whether the event had already been applied."""

    profile: LeadProfile
    is_duplicate: bool


def apply_event(
    profile: LeadProfile | None,
    event: LeadEvent,
    identity: str,
    received_at: datetime,
    *,
    window: int = 64,
    max_activities: int = 50,
) -> ProfileUpdate:
    """Merge one lead event into the lead's profile (a new profile for a lead never seen).

    - An event whose id is among the last `window` ids applied is a duplicate (a redelivery):
      the profile is returned unchanged.
    - Attributes: a value the event carries replaces the known one; a missing, blank or
      placeholder value ("Select", "N/A") never erases what is known. Do-not-email and
      do-not-call, once set, stay set.
    - The event's activity is added (timed at the event when it has no time of its own);
      activities are kept in time order and only the newest `max_activities` are kept.
    - first_seen_at / last_event_at are the Kafka receive times of the first and latest events.
    """
    if profile is None:
        profile = LeadProfile(
            identity=identity,
            source=event.source,
            attributes=_merge_attributes(LeadAttributes(), event.lead),
            first_seen_at=received_at,
            last_event_at=received_at,
        )
        base_attributes = profile.attributes
    else:
        if event.event_id in profile.recent_event_ids:
            return ProfileUpdate(profile=profile, is_duplicate=True)
        base_attributes = _merge_attributes(profile.attributes, event.lead)
    activities = profile.activities
    if event.activity is not None:
        record = ActivityRecord(
            type=event.activity.type,
            occurred_at=event.activity.occurred_at or event.occurred_at,
            campaign=event.activity.campaign,
        )
        activities = _keep_newest((*activities, record), max_activities)
    recent_ids = (*profile.recent_event_ids, event.event_id)
    updated = profile.model_copy(
        update={
            "attributes": base_attributes,
            "last_event_at": max(profile.last_event_at, received_at),
            "event_count": profile.event_count + 1,
            "activities": activities,
            "recent_event_ids": recent_ids[-window:] if window > 0 else (),
        }
    )
    return ProfileUpdate(profile=updated, is_duplicate=False)


def mark_routed(profile: LeadProfile) -> LeadProfile:
    """The lead is now with sales."""
    return profile.model_copy(update={"status": "routed"})


def mark_nurtured(profile: LeadProfile) -> LeadProfile:
    """The lead is back with marketing (e.g. sales rejected or recycled it) and may qualify
    again under a new generation; its generation is kept."""
    return profile.model_copy(update={"status": "nurture"})


def _merge_attributes(known: LeadAttributes, incoming: LeadAttributes) -> LeadAttributes:
    update: dict[str, Any] = {}
    for field in LeadAttributes.model_fields:
        value = getattr(incoming, field)
        if field in _STICKY_FLAGS:
            if value is True:
                update[field] = True
        elif _is_informative(field, value):
            update[field] = value
    return known.model_copy(update=update) if update else known


def _is_informative(field: str, value: object) -> bool:
    if value is None:
        return False
    if field == "email":
        return isinstance(value, str) and normalize_email(value) is not None
    if isinstance(value, str):
        return clean_text(value, is_name=field in _NAME_FIELDS) is not None
    return True


def _keep_newest(
    activities: tuple[ActivityRecord, ...], max_activities: int
) -> tuple[ActivityRecord, ...]:
    ordered = sorted(
        activities, key=lambda item: (item.occurred_at, item.type, item.campaign or "")
    )
    return tuple(ordered[-max_activities:]) if max_activities > 0 else ()
