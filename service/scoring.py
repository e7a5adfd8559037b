"""Lead scoring: fit plus decayed engagement, with a breakdown that explains every point."""

import math
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Literal

from schemas.enrichment import Enrichment
from schemas.events import ActivityType
from schemas.profiles import ActivityRecord
from schemas.scores import Grade, Score, ScoreLine
from service.config import EmailKind, ScoringConfig

_SECONDS_PER_DAY = 86_400
_MIN_TOTAL = 0
_MAX_TOTAL = 100

_Component = Literal["fit", "engagement", "adjustment"]  # ScoreLine.component


def score_lead(
    enrichment: Enrichment,
    activities: Sequence[ActivityRecord],
    now: datetime,
    config: ScoringConfig,
) -> Score:
    """Score a lead 0..100 from who it is (fit) and what it did (engagement).

    - Fit: one line per factor (vertical, company size, seniority, territory, email kind) with
      the configured points for the lead's value of it.
    - Engagement: one line per activity type; each activity is worth its type's weight, halved
      for every half-life between when it happened and `now` (activities stamped after `now`
      count in full). Positive engagement is capped at `engagement_cap`; negative signals
      (unsubscribe) come after the cap, so they always cost their points.
    - Each line is rounded to whole points (halves away from zero); if the sum falls outside
      0..100, an "adjustment" line brings it back, so the breakdown always sums to the total.
    The lead is sales-ready when the total reaches the threshold; the grade follows the bands.
    `now` must be timezone-aware, like the activities' timestamps.
    """
    fit_lines = _fit_lines(enrichment, config)
    engagement_lines = _engagement_lines(activities, now, config)
    fit = sum(line.points for line in fit_lines)
    engagement = sum(line.points for line in engagement_lines)
    raw_total = fit + engagement
    total = min(max(raw_total, _MIN_TOTAL), _MAX_TOTAL)
    breakdown = (*fit_lines, *engagement_lines)
    if total != raw_total:
        limit = f"capped at {_MAX_TOTAL}" if raw_total > _MAX_TOTAL else f"floored at {_MIN_TOTAL}"
        breakdown = (
            *breakdown,
            ScoreLine(component="adjustment", factor=f"score {limit}", points=total - raw_total),
        )
    return Score(
        fit=fit,
        engagement=engagement,
        total=total,
        grade=grade_for(total, config),
        sales_ready=total >= config.sales_ready_threshold,
        threshold=config.sales_ready_threshold,
        breakdown=breakdown,
    )


def grade_for(total: int, config: ScoringConfig) -> Grade:
    """A for totals at or above the A band, then B, then C; D below the C band."""
    bands = config.grade_bands
    for grade in ("A", "B", "C"):
        if total >= bands[grade]:
            return grade
    return "D"


def decay_factor(occurred_at: datetime, now: datetime, half_life_days: float) -> float:
    """What share of its weight an activity still carries at `now`: 1 when fresh (or stamped
    in the future), 0.5 after one half-life, 0.25 after two."""
    age_seconds = (now - occurred_at).total_seconds()
    if age_seconds <= 0:
        return 1.0
    return float(0.5 ** (age_seconds / (half_life_days * _SECONDS_PER_DAY)))


def round_points(value: float) -> int:
    """Whole points, halves rounded away from zero (2.5 -> 3, -2.5 -> -3), the way people
    round; Python's round() would give 2."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


# Score lines are frozen, so one line may serve every score that has it: most leads share
# their fit lines, and engagement lines repeat too. The cache is bounded.
@lru_cache(maxsize=4096)
def _line(component: _Component, factor: str, points: int) -> ScoreLine:
    return ScoreLine(component=component, factor=factor, points=points)


def _fit_lines(enrichment: Enrichment, config: ScoringConfig) -> tuple[ScoreLine, ...]:
    weights = config.fit
    email_kind: EmailKind = "none"
    if enrichment.email_domain is not None:
        email_kind = "free" if enrichment.is_free_email else "business"
    vertical = enrichment.vertical
    size = enrichment.size_band
    seniority = enrichment.seniority
    territory = enrichment.territory
    return (
        _line("fit", f"vertical: {vertical}", weights.vertical.get(vertical, 0)),
        _line("fit", f"company size: {size}", weights.size_band.get(size, 0)),
        _line("fit", f"seniority: {seniority}", weights.seniority.get(seniority, 0)),
        _line("fit", f"territory: {territory}", weights.territory.get(territory, 0)),
        _line("fit", f"email: {email_kind}", weights.email.get(email_kind, 0)),
    )


def _engagement_lines(
    activities: Sequence[ActivityRecord], now: datetime, config: ScoringConfig
) -> tuple[ScoreLine, ...]:
    counts: dict[ActivityType, int] = {}
    decayed: dict[ActivityType, float] = {}
    half_life_days = config.engagement_half_life_days
    for activity in activities:
        share = decay_factor(activity.occurred_at, now, half_life_days)
        kind = activity.type
        counts[kind] = counts.get(kind, 0) + 1
        decayed[kind] = decayed.get(kind, 0.0) + share
    positive: list[ScoreLine] = []
    negative: list[ScoreLine] = []
    weights = config.activity_weights
    for activity_type in sorted(counts):
        weight = weights.get(activity_type, 0)
        line = _line(
            "engagement",
            f"activity: {activity_type} x{counts[activity_type]}",
            round_points(weight * decayed[activity_type]),
        )
        (negative if weight < 0 else positive).append(line)
    positive.sort(key=lambda line: -line.points)
    earned = sum(line.points for line in positive)
    if earned > config.engagement_cap:
        positive.append(
            _line(
                "engagement",
                f"engagement capped at {config.engagement_cap}",
                config.engagement_cap - earned,
            )
        )
    return (*positive, *negative)
