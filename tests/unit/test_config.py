import pytest
from pydantic import ValidationError

from service.config import EnrichmentConfig, ScoringConfig


def test_enrichment_defaults_are_the_agreed_enterprise_thresholds() -> None:
    config = EnrichmentConfig()
    assert config.enterprise_min_employees == 1000
    assert config.enterprise_min_revenue == 250_000_000
    assert config.enterprise_tiers == ("key", "strategic")


def test_scoring_defaults_are_the_agreed_weights() -> None:
    config = ScoringConfig()
    assert config.activity_weights["demo_request"] == 40
    assert config.activity_weights["contact_sales"] == 40
    assert config.activity_weights["unsubscribe"] == -30
    assert config.engagement_half_life_days == 14
    assert config.sales_ready_threshold == 60
    assert config.grade_bands == {"A": 80, "B": 60, "C": 40}


def test_a_ruleset_scoring_mapping_is_read_with_readable_keys() -> None:
    config = ScoringConfig.model_validate(
        {
            "fit": {
                "seniority": {"c_level": 25, "vp": 20},
                "email": {"business": 3, "free": -10},
                "vertical": {"Financial Services": 12},
            },
            "activity_weights": {"demo_request": 50, "unsubscribe": -40},
            "engagement_half_life_days": 7,
            "engagement_cap": 50,
            "sales_ready_threshold": 70,
            "grade_bands": {"A": 90, "B": 70, "C": 50},
        }
    )
    assert config.fit.seniority == {"c_level": 25, "vp": 20}
    assert config.fit.vertical == {"Financial Services": 12}
    assert config.fit.size_band["5000+"] == 12  # an omitted factor keeps its default map
    assert config.activity_weights == {"demo_request": 50, "unsubscribe": -40}
    assert config.sales_ready_threshold == 70


@pytest.mark.parametrize(
    "mapping",
    [
        {"treshold": 60},
        {"activity_weights": {"webinar": 10}},
        {"fit": {"seniority": {"boss": 10}}},
        {"fit": {"vertical": {"Fintech": 10}}},
        {"engagement_half_life_days": 0},
        {"sales_ready_threshold": 101},
        {"engagement_cap": -1},
        {"grade_bands": {"A": 80, "B": 60}},
        {"grade_bands": {"A": 60, "B": 80, "C": 40}},
        {"grade_bands": {"A": 80, "B": 60, "C": 40, "D": 0}},
    ],
)
def test_mistakes_in_a_scoring_mapping_are_rejected(mapping: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        ScoringConfig.model_validate(mapping)


def test_unknown_enrichment_settings_are_rejected() -> None:
    with pytest.raises(ValidationError):
        EnrichmentConfig.model_validate({"enterprise_min_employes": 500})


def test_configs_are_frozen() -> None:
    config = ScoringConfig()
    with pytest.raises(ValidationError):
        config.sales_ready_threshold = 10  # type: ignore[misc]
