"""Per-lead profiles: merging events into one lead, de-duplicating them, the routing lifecycle."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from schemas.events import LeadAttributes, LeadEvent
from schemas.pipeline import SourceRecord
from schemas.profiles import ActivityRecord, LeadProfile, LeadStatus
from service.email_addresses import normalize_email
from service.free_text import clean_text

# Consent flags only ever tighten: one event saying "do not email" is enough, and a later form
# that does not tick the box (False is the default) must not undo the opt-out.
_STICKY_FLAGS = frozenset({"do_not_email", "do_not_call"})
_NAME_FIELDS = frozenset({"first_name", "last_name", "company_name"})
_ATTRIBUTE_FIELDS = tuple(LeadAttributes.model_fields)
# What a new lead's attributes are merged into. Frozen, so every new profile may start from it.
_NO_ATTRIBUTES = LeadAttributes()


@dataclass(frozen=True, slots=True)
class ProfileUpdate:
    """The profile after an event, and whether the event had already been applied."""

    profile: LeadProfile
    is_duplicate: bool


@dataclass(frozen=True, slots=True)
class ProfileMerge:
    """An event merged into a lead's profile, the profile not built yet: `base` (the profile
    before the event) and the `changes` the event makes to it.

    The attributes, activities and status are those of the merged profile. `profile()` builds
    it, with any further changes of the caller's in the same copy (the pipeline adds the
    offset and the routing decision), instead of one copy of the profile per change.
    """

    base: LeadProfile
    changes: Mapping[str, Any]

    @property
    def attributes(self) -> LeadAttributes:
        attributes: LeadAttributes = self.changes["attributes"]
        return attributes

    @property
    def activities(self) -> tuple[ActivityRecord, ...]:
        activities: tuple[ActivityRecord, ...] = self.changes["activities"]
        return activities

    @property
    def status(self) -> LeadStatus:
        return self.base.status

    def profile(self, **more: Any) -> LeadProfile:
        """The merged profile, with the values in `more` too. Like `model_copy`, this does not
        validate them: they must already be valid values of the fields' types."""
        return self.base.model_copy(update={**self.changes, **more} if more else self.changes)


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
    merge = merge_event(
        profile, event, identity, received_at, window=window, max_activities=max_activities
    )
    if merge is None:
        assert profile is not None  # only a known lead has seen an event before
        return ProfileUpdate(profile=profile, is_duplicate=True)
    return ProfileUpdate(profile=merge.profile(), is_duplicate=False)


def merge_event(
    profile: LeadProfile | None,
    event: LeadEvent,
    identity: str,
    received_at: datetime,
    *,
    window: int = 64,
    max_activities: int = 50,
    source: SourceRecord | None = None,
) -> ProfileMerge | None:
    """The event merged into the lead as `apply_event` does it, the profile not built yet
    (see ProfileMerge); None when the event is a duplicate: its id is in the window, or its
    input record `source` is a copy of one already applied (`LeadProfile.has_applied`)."""
    if profile is None:
        profile = LeadProfile(
            identity=identity,
            source=event.source,
            attributes=_merge_attributes(_NO_ATTRIBUTES, event.lead),
            first_seen_at=received_at,
            last_event_at=received_at,
        )
        base_attributes = profile.attributes
    else:
        if event.event_id in profile.recent_event_ids or (
            source is not None and profile.has_applied(source)
        ):
            return None
        base_attributes = _merge_attributes(profile.attributes, event.lead)
    activities = profile.activities
    if event.activity is not None:
        record = ActivityRecord(
            type=event.activity.type,
            occurred_at=event.activity.occurred_at or event.occurred_at,
            campaign=event.activity.campaign,
            duration_seconds=event.activity.duration_seconds,
            page_count=event.activity.page_count,
        )
        activities = _keep_newest((*activities, record), max_activities)
    recent_ids = (*profile.recent_event_ids, event.event_id)
    changes = {
        "attributes": base_attributes,
        "last_event_at": max(profile.last_event_at, received_at),
        "event_count": profile.event_count + 1,
        "activities": activities,
        "recent_event_ids": recent_ids[-window:] if window > 0 else (),
    }
    if source is not None:
        changes |= profile.input_applied(source)
    return ProfileMerge(base=profile, changes=changes)


def mark_nurtured(profile: LeadProfile) -> LeadProfile:
    """The lead is back with marketing (e.g. sales rejected or recycled it) and may qualify
    again under a new generation; its generation is kept."""
    return profile.model_copy(update={"status": "nurture"})


def _merge_attributes(known: LeadAttributes, incoming: LeadAttributes) -> LeadAttributes:
    update: dict[str, Any] = {}
    for field in _ATTRIBUTE_FIELDS:
        value = getattr(incoming, field)
        if value is None:  # most fields of most events: never informative, never sticky
            continue
        if field in _STICKY_FLAGS:
            if value is True:
                update[field] = True
        elif _is_informative(field, value):
            update[field] = value
    return known.model_copy(update=update) if update else known


def _is_informative(field: str, value: object) -> bool:
    """Text unless blank or a placeholder (an email unless it does not normalise); any other
    value, except an email that is not text."""
    if isinstance(value, str):
        return _is_informative_text(field, value)
    return field != "email"


# A lead's values come back with each of its events; the answer is a pure function of the two.
@lru_cache(maxsize=8192)
def _is_informative_text(field: str, value: str) -> bool:
    if field == "email":
        return normalize_email(value) is not None
    return clean_text(value, is_name=field in _NAME_FIELDS) is not None


def _keep_newest(
    activities: tuple[ActivityRecord, ...], max_activities: int
) -> tuple[ActivityRecord, ...]:
    ordered = sorted(
        activities, key=lambda item: (item.occurred_at, item.type, item.campaign or "")
    )
    return tuple(ordered[-max_activities:]) if max_activities > 0 else ()
