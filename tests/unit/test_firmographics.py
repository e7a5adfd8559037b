from typing import Any

import pytest

from schemas.accounts import AccountTier
from schemas.enrichment import AccountMatch
from service.config import EnrichmentConfig
from service.firmographics import (
    country_code_from_country,
    department_from_title,
    sales_motion,
    seniority_from_title,
    size_band,
    vertical_from_industry,
)


@pytest.mark.parametrize(
    ("employees", "band"),
    [
        (None, "unknown"),
        (0, "unknown"),
        (1, "1-49"),
        (49, "1-49"),
        (50, "50-199"),
        (199, "50-199"),
        (200, "200-999"),
        (999, "200-999"),
        (1000, "1000-4999"),
        (4999, "1000-4999"),
        (5000, "5000+"),
        (10_000_000, "5000+"),
    ],
)
def test_size_band_edges(employees: int | None, band: str) -> None:
    assert size_band(employees) == band


def _account(tier: AccountTier) -> AccountMatch:
    return AccountMatch(
        account_id="a1", name="Acme", method="email_domain", tier=tier, customer_status="prospect"
    )


def test_big_companies_are_enterprise_by_head_count_or_revenue() -> None:
    config = EnrichmentConfig()
    assert sales_motion(1000, None, None, config) == "enterprise"
    assert sales_motion(999, None, None, config) == "transactional"
    assert sales_motion(None, 250_000_000, None, config) == "enterprise"
    assert sales_motion(10, 249_999_999.0, None, config) == "transactional"
    assert sales_motion(10_000_000, 1e13, None, config) == "enterprise"


def test_key_and_strategic_accounts_are_enterprise_whatever_their_size() -> None:
    config = EnrichmentConfig()
    assert sales_motion(5, None, _account("key"), config) == "enterprise"
    assert sales_motion(5, None, _account("strategic"), config) == "enterprise"
    assert sales_motion(5, None, _account("standard"), config) == "transactional"


def test_unknown_size_is_transactional() -> None:
    assert sales_motion(None, None, None, EnrichmentConfig()) == "transactional"


def test_enterprise_thresholds_come_from_config() -> None:
    config = EnrichmentConfig(enterprise_min_employees=200, enterprise_tiers=("key",))
    assert sales_motion(200, None, None, config) == "enterprise"
    assert sales_motion(5, None, _account("strategic"), config) == "transactional"


_CACHED = (
    seniority_from_title,
    department_from_title,
    vertical_from_industry,
    country_code_from_country,
)


@pytest.mark.parametrize("function", _CACHED, ids=lambda function: function.__name__)
def test_a_value_asked_again_gets_the_answer_it_got_first(function: Any) -> None:
    values: tuple[str | None, ...] = (None, "", "Select", "VP Sales", "Assistant to the CEO")
    values += ("Head of R&D", "USA", "naics 5411", "Biotech", "Korea, Republic of", "NA")
    for value in values:
        first = function(value)
        assert function(value) == first == function.__wrapped__(value)


@pytest.mark.parametrize("function", _CACHED, ids=lambda function: function.__name__)
def test_the_firmographics_caches_are_bounded(function: Any) -> None:
    assert function.cache_info().maxsize is not None
