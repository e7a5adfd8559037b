"""What a conversion model may know about a lead when it is scored, as model features.

Only what is known at scoring time goes in: the merged attributes, the enrichment and the
activities so far, with engagement measured at `now` (the event's own time, like the rule
score). Categorical facts are explicit one-hot features named `group=value`, so an explanation
reads as the fact itself ("lead_source=referral"); numeric facts are log-transformed so that one
lead with 200 page views cannot outweigh everything else. Free-text values are normalised and
cut to a bounded length; the model bounds how many distinct features it keeps.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import get_args

from schemas.enrichment import Enrichment
from schemas.events import ActivityType, LeadAttributes
from schemas.profiles import ActivityRecord, LeadProfile
from service.free_text import clean_text

ACTIVITY_TYPES: tuple[ActivityType, ...] = get_args(ActivityType)
DEFAULT_HALF_LIFE_DAYS = 14.0
MAX_VALUE_LENGTH = 40
_SECONDS_PER_DAY = 86_400.0
# Activities that are visits to the website: they count towards page views and visit time.
_VISITS: frozenset[ActivityType] = frozenset({"page_view", "pricing_page_view"})
# Days since the latest activity, as bands a marketer would name.
_RECENCY_BANDS: tuple[tuple[float, str], ...] = (
    (1.0, "today"),
    (7.0, "this_week"),
    (30.0, "this_month"),
    (90.0, "this_quarter"),
)
# Naive Bayes sees a numeric feature as a band of its (log) value: half-unit steps, capped.
_MAX_BAND = 12
_NONE = "none"


@dataclass(frozen=True, slots=True)
class LeadFeatures:
    """A lead as a model sees it: one value per categorical group, and numeric facts.

    `numbers` hold only non-zero values; `banded` lists the numeric features that naive Bayes
    sees even when they are zero (no email clicks at all is informative too).
    """

    categories: Mapping[str, str]
    numbers: Mapping[str, float]
    banded: tuple[str, ...] = ()

    def sparse(self) -> dict[str, float]:
        """The features as a sparse vector for a linear model: one-hot groups and numbers."""
        vector = {f"{group}={value}": 1.0 for group, value in self.categories.items()}
        vector.update(self.numbers)
        return vector

    def tokens(self) -> dict[str, str]:
        """The features as categorical tokens for naive Bayes: numbers become bands."""
        tokens = dict(self.categories)
        for name in self.banded:
            tokens[name] = band_of(self.numbers.get(name, 0.0))
        return tokens


def features_of(categories: Mapping[str, str], numbers: Mapping[str, float]) -> LeadFeatures:
    """Features stored as their two maps (e.g. with a routing decision), as the model takes
    them: the banded numeric features are the same for every lead."""
    return LeadFeatures(categories=dict(categories), numbers=dict(numbers), banded=_BANDED)


def band_of(value: float) -> str:
    """The band naive Bayes sees for a log-scaled number: steps of a half, the last one open."""
    return str(min(int(value * 2.0), _MAX_BAND))


def profile_features(
    profile: LeadProfile,
    enrichment: Enrichment,
    now: datetime,
    *,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
) -> LeadFeatures:
    """The features of a lead profile at `now` (see `lead_features`)."""
    return lead_features(
        profile.attributes,
        profile.activities,
        enrichment,
        now,
        source=profile.source,
        half_life_days=half_life_days,
    )


def lead_features(
    attributes: LeadAttributes,
    activities: Sequence[ActivityRecord],
    enrichment: Enrichment,
    now: datetime,
    *,
    source: str | None = None,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
) -> LeadFeatures:
    """Describe a lead for a conversion model, from what is known about it at `now`.

    - Who: lead source, campaign (the UTM campaign, else the latest activity's), UTM source
      and medium, form and landing page, the publishing system, country and territory,
      vertical, seniority, department, job title, product interest, company size band,
      email kind (business, free, none), consent flags, whether a phone number is known.
    - What it did so far: per activity type the count and the sum decayed by `half_life_days`
      (log1p of each), total page views, visit time and pages per visit (log1p), the type of
      the latest activity and how long ago it was (today, this week, ... , older, none).
    Activities stamped after `now` are not known yet and are left out.
    """
    known = [activity for activity in activities if activity.occurred_at <= now]
    categories = _who(attributes, enrichment, source)
    categories.update(_campaign(attributes, known))
    categories.update(_latest(known, now))
    numbers = _engagement(known, now, half_life_days)
    return LeadFeatures(categories=categories, numbers=numbers, banded=_BANDED)


def _who(attributes: LeadAttributes, enrichment: Enrichment, source: str | None) -> dict[str, str]:
    email_kind = _NONE
    if enrichment.email_domain is not None:
        email_kind = "free" if enrichment.is_free_email else "business"
    return {
        "lead_source": category_value(attributes.lead_source),
        "utm_source": category_value(attributes.utm_source),
        "utm_medium": category_value(attributes.utm_medium),
        "form": category_value(attributes.form_name),
        "landing_page": category_value(attributes.landing_page),
        "system": category_value(source),
        "country": (enrichment.country_code or "unknown").lower(),
        "territory": enrichment.territory.lower(),
        "vertical": category_value(enrichment.vertical),
        "seniority": enrichment.seniority,
        "department": enrichment.department,
        "title": category_value(attributes.job_title),
        "product_interest": category_value(attributes.product_interest),
        "size_band": enrichment.size_band,
        "email": email_kind,
        "do_not_email": "yes" if attributes.do_not_email else "no",
        "do_not_call": "yes" if attributes.do_not_call else "no",
        "phone": "no" if clean_text(attributes.phone) is None else "yes",
    }


def _campaign(attributes: LeadAttributes, known: Sequence[ActivityRecord]) -> dict[str, str]:
    campaign = attributes.utm_campaign
    if clean_text(campaign) is None:
        campaign = next((a.campaign for a in reversed(known) if a.campaign), None)
    return {"campaign": category_value(campaign)}


def _latest(known: Sequence[ActivityRecord], now: datetime) -> dict[str, str]:
    if not known:
        return {"last_activity": _NONE, "recency": _NONE}
    latest = max(known, key=lambda activity: activity.occurred_at)
    days = (now - latest.occurred_at).total_seconds() / _SECONDS_PER_DAY
    recency = next((name for limit, name in _RECENCY_BANDS if days < limit), "older")
    return {"last_activity": latest.type, "recency": recency}


def _engagement(
    known: Iterable[ActivityRecord], now: datetime, half_life_days: float
) -> dict[str, float]:
    counts: dict[str, int] = {}
    decayed: dict[str, float] = {}
    pages = 0
    visits = 0
    seconds = 0.0
    half_life = half_life_days * _SECONDS_PER_DAY
    for activity in known:
        kind = activity.type
        age = max((now - activity.occurred_at).total_seconds(), 0.0)
        counts[kind] = counts.get(kind, 0) + 1
        decayed[kind] = decayed.get(kind, 0.0) + 0.5 ** (age / half_life)
        seconds += activity.duration_seconds or 0.0
        if kind in _VISITS:
            visits += 1
            pages += activity.page_count if activity.page_count is not None else 1
    numbers: dict[str, float] = {}
    for name in sorted(counts):
        numbers[f"count:{name}"] = math.log1p(counts[name])
        numbers[f"decayed:{name}"] = math.log1p(decayed[name])
    totals = {
        "page_views": math.log1p(pages),
        "visit_seconds": math.log1p(seconds),
        "pages_per_visit": math.log1p(pages / visits) if visits else 0.0,
        "activities": math.log1p(sum(counts.values())),
    }
    numbers.update({name: value for name, value in totals.items() if value > 0.0})
    return numbers


_BANDED: tuple[str, ...] = (
    *(f"count:{kind}" for kind in ACTIVITY_TYPES),
    "page_views",
    "visit_seconds",
    "pages_per_visit",
)


@lru_cache(maxsize=8192)
def category_value(text: str | None) -> str:
    """A free-text value as a category: casefolded, blanks collapsed, at most 40 characters;
    "none" when it is missing, blank or a placeholder ("Select", "N/A")."""
    cleaned = clean_text(text)
    if cleaned is None:
        return _NONE
    return cleaned.casefold()[:MAX_VALUE_LENGTH]
