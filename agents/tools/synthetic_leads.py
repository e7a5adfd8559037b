"""The people the synthetic feed (`agents.tools.synthetic`) writes about: leads made up at the
CRM's accounts (from their domains), at other companies, or with a free mailbox or no email at
all, and which of them engages next.

The pool keeps the last `max_active_leads` leads created (older ones stop engaging), and the
most recent ones get most of the engagement.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from agents.tools.feed_keys import KeyChooser
from agents.tools.ring import Ring
from agents.tools.synthetic_draws import Draws, cumulative, log_uniform
from agents.tools.synthetic_vocabulary import (
    COUNTRIES,
    FIRST_NAMES,
    FREE_MAIL,
    INDUSTRIES,
    INTERESTS,
    LAST_NAMES,
    LEGAL_FORMS,
    NAME_ENDINGS,
    NAME_STEMS,
    NAME_SUFFIXES,
    REGIONS,
    SENIORITY_TITLES,
    SOURCES,
    TLDS,
)
from schemas.accounts import Account

# Recently created leads are the active ones: most engagement is theirs.
_HOT_LEADS: Final = 500
_HOT_SHARE: Final = 0.3
_ACCOUNT_EMAIL_SHARE: Final = 0.35
_BUSINESS_EMAIL_SHARE: Final = 0.40
_FREE_EMAIL_SHARE: Final = 0.22  # the rest (3%) have no email, only the source's id
_OTHER_COMPANIES: Final = 2000


@dataclass(frozen=True, slots=True)
class _Company:
    name: str
    domain: str
    country: str
    industry: str
    employee_count: int


@dataclass(frozen=True, slots=True)
class Lead:
    key: bytes
    source: str
    attributes: dict[str, Any]
    identity: bytes | None = None  # the key intake gives it, when the feed keys records by it


class LeadPool(Draws):
    """Leads created by `new_lead()` and picked again by `active_lead()`, drawing from `rng`.

    `accounts` are the CRM accounts whose domains some leads use (those without domains are
    left out); `keys` gives each lead the identity intake would. The companies the CRM does not
    know are drawn once, here.
    """

    def __init__(
        self,
        rng: random.Random,
        accounts: Sequence[Account],
        keys: KeyChooser,
        max_active_leads: int,
    ) -> None:
        super().__init__(rng)
        self.keys = keys
        self.accounts = [account for account in accounts if account.domains]
        self.leads: Ring[Lead] = Ring(max_active_leads)
        self.leads_created = 0
        self._title_groups = [titles for _, titles in SENIORITY_TITLES]
        self._title_cum = cumulative([weight for weight, _ in SENIORITY_TITLES])
        self._country_groups = [names for _, names in COUNTRIES]
        self._country_cum = cumulative([weight for weight, _ in COUNTRIES])
        self._sources = [(name, prefix) for name, prefix, _ in SOURCES]
        self._source_cum = cumulative([weight for _, _, weight in SOURCES])
        self.companies = [self._company() for _ in range(_OTHER_COMPANIES)]

    def new_lead(self) -> Lead:
        self.leads_created += 1
        number = self.leads_created
        source, prefix = self._sources[self._pick(self._source_cum)]
        first, last = self._choose(FIRST_NAMES), self._choose(LAST_NAMES)
        local = f"{first}.{last}".lower()
        attributes: dict[str, Any] = {
            "external_id": f"{prefix}-{number:08d}",
            "first_name": first,
            "last_name": last,
            "job_title": self._title() if self._random() < 0.92 else None,
        }
        kind = self._random()
        if kind < _ACCOUNT_EMAIL_SHARE and self.accounts:
            attributes.update(self._account_person(local))
        elif kind < _ACCOUNT_EMAIL_SHARE + _BUSINESS_EMAIL_SHARE:
            attributes.update(self._business_person(local))
        else:
            has_email = kind < _ACCOUNT_EMAIL_SHARE + _BUSINESS_EMAIL_SHARE + _FREE_EMAIL_SHARE
            attributes.update(self._private_person(local if has_email else None))
        count = attributes.get("employee_count")
        if count is not None and self._random() < 0.5:
            attributes["annual_revenue"] = float(count * (80 + self._below(320)) * 1000)
        if self._random() < 0.6:
            attributes["phone"] = f"+1 555 {self._below(10_000):04d}"
        if self._random() < 0.5:
            attributes["product_interest"] = self._choose(INTERESTS)
        if self._random() < 0.03:
            attributes["do_not_email"] = True
        attributes = {name: value for name, value in attributes.items() if value is not None}
        identity = self.keys.identity(attributes, source)
        lead = Lead(attributes["external_id"].encode(), source, attributes, identity)
        self.leads.add(lead)
        return lead

    def active_lead(self) -> Lead:
        count = len(self.leads)
        if count > _HOT_LEADS and self._random() < _HOT_SHARE:
            return self.leads.newest(self._below(_HOT_LEADS))
        return self.leads[self._below(count)]

    def _company(self) -> _Company:
        stem, ending = self._choose(NAME_STEMS), self._choose(NAME_ENDINGS)
        suffix = self._choose(NAME_SUFFIXES)
        legal = self._choose(LEGAL_FORMS)
        name = f"{stem}{ending} {suffix}" + (f" {legal}" if legal else "")
        domain = f"{stem}{ending}-{suffix}".lower() + self._choose(TLDS)
        group = self._country_groups[self._pick(self._country_cum)]
        return _Company(
            name=name,
            domain=domain,
            country=self._choose(group),
            industry=self._choose(INDUSTRIES),
            employee_count=log_uniform(self._random()),
        )

    def _title(self) -> str:
        return self._choose(self._title_groups[self._pick(self._title_cum)])

    def _account_person(self, local: str) -> dict[str, Any]:
        """Someone at a CRM account, writing from one of its domains."""
        account = self._choose(self.accounts)
        domain = self._choose(account.domains)
        return {
            "email": f"{local}@{domain}",
            "company_name": account.name,
            "website": f"https://www.{domain}" if self._random() < 0.6 else None,
            "country": account.country,
            "region": account.region,
            "industry": account.industry if self._random() < 0.8 else None,
            "employee_count": account.employee_count if self._random() < 0.7 else None,
        }

    def _business_person(self, local: str) -> dict[str, Any]:
        """Someone at a company the CRM does not know, with a business address."""
        company = self._choose(self.companies)
        return {
            "email": f"{local}@{company.domain}",
            "company_name": company.name,
            "website": company.domain if self._random() < 0.7 else None,
            "country": company.country or None,
            "region": self._choose(REGIONS.get(company.country, ("",))) or None,
            "industry": company.industry if self._random() < 0.75 else None,
            "employee_count": company.employee_count if self._random() < 0.8 else None,
        }

    def _private_person(self, local: str | None) -> dict[str, Any]:
        """A free-mail address (or none at all: only the source's id), company details sparse."""
        company = self._choose(self.companies)
        email = None
        if local is not None:
            email = f"{local}{self._below(100)}@{self._choose(FREE_MAIL)}"
        return {
            "email": email,
            "company_name": company.name if self._random() < 0.6 else None,
            "country": company.country or None,
            "industry": company.industry if self._random() < 0.4 else None,
            "employee_count": company.employee_count if self._random() < 0.3 else None,
        }
