from typing import Any

from schemas.accounts import Account
from schemas.events import LeadAttributes
from service.accounts import AccountIndex
from service.config import EnrichmentConfig
from service.enrichment import enrich_lead

CONFIG = EnrichmentConfig()


def _accounts(*accounts: Account) -> AccountIndex:
    index = AccountIndex()
    for account in accounts:
        index.upsert(account)
    return index


def _acme(**fields: Any) -> Account:
    values: dict[str, Any] = {"account_id": "a1", "name": "Acme Inc", "domains": ("acme.com",)}
    return Account(**(values | fields))


def test_a_lead_from_a_known_company_is_matched_and_described() -> None:
    lead = LeadAttributes(
        email=" Jane@ACME.com ",
        job_title="VP, Marketing",
        country="Deutschland",
        industry="Banking",
        employee_count=300,
    )
    enrichment = enrich_lead(lead, _accounts(_acme(tier="key", owner_rep_id="rep-1")), CONFIG)
    assert enrichment.email == "jane@acme.com"
    assert enrichment.email_domain == "acme.com"
    assert enrichment.company_domain == "acme.com"
    assert not enrichment.is_free_email
    assert enrichment.account is not None
    assert (enrichment.account.account_id, enrichment.account.method) == ("a1", "email_domain")
    assert (enrichment.seniority, enrichment.department) == ("vp", "marketing")
    assert (enrichment.country_code, enrichment.territory) == ("DE", "EMEA")
    assert enrichment.vertical == "Financial Services"
    assert (enrichment.employee_count, enrichment.size_band) == (300, "200-999")
    assert enrichment.motion == "enterprise"  # a key account, whatever its size


def test_the_accounts_company_facts_win_over_the_leads_answers() -> None:
    account = _acme(industry="Pharmaceuticals", employee_count=20_000, annual_revenue=5e9)
    lead = LeadAttributes(
        email="jane@acme.com", industry="Retail", employee_count=10, annual_revenue=1e6
    )
    enrichment = enrich_lead(lead, _accounts(account), CONFIG)
    assert enrichment.vertical == "Pharmaceuticals"
    assert (enrichment.employee_count, enrichment.annual_revenue) == (20_000, 5e9)
    assert (enrichment.size_band, enrichment.motion) == ("5000+", "enterprise")


def test_the_leads_answers_fill_gaps_in_the_account() -> None:
    lead = LeadAttributes(email="jane@acme.com", industry="Retail", employee_count=60)
    enrichment = enrich_lead(lead, _accounts(_acme(industry="Unknown")), CONFIG)
    assert enrichment.vertical == "Retailers"
    assert (enrichment.employee_count, enrichment.size_band) == (60, "50-199")


def test_the_leads_own_country_wins_over_the_account_headquarters() -> None:
    lead = LeadAttributes(email="jane@acme.com", country="Japan")
    enrichment = enrich_lead(lead, _accounts(_acme(country="US")), CONFIG)
    assert (enrichment.country_code, enrichment.territory) == ("JP", "APAC")


def test_the_account_country_is_used_when_the_lead_gave_none_usable() -> None:
    lead = LeadAttributes(email="jane@acme.com", country="Select")
    enrichment = enrich_lead(lead, _accounts(_acme(country="United States")), CONFIG)
    assert (enrichment.country_code, enrichment.territory) == ("US", "NA")


def test_a_free_mail_lead_is_matched_by_website_and_has_no_company_domain_from_email() -> None:
    lead = LeadAttributes(email="jane.doe@gmail.com", website="https://www.acme.com/")
    enrichment = enrich_lead(lead, _accounts(_acme()), CONFIG)
    assert enrichment.is_free_email
    assert enrichment.email_domain == "gmail.com"
    assert enrichment.company_domain == "acme.com"
    assert enrichment.account is not None
    assert enrichment.account.method == "website_domain"


def test_a_free_mail_lead_without_website_has_no_company_domain() -> None:
    enrichment = enrich_lead(LeadAttributes(email="jane@yahoo.co.uk"), _accounts(), CONFIG)
    assert enrichment.is_free_email
    assert enrichment.company_domain is None
    assert enrichment.account is None


def test_a_free_mail_lead_can_still_match_by_company_name() -> None:
    lead = LeadAttributes(email="jane@gmail.com", company_name="ACME, Inc.")
    enrichment = enrich_lead(lead, _accounts(_acme()), CONFIG)
    assert enrichment.account is not None
    assert enrichment.account.method == "company_name"


def test_an_unknown_company_is_described_from_the_leads_answers_alone() -> None:
    lead = LeadAttributes(
        email="bob@initech.io",
        job_title="Software Engineer",
        country="USA",
        industry="Software",
        employee_count=5000,
    )
    enrichment = enrich_lead(lead, _accounts(_acme()), CONFIG)
    assert enrichment.account is None
    assert enrichment.company_domain == "initech.io"
    assert (enrichment.seniority, enrichment.vertical) == ("individual_contributor", "Other")
    assert (enrichment.territory, enrichment.size_band, enrichment.motion) == (
        "NA",
        "5000+",
        "enterprise",
    )


def test_a_lead_with_only_an_external_id_gets_unknowns_not_errors() -> None:
    enrichment = enrich_lead(LeadAttributes(external_id="123"), _accounts(_acme()), CONFIG)
    assert enrichment.email is None
    assert enrichment.account is None
    assert (enrichment.seniority, enrichment.department) == ("unknown", "unknown")
    assert (enrichment.territory, enrichment.size_band, enrichment.vertical) == (
        "UNKNOWN",
        "unknown",
        "Other",
    )
    assert enrichment.motion == "transactional"


def test_huge_values_are_carried_through() -> None:
    lead = LeadAttributes(email="ceo@bigco.com", employee_count=10_000_000, annual_revenue=1e13)
    enrichment = enrich_lead(lead, _accounts(), CONFIG)
    assert (enrichment.size_band, enrichment.motion) == ("5000+", "enterprise")
    assert enrichment.annual_revenue == 1e13


def test_enrichment_follows_the_accounts_view_as_the_crm_changes_it() -> None:
    lead = LeadAttributes(email="jane@acme.com", industry="Retail", employee_count=60)
    index = _accounts(_acme(industry="Pharmaceuticals", employee_count=20_000))
    first = enrich_lead(lead, index, CONFIG)
    assert (first.vertical, first.employee_count) == ("Pharmaceuticals", 20_000)
    assert enrich_lead(lead, index, CONFIG) == first

    index.upsert(_acme(industry="Banking", employee_count=None, tier="strategic"))
    updated = enrich_lead(lead, index, CONFIG)
    assert (updated.vertical, updated.employee_count) == ("Financial Services", 60)
    assert updated.account is not None
    assert updated.account.tier == "strategic"

    index.remove("a1")
    gone = enrich_lead(lead, index, CONFIG)
    assert gone.account is None
    assert (gone.vertical, gone.employee_count) == ("Retailers", 60)


def test_the_email_domain_is_that_of_the_normalised_email_normalised_again() -> None:
    lead = LeadAttributes(email="Jane@WWW.www.Acme.com")
    enrichment = enrich_lead(lead, _accounts(_acme()), CONFIG)
    assert enrichment.email == "jane@www.acme.com"
    assert enrichment.email_domain == "acme.com"
    assert enrichment.account is not None
    assert enrichment.account.method == "email_domain"


def test_a_lead_that_matches_no_account_says_why() -> None:
    accounts = _accounts(_acme(), Account(account_id="a2", name="Acme Industries"))
    nothing = enrich_lead(LeadAttributes(email="jane@gmail.com"), accounts, CONFIG)
    unknown = enrich_lead(LeadAttributes(email="jane@initech.com"), accounts, CONFIG)
    typo = enrich_lead(LeadAttributes(company_name="Acme Indstrs"), accounts, CONFIG)
    assert (nothing.account, nothing.account_unmatched_reason) == (None, "no_company_data")
    assert (unknown.account, unknown.account_unmatched_reason) == (None, "no_such_account")
    assert (typo.account, typo.account_unmatched_reason) == (None, "weak_name_match")
    matched = enrich_lead(LeadAttributes(company_name="Acme Industriess"), accounts, CONFIG)
    assert matched.account is not None
    assert (matched.account.method, matched.account_unmatched_reason) == ("fuzzy_name", None)


def test_a_subsidiary_lead_is_enriched_with_its_parents_owner_but_its_own_facts() -> None:
    parent = _acme(tier="key", owner_rep_id="rep-1", employee_count=50_000)
    child = Account(
        account_id="c1",
        name="Acme Labs Ltd",
        domains=("acmelabs.co.uk",),
        employee_count=40,
        country="GB",
        parent_account_id="a1",
    )
    enrichment = enrich_lead(
        LeadAttributes(email="jo@acmelabs.co.uk"), _accounts(parent, child), CONFIG
    )
    assert enrichment.account is not None
    assert (enrichment.account.account_id, enrichment.account.via_parent_account_id) == ("c1", "a1")
    assert (enrichment.account.owner_rep_id, enrichment.account.tier) == ("rep-1", "key")
    assert (enrichment.employee_count, enrichment.country_code) == (40, "GB")
    assert enrichment.motion == "enterprise"  # routed as the key account it belongs to
