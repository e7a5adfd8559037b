import itertools
from datetime import UTC, datetime, timedelta
from typing import Any, get_args

import pytest

from schemas.enrichment import Enrichment, Seniority, SizeBand, Territory, Vertical
from schemas.events import ActivityType
from schemas.profiles import ActivityRecord
from schemas.scores import Score, ScoreLine
from service.config import ScoringConfig
from service.scoring import decay_factor, grade_for, round_points, score_lead

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
CONFIG = ScoringConfig()


def _activity(kind: ActivityType, days_ago: float = 0) -> ActivityRecord:
    return ActivityRecord(type=kind, occurred_at=NOW - timedelta(days=days_ago))


def _enrichment(**fields: Any) -> Enrichment:
    return Enrichment(**fields)


def _points(score: Score, factor_prefix: str) -> list[int]:
    return [line.points for line in score.breakdown if line.factor.startswith(factor_prefix)]


def test_fit_has_one_readable_line_per_factor() -> None:
    enrichment = _enrichment(
        email="jane@acme.com",
        email_domain="acme.com",
        seniority="vp",
        vertical="Financial Services",
        territory="EMEA",
        size_band="1000-4999",
    )
    score = score_lead(enrichment, (), NOW, CONFIG)
    assert [(line.component, line.factor, line.points) for line in score.breakdown] == [
        ("fit", "vertical: Financial Services", 10),
        ("fit", "company size: 1000-4999", 10),
        ("fit", "seniority: vp", 18),
        ("fit", "territory: EMEA", 5),
        ("fit", "email: business", 5),
    ]
    assert (score.fit, score.engagement, score.total) == (48, 0, 48)


def test_free_mail_costs_fit_points_and_no_email_costs_nothing() -> None:
    free = score_lead(_enrichment(email_domain="gmail.com", is_free_email=True), (), NOW, CONFIG)
    none = score_lead(_enrichment(), (), NOW, CONFIG)
    assert _points(free, "email: free") == [-5]
    assert _points(none, "email: none") == [0]


def test_a_fresh_activity_is_worth_its_full_weight() -> None:
    score = score_lead(_enrichment(), [_activity("pricing_page_view")], NOW, CONFIG)
    assert _points(score, "activity: pricing_page_view x1") == [15]
    assert score.engagement == 15


def test_an_activity_is_worth_exactly_half_after_one_half_life() -> None:
    assert decay_factor(NOW - timedelta(days=14), NOW, 14) == 0.5
    assert decay_factor(NOW - timedelta(days=28), NOW, 14) == 0.25
    score = score_lead(_enrichment(), [_activity("demo_request", days_ago=14)], NOW, CONFIG)
    assert _points(score, "activity: demo_request") == [20]


def test_activities_stamped_after_now_count_in_full() -> None:
    assert decay_factor(NOW + timedelta(hours=3), NOW, 14) == 1.0
    score = score_lead(_enrichment(), [_activity("trial_signup", days_ago=-2)], NOW, CONFIG)
    assert _points(score, "activity: trial_signup") == [30]


def test_repeated_activities_of_one_type_share_one_line() -> None:
    activities = [_activity("webinar_attended"), _activity("webinar_attended", days_ago=14)]
    score = score_lead(_enrichment(), activities, NOW, CONFIG)
    assert _points(score, "activity: webinar_attended x2") == [15]  # 10 + 5


def test_half_life_comes_from_config() -> None:
    config = ScoringConfig(engagement_half_life_days=7)
    score = score_lead(_enrichment(), [_activity("demo_request", days_ago=7)], NOW, config)
    assert score.engagement == 20


def test_positive_engagement_is_capped_with_an_explaining_line() -> None:
    activities = [_activity("demo_request"), _activity("contact_sales"), _activity("trial_signup")]
    score = score_lead(_enrichment(), activities, NOW, CONFIG)
    assert _points(score, "engagement capped at 60") == [60 - 110]
    assert score.engagement == 60


def test_unsubscribe_is_a_negative_signal_that_applies_after_the_cap() -> None:
    activities = [_activity("demo_request"), _activity("contact_sales"), _activity("unsubscribe")]
    score = score_lead(_enrichment(), activities, NOW, CONFIG)
    assert score.breakdown[-1].factor == "activity: unsubscribe x1"
    assert score.breakdown[-1].points == -30
    assert score.engagement == 60 - 30


def test_a_total_below_zero_is_floored_by_an_adjustment_line() -> None:
    enrichment = _enrichment(email_domain="gmail.com", is_free_email=True)
    score = score_lead(enrichment, [_activity("unsubscribe")], NOW, CONFIG)
    assert score.total == 0
    assert score.breakdown[-1].component == "adjustment"
    assert score.breakdown[-1].factor == "score floored at 0"
    assert score.breakdown[-1].points == 35
    assert (score.grade, score.sales_ready) == ("D", False)


def test_a_total_above_100_is_capped_by_an_adjustment_line() -> None:
    enrichment = _enrichment(
        email_domain="acme.com",
        seniority="c_level",
        vertical="Pharmaceuticals",
        size_band="5000+",
        territory="NA",
    )
    activities = [_activity("demo_request"), _activity("contact_sales")]
    score = score_lead(enrichment, activities, NOW, CONFIG)
    assert score.fit + score.engagement == 52 + 60
    assert score.total == 100
    assert score.breakdown[-1].factor == "score capped at 100"
    assert score.breakdown[-1].points == -12
    assert (score.grade, score.sales_ready) == ("A", True)


def test_no_adjustment_line_when_the_total_is_in_range() -> None:
    score = score_lead(_enrichment(), [_activity("form_submit")], NOW, CONFIG)
    assert all(line.component != "adjustment" for line in score.breakdown)


def test_an_unsubscribed_lead_still_scores_with_the_unsubscribe_taken_off() -> None:
    enrichment = _enrichment(email_domain="acme.com", seniority="director")
    activities = [_activity("demo_request"), _activity("contact_sales"), _activity("unsubscribe")]
    score = score_lead(enrichment, activities, NOW, CONFIG)
    assert score.total == 15 + 5 + 60 - 30
    assert score.breakdown[-1].points == -30


@pytest.mark.parametrize(
    ("total", "grade"),
    [(100, "A"), (80, "A"), (79, "B"), (60, "B"), (59, "C"), (40, "C"), (39, "D"), (0, "D")],
)
def test_grade_bands(total: int, grade: str) -> None:
    assert grade_for(total, CONFIG) == grade


def test_sales_ready_at_the_threshold_and_not_below() -> None:
    enrichment = _enrichment(email_domain="acme.com", seniority="manager", territory="NA")
    at = score_lead(enrichment, [_activity("demo_request")], NOW, CONFIG)
    assert at.total == 60
    assert (at.sales_ready, at.threshold) == (True, 60)
    below = score_lead(
        enrichment, [_activity("demo_request")], NOW, ScoringConfig(sales_ready_threshold=61)
    )
    assert (below.sales_ready, below.threshold) == (False, 61)


@pytest.mark.parametrize(
    ("value", "points"), [(2.5, 3), (-2.5, -3), (2.49, 2), (0.5, 1), (-0.4, 0), (0.0, 0)]
)
def test_points_round_half_away_from_zero(value: float, points: int) -> None:
    assert round_points(value) == points


def test_the_breakdown_always_sums_to_the_total_in_0_to_100() -> None:
    """Hundreds of generated combinations, deterministic (no randomness), through odd weights."""
    config = ScoringConfig.model_validate(
        {
            "activity_weights": {
                "demo_request": 37,
                "email_open": 3,
                "content_download": 7,
                "unsubscribe": -33,
            },
            "engagement_half_life_days": 5.5,
            "engagement_cap": 45,
        }
    )
    kinds: tuple[ActivityType, ...] = get_args(ActivityType)
    combos = itertools.product(
        get_args(Seniority), get_args(SizeBand), get_args(Vertical)[::3], get_args(Territory)
    )
    checked = 0
    for number, (seniority, band, vertical, territory) in enumerate(combos):
        enrichment = Enrichment(
            email_domain=None if number % 3 == 0 else "acme.com",
            is_free_email=number % 3 == 1,
            seniority=seniority,
            size_band=band,
            vertical=vertical,
            territory=territory,
        )
        activities = [
            _activity(kinds[(number * 7 + step) % len(kinds)], days_ago=(number + step * 3.3) % 40)
            for step in range(number % 9)
        ]
        score = score_lead(enrichment, activities, NOW, config)
        assert sum(line.points for line in score.breakdown) == score.total
        assert 0 <= score.total <= 100
        assert (
            score.fit
            + score.engagement
            + sum(line.points for line in score.breakdown if line.component == "adjustment")
            == score.total
        )
        checked += 1
    assert checked >= 300


def test_scoring_is_deterministic_and_independent_of_activity_order() -> None:
    activities = [
        _activity("email_open", 1),
        _activity("demo_request", 3),
        _activity("email_open", 9),
        _activity("content_download", 2),
    ]
    first = score_lead(_enrichment(), activities, NOW, CONFIG)
    second = score_lead(_enrichment(), list(reversed(activities)), NOW, CONFIG)
    assert first == second


def test_engagement_decays_exactly_as_decay_factor_says() -> None:
    weights = CONFIG.activity_weights
    ages = [timedelta(0), timedelta(seconds=-30), timedelta(days=3.3), timedelta(days=200)]
    ages += [timedelta(days=13, hours=23, minutes=59, seconds=59, microseconds=999_999)]
    kinds: tuple[ActivityType, ...] = ("demo_request", "email_open", "unsubscribe")
    for kind, age in itertools.product(kinds, ages):
        activity = ActivityRecord(type=kind, occurred_at=NOW - age)
        score = score_lead(_enrichment(), [activity, activity], NOW, CONFIG)
        share = decay_factor(activity.occurred_at, NOW, CONFIG.engagement_half_life_days)
        assert _points(score, f"activity: {kind} x2") == [
            round_points(weights[kind] * (share + share))
        ]


def test_equal_leads_get_equal_lines_whichever_is_scored_first() -> None:
    vp = _enrichment(seniority="vp", vertical="Consulting", email_domain="acme.com")
    student = _enrichment(seniority="individual_contributor", territory="APAC")
    activities = [_activity("demo_request", 1), _activity("webinar_attended", 20)]
    first = [score_lead(enrichment, activities, NOW, CONFIG) for enrichment in (vp, student)]
    second = [score_lead(enrichment, activities, NOW, CONFIG) for enrichment in (student, vp)]
    assert first == list(reversed(second))
    for line in first[0].breakdown:
        assert line == ScoreLine(component=line.component, factor=line.factor, points=line.points)
