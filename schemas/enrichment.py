"""What enrichment adds to a lead: account match, firmographics, seniority, vertical, motion."""

from typing import Literal

from pydantic import Field

from schemas.accounts import AccountTier, CustomerStatus
from schemas.base import OutputModel

Seniority = Literal["c_level", "vp", "director", "manager", "individual_contributor", "unknown"]
Department = Literal[
    "executive",
    "sales",
    "marketing",
    "it",
    "engineering",
    "finance",
    "operations",
    "hr",
    "legal",
    "procurement",
    "other",
    "unknown",
]
Vertical = Literal[
    "Sales Organizations",
    "Pharmaceuticals",
    "Consulting",
    "Automobiles",
    "Financial Services",
    "Marketing Organizations",
    "Consumer Products",
    "Travel and Leisure",
    "Retailers",
    "Entertainment",
    "Other",
]
Territory = Literal["NA", "EMEA", "APAC", "LATAM", "UNKNOWN"]
SizeBand = Literal["1-49", "50-199", "200-999", "1000-4999", "5000+", "unknown"]
Motion = Literal["transactional", "enterprise"]
MatchMethod = Literal["email_domain", "website_domain", "company_name", "fuzzy_name", "none"]
# Why a lead matched no account: it named no usable domain or company; nothing in the view is
# close; two or more accounts fit its company name equally well; or the closest name is too far.
AccountUnmatchedReason = Literal[
    "no_company_data", "no_such_account", "ambiguous_name", "weak_name_match"
]


class AccountMatch(OutputModel):
    """The CRM account a lead belongs to, copied at match time so decisions can be replayed."""

    account_id: str
    name: str
    method: MatchMethod
    tier: AccountTier
    customer_status: CustomerStatus
    owner_rep_id: str | None = None
    cover_rep_id: str | None = None
    account_team: tuple[str, ...] = ()
    via_parent_account_id: str | None = Field(
        default=None,
        description="set when the matched account has no owner and tier, owner, cover rep and "
        "team are its parent account's",
    )


class Enrichment(OutputModel):
    email: str | None = None
    email_domain: str | None = None
    company_domain: str | None = None
    is_free_email: bool = False
    account: AccountMatch | None = None
    account_unmatched_reason: AccountUnmatchedReason | None = None
    seniority: Seniority = "unknown"
    department: Department = "unknown"
    vertical: Vertical = "Other"
    country_code: str | None = None
    territory: Territory = "UNKNOWN"
    employee_count: int | None = None
    annual_revenue: float | None = None
    size_band: SizeBand = "unknown"
    motion: Motion = "transactional"
