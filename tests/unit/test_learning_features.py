"""What a conversion model knows about a lead when it is scored."""

import math
from datetime import UTC, datetime, timedelta

from schemas.enrichment import Enrichment
from schemas.events import LeadAttributes
from schemas.profiles import ActivityRecord, LeadProfile
from service.learning.features import band_of, category_value, lead_features, profile_features

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
ATTRIBUTES = LeadAttributes(
    email="jane@acme.com",
    job_title="Marketing Manager",
    lead_source="Organic Search",
    utm_medium="cpc",
    utm_campaign="Spring  Launch",
    form_name="Select",
    do_not_email=True,
)
ENRICHMENT = Enrichment(
    email_domain="acme.com",
    country_code="DE",
    territory="EMEA",
    seniority="manager",
    department="marketing",
    size_band="200-999",
)


def _activity(kind: str, days_ago: float, **more: float) -> ActivityRecord:
    return ActivityRecord.model_validate(
        {"type": kind, "occurred_at": NOW - timedelta(days=days_ago), **more}
    )


ACTIVITIES = (
    _activity("page_view", 20, duration_seconds=120.0, page_count=3),
    _activity("page_view", 2, duration_seconds=60.0, page_count=2),
    _activity("email_click", 14),
    _activity("pricing_page_view", 0.5),
)


def test_who_the_lead_is_becomes_one_value_per_group() -> None:
    features = lead_features(ATTRIBUTES, ACTIVITIES, ENRICHMENT, NOW, source="HubSpot")

    categories = features.categories
    assert categories["lead_source"] == "organic search"
    assert categories["utm_medium"] == "cpc"
    assert categories["campaign"] == "spring launch"
    assert categories["form"] == "none"  # a placeholder is no value
    assert categories["system"] == "hubspot"
    assert (categories["country"], categories["territory"]) == ("de", "emea")
    assert (categories["seniority"], categories["department"]) == ("manager", "marketing")
    assert (categories["size_band"], categories["email"]) == ("200-999", "business")
    assert (categories["do_not_email"], categories["do_not_call"]) == ("yes", "no")
    assert categories["title"] == "marketing manager"


def test_engagement_is_counted_decayed_and_log_scaled_per_activity_type() -> None:
    features = lead_features(ATTRIBUTES, ACTIVITIES, ENRICHMENT, NOW, half_life_days=14)

    numbers = features.numbers
    assert numbers["count:page_view"] == math.log1p(2)
    assert numbers["decayed:email_click"] == math.log1p(0.5)
    assert numbers["page_views"] == math.log1p(3 + 2 + 1)
    assert numbers["visit_seconds"] == math.log1p(180.0)
    assert numbers["pages_per_visit"] == math.log1p(6 / 3)
    assert "count:demo_request" not in numbers


def test_the_latest_activity_and_its_recency_are_categories() -> None:
    features = lead_features(ATTRIBUTES, ACTIVITIES, ENRICHMENT, NOW)

    assert features.categories["last_activity"] == "pricing_page_view"
    assert features.categories["recency"] == "today"


def test_a_lead_without_activities_has_no_engagement_and_no_recency() -> None:
    features = lead_features(LeadAttributes(email="a@b.com"), (), Enrichment(), NOW)

    assert features.numbers == {}
    assert features.categories["recency"] == "none"
    assert features.categories["email"] == "none"
    assert features.tokens()["count:email_click"] == "0"


def test_activities_after_the_scoring_time_are_not_known_yet() -> None:
    later = (*ACTIVITIES, _activity("demo_request", -1))

    assert lead_features(ATTRIBUTES, later, ENRICHMENT, NOW) == lead_features(
        ATTRIBUTES, ACTIVITIES, ENRICHMENT, NOW
    )


def test_the_campaign_falls_back_to_the_latest_activitys_campaign() -> None:
    activities = (
        ActivityRecord(type="email_click", occurred_at=NOW - timedelta(days=3), campaign="old"),
        ActivityRecord(type="email_click", occurred_at=NOW - timedelta(days=1), campaign="New"),
    )

    features = lead_features(LeadAttributes(email="a@b.com"), activities, ENRICHMENT, NOW)

    assert features.categories["campaign"] == "new"


def test_sparse_vectors_are_one_hot_groups_plus_numbers() -> None:
    features = lead_features(ATTRIBUTES, ACTIVITIES, ENRICHMENT, NOW)

    vector = features.sparse()

    assert vector["lead_source=organic search"] == 1.0
    assert vector["count:page_view"] == math.log1p(2)
    assert all(value != 0.0 for value in vector.values())


def test_naive_bayes_sees_numbers_as_bands() -> None:
    features = lead_features(ATTRIBUTES, ACTIVITIES, ENRICHMENT, NOW)

    tokens = features.tokens()

    assert tokens["count:page_view"] == band_of(math.log1p(2)) == "2"
    assert tokens["count:demo_request"] == "0"
    assert band_of(100.0) == "12"


def test_a_profiles_features_are_those_of_its_attributes_activities_and_source() -> None:
    profile = LeadProfile(
        identity="email:jane@acme.com",
        source="Marketo",
        attributes=ATTRIBUTES,
        first_seen_at=NOW,
        last_event_at=NOW,
        activities=ACTIVITIES,
    )

    assert profile_features(profile, ENRICHMENT, NOW) == lead_features(
        ATTRIBUTES, ACTIVITIES, ENRICHMENT, NOW, source="Marketo"
    )


def test_free_text_categories_are_casefolded_and_bounded() -> None:
    assert category_value("  Paid   SEARCH ") == "paid search"
    assert len(category_value("x" * 500)) == 40
    assert category_value(None) == category_value("N/A") == "none"
