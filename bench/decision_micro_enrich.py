"""Microseconds per enrich_lead + score_lead over synthetic leads against a 10,000-account index.

Usage: .venv/bin/python bench/decision_micro_enrich.py [LEADS]   (default 10,000)
"""

import sys
import time
from datetime import UTC, datetime, timedelta

from schemas.accounts import Account
from schemas.events import ActivityType, LeadAttributes
from schemas.profiles import ActivityRecord
from service.accounts import AccountIndex
from service.config import EnrichmentConfig, ScoringConfig
from service.enrichment import enrich_lead
from service.scoring import score_lead

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
_TITLES = ("VP Marketing", "Software Engineer", "Head of IT", "CEO", "Select", "Sales Manager")
_COUNTRIES = ("USA", "Deutschland", "U.K.", "Japan", "Brasil", "N/A")
_INDUSTRIES = ("Banking", "Biotech", "Retail", "Software", None, "Hospitality")
_KINDS: tuple[ActivityType, ...] = (
    "email_open",
    "pricing_page_view",
    "demo_request",
    "webinar_attended",
)


def synthetic_lead(number: int, accounts: int) -> LeadAttributes:
    company = (number * 7) % (accounts * 2)  # half the leads belong to a known account
    email_domain = "gmail.com" if number % 5 == 0 else f"company{company}.com"
    return LeadAttributes(
        email=f"Person.{number}@{email_domain}",
        job_title=_TITLES[number % len(_TITLES)],
        company_name=f"Company {company} Inc.",
        website=f"https://www.company{company}.com/" if number % 3 == 0 else None,
        country=_COUNTRIES[number % len(_COUNTRIES)],
        industry=_INDUSTRIES[number % len(_INDUSTRIES)],
        employee_count=(number * 13) % 8000 or None,
    )


def synthetic_activities(number: int) -> list[ActivityRecord]:
    return [
        ActivityRecord(
            type=_KINDS[(number + step) % len(_KINDS)],
            occurred_at=NOW - timedelta(days=(number * 3 + step * 5) % 60),
        )
        for step in range(number % 8)
    ]


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    account_count = 10_000
    index = AccountIndex()
    for number in range(account_count):
        index.upsert(
            Account(
                account_id=f"acc-{number}",
                name=f"Company {number} Inc.",
                domains=(f"company{number}.com",),
                industry="Banking" if number % 2 else None,
                employee_count=number % 3000,
                tier="key" if number % 10 == 0 else "standard",
            )
        )
    leads = [synthetic_lead(number, account_count) for number in range(count)]
    activities = [synthetic_activities(number) for number in range(count)]
    enrichment_config, scoring_config = EnrichmentConfig(), ScoringConfig()

    started = time.perf_counter()
    enrichments = [enrich_lead(lead, index, enrichment_config) for lead in leads]
    enriched = time.perf_counter()
    scores = [
        score_lead(enrichment, history, NOW, scoring_config)
        for enrichment, history in zip(enrichments, activities, strict=True)
    ]
    scored = time.perf_counter()

    matched = sum(1 for enrichment in enrichments if enrichment.account is not None)
    ready = sum(1 for score in scores if score.sales_ready)
    print(f"leads: {count:,} ({matched:,} matched to an account, {ready:,} sales-ready)")
    print(f"enrich_lead: {(enriched - started) / count * 1e6:.1f} µs per lead")
    print(f"score_lead:  {(scored - enriched) / count * 1e6:.1f} µs per lead")
    print(f"together:    {(scored - started) / count * 1e6:.1f} µs per lead")


if __name__ == "__main__":
    main()
