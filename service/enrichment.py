"""Lead enrichment: what the lead's attributes and the accounts view together say about a lead."""

from schemas.enrichment import Enrichment
from schemas.events import LeadAttributes
from service.accounts import AccountIndex
from service.config import EnrichmentConfig
from service.countries import (
    country_code_from_country,
    territory_from_country,
    territory_from_region,
)
from service.departments import department_from_title
from service.domains import is_free_email_domain, normalize_domain
from service.email_addresses import email_domain, normalize_email
from service.firmographics import sales_motion, size_band
from service.free_text import clean_text
from service.seniority import seniority_from_title
from service.verticals import vertical_from_industry


def enrich_lead(
    attributes: LeadAttributes, accounts: AccountIndex, config: EnrichmentConfig
) -> Enrichment:
    """Match the lead to a CRM account and derive its firmographics, seniority and motion.

    Which source wins when both know a fact:
    - company facts (industry, employee count, revenue) come from the matched account when the
      CRM has them: sales maintains them, while form answers are guesses from a drop-down; the
      lead's own answers fill the gaps;
    - location comes from the lead when it gave a recognisable country (the person may work
      in another country than the account's headquarters), else from the account; a region
      instead of a country ("Asia/Pacific Region") still gives the territory.
    The company domain is the website's domain, else the email domain unless that is free mail.
    A lead that matches no account says why (`account_unmatched_reason`); one that matches an
    ownerless subsidiary carries the parent account's owner, team and tier for routing.
    """
    email = normalize_email(attributes.email)
    mail_domain = email_domain(email)
    is_free_email = is_free_email_domain(mail_domain)
    website_domain = normalize_domain(attributes.website)
    company_domain = website_domain
    if company_domain is None and not is_free_email:
        company_domain = mail_domain
    match, account, unmatched_reason = accounts.lookup(
        mail_domain, website_domain, attributes.company_name
    )

    industry = attributes.industry
    employee_count = attributes.employee_count
    annual_revenue = attributes.annual_revenue
    country_code = country_code_from_country(attributes.country)
    if account is not None:
        if clean_text(account.industry) is not None:
            industry = account.industry
        if account.employee_count is not None:
            employee_count = account.employee_count
        if account.annual_revenue is not None:
            annual_revenue = account.annual_revenue
        country_code = country_code or country_code_from_country(account.country)
    territory = territory_from_country(country_code)
    if territory == "UNKNOWN":
        # No country, but perhaps a region ("Asia/Pacific Region", "EMEA") in the country field.
        territory = territory_from_region(attributes.country)
        if territory == "UNKNOWN" and account is not None:
            territory = territory_from_region(account.country)

    return Enrichment(
        email=email,
        email_domain=mail_domain,
        company_domain=company_domain,
        is_free_email=is_free_email,
        account=match,
        account_unmatched_reason=unmatched_reason,
        seniority=seniority_from_title(attributes.job_title),
        department=department_from_title(attributes.job_title),
        vertical=vertical_from_industry(industry),
        country_code=country_code,
        territory=territory,
        employee_count=employee_count,
        annual_revenue=annual_revenue,
        size_band=size_band(employee_count),
        motion=sales_motion(employee_count, annual_revenue, match, config),
    )
