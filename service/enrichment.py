"""Lead enrichment: what the lead's attributes and the accounts view together say about a lead."""

from schemas.enrichment import Enrichment
from schemas.events import LeadAttributes
from service.accounts import AccountIndex
from service.config import EnrichmentConfig
from service.firmographics import (
    country_code_from_country,
    department_from_title,
    sales_motion,
    seniority_from_title,
    size_band,
    territory_from_country,
    vertical_from_industry,
)
from service.normalize import (
    clean_text,
    email_domain,
    is_free_email_domain,
    normalize_domain,
    normalize_email,
)


def enrich_lead(
    attributes: LeadAttributes, accounts: AccountIndex, config: EnrichmentConfig
) -> Enrichment:
    """Match the lead to a CRM account and derive its firmographics, seniority and motion.

    Which source wins when both know a fact:
    - company facts (industry, employee count, revenue) come from the matched account when the
      CRM has them: sales maintains them, while form answers are guesses from a drop-down; the
      lead's own answers fill the gaps;
    - location comes from the lead when it gave a recognisable country (the person may work
      in another country than the account's headquarters), else from the account.
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
        territory=territory_from_country(country_code),
        employee_count=employee_count,
        annual_revenue=annual_revenue,
        size_band=size_band(employee_count),
        motion=sales_motion(employee_count, annual_revenue, match, config),
    )
