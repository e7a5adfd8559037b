"""What sales hears about a lead it already has: new activity, rate-limited per lead."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from schemas.events import LeadEvent
from schemas.profiles import LeadProfile
from schemas.scores import Score

# A rep wants to hear of these at once, whatever it heard lately: the lead raises its hand, or
# leaves.
URGENT: Final = frozenset({"demo_request", "contact_sales", "trial_signup", "unsubscribe"})
# News for a rep, at most once per interval: a burst of pricing views is one update. Other
# activity (page views, email opens) is folded into the next update, never sent alone.
NEWSWORTHY: Final = URGENT | {"pricing_page_view", "form_submit", "email_click", "webinar_attended"}
DEFAULT_INTERVAL: Final = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class SalesUpdate:
    """An update to send now: what changed, and how many events it stands for."""

    previous_total: int | None
    changes: tuple[str, ...]
    folded: int


def sales_update(
    profile: LeadProfile,
    event: LeadEvent,
    score: Score,
    interval: timedelta = DEFAULT_INTERVAL,
) -> tuple[SalesUpdate | None, dict[str, object]]:
    """Whether a routed lead's new event is news for its rep, and the profile fields to keep.

    Urgent activity is sent at once. Other news is sent when `interval` passed (in event time)
    since the lead's last update, so a burst of pricing views is one update; the events in
    between, and activity that is no news on its own, are folded into the next update.
    """
    activity = event.activity.type if event.activity is not None else None
    folded = profile.unheard_events + 1
    heard = profile.sales_heard_at
    due = heard is None or event.occurred_at - heard >= interval
    if activity not in URGENT and not (activity in NEWSWORTHY and due):
        return None, {"unheard_events": folded}
    previous = profile.sales_heard_total
    changes = [f"new activity: {activity or event.event_type}"]
    if previous is not None and previous != score.total:
        changes.append(f"score {previous} -> {score.total}")
    if folded > 1:
        changes.append(f"{folded - 1} earlier event(s) since the last update")
    update = SalesUpdate(previous_total=previous, changes=tuple(changes), folded=folded)
    return update, {
        "sales_heard_at": max(event.occurred_at, heard) if heard else event.occurred_at,
        "sales_heard_total": score.total,
        "unheard_events": 0,
    }


def heard_at_routing(total: int) -> dict[str, object]:
    """A routed lead reaches sales with its score; the first news after it is sent at once."""
    return {"sales_heard_at": None, "sales_heard_total": total, "unheard_events": 0}
