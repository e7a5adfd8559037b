"""Firmographics read from what a lead typed: company size and sales motion here; seniority,
department, vertical, country and territory live in their own modules and are re-exported."""

from schemas.enrichment import AccountMatch, Motion, SizeBand
from service.config import EnrichmentConfig
from service.countries import (
    country_code_from_country,
    territory_from_country,
    territory_from_region,
)
from service.departments import department_from_title
from service.seniority import seniority_from_title
from service.verticals import vertical_from_industry

__all__ = [
    "country_code_from_country",
    "department_from_title",
    "sales_motion",
    "seniority_from_title",
    "size_band",
    "territory_from_country",
    "territory_from_region",
    "vertical_from_industry",
]

_SIZE_BANDS: tuple[tuple[int, SizeBand], ...] = (
    (5000, "5000+"),
    (1000, "1000-4999"),
    (200, "200-999"),
    (50, "50-199"),
    (1, "1-49"),
)


def size_band(employee_count: int | None) -> SizeBand:
    """The company-size band of a head count; a missing or zero head count is "unknown" (forms
    send 0 when the field was left empty)."""
    if employee_count is None:
        return "unknown"
    for lower_bound, band in _SIZE_BANDS:
        if employee_count >= lower_bound:
            return band
    return "unknown"


def sales_motion(
    employee_count: int | None,
    annual_revenue: float | None,
    account: AccountMatch | None,
    config: EnrichmentConfig,
) -> Motion:
    """Enterprise when the company is big (head count or revenue at or above the configured
    thresholds) or its matched account is in an enterprise tier (key, strategic); else
    transactional. Unknown size alone never makes a lead enterprise."""
    if account is not None and account.tier in config.enterprise_tiers:
        return "enterprise"
    if employee_count is not None and employee_count >= config.enterprise_min_employees:
        return "enterprise"
    if annual_revenue is not None and annual_revenue >= config.enterprise_min_revenue:
        return "enterprise"
    return "transactional"
